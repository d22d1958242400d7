"""Board pack PDFs drawn by a job and kept in the database for every server, and a signed paper's files drawn
after sign-off.

A pack is asked for once (``request``) and drawn by the ``draw_board_pack`` job; its row says how far the drawing
got and, once ready, holds the file. The pack is keyed by the sha256 of everything it shows (``pack_key``): the
renderer, the meeting, each entry's workstream and RAG, each signed paper's whole view-model and the settings the
paper shows. Whoever's pack has that key gets that file, and a pack whose papers have changed since is another
pack, drawn again when asked for.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import jobs
from app.domain.jobs import PackState, may_request_again
from app.domain.reports import ReportState
from app.exports import cache, paper
from app.jobs.tasks import draw_board_pack
from app.models import BoardMeeting, PreparedPack, Report, User
from app.models._base import utcnow
from app.services.dml import rows_changed
from app.services.report_model import BoardPack, build_board_pack, from_snapshot

log = logging.getLogger(__name__)


def pack_key(pack: BoardPack, workstream_ids: set[int]) -> str:
    """The sha256 of everything the pack's PDF shows, and of the renderer that draws it."""
    entries = [
        {
            "workstream": entry.workstream,
            "previous": entry.previous,
            "current": entry.current,
            "state": entry.state,
            "paper": cache.view_sha256(entry.model) if entry.model is not None else None,
        }
        for entry in pack.entries
    ]
    document = {
        "renderer": cache.renderer_version(),
        "settings": paper.kept_kind("pdf"),
        "programme": pack.programme,
        "council": pack.council,
        "meeting": [pack.meeting_name, pack.meeting_date.isoformat()],
        "workstreams": sorted(workstream_ids),
        "entries": entries,
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode("utf-8")).hexdigest()


def find(session: Session, key: str) -> PreparedPack | None:
    return session.scalar(select(PreparedPack).where(PreparedPack.pack_sha256 == key))


def ready_file(session: Session, key: str) -> bytes | None:
    """The pack's PDF if it is ready and matches its recorded sha256, else None."""
    row = find(session, key)
    if row is None or row.state != PackState.READY or row.content is None:
        return None
    if hashlib.sha256(row.content).hexdigest() != row.sha256:
        log.error("board pack %s does not match its recorded sha256: not served", row.id)
        return None
    return row.content


def request(
    session: Session,
    actor: User,
    meeting: BoardMeeting,
    workstream_ids: set[int],
    key: str,
    now: datetime | None = None,
) -> PreparedPack:
    """Ask for the pack: queue its job unless it is ready or being drawn already (one job however many ask)."""
    now = now or utcnow()
    row = find(session, key)
    if row is not None and not may_request_again(row.state, row.requested_at, now):
        return row
    if row is None:
        row = PreparedPack(
            meeting_id=meeting.id,
            pack_sha256=key,
            workstream_ids=json.dumps(sorted(workstream_ids)),
            state=PackState.QUEUED.value,
            papers_total=0,
            papers_drawn=0,
            error="",
            requested_by_id=actor.id,
            requested_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            # Asked for at the same moment by someone else: theirs is the one.
            theirs = find(session, key)
            if theirs is None:
                raise  # not that pack's key: another constraint refused the row
            return theirs
    else:
        # Failed, or lost with the process that was drawing it: asked for again, only if still in that state.
        changed = rows_changed(
            session,
            update(PreparedPack)
            .where(PreparedPack.id == row.id, PreparedPack.requested_at == row.requested_at)
            .values(state=PackState.QUEUED.value, papers_drawn=0, error="", requested_by_id=actor.id, requested_at=now)
            .execution_options(synchronize_session=False),
        )
        session.refresh(row)
        if not changed:
            return row
    jobs.defer(session, draw_board_pack, pack_id=row.id)
    return row


def draw(session: Session, pack_id: int, progress: Callable[[], None]) -> None:
    """Draw the pack's PDF and keep it. ``progress()`` (a commit) makes each step seen by every server."""
    row = session.get(PreparedPack, pack_id)
    if row is None or row.state == PackState.READY:
        return
    meeting = session.get_one(BoardMeeting, row.meeting_id)
    workstream_ids = set(json.loads(row.workstream_ids))
    pack = build_board_pack(session, meeting, workstream_ids)
    if pack_key(pack, workstream_ids) != row.pack_sha256:
        row.state, row.finished_at = PackState.FAILED.value, utcnow()
        row.error = "The papers changed since the pack was asked for: ask for it again."
        return
    row.state, row.papers_drawn, row.error = PackState.DRAWING.value, 0, ""
    progress()

    def drawn(done: int, total: int) -> None:
        row.papers_drawn, row.papers_total = done, total
        progress()

    from app.exports.pdf import board_pack_pdf

    body = board_pack_pdf(pack, drawn)
    row.content, row.size, row.sha256 = body, len(body), hashlib.sha256(body).hexdigest()
    row.state, row.finished_at = PackState.READY.value, utcnow()


def mark_failed(session: Session, pack_id: int, error: BaseException) -> None:
    row = session.get(PreparedPack, pack_id)
    if row is not None and row.state != PackState.READY:
        row.state, row.finished_at = PackState.FAILED.value, utcnow()
        row.error = f"{type(error).__name__}: {error}"[:500]


def keep_signed_paper(session: Session, report_id: int) -> None:
    """Draw and keep a signed-off paper's PDF and Word files (each is drawn only if not kept already)."""
    from app.exports.docx import report_docx
    from app.exports.pdf import kept_pdf

    report = session.get(Report, report_id)
    if report is None or report.state != ReportState.SIGNED_OFF.value:
        return
    model = from_snapshot(session, report)
    kept_pdf(model)
    report_docx(model)
