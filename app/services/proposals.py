"""Proposals and their evidence: propose, add evidence (a new version), withdraw, decide, download.

Every change is audited against its milestone. A decision is one conditional UPDATE (pending and the version
its decider saw), checked by its row count, with the milestone's change in the same transaction: double
clicks, replays and two deciders at once give exactly one decision. Callers commit; on a DomainError they roll
back.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.domain import proposals as rules
from app.domain.dates import format_plan_date
from app.domain.errors import DomainError
from app.domain.evidence import (
    FILES_FIELD,
    CheckedFile,
    EvidenceKind,
    check_file,
    check_link_count,
    format_size,
    matches_sha256,
    split_links,
)
from app.domain.permissions import Role
from app.domain.rag import falls_due_soon
from app.models import AuditEvent, Evidence, Membership, Milestone, Programme, Proposal, User, Workstream
from app.models._base import utcnow
from app.services import audit
from app.services.dml import rows_changed
from app.services.notifications import app_path, notify, queue_email
from app.services.virus_scan import Scanner

log = logging.getLogger(__name__)

DIGEST_WAITING_DAYS = 3


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name its sender gave it and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class ProposalInput:
    """What the owner entered. Only the fields of the proposal's kind are used."""

    completion_date: date | None = None
    completion_is_month: bool = False
    new_due: date | None = None
    new_due_is_month: bool = False
    reason: str = ""
    note: str = ""
    links: str = ""


def milestone_state(milestone: Milestone) -> rules.MilestoneState:
    return rules.MilestoneState(
        owner_id=milestone.owner_id,
        removed=milestone.removed,
        complete=milestone.completed_on is not None,
        due=milestone.due,
        due_is_month=milestone.due_is_month,
        revised_due=milestone.revised_due,
        revised_due_is_month=milestone.revised_due_is_month,
        comments=milestone.comments or "",
    )


def describe(proposal: Proposal) -> str:
    """What is proposed, in words: "completion on 3 April 2021", "a revised date of June 2021", "removal"."""
    return rules.summary_of(
        rules.Kind(proposal.kind),
        completion_label=format_plan_date(proposal.completion_date, proposal.completion_is_month),
        new_due_label=format_plan_date(proposal.new_due, proposal.new_due_is_month),
    )


def check_uploads(
    uploads: list[Upload], max_bytes: int, scanner: Scanner | None = None
) -> list[tuple[CheckedFile, bytes]]:
    """Check every file before anything is stored: the domain's checks, then the virus scanner if there is one.

    The first bad file raises DomainError naming it; so does the scanner flagging a file or not answering.
    """
    checked = [(check_file(u.filename, u.data, max_bytes), u.data) for u in uploads]
    names = [c.filename.casefold() for c, _ in checked]
    duplicate = next((c.filename for c, _ in checked if names.count(c.filename.casefold()) > 1), None)
    if duplicate:
        raise DomainError(f"{duplicate} was chosen twice: choose each file once", field=FILES_FIELD)
    if scanner is not None:
        for file, data in checked:
            scanner.check(file.filename, data)
    return checked


def deciders(session: Session, proposal: Proposal) -> list[User]:
    """Everyone who may decide this proposal: the workstream's leads, or its sponsor for a lead's proposal."""
    workstream_id = proposal.milestone.workstream_id
    proposer = proposal.proposed_by
    people = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workstream_id == workstream_id, Membership.role.in_([Role.LEAD, Role.SPONSOR]))
        .where(User.active.is_(True))
        .distinct()
        .order_by(User.name)
    ).all()
    proposer_roles = proposer.roles_in(workstream_id)
    return [p for p in people if rules.may_decide(p.id, p.roles_in(workstream_id), proposer.id, proposer_roles)]


