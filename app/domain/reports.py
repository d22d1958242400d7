"""The highlight report's lifecycle, who may move it, the reported RAG, and what changed since submission.

draft → (lead submits) awaiting sign-off → (sponsor signs off) signed off, or (sponsor returns it with
comments) → draft; the lead may withdraw it before sign-off. Only a draft is edited. A signed-off report never
changes again. Plain Python: services apply these rules and the database enforces the freeze.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.domain.dates import format_plan_date
from app.domain.errors import Conflict, DomainError, NotAllowed
from app.domain.permissions import Role
from app.domain.rag import NO_PLAN_LABEL, Rag, shows_no_plan
from app.domain.text import NARRATIVE_LIMIT, TextRule

# Each text field's rule (app.domain.text).
INTRODUCTION = TextRule("Introduction", NARRATIVE_LIMIT)
RAG_REASON = TextRule("Reason for RAG", NARRATIVE_LIMIT)
OVERRIDE_JUSTIFICATION = TextRule("Justification for the reported RAG", NARRATIVE_LIMIT)
RETURN_COMMENTS = TextRule("Comments for the project lead", NARRATIVE_LIMIT)
NARRATIVES: Mapping[str, TextRule] = {
    "barriers": TextRule("Potential barriers", NARRATIVE_LIMIT),
    "action_required": TextRule("Action required", NARRATIVE_LIMIT),
    "progress": TextRule("Progress to date", NARRATIVE_LIMIT),
    "next_activity": TextRule("Activity for the next period", NARRATIVE_LIMIT),
}


class ReportState(StrEnum):
    DRAFT = "draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off"
    SIGNED_OFF = "signed_off"

    @property
    def label(self) -> str:
        """The state as people read it."""
        return {"draft": "Draft", "awaiting_sign_off": "Awaiting sign-off", "signed_off": "Signed off"}[self.value]

    @property
    def frozen(self) -> bool:
        """True once submitted: what the sponsor reads and signs is the snapshot, not live data."""
        return self is not ReportState.DRAFT


class ReportAction(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RETURN = "return"
    SIGN_OFF = "sign_off"


@dataclass(frozen=True)
class Transition:
    source: ReportState
    target: ReportState
    role: Role
    refused: str  # why it is refused in any other state


TRANSITIONS: Mapping[ReportAction, Transition] = {
    ReportAction.EDIT: Transition(
        ReportState.DRAFT, ReportState.DRAFT, Role.LEAD, "Only a draft report can be changed"
    ),
    ReportAction.SUBMIT: Transition(
        ReportState.DRAFT, ReportState.AWAITING_SIGN_OFF, Role.LEAD, "Only a draft report can be submitted"
    ),
    ReportAction.WITHDRAW: Transition(
        ReportState.AWAITING_SIGN_OFF, ReportState.DRAFT, Role.LEAD, "Only a report awaiting sign-off can be withdrawn"
    ),
    ReportAction.RETURN: Transition(
        ReportState.AWAITING_SIGN_OFF,
        ReportState.DRAFT,
        Role.SPONSOR,
        "Only a report awaiting sign-off can be returned",
    ),
    ReportAction.SIGN_OFF: Transition(
        ReportState.AWAITING_SIGN_OFF,
        ReportState.SIGNED_OFF,
        Role.SPONSOR,
        "Only a report awaiting sign-off can be signed off",
    ),
}


class ReportConflict(Conflict):
    """The report is no longer as its reader saw it: someone moved it on, or it was submitted again. HTTP 409."""


class ReportStateError(ReportConflict):
    """The report is not in a state that allows this."""


def moved_on(
    action: ReportAction | str,
    state: ReportState | str,
    signed_off_by: str | None = None,
    signed_off_at: datetime | None = None,
) -> ReportStateError:
    """The error for ``action`` on a report now in ``state``: why it is refused, and who signed it off and when."""
    refused = TRANSITIONS[ReportAction(action)].refused
    if ReportState(state) is ReportState.SIGNED_OFF:
        when = signed_off_at.strftime("%-d %B %Y at %H:%M UTC") if signed_off_at else "an earlier time"
        return ReportStateError(f"{refused}: it was signed off by {signed_off_by or 'the sponsor'} on {when}")
    return ReportStateError(f"{refused}: it is {ReportState(state).label.lower()} now")


def transition(
    action: ReportAction | str,
    state: ReportState | str,
    roles: Iterable[Role | str],
    *,
    actor_id: int,
    submitted_by_id: int | None = None,
) -> ReportState:
    """Return the state that ``action`` moves a report in ``state`` to, for someone holding ``roles``.

    The lead edits, submits and withdraws; the sponsor returns and signs off; nobody else does any of these
    (admins included). Nobody signs off a report they submitted themselves.
    Raises NotAllowed for the wrong role or the submitter signing, ReportStateError for the wrong state.
    """
    rule = TRANSITIONS[ReportAction(action)]
    held = {Role(r) for r in roles}
    if rule.role not in held:
        who = "the workstream's project lead" if rule.role is Role.LEAD else "the workstream's sponsor"
        raise NotAllowed(f"Only {who} can {_verb(ReportAction(action))} this report")
    if ReportState(state) is not rule.source:
        raise ReportStateError(rule.refused)
    if ReportAction(action) is ReportAction.SIGN_OFF and submitted_by_id is not None and actor_id == submitted_by_id:
        raise NotAllowed("You submitted this report, so someone else must sign it off")
    return rule.target


def _verb(action: ReportAction) -> str:
    return {"edit": "change", "sign_off": "sign off"}.get(action.value, action.value)


def allowed_actions(
    state: ReportState | str, roles: Iterable[Role | str], *, actor_id: int, submitted_by_id: int | None = None
) -> frozenset[ReportAction]:
    """Every action ``transition`` would allow now: what the page offers. Raises nothing."""
    roles = tuple(roles)
    allowed = set()
    for action in ReportAction:
        try:
            transition(action, state, roles, actor_id=actor_id, submitted_by_id=submitted_by_id)
        except DomainError:
            continue
        allowed.add(action)
    return frozenset(allowed)


# How the paper names each RAG status; the seed reads "Amber (At Risk)".
RAG_STATUS_LABELS: Mapping[str, str] = {
    "red": "Red (Off Track)",
    "amber": "Amber (At Risk)",
    "green": "Green (On Track)",
}
NO_PREVIOUS_RAG = "N/A"


def rag_status_label(rag: Rag | str | None, *, planned: bool = True) -> str:
    """ "Amber (At Risk)" for amber; "N/A" for none; "No plan yet" for a green that only says there is no plan
    (``planned`` False: see ``shows_no_plan``). Raises ValueError for a value that is not a RAG."""
    if rag is None or rag == "":
        return NO_PREVIOUS_RAG
    if shows_no_plan(rag, planned):
        return NO_PLAN_LABEL
    return RAG_STATUS_LABELS[Rag(rag).value]


def reported_rag(computed: Rag | str, chosen: Rag | str | None) -> Rag:
    """The RAG the report states: the lead's choice if made, else the computed one."""
    return Rag(chosen) if chosen else Rag(computed)


