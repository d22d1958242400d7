"""Backups a council can restore: ``flask --app wsgi backup FILE`` and ``flask --app wsgi restore FILE``.

SQLite: SQLite's online backup API copies a consistent image while the app keeps serving. PostgreSQL: ``pg_dump``'s
custom format, restored by ``pg_restore`` in one transaction (all or nothing). A backup file is new (an existing
file is never overwritten) and readable by its owner only: it holds every password hash. A restore goes only into
an empty database, so it can never mix two histories; afterwards every report snapshot is checked against its
sha256, as it is whenever it is served.
"""

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, func, inspect, select, table
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from app.config import create_owner_only
from app.models import ReportSnapshot
from app.services.report_model import sha256_of


class BackupError(Exception):
    """The backup or restore could not be made; the message is one line for the person at the terminal."""


@dataclass(frozen=True)
class Summary:
    rows: dict[str, int]  # rows per table, alembic_version included
    snapshots_checked: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the database, by table name."""
    with engine.connect() as conn:
        names = inspect(conn).get_table_names()
        return {
            name: conn.execute(select(func.count()).select_from(table(name))).scalar_one() for name in sorted(names)
        }


def snapshot_mismatches(session: Session) -> list[int]:
    """Ids of report snapshots whose body no longer hashes to their stored sha256."""
    rows = session.execute(select(ReportSnapshot.id, ReportSnapshot.body, ReportSnapshot.sha256))
    return [snapshot_id for snapshot_id, body, sha256 in rows if sha256_of(body) != sha256]


def backup(engine: Engine, path: Path) -> Summary:
    """Write a backup of ``engine``'s database to the new file ``path``.

    Raises BackupError if ``path`` exists or its folder does not, or if the engine's tools fail.
    """
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder")
    dialect = engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {dialect} databases are not supported")
    # Created empty and private before a byte is written; removed again if the backup fails.
    if not create_owner_only(path):
        raise BackupError(f"{path} already exists; name a new file")
    try:
        if dialect == "sqlite":
            _sqlite_backup(engine, path)
        else:
            _pg_dump(engine.url, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Summary(row_counts(engine))


def restore(engine: Engine, path: Path) -> None:
    """Load the backup at ``path`` into ``engine``'s database, which must be empty (no tables).

    Raises BackupError if the file is missing or not a backup of this engine's kind, the database holds tables, or
    the restore fails (on PostgreSQL nothing is then restored).
    """
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables); restore only into a new, empty database")
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, path)
    elif engine.dialect.name == "postgresql":
        _pg_restore(engine.url, path)
    else:
        raise BackupError(f"restoring {engine.dialect.name} databases is not supported")
    engine.dispose()  # connections opened before the restore would not see its schema


def _sqlite3_connection(conn: Connection) -> sqlite3.Connection:
    """The standard library's connection under a SQLite engine's connection."""
    driver = conn.connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):
        raise BackupError(f"the SQLite database is opened by {type(driver).__name__}, not the sqlite3 module")
    return driver


def _sqlite_backup(engine: Engine, path: Path) -> None:
    target = sqlite3.connect(path)
    try:
        with engine.connect() as conn:
            _sqlite3_connection(conn).backup(target)
        # One self-contained file: the copy need not keep the live database's write-ahead log mode.
        target.execute("PRAGMA journal_mode=DELETE")
        _check_sqlite(target, path)
    finally:
        target.close()


def _sqlite_restore(engine: Engine, path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be opened: {error}") from error
    try:
        _check_sqlite(source, path)
        with engine.connect() as conn:
            source.backup(_sqlite3_connection(conn))
    finally:
        source.close()


def _check_sqlite(conn: sqlite3.Connection, path: Path) -> None:
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        versioned = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite backup: {error}") from error
    if result != "ok":
        raise BackupError(f"{path} fails SQLite's check: {result}")
    if versioned is None:
        raise BackupError(f"{path} is not a Highlight database (it has no alembic_version table)")


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it, and an environment carrying its password (never on a command line)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], **kwargs) -> None:
    try:
        result = subprocess.run(command, env=env, stderr=subprocess.PIPE, check=False, **kwargs)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools are needed)") from error
    if result.returncode != 0:
        lines = [line for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        raise BackupError(f"{command[0]} failed: {lines[0] if lines else f'exit status {result.returncode}'}")


def _pg_dump(url: URL, path: Path) -> None:
    dsn, env = _libpq(url)
    with path.open("wb") as out:
        _run(["pg_dump", "--format=custom", "--no-password", f"--dbname={dsn}"], env, stdout=out)


def _pg_restore(url: URL, path: Path) -> None:
    dsn, env = _libpq(url)
    # Objects are owned by the role that restores (run it as the role that migrates); privileges are kept.
    _run(
        [
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-password",
            f"--dbname={dsn}",
            str(path),
        ],
        env,
    )