def propose(
    session: Session,
    actor: User,
    milestone: Milestone,
    kind: rules.Kind,
    values: ProposalInput,
    uploads: list[Upload],
    *,
    today: date,
    max_bytes: int,
    scanner: Scanner | None = None,
) -> Proposal:
    """The owner proposes completion (with evidence), a revised date, or removal.

    Raises NotAllowed unless the actor owns the milestone; DomainError(field) for missing or bad values,
    files (as ``check_uploads``) or more than MAX_LINKS links (nothing is stored then); DuplicatePending when
    one of this kind is already waiting.
    """
    state = milestone_state(milestone)
    rules.check_may_propose(actor.id, actor.roles_in(milestone.workstream_id), state, kind)
    links = split_links(rules.LINKS.check(values.links, "links"))
    check_link_count(0, len(links))
    files = check_uploads(uploads, max_bytes, scanner)
    proposal = Proposal(
        milestone_id=milestone.id, kind=kind.value, state=rules.State.PENDING.value, version=1, proposed_by_id=actor.id
    )
    if kind is rules.Kind.COMPLETION:
        proposal.note = rules.check_completion(
            values.completion_date, values.completion_is_month, today, values.note, len(files) + len(links)
        )
        proposal.completion_date, proposal.completion_is_month = values.completion_date, values.completion_is_month
    elif kind is rules.Kind.DATE_CHANGE:
        proposal.reason = rules.check_date_change(values.new_due, state, values.reason)
        proposal.new_due, proposal.new_due_is_month = values.new_due, values.new_due_is_month
        proposal.note = rules.NOTE.check(values.note, "note")
    else:
        proposal.reason = rules.check_removal(values.reason)
        proposal.note = rules.NOTE.check(values.note, "note")
    _refuse_duplicate(session, milestone, kind)
    session.add(proposal)
    try:
        session.flush()
    except IntegrityError:
        # Two submissions raced past the check above; the partial unique index let one through.
        session.rollback()
        raise _duplicate(milestone, kind) from None
    _record_created(session, actor, actor, proposal, milestone, _evidence_phrase(len(files), len(links)))
    _store_evidence(session, actor, proposal, milestone, files, links, "")
    _ask_deciders(session, actor, proposal, milestone)
    return proposal


def _record_created(session: Session, actor, proposer: User, proposal: Proposal, milestone: Milestone, how: str):
    after = {"kind": proposal.kind, "version": 1, "reason": proposal.reason, "note": proposal.note}
    if proposal.source:
        after["source"] = proposal.source
    audit.record(
        session,
        actor,
        "proposal.created",
        proposal,
        workstream_id=milestone.workstream_id,
        milestone_id=milestone.id,
        summary=f"{proposer.name} proposed {describe(proposal)}{how}",
        after=after,
    )


def _ask_deciders(session: Session, proposer: User, proposal: Proposal, milestone: Milestone) -> None:
    source = f" (from {proposal.source})" if proposal.source else ""
    for person in deciders(session, proposal):
        notify(
            session,
            person,
            f"{proposer.name} proposed {describe(proposal)} for milestone {milestone.reference}{source}",
            app_path("proposals.detail", proposal_id=proposal.id),
            subject=f"Decision needed: milestone {milestone.reference}",
            body=f"{milestone.reference} {milestone.text}\n{_detail_lines(proposal)}",
        )


def propose_from_import(
    session: Session,
    actor: User | None,
    proposer: User,
    milestone: Milestone,
    kind: rules.Kind,
    values: ProposalInput,
    *,
    source: str,
) -> Proposal:
    """A completion, revised date or removal read from an imported file, made a pending proposal in
    ``proposer``'s name (the importer, or the owner when the system imports) with the import as its source.

    It carries no evidence: its decider (never the proposer: ``may_decide``) sees that, and the proposer may add
    some. The import has already checked the values (a completion date never after today); raises DuplicatePending
    when one of this kind is already waiting.
    """
    proposal = Proposal(
        milestone_id=milestone.id,
        kind=kind.value,
        state=rules.State.PENDING.value,
        version=1,
        proposed_by_id=proposer.id,
        source=source,
        note=(values.note or "").strip(),
        reason=(values.reason or "").strip(),
    )
    if kind is rules.Kind.COMPLETION:
        proposal.completion_date, proposal.completion_is_month = values.completion_date, values.completion_is_month
    elif kind is rules.Kind.DATE_CHANGE:
        proposal.new_due, proposal.new_due_is_month = values.new_due, values.new_due_is_month
    _refuse_duplicate(session, milestone, kind)
    session.add(proposal)
    session.flush()
    _record_created(session, actor, proposer, proposal, milestone, f" from {source}, without evidence")
    _ask_deciders(session, proposer, proposal, milestone)
    return proposal


