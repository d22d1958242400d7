"""Who has proposals waiting for their decision."""

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.permissions import Role
from app.domain.proposals import State
from app.extensions import db
from app.models import Membership, Milestone, Proposal, User

# The proposals a user may decide, as a criterion on Proposal joined to its Milestone, with the parameters of
# decidable_params(user): app.domain.permissions.can_decide_proposal's rule for lists and counts, in SQL so that a
# page never loads what it will not show (tests/bench/test_header_counts.py checks the two agree on every pair of
# roles): pending; not one's own; in a workstream one leads, any; in one where one is sponsor but not lead, those a
# lead of that workstream proposed.
DECIDABLE = and_(
    Proposal.state == State.PENDING.value,
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


def proposals_awaiting(user: User, *, with_evidence: bool = False) -> list[Proposal]:
    """Pending proposals ``user`` may decide (DECIDABLE), oldest first (with their evidence loaded, for the queue
    page)."""
    query = (
        select(Proposal)
        .join(Proposal.milestone)
        .where(DECIDABLE)
        .options(joinedload(Proposal.milestone), joinedload(Proposal.proposed_by))
        .order_by(Proposal.created_at, Proposal.id)
    )
    if with_evidence:
        query = query.options(selectinload(Proposal.evidence))
    return list(db.session.scalars(query, decidable_params(user)).all())


def pending_decisions_count(user: User) -> int:
    """How many proposals ``user`` may decide: ``proposals_awaiting`` counted in one SQL statement."""
    return db.session.execute(select(DECIDABLE_COUNT), decidable_params(user)).scalar_one()
