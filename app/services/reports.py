"""Highlight report use cases: drafting, the narrative, the reported RAG, submission, sign-off and reminders.

Each takes a session and the acting user, applies app.domain.reports, writes, audits and notifies. Callers
commit. Links in notifications are passed in by the caller (the web layer knows its URLs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app import jobs
from app.domain.errors import DomainError, NotAllowed
from app.domain.permissions import Role
from app.domain.rag import Rag
from app.domain.reports import (
    INTRODUCTION,
    NARRATIVES,
    OVERRIDE_JUSTIFICATION,
    RAG_REASON,
    RETURN_COMMENTS,
    TRANSITIONS,
    Change,
    ReminderDays,
    ReminderKind,
    ReportAction,
    ReportConflict,
    ReportState,
    ReportStateError,
    check_reported_rag,
    diff_reports,
    is_override,
    moved_on,
    needs_reminder,
    reminders_due,
    transition,
)
from app.jobs.tasks import render_signed_paper
from app.models import (
    AuditEvent,
    BoardMeeting,
    Membership,
    Milestone,
    Report,
    ReportSnapshot,
    Section,
    SectionNarrative,
    User,
    Workstream,
)
from app.models._base import utcnow
from app.services import audit
from app.services.dml import rows_changed
from app.services.notifications import app_path, notify
from app.services.plan_view import load_plan
from app.services.report_model import (
    NARRATIVE_FIELDS,
    build_live,
    canonical_json,
    document_for_submission,
    draft_as_of,
    from_snapshot,
    latest_snapshot,
    sha256_of,
    to_contract,
    verified_body,
    verified_document,
)

HEADER_FIELDS = [
    "period_from",
    "period_from_is_month",
    "period_to",
    "period_to_is_month",
    "next_from",
    "next_from_is_month",
    "next_to",
    "next_to_is_month",
    "introduction",
    "completed_by_id",
    "rag_reason",
]
RAG_FIELDS = ["reported_rag", "override_justification"]
TEXT_RULES = {"introduction": INTRODUCTION, "rag_reason": RAG_REASON, "override_justification": OVERRIDE_JUSTIFICATION}
PERIODS = (("period_from", "period_to", "reporting period"), ("next_from", "next_to", "next period"))
# Who may be named as having completed the report.
COMPLETER_ROLES = (Role.LEAD, Role.OWNER, Role.SPONSOR)


def possible_completers(session: Session, workstream_id: int) -> list[tuple[int, str]]:
    """(id, name) of everyone who may be named as having completed the workstream's report, in name order."""
    rows = session.execute(
        select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workstream_id == workstream_id, Membership.role.in_([r.value for r in COMPLETER_ROLES]))
        .distinct()
    ).all()
    return sorted(((user_id, name) for user_id, name in rows), key=lambda person: person[1])


def section_field(section_id: int, name: str) -> str:
    """The name a section's narrative text goes by in the report's form and in errors about it."""
    return f"s{section_id}_{name}"


def _check(action: ReportAction, report: Report, actor: User) -> ReportState:
    """The state ``action`` moves the report to. Raises NotAllowed, or ReportStateError (a conflict) saying who
    signed the report off and when if that is why."""
    try:
        return transition(
            action,
            report.state,
            actor.roles_in(report.workstream_id),
            actor_id=actor.id,
            submitted_by_id=report.submitted_by_id,
        )
    except ReportStateError:
        signer = report.signed_off_by
        raise moved_on(action, report.state, signer.name if signer else None, report.signed_off_at) from None


_reports = Report.__table__
_LATEST_SNAPSHOT = (
    select(ReportSnapshot.id)
    .where(ReportSnapshot.report_id == _reports.c.id)
    .order_by(ReportSnapshot.sequence.desc())
    .limit(1)
    .scalar_subquery()
)
# Built once. A lifecycle step is one conditional UPDATE: only a report still in the state its reader saw moves,
# so of two steps at once (two sign-offs, a sign-off and a return) exactly one matches the row. It sets the columns
# named in the parameters it is executed with. A sign-off also needs the snapshot the sponsor read to be the latest.
MOVE = update(_reports).where(_reports.c.id == bindparam("report_id"), _reports.c.state == bindparam("source"))
SIGN = MOVE.where(bindparam("snapshot_id") == _LATEST_SNAPSHOT)
STALE_SNAPSHOT = "The report was changed and submitted again since you opened it. Read it again before signing off"


