"""axe-core (WCAG 2.2 AA) on every page, as the people who see it, including pages showing errors: on a desktop
screen, then on a phone (320 CSS pixels wide, where the page must not scroll sideways either)."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.demo import data
from app.models import Milestone, Programme, Proposal, Report, Section, User
from tests.browser.conftest import assert_accessible, assert_accessible_at_both_widths, open_milestone_reference

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Ids:
    workstream: int
    milestone: int
    section: int
    programme: int
    viewer: int
    report: int
    imported_proposal: int
    owners_open_milestone: int
    missing: int = 999_999


@pytest.fixture(scope="module")
def ids(demo_server) -> Ids:
    def one(statement):
        return demo_server.query(statement.limit(1)).scalar_one()

    return Ids(
        workstream=demo_server.workstream_id,
        milestone=one(select(Milestone.id).where(Milestone.reference == data.MILESTONES[0].reference)),
        section=one(select(Section.id).order_by(Section.number)),
        programme=one(select(Programme.id)),
        viewer=one(select(User.id).where(User.email == data.VIEWER)),
        report=one(select(Report.id).where(Report.workstream_id == demo_server.workstream_id)),
        imported_proposal=one(select(Proposal.id).where(Proposal.imported.is_(True)).order_by(Proposal.id)),
        owners_open_milestone=one(
            select(Milestone.id).where(Milestone.reference == open_milestone_reference(data.OWNER))
        ),
    )


def _url(server, ids, endpoint: str, params: dict[str, str]) -> str:
    """A value in ``params`` that names an attribute of Ids stands for it (``milestone_id="milestone"``); any
    other value is used as it is (``kind="completion"``)."""
    return server.url(endpoint, **{name: getattr(ids, value, value) for name, value in params.items()})


def _with_errors(endpoint: str, button: str, fills: dict[str, str] | None = None, **params: str) -> Callable:
    """Open the form, fill ``fills`` (label → value), press ``button`` and expect the error summary."""

    def visit(page, server, ids):
        page.goto(_url(server, ids, endpoint, params))
        for label, value in (fills or {}).items():
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
        assert page.locator(".govuk-error-summary").is_visible()

    return visit


def _plan_filtered_with_htmx(page, server, ids):
    page.goto(server.url("plan.show", workstream_id=ids.workstream))
    with page.expect_response(lambda r: "status=removed" in r.url):
        page.get_by_label("Status").select_option("removed")
    page.wait_for_url(lambda url: "status=removed" in url)
    assert page.locator("#plan-results tbody tr").count() == sum(1 for m in data.MILESTONES if m.removed_reason)


def _plan_filtered_to_nothing(page, server, ids):
    owner = server.query(select(User.id).where(User.email == data.VIEWER)).scalar_one()
    page.goto(server.url("plan.show", workstream_id=ids.workstream, owner=owner))
    assert page.locator("#plan-results tbody tr").count() == 0


def _visit(endpoint: str, expected_status: int = 200, **params: str) -> Callable:
    def visit(page, server, ids):
        response = page.goto(_url(server, ids, endpoint, params))
        assert response.status == expected_status

    return visit


PAGES: dict[str, tuple[str | None, Callable]] = {
    "sign-in": (None, _visit("auth.login")),
    "sign-in with empty fields": (None, _with_errors("auth.login", "Sign in")),
    "sign-in with a wrong password": (
        None,
        _with_errors("auth.login", "Sign in", {"Email address": data.LEAD, "Password": "not the password"}),
    ),
    "dashboard (lead)": (data.LEAD, _visit("dashboard.index")),
    "dashboard (owner)": (data.OWNER, _visit("dashboard.index")),
    "dashboard (sponsor)": (data.SPONSOR, _visit("dashboard.index")),
    "dashboard (viewer)": (data.VIEWER, _visit("dashboard.index")),
    "dashboard (admin)": (data.ADMIN, _visit("dashboard.index")),
    "plan": (data.LEAD, _visit("plan.show", workstream_id="workstream")),
    "plan filtered with htmx": (data.LEAD, _plan_filtered_with_htmx),
    "plan filtered to nothing": (data.LEAD, _plan_filtered_to_nothing),
    "milestone": (data.LEAD, _visit("plan.milestone", milestone_id="milestone")),
    "milestone as its owner": (data.OWNER2, _visit("plan.milestone", milestone_id="milestone")),
    "add a section": (data.LEAD, _visit("plan.new_section", workstream_id="workstream")),
    "add a section with errors": (
        data.LEAD,
        _with_errors("plan.new_section", "Save section", {"Section number": ""}, workstream_id="workstream"),
    ),
    "edit a section": (data.LEAD, _visit("plan.edit_section", section_id="section")),
    "add a milestone": (data.LEAD, _visit("plan.new_milestone", workstream_id="workstream")),
    "add a milestone with errors": (
        data.LEAD,
        _with_errors("plan.new_milestone", "Save milestone", workstream_id="workstream"),
    ),
    "edit a milestone": (data.LEAD, _visit("plan.edit_milestone", milestone_id="milestone")),
    "edit a milestone with errors": (
        data.LEAD,
        _with_errors(
            "plan.edit_milestone",
            "Save milestone",
            {"Reference": "", "Date due": "not a date"},
            milestone_id="milestone",
        ),
    ),
    "audit trail": (data.LEAD, _visit("plan.audit", workstream_id="workstream")),
    "programme overview": (data.LEAD, _visit("plan.overview")),
    "admin": (data.ADMIN, _visit("admin.index")),
    "admin security log": (data.ADMIN, _visit("admin.security_log")),
    "your account": (data.LEAD, _visit("auth.account")),
    "change password": (data.LEAD, _visit("auth.change_password")),
    "set up an authenticator app": (data.VIEWER, _visit("auth.set_up_second_factor")),
    "forgot password": (None, _visit("auth.forgot_password")),
    "forgot password with empty fields": (None, _with_errors("auth.forgot_password", "Send me a link")),
    "admin users": (data.ADMIN, _visit("admin.list_users")),
    "admin new user": (data.ADMIN, _visit("admin.new_user")),
    "admin new user with errors": (
        data.ADMIN,
        _with_errors("admin.new_user", "Send invitation", {"Email address": "not an email"}),
    ),
    "admin user": (data.ADMIN, _visit("admin.user", user_id="viewer")),
    "admin thresholds": (data.ADMIN, _visit("admin.thresholds", programme_id="programme")),
    "admin thresholds with errors": (
        data.ADMIN,
        _with_errors("admin.thresholds", "Save thresholds", {"Amber window (days)": "999"}, programme_id="programme"),
    ),
    "admin new workstream": (data.ADMIN, _visit("admin.new_workstream")),
    "admin new meeting": (data.ADMIN, _visit("admin.new_meeting")),
    "decisions with none waiting": (data.LEAD, _visit("proposals.queue")),
    "my proposals with none yet": (data.OWNER, _visit("proposals.mine")),
    "notifications": (data.OWNER, _visit("proposals.notifications")),
    "an imported completion": (data.LEAD, _visit("proposals.detail", proposal_id="imported_proposal")),
    "propose completion": (
        data.OWNER,
        _visit("proposals.new", milestone_id="owners_open_milestone", kind="completion"),
    ),
    "propose completion with errors": (
        data.OWNER,
        _with_errors(
            "proposals.new",
            "Send for approval",
            {"Date completed": "not a date"},
            milestone_id="owners_open_milestone",
            kind="completion",
        ),
    ),
    "ask for a revised date": (
        data.OWNER,
        _visit("proposals.new", milestone_id="owners_open_milestone", kind="date_change"),
    ),
    "ask to remove a milestone": (
        data.OWNER,
        _visit("proposals.new", milestone_id="owners_open_milestone", kind="removal"),
    ),
    "reports": (data.LEAD, _visit("reports.index")),
    "reports as a viewer": (data.VIEWER, _visit("reports.index")),
    "workstream reports": (data.LEAD, _visit("reports.workstream", workstream_id="workstream")),
    "draft report": (data.LEAD, _visit("reports.detail", report_id="report")),
    "edit report": (data.LEAD, _visit("reports.edit", report_id="report")),
    "edit report with errors": (
        data.LEAD,
        _with_errors("reports.edit", "Save draft", {"Progress to date: from": "not a date"}, report_id="report"),
    ),
    "edit report with a decision error": (
        data.LEAD,
        _with_errors("reports.edit", "Add the decision", {"Decision needed from the board": ""}, report_id="report"),
    ),
    "submit a report": (data.LEAD, _visit("reports.submit", report_id="report")),
    "report print layout": (data.LEAD, _visit("reports.print_layout", report_id="report")),
    "not found": (data.LEAD, _visit("plan.milestone", expected_status=404, milestone_id="missing")),
    "forbidden": (data.VIEWER, _visit("admin.index", expected_status=403)),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_accessibility_violations(demo_server, ids, page, page_as, name):
    email, visit = PAGES[name]
    if email is not None:
        page = page_as(email)
    visit(page, demo_server, ids)
    assert_accessible_at_both_widths(page)


def test_accessibility_check_reports_violations(page):
    page.set_content("<!doctype html><html><head><title>t</title></head><body><main><img src='x.png'></main></body>")
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_accessible(page)
