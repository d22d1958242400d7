"""A real threaded server on a loopback port, and signed-in people talking to it over HTTP all at once: how the
concurrency tests send many requests together against the configured database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set). Loaded as a plugin by tests/conftest.py, which makes ``server`` a fixture everywhere."""

import threading
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One signed-in person talking to the server over HTTP, with their own cookies."""

    def __init__(self, base: str, email: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirect())
        status, _ = self.post("/auth/sign-in", {"email": email, "password": PASSWORD})
        assert status == 303, f"could not sign in as {email}"

    def post(self, path: str, data: dict, headers: dict | None = None) -> tuple[int, str]:
        # Only ever the loopback test server started by the fixture below.
        request = Request(self.base + path, data=urlencode(data).encode(), headers=headers or {}, method="POST")  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture
def server(app):
    """The app served on a free loopback port by a threaded server, stopped after the test."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=30)


def all_at_once(calls) -> list:
    """Run every call in its own thread, released together by a barrier; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=30)
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not t.is_alive() for t in threads), "a request did not finish"
    return results
