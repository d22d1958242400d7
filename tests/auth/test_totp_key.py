"""Second-factor secrets sealed at rest under TOTP_ENCRYPTION_KEY: never in clear in the database, codes working
across a key rotation, a wrong or missing key refusing codes without a 500, and the migration that seals the
secrets an existing database holds."""

from datetime import UTC, datetime

import pyotp
import pytest
from flask import url_for
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, table, text
from sqlalchemy.sql import column

from app.extensions import db
from app.models import User
from app.models._base import UTCDateTime
from app.models.sealed import Unreadable, cipher, new_key, unseal
from app.services import second_factor, users
from app.services.second_factor import SecretUnreadable
from tests.auth.helpers import code_for, security_actions, set_up, sign_in
from tests.conftest import make_test_app, parse
from tests.factories import PASSWORD

NOW = 1_900_000_000.0  # a fixed time: codes are computed for it
STEP = 30.0


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    clock = {"now": NOW}
    monkeypatch.setattr(second_factor, "clock", lambda: clock["now"])
    return clock


def _stored(user_id: int) -> tuple[str | None, str | None]:
    """What the database holds in the two secret columns, read with plain SQL (no model, no column type)."""
    row = db.session.execute(
        text("SELECT totp_secret, totp_new_secret FROM users WHERE id = :id"), {"id": user_id}
    ).one()
    return row.totp_secret, row.totp_new_secret


def _signs_in_with(app, user, code: str):
    client = app.test_client()
    assert sign_in(client, user).headers["Location"] == url_for("auth.second_factor")
    return client, client.post(url_for("auth.second_factor"), data={"code": code})


def _signed_in(client) -> bool:
    return client.get(url_for("dashboard.index")).status_code == 200


def test_the_database_never_holds_the_secret_in_clear(app, world):
    user = world.a.viewer
    client = app.test_client(user=user)
    page = parse(client.get(url_for("auth.set_up_second_factor")))
    shown = page.select_one("#secret").get_text().replace(" ", "")
    _, being_set_up = _stored(user.id)
    assert being_set_up and shown not in being_set_up
    assert unseal(being_set_up, app.config["TOTP_ENCRYPTION_KEY"]) == shown

    secret, _ = set_up(client, NOW)
    in_use, being_set_up = _stored(user.id)
    assert secret == shown and being_set_up is None
    assert secret not in in_use and pyotp.TOTP(secret).at(NOW) not in in_use
    assert unseal(in_use, app.config["TOTP_ENCRYPTION_KEY"]) == secret
    # Another key opens nothing: the token is sealed under the app's key, not merely encoded.
    assert isinstance(unseal(in_use, new_key()), Unreadable)

    _, answer = _signs_in_with(app, user, code_for(secret, NOW + STEP))
    assert answer.status_code == 303


def test_codes_work_after_a_key_rotation_and_after_resealing_under_the_new_key(app, world, fixed_clock):
    user = world.a.owner
    secret, _ = set_up(app.test_client(user=user), NOW)
    old_key, newest = app.config["TOTP_ENCRYPTION_KEY"], new_key()

    app.config["TOTP_ENCRYPTION_KEY"] = f"{newest},{old_key}"
    db.session.expire_all()
    client, answer = _signs_in_with(app, user, code_for(secret, NOW + STEP))
    assert answer.status_code == 303 and _signed_in(client)
    before, _ = _stored(user.id)
    assert unseal(before, old_key) == secret  # still under the old key until resealed

    resealed = app.test_cli_runner().invoke(args=["totp-key", "reseal"])
    assert resealed.exit_code == 0, resealed.output
    assert "1 secret sealed under the newest key" in resealed.output
    after, _ = _stored(user.id)
    assert unseal(after, newest) == secret and isinstance(unseal(after, old_key), Unreadable)
    assert "second_factor.resealed" in {
        action for (action,) in db.session.execute(text("SELECT action FROM audit_events")).all()
    }

    app.config["TOTP_ENCRYPTION_KEY"] = newest  # the old key retired
    db.session.expire_all()
    fixed_clock["now"] = NOW + 4 * STEP
    client, answer = _signs_in_with(app, user, code_for(secret, NOW + 4 * STEP))
    assert answer.status_code == 303 and _signed_in(client)


def test_a_new_key_is_printed_and_resealing_leaves_a_secret_no_key_opens_as_it_is(app, world):
    printed = app.test_cli_runner().invoke(args=["totp-key", "new"])
    newest = printed.output.strip()
    assert printed.exit_code == 0 and cipher(newest)
    user = world.a.owner
    set_up(app.test_client(user=user), NOW)
    token, _ = _stored(user.id)

    app.config["TOTP_ENCRYPTION_KEY"] = newest  # the key that sealed it is gone
    resealed = app.test_cli_runner().invoke(args=["totp-key", "reseal"])
    assert resealed.exit_code == 1
    assert "1 secret opened with no key in TOTP_ENCRYPTION_KEY" in resealed.stderr
    assert _stored(user.id)[0] == token


