"""Word (.docx) report and board pack: real Word tables in the seed's order, RAG cells shaded and named."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from app.domain.reports import rag_status_label
from app.exports.html import document_date, document_title
from app.services.report_model import BoardPack, ReportModel, narrative_blocks

FONT = "Arial"
# Solid RAG fills, as board papers print them; black text keeps at least 4.5:1 contrast on each.
RAG_FILLS = {"red": "FF0000", "amber": "FFC000", "green": "00B050"}
HEADER_FILL = "F3F3F3"
MILESTONE_WIDTHS = (1.4, 6.2, 2.4, 2.4, 5.6)
RISK_WIDTHS = (2.4, 3.6, 1.7, 2.0, 1.2, 1.6, 3.5, 2.0)
HEADER_WIDTHS = (4.0, 5.0, 4.0, 5.0)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Style ids of the default template, set directly: looking styles up by name costs an XPath search each time.
BULLET = "ListBullet"


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


# Cells -------------------------------------------------------------------------------------------------------


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _write(cell, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text or "")
    run.bold = bold


def _rag_cell(cell, rag: str | None, label: str) -> None:
    _write(cell, label, bold=bool(rag))
    if rag in RAG_FILLS:
        _shade(cell, RAG_FILLS[rag])


def _narrative(cell, text: str) -> None:
    """Bullet lines as Word bullets, other lines as paragraphs; the cell's first paragraph is reused."""
    first = True
    for kind, content in narrative_blocks(text):
        items = content if kind == "list" else [content]
        for item in items:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.add_run(item)
            if kind == "list":
                paragraph._p.style = BULLET


def _table(document, columns: int, widths: tuple[float, ...] | None = None, headers: tuple[str, ...] = ()):
    table = document.add_table(rows=0, cols=columns)
    table._tbl.tblPr.style = "TableGrid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = widths is None
    if headers:
        row = table.add_row()
        _repeat_header(row)
        for cell, text in zip(row.cells, headers, strict=True):
            _write(cell, text, bold=True)
            _shade(cell, HEADER_FILL)
    if widths:
        _widths(table, widths)
    return table


def _widths(table, widths: tuple[float, ...]) -> None:
    for index, column in enumerate(table.columns):
        column.width = Cm(widths[index])


def _add_row(table, widths: tuple[float, ...] | None = None):
    row = table.add_row()
    if widths:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    return row


# The report ---------------------------------------------------------------------------------------------------


def _cover(document, pack: BoardPack, has_reports: bool) -> None:
    _heading(document, f"{pack.meeting_name}, {pack.meeting_label}: board pack", 1)
    document.add_paragraph(pack.programme)
    table = _table(document, 3, headers=("Pillar/ Workstream", "Previous RAG Status", "Current RAG Status"))
    for entry in pack.entries:
        cells = _add_row(table).cells
        _write(cells[0], entry.workstream, bold=True)
        _rag_cell(cells[1], entry.previous, rag_status_label(entry.previous))
        if entry.current:
            _rag_cell(cells[2], entry.current, rag_status_label(entry.current))
        else:
            _write(cells[2], "No signed-off report")
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
    table = _table(document, 4, HEADER_WIDTHS)

    def wide_row(label: str):
        cells = _add_row(table, HEADER_WIDTHS).cells
        _write(cells[0], label, bold=True)
        _shade(cells[0], HEADER_FILL)
        return cells[1].merge(cells[3])

    _write(wide_row("Pillar/ Workstream Name"), model.heading)
    cells = _add_row(table, HEADER_WIDTHS).cells
    for index, (label, value) in enumerate((("Sponsor", model.sponsor), ("Project Manager/ Lead", model.lead))):
        _write(cells[index * 2], label, bold=True)
        _shade(cells[index * 2], HEADER_FILL)
        _write(cells[index * 2 + 1], value or "—")
    _rag_cell(wide_row("Previous RAG Status"), model.rag.previous, model.rag.previous_label)
    _rag_cell(wide_row("Current RAG Status"), model.rag.reported, model.rag.reported_label)
    computed = wide_row("Computed RAG Status")
    _write(computed, f"{model.rag.computed_label}, as at {model.as_of:%-d %B %Y}, from approved facts:")
    for reason in model.rag.reasons:
        _bullet(computed, reason)
    if model.rag.overridden:
        _write(wide_row("Why the reported RAG differs"), model.rag.override_justification)
    _write(wide_row("Reason for RAG"), model.rag.reason or "—")
    cells = _add_row(table, HEADER_WIDTHS).cells
    for index, (label, value) in enumerate(
        (("Report Completed By", model.completed_by), ("Meeting Date", model.meeting_label))
    ):
        _write(cells[index * 2], label, bold=True)
        _shade(cells[index * 2], HEADER_FILL)
        _write(cells[index * 2 + 1], value or "—")
    document.add_paragraph()


