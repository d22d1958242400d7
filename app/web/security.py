"""Response headers: a strict Content-Security-Policy (no inline script or style) and friends."""

from flask import Flask

# The one inline script of govuk-frontend-jinja's template.html (it marks <body> as js-enabled), allowed by
# its hash; tests/web/test_security.py recomputes it from the rendered page so an upgrade cannot drift silently.
GOVUK_TEMPLATE_SCRIPT_HASH = "sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw="

CSP = (
    f"default-src 'self'; script-src 'self' '{GOVUK_TEMPLATE_SCRIPT_HASH}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
