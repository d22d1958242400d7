"""Board meetings, highlight reports, their per-section narrative and frozen snapshots."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.domain.reports import ReportState
from app.extensions import db
from app.models._base import UTCDateTime, utcnow
from app.models.plan import Programme, Section, Workstream
from app.models.user import User


class BoardMeeting(db.Model):
    __tablename__ = "board_meetings"
    __table_args__ = (UniqueConstraint("programme_id", "date", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    date: Mapped[date] = mapped_column(Date)

    programme: Mapped[Programme] = relationship()


class Report(db.Model):
    """One workstream's highlight report for one board meeting."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("workstream_id", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workstream_id: Mapped[int] = mapped_column(ForeignKey("workstreams.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("board_meetings.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=ReportState.DRAFT.value)
    period_from: Mapped[date | None] = mapped_column(Date)
    period_from_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    period_to: Mapped[date | None] = mapped_column(Date)
    period_to_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    next_from: Mapped[date | None] = mapped_column(Date)
    next_from_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    next_to: Mapped[date | None] = mapped_column(Date)
    next_to_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    introduction: Mapped[str] = mapped_column(Text, default="")
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_rag: Mapped[str | None] = mapped_column(String(10))
    rag_reason: Mapped[str] = mapped_column(Text, default="")
    override_justification: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_comments: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    workstream: Mapped[Workstream] = relationship()
    meeting: Mapped[BoardMeeting] = relationship()
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    narratives: Mapped[list[SectionNarrative]] = relationship(back_populates="report")
    snapshots: Mapped[list[ReportSnapshot]] = relationship(order_by="ReportSnapshot.sequence", viewonly=True)

    @property
    def snapshot(self) -> ReportSnapshot | None:
        """The snapshot taken at the latest submission (what the sponsor reads and signs)."""
        return self.snapshots[-1] if self.snapshots else None


class SectionNarrative(db.Model):
    __tablename__ = "section_narratives"
    __table_args__ = (UniqueConstraint("report_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    barriers: Mapped[str] = mapped_column(Text, default="")
    action_required: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str] = mapped_column(Text, default="")
    next_activity: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[Report] = relationship(back_populates="narratives")
    section: Mapped[Section] = relationship()


class ReportSnapshot(db.Model):
    """The canonical JSON of a report at submission. Append-only: database triggers refuse updates and deletes."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    body: Mapped[str] = deferred(mapped_column(Text))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class KeptExport(db.Model):
    """A signed-off report's rendered Word or PDF file, recorded by what was signed (the snapshot's sha256), the
    renderer that drew it and its format. ``sha256`` is the file's own: a copy is served only if it matches.
    The bytes are kept too, so any app server can serve (and restore) the file it did not draw: in ``content``, or
    (``content`` empty) in the object store that EXPORT_STORE_URL names (app.exports.stores)."""

    __tablename__ = "kept_exports"
    __table_args__ = (UniqueConstraint("snapshot_sha256", "renderer", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    renderer: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(40))  # "pdf", or "<settings digest>.pdf" (app.exports.paper.kept_kind)
    # The whole view-model the file was drawn from: the snapshot, and what signing added (the signer's name).
    view_sha256: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BoardDecision(db.Model):
    """A decision the lead asks of the board: raised on one of the workstream's reports, carried by every later one
    until the lead records the board's answer (``outcome``) on the report ``answered_on_report_id``."""

    __tablename__ = "board_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workstream_id: Mapped[int] = mapped_column(ForeignKey("workstreams.id"), index=True)
    raised_on_report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text, default="")
    answered_on_report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    raised_on: Mapped[Report] = relationship(foreign_keys=[raised_on_report_id])
    answered_on: Mapped[Report | None] = relationship(foreign_keys=[answered_on_report_id])
