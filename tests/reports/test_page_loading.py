"""The report page reads the report, its narratives and the previous RAG in one statement (load_report): it must
show what looking each of them up would, in a fixed number of statements."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from app.demo import data
from app.domain.permissions import Role
from app.extensions import db
from app.models import BoardMeeting, Report, SectionNarrative
from app.services.report_model import build_for_report, load_report, previous_rag_for, previous_rag_query
from bench.targets import SQL_BUDGET
from tests.conftest import parse
from tests.factories import add_member, make_member, make_workstream
from tests.plan.test_query_counts import statements_for
from tests.reports.conftest import MEETING_DATE, sign_off, submit

TODAY = date(2021, 5, 1)


def _meeting(demo, name: str, when: date) -> BoardMeeting:
    meeting = BoardMeeting(programme_id=demo.workstream.programme_id, name=name, date=when)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _report(workstream_id: int, meeting: BoardMeeting, state: str, rag: str | None) -> Report:
    report = Report(workstream_id=workstream_id, meeting_id=meeting.id, state=state, reported_rag=rag)
    if state == "signed_off":
        report.signed_off_at = datetime.combine(meeting.date, datetime.min.time(), UTC)
    db.session.add(report)
    db.session.flush()
    return report


@pytest.fixture
def history(demo):
    """Signed-off reports before the demo's meeting (red in January, green in March, one without a RAG in
    early April), a report awaiting sign-off, and another workstream's later signed-off report."""
    ws = demo.workstream.id
    _report(ws, _meeting(demo, "January board", date(2021, 1, 18)), "signed_off", "red")
    march = _meeting(demo, "March board", date(2021, 3, 15))
    _report(ws, march, "signed_off", "green")
    _report(ws, _meeting(demo, "April board", date(2021, 4, 5)), "signed_off", None)
    _report(ws, _meeting(demo, "Extra board", date(2021, 4, 12)), "awaiting_sign_off", "amber")
    _report(make_workstream("Elsewhere", demo.workstream.programme).id, march, "signed_off", "amber")
    db.session.commit()
    return demo


def test_the_previous_rag_is_the_latest_signed_off_report_with_a_rag_for_an_earlier_meeting(history):
    """Signed off only, with a reported RAG, for a meeting before the date, of this workstream: the latest."""
    ws = history.workstream.id
    expected = {
        date(2021, 1, 18): None,  # the January report is for that day's meeting, not an earlier one
        date(2021, 1, 19): "red",
        date(2021, 3, 15): "red",
        date(2021, 3, 16): "green",
        date(2021, 4, 6): "green",  # April's signed-off report states no RAG
        date(2021, 4, 13): "green",  # the extra board's report is only awaiting sign-off
        MEETING_DATE: "green",
        date(2030, 1, 1): "green",  # another workstream's later paper is not this one's
    }
    for before, rag in expected.items():
        assert previous_rag_for(db.session, ws, before) == rag, before
        assert db.session.scalar(select(previous_rag_query(ws, before))) == rag, before


def test_the_report_loaded_in_one_statement_builds_the_model_the_lookups_build(history):
    report_id = history.report.id
    history.report.completed_by_id = history.sponsor.id
    db.session.commit()
    db.session.expunge_all()

    loaded, extras = load_report(db.session, report_id)

    assert extras.previous_rag == "green"
    assert set(extras.narratives) == {s.id for s in loaded.workstream.sections}
    assert build_for_report(db.session, loaded, TODAY, extras) == build_for_report(db.session, loaded, TODAY)
    assert load_report(db.session, report_id + 1000) is None


def test_a_report_without_narratives_loads_with_none(history):
    db.session.execute(SectionNarrative.__table__.delete())
    db.session.commit()

    _, extras = load_report(db.session, history.report.id)

    assert extras.narratives == {}
    assert extras.previous_rag == "green"


def test_the_draft_preview_shows_the_report_people_narratives_and_every_milestone(history, login_as):
    report = history.report
    report.completed_by_id = history.owner.id
    db.session.commit()

    page = parse(login_as(history.sponsor).get(url_for("reports.detail", report_id=report.id)))

    header = page.select_one("#report-header")

    def cell(label: str) -> str:
        return header.find("th", string=label).find_next("td").get_text(" ", strip=True)

    assert cell("Sponsor") == "Morgan Hale" and cell("Project Manager/ Lead") == "Priya Shah"
    assert cell("Previous RAG Status") == "Green (On Track)"
    assert cell("Report Completed By") == "Sam Taylor"
    assert cell("Meeting Date") == "19 April 2021"
    first = page.select_one("#report-section-1").find_parent("section")
    assert data.SECTIONS[0].barriers.removeprefix("- ") in first.select("table")[0].get_text()
    rows = page.select("tr[data-reference]")
    milestones = [r["data-reference"] for r in rows if r.find_parent("table", class_="app-paper__milestones")]
    assert milestones == [m.reference for m in data.MILESTONES]


