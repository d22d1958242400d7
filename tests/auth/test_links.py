"""Accounts without shared passwords: invitations and password resets by single-use links through the outbox,
and changing a password."""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.auth import account_routes
from app.domain.accounts import LinkPurpose, token_hash
from app.extensions import db
from app.models import AccountToken, AuditEvent, OutboxEmail, User
from app.models._base import utcnow
from app.services import accounts
from tests.auth.helpers import link_in, mail_to
from tests.conftest import parse
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "kettle lantern orchard"


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch):
    """ "Forgot your password?" pads its answer to a fixed time; these tests record the wait instead of waiting."""
    waits = []
    monkeypatch.setattr(account_routes, "sleep", waits.append)
    return waits


def _invite(login_as, world, email="new.person@example.org", **extra):
    response = login_as(world.admin).post(
        url_for("admin.new_user"), data={"name": "New Person", "email": email, **extra}
    )
    assert response.status_code == 303
    return db.session.scalar(select(User).where(User.email == email))


def _actions(user) -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "user", AuditEvent.object_id == user.id)
    ).all()


def test_an_invitation_link_from_the_outbox_sets_the_persons_own_password_once(app, login_as, world):
    person = _invite(login_as, world)
    (mail,) = mail_to("new.person@example.org")
    link = link_in(mail)
    assert "7 days" in mail.body
    # Only the token's sha256 is kept.
    token = link.rsplit("/", 1)[1]
    assert db.session.scalar(select(AccountToken.token_hash)) == token_hash(token)

    client = app.test_client()
    page = parse(client.get(link))
    assert "Welcome to Highlight, New Person" in page.get_text()
    set_it = client.post(link, data={"password": NEW_PASSWORD})
    assert set_it.status_code == 303
    assert parse(client.get(url_for("dashboard.index"))).select_one("h1")  # signed in

    again = app.test_client().post(link, data={"password": "another long password"})
    assert again.status_code == 404
    assert "This link does not work" in parse(again).get_text()
    signed_in = app.test_client().post(url_for("auth.login"), data={"email": person.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 303
    assert {"user.invited", "user.invitation_accepted", "sign_in.succeeded"} <= set(_actions(person))


def test_an_invitation_link_refuses_a_common_or_short_password_and_still_works(app, login_as, world):
    _invite(login_as, world)
    link = link_in(mail_to("new.person@example.org")[0])
    client = app.test_client()
    for password, reason in (("short one", "12 characters"), ("qwertyuiop123", "most common passwords")):
        response = client.post(link, data={"password": password})
        assert response.status_code == 200
        assert reason in parse(response).select_one(".govuk-error-summary").get_text()
    assert client.post(link, data={"password": NEW_PASSWORD}).status_code == 303


def test_an_invitation_expires_after_seven_days(app, login_as, world):
    person = _invite(login_as, world)
    token = link_in(mail_to(person.email)[0]).rsplit("/", 1)[1]
    later = utcnow() + timedelta(days=7, seconds=1)
    with pytest.raises(accounts.LinkNotValid):
        accounts.redeem(db.session, LinkPurpose.INVITATION, token, NEW_PASSWORD, now=later)
    accounts.redeem(db.session, LinkPurpose.INVITATION, token, NEW_PASSWORD, now=later - timedelta(seconds=2))


def test_sending_an_invitation_again_kills_the_first_link(app, login_as, world):
    person = _invite(login_as, world)
    first = link_in(mail_to(person.email)[0])
    login_as(world.admin).post(url_for("admin.resend_invitation", user_id=person.id))
    second = link_in(mail_to(person.email)[1])
    client = app.test_client()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert "user.invitation_sent" in _actions(person)


def test_a_reset_link_is_mailed_used_once_and_ends_every_session(app, client, world):
    user = world.a.owner
    old_session = app.test_client(user=user)
    assert old_session.get(url_for("dashboard.index")).status_code == 200

    asked = client.post(url_for("auth.forgot_password"), data={"email": user.email.upper()})
    assert asked.status_code == 200
    (mail,) = mail_to(user.email)
    assert "1 hour" in mail.body
    link = link_in(mail)
    done = client.post(link, data={"password": NEW_PASSWORD})
    assert done.status_code == 303

    assert old_session.get(url_for("dashboard.index")).status_code == 302  # signed out by the new password
    assert app.test_client().post(link, data={"password": "yet another password"}).status_code == 404
    fresh = app.test_client().post(url_for("auth.login"), data={"email": user.email, "password": NEW_PASSWORD})
    assert fresh.status_code == 303
    assert {"password.reset_requested", "password.reset"} <= set(_actions(user))


def test_a_reset_link_lasts_one_hour(app, client, world):
    user = world.a.owner
    client.post(url_for("auth.forgot_password"), data={"email": user.email})
    token = link_in(mail_to(user.email)[0]).rsplit("/", 1)[1]
    with pytest.raises(accounts.LinkNotValid):
        accounts.find_link(db.session, LinkPurpose.RESET, token, now=utcnow() + timedelta(hours=1, seconds=1))
    # The link is not an invitation either.
    with pytest.raises(accounts.LinkNotValid):
        accounts.find_link(db.session, LinkPurpose.INVITATION, token)


def test_a_reset_link_of_a_deactivated_account_does_not_work(app, client, world, login_as):
    user = world.a.owner
    client.post(url_for("auth.forgot_password"), data={"email": user.email})
    link = link_in(mail_to(user.email)[0])
    login_as(world.admin).post(url_for("admin.deactivate_user", user_id=user.id))
    assert app.test_client().get(link).status_code == 404


def test_forgot_password_says_and_takes_the_same_whether_or_not_the_email_is_known(app, world, _no_waiting):
    clock = iter([100.0, 100.2, 200.0, 200.05])
    account_routes.clock = lambda: next(clock)
    try:
        known = app.test_client().post(url_for("auth.forgot_password"), data={"email": world.a.owner.email})
        unknown = app.test_client().post(url_for("auth.forgot_password"), data={"email": "nobody@example.org"})
    finally:
        import time

        account_routes.clock = time.monotonic
    assert known.status_code == unknown.status_code == 200

    def outcome(response, email):
        return parse(response).select_one("#outcome").get_text().replace(email, "EMAIL")

    assert outcome(known, world.a.owner.email) == outcome(unknown, "nobody@example.org")
    # Each answer waited until the same fixed time after it was asked.
    assert _no_waiting == pytest.approx(
        [account_routes.FORGOT_PASSWORD_SECONDS - 0.2, account_routes.FORGOT_PASSWORD_SECONDS - 0.05]
    )
    assert len(mail_to(world.a.owner.email)) == 1 and not mail_to("nobody@example.org")
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 1
    refused = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "password.reset_requested", AuditEvent.object_id.is_(None))
    ).all()
    assert len(refused) == 1


