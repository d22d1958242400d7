"""Checking imported rows against a workstream's plan as it is: every problem in one pass, each named by its row
(or its table and row in a paper) and column, and the changes an import would make.

Used by ``app.services.importer`` for spreadsheets and for the milestone and risk tables of a Word report alike, so
a fact has one rule whatever file it comes in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.dates import format_plan_date, parse_plan_date
from app.domain.errors import DomainError
from app.domain.imports import (
    MILESTONE_HEADINGS,
    RISK_HEADINGS,
    StatedState,
    number_new_sections,
    parse_section,
    reference_section,
    state_from_comments,
    stated_state,
)
from app.domain.permissions import Role
from app.domain.plan import normalise_reference
from app.domain.proposals import Kind, State, check_completion_date, import_source, may_record_at_import
from app.domain.rag import reference_sort_key
from app.domain.risk import Impact, Likelihood
from app.domain.text import LINE_LIMIT, TEXT_LIMIT, check_text
from app.models import Membership, Milestone, Programme, Proposal, Risk, Section, User, Workstream
from app.services import risks
from app.services.plan_workbook import (
    EXAMPLE_MILESTONE,
    EXAMPLE_RISK,
    MILESTONE_COLUMNS,
    MILESTONES,
    REQUIRED_MILESTONE_COLUMNS,
    REQUIRED_RISK_COLUMNS,
    RISK_COLUMNS,
    RISKS,
    Table,
)

if TYPE_CHECKING:
    from app.services.report_import import PaperImport

# Cells that may hold several lines; every other cell is one line (a name, a date, a reference, a choice).
MULTILINE_COLUMNS = frozenset({"milestone", "comments", "removed_reason", "risk", "description", "mitigation"})
# Who may own what: milestones are owned by owners or leads; risks also by sponsors.
MILESTONE_OWNER_ROLES = frozenset({Role.OWNER, Role.LEAD})
RISK_OWNER_ROLES = frozenset(risks.RISK_OWNER_ROLES)
# What an import does, in the order the summary lists them. "completed" and "removed" are recorded as facts (first
# import into an empty plan only); the "… proposed" ones wait for a decision by someone other than the importer.
ACTIONS = (
    "added",
    "updated",
    "completed",
    "removed",
    "completion proposed",
    "revised date proposed",
    "removal proposed",
    "unchanged",
)


@dataclass(frozen=True)
class Problem:
    """Why a row (or the whole file) cannot be imported. ``column`` is the heading as the file gives it; ``place``
    names a row of a paper's table ("Milestones of section 3, row 4") where a spreadsheet's row number would not do."""

    message: str
    row: int | None = None
    column: str | None = None
    sheet: str = MILESTONES
    place: str | None = None

    def __str__(self) -> str:
        column = f"column {self.column}: " if self.column else ""
        if self.place:
            return f"{self.place}, {column}{self.message}" if column else f"{self.place}: {self.message}"
        if self.row is None:
            return f"Column {self.column}: {self.message}" if self.column else self.message
        return f"{'Row' if self.sheet == MILESTONES else 'Risks row'} {self.row}, {column}{self.message}"


class ImportFailed(DomainError):
    """Nothing was imported; ``problems`` lists every reason, in row order."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems), field="file")
        self.problems = problems


@dataclass
class Change:
    """One line of the import's summary: a section, milestone, risk or membership added or updated."""

    kind: str  # section | milestone | risk | member
    key: str
    action: str  # one of ACTIONS
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        label = {"section": "section", "milestone": "", "risk": "risk", "member": "action owner"}[self.kind]
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.action} {label + ' ' if label else ''}{self.key}{detail}"

    @property
    def sentence(self) -> str:
        """As a line of the preview: "Updated 1.4 (revised_due)"."""
        text = str(self)
        return text[:1].upper() + text[1:]


@dataclass
class MilestoneRow:
    row: int
    reference: str
    section: int | None
    values: dict
    existing: Milestone | None
    completed: tuple[date, bool] | None = None  # recorded at import (into an empty plan)
    removed_reason: str | None = None  # recorded at import (into an empty plan)
    proposer: User | None = None  # in whose name a record or the proposals below are made
    propose_completion: tuple[date, bool] | None = None
    propose_revised: tuple[date, bool] | None = None
    propose_removal: str | None = None
    note: str = ""
    owner_unknown: bool = False  # the owner cell was refused: its problem is listed already


