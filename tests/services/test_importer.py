"""The plan export re-imports cleanly: into a new workstream it gives the same plan, into its own workstream it
changes nothing."""

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from app.demo import data
from app.extensions import db
from app.models import Milestone, Risk, Workstream
from app.services import importer, plan
from app.services.plan_view import load_plan
from tests.factories import make_milestone, make_risk

TODAY = date(2030, 4, 19)


def plan_facts(workstream) -> set[tuple]:
    milestones = db.session.scalars(select(Milestone).where(Milestone.workstream_id == workstream.id))
    return {
        (
            m.section.number,
            m.section.title,
            m.reference,
            m.text,
            m.owner.email if m.owner else None,
            (m.due, m.due_is_month),
            (m.revised_due, m.revised_due_is_month),
            (m.completed_on, m.completed_on_is_month),
            m.comments,
            (m.removed, m.removed_reason),
        )
        for m in milestones
    }


def risk_facts(workstream) -> set[tuple]:
    risks = db.session.scalars(select(Risk).where(Risk.workstream_id == workstream.id))
    return {
        (
            r.reference,
            r.title,
            r.description,
            r.likelihood,
            r.impact,
            r.mitigation,
            (r.mitigation_date, r.mitigation_date_is_month),
            r.owner.email if r.owner else None,
            r.closed,
        )
        for r in risks
    }


def import_into(workstream_name, content, actor, programme):
    prepared = importer.prepare_import(
        db.session,
        actor,
        importer.read_files("export.xlsx", content),
        workstream=None,
        workstream_name=workstream_name,
        programme=programme,
        programme_name=programme.name,
        today=TODAY,
    )
    workstream = importer.apply_import(db.session, actor, prepared)
    db.session.commit()
    return workstream


def build_rich_plan(world):
    a = world.a
    lead, owner = a.lead, a.owner
    done = make_milestone(a.section, "1.2", owner_id=owner.id, due=date(2030, 1, 15), due_is_month=False)
    plan.record_imported_completion(db.session, lead, done, date(2030, 1, 10), False)
    make_milestone(
        a.section,
        "1.10",
        owner_id=lead.id,
        due=date(2030, 2, 28),
        revised_due=date(2030, 5, 31),
        revised_due_is_month=True,
        comments='=HYPERLINK("http://example.com","Moved"): waiting for data, "quoted"; and commas',
    )
    gone = make_milestone(a.section, "1.3", due=date(2030, 2, 28))
    plan.remove_milestone(db.session, lead, gone, "No longer needed")
    make_risk(
        a.workstream,
        "Data quality",
        title="Gaps in data",
        description="Case records incomplete",
        likelihood="high",
        impact="critical",
        mitigation="Weekly checks",
        mitigation_date=date(2030, 4, 30),
        mitigation_date_is_month=True,
        owner_id=a.sponsor.id,
    )
    make_risk(a.workstream, "Old risk", closed=True)
    db.session.commit()


def test_an_exported_plan_imports_into_a_new_workstream_unchanged(app, world):
    build_rich_plan(world)
    content = importer.export_plan(db.session, world.a.workstream, True, TODAY)

    copy = import_into("Alpha copy", content, world.a.lead, world.programme)

    assert plan_facts(copy) == plan_facts(world.a.workstream)
    assert risk_facts(copy) == risk_facts(world.a.workstream)


def test_text_that_looks_like_a_formula_is_exported_as_text(app, world):
    build_rich_plan(world)
    content = importer.export_plan(db.session, world.a.workstream, True, TODAY)
    sheet = load_workbook(io.BytesIO(content))["milestones"]
    cell = next(row[7] for row in sheet.iter_rows(min_row=2) if row[1].value == "1.10")
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK(")


def test_re_importing_an_export_into_its_own_workstream_changes_nothing(app, world):
    build_rich_plan(world)
    content = importer.export_plan(db.session, world.a.workstream, True, TODAY)

    prepared = importer.prepare_import(
        db.session,
        world.a.lead,
        importer.read_files("export.xlsx", content),
        workstream=world.a.workstream,
        today=TODAY,
    )

    assert not prepared.has_changes
    assert {c.action for c in prepared.changes} == {"unchanged"}
    assert prepared.count("milestone", "unchanged") == 4
    assert prepared.count("risk", "unchanged") == 3


def test_an_export_without_risks_leaves_the_risks_alone(app, world):
    content = importer.export_plan(db.session, world.a.workstream, False, TODAY)
    prepared = importer.prepare_import(
        db.session,
        world.a.lead,
        importer.read_files("export.xlsx", content),
        workstream=world.a.workstream,
        today=TODAY,
    )
    assert not prepared.risks
    assert not prepared.has_changes


def test_the_demo_plan_round_trips_with_the_same_rag(app, session):
    from app.services.demo import load_demo

    people = load_demo(session, "demo-password-for-tests")
    session.commit()
    demo = session.scalar(select(Workstream).where(Workstream.name == data.WORKSTREAM["name"]))
    content = importer.export_plan(session, demo, True, date(2021, 4, 19))

    copy = import_into("BI copy", content, people[data.LEAD], demo.programme)

    assert plan_facts(copy) == plan_facts(demo)
    assert risk_facts(copy) == risk_facts(demo)
    original = load_plan(session, demo, date(2021, 4, 19)).assessment
    imported = load_plan(session, copy, date(2021, 4, 19)).assessment
    assert (imported.rag, imported.reasons, imported.counts) == (original.rag, original.reasons, original.counts)
