"""flask seed-demo: the seed set in the week it is loaded (every date moved by the same whole months), or as
published (the seed's own dates); a short DEMO_PASSWORD stops it before anything is written."""

import calendar
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.demo import data, week
from app.extensions import db
from app.models import BoardMeeting, Milestone, Programme, Proposal, Report, Risk, Section, User, Workstream

ROOT = Path(__file__).resolve().parents[2]
SEED_MEETING = date(2021, 4, 19)
PASSWORD = "demo-password-1"
# Month ends, a leap day, a year end, the day no whole month reaches the window, and ordinary days.
RUN_DATES = [
    date(2026, 11, 30),
    date(2026, 1, 31),
    date(2024, 2, 29),
    date(2025, 12, 31),
    date(2026, 1, 6),
    date(2026, 6, 15),
    date(2027, 4, 1),
]


def seed(app, *args: str, password: str = PASSWORD):
    return app.test_cli_runner().invoke(args=["seed-demo", *args], env={"DEMO_PASSWORD": password})


def seed_on(app, today: date):
    result = seed(app, "--today", today.isoformat())
    assert result.exit_code == 0, result.output
    return result


def moved(text: str | None, months: int) -> tuple[date | None, bool]:
    """A seed plan date ("March 2021") moved by whole months: still a month, counted as its last day."""
    if text is None:
        return None, False
    written = datetime.strptime(text, "%B %Y")
    year, month0 = divmod(written.year * 12 + written.month - 1 + months, 12)
    return date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1]), True


def draft_report() -> Report:
    return db.session.scalar(select(Report).where(Report.state == "draft"))


def months_moved(meeting: date) -> int:
    return (meeting.year - SEED_MEETING.year) * 12 + meeting.month - SEED_MEETING.month


@pytest.mark.parametrize("today", RUN_DATES, ids=str)
def test_the_board_meets_14_to_42_days_after_the_run_date(app, today):
    result = seed_on(app, today)

    meeting = draft_report().meeting
    assert 14 <= (meeting.date - today).days <= 42
    assert f"the board meets on {meeting.date:%-d %B %Y}" in result.output
    if today != date(2026, 1, 6):
        assert meeting.date.day == 19  # the seed's day, moved by whole months
    else:
        # The 19th of January is 13 days away and of February 44: the meeting moves one day into the window.
        assert meeting.date == date(2026, 1, 20)


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2024, 2, 29), date(2026, 1, 6)], ids=str)
def test_every_seed_date_moves_by_the_same_whole_months_with_its_precision(app, today):
    seed_on(app, today)
    months = months_moved(draft_report().meeting.date)
    assert months > 0

    seed_workstream = db.session.scalar(select(Workstream).where(Workstream.name == data.WORKSTREAM["name"]))
    milestones = {
        m.reference: m
        for m in db.session.scalars(select(Milestone).where(Milestone.workstream_id == seed_workstream.id))
    }
    for row in data.MILESTONES:
        m = milestones[row.reference]
        assert (m.due, m.due_is_month) == moved(row.due, months), row.reference
        assert (m.revised_due, m.revised_due_is_month) == moved(row.revised_due, months), row.reference
        assert (m.completed_on, m.completed_on_is_month) == moved(row.completed_on, months), row.reference
        assert m.removed == bool(row.removed_reason)
    for risk in data.RISKS:
        stored = db.session.scalar(select(Risk).where(Risk.reference == risk.reference))
        assert (stored.mitigation_date, stored.mitigation_date_is_month) == moved(risk.mitigation_date, months)
    report = draft_report()
    for key in ("period_from", "period_to", "next_from", "next_to"):
        assert (getattr(report, key), getattr(report, f"{key}_is_month")) == moved(data.REPORT[key], months), key
    meetings = db.session.scalars(select(BoardMeeting.date).order_by(BoardMeeting.date)).all()
    previous = date(2021 + (1 + months) // 12, (1 + months) % 12 + 1, 15)  # 15 February 2021, moved
    assert meetings == [previous, report.meeting.date]
    # Dates written in the seed's text move with them: the reason for RAG names the previous board.
    assert f"held on {previous.day}.{previous.month}.{previous.year % 100:02d}." in report.rag_reason
    assert "2021" not in report.rag_reason + report.introduction


def test_the_live_report_names_the_coming_board_and_the_previous_papers_rag(app, tmp_path):
    today = date(2026, 11, 30)
    seed_on(app, today)
    target = tmp_path / "live.json"
    args = ["report", "--workstream", "Business Intelligence", "--format", "json", "--as-of", today.isoformat()]
    result = app.test_cli_runner().invoke(args=[*args, "--output", str(target)])
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text())
    assert document["meeting"] == {"name": "Children's Improvement Board", "date": "2026-12-19"}
    assert document["rag"]["previous"] == "amber"
    assert document["rag"]["computed"] == "amber"


def test_without_a_date_the_demo_is_set_in_the_real_week(app):
    result = seed(app)
    assert result.exit_code == 0, result.output
    assert 14 <= (draft_report().meeting.date - date.today()).days <= 42


