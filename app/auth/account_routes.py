"""Your account (password, second factor), and the pages single-use links lead to: an invitation, a password reset
and asking for one."""

import time

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import bp, flow, sessions, throttle
from app.auth.forms import ButtonForm, ChangePasswordForm, ForgotPasswordForm, NewPasswordForm
from app.domain.accounts import LinkPurpose
from app.domain.errors import DomainError
from app.domain.permissions import Permission
from app.extensions import db, limiter
from app.services import accounts, second_factor, users
from app.web.forms import apply_domain_error
from app.web.permissions import permission_required, public

# "Forgot your password?" answers no sooner than this after it is asked, whether or not a link was sent, so the
# time taken tells nothing about whether the address has an account. Tests replace ``sleep`` and ``clock``.
FORGOT_PASSWORD_SECONDS = 1.0
sleep = time.sleep
clock = time.monotonic


def _password_sign_in() -> bool:
    return bool(current_app.config.get("PASSWORD_SIGN_IN", True))


@bp.route("/account")
@permission_required(Permission.SIGNED_IN)
def account():
    return render_template(
        "auth/account.html",
        codes_left=second_factor.recovery_codes_left(db.session, current_user),
        required=flow.must_use_second_factor(current_user),
        password_sign_in=_password_sign_in(),
        button=ButtonForm(),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@permission_required(Permission.SIGNED_IN)
@limiter.limit(throttle.address_limit, methods=["POST"])
def change_password():
    if not _password_sign_in() or not current_user.has_password:
        abort(404)
    form = ChangePasswordForm()
    user = current_user._get_current_object()  # the model itself: the audit trail names its type
    if form.validate_on_submit():
        try:
            throttle.count_try(user.email)
            users.change_password(db.session, user, form.current_password.data, form.password.data)
        except throttle.TooManyTries:
            form.current_password.errors = ["Too many tries for this account. Try again later"]
        except DomainError as error:
            db.session.rollback()
            if error.field == "current_password":
                flow.log("sign_in.failed", current_user, reason="current password not right (changing it)")
                db.session.commit()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            # The new password ended every session, this one too: it goes on, on this browser only.
            throttle.forget_tries(user.email)
            sessions.start(user, method=sessions.method(), second_factor_at=sessions.second_factor_at())
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.account"), code=303)
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/recovery-codes", methods=["POST"])
@permission_required(Permission.SIGNED_IN)
def new_recovery_codes():
    if not current_user.has_second_factor or not ButtonForm().validate_on_submit():
        abort(400)
    again = flow.demand_fresh_second_factor(url_for("auth.account"), ())
    if again is not None:
        return again
    codes = second_factor.renew_recovery_codes(db.session, current_user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("auth.account"))


@bp.route("/account/forget-browsers", methods=["POST"])
@permission_required(Permission.SIGNED_IN)
def forget_devices():
    if not ButtonForm().validate_on_submit():
        abort(400)
    second_factor.forget_devices(db.session, current_user)
    db.session.commit()
    response = redirect(url_for("auth.account"), code=303)
    response.delete_cookie(second_factor.DEVICE_COOKIE, path=url_for("auth.login").rsplit("/", 1)[0])
    flash("No browser is remembered now: each will ask for your code at the next sign-in.", "success")
    return response


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(throttle.address_limit, methods=["POST"])
def forgot_password():
    if not _password_sign_in():
        abort(404)
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot_password.html", form=form)
    started = clock()
    try:
        throttle.count_try(form.email.data, throttle.RESET)
    except throttle.TooManyTries:
        flow.log("password.reset_requested", reason="too many tries")
    else:
        accounts.request_reset(db.session, form.email.data, address=request.remote_addr)
    db.session.commit()
    remaining = FORGOT_PASSWORD_SECONDS - (clock() - started)
    if remaining > 0:
        sleep(remaining)
    return render_template("auth/check_email.html", email=form.email.data)


def _link_page(purpose: LinkPurpose, token: str):
    if not _password_sign_in():
        abort(404)
    try:
        link = accounts.find_link(db.session, purpose, token)
    except accounts.LinkNotValid:
        return render_template("auth/link_not_valid.html", purpose=purpose.value), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.redeem(db.session, purpose, token, form.password.data)
        except accounts.LinkNotValid:
            db.session.rollback()
            return render_template("auth/link_not_valid.html", purpose=purpose.value), 404
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error, default_field="password")
        else:
            db.session.commit()
            flash("Your password has been saved", "success")
            return flow.after_password(user, url_for("dashboard.index"))
    return render_template("auth/new_password.html", form=form, person=link.user, purpose=purpose.value)


@bp.route("/invitation/<string:token>", methods=["GET", "POST"])
@public
@limiter.limit(throttle.address_limit, methods=["POST"])
def accept_invitation(token: str):
    return _link_page(LinkPurpose.INVITATION, token)


@bp.route("/reset-password/<string:token>", methods=["GET", "POST"])
@public
@limiter.limit(throttle.address_limit, methods=["POST"])
def reset_password(token: str):
    return _link_page(LinkPurpose.RESET, token)
