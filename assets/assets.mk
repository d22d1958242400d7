# Front-end build: GOV.UK Frontend Sass -> static/app.css with Dart Sass from npm.
# Included from the top-level Makefile. Only needed when assets/scss/ or the pinned versions change:
# static/app.css is committed, so `make run` and `make test` never need Node.
# --ignore-scripts: sass's optional @parcel/watcher (used only by --watch) would otherwise try a native build.
.PHONY: assets
assets:
	cd assets && npm ci --ignore-scripts --no-audit --no-fund && npx sass --pkg-importer=node --load-path=node_modules --style=compressed --no-source-map scss/app.scss ../static/app.css
