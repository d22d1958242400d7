"""Loading the seed report (app.demo.data) as the demo programme, as published or set in today's week."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo import data, week
from app.domain.dates import parse_plan_date
from app.domain.demo import DemoCalendar, as_published, demo_calendar
from app.domain.evidence import DEFAULT_MAX_BYTES
from app.domain.permissions import Role
from app.domain.proposals import Kind
from app.domain.reports import ReportState
from app.models import BoardMeeting, Milestone, Programme, Report, Section, SectionNarrative, User, Workstream
from app.services import admin, plan, proposals, reports, risks, users
from app.services.audit import record


class DatabaseNotEmpty(Exception):
    """The database holds data other than the demo: seed-demo will not touch it."""


def demo_state(session: Session) -> str:
    """``"empty"``, ``"demo"`` (already loaded) or ``"other"``."""
    if not session.scalar(select(func.count(User.id))) and not session.scalar(select(func.count(Programme.id))):
        return "empty"
    programme = session.scalar(select(Programme).where(Programme.name == data.PROGRAMME["name"]))
    if programme is not None and users.find_by_email(session, data.ADMIN) is not None:
        return "demo"
    return "other"


def seed_meeting() -> date:
    """The seed report's board meeting (19 April 2021)."""
    return date.fromisoformat(_text(data.REPORT, "meeting_date"))


def demo_calendar_for(today: date | None) -> DemoCalendar:
    """How the demo's dates move: not at all as published (``today`` None), else into ``today``'s week."""
    return as_published(seed_meeting()) if today is None else demo_calendar(seed_meeting(), today)


def load_demo(session: Session, password: str, today: date | None = None) -> dict[str, User]:
    """Create the seed's programme, people, plan, risks, meetings and draft report.

    With ``today`` None the seed is loaded as published: its own dates, its meeting on 19 April 2021, nothing
    else. With a date the demo is set in that date's week: every seed date moves by the same whole months
    (app.domain.demo), so the meeting falls 14 to 42 days later, and the week's story (app.demo.week) is added: the
    previous paper signed off, a few actions overdue and due soon, proposals decided and waiting.
    Raises DatabaseNotEmpty, or DomainError for a password shorter than the minimum.
    """
    if demo_state(session) != "empty":
        raise DatabaseNotEmpty("The database already holds data; seed-demo only loads into an empty database")
    users.check_password(password)
    calendar = demo_calendar_for(today)
    people = {
        email: users.create_user(
            session, None, email=email, name=person.name, password=password, is_admin=person.role == "admin"
        )
        for email, person in data.PEOPLE.items()
    }
    actor = people[data.ADMIN]
    programme = admin.get_or_create_programme(session, actor, data.PROGRAMME["name"], data.PROGRAMME["council"])
    workstream = admin.create_workstream(session, actor, programme, data.WORKSTREAM["name"], data.WORKSTREAM["title"])
    for email, person in data.PEOPLE.items():
        if person.role != "admin":
            users.add_membership(session, actor, people[email], workstream, Role(person.role))

    lead = people[data.LEAD]
    sections = {s.number: plan.add_section(session, lead, workstream, s.number, s.title) for s in data.SECTIONS}
    # In the week, these completions are made through the owners' proposals rather than recorded as imported.
    proposed = set() if today is None else {p.reference for p in week.PROPOSALS if p.decision == "approve"}
    milestones = {}
    for row in data.MILESTONES:
        due, due_is_month = _date(row.due, calendar)
        revised, revised_is_month = _date(row.revised_due, calendar)
        milestone = plan.add_milestone(
            session,
            lead,
            workstream,
            {
                "section_id": sections[row.section].id,
                "reference": row.reference,
                "text": calendar.move_text(row.milestone),
                "owner_id": people[row.owner_email].id,
                "due": due,
                "due_is_month": due_is_month,
                "revised_due": revised,
                "revised_due_is_month": revised_is_month,
                "comments": calendar.move_text(row.comments),
            },
        )
        if row.completed_on and row.reference not in proposed:
            completed, completed_is_month = _moved_date(row.completed_on, calendar)
            plan.record_imported_completion(session, lead, milestone, completed, completed_is_month)
        if row.removed_reason:
            plan.remove_milestone(session, lead, milestone, calendar.move_text(row.removed_reason))
        milestones[row.reference] = milestone

    for risk in data.RISKS:
        mitigation_date, mitigation_is_month = _date(risk.mitigation_date, calendar)
        created = risks.add_risk(
            session,
            lead,
            workstream,
            {
                "reference": risk.reference,
                "title": calendar.move_text(risk.risk),
                "description": calendar.move_text(risk.description),
                "likelihood": risk.likelihood,
                "impact": risk.impact,
                "mitigation": calendar.move_text(risk.mitigation),
                "mitigation_date": mitigation_date,
                "mitigation_date_is_month": mitigation_is_month,
                "owner_id": people[risk.owner_email].id,
            },
        )
        if not risk.open:
            risks.set_risk_closed(session, lead, created, True)

    meetings = {
        m.date: admin.add_meeting(session, actor, programme, m.name, _meeting_date(m.date, calendar))
        for m in data.MEETINGS
    }
    if today is not None:
        _sign_off_previous(session, calendar, workstream, meetings, sections, people)
    narratives = {s.number: (s.barriers, s.action_required, s.progress, s.next_activity) for s in data.SECTIONS}
    _add_report(
        session,
        calendar,
        workstream,
        meetings[_text(data.REPORT, "meeting_date")],
        sections,
        people,
        data.REPORT,
        narratives,
    )
    if today is not None:
        _add_second_workstream(session, actor, programme, people, today)
        _make_proposals(session, calendar, people, milestones, today)
    return people


