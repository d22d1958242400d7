"""Accounts: a new password or a change of the active flag ends the user's sessions, whatever path sets it."""

import pytest
from sqlalchemy import select

from app.domain.errors import DomainError
from app.models import AuditEvent
from app.services import users
from tests.factories import make_user


def _token_changes(session, user, change) -> bool:
    before = user.session_token
    change()
    session.flush()
    return user.session_token != before


def test_every_user_gets_a_session_token_of_their_own(session):
    one, two = make_user(), make_user()
    assert one.session_token and two.session_token and one.session_token != two.session_token
    assert one.get_id() == f"{one.id}:{one.session_token}"


def test_a_new_password_through_the_service_ends_sessions_and_is_audited(session):
    user = make_user()
    assert _token_changes(session, user, lambda: users.set_password(session, None, user, "a new password"))
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == user.id)) == "user.password_changed"


def test_any_new_password_hash_ends_sessions_whatever_sets_it(session):
    user = make_user()
    assert _token_changes(session, user, lambda: setattr(user, "password_hash", users.hash_password("other one!")))


def test_the_same_value_again_ends_nothing(session):
    user = make_user()
    assert not _token_changes(session, user, lambda: setattr(user, "active", True))
    assert not _token_changes(session, user, lambda: users.set_active(session, None, user, True))


def test_deactivating_and_reactivating_each_end_sessions(session):
    user = make_user()
    assert _token_changes(session, user, lambda: users.set_active(session, None, user, False))
    assert not user.active
    assert _token_changes(session, user, lambda: users.set_active(session, None, user, True))
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == user.id)).all()
    assert actions == ["user.deactivated", "user.reactivated"]


def test_signing_out_ends_sessions(session):
    user = make_user()
    assert _token_changes(session, user, lambda: users.end_sessions(session, user))


def test_an_admin_cannot_deactivate_themselves(session):
    admin = make_user(is_admin=True)
    with pytest.raises(DomainError) as error:
        users.set_active(session, admin, admin, False)
    assert error.value.field == "active"
    assert admin.active


def test_a_short_new_password_is_refused_and_nothing_changes(session):
    user = make_user()
    before = (user.password_hash, user.session_token)
    with pytest.raises(DomainError) as error:
        users.set_password(session, None, user, "short")
    assert error.value.field == "password"
    assert (user.password_hash, user.session_token) == before