def _move(
    session: Session, report: Report, action: ReportAction, values: dict, *, snapshot_id: int | None = None
) -> None:
    """Move ``report`` on from the state ``action`` starts from, writing ``values``, in one conditional UPDATE.

    Raises ReportConflict (after rolling back) when it is no longer in that state, or for a sign-off when
    ``snapshot_id`` is no longer its latest snapshot: someone else moved it first.
    """
    params = {"report_id": report.id, "source": TRANSITIONS[action].source.value, **values}
    statement = MOVE
    if snapshot_id is not None:
        statement, params["snapshot_id"] = SIGN, snapshot_id
    if rows_changed(session, statement, params) != 1:
        raise _moved_on(session, report.id, action)
    # The row now holds what the UPDATE wrote: set those values as loaded rather than reading it back.
    for key, value in values.items():
        set_committed_value(report, key, value)
    session.expire(report, ["submitted_by", "signed_off_by"])


def _moved_on(session: Session, report_id: int, action: ReportAction) -> ReportConflict:
    """Roll back and read the report as it now is, to say what happened to it first."""
    session.rollback()
    current = session.get_one(Report, report_id, options=[joinedload(Report.signed_off_by)], populate_existing=True)
    if current.state == TRANSITIONS[action].source.value:
        return ReportConflict(STALE_SNAPSHOT, field="snapshot_id")
    signer = current.signed_off_by
    return moved_on(action, current.state, signer.name if signer else None, current.signed_off_at)


# Drafting -----------------------------------------------------------------------------------------------------


def meetings_without_report(session: Session, workstream: Workstream) -> list[BoardMeeting]:
    """The programme's meetings this workstream has no report for yet, soonest first."""
    taken = select(Report.meeting_id).where(Report.workstream_id == workstream.id)
    return list(
        session.scalars(
            select(BoardMeeting)
            .where(BoardMeeting.programme_id == workstream.programme_id, BoardMeeting.id.not_in(taken))
            .order_by(BoardMeeting.date, BoardMeeting.name)
        )
    )


def previous_report(session: Session, workstream_id: int, before: date) -> Report | None:
    """The workstream's report for the latest meeting before ``before``, whatever its state."""
    return session.scalar(
        select(Report)
        .join(BoardMeeting, Report.meeting_id == BoardMeeting.id)
        .where(Report.workstream_id == workstream_id, BoardMeeting.date < before)
        .order_by(BoardMeeting.date.desc(), Report.id.desc())
        .limit(1)
    )


def create_report(session: Session, actor: User, workstream: Workstream, meeting: BoardMeeting | None) -> Report:
    """Start the workstream's report for ``meeting``, starting from the previous report's text.

    The previous report's introduction, reason for RAG and each section's narrative are copied; its next
    period becomes this report's reporting period. Raises NotAllowed unless the actor leads the workstream,
    DomainError(field="meeting_id") for a missing meeting, one of another programme, or one already reported on.
    """
    if Role.LEAD not in actor.roles_in(workstream.id):
        raise NotAllowed("Only the workstream's project lead can start a report")
    if meeting is None or meeting.programme_id != workstream.programme_id:
        raise DomainError("Select a board meeting", field="meeting_id")
    if session.scalar(select(Report.id).where(Report.workstream_id == workstream.id, Report.meeting_id == meeting.id)):
        raise DomainError(
            f"There is already a report for {meeting.name} on {meeting.date:%-d %B %Y}", field="meeting_id"
        )

    earlier = previous_report(session, workstream.id, meeting.date)
    report = Report(workstream_id=workstream.id, meeting_id=meeting.id, state=ReportState.DRAFT.value)
    report.completed_by_id = actor.id
    report.introduction = ""
    report.rag_reason = ""
    report.override_justification = ""
    report.returned_comments = ""
    if earlier is not None:
        report.introduction = earlier.introduction or ""
        report.rag_reason = earlier.rag_reason or ""
        report.period_from, report.period_from_is_month = earlier.next_from, earlier.next_from_is_month
        report.period_to, report.period_to_is_month = earlier.next_to, earlier.next_to_is_month
    session.add(report)
    session.flush()
    copied = {}
    if earlier is not None:
        copied = {
            n.section_id: n
            for n in session.scalars(select(SectionNarrative).where(SectionNarrative.report_id == earlier.id))
        }
    for section in session.scalars(select(Section).where(Section.workstream_id == workstream.id)):
        source = copied.get(section.id)
        session.add(
            SectionNarrative(
                report_id=report.id,
                section_id=section.id,
                **{name: (getattr(source, name) or "") if source else "" for name in NARRATIVE_FIELDS},
            )
        )
    audit.record(
        session,
        actor,
        "report.created",
        report,
        summary=f"Draft report for {meeting.name} {meeting.date:%-d %B %Y}"
        + (f", starting from the report for {earlier.meeting.date:%-d %B %Y}" if earlier else ""),
        after={"meeting_id": meeting.id, "copied_from_report_id": earlier.id if earlier else None},
    )
    return report


