"""``flask import-plan``: good files import; any bad row names its row and column, exits 1 and writes nothing."""

import csv
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.domain.errors import NotAllowed
from app.domain.permissions import Role
from app.extensions import db
from app.models import AuditEvent, Membership, Milestone, Programme, Proposal, Risk, Section, Workstream
from app.services import proposals, users
from tests.factories import make_programme, make_user

HEADER = ["section", "reference", "milestone", "owner_email", "due", "revised_due", "completed_on", "comments"]
GOOD_ROWS = [
    ["1. Responding to OFSTED Feedback", "1.1", "Complete all actions", "owner@example.org", "March 2023", "", "", ""],
    ["1", "1.2", "Report on 13 improvement areas", "owner@example.org", "2021-03-31", "30/04/2021", "", "Slipped"],
    ["2. QLIK", "2.1", "Daily KPI dashboard", "lead@example.org", "March 2021", "", "March 2021", "Done"],
]
RISK_HEADER = ["reference", "risk", "description", "likelihood", "impact", "mitigation", "mitigation_date"]
GOOD_RISKS = [
    ["Resourcing", "Loss of analysts", "Could delay actions", "High", "Noticeable", "Prioritise", "April 2021"],
]


@pytest.fixture
def people(app):
    owner = make_user("Sam Taylor", email="owner@example.org")
    lead = make_user("Priya Shah", email="lead@example.org")
    db.session.commit()
    return {"owner": owner, "lead": lead}


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(app, *args):
    return app.test_cli_runner().invoke(args=["import-plan", *map(str, args)])


def counts() -> dict[str, int]:
    db.session.expire_all()
    models = (Programme, Workstream, Section, Milestone, Proposal, Risk, Membership, AuditEvent)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def test_a_good_file_creates_the_workstream_sections_milestones_completions_and_risks(app, people, tmp_path):
    plan = write_csv(tmp_path / "plan.csv", HEADER, GOOD_ROWS)
    risks = write_csv(tmp_path / "risks.csv", RISK_HEADER, GOOD_RISKS)

    result = run(app, plan, "--workstream", "Business Intelligence", "--programme", "CSIP", "--risks", risks)

    assert result.exit_code == 0, result.stderr
    assert "Milestones: 3 added, 0 updated, 1 completed, 0 unchanged" in result.stdout
    workstream = db.session.scalar(select(Workstream).where(Workstream.name == "Business Intelligence"))
    assert workstream.programme.name == "CSIP"
    assert [(s.number, s.title) for s in workstream.sections] == [(1, "Responding to OFSTED Feedback"), (2, "QLIK")]
    milestones = {m.reference: m for m in db.session.scalars(select(Milestone))}
    assert (milestones["1.1"].due, milestones["1.1"].due_is_month) == (date(2023, 3, 31), True)
    assert (milestones["1.2"].revised_due, milestones["1.2"].revised_due_is_month) == (date(2021, 4, 30), False)
    assert milestones["1.2"].owner_id == people["owner"].id
    completion = db.session.scalar(select(Proposal).where(Proposal.milestone_id == milestones["2.1"].id))
    assert (completion.state, completion.imported, completion.completion_date) == ("approved", True, date(2021, 3, 31))
    assert milestones["2.1"].completed_on == date(2021, 3, 31)
    [risk] = db.session.scalars(select(Risk)).all()
    assert (risk.reference, risk.score, risk.rating.value) == ("Resourcing", 4, "amber")
    # Both owners were users but not members: they now own actions in the workstream, and that is audited.
    roles = {(m.user.email, m.role) for m in workstream.memberships}
    assert roles == {("owner@example.org", "owner"), ("lead@example.org", "owner")}
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("membership.added") == 2
    assert actions.count("milestone.added") == 3
    assert "plan.imported" in actions


