"""A storage for the ``limits`` library (and so Flask-Limiter) in the app's own database: ``RATELIMIT_STORAGE_URI``
``database://``.

``limits`` ships storages for memory, Redis, memcached and MongoDB. Memory is one count per process, so under
gunicorn each worker would keep its own; the embedded default has no Redis. Every worker and every server of one
installation shares its database, so counts kept there are one count for the whole service. Each hit is one
atomic upsert on its own connection and transaction: two workers counting at once both see the other's hit, and
the count stands even if the request that made it later fails. Fixed-window strategy only (Flask-Limiter's
default); the moving window would refuse to start on this storage.
"""

import hashlib
import time

from flask import has_app_context
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models.rate_limit import RateLimitCounter

clock = time.time  # tests move it
_table = RateLimitCounter.__table__
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class DatabaseStorage(Storage):
    """Counters in the ``rate_limit_counters`` table of the database the current app uses."""

    STORAGE_SCHEME = ["database"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the key's window (a new window if there is none or it has ended); the new count."""
        now = clock()
        with db.engine.begin() as conn:
            # Ended windows of every key go first, so the table holds only live windows.
            conn.execute(delete(_table).where(_table.c.expires_at <= now))
            insert = _INSERT[conn.dialect.name](_table).values(key=_hashed(key), count=amount, expires_at=now + expiry)
            ended = _table.c.expires_at <= now
            upsert = insert.on_conflict_do_update(
                index_elements=[_table.c.key],
                set_={
                    "count": case((ended, insert.excluded.count), else_=_table.c.count + insert.excluded.count),
                    "expires_at": case((ended, insert.excluded.expires_at), else_=_table.c.expires_at),
                },
            ).returning(_table.c.count)
            return conn.execute(upsert).scalar_one()

    def get(self, key: str) -> int:
        with db.engine.connect() as conn:
            count = conn.scalar(
                select(_table.c.count).where(_table.c.key == _hashed(key), _table.c.expires_at > clock())
            )
        return count or 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends; now if it has none (as the memory storage answers)."""
        with db.engine.connect() as conn:
            expires_at = conn.scalar(select(_table.c.expires_at).where(_table.c.key == _hashed(key)))
        return expires_at if expires_at is not None else clock()

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(_table).where(_table.c.key == _hashed(key)))

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(delete(_table)).rowcount

    def check(self) -> bool:
        if not has_app_context():
            return False
        try:
            with db.engine.connect() as conn:
                conn.scalar(select(1))
        except SQLAlchemyError:
            return False
        return True
