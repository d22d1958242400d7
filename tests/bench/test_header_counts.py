"""The header's count of decisions waiting is counted in SQL; it must agree with the queue's own rule."""

from datetime import date

import pytest

from app.domain.permissions import Role
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
def test_header_count_matches_the_decision_queue(proposals_by_everyone, role):
    world = proposals_by_everyone
    user = world.b.owner if role == "second lead" else world.user(role)

    assert pending_decisions_count(user) == len(proposals_awaiting(user))


def test_header_count_leaves_out_ones_own_proposals(proposals_by_everyone):
    lead = proposals_by_everyone.a.lead

    assert pending_decisions_count(lead) == 3  # the owner's, the sponsor's and the second lead's
