"""Importing an action plan and its risks from a spreadsheet: everything is checked first, every problem is
reported with its row and column, and then either every change is written (each audited) or none is.

An existing milestone or risk with the same reference is updated. A column that is absent is left alone; a column
present but blank clears that field, except ``completed_on`` and ``removed_reason``: an import records a completion
or a removal but never undoes one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.domain.dates import plan_date_text
from app.domain.errors import DomainError, NotAllowed
from app.domain.permissions import Role, may_import_plan
from app.domain.proposals import Kind
from app.domain.rag import reference_sort_key
from app.domain.risk import Impact, Likelihood
from app.domain.text import check_text
from app.models import Membership, Milestone, PendingImport, Programme, Section, User, Workstream
from app.models._base import utcnow
from app.services import admin, audit, plan, proposals, risks, users
from app.services.import_rows import ImportFailed, ImportPlan, MilestoneRow, Problem, RowChecker, stored
from app.services.plan_view import load_plan
from app.services.plan_workbook import (
    MAX_BYTES,
    MILESTONES,
    RISKS,
    Table,
    UnreadableFile,
    read_csv,
    read_plan_file,
    write_workbook,
)
from app.services.report_import import add_paper_sections, apply_paper, prepare_paper
from app.services.report_reader import Paper, read_report

__all__ = ["ImportFailed", "ImportPlan", "Problem"]  # the rows' checker's results, used by callers of this module

DEFAULT_PROGRAMME = "Default programme"


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
    paper: Paper | None = None  # a Word report's header, introduction, periods and narratives

    def to_json(self) -> str:
        return json.dumps(
            {
                "filename": self.filename,
                "size": self.size,
                "sha256": self.sha256,
                "milestones": self.milestones.to_json(),
                "risks": self.risks.to_json() if self.risks is not None else None,
                "paper": self.paper.to_json() if self.paper is not None else None,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ParsedFile:
        data = json.loads(text)
        milestones = Table.from_json(data["milestones"])
        risks = Table.from_json(data["risks"]) if data.get("risks") is not None else None
        paper = Paper.from_json(data["paper"], milestones, risks) if data.get("paper") is not None else None
        return cls(data["filename"], data["size"], data["sha256"], milestones, risks, paper)


def read_bounded(path: Path) -> bytes:
    """A file's bytes, refused (ImportFailed) before reading when it is larger than an import may be."""
    if path.stat().st_size > MAX_BYTES:
        raise ImportFailed([Problem(f"{path.name} must be smaller than {MAX_BYTES // 2**20} MB")])
    return path.read_bytes()


def read_files(
    filename: str, content: bytes, risks_filename: str | None = None, risks_content: bytes | None = None
) -> ParsedFile:
    """Read the plan file (a spreadsheet or last period's Word report, and a separate risks CSV) once. Raises
    ImportFailed if a file cannot be read safely."""
    if (filename or "").lower().endswith(".docx"):
        if risks_content is not None:
            raise ImportFailed([Problem("A Word report carries its own risk table: give no risks file with it")])
        try:
            paper = read_report(content)
        except UnreadableFile as error:
            raise ImportFailed([Problem(str(error))]) from error
        digest = hashlib.sha256(content).hexdigest()
        return ParsedFile(filename, len(content), digest, paper.milestones, paper.risks, paper)
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
    problems: list[Problem] = []
    if parsed.paper is not None:
        result.report, result.recorder, problems = prepare_paper(
            session, actor, parsed.paper, workstream, result.programme, result
        )
    checker = RowChecker(
        session,
        actor,
        workstream,
        parsed.milestones,
        parsed.risks,
        today=today,
        source=result.source,
        recorder=result.recorder,
    )
    checker.check(result)
    problems += checker.problems
    if result.report is not None:
        add_paper_sections(result, result.report, set(checker.sections))
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: (p.sheet != MILESTONES, p.row or 0)))
    return result


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
        if item.section is None:  # the check gives every row its section, or refuses the file
            raise ValueError(f"Row {item.row} of {prepared.filename} has no section")
        values = dict(item.values)
        values["section_id"] = sections[item.section].id
        values["reference"] = item.reference
        milestone = item.existing
        if milestone is None:
            milestone = plan.add_milestone(session, actor, workstream, values)
        else:
            current = {name: getattr(milestone, name) for name in plan.MILESTONE_FIELDS}
            plan.update_milestone(session, actor, milestone, current | values)
        if item.completed is not None:
            plan.record_imported_completion(
                session, actor, milestone, *item.completed, source=prepared.source, recorded_for=item.proposer
            )
        if item.removed_reason:
            plan.remove_milestone(session, actor, milestone, item.removed_reason)
        _propose(session, actor, prepared, item, milestone)

    for risk_item in prepared.risks:
        values = {name: stored(value) for name, value in risk_item.values.items()}
        risk = risk_item.existing
        if risk is None:
            risk = risks.add_risk(session, actor, workstream, values)
        else:
            risks.update_risk(session, actor, risk, values)
        if risk_item.closed is not None:
            risks.set_risk_closed(session, actor, risk, risk_item.closed)

    if prepared.report is not None:
        apply_paper(session, actor, prepared, workstream)
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