def _section(document, model: ReportModel, section, level: int) -> None:
    _heading(document, f"{section.number}. {section.title}", level, new_page=True)
    table = _table(document, 2, headers=("Potential Barriers", "Action Required"))
    cells = _add_row(table).cells
    _narrative(cells[0], section.barriers)
    _narrative(cells[1], section.action_required)
    document.add_paragraph()
    table = _table(document, 2, headers=("Progress to Date:", "Activity for the Next Period:"))
    cells = _add_row(table).cells
    _write(cells[0], f"From: {model.period.start or '—'} To: {model.period.end or '—'}")
    _write(cells[1], f"From: {model.next_period.start or '—'} To: {model.next_period.end or '—'}")
    cells = _add_row(table).cells
    _narrative(cells[0], section.progress)
    _narrative(cells[1], section.next_activity)
    _heading(document, "Key Milestones and Tracking", level + 1)
    table = _table(
        document,
        5,
        MILESTONE_WIDTHS,
        ("Reference", "Milestone", "Date Due", "Actual/ Revised Date", "Comments/ Reason for Delay"),
    )
    for milestone in section.milestones:
        cells = _add_row(table, MILESTONE_WIDTHS).cells
        _write(cells[0], milestone.reference, bold=True)
        for cell, text in zip(
            cells[1:],
            (milestone.milestone, milestone.due_label, milestone.actual_label, milestone.comments),
            strict=True,
        ):
            _write(cell, text)
    if not section.milestones:
        _write(_add_row(table, MILESTONE_WIDTHS).cells[0], "No milestones in this section.")


def _risks(document, model: ReportModel, level: int) -> None:
    _heading(document, "Risks", level, new_page=True)
    table = _table(
        document,
        8,
        RISK_WIDTHS,
        (
            "Reference",
            "Risks (For escalation/ oversight only)",
            "Likelihood",
            "Impact",
            "Score",
            "Rating*",
            "Mitigation",
            "Date for Mitigation",
        ),
    )
    open_risks = [r for r in model.risks if r.status == "open"]
    for risk in open_risks:
        cells = _add_row(table, RISK_WIDTHS).cells
        _write(cells[0], risk.reference, bold=True)
        _write(cells[1], risk.risk)
        _write(cells[2], risk.likelihood.capitalize())
        _write(cells[3], risk.impact.capitalize())
        _write(cells[4], str(risk.score))
        _rag_cell(cells[5], risk.rating, risk.rating.capitalize())
        _write(cells[6], risk.mitigation)
        _write(cells[7], risk.mitigation_date_label)
    if not open_risks:
        _write(_add_row(table, RISK_WIDTHS).cells[0], "No open risks.")

    _heading(document, "*Risk Scoring Guidance", level + 1)
    table = _table(document, 4)
    cells = _add_row(table).cells
    _write(cells[1].merge(cells[3]), "Likelihood of occurrence", bold=True)
    cells = _add_row(table).cells
    _write(cells[0], "Impact", bold=True)
    for cell, likelihood in zip(cells[1:], model.guidance_likelihoods, strict=True):
        _write(cell, likelihood, bold=True)
    for impact, guidance in model.risk_guidance:
        cells = _add_row(table).cells
        _write(cells[0], impact, bold=True)
        for cell, (text, score, rating) in zip(cells[1:], guidance, strict=True):
            _write(cell, f"{text} {score}")
            _shade(cell, RAG_FILLS[rating])
    document.add_paragraph()
    document.add_paragraph(model.red_risk_note)
