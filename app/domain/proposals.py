"""Proposals to change a milestone: who may propose, withdraw and decide, and what a decision does.

States: pending → approved | rejected (reason required) | withdrawn. Only a pending proposal changes. Plain
functions over plain values; the service loads the rows, calls these, then writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.domain.dates import format_plan_date
from app.domain.errors import Conflict, DomainError, NotAllowed
from app.domain.permissions import Role, can_decide_proposal
from app.domain.text import TextRule, one_line

REASON = TextRule("Reason")
NOTE = TextRule("Note")
LINKS = TextRule("Links to evidence")
DECISION = one_line("Decision", 20)

# How a completion recorded by the first import into an empty plan is labelled wherever it is shown: it was
# neither proposed with evidence nor decided by anyone in Highlight.
RECORDED_AT_IMPORT = "Recorded at import, no evidence"


def import_source(filename: str) -> str:
    """The source named on a proposal or record made by an import: "import of plan.xlsx"."""
    return f"import of {filename}"


def may_record_at_import(milestones_in_plan: int) -> bool:
    """Only the first import into an empty plan records completions (and removals, and revised dates) as facts.

    Into a plan that already has milestones, each becomes a proposal that someone other than the importer decides.
    """
    return milestones_in_plan == 0


class Kind(StrEnum):
    COMPLETION = "completion"
    DATE_CHANGE = "date_change"
    REMOVAL = "removal"

    @property
    def label(self) -> str:
        return {"completion": "Completion", "date_change": "Revised date", "removal": "Removal"}[self.value]

    @property
    def noun(self) -> str:
        """As in "a proposal of …": completion, a revised date, removal."""
        return {"completion": "completion", "date_change": "a revised date", "removal": "removal"}[self.value]


class State(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The state in words: "Waiting for a decision", "Approved", "Rejected", "Withdrawn"."""
        return "Waiting for a decision" if self is State.PENDING else self.value.capitalize()


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"

    @property
    def state(self) -> State:
        return State.APPROVED if self is Decision.APPROVE else State.REJECTED


class DecisionConflict(Conflict):
    """The proposal changed under the decider: already decided or withdrawn, or a newer version. HTTP 409."""


class AlreadyDecided(DecisionConflict):
    pass


class StaleVersion(DecisionConflict):
    pass


class DuplicatePending(DomainError):
    """A pending proposal of the same kind already exists for the milestone."""


@dataclass(frozen=True)
class MilestoneState:
    """What the rules need to know about a milestone."""

    owner_id: int | None
    removed: bool
    complete: bool
    due: date
    due_is_month: bool
    revised_due: date | None
    revised_due_is_month: bool
    comments: str

    @property
    def current_due(self) -> date:
        return self.revised_due or self.due


def parse_kind(value: str | None) -> Kind:
    """Kind from a query string or form. Raises DomainError for anything else."""
    try:
        return Kind(value or "")
    except ValueError:
        raise DomainError("Select what you are proposing", field="kind") from None


def check_may_propose(actor_id: int, actor_roles: Iterable[Role], milestone: MilestoneState, kind: Kind) -> None:
    """Only the milestone's owner, holding the owner or lead role in its workstream, proposes.

    Raises NotAllowed for anyone else, and DomainError for a removed milestone or a completion of a complete one.
    """
    roles = {Role(r) for r in actor_roles}
    if milestone.owner_id != actor_id or not roles & {Role.OWNER, Role.LEAD}:
        raise NotAllowed("Only the owner of this milestone can propose changes to it")
    if milestone.removed:
        raise DomainError("This milestone has been removed", field="kind")
    if milestone.complete and kind is not Kind.REMOVAL:
        raise DomainError("This milestone is already complete", field="kind")


def check_completion_date(completion_date: date, is_month: bool, today: date, field: str = "completion_date") -> None:
    """A completion date is never after today, whatever path it comes in by (form, import, CLI).

    A month counts as its last day, so the current month is refused until it ends: give the day instead.
    Raises DomainError(field).
    """
    if completion_date > today:
        if is_month and (completion_date.year, completion_date.month) == (today.year, today.month):
            raise DomainError("Enter the day it was completed: this month has not ended", field=field)
        raise DomainError("The completion date must be today or in the past", field=field)