@dataclass(frozen=True)
class SaveOutcome:
    """What a save changed, and what it could not save (a DomainError per field left as it was)."""

    changed: bool
    problems: tuple[DomainError, ...] = ()


def save_report(
    session: Session,
    actor: User,
    report: Report,
    values: dict,
    *,
    today: date,
    partial: bool = False,
) -> SaveOutcome:
    """Save the draft's header, reported RAG and narratives from ``values`` (keys absent are left alone).

    ``values["narratives"]`` maps a section id to its texts. With ``partial`` (autosave) a problem with one
    part (a reporting period, the reported RAG) leaves that part unsaved and is returned, while the rest is
    saved; otherwise the first problem is raised before anything changes.
    Raises NotAllowed unless the actor leads the workstream, ReportStateError unless the report is a draft,
    DomainError(field) for a text that is not plain text within its limit (app.domain.text), a period ending
    before it starts, an unknown "completed by", or a RAG other than the computed one without a justification.
    """
    _check(ReportAction.EDIT, report, actor)
    values = dict(values)
    problems: list[DomainError] = _check_texts(values, partial)
    for check in (_check_periods, _check_completed_by, _check_rag):
        try:
            check(session, report, values, today)
        except DomainError as error:
            if not partial:
                raise
            problems.append(error)
            for key in _keys_of(error.field):
                values.pop(key, None)

    before, after = audit.changes(report, HEADER_FIELDS, values)
    rag_before, rag_after = audit.changes(report, RAG_FIELDS, values)
    if after:
        audit.record(session, actor, "report.updated", report, before=before, after=after)
    if rag_after:
        audit.record(
            session,
            actor,
            "report.rag_overridden"
            if is_override(_computed(session, report, today), report.reported_rag)
            else "report.rag_reported",
            report,
            summary=f"Reported RAG {report.reported_rag or 'as computed'}",
            before=rag_before,
            after=rag_after,
        )
    narratives_changed = _save_narratives(session, actor, report, values.get("narratives") or {})
    return SaveOutcome(bool(after or rag_after or narratives_changed), tuple(problems))


def _check_texts(values: dict, partial: bool) -> list[DomainError]:
    """Clean every text in ``values`` (and its narratives, copied) by its rule, in place. The first problem is
    raised; with ``partial`` each is returned instead and its text left out of ``values``."""
    problems: list[DomainError] = []

    def clean(texts: dict, key: str, rule, field: str) -> None:
        try:
            texts[key] = rule.check(texts[key], field)
        except DomainError as error:
            if not partial:
                raise
            problems.append(error)
            del texts[key]

    for name, rule in TEXT_RULES.items():
        if name in values:
            clean(values, name, rule, name)
    if "narratives" in values:
        values["narratives"] = {section_id: dict(texts) for section_id, texts in values["narratives"].items()}
        for section_id, texts in values["narratives"].items():
            for name in [n for n in texts if n in NARRATIVES]:
                clean(texts, name, NARRATIVES[name], section_field(section_id, name))
    return problems


def _keys_of(field: str | None) -> list[str]:
    if field in ("reported_rag", "override_justification"):
        return RAG_FIELDS
    for start, end, _label in PERIODS:
        if field in (start, end):
            return [start, f"{start}_is_month", end, f"{end}_is_month"]
    return [field] if field else []


