"""The report's lifecycle through its pages: who may move it, snapshots, notifications, and what the sponsor sees."""

import hashlib
import json

import pytest
from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Milestone, Notification, ReportSnapshot
from tests.conftest import parse
from tests.factories import add_member
from tests.reports.conftest import refresh, sign_off, snapshots, submit

OTHERS = ["owner", "viewer", "admin"]


def _events(report, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "report", AuditEvent.object_id == report.id, AuditEvent.action == action
            )
        )
    )


def test_the_lead_submits_and_a_snapshot_is_taken_in_canonical_json(demo, login_as):
    response = submit(login_as(demo.lead), demo.report)
    assert response.status_code == 303
    report = refresh(demo.report)
    assert report.state == "awaiting_sign_off"
    [snapshot] = snapshots(report)
    document = json.loads(snapshot.body)
    assert snapshot.body == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert snapshot.sha256 == hashlib.sha256(snapshot.body.encode("utf-8")).hexdigest()
    assert document["state"] == "awaiting_sign_off" and document["as_of"] == "2021-04-19"
    assert report.reported_rag == "amber"
    assert _events(report, "report.submitted")[0].after.count(snapshot.sha256) == 1
    sponsor_notes = db.session.scalars(select(Notification).where(Notification.user_id == demo.sponsor.id)).all()
    [note] = [n for n in sponsor_notes if "ready for your sign-off" in n.text]
    assert note.url == url_for("reports.detail", report_id=report.id)


@pytest.mark.parametrize("role", ["sponsor", *OTHERS])
def test_only_the_lead_submits(demo, login_as, role):
    response = submit(login_as(demo.user(role)), demo.report)
    assert response.status_code == 403
    assert refresh(demo.report).state == "draft"
    assert snapshots(demo.report) == []


@pytest.mark.parametrize("role", ["lead", *OTHERS])
def test_only_the_sponsor_signs_off(demo, login_as, role):
    submit(login_as(demo.lead), demo.report)
    assert sign_off(login_as(demo.user(role)), demo.report).status_code == 403
    assert refresh(demo.report).state == "awaiting_sign_off"


@pytest.mark.parametrize("role", ["lead", *OTHERS])
def test_only_the_sponsor_returns_a_report(demo, login_as, role):
    submit(login_as(demo.lead), demo.report)
    response = login_as(demo.user(role)).post(
        url_for("reports.return_report", report_id=demo.report.id), data={"comments": "Please revise"}
    )
    assert response.status_code == 403
    assert refresh(demo.report).state == "awaiting_sign_off"


@pytest.mark.parametrize("role", ["sponsor", *OTHERS])
def test_only_the_lead_withdraws(demo, login_as, role):
    submit(login_as(demo.lead), demo.report)
    response = login_as(demo.user(role)).post(url_for("reports.withdraw", report_id=demo.report.id))
    assert response.status_code == 403
    assert refresh(demo.report).state == "awaiting_sign_off"


def test_the_sponsor_signs_off_the_snapshot_and_the_lead_is_told(demo, login_as):
    submit(login_as(demo.lead), demo.report)
    response = sign_off(login_as(demo.sponsor), demo.report)
    assert response.status_code == 303
    report = refresh(demo.report)
    assert report.state == "signed_off" and report.signed_off_by_id == demo.sponsor.id
    event = _events(report, "report.signed_off")[0]
    assert snapshots(report)[-1].sha256 in event.after
    lead_notes = db.session.scalars(select(Notification).where(Notification.user_id == demo.lead.id)).all()
    assert any("signed off by" in n.text for n in lead_notes)
    page = parse(login_as(demo.viewer).get(url_for("reports.detail", report_id=report.id)))
    assert page.select_one("#report-state").get_text(strip=True) == "Signed off"
    sha256 = snapshots(report)[-1].sha256
    assert page.select_one("#report-sha256").get_text(strip=True) == sha256
    assert sha256[:12] in page.select_one("#report-signed-off").get_text()
    assert page.select_one("#report-actions form") is None


