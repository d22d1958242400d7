"""The risk register of a workstream. Score and rating are computed by app.domain.risk, never stored."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.plan import RiskScoring
from app.extensions import db
from app.models._base import UTCDateTime, utcnow
from app.models.user import User

if TYPE_CHECKING:
    from app.models.plan import Workstream


class Risk(RiskScoring, db.Model):
    __tablename__ = "risks"
    __table_args__ = (UniqueConstraint("workstream_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workstream_id: Mapped[int] = mapped_column(ForeignKey("workstreams.id"), index=True)
    reference: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    likelihood: Mapped[str] = mapped_column(String(10))
    impact: Mapped[str] = mapped_column(String(12))
    mitigation: Mapped[str] = mapped_column(Text, default="")
    mitigation_date: Mapped[date | None] = mapped_column(Date)
    mitigation_date_is_month: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    workstream: Mapped[Workstream] = relationship(back_populates="risks")
    owner: Mapped[User | None] = relationship()
