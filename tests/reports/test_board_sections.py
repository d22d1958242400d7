"""The two sections a highlight report adds to the seed's paper: the changes since the last board, computed from
approved facts between the previous signed-off paper and this one, and the decisions needed from the board, which the
lead writes and each later paper carries until the board's answer is recorded. Both frozen at submission."""

import json
import logging
from datetime import UTC, date, datetime

import pytest
from flask import url_for
from sqlalchemy import select

from app.domain.proposals import Kind
from app.extensions import db
from app.models import AuditEvent, BoardDecision, BoardMeeting, Milestone, Risk
from app.services import proposals as proposals_service
from app.services import reports as service
from app.services import risks as risks_service
from app.services.report_model import build_for_report, latest_snapshot
from tests.conftest import parse
from tests.evidence_corpus import pdf
from tests.factories import make_workstream
from tests.reports.conftest import refresh
from tests.reports.test_freeze import _tamper

APRIL_SUBMITTED = datetime(2021, 4, 16, 9, 0, tzinfo=UTC)
MAY = date(2021, 5, 17)
MAY_TODAY = date(2021, 5, 10)


def _milestone(reference: str) -> Milestone:
    return db.session.scalar(select(Milestone).where(Milestone.reference == reference))


def _sign(demo, report, submitted: datetime):
    snapshot = service.submit_report(db.session, demo.lead, report, now=submitted)
    service.sign_off_report(db.session, demo.sponsor, report, snapshot.id, now=submitted.replace(hour=15))
    db.session.commit()
    return snapshot


def _report_for(demo, when: date):
    meeting = BoardMeeting(programme_id=demo.workstream.programme_id, name="Children's Improvement Board", date=when)
    db.session.add(meeting)
    db.session.flush()
    report = service.create_report(db.session, demo.lead, demo.workstream, meeting)
    db.session.commit()
    return report


def _approve(demo, milestone: Milestone, kind: Kind, values: proposals_service.ProposalInput, today: date):
    uploads = [proposals_service.Upload("evidence.pdf", pdf())] if kind is Kind.COMPLETION else []
    proposal = proposals_service.propose(
        db.session, demo.owner, milestone, kind, values, uploads, today=today, max_bytes=1_000_000
    )
    db.session.commit()
    proposals_service.decide(db.session, demo.lead, proposal, "approve", "", proposal.version)
    db.session.commit()


def _fresh(decision: BoardDecision) -> BoardDecision | None:
    db.session.expire_all()
    return db.session.get(BoardDecision, decision.id)


def _document(report) -> dict:
    return json.loads(latest_snapshot(db.session, report).body)


# Changes since the last board ---------------------------------------------------------------------------------


def test_the_first_paper_has_no_changes_since_the_last_board(demo, login_as):
    document = login_as(demo.lead).get(url_for("reports.report_json", report_id=demo.report.id)).get_json()
    assert document["changes_since_last"] == []
    _sign(demo, demo.report, APRIL_SUBMITTED)
    assert _document(demo.report)["changes_since_last"] == []


def test_the_next_paper_lists_what_changed_since_the_signed_one_and_freezes_it(demo, login_as):
    _sign(demo, demo.report, APRIL_SUBMITTED)
    may = _report_for(demo, MAY)
    _approve(
        demo,
        _milestone("1.6"),
        Kind.COMPLETION,
        proposals_service.ProposalInput(completion_date=date(2021, 4, 12), note="Report live; see the email"),
        MAY_TODAY,
    )
    _approve(
        demo,
        _milestone("2.7"),
        Kind.DATE_CHANGE,
        proposals_service.ProposalInput(new_due=date(2021, 6, 30), new_due_is_month=True, reason="Analyst leave"),
        MAY_TODAY,
    )
    _approve(
        demo, _milestone("3.1"), Kind.REMOVAL, proposals_service.ProposalInput(reason="Merged into 3.2"), MAY_TODAY
    )
    resourcing = db.session.scalar(select(Risk).where(Risk.reference == "Resourcing"))
    risks_service.set_risk_closed(db.session, demo.lead, resourcing, True)
    values = {"reported_rag": "red", "override_justification": "Two analysts leave in June"}
    service.save_report(db.session, demo.lead, may, values, today=MAY_TODAY)
    db.session.commit()

    model = build_for_report(db.session, may, MAY_TODAY)

    assert [(c.kind, c.reference, c.text) for c in model.changes_since_last] == [
        ("rag_changed", "", "RAG changed from Amber (At Risk) to Red (Off Track)"),
        ("completed", "1.6", "Milestone 1.6 completed on 12 April 2021"),
        # Recorded as "April 2021" (its last day), after the April paper's as-at date: complete on this one.
        ("completed", "2.3", "Milestone 2.3 completed in April 2021"),
        ("date_changed", "2.7", "Milestone 2.7 date changed from April 2021 to June 2021"),
        ("removed", "3.1", "Milestone 3.1 removed"),
        (
            "risk_closed",
            "Resourcing",
            "Risk Resourcing closed: Loss of Performance analysts could delay progress on certain actions.",
        ),
    ]
    page = login_as(demo.lead).get(url_for("reports.report_json", report_id=may.id)).get_json()
    assert page["changes_since_last"][1] == {
        "kind": "completed",
        "reference": "1.6",
        "text": "Milestone 1.6 completed on 12 April 2021",
    }

    service.submit_report(db.session, demo.lead, may, now=datetime(2021, 5, 10, 9, 0, tzinfo=UTC))
    db.session.commit()
    frozen = _document(may)["changes_since_last"]
    assert frozen == page["changes_since_last"]
    # A change after submission does not reach the submitted paper.
    risks_service.set_risk_closed(db.session, demo.lead, resourcing, False)
    db.session.commit()
    again = login_as(demo.sponsor).get(url_for("reports.report_json", report_id=may.id)).get_json()
    assert again["changes_since_last"] == frozen


