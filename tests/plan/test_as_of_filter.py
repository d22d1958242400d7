from datetime import date

from flask import url_for

from app.extensions import db
from tests.conftest import parse
from tests.factories import make_milestone


def test_plan_filter_has_an_as_at_date_that_keeps_its_value(app, world, login_as):
    url = url_for("plan.show", workstream_id=world.a.workstream.id, as_of="2021-04-19")
    page = parse(login_as(world.a.lead).get(url))
    field = page.select_one("form.app-filter input[name=as_of]")
    assert field["type"] == "date"
    assert field["value"] == "2021-04-19"
    assert "as at 19 April 2021" in page.select_one("#plan-rag").get_text()


def test_changing_the_as_at_date_updates_the_rag_in_the_htmx_fragment(app, world, login_as):
    make_milestone(world.a.section, "1.2", due=date(2030, 1, 31), due_is_month=True)
    db.session.commit()
    client = login_as(world.a.lead)
    url = url_for("plan.show", workstream_id=world.a.workstream.id)

    early = client.get(url, query_string={"as_of": "2030-01-10"}, headers={"HX-Request": "true"})
    late = client.get(url, query_string={"as_of": "2030-03-18"}, headers={"HX-Request": "true"})
    for response in (early, late):
        assert "<html" not in response.get_data(as_text=True).lower()
        assert "HX-Request" in response.headers["Vary"]
    early_page, late_page = parse(early), parse(late)
    assert "Amber" in early_page.select_one("#plan-rag").get_text()
    assert "Red" in late_page.select_one("#plan-rag").get_text()
    assert "Overdue by more than 28 days: 1.2 (46 days)" in late_page.select_one("#rag-reasons").get_text()