def _refuse_duplicate(session: Session, milestone: Milestone, kind: rules.Kind) -> None:
    waiting = session.scalar(
        select(Proposal.id).where(
            Proposal.milestone_id == milestone.id,
            Proposal.kind == kind.value,
            Proposal.state == rules.State.PENDING.value,
        )
    )
    if waiting:
        raise _duplicate(milestone, kind)


def _duplicate(milestone: Milestone, kind: rules.Kind) -> rules.DuplicatePending:
    return rules.DuplicatePending(
        f"Milestone {milestone.reference} already has a proposal of {kind.noun} waiting for a decision: "
        "add evidence to it or withdraw it first",
        field="kind",
    )


def _evidence_phrase(files: int, links: int) -> str:
    parts = [f"{files} file{'s' if files != 1 else ''}" if files else "", f"{links} link{'s' if links != 1 else ''}"]
    parts = [p for p in parts if p and not p.startswith("0 ")]
    return f" with {' and '.join(parts)}" if parts else ""


def _detail_lines(proposal: Proposal) -> str:
    lines = [f"Proposed: {describe(proposal)}"] + ([f"From: {proposal.source}"] if proposal.source else [])
    if proposal.reason:
        lines.append(f"Reason: {proposal.reason}")
    if proposal.note:
        lines.append(f"Note: {proposal.note}")
    return "\n".join(lines)


def _store_evidence(
    session: Session,
    actor: User,
    proposal: Proposal,
    milestone: Milestone,
    files: list[tuple[CheckedFile, bytes]],
    links: list[str],
    note: str,
) -> list[Evidence]:
    stored = []
    for checked, data in files:
        stored.append(
            Evidence(
                proposal_id=proposal.id,
                proposal_version=proposal.version,
                kind=EvidenceKind.FILE.value,
                filename=checked.filename,
                media_type=checked.media_type,
                size=checked.size,
                sha256=checked.sha256,
                content=data,
                uploaded_by_id=actor.id,
            )
        )
    stored += [
        Evidence(
            proposal_id=proposal.id,
            proposal_version=proposal.version,
            kind=EvidenceKind.LINK.value,
            url=link,
            uploaded_by_id=actor.id,
        )
        for link in links
    ]
    if note:
        stored.append(
            Evidence(
                proposal_id=proposal.id,
                proposal_version=proposal.version,
                kind=EvidenceKind.NOTE.value,
                note=note,
                uploaded_by_id=actor.id,
            )
        )
    session.add_all(stored)
    session.flush()
    for item in stored:
        if item.kind == EvidenceKind.FILE:
            action, summary = (
                "evidence.uploaded",
                (
                    f"{actor.name} uploaded {item.filename} ({format_size(item.size)}, sha256 {item.sha256[:12]}…) "
                    f"to version {item.proposal_version}"
                ),
            )
            after = {"filename": item.filename, "size": item.size, "sha256": item.sha256, "media_type": item.media_type}
        elif item.kind == EvidenceKind.LINK:
            action, summary = (
                "evidence.linked",
                f"{actor.name} added the link {item.url} to version {item.proposal_version}",
            )
            after = {"url": item.url}
        else:
            action, summary = "evidence.noted", f"{actor.name} added a note to version {item.proposal_version}"
            after = {"note": item.note}
        audit.record(
            session,
            actor,
            action,
            item,
            workstream_id=milestone.workstream_id,
            milestone_id=milestone.id,
            summary=summary,
            after={**after, "proposal_id": proposal.id, "version": item.proposal_version},
        )
    return stored


