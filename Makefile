# The two commands a newcomer needs: `make run` (set up and serve the demo) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test lint format test-sqlite test-postgres bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load the demo into an empty database, serve it on http://127.0.0.1:5000
run: install
	$(BIN)/flask --app wsgi seed-demo
	@echo "Serving Highlight on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

## make test: install, lint and type-check, and run every test (on PostgreSQL too when TEST_POSTGRES_URL is set)
test: lint test-sqlite
	@if [ -n "$$TEST_POSTGRES_URL" ]; then $(MAKE) --no-print-directory test-postgres; fi

# One test process per core; worksteal evens out the slow browser tests.
PYTEST := $(BIN)/python -m pytest -n auto --dist worksteal

# The SQLite leg leaves out the tests of several servers over one PostgreSQL database (marker "servers"); the
# PostgreSQL leg runs every test.
test-sqlite: install
	$(BIN)/python -m tests.browser_setup
	$(PYTEST) -m "not servers"

test-postgres: install
	@if [ -z "$$TEST_POSTGRES_URL" ]; then \
		echo "Set TEST_POSTGRES_URL=postgresql://user:password@host/postgres (a role that may create databases and roles)"; \
		exit 1; \
	fi
	@echo "Running the whole suite again against PostgreSQL"
	$(BIN)/python -m tests.browser_setup
	TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(PYTEST)

# The same checks as .pre-commit-config.yaml: ruff, then mypy over app/domain and app/services ([tool.mypy]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

include assets/assets.mk
