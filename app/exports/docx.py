"""Word (.docx) report and board pack: real Word tables in the seed's order, RAG cells shaded and named."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor

from app.domain.reports import rag_status_label
from app.exports import cache
from app.exports.html import document_date, document_title
from app.services.report_model import BoardPack, ReportModel, narrative_blocks

FONT = "Arial"
# Solid RAG fills, as board papers print them; black text keeps at least 4.5:1 contrast on each.
RAG_FILLS = {"red": "FF0000", "amber": "FFC000", "green": "00B050"}
HEADER_FILL = "F3F3F3"
MILESTONE_WIDTHS = (1.4, 5.4, 2.2, 2.2, 1.8, 5.0)
RISK_WIDTHS = (2.4, 3.6, 1.7, 2.0, 1.2, 1.6, 3.5, 2.0)
HEADER_WIDTHS = (4.0, 5.0, 4.0, 5.0)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Style ids of the default template, set directly: looking styles up by name costs an XPath search each time.
BULLET = "ListBullet"
TABLE_LOOK = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" '
    'w:val="04A0"/>'
)


def _heading(document, text: str, level: int, *, new_page: bool = False):
    paragraph = document.add_paragraph(text)
    paragraph._p.style = f"Heading{min(level, 9)}"
    paragraph.paragraph_format.page_break_before = new_page
    return paragraph


def _bullet(container, text: str):
    paragraph = container.add_paragraph(text)
    paragraph._p.style = BULLET
    return paragraph


def render_docx(models: list[ReportModel], *, pack: BoardPack | None = None) -> bytes:
    """The .docx bytes. The same view-model always gives the same bytes (fixed dates inside and in the zip)."""
    document = Document()
    _setup(document)
    if pack is not None:
        _cover(document, pack, bool(models))
    for index, model in enumerate(models):
        _report(document, model, level=2 if pack is not None else 1, new_page=index > 0 or pack is not None)
    when = document_date(models, pack)
    stamp = datetime.fromisoformat(when).replace(tzinfo=UTC) if when else datetime(2000, 1, 1, tzinfo=UTC)
    properties = document.core_properties
    properties.title = document_title(models, pack)
    properties.author = properties.last_modified_by = "Highlight"
    properties.created = properties.modified = stamp
    properties.revision = 1
    properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def report_docx(model: ReportModel) -> bytes:
    """One report's .docx; a signed-off report's is written once and kept (app.exports.cache)."""
    return cache.kept(model, "docx", lambda: render_docx([model]))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry times: zip entries otherwise carry the time of writing."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title", "List Bullet"):
        style = document.styles[name]
        style.font.name = FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        if name.startswith("Heading") or name == "Title":
            style.font.color.rgb = RGBColor(0, 0, 0)
    document.styles["Normal"].font.size = Pt(10)


# Tables -------------------------------------------------------------------------------------------------------
# Tables are written as WordprocessingML text and parsed once each: python-docx's cell, run and width calls walk
# and re-search the XML on every call, which made a 300-milestone report spend most of its time in table cells.

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RUN_BREAKS = re.compile("([\t\r\n])")


def _text(text: str) -> str:
    """Run content as python-docx writes it: a tab for each tab, a break for each line end, the rest as text."""
    parts = []
    for part in _RUN_BREAKS.split(_INVALID_XML.sub("", text)):
        if part == "\t":
            parts.append("<w:tab/>")
        elif part in ("\r", "\n"):
            parts.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            parts.append(f"<w:t{space}>{escape(part)}</w:t>")
    return "".join(parts)


def _para(text: str = "", *, bold: bool = False, style: str | None = None) -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    run = f"<w:r>{'<w:rPr><w:b/></w:rPr>' if bold else ''}{_text(text)}</w:r>" if text else ""
    return f"<w:p>{properties}{run}</w:p>"


def _narrative(text: str) -> str:
    """Bullet lines as Word bullets, other lines as paragraphs."""
    paragraphs = []
    for kind, content in narrative_blocks(text):
        for item in content if kind == "list" else [content]:
            paragraphs.append(_para(item, style=BULLET if kind == "list" else None))
    return "".join(paragraphs) or _para()


@dataclass(frozen=True)
class _Cell:
    content: str  # paragraphs (w:p), at least one
    fill: str | None = None
    span: int = 1


def _cell(text: str | None, *, bold: bool = False, fill: str | None = None, span: int = 1) -> _Cell:
    return _Cell(_para(text or "", bold=bold), fill, span)


def _rag_cell(rag: str | None, label: str, span: int = 1) -> _Cell:
    return _cell(label, bold=bool(rag), fill=RAG_FILLS.get(rag or ""), span=span)


def _label(text: str) -> _Cell:
    return _cell(text, bold=True, fill=HEADER_FILL)


class _Table:
    """A table in the default template's "Table Grid" style, centred; fixed column widths (cm) or autofit."""

    def __init__(self, document, columns: int, widths: tuple[float, ...] | None = None):
        if widths is None:
            section = document.sections[-1]
            block = section.page_width - section.left_margin - section.right_margin
            self.widths = (Emu(block // columns).twips,) * columns
        else:
            self.widths = tuple(Cm(width).twips for width in widths)
        self.document = document
        self.layout = "autofit" if widths is None else "fixed"
        self.rows: list[str] = []

    def row(self, *cells: _Cell, header: bool = False) -> None:
        xml, column = [], 0
        for cell in cells:
            width = sum(self.widths[column : column + cell.span])
            column += cell.span
            span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
            shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.fill}"/>' if cell.fill else ""
            xml.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{span}{shade}</w:tcPr>{cell.content}</w:tc>')
        repeat = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if header else ""
        self.rows.append(f"<w:tr>{repeat}{''.join(xml)}</w:tr>")

    def headers(self, *labels: str) -> None:
        """The column headings, repeated at the top of each page the table runs onto."""
        self.row(*(_label(label) for label in labels), header=True)

    def add(self) -> None:
        """Append the table to the document's body."""
        grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in self.widths)
        self.document.element.body._insert_tbl(
            parse_xml(
                f"<w:tbl {nsdecls('w')}><w:tblPr>"
                '<w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
                f'<w:tblLayout w:type="{self.layout}"/>{TABLE_LOOK}</w:tblPr>'
                f"<w:tblGrid>{grid}</w:tblGrid>{''.join(self.rows)}</w:tbl>"
            )
        )