def _propose(session: Session, actor: User | None, prepared: ImportPlan, item: MilestoneRow, milestone) -> None:
    """The row's completion, revised date and removal as proposals awaiting a decider other than the importer."""
    wanted: list[tuple[Kind, proposals.ProposalInput]] = []
    if item.propose_completion:
        on, is_month = item.propose_completion
        wanted.append(
            (Kind.COMPLETION, proposals.ProposalInput(completion_date=on, completion_is_month=is_month, note=item.note))
        )
    if item.propose_revised:
        due, is_month = item.propose_revised
        reason = item.note or f"Revised date given in the {prepared.source}"
        wanted.append(
            (Kind.DATE_CHANGE, proposals.ProposalInput(new_due=due, new_due_is_month=is_month, reason=reason))
        )
    if item.propose_removal:
        wanted.append((Kind.REMOVAL, proposals.ProposalInput(reason=item.propose_removal)))
    if not wanted:
        return
    if item.proposer is None:  # the check refuses a proposal with nobody to make it in the name of
        raise ValueError(f"Row {item.row} of {prepared.filename} proposes a change in nobody's name")
    for kind, values in wanted:
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


def may_import(session: Session, actor: User, workstream: Workstream) -> bool:
    """A lead imports into their own workstream; an admin only into one with no milestones yet."""
    roles = actor.roles_in(workstream.id)
    if Role.LEAD in roles or not actor.is_admin:
        return may_import_plan(roles, is_admin=actor.is_admin, plan_is_empty=False)
    has_milestones = session.scalar(select(Milestone.id).where(Milestone.workstream_id == workstream.id).limit(1))
    return may_import_plan(roles, is_admin=True, plan_is_empty=has_milestones is None)


def check_may_import(session: Session, actor: User, workstream: Workstream) -> None:
    """Raises NotAllowed unless ``may_import``."""
    if not may_import(session, actor, workstream):
        raise NotAllowed(
            "Only a lead of this workstream imports into it; an administrator only into a workstream with no "
            "milestones yet"
        )


def _upload_name(filename: str) -> str:
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]


def _read_upload(filename: str, content: bytes) -> ParsedFile:
    """Raises DomainError(field="file") for a wrongly named, empty, oversized, unreadable or unsafe file."""
    if not filename.lower().endswith((".xlsx", ".csv", ".docx")):
        raise DomainError(
            "The selected file must be an Excel workbook (.xlsx), a CSV file (.csv) or last period's report (.docx)",
            field="file",
        )
    if not content:
        raise DomainError("The selected file is empty", field="file")
    if len(content) > UPLOAD_MAX_BYTES:
        raise DomainError(f"The selected file must be smaller than {UPLOAD_MAX_BYTES // 2**20} MB", field="file")
    try:
        return read_files(filename, content)
    except ImportFailed as failed:
        raise DomainError(f"{filename}: {failed.problems[0]}", field="file") from failed


def _keep(session: Session, actor: User, parsed: ParsedFile, **where) -> PendingImport:
    """Keep what was read, replacing the actor's earlier upload for the same target and everyone's stale ones."""
    same_target = PendingImport.user_id == actor.id
    for column, value in where.items():
        attribute = getattr(PendingImport, column)
        same_target = same_target & (attribute.is_(None) if value is None else attribute == value)
    session.execute(
        delete(PendingImport).where(or_(same_target, PendingImport.created_at < utcnow() - UPLOAD_LIFETIME))
    )
    pending = PendingImport(
        user_id=actor.id,
        filename=parsed.filename,
        size=parsed.size,
        sha256=parsed.sha256,
        parsed=parsed.to_json(),
        **where,
    )
    session.add(pending)
    session.flush()
    return pending


