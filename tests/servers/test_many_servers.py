"""Two app servers (gunicorn, on two loopback ports, each with its own instance folder) and one job worker over one
PostgreSQL database, as production runs them behind a load balancer: a session, a sign-in throttle count, a kept
export and a queued board pack are the same whichever server answers.

Needs PostgreSQL (TEST_DATABASE_URL): the PostgreSQL leg of ``make test`` always runs it; the SQLite leg deselects
it by its ``servers`` marker (the Makefile's ``-m "not servers"``)."""

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.models import KeptExport, PreparedPack
from bench.run import stop_process
from tests.factories import PASSWORD
from tests.reports.conftest import demo  # noqa: F401  (the demo fixture)

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_LIMIT = 3
METRICS_TOKEN = secrets.token_hex(16)
WAIT_SECONDS = 240


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process:
    name: str
    process: subprocess.Popen
    log: Path
    port: int | None = None

    def stop(self) -> None:
        stop_process(self.process)

    def json_lines(self) -> list[dict]:
        lines = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    continue
        return lines


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def page(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "html.parser")


@dataclass
class Person:
    """Someone whose browser's cookie goes to whichever server the balancer picks."""

    cookies: dict[str, str] = field(default_factory=dict)

    def ask(self, server: Process, method: str, path: str, form: dict | None = None, headers=None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            answer = Answer(response.status, dict(response.getheaders()), response.read())
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return answer
        finally:
            conn.close()

    def csrf(self, server: Process, path: str) -> str:
        page = self.ask(server, "GET", path)
        assert page.status == 200, (path, page.status)
        return page.page().select_one("input[name=csrf_token]")["value"]

    def sign_in(self, server: Process, email: str, password: str = PASSWORD) -> Answer:
        token = self.csrf(server, url_for("auth.login"))
        return self.ask(
            server, "POST", url_for("auth.login"), {"csrf_token": token, "email": email, "password": password}
        )


def _start(name: str, command: list[str], env: dict, log: Path, port: int | None = None) -> Process:
    out = log.open("ab")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    return Process(name, process, log, port)


def _wait_ready(server: Process) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.name} exited: {server.log.read_text()[-3000:]}")
        try:
            if Person().ask(server, "GET", url_for("ops.readyz")).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{server.name} was not ready: {server.log.read_text()[-3000:]}")


@pytest.fixture
def service(app, tmp_path):
    """Servers A (two gunicorn workers) and B (one), and a job worker, on the test's PostgreSQL database."""
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    assert database.startswith("postgresql"), "several servers share a PostgreSQL database: set TEST_DATABASE_URL"
    env = {
        **os.environ,
        "HIGHLIGHT_ENV": "production",
        "DATABASE_URL": database,
        "SECRET_KEY": secrets.token_hex(32),
        "TOTP_ENCRYPTION_KEY": app.config["TOTP_ENCRYPTION_KEY"],
        "METRICS_TOKEN": METRICS_TOKEN,
        "LOG_FORMAT": "json",
        "SIGN_IN_ACCOUNT_LIMIT": f"{ACCOUNT_LIMIT} per 15 minutes",
        "SIGN_IN_ADDRESS_LIMIT": "1000 per minute",
        # These people sign in with a password alone: the second factor has tests of its own (tests/auth).
        "MFA_REQUIRED": "0",
    }
    for name in ("RATELIMIT_STORAGE_URI", "JOB_QUEUE", "PROMETHEUS_MULTIPROC_DIR", "MIGRATION_DATABASE_URL"):
        env.pop(name, None)
    started: list[Process] = []
    try:
        for name, workers in (("A", 2), ("B", 1)):
            port = _free_port()
            server_env = {
                **env,
                "HIGHLIGHT_INSTANCE": str(tmp_path / f"instance-{name}"),
                "BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": str(workers),
            }
            command = [sys.executable, "-m", "gunicorn", "wsgi:app"]
            started.append(_start(name, command, server_env, tmp_path / f"server-{name}.log", port))
        worker_env = {**env, "HIGHLIGHT_INSTANCE": str(tmp_path / "instance-worker")}
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
        started.append(_start("worker", command, worker_env, tmp_path / "worker.log"))
        for server in started[:2]:
            _wait_ready(server)
        yield started
    finally:
        for process in started:
            process.stop()


def _wait_for(what: str, check, worker: Process):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}: {worker.log.read_text()[-3000:]}")
        time.sleep(0.5)
    pytest.fail(f"waited {WAIT_SECONDS} s for {what}: {worker.log.read_text()[-3000:]}")


def _kept_count() -> int:
    db.session.rollback()  # a new snapshot of what the servers committed
    return db.session.scalar(select(func.count(KeptExport.id)))


def _logged_by_job(worker: Process, task: str) -> set[str]:
    """The request ids the worker's log lines of ``task`` jobs carry."""
    return {line["request_id"] for line in worker.json_lines() if (line.get("queued_job") or "").startswith(task)}


