"""Building a report's view-model from live data: the plan as at a date, the report's narrative, the previous RAG,
the workstream's sponsor and lead, the changes since the previous signed-off paper and the decisions needed.

Its text is ``printable`` (app.domain.text): a control character stored before the database refused them never
reaches an output, where Word, the workbook or the PDF would fail on it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnExpressionArgument, ScalarSelect, Select, bindparam, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, undefer
from sqlalchemy.sql import ColumnElement

from app.domain.dates import format_plan_date
from app.domain.paper import Paper, PaperMilestone, PaperRisk, changes_since_last
from app.domain.permissions import Role
from app.domain.proposals import paper_comments
from app.domain.rag import report_as_of
from app.domain.reports import ReportState, is_override, reported_rag
from app.domain.text import printable
from app.models import BoardMeeting, Membership, Report, ReportSnapshot, SectionNarrative, User, Workstream
from app.services.decisions import decisions_on_paper
from app.services.plan_view import load_plan
from app.services.report_model.document import from_document
from app.services.report_model.integrity import SnapshotIntegrityError, printable_json, verified_body
from app.services.report_model.model import (
    LIVE,
    NARRATIVE_FIELDS,
    ChangeLine,
    DecisionLine,
    MilestoneLine,
    Period,
    RagPart,
    ReportModel,
    RiskLine,
    SectionPart,
)

_SPONSOR_AND_LEAD = (
    select(Membership.role, User.name)
    .join(User, Membership.user_id == User.id)
    .where(
        Membership.workstream_id == bindparam("workstream_id"),
        Membership.role.in_([Role.SPONSOR.value, Role.LEAD.value]),
    )
)


def _sponsor_and_lead(session: Session, workstream_id: int) -> tuple[str | None, str | None]:
    """The names of the workstream's sponsors and of its leads (each in name order, joined by commas), or None."""
    names: dict[str, list[str]] = {Role.SPONSOR.value: [], Role.LEAD.value: []}
    for role, name in session.execute(_SPONSOR_AND_LEAD, {"workstream_id": workstream_id}):
        names[role].append(name)
    sponsors, leads = (printable(", ".join(sorted(people))) or None for people in names.values())
    return sponsors, leads


def _comments(milestone) -> str:
    text = milestone.comments or ""
    if milestone.removed and milestone.removed_reason and milestone.removed_reason not in text:
        text = f"{text} {milestone.removed_reason}".strip()
    return printable(text)


def previous_signed(
    workstream_id: int | ColumnExpressionArgument[int],
    before: date | ColumnExpressionArgument[date],
    *columns,
    with_snapshot: bool = False,
) -> Select:
    """The one rule for a workstream's previous paper: of its signed-off reports with a reported RAG, the one for
    the latest board meeting before ``before`` (the latest made, for two at one meeting). Selects ``columns``,
    each a function of the report and its meeting (aliases), from at most one row, and with ``with_snapshot`` its
    latest snapshot (None if it has none) after them. ``workstream_id`` and ``before`` may be columns of an outer
    query, so that a statement can carry the rule as a subquery."""
    report, meeting = aliased(Report), aliased(BoardMeeting)
    query = select(*(column(report, meeting) for column in columns)).join(meeting, report.meeting_id == meeting.id)
    order: list[ColumnElement[Any]] = [meeting.date.desc(), report.id.desc()]
    if with_snapshot:
        query = query.add_columns(ReportSnapshot).outerjoin(ReportSnapshot, ReportSnapshot.report_id == report.id)
        query = query.options(undefer(ReportSnapshot.body))
        order.append(ReportSnapshot.sequence.desc())
    return (
        query.where(
            report.workstream_id == workstream_id,
            report.state == ReportState.SIGNED_OFF.value,
            report.reported_rag.is_not(None),
            report.reported_rag != "",
            meeting.date < before,
        )
        .order_by(*order)
        .limit(1)
    )


