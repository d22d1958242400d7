"""Every output is made from the one view-model: Word and PDF read back hold the whole report, in the seed's order."""

import io
from dataclasses import replace
from datetime import date

import pytest
from bs4 import BeautifulSoup
from docx import Document
from docx.oxml.ns import qn
from flask import url_for
from pypdf import PdfReader

from app.demo import data
from app.domain.risk import RED_RISK_NOTE
from app.exports.docx import render_docx
from app.exports.html import render_print_html
from app.exports.pdf import render_pdf
from app.extensions import db
from app.services.report_model import (
    build_board_pack,
    build_for_report,
    from_document,
    narrative_blocks,
    to_contract,
    to_document,
)
from tests.conftest import parse
from tests.factories import make_workstream
from tests.reports.conftest import demo, refresh, sign_off, submit  # noqa: F401  (the demo fixture)

SECTION_HEADINGS = [f"{s.number}. {s.title}" for s in data.SECTIONS]


def _model(demo):  # noqa: F811
    return build_for_report(db.session, demo.report, date(2030, 1, 1))


def _cells(document) -> list:
    return [cell for table in document.tables for row in table.rows for cell in row.cells]


def _pdf_text(data_: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data_)).pages)


def test_the_view_model_survives_its_document_unchanged(demo):  # noqa: F811
    model = _model(demo)
    assert from_document(to_document(model), report_id=model.report_id) == model
    assert set(to_document(model)) - set(to_contract(model)) == {"presentation"}


def test_narrative_bullets_and_paragraphs():
    assert narrative_blocks("None identified.") == [("para", "None identified.")]
    assert narrative_blocks("- one\n- two\n\nAfter\n• three") == [
        ("list", ["one", "two"]),
        ("para", "After"),
        ("list", ["three"]),
    ]
    assert narrative_blocks("") == []


def test_the_docx_holds_every_milestone_and_the_rag_in_real_tables(demo):  # noqa: F811
    model = _model(demo)
    body = render_docx([model])
    assert render_docx([model]) == body  # no timestamps inside
    document = Document(io.BytesIO(body))
    texts = [cell.text for cell in _cells(document)]
    for milestone in data.MILESTONES:
        assert milestone.reference in texts, milestone.reference
    assert "Amber (At Risk)" in texts and "N/A" in texts
    current = next(c for c in _cells(document) if c.text == "Amber (At Risk)")
    assert current._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "FFC000"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    order = [h for h in headings if h in SECTION_HEADINGS or h in ("Risks", "*Risk Scoring Guidance")]
    assert order == [*SECTION_HEADINGS, "Risks", "*Risk Scoring Guidance"]
    assert headings.count("Key Milestones and Tracking") == len(data.SECTIONS)
    milestone_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Reference")
    assert [c.text for c in milestone_table.rows[0].cells] == [
        "Reference",
        "Milestone",
        "Date Due",
        "Actual/ Revised Date",
        "Status",
        "Comments/ Reason for Delay",
    ]
    assert milestone_table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    row = next(r for r in milestone_table.rows if r.cells[0].text == "1.4")
    assert [c.text for c in row.cells[2:5]] == ["February 2021", "April 2021", "Slipped"]
    assert RED_RISK_NOTE in [p.text for p in document.paragraphs]


def test_the_pdf_holds_every_milestone_and_the_rag(demo):  # noqa: F811
    model = _model(demo)
    body = render_pdf([model])
    assert body[:5] == b"%PDF-"
    assert render_pdf([model]) == body  # no timestamps inside
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= len(data.SECTIONS) + 1  # a page per section, then the risks
    text = _pdf_text(body)
    assert "Amber (At Risk)" in text and "Business Intelligence" in text
    words = set(text.split())
    for milestone in data.MILESTONES:
        assert milestone.reference in words, milestone.reference
    assert "Key Milestones and Tracking" in text and "Risk Scoring Guidance" in text
    fonts = {str(f.get("/BaseFont")) for p in reader.pages for f in (p["/Resources"].get("/Font") or {}).values()}
    assert any("Liberation" in f or "Arial" in f for f in fonts), fonts


