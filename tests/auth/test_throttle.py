"""The sign-in throttle: strict per account tried, generous per client address, counted in the database."""

import pytest
from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import RateLimitCounter
from app.web import rate_limit_storage
from tests.conftest import make_test_app, parse
from tests.factories import PASSWORD, make_user

WRONG = "not the password"


@pytest.fixture
def throttled(database_template, tmp_path):
    """``throttled(**settings)`` → an app with the throttle on, counting in its database (one app per test)."""
    made = []

    def make(**settings):
        settings = {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "database://",
            "SIGN_IN_ACCOUNT_LIMIT": "3 per 15 minutes",
            "SIGN_IN_ADDRESS_LIMIT": "1000 per minute",
            **settings,
        }
        app = make_test_app(database_template(tmp_path), tmp_path, **settings)
        context = app.test_request_context()
        context.push()
        made.append(context)
        return app

    yield make
    db.session.remove()
    db.engine.dispose()
    for context in made:
        context.pop()


def _sign_in(client, email, password, **headers):
    return client.post(url_for("auth.login"), data={"email": email, "password": password}, headers=headers)


def _people(*emails):
    users = [make_user(email=email) for email in emails]
    db.session.commit()
    return users


def test_guesses_at_one_account_are_refused_after_its_limit_even_with_the_right_password(throttled):
    app = throttled()
    _people("priya@example.org")
    client = app.test_client()

    codes = [_sign_in(client, "priya@example.org", WRONG).status_code for _ in range(3)]
    refused = _sign_in(client, "Priya@Example.org ", PASSWORD)

    assert codes == [401, 401, 401]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    summary = parse(refused).select_one(".govuk-error-summary").get_text()
    assert "Too many tries to sign in with this email address" in summary
    assert client.get(url_for("dashboard.index")).status_code == 302


def test_guessing_at_one_account_never_locks_out_another_from_the_same_address(throttled):
    app = throttled()
    _people("priya@example.org", "sam@example.org")
    client = app.test_client()
    for _ in range(4):
        _sign_in(client, "priya@example.org", WRONG)

    assert _sign_in(client, "sam@example.org", PASSWORD).status_code == 303


def test_an_unknown_email_is_refused_exactly_as_a_known_one(throttled):
    app = throttled()
    _people("priya@example.org")
    client = app.test_client()

    known = [_sign_in(client, "priya@example.org", WRONG).status_code for _ in range(4)]
    unknown = [_sign_in(client, "nobody@example.org", WRONG).status_code for _ in range(4)]

    assert known == unknown == [401, 401, 401, 429]


def test_a_successful_sign_in_forgets_the_failed_tries(throttled):
    app = throttled()
    _people("priya@example.org")

    first = app.test_client()
    before = [_sign_in(first, "priya@example.org", p).status_code for p in (WRONG, WRONG, PASSWORD)]
    second = app.test_client()
    after = [_sign_in(second, "priya@example.org", WRONG).status_code for _ in range(4)]

    assert before == [401, 401, 303]
    assert after == [401, 401, 401, 429]


def test_the_account_may_try_again_once_its_window_has_passed(throttled, monkeypatch):
    app = throttled()
    _people("priya@example.org")
    client = app.test_client()
    now = rate_limit_storage.clock()
    monkeypatch.setattr(rate_limit_storage, "clock", lambda: now)
    for _ in range(3):
        _sign_in(client, "priya@example.org", WRONG)
    assert _sign_in(client, "priya@example.org", PASSWORD).status_code == 429

    monkeypatch.setattr(rate_limit_storage, "clock", lambda: now + 15 * 60 + 1)

    assert _sign_in(client, "priya@example.org", PASSWORD).status_code == 303


def test_many_accounts_from_one_address_meet_the_address_limit(throttled):
    app = throttled(SIGN_IN_ACCOUNT_LIMIT="100 per minute", SIGN_IN_ADDRESS_LIMIT="3 per minute")
    client = app.test_client()

    codes = [_sign_in(client, f"person{n}@example.org", WRONG).status_code for n in range(3)]
    refused = _sign_in(client, "person9@example.org", WRONG)

    assert codes == [401, 401, 401]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert parse(refused).select_one("h1").get_text(strip=True) == "Too many attempts"
    assert client.get(url_for("auth.login")).status_code == 200  # the page itself is never limited


def test_x_forwarded_for_is_not_believed_without_a_trusted_proxy(throttled):
    app = throttled(SIGN_IN_ACCOUNT_LIMIT="100 per minute", SIGN_IN_ADDRESS_LIMIT="2 per minute")
    client = app.test_client()

    codes = [
        _sign_in(client, f"person{n}@example.org", WRONG, **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]

    assert codes == [401, 401, 429]


def test_behind_one_trusted_proxy_each_client_address_counts_alone(throttled):
    app = throttled(SIGN_IN_ACCOUNT_LIMIT="100 per minute", SIGN_IN_ADDRESS_LIMIT="2 per minute", TRUSTED_PROXIES=1)
    client = app.test_client()

    others = [
        _sign_in(client, f"person{n}@example.org", WRONG, **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]
    # A client can put anything before the address the proxy adds; only the proxy's own entry is believed.
    one_client = [
        _sign_in(client, f"other{n}@example.org", WRONG, **{"X-Forwarded-For": f"10.0.0.{n}, 203.0.113.9"}).status_code
        for n in range(3)
    ]

    assert others == [401, 401, 401]
    assert one_client == [401, 401, 429]


def test_the_counts_never_hold_the_email_typed(throttled):
    app = throttled()
    client = app.test_client()
    _sign_in(client, "priya@example.org", WRONG)

    keys = db.session.scalars(select(RateLimitCounter.key)).all()

    assert len(keys) == 2  # one for the account, one for the address
    assert all(len(key) == 64 and "priya" not in key for key in keys)


def test_the_throttle_is_off_when_rate_limiting_is(throttled):
    app = throttled(RATELIMIT_ENABLED=False)
    client = app.test_client()

    codes = [_sign_in(client, "priya@example.org", WRONG).status_code for _ in range(5)]

    assert codes == [401] * 5
    assert db.session.scalar(select(RateLimitCounter.key)) is None
