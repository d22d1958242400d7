"""Programme overview: every workstream's computed RAG, milestone counts and trend, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.domain.rag import Rag, WorkstreamAssessment, score_trend
from app.domain.reports import ReportState
from app.models import BoardMeeting, Programme, Report, Workstream
from app.services.plan_view import load_plans

TREND_LABELS = {
    "new": "No signed-off report yet",
    "improved": "Improved",
    "worsened": "Worsened",
    "unchanged": "Unchanged",
}


@dataclass
class WorkstreamOverview:
    workstream: Workstream
    assessment: WorkstreamAssessment
    last_signed_off: Report | None = None

    @property
    def previous_rag(self) -> Rag | None:
        """The reported RAG of the latest signed-off report, if any."""
        if self.last_signed_off is None or not self.last_signed_off.reported_rag:
            return None
        return Rag(self.last_signed_off.reported_rag)

    @property
    def trend(self) -> str:
        """``new``, ``improved``, ``worsened`` or ``unchanged`` against the last signed-off report."""
        return score_trend(self.previous_rag, self.assessment.rag)

    @property
    def trend_label(self) -> str:
        return TREND_LABELS[self.trend]


@dataclass
class ProgrammeOverview:
    programme: Programme
    rows: list[WorkstreamOverview] = field(default_factory=list)

    def count(self, rag: Rag | str) -> int:
        """How many workstreams compute ``rag`` (a member or its value); one with no plan yet is not counted green."""
        return sum(row.assessment.rag == Rag(rag) and not row.assessment.no_plan for row in self.rows)

    @property
    def no_plan(self) -> int:
        """How many workstreams have no plan yet (they read "No plan yet", not green)."""
        return sum(row.assessment.no_plan for row in self.rows)


def build_overview(
    session: Session, as_of: date, workstream_ids: Iterable[int] | None = None, programme_id: int | None = None
) -> list[ProgrammeOverview]:
    """Assess every workstream (or only ``workstream_ids``, of one programme if given) as at ``as_of``, grouped by
    programme in name order.

    Four queries whatever the number of workstreams, milestones or risks: workstreams with their programmes, their
    plans as the plan read model reads them (``load_plans``: milestones and risks) and signed-off reports. Raises
    DomainError if a programme's thresholds are invalid.
    """
    query = select(Workstream).options(joinedload(Workstream.programme)).join(Workstream.programme)
    if workstream_ids is not None:
        query = query.where(Workstream.id.in_(list(workstream_ids)))
    if programme_id is not None:
        query = query.where(Workstream.programme_id == programme_id)
    workstreams = session.scalars(query.order_by(Programme.name, Workstream.name)).all()
    ids = [w.id for w in workstreams]
    if not ids:
        return []

    last_signed_off = _last_signed_off(session, ids, as_of)

    programmes: dict[int, ProgrammeOverview] = {}
    for workstream, plan in zip(workstreams, load_plans(session, workstreams, as_of), strict=True):
        overview = programmes.setdefault(workstream.programme_id, ProgrammeOverview(workstream.programme))
        overview.rows.append(WorkstreamOverview(workstream, plan.assessment, last_signed_off.get(workstream.id)))
    return list(programmes.values())


def _last_signed_off(session: Session, workstream_ids: list[int], as_of: date) -> dict[int, Report]:
    """Each workstream's latest signed-off report (by meeting date) signed off on or before ``as_of``.

    Not a paper's "Previous RAG" (``previous_signed``, the paper before a given meeting): the overview's trend
    compares today's computed RAG with the latest RAG a sponsor signed, so a paper signed for the coming board
    counts from the day it is signed."""
    reports = session.scalars(
        select(Report)
        .join(BoardMeeting, Report.meeting_id == BoardMeeting.id)
        .where(Report.workstream_id.in_(workstream_ids), Report.state == ReportState.SIGNED_OFF.value)
        .options(joinedload(Report.meeting))
        .order_by(BoardMeeting.date, Report.signed_off_at, Report.id)
    ).all()
    latest: dict[int, Report] = {}
    for report in reports:
        if report.signed_off_at is None or report.signed_off_at.date() <= as_of:
            latest[report.workstream_id] = report
    return latest
