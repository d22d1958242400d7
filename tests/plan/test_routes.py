from datetime import date

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Milestone, Section
from tests.conftest import out_of_band, parse
from tests.factories import make_member, make_milestone


def _rows(page):
    return [th.get_text(strip=True) for th in page.select("#plan-results tbody th")]


def test_plan_shows_sections_with_the_seed_columns(login_as, world):
    page = parse(login_as(world.a.lead).get(url_for("plan.show", workstream_id=world.a.workstream.id)))
    table = page.select_one("#plan-results table")
    assert table.caption.get_text(strip=True) == "1. Responding to feedback"
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == [
        "Reference",
        "Milestone",
        "Owner",
        "Date Due",
        "Actual/ Revised Date",
        "Status",
        "Comments/ Reason for Delay",
    ]
    assert _rows(page) == ["1.1"]


def test_plan_filters_by_owner_and_status(login_as, world):
    a = world.a
    other_owner = make_member(a.workstream, "owner", "Other Owner")
    make_milestone(a.section, "1.2", owner_id=other_owner.id, due=date(2020, 1, 31))
    make_milestone(a.section, "1.3", owner_id=a.owner.id, due=date(2020, 1, 31), completed_on=date(2020, 1, 1))
    db.session.commit()
    client = login_as(a.lead)
    url = url_for("plan.show", workstream_id=a.workstream.id)
    assert _rows(parse(client.get(url))) == ["1.1", "1.2", "1.3"]
    assert _rows(parse(client.get(url, query_string={"owner": a.owner.id}))) == ["1.1", "1.3"]
    assert _rows(parse(client.get(url, query_string={"status": "overdue"}))) == ["1.2"]
    assert _rows(parse(client.get(url, query_string={"status": "complete"}))) == ["1.3"]
    both = parse(client.get(url, query_string={"owner": a.owner.id, "status": "open"}))
    assert _rows(both) == ["1.1"]
    assert "Showing 1 of 3 milestones" in both.select_one("#plan-count").get_text()


def test_my_milestones_filter_uses_the_signed_in_owner(login_as, world):
    a = world.a
    make_milestone(a.section, "1.2", owner_id=a.lead.id)
    db.session.commit()
    page = parse(login_as(a.owner).get(url_for("plan.show", workstream_id=a.workstream.id, owner="me")))
    assert _rows(page) == ["1.1"]


def test_plan_filter_htmx_request_gets_only_the_results_fragment(login_as, world):
    client = login_as(world.a.lead)
    url = url_for("plan.show", workstream_id=world.a.workstream.id, status="open")
    full = client.get(url)
    assert full.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")
    assert "HX-Request" in full.headers["Vary"]
    fragment = client.get(url, headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body.lower()
    assert "HX-Request" in fragment.headers["Vary"]
    assert parse(fragment).select_one("div#plan-results") is not None
    assert _rows(parse(fragment)) == ["1.1"]
    # The count stays outside the results (a live region, in the page from the start), updated out of band.
    assert out_of_band(parse(fragment), "plan-count").get_text() == "Showing 1 of 1 milestones"
    status = parse(full).select_one("#plan-count")
    assert status["role"] == "status" and status.find_parent(id="plan-results") is None


def test_plan_filter_form_works_without_javascript(login_as, world):
    page = parse(login_as(world.a.lead).get(url_for("plan.show", workstream_id=world.a.workstream.id)))
    form = page.select_one("form.app-filter")
    assert form["method"] == "get"
    assert form["action"] == url_for("plan.show", workstream_id=world.a.workstream.id)
    assert form.select_one("button") is not None
    assert form["hx-target"] == "#plan-results"


def _status(page, reference: str) -> str:
    """The words of a milestone's Status cell."""
    escaped = reference.replace(".", "\\.")
    row = page.select_one(f"#milestone-{escaped}")
    return row.select("td")[4].get_text(" ", strip=True)


def test_plan_rag_and_reasons_follow_the_as_of_date(login_as, world):
    client = login_as(world.a.lead)
    url = url_for("plan.show", workstream_id=world.a.workstream.id)
    # 1.1 is due 31 March 2030, its completion awaiting approval: the Status says so, then how its dates stand.
    early = parse(client.get(url, query_string={"as_of": "2030-01-01"}))
    assert _status(early, "1.1") == "Awaiting approval On track"
    late = parse(client.get(url, query_string={"as_of": "2030-05-15"}))
    assert _status(late, "1.1") == "Awaiting approval Overdue"
    assert late.select_one("#plan-rag").get_text(" ", strip=True).startswith("Computed RAG as at 15 May 2030:")
    assert "1.1 (45 days)" in late.select_one("#rag-reasons").get_text()


def test_bad_as_of_is_a_clear_400(login_as, world):
    response = login_as(world.a.lead).get(url_for("plan.show", workstream_id=world.a.workstream.id, as_of="soon"))
    assert response.status_code == 400
    assert "as_of must be a date as YYYY-MM-DD" in response.get_data(as_text=True)


def test_lead_adds_a_section_and_it_is_audited(login_as, world):
    client = login_as(world.a.lead)
    response = client.post(
        url_for("plan.new_section", workstream_id=world.a.workstream.id), data={"number": 2, "title": "QLIK"}
    )
    assert response.status_code == 303
    section = db.session.scalar(select(Section).where(Section.title == "QLIK"))
    assert section.workstream_id == world.a.workstream.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "section.added"))
    assert event.actor_id == world.a.lead.id and event.object_id == section.id


