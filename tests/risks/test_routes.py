from datetime import date

from flask import url_for

from app.models import AuditEvent, Risk
from tests.conftest import out_of_band, parse
from tests.factories import make_risk

RISK_FORM = {
    "reference": "Data quality",
    "title": "Source data may be incomplete.",
    "description": "Gaps in the case management system.",
    "likelihood": "medium",
    "impact": "critical",
    "owner_id": "0",
    "mitigation": "Weekly data quality checks.",
    "mitigation_date": "May 2021",
}


def test_lead_adds_a_risk_and_sees_its_computed_score_and_rating(app, world, login_as, session):
    client = login_as(world.a.lead)
    form = {**RISK_FORM, "owner_id": str(world.a.owner.id)}
    response = client.post(url_for("risks.new", workstream_id=world.a.workstream.id), data=form)
    risk = session.query(Risk).filter_by(reference="Data quality").one()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url_for("risks.detail", risk_id=risk.id))
    assert (risk.score, risk.rating.value, risk.owner_id) == (8, "red", world.a.owner.id)
    assert (risk.mitigation_date, risk.mitigation_date_is_month) == (date(2021, 5, 31), True)
    assert session.query(AuditEvent).filter_by(action="risk.added", object_id=risk.id).count() == 1

    page = parse(client.get(url_for("risks.detail", risk_id=risk.id)))
    assert "Red" in page.select_one(".govuk-summary-list").get_text()
    marked = page.select("#risk-matrix .app-risk-matrix__cell--marked")
    assert [(c["data-impact"], c["data-likelihood"]) for c in marked] == [("critical", "medium")]
    assert "This risk" in marked[0].get_text()


def test_missing_likelihood_and_duplicate_reference_are_shown_as_errors(app, world, login_as, session):
    client = login_as(world.a.lead)
    url = url_for("risks.new", workstream_id=world.a.workstream.id)
    page = parse(client.post(url, data={**RISK_FORM, "likelihood": ""}))
    assert page.title.get_text().startswith("Error:")
    assert "Select the likelihood" in page.select_one(".govuk-error-summary").get_text()

    page = parse(client.post(url, data={**RISK_FORM, "reference": world.a.risk.reference}))
    assert "already used" in page.select_one(".govuk-error-summary").get_text()
    assert session.query(Risk).filter_by(workstream_id=world.a.workstream.id).count() == 1


def test_an_owner_from_another_workstream_cannot_be_chosen(app, world, login_as, session):
    client = login_as(world.a.lead)
    form = {**RISK_FORM, "owner_id": str(world.b.owner.id)}
    page = parse(client.post(url_for("risks.new", workstream_id=world.a.workstream.id), data=form))
    assert page.select_one(".govuk-error-summary") is not None
    assert session.query(Risk).filter_by(reference="Data quality").count() == 0


def test_lead_edits_a_risk_and_the_change_is_audited(app, world, login_as, session):
    risk = world.a.risk
    client = login_as(world.a.lead)
    form = {**RISK_FORM, "reference": risk.reference, "title": risk.title}
    form.update(likelihood="high", impact="significant")
    response = client.post(url_for("risks.edit", risk_id=risk.id), data=form)
    assert response.status_code == 303
    session.refresh(risk)
    assert (risk.score, risk.rating.value) == (7, "red")
    event = session.query(AuditEvent).filter_by(action="risk.updated", object_id=risk.id).one()
    assert '"likelihood": "high"' in event.after and '"likelihood": "medium"' in event.before


def test_edit_form_marks_the_risks_cell(app, world, login_as):
    page = parse(login_as(world.a.lead).get(url_for("risks.edit", risk_id=world.a.risk.id)))
    marked = page.select("#risk-matrix .app-risk-matrix__cell--marked")
    assert [(c["data-impact"], c["data-likelihood"]) for c in marked] == [("significant", "medium")]
    assert page.select_one("input[name=likelihood][value=medium]").has_attr("checked")


