"""Read model of one workstream's plan as at a date: a fixed number of queries whatever its size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.plan import MilestoneDates
from app.domain.rag import MilestoneAssessment, WorkstreamAssessment, assess_workstream
from app.models import Milestone, Proposal, Risk, Section, User, Workstream


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
    owner: User | None = None


_PLAN_COLUMNS = tuple(
    getattr(Milestone.__table__.c, name) for name in PlanMilestone.__dataclass_fields__ if name != "owner"
)


@dataclass
class MilestoneRow:
    milestone: Milestone | PlanMilestone
    assessment: MilestoneAssessment
    pending_kinds: frozenset[str]

    @property
    def owner(self) -> User | None:
        return self.milestone.owner


@dataclass
class SectionRows:
    section: Section
    rows: list[MilestoneRow] = field(default_factory=list)


@dataclass
class PlanView:
    workstream: Workstream
    as_of: date
    sections: list[SectionRows]
    risks: list[Risk]
    assessment: WorkstreamAssessment

    @property
    def rows(self) -> list[MilestoneRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def owners(self) -> list[User]:
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
    """Sections, owners, milestones with their pending proposal kinds, and risks in four queries, then the RAG."""
    return load_plans(session, [workstream], as_of)[0]


def load_plans(session: Session, workstreams: Sequence[Workstream], as_of: date) -> list[PlanView]:
    """Several workstreams' plans (in the order given) in the same four queries as one."""
    ids = [w.id for w in workstreams]
    if not ids:
        return []
    sections = session.scalars(
        select(Section).where(Section.workstream_id.in_(ids)).order_by(Section.workstream_id, Section.number)
    ).all()
    # The owners in a query of their own, set on each milestone and risk below: cheaper than joining an owner
    # onto every milestone row.
    people = session.scalars(
        select(User).where(
            User.id.in_(
                union(
                    select(Milestone.owner_id).where(Milestone.workstream_id.in_(ids)),
                    select(Risk.owner_id).where(Risk.workstream_id.in_(ids)),
                )
            )
        )
    ).all()
    owner_by_id = {person.id: person for person in people}
    pending_kinds = (
        select(func.aggregate_strings(Proposal.kind, ","))
        .where(Proposal.milestone_id == Milestone.id, Proposal.state == "pending")
        .scalar_subquery()
    )
    milestones = session.execute(
        select(*_PLAN_COLUMNS, pending_kinds)
        .where(Milestone.workstream_id.in_(ids))
        .order_by(Milestone.sort_key, Milestone.id)
    ).all()
    risks = session.scalars(select(Risk).where(Risk.workstream_id.in_(ids)).order_by(Risk.id)).all()

    sections_of: dict[int, list[Section]] = {i: [] for i in ids}
    for section in sections:
        sections_of[section.workstream_id].append(section)
    milestones_of: dict[int, list[tuple[PlanMilestone, frozenset[str]]]] = {i: [] for i in ids}
    for *columns, kinds in milestones:
        milestone = PlanMilestone(*columns)
        milestone.owner = owner_by_id.get(milestone.owner_id)
        milestones_of[milestone.workstream_id].append((milestone, frozenset(kinds.split(",")) if kinds else _NONE))
    risks_of: dict[int, list[Risk]] = {i: [] for i in ids}
    for risk in risks:
        set_committed_value(risk, "owner", owner_by_id.get(risk.owner_id))
        risks_of[risk.workstream_id].append(risk)
    return [
        _plan(workstream, as_of, sections_of[workstream.id], milestones_of[workstream.id], risks_of[workstream.id])
        for workstream in workstreams
    ]


_NONE: frozenset[str] = frozenset()


def _plan(
    workstream: Workstream,
    as_of: date,
    sections: list[Section],
    milestones: list[tuple[PlanMilestone, frozenset[str]]],
    risks: list[Risk],
) -> PlanView:
    facts = [m.facts(pending_completion="completion" in kinds) for m, kinds in milestones]
    assessment = assess_workstream(facts, [r.facts() for r in risks], as_of, workstream.programme.thresholds)
    by_section = {s.id: SectionRows(s) for s in sections}
    for (milestone, kinds), milestone_assessment in zip(milestones, assessment.milestones, strict=True):
        by_section[milestone.section_id].rows.append(MilestoneRow(milestone, milestone_assessment, kinds))
    return PlanView(workstream, as_of, list(by_section.values()), risks, assessment)
