"""The board pack: a cover with every workstream's previous and current RAG, its direction of travel in words and
its paper's sign-off state; a contents page; one "Page n of N" across the whole pack; in PDF (tagged) and Word."""

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pikepdf
from bs4 import BeautifulSoup
from docx import Document
from docx.oxml.ns import qn
from flask import url_for
from pypdf import PdfReader

from app.exports.docx import CONTENTS_FIELD, render_docx
from app.exports.html import render_print_html
from app.extensions import db
from app.services.report_model import BoardPack, BoardPackEntry, SignedOff, build_board_pack, build_for_report
from tests.exports.test_export_cache import _second_signed_off, _signed_off
from tests.exports.test_paper import _images, _template
from tests.reports.conftest import demo, refresh  # noqa: F401  (the demo fixture)

SIGNED_AT = datetime(2021, 4, 14, 9, 30, tzinfo=UTC)


def _signed_model(demo, workstream: str, previous: str | None, current: str):  # noqa: F811
    model = build_for_report(db.session, demo.report, date(2030, 1, 1))
    return replace(
        model,
        workstream=workstream,
        state="signed_off",
        rag=replace(model.rag, previous=previous, reported=current),
        signed_off=SignedOff("Sam Sponsor", SIGNED_AT, "ab" * 32),
    )


def test_the_cover_gives_each_workstreams_direction_of_travel_and_paper_in_words(demo):  # noqa: F811
    better = _signed_model(demo, "Adults", "red", "amber")
    same = _signed_model(demo, "Children", "amber", "amber")
    worse = _signed_model(demo, "Housing", "green", "red")
    first = _signed_model(demo, "Schools", None, "green")
    pack = BoardPack(
        "Programme",
        "Council",
        "Board",
        date(2021, 4, 19),
        [
            BoardPackEntry("Adults", "red", "amber", better, "signed_off"),
            BoardPackEntry("Children", "amber", "amber", same, "signed_off"),
            BoardPackEntry("Housing", "green", "red", worse, "signed_off"),
            BoardPackEntry("Schools", None, "green", first, "signed_off"),
            BoardPackEntry("Transport", "green", None, None, "awaiting_sign_off"),
            BoardPackEntry("Waste", None, None, None, "draft"),
            BoardPackEntry("Youth", "amber", None, None, None),
        ],
    )
    signed = "Signed off by Sam Sponsor on 14 April 2021"
    expected = [
        ["Adults", "Red (Off Track)", "Amber (At Risk)", "Better", signed],
        ["Children", "Amber (At Risk)", "Amber (At Risk)", "No change", signed],
        ["Housing", "Green (On Track)", "Red (Off Track)", "Worse", signed],
        ["Schools", "N/A", "Green (On Track)", "No earlier RAG", signed],
        [
            "Transport",
            "Green (On Track)",
            "No signed-off report",
            "No signed-off report",
            "Awaiting sign-off: not in this pack",
        ],
        ["Waste", "N/A", "No signed-off report", "No signed-off report", "Draft: not in this pack"],
        ["Youth", "Amber (At Risk)", "No signed-off report", "No signed-off report", "No report started"],
    ]
    contents = [("Adults highlight report", 3), ("Children highlight report", 40)]
    page = BeautifulSoup(render_print_html([], pack=pack, contents=contents), "html.parser")
    rows = page.select("#cover-rag tbody tr")
    assert [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in rows] == expected
    assert [th.get_text(strip=True) for th in page.select("#cover-rag thead th")][3:] == [
        "Direction of travel",
        "Paper",
    ]
    listed = [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in page.select("#contents tbody tr")]
    assert listed == [["Adults highlight report", "3"], ["Children highlight report", "40"]]

    document = Document(io.BytesIO(render_docx(pack.models, pack=pack)))
    assert [[cell.text for cell in row.cells] for row in document.tables[0].rows[1:]] == expected


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_pdf_pack_has_a_contents_page_and_counts_its_pages_once_across_every_report(
    demo,  # noqa: F811
    login_as,
    fetch_board_pack,
):
    _signed_off(demo, login_as)
    _second_signed_off(demo)
    data = fetch_board_pack(login_as(demo.admin), demo.meeting.id).get_data()
    pages = _pages(data)
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert text.rstrip().endswith(f"Page {number} of {total}"), (number, text[-40:])
        assert re.findall(r"Page \d+ of \d+", text) == [f"Page {number} of {total}"]  # never a report's own count

    cover = " ".join(pages[0].split())
    assert "Direction of travel" in cover and "No earlier RAG" in cover and "Contents" not in cover
    starts = dict(re.findall(r"^(.+ highlight report) (\d+)$", pages[1], re.MULTILINE))
    assert list(starts) == ["Business Intelligence highlight report", "Youth Justice highlight report"]
    business, youth = (int(page) for page in starts.values())
    assert business == 3 and youth > business
    assert "Business Intelligence highlight report" in pages[business - 1]
    assert "Youth Justice highlight report" in pages[youth - 1]
    assert "Youth Justice" not in " ".join(pages[business - 1 : youth - 1])

    pdf = pikepdf.open(io.BytesIO(data))
    assert bool(pdf.Root.MarkInfo.Marked) and str(pdf.Root.Lang) == "en-GB"
    assert "board pack" in str(pdf.docinfo.Title)
    tree = pdf.Root.StructTreeRoot
    keys = {int(key) for key, _ in pikepdf.NumberTree(tree.ParentTree).items()}
    assert {int(page.obj.StructParents) for page in pdf.pages} <= keys and int(tree.ParentTreeNextKey) > max(keys)
    headings, header_cells = [], []
    stack = list(tree.K)
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary) and element.get("/Type") == pikepdf.Name.StructElem:
            {"/H1": headings, "/TH": header_cells}.get(str(element.S), []).append(element)
            kids = element.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [])
    assert len(headings) == 3  # the cover's, then each report's: one tree for the whole pack
    assert header_cells and all("/Scope" in cell.A for cell in header_cells)
    page_ids = {page.obj.objgen for page in pdf.pages}
    assert all(heading.Pg.objgen in page_ids for heading in headings)


