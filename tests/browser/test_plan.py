"""The plan in a real browser: sign in, open the seed's plan, filter it with htmx and without JavaScript."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.demo import data
from app.models import User
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

RESULT_ROWS = "#plan-results tbody tr"


def _user_id(server, email: str) -> int:
    return server.query(select(User.id).where(User.email == email)).scalar_one()


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_lead_signs_in_through_the_form_and_opens_the_plan_from_the_dashboard(demo_server, page):
    sign_in(page, demo_server, data.LEAD)
    assert page.get_by_role("heading", level=1).inner_text() == f"Hello, {data.PEOPLE[data.LEAD].name}"

    page.get_by_role("link", name=data.WORKSTREAM["name"]).click()
    page.wait_for_url(demo_server.url("plan.show", workstream_id=demo_server.workstream_id))

    shown = page.locator("#plan-results tbody th").all_inner_texts()
    assert sorted(shown) == sorted(m.reference for m in data.MILESTONES)
    for milestone in data.MILESTONES:
        assert page.locator(f"#plan-results tbody tr th a:text-is('{milestone.reference}')").count() == 1
    assert (
        page.locator("#plan-count").inner_text()
        == f"Showing {len(data.MILESTONES)} of {len(data.MILESTONES)} milestones"
    )


def test_filters_swap_the_results_in_place_and_push_the_url(demo_server, page_as):
    page = page_as(data.LEAD)
    page.goto(demo_server.url("plan.show", workstream_id=demo_server.workstream_id))
    page.evaluate("window.__noReload = 'still here'")
    rows = page.locator(RESULT_ROWS)
    assert rows.count() == len(data.MILESTONES)

    owner2 = _user_id(demo_server, data.OWNER2)
    expected_owner_rows = sum(1 for m in data.MILESTONES if m.owner_email == data.OWNER2)
    with page.expect_response(lambda r: "/plan" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Owner").select_option(str(owner2))
    page.wait_for_url(lambda url: _query(url).get("owner") == [str(owner2)])
    assert rows.count() == expected_owner_rows
    owners = page.locator("#plan-results tbody tr td:nth-child(3)").all_inner_texts()
    assert set(owners) == {data.PEOPLE[data.OWNER2].name}
    assert page.evaluate("window.__noReload") == "still here"

    expected_removed = sum(1 for m in data.MILESTONES if m.removed_reason)
    assert expected_removed > 0
    page.get_by_label("Owner").select_option("")
    page.wait_for_url(lambda url: not _query(url).get("owner"))
    assert rows.count() == len(data.MILESTONES)
    with page.expect_response(lambda r: "status=removed" in r.url):
        page.get_by_label("Status").select_option("removed")
    page.wait_for_url(lambda url: _query(url).get("status") == ["removed"])
    assert rows.count() == expected_removed
    assert page.locator("#plan-count").inner_text() == (
        f"Showing {expected_removed} of {len(data.MILESTONES)} milestones"
    )
    assert page.evaluate("window.__noReload") == "still here"

    # Back restores the previous filter's results.
    page.go_back()
    page.wait_for_url(lambda url: not _query(url).get("status"))
    assert rows.count() == len(data.MILESTONES)


def test_filter_works_without_javascript(demo_server, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, demo_server, data.OWNER2)
        page.goto(demo_server.url("plan.show", workstream_id=demo_server.workstream_id))
        page.get_by_label("Owner").select_option("me")
        page.get_by_label("Status").select_option("complete")
        with page.expect_navigation():
            page.get_by_role("button", name="Filter").click()
        assert _query(page.url) == {"owner": ["me"], "status": ["complete"]}
        expected = [m.reference for m in data.MILESTONES if m.owner_email == data.OWNER2 and m.completed_on]
        assert expected
        shown = page.locator("#plan-results tbody th").all_inner_texts()
        assert sorted(shown) == sorted(expected)
        assert (
            page.locator("#plan-count").inner_text() == f"Showing {len(expected)} of {len(data.MILESTONES)} milestones"
        )
    finally:
        context.close()
