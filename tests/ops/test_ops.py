"""What a load balancer, a log collector and Prometheus read: /healthz, /readyz, request ids, JSON log lines,
/metrics behind its bearer token."""

import json
import logging

from flask import url_for
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.ops import logs
from tests.conftest import make_test_app


def test_healthz_answers_while_the_process_is_up_even_without_a_database(app, client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    monkeypatch.setattr(db.session, "scalars", down)
    answer = client.get(url_for("ops.healthz"))
    assert answer.status_code == 200 and answer.json == {"status": "ok"}
    assert client.get(url_for("ops.readyz")).status_code == 503


def test_readyz_checks_the_database_the_migrations_and_the_queue(app, client):
    ready = client.get(url_for("ops.readyz"))
    assert ready.status_code == 200
    assert ready.json == {"status": "ready", "checks": {"database": "ok", "migrations": "ok", "queue": "ok"}}

    (head,) = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0009_imports'"))
    db.session.commit()
    behind = client.get(url_for("ops.readyz"))
    assert behind.status_code == 503
    assert behind.json["checks"]["migrations"] == "not at head"
    db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    db.session.commit()


def test_readyz_says_so_when_the_queue_cannot_be_reached(app, client, monkeypatch):
    from app import jobs

    monkeypatch.setattr(jobs.backend(app), "reachable", lambda session: False)
    answer = client.get(url_for("ops.readyz"))
    assert answer.status_code == 503 and answer.json["checks"]["queue"] == "unreachable"


def test_every_answer_carries_a_request_id_kept_from_a_well_formed_header(app, client):
    given = client.get(url_for("ops.healthz"), headers={"X-Request-ID": "lb-1234.abc_9"})
    assert given.headers["X-Request-ID"] == "lb-1234.abc_9"
    made = client.get(url_for("ops.healthz"), headers={"X-Request-ID": "no spaces or <tags>"})
    assert made.headers["X-Request-ID"] != "no spaces or <tags>"
    assert len(made.headers["X-Request-ID"]) == 32
    assert client.get(url_for("ops.healthz")).headers["X-Request-ID"] != made.headers["X-Request-ID"]


def test_json_log_lines_carry_the_request_id(database_template, tmp_path, capsys):
    json_app = make_test_app(database_template(tmp_path), tmp_path, LOG_FORMAT="json")
    logs.configure_logging("json")  # the handler writes to this test's captured stderr

    @json_app.route("/log-something")
    def log_something():
        logging.getLogger("app.test").warning("something happened")
        return "ok"

    log_something.required_permission = "public"
    with json_app.app_context():
        json_app.test_client().get("/log-something", headers={"X-Request-ID": "req-42"})
        db.session.remove()
        db.engine.dispose()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    line = next(entry for entry in lines if entry["message"] == "something happened")
    assert line["request_id"] == "req-42" and line["level"] == "WARNING" and line["logger"] == "app.test"
    assert "time" in line


def test_metrics_are_off_without_a_token_and_need_the_token_when_set(app, client):
    url = url_for("ops.metrics")
    assert client.get(url).status_code == 404
    app.config["METRICS_TOKEN"] = "a-long-scraper-token"
    refused = client.get(url)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    assert client.get(url, headers={"Authorization": "Bearer not-the-token"}).status_code == 401
    assert client.get(url, headers={"Authorization": "Basic a-long-scraper-token"}).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer a-long-scraper-token"}).status_code == 200


def _sample(body: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus's text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in body.splitlines():
        if line.startswith(f"{name}{{"):
            found = ",".join(sorted(line[line.index("{") + 1 : line.index("}")].split(",")))
            if found == wanted:
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_endpoint_and_jobs_by_task(app, client, work_off):
    from app.services import notifications

    app.config["METRICS_TOKEN"] = "token"
    headers = {"Authorization": "Bearer token"}
    before = client.get(url_for("ops.metrics"), headers=headers).get_data(as_text=True)
    for _ in range(3):
        client.get(url_for("ops.healthz"))
    notifications.queue_email(db.session, "a@example.org", "Subject", "Body")
    db.session.commit()
    waiting = client.get(url_for("ops.metrics"), headers=headers).get_data(as_text=True)
    assert _sample(waiting, "highlight_jobs_waiting", state="todo") == 1
    work_off()
    after = client.get(url_for("ops.metrics"), headers=headers).get_data(as_text=True)

    counted = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    assert (
        _sample(after, "highlight_http_requests_total", **counted)
        - _sample(before, "highlight_http_requests_total", **counted)
        == 3
    )
    assert _sample(after, "highlight_http_request_duration_seconds_count", endpoint="ops.healthz", method="GET") >= 3
    jobs_done = {"task": "deliver_mail", "outcome": "succeeded"}
    assert (
        _sample(after, "highlight_jobs_total", **jobs_done) - _sample(before, "highlight_jobs_total", **jobs_done) == 1
    )
    assert _sample(after, "highlight_job_duration_seconds_count", task="deliver_mail") >= 1
    assert _sample(after, "highlight_jobs_waiting", state="todo") == 0
