"""Error pages, and the domain's refusals mapped to HTTP once for every view: refused (NotAllowed) → 403, someone
acted first (Conflict) → 409, a write the database refused (IntegrityError) → 500; each after a rollback, so
nothing half-done is committed by a later step of the request. A view that has a better page for one of these (the
report or proposal as it now is, with the conflict) catches it itself; the rest let it rise to here."""

import logging

from flask import Flask, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError

from app.domain.errors import Conflict, NotAllowed
from app.extensions import db
from app.web.urls import safe_next

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    for status in (400, 403, 404, 409, 413, 429):
        app.register_error_handler(status, _render_error(status))
    app.register_error_handler(500, _server_error)

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        if request.headers.get("HX-Request") == "true":
            return render_template("errors/400.html", error=error), 400
        flash("Your session expired or the form was sent twice. Try again.", "error")
        return redirect(safe_next(request.referrer, url_for("dashboard.index")), code=303)

    @app.errorhandler(NotAllowed)
    def _not_allowed(error: NotAllowed):
        db.session.rollback()
        return render_template("errors/403.html", error=error), 403

    @app.errorhandler(Conflict)
    def _conflict(error: Conflict):
        db.session.rollback()
        return render_template("errors/409.html", error=error, conflict=error.message), 409

    @app.errorhandler(IntegrityError)
    def _integrity(error: IntegrityError):
        db.session.rollback()
        log.error("the database refused a write: %s", error.orig)
        return _server_error(error)


def _render_error(status: int):
    def handler(error):
        return render_template(f"errors/{status}.html", error=error), status

    return handler


def _server_error(error):
    """The 500 page needs nothing from the database, which may be what failed: it is drawn as for a visitor who is
    not signed in, so no user is loaded and no header counts are queried (``g._login_user`` is where Flask-Login
    keeps the request's user)."""
    g._login_user = current_app.login_manager.anonymous_user()
    return render_template("errors/500.html", error=error), 500
