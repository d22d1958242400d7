"""Many requests at once against a real threaded server and the configured database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set): one decision, whoever clicks, however often."""

from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.models import AuditEvent, Evidence, Milestone, Notification, Proposal
from tests.factories import make_member
from tests.live_server import Browser, all_at_once

pytestmark = pytest.mark.concurrency

REQUESTS_PER_DECIDER = 8


def _count(db, action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_two_deciders_clicking_many_times_make_exactly_one_decision(world, server, db):
    second_lead = make_member(world.a.workstream, "lead", "Second Lead")
    db.session.commit()
    proposal = world.a.proposal
    path = url_for("proposals.decide", proposal_id=proposal.id)
    deciders = [Browser(server, world.a.lead.email), Browser(server, second_lead.email)]
    calls = []
    for n in range(REQUESTS_PER_DECIDER):
        for who, browser in enumerate(deciders):
            form = {"decision": "approve", "version": "1"}
            if (n + who) % 3 == 0:
                form = {"decision": "reject", "version": "1", "reason": "Not enough evidence"}
            calls.append(lambda browser=browser, form=form: browser.post(path, form))

    results = all_at_once(calls)

    statuses = sorted(status for status, _ in results)
    assert statuses.count(303) == 1, statuses
    assert statuses.count(409) == len(calls) - 1, statuses
    db.session.expire_all()
    decided = db.session.get(Proposal, proposal.id)
    assert decided.state in ("approved", "rejected")
    decider_name = decided.decided_by.name
    for status, body in results:
        if status == 409:
            assert f"already {decided.state} by {decider_name} on" in body
    assert _count(db, "proposal.approved") + _count(db, "proposal.rejected") == 1
    assert _count(db, "milestone.completed") == (1 if decided.state == "approved" else 0)
    to_owner = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == world.a.owner.id))
    assert to_owner == 1
    milestone = db.session.get(Milestone, world.a.milestone.id)
    assert (milestone.completed_on is not None) is (decided.state == "approved")


def test_new_evidence_racing_decisions_never_lets_an_unseen_version_be_approved(world, server, db):
    proposal = world.a.proposal
    lead = Browser(server, world.a.lead.email)
    owner = Browser(server, world.a.owner.email)
    decide = url_for("proposals.decide", proposal_id=proposal.id)
    add = url_for("proposals.add_evidence", proposal_id=proposal.id)
    calls = [lambda: lead.post(decide, {"decision": "approve", "version": "1"}) for _ in range(6)]
    calls.append(lambda: owner.post(add, {"links": "https://example.org/signed-register"}))

    results = all_at_once(calls)

    decisions, evidence_added = results[:-1], results[-1]
    db.session.expire_all()
    current = db.session.get(Proposal, proposal.id)
    newer = db.session.scalar(
        select(func.count(Evidence.id)).where(Evidence.proposal_id == proposal.id, Evidence.proposal_version == 2)
    )
    if current.state == "approved":
        # The decision came first: it applies to version 1, and the late evidence was refused whole.
        assert (current.version, current.decided_version, newer) == (1, 1, 0)
        assert evidence_added[0] == 409
        assert sorted(s for s, _ in decisions).count(303) == 1
    else:
        # The evidence came first: every decision on version 1 is stale, and the proposal waits at version 2.
        assert (current.state, current.version, newer) == ("pending", 2, 1)
        assert evidence_added[0] == 303
        assert all(status == 409 for status, _ in decisions)
        assert all("you saw version 1" in body for _, body in decisions)
    assert _count(db, "proposal.approved") == (1 if current.state == "approved" else 0)


def test_the_same_proposal_sent_many_times_at_once_is_stored_once(world, server, db):
    milestone = world.a.milestone
    # Withdraw the world's pending completion so the race is on an empty slot.
    world.a.proposal.state = "withdrawn"
    db.session.commit()
    owner = Browser(server, world.a.owner.email)
    path = url_for("proposals.new", milestone_id=milestone.id, kind="completion")
    form = {
        "completion_date": (date.today() - timedelta(days=2)).isoformat(),
        "note": "Done",
        "links": "https://example.org/evidence",
    }
    results = all_at_once([lambda: owner.post(path, form) for _ in range(10)])

    statuses = [status for status, _ in results]
    assert statuses.count(303) == 1, statuses
    assert statuses.count(400) == 9, statuses
    for status, body in results:
        if status == 400:
            assert "already has a proposal of completion waiting for a decision" in body
    pending = db.session.scalar(
        select(func.count(Proposal.id)).where(Proposal.milestone_id == milestone.id, Proposal.state == "pending")
    )
    assert pending == 1
    assert _count(db, "proposal.created") == 1
