"""Importing an action plan and its risks from a spreadsheet: everything is checked first, every problem is
reported with its row and column, and then either every change is written (each audited) or none is.

An existing milestone or risk with the same reference is updated. A column that is absent is left alone; a column
present but blank clears that field, except ``completed_on`` and ``removed_reason``: an import records a completion
or a removal but never undoes one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from app.domain.dates import parse_plan_date
from app.domain.errors import DomainError
from app.domain.permissions import Role
from app.domain.plan import normalise_reference
from app.domain.proposals import Kind, check_completion_date, import_source, may_record_at_import
from app.domain.rag import reference_sort_key
from app.domain.risk import Impact, Likelihood
from app.domain.text import LINE_LIMIT, TEXT_LIMIT, check_text
from app.models import Membership, Milestone, PendingImport, Programme, Proposal, Risk, Section, User, Workstream
from app.models._base import utcnow
from app.services import admin, audit, plan, proposals, risks, users
from app.services.plan_view import load_plan
from app.services.plan_workbook import (
    COMPUTED_RISK_COLUMNS,
    MAX_BYTES,
    MILESTONE_COLUMNS,
    MILESTONES,
    REQUIRED_MILESTONE_COLUMNS,
    REQUIRED_RISK_COLUMNS,
    RISK_COLUMNS,
    RISKS,
    Table,
    UnreadableFile,
    plan_date_text,
    read_csv,
    read_plan_file,
    write_workbook,
)

DEFAULT_PROGRAMME = "Default programme"
# "1", "1." or "1. Title"; a title cannot start with a digit, so a reference such as 1.4 is refused.
_SECTION = re.compile(r"(\d{1,3})\s*[.):\-–]?\s*([^\d\s.):\-–].*)?", re.S)
# Cells that may hold several lines; every other cell is one line (a name, a date, a reference, a choice).
MULTILINE_COLUMNS = frozenset({"milestone", "comments", "removed_reason", "risk", "description", "mitigation"})
# Who may own what: milestones are owned by owners or leads; risks also by sponsors.
MILESTONE_OWNER_ROLES = frozenset({Role.OWNER, Role.LEAD})
RISK_OWNER_ROLES = frozenset(risks.RISK_OWNER_ROLES)


@dataclass(frozen=True)
class Problem:
    """Why a row (or the whole file) cannot be imported."""

    message: str
    row: int | None = None
    column: str | None = None
    sheet: str = MILESTONES

    def __str__(self) -> str:
        where = "Row" if self.sheet == MILESTONES else "Risks row"
        if self.row is None:
            return f"Column {self.column}: {self.message}" if self.column else self.message
        return f"{where} {self.row}, column {self.column}: {self.message}"


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


# What an import does to a milestone, in the order the summary lists them. "completed" and "removed" are recorded
# as facts (first import into an empty plan only); the "… proposed" ones wait for a decision.
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


@dataclass
class _MilestoneRow:
    row: int
    reference: str
    section: int
    values: dict
    existing: Milestone | None
    completed: tuple[date, bool] | None = None  # recorded at import (into an empty plan)
    removed_reason: str | None = None  # recorded at import (into an empty plan)
    proposer: User | None = None  # in whose name the proposals below are made
    propose_completion: tuple[date, bool] | None = None
    propose_revised: tuple[date, bool] | None = None
    propose_removal: str | None = None
    note: str = ""


@dataclass
class _RiskRow:
    row: int
    reference: str
    values: dict
    existing: Risk | None
    closed: bool | None = None


@dataclass
class ImportPlan:
    """What an import would do, worked out without writing anything. ``apply_import`` writes it."""

    filename: str
    sha256: str
    workstream: Workstream | None
    workstream_name: str
    programme: Programme | None
    programme_name: str
    sections: dict[int, str] = field(default_factory=dict)  # number -> title to add or retitle
    new_members: dict[int, User] = field(default_factory=dict)
    milestones: list[_MilestoneRow] = field(default_factory=list)
    risks: list[_RiskRow] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    direct: bool = True  # completions recorded as facts (an empty plan), not proposed

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
        members = self.listed("member")
        if members:
            lines.append(f"Action owners added to the workstream: {len(members)}")
            lines.extend(f"  {change}" for change in members)
        return lines


def resolve_workstream(
    session: Session, workstream_name: str, programme_name: str | None
) -> tuple[Programme | None, str, Workstream | None]:
    """Find the workstream to import into, or say what will be created.

    With a programme name: that programme (created if missing) and its workstream of that name (created if
    missing). Without one: the only workstream of that name in any programme; else, if there is exactly one
    programme, a new workstream in it; if there are none, a new workstream in a new "Default programme".
    Raises DomainError if the workstream name is empty, or if the programme is ambiguous.
    """
    workstream_name = (workstream_name or "").strip()
    if not workstream_name:
        raise DomainError("Enter the workstream name", field="workstream")
    if programme_name is not None and programme_name.strip():
        programme_name = programme_name.strip()
        programme = session.scalar(select(Programme).where(Programme.name == programme_name))
        workstream = None
        if programme is not None:
            workstream = session.scalar(
                select(Workstream).where(Workstream.programme_id == programme.id, Workstream.name == workstream_name)
            )
        return programme, programme_name, workstream
    named = session.scalars(select(Workstream).where(Workstream.name == workstream_name)).all()
    if len(named) == 1:
        return named[0].programme, named[0].programme.name, named[0]
    if len(named) > 1:
        raise DomainError(
            f'Several programmes have a workstream called "{workstream_name}": name one with --programme',
            field="programme",
        )
    programmes = session.scalars(select(Programme).limit(2)).all()
    if len(programmes) == 1:
        return programmes[0], programmes[0].name, None
    if programmes:
        raise DomainError(
            f'There is no workstream called "{workstream_name}" and there are several programmes: '
            "name the programme to create it in with --programme",
            field="programme",
        )
    return None, DEFAULT_PROGRAMME, None


@dataclass
class ParsedFile:
    """A file as read, once: its name, size and sha256, and its checked-readable tables. Kept as JSON between an
    upload's preview and its confirmation (the upload itself is not kept), and checked against the plan as it is
    at each of them."""

    filename: str
    size: int
    sha256: str
    milestones: Table
    risks: Table | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "filename": self.filename,
                "size": self.size,
                "sha256": self.sha256,
                "milestones": self.milestones.to_json(),
                "risks": self.risks.to_json() if self.risks is not None else None,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ParsedFile:
        data = json.loads(text)
        risks = data.get("risks")
        return cls(
            data["filename"],
            data["size"],
            data["sha256"],
            Table.from_json(data["milestones"]),
            Table.from_json(risks) if risks is not None else None,
        )


def read_bounded(path: Path) -> bytes:
    """A file's bytes, refused (ImportFailed) before reading when it is larger than an import may be."""
    if path.stat().st_size > MAX_BYTES:
        raise ImportFailed([Problem(f"{path.name} must be smaller than {MAX_BYTES // 2**20} MB")])
    return path.read_bytes()


