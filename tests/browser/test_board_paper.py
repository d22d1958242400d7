"""The demo, walked as a board paper is made: the owner proposes completion of 1.6 with a file and a note, the lead
approves it and submits the report, the sponsor reads the confirmation and signs. The paper awaiting sign-off says
DRAFT on every page; the signed paper (JSON, Word and a tagged PDF) shows 1.6 as Complete with the owner's note as
its comment and says on page 1 who signed it; the meeting's board pack has its cover, contents and one page count."""

import io
import re

import pikepdf
import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from app.demo import data
from app.models import Milestone, Report
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

NOTE = "Homelessness report live in QLIK; the service manager's sign-off email is attached."
EVIDENCE = {"name": "sign-off.txt", "mimeType": "text/plain", "buffer": b"Signed off by the service manager.\n"}
REFERENCE = "1.6"


def test_an_approved_completion_reaches_the_signed_paper_with_its_note(demo_server, page_as):
    milestone_id = demo_server.query(
        select(Milestone.id).where(
            Milestone.workstream_id == demo_server.workstream_id, Milestone.reference == REFERENCE
        )
    ).scalar_one()
    report_id = demo_server.query(
        select(Report.id).where(Report.workstream_id == demo_server.workstream_id)
    ).scalar_one()
    owner, lead, sponsor = page_as(data.OWNER), page_as(data.LEAD), page_as(data.SPONSOR)

    # The owner proposes completion with a file and a note.
    owner.goto(demo_server.url("plan.milestone", milestone_id=milestone_id))
    owner.get_by_role("link", name="Propose completion with evidence").click()
    owner.get_by_label("Date completed").fill("2021-04-12")
    owner.get_by_label("What was done").fill(NOTE)
    owner.get_by_label("Upload evidence").set_input_files(EVIDENCE)
    owner.get_by_role("button", name="Send for approval").click()
    owner.wait_for_url(re.compile(r"/proposals/\d+$"))
    proposal_url = owner.url

    # The lead approves it; the milestone's comment is now the approved fact, the old one kept in its history.
    lead.goto(proposal_url)
    lead.get_by_role("button", name=re.compile("^Approve")).click()
    lead.goto(demo_server.url("plan.milestone", milestone_id=milestone_id))
    expected = f"Completed 12 April 2021: {NOTE}"
    assert expected in lead.locator(".govuk-summary-list").inner_text()
    assert "Awaiting evidence of completion" in lead.locator(".app-timeline").inner_text()
    assert_accessible(lead)

    # The lead submits through the confirmation page.
    lead.goto(demo_server.url("reports.detail", report_id=report_id))
    lead.locator("#submit-report").click()
    lead.wait_for_url(re.compile(r"/submit$"))
    assert "You are submitting the 19 April 2021 report as" in lead.locator("#submit-statement").inner_text()
    assert_accessible(lead)
    lead.get_by_role("button", name="Submit for sign-off").click()
    lead.locator("strong#report-state").get_by_text("Awaiting sign-off").wait_for()

    # Until it is signed, the paper says so on every page.
    unsigned = _pdf_pages(lead.request.get(demo_server.url("reports.download_pdf", report_id=report_id)).body())
    assert len(unsigned) > 3 and all("DRAFT: AWAITING SIGN-OFF" in text for text in unsigned)

    # The sponsor reads the paper, opens the confirmation below it, and signs.
    sponsor.goto(demo_server.url("reports.detail", report_id=report_id))
    sponsor.locator("#sign-off-actions").get_by_role("button", name="Sign off", exact=True).click()
    sponsor.wait_for_url(re.compile(r"/sign-off$"))
    statement = sponsor.locator("#sign-off-statement").inner_text()
    assert re.fullmatch(
        r"You are signing off the 19 April 2021 report as \w+ \([\w ]+\): .*amber risks?, .* overdue\.", statement
    ), statement
    assert_accessible(sponsor)
    sponsor.get_by_role("button", name="Sign off this report").click()
    sponsor.locator("strong#report-state").get_by_text("Signed off").wait_for()

    # The signed paper, as JSON and in Word.
    document = sponsor.request.get(demo_server.url("reports.report_json", report_id=report_id)).json()
    assert document["state"] == "signed_off"
    row = next(m for s in document["sections"] for m in s["milestones"] if m["reference"] == REFERENCE)
    assert (row["status"], row["status_text"], row["completed_on"]) == ("complete", "Complete", "2021-04-12")
    assert row["comments"] == expected

    word = sponsor.request.get(demo_server.url("reports.download_docx", report_id=report_id))
    assert word.ok
    rows = [
        [cell.text for cell in table_row.cells]
        for table in Document(io.BytesIO(word.body())).tables
        for table_row in table.rows
    ]
    [cells] = [cells for cells in rows if cells and cells[0] == REFERENCE]
    assert "12 April 2021" in cells and "Complete" in cells
    assert expected in cells
    opening = " ".join(p.text for p in Document(io.BytesIO(word.body())).paragraphs[:6])
    assert re.search(r"Signed off by Morgan Hale on \d+ \w+ \d{4}", opening), opening

    signed = sponsor.request.get(demo_server.url("reports.download_pdf", report_id=report_id)).body()
    pages = _pdf_pages(signed)
    assert "Signed off by Morgan Hale" in pages[0] and not any("DRAFT" in text for text in pages)
    text = " ".join(" ".join(pages).split())
    assert re.search(r"1\.6 .*Complete", text) and " ".join(expected.split()) in text
    assert bool(pikepdf.open(io.BytesIO(signed)).Root.MarkInfo.Marked)  # a tagged PDF

    # The meeting's board pack: its cover, a contents page, and one page count across the pack.
    meeting_id = demo_server.query(select(Report.meeting_id).where(Report.id == report_id)).scalar_one()
    pack = _pdf_pages(sponsor.request.get(demo_server.url("reports.board_pack_pdf", meeting_id=meeting_id)).body())
    cover, contents = (" ".join(page.split()) for page in pack[:2])
    assert "Direction of travel" in cover and "Signed off by Morgan Hale" in cover
    assert "Contents" in contents and "Business Intelligence highlight report" in contents
    assert [re.findall(r"Page \d+ of \d+", page) for page in pack] == [
        [f"Page {n} of {len(pack)}"] for n in range(1, len(pack) + 1)
    ]


def _pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
