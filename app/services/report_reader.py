"""Reading last period's highlight report (.docx), laid out like the seed's "Appendix D", into what an import needs.

Tables are found by their heading text, never their position: the header table by its labels (Sponsor, Current
RAG Status…), each section's narrative tables by "Potential Barriers"/"Action Required" and "Progress to Date"/
"Activity for the Next Period", milestone tables by Reference and Milestone columns, the risk table by Likelihood
and Impact. Unknown tables and columns are left alone, merged cells are read once, and a heading may span two rows
(the seed's "Risk Rating*" over Likelihood, Impact, Score and Rating). The milestone and risk rows become tables of
the spreadsheet import's columns, so the same checks apply to them; every row keeps where it is in the paper.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from app.domain.dates import parse_paper_date, plan_date_text
from app.domain.imports import MILESTONE_HEADINGS, RISK_HEADINGS, heading_key, match_heading
from app.domain.packages import UnsafePackage, check_package
from app.domain.proposals import comments_without_label
from app.services.plan_workbook import MAX_BYTES, MILESTONES, RISKS, Table, UnreadableFile

DOCX_LABEL = "a Word document (.docx)"
DATE_COLUMNS = ("due", "revised_due", "completed_on", "actual_or_revised", "mitigation_date")
NARRATIVE_FIELDS = ("barriers", "action_required", "progress", "next_activity")

# The header table's labels (as ``heading_key`` gives them) → the field each names.
HEADER_LABELS = {
    "pillar workstream name": "workstream",
    "workstream name": "workstream",
    "pillar workstream": "workstream",
    "workstream": "workstream",
    "sponsor": "sponsor",
    "project manager lead": "lead",
    "project lead": "lead",
    "project manager": "lead",
    "lead": "lead",
    "previous rag status": "previous_rag",
    "previous rag": "previous_rag",
    "current rag status": "current_rag",
    "current rag": "current_rag",
    "rag status": "current_rag",
    "reason for rag": "reason",
    "reason for rag status": "reason",
    "report completed by": "completed_by",
    "completed by": "completed_by",
    "computed rag status": "",  # written by Highlight for reading; worked out again
    "why the reported rag differs": "",
}
HEADER_FIELDS = ("workstream", "sponsor", "lead", "previous_rag", "current_rag", "reason", "completed_by", "meeting")
_SECTION_HEADING = re.compile(r"(\d{1,3})\s*[.)]\s*(\S.*)", re.S)
_PERIODS = re.compile(r"From\s*:?\s*(.*?)\s*[TtТ][oOо]\s*:\s*(.*?)\s*(?=From\s*:|$)", re.S)


def header_field(label: str) -> str | None:
    """The header field a label names ("CIB Meeting Date" → meeting), None for a label that is not one."""
    key = heading_key(label)
    if key.endswith("meeting date") or key in ("date of meeting", "board date", "meeting"):
        return "meeting"
    return HEADER_LABELS.get(key)


@dataclass
class PaperSection:
    number: int | None
    title: str
    barriers: str = ""
    action_required: str = ""
    progress: str = ""
    next_activity: str = ""
    milestone_rows: int = 0


@dataclass
class Paper:
    """A highlight report as read: its header (field → (label, text)), introduction, periods, sections with their
    narrative, and its milestone and risk rows as import tables."""

    header: dict[str, tuple[str, str]] = field(default_factory=dict)
    introduction: str = ""
    periods: list[tuple[str, str]] = field(default_factory=list)  # (from, to) of this period and of the next
    sections: list[PaperSection] = field(default_factory=list)
    milestones: Table = field(default_factory=lambda: Table(MILESTONES, []))
    risks: Table | None = None
    found_header: bool = False

    def to_json(self) -> dict:
        return {
            "header": {name: list(value) for name, value in self.header.items()},
            "introduction": self.introduction,
            "periods": [list(period) for period in self.periods],
            "sections": [vars(section) for section in self.sections],
            "found_header": self.found_header,
        }

    @classmethod
    def from_json(cls, data: dict, milestones: Table, risks: Table | None) -> Paper:
        return cls(
            header={name: tuple(value) for name, value in data["header"].items()},
            introduction=data["introduction"],
            periods=[tuple(period) for period in data["periods"]],
            sections=[PaperSection(**section) for section in data["sections"]],
            milestones=milestones,
            risks=risks,
            found_header=data["found_header"],
        )


def read_report(content: bytes) -> Paper:
    """Read a .docx highlight report. Checked as a package first (app.domain.packages). Raises UnreadableFile for
    a file that is not a safe Word document; what the paper says is checked later, with every problem named."""
    try:
        check_package(content, label=DOCX_LABEL, extension="docx", max_bytes=MAX_BYTES)
    except UnsafePackage as error:
        raise UnreadableFile(str(error)) from error
    try:
        document = Document(io.BytesIO(content))
        blocks = list(document.iter_inner_content())
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnreadableFile(f"The file could not be read as {DOCX_LABEL}") from error
    return _Reader().read(blocks)


def _cells(row) -> list:
    """A row's cells, once each however many grid columns they span, in order."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _is_bullet(paragraph: Paragraph) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    properties = paragraph._p.pPr
    return "list" in style.lower() or (properties is not None and properties.numPr is not None)