def test_as_published_loads_exactly_the_seed(app):
    result = seed(app, "--as-published")
    assert result.exit_code == 0, result.output
    assert "As published: the board meets on 19 April 2021." in result.output

    milestones = db.session.scalars(select(Milestone).order_by(Milestone.sort_key)).all()
    assert [m.reference for m in milestones] == [row.reference for row in data.MILESTONES]
    for m, row in zip(milestones, data.MILESTONES, strict=True):
        assert (m.due, m.due_is_month) == moved(row.due, 0)
        assert (m.revised_due, m.revised_due_is_month) == moved(row.revised_due, 0)
        assert (m.completed_on, m.completed_on_is_month) == moved(row.completed_on, 0)
        assert (m.text, m.comments) == (row.milestone, row.comments)
    assert db.session.scalars(select(BoardMeeting.date).order_by(BoardMeeting.date)).all() == [
        date(2021, 2, 15),
        SEED_MEETING,
    ]
    [report] = db.session.scalars(select(Report)).all()  # the seed's paper only: no earlier one signed off
    assert (report.state, report.meeting.date, report.rag_reason) == (
        "draft",
        SEED_MEETING,
        data.REPORT["reason_for_rag"],
    )
    assert (report.period_from, report.next_to) == (date(2021, 1, 31), date(2021, 6, 30))
    # Every proposal is a completion the seed records, imported: nobody has proposed anything yet.
    assert set(db.session.scalars(select(Proposal.imported))) == {True}


def test_the_week_is_added_only_when_the_demo_is_set_in_today(app):
    seed_on(app, date(2026, 11, 30))
    by_workstream = db.session.execute(
        select(Workstream.name, Milestone.reference).join(Milestone.section).join(Section.workstream)
    ).all()
    seed_plan = sorted(ref for name, ref in by_workstream if name == data.WORKSTREAM["name"])
    assert seed_plan == sorted(m.reference for m in data.MILESTONES)  # the paper's plan, nothing added
    second = {ref for name, ref in by_workstream if name == week.SECOND_WORKSTREAM["name"]}
    assert second == {a.reference for a in week.ACTIONS}
    made = db.session.scalar(select(func.count(Proposal.id)).where(Proposal.imported.is_(False)))
    assert made == len(week.PROPOSALS)
    assert db.session.scalar(select(func.count(Report.id)).where(Report.state == "signed_off")) == 1


def test_seed_demo_set_in_a_week_refuses_a_database_holding_other_data(app):
    from tests.factories import make_user

    make_user(email="someone@example.org")
    db.session.commit()
    result = seed(app, "--today", "2026-11-30")
    assert result.exit_code == 1
    assert "Nothing was changed" in result.stderr
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(Programme.id))) == 0


def test_a_short_demo_password_is_one_line_on_stderr_and_nothing_is_written(app):
    result = seed(app, password="too-short")
    assert result.exit_code == 1
    assert result.stderr == "Error: DEMO_PASSWORD: Password must be 12 characters or more.\n"
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Programme.id))) == 0


def test_a_common_demo_password_is_refused_as_every_password_is(app):
    result = seed(app, password="Password1234!")
    assert result.exit_code == 1
    assert "most common passwords" in result.stderr
    assert db.session.scalar(select(func.count(User.id))) == 0


def _seed_demo_in_a_process(tmp_path, timeout: int, **settings: str) -> subprocess.CompletedProcess:
    """``flask seed-demo`` as ``make run`` runs it: a process of its own, with the default database and job queue in
    ``tmp_path`` and only ``settings`` set of the ones that would change them."""
    chosen = ("DATABASE_URL", "SECRET_KEY", "TOTP_ENCRYPTION_KEY", "HIGHLIGHT_ENV", "JOB_QUEUE", "DEMO_PASSWORD")
    env = {key: value for key, value in os.environ.items() if key not in chosen}
    env.update({"HIGHLIGHT_INSTANCE": str(tmp_path), **settings})
    return subprocess.run(  # noqa: S603 (a fixed command line)
        [sys.executable, "-m", "flask", "--app", "wsgi", "seed-demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_short_demo_password_exits_1_before_the_database_is_even_migrated(tmp_path):
    run = _seed_demo_in_a_process(tmp_path, 120, DEMO_PASSWORD="short")
    assert run.returncode == 1
    assert run.stderr.splitlines() == ["Error: DEMO_PASSWORD: Password must be 12 characters or more."]
    assert "Traceback" not in run.stdout + run.stderr
    database = tmp_path / "highlight.db"
    if database.exists():
        with sqlite3.connect(database) as connection:
            assert connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == []


def test_make_runs_seed_finishes_the_jobs_it_queued_before_it_exits(tmp_path):
    """``make run`` seeds the demo in a process of its own first: the jobs it queued (the signed paper's files, the
    mail) run before it exits, none handed to a thread pool the interpreter has already shut down."""
    run = _seed_demo_in_a_process(tmp_path, 240)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "Traceback" not in output and "cannot schedule new futures" not in output
    assert "ended with status: Error" not in output
    with sqlite3.connect(tmp_path / "highlight.db") as connection:
        kept = sorted(name.rsplit(".", 1)[-1] for (name,) in connection.execute("SELECT format FROM kept_exports"))
    assert kept == ["docx", "pdf"]  # the signed paper's files, drawn by its job before the process ended