def read_files(
    filename: str, content: bytes, risks_filename: str | None = None, risks_content: bytes | None = None
) -> ParsedFile:
    """Read the plan file (and a separate risks CSV) once. Raises ImportFailed if a file cannot be read safely."""
    try:
        milestones, risk_table = read_plan_file(filename, content)
        if risks_content is not None:
            if risk_table is not None:
                raise UnreadableFile("Give the risks either in the workbook's risks sheet or in a CSV file, not both")
            if not (risks_filename or "").lower().endswith(".csv"):
                raise UnreadableFile("The risks file must be a CSV file (.csv)")
            risk_table = read_csv(risks_content, RISKS)
    except UnreadableFile as error:
        raise ImportFailed([Problem(str(error))]) from error
    whole = content + (risks_content or b"")
    return ParsedFile(filename, len(whole), hashlib.sha256(whole).hexdigest(), milestones, risk_table)


def prepare_import(
    session: Session,
    actor: User | None,
    parsed: ParsedFile,
    *,
    workstream: Workstream | None,
    workstream_name: str = "",
    programme: Programme | None = None,
    programme_name: str = "",
    today: date,
) -> ImportPlan:
    """Check the whole of a read file against the workstream (None: one to be created) without writing.

    Raises ImportFailed listing every problem (unknown or missing column, bad date, unknown owner, duplicate
    reference, unknown likelihood or impact, control characters…) with its row and column.
    """
    result = ImportPlan(
        filename=parsed.filename,
        sha256=parsed.sha256,
        workstream=workstream,
        workstream_name=workstream.name if workstream else workstream_name,
        programme=workstream.programme if workstream else programme,
        programme_name=workstream.programme.name if workstream else programme_name,
    )
    checker = _Checker(session, actor, workstream, parsed.milestones, parsed.risks, today=today, source=result.source)
    checker.check(result)
    if checker.problems:
        raise ImportFailed(sorted(checker.problems, key=lambda p: (p.sheet != MILESTONES, p.row or 0)))
    return result