def test_import_updates_existing_milestones_and_reports_what_changed(app, people, tmp_path):
    plan = write_csv(tmp_path / "plan.csv", HEADER, GOOD_ROWS)
    assert run(app, plan, "--workstream", "BI").exit_code == 0
    changed = [row[:] for row in GOOD_ROWS]
    changed[1][5] = "May 2021"
    changed[1][7] = "Moved again"
    write_csv(plan, HEADER, [*changed, ["2", "2.2", "New dashboard", "", "June 2021", "", "", ""]])

    result = run(app, plan, "--workstream", "BI")

    assert result.exit_code == 0, result.stderr
    assert "Milestones: 1 added, 1 updated, 1 revised date proposed, 2 unchanged" in result.stdout
    assert "  updated 1.2 (comments)" in result.stdout
    assert "  revised date proposed 1.2" in result.stdout
    assert "  added 2.2" in result.stdout
    # The plan has milestones now, so the new revised date waits for a decision; the milestone keeps its date.
    milestone = db.session.scalar(select(Milestone).where(Milestone.reference == "1.2"))
    assert (milestone.revised_due, milestone.revised_due_is_month) == (date(2021, 4, 30), False)
    assert milestone.comments == "Moved again"
    proposal = db.session.scalar(select(Proposal).where(Proposal.milestone_id == milestone.id))
    assert (proposal.kind, proposal.state, proposal.new_due, proposal.new_due_is_month) == (
        "date_change",
        "pending",
        date(2021, 5, 31),
        True,
    )
    # Imported without --by, so it is proposed in the owner's name, with the import as its source.
    assert (proposal.proposed_by_id, proposal.source, proposal.reason) == (
        people["owner"].id,
        "import of plan.csv",
        "Moved again",
    )


