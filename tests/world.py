"""A small programme with one person in every role, and a second workstream whose ids must never leak."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from app.domain.permissions import Role
from app.extensions import db
from app.models import BoardDecision, BoardMeeting, Evidence, Proposal, Report, ReportSnapshot, SectionNarrative
from tests.factories import (
    make_member,
    make_milestone,
    make_programme,
    make_risk,
    make_section,
    make_user,
    make_workstream,
)


@dataclass
class Side:
    workstream: object
    lead: object
    owner: object
    sponsor: object
    viewer: object
    section: object
    milestone: object
    risk: object
    proposal: object
    evidence: object
    report: object
    snapshot: object
    people: dict = field(default_factory=dict)
    decision: object = None


@dataclass
class World:
    programme: object
    meeting: object
    admin: object
    a: Side
    b: Side

    def user(self, role: str):
        """The person playing ``role`` in workstream A; ``outsider`` is B's lead; ``admin`` the admin."""
        if role == "admin":
            return self.admin
        if role == "outsider":
            return self.b.lead
        return self.a.people[role]


def _side(programme, meeting, name: str) -> Side:
    workstream = make_workstream(name, programme)
    people = {role.value: make_member(workstream, role, f"{name} {role.value}") for role in Role}
    section = make_section(workstream, 1, "Responding to feedback")
    milestone = make_milestone(section, "1.1", owner_id=people["owner"].id, due=date(2030, 3, 31))
    risk = make_risk(workstream, "Resourcing")
    proposal = Proposal(
        milestone_id=milestone.id,
        kind="completion",
        proposed_by_id=people["owner"].id,
        completion_date=date(2021, 4, 1),
        note="Done",
    )
    db.session.add(proposal)
    db.session.flush()
    evidence = Evidence(
        proposal_id=proposal.id,
        kind="file",
        filename="evidence.txt",
        media_type="text/plain",
        size=5,
        sha256=hashlib.sha256(b"hello").hexdigest(),
        content=b"hello",
        uploaded_by_id=people["owner"].id,
    )
    report = Report(workstream_id=workstream.id, meeting_id=meeting.id, state="draft")
    db.session.add_all([evidence, report])
    db.session.flush()
    db.session.add(SectionNarrative(report_id=report.id, section_id=section.id, progress="Progress"))
    snapshot = ReportSnapshot(
        report_id=report.id, sequence=1, body="{}", sha256="0" * 64, created_by_id=people["lead"].id
    )
    decision = BoardDecision(
        workstream_id=workstream.id,
        raised_on_report_id=report.id,
        text=f"Agree the {name} data sharing protocol",
        outcome="",
        created_by_id=people["lead"].id,
    )
    db.session.add_all([snapshot, decision])
    db.session.flush()
    return Side(
        workstream,
        people["lead"],
        people["owner"],
        people["sponsor"],
        people["viewer"],
        section,
        milestone,
        risk,
        proposal,
        evidence,
        report,
        snapshot,
        people,
        decision,
    )


def build_world() -> World:
    programme = make_programme("Improvement Programme")
    meeting = BoardMeeting(programme_id=programme.id, name="Improvement Board", date=date(2030, 4, 19))
    db.session.add(meeting)
    db.session.flush()
    admin = make_user("Ada Admin", is_admin=True)
    world = World(programme, meeting, admin, _side(programme, meeting, "Alpha"), _side(programme, meeting, "Beta"))
    db.session.commit()
    return world