def add_evidence(
    session: Session,
    actor: User,
    proposal: Proposal,
    uploads: list[Upload],
    links_text: str,
    note: str,
    *,
    max_bytes: int,
    scanner: Scanner | None = None,
) -> Proposal:
    """Add files, links or a note to a pending proposal; this makes a new version, and deciders must see it.

    Raises NotAllowed unless the actor made the proposal; DomainError for nothing given, a bad file (as
    ``check_uploads``) or link, or links past MAX_LINKS on the proposal; AlreadyDecided if it was decided or
    withdrawn meanwhile.
    """
    _settled_conflict(session, actor, proposal)
    rules.check_may_add_evidence(actor.id, proposal.proposed_by_id, proposal.state)
    links = split_links(rules.LINKS.check(links_text, "links"))
    if links:
        existing = session.scalar(
            select(func.count(Evidence.id)).where(
                Evidence.proposal_id == proposal.id, Evidence.kind == EvidenceKind.LINK.value
            )
        )
        check_link_count(existing or 0, len(links))
    files = check_uploads(uploads, max_bytes, scanner)
    note = rules.NOTE.check(note, "note")
    if not files and not links and not note:
        raise DomainError("Choose a file, enter a link or write a note to add", field=FILES_FIELD)
    seen = proposal.version
    bumped = rows_changed(
        session,
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.state == rules.State.PENDING.value, Proposal.version == seen)
        .values(version=Proposal.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False),
    )
    if bumped != 1:
        raise _conflict(session, proposal.id, seen)
    session.refresh(proposal)
    milestone = proposal.milestone
    audit.record(
        session,
        actor,
        "proposal.new_version",
        proposal,
        workstream_id=milestone.workstream_id,
        milestone_id=milestone.id,
        summary=f"{actor.name} added evidence to the proposal of {describe(proposal)}: now version {proposal.version}",
        before={"version": seen},
        after={"version": proposal.version},
    )
    _store_evidence(session, actor, proposal, milestone, files, links, note)
    for person in deciders(session, proposal):
        notify(
            session,
            person,
            f"{actor.name} added evidence to the proposal for milestone {milestone.reference} "
            f"(version {proposal.version})",
            app_path("proposals.detail", proposal_id=proposal.id),
            subject=f"New evidence: milestone {milestone.reference}",
        )
    return proposal


def withdraw(session: Session, actor: User, proposal: Proposal) -> Proposal:
    """The proposer takes back a pending proposal. Raises NotAllowed for anyone else, AlreadyDecided if decided."""
    _settled_conflict(session, actor, proposal)
    rules.check_may_withdraw(actor.id, proposal.proposed_by_id, proposal.state)
    now = utcnow()
    withdrawn = rows_changed(
        session,
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.state == rules.State.PENDING.value)
        .values(state=rules.State.WITHDRAWN.value, updated_at=now)
        .execution_options(synchronize_session=False),
    )
    if withdrawn != 1:
        raise _conflict(session, proposal.id, proposal.version)
    session.refresh(proposal)
    milestone = proposal.milestone
    audit.record(
        session,
        actor,
        "proposal.withdrawn",
        proposal,
        workstream_id=milestone.workstream_id,
        milestone_id=milestone.id,
        summary=f"{actor.name} withdrew the proposal of {describe(proposal)}",
        before={"state": rules.State.PENDING.value},
        after={"state": rules.State.WITHDRAWN.value},
    )
    return proposal