def test_dry_run_prints_what_would_change_and_writes_nothing(app, people, tmp_path):
    plan = write_csv(tmp_path / "plan.csv", HEADER, GOOD_ROWS)
    before = counts()

    result = run(app, plan, "--workstream", "BI", "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert "nothing was written" in result.stdout
    assert 'Workstream "BI" created in "Default programme"' in result.stdout
    assert "Milestones: 3 added" in result.stdout
    assert "  added 1.1" in result.stdout
    assert counts() == before


def assert_refused(app, result, *messages):
    assert result.exit_code == 1
    for message in messages:
        assert message in result.stderr
    assert "Nothing was imported" in result.stderr


@pytest.mark.parametrize(
    ("row_index", "column", "value", "message"),
    [
        (1, 4, "31st March", 'Row 3, column due: Enter a date as YYYY-MM-DD, DD/MM/YYYY or Month YYYY, not "31st'),
        (2, 3, "nobody@example.org", "Row 4, column owner_email: No user has the email nobody@example.org"),
        (2, 1, "1.1", "Row 4, column reference: Reference 1.1 is already used in row 2"),
        (0, 6, "32/01/2021", 'Row 2, column completed_on: Enter a real date: "32/01/2021" does not exist'),
        (1, 0, "Section", 'Row 3, column section: Section 1 is called "Responding to OFSTED Feedback" in row 2'),
        (1, 0, "1.2", "Row 3, column section: Enter the section number"),
        (2, 2, "", "Row 4, column milestone: Enter the milestone"),
    ],
)
def test_a_bad_row_names_its_row_and_column_and_nothing_is_written(
    app, people, tmp_path, row_index, column, value, message
):
    rows = [row[:] for row in GOOD_ROWS]
    rows[row_index][column] = value
    plan = write_csv(tmp_path / "plan.csv", HEADER, rows)
    before = counts()

    result = run(app, plan, "--workstream", "BI")

    assert_refused(app, result, message)
    assert counts() == before


def test_an_unknown_likelihood_names_its_risks_row_and_nothing_is_written(app, people, tmp_path):
    plan = write_csv(tmp_path / "plan.csv", HEADER, GOOD_ROWS)
    risks = write_csv(tmp_path / "risks.csv", RISK_HEADER, [[*GOOD_RISKS[0][:3], "Very high", *GOOD_RISKS[0][4:]]])
    before = counts()

    result = run(app, plan, "--workstream", "BI", "--risks", risks)

    message = 'Risks row 2, column likelihood: Likelihood must be Low, Medium or High, not "Very high"'
    assert_refused(app, result, message)
    assert counts() == before


def test_every_problem_is_reported_at_once(app, people, tmp_path):
    rows = [row[:] for row in GOOD_ROWS]
    rows[0][4] = "soon"
    rows[2][3] = "ghost@example.org"
    plan = write_csv(tmp_path / "plan.csv", HEADER, rows)
    risks = write_csv(tmp_path / "risks.csv", RISK_HEADER, [[*GOOD_RISKS[0][:4], "Huge", *GOOD_RISKS[0][5:]]])

    result = run(app, plan, "--workstream", "BI", "--risks", risks)

    assert_refused(
        app,
        result,
        "Row 2, column due:",
        "Row 4, column owner_email:",
        'Risks row 2, column impact: Impact must be Noticeable, Significant or Critical, not "Huge"',
    )


def test_a_new_section_needs_its_title(app, people, tmp_path):
    plan = write_csv(tmp_path / "plan.csv", HEADER, [["3", "3.1", "Scorecards", "", "May 2021", "", "", ""]])
    result = run(app, plan, "--workstream", "BI")
    assert_refused(app, result, 'Row 2, column section: Section 3 is new: give its title, like "3. Title"')


def test_a_misspelt_column_is_refused_rather_than_ignored(app, people, tmp_path):
    header = [*HEADER[:3], "owner_emial", *HEADER[4:]]
    plan = write_csv(tmp_path / "plan.csv", header, GOOD_ROWS)
    result = run(app, plan, "--workstream", "BI")
    assert_refused(app, result, "Column owner_emial: The milestones have no column called owner_emial")


def test_an_xlsx_with_a_risks_sheet_imports_both(app, people, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "milestones"
    sheet.append(HEADER)
    for row in GOOD_ROWS:
        sheet.append(row)
    risks = workbook.create_sheet("risks")
    risks.append(RISK_HEADER)
    risks.append(GOOD_RISKS[0])
    risks.append(["Quarterly Reports", "Reports late", "", "medium", "SIGNIFICANT", "", date(2021, 4, 30)])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)

    result = run(app, path, "--workstream", "BI")

    assert result.exit_code == 0, result.stderr
    assert "Risks: 2 added" in result.stdout
    quarterly = db.session.scalar(select(Risk).where(Risk.reference == "Quarterly Reports"))
    assert quarterly.score == 5
    assert (quarterly.mitigation_date, quarterly.mitigation_date_is_month) == (date(2021, 4, 30), False)


def test_without_a_programme_the_workstream_must_be_unambiguous(app, people, tmp_path):
    make_programme("Children's Services")
    make_programme("Adult Services")
    db.session.commit()
    plan = write_csv(tmp_path / "plan.csv", HEADER, GOOD_ROWS)
    result = run(app, plan, "--workstream", "BI")
    assert_refused(app, result, "name the programme to create it in with --programme")

    assert run(app, plan, "--workstream", "BI", "--programme", "Adult Services").exit_code == 0
    workstream = db.session.scalar(select(Workstream).where(Workstream.name == "BI"))
    assert workstream.programme.name == "Adult Services"


def test_a_file_that_is_not_a_spreadsheet_is_refused(app, people, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"not a workbook")
    assert_refused(app, run(app, path, "--workstream", "BI"), "The file is not an Excel workbook (.xlsx)")
    text = tmp_path / "plan.txt"
    text.write_text("section,reference")
    assert_refused(app, run(app, text, "--workstream", "BI"), "The file must be an Excel workbook (.xlsx) or a CSV")


def test_into_a_plan_with_milestones_a_completion_becomes_a_proposal_the_importer_cannot_decide(app, people, tmp_path):
    plan = write_csv(tmp_path / "plan.csv", HEADER, [row[:6] + ["", row[7]] for row in GOOD_ROWS])
    assert run(app, plan, "--workstream", "BI").exit_code == 0
    lead = people["lead"]
    workstream = db.session.scalar(select(Workstream).where(Workstream.name == "BI"))
    users.add_membership(db.session, None, lead, workstream, Role.LEAD)
    db.session.commit()
    rows = [row[:] for row in GOOD_ROWS]
    rows[2][6] = "2021-03-15"  # 2.1 is the lead's own milestone

    result = run(app, write_csv(plan, HEADER, rows), "--workstream", "BI", "--by", lead.email)

    assert result.exit_code == 0, result.stderr
    assert "1 completion proposed" in result.stdout
    milestone = db.session.scalar(select(Milestone).where(Milestone.reference == "2.1"))
    assert milestone.completed_on is None
    proposal = db.session.scalar(select(Proposal).where(Proposal.milestone_id == milestone.id))
    assert (proposal.state, proposal.proposed_by_id, proposal.imported) == ("pending", lead.id, False)
    with pytest.raises(NotAllowed):
        proposals.decide(db.session, lead, proposal, "approve", "", proposal.version)


def test_a_completion_after_today_is_refused_by_the_cli_too(app, people, tmp_path):
    rows = [row[:] for row in GOOD_ROWS]
    rows[2][6] = (date.today() + timedelta(days=1)).isoformat()
    before = counts()

    result = run(app, write_csv(tmp_path / "plan.csv", HEADER, rows), "--workstream", "BI")

    assert_refused(app, result, "Row 4, column completed_on: The completion date must be today or in the past")
    assert counts() == before