def _metric(body: str, name: str, **labels) -> float:
    wanted = sorted(f'{k}="{v}"' for k, v in labels.items())
    total = 0.0
    for line in body.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and sorted(match.group(1).split(",")) == wanted:
            total += float(match.group(2))
    return total


def test_two_servers_and_a_worker_over_one_database_give_the_same_answers(app, demo, service):  # noqa: F811
    a, b, worker = service
    report, meeting = demo.report.id, demo.meeting.id

    # A session made on A is good on B, and ended on B is ended on A.
    lead = Person()
    assert lead.sign_in(a, demo.lead.email).status == 303
    assert lead.ask(b, "GET", url_for("dashboard.index")).status == 200
    leaving = Person(dict(lead.cookies))
    token = leaving.csrf(b, url_for("dashboard.index"))
    assert leaving.ask(b, "POST", url_for("auth.logout"), {"csrf_token": token}).status in (302, 303)
    assert "/auth/sign-in" in lead.ask(a, "GET", url_for("dashboard.index")).headers.get("Location", "")
    assert lead.sign_in(b, demo.lead.email).status == 303

    # One account's failed sign-ins are counted once, whichever server each try reaches.
    guesser = Person()
    statuses = [guesser.sign_in((a, b)[i % 2], "nobody@example.org", "not the password").status for i in range(4)]
    assert statuses == [401] * ACCOUNT_LIMIT + [429]
    assert guesser.sign_in(a, "nobody@example.org", "not the password").status == 429

    # Submitted on A, signed off on B: the worker draws and keeps the paper's files, served the same by both.
    token = lead.csrf(a, url_for("reports.submit", report_id=report))
    assert lead.ask(a, "POST", url_for("reports.submit", report_id=report), {"csrf_token": token}).status == 303
    sponsor = Person()
    assert sponsor.sign_in(b, demo.sponsor.email).status == 303
    confirm = sponsor.ask(b, "GET", url_for("reports.sign_off", report_id=report)).page()
    form = {field["name"]: field.get("value", "") for field in confirm.select("form input[type=hidden]")}
    signed = sponsor.ask(
        b, "POST", url_for("reports.sign_off", report_id=report), form, headers={"X-Request-ID": "sign-off-on-b"}
    )
    assert signed.status == 303
    _wait_for("the signed paper's files", lambda: _kept_count() >= 2, worker)
    assert "sign-off-on-b" in _logged_by_job(worker, "render_signed_paper")
    viewer = Person()
    assert viewer.sign_in(a, demo.viewer.email).status == 303
    for endpoint in ("reports.download_pdf", "reports.download_docx"):
        path = url_for(endpoint, report_id=report)
        from_a, from_b = viewer.ask(a, "GET", path), viewer.ask(b, "GET", path)
        assert from_a.status == from_b.status == 200, endpoint
        assert from_a.body == from_b.body, endpoint
    assert _kept_count() == 2  # neither server drew them again

    # The board pack asked for on A answers at once; B shows the same pack; the worker draws it; both serve it.
    pack_page = url_for("reports.board_pack", meeting_id=meeting)
    pack_pdf = url_for("reports.board_pack_pdf", meeting_id=meeting)
    token = sponsor.csrf(a, pack_page)
    asked = sponsor.ask(a, "POST", pack_page, {"csrf_token": token}, headers={"X-Request-ID": "pack-on-a"})
    assert asked.status == 303
    shown = sponsor.ask(b, "GET", pack_page).page().select_one("#pack-status").get_text()
    assert "has not been asked for" not in shown

    def ready() -> bool:
        status = sponsor.ask(b, "GET", pack_page, headers={"HX-Request": "true"}).page().select_one("#pack-status")
        return "ready" in status.get_text()

    _wait_for("the board pack", ready, worker)
    from_a, from_b = sponsor.ask(a, "GET", pack_pdf), sponsor.ask(b, "GET", pack_pdf)
    assert from_a.status == from_b.status == 200
    assert from_a.body == from_b.body and from_a.body.startswith(b"%PDF")
    db.session.rollback()
    assert db.session.scalar(select(func.count(PreparedPack.id))) == 1
    assert "pack-on-a" in _logged_by_job(worker, "draw_board_pack")

    # A's two workers count into one set of metrics: every request counted once, whichever worker answered.
    for _ in range(6):
        assert Person().ask(a, "GET", url_for("ops.healthz")).status == 200
    scraped = Person().ask(a, "GET", url_for("ops.metrics"), headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scraped.status == 200
    counted = _metric(scraped.text, "highlight_http_requests_total", endpoint="ops.healthz", method="GET", status="200")
    assert counted == 6
    assert Person().ask(b, "GET", url_for("ops.metrics")).status == 401
