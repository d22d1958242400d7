"""Error pages and the CSRF failure handler."""

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from app.web.urls import safe_next


def register_error_handlers(app: Flask) -> None:
    for status in (400, 403, 404, 409, 413, 429, 500):
        app.register_error_handler(status, _render_error(status))

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        if request.headers.get("HX-Request") == "true":
            return render_template("errors/400.html", error=error), 400
        flash("Your session expired or the form was sent twice. Try again.", "error")
        return redirect(safe_next(request.referrer, url_for("dashboard.index")), code=303)


def _render_error(status: int):
    def handler(error):
        return render_template(f"errors/{status}.html", error=error), status

    return handler