def keep_upload(session: Session, actor: User, workstream: Workstream, filename: str, content: bytes) -> PendingImport:
    """Read an uploaded file once and keep what was read until its import is confirmed.

    Raises NotAllowed unless the actor may import into the workstream, DomainError(field="file") for a wrongly
    named, empty, oversized, unreadable or unsafe file (nothing is kept then).
    """
    check_may_import(session, actor, workstream)
    parsed = _read_upload(_upload_name(filename), content)
    return _keep(session, actor, parsed, workstream_id=workstream.id)


def keep_new_workstream_upload(
    session: Session, actor: User, programme: Programme | None, name: str, filename: str, content: bytes
) -> PendingImport:
    """An admin onboards: the file for a workstream to be created, called ``name`` in ``programme``, when its
    import is confirmed. Raises NotAllowed for anyone but an admin; DomainError(field) for no programme, an empty
    or taken name, or a bad file (nothing is kept then)."""
    if not actor.is_admin:
        raise NotAllowed("Only an administrator creates a workstream")
    if programme is None:
        raise DomainError("Select the programme", field="programme_id")
    name = _new_workstream_name(session, programme, name)
    parsed = _read_upload(_upload_name(filename), content)
    return _keep(session, actor, parsed, workstream_id=None, programme_id=programme.id, workstream_name=name)


def _new_workstream_name(session: Session, programme: Programme, name: str) -> str:
    name = check_text(name, "name", label="Workstream name", limit=200, multiline=False)
    if not name:
        raise DomainError("Enter the workstream name", field="name")
    if session.scalar(select(Workstream.id).where(Workstream.programme_id == programme.id, Workstream.name == name)):
        raise DomainError(f"{programme.name} already has a workstream called {name}", field="name")
    return name


def find_upload(
    session: Session, actor: User, workstream: Workstream | None, upload_id: int | None, now: datetime | None = None
) -> PendingImport | None:
    """The actor's own upload for this workstream (None: for a workstream to be created), if it is still fresh;
    else None."""
    if not upload_id:
        return None
    pending = session.get(PendingImport, upload_id)
    target = workstream.id if workstream is not None else None
    if pending is None or pending.user_id != actor.id or pending.workstream_id != target:
        return None
    if pending.created_at < (now or utcnow()) - UPLOAD_LIFETIME:
        return None
    return pending


def prepare_upload(session: Session, actor: User, pending: PendingImport, *, today: date) -> ImportPlan:
    """Check the rows kept from an upload against its workstream as it is now (or, for a workstream to be
    created, that its name is still free). Raises ImportFailed, or NotAllowed if the actor may no longer import."""
    parsed = ParsedFile.from_json(pending.parsed)
    if pending.workstream_id is None:
        if not actor.is_admin:
            raise NotAllowed("Only an administrator creates a workstream")
        programme = session.get_one(Programme, pending.programme_id)
        try:
            name = _new_workstream_name(session, programme, pending.workstream_name)
        except DomainError as error:
            raise ImportFailed([Problem(error.message)]) from error
        return prepare_import(
            session,
            actor,
            parsed,
            workstream=None,
            workstream_name=name,
            programme=programme,
            programme_name=programme.name,
            today=today,
        )
    workstream = session.get_one(Workstream, pending.workstream_id)
    check_may_import(session, actor, workstream)
    return prepare_import(session, actor, parsed, workstream=workstream, today=today)


def confirm_upload(
    session: Session, actor: User, pending: PendingImport, *, today: date
) -> tuple[ImportPlan, Workstream]:
    """Check the kept rows again (the plan may have changed since the preview), write them, and forget them.
    Returns what was done and the workstream (created, for an admin's new one). Raises ImportFailed or NotAllowed,
    having written nothing; the caller commits or rolls back."""
    prepared = prepare_upload(session, actor, pending, today=today)
    workstream = apply_import(session, actor, prepared)
    session.delete(pending)
    session.flush()
    return prepared, workstream


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


def template_workbook(session: Session, workstream: Workstream | None) -> bytes:
    """An empty plan workbook: the milestone and risk columns with an example row each, drop-down lists (the
    workstream's owners and leads, or every active user for a new workstream; likelihood; impact) and a sheet of
    instructions."""
    query = select(User.email).where(User.active.is_(True)).order_by(User.email)
    if workstream is not None:
        query = (
            query.join(Membership, Membership.user_id == User.id)
            .where(Membership.workstream_id == workstream.id, Membership.role.in_([Role.OWNER, Role.LEAD]))
            .distinct()
        )
    return write_workbook([], [], instructions=True, owners=list(session.scalars(query)))
