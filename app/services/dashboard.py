"""What each person sees first: their milestones, their decisions, their reports.

A fixed number of queries whatever the number of workstreams or milestones: the workstreams, their plans (the
plan page's read model, ``load_plans``: plain rows, two statements for all of them), the first decisions waiting,
the person's own latest proposals, and the reports (to sign and signed, one statement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Boolean, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from app.domain.permissions import Role
from app.domain.rag import MilestoneAssessment, WorkstreamAssessment, falls_due_soon
from app.domain.reports import ReportState
from app.models import Milestone, Proposal, Report, User, Workstream
from app.services.plan_view import load_plans
from app.services.proposals_queue import DECIDABLE, decidable_params

DECISIONS_SHOWN = 10
OWN_PROPOSALS_SHOWN = 10
SIGNED_REPORTS_SHOWN = 10
# Who makes proposals: a milestone's owner, holding the owner or lead role (app.domain.proposals.check_may_propose).
PROPOSER_ROLES = {Role.OWNER, Role.LEAD}


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


@dataclass(frozen=True)
class OwnProposal:
    """One of a person's own proposals, with its milestone and decider loaded, and its workstream's name."""

    proposal: Proposal
    workstream: str


@dataclass
class Dashboard:
    workstreams: list[WorkstreamStatus] = field(default_factory=list)
    my_due: list[MilestoneItem] = field(default_factory=list)
    overdue_in_lead: list[MilestoneItem] = field(default_factory=list)
    awaiting_decision: list[Proposal] = field(default_factory=list)  # the first DECISIONS_SHOWN, oldest first
    decisions_waiting: int = 0  # all of them
    own_proposals: list[OwnProposal] = field(default_factory=list)  # the latest OWN_PROPOSALS_SHOWN, newest first
    own_proposals_total: int = 0  # all of them
    reports_to_sign: list[Report] = field(default_factory=list)
    signed_reports: list[Report] = field(default_factory=list)
    roles: set[Role] = field(default_factory=set)

    @property
    def proposes(self) -> bool:
        """True for someone who may propose (an owner or a lead somewhere): their own proposals are listed."""
        return bool(self.roles & PROPOSER_ROLES)


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
    if dashboard.proposes:
        dashboard.own_proposals, dashboard.own_proposals_total = own_proposals(session, user, OWN_PROPOSALS_SHOWN)
    if roles_by_ws or user.is_admin:
        sponsor_ws = [ws_id for ws_id, roles in roles_by_ws.items() if Role.SPONSOR in roles]
        _reports(session, dashboard, sponsor_ws, list(roles_by_ws), every_workstream=user.is_admin)
    return dashboard


# The reports to sign (in workstreams the user sponsors) and the latest signed off (in any of theirs; an admin's in
# every workstream, as admins read every report), in one statement: each state numbered in its own order, the signed
# ones cut at SIGNED_REPORTS_SHOWN.
_RANKED_REPORTS = (
    select(
        Report.id,
        func.row_number()
        .over(partition_by=Report.state, order_by=(Report.signed_off_at.desc(), Report.id.desc()))
        .label("rank"),
    )
    .where(
        or_(
            and_(
                Report.state == ReportState.AWAITING_SIGN_OFF.value,
                Report.workstream_id.in_(bindparam("sponsor_ws", expanding=True)),
            ),
            and_(
                Report.state == ReportState.SIGNED_OFF.value,
                or_(
                    bindparam("every_ws", type_=Boolean()).is_(True),
                    Report.workstream_id.in_(bindparam("member_ws", expanding=True)),
                ),
            ),
        )
    )
    .subquery()
)
_REPORTS = (
    select(Report)
    .join(_RANKED_REPORTS, _RANKED_REPORTS.c.id == Report.id)
    .where(or_(Report.state == ReportState.AWAITING_SIGN_OFF.value, _RANKED_REPORTS.c.rank <= SIGNED_REPORTS_SHOWN))
    .options(joinedload(Report.workstream), joinedload(Report.meeting))
)


def _reports(
    session: Session, dashboard: Dashboard, sponsor_ws: list[int], member_ws: list[int], *, every_workstream: bool
) -> None:
    params = {"sponsor_ws": sponsor_ws, "member_ws": member_ws, "every_ws": every_workstream}
    found = session.scalars(_REPORTS, params).all()
    dashboard.reports_to_sign = sorted(
        (r for r in found if r.state == ReportState.AWAITING_SIGN_OFF), key=lambda r: (r.submitted_at, r.id)
    )
    dashboard.signed_reports = sorted(
        (r for r in found if r.state == ReportState.SIGNED_OFF), key=lambda r: (r.signed_off_at, r.id), reverse=True
    )


def own_proposals(session: Session, user: User, limit: int | None = None) -> tuple[list[OwnProposal], int]:
    """The proposals ``user`` made, newest first, and how many in all.

    Only in workstreams where they still own or lead (so each proposal's page is theirs to open), in every state:
    waiting, approved, rejected (with the reason), withdrawn. Completions recorded at import are nobody's proposal
    and are left out. One statement, ``limit`` rows at most (None: all). Raises nothing.
    """
    workstream_ids = sorted({m.workstream_id for m in user.memberships if Role(m.role) in PROPOSER_ROLES})
    if not workstream_ids:
        return [], 0
    query = (
        select(Proposal, Workstream.name, func.count().over().label("total"))
        .join(Proposal.milestone)
        .join(Workstream, Workstream.id == Milestone.workstream_id)
        .where(
            Proposal.proposed_by_id == user.id,
            Proposal.imported.is_(False),
            Milestone.workstream_id.in_(workstream_ids),
        )
        .options(contains_eager(Proposal.milestone), joinedload(Proposal.decided_by))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        .limit(limit)
    )
    rows = session.execute(query).all()
    return [OwnProposal(proposal, name) for proposal, name, _ in rows], (rows[0].total if rows else 0)


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
        thresholds = workstream.programme.thresholds
        leads = workstream.id in lead_ws
        for row in plan.rows:
            milestone, assessment = row.milestone, row.assessment
            if not assessment.is_open:
                continue
            mine = milestone.owner_id == user_id and falls_due_soon(milestone.current_due, today, thresholds)
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