class _Checker:
    """Checks every row against the workstream as it is, collecting problems and the changes to make."""

    def __init__(
        self, session, actor, workstream, milestone_table: Table, risk_table: Table | None, *, today: date, source: str
    ):
        self.session, self.actor, self.workstream = session, actor, workstream
        self.milestone_table, self.risk_table = milestone_table, risk_table
        self.today, self.source = today, source
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
                .where(Milestone.workstream_id == ws_id, Proposal.state == "pending")
            )
        }
        self.risks = {r.reference: r for r in session.scalars(select(Risk).where(Risk.workstream_id == ws_id))}
        self.roles: dict[int, set[Role]] = {}
        for membership in session.scalars(select(Membership).where(Membership.workstream_id == ws_id)):
            self.roles.setdefault(membership.user_id, set()).add(Role(membership.role))
        emails = {
            str(values.get("owner_email", "")).strip().lower()
            for table in (milestone_table, risk_table)
            if table is not None
            for _, values in table.rows
        } - {""}
        self.users = {
            u.email.lower(): u
            for u in (session.scalars(select(User).where(func.lower(User.email).in_(emails))) if emails else ())
        }

    def problem(self, row: int | None, column: str | None, message: str, sheet: str = MILESTONES) -> None:
        self.problems.append(Problem(message, row, column, sheet))

    def check(self, result: ImportPlan) -> None:
        if self._check_columns(self.milestone_table, MILESTONE_COLUMNS, REQUIRED_MILESTONE_COLUMNS, MILESTONES):
            self._check_milestones(result)
        if self.risk_table is not None and self._check_columns(
            self.risk_table, RISK_COLUMNS + COMPUTED_RISK_COLUMNS, REQUIRED_RISK_COLUMNS, RISKS
        ):
            self._check_risks(result)
        if not self.milestone_table.rows and not (self.risk_table and self.risk_table.rows):
            self.problem(None, None, "The file has no rows to import below its column names")
        result.new_members = self.new_members
        result.direct = self.direct
        result.changes.extend(Change("member", user.email, "added") for user in self.new_members.values())

    def _check_columns(self, table: Table, known: tuple[str, ...], required: tuple[str, ...], sheet: str) -> bool:
        ok = True
        seen = set()
        what = "milestones" if sheet == MILESTONES else "risks"
        for name in table.columns:
            if not name:
                continue
            if name not in known:
                self.problem(None, name, f"The {what} have no column called {name}: use {', '.join(known)}", sheet)
                ok = False
            if name in seen:
                self.problem(None, name, f"The {what} have the column {name} twice", sheet)
                ok = False
            seen.add(name)
        for name in required:
            if name not in seen:
                self.problem(None, name, f"The {what} need a column called {name}", sheet)
                ok = False
        return ok

    def _check_texts(self, row: int, values: dict, sheet: str) -> None:
        """Every text cell is plain text within its limit: no control characters, one line where one is meant."""
        for column, value in values.items():
            if not isinstance(value, str) or not value:
                continue
            one_line = column not in MULTILINE_COLUMNS
            try:
                check_text(
                    value,
                    column,
                    label=column.replace("_", " ").capitalize(),
                    limit=LINE_LIMIT if one_line else TEXT_LIMIT,
                    multiline=not one_line,
                )
            except DomainError as error:
                self.problem(row, column, error.message, sheet)

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
        """The user with this email (None for a blank); False after recording a problem."""
        email = str(value or "").strip().lower()
        if not email:
            return None
        user = self.users.get(email)
        if user is None:
            self.problem(row, "owner_email", f"No user has the email {email}: ask an administrator to add them", sheet)
            return False
        if not user.active:
            self.problem(row, "owner_email", f"{user.name} ({email}) is deactivated", sheet)
            return False
        if not self.roles.get(user.id, set()) & allowed:
            self.new_members[user.id] = user
        return user

    # -- milestones -----------------------------------------------------------------------------------------

    def _section(self, row: int, value, titles: dict[int, tuple[str, int]]) -> int | None:
        match = _SECTION.fullmatch(str(value or "").strip())
        if not match or not 1 <= int(match.group(1)) <= 999:
            self.problem(row, "section", 'Enter the section number, optionally with its title, like "1. Feedback"')
            return None
        number, title = int(match.group(1)), " ".join((match.group(2) or "").split())
        if title:
            if number in titles and titles[number][0] != title:
                first_title, first_row = titles[number]
                self.problem(row, "section", f'Section {number} is called "{first_title}" in row {first_row}')
                return None
            titles.setdefault(number, (title, row))
        return number

    def _check_milestones(self, result: ImportPlan) -> None:
        titles: dict[int, tuple[str, int]] = {}
        seen: dict[str, int] = {}
        present = set(self.milestone_table.columns)
        for row, values in self.milestone_table.rows:
            before = len(self.problems)
            self._check_texts(row, values, MILESTONES)
            number = self._section(row, values.get("section"), titles)
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
            if not text:
                self.problem(row, "milestone", "Enter the milestone")
            due = self._date(row, "due", values.get("due"), required="Enter the date due")
            revised = self._date(row, "revised_due", values.get("revised_due"))
            completed = self._date(row, "completed_on", values.get("completed_on"))
            owner = self._user(row, values.get("owner_email"), MILESTONES, MILESTONE_OWNER_ROLES)
            if len(self.problems) > before:
                continue
            existing = self.milestones.get(reference)
            candidate = {"section_number": number, "text": text, "due": due[0], "due_is_month": due[1]}
            if "owner_email" in present:
                candidate["owner_id"] = owner.id if owner else None
            if "revised_due" in present:
                candidate["revised_due"], candidate["revised_due_is_month"] = revised
            if "comments" in present:
                candidate["comments"] = str(values.get("comments", "")).strip()
            item = _MilestoneRow(row, reference, number, candidate, existing, note=candidate.get("comments", ""))
            item.proposer = self.actor or (owner if "owner_id" in candidate else (existing.owner if existing else None))
            if completed[0] is not None:
                self._check_completion(row, item, completed)
            if existing is not None and not self.direct and "revised_due" in candidate:
                self._check_revised(row, item)
            removed_reason = str(values.get("removed_reason", "")).strip()
            if removed_reason and not (existing and existing.removed):
                self._check_removal(row, item, removed_reason)
            result.milestones.append(item)
        if any(p.sheet == MILESTONES for p in self.problems):
            return
        self._plan_sections(result, titles)
        self._plan_milestones(result)

    def _needs_proposer(self, row: int, item: _MilestoneRow, column: str, what: str) -> bool:
        """A proposal from an import is in the importer's name, or its owner's when the system imports."""
        if item.proposer is None:
            self.problem(
                row,
                column,
                f"Enter the owner's email: {what} from an import without a named importer is proposed in the "
                "owner's name",
            )
            return False
        return True

    def _pending(self, row: int, item: _MilestoneRow, kind: Kind, column: str) -> bool:
        if item.existing is not None and (item.existing.id, kind.value) in self.pending:
            self.problem(
                row,
                column,
                f"Milestone {item.reference} has a proposal of {kind.noun} awaiting a decision: decide it before "
                "importing another",
            )
            return True
        return False

    def _check_completion(self, row: int, item: _MilestoneRow, completed: tuple[date, bool]) -> None:
        existing = item.existing
        if existing is not None and existing.completed_on is not None:
            if existing.completed_on != completed[0]:
                self.problem(
                    row,
                    "completed_on",
                    f"Milestone {item.reference} is already complete ({existing.completed_on_label}); "
                    "an import cannot change a completion",
                )
            return  # already recorded
        try:
            check_completion_date(*completed, self.today, field="completed_on")
        except DomainError as error:
            self.problem(row, "completed_on", error.message)
            return
        if self._pending(row, item, Kind.COMPLETION, "completed_on"):
            return
        if self.direct:
            if item.proposer is None:
                self.problem(
                    row,
                    "owner_email",
                    "Enter the owner's email: an imported completion is recorded against its owner",
                )
            item.completed = completed
        elif self._needs_proposer(row, item, "completed_on", "a completion"):
            item.propose_completion = completed

    def _check_revised(self, row: int, item: _MilestoneRow) -> None:
        """A new revised date for a milestone of a plan that has them becomes a proposal of a revised date; the
        milestone keeps its dates until it is decided. Clearing the revised date stays a direct edit."""
        existing, values = item.existing, item.values
        new = (values["revised_due"], values["revised_due_is_month"])
        if new[0] is None or new[0] == existing.current_due:
            return
        values["revised_due"], values["revised_due_is_month"] = existing.revised_due, existing.revised_due_is_month
        if not self._pending(row, item, Kind.DATE_CHANGE, "revised_due") and self._needs_proposer(
            row, item, "revised_due", "a revised date"
        ):
            item.propose_revised = new

    def _check_removal(self, row: int, item: _MilestoneRow, reason: str) -> None:
        if self.direct:
            item.removed_reason = reason
        elif not self._pending(row, item, Kind.REMOVAL, "removed_reason") and self._needs_proposer(
            row, item, "removed_reason", "a removal"
        ):
            item.propose_removal = reason

    def _plan_sections(self, result: ImportPlan, titles: dict[int, tuple[str, int]]) -> None:
        for number in sorted({m.section for m in result.milestones}):
            section = self.sections.get(number)
            title = titles.get(number, (None, 0))[0]
            if section is None:
                if title is None:
                    first_row = min(m.row for m in result.milestones if m.section == number)
                    self.problem(
                        first_row, "section", f'Section {number} is new: give its title, like "{number}. Title"'
                    )
                    continue
                result.sections[number] = title
                result.changes.append(Change("section", f"{number}. {title}", "added"))
            elif title and title != section.title:
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
                changed = _changed(existing, {k: v for k, v in item.values.items() if k != "section_number"})
                if self.sections.get(item.section) is None or self.sections[item.section].id != existing.section_id:
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

    def _check_risks(self, result: ImportPlan) -> None:
        seen: dict[str, int] = {}
        present = set(self.risk_table.columns)
        for row, values in self.risk_table.rows:
            before = len(self.problems)
            self._check_texts(row, values, RISKS)
            reference = str(values.get("reference", "")).strip()
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
            result.risks.append(_RiskRow(row, reference, candidate, existing, closed))
            if existing is None:
                result.changes.append(Change("risk", reference, "added"))
            else:
                changed = _changed(existing, {k: _stored(v) for k, v in candidate.items()})
                if closed is not None and closed != existing.closed:
                    changed = (*changed, "status")
                result.changes.append(Change("risk", reference, "updated" if changed else "unchanged", changed))


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


