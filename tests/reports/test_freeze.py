"""A signed-off report never changes: its snapshot, sha256 and every export stay as signed, whatever happens to the
plan afterwards; the database refuses changes; tampered snapshots are never served."""

import io
import logging
from datetime import date

import pytest
from docx import Document
from flask import url_for
from pypdf import PdfReader
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models import Evidence, Milestone, Proposal, Report, ReportSnapshot, Risk, SectionNarrative
from tests.reports.conftest import refresh, sign_off, snapshots, submit

EXPORTS = (
    "reports.detail",
    "reports.print_layout",
    "reports.report_json",
    "reports.download_docx",
    "reports.download_pdf",
)


def _outputs(client, report) -> dict[str, bytes]:
    return {endpoint: client.get(url_for(endpoint, report_id=report.id)).get_data() for endpoint in EXPORTS}


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _change_everything(demo) -> None:
    """Edit every milestone, risk and piece of evidence; the narrative of the signed report cannot be edited."""
    for milestone in db.session.scalars(select(Milestone)):
        milestone.text += " (changed)"
        milestone.comments = "Changed after sign-off"
        milestone.revised_due = date(2022, 1, 31)
        milestone.removed = milestone.reference == "1.1"
    for risk in db.session.scalars(select(Risk)):
        risk.likelihood, risk.impact, risk.mitigation = "high", "critical", "Changed"
        risk.closed = risk.reference == "Resourcing"
    proposal = Proposal(
        milestone_id=db.session.scalar(select(Milestone.id).where(Milestone.reference == "3.10")),
        kind="completion",
        state="approved",
        proposed_by_id=demo.owner.id,
        completion_date=date(2021, 4, 1),
    )
    db.session.add(proposal)
    db.session.flush()
    db.session.add(Evidence(proposal_id=proposal.id, kind="note", note="New evidence", uploaded_by_id=demo.owner.id))
    demo.workstream.title = "Renamed workstream"
    db.session.commit()


def test_after_sign_off_nothing_changes_the_report_or_its_exports(demo, login_as):
    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    report = refresh(demo.report)
    [snapshot] = snapshots(report)
    body, sha = snapshot.body, snapshot.sha256
    viewer = login_as(demo.viewer)
    before = _outputs(viewer, report)

    _change_everything(demo)
    with pytest.raises(DatabaseError):
        db.session.execute(
            update(SectionNarrative).where(SectionNarrative.report_id == report.id).values(progress="rewritten")
        )
    db.session.rollback()

    [after_snapshot] = snapshots(refresh(report))
    assert (after_snapshot.body, after_snapshot.sha256) == (body, sha)
    after = _outputs(viewer, report)
    for endpoint in ("reports.print_layout", "reports.report_json", "reports.download_docx", "reports.download_pdf"):
        assert after[endpoint] == before[endpoint], endpoint
    assert _docx_text(after["reports.download_docx"]) == _docx_text(before["reports.download_docx"])
    pdf = _pdf_text(after["reports.download_pdf"])
    assert "(changed)" not in pdf and "Renamed workstream" not in pdf
    assert "Business Intelligence" in pdf and "Amber (At Risk)" in pdf


@pytest.mark.parametrize(
    "statement",
    [
        lambda report: update(Report).where(Report.id == report.id).values(reported_rag="green"),
        lambda report: update(Report).where(Report.id == report.id).values(state="draft"),
        lambda report: delete(Report).where(Report.id == report.id),
        lambda report: update(ReportSnapshot).where(ReportSnapshot.report_id == report.id).values(body="{}"),
        lambda report: delete(ReportSnapshot).where(ReportSnapshot.report_id == report.id),
        lambda report: delete(SectionNarrative).where(SectionNarrative.report_id == report.id),
    ],
    ids=["report-update", "report-unsign", "report-delete", "snapshot-update", "snapshot-delete", "narrative-delete"],
)
def test_the_database_refuses_to_change_a_signed_off_report(demo, login_as, statement):
    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    report = refresh(demo.report)
    with pytest.raises(DatabaseError):
        db.session.execute(statement(report))
        db.session.flush()
    db.session.rollback()
    assert refresh(report).state == "signed_off"


def _tamper(report) -> None:
    """Rewrite a snapshot behind the application's back, as someone with database access could."""
    connection = db.session.connection()
    tamper = text("UPDATE report_snapshots SET body = replace(body, 'Amber', 'Green') WHERE report_id = :id")
    if connection.dialect.name == "sqlite":  # each test has its own copy of the database
        connection.execute(text("DROP TRIGGER report_snapshots_no_update"))
        connection.execute(tamper, {"id": report.id})
    else:  # the schema outlives the test: switch the trigger back on in the same transaction
        connection.execute(text("ALTER TABLE report_snapshots DISABLE TRIGGER report_snapshots_no_update"))
        connection.execute(tamper, {"id": report.id})
        connection.execute(text("ALTER TABLE report_snapshots ENABLE TRIGGER report_snapshots_no_update"))
    db.session.commit()


def test_a_tampered_snapshot_is_never_served(demo, login_as, caplog):
    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    report = refresh(demo.report)
    _tamper(report)
    viewer = login_as(demo.viewer)
    with caplog.at_level(logging.ERROR):
        for endpoint in EXPORTS:
            response = viewer.get(url_for(endpoint, report_id=report.id))
            assert response.status_code == 500, endpoint
            assert b"Green (On Track)" not in response.get_data()
        for endpoint in ("reports.board_pack", "reports.board_pack_pdf", "reports.board_pack_docx"):
            assert viewer.get(url_for(endpoint, meeting_id=demo.meeting.id)).status_code == 500, endpoint
    assert "fails its hash check" in caplog.text
