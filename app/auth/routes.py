from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import bp, flow, oidc, sessions, throttle
from app.auth.forms import ConfirmSecondFactorForm, SecondFactorForm, SetUpForm, SignInForm
from app.domain.errors import DomainError
from app.domain.permissions import Permission
from app.extensions import db, limiter
from app.services import second_factor, users
from app.web.permissions import permission_required, public
from app.web.urls import safe_next


def _next_url() -> str:
    return safe_next(request.args.get("next"), url_for("dashboard.index"))


def _too_many(form, field: str, refused: throttle.TooManyTries, template: str, **context):
    minutes = -(-refused.retry_after // 60)
    what = "to sign in with this email address" if field == "email" else "at a code for this account"
    form[field].errors = [f"Too many tries {what}. Try again in {minutes} minute{'s' if minutes != 1 else ''}"]
    return render_template(template, form=form, **context), 429, {"Retry-After": str(refused.retry_after)}


def _check_code(form, user, template: str):
    """Check the code typed into ``form`` for ``user`` (throttled per account, every failure logged):
    ("totp" or "recovery_code", None) when it is right, (None, the answer to give) when not."""
    try:
        throttle.count_try(user.email, throttle.SECOND_FACTOR)
    except throttle.TooManyTries as refused:
        flow.log("second_factor.failed", user, reason="too many tries")
        db.session.commit()
        return None, _too_many(form, "code", refused, template)
    try:
        used = second_factor.verify(db.session, user, form.code.data)
    except second_factor.SecretUnreadable as error:
        # The key is wrong or missing on this server: refused, and said so to the person, the log and the admin.
        current_app.logger.error("A second-factor secret does not open with TOTP_ENCRYPTION_KEY (user %s)", user.id)
        flow.log("second_factor.unreadable", user, reason="the secret does not open with TOTP_ENCRYPTION_KEY")
        db.session.commit()
        form.code.errors = [error.message]
        return None, (render_template(template, form=form), 401)
    if used is None:
        flow.log("second_factor.failed", user, reason="code not right")
        db.session.commit()
        form.code.errors = ["Enter the code your authenticator app shows now, or an unused recovery code"]
        return None, (render_template(template, form=form), 401)
    throttle.forget_tries(user.email, throttle.SECOND_FACTOR)
    if used == "recovery_code":
        left = second_factor.recovery_codes_left(db.session, user)
        flow.log("second_factor.recovery_code_used", user, actor=user, codes_left=left)
    return used, None


def _login_page(form: SignInForm | None, status: int = 200):
    return render_template(
        "auth/login.html",
        form=form,
        sso=oidc.enabled(),
        provider=current_app.config.get("OIDC_PROVIDER_NAME") or "your organisation",
    ), status


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(throttle.address_limit, methods=["POST"])
def login():
    next_url = _next_url()
    if current_user.is_authenticated:
        return redirect(next_url)
    if not current_app.config.get("PASSWORD_SIGN_IN", True):
        if request.method == "POST":
            abort(404)
        return _login_page(None)
    form = SignInForm()
    if not form.validate_on_submit():
        return _login_page(form)
    try:
        throttle.count_try(form.email.data)
    except throttle.TooManyTries as refused:
        flow.log("sign_in.failed", users.find_by_email(db.session, form.email.data), reason="too many tries")
        db.session.commit()
        return _too_many(form, "email", refused, "auth/login.html", sso=oidc.enabled())
    user = users.authenticate(db.session, form.email.data, form.password.data)
    if user is None:
        known = users.find_by_email(db.session, form.email.data)
        flow.log("sign_in.failed", known, method="password", reason="email address or password not right")
        db.session.commit()
        form.password.errors = ["Enter a correct email address and password"]
        return _login_page(form, 401)
    throttle.forget_tries(form.email.data)
    return flow.after_password(user, next_url)


@bp.route("/two-factor", methods=["GET", "POST"], endpoint="second_factor")
@public
@limiter.limit(throttle.address_limit, methods=["POST"])
def second_factor_step():
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    held = sessions.pending()
    if held is None:
        flash("Sign in again to continue", "info")
        return redirect(url_for("auth.login"), code=303)
    user, hold = held
    if hold.get("set_up"):
        return redirect(url_for("auth.set_up_second_factor"), code=303)
    form = SecondFactorForm()
    if not form.validate_on_submit():
        return render_template("auth/second_factor.html", form=form)
    used, refused = _check_code(form, user, "auth/second_factor.html")
    if refused is not None:
        return refused
    return flow.complete(
        user,
        hold["next"],
        second_factor_at=int(sessions.clock()),
        second_factor=used,
        remember=bool(form.remember.data),
    )


@bp.route("/two-factor/set-up", methods=["GET", "POST"])
@public
@limiter.limit(throttle.address_limit, methods=["POST"])
def set_up_second_factor():
    """Set up an authenticator app: during a sign-in that requires one, or from the account page."""
    held = None if current_user.is_authenticated else sessions.pending()
    if held is not None and not held[1].get("set_up"):
        # A sign-in waiting for the second factor it has: setting up another would go round it.
        return redirect(url_for("auth.second_factor"), code=303)
    if held is not None:
        user, hold = held
        next_url = hold["next"]
    elif current_user.is_authenticated:
        user, hold, next_url = current_user, None, url_for("auth.account")
        if user.has_second_factor and flow.needs_fresh_second_factor():
            return redirect(url_for("auth.confirm_second_factor", next=request.path), code=303)
    else:
        flash("Sign in again to continue", "info")
        return redirect(url_for("auth.login"), code=303)
    secret = second_factor.begin_set_up(user)
    db.session.commit()
    form = SetUpForm()
    if form.validate_on_submit():
        try:
            throttle.count_try(user.email, throttle.SECOND_FACTOR)
            codes = second_factor.confirm_set_up(db.session, user, form.code.data)
        except throttle.TooManyTries as refused:
            return _too_many(form, "code", refused, "auth/set_up.html", **_set_up_context(user, secret))
        except DomainError as error:
            db.session.rollback()
            form.code.errors = [error.message]
        else:
            throttle.forget_tries(user.email, throttle.SECOND_FACTOR)
            if hold is not None:
                flow.complete(user, next_url, second_factor_at=int(sessions.clock()), second_factor="set up")
            else:
                db.session.commit()
                sessions.confirm_second_factor()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
    return render_template("auth/set_up.html", form=form, **_set_up_context(user, secret))


def _set_up_context(user, secret: str) -> dict:
    uri = second_factor.provisioning_uri(user, secret)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"qr_code": second_factor.qr_code(uri), "secret": grouped}


