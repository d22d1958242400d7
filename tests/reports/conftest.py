"""The demo (the seed's programme, with its draft report for 19 April 2021) and helpers to move a report along."""

from dataclasses import dataclass
from datetime import date

import pytest
from flask import url_for
from sqlalchemy import select

from app.demo import data
from app.extensions import db as _db
from app.models import BoardMeeting, Report, ReportSnapshot, User, Workstream
from app.services.demo import load_demo
from tests.factories import PASSWORD, _password_hash

MEETING_DATE = date(2021, 4, 19)


@dataclass
class Demo:
    people: dict[str, User]
    workstream: Workstream
    report: Report
    meeting: BoardMeeting

    @property
    def lead(self) -> User:
        return self.people[data.LEAD]

    @property
    def sponsor(self) -> User:
        return self.people[data.SPONSOR]

    @property
    def owner(self) -> User:
        return self.people[data.OWNER]

    @property
    def viewer(self) -> User:
        return self.people[data.VIEWER]

    @property
    def admin(self) -> User:
        return self.people[data.ADMIN]

    def user(self, role: str) -> User:
        return {"lead": self.lead, "sponsor": self.sponsor, "owner": self.owner, "viewer": self.viewer}.get(
            role, self.admin
        )


@pytest.fixture
def demo(app, monkeypatch) -> Demo:
    # argon2 is slow on purpose; one hash (of tests.factories.PASSWORD) serves every demo user here.
    monkeypatch.setattr("app.services.users.hash_password", lambda password: _password_hash())
    people = load_demo(_db.session, PASSWORD)
    _db.session.commit()
    report = _db.session.scalar(select(Report))
    return Demo(people, report.workstream, report, report.meeting)


def snapshots(report: Report) -> list[ReportSnapshot]:
    return list(
        _db.session.scalars(
            select(ReportSnapshot).where(ReportSnapshot.report_id == report.id).order_by(ReportSnapshot.sequence)
        )
    )


def submit(client, report: Report):
    return client.post(url_for("reports.submit", report_id=report.id))


def sign_off(client, report: Report):
    taken = snapshots(report)
    return client.post(
        url_for("reports.sign_off", report_id=report.id), data={"snapshot_id": taken[-1].id if taken else ""}
    )


def refresh(report: Report) -> Report:
    _db.session.expire_all()
    return _db.session.get(Report, report.id)
