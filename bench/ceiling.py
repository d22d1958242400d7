"""The ceiling: the least a server can do to answer the benchmark's two questions, served the same way.

- ``GET /workstreams/<id>/rows``: the plan's milestone rows, grouped by section, through the same
  ``components/milestones.html`` macro as the plan page and the report, from one SQL query; no sign-in, no layout.
- ``POST /proposals/<id>/approve``: one conditional UPDATE; 204 when it decided the proposal, 409 when it was
  already decided.

Highlight's pages are measured against these in the same run (``bench.run``): their ratio says how much the
framework, sign-in, permissions, layout and RAG cost on top of the rows themselves.
``gunicorn 'bench.ceiling:create_app()'`` with ``DATABASE_URL`` set serves it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, abort

from app.domain.dates import format_plan_date
from app.domain.rag import MilestoneAssessment, MilestoneFacts, assess_milestone
from app.models import Milestone, Proposal, Section, User

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

ROWS_TEMPLATE = """\
{% from "components/milestones.html" import milestone_table %}
{% for section, rows in sections %}<div class="app-table-scroll">{{ milestone_table(section, rows) }}</div>
{% endfor %}"""

_m, _s, _u, _p = Milestone.__table__, Section.__table__, User.__table__, Proposal.__table__
_pending_completion = (
    sa.exists()
    .where(_p.c.milestone_id == _m.c.id, _p.c.state == "pending", _p.c.kind == "completion")
    .label("pending_completion")
)
ROWS_QUERY = (
    sa.select(
        _s.c.id.label("section_id"),
        _s.c.number.label("section_number"),
        _s.c.title.label("section_title"),
        _m.c.id,
        _m.c.reference,
        _m.c.text,
        _m.c.due,
        _m.c.due_is_month,
        _m.c.revised_due,
        _m.c.revised_due_is_month,
        _m.c.completed_on,
        _m.c.completed_on_is_month,
        _m.c.comments,
        _m.c.removed,
        _m.c.removed_reason,
        _u.c.name.label("owner_name"),
        _pending_completion,
    )
    .select_from(_m.join(_s, _s.c.id == _m.c.section_id).outerjoin(_u, _u.c.id == _m.c.owner_id))
    .where(_m.c.workstream_id == sa.bindparam("workstream_id"))
    .order_by(_s.c.number, _m.c.sort_key, _m.c.id)
)
APPROVE = (
    sa.update(_p)
    .where(_p.c.id == sa.bindparam("proposal_id"), _p.c.state == "pending")
    .values(state="approved", decided_at=sa.bindparam("now"), decided_version=_p.c.version)
)


@dataclass(frozen=True)
class _Owner:
    name: str


@dataclass(frozen=True)
class _Milestone:
    """The attributes the milestone table macro reads, and nothing more."""

    id: int
    reference: str
    text: str
    owner: _Owner | None
    due_label: str
    revised_due_label: str
    completed_on_label: str
    comments: str
    removed: bool
    removed_reason: str


@dataclass(frozen=True)
class _Row:
    milestone: _Milestone
    assessment: MilestoneAssessment


@dataclass(frozen=True)
class _Section:
    id: int
    number: int
    title: str


def _row(r, today: date) -> _Row:
    milestone = _Milestone(
        id=r.id,
        reference=r.reference,
        text=r.text,
        owner=_Owner(r.owner_name) if r.owner_name else None,
        due_label=format_plan_date(r.due, r.due_is_month),
        revised_due_label=format_plan_date(r.revised_due, r.revised_due_is_month),
        completed_on_label=format_plan_date(r.completed_on, r.completed_on_is_month),
        comments=r.comments,
        removed=r.removed,
        removed_reason=r.removed_reason,
    )
    facts = MilestoneFacts(r.reference, r.due, r.revised_due, r.completed_on, r.removed, r.pending_completion)
    return _Row(milestone, assess_milestone(facts, today))


def create_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder=None)
    rows_template = app.jinja_env.from_string(ROWS_TEMPLATE)
    # Importing app.* registered Highlight's SQLite pragmas (WAL, busy timeout) on every Engine, this one too.
    engine = sa.create_engine(database_url or os.environ["DATABASE_URL"])

    @app.get("/workstreams/<int:workstream_id>/rows")
    def rows(workstream_id: int):
        today = date.today()
        with engine.connect() as conn:
            result = conn.execute(ROWS_QUERY, {"workstream_id": workstream_id}).all()
        sections: list[tuple[_Section, list[_Row]]] = []
        for r in result:
            if not sections or sections[-1][0].id != r.section_id:
                sections.append((_Section(r.section_id, r.section_number, r.section_title), []))
            sections[-1][1].append(_row(r, today))
        return rows_template.render(sections=sections)

    @app.post("/proposals/<int:proposal_id>/approve")
    def approve(proposal_id: int):
        with engine.begin() as conn:
            changed = conn.execute(APPROVE, {"proposal_id": proposal_id, "now": datetime.now(UTC)}).rowcount
        if not changed:
            abort(409)
        return "", 204

    # The macro links each reference to the milestone page; the ceiling only needs the URL to build.
    app.add_url_rule("/milestones/<int:milestone_id>", endpoint="plan.milestone", view_func=lambda milestone_id: "")
    return app
