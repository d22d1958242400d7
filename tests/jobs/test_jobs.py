"""Background jobs on the configured engine's queue (procrastinate's tables on PostgreSQL, memory on SQLite): a
signed paper's files drawn after sign-off, the board pack drawn by a job with its progress, mail sent by a job,
the scheduled reminders, retries, and the admins' page of jobs."""

import asyncio
import importlib.util
import logging
from importlib.metadata import version
from pathlib import Path

from flask import url_for
from procrastinate.periodic import PeriodicRegistry
from sqlalchemy import func, select

from app import jobs
from app.domain.jobs import PackState
from app.jobs import tasks
from app.models import KeptExport, OutboxEmail, PreparedPack, ScheduledRun
from app.services import board_packs, notifications
from tests.conftest import parse
from tests.exports.test_export_cache import _counted, _second_signed_off, _signed_off
from tests.reports.conftest import demo, refresh, sign_off, submit  # noqa: F401  (the demo fixture)

ROOT = Path(__file__).resolve().parents[2]


def _queued(app) -> list[str]:
    from app.extensions import db

    return [job.task for job in jobs.backend(app).jobs(db.session) if job.state == "todo"]


def _kept_files(db) -> list[str]:
    """The file types kept for signed-off papers (a format may carry a settings digest before its type)."""
    return sorted(name.rsplit(".", 1)[-1] for name in db.session.scalars(select(KeptExport.format)))


def test_sign_off_queues_the_papers_files_and_the_job_keeps_them_for_every_server(  # noqa: F811
    app,
    db,
    demo,  # noqa: F811
    login_as,
    work_off,
    monkeypatch,
):
    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    assert "render_signed_paper" in _queued(app)
    assert db.session.scalar(select(func.count(KeptExport.id))) == 0

    work_off(["papers"])

    assert _kept_files(db) == ["docx", "pdf"]
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    pdf = login_as(demo.viewer).get(url_for("reports.download_pdf", report_id=demo.report.id))
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    assert draws.count == 0  # served as the job kept it


def test_jobs_are_queued_and_worked_from_a_thread_that_runs_an_event_loop(  # noqa: F811
    app,
    db,
    demo,  # noqa: F811
    login_as,
    work_off,
):
    """A caller whose thread already runs an asyncio loop (a browser driver, an ASGI wrapper) still queues and
    works jobs: procrastinate's synchronous calls, which refuse to run inside a loop, run beside it."""

    async def sign_and_work():
        submit(login_as(demo.lead), demo.report)
        sign_off(login_as(demo.sponsor), demo.report)
        assert "render_signed_paper" in _queued(app)
        work_off(["papers"])

    asyncio.run(sign_and_work())
    assert _kept_files(db) == ["docx", "pdf"]


def test_the_board_pack_is_asked_for_at_once_and_ready_when_its_job_has_drawn_it(  # noqa: F811
    app,
    db,
    demo,  # noqa: F811
    login_as,
    work_off,
    monkeypatch,
):
    _signed_off(demo, login_as)
    _second_signed_off(demo)
    admin = login_as(demo.admin)
    page_url = url_for("reports.board_pack", meeting_id=demo.meeting.id)
    pdf_url = url_for("reports.board_pack_pdf", meeting_id=demo.meeting.id)
    assert admin.get(pdf_url).headers["Location"].endswith(page_url)  # not drawn yet: its page
    page = parse(admin.get(page_url))
    assert "has not been asked for" in page.select_one("#pack-status").get_text()

    asked = admin.post(page_url)
    assert asked.status_code == 303  # answered at once: nothing drawn in the request
    assert db.session.scalar(select(func.count(KeptExport.id))) == 0
    assert db.session.scalar(select(PreparedPack.content)) is None
    again = admin.post(page_url)  # asked twice: still one pack, one job
    assert again.status_code == 303
    assert db.session.scalar(select(func.count(PreparedPack.id))) == 1
    assert _queued(app).count("draw_board_pack") == 1

    status = parse(admin.get(page_url, headers={"HX-Request": "true"})).select_one("#pack-status")
    assert status["hx-trigger"] == "every 2s" and status["hx-get"] == page_url  # polled while waiting
    assert "Waiting to start" in status.get_text()

    work_off(["packs"])

    status = parse(admin.get(page_url, headers={"HX-Request": "true"})).select_one("#pack-status")
    assert not status.has_attr("hx-trigger")  # ready: no more polling
    assert status.select_one(f"a[href='{pdf_url}']")
    pdf = admin.get(pdf_url)
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    # The viewer reads one workstream of the two: another pack, not this one.
    assert login_as(demo.viewer).get(pdf_url).status_code == 303


def test_the_packs_progress_is_recorded_as_each_paper_is_drawn(app, db, demo, login_as):  # noqa: F811
    _signed_off(demo, login_as)
    _second_signed_off(demo)
    admin = login_as(demo.admin)
    admin.post(url_for("reports.board_pack", meeting_id=demo.meeting.id))
    row = db.session.scalar(select(PreparedPack))
    seen = []

    def progress() -> None:  # as the job does: each step committed, for every server to see
        db.session.commit()
        seen.append((row.state, row.papers_drawn, row.papers_total))

    board_packs.draw(db.session, row.id, progress)

    assert seen == [("drawing", 0, 0), ("drawing", 0, 2), ("drawing", 1, 2), ("drawing", 2, 2)]
    assert row.state == PackState.READY and row.content.startswith(b"%PDF")


