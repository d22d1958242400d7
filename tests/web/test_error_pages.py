"""The 500 page renders when the database is down: it needs nothing from it."""

import pytest
from flask import url_for
from sqlalchemy import event

from app.auth import sessions
from app.extensions import db
from tests.conftest import POSTGRES_URL, make_test_app, parse

HEADING = "Sorry, there is a problem with the service"


def _unreachable_database(tmp_path) -> str:
    if POSTGRES_URL:
        return "postgresql+psycopg://highlight:highlight@127.0.0.1:1/highlight"  # nothing listens on port 1
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'highlight.db'}"


def _assert_error_page(response) -> None:
    assert response.status_code == 500
    page = parse(response)
    assert page.select_one("h1").get_text(strip=True) == HEADING
    assert page.select_one("footer") is not None


def _client(app, identity: str | None):
    """A client whose session carries ``identity`` (a user's get_id() read before the database went away)."""
    client = app.test_client()
    if identity:
        with client.session_transaction() as store:
            store["_user_id"] = identity
            sessions.stamp(store, int(sessions.clock()))
    return client


def test_the_500_page_renders_for_a_signed_in_user_when_the_database_cannot_be_reached(tmp_path, world):
    identity = world.a.lead.get_id()
    app = make_test_app(_unreachable_database(tmp_path), tmp_path, PROPAGATE_EXCEPTIONS=False)
    with app.test_request_context():
        client = _client(app, identity)

        response = client.get(url_for("dashboard.index"))

    _assert_error_page(response)


def test_the_500_page_renders_when_the_database_fails_after_the_user_is_loaded(app, world):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client(user=world.a.lead)
    engine = db.engine
    statements = []

    def fail_after_the_first(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
        if len(statements) > 1:  # the first loads the signed-in user; every later one finds the database gone
            raise engine.dialect.loaded_dbapi.OperationalError("the database went away")

    event.listen(engine, "before_cursor_execute", fail_after_the_first)
    try:
        response = client.get(url_for("dashboard.index"))
    finally:
        event.remove(engine, "before_cursor_execute", fail_after_the_first)

    _assert_error_page(response)
    assert len(statements) == 2  # the user, then the dashboard's query that failed; the error page asked for none


@pytest.mark.parametrize("signed_in", [True, False])
def test_the_sign_in_page_answers_500_with_the_page_when_the_database_is_down(tmp_path, signed_in, world):
    identity = world.a.lead.get_id() if signed_in else None
    app = make_test_app(_unreachable_database(tmp_path), tmp_path, PROPAGATE_EXCEPTIONS=False, RATELIMIT_ENABLED=True)
    with app.test_request_context():
        client = _client(app, identity)
        response = client.post(url_for("auth.login"), data={"email": "a@example.org", "password": "whatever"})

    _assert_error_page(response)
