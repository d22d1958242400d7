"""The database holds the line whoever connects, on SQLite and PostgreSQL alike: raw SQL cannot change evidence,
reopen a decided proposal, add a narrative to a signed-off report or empty a table of record. On PostgreSQL the app
runs as a role that owns nothing, so it cannot TRUNCATE or drop the triggers either."""

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from flask import g, url_for
from flask_migrate import upgrade
from sqlalchemy.exc import DatabaseError, DBAPIError

from app import create_app
from app.auth.sessions import SignedInClient
from app.config import TestConfig
from app.domain.proposals import Kind
from app.extensions import db
from app.models import Milestone, Report, ReportSnapshot, SectionNarrative
from app.services import proposals
from tests.conftest import POSTGRES_URL, _to_psycopg
from tests.factories import PASSWORD, make_section

TABLES_OF_RECORD = ("audit_events", "report_snapshots", "reports", "section_narratives", "proposals", "evidence")


def _refused(sql: str, **params) -> str:
    """Run raw SQL expecting the database to refuse it; the message it gave."""
    with pytest.raises(DatabaseError) as raised:
        db.session.execute(sa.text(sql), params)
        db.session.flush()
    db.session.rollback()
    return str(raised.value.orig)


def test_evidence_is_never_updated_or_deleted(world):
    evidence = world.a.evidence.id
    assert "never changed" in _refused("UPDATE evidence SET content = :c WHERE id = :id", c=b"forged", id=evidence)
    assert "never changed" in _refused("UPDATE evidence SET sha256 = :s WHERE id = :id", s="f" * 64, id=evidence)
    assert "never deleted" in _refused("DELETE FROM evidence WHERE id = :id", id=evidence)
    assert db.session.scalar(sa.text("SELECT content FROM evidence WHERE id = :id"), {"id": evidence}) == b"hello"


def test_a_decided_proposal_is_never_reopened_or_its_decision_changed(world):
    proposal = world.a.proposal
    proposals.decide(db.session, world.a.lead, proposal, "approve", "", 1)
    db.session.commit()
    for sql in (
        "UPDATE proposals SET state = 'pending' WHERE id = :id",
        "UPDATE proposals SET state = 'rejected', decision_reason = 'changed my mind' WHERE id = :id",
        "UPDATE proposals SET decided_by_id = :other WHERE id = :id",
        "UPDATE proposals SET decided_version = 2, version = 2 WHERE id = :id",
        "UPDATE proposals SET completion_date = '2020-01-01' WHERE id = :id",
        "DELETE FROM proposals WHERE id = :id",
    ):
        assert "a decided proposal never changes" in _refused(sql, id=proposal.id, other=world.a.sponsor.id), sql
    state = db.session.execute(
        sa.text("SELECT state, decided_by_id FROM proposals WHERE id = :id"), {"id": proposal.id}
    )
    assert state.one() == ("approved", world.a.lead.id)


def test_withdrawn_and_rejected_proposals_are_decided_too(world):
    db.session.execute(sa.text("UPDATE proposals SET state = 'withdrawn' WHERE id = :id"), {"id": world.a.proposal.id})
    db.session.commit()  # a pending proposal still moves on
    assert "never changes" in _refused("UPDATE proposals SET state = 'pending' WHERE id = :id", id=world.a.proposal.id)


def test_no_narrative_is_added_to_or_moved_into_a_signed_off_report(world):
    signed, draft = world.a.report, world.b.report
    db.session.execute(sa.text("UPDATE reports SET state = 'signed_off' WHERE id = :id"), {"id": signed.id})
    db.session.commit()
    section = world.b.section.id
    insert = (
        "INSERT INTO section_narratives (report_id, section_id, barriers, action_required, progress, next_activity)"
    )
    refused = _refused(
        f"{insert} VALUES (:report, :section, '', '', 'added later', '')", report=signed.id, section=section
    )
    assert "a signed-off report never changes" in refused
    moved = "UPDATE section_narratives SET report_id = :signed WHERE report_id = :draft"
    assert "a signed-off report never changes" in _refused(moved, signed=signed.id, draft=draft.id)
    # A draft still takes narratives.
    another = make_section(world.b.workstream, 2, "Data").id
    db.session.execute(
        sa.text(f"{insert} VALUES (:report, :section, '', '', 'new', '')"), {"report": draft.id, "section": another}
    )
    db.session.commit()
    assert db.session.query(SectionNarrative).filter_by(report_id=signed.id).count() == 1


