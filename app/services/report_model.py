"""The one view-model of a highlight report. Every output (HTML, print, Word, PDF, JSON) is made from it.

A report is built either live from the plan (a live view, or a draft) or rebuilt from the document frozen at
submission. The document is the report JSON contract (DESIGN.md) plus a ``presentation`` object holding what
the paper shows beyond the contract (titles, periods, introduction, date labels such as "March 2021"), so a
submitted or signed-off report renders from its snapshot alone, never from live data.

Its text is ``printable`` (app.domain.text): a control character stored before the database refused them never
reaches an output, where Word, the workbook or the PDF would fail on it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import NamedTuple

from sqlalchemy import ScalarSelect, bindparam, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload
from sqlalchemy.sql import ColumnElement

from app.domain.dates import format_plan_date
from app.domain.permissions import Role
from app.domain.rag import report_as_of
from app.domain.reports import ReportState, is_override, previous_rag, rag_status_label, reported_rag
from app.domain.risk import RED_RISK_NOTE, Likelihood, guidance_grid
from app.domain.text import printable
from app.models import BoardMeeting, Membership, Report, ReportSnapshot, SectionNarrative, User, Workstream
from app.services.plan_view import load_plan

log = logging.getLogger(__name__)

LIVE = "live"
NARRATIVE_FIELDS = ("barriers", "action_required", "progress", "next_activity")


class SnapshotIntegrityError(Exception):
    """A stored snapshot's body no longer matches its sha256: it must not be served."""


# The view-model ----------------------------------------------------------------------------------------------


class MilestoneLine(NamedTuple):
    """One milestone row of the report. Immutable like the rest of the model; a named tuple because a report
    makes hundreds of them and a frozen dataclass costs several times as much to build."""

    reference: str
    milestone: str
    owner: str | None
    due: date
    due_label: str
    revised_due: date | None
    revised_due_label: str
    completed_on: date | None
    completed_on_label: str
    status: str  # open | awaiting_approval | complete | removed
    rag: str | None
    label: str  # "Overdue", "Slipped", "Complete"...
    comments: str

    @property
    def actual_label(self) -> str:
        """The seed's "Actual/ Revised Date": the completion date when complete, else the revised date."""
        return self.completed_on_label if self.status == "complete" else self.revised_due_label


@dataclass(frozen=True)
class SectionPart:
    number: int
    title: str
    barriers: str
    action_required: str
    progress: str
    next_activity: str
    milestones: tuple[MilestoneLine, ...]


@dataclass(frozen=True)
class RiskLine:
    reference: str
    risk: str
    likelihood: str  # lower case
    impact: str
    score: int
    rating: str
    mitigation: str
    mitigation_date: date | None
    mitigation_date_label: str
    status: str  # open | closed


@dataclass(frozen=True)
class RagPart:
    computed: str
    reported: str
    previous: str | None
    reason: str  # the lead's "Reason for RAG"
    reasons: tuple[str, ...]  # the computed RAG's reasons
    override_justification: str = ""

    @property
    def overridden(self) -> bool:
        return self.reported != self.computed

    @property
    def reported_label(self) -> str:
        return rag_status_label(self.reported)

    @property
    def previous_label(self) -> str:
        return rag_status_label(self.previous)

    @property
    def computed_label(self) -> str:
        return rag_status_label(self.computed)


@dataclass(frozen=True)
class Period:
    start: str  # labels as the paper shows them: "January 2021"
    end: str


@dataclass(frozen=True)
class Signature:
    by: str
    at: datetime


@dataclass(frozen=True)
class SignedOff(Signature):
    sha256: str