@bp.route("/two-factor/confirm", methods=["GET", "POST"])
@permission_required(Permission.SIGNED_IN)
@limiter.limit(throttle.address_limit, methods=["POST"])
def confirm_second_factor():
    """Enter the second factor again before an action that needs a fresh one, then back to it."""
    next_url = _next_url()
    if sessions.method() == "sso":
        return redirect(url_for("auth.sso_start", next=next_url, again=1), code=303)
    if not current_user.has_second_factor:
        if flow.must_use_second_factor(current_user):
            return redirect(url_for("auth.set_up_second_factor"), code=303)
        return redirect(next_url, code=303)
    form = ConfirmSecondFactorForm()
    if not form.validate_on_submit():
        return render_template("auth/confirm_second_factor.html", form=form)
    used, refused = _check_code(form, current_user, "auth/confirm_second_factor.html")
    if refused is not None:
        return refused
    flow.log("second_factor.confirmed", current_user, actor=current_user, second_factor=used)
    db.session.commit()
    sessions.confirm_second_factor()
    return redirect(next_url, code=303)


@bp.route("/sign-out", methods=["POST"])
@permission_required(Permission.SIGNED_IN)
def logout():
    flow.log("sign_out", current_user, actor=current_user)
    users.end_sessions(db.session, current_user)
    db.session.commit()
    sessions.end()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"), code=303)
