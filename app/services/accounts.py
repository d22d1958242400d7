"""Accounts without shared passwords: invitations and password resets by single-use links sent by email.

A link's token is 256 random bits; only its sha256 is kept (``AccountToken``). A link works once, until it expires
(an invitation 7 days, a reset 1 hour), for an active account: it is used up by a conditional UPDATE, so two
requests racing with one link cannot both set a password. Sending a new link of a kind makes the older ones of
that kind stop working; using any link makes all of the account's links stop working.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.accounts import LINK_LIFETIME, LinkPurpose, new_link_token, token_hash
from app.domain.errors import DomainError
from app.models import AccountToken, User
from app.models._base import utcnow
from app.services import audit, users
from app.services.dml import rows_changed
from app.services.notifications import absolute_url, app_path, queue_email


class LinkNotValid(DomainError):
    """The link is unknown, used, expired, or its account is deactivated."""

    def __init__(self) -> None:
        super().__init__("This link has been used, has expired or is not right", field="token")


def _issue(session: Session, user: User, purpose: LinkPurpose, now: datetime) -> str:
    session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose.value, AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = new_link_token()
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose.value,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + LINK_LIFETIME[purpose],
        )
    )
    return token


def _password_sign_in() -> bool:
    return bool(current_app.config.get("PASSWORD_SIGN_IN", True))


def invite(
    session: Session, actor: User, *, email: str, name: str, is_admin: bool = False, now: datetime | None = None
) -> User:
    """Create an account with no password and email its owner a link to set one (valid 7 days); with password
    sign-in off, a link to sign in with single sign-on instead. Raises DomainError(field) as ``create_user``."""
    user = users.create_user(
        session, actor, email=email, name=name, password=None, is_admin=is_admin, action="user.invited"
    )
    _send_invitation(session, user, now or utcnow())
    return user


def resend_invitation(session: Session, actor: User, user: User, now: datetime | None = None) -> None:
    """A new invitation link (the old one stops working). Raises DomainError for an account that has a password
    already or is deactivated."""
    if user.has_password or not user.active:
        raise DomainError(f"{user.name} has already accepted their invitation, or is deactivated", field="user")
    _send_invitation(session, user, now or utcnow())
    audit.record_security(session, "user.invitation_sent", user=user, actor=actor)


def _send_invitation(session: Session, user: User, now: datetime) -> None:
    council = current_app.config.get("COUNCIL_NAME", "")
    if _password_sign_in():
        token = _issue(session, user, LinkPurpose.INVITATION, now)
        link = absolute_url(app_path("auth.accept_invitation", token=token))
        body = (
            f"Hello {user.name},\n\nYou have been invited to Highlight, {council}'s highlight reports.\n\n"
            f"Set your password here (the link works once, for 7 days):\n\n{link}\n\n"
            "If you were not expecting this, you can ignore this email."
        )
    else:
        link = absolute_url(app_path("auth.login"))
        provider = current_app.config.get("OIDC_PROVIDER_NAME") or "your council account"
        body = (
            f"Hello {user.name},\n\nYou have been invited to Highlight, {council}'s highlight reports.\n\n"
            f"Sign in with {provider} here:\n\n{link}"
        )
    queue_email(session, user.email, "You have been invited to Highlight", body)


def request_reset(session: Session, email: str, *, address: str | None = None, now: datetime | None = None) -> None:
    """Email a password reset link (valid 1 hour) to the active account with this address, if there is one.

    Whether there is or not, the same is recorded in the security log (the account, when there is one) and the
    caller answers the same: nothing tells the asker whether the address has an account.
    """
    now = now or utcnow()
    user = users.find_by_email(session, email)
    if user is None or not user.active:
        audit.record_security(session, "password.reset_requested", address=address, outcome="no active account")
        return
    token = _issue(session, user, LinkPurpose.RESET, now)
    link = absolute_url(app_path("auth.reset_password", token=token))
    body = (
        f"Hello {user.name},\n\nSomeone (we hope you) asked to reset your Highlight password.\n\n"
        f"Choose a new password here (the link works once, for 1 hour):\n\n{link}\n\n"
        "If you did not ask, you can ignore this email: your password has not changed."
    )
    queue_email(session, user.email, "Reset your Highlight password", body)
    audit.record_security(session, "password.reset_requested", user=user, address=address, outcome="link sent")


def find_link(session: Session, purpose: LinkPurpose, token: str, now: datetime | None = None) -> AccountToken:
    """The unused, unexpired link of ``purpose`` for an active account. Raises LinkNotValid otherwise."""
    now = now or utcnow()
    link = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_hash(token or ""), AccountToken.purpose == purpose.value
        )
    )
    if link is None or link.used_at is not None or link.expires_at <= now or not link.user.active:
        raise LinkNotValid()
    return link


def redeem(
    session: Session,
    purpose: LinkPurpose,
    token: str,
    password: str,
    *,
    now: datetime | None = None,
) -> User:
    """Set the account's password through its link, which is then used up with every other link of the account.

    Raises LinkNotValid, or DomainError(field="password") for a password the rule refuses (the link still works).
    """
    now = now or utcnow()
    link = find_link(session, purpose, token, now)
    user = link.user
    users.check_password(password, user.email)
    used = rows_changed(
        session,
        update(AccountToken)
        .where(AccountToken.id == link.id, AccountToken.used_at.is_(None), AccountToken.expires_at > now)
        .values(used_at=now),
    )
    if used != 1:
        raise LinkNotValid()
    session.execute(
        update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None)).values(used_at=now)
    )
    action = "user.invitation_accepted" if purpose is LinkPurpose.INVITATION else "password.reset"
    users.set_password(session, user, user, password, action=action)
    return user
