"""The service navigation says where you are: the highlighted tab is the page's area, whoever reads it."""

import pytest
from flask import url_for

from app.web.navigation import ADMIN, DASHBOARD, DECISIONS, NOTIFICATIONS, REPORTS, area_of
from tests.conftest import parse


@pytest.mark.parametrize(
    ("endpoint", "area"),
    [
        ("dashboard.index", DASHBOARD),
        ("proposals.mine", DASHBOARD),
        ("proposals.queue", DECISIONS),
        ("proposals.notifications", NOTIFICATIONS),
        ("reports.detail", REPORTS),
        ("reports.sign_off", REPORTS),
        ("admin.list_users", ADMIN),
        ("imports.new_workstream", ADMIN),
        ("imports.upload", None),
        ("plan.show", None),
        ("plan.milestone", None),
        ("risks.index", None),
        ("proposals.new", None),
        (None, None),
    ],
)
def test_each_page_belongs_to_one_area_or_none(endpoint, area):
    assert area_of(endpoint) == area


def _active(page) -> list[str]:
    items = page.select(".govuk-service-navigation__item--active")
    return [" ".join(item.get_text(" ", strip=True).split()) for item in items]


def _page(login_as, user, endpoint, **values):
    response = login_as(user).get(url_for(endpoint, **values))
    assert response.status_code == 200
    return parse(response)


def test_a_proposal_page_is_under_decisions_only_for_someone_who_may_decide_it(world, login_as):
    """Its decider reads it from the queue; its proposer from their own proposals; anyone else from the plan."""
    proposal_id = world.a.proposal.id

    assert _active(_page(login_as, world.a.lead, "proposals.detail", proposal_id=proposal_id)) == [
        "Decisions 1 waiting"
    ]
    assert _active(_page(login_as, world.a.owner, "proposals.detail", proposal_id=proposal_id)) == ["Dashboard"]
    assert _active(_page(login_as, world.a.sponsor, "proposals.detail", proposal_id=proposal_id)) == []


@pytest.mark.parametrize(
    ("role", "endpoint", "active"),
    [
        ("owner", "dashboard.index", "Dashboard"),
        ("owner", "proposals.mine", "Dashboard"),
        ("owner", "proposals.notifications", "Notifications"),
        ("lead", "proposals.queue", "Decisions 1 waiting"),
        ("viewer", "reports.index", "Reports"),
        ("admin", "admin.index", "Admin"),
        ("admin", "imports.new_workstream", "Admin"),
    ],
)
def test_the_highlighted_tab_is_the_pages_area(world, login_as, role, endpoint, active):
    assert _active(_page(login_as, world.user(role), endpoint)) == [active]


def test_pages_of_the_plan_highlight_no_tab(world, login_as):
    a = world.a
    for endpoint, values in [
        ("plan.show", {"workstream_id": a.workstream.id}),
        ("plan.milestone", {"milestone_id": a.milestone.id}),
        ("risks.index", {"workstream_id": a.workstream.id}),
        ("proposals.new", {"milestone_id": a.milestone.id}),
    ]:
        page = _page(login_as, a.owner if endpoint == "proposals.new" else a.lead, endpoint, **values)
        assert _active(page) == [], endpoint
        assert len(page.select("h1")) == 1, endpoint


def test_the_header_badges_can_be_replaced_by_their_ids_even_at_nought(world, login_as):
    page = _page(login_as, world.a.viewer, "dashboard.index")
    assert page.select_one("#decisions-count") is not None and not page.select_one("#decisions-count").get_text(
        strip=True
    )
    assert page.select_one("#notifications-count") is not None
