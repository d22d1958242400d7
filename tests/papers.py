"""Highlight reports (.docx) built with python-docx for the import tests: laid out like the seed's own paper (its
section title merged across the narrative table, periods split over cells, a two-row risk heading) with whatever
variation a test asks for."""

import io
from dataclasses import dataclass, field

from docx import Document

HEADER = [
    ("Pillar/ Workstream Name", "Business Intelligence – Progress Report"),
    ("Sponsor", "Zoe Example"),
    ("Project Manager/ Lead", "Tristan Example"),
    ("Previous RAG Status", "N/A"),
    ("Current RAG Status", "Amber (At Risk)"),
    ("Reason for RAG", "Progress since the board held on 15.2.21."),
    ("Report Completed By", "Tristan Example"),
    ("CIB Meeting Date", "19.4.21"),
]
MILESTONE_HEADINGS = ["Reference", "Milestone", "Date Due", "Actual/ Revised Date", "Comments/ Reason for Delay"]
RISKS = [
    [
        "Resourcing",
        "Loss of analysts could delay actions.",
        "High",
        "Noticeable",
        "4",
        "Amber",
        "Prioritise",
        "April 2021",
    ],
    ["Quarterly Reports", "Reports are late.", "Medium", "Significant", "5", "Amber", "Raise it", "30.4.21"],
]


@dataclass
class PaperSection:
    number: int
    title: str
    barriers: list[str] = field(default_factory=lambda: ["None identified."])
    actions: list[str] = field(default_factory=lambda: ["N/A"])
    progress: list[str] = field(default_factory=lambda: ["- Work is underway."])
    next_activity: list[str] = field(default_factory=lambda: ["- More work."])
    headings: list[str] | None = field(default_factory=lambda: list(MILESTONE_HEADINGS))  # None: no milestone table
    rows: list[list[str]] = field(default_factory=list)
    title_in_table: bool = True  # the seed's way: the title is the narrative table's first row, merged across
    barriers_heading: str = "Potential Barriers"


def _lines(cell, lines: list[str]) -> None:
    cell.paragraphs[0].text = ""
    first = True
    for line in lines:
        bullet = line.startswith("- ")
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.text = line[2:] if bullet else line
        if bullet:
            paragraph.style = "List Bullet"
        first = False


def _header(document, header) -> None:
    table = document.add_table(rows=0, cols=4)
    pairs = list(header)
    while pairs:
        label, value = pairs.pop(0)
        cells = table.add_row().cells
        if label in ("Sponsor", "Report Completed By") and pairs:
            other_label, other_value = pairs.pop(0)
            cells[0].text, cells[1].text, cells[2].text, cells[3].text = label, value, other_label, other_value
        else:
            cells[0].text = label
            merged = cells[1].merge(cells[3])
            merged.text = value


def _section(document, section: PaperSection, periods) -> None:
    if not section.title_in_table:
        document.add_paragraph(f"{section.number}. {section.title}", style="Heading 2")
    table = document.add_table(rows=0, cols=6)
    if section.title_in_table:
        row = table.add_row().cells
        row[0].merge(row[5]).text = f"{section.number}. {section.title}"
    heading = table.add_row().cells
    heading[0].merge(heading[2]).text = section.barriers_heading
    heading[3].merge(heading[5]).text = "Action Required"
    content = table.add_row().cells
    _lines(content[0].merge(content[2]), section.barriers)
    _lines(content[3].merge(content[5]), section.actions)
    # Progress: the seed splits "From: January 2021 To: March 2021" over cells, and its "To" is written in
    # Cyrillic letters; the reader takes both.
    table = document.add_table(rows=0, cols=8)
    heading = table.add_row().cells
    heading[0].merge(heading[3]).text = "Progress to Date:"
    heading[4].merge(heading[7]).text = "Activity for the Next Period:"
    dates = table.add_row().cells
    for index, text in enumerate(["From:", periods[0], "То:", periods[1], "From:", periods[2], "To:", periods[3]]):
        dates[index].text = text
    content = table.add_row().cells
    _lines(content[0].merge(content[3]), section.progress)
    _lines(content[4].merge(content[7]), section.next_activity)
    if section.headings is None:
        return
    document.add_paragraph("Key Milestones and Tracking")
    table = document.add_table(rows=1, cols=len(section.headings))
    for cell, text in zip(table.rows[0].cells, section.headings, strict=True):
        cell.text = text
    for values in section.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def _risks(document, risks) -> None:
    table = document.add_table(rows=2, cols=8)
    top, second = table.rows[0].cells, table.rows[1].cells
    for index, text in ((0, "Reference"), (1, "Risks (For escalation/ oversight only)"), (6, "Mitigation")):
        top[index].merge(second[index]).text = text
    top[7].merge(second[7]).text = "Date for Mitigation"
    top[2].merge(top[5]).text = "Risk Rating*"
    for index, text in enumerate(["Likelihood", "Impact", "Score", "Rating"], start=2):
        second[index].text = text
    for values in risks:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    guidance = document.add_table(rows=2, cols=4)
    guidance.rows[0].cells[0].text = "*Risk Scoring Guidance"
    guidance.rows[0].cells[1].merge(guidance.rows[0].cells[3]).text = "Likelihood of occurrence"
    for cell, text in zip(guidance.rows[1].cells, ["Impact", "Low", "Medium", "High"], strict=True):
        cell.text = text


def build_paper(
    sections: list[PaperSection],
    *,
    header=None,
    risks=None,
    periods=("January 2021", "March 2021", "March 2021", "June 2021"),
    introduction="This report covers the business intelligence work.",
    extra_tables: bool = False,
) -> bytes:
    """A seed-like paper as .docx bytes. ``extra_tables`` adds tables and a page header the reader must leave
    alone: "Changes since the last board" and "Decisions needed from the board"."""
    document = Document()
    document.sections[0].header.paragraphs[0].text = "OFFICIAL – Children's Improvement Board"
    document.add_paragraph("Appendix D")
    _header(document, HEADER if header is None else header)
    document.add_paragraph(introduction)
    for section in sections:
        _section(document, section, periods)
    if extra_tables:
        document.add_paragraph("Changes since the last board", style="Heading 2")
        table = document.add_table(rows=2, cols=3)
        for cell, text in zip(table.rows[0].cells, ["Kind", "Reference", "Change"], strict=True):
            cell.text = text
        for cell, text in zip(table.rows[1].cells, ["Milestone", "1.1", "Completed"], strict=True):
            cell.text = text
        document.add_paragraph("Decisions needed from the board", style="Heading 2")
        table = document.add_table(rows=2, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Decision", "Outcome"
        table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Agree the new date for 1.2", ""
    document.add_paragraph("Risks")
    _risks(document, RISKS if risks is None else risks)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
