"""Whole journeys by keyboard alone (Tab, Shift+Tab, Enter and Space; typing only into text fields), on the demo set
in today's week, checking where focus lands after each step; and every count and status telling the truth after an
htmx swap without a reload.

- an owner, on a phone, proposes a completion with a file: the error summary, then its link to the field, then the
  confirmation banner take focus in turn;
- a lead rejects in the decision queue without a reason (focus to the error summary, the title says "Error:"),
  then with one (focus to the outcome), then approves the next: the queue's caption and the header's badge count
  down in the same responses;
- a lead's autosave says "Saved", then a sponsor returns the report and signs it off through its confirmation page;
- the plan's filters and the report's autosave say what happened through polite live regions, leaving focus where
  it was.
"""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.demo import data, week
from app.models import Milestone, Report
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

EVIDENCE = {"name": "minutes.txt", "mimeType": "text/plain", "buffer": b"Board minutes: the dashboard went live.\n"}
# Describes the focused element in a failure message.
_FOCUSED = """() => {
  const element = document.activeElement;
  const text = (element.innerText || "").trim().slice(0, 60);
  return `${element.tagName.toLowerCase()}#${element.id}.${element.className} "${text}"`;
}"""


def focused(page) -> str:
    return page.evaluate(_FOCUSED)


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab going ``backwards``) until ``locator`` has focus; fail if it never does."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if is_focused(locator):
            return
    pytest.fail(f"{key} never reached {locator}; focus is on {focused(page)}")


def assert_focus_on(locator, page) -> None:
    assert is_focused(locator), f"focus is on {focused(page)}, not {locator}"


def enter_to_banner(page, url) -> str:
    """Press Enter to send a form whose answer lands on ``url`` with a success banner: the banner takes focus, as
    GOV.UK Frontend gives it. Returns its words."""
    page.keyboard.press("Enter")
    page.wait_for_url(url)
    banner = page.locator(".govuk-notification-banner--success")
    banner.wait_for()
    assert_focus_on(banner, page)
    return banner.inner_text()


def press_and_wait_for_htmx(page, key: str, path: str) -> None:
    """Press ``key`` and wait for htmx to settle the answer from ``path``."""
    with page.expect_response(lambda response: path in response.url):
        page.keyboard.press(key)
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def _owners_free_milestone(server) -> int:
    """One of the owner's open milestones in the seed's workstream with no proposal waiting on it."""
    waiting = {p.reference for p in week.PROPOSALS if p.decision is None}
    reference = next(
        m.reference
        for m in data.MILESTONES
        if m.owner_email == data.OWNER and not m.completed_on and not m.removed_reason and m.reference not in waiting
    )
    return server.query(
        select(Milestone.id).where(Milestone.workstream_id == server.workstream_id, Milestone.reference == reference)
    ).scalar_one()


