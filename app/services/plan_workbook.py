"""The action plan as a spreadsheet: reading .xlsx and .csv files, and writing the template and the plan export.

The columns are the ``import-plan`` contract (docs/rules.md): an export re-imports cleanly. A column that is absent
is left alone on import; a column that is present but blank clears that field.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from app.domain.dates import format_plan_date
from app.domain.text import printable

MILESTONES = "milestones"
RISKS = "risks"

MILESTONE_COLUMNS = (
    "section",
    "reference",
    "milestone",
    "owner_email",
    "due",
    "revised_due",
    "completed_on",
    "comments",
    "removed_reason",
)
REQUIRED_MILESTONE_COLUMNS = ("section", "reference", "milestone", "due")
RISK_COLUMNS = (
    "reference",
    "risk",
    "description",
    "likelihood",
    "impact",
    "mitigation",
    "mitigation_date",
    "owner_email",
    "status",
)
REQUIRED_RISK_COLUMNS = ("reference", "risk", "likelihood", "impact")
# Written by the export for people to read; worked out again on import, so ignored there.
COMPUTED_RISK_COLUMNS = ("score", "rating")
DATE_COLUMNS = frozenset({"due", "revised_due", "completed_on", "mitigation_date"})

MAX_ROWS = 5000
EXTENSIONS = (".xlsx", ".csv")


class UnreadableFile(Exception):
    """The file is not a workbook or CSV this importer can read; the message says why, for people."""


@dataclass
class Table:
    """One sheet: its (normalised) column names and its non-blank rows, numbered as a spreadsheet numbers them."""

    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str | date]]] = field(default_factory=list)


def column_name(header) -> str:
    """``"Owner email "`` → ``owner_email``."""
    return "_".join(str(header or "").strip().lower().replace("-", " ").split())


def _cell_text(value) -> str | date:
    """A cell as text, except dates, which stay dates (spreadsheets give them as datetimes)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(name: str, records) -> Table:
    records = iter(records)
    header = next(records, None)
    columns = [column_name(h) for h in header or ()]
    while columns and not columns[-1]:
        columns.pop()
    table = Table(name, columns)
    for number, record in enumerate(records, start=2):
        values = {col: _cell_text(v) for col, v in zip(columns, record, strict=False) if col}
        if not any(v != "" for v in values.values()):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise UnreadableFile(f"The {name} have more than {MAX_ROWS:,} rows: split the file")
        table.rows.append((number, values))
    return table


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows code page.
        return content.decode("cp1252", errors="replace")


def read_csv(content: bytes, name: str = MILESTONES) -> Table:
    """Read a CSV file whose first row names the columns. Raises UnreadableFile."""
    try:
        return _table(name, csv.reader(io.StringIO(_decode(content), newline="")))
    except csv.Error as error:
        raise UnreadableFile(f"The file could not be read as CSV: {error}") from error


def read_plan_file(filename: str, content: bytes) -> tuple[Table, Table | None]:
    """Read the milestones (and a ``risks`` sheet, if an .xlsx has one) from an .xlsx or .csv file.

    In a workbook the milestones are the sheet called "milestones", else the first sheet. Raises UnreadableFile
    for another kind of file, a file that is not what its name says, or too many rows.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".csv":
        return read_csv(content), None
    if suffix != ".xlsx":
        raise UnreadableFile("The file must be an Excel workbook (.xlsx) or a CSV file (.csv)")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile("The file could not be read as an Excel workbook (.xlsx)") from error
    try:
        sheets = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
        plan = sheets.get(MILESTONES) or next(
            (ws for title, ws in sheets.items() if title not in (RISKS, "instructions")), None
        )
        if plan is None:
            raise UnreadableFile('The workbook has no "milestones" sheet')
        milestones = _table(MILESTONES, plan.iter_rows(values_only=True))
        risks = _table(RISKS, sheets[RISKS].iter_rows(values_only=True)) if RISKS in sheets else None
    finally:
        workbook.close()
    return milestones, risks


def plan_date_text(value: date | None, is_month: bool) -> str:
    """A plan date as the import reads it back: "March 2021" for a month, ISO for a day, "" for none."""
    if value is None:
        return ""
    return format_plan_date(value, True) if is_month else value.isoformat()


def _sheet(workbook: Workbook, title: str, columns: tuple[str, ...], rows, first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Text stored before control characters were refused: openpyxl refuses to write them.
        sheet.append([printable(value) if isinstance(value, str) else value for value in row])
        # Text that looks like a formula ("=HYPERLINK(…)") stays text: never run it, and read it back as written.
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"
    # Text format keeps Excel from turning 2.10 into 2.1 or "April 2021" into a date.
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 60 if column in ("milestone", "risk", "comments", "mitigation") else 18
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    return sheet


INSTRUCTIONS = (
    ("Fill in the milestones sheet (and the risks sheet, if you keep risks here), then import the file.",),
    ("section: the section number, optionally with its title, like 1. Responding to OFSTED Feedback.",),
    ("A new section needs its title the first time it appears.",),
    ("reference: numbers and dots, like 1.4, unique in the workstream. An existing reference is updated.",),
    ("owner_email: the email of a Highlight user; they become an action owner of the workstream if needed.",),
    ("Dates (due, revised_due, completed_on, mitigation_date): 2021-04-19, 19/04/2021 or April 2021.",),
    ("completed_on: recorded as an approved completion, marked as imported.",),
    ("removed_reason: marks the milestone removed, with this reason.",),
    ("likelihood: Low, Medium or High. impact: Noticeable, Significant or Critical. status: open or closed.",),
    ("A column left out is left alone; a column present but blank clears that field.",),
    ("Nothing is imported if any row has a problem: every problem is listed with its row and column.",),
)


def write_workbook(milestone_rows, risk_rows=None, instructions: bool = False) -> bytes:
    """An .xlsx with a milestones sheet (and a risks sheet when ``risk_rows`` is not None), as bytes."""
    workbook = Workbook()
    _sheet(workbook, MILESTONES, MILESTONE_COLUMNS, milestone_rows, first=True)
    if risk_rows is not None:
        _sheet(workbook, RISKS, RISK_COLUMNS + COMPUTED_RISK_COLUMNS, risk_rows)
    if instructions:
        sheet = workbook.create_sheet("instructions")
        for line in INSTRUCTIONS:
            sheet.append(list(line))
        sheet.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