def is_override(computed: Rag | str, chosen: Rag | str | None) -> bool:
    """True when the lead reports a RAG other than the computed one."""
    if not chosen:
        return False
    return Rag(chosen) is not Rag(computed)


def check_reported_rag(computed: Rag | str, chosen: Rag | str | None, justification: str | None) -> None:
    """A RAG other than the computed one needs a written justification.

    Raises DomainError(field="override_justification") when it is missing.
    """
    if chosen and is_override(computed, chosen) and not (justification or "").strip():
        raise DomainError(
            f"Enter why you report {Rag(chosen).label} when the computed RAG is {Rag(computed).label}",
            field="override_justification",
        )


# What changed in live data since a report was submitted ----------------------------------------------------


MILESTONE_DIFF_FIELDS = ("status", "rag", "due", "revised_due", "completed_on", "milestone", "owner")
RISK_DIFF_FIELDS = ("status", "likelihood", "impact", "score", "rating", "mitigation", "mitigation_date", "risk")


@dataclass(frozen=True)
class Change:
    """One difference between the submitted report and live data. ``field`` is None for added or removed items."""

    kind: str  # "milestone" | "risk" | "rag"
    reference: str
    field: str | None
    before: object
    after: object
    explanation: str = ""  # said instead of the field's bare change when that would mislead

    @property
    def text(self) -> str:
        """The change as a sentence for the sponsor."""
        if self.explanation:
            return self.explanation
        thing = {"milestone": "Milestone", "risk": "Risk", "rag": "Computed RAG"}[self.kind]
        if self.kind == "rag":
            return f"{thing} changed from {_show(self.before)} to {_show(self.after)}"
        if self.field is None:
            return f"{thing} {self.reference} {'added' if self.before is None else 'removed'}"
        label = self.field.replace("_", " ")
        return f"{thing} {self.reference}: {label} changed from {_show(self.before)} to {_show(self.after)}"


def _show(value) -> str:
    if value is None or value == "":
        return "blank"
    return str(value).replace("_", " ")


# The milestone fields an approved completion dated after the as-at date changes in a comparison.
COMPLETION_FIELDS = frozenset({"status", "rag", "completed_on"})