def _check_periods(session, report: Report, values: dict, today: date) -> None:
    for start, end, label in PERIODS:
        first = values.get(start, getattr(report, start))
        last = values.get(end, getattr(report, end))
        if first and last and last < first:
            raise DomainError(f"The {label} must end on or after the date it starts", field=end)


def _check_completed_by(session, report: Report, values: dict, today: date) -> None:
    user_id = values.get("completed_by_id")
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not (user.roles_in(report.workstream_id) & set(COMPLETER_ROLES)):
        raise DomainError("Select who completed the report", field="completed_by_id")


def _check_rag(session, report: Report, values: dict, today: date) -> None:
    if "reported_rag" not in values and "override_justification" not in values:
        return
    chosen = values.get("reported_rag", report.reported_rag) or None
    if chosen is not None and chosen not in {rag.value for rag in Rag}:
        raise DomainError("Select the reported RAG status", field="reported_rag")
    values["reported_rag"] = chosen
    justification = (values.get("override_justification", report.override_justification) or "").strip()
    values["override_justification"] = justification
    check_reported_rag(_computed(session, report, today), chosen, justification)


def _computed(session: Session, report: Report, today: date) -> Rag:
    return load_plan(session, report.workstream, draft_as_of(report, today)).assessment.rag


def _save_narratives(session: Session, actor: User, report: Report, narratives: dict) -> bool:
    if not narratives:
        return False
    existing = {
        n.section_id: n
        for n in session.scalars(select(SectionNarrative).where(SectionNarrative.report_id == report.id))
    }
    sections = {s.id: s for s in session.scalars(select(Section).where(Section.workstream_id == report.workstream_id))}
    changed = False
    for section_id, texts in narratives.items():
        section = sections.get(section_id)
        if section is None:
            continue
        narrative = existing.get(section_id)
        if narrative is None:
            narrative = SectionNarrative(report_id=report.id, section_id=section_id)
            for name in NARRATIVE_FIELDS:
                setattr(narrative, name, "")
            session.add(narrative)
            session.flush()
        clean = {name: texts[name] for name in NARRATIVE_FIELDS if name in texts}
        before, after = audit.changes(narrative, list(NARRATIVE_FIELDS), clean)
        if after:
            changed = True
            audit.record(
                session,
                actor,
                "report.narrative_saved",
                report,
                summary=f"Section {section.number} narrative",
                before=before,
                after=after,
            )
    return changed


# The lifecycle -------------------------------------------------------------------------------------------------


def _report_path(report: Report) -> str:
    return app_path("reports.detail", report_id=report.id)


def _tell(session: Session, people: list[User], report: Report, what: str) -> None:
    """Notify each person that the workstream's report for its meeting ``what`` ("was signed off by …")."""
    for person in people:
        notify(session, person, f"{report.workstream.name} report for {_when(report)} {what}", _report_path(report))


def _people(report: Report, role: Role) -> list[User]:
    return report.workstream.members_with(role)


def _when(report: Report) -> str:
    return f"{report.meeting.name} on {report.meeting.date:%-d %B %Y}"


