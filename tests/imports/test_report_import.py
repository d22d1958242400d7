"""Importing last period's Word report: the round trip of Highlight's own export of the demo, papers laid out
like the seed's (built here with python-docx) with their variations, every problem named by table, row and column,
all or nothing, and the CLI."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.demo import data
from app.domain.permissions import Role
from app.exports.docx import render_docx
from app.extensions import db
from app.models import (
    AuditEvent,
    BoardMeeting,
    Milestone,
    Proposal,
    Report,
    ReportSnapshot,
    Risk,
    Section,
    SectionNarrative,
    Workstream,
)
from app.services import importer
from app.services.demo import load_demo
from app.services.report_model import build_live, from_snapshot, previous_rag_for
from tests.factories import make_programme, make_user, make_workstream
from tests.papers import HEADER, PaperSection, build_paper

TODAY = date.today()


def import_paper(content: bytes, name: str = "Imported", programme=None, actor=None, filename="report.docx"):
    """Into a new workstream; the system imports (no actor), with the paper's lead, else an admin, to record."""
    programme = programme or make_programme()
    make_user(is_admin=True)
    prepared = importer.prepare_import(
        db.session,
        actor,
        importer.read_files(filename, content),
        workstream=None,
        workstream_name=name,
        programme=programme,
        programme_name=programme.name,
        today=TODAY,
    )
    workstream = importer.apply_import(db.session, actor, prepared)
    db.session.commit()
    return workstream


def problems(content: bytes, workstream=None, programme=None) -> list[str]:
    programme = programme or (workstream.programme if workstream else make_programme())
    make_user(is_admin=True)
    try:
        importer.prepare_import(
            db.session,
            None,
            importer.read_files("report.docx", content),
            workstream=workstream,
            workstream_name="Imported",
            programme=programme,
            programme_name=programme.name,
            today=TODAY,
        )
    except importer.ImportFailed as failed:
        return [str(problem) for problem in failed.problems]
    raise AssertionError("the paper was accepted")


# The round trip ----------------------------------------------------------------------------------------------


def _as_the_paper_shows(milestone, as_of: date) -> tuple:
    """A milestone as its report line states it: complete (with its date) only if complete as at the report."""
    complete = milestone.completed_on is not None and milestone.completed_on <= as_of
    return (
        milestone.section.number,
        milestone.section.title,
        milestone.reference,
        milestone.text,
        (milestone.due, milestone.due_is_month),
        (None, False) if complete else (milestone.revised_due, milestone.revised_due_is_month),
        (milestone.completed_on, milestone.completed_on_is_month) if complete else (None, False),
        milestone.comments,
        milestone.removed,
    )


def _open_risks(workstream) -> set[tuple]:
    return {
        (r.reference, r.title, r.likelihood, r.impact, r.mitigation, r.mitigation_date, r.mitigation_date_is_month)
        for r in db.session.scalars(select(Risk).where(Risk.workstream_id == workstream.id, Risk.closed.is_(False)))
    }


@pytest.fixture
def demo_export(app, session):
    """The demo, and Highlight's own Word export of its report, for its meeting, as at today."""
    load_demo(session, "demo-password-for-tests")
    session.commit()
    demo = session.scalar(select(Workstream).where(Workstream.name == data.WORKSTREAM["name"]))
    report = session.scalar(select(Report).where(Report.workstream_id == demo.id))
    model = build_live(session, demo, TODAY, report=report, meeting=report.meeting)
    return demo, report, render_docx([model])


def test_the_word_export_of_the_demo_imports_into_an_empty_workstream_as_the_same_plan(demo_export):
    demo, report, content = demo_export

    copy = import_paper(content, "BI copy", demo.programme)

    def facts(workstream):
        rows = db.session.scalars(select(Milestone).where(Milestone.workstream_id == workstream.id))
        return {m.reference: _as_the_paper_shows(m, TODAY) for m in rows}

    assert len(facts(copy)) == len(data.MILESTONES) == 60
    assert facts(copy) == facts(demo)
    assert [(s.number, s.title) for s in copy.sections] == [(s.number, s.title) for s in demo.sections]
    assert _open_risks(copy) == _open_risks(demo)
    removed = db.session.scalar(select(Milestone).where(Milestone.workstream_id == copy.id, Milestone.removed))
    original = db.session.scalar(select(Milestone).where(Milestone.workstream_id == demo.id, Milestone.removed))
    assert (removed.reference, removed.removed_reason) == (original.reference, original.removed_reason)