def _date(text: str | None, calendar: DemoCalendar) -> tuple[date | None, bool]:
    if not text:
        return None, False
    return _moved_date(text, calendar)


def _moved_date(text: str, calendar: DemoCalendar) -> tuple[date, bool]:
    parsed, month_only = parse_plan_date(text)
    return calendar.move(parsed, month_only), month_only


def _text(header: Mapping[str, object], key: str) -> str:
    """A text field of one of the demo's report headers (their other fields are dates, RAGs or narratives)."""
    value = header[key]
    if not isinstance(value, str):
        raise TypeError(f"The demo report's {key} is {value!r}, not text")
    return value


def _meeting_date(text: str, calendar: DemoCalendar) -> date:
    # The report's meeting lands where the calendar put it (in its window); any other meeting moves by its months.
    if text == data.REPORT["meeting_date"]:
        return calendar.meeting
    return calendar.move(date.fromisoformat(text), False)


def _moment(text: str, calendar: DemoCalendar) -> datetime:
    written = datetime.fromisoformat(text)
    return datetime.combine(calendar.move(written.date(), False), written.time(), tzinfo=UTC)


def _add_report(
    session: Session,
    calendar: DemoCalendar,
    workstream: Workstream,
    meeting: BoardMeeting,
    sections: dict[int, Section],
    people: dict[str, User],
    header: dict,
    narratives: dict[int, tuple[str, str, str, str]],
) -> Report:
    """A draft report for ``meeting`` from a header like data.REPORT and (barriers, action, progress, next) texts."""
    moved = {key: _date(header[key], calendar) for key in ("period_from", "period_to", "next_from", "next_to")}
    report = Report(
        workstream_id=workstream.id,
        meeting_id=meeting.id,
        state=ReportState.DRAFT.value,
        **{key: value for key, (value, _) in moved.items()},
        **{f"{key}_is_month": month_only for key, (_, month_only) in moved.items()},
        introduction=calendar.move_text(header["introduction"]),
        completed_by_id=people[header["completed_by"]].id,
        reported_rag=header.get("reported_rag"),
        rag_reason=calendar.move_text(header["reason_for_rag"]),
    )
    session.add(report)
    session.flush()
    for number, texts in narratives.items():
        barriers, action_required, progress, next_activity = (calendar.move_text(text) for text in texts)
        session.add(
            SectionNarrative(
                report_id=report.id,
                section_id=sections[number].id,
                barriers=barriers,
                action_required=action_required,
                progress=progress,
                next_activity=next_activity,
            )
        )
    lead = people[data.LEAD]
    record(session, lead, "report.created", report, summary=f"Draft report for {meeting.name} {meeting.date}")
    return report


def _sign_off_previous(session, calendar, workstream, meetings, sections, people) -> Report:
    """The paper for the earlier meeting, submitted by the lead and signed off by the sponsor before it met."""
    header = week.PREVIOUS_REPORT
    meeting = meetings[_text(header, "meeting_date")]
    narratives = cast("dict[int, tuple[str, str, str, str]]", header["narratives"])  # as week.py writes them
    report = _add_report(session, calendar, workstream, meeting, sections, people, header, narratives)
    snapshot = reports.submit_report(
        session, people[data.LEAD], report, now=_moment(_text(header, "submitted_at"), calendar)
    )
    reports.sign_off_report(
        session, people[data.SPONSOR], report, snapshot.id, now=_moment(_text(header, "signed_off_at"), calendar)
    )
    return report


def _add_second_workstream(session, actor, programme, people, today: date) -> None:
    """The week's second workstream: the same people, and actions overdue or falling due around ``today``."""
    workstream = admin.create_workstream(
        session, actor, programme, week.SECOND_WORKSTREAM["name"], week.SECOND_WORKSTREAM["title"]
    )
    for email, person in data.PEOPLE.items():
        if person.role != "admin":
            users.add_membership(session, actor, people[email], workstream, Role(person.role))
    lead = people[data.LEAD]
    sections = {
        number: plan.add_section(session, lead, workstream, number, title) for number, title in week.SECOND_SECTIONS
    }
    for action in week.ACTIONS:
        plan.add_milestone(
            session,
            lead,
            workstream,
            {
                "section_id": sections[action.section].id,
                "reference": action.reference,
                "text": action.milestone,
                "owner_id": people[action.owner_email].id,
                "due": today + timedelta(days=action.due_in_days),
                "due_is_month": False,
                "comments": action.comments,
            },
        )


def _make_proposals(session, calendar, people, milestones: dict[str, Milestone], today: date) -> None:
    """The owners' proposals, made and decided through the same service as in the app, oldest first."""
    for made in week.PROPOSALS:
        completion, completion_is_month = _date(made.completion_on, calendar)
        new_due, new_due_is_month = _date(made.new_due, calendar)
        proposal = proposals.propose(
            session,
            people[made.proposer_email],
            milestones[made.reference],
            Kind(made.kind),
            proposals.ProposalInput(
                completion_date=completion,
                completion_is_month=completion_is_month,
                new_due=new_due,
                new_due_is_month=new_due_is_month,
                reason=calendar.move_text(made.reason),
                note=calendar.move_text(made.note),
                links=made.links,
            ),
            [proposals.Upload(f.filename, f.content) for f in made.files],
            today=today,
            max_bytes=DEFAULT_MAX_BYTES,
        )
        if made.decision:
            # Nobody decides their own proposal: the sponsor decides the lead's.
            decider = people[data.SPONSOR if made.proposer_email == data.LEAD else data.LEAD]
            proposals.decide(
                session, decider, proposal, made.decision, calendar.move_text(made.decision_reason), proposal.version
            )