def previous_rag_query(
    workstream_id: int | ColumnExpressionArgument[int], before: date | ColumnExpressionArgument[date]
) -> ScalarSelect:
    """The previous paper's reported RAG (``previous_signed``) as a scalar subquery, so that a report's own
    statement can carry it (``load_report``)."""
    return previous_signed(workstream_id, before, lambda report, _: report.reported_rag).scalar_subquery()


# Built once, like the statements below: composing the rule's aliases and joins cost more than running it.
_PREVIOUS_RAG = select(previous_rag_query(bindparam("workstream_id"), bindparam("before")))


def previous_rag_for(session: Session, workstream_id: int, before: date) -> str | None:
    """The reported RAG of the workstream's previous paper for a meeting on ``before`` (``previous_signed``), or
    None. A signed-off report always states its reported RAG, and never changes."""
    return session.scalar(_PREVIOUS_RAG, {"workstream_id": workstream_id, "before": before})


@dataclass(frozen=True)
class ReportExtras:
    """What a report's live model reads beside the plan and the report itself: its narratives by section id and
    the previous RAG. ``load_report`` reads them in the report's own statement; without them ``build_live``
    looks them up."""

    narratives: dict[int, SectionNarrative]
    previous_rag: str | None


# Built once: composing it (aliases, joins, loader options) costs more than running it.
_REPORT_WITH_EXTRAS = (
    select(Report, SectionNarrative, previous_rag_query(Report.workstream_id, BoardMeeting.date))
    .join(Report.meeting)
    .outerjoin(SectionNarrative, SectionNarrative.report_id == Report.id)
    .where(Report.id == bindparam("report_id"))
    .options(
        contains_eager(Report.meeting),
        joinedload(Report.workstream).joinedload(Workstream.programme),
        joinedload(Report.completed_by),
        joinedload(Report.signed_off_by),
    )
)


def load_report(session: Session, report_id: int) -> tuple[Report, ReportExtras] | None:
    """The report with its workstream, programme, meeting, the people it names, its narratives and the previous
    RAG: all that building its model reads besides the plan and the workstream's sponsor and lead, in one
    statement (a row per narrative). None if there is no such report.

    The narratives come as rows beside the report rather than into ``Report.narratives``: the report services
    add narratives by ``report_id``, which a collection loaded here would not see.
    """
    rows = session.execute(_REPORT_WITH_EXTRAS, {"report_id": report_id}).all()
    if not rows:
        return None
    report, _, previous = rows[0]
    narratives = {n.section_id: n for _, n, _ in rows if n is not None}
    return report, ReportExtras(narratives, previous)


_NEXT_MEETING = (
    select(BoardMeeting)
    .where(BoardMeeting.programme_id == bindparam("programme_id"), BoardMeeting.date >= bindparam("as_of"))
    .order_by(BoardMeeting.date, BoardMeeting.id)
    .limit(1)
)


