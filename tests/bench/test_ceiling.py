"""The ceiling renders the plan page's milestone rows, cell for cell, and its approve decides each proposal once."""

from datetime import date

import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.models import Proposal, User
from bench.ceiling import create_app as create_ceiling
from bench.seed import Spec, populate
from tests.conftest import parse


def _rows(soup) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for table in soup.select("table.govuk-table")
        for row in table.select("tbody tr")
    ]


def test_ceiling_rows_match_the_plan_pages_tables(app, login_as):
    manifest = populate(
        db.session.connection(), "not-a-hash", spec=Spec(workstreams=1, milestones=40), today=date.today()
    )
    db.session.commit()
    lead = db.session.scalar(sa.select(User).where(User.email == manifest.leads[str(manifest.big_workstream_id)]))
    plan = login_as(lead).get(url_for("plan.show", workstream_id=manifest.big_workstream_id))
    ceiling = create_ceiling(app.config["SQLALCHEMY_DATABASE_URI"]).test_client()

    rows = ceiling.get(f"/workstreams/{manifest.big_workstream_id}/rows")

    assert rows.status_code == 200
    ceiling_rows = _rows(parse(rows))
    assert len(ceiling_rows) == 40
    assert ceiling_rows == _rows(parse(plan).select_one("#plan-results"))


def test_ceiling_approve_decides_a_pending_proposal_once(app):
    manifest = populate(
        db.session.connection(), "not-a-hash", spec=Spec(workstreams=1, milestones=40), today=date.today()
    )
    db.session.commit()
    proposal_id = manifest.pending[0][0]
    ceiling = create_ceiling(app.config["SQLALCHEMY_DATABASE_URI"]).test_client()

    first = ceiling.post(f"/proposals/{proposal_id}/approve")
    second = ceiling.post(f"/proposals/{proposal_id}/approve")

    assert (first.status_code, second.status_code) == (204, 409)
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).state == "approved"