def test_duplicate_section_number_is_refused_naming_the_field(login_as, world):
    response = login_as(world.a.lead).post(
        url_for("plan.new_section", workstream_id=world.a.workstream.id), data={"number": 1, "title": "Again"}
    )
    page = parse(response)
    assert "Section 1 already exists" in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one("#title")["value"] == "Again"


def _milestone_form(world, **overrides):
    data = {
        "section_id": world.a.section.id,
        "reference": "1.9",
        "text": "Publish the newsletter",
        "owner_id": world.a.owner.id,
        "due": "April 2021",
        "revised_due": "",
        "comments": "",
    }
    data.update(overrides)
    return data


def test_lead_adds_a_milestone_with_a_month_date(login_as, world):
    response = login_as(world.a.lead).post(
        url_for("plan.new_milestone", workstream_id=world.a.workstream.id), data=_milestone_form(world)
    )
    assert response.status_code == 303
    milestone = db.session.scalar(select(Milestone).where(Milestone.reference == "1.9"))
    assert (milestone.due, milestone.due_is_month) == (date(2021, 4, 30), True)
    assert milestone.due_label == "April 2021"
    assert milestone.owner_id == world.a.owner.id


def test_milestone_form_errors_name_the_field_and_keep_the_input(login_as, world):
    response = login_as(world.a.lead).post(
        url_for("plan.new_milestone", workstream_id=world.a.workstream.id),
        data=_milestone_form(world, reference="1.1", due="31/02/2021", text="Keep me"),
    )
    page = parse(response)
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Date due" in summary and "does not exist" in summary
    assert page.select_one("#text").get_text() == "Keep me"
    assert db.session.scalar(select(Milestone).where(Milestone.text == "Keep me")) is None


def test_duplicate_reference_is_refused(login_as, world):
    response = login_as(world.a.lead).post(
        url_for("plan.new_milestone", workstream_id=world.a.workstream.id), data=_milestone_form(world, reference="1.1")
    )
    assert "Reference 1.1 is already used" in parse(response).select_one(".govuk-error-summary").get_text()


def test_lead_edits_the_revised_date_and_the_change_is_audited_with_before_and_after(login_as, world):
    milestone = world.a.milestone
    response = login_as(world.a.lead).post(
        url_for("plan.edit_milestone", milestone_id=milestone.id),
        data=_milestone_form(world, reference="1.1", text=milestone.text, due="2030-03-31", revised_due="June 2030"),
    )
    assert response.status_code == 303
    db.session.refresh(milestone)
    assert milestone.revised_due == date(2030, 6, 30) and milestone.revised_due_is_month
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "milestone.updated"))
    assert '"revised_due": null' in event.before
    assert '"revised_due": "2030-06-30"' in event.after
    assert event.milestone_id == milestone.id


def test_milestone_page_shows_its_history(login_as, world):
    client = login_as(world.a.lead)
    client.post(
        url_for("plan.edit_milestone", milestone_id=world.a.milestone.id),
        data=_milestone_form(world, reference="1.1", text="Reworded", due="2030-03-31"),
    )
    page = parse(client.get(url_for("plan.milestone", milestone_id=world.a.milestone.id)))
    assert "Reworded" in page.select_one(".govuk-body-l").get_text()
    assert "Milestone updated" in page.select_one(".app-timeline").get_text()


def test_audit_trail_lists_changes_for_the_lead(login_as, world):
    client = login_as(world.a.lead)
    client.post(url_for("plan.new_section", workstream_id=world.a.workstream.id), data={"number": 5, "title": "New"})
    page = parse(client.get(url_for("plan.audit", workstream_id=world.a.workstream.id)))
    assert "section.added" in page.select_one("table").get_text()