def submit_report(session: Session, actor: User, report: Report, *, now: datetime | None = None) -> ReportSnapshot:
    """Submit the draft for sign-off: freeze it as a new snapshot (canonical JSON and its sha256).

    The reported RAG is checked again as at the submission date. The sponsor is told.
    Raises NotAllowed unless the actor leads the workstream, ReportStateError (a ReportConflict) unless it is a
    draft, DomainError(field="override_justification") if the reported RAG now differs from the computed one
    without a justification.
    """
    target = _check(ReportAction.SUBMIT, report, actor)
    now = now or utcnow()
    document = document_for_submission(session, report, actor.name, now)
    rag = document["rag"]
    check_reported_rag(rag["computed"], report.reported_rag, report.override_justification)
    body = canonical_json(document)
    # Recorded so every reader (previous RAG, overviews) finds what the report states without its snapshot.
    moved = {
        "state": target.value,
        "submitted_at": now,
        "submitted_by_id": actor.id,
        "returned_comments": "",
        "reported_rag": rag["reported"],
        "updated_at": now,
    }
    _move(session, report, ReportAction.SUBMIT, moved)
    # Numbered after the move: no other submission of this report can run until this one commits.
    sequence = (
        session.scalar(select(func.max(ReportSnapshot.sequence)).where(ReportSnapshot.report_id == report.id)) or 0
    ) + 1
    snapshot = ReportSnapshot(
        report_id=report.id,
        sequence=sequence,
        body=body,
        sha256=sha256_of(body),
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(snapshot)
    session.flush()
    audit.record(
        session,
        actor,
        "report.submitted",
        report,
        summary=f"Submitted for sign-off (snapshot {sequence}, sha256 {snapshot.sha256})",
        after={
            "state": target.value,
            "snapshot_id": snapshot.id,
            "sha256": snapshot.sha256,
            "as_of": document["as_of"],
        },
    )
    _tell(session, _people(report, Role.SPONSOR), report, "is ready for your sign-off")
    return snapshot


def withdraw_report(session: Session, actor: User, report: Report) -> None:
    """Take a submitted report back to draft before sign-off. The sponsor is told.

    Raises NotAllowed unless the actor leads the workstream, ReportStateError (a ReportConflict) unless it awaits
    sign-off.
    """
    target = _check(ReportAction.WITHDRAW, report, actor)
    _move(session, report, ReportAction.WITHDRAW, _back_to_draft(session, report, target))
    audit.record(
        session,
        actor,
        "report.withdrawn",
        report,
        before={"state": ReportState.AWAITING_SIGN_OFF.value},
        after={"state": target.value},
    )
    _tell(session, _people(report, Role.SPONSOR), report, f"was withdrawn by {actor.name}")


def _back_to_draft(session: Session, report: Report, target: ReportState) -> dict[str, object]:
    """What going back to draft writes. A reported RAG that only followed the computed one at submission follows
    it again in the draft."""
    values: dict[str, object] = {"state": target.value, "updated_at": utcnow()}
    snapshot = latest_snapshot(session, report)
    if snapshot is not None:
        computed = verified_document(snapshot)["rag"]["computed"]
        if report.reported_rag == computed and not (report.override_justification or "").strip():
            values["reported_rag"] = None
    return values


def return_report(session: Session, actor: User, report: Report, comments: str) -> None:
    """The sponsor sends the report back to draft with comments. The lead is told.

    Raises NotAllowed unless the actor is the workstream's sponsor, ReportStateError (a ReportConflict) unless it
    awaits sign-off, DomainError(field="comments") without comments or for comments that are not plain text
    within their limit.
    """
    target = _check(ReportAction.RETURN, report, actor)
    comments = RETURN_COMMENTS.check(comments, "comments")
    if not comments:
        raise DomainError("Enter your comments for the project lead", field="comments")
    draft = _back_to_draft(session, report, target)
    _move(session, report, ReportAction.RETURN, {**draft, "returned_comments": comments})
    audit.record(
        session,
        actor,
        "report.returned",
        report,
        summary="Returned with comments",
        before={"state": ReportState.AWAITING_SIGN_OFF.value},
        after={"state": target.value, "comments": comments},
    )
    _tell(session, _report_leads(report), report, f"was returned by {actor.name}: {comments}")


def _report_leads(report: Report) -> list[User]:
    leads = {u.id: u for u in _people(report, Role.LEAD)}
    if report.submitted_by is not None:
        leads.setdefault(report.submitted_by.id, report.submitted_by)
    return list(leads.values())


def sign_off_report(
    session: Session,
    actor: User,
    report: Report,
    snapshot_id: int | None,
    *,
    now: datetime | None = None,
) -> ReportSnapshot:
    """The sponsor signs off exactly the snapshot they read. The report is then frozen for good. The lead is told.

    One conditional UPDATE decides it: of many sign-offs (or a sign-off and a return or withdrawal) at once,
    exactly one moves the report; the others raise ReportConflict.
    Raises NotAllowed unless the actor is the sponsor (and not the submitter), ReportStateError (a ReportConflict)
    unless it awaits sign-off, ReportConflict(field="snapshot_id") if the report was resubmitted since the sponsor
    read it, SnapshotIntegrityError if the snapshot fails its hash check.
    """
    target = _check(ReportAction.SIGN_OFF, report, actor)
    snapshot = latest_snapshot(session, report)
    if snapshot is None or snapshot.id != snapshot_id:
        raise ReportConflict(STALE_SNAPSHOT, field="snapshot_id")
    verified_body(snapshot)
    now = now or utcnow()
    signed = {"state": target.value, "signed_off_at": now, "signed_off_by_id": actor.id, "updated_at": now}
    _move(session, report, ReportAction.SIGN_OFF, signed, snapshot_id=snapshot.id)
    audit.record(
        session,
        actor,
        "report.signed_off",
        report,
        summary=f"Signed off snapshot {snapshot.sequence} (sha256 {snapshot.sha256})",
        before={"state": ReportState.AWAITING_SIGN_OFF.value},
        after={"state": target.value, "snapshot_id": snapshot.id, "sha256": snapshot.sha256},
    )
    session.flush()
    _tell(session, _report_leads(report), report, f"was signed off by {actor.name}")
    jobs.defer(session, render_signed_paper, report_id=report.id)
    return snapshot


def changes_since_submission(session: Session, report: Report, today: date) -> tuple[Change, ...]:
    """What changed in live data since the report was submitted: computed RAG, milestones and risks.

    Live data is read as at today, never later than the meeting. A completion approved for a date after that
    (a month counting as its last day) is explained rather than shown as an open milestone. Empty for a draft.
    Raises SnapshotIntegrityError if the snapshot fails its hash check.
    """
    if not ReportState(report.state).frozen:
        return ()
    as_of = draft_as_of(report, today)
    submitted = to_contract(from_snapshot(session, report))
    live = to_contract(build_live(session, report.workstream, as_of, report=report, board_sections=False))
    later = session.execute(
        select(Milestone.reference, Milestone.completed_on, Milestone.completed_on_is_month).where(
            Milestone.workstream_id == report.workstream_id,
            Milestone.removed.is_(False),
            Milestone.completed_on > as_of,
        )
    )
    # Each has a completion date: the query compares it with as_of.
    completed_later = {reference: (on, is_month) for reference, on, is_month in later if on is not None}
    return diff_reports(submitted, live, completed_later)


def reports_for(session: Session, workstream_id: int) -> list[Report]:
    """The workstream's reports, latest meeting first."""
    return list(
        session.scalars(
            select(Report)
            .join(BoardMeeting, Report.meeting_id == BoardMeeting.id)
            .where(Report.workstream_id == workstream_id)
            .options(joinedload(Report.meeting))
            .order_by(BoardMeeting.date.desc())
        )
    )


# Reminders -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    user: User
    meeting: BoardMeeting
    workstream: Workstream
    text: str


def reminder_days(config) -> ReminderDays:
    """The days before a meeting each reminder goes, from the settings (REMINDER_DAYS_*)."""
    return ReminderDays(
        owners=int(config.get("REMINDER_DAYS_OWNERS", 10)),
        lead=int(config.get("REMINDER_DAYS_LEAD", 5)),
        sponsor=int(config.get("REMINDER_DAYS_SPONSOR", 2)),
    )


def send_meeting_reminders(
    session: Session,
    today: date,
    days: ReminderDays,
) -> list[Reminder]:
    """Remind people before each coming meeting; each reminder goes once per meeting and workstream.

    Owners of open milestones due by the meeting, ``days.owners`` before it; the lead while the report is not
    submitted, ``days.lead`` before; the sponsor while it is not signed off, ``days.sponsor`` before. Sending
    is recorded in the audit trail, which is also how a reminder already sent is recognised.
    """
    sent: list[Reminder] = []
    meetings = session.scalars(select(BoardMeeting).where(BoardMeeting.date >= today).order_by(BoardMeeting.date))
    for meeting in meetings:
        kinds = reminders_due(today, meeting.date, days)
        if not kinds:
            continue
        workstreams = session.scalars(
            select(Workstream).where(Workstream.programme_id == meeting.programme_id).order_by(Workstream.name)
        ).all()
        for workstream in workstreams:
            report = session.scalar(
                select(Report).where(Report.workstream_id == workstream.id, Report.meeting_id == meeting.id)
            )
            for kind in sorted(kinds):
                if not needs_reminder(kind, report.state if report else None):
                    continue
                if _already_reminded(session, meeting, workstream, kind):
                    continue
                batch = _reminders(session, kind, meeting, workstream, report, today)
                for reminder in batch:
                    notify(session, reminder.user, reminder.text, _reminder_path(kind, workstream, report))
                audit.record(
                    session,
                    None,
                    f"reminder.{kind.value}",
                    meeting,
                    workstream_id=workstream.id,
                    summary=f"{len(batch)} reminder(s) before {meeting.name} on {meeting.date:%-d %B %Y}",
                    after={"to": sorted(r.user.email for r in batch)},
                )
                sent += batch
    return sent


def _reminder_path(kind: ReminderKind, workstream: Workstream, report: Report | None) -> str:
    if kind is ReminderKind.OWNERS:
        return app_path("plan.show", workstream_id=workstream.id)
    if report is None:
        return app_path("reports.workstream", workstream_id=workstream.id)
    return _report_path(report)


def _already_reminded(session: Session, meeting: BoardMeeting, workstream: Workstream, kind: ReminderKind) -> bool:
    return bool(
        session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == f"reminder.{kind.value}",
                AuditEvent.object_type == "boardmeeting",
                AuditEvent.object_id == meeting.id,
                AuditEvent.workstream_id == workstream.id,
            )
        )
    )


