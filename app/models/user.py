"""People and their roles: a global admin flag and per-workstream memberships."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.permissions import Permission, Role, can, can_anywhere
from app.extensions import db
from app.models._base import UTCDateTime, utcnow
from app.models.sealed import SealedSecret, Unreadable

if TYPE_CHECKING:
    from app.models.plan import Workstream


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


# The password hash of an account that has no password (invited and not yet accepted, or made by single sign-on):
# not an argon2 hash, so no password matches it.
NO_PASSWORD = "!"  # noqa: S105 (a marker, not a password)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # One account per identity at a single sign-on provider (NULLs, accounts not linked, never clash).
    __table_args__ = (Index("ix_users_oidc_identity", "oidc_issuer", "oidc_subject", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Carried in every session cookie of this user's; a new one ends them all (see get_id). The server default
    # (for rows written outside the app) is empty, and an empty token is never accepted.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token, server_default="")

    # The identity at the single sign-on provider this account is linked to (its issuer and subject), once it has
    # signed in that way: afterwards it is found by these, never again by its email address.
    oidc_issuer: Mapped[str | None] = mapped_column(String(300))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    # The second factor (TOTP, RFC 6238): the secret in use, one being set up (until its first code is entered),
    # the time step of the last code accepted (a code is never accepted twice), and when it was set up. Both
    # secrets are sealed with TOTP_ENCRYPTION_KEY (app/models/sealed.py); one no key opens reads as Unreadable.
    totp_secret: Mapped[str | Unreadable | None] = mapped_column(SealedSecret)
    totp_new_secret: Mapped[str | Unreadable | None] = mapped_column(SealedSecret)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    totp_set_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in to deactivated users
        return self.active

    def get_id(self) -> str:
        """The identity Flask-Login keeps in the session cookie: the user's id and their current session token.
        The user loader accepts a cookie only while the token is still the user's."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """End every session of this user's, on every device: cookies carrying the old token stop working."""
        self.session_token = new_session_token()

    @property
    def has_password(self) -> bool:
        return self.password_hash != NO_PASSWORD

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None

    def roles(self) -> frozenset[Role]:
        """Every role this user holds, in any workstream."""
        return frozenset(Role(m.role) for m in self.memberships)

    def roles_in(self, workstream_id: int) -> frozenset[Role]:
        """The roles this user holds in one workstream (admin is global and not included)."""
        return frozenset(Role(m.role) for m in self.memberships if m.workstream_id == workstream_id)

    def workstream_ids(self) -> set[int]:
        return {m.workstream_id for m in self.memberships}

    def can(self, permission: Permission, workstream_id: int | None = None) -> bool:
        """Policy check: in one workstream when given, else in at least one (routes then check the object)."""
        if workstream_id is None:
            by_workstream: dict[int, set[Role]] = {}
            for m in self.memberships:
                by_workstream.setdefault(m.workstream_id, set()).add(Role(m.role))
            return can_anywhere(by_workstream.values(), permission, is_admin=self.is_admin)
        return can(self.roles_in(workstream_id), permission, is_admin=self.is_admin)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


@event.listens_for(User.password_hash, "set", active_history=True)
@event.listens_for(User.active, "set", active_history=True)
def _end_sessions_when_access_changes(user: User, value, old_value, initiator) -> None:
    """A new password or a change of the active flag ends the user's sessions, whatever path set it (a service,
    the CLI, an import): the rule lives on the model so no path can forget it."""
    if value != old_value:
        user.end_sessions()


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "workstream_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workstream_id: Mapped[int] = mapped_column(ForeignKey("workstreams.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    workstream: Mapped[Workstream] = relationship(back_populates="memberships")
