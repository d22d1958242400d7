"""The ``database://`` storage for Flask-Limiter: one count per key for every process that shares the database."""

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from app.web import rate_limit_storage
from app.web.rate_limit_storage import DatabaseStorage


@pytest.fixture
def clock(monkeypatch):
    now = [rate_limit_storage.clock()]
    monkeypatch.setattr(rate_limit_storage, "clock", lambda: now[0])
    return now


def test_the_uri_names_the_database_storage(app):
    assert isinstance(storage_from_string("database://"), DatabaseStorage)


def test_counts_add_up_within_a_window_and_start_again_after_it(app, clock):
    storage = DatabaseStorage()

    counts = [storage.incr("k", 60) for _ in range(3)]
    expiry = storage.get_expiry("k")
    clock[0] += 59
    during = storage.get("k")
    clock[0] += 1
    after = storage.get("k")
    again = storage.incr("k", 60)

    assert counts == [1, 2, 3]
    assert expiry == pytest.approx(clock[0])
    assert during == 3
    assert after == 0
    assert again == 1
    assert storage.get_expiry("k") == pytest.approx(clock[0] + 60)


def test_two_storages_on_one_database_share_every_count(app, clock):
    """What two gunicorn workers see: each has its own storage object, both count in the same rows."""
    one, two = DatabaseStorage(), DatabaseStorage()

    assert [one.incr("k", 60), two.incr("k", 60), one.incr("k", 60, amount=2)] == [1, 2, 4]
    assert two.get("k") == 4


def test_keys_are_counted_apart_and_cleared_one_at_a_time(app, clock):
    storage = DatabaseStorage()
    storage.incr("a", 60)
    storage.incr("b", 60)

    storage.clear("a")

    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 1
    assert storage.get("b") == 0


def test_the_fixed_window_strategy_refuses_past_the_limit(app, clock):
    limiter = FixedWindowRateLimiter(DatabaseStorage())
    item = parse("2 per minute")

    assert [limiter.hit(item, "sign-in", "x") for _ in range(3)] == [True, True, False]
    assert limiter.get_window_stats(item, "sign-in", "x").remaining == 0
    assert limiter.storage.check()


def test_the_moving_window_is_refused_at_start_up_rather_than_miscounted(app):
    with pytest.raises(NotImplementedError):
        MovingWindowRateLimiter(DatabaseStorage())
