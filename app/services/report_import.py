"""Importing last period's highlight report into an empty workstream: its plan and risks, and the paper itself as
the signed-off report of the board meeting of its date, so that "Previous RAG" is right at the next board.

The paper's milestone and risk rows are checked by the spreadsheet import's checker (``RowChecker``); the header,
periods and narratives here. Every problem is named by table, row and column, and nothing is written unless none
is found (``importer.apply_import`` writes the plan, then ``apply_report`` the paper, in one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.dates import format_plan_date, parse_paper_date
from app.domain.errors import DomainError
from app.domain.imports import stated_rag
from app.domain.permissions import Role
from app.domain.reports import ReportState, is_override, rag_status_label
from app.domain.text import LINE_LIMIT, TEXT_LIMIT, check_text
from app.models import BoardMeeting, Milestone, Report, ReportSnapshot, Section, SectionNarrative, User, Workstream
from app.services import admin, audit, users
from app.services.import_rows import Change, ImportPlan, Problem
from app.services.report_model import canonical_json, document_for_submission, sha256_of
from app.services.report_reader import HEADER_FIELDS, NARRATIVE_FIELDS, Paper

DEFAULT_MEETING_NAME = "Board meeting"
NARRATIVE_LABELS = {
    "barriers": "Potential Barriers",
    "action_required": "Action Required",
    "progress": "Progress to Date",
    "next_activity": "Activity for the Next Period",
}
HEADER_LABELS = {
    "workstream": "Pillar/ Workstream Name",
    "sponsor": "Sponsor",
    "lead": "Project Manager/ Lead",
    "previous_rag": "Previous RAG Status",
    "current_rag": "Current RAG Status",
    "reason": "Reason for RAG",
    "completed_by": "Report Completed By",
    "meeting": "Meeting Date",
}


@dataclass
class PaperImport:
    """What the paper says besides its rows, checked: the report to keep as signed off."""

    title: str
    meeting_date: date
    meeting: BoardMeeting | None
    meeting_name: str
    reported_rag: str
    previous_rag: str | None  # as the paper states it; Highlight works out its own from earlier reports
    reason: str
    introduction: str
    periods: dict[str, object]
    narratives: dict[int, dict[str, str]]
    names: dict[str, str]  # sponsor, lead, completed_by as the paper gives them
    people: dict[str, User | None]  # the Highlight users those names are, where only one user has the name
    sections: list = field(default_factory=list)  # (number, title, milestone rows, narrative) for the preview

    @property
    def meeting_label(self) -> str:
        return f"{self.meeting_name}, {self.meeting_date:%-d %B %Y}"

    def period_label(self, prefix: str) -> str:
        """ "January 2021 to March 2021" for ``period`` (this period) or ``next``."""
        ends = [self._period_end(f"{prefix}_{end}") for end in ("from", "to")]
        return " to ".join(end or "—" for end in ends)

    def _period_end(self, name: str) -> str:
        when = self.periods.get(name)  # a date, or None where the paper gives none
        return format_plan_date(when if isinstance(when, date) else None, bool(self.periods.get(f"{name}_is_month")))

    def rows(self) -> list[dict]:
        """The header as the preview lists it: each field as the paper gives it, and what Highlight makes of it."""

        def who(name: str, role: str) -> str:
            person = self.people.get(name)
            text = self.names.get(name) or "—"
            if person is None:
                return (
                    f"{text} (not a Highlight user: add them to the workstream yourself)"
                    if self.names.get(name)
                    else text
                )
            return f"{text} ({person.email}{', joins as ' + role if role else ''})"

        return [
            {"key": {"text": "Workstream, as the paper names it"}, "value": {"text": self.title or "—"}},
            {
                "key": {"text": "Board meeting"},
                "value": {"text": self.meeting_label + ("" if self.meeting else " (added)")},
            },
            {"key": {"text": "Sponsor"}, "value": {"text": who("sponsor", "sponsor")}},
            {"key": {"text": "Project lead"}, "value": {"text": who("lead", "lead")}},
            {"key": {"text": "Previous RAG status"}, "value": {"text": rag_status_label(self.previous_rag)}},
            {"key": {"text": "Current RAG status"}, "value": {"text": rag_status_label(self.reported_rag)}},
            {"key": {"text": "Reason for RAG"}, "value": {"text": self.reason or "—"}},
            {"key": {"text": "Report completed by"}, "value": {"text": who("completed_by", "")}},
            {"key": {"text": "Reporting period"}, "value": {"text": self.period_label("period")}},
            {"key": {"text": "Next period"}, "value": {"text": self.period_label("next")}},
        ]


class _Check:
    def __init__(self, session: Session, paper: Paper):
        self.session, self.paper = session, paper
        self.problems: list[Problem] = []

    def problem(self, place: str, message: str) -> None:
        self.problems.append(Problem(message, place=place))

    def header(self, name: str) -> tuple[str, str]:
        label, text = self.paper.header.get(name, (HEADER_LABELS[name], ""))
        return label, text

    def text(self, place: str, value: str, label: str, *, one_line: bool = False) -> str:
        try:
            return check_text(
                value,
                "text",
                label=label,
                limit=LINE_LIMIT if one_line else TEXT_LIMIT,
                multiline=not one_line,
            )
        except DomainError as error:
            self.problem(place, error.message)
            return ""

    def person(self, name: str) -> User | None:
        """The active user with this name, where only one has it; None otherwise (the paper keeps the name)."""
        key = " ".join(name.split()).lower()
        if not key:
            return None
        found = self.session.scalars(
            select(User).where(func.lower(User.name) == key, User.active.is_(True)).limit(2)
        ).all()
        return found[0] if len(found) == 1 else None


def prepare_paper(
    session: Session, actor: User | None, paper: Paper, workstream: Workstream | None, programme, result: ImportPlan
) -> tuple[PaperImport | None, User | None, list[Problem]]:
    """Check the paper's header, periods and narratives, and the workstream it goes into (empty, with no report
    for that meeting yet). Returns what to keep, the person its records are kept against when a row has no owner
    and no importer is named (the paper's lead, else who completed it, else its sponsor, else an administrator),
    and every problem found."""
    check = _Check(session, paper)
    if not paper.found_header:
        check.problem(
            "The paper",
            "Its header table is missing (Pillar/ Workstream Name, Sponsor, Current RAG Status, Meeting Date…)",
        )
    if workstream is not None:
        count = session.scalar(select(func.count(Milestone.id)).where(Milestone.workstream_id == workstream.id))
        if count:
            check.problem(
                "The workstream",
                f"{workstream.name} already has {count} milestone{'s' if count != 1 else ''}: a report is "
                "imported only into an empty workstream (import a spreadsheet to update a plan)",
            )
    values = {}
    for name in HEADER_FIELDS:
        label, text = check.header(name)
        values[name] = check.text(f"Header table, row {label}", text, label, one_line=name not in ("reason",))
    previous = _rag(check, "previous_rag", values["previous_rag"], required=False)
    reported = _rag(check, "current_rag", values["current_rag"], required=True)
    meeting_date = _meeting_date(check, values["meeting"])
    periods = _periods(check, paper)
    introduction = check.text("Introduction", paper.introduction, "The introduction")
    narratives: dict[int, dict[str, str]] = {}
    for section in paper.sections:
        where = f"Section {section.number}" if section.number is not None else f"Section {section.title!r}"
        texts = {
            name: check.text(f"{where}, {NARRATIVE_LABELS[name]}", getattr(section, name), NARRATIVE_LABELS[name])
            for name in NARRATIVE_FIELDS
        }
        if section.number is not None:
            narratives[section.number] = texts
    names = {name: values[name] for name in ("sponsor", "lead", "completed_by")}
    people = {name: check.person(text) for name, text in names.items()}
    recorder = actor or people["lead"] or people["completed_by"] or people["sponsor"] or _an_admin(session)
    meeting, meeting_name = None, DEFAULT_MEETING_NAME
    if meeting_date is not None and programme is not None:
        meeting, meeting_name = _meeting(session, programme, meeting_date)
        if meeting is not None and workstream is not None:
            taken = session.scalar(
                select(Report.id).where(Report.workstream_id == workstream.id, Report.meeting_id == meeting.id)
            )
            if taken:
                label = check.header("meeting")[0]
                check.problem(
                    f"Header table, row {label}",
                    f"{workstream.name} already has a report for {meeting.name} on {meeting_date:%-d %B %Y}",
                )
    if recorder is None:
        check.problem("The paper", "Name who imports it (--by): nobody in the paper is a Highlight user")
    if check.problems or meeting_date is None or reported is None:
        return None, recorder, check.problems
    kept = PaperImport(
        title=values["workstream"],
        meeting_date=meeting_date,
        meeting=meeting,
        meeting_name=meeting_name,
        reported_rag=reported,
        previous_rag=previous,
        reason=values["reason"],
        introduction=introduction,
        periods=periods,
        narratives=narratives,
        names=names,
        people=people,
        sections=[
            (s.number, s.title, s.milestone_rows, narratives.get(s.number, {}) if s.number is not None else {})
            for s in paper.sections
        ],
    )
    return kept, recorder, check.problems


def _meeting_date(check: _Check, text: str) -> date | None:
    label = check.header("meeting")[0]
    place = f"Header table, row {label}"
    if not text:
        check.problem(place, "Enter the board meeting's date: the paper is kept as the report for that meeting")
        return None
    try:
        when, is_month, _ = parse_paper_date(text)
    except ValueError as error:
        check.problem(place, str(error))
        return None
    if is_month:
        check.problem(place, f'Enter the day of the meeting, not only its month ("{text}")')
        return None
    return when


def _rag(check: _Check, name: str, text: str, *, required: bool) -> str | None:
    label = check.header(name)[0]
    try:
        rag = stated_rag(text)
    except DomainError as error:
        check.problem(f"Header table, row {label}", error.message)
        return None
    if rag is None and required:
        check.problem(f"Header table, row {label}", "Enter Red, Amber or Green")
    return rag.value if rag else None


def _periods(check: _Check, paper: Paper) -> dict[str, object]:
    """The reporting period and the next one, from the first "From: … To: …" row."""
    out: dict[str, object] = {}
    names = (("period_from", "period_to"), ("next_from", "next_to"))
    for (start, end), period in zip(names, paper.periods, strict=False):
        for name, text in zip((start, end), period, strict=True):
            out[name], out[f"{name}_is_month"] = None, False
            if not text.strip(" —–-"):
                continue
            try:
                when, is_month, _ = parse_paper_date(text)
            except ValueError as error:
                check.problem(f"Progress to Date, {'From' if name == start else 'To'}", str(error))
                continue
            out[name], out[f"{name}_is_month"] = when, is_month
    return out


def _meeting(session: Session, programme, when: date) -> tuple[BoardMeeting | None, str]:
    """The programme's meeting on that date, or the name a new one takes (its latest meeting's, as boards keep
    their names)."""
    found = session.scalar(
        select(BoardMeeting).where(BoardMeeting.programme_id == programme.id, BoardMeeting.date == when).limit(1)
    )
    if found is not None:
        return found, found.name
    latest = session.scalar(
        select(BoardMeeting.name)
        .where(BoardMeeting.programme_id == programme.id)
        .order_by(BoardMeeting.date.desc())
        .limit(1)
    )
    return None, latest or DEFAULT_MEETING_NAME


def _an_admin(session: Session) -> User | None:
    return session.scalar(select(User).where(User.is_admin.is_(True), User.active.is_(True)).order_by(User.id).limit(1))


def apply_paper(session: Session, actor: User | None, prepared: ImportPlan, workstream: Workstream) -> Report:
    """Keep the paper as the workstream's signed-off report for its meeting (created if the programme has none
    on that date): its header, periods and narratives; a snapshot of the report as at the meeting, as a
    submission takes; the paper's sponsor and lead made members where they are Highlight users. Flushes; the
    caller commits."""
    paper, recorder = prepared.report, prepared.recorder
    if paper is None or recorder is None:  # prepare_paper gives a paper's plan both, or refuses the paper
        raise ValueError("Only a paper's import plan carries a report to keep and whom it is kept against")
    if not workstream.title and paper.title:
        workstream.title = paper.title[:400]
    for name, role in (("sponsor", Role.SPONSOR), ("lead", Role.LEAD)):
        person = paper.people.get(name)
        if person is not None and role not in person.roles_in(workstream.id):
            users.add_membership(session, actor, person, workstream, role)
    meeting = paper.meeting or admin.add_meeting(
        session, actor, workstream.programme, paper.meeting_name, paper.meeting_date
    )
    at = datetime.combine(paper.meeting_date, time(0, 0), tzinfo=UTC)
    completed_by = paper.people.get("completed_by")
    report = Report(
        workstream_id=workstream.id,
        meeting_id=meeting.id,
        state=ReportState.DRAFT.value,
        introduction=paper.introduction,
        completed_by_id=completed_by.id if completed_by else None,
        reported_rag=paper.reported_rag,
        rag_reason=paper.reason,
        override_justification="",
        returned_comments="",
        **paper.periods,
    )
    session.add(report)
    session.flush()
    sections = {s.number: s for s in session.scalars(select(Section).where(Section.workstream_id == workstream.id))}
    for number, texts in paper.narratives.items():
        if number in sections:
            session.add(SectionNarrative(report_id=report.id, section_id=sections[number].id, **texts))
    session.flush()
    signer = paper.names.get("completed_by") or recorder.name
    document = document_for_submission(session, report, signer, at)
    if is_override(document["rag"]["computed"], paper.reported_rag):
        # The paper was decided before Highlight: its RAG stands as reported, and says so.
        report.override_justification = f"As reported in the signed-off paper ({prepared.filename}), before Highlight"
        document = document_for_submission(session, report, signer, at)
    body = canonical_json(document)
    snapshot = ReportSnapshot(
        report_id=report.id, sequence=1, body=body, sha256=sha256_of(body), created_by_id=recorder.id, created_at=at
    )
    session.add(snapshot)
    session.flush()
    report.state = ReportState.SIGNED_OFF.value
    report.submitted_at = report.signed_off_at = at
    report.submitted_by_id = None
    report.signed_off_by_id = None
    session.flush()
    audit.record(
        session,
        actor,
        "report.imported",
        report,
        workstream_id=workstream.id,
        summary=f"Imported {prepared.filename} as the signed-off report for {meeting.name} on "
        f"{paper.meeting_date:%-d %B %Y} (reported {paper.reported_rag}, sha256 {snapshot.sha256})",
        after={"file": prepared.filename, "sha256": prepared.sha256, "snapshot_sha256": snapshot.sha256},
    )
    return report


def add_paper_sections(result: ImportPlan, paper: PaperImport, existing: set[int]) -> None:
    """The paper's sections that have no milestones (a narrative only) are created too."""
    for number, title, _, _ in paper.sections:
        if number is not None and title and number not in result.sections and number not in existing:
            result.sections[number] = title
            result.changes.append(Change("section", f"{number}. {title}", "added"))
    sections = sorted((c for c in result.changes if c.kind == "section"), key=lambda c: int(c.key.split(".")[0]))
    result.changes = sections + [c for c in result.changes if c.kind != "section"]
