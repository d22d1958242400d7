"""The database itself refuses to rewrite history, on SQLite and PostgreSQL alike."""

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models import AuditEvent, Report, ReportSnapshot, SectionNarrative
from app.services import audit


def _refused(statement):
    with pytest.raises(DatabaseError):
        db.session.execute(statement)
        db.session.flush()
    db.session.rollback()


def test_audit_events_cannot_be_updated_or_deleted(world):
    event = audit.record(db.session, world.admin, "test.event", world.a.milestone, summary="original")
    db.session.commit()
    _refused(update(AuditEvent).where(AuditEvent.id == event.id).values(summary="rewritten"))
    _refused(delete(AuditEvent).where(AuditEvent.id == event.id))
    assert db.session.get(AuditEvent, event.id).summary == "original"


def test_report_snapshots_cannot_be_updated_or_deleted(world):
    snapshot_id = world.a.snapshot.id
    _refused(update(ReportSnapshot).where(ReportSnapshot.id == snapshot_id).values(sha256="f" * 64))
    _refused(delete(ReportSnapshot).where(ReportSnapshot.id == snapshot_id))
    assert db.session.get(ReportSnapshot, snapshot_id).sha256 == "0" * 64


def test_a_signed_off_report_and_its_narrative_never_change(world):
    report_id = world.a.report.id
    db.session.execute(update(Report).where(Report.id == report_id).values(state="signed_off"))
    db.session.commit()
    _refused(update(Report).where(Report.id == report_id).values(introduction="changed"))
    _refused(delete(Report).where(Report.id == report_id))
    _refused(update(SectionNarrative).where(SectionNarrative.report_id == report_id).values(progress="changed"))
    _refused(delete(SectionNarrative).where(SectionNarrative.report_id == report_id))


def test_a_draft_report_can_still_be_edited(world):
    report_id = world.a.report.id
    db.session.execute(update(Report).where(Report.id == report_id).values(introduction="edited"))
    db.session.commit()
    assert db.session.get(Report, report_id).introduction == "edited"