# The report ---------------------------------------------------------------------------------------------------


def _cover(document, pack: BoardPack, has_reports: bool) -> None:
    _heading(document, f"{pack.meeting_name}, {pack.meeting_label}: board pack", 1)
    document.add_paragraph(pack.programme)
    table = _Table(document, 3)
    table.headers("Pillar/ Workstream", "Previous RAG Status", "Current RAG Status")
    for entry in pack.entries:
        current = (
            _rag_cell(entry.current, rag_status_label(entry.current))
            if entry.current
            else _cell("No signed-off report")
        )
        previous = _rag_cell(entry.previous, rag_status_label(entry.previous))
        table.row(_cell(entry.workstream, bold=True), previous, current)
    table.add()
    if not has_reports:
        document.add_paragraph("No report for this meeting has been signed off yet.")


def _state_note(model: ReportModel) -> str | None:
    as_of = model.as_of.strftime("%-d %B %Y")
    if model.state == "live":
        return f"Live view as at {as_of}: not a submitted report."
    if model.state == "draft":
        return f"Draft as at {as_of}: not yet submitted for sign-off."
    if model.state == "awaiting_sign_off":
        by = f" by {model.submitted.by} on {model.submitted.at:%-d %B %Y}" if model.submitted else ""
        return f"Submitted{by}, as at {as_of}: awaiting sign-off."
    return None


def _report(document, model: ReportModel, *, level: int, new_page: bool) -> None:
    _heading(document, f"{model.workstream} highlight report", level, new_page=new_page)
    meeting = f": {model.meeting_name}, {model.meeting_label}" if model.meeting_name else ""
    document.add_paragraph(f"{model.programme}{meeting}")
    if note := _state_note(model):
        document.add_paragraph(note).runs[0].italic = True
    _header(document, model)
    if model.introduction:
        for kind, content in narrative_blocks(model.introduction):
            for item in content if kind == "list" else [content]:
                _bullet(document, item) if kind == "list" else document.add_paragraph(item)
    for section in model.sections:
        _section(document, model, section, level + 1)
    _risks(document, model, level + 1)
    if model.signed_off:
        document.add_paragraph(
            f"Signed off by {model.signed_off.by} on {model.signed_off.at:%-d %B %Y}. "
            f"Snapshot sha256: {model.signed_off.sha256}"
        )


