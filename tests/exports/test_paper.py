"""What the board's paper says, in every rendering (print HTML, PDF, Word): the Status column in words, what page 1
says the paper is (signed, with where to verify it, or DRAFT on every page), the as-at date beside the computed
RAG, the changes since the last board and the decisions needed, an accessible (tagged PDF/UA-1) PDF, and a Word
file with a running header, "Page X of Y" fields and named styles, started from a council's template if given."""

import io
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime

import pikepdf
import pytest
from bs4 import BeautifulSoup
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from PIL import Image
from pypdf import PdfReader

from app.domain.rag import STATUS_TEXTS
from app.exports.docx import render_docx
from app.exports.docx_layout import MARK_STYLE, TABLE_STYLE
from app.exports.html import document_title, render_print_html
from app.exports.pdf import render_pdf
from app.extensions import db
from app.services.report_model import ChangeLine, DecisionLine, Signature, SignedOff, build_for_report
from tests.reports.conftest import demo  # noqa: F401  (the demo fixture)

SIGNED_AT = datetime(2021, 4, 14, 9, 30, tzinfo=UTC)
SHA256 = "0123456789abcdef" * 4
CHANGES = (
    ChangeLine("completed", "1.6", "1.6 completed on 12 April 2021"),
    ChangeLine("rag_changed", "", "RAG changed from Green to Amber"),
)
DECISIONS = (
    DecisionLine("Approve the revised go-live date for the data warehouse"),
    DecisionLine("Agree the reporting standard", "Agreed, to be reviewed in June"),
)


def _draft(demo):  # noqa: F811
    """The demo's draft report, as at its meeting (19 April 2021)."""
    return build_for_report(db.session, demo.report, date(2030, 1, 1))


def _signed(model):
    return replace(
        model,
        state="signed_off",
        submitted=Signature("Alex Lead", SIGNED_AT),
        signed_off=SignedOff("Sam Sponsor", SIGNED_AT, SHA256),
    )


def _awaiting(model):
    return replace(model, state="awaiting_sign_off", submitted=Signature("Alex Lead", SIGNED_AT))


def _with_sections(model, changes=CHANGES, decisions=DECISIONS):
    return replace(model, changes_since_last=changes, decisions_needed=decisions)


def _html(model) -> BeautifulSoup:
    return BeautifulSoup(render_print_html([model]), "html.parser")


def _page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _word_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


# The Status column ----------------------------------------------------------------------------------------------


def test_every_milestone_table_of_the_paper_has_a_status_column_in_words(demo):  # noqa: F811
    model = _draft(demo)
    expected = {m.reference: m.status_text for m in model.milestones}
    assert set(expected.values()) <= set(STATUS_TEXTS) and {"Complete", "Slipped", "Removed"} <= set(expected.values())

    page = _html(model)
    for table in page.select("table.app-paper__milestones"):
        headers = [th.get_text(strip=True) for th in table.select("thead th")]
        assert headers[4] == "Status"
        assert "status as at 19 April 2021" in table.caption.get_text()
        for row in table.select("tbody tr[data-reference]"):
            assert row.select("td")[3].get_text(strip=True) == expected[row["data-reference"]]

    document = Document(io.BytesIO(render_docx([model])))
    shown = {}
    for table in document.tables:
        if table.rows[0].cells[0].text == "Reference" and table.rows[0].cells[4].text == "Status":
            shown |= {row.cells[0].text: row.cells[4].text for row in table.rows[1:]}
    assert shown == expected
    assert "Status as at 19 April 2021." in _word_text(document)

    text = "\n".join(_page_texts(render_pdf([model])))
    for words in set(expected.values()):
        assert words in text


# Page 1 ----------------------------------------------------------------------------------------------------------


