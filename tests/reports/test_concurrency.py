"""Many lifecycle steps at once against a real threaded server and the configured database (SQLite, or PostgreSQL
when TEST_DATABASE_URL is set): a report is signed off once, or returned or withdrawn once, never both; every
other request answers 409 with why, and none answers 500."""

from collections import Counter

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.models import AuditEvent, Notification
from tests.live_server import Browser, all_at_once
from tests.reports.conftest import refresh, snapshots, submit

pytestmark = pytest.mark.concurrency

SIGN_OFFS = 100
LIFECYCLE = ("report.signed_off", "report.returned", "report.withdrawn")


def _events(db, report) -> Counter:
    rows = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "report", AuditEvent.object_id == report.id, AuditEvent.action.in_(LIFECYCLE)
        )
    )
    return Counter(rows)


def test_a_hundred_sign_offs_at_once_sign_the_report_off_once(demo, server, db, login_as):
    submit(login_as(demo.lead), demo.report)
    [snapshot] = snapshots(refresh(demo.report))
    sponsor = Browser(server, demo.sponsor.email)
    path = url_for("reports.sign_off", report_id=demo.report.id)

    results = all_at_once([lambda: sponsor.post(path, {"snapshot_id": snapshot.id}) for _ in range(SIGN_OFFS)])

    statuses = Counter(status for status, _ in results)
    assert statuses == {303: 1, 409: SIGN_OFFS - 1}, statuses
    report = refresh(demo.report)
    assert report.state == "signed_off" and report.signed_off_by_id == demo.sponsor.id
    assert _events(db, report) == {"report.signed_off": 1}
    for status, body in results:
        if status == 409:
            assert f"signed off by {demo.sponsor.name} on" in body
    told = db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == demo.lead.id, Notification.text.contains("was signed off")
        )
    )
    assert told == 1


def test_returns_and_withdrawals_racing_sign_offs_leave_one_outcome(demo, server, db, login_as):
    submit(login_as(demo.lead), demo.report)
    [snapshot] = snapshots(refresh(demo.report))
    sponsor = Browser(server, demo.sponsor.email)
    lead = Browser(server, demo.lead.email)
    report_id = demo.report.id
    sign = url_for("reports.sign_off", report_id=report_id)
    back = url_for("reports.return_report", report_id=report_id)
    withdraw = url_for("reports.withdraw", report_id=report_id)
    calls = []
    for n in range(30):
        calls.append(lambda: ("sign-off", *sponsor.post(sign, {"snapshot_id": snapshot.id})))
        if n % 2 == 0:
            calls.append(lambda: ("return", *sponsor.post(back, {"comments": "Say more about 1.6"})))
        if n % 3 == 0:
            calls.append(lambda: ("withdraw", *lead.post(withdraw, {})))

    results = all_at_once(calls)

    statuses = Counter(status for _, status, _ in results)
    assert statuses == {303: 1, 409: len(calls) - 1}, statuses
    [winner] = [step for step, status, _ in results if status == 303]
    report = refresh(demo.report)
    expected = {"sign-off": "report.signed_off", "return": "report.returned", "withdraw": "report.withdrawn"}[winner]
    assert _events(db, report) == {expected: 1}
    assert report.state == ("signed_off" if winner == "sign-off" else "draft")
    assert (report.returned_comments == "Say more about 1.6") is (winner == "return")
    assert len(snapshots(report)) == 1
