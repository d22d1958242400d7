"""An owner's own proposals on their dashboard: waiting, approved, rejected with the reason, withdrawn; newest
first, each linked to its page, the latest few with a link to all of them."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import url_for

from app.domain.permissions import Role
from app.extensions import db
from app.models import Membership, Proposal
from app.services.dashboard import OWN_PROPOSALS_SHOWN
from bench.targets import SQL_BUDGET
from tests.conftest import parse
from tests.factories import add_member, make_milestone, make_section, make_user

START = datetime(2030, 1, 6, 9, 0, tzinfo=UTC)


def propose(milestone, by, n: int, state: str = "pending", **values) -> Proposal:
    """The n-th proposal made, a day after the one before."""
    made = START + timedelta(days=n)
    values = {"kind": "completion", "completion_date": date(2030, 1, 1), "note": "Done", **values}
    proposal = Proposal(
        milestone_id=milestone.id, state=state, proposed_by_id=by.id, created_at=made, updated_at=made, **values
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def own_items(page):
    return page.select("#own-proposals li")


def dashboard(login_as, user):
    response = login_as(user).get(url_for("dashboard.index"))
    assert response.status_code == 200
    return parse(response)


def test_an_owner_sees_each_state_newest_first_with_the_rejection_reason_and_a_link(world, login_as):
    a = world.a
    waiting = a.proposal  # the world's, made first
    waiting.created_at = START
    section = make_section(a.workstream, 2)
    approved = propose(make_milestone(section, "2.1", owner_id=a.owner.id), a.owner, 1, "approved",
                       decided_by_id=a.lead.id, decided_at=START + timedelta(days=2))  # fmt: skip
    rejected = propose(make_milestone(section, "2.2", owner_id=a.owner.id), a.owner, 3, "rejected",
                       decided_by_id=a.lead.id, decided_at=START + timedelta(days=4),
                       decision_reason="The sign-off email is missing")  # fmt: skip
    withdrawn = propose(make_milestone(section, "2.3", owner_id=a.owner.id), a.owner, 5, "withdrawn")
    date_change = propose(
        make_milestone(section, "2.4", owner_id=a.owner.id), a.owner, 6, kind="date_change",
        new_due=date(2030, 6, 30), new_due_is_month=True, reason="Waiting for IT", completion_date=None,
    )  # fmt: skip
    db.session.commit()

    items = own_items(dashboard(login_as, a.owner))

    expected = [date_change, withdrawn, rejected, approved, waiting]
    assert [li["data-state"] for li in items] == [p.state for p in expected]
    assert [li.a["href"] for li in items] == [url_for("proposals.detail", proposal_id=p.id) for p in expected]
    texts = [" ".join(li.get_text(" ", strip=True).split()) for li in items]
    assert texts[0].startswith("2.4: a revised date of June 2030 Waiting for a decision")
    assert "Withdrawn" in texts[1]
    assert "Rejected" in texts[2] and texts[2].endswith("Reason: The sign-off email is missing")
    assert "Approved" in texts[3] and f"approved 8 January 2030 by {a.lead.name}" in texts[3]
    assert texts[4].startswith("1.1: completion on 1 April 2021 Waiting for a decision")
    assert [li.select_one(".app-rejection-reason") is not None for li in items] == [False, False, True, False, False]
    assert not dashboard(login_as, a.owner).select("a[href='{}']".format(url_for("proposals.mine")))


def test_only_the_latest_are_shown_with_a_link_to_all_of_them(world, login_as):
    a = world.a
    section = make_section(a.workstream, 2)
    made = [propose(make_milestone(section, f"2.{n}", owner_id=a.owner.id), a.owner, n) for n in range(1, 13)]
    db.session.commit()  # 12 here and the world's one: 13 in all

    page = dashboard(login_as, a.owner)
    items = own_items(page)
    assert len(items) == OWN_PROPOSALS_SHOWN
    newest = sorted(made, key=lambda p: p.created_at, reverse=True)[:OWN_PROPOSALS_SHOWN]
    assert [li.a["href"] for li in items] == [url_for("proposals.detail", proposal_id=p.id) for p in newest]
    link = page.find("a", href=url_for("proposals.mine"))
    assert link.get_text(strip=True) == "All 13 of your proposals"

    everything = parse(login_as(a.owner).get(url_for("proposals.mine")))
    assert len(own_items(everything)) == 13
    assert own_items(everything)[-1].a["href"] == url_for("proposals.detail", proposal_id=a.proposal.id)


def test_each_person_sees_only_their_own_proposals(world, login_as):
    a, b = world.a, world.b
    section = make_section(a.workstream, 2)
    leads_own = propose(make_milestone(section, "2.1", owner_id=a.lead.id), a.lead, 1)
    imported = propose(make_milestone(section, "2.2", owner_id=a.owner.id), a.owner, 2, "approved", imported=True)
    db.session.commit()

    owner_links = [li.a["href"] for li in own_items(dashboard(login_as, a.owner))]
    assert owner_links == [url_for("proposals.detail", proposal_id=a.proposal.id)]  # not B's, not imported
    assert url_for("proposals.detail", proposal_id=imported.id) not in owner_links
    lead_links = [li.a["href"] for li in own_items(dashboard(login_as, a.lead))]
    assert lead_links == [url_for("proposals.detail", proposal_id=leads_own.id)]
    assert [li.a["href"] for li in own_items(dashboard(login_as, b.owner))] == [
        url_for("proposals.detail", proposal_id=b.proposal.id)
    ]
    for someone in (a.sponsor, a.viewer, world.admin):
        page = dashboard(login_as, someone)
        assert not page.find("h2", string="My proposals") and not own_items(page)


def test_someone_no_longer_an_owner_no_longer_sees_the_workstreams_proposals(world, login_as):
    a = world.a
    db.session.execute(sa.delete(Membership).where(Membership.user_id == a.owner.id))
    add_member(a.owner, a.workstream, Role.VIEWER)
    db.session.commit()

    assert not own_items(dashboard(login_as, a.owner))
    page = parse(login_as(a.owner).get(url_for("proposals.mine")))
    assert page.select_one("#own-proposals-empty") and not own_items(page)


def test_an_owner_with_no_proposals_is_told_so(world, login_as):
    owner = make_user("New Owner")
    add_member(owner, world.a.workstream, Role.OWNER)
    db.session.commit()
    page = dashboard(login_as, owner)
    assert page.find("h2", string="My proposals") and page.select_one("#own-proposals-empty")


def test_someone_in_every_role_gets_the_dashboard_within_the_statement_budget(world, login_as):
    """Lead of A, sponsor of B and an owner with proposals: every part of the dashboard, at most SQL_BUDGET
    statements, however many proposals they made."""
    a, b = world.a, world.b
    person = a.lead
    add_member(person, b.workstream, Role.SPONSOR)
    b.report.state = "awaiting_sign_off"
    section = make_section(a.workstream, 2)
    for n in range(1, 15):
        propose(make_milestone(section, f"2.{n}", owner_id=person.id), person, n)
    db.session.commit()
    client = login_as(person)
    db.session.expunge_all()  # a real request starts with an empty session

    statements = []
    engine = db.engine

    def count(*_args):
        statements.append(1)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url_for("dashboard.index"))
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    page = parse(response)
    assert len(own_items(page)) == OWN_PROPOSALS_SHOWN
    assert page.select("#awaiting-decision li") and page.select("#reports-to-sign li")
    assert len(statements) <= SQL_BUDGET
