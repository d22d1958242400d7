"""The board pack: the cover (every workstream's previous and current RAG) and each signed-off report of one
meeting, from its snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.domain.dates import format_plan_date
from app.domain.reports import ReportState
from app.domain.text import printable
from app.models import BoardMeeting, Report, Workstream
from app.services.report_model.live import previous_rag_for
from app.services.report_model.model import ReportModel
from app.services.report_model.snapshots import from_snapshot


@dataclass
class BoardPackEntry:
    workstream: str
    previous: str | None
    current: str | None  # the signed-off report's reported RAG, None when not signed off
    model: ReportModel | None = None
    state: str | None = None  # the meeting's report's state, None when the workstream has none


@dataclass
class BoardPack:
    programme: str
    council: str
    meeting_name: str
    meeting_date: date
    entries: list[BoardPackEntry] = field(default_factory=list)

    @property
    def models(self) -> list[ReportModel]:
        return [e.model for e in self.entries if e.model is not None]

    @property
    def meeting_label(self) -> str:
        return format_plan_date(self.meeting_date, False)


def build_board_pack(session: Session, meeting: BoardMeeting, workstream_ids: set[int] | None = None) -> BoardPack:
    """The cover (every workstream's previous → current RAG) and each signed-off report, from its snapshot.

    ``workstream_ids`` limits the pack to those workstreams (None: all of the programme's).
    Raises SnapshotIntegrityError if any snapshot fails its hash check.
    """
    programme = meeting.programme
    workstreams = session.scalars(
        select(Workstream).where(Workstream.programme_id == programme.id).order_by(Workstream.name)
    ).all()
    reports = {
        r.workstream_id: r
        for r in session.scalars(
            select(Report)
            .where(Report.meeting_id == meeting.id)
            .options(joinedload(Report.signed_off_by), joinedload(Report.meeting))
        )
    }
    pack = BoardPack(
        printable(programme.name), printable(programme.council_name or ""), printable(meeting.name), meeting.date
    )
    for workstream in workstreams:
        if workstream_ids is not None and workstream.id not in workstream_ids:
            continue
        report = reports.get(workstream.id)
        if report is not None and report.state == ReportState.SIGNED_OFF.value:
            model = from_snapshot(session, report)
            pack.entries.append(
                BoardPackEntry(printable(workstream.name), model.rag.previous, model.rag.reported, model, report.state)
            )
        else:
            previous = previous_rag_for(session, workstream.id, meeting.date)
            state = report.state if report else None
            pack.entries.append(BoardPackEntry(printable(workstream.name), previous, None, state=state))
    return pack