def build_live(
    session: Session,
    workstream: Workstream,
    as_of: date,
    *,
    report: Report | None = None,
    meeting: BoardMeeting | None = None,
    state: str = LIVE,
    extras: ReportExtras | None = None,
    board_sections: bool = True,
) -> ReportModel:
    """Build the report from the plan as at ``as_of``, with the narrative of ``report`` when given.

    Without a report the narrative is blank and the reported RAG is the computed one. ``meeting`` defaults
    to the report's, and for a live report without one to the programme's next board meeting on or after
    ``as_of`` (none if none is set). ``extras``, read by ``load_report`` for that report and meeting, saves
    looking up its narratives and the previous RAG. With ``board_sections`` (the default) it also states the
    changes since the previous signed-off paper and the decisions needed from the board; without, both are left
    empty (a comparison of the plan alone).
    Raises DomainError if the programme's thresholds are invalid, SnapshotIntegrityError if the previous
    paper fails its hash check.
    """
    meeting = meeting or (report.meeting if report else None)
    if meeting is None and report is None and state == LIVE:
        meeting = session.scalar(_NEXT_MEETING, {"programme_id": workstream.programme_id, "as_of": as_of})
    plan = load_plan(session, workstream, as_of)
    computed = plan.assessment.rag
    chosen = report.reported_rag if report else None
    narratives: dict[int, SectionNarrative] = {}
    if extras is not None:
        narratives = extras.narratives
    elif report is not None:
        narratives = {
            n.section_id: n
            for n in session.scalars(select(SectionNarrative).where(SectionNarrative.report_id == report.id))
        }
    sections = []
    for section_rows in plan.sections:
        narrative = narratives.get(section_rows.section.id)
        texts = {name: printable(getattr(narrative, name) or "") if narrative else "" for name in NARRATIVE_FIELDS}
        sections.append(
            SectionPart(
                number=section_rows.section.number,
                title=printable(section_rows.section.title),
                milestones=tuple(_milestone_line(row) for row in section_rows.rows),
                **texts,
            )
        )
    risks = tuple(
        RiskLine(
            reference=printable(r.reference),
            risk=printable(r.title),
            likelihood=r.likelihood.lower(),
            impact=r.impact.lower(),
            score=r.score,
            rating=r.rating.value,
            mitigation=printable(r.mitigation or ""),
            mitigation_date=r.mitigation_date,
            mitigation_date_label=r.mitigation_date_label,
            status="closed" if r.closed else "open",
        )
        for r in plan.risks
    )
    before = meeting.date if meeting else date.fromordinal(as_of.toordinal() + 1)
    last_paper = None
    if extras is not None:
        previous = extras.previous_rag
        # No previous RAG means no signed-off paper before this one to read.
        if board_sections and previous is not None:
            _, last_paper = previous_paper(session, workstream.id, before)
    elif board_sections:
        previous, last_paper = previous_paper(session, workstream.id, before)
    else:
        previous = previous_rag_for(session, workstream.id, before)
    sponsor, lead = _sponsor_and_lead(session, workstream.id)
    rag = RagPart(
        computed=computed.value,
        reported=reported_rag(computed, chosen).value,
        previous=previous,
        reason=printable(report.rag_reason or "") if report else "",
        reasons=tuple(printable(reason.text) for reason in plan.assessment.reasons),
        override_justification=printable(report.override_justification or "")
        if report and is_override(computed, chosen)
        else "",
        planned=plan.assessment.has_plan,
    )
    programme = workstream.programme
    return ReportModel(
        programme=printable(programme.name),
        council=printable(programme.council_name or ""),
        workstream=printable(workstream.name),
        title=printable(workstream.title or ""),
        sponsor=sponsor,
        lead=lead,
        meeting_name=printable(meeting.name) if meeting else None,
        meeting_date=meeting.date if meeting else None,
        as_of=as_of,
        state=state,
        rag=rag,
        completed_by=printable(report.completed_by.name) if report and report.completed_by else "",
        introduction=printable(report.introduction or "") if report else "",
        period=_period(report, "period") if report else Period("", ""),
        next_period=_period(report, "next") if report else Period("", ""),
        sections=tuple(sections),
        risks=risks,
        report_id=report.id if report else None,
        changes_since_last=_changes(last_paper, rag.reported, sections, risks) if board_sections else (),
        decisions_needed=_decisions(session, workstream.id, meeting.date if meeting else as_of)
        if board_sections
        else (),
    )


# Built once: the previous paper's RAG and latest snapshot, for the workstream and date bound at each call.
_PREVIOUS_PAPER = previous_signed(
    bindparam("workstream_id"), bindparam("before"), lambda report, _: report.reported_rag, with_snapshot=True
)
# Signed papers' facts by the sha256 of the snapshot they were read from. A body that passes its hash check is the
# body that hashes to it, and a signed paper never changes: each is read once per process, not on every request.
_PAPERS: dict[str, Paper] = {}
_PAPERS_KEPT = 64
_PAPERS_LOCK = threading.Lock()


