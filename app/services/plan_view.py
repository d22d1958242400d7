"""Read model of one workstream's plan as at a date: a fixed number of queries whatever its size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.domain.rag import MilestoneAssessment, WorkstreamAssessment, assess_workstream
from app.models import Milestone, Proposal, Risk, Section, User, Workstream


@dataclass
class MilestoneRow:
    milestone: Milestone
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
    """Sections, milestones with owners, pending proposal kinds and risks in four queries, then the RAG."""
    sections = session.scalars(
        select(Section).where(Section.workstream_id == workstream.id).order_by(Section.number)
    ).all()
    milestones = session.scalars(
        select(Milestone)
        .where(Milestone.workstream_id == workstream.id)
        .options(joinedload(Milestone.owner))
        .order_by(Milestone.sort_key, Milestone.id)
    ).all()
    pending: dict[int, set[str]] = {}
    for milestone_id, kind in session.execute(
        select(Proposal.milestone_id, Proposal.kind)
        .join(Milestone, Proposal.milestone_id == Milestone.id)
        .where(Milestone.workstream_id == workstream.id, Proposal.state == "pending")
    ):
        pending.setdefault(milestone_id, set()).add(kind)
    risks = session.scalars(
        select(Risk).where(Risk.workstream_id == workstream.id).options(joinedload(Risk.owner)).order_by(Risk.id)
    ).all()

    facts = [m.facts(pending_completion="completion" in pending.get(m.id, ())) for m in milestones]
    assessment = assess_workstream(facts, [r.facts() for r in risks], as_of, workstream.programme.thresholds)
    by_section = {s.id: SectionRows(s) for s in sections}
    for milestone, milestone_assessment in zip(milestones, assessment.milestones, strict=True):
        by_section[milestone.section_id].rows.append(
            MilestoneRow(milestone, milestone_assessment, frozenset(pending.get(milestone.id, ())))
        )
    return PlanView(workstream, as_of, list(by_section.values()), list(risks), assessment)
