"""The number of SQL statements a page runs must not grow with the size of the plan (10 vs 300 milestones), and
stays within each page's budget (bench.targets.SQL_BUDGET).

Every page in the benchmark's table of targets (bench/targets.py) that the app has is checked, signed in as the
person the benchmark signs in as.
"""

from datetime import date

import pytest
import sqlalchemy as sa
from flask import url_for

from app import create_app
from app.auth.sessions import SignedInClient
from app.config import TestConfig
from app.extensions import db
from app.models import User
from app.web.sql_count import HEADER
from bench.seed import Spec, populate
from bench.targets import PAGE, SQL_BUDGET, TARGETS

PAGES = [t for t in TARGETS if t.kind == PAGE]
# The pages the app has today: each must be measured (a target may name a page before it exists, not these).
EXISTING = {"plan", "report_preview", "report_json", "queue", "dashboard", "dashboard_sponsor", "overview"}
TODAY = date.today()


def _statement_counts(database_template, tmp_path, monkeypatch, milestones: int) -> dict[str, int]:
    monkeypatch.setenv("HIGHLIGHT_COUNT_SQL", "1")
    instance = tmp_path / f"milestones-{milestones}"
    instance.mkdir()
    app = create_app(TestConfig(database_template(instance), instance))
    app.test_client_class = SignedInClient
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
            # A real request starts in an app context of its own: an empty session (nothing in its identity map)
            # and an empty ``g`` (no signed-in user or header counts left there by the request before).
            with app.app_context():
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

    assert set(small) >= EXISTING
    grown = {key: (small[key], large[key]) for key in small if large[key] != small[key]}
    assert not grown, f"statements per page (10 milestones, 300 milestones): {grown}"


def test_every_page_stays_within_its_statement_budget(counts):
    _, large = counts
    budgets = {t.key: t.sql_budget for t in PAGES}

    assert set(large) >= EXISTING
    assert all(budgets[key] == SQL_BUDGET for key in large)
    over = {key: (count, budgets[key]) for key, count in large.items() if count > budgets[key]}
    assert not over, f"statements per page over the budget (counted, budget): {over}"
