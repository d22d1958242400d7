"""The second factor: setting up an authenticator app, signing in with a code or a recovery code, remembered
browsers, MFA_REQUIRED, and an admin removing a lost one."""

import time
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import RecoveryCode, RememberedDevice, User
from app.services import second_factor
from tests.auth.helpers import code_for, give_second_factor, security_actions, set_up, sign_in
from tests.conftest import parse

NOW = 1_900_000_000.0  # a fixed time: codes are computed for it


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(second_factor, "clock", lambda: NOW)


def test_setting_up_an_app_shows_a_qr_code_and_ten_recovery_codes_kept_hashed(app, world):
    user = world.a.viewer
    client = app.test_client(user=user)
    page = client.get(url_for("auth.set_up_second_factor"))
    assert "script" not in page.get_data(as_text=True).split("<main", 1)[1].split("</main>")[0]
    wrong = client.post(url_for("auth.set_up_second_factor"), data={"code": "000000"})
    assert "6-digit code" in parse(wrong).select_one(".govuk-error-summary").get_text()

    secret, codes = set_up(client, NOW)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.totp_secret == secret and user.totp_new_secret is None
    assert len(codes) == len(set(codes)) == 10
    hashes = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    assert not set(codes) & set(hashes)
    assert "second_factor.set_up" in security_actions(user)


def test_signing_in_needs_the_code_after_the_password(app, world):
    user = world.a.owner
    secret = give_second_factor(user)
    client = app.test_client()

    first = sign_in(client, user, next_url="/reports")
    assert first.headers["Location"] == url_for("auth.second_factor")
    assert client.get(url_for("dashboard.index")).status_code == 302  # not signed in yet
    wrong = client.post(url_for("auth.second_factor"), data={"code": "123456"})
    assert wrong.status_code == 401
    right = client.post(url_for("auth.second_factor"), data={"code": code_for(secret, NOW)})
    assert right.status_code == 303 and right.headers["Location"] == "/reports"
    assert client.get(url_for("dashboard.index")).status_code == 200
    assert {"second_factor.failed", "sign_in.succeeded"} <= set(security_actions(user))


def test_a_code_works_once(app, world):
    user = world.a.owner
    secret = give_second_factor(user)
    one, two = app.test_client(), app.test_client()
    sign_in(one, user)
    sign_in(two, user)
    code = code_for(secret, NOW)
    assert one.post(url_for("auth.second_factor"), data={"code": code}).status_code == 303
    assert two.post(url_for("auth.second_factor"), data={"code": code}).status_code == 401


def test_a_code_from_another_time_is_refused(app, world):
    user = world.a.owner
    secret = give_second_factor(user)
    client = app.test_client()
    sign_in(client, user)
    assert client.post(url_for("auth.second_factor"), data={"code": code_for(secret, NOW - 120)}).status_code == 401
    assert client.post(url_for("auth.second_factor"), data={"code": code_for(secret, NOW - 30)}).status_code == 303


def test_a_recovery_code_signs_in_once(app, world):
    user = world.a.owner
    _, codes = set_up(app.test_client(user=user), NOW)
    client = app.test_client()
    sign_in(client, user)
    used = client.post(url_for("auth.second_factor"), data={"code": codes[3].lower().replace("-", " ")})
    assert used.status_code == 303
    again = app.test_client()
    sign_in(again, user)
    assert again.post(url_for("auth.second_factor"), data={"code": codes[3]}).status_code == 401
    assert "second_factor.recovery_code_used" in security_actions(user)


def test_the_second_step_cannot_be_skipped_by_setting_up_another_app(app, world):
    user = world.a.owner
    give_second_factor(user)
    client = app.test_client()
    sign_in(client, user)
    response = client.get(url_for("auth.set_up_second_factor"))
    assert response.headers["Location"] == url_for("auth.second_factor")
    assert client.post(url_for("auth.set_up_second_factor"), data={"code": "000000"}).status_code == 303
    assert client.get(url_for("dashboard.index")).status_code == 302


