"""What each person sees first: their milestones, their decisions, their reports.

A fixed number of queries whatever the number of workstreams or milestones: the workstreams, their milestones'
and risks' columns (no ORM objects), the first decisions waiting, and the reports. Each workstream's RAG and counts
come from the same domain rules as the plan page (``assess_workstream``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from app.domain.dates import format_plan_date
from app.domain.permissions import Role
from app.domain.rag import (
    MilestoneAssessment,
    MilestoneFacts,
    RiskFacts,
    WorkstreamAssessment,
    assess_workstream,
)
from app.domain.risk import Impact, Likelihood
from app.models import Milestone, Proposal, Report, Risk, User, Workstream
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


_m, _p, _r = Milestone.__table__.c, Proposal.__table__.c, Risk.__table__.c
# Table columns, not ORM attributes: plain rows without the ORM's per-row bookkeeping. The first _FACTS columns
# are MilestoneFacts' fields in order.
_MILESTONES = (
    select(
        _m.reference,
        _m.due,
        _m.revised_due,
        _m.completed_on,
        _m.removed,
        exists().where(_p.milestone_id == _m.id, _p.state == "pending", _p.kind == "completion"),
        _m.workstream_id,
        _m.owner_id,
        _m.id,
        _m.text,
        _m.due_is_month,
        _m.revised_due_is_month,
    )
    .where(_m.workstream_id.in_(bindparam("working", expanding=True)))
    .order_by(_m.sort_key, _m.id)
)
_FACTS = 6
_WORKSTREAM_ID, _OWNER_ID, _ID, _TEXT, _DUE_IS_MONTH, _REVISED_DUE_IS_MONTH = range(_FACTS, _FACTS + 6)
_RISKS = select(_r.workstream_id, _r.reference, _r.likelihood, _r.impact, _r.closed).where(
    _r.workstream_id.in_(bindparam("working", expanding=True))
)


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
    rows_of: dict[int, list] = {w.id: [] for w in workstreams}
    for row in session.execute(_MILESTONES, {"working": working}).all():
        rows_of[row[_WORKSTREAM_ID]].append(row)
    risks_of: dict[int, list[RiskFacts]] = {w.id: [] for w in workstreams}
    for ws_id, reference, likelihood, impact, closed in session.execute(_RISKS, {"working": working}).all():
        risks_of[ws_id].append(RiskFacts(reference, Likelihood(likelihood), Impact(impact), closed))

    user_id = user.id  # once: ``user`` may be the request's proxy to the signed-in user
    for workstream in workstreams:
        rows = rows_of[workstream.id]
        facts = [MilestoneFacts(*row[:_FACTS]) for row in rows]
        assessment = assess_workstream(facts, risks_of[workstream.id], today, workstream.programme.thresholds)
        dashboard.workstreams.append(WorkstreamStatus(workstream, assessment))
        leads = workstream.id in lead_ws
        for row, fact, milestone in zip(rows, facts, assessment.milestones, strict=True):
            if not (leads or row[_OWNER_ID] == user_id) or not milestone.is_open:
                continue
            mine = row[_OWNER_ID] == user_id and (fact.current_due - today).days <= DUE_SOON_DAYS
            overdue = leads and milestone.overdue_days > 0
            if mine or overdue:
                item = _item(workstream, row, fact, milestone)
                if mine:
                    dashboard.my_due.append(item)
                if overdue:
                    dashboard.overdue_in_lead.append(item)
    dashboard.my_due.sort(key=lambda item: item.current_due)
    dashboard.overdue_in_lead.sort(key=lambda item: -item.assessment.overdue_days)


def _item(workstream: Workstream, row, fact: MilestoneFacts, assessment: MilestoneAssessment) -> MilestoneItem:
    if fact.revised_due is not None:
        label = format_plan_date(fact.revised_due, row[_REVISED_DUE_IS_MONTH])
    else:
        label = format_plan_date(fact.due, row[_DUE_IS_MONTH])
    return MilestoneItem(workstream, row[_ID], fact.reference, row[_TEXT], fact.current_due, label, assessment)


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