def test_page_one_of_a_signed_paper_says_who_signed_it_and_where_to_verify_it(demo, app):  # noqa: F811
    app.config["PUBLIC_URL"] = "https://highlight.example.gov.uk/"
    model = _signed(_draft(demo))
    page_url = f"https://highlight.example.gov.uk/reports/{model.report_id}"
    document_url = f"{page_url}/snapshot.json"

    signed = _html(model).select_one("#report-1-signed-off")
    assert signed.p.get_text(strip=True) == "Signed off by Sam Sponsor on 14 April 2021."
    verify = signed.select_one("#report-1-verify")
    assert "Snapshot sha256 0123456789ab (its first 12 characters)" in verify.get_text()
    assert SHA256 not in verify.get_text()
    assert [a["href"] for a in verify.select("a")] == [page_url, document_url]
    assert _html(model).select_one(".app-paper__mark") is None

    first = _page_texts(render_pdf([model]))[0]
    assert "Signed off by Sam Sponsor on 14 April 2021." in first and "0123456789ab" in first
    assert "DRAFT" not in first

    document = Document(io.BytesIO(render_docx([model])))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Signed off by Sam Sponsor on 14 April 2021." in paragraphs[:5]
    assert any("0123456789ab" in text and page_url in text and document_url in text for text in paragraphs[:6])
    links = {r.target_ref for r in document.part.rels.values() if r.is_external}
    assert {page_url, document_url} <= links
    assert all("DRAFT" not in section.header.part.element.xml for section in document.sections)


def test_without_a_public_address_the_paper_names_the_report_by_its_path(demo):  # noqa: F811
    model = _signed(_draft(demo))
    verify = _html(model).select_one("#report-1-verify")
    assert f"Highlight, /reports/{model.report_id}, which shows the full sha256" in verify.get_text()
    assert f"/reports/{model.report_id}/snapshot.json" in verify.get_text() and verify.select("a") == []


@pytest.mark.parametrize(("state", "mark"), [("draft", "DRAFT"), ("awaiting_sign_off", "DRAFT: AWAITING SIGN-OFF")])
def test_an_unsigned_paper_says_so_in_large_type_on_page_one_and_on_every_page(demo, state, mark):  # noqa: F811
    model = _draft(demo) if state == "draft" else _awaiting(_draft(demo))
    page = _html(model)
    assert page.select_one("#report-1-mark").get_text(strip=True) == mark
    assert page.select_one("#report-1-signed-off") is None

    pages = _page_texts(render_pdf([model]))
    assert len(pages) > 3
    assert all(mark in text for text in pages)
    assert pages[0].count(mark) == 2  # across the top, and in large type under the title
    if state == "draft":
        assert all("AWAITING" not in text for text in pages)

    document = Document(io.BytesIO(render_docx([model])))
    [section] = document.sections
    assert not section.different_first_page_header_footer and not document.settings.odd_and_even_pages_header_footer
    header = [p.text for p in section.header.paragraphs]  # the one header of every page
    assert header == [f"Business Intelligence · {model.meeting_name} · 19 April 2021", mark]
    marked = [p for p in document.paragraphs if p.style.name == MARK_STYLE]
    assert [p.text for p in marked] == [mark]


def test_the_as_at_date_stands_beside_the_computed_rag(demo):  # noqa: F811
    model = _draft(demo)
    computed = _html(model).select_one("#report-1-computed-rag td").get_text(" ", strip=True)
    assert computed.startswith("Amber (At Risk) , as at 19 April 2021, from approved facts")
    document = Document(io.BytesIO(render_docx([model])))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(text.startswith("Amber (At Risk), as at 19 April 2021, from approved facts") for text in cells)


# Changes since the last board, decisions needed ------------------------------------------------------------------