def previous_paper(session: Session, workstream_id: int, before: date) -> tuple[str | None, Paper | None]:
    """The previous RAG (as ``previous_rag_for``) and the facts of that signed-off paper as it was signed (None if
    there is none, or it has no snapshot). Raises SnapshotIntegrityError if the paper fails its hash check or
    cannot be read: the check runs on every call."""
    found = session.execute(_PREVIOUS_PAPER, {"workstream_id": workstream_id, "before": before}).first()
    if found is None:
        return None, None
    rag, snapshot = found
    if snapshot is None:
        return rag, None
    body = verified_body(snapshot)
    paper = _PAPERS.get(snapshot.sha256)
    if paper is None:
        try:
            model = from_document(printable_json(body))
        except (KeyError, TypeError, ValueError) as error:
            raise SnapshotIntegrityError(f"Report snapshot {snapshot.id} cannot be read") from error
        paper = _paper(model.rag.reported, model.sections, model.risks)
        with _PAPERS_LOCK:
            if len(_PAPERS) >= _PAPERS_KEPT:
                _PAPERS.pop(next(iter(_PAPERS)))
            _PAPERS[snapshot.sha256] = paper
    return rag, paper


def _paper(rag: str | None, sections, risks) -> Paper:
    return Paper(
        rag=rag,
        milestones=tuple(
            PaperMilestone(
                reference=m.reference,
                status=m.status,
                due=m.revised_due or m.due,
                due_label=m.revised_due_label or m.due_label,
                completed_label=m.completed_on_label,
                completed_is_month=bool(m.completed_on)
                and m.completed_on_label == format_plan_date(m.completed_on, True),
            )
            for s in sections
            for m in s.milestones
        ),
        risks=tuple(PaperRisk(r.reference, r.risk, r.rating, r.status == "open") for r in risks),
    )


def _changes(last_paper: Paper | None, reported: str, sections, risks) -> tuple[ChangeLine, ...]:
    if last_paper is None:  # the first paper: nothing to compare, and no need to state this one's facts
        return ()
    changes = changes_since_last(last_paper, _paper(reported, sections, risks))
    return tuple(ChangeLine(c.kind.value, c.reference, c.text) for c in changes)


def _decisions(session: Session, workstream_id: int, meeting_date: date) -> tuple[DecisionLine, ...]:
    return tuple(
        DecisionLine(d.decision.text, d.outcome) for d in decisions_on_paper(session, workstream_id, meeting_date)
    )


def _period(report: Report, prefix: str) -> Period:
    start = format_plan_date(getattr(report, f"{prefix}_from"), getattr(report, f"{prefix}_from_is_month"))
    end = format_plan_date(getattr(report, f"{prefix}_to"), getattr(report, f"{prefix}_to_is_month"))
    return Period(start, end)


def _milestone_line(row) -> MilestoneLine:
    m, assessment = row.milestone, row.assessment
    status = assessment.status.value
    complete = status == "complete"
    recorded_at_import = complete and row.recorded_at_import
    owner = m.owner
    return MilestoneLine(
        reference=printable(m.reference),
        milestone=printable(m.text),
        owner=printable(owner.name) if owner else None,
        due=m.due,
        due_label=m.due_label,
        revised_due=m.revised_due,
        revised_due_label=m.revised_due_label,
        completed_on=m.completed_on if complete else None,
        completed_on_label=m.completed_on_label if complete else "",
        status=status,
        rag=assessment.rag.value if assessment.rag else None,
        label=assessment.label,
        comments=paper_comments(_comments(m), recorded_at_import),
        status_text=assessment.status_text,
        recorded_at_import=recorded_at_import,
    )


def draft_as_of(report: Report, today: date) -> date:
    """A draft's as-at date: today, never later than its meeting."""
    return report_as_of(ReportState.DRAFT.value, today, report.meeting.date, None)


def submission_as_of(report: Report, submitted_on: date) -> date:
    """A submitted report's as-at date: the submission date, never later than its meeting."""
    return report_as_of(ReportState.AWAITING_SIGN_OFF.value, submitted_on, report.meeting.date, submitted_on)
