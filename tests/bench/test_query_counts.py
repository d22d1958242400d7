"""The number of SQL statements a page runs must not grow with the size of the plan (10 vs 300 milestones).

Every page in the benchmark's table of targets (bench/targets.py) that the app has is checked, signed in as the
person the benchmark signs in as.
"""

from datetime import date

import pytest
import sqlalchemy as sa
from flask import url_for
from flask_login import FlaskLoginClient

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import User
from app.web.sql_count import HEADER
from bench.seed import Spec, populate
from bench.targets import PAGE, SQL_BUDGET, TARGETS

PAGES = [t for t in TARGETS if t.kind == PAGE]
TODAY = date.today()


def _statement_counts(database_template, tmp_path, monkeypatch, milestones: int) -> dict[str, int]:
    monkeypatch.setenv("HIGHLIGHT_COUNT_SQL", "1")
    instance = tmp_path / f"milestones-{milestones}"
    instance.mkdir()
    app = create_app(TestConfig(database_template(instance), instance))
    app.test_client_class = FlaskLoginClient
    counts = {}
    with app.app_context():
        manifest = populate(
            db.session.connection(), "not-a-hash", spec=Spec(workstreams=3, milestones=milestones), today=TODAY
        )
        db.session.commit()
        for target in PAGES:
            if target.endpoint not in app.view_functions:
                continue
            user = db.session.scalar(sa.select(User).where(User.email == target.user(manifest)))
            with app.test_request_context():
                url = url_for(target.endpoint, **target.params(manifest), **target.query)
            client = app.test_client(user=user)
            db.session.remove()  # a real request starts from an empty session: nothing already in its identity map
            response = client.get(url)
            assert response.status_code == 200, f"{target.key}: {response.status_code}"
            counts[target.key] = int(response.headers[HEADER])
        db.session.remove()
        db.engine.dispose()
    return counts


@pytest.fixture
def counts(database_template, tmp_path, monkeypatch):
    small = _statement_counts(database_template, tmp_path, monkeypatch, 10)
    large = _statement_counts(database_template, tmp_path, monkeypatch, 300)
    return small, large


def test_pages_run_as_many_statements_for_300_milestones_as_for_10(counts):
    small, large = counts

    assert {"plan", "dashboard"} <= set(small)
    grown = {key: (small[key], large[key]) for key in small if large[key] != small[key]}
    assert not grown, f"statements per page (10 milestones, 300 milestones): {grown}"


def test_plan_page_stays_within_the_statement_budget(counts):
    _, large = counts

    assert large["plan"] <= SQL_BUDGET
