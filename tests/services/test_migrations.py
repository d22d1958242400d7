"""`flask db upgrade` on an existing database keeps its data, and the models match the migrations."""

from contextlib import contextmanager

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import Milestone, User
from app.services.demo import load_demo


@contextmanager
def demo_at(tmp_path, revision: str):
    """An app context on a SQLite database holding the demo at ``revision``: written by today's models, then the
    schema taken back to that revision with the data in it."""
    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'old.db'}", tmp_path))
    with app.app_context():
        # The demo is loaded by today's models, then the database is taken back to an early revision (each
        # downgrade keeps the rows) and upgraded again, as an old database is.
        upgrade(revision="heads")
        load_demo(db.session, "a-demo-password")
        db.session.commit()
        db.session.remove()
        downgrade(revision=revision)
        yield
        db.engine.dispose()


def test_upgrade_from_the_first_revisions_keeps_the_demo_data(tmp_path):
    with demo_at(tmp_path, "0002_append_only"):
        before = (db.session.scalar(select(func.count(Milestone.id))), db.session.scalar(select(func.count(User.id))))
        db.session.remove()
        downgrade(revision="0002_append_only")
        upgrade(revision="heads")
        after = (db.session.scalar(select(func.count(Milestone.id))), db.session.scalar(select(func.count(User.id))))
        assert before == after == (60, 6)


def test_every_model_table_and_column_exists_after_migrating(app):
    inspector = inspect(db.engine)
    for table in db.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        missing = {c.name for c in table.columns} - columns
        assert not missing, f"{table.name} lacks {missing}: add a migration"


def test_downgrade_to_the_first_revision_and_back(tmp_path):
    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'roundtrip.db'}", tmp_path))
    with app.app_context():
        upgrade(revision="heads")
        downgrade(revision="0001_initial")
        upgrade(revision="heads")
        assert "audit_events" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_session_tokens_arrive_without_losing_users_or_their_memberships(tmp_path):
    with demo_at(tmp_path, "0004_merge"):
        memberships = db.session.scalar(text("SELECT count(*) FROM memberships"))
        db.session.remove()
        upgrade(revision="heads")
        tokens = db.session.scalars(select(User.session_token)).all()
        after = db.session.scalar(text("SELECT count(*) FROM memberships"))

    assert memberships == after > 0
    assert len(tokens) == len(set(tokens)) == 6
    assert all(len(token) >= 32 for token in tokens)


def test_sign_in_columns_arrive_without_losing_users_their_passwords_or_memberships(tmp_path):
    with demo_at(tmp_path, "0009_imports"):
        before = db.session.execute(text("SELECT email, password_hash FROM users ORDER BY id")).all()
        memberships = db.session.scalar(text("SELECT count(*) FROM memberships"))
        db.session.remove()
        upgrade(revision="heads")
        after = db.session.execute(text("SELECT email, password_hash FROM users ORDER BY id")).all()
        people = db.session.scalars(select(User)).all()

        assert before == after and len(after) == 6
        assert db.session.scalar(text("SELECT count(*) FROM memberships")) == memberships > 0
        assert all(p.totp_secret is None and p.oidc_subject is None for p in people)
        assert {"account_tokens", "recovery_codes", "remembered_devices", "held_forms"} <= set(
            inspect(db.engine).get_table_names()
        )


def test_kept_exports_keep_their_bytes_and_may_leave_them_to_the_object_store(tmp_path):
    insert = text(
        "INSERT INTO kept_exports (snapshot_sha256, renderer, format, view_sha256, sha256, size, content, created_at)"
        " VALUES (:snapshot, 'renderer', 'pdf', 'view', 'sha', 3, :content, '2026-01-01 00:00:00')"
    )
    with demo_at(tmp_path, "0011_signin"):
        db.session.execute(insert, {"snapshot": "a" * 64, "content": b"PDF"})
        db.session.commit()
        db.session.remove()
        upgrade(revision="heads")
        db.session.execute(insert, {"snapshot": "b" * 64, "content": None})
        kept = db.session.execute(text("SELECT snapshot_sha256, content FROM kept_exports ORDER BY id")).all()

    assert [(snapshot[0], content) for snapshot, content in kept] == [("a", b"PDF"), ("b", None)]