def test_a_draft_before_any_signed_paper_and_the_live_view_compare_with_the_last_signed_paper(demo, login_as):
    _sign(demo, demo.report, APRIL_SUBMITTED)
    _approve(
        demo,
        _milestone("1.6"),
        Kind.COMPLETION,
        proposals_service.ProposalInput(completion_date=date(2021, 4, 30), completion_is_month=True, note="Done"),
        MAY_TODAY,
    )
    url = url_for("reports.live_json", workstream_id=demo.workstream.id, as_of=MAY_TODAY.isoformat())
    document = login_as(demo.owner).get(url).get_json()
    assert {"kind": "completed", "reference": "1.6", "text": "Milestone 1.6 completed in April 2021"} in document[
        "changes_since_last"
    ]


# Decisions needed from the board ------------------------------------------------------------------------------


def _add(client, report, text: str):
    return client.post(url_for("reports.add_decision", report_id=report.id), data={"new-decision-text": text})


def _save(client, report, decision_id: int, text: str, outcome: str = ""):
    prefix = f"decision-{decision_id}"
    return client.post(
        url_for("reports.save_decision", report_id=report.id, decision_id=decision_id),
        data={f"{prefix}-text": text, f"{prefix}-outcome": outcome},
    )


def _decisions(client, report) -> list[dict]:
    return client.get(url_for("reports.report_json", report_id=report.id)).get_json()["decisions_needed"]


def test_a_decision_stays_on_each_paper_until_the_board_answers_it(demo, login_as):
    lead = login_as(demo.lead)
    response = _add(lead, demo.report, "  Agree the data sharing protocol with Health ")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url_for("reports.edit", report_id=demo.report.id) + "#decisions")
    assert _decisions(lead, demo.report) == [{"text": "Agree the data sharing protocol with Health", "outcome": ""}]
    decision = db.session.scalar(select(BoardDecision))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.raised"))
    assert (event.object_id, event.actor_id, event.workstream_id) == (decision.id, demo.lead.id, demo.workstream.id)
    _sign(demo, demo.report, APRIL_SUBMITTED)
    assert _document(demo.report)["decisions_needed"] == [
        {"text": "Agree the data sharing protocol with Health", "outcome": ""}
    ]

    may = _report_for(demo, MAY)
    assert _decisions(lead, may) == [{"text": "Agree the data sharing protocol with Health", "outcome": ""}]
    edit = parse(lead.get(url_for("reports.edit", report_id=may.id)))
    assert edit.select_one(f"#decision-{decision.id}-text").get_text().strip() == decision.text
    assert _save(lead, may, decision.id, decision.text, "Agreed; Health to sign by June").status_code == 303
    assert _decisions(lead, may) == [
        {"text": "Agree the data sharing protocol with Health", "outcome": "Agreed; Health to sign by June"}
    ]
    answered = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.answered"))
    assert '"outcome": "Agreed; Health to sign by June"' in answered.after
    # The April paper stays as signed: no answer there.
    assert _document(demo.report)["decisions_needed"][0]["outcome"] == ""
    _sign(demo, may, datetime(2021, 5, 10, 9, 0, tzinfo=UTC))
    assert _document(may)["decisions_needed"][0]["outcome"] == "Agreed; Health to sign by June"

    june = _report_for(demo, date(2021, 6, 21))
    assert _decisions(lead, june) == []
    # Answered on the May paper: it cannot be changed from the June one.
    assert _save(lead, june, decision.id, "Reworded").status_code == 303
    assert _fresh(decision).text == "Agree the data sharing protocol with Health"