_proposals = Proposal.__table__
# Built once, as they run on every decision. The conditional UPDATE: only a proposal still pending at the version
# its decider saw changes, so of two decisions at once exactly one matches the row. It sets the columns named in
# the parameters it is executed with.
DECIDE = update(_proposals).where(
    _proposals.c.id == bindparam("proposal_id"),
    _proposals.c.state == rules.State.PENDING.value,
    _proposals.c.version == bindparam("seen_version"),
)
MILESTONE_FOR_UPDATE = (
    select(Milestone)
    .where(Milestone.id == bindparam("milestone_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def decide(
    session: Session, actor: User, proposal: Proposal, decision: str | None, reason: str, seen_version: int | None
) -> Proposal:
    """Approve or reject the version of a proposal its decider saw, and apply an approval to the milestone.

    Load ``proposal`` with its milestone and its proposer's memberships: the checks read them.
    Raises NotAllowed (the proposer, or not a decider here), DomainError (no decision, rejection without a
    reason, no version), or DecisionConflict — AlreadyDecided / StaleVersion — when the proposal is no longer
    pending at that version; the caller answers 409 and rolls back.

    Writes: the conditional UPDATE, then (approval) the milestone read again and changed, then the audit events,
    the notification and its email, added without flushing so that the caller's commit sends them together.
    """
    milestone = proposal.milestone
    workstream_id = milestone.workstream_id
    rules.check_may_decide(
        actor.id, actor.roles_in(workstream_id), proposal.proposed_by_id, proposal.proposed_by.roles_in(workstream_id)
    )
    if proposal.state != rules.State.PENDING:
        raise _conflict(session, proposal.id, seen_version or proposal.version)
    chosen, reason = rules.parse_decision(decision, reason)
    if seen_version is None:
        raise DomainError("The form is missing the version you saw: reload the page and decide again", field="decision")
    now = utcnow()
    decided = {
        "state": chosen.state.value,
        "decided_by_id": actor.id,
        "decided_at": now,
        "decided_version": seen_version,
        "decision_reason": reason,
        "updated_at": now,
    }
    if rows_changed(session, DECIDE, {"proposal_id": proposal.id, "seen_version": seen_version, **decided}) != 1:
        raise _conflict(session, proposal.id, seen_version)
    # The row now holds exactly what the UPDATE wrote (it matched the version loaded): set those values as loaded
    # rather than reading the row back; the decider is loaded from decided_by_id if asked for.
    for key, value in decided.items():
        set_committed_value(proposal, key, value)
    session.expire(proposal, ["decided_by"])
    if chosen is rules.Decision.APPROVE:
        milestone = _locked_milestone(session, proposal.milestone_id)
    what = describe(proposal)
    verb = chosen.state.value
    audit.record(
        session,
        actor,
        f"proposal.{verb}",
        proposal,
        workstream_id=workstream_id,
        milestone_id=milestone.id,
        summary=f"{actor.name} {verb} the proposal of {what} (version {seen_version})"
        + (f": {reason}" if reason else ""),
        before={"state": rules.State.PENDING.value, "version": seen_version},
        after={"state": chosen.state.value, "reason": reason},
    )
    if chosen is rules.Decision.APPROVE:
        _apply_to_milestone(session, actor, proposal, milestone)
    notify(
        session,
        proposal.proposed_by,
        f"{actor.name} {verb} your proposal of {what} for milestone {milestone.reference}"
        + (f": {reason}" if reason else ""),
        app_path("proposals.detail", proposal_id=proposal.id),
        subject=f"Proposal {verb}: milestone {milestone.reference}",
    )
    return proposal


def _locked_milestone(session: Session, milestone_id: int) -> Milestone:
    """The milestone as it is now, read after the proposal's UPDATE: under its row lock on PostgreSQL (FOR
    UPDATE), under the database's write lock on SQLite (which has no row locks and leaves FOR UPDATE out). So an
    edit committed since the request loaded it (a comment, a date) is neither overwritten nor misreported."""
    return session.execute(MILESTONE_FOR_UPDATE, {"milestone_id": milestone_id}).scalar_one()


def _apply_to_milestone(session: Session, actor: User, proposal: Proposal, milestone: Milestone) -> None:
    kind = rules.Kind(proposal.kind)
    new_values = rules.milestone_changes(
        kind,
        milestone_state(milestone),
        completion_date=proposal.completion_date,
        completion_is_month=proposal.completion_is_month,
        new_due=proposal.new_due,
        new_due_is_month=proposal.new_due_is_month,
        reason=proposal.reason,
        note=proposal.note,
    )
    # The comment replaced is kept in the event's ``before``: the milestone's history shows it.
    before, after = audit.changes(milestone, list(new_values), new_values)
    action, summary = {
        rules.Kind.COMPLETION: ("milestone.completed", f"Milestone complete on {milestone.completed_on_label}"),
        rules.Kind.DATE_CHANGE: ("milestone.revised", f"Revised date set to {milestone.revised_due_label}"),
        rules.Kind.REMOVAL: ("milestone.removed", f"Milestone removed: {proposal.reason}"),
    }[kind]
    audit.record(
        session,
        actor,
        action,
        milestone,
        milestone_id=milestone.id,
        summary=f"{summary} (approved proposal)",
        before=before,
        after={**after, "proposal_id": proposal.id},
    )


def _settled_conflict(session: Session, actor: User, proposal: Proposal) -> None:
    """Tell the proposer who settled their proposal, and when, rather than only that it is settled."""
    if actor.id == proposal.proposed_by_id and proposal.state != rules.State.PENDING:
        raise _conflict(session, proposal.id, proposal.version)


def _conflict(session: Session, proposal_id: int, seen_version: int) -> rules.DecisionConflict:
    """Roll back and read the proposal as it now is, to say who got there first."""
    session.rollback()
    current = session.get_one(Proposal, proposal_id, options=[joinedload(Proposal.decided_by)], populate_existing=True)
    return rules.conflict_for(
        current.state,
        current.version,
        seen_version,
        current.decided_by.name if current.decided_by else None,
        current.decided_at,
    )


class EvidenceAltered(DomainError):
    """A kept file no longer matches the sha256 stored when it was uploaded."""


def download(session: Session, actor: User, evidence: Evidence) -> bytes:
    """The file's bytes, once they match the sha256 stored at upload; the download is audited.

    Raises EvidenceAltered (logged, and audited as evidence.check_failed) if they do not: the file is not served.
    """
    data = evidence.content or b""
    milestone = evidence.proposal.milestone
    if not matches_sha256(data, evidence.sha256):
        log.error(
            "evidence %s (%s) does not match its stored sha256 %s: not served to user %s",
            evidence.id,
            evidence.filename,
            evidence.sha256,
            actor.id,
        )
        audit.record(
            session,
            actor,
            "evidence.check_failed",
            evidence,
            workstream_id=milestone.workstream_id,
            milestone_id=milestone.id,
            summary=f"{evidence.filename} was not served: it no longer matches the file that was uploaded",
            after={"sha256": evidence.sha256, "found": hashlib.sha256(data).hexdigest()},
        )
        raise EvidenceAltered(
            f"{evidence.filename} no longer matches the file that was uploaded, so it has not been sent. "
            "The check has been recorded: tell the workstream's lead"
        )
    audit.record(
        session,
        actor,
        "evidence.downloaded",
        evidence,
        workstream_id=milestone.workstream_id,
        milestone_id=milestone.id,
        summary=f"{actor.name} downloaded {evidence.filename}",
        after={"sha256": evidence.sha256},
    )
    return data


@dataclass(frozen=True)
class ReminderRun:
    owner_emails: int
    digest_emails: int


def send_reminders(session: Session, today: date, now: datetime) -> ReminderRun:
    """Queue the reminder emails a daily cron job sends.

    Owners: one email listing their open milestones due soon (within their programme's amber window) or overdue,
    with no completion waiting for a decision. Deciders: a digest of proposals they may decide that have waited
    more than 3 days.
    """
    pending_completion = (
        select(Proposal.id)
        .where(
            Proposal.milestone_id == Milestone.id,
            Proposal.kind == rules.Kind.COMPLETION.value,
            Proposal.state == rules.State.PENDING.value,
        )
        .exists()
    )
    rows = session.execute(
        select(Milestone, Programme)
        .join(Workstream, Workstream.id == Milestone.workstream_id)
        .join(Programme, Programme.id == Workstream.programme_id)
        .where(
            Milestone.removed.is_(False),
            Milestone.completed_on.is_(None),
            Milestone.owner_id.is_not(None),
            ~pending_completion,
        )
        .options(joinedload(Milestone.owner))
        .order_by(func.coalesce(Milestone.revised_due, Milestone.due), Milestone.sort_key)
    ).all()
    by_owner: dict[int, tuple[User, list[Milestone]]] = {}
    for milestone, programme in rows:
        owner = milestone.owner  # never None: the query keeps milestones with an owner
        if owner is not None and owner.active and falls_due_soon(milestone.current_due, today, programme.thresholds):
            by_owner.setdefault(owner.id, (owner, []))[1].append(milestone)
    for owner, items in by_owner.values():
        lines = [_reminder_line(m, today) for m in items]
        queue_email(
            session,
            owner.email,
            f"{len(items)} milestone{'s' if len(items) != 1 else ''} due soon or overdue",
            f"Hello {owner.name},\n\nThese milestones of yours are due soon or overdue. "
            "Propose completion with evidence, or ask for a revised date with the reason for delay.\n\n"
            + "\n".join(lines),
        )

    waiting = session.scalars(
        select(Proposal)
        .where(
            Proposal.state == rules.State.PENDING.value, Proposal.created_at < now - timedelta(days=DIGEST_WAITING_DAYS)
        )
        .options(joinedload(Proposal.milestone), joinedload(Proposal.proposed_by))
        .order_by(Proposal.created_at, Proposal.id)
    ).all()
    digests: dict[int, tuple[User, list[Proposal]]] = {}
    for proposal in waiting:
        for person in deciders(session, proposal):
            digests.setdefault(person.id, (person, []))[1].append(proposal)
    for person, proposals in digests.values():
        lines = [
            f"- {p.milestone.reference}: {describe(p)}, proposed by {p.proposed_by.name} "
            f"{(now - p.created_at).days} days ago\n  {app_path('proposals.detail', proposal_id=p.id)}"
            for p in proposals
        ]
        queue_email(
            session,
            person.email,
            f"{len(proposals)} proposal{'s' if len(proposals) != 1 else ''} waiting for your decision",
            f"Hello {person.name},\n\nThese proposals have waited more than {DIGEST_WAITING_DAYS} days:\n\n"
            + "\n".join(lines),
        )
    return ReminderRun(owner_emails=len(by_owner), digest_emails=len(digests))


def _reminder_line(milestone: Milestone, today: date) -> str:
    due_label = milestone.revised_due_label or milestone.due_label
    days = (milestone.current_due - today).days
    when = f"overdue by {-days} days" if days < 0 else ("due today" if days == 0 else f"due in {days} days")
    path = app_path("plan.milestone", milestone_id=milestone.id)
    return f"- {milestone.reference} {milestone.text} (due {due_label}, {when})\n  {path}"


def waiting_for_decision(session: Session, workstream_id: int) -> list[Proposal]:
    """The workstream's proposals still waiting for a decision, in plan order, with their milestone and proposer."""
    return list(
        session.scalars(
            select(Proposal)
            .join(Proposal.milestone)
            .where(Milestone.workstream_id == workstream_id, Proposal.state == rules.State.PENDING.value)
            .options(contains_eager(Proposal.milestone), joinedload(Proposal.proposed_by))
            .order_by(Milestone.sort_key, Proposal.id)
        )
    )


# Built once: every proposal page and decision loads the proposal with its milestone, its decider, and its proposer
# with their memberships (who may decide it depends on the proposer's roles), in one statement.
_PROPOSAL_WITH_PEOPLE = (
    select(Proposal)
    .where(Proposal.id == bindparam("proposal_id"))
    .options(
        joinedload(Proposal.milestone),
        joinedload(Proposal.proposed_by).joinedload(User.memberships),
        joinedload(Proposal.decided_by),
    )
)


def load_with_people(session: Session, proposal_id: int) -> Proposal | None:
    """The proposal with what its pages and its decision read, or None."""
    return session.execute(_PROPOSAL_WITH_PEOPLE, {"proposal_id": proposal_id}).unique().scalar_one_or_none()


def load_evidence_and_history(session: Session, proposal: Proposal) -> tuple[list[Evidence], list[AuditEvent]]:
    """The proposal's evidence (every version, with who uploaded it) and its timeline with its evidence's."""
    evidence = list(
        session.scalars(
            select(Evidence)
            .where(Evidence.proposal_id == proposal.id)
            .options(joinedload(Evidence.uploaded_by))
            .order_by(Evidence.proposal_version, Evidence.id)
        )
    )
    events = audit.history(session, ("proposal", [proposal.id]), ("evidence", [e.id for e in evidence]))
    return evidence, events


def load_evidence(session: Session, evidence_id: int) -> Evidence | None:
    """A file or link of evidence with its proposal, or None."""
    return session.get(Evidence, evidence_id, options=[joinedload(Evidence.proposal)])