def check_completion(completion_date: date | None, is_month: bool, today: date, note: str, evidence_count: int) -> str:
    """A completion needs a date not in the future, a note, and at least one file or link.

    Returns the cleaned note; raises DomainError(field).
    """
    if completion_date is None:
        raise DomainError("Enter the date it was completed", field="completion_date")
    check_completion_date(completion_date, is_month, today)
    note = NOTE.check(note, "note")
    if not note:
        raise DomainError("Enter a note saying what was done", field="note")
    if evidence_count < 1:
        raise DomainError("Upload a file or enter a link as evidence of completion", field="files")
    return note


def check_date_change(new_due: date | None, milestone: MilestoneState, reason: str) -> str:
    """A revised date must be given, differ from the current one, and come with the reason for delay.

    Returns the cleaned reason; raises DomainError(field).
    """
    if new_due is None:
        raise DomainError("Enter the new date", field="new_due")
    if new_due == milestone.current_due:
        raise DomainError("Enter a date different from the current date due", field="new_due")
    reason = REASON.check(reason, "reason")
    if not reason:
        raise DomainError("Enter the reason for delay", field="reason")
    return reason


def check_removal(reason: str) -> str:
    """Returns the cleaned reason; raises DomainError when it is empty."""
    reason = REASON.check(reason, "reason")
    if not reason:
        raise DomainError("Enter the reason for removing this milestone", field="reason")
    return reason


def check_pending(state: str, action: str) -> None:
    """Raises AlreadyDecided (a conflict: someone acted first) unless the proposal is still pending."""
    if State(state) is not State.PENDING:
        raise AlreadyDecided(f"This proposal is {State(state).value} and can no longer be {action}")


def is_proposer(actor_id: int, proposer_id: int) -> bool:
    """True if the actor made the proposal: only they withdraw it or add evidence to it."""
    return actor_id == proposer_id


def check_may_withdraw(actor_id: int, proposer_id: int, state: str) -> None:
    """Only the proposer withdraws, and only while pending. Raises NotAllowed or AlreadyDecided."""
    if not is_proposer(actor_id, proposer_id):
        raise NotAllowed("Only the person who made this proposal can withdraw it")
    check_pending(state, "withdrawn")


def check_may_add_evidence(actor_id: int, proposer_id: int, state: str) -> None:
    """Only the proposer adds evidence, and only while pending. Raises NotAllowed or AlreadyDecided."""
    if not is_proposer(actor_id, proposer_id):
        raise NotAllowed("Only the person who made this proposal can add evidence to it")
    check_pending(state, "changed")


def may_decide(actor_id: int, actor_roles: Iterable[Role], proposer_id: int, proposer_roles: Iterable[Role]) -> bool:
    """True if the actor may decide: a lead (or, for a lead's proposal, the sponsor), never the proposer."""
    return can_decide_proposal(actor_id, actor_roles, proposer_id, proposer_roles)


def check_may_decide(
    actor_id: int, actor_roles: Iterable[Role], proposer_id: int, proposer_roles: Iterable[Role]
) -> None:
    """Raises NotAllowed for the proposer themself, or anyone who is neither a lead nor (for a lead's proposal)
    the workstream's sponsor."""
    if actor_id == proposer_id:
        raise NotAllowed("You cannot decide your own proposal")
    if not may_decide(actor_id, actor_roles, proposer_id, proposer_roles):
        raise NotAllowed("Only a lead of this workstream, or its sponsor for a lead's proposal, can decide this")


def parse_decision(decision: str | None, reason: str) -> tuple[Decision, str]:
    """Returns (decision, cleaned reason). Raises DomainError when no decision is chosen, a rejection has no
    reason, or the reason is not plain text within its limit."""
    try:
        chosen = Decision(decision or "")
    except ValueError:
        raise DomainError("Select approve or reject", field="decision") from None
    reason = REASON.check(reason, "reason")
    if chosen is Decision.REJECT and not reason:
        raise DomainError("Enter the reason for rejecting this proposal", field="reason")
    return chosen, reason