def test_the_paper_is_kept_as_the_signed_off_report_so_the_next_board_shows_its_rag_as_previous(demo_export):
    demo, report, content = demo_export

    copy = import_paper(content, "BI copy", demo.programme)

    [kept] = db.session.scalars(select(Report).where(Report.workstream_id == copy.id)).all()
    assert (kept.state, kept.meeting_id, kept.reported_rag) == ("signed_off", report.meeting_id, report.reported_rag)
    assert (kept.rag_reason, kept.introduction) == (report.rag_reason, report.introduction)
    periods = ("period_from", "period_to", "next_from", "next_to")
    assert [getattr(kept, p) for p in periods] == [getattr(report, p) for p in periods]
    narratives = {
        n.section.number: (n.barriers, n.action_required, n.progress, n.next_activity)
        for n in db.session.scalars(select(SectionNarrative).where(SectionNarrative.report_id == kept.id))
    }
    originals = {
        n.section.number: (n.barriers, n.action_required, n.progress, n.next_activity)
        for n in db.session.scalars(select(SectionNarrative).where(SectionNarrative.report_id == report.id))
    }
    assert narratives == originals
    next_board = report.meeting.date + timedelta(days=56)
    assert previous_rag_for(db.session, copy.id, next_board) == report.reported_rag
    assert previous_rag_for(db.session, copy.id, report.meeting.date) is None
    # It reads back from its snapshot as signed off, and the database keeps it frozen.
    model = from_snapshot(db.session, kept)
    assert (model.state, model.meeting_date, model.rag.reported) == ("signed_off", report.meeting.date, "amber")
    assert db.session.scalar(select(func.count(ReportSnapshot.id)).where(ReportSnapshot.report_id == kept.id)) == 1


def test_the_papers_sponsor_and_lead_join_and_completions_are_recorded_against_the_lead(demo_export):
    demo, report, content = demo_export

    copy = import_paper(content, "BI copy", demo.programme)

    roles = {(m.user.email, m.role) for m in copy.memberships}
    assert roles == {(data.LEAD, Role.LEAD.value), (data.WORKSTREAM["sponsor"], Role.SPONSOR.value)}
    records = db.session.scalars(select(Proposal).join(Milestone).where(Milestone.workstream_id == copy.id)).all()
    assert records and {(p.state, p.imported, p.decided_by_id) for p in records} == {("approved", True, None)}
    lead = db.session.scalar(select(Workstream).where(Workstream.id == copy.id)).members_with(Role.LEAD)[0]
    assert {p.proposed_by_id for p in records} == {lead.id}
    assert {p.source for p in records} == {"import of report.docx"}
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "report.imported")) is not None


# Papers laid out like the seed's, and their variations -------------------------------------------------------


def seed_like(**overrides) -> bytes:
    sections = [
        PaperSection(
            1,
            "Front door",
            barriers=["- Status of the report unknown.", "- Staff leaving."],
            rows=[
                ["1.1", "Triage form", "February 2021", "15.2.21", "Action completed on time."],
                [
                    "1.2",
                    "Screening",
                    "March 2021",
                    "April 2021",
                    "Awaiting evidence of completion before the action can be recorded as complete.",
                ],
                ["1.3.", "Programme", "March 2023 (Completion of the Programme)", "", "Ongoing."],
            ],
        ),
        PaperSection(
            2, "Edge of care", headings=None, title_in_table=False, barriers_heading="Urgent Potential Barriers"
        ),
        PaperSection(
            3,
            "QLIK",
            headings=["Ref", "Milestone", "RAG", "Date Due", "Actual/ Revised Date", "Status"],
            rows=[
                ["3.1", "Dashboards", "Green", "19 March 2021", "19 March 2021", "Complete"],
                ["3.2", "Old idea", "", "April 2021", "", "Removed"],
                ["3.3", "Scorecards", "Amber", "May 2021", "June 2021", "Slipped"],
            ],
        ),
    ]
    return build_paper(overrides.pop("sections", sections), **overrides)


