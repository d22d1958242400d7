"""Signed-in sessions: begun by the sign-in form, checked on every request by Flask-Login's user loader, ended by
signing out, a new password, deactivation, the idle timeout or the session lifetime.

The session cookie is signed with SECRET_KEY, so what it carries cannot be altered: the user's id with their
session token (``User.get_id``), the time of signing in and the time of the last request. A cookie is accepted
only while the token is still the user's (signing out, a new password or deactivation give them a new one, so a
copy of an old cookie is dead on the server) and while the times are within ``SESSION_IDLE_MINUTES`` and
``SESSION_LIFETIME_HOURS``. Flask-Login's "remember me" cookie is never set; one presented anyway carries no
sign-in time and is refused like any session that did not come through the form.
"""

import hmac
import time

from flask import current_app, g, session
from flask_login import FlaskLoginClient, login_user, logout_user
from sqlalchemy.orm import joinedload

from app.domain.sessions import SessionLimits, session_end
from app.extensions import db, login_manager
from app.models import User

clock = time.time  # tests move it
SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
# How this session signed in ("password" or "sso"), and when its second factor was last entered (the code, or
# for single sign-on the provider's sign-in): signing off and deciding need it within the last 12 hours.
METHOD = "_method"
SECOND_FACTOR_AT = "_second_factor_at"
# A sign-in half done: the password was right and the second factor is still to come. The user is not signed in
# (nothing but the second-factor pages will serve them) until it is.
PENDING = "_pending_sign_in"
PENDING_SECONDS = 600


def _limits() -> SessionLimits:
    config = current_app.config
    return SessionLimits.from_settings(config["SESSION_IDLE_MINUTES"], config["SESSION_LIFETIME_HOURS"])


def stamp(store, now: int) -> None:
    """Mark ``store`` (the session) as signed in at ``now``."""
    store[SIGNED_IN_AT] = now
    store[SEEN_AT] = now


def _clean() -> None:
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's copy of the old token for this request


def start(user: User, *, method: str = "password", second_factor_at: int | None = None) -> None:
    """Sign ``user`` in on a new session: nothing of the visitor's session is kept, so the CSRF token is new."""
    _clean()
    login_user(user)
    stamp(session, int(clock()))
    session[METHOD] = method
    if second_factor_at is not None:
        session[SECOND_FACTOR_AT] = int(second_factor_at)
    # A permanent session's cookie is renewed on every response and lapses after PERMANENT_SESSION_LIFETIME
    # (the idle timeout) in the browser too.
    session.permanent = True


def hold(user: User, next_url: str, *, set_up: bool = False) -> None:
    """The password was right: a new session (new CSRF token) holding the sign-in until the second factor is
    entered (or, with ``set_up``, set up). The hold names the user's session token, so a new password or
    deactivation meanwhile ends it too."""
    _clean()
    session[PENDING] = {
        "user": user.id,
        "token": user.session_token,
        "at": int(clock()),
        "next": next_url,
        "set_up": set_up,
    }


def pending() -> tuple[User, dict] | None:
    """The user whose sign-in waits for a second factor in this session, with the hold; None if there is none or
    it has lapsed (PENDING_SECONDS), or the user's sessions have ended since."""
    held = session.get(PENDING)
    if not isinstance(held, dict) or not isinstance(held.get("user"), int) or not isinstance(held.get("at"), int):
        return None
    if int(clock()) - held["at"] >= PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, held["user"], options=[joinedload(User.memberships)])
    if user is None or not user.active or not hmac.compare_digest(user.session_token, str(held.get("token"))):
        session.pop(PENDING, None)
        return None
    return user, held


def second_factor_at() -> int | None:
    value = session.get(SECOND_FACTOR_AT)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def confirm_second_factor() -> None:
    """The signed-in user has just entered their second factor again."""
    session[SECOND_FACTOR_AT] = int(clock())


def method() -> str:
    return session.get(METHOD) or "password"


def end() -> None:
    """Forget the signed-in user and everything else this browser's session held."""
    logout_user()
    session.clear()
    g.pop("csrf_token", None)


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """The signed-in user for this request, or None (the visitor is then signed out) if the session has ended."""
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return _refuse()
    # Memberships with the user, in one statement: every page checks permissions against them.
    user = db.session.get(User, int(user_id), options=[joinedload(User.memberships)])
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return _refuse()
    now = int(clock())
    if session_end(session.get(SIGNED_IN_AT), session.get(SEEN_AT), now, _limits()) is not None:
        return _refuse()
    session[SEEN_AT] = now
    return user


def _refuse() -> None:
    session.clear()
    return None


class SignedInClient(FlaskLoginClient):
    """A test client signed in as ``user=``, its session stamped as the sign-in form stamps it (tests, profiling)."""

    def __init__(self, *args, **kwargs):
        user = kwargs.get("user")
        super().__init__(*args, **kwargs)
        if user:
            with self.session_transaction() as store:
                stamp(store, int(clock()))
                if user.totp_secret is not None:
                    store[SECOND_FACTOR_AT] = int(clock())