def test_a_failing_pack_job_is_tried_again_then_marked_failed_and_listed_for_admins(  # noqa: F811
    app,
    db,
    demo,  # noqa: F811
    login_as,
    work_off,
    monkeypatch,
):
    _signed_off(demo, login_as)
    admin = login_as(demo.admin)
    page_url = url_for("reports.board_pack", meeting_id=demo.meeting.id)

    tries = []

    def broken(*args, **kwargs):
        tries.append(1)
        raise RuntimeError("the fonts are missing")

    monkeypatch.setattr("app.exports.pdf.board_pack_pdf", broken)
    monkeypatch.setattr(tasks.draw_board_pack.retry_strategy, "exponential_wait", 0)  # each retry due at once
    admin.post(page_url)
    work_off(["packs"])

    assert len(tries) == 3  # the first try and its two retries
    db.session.expire_all()
    assert db.session.scalar(select(PreparedPack.state)) == PackState.FAILED
    assert "fonts are missing" in db.session.scalar(select(PreparedPack.error))
    page = parse(admin.get(page_url))
    assert "failed" in page.select_one("#pack-status").get_text()
    assert page.select_one("#pack-status form button").get_text(strip=True) == "Ask for the PDF again"

    listed = parse(admin.get(url_for("admin.jobs")))
    failed = next(h for h in listed.select("h2") if h.get_text().startswith("Failed"))
    assert failed.get_text(strip=True) == "Failed (1)"
    assert "draw_board_pack" in failed.find_next("table").get_text()
    assert login_as(demo.lead).get(url_for("admin.jobs")).status_code == 403


def test_mail_is_sent_by_one_job_however_many_emails_wait(app, db, work_off, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message["To"])

    monkeypatch.setattr(notifications.smtplib, "SMTP", FakeSMTP)
    app.config["MAIL_SERVER"] = "smtp.example.org"
    for person in ("a@example.org", "b@example.org"):
        notifications.queue_email(db.session, person, "Subject", "Body")
        db.session.commit()
    assert _queued(app) == ["deliver_mail"]

    work_off(["mail"])

    assert sorted(sent) == ["a@example.org", "b@example.org"]
    assert db.session.scalar(select(func.count(OutboxEmail.id)).where(OutboxEmail.sent_at.is_(None))) == 0
    sent.clear()
    notifications.deliver_outbox(db.session, app.config)  # a second sender finds nothing left to send
    assert sent == []


def test_a_rolled_back_change_queues_no_job(app, db):
    notifications.queue_email(db.session, "a@example.org", "Subject", "Body")
    db.session.rollback()
    assert _queued(app) == []


def test_the_reminders_are_scheduled_and_each_scheduled_run_happens_once(  # noqa: F811
    app,
    db,
    demo,  # noqa: F811
    work_off,
    monkeypatch,
):
    monkeypatch.setattr(jobs.queue, "periodic_registry", PeriodicRegistry())  # this test's schedule only
    tasks.schedule()
    schedule = {(key[0], task.cron) for key, task in jobs.queue.periodic_registry.periodic_tasks.items()}
    assert {("send_reminders", "0 7 * * *"), ("send_meeting_reminders", "15 7 * * *")} <= schedule
    assert ("deliver_mail", "*/5 * * * *") in schedule

    at = 1_800_000_000
    for _ in range(2):  # two processes deferring the same scheduled time
        jobs.defer(db.session, tasks.send_reminders, timestamp=at)
        db.session.commit()
    work_off(["mail"])

    assert db.session.scalar(select(func.count(ScheduledRun.name))) == 1
    emails = db.session.scalar(select(func.count(OutboxEmail.id)))
    assert emails > 0  # the demo's owners have milestones due or overdue
    jobs.defer(db.session, tasks.send_reminders, timestamp=at)
    db.session.commit()
    work_off(["mail"])
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == emails


def test_a_job_logs_with_the_id_of_the_request_that_queued_it(app, db, demo, login_as, work_off, caplog):  # noqa: F811
    submit(login_as(demo.lead), demo.report)
    sponsor = login_as(demo.sponsor)
    taken = refresh(demo.report)
    from tests.reports.conftest import snapshots

    answer = sponsor.post(
        url_for("reports.sign_off", report_id=taken.id),
        data={"snapshot_id": snapshots(taken)[-1].id},
        headers={"X-Request-ID": "sign-off-1234"},
    )
    assert answer.headers["X-Request-ID"] == "sign-off-1234"
    with caplog.at_level(logging.INFO):
        work_off(["papers"])
    ran = [r for r in caplog.records if (getattr(r, "queued_job", None) or "").startswith("render_signed_paper[")]
    assert ran and {r.request_id for r in ran} == {"sign-off-1234"}


def test_the_worker_command_refuses_a_queue_kept_in_process(app):
    if jobs.backend(app).kind == jobs.DATABASE:
        app.config["JOB_QUEUE"] = "in-process"
        jobs.init_app(app)
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 1
    assert "needs no worker" in result.output


def test_the_queues_schema_is_the_pinned_procrastinates():
    path = ROOT / "migrations" / "versions" / "0010_servers.py"
    spec = importlib.util.spec_from_file_location("servers_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert version("procrastinate") == module.PROCRASTINATE_SCHEMA
