"""What each person sees first: their milestones, their decisions, their reports.

A fixed number of queries whatever the number of workstreams or milestones: the workstreams, their plans (the
plan page's read model, ``load_plans``: plain rows, two statements for all of them), the first decisions waiting,
and the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from app.domain.permissions import Role
from app.domain.rag import MilestoneAssessment, WorkstreamAssessment
from app.models import Proposal, Report, User, Workstream
from app.services.plan_view import load_plans
from app.services.proposals_queue import DECIDABLE, decidable_params

DUE_SOON_DAYS = 14
DECISIONS_SHOWN = 10


@dataclass(frozen=True)
class WorkstreamStatus:
    workstream: Workstream
    assessment: WorkstreamAssessment


@dataclass(frozen=True)
class MilestoneItem:
    """An open milestone in one of the dashboard's lists."""

    workstream: Workstream
    id: int
    reference: str
    text: str
    current_due: date
    due_label: str  # the current due date as the plan shows it
    assessment: MilestoneAssessment


@dataclass
class Dashboard:
    workstreams: list[WorkstreamStatus] = field(default_factory=list)
    my_due: list[MilestoneItem] = field(default_factory=list)
    overdue_in_lead: list[MilestoneItem] = field(default_factory=list)
    awaiting_decision: list[Proposal] = field(default_factory=list)  # the first DECISIONS_SHOWN, oldest first
    decisions_waiting: int = 0  # all of them
    reports_to_sign: list[Report] = field(default_factory=list)
    signed_reports: list[Report] = field(default_factory=list)
    roles: set[Role] = field(default_factory=set)


def build_dashboard(session: Session, user: User, today: date) -> Dashboard:
    roles_by_ws: dict[int, set[Role]] = {}
    for m in user.memberships:
        roles_by_ws.setdefault(m.workstream_id, set()).add(Role(m.role))
    dashboard = Dashboard(roles={r for roles in roles_by_ws.values() for r in roles})
    working = [ws_id for ws_id, roles in roles_by_ws.items() if roles & {Role.LEAD, Role.OWNER, Role.SPONSOR}]
    lead_ws = {ws_id for ws_id, roles in roles_by_ws.items() if Role.LEAD in roles}
    if working:
        _assess(session, dashboard, user, working, lead_ws, today)
    if any(roles & {Role.LEAD, Role.SPONSOR} for roles in roles_by_ws.values()):
        _decisions(session, dashboard, user)
    sponsor_ws = [ws_id for ws_id, roles in roles_by_ws.items() if Role.SPONSOR in roles]
    if sponsor_ws:
        dashboard.reports_to_sign = session.scalars(
            select(Report)
            .where(Report.workstream_id.in_(sponsor_ws), Report.state == "awaiting_sign_off")
            .options(joinedload(Report.workstream), joinedload(Report.meeting))
            .order_by(Report.submitted_at)
        ).all()
    if roles_by_ws:
        dashboard.signed_reports = session.scalars(
            select(Report)
            .where(Report.workstream_id.in_(list(roles_by_ws)), Report.state == "signed_off")
            .options(joinedload(Report.workstream), joinedload(Report.meeting))
            .order_by(Report.signed_off_at.desc())
            .limit(10)
        ).all()
    return dashboard


def _assess(
    session: Session, dashboard: Dashboard, user: User, working: list[int], lead_ws: set[int], today: date
) -> None:
    """Each workstream's RAG and counts, and the open milestones the user owns (due soon) or leads (overdue)."""
    workstreams = session.scalars(
        select(Workstream)
        .where(Workstream.id.in_(working))
        .options(joinedload(Workstream.programme))
        .order_by(Workstream.name)
    ).all()
    user_id = user.id  # once: ``user`` may be the request's proxy to the signed-in user
    for workstream, plan in zip(workstreams, load_plans(session, workstreams, today), strict=True):
        dashboard.workstreams.append(WorkstreamStatus(workstream, plan.assessment))
        leads = workstream.id in lead_ws
        for row in plan.rows:
            milestone, assessment = row.milestone, row.assessment
            if not assessment.is_open:
                continue
            mine = milestone.owner_id == user_id and (milestone.current_due - today).days <= DUE_SOON_DAYS
            overdue = leads and assessment.overdue_days > 0
            if mine or overdue:
                item = MilestoneItem(
                    workstream,
                    milestone.id,
                    milestone.reference,
                    milestone.text,
                    milestone.current_due,
                    milestone.revised_due_label or milestone.due_label,
                    assessment,
                )
                if mine:
                    dashboard.my_due.append(item)
                if overdue:
                    dashboard.overdue_in_lead.append(item)
    dashboard.my_due.sort(key=lambda item: item.current_due)
    dashboard.overdue_in_lead.sort(key=lambda item: -item.assessment.overdue_days)


# The proposals the user may decide, by the rule the header's count uses (DECIDABLE, so the two cannot disagree),
# oldest first: the first few with their milestones and proposers, and how many in all.
_DECISIONS = (
    select(Proposal, func.count().over().label("total"))
    .join(Proposal.milestone)
    .where(DECIDABLE)
    .options(contains_eager(Proposal.milestone), joinedload(Proposal.proposed_by))
    .order_by(Proposal.created_at, Proposal.id)
    .limit(DECISIONS_SHOWN)
)


def _decisions(session: Session, dashboard: Dashboard, user: User) -> None:
    rows = session.execute(_DECISIONS, decidable_params(user)).all()
    dashboard.awaiting_decision = [proposal for proposal, _ in rows]
    dashboard.decisions_waiting = rows[0].total if rows else 0
