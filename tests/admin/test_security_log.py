"""The security log: an admin reads every sign-in event, filtered and a page at a time, and downloads it as CSV."""

import csv
import io
from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models._base import utcnow
from app.services import audit, security_log
from tests.conftest import parse
from tests.factories import PASSWORD


def _rows(page) -> list[list[str]]:
    return [[td.get_text(strip=True) for td in tr.select("td")] for tr in page.select("#security-log tbody tr")]


def test_sign_ins_failures_and_deactivation_are_in_the_log(app, login_as, world):
    owner = world.a.owner
    app.test_client().post(url_for("auth.login"), data={"email": owner.email, "password": "not the password"})
    app.test_client().post(url_for("auth.login"), data={"email": owner.email, "password": PASSWORD})
    app.test_client().post(url_for("auth.login"), data={"email": "nobody@example.org", "password": PASSWORD})
    admin = login_as(world.admin)
    admin.post(url_for("admin.deactivate_user", user_id=owner.id))

    rows = _rows(parse(admin.get(url_for("admin.security_log"))))
    events = [(row[1], row[2]) for row in rows]
    assert ("Sign-in failed", owner.email) in events
    assert ("Signed in", owner.email) in events
    assert ("Sign-in failed", "") in events  # an address with no account: not named, but counted
    assert ("Deactivated", owner.email) in events
    assert all(row[4] == "127.0.0.1" for row in rows if row[1] in {"Sign-in failed", "Signed in"})
    # Other audit events (a plan's history) are not security events.
    assert "membership.added" not in {row[1] for row in rows}


def test_the_log_filters_by_event_person_and_date(app, login_as, world):
    for user in (world.a.owner, world.a.viewer):
        app.test_client().post(url_for("auth.login"), data={"email": user.email, "password": PASSWORD})
    admin = login_as(world.admin)

    only_owner = _rows(parse(admin.get(url_for("admin.security_log", person=world.a.owner.email.upper()))))
    assert {row[2] for row in only_owner} == {world.a.owner.email}
    failures = _rows(parse(admin.get(url_for("admin.security_log", event="sign_in.failed"))))
    assert failures == [["No events match"]]
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    assert _rows(parse(admin.get(url_for("admin.security_log", since=tomorrow)))) == [["No events match"]]
    assert admin.get(url_for("admin.security_log", since="not a date")).status_code == 400


def test_the_log_is_paginated_newest_first(app, login_as, world):
    for n in range(security_log.PAGE_SIZE + 3):
        audit.record_security(db.session, "sign_in.failed", user=world.a.owner, attempt=n)
    db.session.commit()
    admin = login_as(world.admin)
    first = parse(admin.get(url_for("admin.security_log", event="sign_in.failed")))
    second = parse(admin.get(url_for("admin.security_log", event="sign_in.failed", page=2)))
    assert len(_rows(first)) == security_log.PAGE_SIZE and len(_rows(second)) == 3
    assert f"attempt: {security_log.PAGE_SIZE + 2}" in _rows(first)[0][5]
    assert "attempt: 0" in _rows(second)[-1][5]
    assert first.select_one(".govuk-pagination__next a")


def test_the_log_downloads_as_csv_with_the_same_filters(app, login_as, world):
    app.test_client().post(url_for("auth.login"), data={"email": world.a.owner.email, "password": PASSWORD})
    audit.record_security(db.session, "sign_in.failed", user=world.a.viewer, reason='=HYPERLINK("x")')
    db.session.commit()
    admin = login_as(world.admin)
    response = admin.get(url_for("admin.security_log_csv", event="sign_in.failed"))
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == security_log.CSV_COLUMNS
    assert [row[1:3] for row in rows[1:]] == [["Sign-in failed", world.a.viewer.email]]
    assert rows[1][5].startswith("reason: =HYPERLINK")  # a cell not starting with = is not a formula


def test_the_log_cannot_be_changed(app, world):
    audit.record_security(db.session, "sign_in.failed", user=world.a.owner)
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in.failed"))
    event.action = "sign_in.succeeded"
    try:
        db.session.commit()
    except Exception:  # noqa: BLE001 - the database's own refusal (either engine)
        db.session.rollback()
    else:
        raise AssertionError("the audit trail accepted an update")
