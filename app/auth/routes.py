from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import bp, sessions, throttle
from app.auth.forms import SignInForm
from app.domain.permissions import Permission
from app.extensions import db, limiter
from app.services import users
from app.web.permissions import permission_required, public
from app.web.urls import safe_next


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(throttle.address_limit, methods=["POST"])
def login():
    next_url = safe_next(request.args.get("next"), url_for("dashboard.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    try:
        throttle.count_try(form.email.data)
    except throttle.TooManyTries as refused:
        minutes = -(-refused.retry_after // 60)
        form.email.errors = [
            f"Too many tries to sign in with this email address. Try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}"
        ]
        return render_template("auth/login.html", form=form), 429, {"Retry-After": str(refused.retry_after)}
    user = users.authenticate(db.session, form.email.data, form.password.data)
    if user is None:
        form.password.errors = ["Enter a correct email address and password"]
        return render_template("auth/login.html", form=form), 401
    db.session.commit()
    throttle.forget_tries(form.email.data)
    sessions.start(user)
    return redirect(next_url, code=303)


@bp.route("/sign-out", methods=["POST"])
@permission_required(Permission.SIGNED_IN)
def logout():
    users.end_sessions(db.session, current_user)
    db.session.commit()
    sessions.end()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"), code=303)