def _reminders(session, kind, meeting, workstream, report, today) -> list[Reminder]:
    when = f"{meeting.name} on {meeting.date:%-d %B %Y}"
    if kind is ReminderKind.OWNERS:
        refs_by_owner: dict[int, list[str]] = {}
        for row in load_plan(session, workstream, today).rows:
            owner_id = row.milestone.owner_id
            if owner_id is None or not row.assessment.is_open or row.milestone.current_due > meeting.date:
                continue
            refs_by_owner.setdefault(owner_id, []).append(row.milestone.reference)
        owners = {u.id: u for u in session.scalars(select(User).where(User.id.in_(refs_by_owner)))}
        return [
            Reminder(
                kind,
                owners[owner_id],
                meeting,
                workstream,
                f"{workstream.name}: milestones {', '.join(refs)} are due by {when}. "
                "Propose completion with evidence, or ask for a revised date.",
            )
            for owner_id, refs in refs_by_owner.items()
        ]
    if kind is ReminderKind.LEAD:
        text = f"{workstream.name}: the highlight report for {when} has not been submitted for sign-off yet."
        return [Reminder(kind, lead, meeting, workstream, text) for lead in workstream.members_with(Role.LEAD)]
    text = f"{workstream.name}: the highlight report for {when} has not been signed off yet."
    return [Reminder(kind, sponsor, meeting, workstream, text) for sponsor in workstream.members_with(Role.SPONSOR)]


