"""The risk register, programme overview and plan import in a real browser: accessible (axe-core), htmx where
used, and an import uploaded, previewed and confirmed through the real forms with CSRF on."""

import pytest
from sqlalchemy import select

from app.demo import data
from app.models import Milestone, Risk
from tests.browser.conftest import assert_accessible_at_both_widths

pytestmark = pytest.mark.browser

BAD_PLAN = b"section,reference,milestone,owner_email,due\n1,1.1,Text,nobody@example.org,soon\n"


def _first_risk(server) -> int:
    return server.query(select(Risk.id).where(Risk.reference == data.RISKS[0].reference)).scalar_one()


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("risks.index", {"as_of": "2021-04-19"}),
        ("risks.new", {}),
        ("plan.overview", {"as_of": "2021-04-19"}),
        ("imports.upload", {}),
    ],
)
def test_lead_pages_have_no_accessibility_violations(demo_server, page_as, endpoint, params):
    page = page_as(data.LEAD)
    if endpoint != "plan.overview":
        params = {"workstream_id": demo_server.workstream_id, **params}
    assert page.goto(demo_server.url(endpoint, **params)).status == 200
    assert_accessible_at_both_widths(page)


def test_risk_detail_and_edit_form_are_accessible(demo_server, page_as):
    page = page_as(data.LEAD)
    risk_id = _first_risk(demo_server)
    page.goto(demo_server.url("risks.detail", risk_id=risk_id))
    assert page.locator("#risk-matrix .app-risk-matrix__cell--marked").count() == 1
    assert_accessible_at_both_widths(page)
    page.goto(demo_server.url("risks.edit", risk_id=risk_id))
    assert_accessible_at_both_widths(page)


def test_risk_form_errors_are_accessible(demo_server, page_as):
    page = page_as(data.LEAD)
    page.goto(demo_server.url("risks.new", workstream_id=demo_server.workstream_id))
    page.get_by_role("button", name="Save risk").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible_at_both_widths(page)


def test_register_filter_swaps_the_register_with_htmx(demo_server, page_as):
    page = page_as(data.SPONSOR)
    page.goto(demo_server.url("risks.index", workstream_id=demo_server.workstream_id))
    with page.expect_response(lambda r: "status=closed" in r.url):
        page.get_by_label("Show").select_option("closed")
    page.wait_for_url(lambda url: "status=closed" in url)
    assert page.locator("#risks").count() == 0
    assert "Showing 0 of 3 risks" in page.locator("#risk-count").inner_text()
    assert_accessible_at_both_widths(page)


def test_a_bad_upload_lists_its_problems_accessibly_and_imports_nothing(demo_server, page_as):
    page = page_as(data.LEAD)
    page.goto(demo_server.url("imports.upload", workstream_id=demo_server.workstream_id))
    page.get_by_label("Upload a spreadsheet").set_input_files(
        {"name": "plan.csv", "mimeType": "text/csv", "buffer": BAD_PLAN}
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    problems = page.locator(".govuk-error-summary__list li").all_inner_texts()
    assert "Row 2, column due:" in problems[0]
    assert "Row 2, column owner_email:" in problems[1]
    assert page.get_by_role("button", name="Import these changes").count() == 0
    assert_accessible_at_both_widths(page)


def test_lead_imports_a_new_milestone_through_the_browser(demo_server, page_as):
    page = page_as(data.LEAD)
    content = (
        "section,reference,milestone,owner_email,due\n"
        f"9. Browser import,9.1,Imported through the browser,{data.OWNER},June 2021\n"
    ).encode()
    page.goto(demo_server.url("imports.upload", workstream_id=demo_server.workstream_id))
    page.get_by_label("Upload a spreadsheet").set_input_files(
        {"name": "new.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert page.locator("#import-milestone-changes li").all_inner_texts() == ["Added 9.1"]
    assert_accessible_at_both_widths(page)
    page.get_by_role("button", name="Import these changes").click()
    page.wait_for_url(lambda url: "/plan" in url)
    assert "Imported new.csv" in page.locator(".govuk-notification-banner").inner_text()
    added = demo_server.query(select(Milestone.text).where(Milestone.reference == "9.1")).scalar_one()
    assert added == "Imported through the browser"


def test_an_admin_creates_a_workstream_from_last_periods_word_report(demo_server, page_as):
    from tests.imports.test_report_import import seed_like

    page = page_as(data.ADMIN)
    page.goto(demo_server.url("admin.index"))
    page.get_by_role("link", name="Create a workstream from its plan").click()
    page.get_by_label("Workstream name").fill("Browser paper")
    page.get_by_label("Upload its plan").set_input_files(
        {
            "name": "april.docx",
            "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "buffer": seed_like(),
        }
    )
    assert_accessible_at_both_widths(page)
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert page.locator("#import-report-header").is_visible()
    assert page.locator("#import-section-changes li").all_inner_texts()[:3] == [
        "Added section 1. Front door",
        "Added section 2. Edge of care",
        "Added section 3. QLIK",
    ]
    assert_accessible_at_both_widths(page)
    page.get_by_role("button", name="Import these changes").click()
    page.wait_for_url(lambda url: url.endswith("/plan"))
    assert page.locator("h1").inner_text() == "Browser paper: action plan"
    assert "Imported april.docx" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_role("link", name="Import a plan").count() == 0  # the plan has milestones now
