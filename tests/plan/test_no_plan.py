"""A workstream with no milestones has no plan to assess: it reads "No plan yet" wherever its RAG would be shown,
and the report's JSON keeps its RAG values red, amber or green (green, with the reason)."""

import json

import pytest
from flask import url_for

from app.domain.permissions import Role
from app.extensions import db
from app.models import Report
from tests.conftest import parse
from tests.factories import add_member, make_milestone, make_section, make_workstream


@pytest.fixture
def empty(world):
    """Workstream Gamma, led by A's lead: a section, one removed milestone, no risks, a draft report."""
    workstream = make_workstream("Gamma", world.programme)
    add_member(world.a.lead, workstream, Role.LEAD)
    section = make_section(workstream, 1, "Getting started")
    make_milestone(section, "1.1", removed=True, removed_reason="Not needed")
    report = Report(workstream_id=workstream.id, meeting_id=world.meeting.id, state="draft")
    db.session.add(report)
    db.session.commit()
    return workstream, report


def _words(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


def test_the_plan_page_says_no_plan_yet(empty, world, login_as):
    workstream, _ = empty
    page = parse(login_as(world.a.lead).get(url_for("plan.show", workstream_id=workstream.id)))
    assert _words(page.select_one("#plan-rag")).endswith("No plan yet")
    assert page.select_one("#plan-rag .govuk-tag--green") is None
    assert _words(page.select_one("#rag-reasons")).startswith("No plan yet")


def test_the_overview_counts_it_apart_from_green(empty, world, login_as):
    workstream, _ = empty
    page = parse(login_as(world.admin).get(url_for("plan.overview")))
    row = page.select_one(f"#workstream-{workstream.id}")
    assert _words(row.select_one(".app-no-plan")) == "No plan yet"
    summary = _words(page.select_one(f"#programme-{world.programme.id}-summary"))
    assert "0 green, 1 with no plan yet" in summary


def test_the_report_says_no_plan_yet_and_its_json_stays_green(empty, world, login_as):
    workstream, report = empty
    client = login_as(world.a.lead)

    page = parse(client.get(url_for("reports.detail", report_id=report.id)))
    assert _words(page.select_one("#report-current-rag td")) == "No plan yet"
    assert page.select_one("#report-computed-rag .app-paper__computed").get_text() == "No plan yet"
    assert not page.select("#report-header [class*=app-rag-cell--green]")

    edit = parse(client.get(url_for("reports.edit", report_id=report.id)))
    assert _words(edit.select_one("#computed-rag")).endswith("No plan yet")
    labels = [_words(label) for label in edit.select("#report-form .govuk-radios__label")]
    assert labels == ["Red", "Amber", "No plan yet (as computed)"]

    document = json.loads(client.get(url_for("reports.live_json", workstream_id=workstream.id)).get_data(as_text=True))
    assert (document["rag"]["computed"], document["rag"]["reported"]) == ("green", "green")
    assert document["rag"]["reasons"] == ["No plan yet: no milestones to assess, and no open red or amber risks"]
