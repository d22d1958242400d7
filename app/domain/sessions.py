"""How long a signed-in session lasts: it ends after a spell without a request, and at a fixed age whatever the
activity. Times are whole seconds since the epoch, as the session cookie carries them."""

from dataclasses import dataclass
from enum import Enum

from app.domain.errors import DomainError


class SessionEnd(Enum):
    NOT_SIGNED_IN = "not signed in through the sign-in form"
    IDLE = "no request for longer than the idle timeout"
    LIFETIME = "older than the session lifetime"


@dataclass(frozen=True)
class SessionLimits:
    idle_seconds: int
    lifetime_seconds: int

    @classmethod
    def from_settings(cls, idle_minutes: int, lifetime_hours: int) -> "SessionLimits":
        """Raises DomainError naming the setting when either is not a positive whole number."""
        for name, value in (("SESSION_IDLE_MINUTES", idle_minutes), ("SESSION_LIFETIME_HOURS", lifetime_hours)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise DomainError(f"{name} must be a whole number of 1 or more, not {value!r}", field=name)
        return cls(idle_seconds=idle_minutes * 60, lifetime_seconds=lifetime_hours * 3600)


def _seconds(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def session_end(signed_in_at, seen_at, now: int, limits: SessionLimits) -> SessionEnd | None:
    """Why a session has ended, or None while it lasts.

    A session without both times (one not started by the sign-in form, such as a "remember me" cookie) has
    never begun. A time ahead of ``now`` (another server's clock running fast) counts as now.
    """
    signed_in_at, seen_at = _seconds(signed_in_at), _seconds(seen_at)
    if signed_in_at is None or seen_at is None:
        return SessionEnd.NOT_SIGNED_IN
    if now - signed_in_at >= limits.lifetime_seconds:
        return SessionEnd.LIFETIME
    if now - seen_at >= limits.idle_seconds:
        return SessionEnd.IDLE
    return None
