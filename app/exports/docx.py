"""Word (.docx) report and board pack: real Word tables in the seed's order, RAG cells shaded and named, in the
named styles of app.exports.docx_layout, with a running header and "Page X of Y" on every page."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Emu, Mm
from flask import current_app, has_app_context

from app.domain.reports import rag_status_label
from app.domain.text import printable
from app.exports import cache, paper
from app.exports.docx_layout import (
    FIELD_END,
    MARK_STYLE,
    TABLE_STYLE,
    Furniture,
    Styles,
    base_document,
    ensure_styles,
    field_start,
    update_fields_on_open,
)
from app.exports.html import document_date, document_title
from app.services.report_model import BoardPack, ReportModel, narrative_blocks

# Solid RAG fills, as board papers print them; black text keeps at least 4.5:1 contrast on each.
RAG_FILLS = {"red": "FF0000", "amber": "FFC000", "green": "00B050"}
HEADER_FILL = "F3F3F3"
MILESTONE_WIDTHS = (1.4, 5.3, 2.2, 2.2, 2.3, 4.6)
RISK_WIDTHS = (2.4, 3.6, 1.7, 2.0, 1.2, 1.6, 3.5, 2.0)
HEADER_WIDTHS = (4.0, 5.0, 4.0, 5.0)
COVER_WIDTHS = (4.2, 3.0, 3.0, 2.8, 5.0)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TABLE_LOOK = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" '
    'w:val="04A0"/>'
)
# The board pack's contents: Word fills in each paper's page when it updates the field (it asks on opening).
CONTENTS_FIELD = 'TOC \\o "2-2" \\h \\z \\u'


def template_path() -> str | None:
    """The council's .docx named by REPORT_TEMPLATE_DOCX, if set."""
    if not has_app_context():
        return None
    return current_app.config.get("REPORT_TEMPLATE_DOCX") or None


def _template_digest(template: str | None) -> str:
    """A digest of the template's bytes: a changed template renders kept reports again."""
    return hashlib.sha256(Path(template).read_bytes()).hexdigest() if template else ""


def render_docx(models: list[ReportModel], *, pack: BoardPack | None = None) -> bytes:
    """The .docx bytes. The same view-model always gives the same bytes (fixed dates inside and in the zip).

    Starts from REPORT_TEMPLATE_DOCX when an application context sets it. Raises OSError or ValueError (from
    python-docx) if that file cannot be read as a Word document.
    """
    document = base_document(template_path())
    writer = _Writer(document, ensure_styles(document))
    furniture = Furniture(document, writer.styles)
    if pack is not None:
        furniture.dress(document.sections[0], _pack_header(pack), None, first=True)
        writer.cover(pack, bool(models))
        if models:
            writer.contents(models)
    for index, model in enumerate(models):
        first = pack is None and index == 0
        section = document.sections[0] if first else furniture.new_section()
        furniture.dress(section, paper.running_header(model), paper.unsigned_mark(model), first=first)
        writer.report(model, level=2 if pack is not None else 1, bookmark=f"paper_{index + 1}")
    if pack is not None and models:
        update_fields_on_open(document)
    when = document_date(models, pack)
    stamp = datetime.fromisoformat(when).replace(tzinfo=UTC) if when else datetime(2000, 1, 1, tzinfo=UTC)
    properties = document.core_properties
    properties.title = document_title(models, pack)
    properties.author = properties.last_modified_by = "Highlight"
    properties.created = properties.modified = stamp
    properties.revision = 1
    properties.comments = ""
    properties.language = "en-GB"
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def report_docx(model: ReportModel) -> bytes:
    """One report's .docx; a signed-off report's is written once and kept (app.exports.cache)."""
    template = template_path()
    kind = paper.kept_kind("docx", _template_digest(template))
    return cache.kept(model, kind, lambda: render_docx([model]))


def _pack_header(pack: BoardPack) -> str:
    return " · ".join((pack.programme, pack.meeting_name, pack.meeting_label, "board pack"))


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


# Paragraphs and tables as WordprocessingML text -----------------------------------------------------------------
# Written as text and parsed once each: python-docx's cell, run and width calls walk and re-search the XML on
# every call, which made a 300-milestone report spend most of its time in table cells.

_RUN_BREAKS = re.compile("([\t\r\n])")


def _text(text: str) -> str:
    """Run content as python-docx writes it: a tab for each tab, a break for each line end, the rest as text."""
    parts = []
    for part in _RUN_BREAKS.split(printable(text)):
        if part == "\t":
            parts.append("<w:tab/>")
        elif part in ("\r", "\n"):
            parts.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            parts.append(f"<w:t{space}>{escape(part)}</w:t>")
    return "".join(parts)


def _run(text: str, *, bold: bool = False, italic: bool = False) -> str:
    properties = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    return f"<w:r>{f'<w:rPr>{properties}</w:rPr>' if properties else ''}{_text(text)}</w:r>" if text else ""