def test_changes_and_decisions_are_in_every_rendering(demo):  # noqa: F811
    model = _with_sections(_draft(demo))
    page = _html(model)
    assert [li.get_text(strip=True) for li in page.select("#report-1-changes li")] == [c.text for c in CHANGES]
    decisions = page.select("#report-1-decisions li")
    assert decisions[0].get_text(strip=True) == DECISIONS[0].text
    assert decisions[1].get_text(" ", strip=True) == f"{DECISIONS[1].text} The board's answer: {DECISIONS[1].outcome}"
    assert page.select_one("#report-1-changes-title").name == "h2"

    document = Document(io.BytesIO(render_docx([model])))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    headings = [text for style, text in paragraphs if style.startswith("Heading")]
    assert headings.index("Changes since the last board") < headings.index("Decisions needed from the board")
    assert headings.index("Decisions needed from the board") < headings.index(f"1. {model.sections[0].title}")
    assert [text for style, text in paragraphs if style == "List Bullet"][:2] == [c.text for c in CHANGES]
    assert [text for style, text in paragraphs if style == "List Number"] == [
        DECISIONS[0].text,
        f"{DECISIONS[1].text}\nThe board's answer: {DECISIONS[1].outcome}",
    ]

    first = " ".join(_page_texts(render_pdf([model]))[:2])
    assert "Changes since the last board" in first and CHANGES[0].text in first
    assert "Decisions needed from the board" in first and DECISIONS[1].outcome in first


def test_empty_changes_and_decisions_say_so(demo):  # noqa: F811
    model = _with_sections(_draft(demo), (), ())
    page = _html(model)
    assert page.select_one("#report-1-changes").get_text(strip=True) == "No changes since the last board."
    assert page.select_one("#report-1-decisions").get_text(strip=True) == "No decisions needed."
    text = _word_text(Document(io.BytesIO(render_docx([model]))))
    assert "No changes since the last board." in text and "No decisions needed." in text


# An accessible PDF -----------------------------------------------------------------------------------------------


def _structure(pdf) -> list:
    """Every structure element under the structure tree's root, depth first."""
    found, stack = [], list(pdf.Root.StructTreeRoot.K)
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary) and element.get("/Type") == pikepdf.Name.StructElem:
            found.append(element)
            kids = element.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [])
    return found


def test_the_pdf_is_tagged_pdf_ua_with_its_title_language_and_table_headers(demo):  # noqa: F811
    model = _draft(demo)
    pdf = pikepdf.open(io.BytesIO(render_pdf([model])))
    title = document_title([model], None)
    assert bool(pdf.Root.MarkInfo.Marked) is True
    assert str(pdf.Root.Lang) == "en-GB"
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
    assert str(pdf.docinfo.Title) == title
    with pdf.open_metadata() as xmp:
        assert xmp["dc:title"] == title
        assert xmp["pdfuaid:part"] == "1"
    elements = _structure(pdf)
    kinds = Counter(str(e.S) for e in elements)
    assert kinds["/Table"] >= len(model.sections) * 3 + 2  # narrative ×2 and milestones per section, header, risks
    assert kinds["/TH"] and kinds["/TD"] and kinds["/H1"] == 1
    headers = {bytes(e.ID) for e in elements if str(e.S) == "/TH"}
    # Each header cell carries its scope: a column's in the table's head, a row's in its body.
    scopes = {(str(e.P.P.S), str(e.A.Scope)) for e in elements if str(e.S) == "/TH"}
    assert scopes == {("/THead", "/Column"), ("/TBody", "/Row")}
    cells = [e for e in elements if str(e.S) == "/TD" and "/A" in e and "/Headers" in e.A]
    assert cells and all({bytes(h) for h in cell.A.Headers} <= headers for cell in cells)
    # Page numbers are page furniture, outside the structure tree.
    for page in pdf.pages:
        content = (
            b"".join(stream.read_bytes() for stream in page.Contents)
            if isinstance(page.Contents, pikepdf.Array)
            else page.Contents.read_bytes()
        )
        assert content.rstrip().endswith(b"EMC") and b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in content
    pages = _page_texts(render_pdf([model]))
    assert all(text.rstrip().endswith(f"Page {n} of {len(pages)}") for n, text in enumerate(pages, start=1))


# Word as a council files it ------------------------------------------------------------------------------------


def _xml(part) -> str:
    return part.element.xml