@dataclass
class RiskRow:
    row: int
    reference: str
    values: dict
    existing: Risk | None
    closed: bool | None = None


@dataclass
class ImportPlan:
    """What an import would do, worked out without writing anything. ``importer.apply_import`` writes it."""

    filename: str
    sha256: str
    workstream: Workstream | None
    workstream_name: str
    programme: Programme | None
    programme_name: str
    sections: dict[int, str] = field(default_factory=dict)  # number -> title to add or retitle
    new_members: dict[int, User] = field(default_factory=dict)
    milestones: list[MilestoneRow] = field(default_factory=list)
    risks: list[RiskRow] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    direct: bool = True  # completions recorded as facts (an empty plan), not proposed
    report: PaperImport | None = None  # a paper's header and narratives, kept as signed off
    recorder: User | None = None  # whom a paper's records are kept against when no owner or importer is named

    def count(self, kind: str, action: str) -> int:
        return sum(c.kind == kind and c.action == action for c in self.changes)

    def listed(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind and c.action != "unchanged"]

    @property
    def has_changes(self) -> bool:
        return self.workstream is None or any(c.action != "unchanged" for c in self.changes)

    @property
    def source(self) -> str:
        return import_source(self.filename)

    @property
    def proposals(self) -> int:
        return sum(c.action.endswith(" proposed") for c in self.changes)

    def totals(self, kind: str) -> str:
        """ "1 added, 2 updated, 1 completion proposed, 5 unchanged": every count, the rare ones only when not 0."""
        return ", ".join(
            f"{self.count(kind, action)} {action}"
            for action in ACTIONS
            if action in ("added", "updated", "unchanged") or self.count(kind, action)
        )

    def milestone_lines(self) -> list[tuple[str, ...]]:
        """The milestones as the import will hold them, for the preview: reference, milestone, date due, revised
        date, and the completion, removal or proposal the row brings."""
        lines: list[tuple[str, ...]] = []
        for item in sorted(self.milestones, key=lambda m: reference_sort_key(m.reference)):
            values = item.values
            due = format_plan_date(values.get("due"), values.get("due_is_month", False))
            revised = format_plan_date(values.get("revised_due"), values.get("revised_due_is_month", False))
            if item.completed:
                outcome = f"Complete, {format_plan_date(*item.completed)}: recorded at import, no evidence"
            elif item.removed_reason:
                outcome = f"Removed: {item.removed_reason}"
            elif item.propose_completion:
                outcome = f"Completion on {format_plan_date(*item.propose_completion)} proposed"
            else:
                outcome = ""
            lines.append((item.reference, values.get("text", ""), due, revised, outcome))
        return lines

    def summary_lines(self) -> list[str]:
        """What the import adds and updates, for people: totals, then one line per reference."""
        lines = []
        if self.programme is None:
            lines.append(f'Programme "{self.programme_name}" created')
        if self.workstream is None:
            lines.append(f'Workstream "{self.workstream_name}" created in "{self.programme_name}"')
        for kind, title in (("section", "Sections"), ("milestone", "Milestones"), ("risk", "Risks")):
            lines.append(f"{title}: {self.totals(kind)}")
            lines.extend(f"  {change}" for change in self.listed(kind))
        if self.proposals:
            lines.append(f"Proposals waiting for a decision by someone other than the importer: {self.proposals}")
        if self.report is not None:
            lines.append(
                f"Report kept as signed off: {self.report.meeting_label} (reported {self.report.reported_rag})"
            )
        members = self.listed("member")
        if members:
            lines.append(f"People added to the workstream: {len(members)}")
            lines.extend(f"  {change}" for change in members)
        return lines


@dataclass
class _SectionCell:
    """What a row says about its section: a number (given, or from its reference) and a title (maybe blank)."""

    row: int
    number: int | None
    title: str
    given_number: bool
    item: MilestoneRow | None


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


