from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from app.auth import bp
from app.auth.forms import SignInForm
from app.domain.permissions import Permission
from app.extensions import db, limiter, login_manager
from app.models import User
from app.services import users
from app.web.permissions import permission_required, public
from app.web.urls import safe_next


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    # Memberships with the user, in one statement: every page checks permissions against them.
    return db.session.get(User, int(user_id), options=[joinedload(User.memberships)])


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def login():
    next_url = safe_next(request.args.get("next"), url_for("dashboard.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        user = users.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user)
            return redirect(next_url, code=303)
        error = "Enter a correct email address and password"
        form.password.errors = [error]
    return render_template("auth/login.html", form=form, error=error), (200 if error is None else 401)


@bp.route("/sign-out", methods=["POST"])
@permission_required(Permission.SIGNED_IN)
def logout():
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"), code=303)
