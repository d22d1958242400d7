"""RAG rules: milestone and workstream status as at a date, with the reasons behind it.

docs/rules.md "RAG rules" states them; this module is their only implementation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from app.domain.errors import DomainError
from app.domain.rag_scale import Rag
from app.domain.risk import Impact, Likelihood, risk_rating, risk_score


@dataclass(frozen=True)
class Thresholds:
    """A programme's RAG settings."""

    amber_window_days: int = 14
    red_overdue_days: int = 28
    red_overdue_share: float = 0.20

    def validate(self) -> None:
        """Check the settings make sense.

        Raises DomainError, with ``field`` set to the setting's name, for a negative number of days or a
        share outside 0-1.
        """
        for name in ("amber_window_days", "red_overdue_days"):
            if getattr(self, name) < 0:
                raise DomainError("Enter a number of days of 0 or more", field=name)
        if not 0 <= self.red_overdue_share <= 1:
            raise DomainError("Enter a share from 0% to 100%", field="red_overdue_share")


DEFAULT_THRESHOLDS = Thresholds()


class MilestoneStatus(StrEnum):
    OPEN = "open"
    AWAITING_APPROVAL = "awaiting_approval"
    COMPLETE = "complete"
    REMOVED = "removed"


class MilestoneFacts(NamedTuple):
    """What the RAG rules need to know about a milestone.

    ``completed_on`` is the date of an *approved* completion only; ``pending_completion`` says a completion
    proposal awaits a decision. Immutable; a named tuple, as every value made once per milestone row is (a page
    makes hundreds, and a frozen dataclass costs several times as much to build).
    """

    reference: str
    due: date
    revised_due: date | None = None
    completed_on: date | None = None
    removed: bool = False
    pending_completion: bool = False

    @property
    def current_due(self) -> date:
        """The revised due date if set, else the original."""
        return self.revised_due or self.due

    @property
    def slipped(self) -> bool:
        """True if the revised due date is later than the original."""
        return self.revised_due is not None and self.revised_due > self.due


class MilestoneAssessment(NamedTuple):
    """A milestone's status as at a date. ``rag`` is None for complete and removed milestones. A named tuple, as
    ``MilestoneFacts``."""

    reference: str
    status: MilestoneStatus
    rag: Rag | None
    label: str
    overdue_days: int = 0
    on_time: bool | None = None

    @property
    def is_open(self) -> bool:
        """True unless complete or removed (awaiting approval counts as open)."""
        return self.status in (MilestoneStatus.OPEN, MilestoneStatus.AWAITING_APPROVAL)

    @property
    def status_text(self) -> str:
        """The Status column's words (see ``status_text``)."""
        return status_text(self.status, self.label)


LABEL_REMOVED = "Removed"
LABEL_COMPLETE = "Complete"
LABEL_COMPLETE_LATE = "Complete (late)"
LABEL_OVERDUE = "Overdue"
LABEL_SLIPPED = "Slipped"
LABEL_DUE_SOON = "Due soon"
LABEL_ON_TRACK = "On track"
LABEL_AWAITING_APPROVAL = "Awaiting approval"

# Every word the Status column of a milestone table may show.
STATUS_TEXTS = (
    LABEL_COMPLETE,
    LABEL_ON_TRACK,
    LABEL_DUE_SOON,
    LABEL_SLIPPED,
    LABEL_OVERDUE,
    LABEL_AWAITING_APPROVAL,
    LABEL_REMOVED,
)


def status_text(status: MilestoneStatus | str, label: str) -> str:
    """A milestone's status in words, for the Status column of every milestone table.

    ``label`` is the RAG rule's label for an open milestone (On track, Due soon, Slipped, Overdue). A completion
    awaiting approval reads "Awaiting approval" whatever its dates (its RAG still counts them); a complete one reads
    "Complete", on time or late; a removed one "Removed". Raises ValueError for an unknown status.
    """
    status = MilestoneStatus(status)
    if status is MilestoneStatus.AWAITING_APPROVAL:
        return LABEL_AWAITING_APPROVAL
    if status is MilestoneStatus.COMPLETE:
        return LABEL_COMPLETE
    if status is MilestoneStatus.REMOVED:
        return LABEL_REMOVED
    return label


