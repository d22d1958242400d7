"""Signing in with single sign-on (OpenID Connect): off to the provider and back."""

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.auth import bp, flow, oidc, sessions
from app.domain.sso import NotSetUp, identity_from_claims
from app.extensions import db
from app.services import sso
from app.web.permissions import public
from app.web.urls import safe_next

_NEXT = "_sso_next"
_AGAIN = "_sso_again"


@bp.route("/sso")
@public
def sso_start():
    """Off to the provider; ``again=1`` asks it to sign the person in afresh (an action needs it)."""
    if not oidc.enabled():
        abort(404)
    next_url = safe_next(request.args.get("next"), url_for("dashboard.index"))
    again = request.args.get("again") == "1" and current_user.is_authenticated
    try:
        url = oidc.authorize_url(url_for("auth.sso_callback", _external=True), again=again)
    except oidc.SignInFailed as failed:
        current_app.logger.warning("single sign-on could not start: %s", failed.reason)
        return _failed(), 502
    session[_NEXT] = next_url
    session[_AGAIN] = again
    return redirect(url, code=302)


@bp.route("/sso/callback")
@public
def sso_callback():
    """The provider's answer: check it, find the account, sign in."""
    if not oidc.enabled():
        abort(404)
    next_url = safe_next(session.pop(_NEXT, None), url_for("dashboard.index"))
    again = bool(session.pop(_AGAIN, False))
    try:
        claims = oidc.finish(request.args.to_dict())
    except oidc.SignInFailed as failed:
        flow.log("sign_in.failed", method="sso", reason=failed.reason)
        db.session.commit()
        return _failed(), 401
    identity = identity_from_claims(claims)
    try:
        user = sso.account_for(
            db.session,
            identity,
            create_users=bool(current_app.config.get("OIDC_CREATE_USERS")),
            address=request.remote_addr,
        )
    except NotSetUp:
        db.session.commit()
        return render_template("auth/not_set_up.html", email=identity.email), 403
    if again and current_user.is_authenticated and current_user.id != user.id:
        flow.log("sign_in.failed", user, method="sso", reason="signed in again as someone else")
        db.session.commit()
        return _failed(), 403
    held = session.get(flow.HELD)
    response = flow.complete(user, next_url, method="sso", second_factor_at=int(sessions.clock()))
    if held:
        session[flow.HELD] = held
    return response


def _failed():
    return render_template("auth/sso_failed.html", provider=current_app.config.get("OIDC_PROVIDER_NAME"))
