"""Who may decide is one rule (app.domain.permissions.can_decide_proposal); the queue and the header's count ask
it in SQL (DECIDABLE), which must pick exactly the proposals the rule allows."""

from datetime import date

import pytest
from sqlalchemy import select

from app.domain.permissions import Role, can_decide_proposal
from app.extensions import db
from app.models import Proposal
from app.services.proposals_queue import pending_decisions_count, proposals_awaiting
from tests.factories import add_member, make_milestone, make_section


@pytest.fixture
def proposals_by_everyone(world):
    """Pending proposals in A proposed by its owner (world), its lead, its sponsor, and a second lead."""
    a = world.a
    second_lead = add_member(world.b.owner, a.workstream, Role.LEAD)
    section = make_section(a.workstream, 2)
    for n, proposer in enumerate([a.lead, a.sponsor, second_lead, a.lead], start=1):
        milestone = make_milestone(section, f"2.{n}", owner_id=proposer.id)
        kind = "completion" if n < 4 else "date_change"
        db.session.add(
            Proposal(milestone_id=milestone.id, kind=kind, proposed_by_id=proposer.id, new_due=date(2031, 1, 31))
        )
    db.session.commit()
    return world


@pytest.mark.parametrize("role", ["lead", "sponsor", "owner", "viewer", "admin", "outsider", "second lead"])
def test_the_queue_and_the_header_count_pick_what_the_domain_rule_allows(proposals_by_everyone, role):
    world = proposals_by_everyone
    user = world.b.owner if role == "second lead" else world.user(role)
    allowed = {
        p.id
        for p in db.session.scalars(select(Proposal).where(Proposal.state == "pending"))
        if can_decide_proposal(
            user.id,
            user.roles_in(p.milestone.workstream_id),
            p.proposed_by_id,
            p.proposed_by.roles_in(p.milestone.workstream_id),
        )
    }

    assert {p.id for p in proposals_awaiting(user)} == allowed
    assert pending_decisions_count(user) == len(allowed)


def test_header_count_leaves_out_ones_own_proposals(proposals_by_everyone):
    lead = proposals_by_everyone.a.lead

    assert pending_decisions_count(lead) == 3  # the owner's, the sponsor's and the second lead's
