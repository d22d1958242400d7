"""The demo set in today's week, in a browser: its dashboards and the owner's proposals pass axe-core."""

import pytest

from app.demo import data
from tests.browser.conftest import assert_accessible_at_both_widths, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("email", "lists"),
    [
        (data.LEAD, ("#overdue-milestones li", "#awaiting-decision li", "#own-proposals li", "#signed-reports li")),
        (data.OWNER, ("#my-milestones tbody tr", "#own-proposals li")),
        (data.OWNER2, ("#my-milestones tbody tr", "#own-proposals li")),
        (data.SPONSOR, ("#awaiting-decision li", "#signed-reports li")),
    ],
)
def test_the_dashboards_of_the_week_are_accessible(week_server, page, email, lists):
    sign_in(page, week_server, email)
    for selector in lists:
        assert page.locator(selector).count() > 0, selector
    assert_accessible_at_both_widths(page)


def test_an_owner_opens_a_proposal_from_their_dashboard_and_all_of_them(week_server, page):
    sign_in(page, week_server, data.OWNER)
    rejected = page.locator("#own-proposals li[data-state='rejected']")
    assert rejected.locator(".app-rejection-reason").inner_text().startswith("Reason: ")
    rejected.get_by_role("link").click()
    page.wait_for_url("**/proposals/*")
    assert_accessible_at_both_widths(page)
    page.goto(week_server.url("proposals.mine"))
    assert page.locator("#own-proposals li").count() == 4
    assert_accessible_at_both_widths(page)
