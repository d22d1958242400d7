"""Helpers for the sign-in tests: links from the outbox, codes from an authenticator app, signing in, setting up
an app, the security log's events about an account."""

import re

import pyotp
from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OutboxEmail
from tests.conftest import parse
from tests.factories import PASSWORD


def mail_to(email: str) -> list[OutboxEmail]:
    return db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == email).order_by(OutboxEmail.id)).all()


def link_in(mail: OutboxEmail) -> str:
    """The path of the one link in an email (PUBLIC_URL is unset in tests, so links are site paths)."""
    found = re.findall(r"^(/auth/\S+)$", mail.body, flags=re.M)
    assert len(found) == 1, mail.body
    return found[0]


def code_for(secret: str, at: float) -> str:
    return pyotp.TOTP(secret).at(at)


def give_second_factor(user) -> str:
    """Give ``user`` an authenticator app (as if set up); returns its secret."""
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    return user.totp_secret


def make_stale(client, hours: float = 13) -> None:
    """Move this signed-in client's last second factor ``hours`` into the past."""
    from app.auth import sessions

    with client.session_transaction() as store:
        store[sessions.SECOND_FACTOR_AT] = int(sessions.clock() - hours * 3600)


def sign_in(client, user, next_url=None):
    """Post ``user``'s email address and password to the sign-in form."""
    url = url_for("auth.login", next=next_url) if next_url else url_for("auth.login")
    return client.post(url, data={"email": user.email, "password": PASSWORD})


def set_up(client, at: float) -> tuple[str, list[str]]:
    """Set up an authenticator app as the client's user, entering its code for the time ``at``; returns the secret
    shown and the ten recovery codes."""
    page = parse(client.get(url_for("auth.set_up_second_factor")))
    image = page.select_one("img.app-qr-code")
    assert image["src"].startswith("data:image/svg+xml")
    secret = page.select_one("#secret").get_text().replace(" ", "")
    done = client.post(url_for("auth.set_up_second_factor"), data={"code": code_for(secret, at)})
    codes = [c.get_text() for c in parse(done).select("#recovery-codes code")]
    return secret, codes


def security_actions(user) -> list[str]:
    """The actions of the security log's events about ``user``'s account, oldest first."""
    return db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "user", AuditEvent.object_id == user.id)
        .order_by(AuditEvent.id)
    ).all()
