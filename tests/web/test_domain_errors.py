"""The domain's refusals answer the same way from every view, mapped to HTTP once (app/web/errors.py): refused →
403, someone acted first → 409 with what happened, a write the database refused → 500; each after a rollback, so
what the request had written is not kept."""

import logging

import pytest
from sqlalchemy import func, select

from app.domain.errors import NotAllowed
from app.domain.proposals import AlreadyDecided
from app.domain.reports import ReportStateError
from app.extensions import db
from app.models import BoardMeeting
from tests.conftest import parse


def _meetings() -> int:
    return db.session.scalar(select(func.count(BoardMeeting.id)))


@pytest.fixture
def failing(app, world):
    """A route that writes a board meeting, then raises what the test gives it (set before the first request)."""
    raised: dict = {}

    def view():
        db.session.add(BoardMeeting(programme_id=world.programme.id, name="Half-written", date=world.meeting.date))
        db.session.flush()
        raise raised["error"]

    app.add_url_rule("/_test/fails", "fails", view)
    return raised


@pytest.mark.parametrize(
    ("error", "status", "said"),
    [
        (NotAllowed("Only the lead can do this"), 403, "You do not have permission"),
        (AlreadyDecided("This proposal is approved and can no longer be changed"), 409, "already been decided"),
        (ReportStateError("Only a report awaiting sign-off can be signed off"), 409, "already been decided"),
    ],
    ids=["refused", "proposal decided", "report moved on"],
)
def test_a_refusal_rolls_back_and_answers_with_its_status(app, world, failing, login_as, error, status, said):
    failing["error"] = error
    before = _meetings()

    response = login_as(world.a.lead).get("/_test/fails")

    assert response.status_code == status
    page = parse(response)
    assert said in page.select_one("h1").get_text()
    if status == 409:  # the conflict says what happened
        assert page.select_one("#conflict").get_text(strip=True) == error.message
    db.session.remove()
    assert _meetings() == before


def test_a_write_the_database_refuses_answers_500_after_a_rollback(app, world, login_as, caplog):
    def view():
        db.session.add(BoardMeeting(programme_id=world.programme.id, name=None, date=world.meeting.date))  # NOT NULL
        db.session.flush()
        return "saved"

    app.add_url_rule("/_test/refused-write", "refused_write", view)
    client = login_as(world.a.lead)

    with caplog.at_level(logging.ERROR, logger="app.web.errors"):
        response = client.get("/_test/refused-write")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in parse(response).select_one("h1").get_text()
    assert any("the database refused a write" in record.getMessage() for record in caplog.records)
    assert client.get("/").status_code == 200  # the next request is served as usual
