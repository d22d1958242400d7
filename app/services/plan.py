"""Keeping the action plan: sections and milestones, each change audited."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import proposals as rules
from app.domain.dates import format_plan_date
from app.domain.errors import DomainError
from app.domain.plan import (
    MILESTONE_COMMENTS,
    MILESTONE_TEXT,
    REMOVAL_REASON,
    SECTION_TITLE,
    normalise_reference,
    reference_sort_string,
    required_text,
)
from app.domain.proposals import RECORDED_AT_IMPORT
from app.models import Milestone, Proposal, Section, User, Workstream
from app.models._base import utcnow
from app.services import audit
from app.services.proposals import milestone_state

MILESTONE_FIELDS = [
    "reference",
    "sort_key",
    "section_id",
    "text",
    "owner_id",
    "due",
    "due_is_month",
    "revised_due",
    "revised_due_is_month",
    "comments",
]


def add_section(session: Session, actor: User | None, workstream: Workstream, number: int, title: str) -> Section:
    """Add a numbered theme. Raises DomainError for a taken number, or an empty or over-long title."""
    title = required_text(title, "title", "Enter the section title", SECTION_TITLE)
    if number is None or number < 1:
        raise DomainError("Enter a section number of 1 or more", field="number")
    if session.scalar(select(Section.id).where(Section.workstream_id == workstream.id, Section.number == number)):
        raise DomainError(f"Section {number} already exists in {workstream.name}", field="number")
    section = Section(workstream_id=workstream.id, number=number, title=title)
    session.add(section)
    session.flush()
    audit.record(session, actor, "section.added", section, after={"number": number, "title": title})
    return section


def update_section(session: Session, actor: User | None, section: Section, number: int, title: str) -> Section:
    """Renumber or retitle a section. Raises DomainError as add_section does."""
    title = required_text(title, "title", "Enter the section title", SECTION_TITLE)
    if number != section.number and session.scalar(
        select(Section.id).where(Section.workstream_id == section.workstream_id, Section.number == number)
    ):
        raise DomainError(f"Section {number} already exists", field="number")
    before, after = audit.changes(section, ["number", "title"], {"number": number, "title": title})
    if after:
        audit.record(session, actor, "section.updated", section, before=before, after=after)
    return section


def _milestone_values(session: Session, workstream: Workstream, values: dict, existing: Milestone | None) -> dict:
    reference = normalise_reference(values.get("reference", ""))
    clash = session.scalar(
        select(Milestone.id).where(Milestone.workstream_id == workstream.id, Milestone.reference == reference)
    )
    if clash and (existing is None or clash != existing.id):
        raise DomainError(f"Reference {reference} is already used in {workstream.name}", field="reference")
    section = session.get(Section, values.get("section_id"))
    if section is None or section.workstream_id != workstream.id:
        raise DomainError("Select a section", field="section_id")
    if values.get("due") is None:
        raise DomainError("Enter the date due", field="due")
    revised_due: date | None = values.get("revised_due")
    return {
        "reference": reference,
        "sort_key": reference_sort_string(reference),
        "section_id": section.id,
        "text": required_text(values.get("text"), "text", "Enter the milestone", MILESTONE_TEXT),
        "owner_id": values.get("owner_id"),
        "due": values["due"],
        "due_is_month": bool(values.get("due_is_month")),
        "revised_due": revised_due,
        "revised_due_is_month": bool(values.get("revised_due_is_month")) if revised_due else False,
        "comments": MILESTONE_COMMENTS.check(values.get("comments"), "comments"),
    }


def add_milestone(session: Session, actor: User | None, workstream: Workstream, values: dict) -> Milestone:
    """Add a milestone. Raises DomainError(field) for a duplicate reference, missing text, section or date, or a text
    that is not plain text within its limit."""
    clean = _milestone_values(session, workstream, values, None)
    milestone = Milestone(workstream_id=workstream.id, **clean)
    session.add(milestone)
    session.flush()
    audit.record(session, actor, "milestone.added", milestone, milestone_id=milestone.id, after=clean)
    return milestone


def update_milestone(session: Session, actor: User | None, milestone: Milestone, values: dict) -> Milestone:
    """The lead's direct, audited edit (including the revised date)."""
    clean = _milestone_values(session, milestone.section.workstream, values, milestone)
    before, after = audit.changes(milestone, MILESTONE_FIELDS, clean)
    if after:
        audit.record(
            session, actor, "milestone.updated", milestone, milestone_id=milestone.id, before=before, after=after
        )
    return milestone


def record_imported_completion(
    session: Session,
    actor: User | None,
    milestone: Milestone,
    completed_on: date,
    is_month: bool,
    *,
    source: str = "",
    recorded_for: User | None = None,
) -> Proposal:
    """Record a completion that happened before Highlight (the seed, or the first import into an empty plan).

    It is kept as an approved completion flagged ``imported`` and labelled "Recorded at import, no evidence": it
    is in the name of the milestone's owner (else the importer, else ``recorded_for``) and nobody decided it, so
    nobody becomes proposer and decider through an import. Raises DomainError when there is nobody to name.
    What it sets comes from the same rule as an approval (``milestone_changes``); the imported comment stays.
    """
    proposer_id = milestone.owner_id or (actor.id if actor else None) or (recorded_for.id if recorded_for else None)
    if proposer_id is None:
        raise DomainError(
            f"Milestone {milestone.reference} has no owner to record its completion against", field="owner_email"
        )
    proposal = Proposal(
        milestone_id=milestone.id,
        kind=rules.Kind.COMPLETION.value,
        state=rules.State.APPROVED.value,
        proposed_by_id=proposer_id,
        completion_date=completed_on,
        completion_is_month=is_month,
        note=RECORDED_AT_IMPORT,
        imported=True,
        source=source,
        decided_by_id=None,
        decided_at=utcnow(),
        decided_version=1,
        decision_reason=RECORDED_AT_IMPORT,
    )
    session.add(proposal)
    changes = rules.milestone_changes(
        rules.Kind.COMPLETION,
        milestone_state(milestone),
        completion_date=completed_on,
        completion_is_month=is_month,
        note=proposal.note,
        imported=True,
    )
    for name, value in changes.items():
        setattr(milestone, name, value)
    session.flush()
    audit.record(
        session,
        actor,
        "proposal.imported_completion",
        proposal,
        workstream_id=milestone.workstream_id,
        milestone_id=milestone.id,
        summary=f"Completion on {format_plan_date(completed_on, is_month)}: {RECORDED_AT_IMPORT.lower()}"
        + (f" (from {source})" if source else ""),
        after={"completed_on": completed_on, "is_month": is_month, "imported": True, "source": source},
    )
    return proposal


def remove_milestone(session: Session, actor: User | None, milestone: Milestone, reason: str) -> None:
    """Mark removed with a reason, as imported (the same rule as an approved removal; the imported comment stays)."""
    reason = required_text(reason, "reason", "Enter the reason for removal", REMOVAL_REASON)
    changes = rules.milestone_changes(rules.Kind.REMOVAL, milestone_state(milestone), reason=reason, imported=True)
    before, after = audit.changes(milestone, list(changes), changes)
    audit.record(session, actor, "milestone.removed", milestone, milestone_id=milestone.id, before=before, after=after)
