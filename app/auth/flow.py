"""The steps of signing in shared by every way in (password, invitation, reset, single sign-on), the security
log's record of them, and the fresh second factor that signing off and deciding ask for."""

from urllib.parse import urlsplit

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth import sessions
from app.domain.accounts import REMEMBER_DEVICE_FOR, second_factor_is_fresh, second_factor_required
from app.extensions import db
from app.models import User
from app.services import audit, second_factor
from app.web.htmx import redirect_after_post


def log(action: str, user: User | None = None, *, actor: User | None = None, **details) -> None:
    """One event of the security log, with the client's address."""
    audit.record_security(db.session, action, user=user, actor=actor, address=request.remote_addr, **details)


def must_use_second_factor(user: User) -> bool:
    return second_factor_required(
        setting=bool(current_app.config.get("MFA_REQUIRED")), is_admin=user.is_admin, roles=user.roles()
    )


def after_password(user: User, next_url: str) -> Response:
    """The password (or a link setting it) was right: ask for the second factor, have it set up, or sign in."""
    if user.has_second_factor:
        cookie = request.cookies.get(second_factor.DEVICE_COOKIE)
        remembered = second_factor.remembered_at(db.session, user, cookie, current_app.config["SECRET_KEY"])
        if remembered is not None:
            return complete(
                user, next_url, second_factor_at=int(remembered.timestamp()), second_factor="remembered browser"
            )
        sessions.hold(user, next_url)
        db.session.commit()
        return redirect(url_for("auth.second_factor"), code=303)
    if must_use_second_factor(user):
        sessions.hold(user, next_url, set_up=True)
        db.session.commit()
        return redirect(url_for("auth.set_up_second_factor"), code=303)
    return complete(user, next_url)


def complete(
    user: User,
    next_url: str,
    *,
    method: str = "password",
    second_factor_at: int | None = None,
    remember: bool = False,
    **details,
) -> Response:
    """Sign ``user`` in (a new session), recorded in the security log; ``remember`` this browser for the second
    factor."""
    log("sign_in.succeeded", user, actor=user, method=method, **details)
    cookie = second_factor.remember_device(db.session, user, current_app.config["SECRET_KEY"]) if remember else None
    db.session.commit()
    sessions.start(user, method=method, second_factor_at=second_factor_at)
    response = redirect(next_url, code=303)
    if cookie:
        response.set_cookie(
            second_factor.DEVICE_COOKIE,
            cookie,
            max_age=int(REMEMBER_DEVICE_FOR.total_seconds()),
            path=url_for("auth.login").rsplit("/", 1)[0],
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


# A fresh second factor for an action ----------------------------------------------------------------------------


def needs_fresh_second_factor() -> bool:
    """True when the signed-in user must enter their second factor (or sign in with single sign-on) again before
    an action that needs it: the last was more than 12 hours ago. A local account with no second factor, and none
    required of it, has nothing to enter."""
    if sessions.method() != "sso" and not (current_user.has_second_factor or must_use_second_factor(current_user)):
        return False
    return not second_factor_is_fresh(sessions.second_factor_at(), int(sessions.clock()))


def demand_fresh_second_factor(confirmation: str, keep: tuple[str, ...]) -> Response | None:
    """None when the second factor is fresh enough. Otherwise what was posted (the fields ``keep``) is held for the
    action's ``confirmation`` page and the answer sends the user to enter their second factor and back there."""
    if not needs_fresh_second_factor():
        return None
    fields = {name: request.form.get(name, "") for name in keep}
    path = urlsplit(confirmation).path
    second_factor.hold_form(db.session, current_user, path, fields)
    db.session.commit()
    session[HELD] = path
    return redirect_after_post(url_for("auth.confirm_second_factor", next=confirmation))


# The page a form is held for: only that page looks in the database for it.
HELD = "_held_form"


def held_form() -> dict[str, str]:
    """What the user posted for this page before entering their second factor again (once), or {}."""
    if not current_user.is_authenticated or session.get(HELD) != request.path:
        return {}
    session.pop(HELD, None)
    fields = second_factor.take_held_form(db.session, current_user, request.path)
    db.session.commit()
    return fields or {}
