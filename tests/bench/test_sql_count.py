"""The X-SQL-Count header: there when HIGHLIGHT_COUNT_SQL=1, absent (and nothing registered) otherwise."""

import pytest
from flask import url_for

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.web.sql_count import HEADER


@pytest.fixture
def counting_app(database_template, tmp_path, monkeypatch):
    monkeypatch.setenv("HIGHLIGHT_COUNT_SQL", "1")
    app = create_app(TestConfig(database_template(tmp_path), tmp_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_count_header_counts_the_statements_of_the_request(counting_app):
    with counting_app.test_request_context():
        url = url_for("dashboard.health")
    response = counting_app.test_client().get(url)

    assert response.status_code == 200
    assert response.headers[HEADER] == "1"


def test_no_count_header_unless_asked_for(app, client):
    response = client.get(url_for("dashboard.health"))

    assert response.status_code == 200
    assert HEADER not in response.headers