def diff_reports(
    submitted: Mapping, live: Mapping, completions_after: Mapping[str, tuple[date, bool]] | None = None
) -> tuple[Change, ...]:
    """Compare two report documents (the report JSON contract): computed RAG, milestones and risks.

    Milestones and risks are matched by reference; order follows the live document, then removed items.
    ``completions_after`` maps the reference of each milestone with an approved completion dated after the live
    document's as-at date to that date and whether it is a month: such a milestone is not yet complete in the
    report, and its change is explained (a month counts as its last day) rather than shown as a bare status.
    Raises nothing for well-formed documents.
    """
    changes: list[Change] = []
    before_rag, after_rag = submitted["rag"]["computed"], live["rag"]["computed"]
    if before_rag != after_rag:
        changes.append(Change("rag", "", "computed", before_rag, after_rag))
    milestone_changes = _diff_items(
        "milestone",
        [m for s in submitted["sections"] for m in s["milestones"]],
        [m for s in live["sections"] for m in s["milestones"]],
        MILESTONE_DIFF_FIELDS,
    )
    changes += _explain_completions(milestone_changes, completions_after or {}, live.get("as_of"))
    changes += _diff_items("risk", submitted["risks"], live["risks"], RISK_DIFF_FIELDS)
    return tuple(changes)


def _explain_completions(
    changes: list[Change], completions_after: Mapping[str, tuple[date, bool]], as_of: str | None
) -> list[Change]:
    """The milestone changes with those of a completion approved for after the as-at date said once, in words."""
    if not completions_after or not as_of:
        return changes
    as_of_label = format_plan_date(date.fromisoformat(as_of), False)
    explained: set[str] = set()
    result = []
    for change in changes:
        dated = completions_after.get(change.reference)
        if dated is None or change.field not in COMPLETION_FIELDS:
            result.append(change)
            continue
        if change.reference in explained:
            continue
        explained.add(change.reference)
        completed_on, is_month = dated
        if is_month:
            when = (
                f"in {format_plan_date(completed_on, True)}, which counts as "
                f"{format_plan_date(completed_on, False)} (a month counts as its last day),"
            )
        else:
            when = f"on {format_plan_date(completed_on, False)}"
        result.append(
            Change(
                "milestone",
                change.reference,
                "completed_on",
                None,
                completed_on,
                explanation=f"Milestone {change.reference}: its completion {when} has been approved. That is after "
                f"this report's as-at date of {as_of_label}, so the report shows it as not yet complete",
            )
        )
    return result


def _diff_items(kind: str, before: list[Mapping], after: list[Mapping], fields: tuple[str, ...]) -> list[Change]:
    old = {item["reference"]: item for item in before}
    new = {item["reference"]: item for item in after}
    changes = []
    for reference, item in new.items():
        if reference not in old:
            changes.append(Change(kind, reference, None, None, reference))
            continue
        for field in fields:
            if old[reference].get(field) != item.get(field):
                changes.append(Change(kind, reference, field, old[reference].get(field), item.get(field)))
    changes += [Change(kind, reference, None, reference, None) for reference in old if reference not in new]
    return changes


# Reminders before a board meeting ---------------------------------------------------------------------------


class ReminderKind(StrEnum):
    OWNERS = "owners"  # owners of open milestones due by the meeting
    LEAD = "lead"  # the report is not submitted yet
    SPONSOR = "sponsor"  # the report is not signed off yet


@dataclass(frozen=True)
class ReminderDays:
    """How many days before a meeting each reminder goes out."""

    owners: int = 10
    lead: int = 5
    sponsor: int = 2


def reminders_due(today: date, meeting_date: date, days: ReminderDays) -> frozenset[ReminderKind]:
    """The reminders whose window has opened: from N days before the meeting up to the meeting day itself.

    Sending each reminder once per meeting is the caller's job; the window means a missed day still reminds.
    """
    days_left = (meeting_date - today).days
    if days_left < 0:
        return frozenset()
    windows = {ReminderKind.OWNERS: days.owners, ReminderKind.LEAD: days.lead, ReminderKind.SPONSOR: days.sponsor}
    return frozenset(kind for kind, window in windows.items() if days_left <= window)


def needs_reminder(kind: ReminderKind, report_state: ReportState | str | None) -> bool:
    """Owners are always reminded; the lead until the report is submitted; the sponsor until it is signed off."""
    if kind is ReminderKind.OWNERS:
        return True
    state = ReportState(report_state) if report_state else None
    if kind is ReminderKind.LEAD:
        return state in (None, ReportState.DRAFT)
    return state is not ReportState.SIGNED_OFF