def cell_text(cell) -> str:
    """A cell's paragraphs as narrative text: bullets as "- " lines, like the narrative fields keep them."""
    lines = []
    for paragraph in cell.paragraphs:
        text = paragraph.text.strip()
        if text:
            lines.append(f"- {text}" if _is_bullet(paragraph) else text)
    return "\n".join(lines)


def _plain(cell) -> str:
    return " ".join(cell.text.split())


class _Reader:
    def __init__(self):
        self.paper = Paper()
        self.section: PaperSection | None = None
        self.milestone_tables = 0
        self.row_number = 1  # rows of every milestone table numbered on from one another, for problems' order
        self.risk_rows = 1

    def read(self, blocks) -> Paper:
        introduction: list[str] = []
        introduction_ended = False
        for index, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                heading = self._section_heading(block, blocks[index + 1 :])
                if heading is not None:
                    self._start_section(*heading)
                elif _is_heading(block):
                    # The introduction ends at the first heading after it ("Changes since the last board"...).
                    introduction_ended = self.paper.found_header
                elif self.paper.found_header and self.section is None and not introduction_ended and block.text.strip():
                    text = block.text.strip()
                    introduction.append(f"- {text}" if _is_bullet(block) else text)
            elif isinstance(block, DocxTable):
                self._table(block)
        self.paper.introduction = "\n".join(introduction)
        return self.paper

    def _section_heading(self, paragraph: Paragraph, following) -> tuple[int, str] | None:
        """A numbered paragraph that heads a section: styled as a heading, all bold, or followed by a table."""
        match = _SECTION_HEADING.fullmatch(" ".join(paragraph.text.split()))
        if not match:
            return None
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        runs = [run for run in paragraph.runs if run.text.strip()]
        next_block = next((b for b in following if not (isinstance(b, Paragraph) and not b.text.strip())), None)
        if style.startswith(("Heading", "Title")) or (runs and all(run.bold for run in runs)):
            return int(match.group(1)), match.group(2).strip()
        if isinstance(next_block, DocxTable) and self._kind(next_block) in ("barriers", "progress", "milestones"):
            return int(match.group(1)), match.group(2).strip()
        return None

    def _start_section(self, number: int | None, title: str) -> None:
        self.section = PaperSection(number, title)
        self.paper.sections.append(self.section)

    def _kind(self, table: DocxTable) -> str | None:
        keys = set()
        for row in table.rows[:3]:
            keys |= {heading_key(_plain(cell)) for cell in _cells(row)}
        if any(header_field(_plain(cell)) for row in table.rows for cell in _cells(row)[:1]) and (
            {"current rag status", "reason for rag", "sponsor", "pillar workstream name"} & keys
        ):
            return "header"
        if any(k.endswith("potential barriers") for k in keys) and "action required" in keys:
            return "barriers"
        if "progress to date" in keys and any(k.startswith("activity for the next period") for k in keys):
            return "progress"
        columns = {match_heading(k, MILESTONE_HEADINGS) for k in keys}
        # A milestone table has dates: a table of changes or decisions that names references is not one.
        if {"reference", "milestone"} <= columns and columns & {"due", "actual_or_revised", "revised_due"}:
            return "milestones"
        risk_columns = {match_heading(k, RISK_HEADINGS) for k in keys}
        if {"likelihood", "impact"} <= risk_columns and ("reference" in risk_columns or "risk" in risk_columns):
            return "risks"
        return None

    def _table(self, table: DocxTable) -> None:
        kind = self._kind(table)
        if kind == "header" and not self.paper.found_header:
            self._header(table)
        elif kind == "barriers":
            self._narrative(table, ("barriers", "action_required"))
        elif kind == "progress":
            self._narrative(table, ("progress", "next_activity"))
        elif kind == "milestones":
            self._milestones(table)
        elif kind == "risks" and self.paper.risks is None:
            self._risks(table)

    def _header(self, table: DocxTable) -> None:
        self.paper.found_header = True
        for row in table.rows:
            cells = _cells(row)
            for label, value in zip(cells, cells[1:], strict=False):
                name = header_field(_plain(label))
                if name and name not in self.paper.header and not header_field(_plain(value)):
                    self.paper.header[name] = (_plain(label), cell_text(value))

    def _narrative(self, table: DocxTable, fields: tuple[str, str]) -> None:
        """A section's two-column narrative table. Its first row may be the section's own title, merged across (as
        in the seed); a "From: … To: …" row gives the reporting periods."""
        rows = list(table.rows)
        first = _cells(rows[0]) if rows else []
        if len(first) == 1 and (match := _SECTION_HEADING.fullmatch(_plain(first[0]))):
            self._start_section(int(match.group(1)), match.group(2).strip())
            rows = rows[1:]
        if self.section is None:
            self._start_section(None, "")
        texts: dict[str, list[str]] = {name: [] for name in fields}
        for index, row in enumerate(rows):
            cells = _cells(row)
            if index == 0:
                continue  # the column headings
            joined = " ".join(_plain(cell) for cell in cells)
            periods = _PERIODS.findall(joined)
            if periods and joined.lstrip().lower().startswith("from"):
                if not self.paper.periods:
                    self.paper.periods = [(start.strip(), end.strip()) for start, end in periods[:2]]
                continue
            left, right = _halves(row)
            for name, text in zip(fields, (left, right), strict=True):
                if text:
                    texts[name].append(text)
        for name in fields:
            if texts[name] and not getattr(self.section, name):
                setattr(self.section, name, "\n".join(texts[name]))

    def _heading_rows(self, table: DocxTable, headings: dict) -> tuple[list[str | None], list[str], int]:
        """Each grid column's import column (or None), its heading as written, and how many rows the heading
        takes: a second row is part of it when each of its cells is a known heading (the seed's risk table)."""
        rows = list(table.rows)
        first = [_plain(cell) for cell in rows[0].cells]
        columns = [match_heading(text, headings) for text in first]
        labels = list(first)
        depth = 1
        if len(rows) > 1:
            second = [_plain(cell) for cell in rows[1].cells]
            if all(not text or match_heading(text, headings) for text in second) and any(
                second[i] != first[i] for i in range(min(len(first), len(second)))
            ):
                depth = 2
                for i, text in enumerate(second[: len(columns)]):
                    if text and text != first[i]:
                        columns[i], labels[i] = match_heading(text, headings), text
        return columns, labels, depth

    def _rows(self, table: DocxTable, headings: dict, target: Table, place) -> None:
        columns, labels, depth = self._heading_rows(table, headings)
        for column, label in zip(columns, labels, strict=False):
            if column and column not in target.columns:
                target.columns.append(column)
                target.labels.setdefault(column, label)
        for offset, row in enumerate(list(table.rows)[depth:], start=depth + 1):
            values: dict[str, str] = {}
            cells = row.cells
            for column, cell in zip(columns, cells, strict=False):
                if column and column not in values:
                    values[column] = cell_text(cell)
            filled = [v for v in values.values() if v]
            if len(filled) <= 1 and not _looks_like_reference(values.get("reference", "")):
                continue  # "No milestones in this section.", or a blank row
            if "comments" in values:
                # The words Highlight's own paper adds to a completion recorded at import are not the comment.
                values["comments"] = comments_without_label(values["comments"])
            number = self._next_row(target)
            target.rows.append((number, _paper_dates(values, target)))
            target.places[number] = place(offset)

    def _next_row(self, target: Table) -> int:
        if target.name == MILESTONES:
            self.row_number += 1
            return self.row_number
        self.risk_rows += 1
        return self.risk_rows

    def _milestones(self, table: DocxTable) -> None:
        self.milestone_tables += 1
        section = self.section
        if section is not None and section.number is not None:
            where = f"Milestones of section {section.number}"
        else:
            where = f"Milestone table {self.milestone_tables}"
        before = len(self.paper.milestones.rows)
        self._rows(table, MILESTONE_HEADINGS, self.paper.milestones, lambda row: f"{where}, row {row}")
        if section is not None:
            if "section" not in self.paper.milestones.columns:
                self.paper.milestones.columns.insert(0, "section")
            heading = f"{section.number}. {section.title}" if section.number is not None else section.title
            for _, values in self.paper.milestones.rows[before:]:
                values["section"] = heading
            section.milestone_rows += len(self.paper.milestones.rows) - before

    def _risks(self, table: DocxTable) -> None:
        self.paper.risks = Table(RISKS, [])
        self._rows(table, RISK_HEADINGS, self.paper.risks, lambda row: f"Risk table, row {row}")


