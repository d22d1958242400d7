"""The demo set in today's week shows a lead's ordinary week: a few milestones overdue, several due soon, proposals
waiting for a decision, and the previous board's paper signed off."""

from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from app.demo import data, week
from app.domain.dates import parse_plan_date
from app.domain.demo import demo_calendar
from app.domain.proposals import check_completion
from app.domain.rag import Rag
from app.extensions import db
from app.models import BoardMeeting, Report, User, Workstream
from app.services.dashboard import build_dashboard
from app.services.demo import load_demo
from app.services.plan_view import load_plan
from app.services.report_model import build_board_pack, build_live
from tests.conftest import parse

PASSWORD = "demo-password-for-tests"


@pytest.fixture(params=[date(2026, 11, 30), date(2024, 2, 29), date(2026, 1, 6), date(2026, 7, 20)], ids=str)
def today(request):
    return request.param


@pytest.fixture
def demo(app, today):
    people = load_demo(db.session, PASSWORD, today)
    db.session.commit()
    return people


def person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def references(items) -> set[str]:
    return {item.reference for item in items}


SECOND = week.SECOND_WORKSTREAM["name"]


def in_second(items) -> dict[str, object]:
    """The items of the week's second workstream (where its actions fall due), by reference."""
    return {item.reference: item for item in items if item.workstream.name == SECOND}


def seed_workstream() -> Workstream:
    return db.session.scalar(select(Workstream).where(Workstream.name == data.WORKSTREAM["name"]))


def test_the_lead_sees_a_few_overdue_and_proposals_waiting_and_the_workstream_amber(demo, today):
    dashboard = build_dashboard(db.session, person(data.LEAD), today)

    rags = {status.workstream.name: status.assessment.rag for status in dashboard.workstreams}
    assert rags == {data.WORKSTREAM["name"]: Rag.AMBER, SECOND: Rag.AMBER}  # a normal week: nothing past tolerance
    assert {(item.workstream.name, item.reference) for item in dashboard.overdue_in_lead} == {
        (SECOND, "1.1"),
        (SECOND, "2.1"),
    }
    assert all(0 < item.assessment.overdue_days <= 28 for item in dashboard.overdue_in_lead)
    waiting = {(p.milestone.reference, p.kind) for p in dashboard.awaiting_decision}
    assert waiting == {("1.6", "completion"), ("5.3", "completion"), ("2.9", "date_change")}
    assert dashboard.decisions_waiting == 3
    assert "1.2" in in_second(dashboard.my_due)


def test_owners_see_several_milestones_due_soon_and_their_own_overdue(demo, today):
    owner = build_dashboard(db.session, person(data.OWNER), today)
    due = {reference: item.assessment.label for reference, item in in_second(owner.my_due).items()}
    assert due == {"1.1": "Overdue", "2.2": "Due soon", "3.1": "Due soon", "3.2": "Due soon"}
    assert all((item.current_due - today).days <= 14 for item in owner.my_due)

    owner2 = build_dashboard(db.session, person(data.OWNER2), today)
    assert set(in_second(owner2.my_due)) == {"2.1", "2.3"}


def test_the_sponsor_decides_the_leads_own_proposal(demo, today):
    dashboard = build_dashboard(db.session, person(data.SPONSOR), today)
    assert [(p.milestone.reference, p.kind) for p in dashboard.awaiting_decision] == [("8.1", "date_change")]


def test_the_previous_paper_is_signed_off_so_previous_rag_is_set_and_its_board_pack_has_it(demo, today):
    workstream = seed_workstream()
    draft = db.session.scalar(select(Report).where(Report.state == "draft"))
    live = build_live(db.session, workstream, today, report=draft)
    assert live.rag.previous == "amber"

    previous = db.session.scalar(select(Report).where(Report.state == "signed_off"))
    assert previous.meeting.date < today < draft.meeting.date
    assert previous.submitted_at.date() < previous.signed_off_at.date() < previous.meeting.date
    pack = build_board_pack(db.session, previous.meeting)
    entries = {entry.workstream: entry for entry in pack.entries}
    assert set(entries) == {data.WORKSTREAM["name"], SECOND}
    entry = entries[data.WORKSTREAM["name"]]
    assert entry.current == "amber" and entry.model is not None
    assert entries[SECOND].model is None  # the second workstream had no paper at that board
    assert entry.model.sections[0].barriers  # the paper carries its narrative

    dashboard = build_dashboard(db.session, person(data.VIEWER), today)
    assert [r.id for r in dashboard.signed_reports] == [previous.id]


