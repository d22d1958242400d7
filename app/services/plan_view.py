"""Read model of one workstream's plan as at a date: a fixed number of queries whatever its size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from app.domain.plan import MilestoneDates, RiskScoring
from app.domain.proposals import Kind, State
from app.domain.rag import MilestoneAssessment, WorkstreamAssessment, assess_milestone, assess_workstream
from app.models import AuditEvent, Milestone, Proposal, Risk, Section, User, Workstream


@dataclass(frozen=True, slots=True)
class PlanSection:
    id: int
    workstream_id: int
    number: int
    title: str


@dataclass(frozen=True, slots=True)
class PlanPerson:
    """A milestone's owner as the plan shows them (load the User by ``id`` to act on them)."""

    id: int
    name: str
    email: str


@dataclass(slots=True)
class PlanMilestone(MilestoneDates):
    """A milestone as the plan shows it: its columns and owner, read without the ORM's per-object bookkeeping."""

    id: int
    workstream_id: int
    section_id: int
    owner_id: int | None
    reference: str
    text: str
    due: date
    due_is_month: bool
    revised_due: date | None
    revised_due_is_month: bool
    completed_on: date | None
    completed_on_is_month: bool
    comments: str
    removed: bool
    removed_reason: str
    owner: PlanPerson | None = None


@dataclass(slots=True)
class PlanRisk(RiskScoring):
    """A risk as the plan and the report show it, read as a plain row."""

    id: int
    workstream_id: int
    reference: str
    title: str
    description: str
    likelihood: str
    impact: str
    mitigation: str
    mitigation_date: date | None
    mitigation_date_is_month: bool
    owner_id: int | None
    closed: bool
    owner: PlanPerson | None = None


_sections, _milestones, _users, _risks = Section.__table__, Milestone.__table__, User.__table__, Risk.__table__
_SECTION_COLUMNS = tuple(getattr(_sections.c, name) for name in PlanSection.__dataclass_fields__)
_MILESTONE_COLUMNS = tuple(
    getattr(_milestones.c, name) for name in PlanMilestone.__dataclass_fields__ if name != "owner"
)
_PENDING_KINDS = (
    select(func.aggregate_strings(Proposal.kind, ","))
    .where(Proposal.milestone_id == _milestones.c.id, Proposal.state == State.PENDING.value)
    .scalar_subquery()
)
# Complete by a completion recorded at import (approved without a decider's look at evidence).
_RECORDED_AT_IMPORT = (
    select(Proposal.id)
    .where(
        Proposal.milestone_id == _milestones.c.id,
        Proposal.kind == Kind.COMPLETION.value,
        Proposal.state == State.APPROVED.value,
        Proposal.imported.is_(True),
    )
    .exists()
)
# Every section with its milestones (none for an empty section), their owners, pending proposal kinds and whether
# an import recorded their completion, in one statement built once: the plan page, the report and the dashboards
# all start here.
_PLAN_ROWS = (
    select(*_SECTION_COLUMNS, *_MILESTONE_COLUMNS, _users.c.name, _users.c.email, _PENDING_KINDS, _RECORDED_AT_IMPORT)
    .select_from(
        _sections.outerjoin(_milestones, _milestones.c.section_id == _sections.c.id).outerjoin(
            _users, _users.c.id == _milestones.c.owner_id
        )
    )
    .where(_sections.c.workstream_id.in_(bindparam("workstream_ids", expanding=True)))
    .order_by(_sections.c.workstream_id, _sections.c.number, _milestones.c.sort_key, _milestones.c.id)
)
_RISK_COLUMNS = tuple(getattr(_risks.c, name) for name in PlanRisk.__dataclass_fields__ if name != "owner")
_PLAN_RISKS = (
    select(*_RISK_COLUMNS, _users.c.name, _users.c.email)
    .select_from(_risks.outerjoin(_users, _users.c.id == _risks.c.owner_id))
    .where(_risks.c.workstream_id.in_(bindparam("workstream_ids", expanding=True)))
    .order_by(_risks.c.id)
)
_N_SECTION = len(_SECTION_COLUMNS)
_N_MILESTONE = len(_MILESTONE_COLUMNS)


@dataclass
class MilestoneRow:
    milestone: Milestone | PlanMilestone
    assessment: MilestoneAssessment
    pending_kinds: frozenset[str]
    recorded_at_import: bool = False  # an approved completion recorded at import, with no evidence

    @property
    def owner(self) -> User | PlanPerson | None:
        return self.milestone.owner


@dataclass
class SectionRows:
    section: PlanSection
    rows: list[MilestoneRow] = field(default_factory=list)


