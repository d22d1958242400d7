"""What a board paper tells beyond its tables: the changes since the last board, the decisions it asks of the
board, and what the sponsor signs.

- Changes since the last board are computed, never typed: between the workstream's previous signed-off paper and
  this one, from the facts each paper states (milestones completed, dates revised, removals, the reported RAG,
  risks opened and closed).
- A decision raised on a paper stays on every later paper of the workstream until the lead records the board's
  answer; the paper on which the answer is recorded shows it, and later papers no longer carry it.

Plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from app.domain.errors import DomainError
from app.domain.reports import rag_status_label
from app.domain.text import TextRule


class ChangeKind(StrEnum):
    RAG_CHANGED = "rag_changed"
    COMPLETED = "completed"
    DATE_CHANGED = "date_changed"
    REMOVED = "removed"
    RISK_OPENED = "risk_opened"
    RISK_CLOSED = "risk_closed"


class PaperMilestone(NamedTuple):
    """A milestone as a paper states it. ``due_label`` is its current date due (the revised one if any). A named
    tuple: a paper states hundreds."""

    reference: str
    status: str  # open | awaiting_approval | complete | removed
    due: date
    due_label: str
    completed_label: str = ""
    completed_is_month: bool = False


@dataclass(frozen=True)
class PaperRisk:
    reference: str
    title: str
    rating: str  # red | amber | green
    open: bool


@dataclass(frozen=True)
class Paper:
    """The facts of one paper that the next one reports changes against."""

    rag: str | None  # the reported RAG
    milestones: tuple[PaperMilestone, ...]
    risks: tuple[PaperRisk, ...]


@dataclass(frozen=True)
class BoardChange:
    kind: ChangeKind
    reference: str  # the milestone's or risk's reference; "" for the RAG
    text: str


def changes_since_last(previous: Paper | None, current: Paper) -> tuple[BoardChange, ...]:
    """What changed between the previous signed-off paper and this one; empty when there is no previous paper.

    In this order: the reported RAG; milestones completed (also a milestone new since then and already
    complete), dates revised, milestones removed; risks opened (new or reopened) and closed. Within each kind,
    in the order this paper lists them. A removed milestone reports its removal only, not a date change.
    """
    if previous is None:
        return ()
    found: dict[ChangeKind, list[BoardChange]] = {kind: [] for kind in ChangeKind}

    def add(kind: ChangeKind, reference: str, text: str) -> None:
        found[kind].append(BoardChange(kind, reference, text))

    if previous.rag and current.rag and previous.rag != current.rag:
        add(
            ChangeKind.RAG_CHANGED,
            "",
            f"RAG changed from {rag_status_label(previous.rag)} to {rag_status_label(current.rag)}",
        )
    before = {m.reference: m for m in previous.milestones}
    for milestone in current.milestones:
        old, reference = before.get(milestone.reference), milestone.reference
        if milestone.status == "complete" and (old is None or old.status != "complete"):
            when = "in" if milestone.completed_is_month else "on"
            add(ChangeKind.COMPLETED, reference, f"Milestone {reference} completed {when} {milestone.completed_label}")
        if old is None or old.status == "removed":
            continue
        if milestone.status == "removed":
            add(ChangeKind.REMOVED, reference, f"Milestone {reference} removed")
        elif milestone.due != old.due:
            add(
                ChangeKind.DATE_CHANGED,
                reference,
                f"Milestone {reference} date changed from {old.due_label} to {milestone.due_label}",
            )
    risks_before = {r.reference: r for r in previous.risks}
    for risk in current.risks:
        old_risk = risks_before.get(risk.reference)
        if risk.open and (old_risk is None or not old_risk.open):
            verb = "opened" if old_risk is None else "reopened"
            add(
                ChangeKind.RISK_OPENED,
                risk.reference,
                f"Risk {risk.reference} {verb}: {risk.title} ({risk.rating.capitalize()})",
            )
        elif not risk.open and old_risk is not None and old_risk.open:
            add(ChangeKind.RISK_CLOSED, risk.reference, f"Risk {risk.reference} closed: {risk.title}")
    return tuple(change for kind in ChangeKind for change in found[kind])


# Decisions needed from the board ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionDates:
    """When a decision was raised and answered, as the meeting dates of those papers (None: not answered)."""

    raised_for: date
    answered_for: date | None


def on_paper(decision: DecisionDates, meeting_date: date) -> bool:
    """True if the paper for the meeting on ``meeting_date`` carries the decision: raised on it or an earlier
    paper, and not answered on an earlier one."""
    if decision.raised_for > meeting_date:
        return False
    return decision.answered_for is None or decision.answered_for >= meeting_date


def outcome_on_paper(decision: DecisionDates, meeting_date: date) -> bool:
    """True if the paper for ``meeting_date`` shows the board's answer: the one on which it was recorded."""
    return decision.answered_for == meeting_date


def check_may_change_decision(decision: DecisionDates, meeting_date: date) -> None:
    """A decision is changed from a draft paper that carries it. Raises DomainError otherwise (one answered on an
    earlier paper, or raised on a later one)."""
    if not on_paper(decision, meeting_date):
        raise DomainError("This decision is not on this report: change it from the report that carries it")


DECISION_TEXT = TextRule("The decision")
DECISION_OUTCOME = TextRule("The board's answer")


def clean_decision(text: str | None, outcome: str | None) -> tuple[str, str]:
    """The decision asked of the board (required) and its answer (optional), stripped, as plain text.

    Raises DomainError naming the field ("text" or "outcome") when the decision is empty, or either holds a
    control character or is over the length limit.
    """
    text = DECISION_TEXT.check(text, "text")
    if not text:
        raise DomainError("Enter the decision the board is asked to make", field="text")
    return text, DECISION_OUTCOME.check(outcome, "outcome")


# What is submitted and signed ---------------------------------------------------------------------------------------


def _count(number: int, one: str, many: str) -> str:
    return f"{'no' if number == 0 else number} {one if number == 1 else many}"


def paper_statement(
    meeting_label: str,
    reported_rag: str,
    open_risk_ratings: Iterable[str],
    milestone_rags: Iterable[str | None],
    *,
    planned: bool = True,
) -> str:
    """What is submitted or signed, restated from the paper: "the 19 April 2021 report as Red (Off Track): 3 amber
    risks, 26 milestones overdue". Open risks are counted by rating (red, then amber); a milestone is overdue when its
    RAG is red (the RAG rules' only red milestone). Without a plan (``planned`` False) a green paper is stated as
    "No plan yet"."""
    ratings = list(open_risk_ratings)
    overdue = sum(1 for rag in milestone_rags if rag == "red")
    parts = []
    red = ratings.count("red")
    if red:
        parts.append(_count(red, "red risk", "red risks"))
    parts.append(_count(ratings.count("amber"), "amber risk", "amber risks"))
    parts.append(f"{_count(overdue, 'milestone', 'milestones')} overdue")
    return f"the {meeting_label} report as {rag_status_label(reported_rag, planned=planned)}: {', '.join(parts)}"
