"""An uploaded file's rows as read for import, kept between its preview and the lead's confirmation.

The file is read once, on upload; what was read (not the file) is kept, as JSON, in the database (not on an app
server's disk, nor in the size-limited session cookie) so that any instance can serve the confirmation. Rows are
short-lived and deleted on confirmation or when stale.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.extensions import db
from app.models._base import UTCDateTime, utcnow


class PendingImport(db.Model):
    __tablename__ = "pending_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The workstream imported into; None for an admin's import that creates ``workstream_name`` in ``programme_id``.
    workstream_id: Mapped[int | None] = mapped_column(
        ForeignKey("workstreams.id", ondelete="CASCADE"), index=True, nullable=True
    )
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), nullable=True)
    workstream_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    parsed: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
