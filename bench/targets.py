"""What the benchmark measures: one entry per page, POST or export, with its budget.

A target whose endpoint the app does not have (yet) is left out of the run and listed as missing, so the table
can name pages before they exist. The query-count guard test (tests/bench) reads the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bench.seed import Manifest

PAGE, POST, EXPORT = "page", "post", "export"
# JOB: asked for by a POST, drawn by a background job, downloaded when ready. TWO_SERVERS: one page loaded through
# two app servers over the same database at once.
JOB, TWO_SERVERS = "job", "two servers"
SQL_BUDGET = 8  # statements per page, whatever the size of the plan


def _big(m: Manifest) -> dict:
    return {"workstream_id": m.big_workstream_id}


def _big_report(m: Manifest) -> dict:
    return {"report_id": m.report_ids[str(m.big_workstream_id)]}


def _lead(m: Manifest) -> str:
    return m.leads[str(m.big_workstream_id)]


def _sponsor(m: Manifest) -> str:
    return m.sponsor


def _nothing(m: Manifest) -> dict:
    return {}


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    endpoint: str  # a Highlight endpoint, or "ceiling.<view>" on the ceiling server
    kind: str = PAGE
    params: Callable[[Manifest], dict] = _nothing
    user: Callable[[Manifest], str] | None = _lead  # whom to sign in as; None for the ceiling
    ceiling: str | None = None  # key of the ceiling target measured beside it
    min_ratio: float | None = None  # throughput budget as a share of the ceiling's
    sql_budget: int | None = SQL_BUDGET  # pages only: SQL statements per request
    p99_budget_ms: float | None = None
    seconds_budget: float | None = None  # exports: wall time of one request
    query: dict = field(default_factory=dict)

    @property
    def on_ceiling(self) -> bool:
        return self.endpoint.startswith("ceiling.")


CEILING_ROWS = Target(
    "ceiling_rows", "Ceiling: 300 milestone rows, one query", "ceiling.rows", params=_big, user=None, sql_budget=None
)
CEILING_APPROVE = Target(
    "ceiling_approve", "Ceiling: bare approve, one UPDATE", "ceiling.approve", POST, user=None, sql_budget=None
)

_EXPORT_WORD = {"sql_budget": None, "seconds_budget": 2}
_EXPORT_PDF = {"sql_budget": None, "seconds_budget": 5}
_BOARD_PACK = {
    "params": lambda m: {"meeting_id": m.previous_meeting_id},
    "user": _sponsor,
    "sql_budget": None,
    "seconds_budget": 30,
}

TARGETS: list[Target] = [
    Target("plan", "Plan page, 300 milestones", "plan.show", params=_big, ceiling="ceiling_rows", min_ratio=0.8),
    Target(
        "report_preview",
        "Report preview, 300 milestones",
        "reports.detail",
        params=_big_report,
        ceiling="ceiling_rows",
        min_ratio=0.8,
    ),
    Target("report_json", "Report JSON, 300 milestones", "reports.live_json", params=_big, ceiling="ceiling_rows"),
    Target("queue", "Decision queue", "proposals.queue"),
    Target("dashboard", "Dashboard (lead of one workstream)", "dashboard.index"),
    Target("dashboard_sponsor", "Dashboard (sponsor of 10 workstreams)", "dashboard.index", user=_sponsor),
    Target("overview", "Programme overview (10 × 300)", "plan.overview", user=_sponsor),
    Target(
        "approve",
        "Approve POST (each request a new proposal)",
        "proposals.decide",
        POST,
        ceiling="ceiling_approve",
        min_ratio=0.5,
        p99_budget_ms=50,
        sql_budget=None,
    ),
    Target("docx", "Word report, 300 milestones", "reports.download_docx", EXPORT, _big_report, **_EXPORT_WORD),
    Target("pdf", "PDF report, 300 milestones", "reports.download_pdf", EXPORT, _big_report, **_EXPORT_PDF),
    Target("board_pack_docx", "Board pack, 10 workstreams, Word", "reports.board_pack_docx", EXPORT, **_BOARD_PACK),
    Target(
        "board_pack_job",
        "Board pack, 10 workstreams, PDF drawn by its job (asked for → ready)",
        "reports.board_pack",
        JOB,
        **_BOARD_PACK,
    ),
    Target(
        "two_servers",
        "Plan page, 300 milestones, two app servers over one database",
        "plan.show",
        TWO_SERVERS,
        params=_big,
    ),
]
CEILINGS = {t.key: t for t in (CEILING_ROWS, CEILING_APPROVE)}