def test_a_seed_like_paper_with_its_variations_is_read_into_plan_risks_and_report(app):
    make_user("Tristan Example")
    workstream = import_paper(seed_like(extra_tables=True))

    assert [(s.number, s.title) for s in workstream.sections] == [(1, "Front door"), (2, "Edge of care"), (3, "QLIK")]
    found = {
        m.reference: m for m in db.session.scalars(select(Milestone).where(Milestone.workstream_id == workstream.id))
    }
    assert sorted(found) == ["1.1", "1.2", "1.3", "3.1", "3.2", "3.3"]
    # No Status column: the comments say 1.1 is complete, so its Actual/ Revised Date is its completion date.
    assert (found["1.1"].completed_on, found["1.1"].completed_on_is_month) == (date(2021, 2, 15), False)
    assert (found["1.2"].revised_due, found["1.2"].revised_due_is_month, found["1.2"].completed_on) == (
        date(2021, 4, 30),
        True,
        None,
    )
    # A date followed by words keeps the date, and the words go to the comments.
    assert (found["1.3"].due, found["1.3"].due_is_month) == (date(2023, 3, 31), True)
    assert found["1.3"].comments == "Date Due: March 2023 (Completion of the Programme). Ongoing."
    # A Status column says it: complete, removed (its comments blank: "Removed"), open with its revised date.
    assert found["3.1"].completed_on == date(2021, 3, 19)
    assert (found["3.2"].removed, found["3.2"].removed_reason) == (True, "Removed")
    assert (found["3.3"].revised_due, found["3.3"].completed_on) == (date(2021, 6, 30), None)
    risks = {r.reference: r for r in db.session.scalars(select(Risk).where(Risk.workstream_id == workstream.id))}
    assert {k: (r.likelihood, r.impact, r.mitigation_date) for k, r in risks.items()} == {
        "Resourcing": ("high", "noticeable", date(2021, 4, 30)),
        "Quarterly Reports": ("medium", "significant", date(2021, 4, 30)),
    }
    [report] = db.session.scalars(select(Report).where(Report.workstream_id == workstream.id)).all()
    assert (report.state, report.reported_rag, report.meeting.date) == ("signed_off", "amber", date(2021, 4, 19))
    assert report.rag_reason == "Progress since the board held on 15.2.21."
    assert report.introduction == "This report covers the business intelligence work."
    assert (report.period_from, report.period_from_is_month, report.next_to) == (
        date(2021, 1, 31),
        True,
        date(2021, 6, 30),
    )
    narratives = {
        n.section.number: n
        for n in db.session.scalars(select(SectionNarrative).where(SectionNarrative.report_id == report.id))
    }
    assert narratives[1].barriers == "- Status of the report unknown.\n- Staff leaving."
    assert narratives[2].barriers == "None identified."  # "Urgent Potential Barriers", a section with no milestones
    assert narratives[3].next_activity == "- More work."
    meeting = db.session.get(BoardMeeting, report.meeting_id)
    assert meeting.name == "Board meeting"


def test_the_meeting_of_the_papers_date_is_reused_and_named_like_the_boards_before(app):
    programme = make_programme()
    earlier = BoardMeeting(programme_id=programme.id, name="Children's Improvement Board", date=date(2021, 2, 15))
    db.session.add(earlier)
    db.session.commit()
    workstream = import_paper(seed_like(), programme=programme, actor=make_user(is_admin=True))
    report = db.session.scalar(select(Report).where(Report.workstream_id == workstream.id))
    assert (report.meeting.name, report.meeting.date) == ("Children's Improvement Board", date(2021, 4, 19))
    other = import_paper(seed_like(), "Other", programme=programme, actor=make_user(is_admin=True))
    assert db.session.scalar(select(Report.meeting_id).where(Report.workstream_id == other.id)) == report.meeting_id