def _is_heading(paragraph: Paragraph) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    return style.startswith(("Heading", "Title")) and bool(paragraph.text.strip())


def _halves(row) -> tuple[str, str]:
    """A narrative row's left and right text: the seed splits each side over several grid columns."""
    cells = row.cells
    middle = len(cells) // 2 if len(cells) > 2 else 1
    left = _distinct_text(cells[:middle])
    right = _distinct_text(cells[middle:])
    return left, right


def _distinct_text(cells) -> str:
    seen, parts = set(), []
    for cell in cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        text = cell_text(cell)
        if text:
            parts.append(text)
    return "\n".join(parts)


def _looks_like_reference(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}(\.\d{1,3}){0,3}\.?", text.strip()))


def _paper_dates(values: dict[str, str], target: Table) -> dict[str, str | date]:
    """Date cells as the import reads dates ("19.4.21" → 2021-04-19; "March 2021" stays a month). A date followed
    by more words keeps the date, and the whole cell is added to the comments so nothing said is lost."""
    notes = []
    for column in DATE_COLUMNS:
        text = values.get(column, "")
        if not text:
            continue
        try:
            when, is_month, rest = parse_paper_date(text)
        except ValueError:
            continue  # left as written: the import names it as a bad date, with its row and column
        values[column] = plan_date_text(when, is_month)
        if rest:
            notes.append(f"{target.label(column)}: {' '.join(text.split())}.")
    if notes:
        values["comments"] = " ".join([*notes, values.get("comments", "")]).strip()
        if "comments" not in target.columns:
            target.columns.append("comments")
    return dict(values)
