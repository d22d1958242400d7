from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from app.auth import account_routes, routes, sso_routes  # noqa: E402,F401
