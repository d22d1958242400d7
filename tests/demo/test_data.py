"""The demo data transcribed from the seed report: complete, consistent and fictional."""

import calendar
import inspect
from datetime import date, datetime

from app.demo import data

AS_AT = date(2021, 4, 19)

EXPECTED_REFERENCES = (
    [f"1.{n}" for n in range(1, 9)]
    + [f"2.{n}" for n in range(1, 10)]
    + ["2.11", "2.12"]
    + [f"3.{n}" for n in range(1, 8)]
    + [f"3.{n}" for n in range(10, 18)]
    + [f"4.{n}" for n in range(1, 11)]
    + ["4.12", "4.13", "4.14"]
    + ["5.1", "5.2", "5.3"]
    + ["6.2", "6.3", "6.4", "6.5", "6.6", "6.8"]
    + ["7.1", "7.2", "8.1", "8.2"]
)

EXPECTED_SECTIONS = {
    1: "Responding to OFSTED Feedback",
    2: "Partners in Practice Recommendations",
    3: "QLIK",
    4: "Insight and Analysis",
    5: "Children's Services Audit – IT audits",
    6: "Training and Development",
    7: "Children's Services Data Quality",
    8: "Feedback",
}


def month_end(text: str) -> date:
    """Parse "Month YYYY" strictly and return the month's last day."""
    parsed = datetime.strptime(text, "%B %Y")
    assert parsed.strftime("%B %Y") == text, text
    return date(parsed.year, parsed.month, calendar.monthrange(parsed.year, parsed.month)[1])


def by_reference() -> dict[str, data.Milestone]:
    return {m.reference: m for m in data.MILESTONES}


def is_open(m: data.Milestone, as_at: date) -> bool:
    """Open as at a date: not removed, and not completed on or before that date."""
    if m.removed_reason:
        return False
    return m.completed_on is None or month_end(m.completed_on) > as_at


def test_sixty_milestones_with_the_seed_references_in_order():
    references = [m.reference for m in data.MILESTONES]
    assert len(references) == 60
    assert len(set(references)) == 60
    assert references == EXPECTED_REFERENCES


def test_sections_are_the_seed_eight_and_every_milestone_has_one():
    assert {s.number: s.title for s in data.SECTIONS} == EXPECTED_SECTIONS
    assert [s.number for s in data.SECTIONS] == sorted(EXPECTED_SECTIONS)
    for m in data.MILESTONES:
        assert m.section in EXPECTED_SECTIONS, m.reference
        assert m.reference.split(".")[0] == str(m.section), m.reference
    for s in data.SECTIONS:
        for text in (s.barriers, s.action_required, s.next_activity):
            assert text.strip(), (s.number, text)


def test_everyone_referred_to_is_a_demo_person():
    emails = set(data.PEOPLE)
    assert emails == {
        "admin@example.org",
        "lead@example.org",
        "owner@example.org",
        "owner2@example.org",
        "sponsor@example.org",
        "viewer@example.org",
    }
    assert data.PEOPLE["admin@example.org"].name == "Alex Admin"
    assert {p.role for p in data.PEOPLE.values()} == {"admin", "lead", "owner", "sponsor", "viewer"}
    for m in data.MILESTONES:
        assert m.owner_email in emails, m.reference
    for r in data.RISKS:
        assert r.owner_email in emails, r.reference
    assert data.REPORT["completed_by"] == "lead@example.org"
    assert data.WORKSTREAM["lead"] == "lead@example.org"
    assert data.WORKSTREAM["sponsor"] == "sponsor@example.org"


def test_owners_are_spread_and_the_lead_owns_some():
    owners = {m.owner_email for m in data.MILESTONES}
    assert owners == {"lead@example.org", "owner@example.org", "owner2@example.org"}
    open_by_owner = [m.owner_email for m in data.MILESTONES if is_open(m, AS_AT)]
    assert open_by_owner.count("owner@example.org") >= 10
    assert open_by_owner.count("lead@example.org") >= 1


def test_every_plan_date_is_month_precision():
    for m in data.MILESTONES:
        month_end(m.due)
        for text in (m.revised_due, m.completed_on):
            if text is not None:
                month_end(text)
    for r in data.RISKS:
        month_end(r.mitigation_date)
    for key in ("period_from", "period_to", "next_from", "next_to"):
        month_end(data.REPORT[key])
    assert (data.REPORT["period_from"], data.REPORT["period_to"]) == ("January 2021", "March 2021")
    assert (data.REPORT["next_from"], data.REPORT["next_to"]) == ("March 2021", "June 2021")