def _stored(value):
    """The value as the database keeps it (choices as their lower-case value)."""
    return value.value if isinstance(value, Likelihood | Impact) else value


def apply_import(session: Session, actor: User | None, prepared: ImportPlan) -> Workstream:
    """Write a prepared import: programme, workstream, sections, members, milestones, completions, removals and
    risks, each audited, plus one "plan.imported" event. Flushes but does not commit: the caller commits, or rolls
    back if this raises DomainError."""
    programme = prepared.programme or admin.get_or_create_programme(session, actor, prepared.programme_name)
    workstream = prepared.workstream or admin.create_workstream(session, actor, programme, prepared.workstream_name)
    for user in prepared.new_members.values():
        users.add_membership(session, actor, user, workstream, Role.OWNER)

    sections = {s.number: s for s in session.scalars(select(Section).where(Section.workstream_id == workstream.id))}
    for number, title in sorted(prepared.sections.items()):
        if number in sections:
            plan.update_section(session, actor, sections[number], number, title)
        else:
            sections[number] = plan.add_section(session, actor, workstream, number, title)

    for item in prepared.milestones:
        values = dict(item.values)
        values["section_id"] = sections[values.pop("section_number")].id
        values["reference"] = item.reference
        milestone = item.existing
        if milestone is None:
            milestone = plan.add_milestone(session, actor, workstream, values)
        else:
            current = {name: getattr(milestone, name) for name in plan.MILESTONE_FIELDS}
            plan.update_milestone(session, actor, milestone, current | values)
        if item.completed is not None:
            plan.record_imported_completion(session, actor, milestone, *item.completed, source=prepared.source)
        if item.removed_reason:
            plan.remove_milestone(session, actor, milestone, item.removed_reason)
        _propose(session, actor, prepared, item, milestone)

    for item in prepared.risks:
        values = {name: _stored(value) for name, value in item.values.items()}
        risk = item.existing
        if risk is None:
            risk = risks.add_risk(session, actor, workstream, values)
        else:
            risks.update_risk(session, actor, risk, values)
        if item.closed is not None:
            risks.set_risk_closed(session, actor, risk, item.closed)

    audit.record(
        session,
        actor,
        "plan.imported",
        workstream,
        workstream_id=workstream.id,
        summary=f"Imported {prepared.filename}: "
        + "; ".join(line for line in prepared.summary_lines() if not line.startswith("  ")),
        after={"file": prepared.filename, "sha256": prepared.sha256},
    )
    session.flush()
    return workstream