@dataclass
class PlanView:
    workstream: Workstream
    as_of: date
    sections: list[SectionRows]
    risks: list[PlanRisk]
    assessment: WorkstreamAssessment

    @property
    def rows(self) -> list[MilestoneRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def owners(self) -> list[PlanPerson]:
        owners = {row.owner.id: row.owner for row in self.rows if row.owner}
        return sorted(owners.values(), key=lambda u: u.name)

    def filtered(self, owner_id: int | None = None, status: str | None = None) -> list[SectionRows]:
        """Sections with only the rows that match; sections left empty by a filter are dropped."""
        if not owner_id and not status:
            return self.sections
        result = []
        for section in self.sections:
            rows = [r for r in section.rows if _matches(r, owner_id, status)]
            if rows:
                result.append(SectionRows(section.section, rows))
        return result


STATUS_FILTERS = {
    "open": "Open",
    "overdue": "Overdue",
    "awaiting_approval": "Awaiting approval",
    "complete": "Complete",
    "removed": "Removed",
}


def _matches(row: MilestoneRow, owner_id: int | None, status: str | None) -> bool:
    if owner_id and row.milestone.owner_id != owner_id:
        return False
    if not status:
        return True
    if status == "overdue":
        return row.assessment.overdue_days > 0
    if status == "open":
        return row.assessment.is_open
    return row.assessment.status.value == status


def load_plan(session: Session, workstream: Workstream, as_of: date) -> PlanView:
    """Sections, milestones with their owners and pending proposal kinds, and risks in two queries, then the RAG."""
    return load_plans(session, [workstream], as_of)[0]


def load_plans(session: Session, workstreams: Sequence[Workstream], as_of: date) -> list[PlanView]:
    """Several workstreams' plans (in the order given) in the same two queries as one."""
    ids = [w.id for w in workstreams]
    if not ids:
        return []
    rows = session.connection().execute(_PLAN_ROWS, {"workstream_ids": ids}).all()
    risk_rows = session.connection().execute(_PLAN_RISKS, {"workstream_ids": ids}).all()

    sections_of: dict[int, list[PlanSection]] = {i: [] for i in ids}
    milestones_of: dict[int, list[tuple[PlanMilestone, frozenset[str], bool]]] = {i: [] for i in ids}
    people: dict[int, PlanPerson] = {}
    section = None
    for row in rows:
        if section is None or section.id != row[0]:
            section = PlanSection(*row[:_N_SECTION])
            sections_of[section.workstream_id].append(section)
        columns = row[_N_SECTION : _N_SECTION + _N_MILESTONE]
        if columns[0] is None:  # a section without milestones
            continue
        milestone = PlanMilestone(*columns)
        name, email, kinds, imported = row[_N_SECTION + _N_MILESTONE :]
        if milestone.owner_id is not None:
            milestone.owner = _person(people, milestone.owner_id, name, email)
        pending = frozenset(kinds.split(",")) if kinds else _NONE
        milestones_of[section.workstream_id].append((milestone, pending, bool(imported)))
    risks_of: dict[int, list[PlanRisk]] = {i: [] for i in ids}
    for *risk_columns, name, email in risk_rows:
        risk = PlanRisk(*risk_columns)
        if risk.owner_id is not None:
            risk.owner = _person(people, risk.owner_id, name, email)
        risks_of[risk.workstream_id].append(risk)
    return [
        _plan(workstream, as_of, sections_of[workstream.id], milestones_of[workstream.id], risks_of[workstream.id])
        for workstream in workstreams
    ]


_NONE: frozenset[str] = frozenset()


def _person(people: dict[int, PlanPerson], person_id: int, name: str, email: str) -> PlanPerson:
    person = people.get(person_id)
    if person is None:
        person = people[person_id] = PlanPerson(person_id, name, email)
    return person


def _plan(
    workstream: Workstream,
    as_of: date,
    sections: list[PlanSection],
    milestones: list[tuple[PlanMilestone, frozenset[str], bool]],
    risks: list[PlanRisk],
) -> PlanView:
    facts = [m.facts(pending_completion=Kind.COMPLETION in kinds) for m, kinds, _ in milestones]
    assessment = assess_workstream(facts, [r.facts() for r in risks], as_of, workstream.programme.thresholds)
    by_section = {s.id: SectionRows(s) for s in sections}
    for (milestone, kinds, imported), milestone_assessment in zip(milestones, assessment.milestones, strict=True):
        by_section[milestone.section_id].rows.append(MilestoneRow(milestone, milestone_assessment, kinds, imported))
    return PlanView(workstream, as_of, list(by_section.values()), risks, assessment)


@dataclass
class MilestonePage:
    """One milestone as its page shows it: its RAG row as at a date, its proposals (newest first, with who made and
    decided them) and its history (newest first, with who did each thing)."""

    row: MilestoneRow
    proposals: list[Proposal]
    history: list[AuditEvent]


def load_milestone_page(session: Session, milestone: Milestone, as_of: date) -> MilestonePage:
    """The milestone's page: its assessment by the RAG rules with its programme's thresholds, its proposals and its
    history, in two queries."""
    proposals = list(
        session.scalars(
            select(Proposal)
            .where(Proposal.milestone_id == milestone.id)
            .options(joinedload(Proposal.proposed_by), joinedload(Proposal.decided_by))
            .order_by(Proposal.id.desc())
        )
    )
    pending = frozenset(p.kind for p in proposals if p.state == State.PENDING)
    thresholds = milestone.section.workstream.programme.thresholds
    assessment = assess_milestone(milestone.facts(pending_completion=Kind.COMPLETION in pending), as_of, thresholds)
    history = list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.milestone_id == milestone.id)
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
    )
    return MilestonePage(MilestoneRow(milestone, assessment, pending), proposals, history)
