"""Under gunicorn with two workers and the default settings (no Redis; the counts in the configured database: a
SQLite file, or PostgreSQL when TEST_DATABASE_URL is set), one account's sign-in tries are counted once for the whole
service, whichever worker answers each."""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import url_for

from app.extensions import db
from tests.factories import make_user

pytestmark = pytest.mark.concurrency

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_LIMIT = 5
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, port: int, log: Path):
        self.port, self.log = port, log

    def request(self, method: str, path: str, body: str = "", cookie: str = "") -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        if cookie:
            headers["Cookie"] = cookie
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()

    def worker_pids(self, status: int) -> set[str]:
        """The worker processes that answered a sign-in POST with ``status`` (from the access log)."""
        lines = self.log.read_text().splitlines()
        return {
            pid for pid, method, code in (line.split() for line in lines) if method == "POST" and code == str(status)
        }


@pytest.fixture
def served(app, tmp_path):
    """The app under gunicorn (the project's gunicorn.conf.py, 2 sync workers) on a free loopback port."""
    port, log = _free_port(), tmp_path / "access.log"
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "k" * 40,
        "TOTP_ENCRYPTION_KEY": app.config["TOTP_ENCRYPTION_KEY"],
        "HIGHLIGHT_INSTANCE": str(tmp_path / "instance"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SIGN_IN_ACCOUNT_LIMIT": f"{ACCOUNT_LIMIT} per 15 minutes",
        "SIGN_IN_ADDRESS_LIMIT": "1000 per minute",
    }
    env.pop("RATELIMIT_STORAGE_URI", None)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--access-logfile",
        str(log),
        "--access-logformat",
        "%(p)s %(m)s %(s)s",
    ]
    process = subprocess.Popen(
        [*command, "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    server = Server(port, log)
    health = url_for("dashboard.health")
    deadline = time.monotonic() + 90
    while True:
        try:
            if server.request("GET", health)[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"gunicorn did not start: {process.communicate()[1].decode()[-2000:]}")
        time.sleep(0.2)
    yield server
    process.terminate()
    process.wait(timeout=30)


def _form(server: Server) -> tuple[str, str]:
    """A session cookie and its CSRF token from the sign-in page (valid on every worker: one SECRET_KEY)."""
    status, headers, body = server.request("GET", url_for("auth.login"))
    assert status == 200
    return headers["Set-Cookie"].split(";")[0], _CSRF.search(body).group(1)


def test_one_accounts_tries_are_counted_once_across_workers(app, served):
    for email in ("priya@example.org", "sam@example.org"):
        make_user(email=email)
    db.session.commit()
    cookie, token = _form(served)
    sign_in = url_for("auth.login")  # worked out here: the threads below have no app context

    def try_once(email: str) -> tuple[int, dict]:
        body = urlencode({"csrf_token": token, "email": email, "password": "not the password"})
        status, headers, _ = served.request("POST", sign_in, body, cookie)
        return status, headers

    # One client, one try after another: the first refusal comes after exactly the limit.
    tries = 0
    while tries < 3 * ACCOUNT_LIMIT:
        tries += 1
        status, headers = try_once("priya@example.org")
        if status == 429:
            break
        assert status == 401
    assert tries == ACCOUNT_LIMIT + 1
    assert int(headers["Retry-After"]) > 0

    # Two clients at once on another account, so both workers are busy: still exactly the limit between them.
    statuses: list[int] = []

    def client() -> None:
        for _ in range(ACCOUNT_LIMIT + 1):
            statuses.append(try_once("sam@example.org")[0])

    threads = [threading.Thread(target=client) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [401] * ACCOUNT_LIMIT + [429] * (ACCOUNT_LIMIT + 2)
    assert len(served.worker_pids(401)) == 2, "both workers should have checked passwords"
