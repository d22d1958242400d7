"""Append-only audit trail and in-app notifications with their email outbox."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import UTCDateTime, utcnow
from app.models.user import User


class AuditEvent(db.Model):
    """Who did what to which object, with before/after as JSON. Database triggers refuse updates and deletes."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    workstream_id: Mapped[int | None] = mapped_column(ForeignKey("workstreams.id"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()

    @property
    def replaced_comment(self) -> str:
        """The comment this change replaced ("" if it changed none, or there was none): kept for the history."""
        before = json.loads(self.before) if self.before else {}
        after = json.loads(self.after) if self.after else {}
        if not isinstance(before, dict) or "comments" not in after:
            return ""
        return before.get("comments") or ""


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxEmail(db.Model):
    """Mail to send. Without SMTP settings (the embedded default) mail stays here and in the log."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