def _propose(session: Session, actor: User | None, prepared: ImportPlan, item: _MilestoneRow, milestone) -> None:
    """The row's completion, revised date and removal as proposals awaiting a decider other than the importer."""
    wanted = (
        (item.propose_completion, Kind.COMPLETION),
        (item.propose_revised, Kind.DATE_CHANGE),
        (item.propose_removal, Kind.REMOVAL),
    )
    for value, kind in wanted:
        if not value:
            continue
        values = proposals.ProposalInput(note=item.note)
        if kind is Kind.COMPLETION:
            values = proposals.ProposalInput(completion_date=value[0], completion_is_month=value[1], note=item.note)
        elif kind is Kind.DATE_CHANGE:
            reason = item.note or f"Revised date given in the {prepared.source}"
            values = proposals.ProposalInput(new_due=value[0], new_due_is_month=value[1], reason=reason)
        else:
            values = proposals.ProposalInput(reason=value)
        proposals.propose_from_import(session, actor, item.proposer, milestone, kind, values, source=prepared.source)


def import_summary(prepared: ImportPlan) -> str:
    """One sentence for a flash message: "3 milestones added, 2 updated; 1 risk added"."""
    parts = []
    for kind, plural in (("milestone", "milestones"), ("risk", "risks")):
        added, updated = prepared.count(kind, "added"), prepared.count(kind, "updated")
        if added or updated:
            parts.append(f"{added} {kind if added == 1 else plural} added, {updated} updated")
    if prepared.count("milestone", "completed"):
        parts.append(f"{prepared.count('milestone', 'completed')} recorded as complete")
    if prepared.proposals:
        parts.append(f"{prepared.proposals} proposal{'s' if prepared.proposals != 1 else ''} waiting for a decision")
    return "; ".join(parts) or "nothing changed"