def test_signing_off_refuses_a_stale_snapshot(demo, login_as):
    lead, sponsor = login_as(demo.lead), login_as(demo.sponsor)
    submit(lead, demo.report)
    first = snapshots(demo.report)[0].id
    lead.post(url_for("reports.withdraw", report_id=demo.report.id))
    submit(lead, demo.report)
    response = sponsor.post(url_for("reports.sign_off", report_id=demo.report.id), data={"snapshot_id": first})
    assert response.status_code == 409
    assert refresh(demo.report).state == "awaiting_sign_off"
    assert [s.sequence for s in snapshots(demo.report)] == [1, 2]
    page = parse(response)
    assert "submitted again since you opened it" in page.select_one("#report-conflict").get_text()
    assert page.title.get_text().startswith("Error: ")
    # The page offers the snapshot now awaiting sign-off.
    assert page.select_one("input[name=snapshot_id]")["value"] == str(snapshots(demo.report)[-1].id)


def test_nobody_signs_off_their_own_submission(demo, login_as):
    add_member(demo.lead, demo.workstream, "sponsor")
    db.session.commit()
    lead = login_as(demo.lead)
    submit(lead, demo.report)
    page = parse(lead.get(url_for("reports.detail", report_id=demo.report.id)))
    assert page.select_one("#sign-off-report") is None
    sign_off(lead, demo.report)
    assert refresh(demo.report).state == "awaiting_sign_off"


def test_the_sponsor_returns_with_comments_and_the_lead_sees_them(demo, login_as):
    submit(login_as(demo.lead), demo.report)
    sponsor = login_as(demo.sponsor)
    url = url_for("reports.return_report", report_id=demo.report.id)
    empty = sponsor.post(url, data={"comments": "  "})
    assert empty.status_code == 200
    assert "Enter your comments for the project lead" in parse(empty).select_one(".govuk-error-summary").get_text()
    assert refresh(demo.report).state == "awaiting_sign_off"

    assert sponsor.post(url, data={"comments": "Say more about 1.6"}).status_code == 303
    report = refresh(demo.report)
    assert report.state == "draft" and report.returned_comments == "Say more about 1.6"
    notes = db.session.scalars(select(Notification).where(Notification.user_id == demo.lead.id)).all()
    assert any("Say more about 1.6" in n.text for n in notes)
    page = parse(login_as(demo.lead).get(url_for("reports.detail", report_id=report.id)))
    assert page.select_one("#returned-comments").get_text(strip=True) == "Say more about 1.6"
    assert page.select_one("#submit-report") is not None


def test_the_lead_withdraws_before_sign_off_and_can_edit_again(demo, login_as):
    lead = login_as(demo.lead)
    submit(lead, demo.report)
    assert lead.get(url_for("reports.edit", report_id=demo.report.id)).status_code == 303
    assert lead.post(url_for("reports.withdraw", report_id=demo.report.id)).status_code == 303
    assert refresh(demo.report).state == "draft"
    assert lead.get(url_for("reports.edit", report_id=demo.report.id)).status_code == 200
    assert _events(demo.report, "report.withdrawn")


def test_wrong_state_actions_are_refused_with_409_and_why(demo, login_as):
    lead, sponsor = login_as(demo.lead), login_as(demo.sponsor)
    withdrawn = lead.post(url_for("reports.withdraw", report_id=demo.report.id))
    assert withdrawn.status_code == 409
    assert "Only a report awaiting sign-off can be withdrawn: it is draft now" in parse(withdrawn).select_one(
        "#report-conflict"
    ).get_text(" ", strip=True)
    assert sign_off(sponsor, demo.report).status_code == 409
    assert refresh(demo.report).state == "draft"
    submit(lead, demo.report)
    sign_off(sponsor, demo.report)
    responses = {
        "submit": submit(lead, demo.report),
        "withdraw": lead.post(url_for("reports.withdraw", report_id=demo.report.id)),
        "return": sponsor.post(url_for("reports.return_report", report_id=demo.report.id), data={"comments": "Late"}),
        "sign-off": sign_off(sponsor, demo.report),
    }
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 409)
    assert refresh(demo.report).state == "signed_off"
    said = {name: parse(r).select_one("#report-conflict").get_text(" ", strip=True) for name, r in responses.items()}
    assert "Only a draft report can be submitted" in said["submit"]
    assert "Only a report awaiting sign-off can be withdrawn" in said["withdraw"]
    assert "Only a report awaiting sign-off can be returned" in said["return"]
    for text in said.values():
        assert f"signed off by {demo.sponsor.name} on" in text


