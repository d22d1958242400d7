"""Control characters stored before they were refused (written here with raw SQL, as an old database may hold them)
never make an export fail: the workbook, Word, PDF, print layout and JSON leave them out."""

import io
import json

import pytest
from docx import Document
from flask import url_for
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, text

from app.domain.text import control_character
from app.extensions import db
from app.models import Milestone, ReportSnapshot, Risk
from app.services.report_model import canonical_json, sha256_of
from tests.reports.conftest import demo, refresh, snapshots, submit  # noqa: F401  (the demo fixture)

# What PostgreSQL text can hold of the refused characters (it holds no NUL at all): C0, DEL and C1.
STORED = "start\x01\x08\x0b\x0c\x1b[31m\x7f\x85\x9f end"


def _store_raw(demo) -> None:  # noqa: F811
    """Control characters in the plan, the risks, the narrative, the report and the names, behind the app's back."""
    milestone = db.session.scalar(select(Milestone.id).where(Milestone.workstream_id == demo.workstream.id).limit(1))
    risk = db.session.scalar(select(Risk.id).where(Risk.workstream_id == demo.workstream.id).limit(1))
    for statement, key in (
        ("UPDATE milestones SET text = :v, comments = :v WHERE id = :id", milestone),
        ("UPDATE risks SET title = :v, mitigation = :v, description = :v WHERE id = :id", risk),
        ("UPDATE risks SET reference = :v WHERE id = :id", risk),  # a string column of its own type
        ("UPDATE section_narratives SET progress = :v WHERE report_id = :id", demo.report.id),
        ("UPDATE reports SET introduction = :v, rag_reason = :v WHERE id = :id", demo.report.id),
        ("UPDATE workstreams SET title = :v WHERE id = :id", demo.workstream.id),
        ("UPDATE users SET name = :v WHERE id = :id", demo.sponsor.id),
    ):
        db.session.execute(text(statement), {"v": STORED, "id": key})
    db.session.commit()
    db.session.expire_all()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _docx_texts(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def _assert_exports_are_clean(client, report_id: int) -> None:
    document = json.loads(client.get(url_for("reports.report_json", report_id=report_id)).get_data())
    assert not [s for s in _strings(document) if control_character(s)]
    assert "start[31m end" in _strings(document)
    docx = client.get(url_for("reports.download_docx", report_id=report_id))
    assert docx.status_code == 200
    texts = _docx_texts(docx.get_data())
    assert "start[31m end" in "\n".join(texts) and not [t for t in texts if control_character(t)]
    pdf = client.get(url_for("reports.download_pdf", report_id=report_id))
    assert pdf.status_code == 200
    assert "start[31m end" in "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    printed = client.get(url_for("reports.print_layout", report_id=report_id)).get_data(as_text=True)
    assert "start[31m end" in printed and not control_character(printed.replace("\t", "").replace("\n", ""))


def test_the_plan_workbook_leaves_stored_control_characters_out(demo, login_as):  # noqa: F811
    _store_raw(demo)
    response = login_as(demo.lead).get(url_for("imports.export", workstream_id=demo.workstream.id))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.get_data()))
    values = [c.value for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    texts = [v for v in values if isinstance(v, str)]
    assert "start[31m end" in texts
    assert not [t for t in texts if control_character(t)]


def test_a_draft_and_the_live_json_leave_them_out(demo, login_as):  # noqa: F811
    _store_raw(demo)
    lead = login_as(demo.lead)
    _assert_exports_are_clean(lead, demo.report.id)
    live = lead.get(url_for("reports.live_json", workstream_id=demo.workstream.id))
    assert live.status_code == 200
    assert not [s for s in _strings(json.loads(live.get_data())) if control_character(s)]


def test_a_submission_freezes_the_text_without_them(demo, login_as):  # noqa: F811
    _store_raw(demo)
    submit(login_as(demo.lead), demo.report)
    [snapshot] = snapshots(refresh(demo.report))
    assert "\\u001b" not in snapshot.body and "\x7f" not in snapshot.body


@pytest.mark.parametrize("signed", [False, True], ids=["awaiting sign-off", "signed off"])
def test_a_snapshot_written_with_them_is_served_without_them(demo, login_as, signed):  # noqa: F811
    """A snapshot taken before the rule: its document holds control characters, in texts and in a risk's key."""
    submit(login_as(demo.lead), demo.report)
    [first] = snapshots(refresh(demo.report))
    document = json.loads(first.body)
    document["sections"][0]["progress"] = STORED
    document["sections"][0]["milestones"][0]["milestone"] = STORED
    risk = document["risks"][0]
    document["presentation"]["risks"][STORED] = document["presentation"]["risks"].pop(risk["reference"])
    risk["reference"] = risk["mitigation"] = STORED
    body = canonical_json(document)
    older = ReportSnapshot(
        report_id=demo.report.id, sequence=2, body=body, sha256=sha256_of(body), created_by_id=demo.lead.id
    )
    db.session.add(older)
    db.session.commit()
    if signed:
        sponsor = login_as(demo.sponsor)
        response = sponsor.post(url_for("reports.sign_off", report_id=demo.report.id), data={"snapshot_id": older.id})
        assert response.status_code == 303
        assert refresh(demo.report).state == "signed_off"
    _assert_exports_are_clean(login_as(demo.lead), demo.report.id)
