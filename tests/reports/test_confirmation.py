"""The sponsor reads before signing: Sign off and Return sit below the paper and lead to a page that restates what is
being signed, from the snapshot. The lead is warned, before submitting, of proposals still waiting for a decision (not
in the paper), and reads a returned report's comments at the top of the edit page. The sponsor's changes since
submission explain a completion dated after the as-at date instead of calling it open."""

from datetime import UTC, date, datetime

from flask import url_for
from sqlalchemy import select

from app.domain.proposals import Kind
from app.extensions import db
from app.models import Milestone, Risk
from app.services import proposals as proposals_service
from app.services import reports as service
from tests.conftest import parse
from tests.evidence_corpus import pdf
from tests.reports.conftest import refresh, sign_off, snapshots, submit


def _milestone(reference: str) -> Milestone:
    return db.session.scalar(select(Milestone).where(Milestone.reference == reference))


def _propose_completion(demo, reference: str, when: date, is_month: bool = False, today: date = date(2021, 5, 3)):
    proposal = proposals_service.propose(
        db.session,
        demo.owner,
        _milestone(reference),
        Kind.COMPLETION,
        proposals_service.ProposalInput(completion_date=when, completion_is_month=is_month, note="Report live"),
        [proposals_service.Upload("evidence.pdf", pdf())],
        today=today,
        max_bytes=1_000_000,
    )
    db.session.commit()
    return proposal


def _expected_statement(document: dict) -> str:
    """The statement worked out from the submitted JSON itself."""
    amber = sum(1 for r in document["risks"] if r["status"] == "open" and r["rating"] == "amber")
    overdue = sum(1 for s in document["sections"] for m in s["milestones"] if m["rag"] == "red")
    rag = {"red": "Red (Off Track)", "amber": "Amber (At Risk)", "green": "Green (On Track)"}[
        document["rag"]["reported"]
    ]
    milestones = "no milestones" if overdue == 0 else f"{overdue} milestone{'s' if overdue != 1 else ''}"
    return f"You are signing off the 19 April 2021 report as {rag}: {amber} amber risks, {milestones} overdue."


def test_the_confirmation_page_restates_what_is_signed_from_the_snapshot(demo, login_as):
    submit(login_as(demo.lead), demo.report)
    sponsor = login_as(demo.sponsor)
    detail = parse(sponsor.get(url_for("reports.detail", report_id=demo.report.id)))
    # The buttons come after the paper, and lead to the confirmation.
    paper = detail.select_one("#report-header")
    actions = detail.select_one("#sign-off-actions")
    assert paper.sourceline < actions.sourceline
    assert actions.select_one("#sign-off-report")["href"] == url_for("reports.sign_off", report_id=demo.report.id)
    assert detail.select("#report-actions form") == []

    document = sponsor.get(url_for("reports.report_json", report_id=demo.report.id)).get_json()
    page = parse(sponsor.get(url_for("reports.sign_off", report_id=demo.report.id)))
    statement = page.select_one("#sign-off-statement").get_text(" ", strip=True)
    assert statement == _expected_statement(document)
    assert (
        statement
        == "You are signing off the 19 April 2021 report as Amber (At Risk): 3 amber risks, no milestones overdue."
    )
    assert snapshots(demo.report)[-1].sha256 in page.select_one("#sign-off-summary").get_text()
    assert page.select_one("input[name=snapshot_id]")["value"] == str(snapshots(demo.report)[-1].id)
    assert page.select_one("#return textarea[name=comments]") is not None

    # Live data that changes after submission does not change what is signed.
    risk = db.session.scalar(select(Risk).where(Risk.reference == "Resourcing"))
    risk.likelihood, risk.impact = "high", "critical"
    db.session.commit()
    again = parse(sponsor.get(url_for("reports.sign_off", report_id=demo.report.id)))
    assert again.select_one("#sign-off-statement").get_text(" ", strip=True) == statement
    assert again.select("#changes li")

    assert sign_off(sponsor, demo.report).status_code == 303
    assert refresh(demo.report).state == "signed_off"


def test_the_confirmation_page_is_only_for_a_report_awaiting_the_sponsor(demo, login_as):
    sponsor = login_as(demo.sponsor)
    response = sponsor.get(url_for("reports.sign_off", report_id=demo.report.id))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url_for("reports.detail", report_id=demo.report.id))
    banner = parse(sponsor.get(url_for("reports.detail", report_id=demo.report.id))).select_one(
        ".govuk-notification-banner"
    )
    assert "Only a report awaiting sign-off can be signed off" in banner.get_text()
    submit(login_as(demo.lead), demo.report)
    for person in (demo.lead, demo.owner, demo.viewer):
        assert login_as(person).get(url_for("reports.sign_off", report_id=demo.report.id)).status_code == 403


