"""``flask totp-key new`` (a key for TOTP_ENCRYPTION_KEY) and ``flask totp-key reseal`` (every second-factor
secret sealed again under the newest key, so that older keys can leave the setting)."""

import sys

import click
from flask import Flask, current_app

from app.extensions import db
from app.models.sealed import SETTING, new_key, reseal
from app.services import audit


def register(app: Flask) -> None:
    app.cli.add_command(totp_key)


@click.group("totp-key")
def totp_key() -> None:
    """The keys that seal second-factor secrets in the database (TOTP_ENCRYPTION_KEY)."""


@totp_key.command("new")
def new() -> None:
    """Print a new key. Put it first in TOTP_ENCRYPTION_KEY (comma, then the keys already there) on every server."""
    click.echo(new_key())


@totp_key.command("reseal")
def reseal_command() -> None:
    """Seal every secret again under the first key of TOTP_ENCRYPTION_KEY; the others may then be removed."""
    resealed, unreadable = reseal(db.session.connection(), current_app.config[SETTING])
    audit.record_security(db.session, "second_factor.resealed", resealed=resealed, unreadable=unreadable)
    db.session.commit()
    click.echo(f"{resealed} secret{'' if resealed == 1 else 's'} sealed under the newest key.")
    if unreadable:
        click.echo(
            f"{unreadable} secret{'' if unreadable == 1 else 's'} opened with no key in {SETTING}, left as they are: "
            "put back the key that sealed them, or have an administrator remove those second factors.",
            err=True,
        )
        sys.exit(1)
