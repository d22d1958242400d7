"""``flask import-plan`` (an action plan and its risks from a spreadsheet) and ``flask import-report`` (last
period's Word highlight report into an empty workstream)."""

import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask

from app.domain.errors import DomainError
from app.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(import_plan)
    app.cli.add_command(import_report)


@click.command("import-plan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workstream", "workstream_name", required=True, help="The workstream to import into.")
@click.option("--programme", "programme_name", help="The workstream's programme (created if missing).")
@click.option("--risks", "risks_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Risks CSV.")
@click.option("--dry-run", is_flag=True, help="Check the file and print what would change; write nothing.")
@click.option("--by", "by_email", help="Email of the user to record as making the import (default: the system).")
def import_plan(
    file: Path,
    workstream_name: str,
    programme_name: str | None,
    risks_file: Path | None,
    dry_run: bool,
    by_email: str | None,
) -> None:
    """Import the milestones (and risks) in FILE, an .xlsx or .csv, into a workstream.

    \b
    Milestone columns: section, reference, milestone, owner_email, due, revised_due, completed_on, comments
    (and optionally removed_reason). Risks come from the workbook's "risks" sheet or from --risks FILE.csv:
    reference, risk, description, likelihood, impact, mitigation, mitigation_date (and optionally owner_email,
    status). Dates as YYYY-MM-DD, DD/MM/YYYY or Month YYYY. Section: "1. Title", "1" once the section exists, or
    a title alone (its number then comes from the references' prefix, or the order of first appearance). Column
    names may be written people's way ("Ref", "Due date", "Revised date", "Owner", "Actual/ Revised Date"); an
    owner may be given by name where only one user has it.

    \b
    The workstream is created if missing: in --programme (itself created if missing); without --programme, in
    the only programme there is, or in a new "Default programme" if there is none (name the programme when there
    are several). A milestone or risk whose reference already exists is updated; every change is audited.
    An owner who is a user but not yet working on the workstream becomes one of its action owners.

    \b
    completed_on (never after today): into a new, empty workstream it is recorded as a completion "recorded at
    import, no evidence". Into a plan that already has milestones, a completion, a new revised_due and a
    removed_reason each become a proposal, in the name of --by (else the milestone's owner), awaiting a decision
    by someone else.

    \b
    Everything is checked first: any problem is printed with its row and column, the exit status is 1, and
    nothing is written. --dry-run prints what would be added and updated, and writes nothing.
    """
    _run(file, workstream_name, programme_name, dry_run, by_email, risks_file)


@click.command("import-report")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workstream", "workstream_name", required=True, help="The empty workstream to import into.")
@click.option("--programme", "programme_name", help="The workstream's programme (created if missing).")
@click.option("--dry-run", is_flag=True, help="Check the file and print what would be created; write nothing.")
@click.option("--by", "by_email", help="Email of the user to record as making the import (default: the system).")
def import_report(
    file: Path, workstream_name: str, programme_name: str | None, dry_run: bool, by_email: str | None
) -> None:
    """Import last period's highlight report, FILE.docx, into an empty workstream (created if missing).

    \b
    The paper is laid out like the seed's: a header table (Pillar/ Workstream Name, Sponsor, Project Manager/
    Lead, Previous and Current RAG Status, Reason for RAG, Report Completed By, Meeting Date), numbered sections
    with their Potential Barriers / Action Required and Progress to Date / Activity for the Next Period tables,
    milestone tables (Reference, Milestone, Date Due, Actual/ Revised Date, Status, Comments/ Reason for Delay)
    and the risk table. Tables are found by their headings; unknown tables and columns are left alone. Dates
    such as "March 2021", "19.4.21" or "19 April 2021".

    \b
    Creates the sections, milestones (completions recorded as "recorded at import, no evidence") and risks, and
    keeps the paper as the workstream's signed-off report for the board meeting of its date (the meeting is
    added if the programme has none that day), so that "Previous RAG" is right at the next board. The paper's
    sponsor and lead join the workstream where a Highlight user has their name.

    \b
    Everything is checked first: any problem is printed with its table, row and column, the exit status is 1,
    and nothing is written. --dry-run prints what would be created, and writes nothing.
    """
    if file.suffix.lower() != ".docx":
        click.echo(f"Error: {file.name} must be a Word document (.docx). Nothing was imported.", err=True)
        sys.exit(1)
    _run(file, workstream_name, programme_name, dry_run, by_email)


def _run(
    file: Path,
    workstream_name: str,
    programme_name: str | None,
    dry_run: bool,
    by_email: str | None,
    risks_file: Path | None = None,
) -> None:
    """Check a file against its workstream, then write it all (or, on --dry-run or any problem, nothing)."""
    from app.services import importer, users

    try:
        actor = None
        if by_email:
            actor = users.find_by_email(db.session, by_email)
            if actor is None:
                raise DomainError(f"No user has the email {by_email}", field="by")
        programme, programme_label, workstream = importer.resolve_workstream(
            db.session, workstream_name, programme_name
        )
        parsed = importer.read_files(
            file.name,
            importer.read_bounded(file),
            risks_file.name if risks_file else None,
            importer.read_bounded(risks_file) if risks_file else None,
        )
        prepared = importer.prepare_import(
            db.session,
            actor,
            parsed,
            workstream=workstream,
            workstream_name=workstream_name.strip(),
            programme=programme,
            programme_name=programme_label,
            today=date.today(),
        )
        if not dry_run:
            importer.apply_import(db.session, actor, prepared)
    except importer.ImportFailed as failed:
        db.session.rollback()
        for problem in failed.problems:
            click.echo(f"Error: {problem}", err=True)
        click.echo(f"Nothing was imported from {file.name}.", err=True)
        sys.exit(1)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"Error: {error.message}. Nothing was imported from {file.name}.", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run of {file.name} into {prepared.workstream_name}: nothing was written.")
        click.echo("Would change:" if prepared.has_changes else "Nothing would change.")
    else:
        db.session.commit()
        click.echo(f"Imported {file.name} into {prepared.workstream_name} ({prepared.programme_name}).")
    for line in prepared.summary_lines():
        click.echo(line)
