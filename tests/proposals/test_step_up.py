"""Deciding a proposal needs a second factor entered within 12 hours; the reason typed is kept while it is."""

from flask import url_for

from app.extensions import db
from app.models import Proposal
from app.services import second_factor
from tests.auth.helpers import code_for, give_second_factor, make_stale
from tests.conftest import parse


def test_a_stale_second_factor_is_asked_for_before_deciding_and_the_reason_is_kept(app, world, monkeypatch):
    now = 1_900_000_000.0
    monkeypatch.setattr(second_factor, "clock", lambda: now)
    lead, proposal = world.a.lead, world.a.proposal
    secret = give_second_factor(lead)
    client = app.test_client(user=lead)
    make_stale(client, hours=12.5)
    reason = "Evidence checked against the minutes. " * 200  # far more than a cookie could hold

    decide = url_for("proposals.decide", proposal_id=proposal.id)
    asked = client.post(decide, data={"decision": "reject", "reason": reason, "version": proposal.version})
    detail = url_for("proposals.detail", proposal_id=proposal.id)
    assert asked.headers["Location"] == url_for("auth.confirm_second_factor", next=detail)
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == "pending"

    assert client.post(asked.headers["Location"], data={"code": code_for(secret, now)}).headers["Location"] == detail
    page = parse(client.get(detail))
    assert page.select_one("textarea[name=reason]").get_text() == reason
    # Once only: the reason is not held for ever.
    assert parse(client.get(detail)).select_one("textarea[name=reason]").get_text() == ""

    done = client.post(decide, data={"decision": "reject", "reason": reason, "version": proposal.version})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == "rejected"


def test_an_htmx_decision_from_the_queue_is_sent_to_the_code_page_too(app, world):
    lead, proposal = world.a.lead, world.a.proposal
    give_second_factor(lead)
    client = app.test_client(user=lead)
    make_stale(client)
    response = client.post(
        url_for("proposals.decide", proposal_id=proposal.id),
        data={"decision": "approve", "version": proposal.version, "came_from": "queue"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith(url_for("auth.confirm_second_factor"))


def test_a_lead_with_no_app_and_none_required_decides_as_before(app, world):
    lead, proposal = world.a.lead, world.a.proposal
    response = app.test_client(user=lead).post(
        url_for("proposals.decide", proposal_id=proposal.id), data={"decision": "approve", "version": proposal.version}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == "approved"