def test_a_remembered_browser_skips_the_code_for_thirty_days_only(app, world, monkeypatch):
    user = world.a.owner
    secret = give_second_factor(user)
    client = app.test_client()
    sign_in(client, user)
    client.post(url_for("auth.second_factor"), data={"code": code_for(secret, NOW), "remember": "y"})
    assert client.get_cookie(second_factor.DEVICE_COOKIE, path="/auth") is not None
    client.post(url_for("auth.logout"))

    assert sign_in(client, user).headers["Location"] == url_for("dashboard.index")  # no code asked
    client.post(url_for("auth.logout"))
    # Another browser, or the cookie of another account, is not remembered.
    assert sign_in(app.test_client(), user).headers["Location"] == url_for("auth.second_factor")

    device = db.session.scalar(select(RememberedDevice))
    assert device.expires_at - device.created_at == timedelta(days=30)
    device.expires_at = device.created_at - timedelta(seconds=1)
    db.session.commit()
    assert sign_in(client, user).headers["Location"] == url_for("auth.second_factor")


def test_forgetting_browsers_and_a_new_password_forget_them(app, world):
    user = world.a.owner
    secret = give_second_factor(user)
    client = app.test_client()
    sign_in(client, user)
    client.post(url_for("auth.second_factor"), data={"code": code_for(secret, NOW), "remember": "y"})
    client.post(url_for("auth.forget_devices"))
    assert db.session.scalar(select(RememberedDevice)) is None
    assert "second_factor.devices_forgotten" in security_actions(user)


def test_with_mfa_required_a_lead_must_set_up_an_app_before_anything_else(app, world):
    app.config["MFA_REQUIRED"] = True
    lead, viewer = world.a.lead, world.a.viewer
    client = app.test_client()
    assert sign_in(client, lead).headers["Location"] == url_for("auth.set_up_second_factor")
    assert client.get(url_for("dashboard.index")).status_code == 302
    page = parse(client.get(url_for("auth.set_up_second_factor")))
    secret = page.select_one("#secret").get_text().replace(" ", "")
    done = client.post(url_for("auth.set_up_second_factor"), data={"code": code_for(secret, NOW)})
    assert len(parse(done).select("#recovery-codes code")) == 10
    assert client.get(url_for("dashboard.index")).status_code == 200
    # A viewer approves and signs nothing: no app is required of them.
    assert sign_in(app.test_client(), viewer).headers["Location"] == url_for("dashboard.index")
    # Nor of anyone with the setting off.
    app.config["MFA_REQUIRED"] = False
    assert sign_in(app.test_client(), world.a.sponsor).headers["Location"] == url_for("dashboard.index")


def test_mfa_is_required_by_default_in_production_only(monkeypatch):
    from app.config import Config, ProductionConfig

    assert Config.MFA_REQUIRED is False
    assert ProductionConfig.MFA_REQUIRED is True


def test_a_sign_in_waiting_for_its_code_lapses(app, world, monkeypatch):
    from app.auth import sessions

    user = world.a.owner
    secret = give_second_factor(user)
    client = app.test_client()
    sign_in(client, user)
    monkeypatch.setattr(sessions, "clock", lambda: time.time() + sessions.PENDING_SECONDS + 1)
    late = client.post(url_for("auth.second_factor"), data={"code": code_for(secret, NOW)})
    assert late.headers["Location"] == url_for("auth.login")


def test_an_admin_removes_a_lost_app_and_the_persons_sessions_end(app, world, login_as):
    user = world.a.owner
    give_second_factor(user)
    open_session = app.test_client(user=user)
    login_as(world.admin).post(url_for("admin.reset_second_factor", user_id=user.id))
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is None
    assert open_session.get(url_for("dashboard.index")).status_code == 302
    assert "second_factor.reset" in security_actions(user)