@dataclass(frozen=True)
class ReportModel:
    programme: str
    council: str
    workstream: str
    title: str
    sponsor: str | None
    lead: str | None
    meeting_name: str | None
    meeting_date: date | None
    as_of: date
    state: str
    rag: RagPart
    completed_by: str
    introduction: str
    period: Period
    next_period: Period
    sections: tuple[SectionPart, ...]
    risks: tuple[RiskLine, ...]
    submitted: Signature | None = None
    signed_off: SignedOff | None = None
    report_id: int | None = None

    @property
    def milestones(self) -> list[MilestoneLine]:
        return [m for s in self.sections for m in s.milestones]

    @property
    def heading(self) -> str:
        """ "Business Intelligence – Progress Report…" as the seed's header names the workstream."""
        return self.title or self.workstream

    @property
    def meeting_label(self) -> str:
        return format_plan_date(self.meeting_date, False) if self.meeting_date else ""

    @property
    def state_label(self) -> str:
        return report_state_label(self.state)

    @property
    def risk_guidance(self) -> list[tuple[str, list[tuple[str, int, str]]]]:
        """The seed's scoring guidance: per impact, (text, score, rating) for each likelihood, low to high."""
        return [
            (row[0].impact.label, [(cell.guidance, cell.score, cell.rating.value) for cell in row])
            for row in guidance_grid()
        ]

    @property
    def red_risk_note(self) -> str:
        return RED_RISK_NOTE

    @property
    def guidance_likelihoods(self) -> tuple[str, ...]:
        return tuple(likelihood.label for likelihood in Likelihood)


def report_state_label(state: str) -> str:
    """ "Live", "Draft", "Awaiting sign-off" or "Signed off"."""
    return "Live" if state == LIVE else ReportState(state).label


def narrative_blocks(text: str) -> list[tuple[str, object]]:
    """Split narrative text into ("list", [items]) runs of "- " bullet lines and ("para", text) paragraphs."""
    blocks: list[tuple[str, object]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(("- ", "• ", "* ")):
            item = line[2:].strip()
            if blocks and blocks[-1][0] == "list":
                blocks[-1][1].append(item)
            else:
                blocks.append(("list", [item]))
        else:
            blocks.append(("para", line))
    return blocks


# Building from live data ------------------------------------------------------------------------------------


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


def previous_rag_for(session: Session, workstream_id: int, before: date) -> str | None:
    """The reported RAG of the workstream's latest signed-off report for a meeting before ``before``, or None.

    A submitted report always states its reported RAG (submission records it), and a signed-off one never changes.
    """
    rows = session.execute(
        select(BoardMeeting.date, Report.reported_rag)
        .join(BoardMeeting, Report.meeting_id == BoardMeeting.id)
        .where(Report.workstream_id == workstream_id, Report.state == ReportState.SIGNED_OFF.value)
        .where(BoardMeeting.date < before)
    ).all()
    found = previous_rag([(when, rag) for when, rag in rows], before)
    return found.value if found else None


def previous_rag_query(workstream_id: int | ColumnElement, before: date | ColumnElement) -> ScalarSelect:
    """``previous_rag_for`` as a scalar subquery, so a report's own statement can carry it (``load_report``).

    The same rule as ``app.domain.reports.previous_rag`` (tests/reports/test_page_loading.py checks they agree):
    of the signed-off reports with a reported RAG for a meeting before ``before``, the latest meeting's.
    """
    earlier, held = aliased(Report), aliased(BoardMeeting)
    return (
        select(earlier.reported_rag)
        .join(held, earlier.meeting_id == held.id)
        .where(
            earlier.workstream_id == workstream_id,
            earlier.state == ReportState.SIGNED_OFF.value,
            earlier.reported_rag.is_not(None),
            earlier.reported_rag != "",
            held.date < before,
        )
        .order_by(held.date.desc(), earlier.id.desc())
        .limit(1)
        .scalar_subquery()
    )


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


def build_live(
    session: Session,
    workstream: Workstream,
    as_of: date,
    *,
    report: Report | None = None,
    meeting: BoardMeeting | None = None,
    state: str = LIVE,
    extras: ReportExtras | None = None,
) -> ReportModel:
    """Build the report from the plan as at ``as_of``, with the narrative of ``report`` when given.

    Without a report the narrative is blank and the reported RAG is the computed one. ``meeting`` defaults
    to the report's. ``extras``, read by ``load_report`` for that report and meeting, saves looking up its
    narratives and the previous RAG. Raises DomainError if the programme's thresholds are invalid.
    """
    meeting = meeting or (report.meeting if report else None)
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
    if extras is not None:
        previous = extras.previous_rag
    else:
        before = meeting.date if meeting else date.fromordinal(as_of.toordinal() + 1)
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
    )


