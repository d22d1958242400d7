"""Writing the draft: the form, autosave over htmx, never losing typed text, and the reported RAG override."""

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, SectionNarrative
from tests.conftest import parse
from tests.reports.conftest import refresh, submit


def _section(demo, number: int = 1):
    return next(s for s in demo.workstream.sections if s.number == number)


def _narrative(demo, section) -> SectionNarrative:
    db.session.expire_all()
    return db.session.scalar(
        select(SectionNarrative).where(
            SectionNarrative.report_id == demo.report.id, SectionNarrative.section_id == section.id
        )
    )


def _form(client, demo) -> dict:
    """The edit form's current values, as the browser would post them."""
    page = parse(client.get(url_for("reports.edit", report_id=demo.report.id)))
    form = page.select_one("#report-form")
    values = {}
    for element in form.select("input[name], textarea[name], select[name]"):
        name = element["name"]
        if element.name == "textarea":
            values[name] = element.get_text()
        elif element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            values[name] = chosen["value"]
        elif element.get("type") == "radio":
            if element.has_attr("checked"):
                values[name] = element["value"]
        elif element.get("type") != "submit":
            values[name] = element.get("value", "")
    return values


def test_the_edit_page_offers_every_field_with_autosave(demo, login_as):
    page = parse(login_as(demo.lead).get(url_for("reports.edit", report_id=demo.report.id)))
    form = page.select_one("#report-form")
    assert form["method"] == "post" and form["action"] == url_for("reports.edit", report_id=demo.report.id)
    section = _section(demo)
    textarea = form.select_one(f"textarea[name=s{section.id}_barriers]")
    assert textarea["hx-post"] == url_for("reports.autosave", report_id=demo.report.id)
    assert textarea["hx-trigger"] == "keyup changed delay:1s, change"
    assert textarea["hx-target"] == "#autosave-status"
    assert "Status of report on 13 improvement areas unknown." in textarea.get_text()
    assert page.select_one("#autosave-status")["role"] == "status"
    for name in ("period_from", "period_to", "next_from", "next_to"):
        assert form.select_one(f"input[name={name}]")["hx-post"]
    assert form.select_one("input[name=period_from]")["value"] == "January 2021"
    assert len(form.select("textarea[name^=s]")) == 4 * len(demo.workstream.sections)


def test_autosave_answers_htmx_with_a_status_fragment_and_saves(demo, login_as):
    client = login_as(demo.lead)
    values = _form(client, demo)
    section = _section(demo, 2)
    values[f"s{section.id}_barriers"] = "Staff changes in the Performance team."
    response = client.post(
        url_for("reports.autosave", report_id=demo.report.id), data=values, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.strip().startswith("Saved at ")
    assert _narrative(demo, section).barriers == "Staff changes in the Performance team."
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.narrative_saved")).all()
    assert any("Staff changes" in (e.after or "") for e in event)


def test_autosave_without_htmx_renders_the_whole_page(demo, login_as):
    client = login_as(demo.lead)
    values = _form(client, demo)
    values["introduction"] = "A new introduction."
    response = client.post(url_for("reports.autosave", report_id=demo.report.id), data=values)
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")
    assert "HX-Request" in response.headers["Vary"]
    page = parse(response)
    assert page.select_one("#autosave-status").get_text(strip=True).startswith("Saved at ")
    assert refresh(demo.report).introduction == "A new introduction."


def test_autosave_keeps_what_it_can_and_says_what_it_could_not(demo, login_as):
    client = login_as(demo.lead)
    values = _form(client, demo)
    section = _section(demo)
    values[f"s{section.id}_progress"] = "- Meeting held with the improvement lead"
    values["period_to"] = "Smarch 2021"
    response = client.post(
        url_for("reports.autosave", report_id=demo.report.id), data=values, headers={"HX-Request": "true"}
    )
    text = response.get_data(as_text=True)
    assert "Saved at" in text and "Smarch 2021" in text
    assert _narrative(demo, section).progress == "- Meeting held with the improvement lead"
    assert refresh(demo.report).period_to.isoformat() == "2021-03-31"


def test_a_failed_save_keeps_the_typed_text_and_shows_the_error(demo, login_as):
    client = login_as(demo.lead)
    values = _form(client, demo)
    section = _section(demo, 3)
    typed = "Dashboards for Edge of Care are late because of data quality."
    values[f"s{section.id}_barriers"] = typed
    values["next_to"] = "31/02/2021"
    response = client.post(url_for("reports.edit", report_id=demo.report.id), data=values)
    assert response.status_code == 200
    page = parse(response)
    assert page.title.get_text().startswith("Error: ")
    assert "does not exist" in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one(f"textarea[name=s{section.id}_barriers]").get_text() == typed
    assert page.select_one("input[name=next_to]")["value"] == "31/02/2021"
    assert _narrative(demo, section).barriers != typed


def test_saving_the_form_without_javascript_saves_and_returns_to_the_report(demo, login_as):
    client = login_as(demo.lead)
    values = _form(client, demo)
    values["rag_reason"] = "Three amber risks remain."
    response = client.post(url_for("reports.edit", report_id=demo.report.id), data=values)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url_for("reports.detail", report_id=demo.report.id))
    assert refresh(demo.report).rag_reason == "Three amber risks remain."