def falls_due_soon(current_due: date, as_of: date, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """True if a milestone due on ``current_due`` is overdue as at ``as_of`` or falls due within the programme's
    amber window: "due soon" wherever it is counted (the RAG's label, an owner's dashboard, the reminders)."""
    return (current_due - as_of).days <= thresholds.amber_window_days


def assess_milestone(
    m: MilestoneFacts, as_of: date, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> MilestoneAssessment:
    """Apply the milestone RAG rules as at ``as_of``.

    Removed milestones have no RAG. An approved completion dated on or before ``as_of`` is complete (on time
    if on or before the current due date); one dated later counts as open, as does a pending completion.
    An open milestone is red when its current due date has passed, amber when it has slipped or falls due
    within the amber window, else green. Raises nothing.
    """
    if m.removed:
        return MilestoneAssessment(m.reference, MilestoneStatus.REMOVED, None, LABEL_REMOVED)
    if m.completed_on is not None and m.completed_on <= as_of:
        on_time = m.completed_on <= m.current_due
        label = LABEL_COMPLETE if on_time else LABEL_COMPLETE_LATE
        return MilestoneAssessment(m.reference, MilestoneStatus.COMPLETE, None, label, on_time=on_time)

    status = MilestoneStatus.AWAITING_APPROVAL if m.pending_completion else MilestoneStatus.OPEN
    days_left = (m.current_due - as_of).days
    if days_left < 0:
        return MilestoneAssessment(m.reference, status, Rag.RED, LABEL_OVERDUE, overdue_days=-days_left)
    if m.slipped:
        return MilestoneAssessment(m.reference, status, Rag.AMBER, LABEL_SLIPPED)
    if falls_due_soon(m.current_due, as_of, thresholds):
        return MilestoneAssessment(m.reference, status, Rag.AMBER, LABEL_DUE_SOON)
    return MilestoneAssessment(m.reference, status, Rag.GREEN, LABEL_ON_TRACK)


@dataclass(frozen=True)
class RiskFacts:
    """What the RAG rules need to know about a risk."""

    reference: str
    likelihood: Likelihood
    impact: Impact
    closed: bool = False

    @property
    def score(self) -> int:
        """The 1-9 score from the risk matrix."""
        return risk_score(self.likelihood, self.impact)

    @property
    def rating(self) -> Rag:
        """The rating the score gives."""
        return risk_rating(self.score)


@dataclass(frozen=True)
class Reason:
    """One rule that set a workstream's RAG, with the milestone or risk references that triggered it.

    ``rule`` is a stable key (see the RULE_* constants); ``text`` is for people.
    """

    rag: Rag
    rule: str
    text: str
    references: tuple[str, ...] = ()


RULE_RED_RISK = "red_risk"
RULE_OVERDUE_PAST_TOLERANCE = "overdue_past_tolerance"
RULE_OVERDUE_SHARE = "overdue_share"
RULE_AMBER_RISK = "amber_risk"
RULE_OVERDUE = "overdue"
RULE_AMBER_MILESTONE = "amber_milestone"
RULE_ALL_ON_TRACK = "all_on_track"
RULE_NO_PLAN = "no_plan"

# What a workstream with no plan to assess reads, where its RAG would be.
NO_PLAN_LABEL = "No plan yet"


def has_plan(statuses: Iterable[MilestoneStatus | str]) -> bool:
    """True if any milestone counts towards the RAG: one that is open, awaiting approval or complete. A plan with
    no milestones, or only removed ones, has nothing to assess. Raises ValueError for an unknown status."""
    return any(MilestoneStatus(s) is not MilestoneStatus.REMOVED for s in statuses)


def shows_no_plan(rag: Rag | str | None, planned: bool) -> bool:
    """True where "No plan yet" stands in for the RAG: no plan to assess (see ``has_plan``) and nothing else (an
    open red or amber risk) making it red or amber. Its RAG value stays green, as the report's JSON gives it.
    Raises ValueError for a value that is not a RAG."""
    return not planned and rag is not None and rag != "" and Rag(rag) is Rag.GREEN


@dataclass(frozen=True)
class MilestoneCounts:
    """Milestone counts for a workstream. ``open`` includes awaiting approval; ``overdue`` is the red ones."""

    complete: int = 0
    open: int = 0
    overdue: int = 0
    awaiting_approval: int = 0
    removed: int = 0
    amber: int = 0
    green: int = 0


@dataclass(frozen=True)
class WorkstreamAssessment:
    """A workstream's computed RAG, every reason at that level, and each milestone's assessment (input order)."""

    rag: Rag
    reasons: tuple[Reason, ...]
    milestones: tuple[MilestoneAssessment, ...]
    counts: MilestoneCounts

    @property
    def has_plan(self) -> bool:
        """True if any milestone counts towards the RAG (see ``has_plan``)."""
        return has_plan(a.status for a in self.milestones)

    @property
    def no_plan(self) -> bool:
        """True where the workstream reads "No plan yet" instead of its RAG (see ``shows_no_plan``)."""
        return shows_no_plan(self.rag, self.has_plan)

    @property
    def label(self) -> str:
        """The RAG as people read it ("Amber"), or "No plan yet"."""
        return NO_PLAN_LABEL if self.no_plan else self.rag.label


_REFERENCE_PARTS = re.compile(r"[0-9]+|[^0-9]+", re.ASCII)


def reference_sort_key(ref: str) -> tuple:
    """Natural sort key for milestone and risk references: "2.9" before "2.10", "1.4" before "1.4a".

    Case and surrounding whitespace are ignored except as a final tie-break. Raises nothing.
    """
    parts = tuple(
        (0, int(part), "") if part[0] in "0123456789" else (1, 0, part.lower())
        for part in _REFERENCE_PARTS.findall(ref.strip())
    )
    return (parts, ref)


def _in_reference_order(assessments: Iterable[MilestoneAssessment]) -> list[MilestoneAssessment]:
    return sorted(assessments, key=lambda a: reference_sort_key(a.reference))


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _percent(share: float) -> str:
    return f"{share * 100:.1f}".removesuffix(".0") + "%"


def _plural(n: int, singular: str, plural: str) -> str:
    return singular if n == 1 else plural


def assess_workstream(
    milestones: Iterable[MilestoneFacts],
    risks: Iterable[RiskFacts],
    as_of: date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> WorkstreamAssessment:
    """Apply the workstream RAG rules as at ``as_of``.

    Red if any open red risk, any milestone overdue by more than ``red_overdue_days``, or overdue milestones
    are more than ``red_overdue_share`` of open ones; else amber if any open amber risk, overdue milestone or
    amber milestone; else green, for which the reason is "No plan yet" when no milestone counts (``has_plan``).
    Returns every reason at the winning level, references in natural order. Closed risks and removed milestones
    are left out. Raises DomainError if the thresholds are invalid.
    """
    thresholds.validate()
    assessed = tuple(assess_milestone(m, as_of, thresholds) for m in milestones)
    open_risks = sorted((r for r in risks if not r.closed), key=lambda r: reference_sort_key(r.reference))

    statuses = Counter(a.status for a in assessed)
    rags = Counter(a.rag for a in assessed)
    counts = MilestoneCounts(
        complete=statuses[MilestoneStatus.COMPLETE],
        open=statuses[MilestoneStatus.OPEN] + statuses[MilestoneStatus.AWAITING_APPROVAL],
        overdue=rags[Rag.RED],
        awaiting_approval=statuses[MilestoneStatus.AWAITING_APPROVAL],
        removed=statuses[MilestoneStatus.REMOVED],
        amber=rags[Rag.AMBER],
        green=rags[Rag.GREEN],
    )
    overdue = _in_reference_order(a for a in assessed if a.rag is Rag.RED)
    amber_milestones = _in_reference_order(a for a in assessed if a.rag is Rag.AMBER)
    red_risks = [r.reference for r in open_risks if r.rating is Rag.RED]
    amber_risks = [r.reference for r in open_risks if r.rating is Rag.AMBER]

    red: list[Reason] = []
    if red_risks:
        label = _plural(len(red_risks), "Open red risk", "Open red risks")
        red.append(Reason(Rag.RED, RULE_RED_RISK, f"{label}: {', '.join(red_risks)}", tuple(red_risks)))
    too_late = [a for a in overdue if a.overdue_days > thresholds.red_overdue_days]
    if too_late:
        listed = ", ".join(f"{a.reference} ({_days(a.overdue_days)})" for a in too_late)
        red.append(
            Reason(
                Rag.RED,
                RULE_OVERDUE_PAST_TOLERANCE,
                f"Overdue by more than {_days(thresholds.red_overdue_days)}: {listed}",
                tuple(a.reference for a in too_late),
            )
        )
    # Division, not multiplication, so a share exactly at the threshold compares equal and is not red.
    if counts.open and counts.overdue / counts.open > thresholds.red_overdue_share:
        text = (
            f"{counts.overdue} of {counts.open} open milestones overdue ({_percent(counts.overdue / counts.open)}), "
            f"more than {_percent(thresholds.red_overdue_share)}"
        )
        red.append(Reason(Rag.RED, RULE_OVERDUE_SHARE, text, tuple(a.reference for a in overdue)))
    if red:
        return WorkstreamAssessment(Rag.RED, tuple(red), assessed, counts)

    amber: list[Reason] = []
    if amber_risks:
        label = _plural(len(amber_risks), "Open amber risk", "Open amber risks")
        amber.append(Reason(Rag.AMBER, RULE_AMBER_RISK, f"{label}: {', '.join(amber_risks)}", tuple(amber_risks)))
    if overdue:
        listed = ", ".join(f"{a.reference} ({_days(a.overdue_days)})" for a in overdue)
        amber.append(Reason(Rag.AMBER, RULE_OVERDUE, f"Overdue: {listed}", tuple(a.reference for a in overdue)))
    if amber_milestones:
        label = _plural(len(amber_milestones), "Amber milestone", "Amber milestones")
        listed = ", ".join(f"{a.reference} ({a.label.lower()})" for a in amber_milestones)
        amber.append(
            Reason(Rag.AMBER, RULE_AMBER_MILESTONE, f"{label}: {listed}", tuple(a.reference for a in amber_milestones))
        )
    if amber:
        return WorkstreamAssessment(Rag.AMBER, tuple(amber), assessed, counts)

    if not has_plan(a.status for a in assessed):
        no_plan = Reason(
            Rag.GREEN, RULE_NO_PLAN, "No plan yet: no milestones to assess, and no open red or amber risks"
        )
        return WorkstreamAssessment(Rag.GREEN, (no_plan,), assessed, counts)
    on_track = Reason(Rag.GREEN, RULE_ALL_ON_TRACK, "All open milestones on track and no open red or amber risks")
    return WorkstreamAssessment(Rag.GREEN, (on_track,), assessed, counts)


REPORT_STATES = ("live", "draft", "awaiting_sign_off", "signed_off")


def report_as_of(state: str, today: date, meeting_date: date | None, submitted_on: date | None) -> date:
    """Return the as-at date for a report in ``state``.

    Live: today. Draft: today, but never later than the meeting. Awaiting sign-off or signed off: the
    submission date, never later than the meeting.
    Raises ValueError for an unknown state, or a submitted state without a submission date.
    """
    if state == "live":
        return today
    if state == "draft":
        return min(today, meeting_date) if meeting_date is not None else today
    if state in ("awaiting_sign_off", "signed_off"):
        if submitted_on is None:
            raise ValueError(f"A report in state {state} needs its submission date")
        return min(submitted_on, meeting_date) if meeting_date is not None else submitted_on
    raise ValueError(f"Unknown report state {state!r}: expected one of {', '.join(REPORT_STATES)}")


def score_trend(previous: Rag | str | None, current: Rag | str) -> str:
    """Compare with the previous RAG: "new" if there was none, else "improved", "worsened" or "unchanged".

    Accepts members or their values. Raises ValueError for a value that is not a RAG.
    """
    if previous is None:
        return "new"
    change = Rag(current).severity - Rag(previous).severity
    if change < 0:
        return "improved"
    if change > 0:
        return "worsened"
    return "unchanged"


# The board pack's direction of travel, in words, for each ``score_trend``.
TRAVEL_WORDS = {"improved": "better", "unchanged": "no change", "worsened": "worse", "new": "no earlier RAG"}


def direction_of_travel(previous: Rag | str | None, current: Rag | str | None) -> str:
    """The direction of travel from the previous RAG to the current one, in words: "better", "no change" or
    "worse" (by ``score_trend``); "no earlier RAG" without a previous one; "" without a current one.

    Raises ValueError for a value that is not a RAG.
    """
    if current is None:
        return ""
    return TRAVEL_WORDS[score_trend(previous, current)]