def _header(document, model: ReportModel) -> None:
    table = _Table(document, 4, HEADER_WIDTHS)
    table.row(_label("Pillar/ Workstream Name"), _cell(model.heading, span=3))
    table.row(_label("Sponsor"), _cell(model.sponsor or "—"), _label("Project Manager/ Lead"), _cell(model.lead or "—"))
    table.row(_label("Previous RAG Status"), _rag_cell(model.rag.previous, model.rag.previous_label, 3))
    table.row(_label("Current RAG Status"), _rag_cell(model.rag.reported, model.rag.reported_label, 3))
    computed = _para(f"{model.rag.computed_label}, as at {model.as_of:%-d %B %Y}, from approved facts:")
    computed += "".join(_para(reason, style=BULLET) for reason in model.rag.reasons)
    table.row(_label("Computed RAG Status"), _Cell(computed, span=3))
    if model.rag.overridden:
        table.row(_label("Why the reported RAG differs"), _cell(model.rag.override_justification, span=3))
    table.row(_label("Reason for RAG"), _cell(model.rag.reason or "—", span=3))
    table.row(
        _label("Report Completed By"),
        _cell(model.completed_by or "—"),
        _label("Meeting Date"),
        _cell(model.meeting_label or "—"),
    )
    table.add()
    document.add_paragraph()


def _section(document, model: ReportModel, section, level: int) -> None:
    _heading(document, f"{section.number}. {section.title}", level, new_page=True)
    table = _Table(document, 2)
    table.headers("Potential Barriers", "Action Required")
    table.row(_Cell(_narrative(section.barriers)), _Cell(_narrative(section.action_required)))
    table.add()
    document.add_paragraph()
    table = _Table(document, 2)
    table.headers("Progress to Date:", "Activity for the Next Period:")
    table.row(
        _cell(f"From: {model.period.start or '—'} To: {model.period.end or '—'}"),
        _cell(f"From: {model.next_period.start or '—'} To: {model.next_period.end or '—'}"),
    )
    table.row(_Cell(_narrative(section.progress)), _Cell(_narrative(section.next_activity)))
    table.add()
    _heading(document, "Key Milestones and Tracking", level + 1)
    table = _Table(document, 6, MILESTONE_WIDTHS)
    table.headers("Reference", "Milestone", "Date Due", "Actual/ Revised Date", "Status", "Comments/ Reason for Delay")
    for milestone in section.milestones:
        table.row(
            _cell(milestone.reference, bold=True),
            _cell(milestone.milestone),
            _cell(milestone.due_label),
            _cell(milestone.actual_label),
            _cell(milestone.label),
            _cell(milestone.comments),
        )
    if not section.milestones:
        table.row(_cell("No milestones in this section."), *(_cell("") for _ in range(5)))
    table.add()


def _risks(document, model: ReportModel, level: int) -> None:
    _heading(document, "Risks", level, new_page=True)
    table = _Table(document, 8, RISK_WIDTHS)
    table.headers(
        "Reference",
        "Risks (For escalation/ oversight only)",
        "Likelihood",
        "Impact",
        "Score",
        "Rating*",
        "Mitigation",
        "Date for Mitigation",
    )
    open_risks = [r for r in model.risks if r.status == "open"]
    for risk in open_risks:
        table.row(
            _cell(risk.reference, bold=True),
            _cell(risk.risk),
            _cell(risk.likelihood.capitalize()),
            _cell(risk.impact.capitalize()),
            _cell(str(risk.score)),
            _rag_cell(risk.rating, risk.rating.capitalize()),
            _cell(risk.mitigation),
            _cell(risk.mitigation_date_label),
        )
    if not open_risks:
        table.row(_cell("No open risks."), *(_cell("") for _ in range(7)))
    table.add()

    _heading(document, "*Risk Scoring Guidance", level + 1)
    table = _Table(document, 4)
    table.row(_cell(""), _cell("Likelihood of occurrence", bold=True, span=3))
    table.row(*(_cell(text, bold=True) for text in ("Impact", *model.guidance_likelihoods)))
    for impact, guidance in model.risk_guidance:
        table.row(
            _cell(impact, bold=True),
            *(_cell(f"{text} {score}", fill=RAG_FILLS[rating]) for text, score, rating in guidance),
        )
    table.add()
    document.add_paragraph()
    document.add_paragraph(model.red_risk_note)
