"""Importing last period's Word report from the browser: a lead into their own empty workstream, an admin into a
new one; the preview shows the report's header, RAG and reason, sections with their narratives, milestones and
risks before anything is written."""

import io

from flask import url_for
from sqlalchemy import func, select

from app.domain.permissions import Role
from app.extensions import db
from app.models import Milestone, Report, Workstream
from tests.conftest import parse
from tests.factories import make_member, make_workstream
from tests.imports.test_report_import import seed_like


def post_file(client, url, content, filename="april.docx", **data):
    return client.post(url, data={**data, "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def test_a_lead_previews_and_imports_last_periods_report_into_their_empty_workstream(app, world, login_as):
    workstream = make_workstream("Gamma", world.programme)
    lead = make_member(workstream, Role.LEAD, "Tristan Example")
    db.session.commit()
    client = login_as(lead)

    response = post_file(client, url_for("imports.upload", workstream_id=workstream.id), seed_like())
    assert response.status_code == 303
    page = parse(client.get(response.headers["Location"]))

    header = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in page.select("#import-report-header .govuk-summary-list__row")
    }
    assert header["Current RAG status"] == "Amber (At Risk)"
    assert header["Reason for RAG"] == "Progress since the board held on 15.2.21."
    assert header["Board meeting"] == "Improvement Board, 19 April 2021 (added)"  # named like the boards before
    assert header["Project lead"].startswith("Tristan Example (")
    assert header["Sponsor"].startswith("Zoe Example (not a Highlight user")
    sections = [d.select_one(".govuk-details__summary-text").get_text(" ", strip=True) for d in page.select("details")]
    assert sections == ["1. Front door (3 milestones)", "2. Edge of care (0 milestones)", "3. QLIK (3 milestones)"]
    first = page.select_one("#import-section-1").get_text("\n", strip=True)
    assert "Status of the report unknown." in first and "Staff leaving." in first
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")] for tr in page.select("#import-report-milestones tbody tr")
    ]
    assert rows[0] == [
        "1.1",
        "Triage form",
        "February 2021",
        "",
        "Complete, 15 February 2021: recorded at import, no evidence",
    ]
    assert [li.get_text(strip=True) for li in page.select("#import-risk-changes li")] == [
        "Added risk Resourcing",
        "Added risk Quarterly Reports",
    ]
    assert db.session.scalar(select(func.count(Milestone.id)).where(Milestone.workstream_id == workstream.id)) == 0

    form = page.select_one("form[action*='confirm']")
    confirmed = client.post(form["action"], data={"upload": form.select_one("input[name=upload]")["value"]})

    assert confirmed.headers["Location"].endswith(url_for("plan.show", workstream_id=workstream.id))
    assert db.session.scalar(select(Report.state).where(Report.workstream_id == workstream.id)) == "signed_off"
    plan = parse(client.get(url_for("plan.show", workstream_id=workstream.id)))
    assert "Imported april.docx: 6 milestones added, 0 updated; 2 risks added, 0 updated; 2 recorded as complete" in (
        plan.get_text(" ", strip=True)
    )


def test_a_report_into_a_plan_with_milestones_is_refused_in_the_preview(app, world, login_as):
    client = login_as(world.a.lead)
    response = post_file(client, url_for("imports.upload", workstream_id=world.a.workstream.id), seed_like())
    page = parse(client.get(response.headers["Location"]))
    problems = [li.get_text(strip=True) for li in page.select(".govuk-error-summary__list li")]
    assert problems[0].startswith(f"The workstream: {world.a.workstream.name} already has 1 milestone")
    assert page.select_one("form[action*='confirm']") is None


def test_an_admin_creates_a_workstream_from_last_periods_report(app, world, login_as):
    client = login_as(world.admin)
    response = post_file(
        client, url_for("imports.new_workstream"), seed_like(), programme_id=world.programme.id, name="Gamma"
    )
    page = parse(client.get(response.headers["Location"]))
    form = page.select_one("form[action*='confirm']")

    confirmed = client.post(form["action"], data={"upload": form.select_one("input[name=upload]")["value"]})

    gamma = db.session.scalar(select(Workstream).where(Workstream.name == "Gamma"))
    assert confirmed.headers["Location"].endswith(url_for("plan.show", workstream_id=gamma.id))
    assert gamma.title == "Business Intelligence – Progress Report"
    assert db.session.scalar(select(Report.reported_rag).where(Report.workstream_id == gamma.id)) == "amber"