def _period(report: Report, prefix: str) -> Period:
    start = format_plan_date(getattr(report, f"{prefix}_from"), getattr(report, f"{prefix}_from_is_month"))
    end = format_plan_date(getattr(report, f"{prefix}_to"), getattr(report, f"{prefix}_to_is_month"))
    return Period(start, end)


def _milestone_line(row) -> MilestoneLine:
    m, assessment = row.milestone, row.assessment
    status = assessment.status.value
    complete = status == "complete"
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
        comments=_comments(m),
    )


def draft_as_of(report: Report, today: date) -> date:
    """A draft's as-at date: today, never later than its meeting."""
    return report_as_of(ReportState.DRAFT.value, today, report.meeting.date, None)


def build_for_report(session: Session, report: Report, today: date, extras: ReportExtras | None = None) -> ReportModel:
    """The report as it stands: a draft live from the plan; a submitted or signed-off one from its snapshot.

    ``extras`` as ``load_report`` gives them with the report. Raises SnapshotIntegrityError if the snapshot fails
    its hash check.
    """
    if ReportState(report.state).frozen:
        return from_snapshot(session, report)
    return build_live(
        session, report.workstream, draft_as_of(report, today), report=report, state=report.state, extras=extras
    )


def submission_as_of(report: Report, submitted_on: date) -> date:
    """A submitted report's as-at date: the submission date, never later than its meeting."""
    return report_as_of(ReportState.AWAITING_SIGN_OFF.value, submitted_on, report.meeting.date, submitted_on)


# The document: the JSON contract plus the paper's presentation --------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def to_contract(model: ReportModel) -> dict:
    """The report JSON contract (DESIGN.md), exactly its fields."""
    return {
        "workstream": {"name": model.workstream, "sponsor": model.sponsor, "lead": model.lead},
        "meeting": {"name": model.meeting_name, "date": _iso(model.meeting_date)} if model.meeting_name else None,
        "as_of": model.as_of.isoformat(),
        "state": model.state,
        "rag": {
            "computed": model.rag.computed,
            "reported": model.rag.reported,
            "previous": model.rag.previous,
            "reason": model.rag.reason,
            "reasons": list(model.rag.reasons),
        },
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "barriers": s.barriers,
                "action_required": s.action_required,
                "progress": s.progress,
                "next_activity": s.next_activity,
                "milestones": [
                    {
                        "reference": m.reference,
                        "milestone": m.milestone,
                        "owner": m.owner,
                        "due": _iso(m.due),
                        "revised_due": _iso(m.revised_due),
                        "completed_on": _iso(m.completed_on),
                        "status": m.status,
                        "rag": m.rag,
                        "comments": m.comments,
                    }
                    for m in s.milestones
                ],
            }
            for s in model.sections
        ],
        "risks": [
            {
                "reference": r.reference,
                "risk": r.risk,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "score": r.score,
                "rating": r.rating,
                "mitigation": r.mitigation,
                "mitigation_date": _iso(r.mitigation_date),
                "status": r.status,
            }
            for r in model.risks
        ],
        "signed_off": (
            {"by": model.signed_off.by, "at": _timestamp(model.signed_off.at), "sha256": model.signed_off.sha256}
            if model.signed_off
            else None
        ),
    }


def to_document(model: ReportModel) -> dict:
    """The contract plus ``presentation``: everything needed to render the paper again without live data."""
    document = to_contract(model)
    document["presentation"] = {
        "programme": model.programme,
        "council": model.council,
        "title": model.title,
        "completed_by": model.completed_by,
        "introduction": model.introduction,
        "period": {"from": model.period.start, "to": model.period.end},
        "next_period": {"from": model.next_period.start, "to": model.next_period.end},
        "override_justification": model.rag.override_justification,
        "submitted": ({"by": model.submitted.by, "at": _timestamp(model.submitted.at)} if model.submitted else None),
        "milestones": {
            m.reference: {
                "due": m.due_label,
                "revised_due": m.revised_due_label,
                "completed_on": m.completed_on_label,
                "label": m.label,
            }
            for m in model.milestones
        },
        "risks": {r.reference: {"mitigation_date": r.mitigation_date_label} for r in model.risks},
    }
    return document


