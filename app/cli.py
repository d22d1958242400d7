"""Command-line interface: ``flask --app wsgi <command>``."""

import os
import secrets
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from app.config import write_owner_only
from app.extensions import db


def register_cli(app: Flask) -> None:
    """Every command, imported by name: an import error stops start-up rather than hiding a command."""
    from app.auth import cli as auth_cli
    from app.imports import cli as imports_cli
    from app.proposals import cli as proposals_cli
    from app.reports import cli as reports_cli

    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(set_password)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    for feature in (imports_cli, reports_cli, proposals_cli, auth_cli):
        feature.register(app)


@click.command("seed-demo")
@click.option("--as-published", is_flag=True, help="Keep the seed report's own dates (its meeting: 19 April 2021)")
@click.option("--today", "today_text", help="Set the demo in the week of this date (YYYY-MM-DD); defaults to today")
def seed_demo(as_published: bool, today_text: str | None) -> None:
    """Migrate an empty database and load the seed report's programme as the demo, set in today's week."""
    from app.demo import data
    from app.domain.errors import DomainError
    from app.services.demo import DatabaseNotEmpty, demo_calendar_for, demo_state, load_demo
    from app.services.users import check_password

    try:
        today = date.fromisoformat(today_text) if today_text else date.today()
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--today") from None
    given = os.environ.get("DEMO_PASSWORD")
    try:
        check_password(given or secrets.token_urlsafe(12))
    except DomainError as error:
        # Before anything is written, migrations included: one line, no traceback.
        click.echo(f"Error: DEMO_PASSWORD: {error.message}.", err=True)
        sys.exit(1)
    upgrade(revision="heads")
    kept = Path(current_app.config.get("INSTANCE_DIR") or current_app.instance_path) / "demo-password"
    state = demo_state(db.session)
    if state == "demo":
        click.echo("The demo is already loaded.")
        _print_logins(data, given or (kept.read_text().strip() if kept.exists() else None))
        return
    password = given or secrets.token_urlsafe(12)
    try:
        load_demo(db.session, password, None if as_published else today)
    except DatabaseNotEmpty as error:
        db.session.rollback()
        click.echo(f"Error: {error}. Nothing was changed.", err=True)
        sys.exit(1)
    db.session.commit()
    if not given:
        # A demo convenience so `make run` can show the sign-in again; real users are made with create-user.
        kept.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_owner_only(kept, password)
    click.echo("Loaded the demo: Business Intelligence workstream of the Children's Services Improvement Programme.")
    meeting = demo_calendar_for(None if as_published else today).meeting
    click.echo(f"{'As published' if as_published else 'Set in this week'}: the board meets on {meeting:%-d %B %Y}.")
    _print_logins(data, password)


def _print_logins(data, password: str | None) -> None:
    click.echo("Demo sign-ins:")
    for email, person in data.PEOPLE.items():
        click.echo(f"  {email:<22} {person.role:<8} {person.name}")
    if password:
        click.echo(f"Password for every demo user: {password}")
    else:
        click.echo("Password: the one printed when the demo was loaded (or DEMO_PASSWORD if it was set).")


def _save_or_exit(action):
    """Run ``action`` (a service call) and commit. A DomainError rolls back and exits 1 with one line naming the
    field."""
    from app.domain.errors import DomainError

    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        click.echo(f"Error: {error.field}: {error.message}", err=True)
        sys.exit(1)
    db.session.commit()
    return result


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--admin", "is_admin", is_flag=True, help="Make the user an administrator")
@click.option("--password", envvar="NEW_USER_PASSWORD", help="Defaults to a prompt (or NEW_USER_PASSWORD)")
def create_user(email: str, name: str, is_admin: bool, password: str | None) -> None:
    """Create a user who can sign in."""
    from app.services.users import create_user as create

    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _save_or_exit(lambda: create(db.session, None, email=email, name=name, password=password, is_admin=is_admin))
    click.echo(f"Created {user.email}{' (admin)' if is_admin else ''}")


@click.command("set-password")
@click.option("--email", required=True)
@click.option("--password", envvar="NEW_USER_PASSWORD", help="Defaults to a prompt (or NEW_USER_PASSWORD)")
def set_password(email: str, password: str | None) -> None:
    """Give a user a new password; every session they have open ends."""
    from app.services import users

    user = users.find_by_email(db.session, email)
    if user is None:
        click.echo(f"Error: email: no user has the email {email}", err=True)
        sys.exit(1)
    if not password:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    _save_or_exit(lambda: users.set_password(db.session, None, user, password))
    click.echo(f"New password set for {user.email}; their sessions have ended")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write a backup of the whole database to FILE, a new file readable by its owner only."""
    from app.services.backup import BackupError
    from app.services.backup import backup as make_backup

    try:
        summary = make_backup(db.engine, file)
    except BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Backed up {summary.total} rows in {len(summary.rows)} tables to {file}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def restore(file: Path) -> None:
    """Restore the backup FILE into the configured database, which must be new and empty."""
    from app.services.backup import BackupError, row_counts, snapshot_mismatches
    from app.services.backup import restore as load_backup

    try:
        load_backup(db.engine, file)
    except BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    rows = row_counts(db.engine)
    mismatches = snapshot_mismatches(db.session)
    click.echo(f"Restored {sum(rows.values())} rows in {len(rows)} tables from {file}")
    if mismatches:
        listed = ", ".join(str(snapshot_id) for snapshot_id in mismatches)
        click.echo(f"Error: report snapshots {listed} do not match their sha256: the backup was altered", err=True)
        sys.exit(1)
