"""Forgiving spreadsheets: sections by title alone, headings in people's own words, owners by name, every problem
listed at once, and a template with an example row, drop-down lists and instructions."""

import csv
import io
from datetime import date

from flask import url_for
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.domain.permissions import Role
from app.extensions import db
from app.models import Milestone, Proposal, Risk, Section, Workstream
from app.services import importer
from app.services.plan_workbook import EXAMPLE_MILESTONE, EXAMPLE_RISK
from tests.factories import make_member, make_section, make_user, make_workstream

TODAY = date(2030, 4, 19)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def prepare(workstream, content: bytes, filename: str = "plan.csv", actor=None, name: str = "New"):
    programme = workstream.programme if workstream else None
    return importer.prepare_import(
        db.session,
        actor,
        importer.read_files(filename, content),
        workstream=workstream,
        workstream_name=name,
        programme=programme,
        programme_name=programme.name if programme else "Programme",
        today=TODAY,
    )


def problems_of(workstream, content: bytes, **kwargs) -> list[str]:
    try:
        prepare(workstream, content, **kwargs)
    except importer.ImportFailed as failed:
        return [str(p) for p in failed.problems]
    raise AssertionError("the import was accepted")


def test_sections_given_as_titles_take_their_numbers_from_the_references(app, world):
    content = csv_bytes(
        ["section", "reference", "milestone", "due"],
        [
            ["Front door", "1.4", "Triage form", "March 2031"],
            ["Front door", "1.5", "Screening", "April 2031"],
            ["Edge of care", "3.1", "Panel", "May 2031"],
        ],
    )

    prepared = prepare(None, content)
    workstream = importer.apply_import(db.session, None, prepared)

    assert [(s.number, s.title) for s in workstream.sections] == [(1, "Front door"), (3, "Edge of care")]
    milestones = db.session.scalars(select(Milestone).where(Milestone.workstream_id == workstream.id)).all()
    assert {(m.reference, m.section.number) for m in milestones} == {("1.4", 1), ("1.5", 1), ("3.1", 3)}


def test_titles_with_unnumbered_references_are_numbered_in_order_of_first_appearance(app, world):
    workstream = make_workstream("Gamma", world.programme)
    make_section(workstream, 1, "Front door")
    db.session.commit()
    content = csv_bytes(
        ["Section", "Ref", "Milestone", "Due date"],
        [
            ["Edge of care", "10", "Panel", "May 2031"],
            ["front door", "11", "Triage form", "March 2031"],
            ["Audit", "12", "Logs", "June 2031"],
            ["Edge of care", "13", "Review", "July 2031"],
        ],
    )

    prepared = prepare(workstream, content)

    assert {m.reference: m.section for m in prepared.milestones} == {"10": 2, "11": 1, "12": 3, "13": 2}
    assert prepared.sections == {2: "Edge of care", 3: "Audit"}


def test_a_title_whose_references_name_two_sections_is_a_problem(app, world):
    content = csv_bytes(
        ["section", "reference", "milestone", "due"],
        [["Front door", "1.1", "Triage", "March 2031"], ["Front door", "2.1", "Panel", "March 2031"]],
    )
    assert problems_of(None, content) == [
        'Row 3, column section: Section "Front door" is section 1 in row 2, but this reference starts with 2'
    ]


def test_headings_in_peoples_own_words_are_read_and_problems_name_them_as_written(app, world):
    owner = world.a.owner
    content = csv_bytes(
        ["Section", "REF", "Milestone", "Owner", "Due Date", "Revised date", "Comments/ Reason for Delay"],
        [
            ["1", "1.7", "Scorecards", owner.email, "March 2031", "", "On track"],
            ["1", "1.8", "Dashboards", owner.email, "soon", "", ""],
        ],
    )

    assert problems_of(world.a.workstream, content) == [
        'Row 3, column Due Date: Enter a date as YYYY-MM-DD, DD/MM/YYYY or Month YYYY, not "soon"'
    ]
    prepared = prepare(world.a.workstream, csv_bytes(*_first_row(content)), actor=world.a.lead)
    [row] = prepared.milestones
    assert (row.reference, row.values["owner_id"], row.values["comments"]) == ("1.7", owner.id, "On track")


def _first_row(content: bytes):
    rows = list(csv.reader(io.StringIO(content.decode())))
    return rows[0], rows[1:2]


def test_owners_may_be_named_where_only_one_user_has_the_name(app, world):
    make_user("Sam Twin")
    make_user("Sam Twin")
    db.session.commit()
    owner = world.a.owner
    header = ["section", "reference", "milestone", "owner", "due"]
    rows = [
        ["1", "1.7", "Scorecards", f"  {owner.name.upper()} ", "March 2031"],
        ["1", "1.8", "Dashboards", "Sam Twin", "March 2031"],
        ["1", "1.9", "Logs", "Nobody Known", "March 2031"],
    ]

    assert problems_of(world.a.workstream, csv_bytes(header, rows)) == [
        'Row 3, column owner: 2 users are called "Sam Twin": give the email',
        'Row 4, column owner: No user is called "Nobody Known": give their email instead',
    ]
    prepared = prepare(world.a.workstream, csv_bytes(header, rows[:1]), actor=world.a.lead)
    assert prepared.milestones[0].values["owner_id"] == owner.id


