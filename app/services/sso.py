"""Signing in with single sign-on: the account an identity from the provider belongs to."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.sso import Identity, NotSetUp
from app.models import User
from app.services import audit, users


def account_for(session: Session, identity: Identity, *, create_users: bool, address: str | None = None) -> User:
    """The active account of ``identity``: by its issuer and subject once linked; on a first sign-in, by its
    verified email address (the account is then linked, and found by subject from then on); or, with
    ``create_users``, a new account with no roles.

    Raises NotSetUp (with the reason, which is also in the security log) for anyone else: no verified email, no
    account, an account already linked to another identity, or a deactivated account.
    """
    user = session.scalar(
        select(User).where(User.oidc_issuer == identity.issuer, User.oidc_subject == identity.subject)
    )
    if user is None:
        user = _first_sign_in(session, identity, create_users, address)
    if not user.active:
        _refuse(session, "account deactivated", identity, address, user)
    return user


def _first_sign_in(session: Session, identity: Identity, create_users: bool, address: str | None) -> User:
    if not identity.email_verified:
        _refuse(session, "no verified email address", identity, address)
    user = users.find_by_email(session, identity.email)
    if user is not None and user.oidc_subject is not None:
        _refuse(session, "account already linked to another identity", identity, address, user)
    if user is not None and not user.active:
        _refuse(session, "account deactivated", identity, address, user)
    if user is None:
        if not create_users:
            _refuse(session, "no account with this email address", identity, address)
        user = users.create_user(
            session,
            None,
            email=identity.email,
            name=identity.name or identity.email,
            password=None,
            action="sso.account_created",
        )
    user.oidc_issuer, user.oidc_subject = identity.issuer, identity.subject
    audit.record_security(session, "sso.linked", user=user, actor=user, address=address, subject=identity.subject)
    return user


def _refuse(session: Session, reason: str, identity: Identity, address: str | None, user: User | None = None):
    audit.record_security(
        session,
        "sso.refused",
        user=user,
        address=address,
        reason=reason,
        subject=identity.subject,
        claimed_email=identity.email if user is None else None,
    )
    raise NotSetUp(reason)
