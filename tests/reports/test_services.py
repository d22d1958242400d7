"""Report use cases without HTTP: who may start a report, and what submission records about the reported RAG."""

from datetime import date

import pytest

from app.domain.errors import DomainError, NotAllowed
from app.extensions import db
from app.models import BoardMeeting
from app.services import reports as service
from tests.factories import make_programme
from tests.reports.conftest import refresh

TODAY = date(2030, 1, 1)


def test_only_the_lead_starts_a_report_for_a_meeting_of_their_programme(demo):
    june = BoardMeeting(programme_id=demo.workstream.programme_id, name="Board", date=date(2021, 6, 21))
    elsewhere = BoardMeeting(programme_id=make_programme().id, name="Board", date=date(2021, 6, 21))
    db.session.add_all([june, elsewhere])
    db.session.flush()
    for person in (demo.sponsor, demo.owner, demo.viewer, demo.admin):
        with pytest.raises(NotAllowed):
            service.create_report(db.session, person, demo.workstream, june)
    for meeting in (elsewhere, demo.meeting, None):
        with pytest.raises(DomainError) as caught:
            service.create_report(db.session, demo.lead, demo.workstream, meeting)
        assert caught.value.field == "meeting_id"
    report = service.create_report(db.session, demo.lead, demo.workstream, june)
    assert report.state == "draft" and report.completed_by_id == demo.lead.id
    assert report.introduction == demo.report.introduction


def test_submission_records_the_reported_rag_and_a_return_lets_it_follow_the_computed_one_again(demo):
    report = demo.report
    service.save_report(db.session, demo.lead, report, {"reported_rag": None}, today=TODAY)
    service.submit_report(db.session, demo.lead, report)
    assert report.reported_rag == "amber"  # what the report states, for readers without its snapshot
    service.return_report(db.session, demo.sponsor, report, "More on 1.6 please")
    db.session.commit()
    assert refresh(report).reported_rag is None


def test_an_override_survives_a_return(demo):
    report = demo.report
    values = {"reported_rag": "red", "override_justification": "Two analysts leave in May"}
    service.save_report(db.session, demo.lead, report, values, today=TODAY)
    service.submit_report(db.session, demo.lead, report)
    service.withdraw_report(db.session, demo.lead, report)
    db.session.commit()
    report = refresh(report)
    assert (report.reported_rag, report.override_justification) == ("red", "Two analysts leave in May")


def test_a_bad_save_changes_nothing_unless_partial(demo):
    report = demo.report
    values = {"introduction": "New", "period_from": date(2021, 5, 1), "period_to": date(2021, 4, 1)}
    with pytest.raises(DomainError) as caught:
        service.save_report(db.session, demo.lead, report, values, today=TODAY)
    assert caught.value.field == "period_to" and report.introduction != "New"
    outcome = service.save_report(db.session, demo.lead, report, values, today=TODAY, partial=True)
    assert outcome.changed and [p.field for p in outcome.problems] == ["period_to"]
    assert report.introduction == "New" and report.period_from == date(2021, 1, 31)
    with pytest.raises(DomainError):
        service.save_report(db.session, demo.lead, report, {"reported_rag": "purple"}, today=TODAY)
