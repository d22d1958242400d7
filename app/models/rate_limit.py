"""Rate-limit counters (the sign-in throttle), kept in the database so every worker and server shares them."""

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RateLimitCounter(db.Model):
    """One fixed window of one limit: how many hits so far and when the window ends (seconds since the epoch).
    ``key`` is the sha256 of the limiter's key, so an email address tried at sign-in is never stored as typed."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
