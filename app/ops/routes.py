"""``/healthz`` (the process answers), ``/readyz`` (it can do its work: database, schema, queue, the export store
when there is one) and ``/metrics``."""

import logging
from functools import cache

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app import jobs
from app.exports.cache import object_store
from app.exports.stores import StoreUnavailable
from app.extensions import db
from app.ops.metrics import exposition
from app.web.permissions import bearer_token, public

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)


@bp.route("/healthz")
@public
def healthz():
    """The process is up and answering: nothing else is checked, so a busy database never restarts a server."""
    return {"status": "ok"}


@cache
def _heads(directory: str) -> frozenset[str]:
    return frozenset(ScriptDirectory(directory).get_heads())


def _check_database() -> dict[str, str]:
    """The database answers, and its schema is at the migrations' head (``flask db upgrade`` has run)."""
    try:
        applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("readiness: the database cannot be read: %s", error)
        return {"database": "unreachable", "migrations": "unknown"}
    heads = _heads(current_app.extensions["migrate"].directory)
    if applied != heads:
        log.warning("readiness: the database is at %s, the code at %s", sorted(applied), sorted(heads))
        return {"database": "ok", "migrations": "not at head"}
    return {"database": "ok", "migrations": "ok"}


def _check_export_store() -> dict[str, str]:
    """The bucket of EXPORT_STORE_URL answers a HEAD with these credentials; no check without one."""
    store = object_store()
    if store is None:
        return {}
    try:
        store.check()
    except StoreUnavailable as error:
        log.warning("readiness: the export store cannot be reached: %s", error)
        return {"export_store": "unreachable"}
    return {"export_store": "ok"}


@bp.route("/readyz")
@public
def readyz():
    """Ready for traffic: 200 with the database, its migrations and the queue ok, else 503 naming the check that is
    not (details in the log). The export store is reported but does not decide: while it is down every server still
    serves the papers (drawn, not kept), so taking them all out of service would help no one."""
    checks = _check_database()
    checks["queue"] = "ok" if jobs.backend().reachable(db.session) else "unreachable"
    ready = all(value == "ok" for value in checks.values())
    checks.update(_check_export_store())
    degraded = sorted(name for name, value in checks.items() if value != "ok") if ready else []
    body: dict = {"status": ("degraded" if degraded else "ready") if ready else "not ready", "checks": checks}
    return body, 200 if ready else 503


@bp.route("/metrics")
@bearer_token("METRICS_TOKEN")
def metrics():
    """Prometheus's text format, for a scraper holding ``METRICS_TOKEN``."""
    try:
        counts = jobs.backend().counts(db.session)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("metrics: the queue cannot be counted: %s", error)
        counts = {}
    return Response(exposition(counts), mimetype="text/plain; version=0.0.4; charset=utf-8")
