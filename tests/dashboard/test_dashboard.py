"""What the dashboard lists for each person: their workstreams, milestones, decisions and reports."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import url_for

from app.domain.permissions import Role
from app.extensions import db
from app.models import Proposal, Report
from app.services.dashboard import build_dashboard
from app.services.plan_view import load_plan
from app.services.proposals_queue import proposals_awaiting
from tests.conftest import parse
from tests.factories import add_member, make_milestone, make_risk, make_section, make_workstream

TODAY = date.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def dashboard(login_as, user):
    response = login_as(user).get(url_for("dashboard.index"))
    assert response.status_code == 200
    return parse(response)


def texts(page, selector: str) -> list[str]:
    return [" ".join(e.get_text(" ", strip=True).split()) for e in page.select(selector)]


@pytest.fixture
def plan(world):
    """Workstream A's plan with a milestone in every state as at today, most of them owned by A's owner."""
    a = world.a
    section = make_section(a.workstream, 2, "Delivery")
    owner = a.owner.id
    made = {
        "soon": make_milestone(section, "2.1", owner_id=owner, due=days(10), due_is_month=False),
        "later": make_milestone(section, "2.2", owner_id=owner, due=days(20), due_is_month=False),
        "late": make_milestone(section, "2.3", owner_id=owner, due=days(-5), due_is_month=False),
        "very late": make_milestone(section, "2.4", owner_id=owner, due=days(-40), due_is_month=False),
        "done": make_milestone(section, "2.5", owner_id=owner, due=days(-3), due_is_month=False, completed_on=days(-4)),
        "removed": make_milestone(section, "2.6", owner_id=owner, due=days(3), removed=True, removed_reason="Merged"),
        "not mine": make_milestone(section, "2.7", owner_id=a.lead.id, due=days(-2), due_is_month=False),
        "slipped": make_milestone(
            section, "2.8", owner_id=owner, due=days(1), revised_due=days(12), due_is_month=False
        ),
    }
    db.session.commit()
    return made


def test_each_workstream_shows_the_plan_pages_rag_and_counts(world, plan, login_as):
    page = dashboard(login_as, world.a.lead)
    assessment = load_plan(db.session, world.a.workstream, TODAY).assessment

    rows = page.select("table:has(caption:-soup-contains('Your workstreams')) tbody tr")
    assert [r.th.get_text(strip=True) for r in rows] == ["Alpha"]
    assert rows[0].th.a["href"] == url_for("plan.show", workstream_id=world.a.workstream.id)
    cells = [td.get_text(strip=True) for td in rows[0].select("td")]
    counts = assessment.counts
    assert cells == [
        assessment.rag.label,
        str(counts.complete),
        str(counts.open),
        str(counts.overdue),
        str(counts.awaiting_approval),
    ]
    # 1.1 awaits approval of its completion; 2.5 is complete; 2.3, 2.4 and 2.7 are overdue; 2.6 is removed.
    assert cells == ["Red", "1", "7", "3", "1"]
    header = page.select("table:has(caption:-soup-contains('Your workstreams')) thead th")[1]
    assert header.get_text(strip=True) == f"Computed RAG as at {TODAY.day} {TODAY.strftime('%B')} {TODAY.year}"


def test_a_sponsor_of_several_workstreams_sees_each_in_name_order(world, login_as):
    sponsor = world.a.sponsor
    other = make_workstream("Aardvark", world.programme)
    add_member(sponsor, other, Role.SPONSOR)
    make_milestone(make_section(other, 1), "1.1", due=days(30), due_is_month=False)
    make_risk(other, "R1", likelihood="high", impact="critical")
    db.session.commit()

    page = dashboard(login_as, sponsor)

    rows = page.select("table:has(caption:-soup-contains('Your workstreams')) tbody tr")
    assert [r.th.get_text(strip=True) for r in rows] == ["Aardvark", "Alpha"]
    assert [td.get_text(strip=True) for td in rows[0].select("td")] == ["Red", "0", "1", "0", "0"]
    # Alpha: its medium, significant risk is amber; 1.1 awaits approval of its completion.
    assert [td.get_text(strip=True) for td in rows[1].select("td")] == ["Amber", "0", "1", "0", "1"]


def test_my_milestones_are_my_open_ones_due_within_14_days_soonest_first(world, plan, login_as):
    page = dashboard(login_as, world.a.owner)

    rows = page.select("#my-milestones tbody tr")
    assert [r.th.get_text(strip=True) for r in rows] == ["2.4", "2.3", "2.1", "2.8"]
    first = rows[0]
    assert first.th.a["href"] == url_for("plan.milestone", milestone_id=plan["very late"].id)
    assert "Deliver 2.4" in first.get_text() and "Alpha" in first.get_text()
    cells = [[td.get_text(" ", strip=True) for td in r.select("td")][1:] for r in rows]
    assert cells[0] == [days(-40).strftime("%-d %B %Y"), "Overdue"]
    assert cells[3] == [days(12).strftime("%-d %B %Y"), "Slipped"]
    status = page.select("#my-milestones thead th")[3].get_text(strip=True)
    assert status == f"Status as at {TODAY.day} {TODAY.strftime('%B')} {TODAY.year}"
    assert page.select_one("#overdue-milestones") is None  # an owner leads nothing


def test_an_owner_with_nothing_due_is_told_so(world, login_as):
    page = dashboard(login_as, world.a.owner)

    assert page.select_one("#my-milestones") is None
    assert "Nothing of yours is due soon or overdue." in page.get_text()


def test_the_lead_sees_overdue_milestones_longest_overdue_first(world, plan, login_as):
    page = dashboard(login_as, world.a.lead)

    assert texts(page, "#overdue-milestones li") == [
        "2.4 Deliver 2.4 — overdue 40 days (Alpha)",
        "2.3 Deliver 2.3 — overdue 5 days (Alpha)",
        "2.7 Deliver 2.7 — overdue 2 days (Alpha)",
    ]
    link = page.select_one("#overdue-milestones a")
    assert link["href"] == url_for("plan.milestone", milestone_id=plan["very late"].id)
    # The lead owns 2.7, overdue: it is in their own list too.
    assert texts(page, "#my-milestones tbody th") == ["2.7"]


def _propose(milestone, proposer, minutes_ago: int, kind: str = "completion") -> Proposal:
    proposal = Proposal(
        milestone_id=milestone.id,
        kind=kind,
        proposed_by_id=proposer.id,
        completion_date=TODAY,
        new_due=days(60),
        created_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
    )
    db.session.add(proposal)
    return proposal


@pytest.fixture
def many_proposals(world):
    """Twelve pending proposals in A by its owner (oldest first: 2.1 … 2.12), one by its lead, one in B."""
    a = world.a
    section = make_section(a.workstream, 2)
    by_owner = [_propose(make_milestone(section, f"2.{n}"), a.owner, 100 - n) for n in range(1, 13)]
    by_lead = _propose(make_milestone(section, "2.20"), a.lead, 50, kind="date_change")
    _propose(world.b.milestone, world.b.owner, 500, kind="date_change")
    db.session.commit()
    return by_owner, by_lead


def test_the_lead_sees_the_ten_oldest_decisions_and_how_many_wait(world, many_proposals, login_as):
    by_owner, _ = many_proposals
    page = dashboard(login_as, world.a.lead)

    items = page.select("#awaiting-decision li")
    assert len(items) == 10
    # Oldest first (the world's own proposal on 1.1 is the newest); never the lead's own, nor B's.
    assert [i.get_text(" ", strip=True).split(":")[0] for i in items] == [f"2.{n}" for n in range(1, 11)]
    assert items[0].a["href"] == url_for("proposals.detail", proposal_id=by_owner[0].id)
    assert items[0].a.get_text(" ", strip=True) == "2.1: completion proposed by Alpha owner"
    assert "All 13 waiting for a decision" in page.get_text(" ", strip=True)


def test_the_sponsor_decides_only_what_a_lead_proposed(world, many_proposals, login_as):
    page = dashboard(login_as, world.a.sponsor)

    assert texts(page, "#awaiting-decision li a") == ["2.20: date change proposed by Alpha lead"]
    assert "All 1 waiting for a decision" in page.get_text(" ", strip=True)


@pytest.mark.parametrize("role", ["lead", "sponsor", "owner", "viewer", "admin", "outsider", "second lead"])
def test_the_decisions_listed_are_the_queues_first_ten(world, many_proposals, role):
    """The dashboard's one query (LIMIT and count) agrees with the decision queue's own rule, for everyone."""
    a = world.a
    second_lead = add_member(world.b.owner, a.workstream, Role.LEAD)
    section = make_section(a.workstream, 3)
    _propose(make_milestone(section, "3.1"), a.sponsor, 200)
    _propose(make_milestone(section, "3.2"), second_lead, 150)
    db.session.commit()
    user = second_lead if role == "second lead" else world.user(role)

    shown = build_dashboard(db.session, user, TODAY)
    queue = proposals_awaiting(user)

    assert [p.id for p in shown.awaiting_decision] == [p.id for p in queue[:10]]
    assert shown.decisions_waiting == len(queue)


def test_nothing_to_decide(world, login_as):
    world.a.proposal.state = "withdrawn"
    db.session.commit()

    page = dashboard(login_as, world.a.lead)

    assert page.select_one("#awaiting-decision") is None
    assert "No proposals are waiting for your decision." in page.get_text()


def _report(workstream, meeting, state: str, signed_days_ago: int | None = None) -> Report:
    report = Report(workstream_id=workstream.id, meeting_id=meeting.id, state=state, reported_rag="green")
    if state == "awaiting_sign_off":
        report.submitted_at = datetime.now(UTC)
    if signed_days_ago is not None:
        report.signed_off_at = datetime.now(UTC) - timedelta(days=signed_days_ago)
    db.session.add(report)
    db.session.flush()
    return report


def test_reports_to_sign_and_signed_off_reports(world, login_as):
    from app.models import BoardMeeting

    meetings = [
        BoardMeeting(programme_id=world.programme.id, name=f"Board {n}", date=date(2029, n, 1)) for n in range(1, 13)
    ]
    db.session.add_all(meetings)
    db.session.flush()
    world.a.report.state = "awaiting_sign_off"
    world.a.report.submitted_at = datetime.now(UTC)
    for n, meeting in enumerate(meetings, start=1):
        _report(world.a.workstream, meeting, "signed_off", signed_days_ago=n)
    _report(world.b.workstream, meetings[0], "signed_off", signed_days_ago=0)
    db.session.commit()

    sponsor = dashboard(login_as, world.a.sponsor)
    assert texts(sponsor, "#reports-to-sign li") == ["Alpha for Improvement Board, 19 April 2030"]
    assert sponsor.select_one("#reports-to-sign a")["href"] == url_for("reports.detail", report_id=world.a.report.id)
    signed = texts(sponsor, "#signed-reports li")
    # The ten most recently signed off, of the sponsor's workstreams only.
    assert signed == [f"Alpha for Board {n}, 1 {date(2029, n, 1):%B} 2029" for n in range(1, 11)]

    viewer = dashboard(login_as, world.a.viewer)
    assert texts(viewer, "#signed-reports li") == signed
    assert viewer.select_one("#reports-to-sign") is None and "Reports to sign off" not in viewer.get_text()


def test_a_sponsor_with_nothing_to_sign(world, login_as):
    page = dashboard(login_as, world.a.sponsor)

    assert "No reports are waiting for your sign-off." in page.get_text()
    assert "No reports have been signed off yet." in page.get_text()


def test_the_admin_dashboard_lists_signed_off_reports_of_every_workstream(world, login_as):
    """An admin holds no role in a workstream but reads every report: the latest signed off, from all of them."""
    from app.models import BoardMeeting

    meeting = BoardMeeting(programme_id=world.programme.id, name="Spring Board", date=date(2029, 3, 1))
    db.session.add(meeting)
    db.session.flush()
    _report(world.a.workstream, meeting, "signed_off", signed_days_ago=2)
    _report(world.b.workstream, meeting, "signed_off", signed_days_ago=1)
    world.a.report.state = "awaiting_sign_off"  # not signed: never listed as signed
    world.a.report.submitted_at = datetime.now(UTC)
    db.session.commit()

    page = dashboard(login_as, world.admin)

    assert texts(page, "#signed-reports li") == [
        "Beta for Spring Board, 1 March 2029",
        "Alpha for Spring Board, 1 March 2029",
    ]
    assert page.select_one("#reports-to-sign") is None
    # Someone with a role sees only their own workstreams' reports, as before.
    assert texts(dashboard(login_as, world.a.viewer), "#signed-reports li") == ["Alpha for Spring Board, 1 March 2029"]


def test_a_workstream_with_no_milestones_shows_no_plan_yet_not_green(world, login_as):
    empty = make_workstream("Gamma", world.programme)
    add_member(world.a.lead, empty, Role.LEAD)
    db.session.commit()

    page = dashboard(login_as, world.a.lead)

    row = next(tr for tr in page.select("#your-workstreams tbody tr") if "Gamma" in tr.th.get_text())
    (tag,) = row.select(".govuk-tag")
    assert tag.get_text(strip=True) == "No plan yet"
    assert "govuk-tag--green" not in tag["class"]


def test_due_soon_on_the_dashboard_is_the_programmes_amber_window(world, login_as):
    """One rule for "due soon": the programme's amber window, as the RAG's label uses it."""
    a = world.a
    section = make_section(a.workstream, 3, "Later")
    make_milestone(section, "3.1", owner_id=a.owner.id, due=days(20))
    db.session.commit()
    assert "3.1" not in " ".join(texts(dashboard(login_as, a.owner), "#my-milestones tr"))
    world.programme.amber_window_days = 21
    db.session.commit()
    rows = texts(dashboard(login_as, a.owner), "#my-milestones tr")
    assert any(row.startswith("3.1") and "Due soon" in row for row in rows), rows
