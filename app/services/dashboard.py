"""What each person sees first: their milestones, their decisions, their reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.domain.permissions import Role
from app.models import Report, User, Workstream
from app.services.plan_view import MilestoneRow, PlanView, load_plans
from app.services.proposals_queue import proposals_awaiting

DUE_SOON_DAYS = 14


@dataclass
class Dashboard:
    plans: list[PlanView] = field(default_factory=list)
    my_due: list[tuple[Workstream, MilestoneRow]] = field(default_factory=list)
    overdue_in_lead: list[tuple[Workstream, MilestoneRow]] = field(default_factory=list)
    awaiting_decision: list = field(default_factory=list)
    reports_to_sign: list[Report] = field(default_factory=list)
    signed_reports: list[Report] = field(default_factory=list)
    roles: set[Role] = field(default_factory=set)


def build_dashboard(session: Session, user: User, today: date) -> Dashboard:
    roles_by_ws: dict[int, set[Role]] = {}
    for m in user.memberships:
        roles_by_ws.setdefault(m.workstream_id, set()).add(Role(m.role))
    dashboard = Dashboard(roles={r for roles in roles_by_ws.values() for r in roles})
    working = [ws_id for ws_id, roles in roles_by_ws.items() if roles & {Role.LEAD, Role.OWNER, Role.SPONSOR}]
    workstreams = session.scalars(
        select(Workstream)
        .where(Workstream.id.in_(working))
        .options(joinedload(Workstream.programme))
        .order_by(Workstream.name)
    ).all()
    for workstream, plan in zip(workstreams, load_plans(session, workstreams, today), strict=True):
        dashboard.plans.append(plan)
        for row in plan.rows:
            if not row.assessment.is_open:
                continue
            days_left = (row.milestone.current_due - today).days
            if row.milestone.owner_id == user.id and days_left <= DUE_SOON_DAYS:
                dashboard.my_due.append((workstream, row))
            if Role.LEAD in roles_by_ws[workstream.id] and row.assessment.overdue_days > 0:
                dashboard.overdue_in_lead.append((workstream, row))
    dashboard.my_due.sort(key=lambda pair: pair[1].milestone.current_due)
    dashboard.overdue_in_lead.sort(key=lambda pair: -pair[1].assessment.overdue_days)
    dashboard.awaiting_decision = proposals_awaiting(user)
    sponsor_ws = [ws_id for ws_id, roles in roles_by_ws.items() if Role.SPONSOR in roles]
    if sponsor_ws:
        dashboard.reports_to_sign = session.scalars(
            select(Report)
            .where(Report.workstream_id.in_(sponsor_ws), Report.state == "awaiting_sign_off")
            .options(joinedload(Report.workstream), joinedload(Report.meeting))
            .order_by(Report.submitted_at)
        ).all()
    dashboard.signed_reports = session.scalars(
        select(Report)
        .where(Report.workstream_id.in_(list(roles_by_ws)), Report.state == "signed_off")
        .options(joinedload(Report.workstream), joinedload(Report.meeting))
        .order_by(Report.signed_off_at.desc())
        .limit(10)
    ).all()
    return dashboard
