"""Who has proposals waiting for their decision."""

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.permissions import Role, can_decide_proposal
from app.extensions import db
from app.models import Membership, Milestone, Proposal, User


def proposals_awaiting(user: User, *, with_evidence: bool = False) -> list[Proposal]:
    """Pending proposals ``user`` may decide, oldest first (with their evidence loaded, for the queue page)."""
    decider_ws = {m.workstream_id for m in user.memberships if m.role in (Role.LEAD, Role.SPONSOR)}
    if not decider_ws:
        return []
    query = (
        select(Proposal)
        .join(Proposal.milestone)
        .where(Proposal.state == "pending", Milestone.workstream_id.in_(decider_ws))
        .options(joinedload(Proposal.milestone), joinedload(Proposal.proposed_by))
        .order_by(Proposal.created_at, Proposal.id)
    )
    if with_evidence:
        query = query.options(selectinload(Proposal.evidence))
    proposals = db.session.scalars(query).all()
    if not proposals:
        return []
    proposer_roles = _roles_by_user_and_workstream({p.proposed_by_id for p in proposals}, decider_ws)
    return [
        p
        for p in proposals
        if can_decide_proposal(
            user.id,
            user.roles_in(p.milestone.workstream_id),
            p.proposed_by_id,
            proposer_roles.get((p.proposed_by_id, p.milestone.workstream_id), ()),
        )
    ]


# The proposals a user may decide, as a criterion on Proposal joined to its Milestone, with the parameters of
# decidable_params(user). It is can_decide_proposal's rule in SQL (tests/bench/test_header_counts.py checks the two
# agree): pending; not one's own; in a workstream one leads, any; in one where one is sponsor but not lead, those a
# lead of that workstream proposed.
DECIDABLE = and_(
    Proposal.state == "pending",
    Proposal.proposed_by_id != bindparam("user_id"),
    or_(
        Milestone.workstream_id.in_(bindparam("lead_ws", expanding=True)),
        and_(
            Milestone.workstream_id.in_(bindparam("sponsor_ws", expanding=True)),
            select(Membership.id)
            .where(
                Membership.user_id == Proposal.proposed_by_id,
                Membership.workstream_id == Milestone.workstream_id,
                Membership.role == Role.LEAD.value,
            )
            .exists(),
        ),
    ),
)
# Their count, built once: the header runs it on every page.
DECIDABLE_COUNT = select(func.count(Proposal.id)).join(Proposal.milestone).where(DECIDABLE).scalar_subquery()


def decidable_params(user: User) -> dict:
    """The parameters of DECIDABLE (and DECIDABLE_COUNT) for ``user``."""
    lead_ws = {m.workstream_id for m in user.memberships if m.role == Role.LEAD}
    sponsor_ws = {m.workstream_id for m in user.memberships if m.role == Role.SPONSOR} - lead_ws
    return {"user_id": user.id, "lead_ws": sorted(lead_ws), "sponsor_ws": sorted(sponsor_ws)}


def pending_decisions_count(user: User) -> int:
    """How many proposals ``user`` may decide: ``proposals_awaiting`` counted in one SQL statement."""
    return db.session.scalar(select(DECIDABLE_COUNT), decidable_params(user))


def _roles_by_user_and_workstream(user_ids: set[int], workstream_ids: set[int]) -> dict[tuple[int, int], set[Role]]:
    rows = db.session.execute(
        select(Membership.user_id, Membership.workstream_id, Membership.role).where(
            Membership.user_id.in_(user_ids), Membership.workstream_id.in_(workstream_ids)
        )
    )
    roles: dict[tuple[int, int], set[Role]] = {}
    for user_id, workstream_id, role in rows:
        roles.setdefault((user_id, workstream_id), set()).add(Role(role))
    return roles