def test_every_problem_is_named_by_table_row_and_column_and_nothing_is_written(app):
    header = [(label, value) for label, value in HEADER if label != "CIB Meeting Date"]
    header = [(label, "Purple" if label == "Current RAG Status" else value) for label, value in header]
    sections = [
        PaperSection(
            1,
            "Front door",
            rows=[
                ["1.1", "Triage form", "soon", "", ""],
                ["1.1", "Again", "March 2021", "", "Action completed on time."],
                ["x", "Bad reference", "March 2021", "2030-01-01", ""],
            ],
        )
    ]
    risks = [["Resourcing", "Late", "Very high", "Noticeable", "", "", "", ""]]
    before = db.session.scalar(select(func.count(Milestone.id)))

    listed = problems(seed_like(sections=sections, header=header, risks=risks))

    assert listed == [
        'Header table, row Current RAG Status: Enter Red, Amber or Green, not "Purple"',
        "Header table, row Meeting Date: Enter the board meeting's date: the paper is kept as the report for that "
        "meeting",
        "Milestones of section 1, row 2, column Date Due: Enter a date as YYYY-MM-DD, DD/MM/YYYY or Month YYYY, not "
        '"soon"',
        "Milestones of section 1, row 3, column Reference: Reference 1.1 is already used in row 2",
        "Milestones of section 1, row 4, column Reference: Enter a reference made of numbers and dots, like 1.4",
        'Risk table, row 3, column Likelihood: Likelihood must be Low, Medium or High, not "Very high"',
    ]
    assert db.session.scalar(select(func.count(Milestone.id))) == before
    assert db.session.scalar(select(func.count(Workstream.id)).where(Workstream.name == "Imported")) == 0


def test_a_report_goes_only_into_an_empty_workstream(app, world):
    listed = problems(seed_like(), workstream=world.a.workstream)
    assert listed[0] == (
        f"The workstream: {world.a.workstream.name} already has 1 milestone: a report is imported only into an empty "
        "workstream (import a spreadsheet to update a plan)"
    )


def test_a_completion_after_today_in_a_paper_is_refused(app):
    tomorrow = (TODAY + timedelta(days=1)).strftime("%-d.%-m.%y")
    sections = [PaperSection(1, "Front door", rows=[["1.1", "Form", "February 2021", tomorrow, "Action completed."]])]
    assert problems(seed_like(sections=sections)) == [
        "Milestones of section 1, row 2, column Actual/ Revised Date: The completion date must be today or in the past"
    ]


# The CLI -----------------------------------------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=["import-report", *map(str, args)])


def test_the_cli_imports_a_report_into_a_new_workstream(app, tmp_path):
    make_programme("CSIP")
    make_user("Tristan Example")
    db.session.commit()
    path = tmp_path / "april.docx"
    path.write_bytes(seed_like())

    dry = run(app, path, "--workstream", "Business Intelligence", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "Report kept as signed off: Board meeting, 19 April 2021 (reported amber)" in dry.stdout
    assert db.session.scalar(select(func.count(Workstream.id))) == 0

    result = run(app, path, "--workstream", "Business Intelligence")

    assert result.exit_code == 0, result.stderr
    assert "Milestones: 6 added, 0 updated, 2 completed, 1 removed, 0 unchanged" in result.stdout
    workstream = db.session.scalar(select(Workstream).where(Workstream.name == "Business Intelligence"))
    assert db.session.scalar(select(Report.state).where(Report.workstream_id == workstream.id)) == "signed_off"
    assert db.session.scalar(select(func.count(Section.id)).where(Section.workstream_id == workstream.id)) == 3


def test_the_cli_prints_every_problem_exits_1_and_writes_nothing(app, tmp_path):
    make_workstream("Business Intelligence")
    db.session.commit()
    header = [(label, "Purple" if label == "Current RAG Status" else value) for label, value in HEADER]
    sections = [PaperSection(1, "Front door", rows=[["1.1", "Form", "soon", "", ""]])]
    path = tmp_path / "april.docx"
    path.write_bytes(seed_like(header=header, sections=sections))
    before = db.session.scalar(select(func.count(Milestone.id)))

    result = run(app, path, "--workstream", "Business Intelligence")

    assert result.exit_code == 1
    assert 'Error: Header table, row Current RAG Status: Enter Red, Amber or Green, not "Purple"' in result.stderr
    assert "Error: Milestones of section 1, row 2, column Date Due: Enter a date" in result.stderr
    assert "Nothing was imported from april.docx." in result.stderr
    assert db.session.scalar(select(func.count(Milestone.id))) == before
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_the_cli_refuses_a_file_that_is_not_a_word_document(app, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("reference\n")
    result = run(app, path, "--workstream", "BI")
    assert result.exit_code == 1
    assert "plan.csv must be a Word document (.docx)" in result.stderr
    fake = tmp_path / "report.docx"
    fake.write_bytes(b"not a document")
    result = run(app, fake, "--workstream", "BI")
    assert result.exit_code == 1
    assert "The file is not a Word document (.docx)" in result.stderr
