"""The plan page, the programme overview and the risk register are built in a fixed number of SQL statements,
whatever the number of milestones, risks or workstreams."""

from contextlib import contextmanager
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import event

from app.domain.permissions import Role
from app.extensions import db
from app.models import Proposal
from tests.factories import (
    make_member,
    make_milestone,
    make_programme,
    make_risk,
    make_section,
    make_user,
    make_workstream,
)

LIKELIHOODS = ("low", "medium", "high")
IMPACTS = ("noticeable", "significant", "critical")


@contextmanager
def counting_statements():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements_for(client, url: str) -> int:
    """Statements run to answer ``url`` in an app context of its own (a fresh session and ``g``), as a server
    answers each request."""
    db.session.commit()
    with client.application.app_context(), counting_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    return len(statements)


def build_workstream(programme, milestones: int, risks: int = 3):
    """A workstream with a lead, more owners the larger it is (so a lazy load per owner would show), ``milestones``
    milestones over four sections (some complete, some
    awaiting approval, some removed, some overdue) and ``risks`` risks."""
    workstream = make_workstream(programme=programme)
    lead = make_member(workstream, Role.LEAD)
    owners = [make_member(workstream, Role.OWNER) for _ in range(3 + (milestones + risks) // 20)]
    sections = [make_section(workstream, number) for number in range(1, 5)]
    for n in range(milestones):
        section = sections[n % len(sections)]
        due = date(2021, 1, 31) + timedelta(days=7 * n % 300)
        milestone = make_milestone(
            section,
            f"{section.number}.{n + 1}",
            owner_id=owners[n % len(owners)].id,
            due=due,
            completed_on=due if n % 5 == 0 else None,
            removed=n % 11 == 0,
        )
        if n % 7 == 0:
            db.session.add(
                Proposal(
                    milestone_id=milestone.id, kind="completion", proposed_by_id=owners[n % len(owners)].id, note="Done"
                )
            )
    for n in range(risks):
        make_risk(
            workstream,
            f"Risk {n + 1}",
            likelihood=LIKELIHOODS[n % 3],
            impact=IMPACTS[n // 3 % 3],
            owner_id=owners[n % len(owners)].id,
            mitigation_date=date(2021, 3, 31) + timedelta(days=n),
            closed=n % 4 == 0,
        )
    db.session.flush()
    return workstream, lead


def test_plan_page_takes_the_same_number_of_statements_for_10_and_300_milestones(app, login_as):
    programme = make_programme()
    small, small_lead = build_workstream(programme, 10)
    large, large_lead = build_workstream(programme, 300)
    small_url = url_for("plan.show", workstream_id=small.id, as_of="2021-04-19")
    large_url = url_for("plan.show", workstream_id=large.id, as_of="2021-04-19")
    small_client, large_client = login_as(small_lead), login_as(large_lead)

    assert statements_for(small_client, small_url) == statements_for(large_client, large_url)


def test_risk_register_takes_the_same_number_of_statements_for_10_and_300_risks(app, login_as):
    programme = make_programme()
    small, small_lead = build_workstream(programme, 5, risks=10)
    large, large_lead = build_workstream(programme, 5, risks=300)
    small_client, large_client = login_as(small_lead), login_as(large_lead)

    for status in ("open", "all"):
        small_url = url_for("risks.index", workstream_id=small.id, status=status)
        large_url = url_for("risks.index", workstream_id=large.id, status=status)
        assert statements_for(small_client, small_url) == statements_for(large_client, large_url)


def test_overview_takes_the_same_number_of_statements_whatever_the_size_of_the_programme(app, login_as):
    admin = make_user(is_admin=True)
    programme = make_programme()
    build_workstream(programme, 10)
    client = login_as(admin)
    url = url_for("plan.overview", as_of="2021-04-19")
    small = statements_for(client, url)

    build_workstream(programme, 300, risks=40)
    build_workstream(make_programme(), 50)
    build_workstream(programme, 0, risks=0)
    assert statements_for(client, url) == small
