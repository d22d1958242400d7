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
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.imports import MILESTONE_HEADINGS, RISK_HEADINGS, match_heading
from app.domain.packages import UnsafePackage, check_package
from app.domain.text import printable

MILESTONES = "milestones"
RISKS = "risks"
INSTRUCTIONS_SHEET = "instructions"
LISTS_SHEET = "lists"

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
# The section may be left out: a reference's first part names it ("1.4" is in section 1).
REQUIRED_MILESTONE_COLUMNS = ("reference", "milestone", "due")
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
MAX_COLUMNS = 100
# A run of this many blank rows ends a sheet: a workbook may carry formatting far below its data.
MAX_BLANK_RUN = 10_000
MAX_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".xlsx", ".csv")
XLSX_LABEL = "an Excel workbook (.xlsx)"


class UnreadableFile(Exception):
    """The file is not a workbook or CSV this importer can read; the message says why, for people."""


_DATE_TAG = "$date"


@dataclass
class Table:
    """One sheet: its (normalised) column names and its non-blank rows, numbered as a spreadsheet numbers them.

    Kept between an upload's preview and its confirmation as JSON (``to_json``), so a file is parsed once.
    """

    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str | date]]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # column -> its heading as the file gives it
    places: dict[int, str] = field(default_factory=dict)  # row -> where it is, for a paper's tables

    def label(self, column: str) -> str:
        return self.labels.get(column) or column

    def place(self, row: int) -> str | None:
        return self.places.get(row)

    def to_json(self) -> dict:
        def value(v):
            return {_DATE_TAG: v.isoformat()} if isinstance(v, date) else v

        return {
            "name": self.name,
            "columns": self.columns,
            "labels": self.labels,
            "places": {str(row): place for row, place in self.places.items()},
            "rows": [[number, {k: value(v) for k, v in values.items()}] for number, values in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict) -> Table:
        def value(v):
            return date.fromisoformat(v[_DATE_TAG]) if isinstance(v, dict) else v

        rows = [(number, {k: value(v) for k, v in values.items()}) for number, values in data["rows"]]
        places = {int(row): place for row, place in data.get("places", {}).items()}
        return cls(data["name"], list(data["columns"]), rows, dict(data.get("labels", {})), places)


def column_name(header) -> str:
    """``"Owner email "`` → ``owner_email``."""
    return "_".join(str(header or "").strip().lower().replace("-", " ").split())


def columns_of(headers, name: str) -> tuple[list[str], dict[str, str]]:
    """The canonical column for each heading ("Due date" → ``due``; an unknown heading keeps its own name, so it
    can be named as unknown) and each column's heading as written."""
    headings = MILESTONE_HEADINGS if name == MILESTONES else RISK_HEADINGS
    columns, labels = [], {}
    for header in headers:
        text = " ".join(str(header or "").split())
        column = match_heading(text, headings) or column_name(text)
        columns.append(column)
        if column and column not in labels:
            labels[column] = text
    return columns, labels


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
    header = list(next(records, None) or ())
    while header and header[-1] in (None, ""):
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise UnreadableFile(f"The {name} have more than {MAX_COLUMNS} columns: keep only the plan's columns")
    columns, labels = columns_of(header, name)
    table = Table(name, columns, labels=labels)
    blank_run = 0
    for number, record in enumerate(records, start=2):
        values = {col: _cell_text(v) for col, v in zip(columns, record, strict=False) if col}
        if not any(v != "" for v in values.values()):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
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
    if len(content) > MAX_BYTES:
        raise UnreadableFile(f"The file must be smaller than {MAX_BYTES // 2**20} MB")
    try:
        return _table(name, csv.reader(io.StringIO(_decode(content), newline="")))
    except csv.Error as error:
        raise UnreadableFile(f"The file could not be read as CSV: {error}") from error


def _sheet_records(sheet):
    """The header row, then each row cut to the header's width: a sheet's stated dimensions are not trusted."""
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    width = len(header)
    while width and header[width - 1] in (None, ""):
        width -= 1
    yield header[:width]
    if width:
        yield from sheet.iter_rows(min_row=2, max_col=width, values_only=True)


def read_plan_file(filename: str, content: bytes) -> tuple[Table, Table | None]:
    """Read the milestones (and a ``risks`` sheet, if an .xlsx has one) from an .xlsx or .csv file.

    In a workbook the milestones are the sheet called "milestones", else the first sheet. A workbook is checked as
    a package (size, parts, expansion, DOCTYPE: app.domain.packages) before openpyxl opens it. Raises
    UnreadableFile for another kind of file, a file that is not what its name says, an unsafe package, or too many
    rows.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".csv":
        return read_csv(content), None
    if suffix != ".xlsx":
        raise UnreadableFile("The file must be an Excel workbook (.xlsx) or a CSV file (.csv)")
    try:
        check_package(content, label=XLSX_LABEL, extension="xlsx", max_bytes=MAX_BYTES)
    except UnsafePackage as error:
        raise UnreadableFile(str(error)) from error
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise UnreadableFile(f"The file could not be read as {XLSX_LABEL}") from error
    try:
        sheets = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
        plan = sheets.get(MILESTONES) or next(
            (ws for title, ws in sheets.items() if title not in (RISKS, INSTRUCTIONS_SHEET, LISTS_SHEET)), None
        )
        if plan is None:
            raise UnreadableFile('The workbook has no "milestones" sheet')
        milestones = _table(MILESTONES, _sheet_records(plan))
        risks = _table(RISKS, _sheet_records(sheets[RISKS])) if RISKS in sheets else None
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
        raise UnreadableFile(f"The file could not be read as {XLSX_LABEL}: {error}") from error
    finally:
        workbook.close()
    return milestones, risks


def _sheet(workbook: Workbook, title: str, columns: tuple[str, ...], rows, first: bool = False) -> Worksheet:
    sheet = workbook.active if first else workbook.create_sheet()
    if not isinstance(sheet, Worksheet):  # a new workbook's first sheet, and each one it creates, is a worksheet
        raise TypeError(f"Expected a worksheet for {title}, not {type(sheet).__name__}")
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
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 60 if column in ("milestone", "risk", "comments", "mitigation") else 18
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    return sheet


# The template's example rows: shown in grey italics, and ignored on import if left as they are.
EXAMPLE_MILESTONE = {
    "section": "1. Responding to feedback",
    "reference": "1.1",
    "milestone": "Example: replace this row with your first milestone",
    "due": "March 2031",
    "comments": "A date may be a month (March 2031) or a day (31/03/2031)",
}
EXAMPLE_RISK = {
    "reference": "Resourcing",
    "risk": "Example: replace this row with your first risk",
    "likelihood": "Medium",
    "impact": "Significant",
    "mitigation": "What will be done to reduce it",
}
LIKELIHOODS = ("Low", "Medium", "High")
IMPACTS = ("Noticeable", "Significant", "Critical")
TEMPLATE_ROWS = 1000  # rows the drop-down lists cover

INSTRUCTIONS = (
    ("How to fill in this workbook",),
    ("Fill in the milestones sheet (and the risks sheet, if you keep risks here), then import the file.",),
    ("Row 2 of each sheet is an example: replace it, or leave it as it is and it is ignored.",),
    ("Column names may be written your way: case, spaces and underscores do not matter, and common names work",),
    ("  (Ref, Due date, Date due, Revised date, Owner, Actual/ Revised Date, Comments/ Reason for Delay).",),
    ("section: the section number with its title the first time (1. Responding to OFSTED Feedback), the number",),
    ("  alone (1), or the title alone: its number then comes from the references (1.4 is in section 1).",),
    ("reference: numbers and dots, like 1.4, unique in the workstream. An existing reference is updated.",),
    ("owner_email: a Highlight user's email (pick from the list), or their name if only one user has it.",),
    ("  They become an action owner of the workstream if they are not one yet.",),
    ("Dates (due, revised_due, completed_on, mitigation_date): 2021-04-19, 19/04/2021 or April 2021.",),
    ("  A month counts as its last day.",),
    ("completed_on: never after today. Into an empty plan it is recorded as complete, labelled",),
    ("  'recorded at import, no evidence'. Into a plan that has milestones it becomes a proposal of completion",),
    ("  that someone other than you decides (so does a new revised_due, and a removed_reason).",),
    ("removed_reason: the milestone is removed, with this reason.",),
    ("likelihood: Low, Medium or High. impact: Noticeable, Significant or Critical. status: open or closed.",),
    ("A column left out is left alone; a column present but blank clears that field.",),
    ("Nothing is imported if any row has a problem: every problem is listed at once with its row and column.",),
)


def _example(sheet, columns: tuple[str, ...], example: dict[str, str]) -> None:
    sheet.append([example.get(column, "") for column in columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(italic=True, color="505A5F")


def _drop_down(sheet, columns: tuple[str, ...], column: str, formula: str, *, strict: bool, prompt: str) -> None:
    """A list to pick from for ``column``'s cells below the heading; not strict: other values may be typed."""
    letter = get_column_letter(columns.index(column) + 1)
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    validation.showErrorMessage = True
    validation.errorStyle = "stop" if strict else "warning"
    validation.errorTitle, validation.error = "Not in the list", prompt
    validation.promptTitle, validation.prompt = column, prompt
    validation.showInputMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")


def write_workbook(
    milestone_rows, risk_rows=None, instructions: bool = False, owners: list[str] | None = None
) -> bytes:
    """An .xlsx with a milestones sheet (and a risks sheet when ``risk_rows`` is not None), as bytes.

    ``instructions`` makes it the template: an example row on each sheet, drop-down lists (``owners``' emails,
    likelihood, impact) and a sheet that says how to fill it in.
    """
    workbook = Workbook()
    milestones = _sheet(workbook, MILESTONES, MILESTONE_COLUMNS, milestone_rows, first=True)
    risks = _sheet(workbook, RISKS, RISK_COLUMNS + COMPUTED_RISK_COLUMNS, risk_rows) if risk_rows is not None else None
    if instructions:
        _example(milestones, MILESTONE_COLUMNS, EXAMPLE_MILESTONE)
        if risks is not None:
            _example(risks, RISK_COLUMNS + COMPUTED_RISK_COLUMNS, EXAMPLE_RISK)
        sheet = workbook.create_sheet(INSTRUCTIONS_SHEET)
        for line in INSTRUCTIONS:
            sheet.append(list(line))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.column_dimensions["A"].width = 110
        if owners:
            lists = workbook.create_sheet(LISTS_SHEET)
            lists.sheet_state = "hidden"
            for email in owners:
                lists.append([email])
            formula = f"={LISTS_SHEET}!$A$1:$A${len(owners)}"
            prompt = "Pick an owner, or type another Highlight user's email or name"
            _drop_down(milestones, MILESTONE_COLUMNS, "owner_email", formula, strict=False, prompt=prompt)
            if risks is not None:
                _drop_down(risks, RISK_COLUMNS, "owner_email", formula, strict=False, prompt=prompt)
        if risks is not None:
            for column, choices in (("likelihood", LIKELIHOODS), ("impact", IMPACTS)):
                prompt = f"{column.capitalize()}: {', '.join(choices)}"
                _drop_down(risks, RISK_COLUMNS, column, f'"{",".join(choices)}"', strict=True, prompt=prompt)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