def canonical_json(document: dict) -> str:
    """The one serialisation that is hashed and stored: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def from_document(document: dict, *, report_id: int | None = None) -> ReportModel:
    """Rebuild the view-model from a stored document. Raises KeyError or ValueError for a malformed one."""
    presentation = document["presentation"]
    labels = presentation["milestones"]
    sections = tuple(
        SectionPart(
            number=s["number"],
            title=s["title"],
            barriers=s["barriers"],
            action_required=s["action_required"],
            progress=s["progress"],
            next_activity=s["next_activity"],
            milestones=tuple(
                MilestoneLine(
                    reference=m["reference"],
                    milestone=m["milestone"],
                    owner=m["owner"],
                    due=_date(m["due"]),
                    due_label=labels[m["reference"]]["due"],
                    revised_due=_date(m["revised_due"]),
                    revised_due_label=labels[m["reference"]]["revised_due"],
                    completed_on=_date(m["completed_on"]),
                    completed_on_label=labels[m["reference"]]["completed_on"],
                    status=m["status"],
                    rag=m["rag"],
                    label=labels[m["reference"]]["label"],
                    comments=m["comments"],
                )
                for m in s["milestones"]
            ),
        )
        for s in document["sections"]
    )
    risks = tuple(
        RiskLine(
            reference=r["reference"],
            risk=r["risk"],
            likelihood=r["likelihood"],
            impact=r["impact"],
            score=r["score"],
            rating=r["rating"],
            mitigation=r["mitigation"],
            mitigation_date=_date(r["mitigation_date"]),
            mitigation_date_label=presentation["risks"][r["reference"]]["mitigation_date"],
            status=r["status"],
        )
        for r in document["risks"]
    )
    rag = document["rag"]
    meeting = document["meeting"]
    submitted = presentation["submitted"]
    signed = document["signed_off"]
    return ReportModel(
        programme=presentation["programme"],
        council=presentation["council"],
        workstream=document["workstream"]["name"],
        title=presentation["title"],
        sponsor=document["workstream"]["sponsor"],
        lead=document["workstream"]["lead"],
        meeting_name=meeting["name"] if meeting else None,
        meeting_date=_date(meeting["date"]) if meeting else None,
        as_of=date.fromisoformat(document["as_of"]),
        state=document["state"],
        rag=RagPart(
            computed=rag["computed"],
            reported=rag["reported"],
            previous=rag["previous"],
            reason=rag["reason"],
            reasons=tuple(rag["reasons"]),
            override_justification=presentation["override_justification"],
        ),
        completed_by=presentation["completed_by"],
        introduction=presentation["introduction"],
        period=Period(presentation["period"]["from"], presentation["period"]["to"]),
        next_period=Period(presentation["next_period"]["from"], presentation["next_period"]["to"]),
        sections=sections,
        risks=risks,
        submitted=Signature(submitted["by"], datetime.fromisoformat(submitted["at"])) if submitted else None,
        signed_off=SignedOff(signed["by"], datetime.fromisoformat(signed["at"]), signed["sha256"]) if signed else None,
        report_id=report_id,
    )


# Snapshots ---------------------------------------------------------------------------------------------------


def latest_snapshot(session: Session, report: Report) -> ReportSnapshot | None:
    return session.scalar(
        select(ReportSnapshot)
        .where(ReportSnapshot.report_id == report.id)
        .order_by(ReportSnapshot.sequence.desc())
        .limit(1)
    )


def verified_body(snapshot: ReportSnapshot) -> str:
    """The snapshot's body after checking it against its sha256.

    Raises SnapshotIntegrityError (and logs it) on a mismatch: tampered content is never served.
    """
    body = snapshot.body
    actual = sha256_of(body)
    if actual != snapshot.sha256:
        log.error(
            "report snapshot %s (report %s, sequence %s) fails its hash check: stored sha256 %s, body hashes to %s",
            snapshot.id,
            snapshot.report_id,
            snapshot.sequence,
            snapshot.sha256,
            actual,
        )
        raise SnapshotIntegrityError(f"Report snapshot {snapshot.id} does not match its sha256")
    return body


# What a stored document's text may hold that ``printable`` removes: a \u escape, a \b or \f (or innocent text such
# as a backslash before a "b"), or a DEL, C1 or non-character written out as itself.
_MAYBE_UNPRINTABLE = re.compile(r"\\[ubf]|[\x7f-\x9f\ufffe\uffff]")


def printable_json(body: str):
    """The document ``body`` holds, every key and text in it ``printable``. A body with nothing that could need
    it (every document written since the rule) is read as it is."""
    if not _MAYBE_UNPRINTABLE.search(body):
        return json.loads(body)
    return json.loads(body, object_hook=_printable_object)


def _printable_object(document: dict) -> dict:
    return {
        printable(key): (
            printable(value)
            if isinstance(value, str)
            else [printable(v) if isinstance(v, str) else v for v in value]
            if isinstance(value, list)
            else value
        )
        for key, value in document.items()
    }


def from_snapshot(session: Session, report: Report) -> ReportModel:
    """A submitted or signed-off report from the snapshot taken at submission, with its current state.

    Raises SnapshotIntegrityError if there is no snapshot or it fails its hash check.
    """
    snapshot = latest_snapshot(session, report)
    if snapshot is None:
        log.error("report %s is %s but has no snapshot", report.id, report.state)
        raise SnapshotIntegrityError(f"Report {report.id} has no snapshot")
    body = verified_body(snapshot)
    try:
        model = from_document(printable_json(body), report_id=report.id)
    except (KeyError, TypeError, ValueError) as error:
        log.error("report snapshot %s cannot be read: %r", snapshot.id, error)
        raise SnapshotIntegrityError(f"Report snapshot {snapshot.id} cannot be read") from error
    signed = None
    if report.state == ReportState.SIGNED_OFF.value:
        signed = SignedOff(
            by=printable(report.signed_off_by.name) if report.signed_off_by else "",
            at=report.signed_off_at,
            sha256=snapshot.sha256,
        )
    return replace(model, state=report.state, signed_off=signed)


def document_for_submission(session: Session, report: Report, actor_name: str, at: datetime) -> dict:
    """The document frozen when ``report`` is submitted at ``at``: as at the submission date (capped at the meeting)."""
    model = build_live(
        session,
        report.workstream,
        submission_as_of(report, at.date()),
        report=report,
        state=ReportState.AWAITING_SIGN_OFF.value,
    )
    return to_document(replace(model, submitted=Signature(actor_name, at)))


@dataclass
class BoardPackEntry:
    workstream: str
    previous: str | None
    current: str | None  # the signed-off report's reported RAG, None when not signed off
    model: ReportModel | None = None


@dataclass
class BoardPack:
    programme: str
    council: str
    meeting_name: str
    meeting_date: date
    entries: list[BoardPackEntry] = field(default_factory=list)

    @property
    def models(self) -> list[ReportModel]:
        return [e.model for e in self.entries if e.model is not None]

    @property
    def meeting_label(self) -> str:
        return format_plan_date(self.meeting_date, False)


def build_board_pack(session: Session, meeting: BoardMeeting, workstream_ids: set[int] | None = None) -> BoardPack:
    """The cover (every workstream's previous → current RAG) and each signed-off report, from its snapshot.

    ``workstream_ids`` limits the pack to those workstreams (None: all of the programme's).
    Raises SnapshotIntegrityError if any snapshot fails its hash check.
    """
    programme = meeting.programme
    workstreams = session.scalars(
        select(Workstream).where(Workstream.programme_id == programme.id).order_by(Workstream.name)
    ).all()
    reports = {
        r.workstream_id: r
        for r in session.scalars(
            select(Report)
            .where(Report.meeting_id == meeting.id)
            .options(joinedload(Report.signed_off_by), joinedload(Report.meeting))
        )
    }
    pack = BoardPack(
        printable(programme.name), printable(programme.council_name or ""), printable(meeting.name), meeting.date
    )
    for workstream in workstreams:
        if workstream_ids is not None and workstream.id not in workstream_ids:
            continue
        report = reports.get(workstream.id)
        if report is not None and report.state == ReportState.SIGNED_OFF.value:
            model = from_snapshot(session, report)
            pack.entries.append(
                BoardPackEntry(printable(workstream.name), model.rag.previous, model.rag.reported, model)
            )
        else:
            pack.entries.append(
                BoardPackEntry(printable(workstream.name), previous_rag_for(session, workstream.id, meeting.date), None)
            )
    return pack