# -- the browser's upload, preview and confirm ---------------------------------------------------------------

UPLOAD_MAX_BYTES = MAX_BYTES
UPLOAD_LIFETIME = timedelta(hours=2)


def keep_upload(session: Session, actor: User, workstream: Workstream, filename: str, content: bytes) -> PendingImport:
    """Read an uploaded file once and keep what was read until the lead confirms its import, replacing their
    earlier upload for the workstream and clearing everyone's stale ones.

    Raises DomainError(field="file") for a wrongly named, empty, oversized, unreadable or unsafe file (nothing is
    kept then).
    """
    filename = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
    if not filename.lower().endswith((".xlsx", ".csv")):
        raise DomainError("The selected file must be an Excel workbook (.xlsx) or a CSV file (.csv)", field="file")
    if not content:
        raise DomainError("The selected file is empty", field="file")
    if len(content) > UPLOAD_MAX_BYTES:
        raise DomainError(f"The selected file must be smaller than {UPLOAD_MAX_BYTES // 2**20} MB", field="file")
    try:
        parsed = read_files(filename, content)
    except ImportFailed as failed:
        raise DomainError(f"{filename}: {failed.problems[0]}", field="file") from failed
    session.execute(
        delete(PendingImport).where(
            or_(
                (PendingImport.user_id == actor.id) & (PendingImport.workstream_id == workstream.id),
                PendingImport.created_at < utcnow() - UPLOAD_LIFETIME,
            )
        )
    )
    pending = PendingImport(
        workstream_id=workstream.id,
        user_id=actor.id,
        filename=filename,
        size=parsed.size,
        sha256=parsed.sha256,
        parsed=parsed.to_json(),
    )
    session.add(pending)
    session.flush()
    return pending


