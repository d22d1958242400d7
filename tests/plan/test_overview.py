from datetime import UTC, date, datetime

from flask import url_for

from app.extensions import db
from app.models import BoardMeeting, Report
from tests.conftest import parse
from tests.factories import make_milestone, make_programme, make_risk, make_section, make_workstream


def rows(page) -> dict[str, dict]:
    """Overview rows by workstream name: RAG, reasons, counts, last signed-off RAG and trend."""
    result = {}
    for tr in page.select("table.app-overview tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.select("td")]
        result[tr.th.get_text(strip=True)] = {
            "rag": cells[0],
            "reasons": cells[1],
            "counts": [int(c) for c in cells[2:6]],
            "previous": cells[6],
            "trend": cells[7],
            "data-trend": tr["data-trend"],
        }
    return result


def sign_off(world, meeting_date: date, reported_rag: str, when: datetime) -> Report:
    """A signed-off report of workstream A for a meeting on ``meeting_date``."""
    meeting = BoardMeeting(programme_id=world.programme.id, name="Improvement Board", date=meeting_date)
    db.session.add(meeting)
    db.session.flush()
    workstream = world.a.workstream
    report = Report(
        workstream_id=workstream.id,
        meeting_id=meeting.id,
        state="signed_off",
        reported_rag=reported_rag,
        submitted_at=when,
        signed_off_at=when,
    )
    db.session.add(report)
    db.session.flush()
    return report


def test_admin_sees_every_workstream_with_rag_counts_and_trend(app, world, login_as):
    a = world.a
    section = a.section
    make_milestone(section, "1.2", due=date(2030, 1, 31), completed_on=date(2030, 1, 20))  # complete
    make_milestone(section, "1.3", due=date(2030, 3, 31), revised_due=date(2030, 6, 30))  # slipped: amber
    sign_off(world, date(2030, 2, 15), "green", datetime(2030, 2, 10, tzinfo=UTC))
    db.session.commit()

    page = parse(login_as(world.admin).get(url_for("plan.overview", as_of="2030-03-01")))
    found = rows(page)
    assert set(found) == {"Alpha", "Beta"}
    alpha = found["Alpha"]
    # Alpha: the Resourcing risk (medium × significant) is amber; 1.1 awaits approval of its completion.
    assert alpha["rag"] == "Amber"
    assert "Open amber risk: Resourcing" in alpha["reasons"]
    assert alpha["counts"] == [1, 2, 0, 1]
    assert alpha["previous"].startswith("Green")
    assert (alpha["trend"], alpha["data-trend"]) == ("Worsened", "worsened")
    assert (found["Beta"]["previous"], found["Beta"]["data-trend"]) == ("N/A", "new")
    summary = " ".join(page.select_one(f"#programme-{world.programme.id}-summary").get_text().split())
    assert summary.startswith("2 workstreams: 0 red, 2 amber, 0 green.")
    headers = [th.get_text(" ", strip=True) for th in page.select("table.app-overview thead th")]
    assert headers[1] == "Computed RAG as at 1 March 2030"  # the as-at date beside every computed RAG


def test_trend_ignores_reports_signed_off_after_the_as_at_date(app, world, login_as):
    sign_off(world, date(2030, 4, 15), "green", datetime(2030, 4, 10, tzinfo=UTC))
    db.session.commit()
    client = login_as(world.admin)
    before = rows(parse(client.get(url_for("plan.overview", as_of="2030-04-01"))))["Alpha"]
    after = rows(parse(client.get(url_for("plan.overview", as_of="2030-04-12"))))["Alpha"]
    assert (before["previous"], before["data-trend"]) == ("N/A", "new")
    assert after["previous"].startswith("Green") and after["data-trend"] == "worsened"


def test_overdue_milestones_show_in_counts_and_reasons(app, world, login_as):
    make_milestone(world.a.section, "1.5", due=date(2030, 1, 31), due_is_month=True)
    db.session.commit()
    alpha = rows(parse(login_as(world.a.lead).get(url_for("plan.overview", as_of="2030-03-18"))))["Alpha"]
    assert alpha["rag"] == "Red"
    assert "Overdue by more than 28 days: 1.5 (46 days)" in alpha["reasons"]
    assert alpha["counts"][2] == 1


def test_people_see_only_the_workstreams_they_may_view(app, world, login_as):
    page = parse(login_as(world.b.lead).get(url_for("plan.overview", programme_id=world.programme.id)))
    assert set(rows(page)) == {"Beta"}
    assert "Alpha" not in page.get_text()

    page = parse(login_as(world.a.sponsor).get(url_for("plan.overview")))
    assert set(rows(page)) == {"Alpha"}


def test_another_programme_is_forbidden_to_people_without_a_workstream_in_it(app, world, login_as):
    other = make_programme("Adult Services Programme")
    workstream = make_workstream("Commissioning", other)
    make_risk(workstream, "Budget")
    db.session.commit()
    assert login_as(world.a.lead).get(url_for("plan.overview", programme_id=other.id)).status_code == 403
    assert login_as(world.a.viewer).get(url_for("plan.overview")).status_code == 403
    admin_page = parse(login_as(world.admin).get(url_for("plan.overview", programme_id=other.id)))
    assert set(rows(admin_page)) == {"Commissioning"}
    assert login_as(world.admin).get(url_for("plan.overview", programme_id=9999)).status_code == 404


def test_overview_groups_workstreams_by_programme(app, world, login_as):
    other = make_programme("Adult Services Programme")
    make_section(make_workstream("Commissioning", other), 1)
    db.session.commit()
    page = parse(login_as(world.admin).get(url_for("plan.overview")))
    assert [h.get_text(strip=True) for h in page.select("h2.govuk-heading-m")] == [
        "Adult Services Programme",
        "Improvement Programme",
    ]


def test_dashboard_links_to_the_overview(app, world, login_as):
    page = parse(login_as(world.a.lead).get(url_for("dashboard.index")))
    assert page.find("a", href=url_for("plan.overview")) is not None