@pytest.mark.parametrize("key", ["another", "none"])
def test_a_secret_that_does_not_open_refuses_every_code_and_says_whom_to_ask(app, world, login_as, key):
    user = world.a.owner
    secret, codes = set_up(app.test_client(user=user), NOW)
    token, _ = _stored(user.id)
    app.config["TOTP_ENCRYPTION_KEY"] = new_key() if key == "another" else ""
    db.session.expire_all()

    for code in (code_for(secret, NOW + STEP), "123456"):
        client, answer = _signs_in_with(app, user, code)
        assert answer.status_code == 401
        summary = parse(answer).select_one(".govuk-error-summary").get_text()
        assert "cannot be checked" in summary and "Contact an administrator" in summary
        assert not _signed_in(client)
    assert security_actions(user).count("second_factor.unreadable") == 2
    assert _stored(user.id)[0] == token  # the sealed secret is kept as it was, for the right key to open again

    # A recovery code is no secret of the app's: it still signs in, and the row written keeps the token.
    client, answer = _signs_in_with(app, user, codes[0])
    assert answer.status_code == 303 and _signed_in(client)
    assert _stored(user.id)[0] == token

    # An admin sees the person's page and removes the second factor, as for a lost phone.
    admin = login_as(world.admin)
    assert admin.get(url_for("admin.user", user_id=user.id)).status_code == 200
    admin.post(url_for("admin.reset_second_factor", user_id=user.id))
    assert _stored(user.id) == (None, None)
    assert "second_factor.reset" in security_actions(user)


def test_the_service_never_accepts_a_code_for_a_secret_that_does_not_open(app, world):
    user = world.a.owner
    secret, _ = set_up(app.test_client(user=user), NOW)
    app.config["TOTP_ENCRYPTION_KEY"] = new_key()
    db.session.expire_all()
    person = db.session.get(User, user.id)
    assert person.has_second_factor and isinstance(person.totp_secret, Unreadable)
    with pytest.raises(SecretUnreadable):
        second_factor.verify(db.session, person, code_for(secret, NOW + STEP))


def test_a_secret_being_set_up_that_does_not_open_is_made_again(app, world):
    user = world.a.viewer
    client = app.test_client(user=user)
    first = parse(client.get(url_for("auth.set_up_second_factor"))).select_one("#secret").get_text()
    app.config["TOTP_ENCRYPTION_KEY"] = new_key()
    db.session.expire_all()
    page = client.get(url_for("auth.set_up_second_factor"))
    again = parse(page).select_one("#secret").get_text()
    assert page.status_code == 200 and again != first
    secret = again.replace(" ", "")
    done = client.post(url_for("auth.set_up_second_factor"), data={"code": code_for(secret, NOW)})
    assert done.status_code == 200 and parse(done).select("#recovery-codes code")


# The migration ------------------------------------------------------------------------------------------------

USERS_AT_0012 = table(
    "users",
    column("email"),
    column("name"),
    column("password_hash"),
    column("is_admin"),
    column("active"),
    column("created_at", UTCDateTime),
    column("session_token"),
    column("totp_secret"),
    column("totp_last_step"),
)


def test_upgrading_a_database_with_second_factors_seals_them_and_they_keep_working(empty_database, tmp_path, caplog):
    secret = pyotp.random_base32()
    app = make_test_app(empty_database, tmp_path)
    with app.app_context():
        upgrade(revision="0012_store")
        db.session.execute(
            USERS_AT_0012.insert().values(
                email="kept@example.org",
                name="Kept Person",
                password_hash=users.hash_password(PASSWORD),
                is_admin=False,
                active=True,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
                session_token="a-session-token-from-before-the-upgrade",
                totp_secret=secret,
                totp_last_step=None,
            )
        )
        db.session.commit()
        upgrade(revision="heads")
        db.session.remove()

        person = db.session.scalar(select(User).where(User.email == "kept@example.org"))
        token, _ = _stored(person.id)
        assert secret not in token and unseal(token, app.config["TOTP_ENCRYPTION_KEY"]) == secret
        with app.test_request_context():
            client, answer = _signs_in_with(app, person, code_for(secret, NOW))
            assert answer.status_code == 303 and _signed_in(client)

        # Downgrade opens them again; with a key that does not open them it stops and changes nothing.
        key, person_id = app.config["TOTP_ENCRYPTION_KEY"], person.id
        db.session.remove()
        app.config["TOTP_ENCRYPTION_KEY"] = new_key()
        with pytest.raises(SystemExit):  # `flask db downgrade` exits 1 with the message
            downgrade(revision="0012_store")
        assert "does not open with TOTP_ENCRYPTION_KEY" in caplog.text
        assert _stored(person_id)[0] == token
        db.session.remove()
        app.config["TOTP_ENCRYPTION_KEY"] = key
        downgrade(revision="0012_store")
        assert _stored(person_id)[0] == secret
        db.session.remove()
        db.engine.dispose()
