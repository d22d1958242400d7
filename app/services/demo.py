"""Loading the seed report (app.demo.data) as the demo programme."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo import data
from app.domain.dates import parse_plan_date
from app.domain.permissions import Role
from app.models import Programme, Report, SectionNarrative, User
from app.services import admin, plan, risks, users
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


def _date(text: str | None) -> tuple[date | None, bool]:
    return parse_plan_date(text) if text else (None, False)


def load_demo(session: Session, password: str) -> dict[str, User]:
    """Create the seed's programme, people, plan, risks, meetings and draft report. Raises DatabaseNotEmpty."""
    if demo_state(session) != "empty":
        raise DatabaseNotEmpty("The database already holds data; seed-demo only loads into an empty database")
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
    for row in data.MILESTONES:
        due, due_is_month = _date(row.due)
        revised, revised_is_month = _date(row.revised_due)
        milestone = plan.add_milestone(
            session,
            lead,
            workstream,
            {
                "section_id": sections[row.section].id,
                "reference": row.reference,
                "text": row.milestone,
                "owner_id": people[row.owner_email].id,
                "due": due,
                "due_is_month": due_is_month,
                "revised_due": revised,
                "revised_due_is_month": revised_is_month,
                "comments": row.comments,
            },
        )
        if row.completed_on:
            completed, completed_is_month = _date(row.completed_on)
            plan.record_imported_completion(session, lead, milestone, completed, completed_is_month)
        if row.removed_reason:
            plan.remove_milestone(session, lead, milestone, row.removed_reason)

    for risk in data.RISKS:
        mitigation_date, mitigation_is_month = _date(risk.mitigation_date)
        created = risks.add_risk(
            session,
            lead,
            workstream,
            {
                "reference": risk.reference,
                "title": risk.risk,
                "description": risk.description,
                "likelihood": risk.likelihood,
                "impact": risk.impact,
                "mitigation": risk.mitigation,
                "mitigation_date": mitigation_date,
                "mitigation_date_is_month": mitigation_is_month,
                "owner_id": people[risk.owner_email].id,
            },
        )
        if not risk.open:
            risks.set_risk_closed(session, lead, created, True)

    meetings = {
        m.date: admin.add_meeting(session, actor, programme, m.name, date.fromisoformat(m.date)) for m in data.MEETINGS
    }
    _load_report(session, lead, workstream, meetings[data.REPORT["meeting_date"]], sections, people)
    return people


def _load_report(session, lead, workstream, meeting, sections, people) -> Report:
    header = data.REPORT
    period_from, period_from_m = _date(header["period_from"])
    period_to, period_to_m = _date(header["period_to"])
    next_from, next_from_m = _date(header["next_from"])
    next_to, next_to_m = _date(header["next_to"])
    report = Report(
        workstream_id=workstream.id,
        meeting_id=meeting.id,
        state="draft",
        period_from=period_from,
        period_from_is_month=period_from_m,
        period_to=period_to,
        period_to_is_month=period_to_m,
        next_from=next_from,
        next_from_is_month=next_from_m,
        next_to=next_to,
        next_to_is_month=next_to_m,
        introduction=header["introduction"],
        completed_by_id=people[header["completed_by"]].id,
        reported_rag=header["reported_rag"],
        rag_reason=header["reason_for_rag"],
    )
    session.add(report)
    session.flush()
    for s in data.SECTIONS:
        session.add(
            SectionNarrative(
                report_id=report.id,
                section_id=sections[s.number].id,
                barriers=s.barriers,
                action_required=s.action_required,
                progress=s.progress,
                next_activity=s.next_activity,
            )
        )
    record(session, lead, "report.created", report, summary=f"Draft report for {meeting.name} {meeting.date}")
    return report
