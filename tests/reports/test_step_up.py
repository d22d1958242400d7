"""Signing off needs a second factor entered within 12 hours: an older one sends the sponsor to enter it again and
back to the confirmation page, with what they posted kept."""

from flask import url_for

from app.services import second_factor
from tests.auth.helpers import code_for, give_second_factor, make_stale
from tests.conftest import parse
from tests.reports.conftest import refresh, sign_off, snapshots, submit


def test_a_stale_second_factor_is_asked_for_again_before_signing_off(app, demo, monkeypatch):
    now = 1_900_000_000.0
    monkeypatch.setattr(second_factor, "clock", lambda: now)
    secret = give_second_factor(demo.sponsor)
    submit(app.test_client(user=demo.lead), demo.report)
    sponsor = app.test_client(user=demo.sponsor)
    make_stale(sponsor)
    read = snapshots(demo.report)[-1].id

    asked = sign_off(sponsor, demo.report)
    confirm = url_for("reports.sign_off", report_id=demo.report.id)
    assert asked.status_code == 303
    assert asked.headers["Location"] == url_for("auth.confirm_second_factor", next=confirm)
    assert refresh(demo.report).state == "awaiting_sign_off"

    back = sponsor.post(asked.headers["Location"], data={"code": code_for(secret, now)})
    assert back.headers["Location"] == confirm
    page = parse(sponsor.get(confirm))
    assert page.select_one("input[name=snapshot_id]")["value"] == str(read)  # what was posted, kept

    signed = sign_off(sponsor, demo.report)
    assert signed.status_code == 303 and refresh(demo.report).state == "signed_off"


def test_a_fresh_second_factor_signs_off_at_once(app, demo):
    give_second_factor(demo.sponsor)
    submit(app.test_client(user=demo.lead), demo.report)
    sponsor = app.test_client(user=demo.sponsor)  # entered its code just now
    assert sign_off(sponsor, demo.report).status_code == 303
    assert refresh(demo.report).state == "signed_off"


def test_with_mfa_required_a_sponsor_without_an_app_sets_one_up_first(app, demo):
    app.config["MFA_REQUIRED"] = True
    submit(app.test_client(user=demo.lead), demo.report)
    sponsor = app.test_client(user=demo.sponsor)
    asked = sign_off(sponsor, demo.report)
    assert asked.headers["Location"].startswith(url_for("auth.confirm_second_factor"))
    assert sponsor.get(asked.headers["Location"]).headers["Location"] == url_for("auth.set_up_second_factor")
    assert refresh(demo.report).state == "awaiting_sign_off"