def test_lead_closes_and_reopens_a_risk(app, world, login_as, session):
    risk = world.a.risk
    client = login_as(world.a.lead)
    assert client.post(url_for("risks.close", risk_id=risk.id)).status_code == 303
    session.refresh(risk)
    assert risk.closed

    register = url_for("risks.index", workstream_id=world.a.workstream.id)
    assert parse(client.get(register)).select_one("#risks") is None
    closed = parse(client.get(register, query_string={"status": "closed"}))
    assert [a.get_text() for a in closed.select("#risks tbody th a")] == [risk.reference]
    # A closed risk no longer marks the guidance matrix.
    assert closed.select("#risk-matrix .app-risk-matrix__cell--marked") == []

    assert client.post(url_for("risks.reopen", risk_id=risk.id)).status_code == 303
    session.refresh(risk)
    assert not risk.closed
    actions = [e.action for e in session.query(AuditEvent).filter_by(object_type="risk", object_id=risk.id)]
    assert actions == ["risk.closed", "risk.reopened"]


def test_register_lists_risks_in_the_seed_columns_with_open_risks_on_the_matrix(app, world, login_as):
    make_risk(world.a.workstream, "Quarterly Reports", likelihood="high", impact="noticeable")
    page = parse(login_as(world.a.sponsor).get(url_for("risks.index", workstream_id=world.a.workstream.id)))
    headers = [th.get_text(strip=True) for th in page.select("#risks thead th")]
    assert headers[:8] == [
        "Reference",
        "Risk",
        "Likelihood",
        "Impact",
        "Score",
        "Rating",
        "Mitigation",
        "Date for Mitigation",
    ]
    rows = {
        row.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in row.select("td")]
        for row in page.select("#risks tbody tr")
    }
    assert rows["Quarterly Reports"][1:5] == ["High", "Noticeable", "4", "Amber"]
    assert rows["Resourcing"][1:5] == ["Medium", "Significant", "5", "Amber"]
    cell = page.select_one('#risk-matrix td[data-impact="noticeable"][data-likelihood="high"]')
    assert "Quarterly Reports" in cell.get_text()
    # The sponsor reads the register but does not manage it.
    assert page.find("a", string="Add a risk") is None
    assert page.select("form[action*='/close']") == []


def test_a_past_mitigation_date_is_flagged(app, world, login_as):
    make_risk(world.a.workstream, "Late", mitigation_date=date(2021, 3, 31), mitigation_date_is_month=True)
    make_risk(world.a.workstream, "In time", mitigation_date=date(2021, 4, 30), mitigation_date_is_month=True)
    url = url_for("risks.index", workstream_id=world.a.workstream.id, as_of="2021-04-19")
    page = parse(login_as(world.a.lead).get(url))
    rows = page.select("#risks tbody tr")
    flagged = [row.th.get_text(strip=True) for row in rows if row.select(".app-mitigation-overdue")]
    assert flagged == ["Late"]


def test_register_filter_returns_the_fragment_to_htmx_and_the_page_otherwise(app, world, login_as):
    client = login_as(world.a.lead)
    url = url_for("risks.index", workstream_id=world.a.workstream.id, status="all")
    full = client.get(url)
    assert full.status_code == 200
    assert full.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")
    assert "HX-Request" in full.headers["Vary"]

    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert "<html" not in body.lower()
    assert "HX-Request" in fragment.headers["Vary"]
    soup = parse(fragment)
    assert soup.select_one("#risk-register") is not None
    assert soup.select_one("#risks tbody th a").get_text() == world.a.risk.reference
    # The count stays outside the register (a live region, in the page from the start), updated out of band.
    assert soup.select_one("#risk-count") is None
    assert out_of_band(soup, "risk-count").get_text().startswith("Showing 1 of 1 risks")
    assert parse(full).select_one("#risk-count")["role"] == "status"
