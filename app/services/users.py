"""Accounts: creating users, passwords (argon2id), sessions, deactivation and memberships."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.domain.permissions import Role
from app.domain.plan import required_text
from app.domain.text import EMAIL, PASSWORD, PERSON_NAME
from app.models import Membership, User, Workstream
from app.services import audit

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this keeps sign-in time the same whether or not the email exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10


def check_password(password: str) -> None:
    """Raises DomainError(field="password") for a password shorter than MIN_PASSWORD_LENGTH, or one that is not
    plain text within its limit."""
    PASSWORD.check(password, "password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with this email and password, else None."""
    user = find_by_email(session, email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        # A new hash is a new password hash to the model: the user's other sessions end this once.
        user.password_hash = hash_password(password)
    return user


def end_sessions(session: Session, user: User) -> None:
    """Signing out: every session of the user's ends on the server, so a copied cookie is dead too."""
    user.end_sessions()


def set_password(session: Session, actor: User | None, user: User, password: str) -> None:
    """Give ``user`` a new password; every session of theirs ends (the model sees the new hash).

    Raises DomainError(field="password") for a short password.
    """
    check_password(password)
    user.password_hash = hash_password(password)
    audit.record(session, actor, "user.password_changed", user, after={"email": user.email})


def set_active(session: Session, actor: User | None, user: User, active: bool) -> None:
    """Deactivate (every session ends, no sign-in) or reactivate ``user``.

    Raises DomainError(field="active") for deactivating oneself: the last admin could lock everyone out.
    """
    if not active and actor is not None and actor.id == user.id:
        raise DomainError("You cannot deactivate your own account", field="active")
    if user.active == active:
        return
    user.active = active
    audit.record(
        session, actor, "user.reactivated" if active else "user.deactivated", user, after={"email": user.email}
    )


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    session: Session, actor: User | None, *, email: str, name: str, password: str, is_admin: bool = False
) -> User:
    """Create a user. Raises DomainError(field=…) for a taken email, a short password, or a name, email or password
    that is not plain text within its limit."""
    name = required_text(name, "name", "Enter the full name", PERSON_NAME)
    email = EMAIL.check(email, "email").lower()
    if "@" not in email:
        raise DomainError("Enter an email address in the correct format, like name@example.org", field="email")
    if find_by_email(session, email):
        raise DomainError(f"A user with the email {email} already exists", field="email")
    check_password(password)
    user = User(email=email, name=name, password_hash=hash_password(password), is_admin=is_admin)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.created", user, after={"email": email, "name": user.name, "admin": is_admin})
    return user


def add_membership(session: Session, actor: User | None, user: User, workstream: Workstream, role: Role) -> Membership:
    """Give ``user`` a role in ``workstream``. Raises DomainError if they already hold it."""
    role = Role(role)
    if role in user.roles_in(workstream.id):
        raise DomainError(f"{user.name} is already {role.label.lower()} of {workstream.name}", field="role")
    membership = Membership(user=user, workstream=workstream, role=role.value)
    session.add(membership)
    session.flush()
    audit.record(
        session,
        actor,
        "membership.added",
        membership,
        workstream_id=workstream.id,
        after={"user": user.email, "role": role.value},
    )
    return membership


def remove_membership(session: Session, actor: User | None, membership: Membership) -> None:
    audit.record(
        session,
        actor,
        "membership.removed",
        membership,
        workstream_id=membership.workstream_id,
        before={"user": membership.user.email, "role": membership.role},
    )
    session.delete(membership)
