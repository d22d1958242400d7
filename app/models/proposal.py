"""Proposals to change a milestone (completion, date change, removal) and the evidence behind them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.domain.proposals import State
from app.extensions import db
from app.models._base import UTCDateTime, utcnow
from app.models.plan import Milestone
from app.models.user import User


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        # One pending proposal of each kind per milestone, enforced by the database on both engines.
        Index(
            "uq_proposals_one_pending_per_kind",
            "milestone_id",
            "kind",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default=State.PENDING.value, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completion_date: Mapped[date | None] = mapped_column(Date)
    completion_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    new_due: Mapped[date | None] = mapped_column(Date)
    new_due_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # True for a completion recorded by the first import into an empty plan ("recorded at import, no evidence").
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where a proposal or record came from when not from its proposer's form: "import of plan.xlsx".
    source: Mapped[str] = mapped_column(String(300), default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_version: Mapped[int | None] = mapped_column(Integer)
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    milestone: Mapped[Milestone] = relationship(back_populates="proposals")
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    evidence: Mapped[list[Evidence]] = relationship(back_populates="proposal", order_by="Evidence.id")


class Evidence(db.Model):
    """A file, link or note attached to a proposal. File bytes live in the database so app servers hold no state."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    proposal_version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(10))  # an EvidenceKind: file | link | note
    filename: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    url: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User] = relationship()