def test_the_sponsor_is_shown_what_changed_since_submission(demo, login_as):
    submit(login_as(demo.lead), demo.report)
    sponsor = login_as(demo.sponsor)
    page = parse(sponsor.get(url_for("reports.detail", report_id=demo.report.id)))
    assert page.select_one("#no-changes") is not None

    milestone = db.session.scalar(select(Milestone).where(Milestone.reference == "3.1"))
    milestone.revised_due = milestone.due.replace(month=7, day=31)
    db.session.commit()
    page = parse(sponsor.get(url_for("reports.detail", report_id=demo.report.id)))
    changes = [li.get_text(strip=True) for li in page.select("#changes li")]
    assert "Milestone 3.1: revised due changed from 2021-04-30 to 2021-07-31" in changes
    # What the sponsor reads and signs is still the submitted snapshot.
    assert page.select_one("tr[data-reference='3.1']").select("td")[2].get_text(strip=True) == "April 2021"


def test_viewers_read_only_signed_off_reports(demo, login_as):
    viewer = login_as(demo.viewer)
    urls = [
        url_for(endpoint, report_id=demo.report.id)
        for endpoint in ("reports.detail", "reports.print_layout", "reports.report_json")
    ]
    assert all(viewer.get(url).status_code == 403 for url in urls)
    submit(login_as(demo.lead), demo.report)
    assert all(viewer.get(url).status_code == 403 for url in urls)
    sign_off(login_as(demo.sponsor), demo.report)
    assert all(viewer.get(url).status_code == 200 for url in urls)
    index = parse(viewer.get(url_for("reports.index")))
    assert index.select_one(f"a[href='{url_for('reports.board_pack', meeting_id=demo.meeting.id)}']")


def test_index_and_workstream_pages_list_reports_by_permission(demo, login_as):
    lead_index = parse(login_as(demo.lead).get(url_for("reports.index")))
    assert [a.get_text(strip=True) for a in lead_index.select("table a")] == ["Business Intelligence"]
    assert parse(login_as(demo.viewer).get(url_for("reports.index"))).select("table a") == []
    page = parse(login_as(demo.viewer).get(url_for("reports.workstream", workstream_id=demo.workstream.id)))
    assert page.select_one("#reports") is None and page.select_one("main form") is None


def test_starting_a_report_copies_the_previous_narrative_and_shows_the_previous_rag(demo, login_as):
    from app.services.admin import add_meeting

    june = add_meeting(
        db.session,
        demo.admin,
        demo.workstream.programme,
        "Children's Improvement Board",
        demo.meeting.date.replace(month=6, day=21),
    )
    db.session.commit()
    lead = login_as(demo.lead)
    submit(lead, demo.report)
    sign_off(login_as(demo.sponsor), demo.report)

    page = parse(lead.get(url_for("reports.workstream", workstream_id=demo.workstream.id)))
    offered = [i["value"] for i in page.select("input[name=meeting_id]")]
    assert str(june.id) in offered and str(demo.meeting.id) not in offered
    response = lead.post(url_for("reports.new", workstream_id=demo.workstream.id), data={"meeting_id": june.id})
    assert response.status_code == 303
    edit_page = parse(lead.get(response.headers["Location"]))
    old_narratives = {n.section_id: n for n in demo.report.narratives}
    section = demo.workstream.sections[0]
    field = edit_page.select_one(f"textarea[name=s{section.id}_progress]")
    assert field.get_text().strip() == old_narratives[section.id].progress.strip()
    assert edit_page.select_one("input[name=period_from]")["value"] == "March 2021"

    new_report = [r for r in db.session.scalars(select(type(demo.report))) if r.meeting_id == june.id][0]
    detail = parse(lead.get(url_for("reports.detail", report_id=new_report.id)))
    assert (
        detail.select_one("#report-header")
        .find("th", string="Previous RAG Status")
        .find_next("td")
        .get_text(strip=True)
        == "Amber (At Risk)"
    )
    again = lead.post(url_for("reports.new", workstream_id=demo.workstream.id), data={"meeting_id": june.id})
    assert again.status_code == 200
    assert parse(again).select_one(".govuk-error-summary") is not None


def test_a_snapshot_is_never_added_to_a_signed_off_report(demo, login_as):
    from sqlalchemy.exc import DatabaseError

    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    db.session.add(
        ReportSnapshot(report_id=demo.report.id, sequence=9, body="{}", sha256="0" * 64, created_by_id=demo.lead.id)
    )
    with pytest.raises(DatabaseError):
        db.session.flush()
    db.session.rollback()
