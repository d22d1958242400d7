"""Accounts: creating users, passwords (argon2id), sessions, deactivation and memberships."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.domain import passwords
from app.domain.errors import DomainError
from app.domain.permissions import Role
from app.domain.plan import required_text
from app.domain.text import EMAIL, PERSON_NAME
from app.models import Membership, RememberedDevice, User, Workstream
from app.models.user import NO_PASSWORD
from app.services import audit
from app.services.dml import rows_changed

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this keeps sign-in time the same whether or not the email exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = passwords.MIN_PASSWORD_LENGTH


def check_password(password: str, email: str = "") -> None:
    """The one password rule for every path (app/domain/passwords.py): raises DomainError(field="password") for a
    password shorter than MIN_PASSWORD_LENGTH, a common one, the person's own email address, or one that is not
    plain text within its limit."""
    passwords.check_password(password, email=email)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches the hash. Always one argon2 verification, so an account without a password
    (or none at all) answers in the same time as one with."""
    usable = password_hash is not None and password_hash != NO_PASSWORD
    try:
        _hasher.verify(password_hash if password_hash is not None and usable else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return usable


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with this email and password, else None."""
    user = find_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
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


def set_password(
    session: Session, actor: User | None, user: User, password: str, *, action: str = "user.password_changed"
) -> None:
    """Give ``user`` a new password; every session of theirs ends (the model sees the new hash) and no browser
    stays remembered for their second factor.

    Raises DomainError(field="password") for a password the rule refuses.
    """
    check_password(password, user.email)
    user.password_hash = hash_password(password)
    forget_devices(session, user)
    audit.record(session, actor, action, user, after={"email": user.email})


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The signed-in person changes their own password, giving the one they have now.

    Raises DomainError(field="current_password") when it is wrong, DomainError(field="password") for a new one
    the rule refuses.
    """
    if not verify_password(user.password_hash, current):
        raise DomainError("Enter your current password correctly", field="current_password")
    set_password(session, user, user, new)


def forget_devices(session: Session, user: User) -> int:
    """No browser stays remembered for the user's second factor. Returns how many were."""
    return rows_changed(session, delete(RememberedDevice).where(RememberedDevice.user_id == user.id))


def set_active(session: Session, actor: User | None, user: User, active: bool) -> None:
    """Deactivate (every session ends, no sign-in) or reactivate ``user``.

    Raises DomainError(field="active") for deactivating oneself: the last admin could lock everyone out.
    """
    if not active and actor is not None and actor.id == user.id:
        raise DomainError("You cannot deactivate your own account", field="active")
    if user.active == active:
        return
    user.active = active
    if not active:
        forget_devices(session, user)
    audit.record(
        session, actor, "user.reactivated" if active else "user.deactivated", user, after={"email": user.email}
    )


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    session: Session,
    actor: User | None,
    *,
    email: str,
    name: str,
    password: str | None,
    is_admin: bool = False,
    action: str = "user.created",
) -> User:
    """Create a user; with ``password=None`` the account has no password yet (an invitation, or single sign-on).

    Raises DomainError(field=…) for a taken email, a password the rule refuses, or a name, email or password that
    is not plain text within its limit.
    """
    name = required_text(name, "name", "Enter the full name", PERSON_NAME)
    email = EMAIL.check(email, "email").lower()
    if "@" not in email:
        raise DomainError("Enter an email address in the correct format, like name@example.org", field="email")
    if find_by_email(session, email):
        raise DomainError(f"A user with the email {email} already exists", field="email")
    if password is not None:
        check_password(password, email)
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password) if password is not None else NO_PASSWORD,
        is_admin=is_admin,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, action, user, after={"email": email, "name": user.name, "admin": is_admin})
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
