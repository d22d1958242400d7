"""Route permission decorator and object loaders that give 404 for a missing object and 403 for a forbidden one."""

import hmac
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, current_app, make_response, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.domain.permissions import Permission
from app.domain.reports import ReportState
from app.extensions import db, login_manager
from app.models import BoardDecision, Evidence, Milestone, Proposal, Report, Risk, Section, Workstream
from app.services import proposals as proposal_service
from app.services import reports as report_service
from app.services import risks as risk_service
from app.services.report_model import ReportExtras, load_report

PUBLIC = "public"
MACHINE = "machine"  # a route for machines, holding a bearer token


def permission_required(permission: Permission) -> Callable:
    """Require sign-in and ``permission`` in at least one workstream (or as admin).

    Not signed in → the login manager's redirect; signed in without it → 403. The wrapped view carries
    ``required_permission`` so the convention tests can list every route's permission. Object-level checks
    follow in the view through the ``get_*_or_404`` loaders.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


def public(view):
    """Mark a route as open to everyone (sign-in page, health check)."""
    view.required_permission = PUBLIC
    return view


def bearer_token(setting: str) -> Callable:
    """For machines, not people: the request carries ``Authorization: Bearer <the setting's value>``, else 401.
    With the setting empty the route is switched off (404)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            expected = current_app.config.get(setting) or ""
            if not expected:
                abort(404)
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
                response = make_response("A bearer token is needed.\n", 401)
                response.headers["WWW-Authenticate"] = "Bearer"
                response.mimetype = "text/plain"
                return response
            return view(*args, **kwargs)

        wrapped.required_permission = MACHINE
        return wrapped

    return decorator


def require(permission: Permission, workstream_id: int) -> None:
    """Abort with 403 unless the current user holds ``permission`` in that workstream."""
    if not current_user.can(permission, workstream_id):
        abort(403)


_T = TypeVar("_T")


def _found(found: _T | None, need: Permission, workstream_id: Callable[[_T], int]) -> _T:
    """What a loader read: 404 if nothing, then 403 unless the user holds ``need`` in its workstream."""
    if found is None:
        abort(404)
    require(need, workstream_id(found))
    return found


def get_workstream_or_404(workstream_id: int, need: Permission) -> Workstream:
    workstream = db.session.get(Workstream, workstream_id, options=[joinedload(Workstream.programme)])
    return _found(workstream, need, lambda w: w.id)


def get_milestone_or_404(milestone_id: int, need: Permission) -> Milestone:
    return _found(db.session.get(Milestone, milestone_id), need, lambda m: m.workstream_id)


def get_section_or_404(section_id: int, need: Permission) -> Section:
    return _found(db.session.get(Section, section_id), need, lambda s: s.workstream_id)


def get_decision_or_404(decision_id: int, report: Report) -> BoardDecision:
    """A decision needed from the board, as reached through ``report`` (loaded and checked already): 404 unless it
    is one of that report's workstream's decisions."""
    decision = db.session.get(BoardDecision, decision_id)
    if decision is None or decision.workstream_id != report.workstream_id:
        abort(404)
    return decision


def get_proposal_or_404(proposal_id: int, need: Permission) -> Proposal:
    proposal = proposal_service.load_with_people(db.session, proposal_id)
    return _found(proposal, need, lambda p: p.milestone.workstream_id)


def get_risk_or_404(risk_id: int, need: Permission) -> Risk:
    return _found(risk_service.load_risk(db.session, risk_id), need, lambda r: r.workstream_id)


def get_report_or_404(report_id: int, need: Permission | None = None) -> Report:
    """The report, or 404; then 403 unless the user holds ``need`` in its workstream.

    Without ``need``: reading it, which a signed-off report allows every member and any other only those who
    may read live reports.
    """
    report = report_service.get_report(db.session, report_id)
    if report is None:
        abort(404)
    require_for_report(report, need)
    return report


def get_report_with_extras_or_404(report_id: int, need: Permission | None = None) -> tuple[Report, ReportExtras]:
    """As ``get_report_or_404``, with the report's narratives and previous RAG read in the same statement."""
    loaded = load_report(db.session, report_id)
    if loaded is None:
        abort(404)
    require_for_report(loaded[0], need)
    return loaded


def require_for_report(report: Report, need: Permission | None) -> None:
    if need is None:
        signed = report.state == ReportState.SIGNED_OFF.value
        need = Permission.VIEW_SIGNED_REPORT if signed else Permission.VIEW_LIVE_REPORT
    require(need, report.workstream_id)


def get_evidence_or_404(evidence_id: int, need: Permission) -> Evidence:
    evidence = proposal_service.load_evidence(db.session, evidence_id)
    if evidence is None:
        abort(404)
    require(need, evidence.proposal.milestone.workstream_id)
    return evidence
