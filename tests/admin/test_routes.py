from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, BoardMeeting, Membership, User, Workstream
from tests.conftest import parse


def test_admin_invites_a_user_who_has_no_password_until_they_set_one(app, login_as, world):
    response = login_as(world.admin).post(
        url_for("admin.new_user"), data={"name": "New Person", "email": "New@Example.org", "password": "ignored!!"}
    )
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user is not None and not user.is_admin and not user.has_password
    # No password the admin could know signs them in.
    refused = app.test_client().post(url_for("auth.login"), data={"email": "new@example.org", "password": "ignored!!"})
    assert refused.status_code == 401


def test_the_invitation_form_asks_for_no_password(login_as, world):
    page = parse(login_as(world.admin).get(url_for("admin.new_user")))
    assert page.select_one("input[name=email]") and page.select_one("input[name=name]")
    assert not page.select("input[type=password]")


def test_taken_email_is_refused_naming_the_field(login_as, world):
    response = login_as(world.admin).post(url_for("admin.new_user"), data={"name": "Dup", "email": world.a.lead.email})
    page = parse(response)
    assert "already exists" in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one(".govuk-error-summary a")["href"] == "#email"


def test_admin_adds_and_removes_a_membership_with_audit(login_as, world):
    client = login_as(world.admin)
    person = world.b.owner
    response = client.post(
        url_for("admin.user", user_id=person.id), data={"workstream_id": world.a.workstream.id, "role": "sponsor"}
    )
    assert response.status_code == 303
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == person.id, Membership.workstream_id == world.a.workstream.id)
    )
    assert membership.role == "sponsor"
    client.post(url_for("admin.remove_membership", membership_id=membership.id))
    assert db.session.get(Membership, membership.id) is None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.workstream_id == world.a.workstream.id))
    assert {"membership.added", "membership.removed"} <= set(actions)


def test_holding_the_same_role_twice_is_refused(login_as, world):
    response = login_as(world.admin).post(
        url_for("admin.user", user_id=world.a.lead.id), data={"workstream_id": world.a.workstream.id, "role": "lead"}
    )
    assert "already" in parse(response).select_one(".govuk-error-summary").get_text()


def test_thresholds_are_validated_and_saved(login_as, world):
    client = login_as(world.admin)
    url = url_for("admin.thresholds", programme_id=world.programme.id)
    bad = parse(
        client.post(url, data={"amber_window_days": -1, "red_overdue_days": 28, "red_overdue_share": 150})
    ).select_one(".govuk-error-summary")
    assert "Enter 0 to 365 days" in bad.get_text() and "Enter 0 to 100" in bad.get_text()
    assert world.programme.amber_window_days == 14
    ok = client.post(url, data={"amber_window_days": 7, "red_overdue_days": 21, "red_overdue_share": 25})
    assert ok.status_code == 303
    db.session.refresh(world.programme)
    assert (world.programme.amber_window_days, world.programme.red_overdue_days) == (7, 21)
    assert world.programme.red_overdue_share == 0.25


def test_admin_adds_a_workstream_and_a_meeting(login_as, world):
    client = login_as(world.admin)
    client.post(url_for("admin.new_workstream"), data={"programme_id": world.programme.id, "name": "Gamma"})
    assert db.session.scalar(select(Workstream).where(Workstream.name == "Gamma")) is not None
    dup = parse(
        client.post(url_for("admin.new_workstream"), data={"programme_id": world.programme.id, "name": "Gamma"})
    )
    assert "already has a workstream called Gamma" in dup.select_one(".govuk-error-summary").get_text()
    client.post(
        url_for("admin.new_meeting"),
        data={"programme_id": world.programme.id, "name": "Children's Improvement Board", "date": "2030-06-21"},
    )
    assert db.session.scalar(
        select(BoardMeeting).where(BoardMeeting.date.isnot(None)).order_by(BoardMeeting.id.desc())
    ).name


def test_create_user_command(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "cli@example.org", "--name", "Cli User", "--password", "a-good-password"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "cli@example.org")).name == "Cli User"
    again = app.test_cli_runner().invoke(
        args=["create-user", "--email", "cli@example.org", "--name", "X", "--password", "a-good-password"]
    )
    assert again.exit_code == 1 and "email" in again.output


def test_the_user_page_offers_deactivation_then_reactivation(login_as, world):
    admin = login_as(world.admin)
    person = world.a.viewer

    before = parse(admin.get(url_for("admin.user", user_id=person.id)))
    admin.post(url_for("admin.deactivate_user", user_id=person.id))
    after = parse(admin.get(url_for("admin.user", user_id=person.id)))

    assert before.select_one(f"form[action='{url_for('admin.deactivate_user', user_id=person.id)}'] button")
    assert "Deactivated" in after.select_one(".govuk-tag").get_text()
    assert after.select_one(f"form[action='{url_for('admin.reactivate_user', user_id=person.id)}'] button")
    assert f"{person.name} can no longer sign in" in after.select_one(".govuk-notification-banner").get_text()


def test_an_admin_cannot_deactivate_their_own_account(login_as, world):
    admin = login_as(world.admin)

    response = admin.post(url_for("admin.deactivate_user", user_id=world.admin.id), follow_redirects=True)

    assert (
        "You cannot deactivate your own account" in parse(response).select_one(".govuk-notification-banner").get_text()
    )
    db.session.expire_all()
    assert db.session.get(User, world.admin.id).active
    assert admin.get(url_for("admin.index")).status_code == 200
