"""Reminders before a board meeting: owners 10 days before, the lead 5, the sponsor 2, each once."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Notification, OutboxEmail
from tests.factories import make_milestone
from tests.reports.conftest import sign_off, submit


def _notes(user) -> list[str]:
    return [n.text for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]


def _run(app, today: str):
    result = app.test_cli_runner().invoke(args=["send-meeting-reminders", "--today", today])
    assert result.exit_code == 0, result.output
    return result.output


def test_owners_are_reminded_ten_days_before_of_milestones_due_by_the_meeting(app, demo):
    section = demo.workstream.sections[0]
    make_milestone(section, "1.20", owner_id=demo.owner.id, due=date(2021, 4, 16), due_is_month=False)
    make_milestone(section, "1.21", owner_id=demo.owner.id, due=date(2021, 5, 31))
    db.session.commit()
    assert "Queued 0 owner" in _run(app, "2021-04-08")
    output = _run(app, "2021-04-09")
    assert "Queued 1 owner, 0 lead and 0 sponsor" in output
    [note] = [n for n in _notes(demo.owner) if "due by" in n]
    assert "1.20" in note and "1.21" not in note
    assert db.session.scalar(select(OutboxEmail).where(OutboxEmail.to == demo.owner.email)) is not None
    assert "Queued 0 owner" in _run(app, "2021-04-10")  # once per meeting


def test_the_lead_is_reminded_five_days_before_until_the_report_is_submitted(app, demo):
    output = _run(app, "2021-04-14")
    assert "1 lead" in output
    assert any("has not been submitted" in n for n in _notes(demo.lead))
    assert "0 lead" in _run(app, "2021-04-15")


def test_the_sponsor_is_reminded_two_days_before_until_signed_off(app, demo, login_as):
    submit(login_as(demo.lead), demo.report)
    output = _run(app, "2021-04-17")
    assert "0 lead and 1 sponsor" in output
    assert any("has not been signed off" in n for n in _notes(demo.sponsor))


def test_nobody_is_reminded_of_a_signed_off_report(app, demo, login_as):
    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    assert "0 lead and 0 sponsor" in _run(app, "2021-04-18")
    assert "Queued 0 owner, 0 lead and 0 sponsor" in _run(app, "2021-04-20")


def test_reminder_days_come_from_the_settings(app, demo):
    app.config["REMINDER_DAYS_LEAD"] = 7
    assert "1 lead" in _run(app, "2021-04-12")