def test_every_proposal_of_the_week_comes_from_the_milestones_owner_with_evidence(demo, today):
    dashboard = build_dashboard(db.session, person(data.OWNER), today)
    states = {item.proposal.milestone.reference: item.proposal.state for item in dashboard.own_proposals}
    assert states == {"1.6": "pending", "5.3": "pending", "2.8": "rejected", "1.5": "approved"}
    for item in dashboard.own_proposals:
        proposal = item.proposal
        assert proposal.milestone.owner_id == person(data.OWNER).id
        if proposal.kind == "completion":
            assert proposal.note and proposal.evidence
            assert proposal.completion_date <= today


def test_the_demo_dashboards_render_the_week(app, demo, today, login_as, monkeypatch):
    monkeypatch.setattr("app.dashboard.routes.today", lambda: today)
    page = parse(login_as(person(data.LEAD)).get(url_for("dashboard.index")))
    assert len(page.select("#overdue-milestones li")) == 2
    assert len(page.select("#awaiting-decision li")) == 3
    assert len(page.select("#signed-reports li")) == 1

    page = parse(login_as(person(data.OWNER)).get(url_for("dashboard.index")))
    labels = [row.select("td")[-1].get_text(" ", strip=True) for row in page.select("#my-milestones tbody tr")]
    assert "Overdue" in labels and labels.count("Due soon") >= 3
    assert [li["data-state"] for li in page.select("#own-proposals li")] == [
        "pending",
        "pending",
        "rejected",
        "approved",
    ]


def test_the_demo_loads_whatever_day_it_is():
    """Every demo proposal passes the app's own rule (a completion never after today) on every day of five years,
    and every action the week adds is overdue or due within the amber window."""
    seed_meeting = date.fromisoformat(data.REPORT["meeting_date"])
    day = date(2024, 1, 1)
    while day <= date(2028, 12, 31):
        calendar = demo_calendar(seed_meeting, day)
        for proposal in week.PROPOSALS:
            if proposal.completion_on:
                written, month_only = parse_plan_date(proposal.completion_on)
                check_completion(calendar.move(written, month_only), month_only, day, proposal.note, 1)
        day += timedelta(days=1)
    assert {a.due_in_days < 0 for a in week.ACTIONS} == {True, False}
    assert all(a.due_in_days > -28 for a in week.ACTIONS)
    assert sum(0 <= a.due_in_days <= 14 for a in week.ACTIONS) >= 3  # several due soon


def test_the_week_is_drawn_from_the_seed_and_keeps_its_dates():
    seed = {m.reference: m for m in data.MILESTONES}
    owners = {r: m.owner_email for r, m in seed.items()}
    for proposal in week.PROPOSALS:
        assert owners[proposal.reference] == proposal.proposer_email, proposal.reference
        if proposal.decision == "approve":
            # An approved completion records the seed's own completion: same date, same precision.
            assert proposal.kind == "completion" and proposal.completion_on == seed[proposal.reference].completed_on
        if proposal.decision == "reject":
            assert proposal.decision_reason
    assert {a.section for a in week.ACTIONS} <= {number for number, _ in week.SECOND_SECTIONS}
    assert len({a.reference for a in week.ACTIONS}) == len(week.ACTIONS)
    assert set(week.PREVIOUS_REPORT["narratives"]) == {s.number for s in data.SECTIONS}
    assert week.PREVIOUS_REPORT["meeting_date"] in {m.date for m in data.MEETINGS}
    assert week.PREVIOUS_REPORT["meeting_date"] < data.REPORT["meeting_date"]


def test_the_week_names_nobody_real():
    import inspect

    source = inspect.getsource(week)
    for real in ("Bulmer", "Harris", "Parkinson", "Elcock", "Wrigglesworth", "Luton"):
        assert real not in source


def test_the_plan_as_at_today_is_not_red(demo, today):
    plan = load_plan(db.session, seed_workstream(), today)
    assert plan.assessment.rag is Rag.AMBER
    second = load_plan(db.session, db.session.scalar(select(Workstream).where(Workstream.name == SECOND)), today)
    assert second.assessment.rag is Rag.AMBER
    assert second.assessment.counts.overdue == 2
    assert db.session.scalar(select(BoardMeeting).order_by(BoardMeeting.date.desc())).date > today