def test_meetings_and_report_header():
    meetings = [(m.name, date.fromisoformat(m.date)) for m in data.MEETINGS]
    assert meetings == [
        ("Children's Improvement Board", date(2021, 2, 15)),
        ("Children's Improvement Board", date(2021, 4, 19)),
    ]
    assert data.REPORT["meeting_date"] == "2021-04-19"
    assert data.REPORT["previous_rag"] is None
    assert data.REPORT["reported_rag"] == "amber"
    assert data.REPORT["reason_for_rag"].startswith("Significant progress made on actions")
    assert data.WORKSTREAM["name"] == "Business Intelligence"
    assert data.PROGRAMME["name"] == "Children's Services Improvement Programme"


def test_complete_open_and_removed_as_the_seed_records_them():
    ms = by_reference()
    complete = {
        "1.2", "1.3", "1.5", "1.7", "2.2", "2.3", "2.4", "2.5", "2.6", "2.11", "3.3", "3.4", "3.5", "3.6", "3.7",
        "4.1", "4.2", "4.3", "4.4", "4.5", "4.7", "4.10", "4.12", "4.14", "5.1", "5.2", "6.2", "6.3", "6.5", "6.8",
        "7.1", "7.2", "8.2",
    }  # fmt: skip
    assert {r for r, m in ms.items() if m.completed_on} == complete
    assert {r for r, m in ms.items() if m.removed_reason} == {"2.12"}
    for reference in complete:
        assert ms[reference].revised_due is None, reference
    assert ms["2.11"].completed_on == "November 2020"
    assert ms["1.7"].completed_on == "March 2021"
    assert ms["4.14"].completed_on == "February 2021"
    assert ms["4.10"].completed_on == "February 2021"
    assert ms["1.1"].due == "March 2023"
    assert "(Completion of the Improvement Programme)" in ms["1.1"].comments
    open_now = {r for r, m in ms.items() if is_open(m, AS_AT)}
    assert open_now >= {
        "1.1", "1.4", "1.6", "1.8", "2.1", "2.7", "2.8", "2.9", "3.1", "3.2", "4.6", "4.8", "4.9", "4.13", "5.3",
        "6.4", "6.6", "8.1", *(f"3.{n}" for n in range(10, 18)),
    }  # fmt: skip
    assert (ms["6.6"].due, ms["6.6"].revised_due) == ("October 2021", None)
    assert ms["7.1"].milestone


def test_removed_milestone_has_the_seed_reason():
    m = by_reference()["2.12"]
    assert m.removed_reason == "Action removed as it is already being undertaken by BI and not in need of improvement."
    assert m.completed_on is None


def test_no_open_milestone_is_overdue_at_the_meeting():
    for m in data.MILESTONES:
        if is_open(m, AS_AT):
            current_due = month_end(m.revised_due or m.due)
            assert current_due >= AS_AT, f"{m.reference} is overdue ({m.revised_due or m.due})"


def test_several_open_milestones_have_slipped():
    slipped = [
        m.reference
        for m in data.MILESTONES
        if is_open(m, AS_AT) and m.revised_due and month_end(m.revised_due) > month_end(m.due)
    ]
    assert len(slipped) >= 5


def test_risks_match_the_seed():
    assert [(r.reference, r.likelihood, r.impact) for r in data.RISKS] == [
        ("Report on 13 improvement areas", "Medium", "Significant"),
        ("Resourcing", "High", "Noticeable"),
        ("Quarterly Reports", "Medium", "Significant"),
    ]
    for r in data.RISKS:
        assert r.open
        assert r.mitigation_date == "April 2021"
        assert r.risk and r.description and r.mitigation


def test_risk_guidance_covers_the_matrix():
    impacts = ("Noticeable", "Significant", "Critical")
    likelihoods = ("Low", "Medium", "High")
    assert set(data.RISK_GUIDANCE) == {(i, lk) for i in impacts for lk in likelihoods}
    assert data.RISK_GUIDANCE[("Noticeable", "Low")] == "Accept risks"
    assert data.RED_RISK_NOTE.startswith("Risks that have a red status (score of 7, 8 or 9)")


def test_demo_is_fictional():
    source = inspect.getsource(data)
    for real in ("Bulmer", "Harris", "Parkinson", "Elcock", "Wrigglesworth", "Luton Borough Council"):
        assert real not in source
    assert data.PROGRAMME["council"] == "Example Borough Council"