def conflict_for(state: str, version: int, seen_version: int, decided_by: str | None, decided_at: datetime | None):
    """The error for a decision that found the proposal no longer as its decider saw it."""
    current = State(state)
    if current is State.WITHDRAWN:
        return AlreadyDecided("This proposal was withdrawn by its owner")
    if current is not State.PENDING:
        when = decided_at.strftime("%-d %B %Y at %H:%M UTC") if decided_at else "an earlier time"
        return AlreadyDecided(f"This proposal was already {current.value} by {decided_by or 'someone else'} on {when}")
    return StaleVersion(
        f"This proposal has changed since you opened it (now version {version}, you saw version {seen_version}): "
        "review the new evidence and decide again"
    )


def milestone_changes(
    kind: Kind,
    milestone: MilestoneState,
    *,
    completion_date: date | None = None,
    completion_is_month: bool = False,
    new_due: date | None = None,
    new_due_is_month: bool = False,
    reason: str = "",
    note: str = "",
    imported: bool = False,
) -> dict[str, object]:
    """The milestone fields an approved proposal sets: its fact, and the comment the paper shows beside it.

    Completion → ``completed_on`` and the comment "Completed 12 April 2021: <note>" ("Completed in April 2021: …"
    for a month); date change → the revised date and "Revised to 30 June 2021: <reason>"; removal → removed with
    its reason and "Removed: <reason>". The comment replaces the one before (the caller's audit event keeps that).
    A completion or removal recorded at import keeps the comment imported with it: the file's own words.
    """
    changes: dict[str, object]
    if kind is Kind.COMPLETION:
        changes = {"completed_on": completion_date, "completed_on_is_month": completion_is_month}
        line = f"Completed {_dated(completion_date, completion_is_month)}"
        text = note
    elif kind is Kind.DATE_CHANGE:
        changes = {"revised_due": new_due, "revised_due_is_month": new_due_is_month}
        line = f"Revised to {format_plan_date(new_due, new_due_is_month)}"
        text = reason
    else:
        changes = {"removed": True, "removed_reason": reason}
        line, text = "Removed", reason
    if not imported:
        changes["comments"] = f"{line}: {text.strip()}" if text.strip() else line
    return changes


def _dated(value: date | None, is_month: bool) -> str:
    """ "12 April 2021", or "in April 2021" for a month."""
    label = format_plan_date(value, is_month)
    return f"in {label}" if is_month else label


def paper_comments(comments: str, recorded_at_import: bool) -> str:
    """A milestone's comments as the paper prints them: a completion recorded at import says so, after the
    comment imported with it ("Action completed on time. Recorded at import, no evidence."; "In use — Recorded at
    import, no evidence.")."""
    if not recorded_at_import:
        return comments
    comments = comments.strip()
    if not comments:
        return f"{RECORDED_AT_IMPORT}."
    separator = " " if comments.endswith((".", "!", "?")) else _LABEL_DASH
    return f"{comments}{separator}{RECORDED_AT_IMPORT}."


_LABEL_DASH = " — "


def comments_without_label(comments: str) -> str:
    """The comments a paper printed, without the words ``paper_comments`` added: reading a paper back (its Word
    file) gives the comment as it was imported."""
    comments = comments.strip()
    label = f"{RECORDED_AT_IMPORT}."
    if comments == label:
        return ""
    for separator in (_LABEL_DASH, " "):
        if comments.endswith(separator + label):
            return comments.removesuffix(separator + label)
    return comments


def summary_of(kind: Kind, *, completion_label: str = "", new_due_label: str = "") -> str:
    """One line saying what is proposed, for audit summaries, notifications and the queue."""
    if kind is Kind.COMPLETION:
        return f"completion on {completion_label}"
    if kind is Kind.DATE_CHANGE:
        return f"a revised date of {new_due_label}"
    return "removal"
