"""Sessions end on the server: a session cookie copied before sign-out, a new password or deactivation is dead
afterwards; sessions lapse after the idle timeout and at the session lifetime; the CSRF token is new at sign-in."""

from datetime import UTC, datetime

import pytest
from flask import url_for
from flask_login.utils import encode_cookie
from sqlalchemy import update
from werkzeug.http import parse_date

from app.auth import sessions
from app.extensions import db
from app.models import User
from app.services import users
from tests.conftest import make_test_app, parse
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def priya(app):
    user = make_user("Priya Shah", email="priya@example.org")
    db.session.commit()
    return user


def _signed_in(app, email="priya@example.org", password=PASSWORD):
    """A client signed in through the real form."""
    client = app.test_client()
    response = client.post(url_for("auth.login"), data={"email": email, "password": password})
    assert response.status_code == 303
    return client


def _copy(client, app):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_out(client) -> bool:
    response = client.get(url_for("dashboard.index"))
    assert response.status_code in (200, 302)
    return response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]


def test_a_cookie_copied_before_sign_out_is_dead_after_it(app, priya):
    client = _signed_in(app)
    thief = _copy(client, app)
    assert not _signed_out(thief)

    client.post(url_for("auth.logout"))

    assert _signed_out(client)
    assert _signed_out(thief)


def test_signing_out_ends_the_accounts_sessions_on_every_device(app, priya):
    laptop, phone = _signed_in(app), _signed_in(app)

    phone.post(url_for("auth.logout"))

    assert _signed_out(laptop)


def test_a_new_password_ends_every_session(app, priya):
    client = _signed_in(app)
    thief = _copy(client, app)

    users.set_password(db.session, None, priya, NEW_PASSWORD)
    db.session.commit()

    assert _signed_out(client)
    assert _signed_out(thief)
    assert _signed_in(app, password=NEW_PASSWORD)


def test_a_new_password_from_the_command_line_ends_every_session(app, priya):
    client = _signed_in(app)

    result = app.test_cli_runner().invoke(
        args=["set-password", "--email", "PRIYA@example.org", "--password", NEW_PASSWORD]
    )

    assert result.exit_code == 0, result.output
    assert _signed_out(client)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "nobody@example.org", "--password", NEW_PASSWORD], "Error: email: no user has the email"),
        (["--email", "priya@example.org", "--password", "short"], "Error: password: Password must be"),
    ],
)
def test_set_password_refuses_an_unknown_user_or_a_short_password(app, priya, args, message):
    client = _signed_in(app)

    result = app.test_cli_runner().invoke(args=["set-password", *args])

    assert result.exit_code == 1
    assert result.output.strip().startswith(message)
    assert len(result.output.strip().splitlines()) == 1
    assert not _signed_out(client)


def test_deactivation_by_an_admin_ends_every_session_and_reactivation_revives_none(app, world, priya):
    client = _signed_in(app)
    admin = app.test_client(user=world.admin)

    deactivated = admin.post(url_for("admin.deactivate_user", user_id=priya.id))

    assert deactivated.status_code == 303
    assert _signed_out(client)
    refused = app.test_client().post(url_for("auth.login"), data={"email": "priya@example.org", "password": PASSWORD})
    assert refused.status_code == 401

    admin.post(url_for("admin.reactivate_user", user_id=priya.id))

    assert _signed_out(client)
    assert _signed_in(app)


def test_a_user_deactivated_outside_the_app_is_signed_out_on_their_next_request(app, priya):
    client = _signed_in(app)

    # A plain UPDATE, as a database administrator might run: no model event, the token unchanged.
    db.session.execute(update(User).where(User.id == priya.id).values(active=False))
    db.session.commit()

    assert _signed_out(client)


@pytest.fixture
def clock(monkeypatch):
    """The sessions' clock, moved by the test: ``clock.move(minutes=…)``."""

    class Clock:
        now = int(sessions.clock())

        def move(self, minutes: float = 0, hours: float = 0) -> None:
            self.now += int(minutes * 60 + hours * 3600)

    moved = Clock()
    monkeypatch.setattr(sessions, "clock", lambda: moved.now)
    return moved


