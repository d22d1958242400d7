"""One decision, what it writes and what it reads: the proposal as the UPDATE left it (not read back), the milestone
as it is at the moment of deciding, and the proposal, its milestone and its proposer's roles loaded in one go."""

from datetime import date

from flask import url_for
from sqlalchemy import event, select, update

from app import jobs
from app.models import AuditEvent, Milestone, Proposal
from app.services import proposals as service
from tests.conftest import parse


def test_the_decided_proposal_holds_what_the_update_wrote(world, db):
    proposal = db.session.get(Proposal, world.a.proposal.id)

    decided = service.decide(db.session, world.a.lead, proposal, "reject", "  Register unsigned ", 1)

    assert (decided.state, decided.decided_by_id, decided.decided_version) == ("rejected", world.a.lead.id, 1)
    assert decided.decision_reason == "Register unsigned"
    assert decided.decided_by is world.a.lead
    assert decided.decided_at is not None and decided.updated_at == decided.decided_at
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Proposal, world.a.proposal.id)
    assert (stored.state, stored.decided_by_id, stored.decided_at) == ("rejected", world.a.lead.id, decided.decided_at)
    assert stored.decision_reason == "Register unsigned"


def test_an_edit_made_to_the_milestone_after_the_proposal_was_loaded_is_kept(world, db):
    milestone = world.a.milestone
    proposal = Proposal(
        milestone_id=milestone.id,
        kind="date_change",
        proposed_by_id=world.a.owner.id,
        new_due=date(2030, 9, 30),
        new_due_is_month=True,
        reason="Supplier went into administration",
    )
    db.session.add(proposal)
    db.session.commit()
    loaded = db.session.get(Proposal, proposal.id)
    assert loaded.milestone.comments == ""
    # Someone else edits the milestone between this request loading it and deciding.
    with db.engine.begin() as other:
        other.execute(update(Milestone).where(Milestone.id == milestone.id).values(comments="Agreed with the board"))

    service.decide(db.session, world.a.lead, loaded, "approve", "", 1)
    db.session.commit()

    db.session.expire_all()
    assert (
        db.session.get(Milestone, milestone.id).comments
        == "Revised to September 2030: Supplier went into administration"
    )
    # The comment the approval replaced is the one written meanwhile, and the history keeps it.
    revised = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "milestone.revised"))
    assert revised.replaced_comment == "Agreed with the board"


def test_approving_loads_what_the_decision_needs_at_once_and_reads_nothing_back(world, db, login_as):
    lead = login_as(world.a.lead)
    url = url_for("proposals.decide", proposal_id=world.a.proposal.id)
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split())[:120])

    db.session.remove()  # as in production: each request starts with nothing in the session
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = lead.post(url, data={"decision": "approve", "version": "1"})
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    assert response.status_code == 303
    # The user; the proposal with its milestone and proposer's memberships; the conditional UPDATE; the milestone
    # under the lock; the two audit events (one statement where the database returns ids in order), the
    # notification, the email and the milestone's UPDATE.
    # Where the job queue is the database's (PostgreSQL), the mail job goes in with the same transaction, in a
    # savepoint and its release.
    queued_in_transaction = 2 if jobs.backend().kind == jobs.DATABASE else 0
    assert len(statements) <= 9 + queued_in_transaction, "\n".join(statements)
    assert sum(s.startswith("SELECT proposals.") for s in statements) == 1, "\n".join(statements)
    assert not [s for s in statements if s.startswith("SELECT memberships.")], "\n".join(statements)
    page = parse(lead.get(response.headers["Location"]))
    banner = page.select_one(".govuk-notification-banner").get_text(" ", strip=True)
    assert "Approved: completion on 1 April 2021 of milestone 1.1" in banner
