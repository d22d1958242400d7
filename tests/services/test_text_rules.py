"""Every path into the database meets the text rule in its service: the CLI, an import, a save without a form."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.domain.errors import DomainError
from app.extensions import db
from app.models import AuditEvent, Milestone, User
from app.services import admin, plan, proposals, reports, risks, users
from app.services.reports import section_field
from tests.imports.test_cli import GOOD_ROWS, HEADER, people, run, write_csv  # noqa: F401  (the people fixture)


def _refused(call, field: str, words: str) -> None:
    with pytest.raises(DomainError) as raised:
        call()
    assert raised.value.field == field
    assert words in raised.value.message
    db.session.rollback()


def test_plan_services_refuse_control_characters_and_state_limits(world):
    a = world.a
    milestone = {"section_id": a.section.id, "reference": "1.5", "text": "Train", "due": date(2030, 1, 31)}
    _refused(
        lambda: plan.add_milestone(db.session, a.lead, a.workstream, {**milestone, "text": "a\x00b"}), "text", "U+0000"
    )
    _refused(
        lambda: plan.add_milestone(db.session, a.lead, a.workstream, {**milestone, "comments": "x" * 10_001}),
        "comments",
        "10,000 characters or fewer",
    )
    _refused(lambda: plan.add_section(db.session, a.lead, a.workstream, 3, "Data\nQuality"), "title", "on one line")
    _refused(lambda: plan.remove_milestone(db.session, a.lead, a.milestone, "gone\x1b"), "reason", "U+001B")
    assert db.session.scalar(select(func.count(Milestone.id))) == 2


def test_risk_user_and_admin_services_refuse_control_characters(world):
    values = {"reference": "Data", "title": "Loss", "likelihood": "low", "impact": "noticeable"}
    _refused(
        lambda: risks.add_risk(db.session, world.a.lead, world.a.workstream, {**values, "mitigation": "\x07"}),
        "mitigation",
        "U+0007",
    )
    _refused(
        lambda: risks.add_risk(db.session, world.a.lead, world.a.workstream, {**values, "reference": "r" * 101}),
        "reference",
        "100 characters or fewer",
    )
    _refused(
        lambda: users.create_user(db.session, None, email="x@example.org", name="Ann\x00", password="p" * 12),
        "name",
        "U+0000",
    )
    _refused(lambda: admin.create_workstream(db.session, None, world.programme, "Gamma", "\x1b[31m"), "title", "U+001B")
    _refused(lambda: admin.get_or_create_programme(db.session, None, "P\x00"), "programme", "U+0000")


def test_proposal_services_refuse_control_characters(world):
    a = world.a
    _refused(
        lambda: proposals.add_evidence(db.session, a.owner, a.proposal, [], "", "note\x00", max_bytes=1000),
        "note",
        "U+0000",
    )
    _refused(
        lambda: proposals.decide(db.session, a.lead, a.proposal, "reject", "why\x00", 1),
        "reason",
        "U+0000",
    )


def test_a_report_save_refuses_bad_text_whole_or_keeps_the_rest_when_autosaving(world):
    a = world.a
    field = section_field(a.section.id, "progress")
    bad = {"introduction": "Fine", "narratives": {a.section.id: {"progress": "bad\x00"}}}
    _refused(lambda: reports.save_report(db.session, a.lead, a.report, bad, today=date(2030, 1, 1)), field, "U+0000")
    outcome = reports.save_report(db.session, a.lead, a.report, bad, today=date(2030, 1, 1), partial=True)
    db.session.commit()
    assert [(p.field, "U+0000" in p.message) for p in outcome.problems] == [(field, True)]
    db.session.expire_all()
    assert a.report.introduction == "Fine"
    assert [n.progress for n in a.report.narratives] == ["Progress"]


def test_the_cli_refuses_a_user_with_a_control_character(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "x@example.org", "--name", "Ann\x1bB", "--password", "long enough"]
    )
    assert result.exit_code == 1
    assert "U+001B" in result.stderr
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_an_import_with_a_control_character_writes_nothing(app, people, tmp_path):  # noqa: F811
    rows = [list(row) for row in GOOD_ROWS]
    rows[1][2] = "Report on improvement areas\x1b[2J"
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    result = run(app, write_csv(tmp_path / "plan.csv", HEADER, rows), "--workstream", "BI", "--programme", "CSIP")
    assert result.exit_code == 1
    assert "Milestone must not contain control characters (found U+001B)" in result.stderr
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Milestone.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before