def test_a_return_without_comments_shows_the_confirmation_page_again_with_the_error(demo, login_as):
    submit(login_as(demo.lead), demo.report)
    sponsor = login_as(demo.sponsor)
    response = sponsor.post(url_for("reports.return_report", report_id=demo.report.id), data={"comments": " "})
    assert response.status_code == 200
    page = parse(response)
    assert page.title.get_text().startswith("Error:")
    assert page.select_one("#sign-off-statement") is not None
    assert "Enter your comments" in page.select_one(".govuk-error-summary").get_text()
    assert refresh(demo.report).state == "awaiting_sign_off"


def test_the_returned_comments_stand_at_the_top_of_the_edit_page(demo, login_as):
    submit(login_as(demo.lead), demo.report)
    login_as(demo.sponsor).post(
        url_for("reports.return_report", report_id=demo.report.id), data={"comments": "Say more about 1.6"}
    )
    page = parse(login_as(demo.lead).get(url_for("reports.edit", report_id=demo.report.id)))
    banner = page.select_one("main #returned")
    assert banner.select_one("#returned-comments").get_text(strip=True) == "Say more about 1.6"
    assert banner.sourceline < page.select_one("h1").sourceline
    # Submitted again, the comments are done with.
    submit(login_as(demo.lead), demo.report)
    login_as(demo.lead).post(url_for("reports.withdraw", report_id=demo.report.id))
    assert (
        parse(login_as(demo.lead).get(url_for("reports.edit", report_id=demo.report.id))).select_one("#returned")
        is None
    )


def test_submit_names_the_proposals_still_waiting_which_are_not_in_the_paper(demo, login_as):
    lead = login_as(demo.lead)
    url = url_for("reports.submit", report_id=demo.report.id)
    assert parse(lead.get(url)).select_one("#waiting-proposals") is None
    proposal = _propose_completion(demo, "1.6", date(2021, 4, 12), today=date(2021, 4, 16))

    page = parse(lead.get(url))

    waiting = page.select_one("#waiting-proposals")
    assert "1 proposal is still waiting for a decision. It is not in this paper" in waiting.get_text(" ", strip=True)
    item = waiting.select_one("li")
    assert item.get_text(" ", strip=True) == "Milestone 1.6: completion on 12 April 2021 , proposed by Sam Taylor"
    assert item.select_one("a")["href"] == url_for("proposals.detail", proposal_id=proposal.id)
    assert (
        page.select_one("#submit-statement")
        .get_text(" ", strip=True)
        .startswith("You are submitting the 19 April 2021 report as Amber (At Risk):")
    )
    assert [f["action"] for f in page.select("main form")] == [url]

    response = lead.post(url)
    assert response.status_code == 303
    banner = parse(lead.get(url_for("reports.detail", report_id=demo.report.id))).select_one(
        ".govuk-notification-banner"
    )
    assert "Not in this paper, still waiting for a decision: 1.6 (completion on 12 April 2021)" in banner.get_text()
    row = next(
        m
        for s in lead.get(url_for("reports.report_json", report_id=demo.report.id)).get_json()["sections"]
        for m in s["milestones"]
        if m["reference"] == "1.6"
    )
    assert row["status"] == "awaiting_approval" and row["completed_on"] is None
    assert row["comments"] == "Awaiting evidence of completion before the action can be recorded as complete."


def test_the_submit_page_is_only_for_a_draft(demo, login_as):
    lead = login_as(demo.lead)
    submit(lead, demo.report)
    response = lead.get(url_for("reports.submit", report_id=demo.report.id))
    assert response.status_code == 303
    assert login_as(demo.sponsor).get(url_for("reports.submit", report_id=demo.report.id)).status_code == 403


def test_changes_since_submission_explain_a_completion_in_a_month_after_the_as_at_date(demo, login_as):
    proposal = _propose_completion(demo, "1.6", date(2021, 4, 30), is_month=True)
    service.submit_report(db.session, demo.lead, demo.report, now=datetime(2021, 4, 16, 9, tzinfo=UTC))
    db.session.commit()
    proposals_service.decide(db.session, demo.lead, proposal, "approve", "", 1)
    db.session.commit()

    page = parse(login_as(demo.sponsor).get(url_for("reports.sign_off", report_id=demo.report.id)))

    changes = [li.get_text(" ", strip=True) for li in page.select("#changes li")]
    assert [c for c in changes if c.startswith("Milestone 1.6")] == [
        "Milestone 1.6: its completion in April 2021, which counts as 30 April 2021 (a month counts as its last day), "
        "has been approved. That is after this report's as-at date of 19 April 2021, so the report shows it as not "
        "yet complete"
    ]
    assert not any("to open" in change for change in changes)