def test_a_different_rag_needs_a_justification_and_the_report_shows_both(demo, login_as):
    client = login_as(demo.lead)
    values = _form(client, demo)
    values["reported_rag"] = "green"
    values["override_justification"] = ""
    response = client.post(url_for("reports.edit", report_id=demo.report.id), data=values)
    assert response.status_code == 200
    summary = parse(response).select_one(".govuk-error-summary").get_text()
    assert "Enter why you report Green when the computed RAG is Amber" in summary
    assert refresh(demo.report).reported_rag == "amber"

    values["override_justification"] = "The board agreed the mitigation for all three risks."
    assert client.post(url_for("reports.edit", report_id=demo.report.id), data=values).status_code == 303
    report = refresh(demo.report)
    assert (report.reported_rag, report.override_justification) == (
        "green",
        "The board agreed the mitigation for all three risks.",
    )
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.rag_overridden")).all()
    assert len(events) == 1 and "green" in events[0].after

    page = parse(client.get(url_for("reports.detail", report_id=report.id)))
    header = page.select_one("#report-header")
    assert header.select_one("#report-current-rag td").get_text(strip=True) == "Green (On Track)"
    assert header.select_one("#report-computed-rag td").get_text(" ", strip=True).startswith("Amber (At Risk)")
    assert "all three risks" in header.select_one("#report-override td").get_text()
    submit(client, report)
    assert refresh(report).state == "awaiting_sign_off"


def test_autosave_leaves_an_unjustified_override_unsaved_and_says_why(demo, login_as):
    client = login_as(demo.lead)
    values = _form(client, demo)
    values["reported_rag"] = "red"
    values["introduction"] = "Saved anyway."
    response = client.post(
        url_for("reports.autosave", report_id=demo.report.id), data=values, headers={"HX-Request": "true"}
    )
    assert "Enter why you report Red" in response.get_data(as_text=True)
    report = refresh(demo.report)
    assert report.reported_rag == "amber" and report.introduction == "Saved anyway."


def test_nothing_is_saved_once_submitted(demo, login_as):
    client = login_as(demo.lead)
    values = _form(client, demo)
    submit(client, demo.report)
    values["introduction"] = "Too late."
    response = client.post(
        url_for("reports.autosave", report_id=demo.report.id), data=values, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Not saved: this report is no longer a draft" in response.get_data(as_text=True)
    assert refresh(demo.report).introduction != "Too late."
    response = client.post(url_for("reports.edit", report_id=demo.report.id), data=values)
    assert response.status_code == 303
    assert refresh(demo.report).introduction != "Too late."


def test_only_the_lead_edits(demo, login_as):
    for user in (demo.sponsor, demo.owner, demo.viewer, demo.admin):
        client = login_as(user)
        assert client.get(url_for("reports.edit", report_id=demo.report.id)).status_code == 403
        response = client.post(url_for("reports.autosave", report_id=demo.report.id), data={"introduction": "x"})
        assert response.status_code == 403
    assert refresh(demo.report).introduction != "x"


def test_the_reported_rag_offers_each_value_once_the_computed_one_as_computed(demo, login_as):
    page = parse(login_as(demo.lead).get(url_for("reports.edit", report_id=demo.report.id)))
    radios = page.select("#report-form input[name=reported_rag]")
    labels = [page.select_one(f"label[for={radio['id']}]").get_text(strip=True) for radio in radios]

    assert labels == ["Red", "Amber (as computed)", "Green"]  # the demo computes Amber
    assert [radio["value"] for radio in radios] == ["red", "", "green"]
    # The seed's paper reported Amber, the computed RAG: the same choice, not an override.
    assert [radio["value"] for radio in radios if radio.has_attr("checked")] == [""]