class RowChecker:
    """Checks every row against the workstream as it is, collecting every problem and the changes to make.

    ``recorder`` names the person a completion recorded at import is kept against when a row has no owner and
    nobody is named as the importer (a paper's lead).
    """

    def __init__(
        self,
        session: Session,
        actor: User | None,
        workstream: Workstream | None,
        milestone_table: Table,
        risk_table: Table | None,
        *,
        today: date,
        source: str,
        recorder: User | None = None,
    ):
        self.session, self.actor, self.workstream = session, actor, workstream
        self.milestone_table, self.risk_table = milestone_table, risk_table
        self.today, self.source, self.recorder = today, source, recorder
        self.problems: list[Problem] = []
        self.new_members: dict[int, User] = {}
        ws_id = workstream.id if workstream else None
        self.sections = {s.number: s for s in session.scalars(select(Section).where(Section.workstream_id == ws_id))}
        self.milestones = {
            m.reference: m for m in session.scalars(select(Milestone).where(Milestone.workstream_id == ws_id))
        }
        # The first import into an empty plan records completions as facts; later ones make proposals.
        self.direct = may_record_at_import(len(self.milestones))
        self.pending: set[tuple[int, str]] = {
            (milestone_id, kind)
            for milestone_id, kind in session.execute(
                select(Proposal.milestone_id, Proposal.kind)
                .join(Milestone, Proposal.milestone_id == Milestone.id)
                .where(Milestone.workstream_id == ws_id, Proposal.state == State.PENDING.value)
            )
        }
        self.risks = {r.reference: r for r in session.scalars(select(Risk).where(Risk.workstream_id == ws_id))}
        self.roles: dict[int, set[Role]] = {}
        for membership in session.scalars(select(Membership).where(Membership.workstream_id == ws_id)):
            self.roles.setdefault(membership.user_id, set()).add(Role(membership.role))
        self._load_people()

    def _load_people(self) -> None:
        """The users the owner cells name, by email or by name, in one statement each."""
        owners = {
            " ".join(str(values.get("owner_email", "")).split())
            for table in (self.milestone_table, self.risk_table)
            if table is not None
            for _, values in table.rows
        } - {""}
        emails = {owner.lower() for owner in owners if "@" in owner}
        names = {owner.lower() for owner in owners if "@" not in owner}
        self.users = {
            u.email.lower(): u
            for u in (self.session.scalars(select(User).where(func.lower(User.email).in_(emails))) if emails else ())
        }
        self.users_by_name: dict[str, list[User]] = {}
        if names:
            for user in self.session.scalars(select(User).where(func.lower(User.name).in_(names))):
                self.users_by_name.setdefault(_key(user.name), []).append(user)

    def _table(self, sheet: str) -> Table | None:
        return self.milestone_table if sheet == MILESTONES else self.risk_table

    def problem(self, row: int | None, column: str | None, message: str, sheet: str = MILESTONES) -> None:
        table = self._table(sheet)
        label = table.label(column) if column and table is not None else column
        place = table.place(row) if row is not None and table is not None else None
        self.problems.append(Problem(message, row, label, sheet, place))

    def check(self, result: ImportPlan) -> None:
        self._check_columns(self.milestone_table, MILESTONE_HEADINGS, REQUIRED_MILESTONE_COLUMNS, MILESTONES)
        self._check_milestones(result)
        if self.risk_table is not None:
            self._check_columns(self.risk_table, RISK_HEADINGS, REQUIRED_RISK_COLUMNS, RISKS)
            self._check_risks(result, self.risk_table)
        if not self.milestone_table.rows and not (self.risk_table and self.risk_table.rows):
            self.problem(None, None, "The file has no rows to import below its column names")
        result.new_members = self.new_members
        result.direct = self.direct
        result.changes.extend(Change("member", user.email, "added") for user in self.new_members.values())

    def _check_columns(self, table: Table, known: dict, required: tuple[str, ...], sheet: str) -> None:
        """Unknown, repeated and missing columns are problems; the rows are still checked, so every problem in
        the file is listed at once."""
        seen = set()
        what = "milestones" if sheet == MILESTONES else "risks"
        names = ", ".join(MILESTONE_COLUMNS if sheet == MILESTONES else RISK_COLUMNS)
        for name in table.columns:
            if not name:
                continue
            if name not in known:
                self.problem(None, name, f"The {what} have no column called {table.label(name)}: use {names}", sheet)
            if name in seen:
                self.problem(None, name, f"The {what} have the column {name} twice", sheet)
            seen.add(name)
        for name in required:
            if name not in seen:
                self.problem(None, name, f"The {what} need a column called {name}", sheet)

    def _check_texts(self, row: int, values: dict, sheet: str) -> set[str]:
        """Every text cell is plain text within its limit: no control characters, one line where one is meant.
        Returns the columns refused."""
        refused = set()
        table = self._table(sheet)
        for column, value in values.items():
            if not isinstance(value, str) or not value:
                continue
            one_line = column not in MULTILINE_COLUMNS
            label = table.label(column) if table is not None else column
            try:
                check_text(
                    value,
                    column,
                    label=label[:1].upper() + label[1:],
                    limit=LINE_LIMIT if one_line else TEXT_LIMIT,
                    multiline=not one_line,
                )
            except DomainError as error:
                self.problem(row, column, error.message, sheet)
                refused.add(column)
        return refused

    # -- values ---------------------------------------------------------------------------------------------

    def _date(self, row: int, column: str, value, sheet: str = MILESTONES, required: str | None = None):
        """(date, is_month), or (None, False) for a blank; None after recording a problem."""
        if value in ("", None):
            if required:
                self.problem(row, column, required, sheet)
                return None
            return (None, False)
        try:
            return parse_plan_date(value)
        except ValueError as error:
            self.problem(row, column, str(error), sheet)
            return None

    def _user(self, row: int, value, sheet: str, allowed: frozenset[Role]):
        """The user an owner cell names by email, or by name where only one user has it (None for a blank);
        False after recording a problem."""
        text = " ".join(str(value or "").split())
        if not text:
            return None
        if "@" in text:
            user = self.users.get(text.lower())
            if user is None:
                self.problem(
                    row, "owner_email", f"No user has the email {text.lower()}: ask an administrator to add them", sheet
                )
                return False
        else:
            named = [u for u in self.users_by_name.get(text.lower(), []) if u.active] or self.users_by_name.get(
                text.lower(), []
            )
            if not named:
                self.problem(row, "owner_email", f'No user is called "{text}": give their email instead', sheet)
                return False
            if len(named) > 1:
                self.problem(row, "owner_email", f'{len(named)} users are called "{text}": give the email', sheet)
                return False
            user = named[0]
        if not user.active:
            self.problem(row, "owner_email", f"{user.name} ({user.email}) is deactivated", sheet)
            return False
        if not self.roles.get(user.id, set()) & allowed:
            self.new_members[user.id] = user
        return user

    # -- milestones -----------------------------------------------------------------------------------------

    def _check_milestones(self, result: ImportPlan) -> None:
        table = self.milestone_table
        present = set(table.columns)
        seen: dict[str, int] = {}
        cells: list[_SectionCell] = []
        for row, values in table.rows:
            if _is_example(values, EXAMPLE_MILESTONE):
                continue
            before = len(self.problems)
            refused = self._check_texts(row, values, MILESTONES)
            section = None
            if "section" not in refused:
                try:
                    section = parse_section(values.get("section", ""))
                except DomainError as error:
                    self.problem(row, "section", error.message)
            reference = None
            try:
                reference = normalise_reference(str(values.get("reference", "")))
            except DomainError as error:
                self.problem(row, "reference", error.message)
            if reference is not None:
                if reference in seen:
                    self.problem(row, "reference", f"Reference {reference} is already used in row {seen[reference]}")
                seen.setdefault(reference, row)
            text = str(values.get("milestone", "")).strip()
            if not text and "milestone" not in refused:
                self.problem(row, "milestone", "Enter the milestone")
            due = self._date(row, "due", values.get("due"), required="Enter the date due" if "due" in present else None)
            comments = str(values.get("comments", "")).strip()
            dates = self._stated_dates(row, values, present, comments, due)
            owner = self._user(row, values.get("owner_email"), MILESTONES, MILESTONE_OWNER_ROLES)

            existing = self.milestones.get(reference) if reference else None
            candidate: dict[str, object] = {"text": text}
            if due is not None and due[0] is not None:
                candidate["due"], candidate["due_is_month"] = due
            if "owner_email" in present and owner is not False:
                candidate["owner_id"] = owner.id if owner else None
            if dates["revised_column"] and dates["revised"] is not None:
                candidate["revised_due"], candidate["revised_due_is_month"] = dates["revised"]
            if "comments" in present:
                candidate["comments"] = comments
            item = MilestoneRow(row, reference or "", None, candidate, existing, note=comments)
            item.owner_unknown = owner is False
            if owner is not False:
                item.proposer = self.actor or (
                    owner if "owner_id" in candidate else (existing.owner if existing else None)
                )
            if reference is not None:
                if dates["completed"]:
                    self._check_completion(row, item, dates["completed"], dates["completed_column"])
                if existing is not None and not self.direct and "revised_due" in candidate:
                    self._check_revised(row, item, existing, dates["revised_column"])
                if dates["removed_reason"] and not (existing and existing.removed):
                    self._check_removal(row, item, dates["removed_reason"], dates["removed_column"])
            if section is not None:
                number, title = section
                if number is None and reference is not None:
                    number = reference_section(reference)
                cells.append(_SectionCell(row, number, title, section[0] is not None, item))
            if len(self.problems) == before:
                result.milestones.append(item)
        self._resolve_sections(cells)
        titles = {c.number: (c.title, c.row) for c in reversed(cells) if c.number is not None and c.title}
        self._plan_sections(result, titles, cells)
        if not any(p.sheet == MILESTONES and p.row is None for p in self.problems):
            self._plan_milestones(result)

    def _stated_dates(self, row: int, values: dict, present: set[str], comments: str, due) -> dict:
        """The completion, revised date and removal a row states: in their own columns, or (as in the seed's paper)
        an "Actual/ Revised Date" read as the completion when the row's status (or, without a Status column, its
        comments) says it is complete, else as the revised date. A milestone stated complete with no date is taken
        as completed on its due date, as the seed's paper leaves such dates blank."""
        completed = self._date(row, "completed_on", values.get("completed_on"))
        out = {
            "completed": completed if completed and completed[0] else None,
            "completed_column": "completed_on",
            "revised": self._date(row, "revised_due", values.get("revised_due")),
            "revised_column": "revised_due" if "revised_due" in present else None,
            "removed_reason": str(values.get("removed_reason", "")).strip(),
            "removed_column": "removed_reason",
        }
        if "status" in values:
            state = stated_state(str(values.get("status", "")))
        elif "actual_or_revised" in values:
            state = state_from_comments(comments)
        else:
            state = None
        actual = self._date(row, "actual_or_revised", values.get("actual_or_revised"))
        if state is StatedState.COMPLETE and out["completed"] is None:
            if actual and actual[0]:
                out["completed"], out["completed_column"] = actual, "actual_or_revised"
            elif due and due[0]:
                out["completed"], out["completed_column"] = due, "due"
        elif state is not StatedState.COMPLETE and "actual_or_revised" in values and "revised_due" not in present:
            out["revised"], out["revised_column"] = actual, "actual_or_revised"
        if state is StatedState.REMOVED and not out["removed_reason"]:
            out["removed_reason"] = comments or "Removed"
            out["removed_column"] = "status" if "status" in values else "comments"
        return out

    def _needs_proposer(self, row: int, item: MilestoneRow, column: str, what: str) -> bool:
        """A proposal from an import is in the importer's name, or its owner's when the system imports."""
        if item.proposer is None and not item.owner_unknown:
            self.problem(
                row,
                column,
                f"Enter the owner's email: {what} from an import without a named importer is proposed in the "
                "owner's name",
            )
            return False
        return True

    def _pending(self, row: int, item: MilestoneRow, kind: Kind, column: str) -> bool:
        if item.existing is not None and (item.existing.id, kind.value) in self.pending:
            self.problem(
                row,
                column,
                f"Milestone {item.reference} has a proposal of {kind.noun} awaiting a decision: decide it before "
                "importing another",
            )
            return True
        return False

    def _check_completion(self, row: int, item: MilestoneRow, completed: tuple[date, bool], column: str) -> None:
        existing = item.existing
        if existing is not None and existing.completed_on is not None:
            if existing.completed_on != completed[0]:
                self.problem(
                    row,
                    column,
                    f"Milestone {item.reference} is already complete ({existing.completed_on_label}); "
                    "an import cannot change a completion",
                )
            return  # already recorded
        try:
            check_completion_date(*completed, self.today, field=column)
        except DomainError as error:
            self.problem(row, column, error.message)
            return
        if self._pending(row, item, Kind.COMPLETION, column):
            return
        if self.direct:
            item.proposer = item.proposer or self.recorder
            if item.proposer is None and not item.owner_unknown:
                self.problem(
                    row,
                    "owner_email",
                    "Enter the owner's email: an imported completion is recorded against its owner",
                )
            item.completed = completed
        elif self._needs_proposer(row, item, column, "a completion"):
            item.propose_completion = completed

    def _check_revised(self, row: int, item: MilestoneRow, existing: Milestone, column: str) -> None:
        """A new revised date for ``existing`` (the row's milestone, of a plan that has them) becomes a proposal of
        a revised date; the milestone keeps its dates until it is decided. Clearing the revised date stays a direct
        edit."""
        values = item.values
        new = (values["revised_due"], values["revised_due_is_month"])
        if new[0] is None or new[0] == existing.current_due:
            return
        values["revised_due"], values["revised_due_is_month"] = existing.revised_due, existing.revised_due_is_month
        if not self._pending(row, item, Kind.DATE_CHANGE, column) and self._needs_proposer(
            row, item, column, "a revised date"
        ):
            item.propose_revised = new

    def _check_removal(self, row: int, item: MilestoneRow, reason: str, column: str) -> None:
        if self.direct:
            item.removed_reason = reason
        elif not self._pending(row, item, Kind.REMOVAL, column) and self._needs_proposer(
            row, item, column, "a removal"
        ):
            item.propose_removal = reason

    def _resolve_sections(self, cells: list[_SectionCell]) -> None:
        """Give every row its section number: as given; else its reference's first part; else, for a title
        alone, the number of the section of that title (in the file or the plan), or a new number in the order
        the titles first appear. A title alone whose references name two sections is a problem."""
        by_title: dict[str, tuple[int, int]] = {}  # title -> (number, row) for titles alone
        for cell in cells:
            if cell.given_number or cell.number is None or not cell.title:
                continue
            first = by_title.setdefault(_key(cell.title), (cell.number, cell.row))
            if first[0] != cell.number:
                self.problem(
                    cell.row,
                    "section",
                    f'Section "{cell.title}" is section {first[0]} in row {first[1]}, but this reference starts '
                    f"with {cell.number}",
                )
        known = {_key(s.title): n for n, s in self.sections.items()}
        known |= {_key(c.title): c.number for c in cells if c.given_number and c.number is not None and c.title}
        known |= {title: number for title, (number, _) in by_title.items()}
        unnumbered = [c for c in cells if c.number is None]
        new_titles = list(dict.fromkeys(_key(c.title) for c in unnumbered if c.title and _key(c.title) not in known))
        taken = set(self.sections) | {c.number for c in cells if c.number is not None}
        known |= number_new_sections(new_titles, taken)
        for cell in unnumbered:
            if not cell.title:
                self.problem(
                    cell.row,
                    "section",
                    'Enter the section: its number, its number and title ("1. Title"), or its title',
                )
                continue
            cell.number = known[_key(cell.title)]
        for cell in cells:
            if cell.item is not None:
                cell.item.section = cell.number

    def _plan_sections(self, result: ImportPlan, titles: dict[int, tuple[str, int]], cells) -> None:
        for cell in cells:
            if cell.number is None or not cell.title:
                continue
            first_title, first_row = titles[cell.number]
            if _key(cell.title) != _key(first_title):
                self.problem(cell.row, "section", f'Section {cell.number} is called "{first_title}" in row {first_row}')
        for number in sorted({c.number for c in cells if c.number is not None}):
            section = self.sections.get(number)
            title = titles.get(number, (None, 0))[0]
            if section is None:
                if title is None:
                    first_row = min(c.row for c in cells if c.number == number)
                    self.problem(
                        first_row, "section", f'Section {number} is new: give its title, like "{number}. Title"'
                    )
                    continue
                result.sections[number] = title
                result.changes.append(Change("section", f"{number}. {title}", "added"))
            elif title and _key(title) != _key(section.title):
                result.sections[number] = title
                result.changes.append(Change("section", f"{number}. {title}", "updated", ("title",)))
            else:
                result.changes.append(Change("section", f"{number}. {section.title}", "unchanged"))

    def _plan_milestones(self, result: ImportPlan) -> None:
        for item in sorted(result.milestones, key=lambda m: reference_sort_key(m.reference)):
            existing = item.existing
            if existing is None:
                result.changes.append(Change("milestone", item.reference, "added"))
            else:
                changed = _changed(existing, item.values)
                section = self.sections.get(item.section) if item.section is not None else None
                if section is None or section.id != existing.section_id:
                    changed = ("section", *changed)
                result.changes.append(
                    Change("milestone", item.reference, "updated" if changed else "unchanged", changed)
                )
            for value, action in (
                (item.completed, "completed"),
                (item.removed_reason, "removed"),
                (item.propose_completion, "completion proposed"),
                (item.propose_revised, "revised date proposed"),
                (item.propose_removal, "removal proposed"),
            ):
                if value:
                    result.changes.append(Change("milestone", item.reference, action))

    # -- risks ----------------------------------------------------------------------------------------------

    def _choice(self, row: int, column: str, value, choice):
        text = str(value or "").strip()
        labels = [member.label for member in choice]
        if not text:
            self.problem(row, column, f"Enter the {column} ({', '.join(labels[:-1])} or {labels[-1]})", RISKS)
            return None
        try:
            return choice.parse(text)
        except ValueError as error:
            self.problem(row, column, str(error), RISKS)
            return None

    def _check_risks(self, result: ImportPlan, risk_table: Table) -> None:
        seen: dict[str, int] = {}
        present = set(risk_table.columns)
        for row, values in risk_table.rows:
            if _is_example(values, EXAMPLE_RISK):
                continue
            before = len(self.problems)
            self._check_texts(row, values, RISKS)
            reference = " ".join(str(values.get("reference", "")).split())
            if not reference:
                self.problem(row, "reference", "Enter the risk reference", RISKS)
            elif len(reference) > 100:
                self.problem(row, "reference", "Risk reference must be 100 characters or fewer", RISKS)
            elif reference in seen:
                self.problem(row, "reference", f"Risk {reference} is already in row {seen[reference]}", RISKS)
            seen.setdefault(reference, row)
            title = str(values.get("risk", "")).strip()
            if not title:
                self.problem(row, "risk", "Enter the risk", RISKS)
            likelihood = self._choice(row, "likelihood", values.get("likelihood"), Likelihood)
            impact = self._choice(row, "impact", values.get("impact"), Impact)
            mitigation_date = self._date(row, "mitigation_date", values.get("mitigation_date"), RISKS)
            owner = self._user(row, values.get("owner_email"), RISKS, RISK_OWNER_ROLES)
            status = str(values.get("status", "")).strip().lower()
            if status not in ("", "open", "closed"):
                self.problem(row, "status", "Enter open or closed", RISKS)
            if len(self.problems) > before:
                continue
            existing = self.risks.get(reference)
            candidate = {"reference": reference, "title": title, "likelihood": likelihood, "impact": impact}
            for name in ("description", "mitigation"):
                if name in present:
                    candidate[name] = str(values.get(name, "")).strip()
            if "mitigation_date" in present:
                candidate["mitigation_date"], candidate["mitigation_date_is_month"] = mitigation_date
            if "owner_email" in present:
                candidate["owner_id"] = owner.id if owner else None
            if existing is not None:
                # Fields the file leaves out keep their current values.
                candidate = {name: getattr(existing, name) for name in risks.RISK_FIELDS} | candidate
            closed = None if not status else status == "closed"
            result.risks.append(RiskRow(row, reference, candidate, existing, closed))
            if existing is None:
                result.changes.append(Change("risk", reference, "added"))
            else:
                changed = _changed(existing, {k: stored(v) for k, v in candidate.items()})
                if closed is not None and closed != existing.closed:
                    changed = (*changed, "status")
                result.changes.append(Change("risk", reference, "updated" if changed else "unchanged", changed))


def _is_example(values: dict, example: dict[str, str]) -> bool:
    """The template's example row, left in: read and ignored."""
    return all(str(values.get(column, "")).strip() == text for column, text in example.items())


# A model field as the spreadsheet calls it: a date and its month flag are one column.
_COLUMN_OF_FIELD = {
    "text": "milestone",
    "title": "risk",
    "owner_id": "owner_email",
    "due_is_month": "due",
    "revised_due_is_month": "revised_due",
    "mitigation_date_is_month": "mitigation_date",
}


def _changed(existing, values: dict) -> tuple[str, ...]:
    """The spreadsheet columns whose values differ from ``existing``, each named once."""
    names = (_COLUMN_OF_FIELD.get(name, name) for name, value in values.items() if getattr(existing, name) != value)
    return tuple(dict.fromkeys(names))


def stored(value):
    """The value as the database keeps it (choices as their lower-case value)."""
    return value.value if isinstance(value, Likelihood | Impact) else value
