"""Helpers for the sign-in tests: links from the outbox, codes from an authenticator app."""

import re

import pyotp
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxEmail


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
