"""``flask report`` (a report in any format, for scripts and BI tools) and ``flask send-meeting-reminders`` (cron)."""

import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.domain.dates import parse_as_of
from app.extensions import db

FORMATS = ("json", "html", "docx", "pdf")


def register(app: Flask) -> None:
    app.cli.add_command(report_command)
    app.cli.add_command(send_meeting_reminders)


def _iso(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint=option) from None


def _as_of(text: str | None) -> date | None:
    """The --as-of date by the same rule as the pages' ``?as_of`` (app.domain.dates.parse_as_of)."""
    if not text:
        return None
    try:
        return parse_as_of(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--as-of") from None


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.command("report")
@click.option("--workstream", "workstream_name", required=True, help="The workstream's name")
@click.option("--meeting", "meeting_text", help="The board meeting's date (YYYY-MM-DD)")
@click.option("--as-of", "as_of_text", help="As-at date of a live report (YYYY-MM-DD)")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)")
def report_command(workstream_name, meeting_text, as_of_text, fmt, output) -> None:
    """Write a workstream's report: the signed-off one if that meeting's report is signed off, else the live one.

    A live report for a meeting carries that meeting's draft narrative and is as at today, never later than
    the meeting, unless --as-of says otherwise.
    """
    from app.domain.reports import ReportState
    from app.models import BoardMeeting, Report, Workstream
    from app.services.report_model import SnapshotIntegrityError, build_live, from_snapshot

    meeting_date = _iso(meeting_text, "--meeting")
    as_of = _as_of(as_of_text)
    workstreams = db.session.scalars(select(Workstream).where(Workstream.name == workstream_name)).all()
    if len(workstreams) != 1:
        _fail(
            f'no workstream is named "{workstream_name}"'
            if not workstreams
            else f'several workstreams are named "{workstream_name}"'
        )
    workstream = workstreams[0]
    meeting = report = None
    if meeting_date is not None:
        meetings = db.session.scalars(
            select(BoardMeeting).where(
                BoardMeeting.programme_id == workstream.programme_id, BoardMeeting.date == meeting_date
            )
        ).all()
        if len(meetings) != 1:
            how_many = "no" if not meetings else "more than one"
            _fail(f"{how_many} board meeting on {meeting_date.isoformat()} for {workstream.name}")
        meeting = meetings[0]
        report = db.session.scalar(
            select(Report).where(Report.workstream_id == workstream.id, Report.meeting_id == meeting.id)
        )
    try:
        if report is not None and report.state == ReportState.SIGNED_OFF.value:
            model = from_snapshot(db.session, report)
        else:
            default = min(date.today(), meeting.date) if meeting else date.today()
            model = build_live(db.session, workstream, as_of or default, report=report, meeting=meeting)
    except SnapshotIntegrityError as error:
        _fail(str(error))
    _write(_render(model, fmt), output)


def _render(model, fmt: str) -> bytes:
    from app.exports.docx import render_docx
    from app.exports.html import render_print_html
    from app.exports.json import render_json
    from app.exports.pdf import render_pdf

    if fmt == "json":
        return render_json(model).encode("utf-8")
    if fmt == "html":
        return render_print_html([model], inline_css=True).encode("utf-8")
    if fmt == "docx":
        return render_docx([model])
    return render_pdf([model])


def _write(body: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    output.write_bytes(body)
    click.echo(f"Wrote {output} ({len(body)} bytes)", err=True)


@click.command("send-meeting-reminders")
@click.option("--today", "today_text", help="Run as if on this date (YYYY-MM-DD); defaults to today")
def send_meeting_reminders(today_text: str | None) -> None:
    """Remind owners, leads and sponsors before each board meeting (REMINDER_DAYS_* settings). Meant for cron."""
    from app.services.notifications import deliver_outbox
    from app.services.reports import reminder_days
    from app.services.reports import send_meeting_reminders as queue

    today = _iso(today_text, "--today") or date.today()
    config = current_app.config
    sent = queue(db.session, today, reminder_days(config))
    db.session.commit()
    delivered = deliver_outbox(db.session, config)
    db.session.commit()
    counts = {kind: sum(1 for r in sent if r.kind.value == kind) for kind in ("owners", "lead", "sponsor")}
    click.echo(
        f"Queued {counts['owners']} owner, {counts['lead']} lead and {counts['sponsor']} sponsor reminder(s); "
        f"sent {delivered}."
    )
