"""Bounds on what a request may carry: an ``as_of`` that is not a usable date is a 400 naming the parameter on every
route that reads it; a plan form posted without its date field is an error on that field."""

import inspect
from datetime import date

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Milestone, Risk
from tests.conftest import parse


def _as_of_routes(world) -> dict[str, dict]:
    a = world.a
    return {
        "plan.show": {"workstream_id": a.workstream.id},
        "plan.milestone": {"milestone_id": a.milestone.id},
        "plan.overview": {},
        "risks.index": {"workstream_id": a.workstream.id},
        "risks.detail": {"risk_id": a.risk.id},
        "reports.live_json": {"workstream_id": a.workstream.id},
    }


def test_every_route_that_reads_as_of_is_listed_here(app, world):
    reading = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and "as_of_arg(" in inspect.getsource(view)
    )
    assert reading == sorted(_as_of_routes(world))


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2021-13-45", "as_of must be a real date as YYYY-MM-DD"),
        ("2021-02-29", "as_of must be a real date as YYYY-MM-DD"),
        ("x", "as_of must be a date as YYYY-MM-DD"),
        ("20210419", "as_of must be a date as YYYY-MM-DD"),
        ("2021-04-19T00:00", "as_of must be a date as YYYY-MM-DD"),
        ("２０２１-０４-１９", "as_of must be a date as YYYY-MM-DD"),
        ("2021-04-19\x00", "as_of must be a date as YYYY-MM-DD"),
        ("9999-12-31", "as_of must be between 1900-01-01 and 2999-12-31"),
        ("0001-01-01", "as_of must be between 1900-01-01 and 2999-12-31"),
    ],
)
def test_a_bad_as_of_is_a_400_with_a_message_on_every_route(world, login_as, value, said):
    client = login_as(world.admin)
    for endpoint, arguments in _as_of_routes(world).items():
        response = client.get(url_for(endpoint, as_of=value, **arguments))
        assert response.status_code == 400, endpoint
        assert said in parse(response).select_one("main").get_text(), endpoint


def test_the_first_and_last_as_of_dates_are_served(world, login_as):
    client = login_as(world.admin)
    for value in ("1900-01-01", "2999-12-31"):
        for endpoint, arguments in _as_of_routes(world).items():
            assert client.get(url_for(endpoint, as_of=value, **arguments)).status_code == 200, (value, endpoint)


def _events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_a_milestone_form_without_its_date_fields_is_a_field_error(world, login_as):
    a = world.a
    form = {"section_id": a.section.id, "reference": "1.1", "text": "Train every team", "owner_id": "0"}
    client = login_as(a.lead)
    before = _events()
    for endpoint, arguments in (
        ("plan.edit_milestone", {"milestone_id": a.milestone.id}),
        ("plan.new_milestone", {"workstream_id": a.workstream.id}),
    ):
        response = client.post(url_for(endpoint, **arguments), data={**form, "reference": "1.7"})
        assert response.status_code == 200, endpoint
        page = parse(response)
        assert "Enter the date due" in page.select_one("#due-error").get_text()
    assert _events() == before
    assert db.session.get(Milestone, a.milestone.id).due == date(2030, 3, 31)


def test_an_edit_without_the_revised_date_field_never_clears_the_stored_one(world, login_as):
    a = world.a
    a.milestone.revised_due = date(2030, 6, 30)
    db.session.commit()
    form = {"section_id": a.section.id, "reference": "1.1", "text": "Train", "owner_id": "0", "due": "2030-03-31"}
    response = login_as(a.lead).post(url_for("plan.edit_milestone", milestone_id=a.milestone.id), data=form)
    assert response.status_code == 200
    assert "Enter the revised date, or clear it" in parse(response).select_one("#revised_due-error").get_text()
    db.session.expire_all()
    assert db.session.get(Milestone, a.milestone.id).revised_due == date(2030, 6, 30)


def test_a_risk_form_without_its_date_field_is_a_field_error(world, login_as):
    risk = world.a.risk
    risk.mitigation_date = date(2030, 5, 31)
    db.session.commit()
    form = {"reference": risk.reference, "title": "Loss of staff", "likelihood": "low", "impact": "noticeable"}
    client = login_as(world.a.lead)
    response = client.post(url_for("risks.edit", risk_id=risk.id), data=form)
    assert response.status_code == 200
    assert "Enter the date for mitigation, or clear it" in parse(response).select_one("#mitigation_date-error").text
    db.session.expire_all()
    assert db.session.get(Risk, risk.id).mitigation_date == date(2030, 5, 31)
    # A form posted with no fields at all is the same: errors on its fields, nothing saved.
    empty = client.post(url_for("risks.edit", risk_id=risk.id))
    assert empty.status_code == 200
    assert parse(empty).select_one("#mitigation_date-error") is not None
