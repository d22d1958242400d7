"""In-app notifications and email (SMTP when configured, else the outbox table and the log)."""

import logging
import smtplib
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Notification, OutboxEmail, User
from app.models._base import utcnow

log = logging.getLogger(__name__)


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def notify(session: Session, user: User, text: str, url: str = "", *, subject: str | None = None) -> None:
    """Tell ``user`` in the app and queue an email to them."""
    session.add(Notification(user_id=user.id, text=text, url=url))
    queue_email(session, user.email, subject or text, f"{text}\n\n{url}".strip())


def queue_email(session: Session, to: str, subject: str, body: str) -> OutboxEmail:
    mail = OutboxEmail(to=to, subject=subject, body=body)
    session.add(mail)
    log.info("mail queued to=%s subject=%s", to, subject)
    return mail


def deliver_outbox(session: Session, config: dict) -> int:
    """Send queued mail over SMTP when a server is configured. Returns how many were sent."""
    if not config.get("MAIL_SERVER"):
        return 0
    pending = session.scalars(select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))).all()
    if not pending:
        return 0
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for mail in pending:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], mail.to, mail.subject
            message.set_content(mail.body)
            smtp.send_message(message)
            mail.sent_at = utcnow()
    return len(pending)
