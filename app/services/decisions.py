"""Decisions needed from the board: the lead raises them on a draft report, edits them, and records the board's
answer on the draft where it is reported. Which papers carry a decision is app.domain.paper's rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from app.domain.errors import NotAllowed
from app.domain.paper import DecisionDates, check_may_change_decision, clean_decision, on_paper, outcome_on_paper
from app.domain.reports import ReportAction, transition
from app.models import BoardDecision, BoardMeeting, Report, User
from app.services import audit


@dataclass(frozen=True)
class PaperDecision:
    """A decision as one paper carries it: the board's answer only on the paper where it was recorded."""

    decision: BoardDecision
    dates: DecisionDates
    outcome: str


_raised, _raised_meeting = aliased(Report), aliased(BoardMeeting)
_answered, _answered_meeting = aliased(Report), aliased(BoardMeeting)
# Built once: every report page reads it. Each decision of the workstream with the meeting dates of the reports
# it was raised and answered on.
_WORKSTREAM_DECISIONS = (
    select(BoardDecision, _raised_meeting.date, _answered_meeting.date)
    .join(_raised, BoardDecision.raised_on_report_id == _raised.id)
    .join(_raised_meeting, _raised.meeting_id == _raised_meeting.id)
    .outerjoin(_answered, BoardDecision.answered_on_report_id == _answered.id)
    .outerjoin(_answered_meeting, _answered.meeting_id == _answered_meeting.id)
    .where(BoardDecision.workstream_id == bindparam("workstream_id"))
    .order_by(_raised_meeting.date, BoardDecision.id)
)


def decisions_on_paper(session: Session, workstream_id: int, meeting_date: date) -> list[PaperDecision]:
    """The decisions the workstream's paper for the meeting on ``meeting_date`` carries, oldest first, in one
    statement."""
    found = []
    for decision, raised_for, answered_for in session.execute(_WORKSTREAM_DECISIONS, {"workstream_id": workstream_id}):
        dates = DecisionDates(raised_for, answered_for)
        if on_paper(dates, meeting_date):
            outcome = decision.outcome if outcome_on_paper(dates, meeting_date) else ""
            found.append(PaperDecision(decision, dates, outcome))
    return found


def _check_edit(actor: User, report: Report) -> None:
    transition(ReportAction.EDIT, report.state, actor.roles_in(report.workstream_id), actor_id=actor.id)


def add_decision(session: Session, actor: User, report: Report, text: str | None) -> BoardDecision:
    """Raise a decision on the draft ``report``.

    Raises NotAllowed unless the actor leads the workstream, ReportStateError unless the report is a draft,
    DomainError(field="text") when the decision is empty.
    """
    _check_edit(actor, report)
    text, _ = clean_decision(text, "")
    decision = BoardDecision(
        workstream_id=report.workstream_id,
        raised_on_report_id=report.id,
        text=text,
        outcome="",
        created_by_id=actor.id,
    )
    session.add(decision)
    session.flush()
    audit.record(
        session,
        actor,
        "decision.raised",
        decision,
        summary=f"Decision needed from the board raised on the report for {report.meeting.date:%-d %B %Y}",
        after={"text": text, "report_id": report.id},
    )
    return decision


def _dates(session: Session, decision: BoardDecision) -> DecisionDates:
    raised = session.get_one(Report, decision.raised_on_report_id).meeting.date
    answered = session.get(Report, decision.answered_on_report_id) if decision.answered_on_report_id else None
    return DecisionDates(raised, answered.meeting.date if answered else None)


def save_decision(
    session: Session, actor: User, report: Report, decision: BoardDecision, text: str | None, outcome: str | None
) -> BoardDecision:
    """Change a decision the draft ``report`` carries, and record (or clear) the board's answer on it.

    An answer recorded here makes this the paper that shows it, and later papers no longer carry the decision.
    Raises NotAllowed unless the actor leads the workstream and the decision is the workstream's,
    ReportStateError unless the report is a draft, DomainError when the report does not carry the decision or
    (field="text") the decision is empty.
    """
    _check_edit(actor, report)
    if decision.workstream_id != report.workstream_id:
        raise NotAllowed("This decision belongs to another workstream")
    check_may_change_decision(_dates(session, decision), report.meeting.date)
    text, outcome = clean_decision(text, outcome)
    values: dict[str, str | int | None] = {"text": text}
    if outcome:
        values |= {"outcome": outcome, "answered_on_report_id": report.id}
    elif decision.answered_on_report_id in (None, report.id):
        values |= {"outcome": "", "answered_on_report_id": None}
    before, after = audit.changes(decision, list(values), values)
    if after:
        answered = "outcome" in after and outcome
        audit.record(
            session,
            actor,
            "decision.answered" if answered else "decision.updated",
            decision,
            summary=f"Board's answer recorded on the report for {report.meeting.date:%-d %B %Y}"
            if answered
            else "Decision needed from the board changed",
            before=before,
            after=after,
        )
    return decision
