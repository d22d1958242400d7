import pytest

from app.domain.errors import DomainError
from app.domain.sessions import SessionEnd, SessionLimits, session_end

LIMITS = SessionLimits(idle_seconds=30 * 60, lifetime_seconds=12 * 3600)
SIGNED_IN = 1_000_000


def test_a_session_lasts_until_either_limit_is_reached():
    assert session_end(SIGNED_IN, SIGNED_IN, SIGNED_IN + 30 * 60 - 1, LIMITS) is None
    assert session_end(SIGNED_IN, SIGNED_IN, SIGNED_IN + 30 * 60, LIMITS) is SessionEnd.IDLE
    seen = SIGNED_IN + 12 * 3600 - 60
    assert session_end(SIGNED_IN, seen, SIGNED_IN + 12 * 3600 - 1, LIMITS) is None
    assert session_end(SIGNED_IN, seen, SIGNED_IN + 12 * 3600, LIMITS) is SessionEnd.LIFETIME


@pytest.mark.parametrize(
    ("signed_in_at", "seen_at"), [(None, SIGNED_IN), (SIGNED_IN, None), ("1000000", SIGNED_IN), (True, SIGNED_IN)]
)
def test_a_session_without_both_times_as_whole_seconds_never_began(signed_in_at, seen_at):
    assert session_end(signed_in_at, seen_at, SIGNED_IN, LIMITS) is SessionEnd.NOT_SIGNED_IN


def test_times_ahead_of_the_clock_count_as_now():
    assert session_end(SIGNED_IN + 5, SIGNED_IN + 5, SIGNED_IN, LIMITS) is None


def test_limits_come_from_whole_minutes_and_hours():
    assert SessionLimits.from_settings(30, 12) == LIMITS


@pytest.mark.parametrize(
    ("idle", "lifetime", "field"), [(0, 12, "SESSION_IDLE_MINUTES"), (30, -1, "SESSION_LIFETIME_HOURS")]
)
def test_limits_below_one_are_refused_naming_the_setting(idle, lifetime, field):
    with pytest.raises(DomainError) as error:
        SessionLimits.from_settings(idle, lifetime)
    assert error.value.field == field
