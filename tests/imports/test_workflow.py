"""Imports go through the workflow: into a plan that has milestones, a completion, a new revised date or a removal
becomes a pending proposal that someone other than the importer decides; only the first import into an empty plan
records completions, labelled "recorded at import, no evidence"; a completion after today is refused."""

import io
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select

from app.domain.permissions import Role
from app.domain.proposals import RECORDED_AT_IMPORT
from app.extensions import db
from app.models import AuditEvent, Milestone, Proposal
from tests.conftest import parse
from tests.factories import make_member, make_milestone, make_workstream

HEADER = "section,reference,milestone,owner_email,due,revised_due,completed_on,comments,removed_reason\n"
PAST = date(2024, 3, 1)


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def import_file(client, workstream, content: bytes, filename: str = "plan.csv"):
    """Upload, preview and confirm; returns the preview page and the confirmation's response."""
    response = client.post(
        url_for("imports.upload", workstream_id=workstream.id),
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    preview = parse(client.get(response.headers["Location"]))
    form = preview.select_one("form[action*='confirm']")
    assert form is not None, preview.select_one(".govuk-error-summary")
    confirmed = client.post(
        url_for("imports.confirm", workstream_id=workstream.id),
        data={"upload": form.select_one("input[name=upload]")["value"]},
    )
    return preview, confirmed


def decide(client, proposal, decision="approve"):
    return client.post(
        url_for("proposals.decide", proposal_id=proposal.id),
        data={"decision": decision, "version": str(proposal.version), "reason": ""},
    )


def test_a_lead_marking_their_own_milestone_complete_by_import_gets_a_proposal_they_cannot_decide(
    app, world, login_as, session
):
    lead = world.a.lead
    own = make_milestone(world.a.section, "1.2", owner_id=lead.id, due=date(2030, 6, 30))
    session.commit()
    content = csv_bytes(f"1,1.2,{own.text},{lead.email},June 2030,,{PAST.isoformat()},,")

    preview, confirmed = import_file(login_as(lead), world.a.workstream, content)

    assert [li.get_text(strip=True) for li in preview.select("#import-milestone-changes li")] == [
        "Completion proposed 1.2"
    ]
    assert "someone other than you" in preview.select_one("#import-proposals").get_text()
    assert confirmed.status_code == 303
    session.expire_all()
    assert own.completed_on is None
    proposal = session.scalar(select(Proposal).where(Proposal.milestone_id == own.id))
    assert (proposal.kind, proposal.state, proposal.imported) == ("completion", "pending", False)
    assert (proposal.proposed_by_id, proposal.source, proposal.completion_date) == (lead.id, "import of plan.csv", PAST)

    # The importer cannot decide it; the workstream's sponsor (the decider of a lead's proposal) can.
    assert decide(login_as(lead), proposal).status_code == 403
    session.expire_all()
    assert proposal.state == "pending"
    assert decide(login_as(world.a.sponsor), proposal).status_code == 303
    session.expire_all()
    assert (proposal.state, proposal.decided_by_id, own.completed_on) == ("approved", world.a.sponsor.id, PAST)


def test_the_proposal_and_the_milestone_timeline_name_the_import(app, world, login_as, session):
    lead = world.a.lead
    own = make_milestone(world.a.section, "1.2", owner_id=lead.id, due=date(2030, 6, 30))
    session.commit()
    import_file(login_as(lead), world.a.workstream, csv_bytes(f"1,1.2,{own.text},,June 2030,,{PAST},,"))
    proposal = session.scalar(select(Proposal).where(Proposal.milestone_id == own.id))

    detail = parse(login_as(world.a.sponsor).get(url_for("proposals.detail", proposal_id=proposal.id)))
    summary = detail.select_one("#proposal-summary").get_text(" ", strip=True)
    assert "Source From import of plan.csv" in summary
    page = parse(login_as(lead).get(url_for("plan.milestone", milestone_id=own.id)))
    assert "(from import of plan.csv)" in page.select_one("table").get_text(" ", strip=True)
    created = session.scalar(
        select(AuditEvent).where(AuditEvent.milestone_id == own.id, AuditEvent.action == "proposal.created")
    )
    assert created.summary.endswith("from import of plan.csv, without evidence")
    assert created.summary in page.get_text(" ", strip=True)


def test_a_new_revised_date_and_a_removal_become_proposals_and_the_milestone_waits(app, world, login_as, session):
    lead, owner = world.a.lead, world.a.owner
    other = make_milestone(world.a.section, "1.3", owner_id=owner.id, due=date(2030, 5, 31))
    session.commit()
    content = csv_bytes(
        f"1,1.1,{world.a.milestone.text},{owner.email},March 2030,June 2030,,Supplier late,",
        f"1,1.3,{other.text},{owner.email},May 2030,,,,No longer needed",
    )

    preview, confirmed = import_file(login_as(lead), world.a.workstream, content)

    assert confirmed.status_code == 303
    assert [li.get_text(strip=True) for li in preview.select("#import-milestone-changes li")] == [
        "Updated 1.1 (comments)",
        "Revised date proposed 1.1",
        "Removal proposed 1.3",
    ]
    session.expire_all()
    assert (world.a.milestone.revised_due, other.removed) == (None, False)
    waiting = session.scalars(
        select(Proposal).where(Proposal.state == "pending", Proposal.proposed_by_id == lead.id).order_by(Proposal.id)
    ).all()
    assert [(p.milestone_id, p.kind, p.new_due, p.reason) for p in waiting] == [
        (world.a.milestone.id, "date_change", date(2030, 6, 30), "Supplier late"),
        (other.id, "removal", None, "No longer needed"),
    ]


def test_the_first_import_into_an_empty_workstream_records_completions_labelled_as_imported(
    app, world, login_as, session
):
    workstream = make_workstream("Gamma", world.programme)
    lead = make_member(workstream, Role.LEAD, "Gamma lead")
    owner = make_member(workstream, Role.OWNER, "Gamma owner")
    session.commit()
    content = csv_bytes(
        f"1. Front door,1.1,Triage form,{owner.email},March 2024,,{PAST.isoformat()},,",
        f"1,1.2,Dashboard,{owner.email},June 2030,,,,",
    )

    preview, confirmed = import_file(login_as(lead), workstream, content)

    assert "recorded at import, no evidence" in preview.select_one("#import-recorded").get_text()
    assert confirmed.status_code == 303
    milestone = session.scalar(
        select(Milestone).where(Milestone.workstream_id == workstream.id, Milestone.reference == "1.1")
    )
    assert milestone.completed_on == PAST
    [record] = session.scalars(select(Proposal).where(Proposal.milestone_id == milestone.id)).all()
    # The queryable fact: an approved completion flagged imported, decided by nobody.
    assert (record.state, record.imported, record.decided_by_id) == ("approved", True, None)
    assert (record.proposed_by_id, record.source, record.decision_reason) == (
        owner.id,
        "import of plan.csv",
        RECORDED_AT_IMPORT,
    )
    page = parse(login_as(lead).get(url_for("plan.milestone", milestone_id=milestone.id)))
    assert "(recorded at import, no evidence)" in page.select_one("table").get_text(" ", strip=True)
    assert "recorded at import, no evidence (from import of plan.csv)" in page.get_text(" ", strip=True)


def test_a_completion_dated_after_today_is_refused_naming_its_row_and_column(app, world, login_as, session):
    workstream = make_workstream("Gamma", world.programme)
    lead = make_member(workstream, Role.LEAD, "Gamma lead")
    session.commit()
    tomorrow = date.today() + timedelta(days=1)
    content = csv_bytes(
        f"1. Front door,1.1,Triage form,,March 2024,,{tomorrow.isoformat()},,",
        "1,1.2,Dashboard,,March 2024,,2030-01-01,,",
    )
    client = login_as(lead)
    response = client.post(
        url_for("imports.upload", workstream_id=workstream.id),
        data={"file": (io.BytesIO(content), "plan.csv")},
        content_type="multipart/form-data",
    )
    page = parse(client.get(response.headers["Location"]))

    problems = [li.get_text(strip=True) for li in page.select(".govuk-error-summary__list li")]
    assert problems == [
        "Row 2, column completed_on: The completion date must be today or in the past",
        "Row 3, column completed_on: The completion date must be today or in the past",
    ]
    assert page.select_one("form[action*='confirm']") is None
    assert db.session.scalar(select(Milestone).where(Milestone.workstream_id == workstream.id)) is None