def test_the_print_layout_reads_like_the_seed(demo, login_as):  # noqa: F811
    html = render_print_html([_model(demo)])
    page = BeautifulSoup(html, "html.parser")
    header = page.select_one("#report-1-header")
    assert [th.get_text(strip=True) for th in header.select("th")] == [
        "Pillar/ Workstream Name",
        "Sponsor",
        "Project Manager/ Lead",
        "Previous RAG Status",
        "Current RAG Status",
        "Computed RAG Status",
        "Reason for RAG",
        "Report Completed By",
        "Meeting Date",
    ]
    current = header.select_one("#report-1-current-rag td")
    assert current.get_text(strip=True) == "Amber (At Risk)" and "app-rag-cell--amber" in current["class"]
    assert len(page.select("section.app-paper__section.app-page-break")) == len(data.SECTIONS)
    assert all(table.select_one("thead") for table in page.select("table.app-paper__milestones"))
    risks = page.select("#report-1-risks tbody tr")
    assert [r.th.get_text(strip=True) for r in risks] == [r.reference for r in data.RISKS]  # the seed's order
    assert [td.get_text(strip=True) for td in risks[0].select("td")][1:5] == ["Medium", "Significant", "5", "Amber"]
    served = login_as(demo.lead).get(url_for("reports.print_layout", report_id=demo.report.id))
    assert parse(served).select_one("link[rel=stylesheet]")["href"] == url_for("static", filename="print.css")
    assert parse(served).select_one("style") is None  # the Content-Security-Policy forbids inline styles


def test_the_board_pack_has_a_cover_then_every_signed_off_report(demo, login_as, fetch_board_pack):  # noqa: F811
    make_workstream("Early Help", demo.workstream.programme)
    db.session.commit()
    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    pack = build_board_pack(db.session, refresh(demo.report).meeting)
    assert [(e.workstream, e.previous, e.current) for e in pack.entries] == [
        ("Business Intelligence", None, "amber"),
        ("Early Help", None, None),
    ]
    response = login_as(demo.admin).get(url_for("reports.board_pack_docx", meeting_id=demo.meeting.id))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.get_data()))
    cover = document.tables[0]
    signed = f"Signed off by {demo.sponsor.name} on {refresh(demo.report).signed_off_at.day} "
    assert [[c.text for c in row.cells] for row in cover.rows] == [
        ["Pillar/ Workstream", "Previous RAG Status", "Current RAG Status", "Direction of travel", "Paper"],
        ["Business Intelligence", "N/A", "Amber (At Risk)", "No earlier RAG", cover.rows[1].cells[4].text],
        ["Early Help", "N/A", "No signed-off report", "No signed-off report", "No report started"],
    ]
    assert cover.rows[1].cells[4].text.startswith(signed)
    assert all(m.reference in [c.text for c in _cells(document)] for m in data.MILESTONES)
    pdf = fetch_board_pack(login_as(demo.admin), demo.meeting.id)
    text = _pdf_text(pdf.get_data())
    assert "board pack" in text and "No signed-off report" in text and "Amber (At Risk)" in text
    # A member reads the pack of the workstreams they belong to.
    mine = login_as(demo.viewer).get(url_for("reports.board_pack_docx", meeting_id=demo.meeting.id))
    rows = Document(io.BytesIO(mine.get_data())).tables[0].rows
    assert [row.cells[0].text for row in rows] == ["Pillar/ Workstream", "Business Intelligence"]


def test_a_document_stored_before_the_status_column_and_the_new_sections_still_opens(demo):  # noqa: F811
    """Signed documents never change: one written before status_text, changes_since_last and decisions_needed
    existed reads with the Status words from the same rule and empty sections."""
    demo_model = _model(demo)
    document = to_document(demo_model)
    for section in document["sections"]:
        for milestone in section["milestones"]:
            del milestone["status_text"]
    for labels in document["presentation"]["milestones"].values():
        del labels["recorded_at_import"]
    del document["changes_since_last"], document["decisions_needed"]
    model = from_document(document, report_id=demo_model.report_id)
    # The label "recorded at import" was not kept then: its rows read as plain completions.
    unlabelled = tuple(
        replace(s, milestones=tuple(m._replace(recorded_at_import=False) for m in s.milestones))
        for s in demo_model.sections
    )
    assert model == replace(demo_model, sections=unlabelled)
    assert {m.status_text for m in model.milestones} >= {"Complete", "Slipped", "Removed"}


@pytest.mark.parametrize(("field", "value"), [("rag", "purple"), ("status", "finished")])
def test_a_document_row_with_a_word_off_the_rules_scales_is_refused(demo, field, value):  # noqa: F811
    document = to_document(_model(demo))
    document["sections"][0]["milestones"][0][field] = value
    with pytest.raises(ValueError):
        from_document(document)
