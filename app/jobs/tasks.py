"""The jobs: a signed paper's Word and PDF drawn at sign-off (queue ``papers``), the board pack PDF (``packs``),
outgoing mail and the scheduled reminders (``mail``; periodic jobs in place of cron, times in UTC)."""

from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs import job, queue
from app.models import ScheduledRun


def _claimed(name: str, timestamp: int | None) -> bool:
    """Claim a scheduled run once for its time (a run deferred directly, without a time, always runs)."""
    if timestamp is None:
        return True
    try:
        with db.session.begin_nested():
            db.session.add(ScheduledRun(name=name, scheduled_for=timestamp))
    except IntegrityError:
        return False
    return True


def _day(timestamp: int | None) -> date:
    return datetime.fromtimestamp(timestamp, UTC).date() if timestamp is not None else date.today()


@job("render_signed_paper", "papers")
def render_signed_paper(report_id: int) -> None:
    """Draw and keep a signed-off paper's Word and PDF, so that their first download is served kept."""
    from app.services.board_packs import keep_signed_paper

    keep_signed_paper(db.session, report_id)


def _pack_failed(kwargs: dict, error: BaseException) -> None:
    from app.services.board_packs import mark_failed

    mark_failed(db.session, kwargs["pack_id"], error)


@job("draw_board_pack", "packs", retries=2, on_give_up=_pack_failed)
def draw_board_pack(pack_id: int) -> None:
    """Draw a board pack PDF, its progress recorded as each paper is drawn, and keep it for every server."""
    from app.services.board_packs import draw

    draw(db.session, pack_id, progress=db.session.commit)


@job("deliver_mail", "mail", retries=5)
def deliver_mail(timestamp: int | None = None) -> None:
    """Send the outbox over SMTP (MAIL_SERVER); nothing without one."""
    from app.services.notifications import deliver_outbox

    deliver_outbox(db.session, current_app.config)


@job("send_reminders", "mail")
def send_reminders(timestamp: int | None = None) -> None:
    """The daily reminders: owners' milestones due soon or overdue, deciders' digest of waiting proposals."""
    from app.models._base import utcnow
    from app.services.proposals import send_reminders as queue_reminders

    if _claimed("send_reminders", timestamp):
        queue_reminders(db.session, _day(timestamp), utcnow())


@job("send_meeting_reminders", "mail")
def send_meeting_reminders(timestamp: int | None = None) -> None:
    """Before each board meeting: owners, the lead if not submitted, the sponsor if not signed."""
    from app.services.reports import reminder_days
    from app.services.reports import send_meeting_reminders as queue_meeting_reminders

    if _claimed("send_meeting_reminders", timestamp):
        queue_meeting_reminders(db.session, _day(timestamp), reminder_days(current_app.config))


# (task, cron in UTC): what runs when, instead of cron on one server.
SCHEDULE = (
    (send_reminders, "0 7 * * *"),
    (send_meeting_reminders, "15 7 * * *"),
    (deliver_mail, "*/5 * * * *"),
)


def schedule() -> None:
    """Register the periodic jobs with this process's queue (its worker then defers each at its time)."""
    registry = queue.periodic_registry
    for task, cron in SCHEDULE:
        if (task.name, "") not in registry.periodic_tasks:
            registry.register_task(task=task, cron=cron, periodic_id="", configure_kwargs={})
