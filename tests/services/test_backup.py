"""`flask backup FILE` and `flask restore FILE` on the configured engine (SQLite, or PostgreSQL when TEST_DATABASE_URL
is set): a restore into an empty database has every row and every signed report exactly as signed."""

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.demo import data
from app.extensions import db
from app.models import Report, ReportSnapshot
from app.services import reports
from app.services.backup import row_counts
from app.services.demo import load_demo
from app.services.report_model import sha256_of
from tests.conftest import make_test_app
from tests.factories import PASSWORD, _password_hash


@pytest.fixture
def signed_report(app, monkeypatch) -> Report:
    """The demo, its report submitted by the lead and signed off by the sponsor."""
    monkeypatch.setattr("app.services.users.hash_password", lambda password: _password_hash())
    people = load_demo(db.session, PASSWORD)
    report = db.session.scalar(select(Report))
    snapshot = reports.submit_report(db.session, people[data.LEAD], report)
    reports.sign_off_report(db.session, people[data.SPONSOR], report, snapshot.id)
    db.session.commit()
    return report


def _signed_snapshots() -> dict[int, str]:
    rows = db.session.execute(
        select(ReportSnapshot.id, ReportSnapshot.body, ReportSnapshot.sha256)
        .join(Report, Report.id == ReportSnapshot.report_id)
        .where(Report.state == "signed_off")
    ).all()
    assert all(sha256_of(body) == sha256 for _, body, sha256 in rows), "a signed snapshot fails its sha256"
    return {snapshot_id: sha256 for snapshot_id, _, sha256 in rows}


def test_a_restore_into_an_empty_database_has_every_row_and_every_signed_report(
    app, signed_report, empty_database, tmp_path
):
    backup_file = tmp_path / "highlight.backup"
    made = app.test_cli_runner().invoke(args=["backup", str(backup_file)])
    counts, signed = row_counts(db.engine), _signed_snapshots()

    restored_app = make_test_app(empty_database, tmp_path)
    with restored_app.app_context():
        restored = restored_app.test_cli_runner().invoke(args=["restore", str(backup_file)])
        restored_counts, restored_signed = row_counts(db.engine), _signed_snapshots()
        db.session.remove()
        # The database's own guards came across too: a signed-off report still refuses to change.
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE reports SET state = 'draft' WHERE state = 'signed_off'"))
        db.engine.dispose()

    assert made.exit_code == 0, made.output
    assert backup_file.stat().st_mode & 0o777 == 0o600
    assert restored.exit_code == 0, restored.output
    assert restored.output.startswith(f"Restored {sum(counts.values())} rows in {len(counts)} tables")
    assert counts["milestones"] == 60 and counts["report_snapshots"] == 1
    assert restored_counts == counts
    assert len(signed) == 1
    assert restored_signed == signed


def test_restore_refuses_a_database_that_is_not_empty(app, signed_report, tmp_path):
    backup_file = tmp_path / "highlight.backup"
    app.test_cli_runner().invoke(args=["backup", str(backup_file)])
    before = row_counts(db.engine)

    result = app.test_cli_runner().invoke(args=["restore", str(backup_file)])

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: the database is not empty")
    assert row_counts(db.engine) == before


def test_backup_never_overwrites_a_file(app, tmp_path):
    existing = tmp_path / "highlight.backup"
    existing.write_text("yesterday's backup")

    result = app.test_cli_runner().invoke(args=["backup", str(existing)])

    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {existing} already exists; name a new file"
    assert existing.read_text() == "yesterday's backup"


def test_restore_refuses_a_file_that_is_not_a_backup_and_leaves_the_database_empty(empty_database, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_bytes(b"minutes of the board meeting\n" * 100)
    restored_app = make_test_app(empty_database, tmp_path)
    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(args=["restore", str(not_a_backup)])
        tables = sa.inspect(db.engine).get_table_names()
        db.engine.dispose()

    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("Error: ")
    assert tables == []


def test_a_failed_backup_leaves_no_file_behind(app, tmp_path, monkeypatch):
    from app.services import backup

    def broken(*args):
        raise backup.BackupError("the disk is full")

    monkeypatch.setattr(backup, "_sqlite_backup", broken)
    monkeypatch.setattr(backup, "_pg_dump", broken)
    target = tmp_path / "highlight.backup"

    result = app.test_cli_runner().invoke(args=["backup", str(target)])

    assert (result.exit_code, result.output.strip()) == (1, "Error: the disk is full")
    assert not target.exists()


def _tamper_with_the_signed_snapshot() -> None:
    """Change a signed snapshot's body behind the database's guards, as someone with the database's files might."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            names = conn.scalars(
                sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'report_snapshots'")
            ).all()
            for name in names:
                conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
        else:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text("UPDATE report_snapshots SET body = body || ' '"))


def test_a_restore_says_so_when_a_signed_snapshot_does_not_match_its_sha256(
    app, signed_report, empty_database, tmp_path
):
    _tamper_with_the_signed_snapshot()
    backup_file = tmp_path / "highlight.backup"
    app.test_cli_runner().invoke(args=["backup", str(backup_file)])

    restored_app = make_test_app(empty_database, tmp_path)
    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(args=["restore", str(backup_file)])
        db.session.remove()
        db.engine.dispose()

    assert result.exit_code == 1
    snapshot_id = db.session.scalar(select(ReportSnapshot.id))
    assert result.output.strip().splitlines()[-1] == (
        f"Error: report snapshots {snapshot_id} do not match their sha256: the backup was altered"
    )