def test_every_problem_in_the_file_is_listed_in_one_pass(app, world):
    header = ["section", "reference", "milestone", "owner_email", "due", "completed_on", "colour"]
    rows = [
        ["4", "4.1", "New section without a title", "", "March 2031", "", ""],
        ["1", "1.1", "", "ghost@example.org", "March 2031", "2031-01-01", ""],
        ["1.2", "x", "Bad section and reference", "", "31/02/2031", "", ""],
    ]

    problems = problems_of(world.a.workstream, csv_bytes(header, rows), actor=world.a.lead)

    assert problems == [
        "Column colour: The milestones have no column called colour: use section, reference, milestone, "
        "owner_email, due, revised_due, completed_on, comments, removed_reason",
        'Row 2, column section: Section 4 is new: give its title, like "4. Title"',
        "Row 3, column milestone: Enter the milestone",
        "Row 3, column owner_email: No user has the email ghost@example.org: ask an administrator to add them",
        "Row 3, column completed_on: The completion date must be today or in the past",
        'Row 4, column section: Enter the section number, optionally with its title, like "1. Feedback", or its '
        "title alone",
        "Row 4, column reference: Enter a reference made of numbers and dots, like 1.4",
        'Row 4, column due: Enter a real date: "31/02/2031" does not exist',
    ]


def test_a_seed_like_sheet_with_actual_or_revised_date_and_status_reads_completions_and_revisions(app, world):
    header = ["Ref", "Milestone", "Date Due", "Actual/ Revised Date", "Status", "Comments/ Reason for Delay"]
    rows = [
        ["1.1", "Triage form", "March 2021", "February 2021", "Complete", "Done early"],
        ["1.2", "Panel", "March 2031", "June 2031", "Slipped", "Waiting for data"],
        ["1.3", "Old idea", "March 2031", "", "Removed", "No longer needed"],
    ]
    content = csv_bytes(["Section", *header], [["1. Front door", *row] for row in rows])

    prepared = prepare(None, content, actor=world.a.lead)
    workstream = importer.apply_import(db.session, world.a.lead, prepared)

    found = {
        m.reference: m for m in db.session.scalars(select(Milestone).where(Milestone.workstream_id == workstream.id))
    }
    assert (found["1.1"].completed_on, found["1.1"].completed_on_is_month) == (date(2021, 2, 28), True)
    assert (found["1.2"].revised_due, found["1.2"].completed_on) == (date(2031, 6, 30), None)
    assert (found["1.3"].removed, found["1.3"].removed_reason) == (True, "No longer needed")


def test_the_template_has_an_example_row_drop_down_lists_and_instructions(app, world, login_as):
    response = login_as(world.a.lead).get(url_for("imports.template", workstream_id=world.a.workstream.id))
    workbook = load_workbook(io.BytesIO(response.data))

    milestones, risks = workbook["milestones"], workbook["risks"]
    header = [c.value for c in milestones[1]]
    assert {header[i]: c.value for i, c in enumerate(milestones[2]) if c.value} == EXAMPLE_MILESTONE
    assert milestones["C2"].font.i
    risk_header = [c.value for c in risks[1]]
    assert {risk_header[i]: c.value for i, c in enumerate(risks[2]) if c.value} == EXAMPLE_RISK
    owners = [row[0].value for row in workbook["lists"].iter_rows()]
    assert sorted(owners) == sorted([world.a.owner.email, world.a.lead.email])
    assert workbook["lists"].sheet_state == "hidden"
    validations = {str(v.sqref): v.formula1 for v in risks.data_validations.dataValidation}
    assert validations["D2:D1001"] == '"Low,Medium,High"'
    assert validations["E2:E1001"] == '"Noticeable,Significant,Critical"'
    assert validations["H2:H1001"] == "=lists!$A$1:$A$2"
    [owner_list] = milestones.data_validations.dataValidation
    assert (str(owner_list.sqref), owner_list.formula1) == ("D2:D1001", "=lists!$A$1:$A$2")
    instructions = " ".join(row[0].value or "" for row in workbook["instructions"].iter_rows())
    assert "Row 2 of each sheet is an example" in instructions
    assert "never after today" in instructions


def test_a_template_filled_in_below_its_example_imports_only_the_new_rows(app, world, login_as):
    workstream = make_workstream("Gamma", world.programme)
    lead = make_member(workstream, Role.LEAD, "Gamma lead")
    db.session.commit()
    template = login_as(lead).get(url_for("imports.template", workstream_id=workstream.id)).data
    workbook = load_workbook(io.BytesIO(template))
    workbook["milestones"].append(["2. Edge of care", "2.1", "Panel", lead.email, "May 2031"])
    workbook["risks"].append(["Data", "Late data", "", "Low", "Critical"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    prepared = prepare(workstream, buffer.getvalue(), filename="plan.xlsx", actor=lead)

    assert [m.reference for m in prepared.milestones] == ["2.1"]
    assert [r.reference for r in prepared.risks] == ["Data"]


def test_an_xlsx_with_headings_its_own_way_imports(app, world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(["Section Title", "Ref No", "Key milestone", "Deadline", "Comment"])
    sheet.append(["Front door", "1.1", "Triage form", date(2031, 3, 15), "First"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    workstream = importer.apply_import(db.session, None, prepare(None, buffer.getvalue(), filename="plan.xlsx"))

    milestone = db.session.scalar(select(Milestone).where(Milestone.workstream_id == workstream.id))
    assert (milestone.reference, milestone.section.title, milestone.due, milestone.comments) == (
        "1.1",
        "Front door",
        date(2031, 3, 15),
        "First",
    )
    assert db.session.scalar(select(Workstream.name).where(Workstream.id == workstream.id)) == "New"
    assert db.session.scalar(select(Section.number).where(Section.workstream_id == workstream.id)) == 1
    assert db.session.scalar(select(Risk.id).where(Risk.workstream_id == workstream.id)) is None
    assert db.session.scalar(select(Proposal.id).where(Proposal.milestone_id == milestone.id)) is None
