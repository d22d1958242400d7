"""``flask send-reminders``: the daily reminder emails, meant for cron."""

from datetime import date

import click
from flask import Flask, current_app

from app.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(send_reminders)
    app.cli.add_command(send_mail)


@click.command("send-mail")
def send_mail() -> None:
    """Send the queued notification emails over SMTP (MAIL_SERVER); meant for cron every few minutes."""
    from app.services.notifications import deliver_outbox

    if not current_app.config.get("MAIL_SERVER"):
        click.echo("MAIL_SERVER is not set: mail stays in the outbox.")
        return
    sent = deliver_outbox(db.session, current_app.config)
    db.session.commit()
    click.echo(f"Sent {sent} email(s).")


@click.command("send-reminders")
@click.option("--today", "today_text", help="Run as if on this date (YYYY-MM-DD); defaults to today")
def send_reminders(today_text: str | None) -> None:
    """Email owners about milestones due soon or overdue, and deciders a digest of waiting proposals."""
    from app.models._base import utcnow
    from app.services.notifications import deliver_outbox
    from app.services.proposals import send_reminders as queue_reminders

    try:
        today = date.fromisoformat(today_text) if today_text else date.today()
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--today") from None
    run = queue_reminders(db.session, today, utcnow())
    db.session.commit()
    sent = deliver_outbox(db.session, current_app.config)
    db.session.commit()
    click.echo(f"Queued {run.owner_emails} owner reminder(s) and {run.digest_emails} decision digest(s); sent {sent}.")
