"""Snapshots: the document frozen at submission, checked against its sha256 whenever it is read, and the report as
it stands (a draft live from the plan, a submitted or signed-off one from its snapshot)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.reports import ReportState
from app.domain.text import printable
from app.models import Report, ReportSnapshot
from app.services.report_model.document import from_document, to_document
from app.services.report_model.integrity import SnapshotIntegrityError, verified_document
from app.services.report_model.live import ReportExtras, build_live, draft_as_of, submission_as_of
from app.services.report_model.model import ReportModel, Signature, SignedOff

log = logging.getLogger(__name__)


def latest_snapshot(session: Session, report: Report) -> ReportSnapshot | None:
    return session.scalar(
        select(ReportSnapshot)
        .where(ReportSnapshot.report_id == report.id)
        .order_by(ReportSnapshot.sequence.desc())
        .limit(1)
    )


def from_snapshot(session: Session, report: Report) -> ReportModel:
    """A submitted or signed-off report from the snapshot taken at submission, with its current state.

    Raises SnapshotIntegrityError if there is no snapshot or it fails its hash check.
    """
    snapshot = latest_snapshot(session, report)
    if snapshot is None:
        log.error("report %s is %s but has no snapshot", report.id, report.state)
        raise SnapshotIntegrityError(f"Report {report.id} has no snapshot")
    try:
        model = from_document(verified_document(snapshot), report_id=report.id)
    except (KeyError, TypeError, ValueError) as error:
        log.error("report snapshot %s cannot be read: %r", snapshot.id, error)
        raise SnapshotIntegrityError(f"Report snapshot {snapshot.id} cannot be read") from error
    signed = None
    if report.state == ReportState.SIGNED_OFF.value:
        if report.signed_off_at is None:
            log.error("report %s is signed off but has no sign-off time", report.id)
            raise SnapshotIntegrityError(f"Report {report.id} is signed off but has no sign-off time")
        signed = SignedOff(
            by=printable(report.signed_off_by.name) if report.signed_off_by else "",
            at=report.signed_off_at,
            sha256=snapshot.sha256,
        )
    return replace(model, state=report.state, signed_off=signed)


def document_for_submission(session: Session, report: Report, actor_name: str, at: datetime) -> dict:
    """The document frozen when ``report`` is submitted at ``at``: as at the submission date (capped at the meeting)."""
    model = build_live(
        session,
        report.workstream,
        submission_as_of(report, at.date()),
        report=report,
        state=ReportState.AWAITING_SIGN_OFF.value,
    )
    return to_document(replace(model, submitted=Signature(actor_name, at)))


def build_for_report(session: Session, report: Report, today: date, extras: ReportExtras | None = None) -> ReportModel:
    """The report as it stands: a draft live from the plan; a submitted or signed-off one from its snapshot.

    ``extras`` as ``load_report`` gives them with the report. Raises SnapshotIntegrityError if the snapshot fails
    its hash check.
    """
    if ReportState(report.state).frozen:
        return from_snapshot(session, report)
    return build_live(
        session, report.workstream, draft_as_of(report, today), report=report, state=report.state, extras=extras
    )
