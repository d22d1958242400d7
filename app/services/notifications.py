"""In-app notifications and email (SMTP when configured, else the outbox table and the log)."""

import logging
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Notification, OutboxEmail, User
from app.models._base import utcnow
from app.services.dml import rows_changed

log = logging.getLogger(__name__)


# Built once: the header counts a user's unread notifications on every page.
UNREAD_COUNT = (
    select(func.count(Notification.id))
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
    .scalar_subquery()
)


def unread_count(user: User) -> int:
    return db.session.execute(select(UNREAD_COUNT), {"user_id": user.id}).scalar_one()


def notify(
    session: Session, user: User, text: str, url: str = "", *, subject: str | None = None, body: str = ""
) -> None:
    """Tell ``user`` in the app and queue an email to them (``body`` adds detail to the email only)."""
    session.add(Notification(user_id=user.id, text=text, url=url))
    email_body = "\n\n".join(part for part in (text, body.strip(), absolute_url(url)) if part)
    queue_email(session, user.email, subject or text, email_body)


def app_path(endpoint: str, **values) -> str:
    """The site-relative path of an endpoint, built without a request (services and CLI commands have none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(path: str) -> str:
    """``path`` prefixed with PUBLIC_URL (the site's address, for links in emails) when it is configured."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return f"{base}{path}" if path and base else path


def recent_notifications(session: Session, user: User, limit: int = 100) -> Sequence[Notification]:
    """The user's notifications, newest first."""
    return session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()


def mark_read(session: Session, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) as read. Returns how many changed."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return rows_changed(session, query.values(read_at=utcnow()).execution_options(synchronize_session=False))


def queue_email(session: Session, to: str, subject: str, body: str) -> OutboxEmail:
    """Put an email in the outbox; the ``deliver_mail`` job sends it once the session commits (one such job waits
    at a time, however many emails it is for)."""
    from app import jobs
    from app.jobs.tasks import deliver_mail

    mail = OutboxEmail(to=to, subject=subject, body=body)
    session.add(mail)
    log.info("mail queued to=%s subject=%s", to, subject)
    jobs.defer(session, deliver_mail, lock="deliver-mail")
    return mail


def deliver_outbox(session: Session, config: dict) -> int:
    """Send queued mail over SMTP when a server is configured. Returns how many were sent.

    Each email is claimed before it is sent (an UPDATE of its row while still unsent): of two senders at once
    (a job and a command, or two workers) only one sends it."""
    if not config.get("MAIL_SERVER"):
        return 0
    pending = session.scalars(select(OutboxEmail.id).where(OutboxEmail.sent_at.is_(None))).all()
    if not pending:
        return 0
    sent = 0
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for mail_id in pending:
            claimed = rows_changed(
                session,
                update(OutboxEmail)
                .where(OutboxEmail.id == mail_id, OutboxEmail.sent_at.is_(None))
                .values(sent_at=utcnow())
                .execution_options(synchronize_session=False),
            )
            if not claimed:
                continue
            mail = session.get_one(OutboxEmail, mail_id, populate_existing=True)
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], mail.to, mail.subject
            message.set_content(mail.body)
            smtp.send_message(message)
            sent += 1
    return sent