def test_the_word_file_has_a_running_header_page_fields_and_named_styles(demo):  # noqa: F811
    model = _signed(_draft(demo))
    document = Document(io.BytesIO(render_docx([model])))
    [section] = document.sections
    assert [p.text for p in section.header.paragraphs] == [
        f"Business Intelligence · {model.meeting_name} · 19 April 2021"
    ]
    assert section.header.paragraphs[0].style.name == "Header"
    footer = section.footer
    instructions = [i.text.strip() for i in footer.part.element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[-1].text == "Page 1 of 1"  # what Word shows until it lays the pages out
    table_style = document.styles[TABLE_STYLE]
    assert all(t.style.name == TABLE_STYLE for t in document.tables) and table_style.type == 3
    used = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= used
    assert str(document.core_properties.title) == document_title([model], None)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == "en-GB"


def _logo(tmp_path) -> bytes:
    path = tmp_path / "logo.png"
    Image.new("RGB", (60, 20), (0, 48, 120)).save(path)
    return path.read_bytes()


def _template(tmp_path) -> tuple[str, bytes]:
    """A council's template: its own heading style, a logo in the header (a different first page too), a
    classification line in the footer, and some body text."""
    logo = _logo(tmp_path)
    document = Document()
    heading = document.styles["Heading 1"]
    heading.font.name, heading.font.size, heading.font.color.rgb = "Georgia", Pt(22), RGBColor(0x12, 0x34, 0x56)
    section = document.sections[0]
    section.different_first_page_header_footer = True
    for header in (section.header, section.first_page_header):
        header.paragraphs[0].add_run().add_picture(str(tmp_path / "logo.png"), width=Cm(3))
    section.footer.paragraphs[0].text = "OFFICIAL"
    document.add_paragraph("Template body text")
    path = tmp_path / "council.docx"
    document.save(path)
    return str(path), logo


def _images(part) -> list[bytes]:
    """The bytes of each image a header or footer shows."""
    blips = part.element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    embed = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
    return [part.related_parts[blip.get(embed)].blob for blip in blips]


def test_the_word_file_starts_from_the_councils_template(demo, app, tmp_path):  # noqa: F811
    template, logo = _template(tmp_path)
    app.config["REPORT_TEMPLATE_DOCX"] = template
    model = _draft(demo)
    document = Document(io.BytesIO(render_docx([model])))

    assert "Template body text" not in _word_text(document)
    heading = document.styles["Heading 1"]
    assert (heading.font.name, heading.font.size, heading.font.color.rgb) == (
        "Georgia",
        Pt(22),
        RGBColor(0x12, 0x34, 0x56),
    )
    assert TABLE_STYLE in [s.name for s in document.styles] and MARK_STYLE in [s.name for s in document.styles]
    [section] = document.sections
    assert section.different_first_page_header_footer  # as the template has it
    for header in (section.header, section.first_page_header):  # every page: the first, and the rest
        assert _images(header.part) == [logo]
        assert [p.text for p in header.paragraphs if p.text] == [
            f"Business Intelligence · {model.meeting_name} · 19 April 2021",
            "DRAFT",
        ]
    footer = section.footer
    assert footer.paragraphs[0].text == "OFFICIAL"
    assert [i.text.strip() for i in footer.part.element.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]


def test_a_template_that_is_not_a_file_stops_start_up(tmp_path, monkeypatch):
    from app.config import Config

    monkeypatch.setattr(Config, "REPORT_TEMPLATE_DOCX", str(tmp_path / "missing.docx"))
    with pytest.raises(RuntimeError, match="REPORT_TEMPLATE_DOCX"):
        Config(tmp_path)


def test_the_pdf_and_word_files_render_the_same_bytes_each_time(demo):  # noqa: F811
    model = _with_sections(_signed(_draft(demo)))
    assert render_pdf([model]) == render_pdf([model])
    assert render_docx([model]) == render_docx([model])


def test_the_word_text_runs_match_the_pages_words(demo):  # noqa: F811
    """The page number and the words on page 1 of Word read as the PDF's do."""
    model = _signed(_draft(demo))
    pdf_first = _page_texts(render_pdf([model]))[0]
    word = _word_text(Document(io.BytesIO(render_docx([model]))))
    sentence = re.search(r"Snapshot sha256 \w+ \(its first 12 characters\)", pdf_first).group(0)
    assert sentence in word