@dataclass
class MeetingReports:
    meeting: BoardMeeting
    reports: list[Report]

    @property
    def signed_off(self) -> list[Report]:
        return [r for r in self.reports if r.state == ReportState.SIGNED_OFF.value]


def reports_by_meeting(session: Session, user: User) -> list[MeetingReports]:
    """Every report ``user`` may read, grouped by meeting (latest first): drafts and reports awaiting sign-off
    only where they may read live reports, signed-off reports wherever they may read those."""
    from app.domain.permissions import Permission

    query = (
        select(Report)
        .join(BoardMeeting, Report.meeting_id == BoardMeeting.id)
        .options(joinedload(Report.meeting), joinedload(Report.workstream))
        .order_by(BoardMeeting.date.desc(), BoardMeeting.id)
    )
    if not user.is_admin:
        query = query.where(Report.workstream_id.in_(user.workstream_ids()))
    groups: dict[int, MeetingReports] = {}
    for report in session.scalars(query):
        need = (
            Permission.VIEW_SIGNED_REPORT
            if report.state == ReportState.SIGNED_OFF.value
            else Permission.VIEW_LIVE_REPORT
        )
        if not user.can(need, report.workstream_id):
            continue
        groups.setdefault(report.meeting_id, MeetingReports(report.meeting, [])).reports.append(report)
    for group in groups.values():
        group.reports.sort(key=lambda r: r.workstream.name)
    return list(groups.values())


def get_report(session: Session, report_id: int) -> Report | None:
    """The report with its workstream, programme and meeting, or None."""
    return session.get(
        Report,
        report_id,
        options=[joinedload(Report.workstream).joinedload(Workstream.programme), joinedload(Report.meeting)],
    )
