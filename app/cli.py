"""Command-line interface: ``flask --app wsgi <command>``."""

import os
import secrets
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from app.extensions import db


def register_cli(app: Flask) -> None:
    """Every command, imported by name: an import error stops start-up rather than hiding a command."""
    from app.imports import cli as imports_cli
    from app.proposals import cli as proposals_cli
    from app.reports import cli as reports_cli

    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    for feature in (imports_cli, reports_cli, proposals_cli):
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
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(password)
        kept.chmod(0o600)
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


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--admin", "is_admin", is_flag=True, help="Make the user an administrator")
@click.option("--password", envvar="NEW_USER_PASSWORD", help="Defaults to a prompt (or NEW_USER_PASSWORD)")
def create_user(email: str, name: str, is_admin: bool, password: str | None) -> None:
    """Create a user who can sign in."""
    from app.domain.errors import DomainError
    from app.services.users import create_user as create

    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create(db.session, None, email=email, name=name, password=password, is_admin=is_admin)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"Error: {error.field}: {error.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Created {user.email}{' (admin)' if is_admin else ''}")