def test_the_tables_of_record_are_never_emptied(world):
    """TRUNCATE on PostgreSQL (even for a superuser, and through CASCADE); on SQLite, which has no TRUNCATE, a DELETE
    of every row (SQLite's own way to empty a table) is refused while the table holds a record."""
    proposals.decide(db.session, world.a.lead, world.a.proposal, "approve", "", 1)
    db.session.execute(sa.text("UPDATE reports SET state = 'signed_off' WHERE id = :id"), {"id": world.a.report.id})
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        for table in TABLES_OF_RECORD:
            _refused(f"DELETE FROM {table}")  # noqa: S608  (a constant table name)
    else:
        for table in TABLES_OF_RECORD:
            assert f"{table} is a table of record and is never emptied" in _refused(f"TRUNCATE {table} CASCADE")
        assert "is never emptied" in _refused("TRUNCATE users CASCADE")
    for table in TABLES_OF_RECORD:
        assert db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) > 0  # noqa: S608


# The app's role exists on PostgreSQL only: SQLite has no roles, no TRUNCATE and no owner other than the file's.
if POSTGRES_URL:

    def _sqlstate(engine, sql: str) -> tuple[str, str]:
        """Run ``sql`` on its own expecting a refusal; (SQLSTATE, message)."""
        with engine.connect() as connection, pytest.raises(DBAPIError) as raised, connection.begin():
            connection.exec_driver_sql(sql)
        return raised.value.orig.sqlstate, str(raised.value.orig)

    @pytest.fixture
    def roles(tmp_path):
        """A database owned by a role of its own (not a superuser) that migrates it, and the app's role, which is
        granted what the migrations grant; both dropped afterwards."""
        suffix = uuid.uuid4().hex[:8]
        owner, app_role, name = f"highlight_owner_{suffix}", f"highlight_app_{suffix}", f"highlight_test_roles_{suffix}"
        admin_url = sa.engine.make_url(_to_psycopg(POSTGRES_URL))
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE ROLE {owner} LOGIN PASSWORD '{suffix}-owner'")
            connection.exec_driver_sql(f"CREATE ROLE {app_role} LOGIN PASSWORD '{suffix}-app'")
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER {owner}')
        urls = {
            role: admin_url.set(username=role, password=f"{suffix}-{kind}", database=name)
            for role, kind in ((owner, "owner"), (app_role, "app"))
        }
        try:
            yield {"owner": urls[owner], "app": urls[app_role]}
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {app_role}")
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {owner}")
            admin.dispose()

    def test_the_app_runs_as_a_role_that_owns_nothing_and_cannot_lower_the_guard(roles, tmp_path, monkeypatch):
        from app.services.demo import load_demo
        from tests.factories import _password_hash

        render = {"hide_password": False}
        config = TestConfig(
            roles["app"].render_as_string(**render),
            tmp_path,
            migration_database_uri=roles["owner"].render_as_string(**render),
        )
        assert roles["app"].username == config.DATABASE_APP_ROLE
        application = create_app(config)
        application.test_client_class = SignedInClient

        # One app context serves every request here: forget the user each request signed in, as a server would.
        @application.before_request
        def _forget_cached_user() -> None:
            g.pop("_login_user", None)

        with application.app_context():
            upgrade(revision="heads")  # as the owner
            # The whole workflow as the app's role: the grants are enough.
            monkeypatch.setattr("app.services.users.hash_password", lambda password: _password_hash())
            people = load_demo(db.session, PASSWORD)
            db.session.commit()
            owner, lead = people["owner@example.org"], people["lead@example.org"]
            milestone = db.session.scalar(
                sa.select(Milestone)
                .where(Milestone.owner_id == owner.id, Milestone.completed_on.is_(None), Milestone.removed.is_(False))
                .limit(1)
            )
            done = proposals.ProposalInput(completion_date=date(2021, 4, 1), note="Done", links="https://example.org/x")
            proposal = proposals.propose(
                db.session, owner, milestone, Kind.COMPLETION, done, [], today=date(2021, 4, 2), max_bytes=1000
            )
            db.session.commit()
            proposals.decide(db.session, lead, proposal, "approve", "", proposal.version)
            db.session.commit()
            report = db.session.scalar(sa.select(Report))
            with application.test_request_context():
                lead = application.test_client(user=lead)
                assert lead.post(url_for("reports.submit", report_id=report.id)).status_code == 303
                snapshot = db.session.scalar(sa.select(ReportSnapshot.id).where(ReportSnapshot.report_id == report.id))
                sponsor = application.test_client(user=people["sponsor@example.org"])
                signed = sponsor.post(url_for("reports.sign_off", report_id=report.id), data={"snapshot_id": snapshot})
                assert signed.status_code == 303
                assert sponsor.get(url_for("reports.download_docx", report_id=report.id)).status_code == 200
            db.session.remove()
            db.engine.dispose()

        app_engine = sa.create_engine(roles["app"])
        owner_engine = sa.create_engine(roles["owner"])
        try:
            with app_engine.connect() as connection:
                owned = connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                    "WHERE r.rolname = current_user"
                ).scalar()
                assert owned == 0
                tables = connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                ).scalar()
                assert tables > 10
            insufficient = "42501"
            for sql in (
                *(f"TRUNCATE {table} CASCADE" for table in TABLES_OF_RECORD),
                "TRUNCATE users CASCADE",
                "DROP TRIGGER audit_events_no_update ON audit_events",
                "DROP TRIGGER evidence_no_truncate ON evidence",
                "ALTER TABLE proposals DISABLE TRIGGER proposals_decided_no_update",
                "ALTER TABLE evidence DISABLE TRIGGER ALL",
                "DROP TABLE evidence",
                "CREATE OR REPLACE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RETURN NULL; END $$",
                "DELETE FROM audit_events",
                "UPDATE report_snapshots SET body = '{}'",
                "UPDATE evidence SET note = 'changed'",
                "CREATE TABLE shadow (id integer)",
                "SET session_replication_role = replica",
            ):
                assert _sqlstate(app_engine, sql)[0] == insufficient, sql
            # The owner may TRUNCATE by its privileges; the triggers still refuse.
            for table in TABLES_OF_RECORD:
                state, message = _sqlstate(owner_engine, f"TRUNCATE {table} CASCADE")
                assert "is never emptied" in message, table
            assert "is never emptied" in _sqlstate(owner_engine, "TRUNCATE users CASCADE")[1]
            with app_engine.connect() as connection:
                assert connection.exec_driver_sql("SELECT count(*) FROM audit_events").scalar() > 0
                assert connection.exec_driver_sql("SELECT count(*) FROM evidence").scalar() > 0
        finally:
            app_engine.dispose()
            owner_engine.dispose()

    def test_the_migrations_keep_the_grant_for_tables_made_later(roles, tmp_path):
        """Default privileges: a table a later migration makes (as the owner) is the app's to read and write, not to
        empty or own."""
        config = TestConfig(
            roles["app"].render_as_string(hide_password=False),
            tmp_path,
            migration_database_uri=roles["owner"].render_as_string(hide_password=False),
        )
        application = create_app(config)
        with application.app_context():
            upgrade(revision="heads")
            db.engine.dispose()
        owner_engine, app_engine = sa.create_engine(roles["owner"]), sa.create_engine(roles["app"])
        try:
            with owner_engine.begin() as connection:
                connection.exec_driver_sql("CREATE TABLE later (id serial PRIMARY KEY, note text)")
            with app_engine.begin() as connection:
                connection.exec_driver_sql("INSERT INTO later (note) VALUES ('written by the app')")
                assert connection.exec_driver_sql("SELECT note FROM later").scalar() == "written by the app"
            assert _sqlstate(app_engine, "TRUNCATE later")[0] == "42501"
            assert _sqlstate(app_engine, "DROP TABLE later")[0] == "42501"
        finally:
            app_engine.dispose()
            owner_engine.dispose()


def test_a_snapshot_is_refused_for_a_report_already_signed_off_even_by_raw_sql(world):
    """The freeze covers every table of a signed report (0003): with the narratives above, nothing can be added."""
    db.session.execute(sa.text("UPDATE reports SET state = 'signed_off' WHERE id = :id"), {"id": world.a.report.id})
    db.session.commit()
    insert = (
        "INSERT INTO report_snapshots (report_id, sequence, body, sha256, created_at, created_by_id) "
        "VALUES (:id, 2, '{}', :sha, :at, :by)"
    )
    _refused(insert, id=world.a.report.id, sha="0" * 64, at=date(2030, 1, 1), by=world.a.lead.id)