def test_changing_a_password_asks_for_the_current_one_and_ends_other_sessions(app, world):
    user = world.a.owner
    here, elsewhere = app.test_client(user=user), app.test_client(user=user)
    wrong = here.post(
        url_for("auth.change_password"), data={"current_password": "not it at all", "password": NEW_PASSWORD}
    )
    assert "Enter your current password correctly" in parse(wrong).select_one(".govuk-error-summary").get_text()
    common = here.post(
        url_for("auth.change_password"), data={"current_password": PASSWORD, "password": "Password1234!"}
    )
    assert "most common" in parse(common).select_one(".govuk-error-summary").get_text()

    done = here.post(url_for("auth.change_password"), data={"current_password": PASSWORD, "password": NEW_PASSWORD})
    assert done.status_code == 303
    assert here.get(url_for("auth.account")).status_code == 200  # this browser goes on
    assert elsewhere.get(url_for("auth.account")).status_code == 302  # every other session ended
    assert (
        app.test_client().post(url_for("auth.login"), data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 303
    )
    assert "user.password_changed" in _actions(user)


def test_the_command_line_and_the_demo_meet_the_same_rule(app):
    make_user(email="cli@example.org")
    db.session.commit()
    runner = app.test_cli_runner()
    short = runner.invoke(args=["set-password", "--email", "cli@example.org", "--password", "too short"])
    common = runner.invoke(
        args=["create-user", "--email", "x@example.org", "--name", "X", "--password", "qwertyuiop123"]
    )
    assert short.exit_code == common.exit_code == 1
    assert "12 characters" in short.output and "most common" in common.output
