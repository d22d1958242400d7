"""What background jobs leave in the database for every server to read: board pack PDFs (with their progress) and
the scheduled runs already claimed. The queue itself is procrastinate's own tables (PostgreSQL) or memory (SQLite)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.extensions import db
from app.models._base import UTCDateTime, utcnow


class PreparedPack(db.Model):
    """One board pack PDF drawn by a job: what went into it (``pack_sha256``: the renderer, the meeting and every
    entry of the pack, so the signed papers' snapshots), how far the drawing got, and the file once it is ready.

    A pack is the same whoever asks for it when it shows the same workstreams: anyone whose pack has this sha256 may
    read it. ``workstream_ids`` (JSON) is what the job draws."""

    __tablename__ = "prepared_packs"
    __table_args__ = (UniqueConstraint("pack_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("board_meetings.id"), index=True)
    pack_sha256: Mapped[str] = mapped_column(String(64))
    workstream_ids: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))  # app.domain.jobs.PackState
    papers_total: Mapped[int] = mapped_column(Integer, default=0)
    papers_drawn: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScheduledRun(db.Model):
    """A scheduled job's run, claimed once for its scheduled time: however many processes schedule it, the run
    happens once."""

    __tablename__ = "scheduled_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    scheduled_for: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # epoch seconds
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