def test_a_decision_needs_its_text_and_plain_text(demo, login_as):
    lead = login_as(demo.lead)
    empty = _add(lead, demo.report, "   ")
    assert empty.status_code == 200
    page = parse(empty)
    assert page.title.get_text().startswith("Error:")
    summary = page.select_one(".govuk-error-summary")
    assert "Enter the decision the board is asked to make" in summary.get_text()
    assert summary.select_one("a")["href"] == "#new-decision-text"
    _add(lead, demo.report, "Agree the protocol")
    decision = db.session.scalar(select(BoardDecision))
    bad = _save(lead, demo.report, decision.id, "Agree the protocol", "Agreed\x07")
    assert bad.status_code == 200
    assert (
        "must not contain control characters"
        in parse(bad).select_one(f"#decision-{decision.id}-outcome-error").get_text()
    )
    assert _fresh(decision).outcome == ""


@pytest.mark.parametrize("role", ["sponsor", "owner", "viewer", "admin"])
def test_only_the_lead_adds_or_changes_decisions(demo, login_as, role):
    _add(login_as(demo.lead), demo.report, "Agree the protocol")
    decision = db.session.scalar(select(BoardDecision))
    client = login_as(demo.user(role))
    assert _add(client, demo.report, "Another").status_code == 403
    assert _save(client, demo.report, decision.id, "Changed", "Agreed").status_code == 403
    assert [d.text for d in db.session.scalars(select(BoardDecision))] == ["Agree the protocol"]
    assert _fresh(decision).outcome == ""


def test_decisions_change_only_on_a_draft_and_only_their_own_workstreams(demo, login_as):
    lead = login_as(demo.lead)
    _add(lead, demo.report, "Agree the protocol")
    decision = db.session.scalar(select(BoardDecision))
    other = make_workstream("Early Help", demo.workstream.programme)
    elsewhere = BoardDecision(
        workstream_id=other.id, raised_on_report_id=demo.report.id, text="Not yours", created_by_id=demo.lead.id
    )
    db.session.add(elsewhere)
    db.session.commit()
    assert _save(lead, demo.report, elsewhere.id, "Mine now").status_code == 404
    assert _fresh(elsewhere).text == "Not yours"

    service.submit_report(db.session, demo.lead, demo.report, now=APRIL_SUBMITTED)
    db.session.commit()
    refused = _add(lead, demo.report, "Late")
    assert refused.status_code == 303
    assert _save(lead, demo.report, decision.id, "Changed").status_code == 303
    assert _fresh(decision).text == "Agree the protocol"
    assert db.session.scalar(select(BoardDecision).where(BoardDecision.text == "Late")) is None


def test_a_tampered_previous_paper_is_never_compared_against(demo, login_as, caplog):
    _sign(demo, demo.report, APRIL_SUBMITTED)
    may = _report_for(demo, MAY)
    _tamper(refresh(demo.report))
    lead = login_as(demo.lead)
    with caplog.at_level(logging.ERROR):
        assert lead.get(url_for("reports.detail", report_id=may.id)).status_code == 500
        live = url_for("reports.live_json", workstream_id=demo.workstream.id, as_of=MAY_TODAY.isoformat())
        assert lead.get(live).status_code == 500
    assert "fails its hash check" in caplog.text


def test_a_previous_paper_read_once_is_still_checked_on_every_read(demo, login_as, caplog):
    """A signed paper's facts are read once per process (a signed paper never changes), but its snapshot's hash is
    checked on every read: a paper tampered with after it was first read is never compared against."""
    _sign(demo, demo.report, APRIL_SUBMITTED)
    may = _report_for(demo, MAY)
    lead = login_as(demo.lead)
    page = url_for("reports.detail", report_id=may.id)
    assert lead.get(page).status_code == 200
    assert lead.get(page).status_code == 200  # read again, from what the first read kept
    _tamper(refresh(demo.report))
    with caplog.at_level(logging.ERROR):
        assert lead.get(page).status_code == 500
    assert "fails its hash check" in caplog.text
