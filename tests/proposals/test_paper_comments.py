"""An approved proposal writes the milestone's comment on the paper, whichever way it is approved; the comment it
replaces stays in the milestone's history; rejected and pending proposals never change the paper's text."""

from datetime import date

import pytest
from flask import url_for
from sqlalchemy import select

from app.models import Milestone, Proposal
from app.services import plan as plan_service
from app.services.report_model import build_live
from tests.conftest import parse
from tests.factories import make_milestone

OLD_COMMENT = "Awaiting evidence of completion before the action can be recorded as complete."


@pytest.fixture
def waiting(world, db):
    """Milestone 1.1 of workstream A with the seed's comment, and its owner's completion proposal waiting."""
    world.a.milestone.comments = OLD_COMMENT
    world.a.proposal.note = "Dashboards live; sign-off email attached"
    world.a.proposal.completion_date = date(2021, 4, 12)
    db.session.commit()
    return world.a


def _comments(db, milestone_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Milestone, milestone_id).comments


def _history(client, milestone_id: int) -> str:
    page = parse(client.get(url_for("plan.milestone", milestone_id=milestone_id)))
    return " ".join(item.get_text(" ", strip=True) for item in page.select(".app-timeline__item"))


def test_approving_a_completion_from_the_decision_form_writes_its_date_and_note(waiting, login_as, db):
    lead = login_as(waiting.lead)
    response = lead.post(
        url_for("proposals.decide", proposal_id=waiting.proposal.id), data={"decision": "approve", "version": "1"}
    )
    assert response.status_code == 303
    assert _comments(db, waiting.milestone.id) == "Completed 12 April 2021: Dashboards live; sign-off email attached"
    assert OLD_COMMENT in _history(lead, waiting.milestone.id)


def test_approving_from_the_queue_with_htmx_writes_the_same_comment(waiting, login_as, db):
    headers = {"HX-Request": "true", "HX-Target": f"proposal-row-{waiting.proposal.id}"}
    response = login_as(waiting.lead).post(
        url_for("proposals.decide", proposal_id=waiting.proposal.id),
        data={"decision": "approve", "version": "1", "came_from": "queue"},
        headers=headers,
    )
    assert response.status_code == 200
    assert _comments(db, waiting.milestone.id) == "Completed 12 April 2021: Dashboards live; sign-off email attached"


def test_a_completion_in_a_month_reads_in_that_month(waiting, login_as, db):
    waiting.proposal.completion_date, waiting.proposal.completion_is_month = date(2021, 4, 30), True
    db.session.commit()
    login_as(waiting.lead).post(
        url_for("proposals.decide", proposal_id=waiting.proposal.id), data={"decision": "approve", "version": "1"}
    )
    assert _comments(db, waiting.milestone.id) == "Completed in April 2021: Dashboards live; sign-off email attached"


def _paper_comment(db, side) -> str:
    db.session.expire_all()
    model = build_live(db.session, side.workstream, date(2030, 4, 19))
    return {m.reference: m for m in model.milestones}[side.milestone.reference].comments


def test_a_rejected_or_pending_proposal_leaves_the_papers_text_alone(waiting, login_as, db):
    assert _paper_comment(db, waiting) == OLD_COMMENT  # pending
    login_as(waiting.lead).post(
        url_for("proposals.decide", proposal_id=waiting.proposal.id),
        data={"decision": "reject", "version": "1", "reason": "The email is not attached"},
    )
    assert db.session.get(Proposal, waiting.proposal.id).state == "rejected"
    assert _comments(db, waiting.milestone.id) == OLD_COMMENT
    assert _paper_comment(db, waiting) == OLD_COMMENT


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        (
            "date_change",
            {"new_due": "30/06/2031", "reason": "Supplier delay"},
            "Revised to 30 June 2031: Supplier delay",
        ),
        ("removal", {"reason": "Merged into 1.2"}, "Removed: Merged into 1.2"),
    ],
)
def test_an_approved_date_change_or_removal_reads_the_same_way(world, login_as, db, kind, values, expected):
    milestone = make_milestone(world.a.section, "1.8", owner_id=world.a.owner.id, due=date(2030, 6, 30))
    milestone.comments = "On track"
    db.session.commit()
    owner = login_as(world.a.owner)
    owner.post(
        url_for("proposals.new", milestone_id=milestone.id, kind=kind), data=values, content_type="multipart/form-data"
    )
    proposal = db.session.scalar(select(Proposal).where(Proposal.milestone_id == milestone.id))
    assert _comments(db, milestone.id) == "On track"
    lead = login_as(world.a.lead)
    lead.post(url_for("proposals.decide", proposal_id=proposal.id), data={"decision": "approve", "version": "1"})
    assert _comments(db, milestone.id) == expected
    assert "Comment before this change: “On track”" in _history(lead, milestone.id)


def test_the_lead_may_edit_the_approved_comment_and_the_history_keeps_both(waiting, login_as, db):
    lead = login_as(waiting.lead)
    lead.post(
        url_for("proposals.decide", proposal_id=waiting.proposal.id), data={"decision": "approve", "version": "1"}
    )
    approved = _comments(db, waiting.milestone.id)
    milestone = db.session.get(Milestone, waiting.milestone.id)
    response = lead.post(
        url_for("plan.edit_milestone", milestone_id=milestone.id),
        data={
            "section_id": milestone.section_id,
            "reference": milestone.reference,
            "text": milestone.text,
            "owner_id": milestone.owner_id,
            "due": "31/03/2030",
            "revised_due": "",
            "comments": "Completed early; see the dashboards",
        },
    )
    assert response.status_code in (302, 303)
    assert _comments(db, milestone.id) == "Completed early; see the dashboards"
    history = _history(lead, milestone.id)
    assert f"Comment before this change: “{approved}”" in history
    assert f"Comment before this change: “{OLD_COMMENT}”" in history


def test_an_imported_completion_keeps_the_imported_comment(world, db):
    milestone = make_milestone(world.a.section, "1.7", owner_id=world.a.owner.id, due=date(2021, 3, 31))
    milestone.comments = "Action completed on time."
    plan_service.record_imported_completion(db.session, world.a.lead, milestone, date(2021, 3, 31), True)
    db.session.commit()
    assert _comments(db, milestone.id) == "Action completed on time."
    stored = db.session.get(Milestone, milestone.id)
    assert (stored.completed_on, stored.completed_on_is_month) == (date(2021, 3, 31), True)