def test_the_word_pack_has_a_contents_field_a_header_per_report_and_one_page_count(demo, login_as):  # noqa: F811
    _signed_off(demo, login_as)
    _second_signed_off(demo)
    response = login_as(demo.admin).get(url_for("reports.board_pack_docx", meeting_id=demo.meeting.id))
    document = Document(io.BytesIO(response.get_data()))
    meeting = f"{demo.meeting.name} · 19 April 2021"
    sections = document.sections
    assert len(sections) == 3  # the cover and contents, then a section per report
    assert [[p.text for p in s.header.paragraphs] for s in sections] == [
        [f"{demo.workstream.programme.name} · {meeting} · board pack"],
        [f"Business Intelligence · {meeting}"],
        [f"Youth Justice · {meeting}"],
    ]
    instructions = [i.text.strip() for i in sections[0].footer.part.element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    for section in sections[1:]:
        assert section.footer.is_linked_to_previous  # the same footer: numbering runs on
        numbering = section._sectPr.find(qn("w:pgNumType"))
        assert numbering is None or numbering.get(qn("w:start")) is None
    body = document.element.body
    assert [i.text.strip() for i in body.iter(qn("w:instrText"))] == [CONTENTS_FIELD]
    settings = [child.tag for child in document.settings.element]
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    assert settings.index(qn("w:updateFields")) < settings.index(qn("w:compat"))  # where Word expects it
    anchors = [h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink"))]
    bookmarks = [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))]
    assert anchors == bookmarks == ["paper_1", "paper_2"]
    contents = [p.text for p in document.paragraphs if p.text.endswith("highlight report")]
    assert contents[:2] == ["Business Intelligence highlight report", "Youth Justice highlight report"]


def test_every_section_of_a_word_pack_keeps_the_templates_logo(demo, login_as, app, tmp_path):  # noqa: F811
    template, logo = _template(tmp_path)
    app.config["REPORT_TEMPLATE_DOCX"] = template
    _signed_off(demo, login_as)
    _second_signed_off(demo)
    pack = build_board_pack(db.session, refresh(demo.report).meeting)
    document = Document(io.BytesIO(render_docx(pack.models, pack=pack)))
    assert len(document.sections) == 3
    for section in document.sections:
        for header in (section.header, section.first_page_header):
            assert not header.is_linked_to_previous
            assert _images(header.part) == [logo]
    assert "Template body text" not in "\n".join(p.text for p in document.paragraphs)