def test_the_preview_runs_as_many_statements_whoever_reads_it_and_completed_it(history, login_as):
    report = history.report
    report.completed_by_id = history.owner.id
    url = url_for("reports.detail", report_id=report.id)

    counts = {role: statements_for(login_as(history.user(role)), url) for role in ("lead", "sponsor", "admin")}

    assert len(set(counts.values())) == 1, counts
    assert counts["lead"] <= SQL_BUDGET


def test_a_report_awaiting_sign_off_still_shows_its_snapshot_and_changes(history, login_as):
    lead = login_as(history.lead)
    assert lead.post(url_for("reports.submit", report_id=history.report.id)).status_code in (302, 303)

    page = parse(login_as(history.sponsor).get(url_for("reports.detail", report_id=history.report.id)))

    assert page.select_one("#report-status").get_text(" ", strip=True).startswith("Submitted by Priya Shah")
    assert page.select_one("#changes-title") is not None
    assert page.select_one("#sign-off-report") is not None
    cell = page.select_one("#report-header").find("th", string="Previous RAG Status").find_next("td")
    assert cell.get_text(strip=True) == "Green (On Track)"


def test_the_signed_off_report_names_who_signed_it(history, login_as):
    submit(login_as(history.lead), history.report)
    sign_off(login_as(history.sponsor), history.report)
    when = datetime.now(UTC) - timedelta(minutes=1)

    page = parse(login_as(history.viewer).get(url_for("reports.detail", report_id=history.report.id)))

    signature = page.select_one("#report-signed-off").get_text(" ", strip=True)
    assert signature.startswith("Signed off by Morgan Hale on") and str(when.year) in signature


def test_each_reader_gets_the_forms_of_the_actions_offered(history, login_as):
    report_id = history.report.id
    url = url_for("reports.detail", report_id=report_id)
    submit_url, sign_off_url = (
        url_for("reports.submit", report_id=report_id),
        url_for("reports.sign_off", report_id=report_id),
    )

    def forms(role: str, page_url: str = url) -> list[str]:
        page = parse(login_as(history.user(role)).get(page_url))
        return [f["action"] for f in page.select("main form")]

    # Submitting, signing off and returning each start from a link to the page that confirms them.
    assert forms("lead") == [] and forms("sponsor") == []
    assert parse(login_as(history.lead).get(url)).select_one("#submit-report")["href"] == submit_url
    assert forms("lead", submit_url) == [submit_url]
    submit(login_as(history.lead), history.report)
    assert forms("sponsor") == []
    links = [a["href"] for a in parse(login_as(history.sponsor).get(url)).select("#sign-off-actions a")]
    assert links == [sign_off_url, f"{sign_off_url}#return"]
    assert forms("sponsor", sign_off_url) == [sign_off_url, url_for("reports.return_report", report_id=report_id)]
    assert forms("lead") == [url_for("reports.withdraw", report_id=report_id)]


def test_the_edit_page_offers_each_lead_owner_and_sponsor_once_in_name_order(history, login_as):
    add_member(history.owner, history.workstream, Role.LEAD)  # two roles, one choice
    make_member(history.workstream, Role.VIEWER, "Aaron Viewer")  # a viewer never completes a report
    db.session.commit()

    page = parse(login_as(history.lead).get(url_for("reports.edit", report_id=history.report.id)))

    options = [(o["value"], o.get_text(strip=True)) for o in page.select("select[name=completed_by_id] option")]
    assert options[0] == ("0", "Select a person")
    names = [name for _, name in options[1:]]
    assert names == sorted(names) and len(names) == len(set(names))
    assert {"Priya Shah", "Sam Taylor", "Morgan Hale"} <= set(names) and "Aaron Viewer" not in names
    assert ("Sam Taylor", str(history.owner.id)) in {(name, value) for value, name in options}


def test_the_edit_page_runs_as_many_statements_however_many_members(history, login_as):
    url = url_for("reports.edit", report_id=history.report.id)
    before = statements_for(login_as(history.lead), url)
    for n in range(5):
        make_member(history.workstream, Role.OWNER, f"Extra owner {n}")

    assert statements_for(login_as(history.lead), url) == before <= SQL_BUDGET
