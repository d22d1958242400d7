"""A completion recorded at import has no evidence behind it, and the paper says so: the report model labels the row
and adds the words to its comments (the database keeps the imported comment as it was). The plan is still read in
its two statements."""

from datetime import date

from app.domain.proposals import Kind
from app.models import Milestone, Workstream
from app.services import plan as plan_service
from app.services import proposals as proposals_service
from app.services.plan_view import load_plan
from app.services.report_model import build_live, to_contract
from tests.evidence_corpus import pdf
from tests.factories import make_milestone
from tests.plan.test_query_counts import counting_statements

AS_OF = date(2030, 4, 19)


def _lines(db, world):
    db.session.expire_all()
    return {m.reference: m for m in build_live(db.session, world.a.workstream, AS_OF).milestones}


def test_a_completion_recorded_at_import_is_labelled_on_the_paper_and_in_the_json(world, db):
    imported = make_milestone(world.a.section, "1.2", owner_id=world.a.owner.id, due=date(2021, 3, 31))
    imported.comments = "Action completed on time."
    plan_service.record_imported_completion(db.session, world.a.lead, imported, date(2021, 3, 31), True)
    db.session.commit()

    line = _lines(db, world)["1.2"]

    assert line.status == "complete" and line.recorded_at_import is True
    assert line.comments == "Action completed on time. Recorded at import, no evidence."
    assert db.session.get(Milestone, imported.id).comments == "Action completed on time."
    document = to_contract(build_live(db.session, world.a.workstream, AS_OF))
    row = next(m for s in document["sections"] for m in s["milestones"] if m["reference"] == "1.2")
    assert row["comments"] == "Action completed on time. Recorded at import, no evidence."


def test_a_completion_approved_on_evidence_is_not_labelled(world, db):
    milestone = make_milestone(world.a.section, "1.3", owner_id=world.a.owner.id, due=date(2030, 3, 31))
    db.session.commit()
    proposal = proposals_service.propose(
        db.session,
        world.a.owner,
        milestone,
        Kind.COMPLETION,
        proposals_service.ProposalInput(completion_date=date(2030, 3, 1), note="Signed register attached"),
        [proposals_service.Upload("register.pdf", pdf())],
        today=AS_OF,
        max_bytes=1_000_000,
    )
    proposals_service.decide(db.session, world.a.lead, proposal, "approve", "", 1)
    db.session.commit()

    line = _lines(db, world)["1.3"]

    assert line.status == "complete" and line.recorded_at_import is False
    assert line.comments == "Completed 1 March 2030: Signed register attached"


def test_an_imported_completion_after_the_as_at_date_is_not_yet_labelled(world, db):
    later = make_milestone(world.a.section, "1.4", owner_id=world.a.owner.id, due=date(2030, 6, 30))
    plan_service.record_imported_completion(db.session, world.a.lead, later, date(2030, 6, 30), True)
    db.session.commit()

    line = _lines(db, world)["1.4"]

    assert line.status != "complete" and line.recorded_at_import is False
    assert "Recorded at import" not in line.comments


def test_the_plan_is_still_read_in_two_statements(world, db):
    for number in range(2, 12):
        milestone = make_milestone(world.a.section, f"1.{number}", owner_id=world.a.owner.id, due=date(2021, 3, 31))
        plan_service.record_imported_completion(db.session, world.a.lead, milestone, date(2021, 3, 31), True)
    db.session.commit()
    db.session.expire_all()
    workstream = db.session.get(Workstream, world.a.workstream.id)
    _ = workstream.programme  # loaded before counting: the plan's own statements only

    with counting_statements() as statements:
        plan = load_plan(db.session, workstream, AS_OF)

    assert len(statements) == 2
    assert sum(row.recorded_at_import for row in plan.rows) == 10