def test_a_session_lapses_after_thirty_minutes_without_a_request(app, priya, clock):
    client = _signed_in(app)

    clock.move(minutes=29)
    kept_alive = not _signed_out(client)
    clock.move(minutes=29)  # 58 minutes after signing in, but only 29 since the last request
    still_in = not _signed_out(client)
    clock.move(minutes=30)

    assert kept_alive and still_in
    assert _signed_out(client)


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(app, priya, clock):
    client = _signed_in(app)

    answered = []
    for _ in range(11 * 60 // 20 + 2):  # a request every 20 minutes, up to 11 h 40 min
        clock.move(minutes=20)
        answered.append(not _signed_out(client))
    clock.move(minutes=20)  # 12 h

    assert all(answered)
    assert _signed_out(client)


def test_the_timeouts_are_settings(database_template, tmp_path, clock):
    app = make_test_app(database_template(tmp_path), tmp_path, SESSION_IDLE_MINUTES=5, SESSION_LIFETIME_HOURS=1)
    with app.test_request_context():
        make_user(email="priya@example.org")
        db.session.commit()
        idle = _signed_in(app)
        clock.move(minutes=4)
        assert not _signed_out(idle)
        clock.move(minutes=5)
        assert _signed_out(idle)

        busy = _signed_in(app)
        for _ in range(14):  # a request every 4 minutes, up to 56 minutes
            clock.move(minutes=4)
            assert not _signed_out(busy)
        clock.move(minutes=4)
        assert _signed_out(busy)
        db.session.remove()
        db.engine.dispose()


def test_the_session_cookie_lapses_in_the_browser_after_the_idle_timeout(app, priya):
    client = app.test_client()

    response = client.post(url_for("auth.login"), data={"email": "priya@example.org", "password": PASSWORD})

    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    expires = parse_date(next(p.split("=", 1)[1] for p in cookie.split("; ") if p.startswith("Expires=")))
    minutes = (expires - datetime.now(UTC)).total_seconds() / 60
    assert 29 < minutes <= 30


def test_a_remember_me_cookie_signs_nobody_in(app, priya):
    client = app.test_client()
    client.set_cookie("remember_token", encode_cookie(priya.get_id()))

    assert _signed_out(client)


def test_a_session_from_before_session_tokens_is_refused_without_an_error(app, priya):
    client = app.test_client()
    with client.session_transaction() as store:
        store["_user_id"] = str(priya.id)
        sessions.stamp(store, int(sessions.clock()))

    assert _signed_out(client)


def test_a_session_not_begun_by_the_sign_in_form_is_refused(app, priya):
    client = app.test_client()
    with client.session_transaction() as store:
        store["_user_id"] = priya.get_id()  # the right identity, but no sign-in time

    assert _signed_out(client)


@pytest.fixture
def csrf_app(database_template, tmp_path):
    app = make_test_app(database_template(tmp_path), tmp_path, WTF_CSRF_ENABLED=True)
    with app.test_request_context():
        make_user(email="priya@example.org")
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def _token(page) -> str:
    return parse(page).select_one("input[name=csrf_token]")["value"]


def test_the_csrf_token_of_the_sign_in_page_is_dead_once_signed_in(csrf_app):
    client = csrf_app.test_client()
    before = _token(client.get(url_for("auth.login")))
    signed_in = client.post(
        url_for("auth.login"), data={"csrf_token": before, "email": "priya@example.org", "password": PASSWORD}
    )
    after = _token(client.get(url_for("dashboard.index")))

    old = client.post(url_for("auth.logout"), headers={"X-CSRFToken": before, "HX-Request": "true"})
    new = client.post(url_for("auth.logout"), headers={"X-CSRFToken": after})

    assert signed_in.status_code == 303
    assert old.status_code == 400
    assert new.status_code == 303
