"""The report's page shows the paper as the board reads it, and lets a reader check a signed paper: the full sha256
on the page, and the document stored at submission that it is the SHA-256 of."""

import hashlib
from dataclasses import replace

from flask import url_for

from app.domain.rag import STATUS_TEXTS
from app.services.report_model import ChangeLine, DecisionLine
from tests.conftest import parse
from tests.reports.conftest import demo, refresh, sign_off, snapshots, submit  # noqa: F401  (the demo fixture)


def test_the_stored_document_is_what_a_signed_papers_sha256_is_of(demo, login_as):  # noqa: F811
    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    report = refresh(demo.report)
    viewer = login_as(demo.viewer)
    page = parse(viewer.get(url_for("reports.detail", report_id=report.id)))
    sha256 = page.select_one("#report-sha256").get_text(strip=True)
    assert sha256 == snapshots(report)[-1].sha256

    response = viewer.get(url_for("reports.snapshot_json", report_id=report.id))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert hashlib.sha256(response.get_data()).hexdigest() == sha256

    paper = page.select_one("#report-signed-off").get_text(" ", strip=True)
    assert f"Snapshot sha256 {sha256[:12]}" in paper and sha256 not in paper
    assert url_for("reports.detail", report_id=report.id) in paper
    assert url_for("reports.snapshot_json", report_id=report.id) in paper
    assert page.select_one("#report-mark") is None


def test_a_report_never_submitted_has_no_stored_document(demo, login_as):  # noqa: F811
    response = login_as(demo.lead).get(url_for("reports.snapshot_json", report_id=demo.report.id))
    assert response.status_code == 404


def test_a_draft_reads_draft_with_the_status_in_words_and_the_boards_two_sections(demo, login_as):  # noqa: F811
    page = parse(login_as(demo.lead).get(url_for("reports.detail", report_id=demo.report.id)))
    assert page.select_one("#report-mark").get_text(strip=True) == "DRAFT"
    assert page.select_one("#report-changes").get_text(strip=True) == "No changes since the last board."
    assert page.select_one("#report-decisions").get_text(strip=True) == "No decisions needed."
    table = page.select_one("#report-milestones-1")
    assert [th.get_text(strip=True) for th in table.select("thead th")][4] == "Status"
    words = [row.select("td")[3].get_text(strip=True) for row in table.select("tbody tr[data-reference]")]
    assert words and set(words) <= set(STATUS_TEXTS)


def test_the_report_page_lists_changes_and_the_boards_answers(demo, login_as, monkeypatch):  # noqa: F811
    from app.reports import routes

    built = routes.build_for_report

    def with_sections(*args, **kwargs):
        model = built(*args, **kwargs)
        return replace(
            model,
            changes_since_last=(ChangeLine("removed", "2.3", "2.3 removed: merged into 2.4"),),
            decisions_needed=(DecisionLine("Fund the second analyst", "Approved"),),
        )

    monkeypatch.setattr(routes, "build_for_report", with_sections)
    page = parse(login_as(demo.sponsor).get(url_for("reports.detail", report_id=demo.report.id)))
    assert [li.get_text(strip=True) for li in page.select("#report-changes li")] == ["2.3 removed: merged into 2.4"]
    answer = page.select_one("#report-decisions li").get_text(" ", strip=True)
    assert answer == "Fund the second analyst The board's answer: Approved"