def _para(text: str = "", *, bold: bool = False, italic: bool = False, style: str | None = None) -> str:
    return _para_runs(_run(text, bold=bold, italic=italic), style=style)


def _para_runs(runs: str, *, style: str | None = None, page_break: bool = False) -> str:
    properties = f'<w:pStyle w:val="{style}"/>' if style else ""
    properties += "<w:pageBreakBefore/>" if page_break else ""
    return f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}{runs}</w:p>"


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
    """A table in the named table style, centred; fixed column widths (cm) or autofit."""

    def __init__(self, writer: _Writer, columns: int, widths: tuple[float, ...] | None = None):
        if widths is None:
            section = writer.document.sections[-1]
            page = (section.page_width or Mm(210)) - (section.left_margin or 0) - (section.right_margin or 0)
            self.widths = (Emu(page // columns).twips,) * columns
        else:
            self.widths = tuple(Cm(width).twips for width in widths)
        self.writer = writer
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
        self.writer.document.element.body._insert_tbl(
            parse_xml(
                f"<w:tbl {nsdecls('w')}><w:tblPr>"
                f'<w:tblStyle w:val="{self.writer.styles[TABLE_STYLE]}"/><w:tblW w:type="auto" w:w="0"/>'
                f'<w:jc w:val="center"/><w:tblLayout w:type="{self.layout}"/>{TABLE_LOOK}</w:tblPr>'
                f"<w:tblGrid>{grid}</w:tblGrid>{''.join(self.rows)}</w:tbl>"
            )
        )


# The paper ----------------------------------------------------------------------------------------------------


@dataclass
class _Writer:
    document: object
    styles: Styles

    def add(self, xml: str) -> None:
        """Append paragraphs (w:p elements, as text) to the body."""
        body = self.document.element.body
        for element in list(parse_xml(f"<w:body {nsdecls('w', 'r')}>{xml}</w:body>")):
            body._insert_p(element)

    def heading(self, text: str, level: int, *, new_page: bool = False, bookmark: str | None = None) -> None:
        runs = _run(text)
        if bookmark:
            runs = f'<w:bookmarkStart w:id="{_bookmark_id(bookmark)}" w:name="{bookmark}"/>{runs}'
            runs += f'<w:bookmarkEnd w:id="{_bookmark_id(bookmark)}"/>'
        self.add(_para_runs(runs, style=self.styles.heading(level), page_break=new_page))

    def bullets(self, items, style: str = "List Bullet") -> str:
        return "".join(_para(item, style=self.styles[style]) for item in items)

    def narrative(self, text: str) -> str:
        """Bullet lines as Word bullets, other lines as paragraphs."""
        paragraphs = []
        for kind, content in narrative_blocks(text):
            paragraphs.append(self.bullets(content) if kind == "list" else _para(content))
        return "".join(paragraphs) or _para()

    def table(self, columns: int, widths: tuple[float, ...] | None = None) -> _Table:
        return _Table(self, columns, widths)

    def link(self, address: str) -> str:
        """A run linking to an absolute address, or the address as text."""
        if not address.startswith("http"):
            return _run(address)
        relationship = self.document.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        return (
            f'<w:hyperlink r:id="{relationship}"><w:r><w:rPr><w:color w:val="1D70B8"/><w:u w:val="single"/>'
            f"</w:rPr>{_text(address)}</w:r></w:hyperlink>"
        )

    # The board pack's front matter ----------------------------------------------------------------------------

    def cover(self, pack: BoardPack, has_reports: bool) -> None:
        self.heading(f"{pack.meeting_name}, {pack.meeting_label}: board pack", 1)
        self.add(_para(pack.programme))
        table = self.table(5, COVER_WIDTHS)
        table.headers("Pillar/ Workstream", "Previous RAG Status", "Current RAG Status", "Direction of travel", "Paper")
        for entry in pack.entries:
            current = (
                _rag_cell(entry.model.rag.reported_shade, entry.model.rag.reported_label)
                if entry.current
                else _cell("No signed-off report")
            )
            previous = _rag_cell(entry.previous, rag_status_label(entry.previous))
            state = _cell(paper.paper_state(entry))
            table.row(_cell(entry.workstream, bold=True), previous, current, _cell(paper.travel(entry)), state)
        table.add()
        if not has_reports:
            self.add(_para("No report for this meeting has been signed off yet."))

    def contents(self, models: list[ReportModel]) -> None:
        """A contents page: Word's table of contents field, listing each paper (with its page once updated)."""
        self.add(_para_runs(_run("Contents"), style=self.styles["TOC Heading"], page_break=True))
        entries = [
            f'<w:hyperlink w:anchor="paper_{index}" w:history="1">{_run(paper.title(model))}</w:hyperlink>'
            for index, model in enumerate(models, start=1)
        ]
        entries[0] = field_start(CONTENTS_FIELD, dirty=True) + entries[0]
        entries[-1] += FIELD_END
        self.add("".join(_para_runs(entry) for entry in entries))

    # One report -----------------------------------------------------------------------------------------------

    def report(self, model: ReportModel, *, level: int, bookmark: str) -> None:
        self.heading(paper.title(model), level, bookmark=bookmark)
        meeting = f": {model.meeting_name}, {model.meeting_label}" if model.meeting_name else ""
        self.add(_para(f"{model.programme}{meeting}"))
        self.what_it_is(model)
        self.summary(model)
        if model.introduction:
            self.add(self.narrative(model.introduction))
        self.changes_and_decisions(model, level + 1)
        for section in model.sections:
            self.section(model, section, level + 1)
        self.risks(model, level + 1)

    def what_it_is(self, model: ReportModel) -> None:
        """Page 1 says what the paper is: unsigned in large type, or signed with where to verify it."""
        if mark := paper.unsigned_mark(model):
            self.add(_para(mark, style=self.styles[MARK_STYLE]) + _para(paper.state_note(model), italic=True))
        if verify := paper.verification(model):
            sentence = "".join(self.link(text) if address else _run(text) for text, address in verify.segments)
            self.add(_para(f"{verify.signed}.", bold=True) + _para_runs(sentence))

    def summary(self, model: ReportModel) -> None:
        table = self.table(4, HEADER_WIDTHS)
        table.row(_label("Pillar/ Workstream Name"), _cell(model.heading, span=3))
        table.row(
            _label("Sponsor"), _cell(model.sponsor or "—"), _label("Project Manager/ Lead"), _cell(model.lead or "—")
        )
        table.row(_label("Previous RAG Status"), _rag_cell(model.rag.previous, model.rag.previous_label, 3))
        table.row(_label("Current RAG Status"), _rag_cell(model.rag.reported_shade, model.rag.reported_label, 3))
        computed = _para(f"{model.rag.computed_label}, {paper.as_at(model)}, from approved facts:")
        computed += self.bullets(model.rag.reasons)
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
        self.add(_para())

    def changes_and_decisions(self, model: ReportModel, level: int) -> None:
        self.heading("Changes since the last board", level)
        if model.changes_since_last:
            self.add(self.bullets(change.text for change in model.changes_since_last))
        else:
            self.add(_para("No changes since the last board."))
        self.heading("Decisions needed from the board", level)
        if not model.decisions_needed:
            self.add(_para("No decisions needed."))
            return
        style = self.styles["List Number"]
        for decision in model.decisions_needed:
            runs = _run(decision.text)
            if decision.outcome:
                runs += "<w:r><w:br/></w:r>" + _run("The board's answer: ", bold=True) + _run(decision.outcome)
            self.add(_para_runs(runs, style=style))

    def section(self, model: ReportModel, section, level: int) -> None:
        self.heading(f"{section.number}. {section.title}", level, new_page=True)
        table = self.table(2)
        table.headers("Potential Barriers", "Action Required")
        table.row(_Cell(self.narrative(section.barriers)), _Cell(self.narrative(section.action_required)))
        table.add()
        self.add(_para())
        table = self.table(2)
        table.headers("Progress to Date:", "Activity for the Next Period:")
        table.row(
            _cell(f"From: {model.period.start or '—'} To: {model.period.end or '—'}"),
            _cell(f"From: {model.next_period.start or '—'} To: {model.next_period.end or '—'}"),
        )
        table.row(_Cell(self.narrative(section.progress)), _Cell(self.narrative(section.next_activity)))
        table.add()
        self.heading("Key Milestones and Tracking", level + 1)
        self.add(_para(f"Status {paper.as_at(model)}.", italic=True))
        table = self.table(6, MILESTONE_WIDTHS)
        table.headers(
            "Reference", "Milestone", "Date Due", "Actual/ Revised Date", "Status", "Comments/ Reason for Delay"
        )
        for milestone in section.milestones:
            table.row(
                _cell(milestone.reference, bold=True),
                _cell(milestone.milestone),
                _cell(milestone.due_label),
                _cell(milestone.actual_label),
                _rag_cell(milestone.rag, milestone.status_text),
                _cell(milestone.comments),
            )
        if not section.milestones:
            table.row(_cell("No milestones in this section."), *(_cell("") for _ in range(5)))
        table.add()

    def risks(self, model: ReportModel, level: int) -> None:
        self.heading("Risks", level, new_page=True)
        table = self.table(8, RISK_WIDTHS)
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

        self.heading("*Risk Scoring Guidance", level + 1)
        table = self.table(4)
        table.row(_cell(""), _cell("Likelihood of occurrence", bold=True, span=3))
        table.row(*(_cell(text, bold=True) for text in ("Impact", *model.guidance_likelihoods)))
        for impact, guidance in model.risk_guidance:
            table.row(
                _cell(impact, bold=True),
                *(_cell(f"{text} {score}", fill=RAG_FILLS[rating]) for text, score, rating in guidance),
            )
        table.add()
        self.add(_para() + _para(model.red_risk_note))


def _bookmark_id(name: str) -> int:
    return int(name.rsplit("_", 1)[-1])
