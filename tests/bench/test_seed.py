"""The synthetic programme: the shape the benchmark needs, the same every time."""

from datetime import date

import sqlalchemy as sa

from app.models import Evidence, Milestone, Proposal, Risk, Section, User, Workstream
from bench.seed import Spec, populate

SPEC = Spec(workstreams=2, milestones=40, sections=4, owners=5, risks=6)
TODAY = date(2030, 6, 15)


def _fingerprint(session) -> list:
    rows = session.execute(
        sa.select(Milestone.reference, Milestone.due, Milestone.revised_due, Milestone.completed_on, User.email)
        .join(User, User.id == Milestone.owner_id)
        .order_by(Milestone.id)
    ).all()
    return [tuple(r) for r in rows]


def test_seed_builds_every_workstream_with_sections_milestones_and_risks(session):
    manifest = populate(session.connection(), "not-a-hash", spec=SPEC, today=TODAY)

    assert len(manifest.workstream_ids) == 2
    for workstream_id in manifest.workstream_ids:
        assert session.scalar(sa.select(sa.func.count()).where(Milestone.workstream_id == workstream_id)) == 40
        assert session.scalar(sa.select(sa.func.count()).where(Section.workstream_id == workstream_id)) == 4
        assert session.scalar(sa.select(sa.func.count()).where(Risk.workstream_id == workstream_id)) == 6
    assert session.scalar(sa.select(sa.func.count(Workstream.id))) == 2


def test_seed_has_completions_revised_dates_and_pending_proposals_with_evidence(session):
    manifest = populate(session.connection(), "not-a-hash", spec=SPEC, today=TODAY)

    assert session.scalar(sa.select(sa.func.count()).where(Milestone.completed_on.is_not(None)))
    assert session.scalar(sa.select(sa.func.count()).where(Milestone.revised_due.is_not(None)))
    pending = session.scalars(sa.select(Proposal.id).where(Proposal.state == "pending")).all()
    assert sorted(pending) == sorted(pid for pid, _ in manifest.pending)
    evidence = session.scalars(
        sa.select(Evidence).join(Proposal).where(Proposal.state == "pending", Proposal.kind == "completion")
    ).all()
    assert evidence and all(e.size == len(e.content) and e.kind == "file" for e in evidence)


def test_seed_is_the_same_every_time(session):
    populate(session.connection(), "not-a-hash", spec=SPEC, today=TODAY)
    first = _fingerprint(session)
    session.rollback()

    populate(session.connection(), "not-a-hash", spec=SPEC, today=TODAY)
    assert _fingerprint(session) == first
