"""Highlight: evidence-backed highlight reports for improvement programmes."""

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config, config_from_env
from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(config: Config | None = None) -> Flask:
    """Build the app. ``config`` defaults to the environment's (embedded SQLite, or production)."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=True)
    app.config.from_object(config or config_from_env())

    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    csrf.init_app(app)
    from app.web import rate_limit_storage  # noqa: F401  (registers RATELIMIT_STORAGE_URI database://)

    limiter.init_app(app)
    if app.config.get("TRUSTED_PROXIES"):
        # The client's address from X-Forwarded-For, as set by that many proxies and no more.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    from app.auth import oidc

    oidc.init_app(app)  # single sign-on, when OIDC_ISSUER is set

    from app import models  # noqa: F401  (registers every table with the metadata)

    _register_blueprints(app)
    _register_template_helpers(app)

    from app.web.errors import register_error_handlers
    from app.web.security import register_security_headers
    from app.web.sql_count import register_sql_count

    register_error_handlers(app)
    register_security_headers(app)
    register_sql_count(app)

    from app import jobs
    from app.ops.logs import configure_logging, register_request_id
    from app.ops.metrics import register_request_metrics

    jobs.init_app(app)
    register_request_id(app)
    register_request_metrics(app)

    from app.cli import register_cli

    register_cli(app)
    configure_logging(app.config.get("LOG_FORMAT", "text"))
    return app


def _register_blueprints(app: Flask) -> None:
    """Every feature, imported by name: an import error stops start-up rather than hiding a feature."""
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.dashboard import bp as dashboard_bp
    from app.imports import bp as imports_bp
    from app.ops.routes import bp as ops_bp
    from app.plan import bp as plan_bp
    from app.proposals import bp as proposals_bp
    from app.reports import bp as reports_bp
    from app.risks import bp as risks_bp

    for bp in (auth_bp, dashboard_bp, plan_bp, proposals_bp, risks_bp, reports_bp, imports_bp, admin_bp, ops_bp):
        app.register_blueprint(bp)


def _register_template_helpers(app: Flask) -> None:
    from app.domain.proposals import State as ProposalState
    from app.web.context import template_context
    from app.web.dates import plan_date

    app.context_processor(template_context)
    app.add_template_filter(plan_date, "plan_date")
    app.add_template_global(lambda state: ProposalState(state).label, "proposal_state_label")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL and a busy timeout on every SQLite connection, so readers never block the writer for long."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