def test_an_owner_on_a_phone_proposes_a_completion_with_a_file_by_keyboard(week_server, week_page_as):
    page = week_page_as(data.OWNER, viewport=PHONE)
    page.goto(week_server.url("plan.milestone", milestone_id=_owners_free_milestone(week_server)))

    tab_to(page, page.get_by_role("link", name="Propose completion with evidence"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/proposals/new"))
    assert page.evaluate("document.activeElement === document.body")  # a new page starts at its top
    page.keyboard.press("Tab")
    assert_focus_on(page.get_by_role("link", name="Skip to main content"), page)

    # Sent with nothing filled in: the error summary takes focus, and its first link leads to the field.
    tab_to(page, page.get_by_role("button", name="Send for approval"))
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert_focus_on(summary, page)
    assert page.title().startswith("Error: ")
    page.keyboard.press("Tab")
    assert_focus_on(summary.get_by_role("link").first, page)
    page.keyboard.press("Enter")
    date_field = page.get_by_label("Date completed")
    assert_focus_on(date_field, page)

    page.keyboard.type(date.today().strftime("%d/%m/%Y"))
    tab_to(page, page.get_by_label("What was done"))
    page.keyboard.type("Dashboard live for the board.")
    upload = page.get_by_label("Upload evidence")
    # The driver turns on catching the file dialog without waiting for the browser to confirm it: turn it on now,
    # and let one round trip go through, so the key press below cannot reach the page before it is on.
    page.on("filechooser", lambda _: None)
    page.evaluate("0")
    tab_to(page, upload)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(EVIDENCE)
    # Back to the note to add to it, then on to send.
    tab_to(page, page.get_by_label("What was done"), backwards=True)
    page.keyboard.press("End")
    page.keyboard.type(" Minutes attached.")
    tab_to(page, page.get_by_role("button", name="Send for approval"))
    assert "Sent for approval" in enter_to_banner(page, re.compile(r"/proposals/\d+$"))
    assert page.locator("#evidence").get_by_text(EVIDENCE["name"]).count() == 1
    assert "Dashboard live for the board. Minutes attached." in page.locator("#proposal-summary").inner_text()


def _words(locator) -> str:
    return " ".join(locator.text_content().split())


def _counts(page) -> tuple[str, str]:
    """The queue's caption and the header's Decisions badge (with its words for screen readers)."""
    return _words(page.locator("#queue-count")), _words(page.locator("#decisions-count"))


def test_a_lead_rejects_with_a_reason_then_approves_by_keyboard_and_every_count_follows(week_server, week_page_as):
    page = week_page_as(data.LEAD)
    page.goto(week_server.url("proposals.queue"))
    rows = page.locator("#queue tbody tr")
    waiting = rows.count()
    assert waiting >= 2
    assert _counts(page) == (f"{waiting} waiting for your decision", f"{waiting} waiting")
    first, second = rows.nth(0), rows.nth(1)

    # Reject without a reason: the row says why, the error summary takes focus, the title says so.
    tab_to(page, first.get_by_role("button", name=re.compile("^Reject")))
    press_and_wait_for_htmx(page, "Enter", "/decision")
    summary = page.locator("#queue-errors .govuk-error-summary")
    assert_focus_on(summary, page)
    assert page.title() == "Error: Decisions – Highlight"
    assert "Enter the reason for rejecting" in first.locator(".govuk-error-message").inner_text()
    assert _counts(page) == (f"{waiting} waiting for your decision", f"{waiting} waiting")

    # Its link leads to the reason; rejecting with one moves focus to the outcome and counts one fewer.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert_focus_on(first.get_by_role("textbox"), page)
    page.keyboard.type("The log does not show the process was agreed.")
    tab_to(page, first.get_by_role("button", name=re.compile("^Reject")))
    press_and_wait_for_htmx(page, "Enter", "/decision")
    outcome = first.locator(".app-decision-outcome")
    assert_focus_on(outcome, page)
    assert outcome.inner_text().startswith("Rejected")
    assert page.locator("#queue-errors").inner_text().strip() == ""
    assert page.title() == "Decisions – Highlight"
    assert _counts(page) == (f"{waiting - 1} waiting for your decision", f"{waiting - 1} waiting")

    # On to the next proposal: approve it with Space.
    tab_to(page, second.get_by_role("button", name=re.compile("^Approve")))
    press_and_wait_for_htmx(page, "Space", "/decision")
    outcome = second.locator(".app-decision-outcome")
    assert_focus_on(outcome, page)
    assert outcome.inner_text().startswith("Approved")
    left = waiting - 2
    assert _counts(page) == (f"{left or 'None'} waiting for your decision", f"{left} waiting" if left else "")

    # The same numbers on the next page, from the server.
    page.goto(week_server.url("dashboard.index"))
    assert _words(page.locator("#decisions-count")) == (f"{left} waiting" if left else "")


def _submit_as_lead(page, server, report_id: int) -> None:
    page.goto(server.url("reports.submit", report_id=report_id))
    page.get_by_role("button", name="Submit for sign-off").click()
    page.locator("strong#report-state").get_by_text(re.compile("sign-off|sign off", re.IGNORECASE)).wait_for()


def _autosave_by_keyboard(page, server, report_id: int) -> None:
    """The lead adds to the introduction: "Saved" comes through a polite live region, and focus stays put."""
    page.goto(server.url("reports.edit", report_id=report_id))
    status = page.locator("#autosave-status")
    assert (status.get_attribute("role"), status.get_attribute("aria-live")) == ("status", "polite")
    introduction = page.get_by_label("Introduction")
    tab_to(page, introduction)
    page.keyboard.press("End")
    with page.expect_response(lambda response: "/autosave" in response.url):
        page.keyboard.type(" Written on a phone.")
    page.wait_for_function("() => document.querySelector('#autosave-status').innerText.startsWith('Saved')")
    assert_focus_on(introduction, page)


def test_a_lead_autosaves_then_a_sponsor_returns_the_report_and_signs_it_off_by_keyboard(week_server, week_page_as):
    report_id = week_server.query(
        select(Report.id).where(Report.workstream_id == week_server.workstream_id, Report.state == "draft")
    ).scalar_one()
    lead, sponsor = week_page_as(data.LEAD), week_page_as(data.SPONSOR)
    _autosave_by_keyboard(lead, week_server, report_id)
    _submit_as_lead(lead, week_server, report_id)

    sponsor.goto(week_server.url("reports.detail", report_id=report_id))
    tab_to(sponsor, sponsor.get_by_role("button", name="Return to the project lead"))
    sponsor.keyboard.press("Enter")
    sponsor.wait_for_url(re.compile(r"/sign-off#return$"))
    sponsor.keyboard.press("Tab")  # from the part of the page the link led to
    assert_focus_on(sponsor.get_by_label("Comments for the project lead"), sponsor)
    sponsor.keyboard.type("Say which board this supports.")
    sponsor.keyboard.press("Tab")
    assert_focus_on(sponsor.get_by_role("button", name="Return with comments"), sponsor)
    assert "returned" in enter_to_banner(sponsor, week_server.url("reports.detail", report_id=report_id))

    _submit_as_lead(lead, week_server, report_id)
    sponsor.goto(week_server.url("reports.detail", report_id=report_id))
    tab_to(sponsor, sponsor.get_by_role("button", name="Sign off", exact=True))
    sponsor.keyboard.press("Enter")
    sponsor.wait_for_url(week_server.url("reports.sign_off", report_id=report_id))
    assert sponsor.evaluate("document.activeElement === document.body")
    assert sponsor.get_by_role("heading", level=1).inner_text() == "Sign off or return the report"
    tab_to(sponsor, sponsor.get_by_role("button", name="Sign off this report"))
    assert "signed off" in enter_to_banner(sponsor, week_server.url("reports.detail", report_id=report_id))
    assert sponsor.locator("strong#report-state").inner_text() == "Signed off"


def test_a_plan_filter_announces_its_count_and_leaves_focus_on_the_filter(week_server, week_page_as):
    page = week_page_as(data.LEAD)
    page.goto(week_server.url("plan.show", workstream_id=week_server.workstream_id))
    count = page.locator("#plan-count")
    assert count.get_attribute("role") == "status"
    total = len(data.MILESTONES)
    assert count.inner_text() == f"Showing {total} of {total} milestones"

    status = page.get_by_label("Status")
    tab_to(page, status)
    with page.expect_response(lambda response: "/plan?" in response.url):
        status.press("ArrowDown")  # the next option: what a keyboard does on a closed select
    page.wait_for_url(lambda url: "status=" in url)
    shown = page.locator("#plan-results tbody tr").count()
    assert shown < total
    assert count.inner_text() == f"Showing {shown} of {total} milestones"
    assert_focus_on(status, page)