def find_upload(
    session: Session, actor: User, workstream: Workstream, upload_id: int | None, now: datetime | None = None
) -> PendingImport | None:
    """The actor's own upload for this workstream, if it is still fresh; else None."""
    if not upload_id:
        return None
    pending = session.get(PendingImport, upload_id)
    if pending is None or pending.user_id != actor.id or pending.workstream_id != workstream.id:
        return None
    if pending.created_at < (now or utcnow()) - UPLOAD_LIFETIME:
        return None
    return pending


def prepare_upload(session: Session, actor: User, pending: PendingImport, *, today: date) -> ImportPlan:
    """Check the rows kept from an upload against its workstream as it is now. Raises ImportFailed."""
    workstream = session.get(Workstream, pending.workstream_id)
    return prepare_import(session, actor, ParsedFile.from_json(pending.parsed), workstream=workstream, today=today)


def confirm_upload(session: Session, actor: User, pending: PendingImport, *, today: date) -> ImportPlan:
    """Check the kept rows again (the plan may have changed since the preview), write them, and forget them.
    Raises ImportFailed, having written nothing; the caller commits or rolls back."""
    prepared = prepare_upload(session, actor, pending, today=today)
    apply_import(session, actor, prepared)
    session.delete(pending)
    session.flush()
    return prepared


# -- export and template -------------------------------------------------------------------------------------


def export_plan(session: Session, workstream: Workstream, include_risks: bool, today: date) -> bytes:
    """The workstream's plan (and risks) as an .xlsx in the import columns, so that it imports back unchanged."""
    view = load_plan(session, workstream, today)
    milestone_rows = []
    for section in view.sections:
        heading = f"{section.section.number}. {section.section.title}"
        for row in section.rows:
            m = row.milestone
            milestone_rows.append(
                (
                    heading,
                    m.reference,
                    m.text,
                    m.owner.email if m.owner else "",
                    plan_date_text(m.due, m.due_is_month),
                    plan_date_text(m.revised_due, m.revised_due_is_month),
                    plan_date_text(m.completed_on, m.completed_on_is_month),
                    m.comments,
                    m.removed_reason if m.removed else "",
                )
            )
    risk_rows = None
    if include_risks:
        risk_rows = [
            (
                r.reference,
                r.title,
                r.description,
                Likelihood(r.likelihood).label,
                Impact(r.impact).label,
                r.mitigation,
                plan_date_text(r.mitigation_date, r.mitigation_date_is_month),
                r.owner.email if r.owner else "",
                "closed" if r.closed else "open",
                r.score,
                r.rating.label,
            )
            for r in sorted(view.risks, key=lambda r: reference_sort_key(r.reference))
        ]
    return write_workbook(milestone_rows, risk_rows)


def template_workbook() -> bytes:
    """An empty plan workbook: the milestone and risk columns, and a sheet of instructions."""
    return write_workbook([], [], instructions=True)
