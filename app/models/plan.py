"""The action plan: programme → workstream → section → milestone."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.plan import MilestoneDates
from app.domain.rag import Thresholds
from app.extensions import db
from app.models._base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.proposal import Proposal
    from app.models.risk import Risk
    from app.models.user import Membership, User


class Programme(db.Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    council_name: Mapped[str] = mapped_column(String(200), default="")
    amber_window_days: Mapped[int] = mapped_column(Integer, default=14)
    red_overdue_days: Mapped[int] = mapped_column(Integer, default=28)
    red_overdue_share: Mapped[float] = mapped_column(Float, default=0.20)

    workstreams: Mapped[list[Workstream]] = relationship(back_populates="programme", order_by="Workstream.name")

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(
            amber_window_days=self.amber_window_days,
            red_overdue_days=self.red_overdue_days,
            red_overdue_share=self.red_overdue_share,
        )


class Workstream(db.Model):
    __tablename__ = "workstreams"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(400), default="")

    programme: Mapped[Programme] = relationship(back_populates="workstreams")
    sections: Mapped[list[Section]] = relationship(back_populates="workstream", order_by="Section.number")
    memberships: Mapped[list[Membership]] = relationship(back_populates="workstream")
    risks: Mapped[list[Risk]] = relationship(back_populates="workstream")

    def members_with(self, role: str) -> list[User]:
        return sorted((m.user for m in self.memberships if m.role == role), key=lambda u: u.name)


class Section(db.Model):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("workstream_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workstream_id: Mapped[int] = mapped_column(ForeignKey("workstreams.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))

    workstream: Mapped[Workstream] = relationship(back_populates="sections")
    milestones: Mapped[list[Milestone]] = relationship(back_populates="section")


class Milestone(MilestoneDates, db.Model):
    """A dated deliverable. Complete only through an approved completion proposal (``completed_on`` mirrors it)."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("workstream_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workstream_id: Mapped[int] = mapped_column(ForeignKey("workstreams.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    reference: Mapped[str] = mapped_column(String(20))
    sort_key: Mapped[str] = mapped_column(String(60), default="")
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due: Mapped[date] = mapped_column(Date)
    due_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    revised_due: Mapped[date | None] = mapped_column(Date)
    revised_due_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_on_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    comments: Mapped[str] = mapped_column(Text, default="")
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    section: Mapped[Section] = relationship(back_populates="milestones")
    owner: Mapped[User | None] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(back_populates="milestone", order_by="Proposal.id")
