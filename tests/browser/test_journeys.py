"""Whole journeys through real forms, as each person: a completion rejected then approved; a report written,
returned, fixed, signed off and downloaded. axe checks each page on the way."""

import re

import pytest
from sqlalchemy import select

from app.demo import data
from app.models import Milestone, Report
from tests.browser.conftest import assert_accessible, open_milestone_reference

pytestmark = pytest.mark.browser

EVIDENCE = {"name": "minutes.txt", "mimeType": "text/plain", "buffer": b"Board minutes: the dashboard went live.\n"}


def _open_milestone_of(server, email: str) -> Milestone:
    reference = open_milestone_reference(email)
    return server.query(
        select(Milestone.id, Milestone.reference).where(
            Milestone.workstream_id == server.workstream_id, Milestone.reference == reference
        )
    ).one()


def _propose_completion(page, note: str) -> None:
    """On the proposal form: fill it in with a file of evidence and send it."""
    assert_accessible(page)
    page.get_by_label("Date completed").fill("2021-04-01")
    page.get_by_label("What was done").fill(note)
    page.get_by_label("Upload evidence").set_input_files(EVIDENCE)
    page.get_by_role("button", name="Send for approval").click()
    page.wait_for_url(re.compile(r"/proposals/\d+$"))
    assert page.locator("#proposal-state").inner_text() == "Waiting for a decision"
    assert page.locator("#evidence").get_by_text(EVIDENCE["name"]).count() == 1
    assert_accessible(page)


def _decide_from_queue(page, server, milestone, decision: str, reason: str = "") -> None:
    page.goto(server.url("proposals.queue"))
    row = page.locator("#queue tbody tr", has=page.get_by_role("link", name=milestone.reference, exact=True))
    assert row.count() == 1
    assert_accessible(page)
    if reason:
        row.get_by_role("textbox").fill(reason)
    with page.expect_response(lambda r: "/decision" in r.url):
        row.get_by_role("button", name=re.compile(rf"^{decision}", re.IGNORECASE)).click()
    expected = "Approved" if decision == "Approve" else "Rejected"
    page.locator("#queue .app-decision-outcome").get_by_text(expected).wait_for()
    assert_accessible(page)


def test_a_completion_is_rejected_with_a_reason_then_proposed_again_and_approved(demo_server, page_as):
    milestone = _open_milestone_of(demo_server, data.OWNER)
    owner, lead = page_as(data.OWNER), page_as(data.LEAD)

    owner.goto(demo_server.url("plan.milestone", milestone_id=milestone.id))
    owner.get_by_role("link", name="Propose completion with evidence").click()
    _propose_completion(owner, "Dashboard live for the board.")
    _decide_from_queue(lead, demo_server, milestone, "Reject", "The minutes do not show the dashboard went live.")

    owner.reload()
    assert owner.locator("#proposal-state").inner_text() == "Rejected"
    assert "The minutes do not show the dashboard went live." in owner.locator("#proposal-summary").inner_text()
    assert_accessible(owner)
    owner.get_by_role("link", name="Propose again").click()
    _propose_completion(owner, "Dashboard live; minutes of the board attached.")
    _decide_from_queue(lead, demo_server, milestone, "Approve")

    lead.goto(demo_server.url("plan.show", workstream_id=demo_server.workstream_id, status="complete"))
    row = lead.locator(f'[id="milestone-{milestone.reference}"]')
    assert row.count() == 1
    assert "Complete" in row.locator("td").nth(4).inner_text()
    assert_accessible(lead)


def _demo_report_id(server) -> int:
    return server.query(select(Report.id).where(Report.workstream_id == server.workstream_id)).scalar_one()


def _submit(page) -> None:
    """From the report page: Submit, check on the confirmation page, and submit there."""
    page.locator("#submit-report").click()
    page.wait_for_url(re.compile(r"/submit$"))
    assert_accessible(page)
    page.get_by_role("button", name="Submit for sign-off").click()
    page.locator("strong#report-state").get_by_text(re.compile("sign-off|sign off", re.IGNORECASE)).wait_for()


def test_a_report_is_written_returned_fixed_signed_off_and_downloaded(demo_server, page_as, tmp_path):
    from pypdf import PdfReader

    report_id = _demo_report_id(demo_server)
    lead, sponsor, viewer = page_as(data.LEAD), page_as(data.SPONSOR), page_as(data.VIEWER)

    lead.goto(demo_server.url("reports.edit", report_id=report_id))
    assert_accessible(lead)
    lead.get_by_label("Introduction").fill("Business intelligence support for the improvement plan, first draft.")
    lead.get_by_role("button", name="Save draft").click()
    lead.wait_for_url(demo_server.url("reports.detail", report_id=report_id))
    assert_accessible(lead)
    _submit(lead)
    assert_accessible(lead)

    sponsor.goto(demo_server.url("reports.detail", report_id=report_id))
    assert_accessible(sponsor)
    sponsor.get_by_role("button", name="Return to the project lead").click()
    sponsor.wait_for_url(re.compile(r"/sign-off#return$"))
    assert_accessible(sponsor)
    sponsor.get_by_label(re.compile("comments", re.IGNORECASE)).fill("Say which board this supports.")
    sponsor.get_by_role("button", name="Return with comments").click()
    sponsor.locator("strong#report-state").get_by_text("Draft").wait_for()

    lead.goto(demo_server.url("reports.detail", report_id=report_id))
    assert lead.locator("#returned-comments").inner_text() == "Say which board this supports."
    assert_accessible(lead)
    lead.goto(demo_server.url("reports.edit", report_id=report_id))
    lead.get_by_label("Introduction").fill("Business intelligence support for the Children's Improvement Board.")
    lead.get_by_role("button", name="Save draft").click()
    lead.wait_for_url(demo_server.url("reports.detail", report_id=report_id))
    _submit(lead)

    sponsor.goto(demo_server.url("reports.detail", report_id=report_id))
    sponsor.get_by_role("button", name="Sign off", exact=True).click()
    sponsor.get_by_role("button", name="Sign off this report").click()
    sponsor.locator("strong#report-state").get_by_text("Signed off").wait_for()
    assert_accessible(sponsor)

    viewer.goto(demo_server.url("reports.detail", report_id=report_id))
    assert_accessible(viewer)
    with viewer.expect_download(timeout=120_000) as download:  # drawing the PDF takes a while
        viewer.get_by_role("link", name="PDF").click(no_wait_after=True)
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Children's Improvement Board." in text
    assert data.WORKSTREAM["name"] in text
