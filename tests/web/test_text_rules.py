"""Text as people type it, on every form: a control character (a NUL among them) or an over-long value is a field
error naming its limit, never a 500 and never stored; the services refuse the same for every other path."""

import importlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

import app as package
from app.extensions import db
from app.models import AuditEvent
from app.reports.forms import ReportForm
from app.services.reports import section_field
from app.web.forms import PlainText, PlanDateField
from tests.conftest import parse


def _form_classes() -> list[type[FlaskForm]]:
    for path in sorted(Path(package.__path__[0]).glob("*/forms.py")):
        importlib.import_module(f"app.{path.parent.name}.forms")
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("app."):
            found.append(cls)
    return found


def test_every_text_field_of_every_form_checks_its_text_rule(app):
    class Section:
        id, number = 7, 1

    classes = [*_form_classes(), ReportForm.for_sections([Section()])]
    assert len(classes) > 20
    unchecked = []
    with app.test_request_context(method="POST"):
        for cls in classes:
            form = cls(meta={"csrf": False})
            for name, field in form._fields.items():
                if not isinstance(field, StringField) or isinstance(field, PlanDateField):
                    continue  # choices, numbers, files and plan dates (which check their own text) aside
                if not any(isinstance(v, PlainText) for v in field.validators):
                    unchecked.append(f"{cls.__name__}.{name}")
    assert not unchecked


def _count_events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


NUL_MESSAGE = "must not contain control characters (found U+0000)"


def _cases(world):
    """(who, endpoint and its arguments, valid form data, field to spoil, extra request options)."""
    a = world.a
    milestone_form = {
        "section_id": a.section.id,
        "reference": "1.9",
        "text": "Train every team",
        "owner_id": "0",
        "due": "2030-06-30",
        "revised_due": "",
        "comments": "",
    }
    risk_form = {
        "reference": "Data",
        "title": "Source data may be incomplete",
        "description": "",
        "likelihood": "low",
        "impact": "noticeable",
        "owner_id": "0",
        "mitigation": "",
        "mitigation_date": "",
    }
    report_form = {"introduction": "Intro", "rag_reason": "", "override_justification": "", "reported_rag": ""}
    report_form[section_field(a.section.id, "progress")] = "Progress"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    return {
        "sign-in email": (None, ("auth.login", {}), {"email": "a@example.org", "password": "x" * 12}, "email"),
        "sign-in password": (None, ("auth.login", {}), {"email": "a@example.org", "password": "x" * 12}, "password"),
        "user name": (
            world.admin,
            ("admin.new_user", {}),
            {"name": "New Person", "email": "new@example.org", "password": "long enough password"},
            "name",
        ),
        "workstream title": (
            world.admin,
            ("admin.new_workstream", {}),
            {"programme_id": world.programme.id, "name": "Gamma", "title": "Gamma report"},
            "title",
        ),
        "meeting name": (
            world.admin,
            ("admin.new_meeting", {}),
            {"programme_id": world.programme.id, "name": "Board", "date": "2031-01-20"},
            "name",
        ),
        "section title": (
            a.lead,
            ("plan.new_section", {"workstream_id": a.workstream.id}),
            {"number": 4, "title": "Data"},
            "title",
        ),
        "milestone text": (
            a.lead,
            ("plan.new_milestone", {"workstream_id": a.workstream.id}),
            milestone_form,
            "text",
        ),
        "milestone comments on edit": (
            a.lead,
            ("plan.edit_milestone", {"milestone_id": a.milestone.id}),
            {**milestone_form, "reference": "1.1"},
            "comments",
        ),
        "risk description": (
            a.lead,
            ("risks.new", {"workstream_id": a.workstream.id}),
            risk_form,
            "description",
        ),
        "risk mitigation on edit": (
            a.lead,
            ("risks.edit", {"risk_id": a.risk.id}),
            {**risk_form, "reference": a.risk.reference},
            "mitigation",
        ),
        "proposal reason": (
            a.owner,
            ("proposals.new", {"milestone_id": a.milestone.id, "kind": "date_change"}),
            {"new_due": "2031-03-31", "reason": "Staff left"},
            "reason",
        ),
        "proposal note": (
            a.owner,
            ("proposals.new", {"milestone_id": a.milestone.id, "kind": "completion"}),
            {"completion_date": yesterday, "note": "Done", "links": "https://example.org/done"},
            "note",
        ),
        "evidence note": (
            a.owner,
            ("proposals.add_evidence", {"proposal_id": a.proposal.id}),
            {"note": "Signed register"},
            "note",
        ),
        "decision reason": (
            a.lead,
            ("proposals.decide", {"proposal_id": a.proposal.id}),
            {"decision": "reject", "version": "1", "reason": "Unsigned"},
            "reason",
        ),
        "report introduction": (
            a.lead,
            ("reports.edit", {"report_id": a.report.id}),
            report_form,
            "introduction",
        ),
        "report narrative": (
            a.lead,
            ("reports.edit", {"report_id": a.report.id}),
            report_form,
            section_field(a.section.id, "progress"),
        ),
    }


CASES = [
    "sign-in email",
    "sign-in password",
    "user name",
    "workstream title",
    "meeting name",
    "section title",
    "milestone text",
    "milestone comments on edit",
    "risk description",
    "risk mitigation on edit",
    "proposal reason",
    "proposal note",
    "evidence note",
    "decision reason",
    "report introduction",
    "report narrative",
]


def _errors(page) -> str:
    """The error summary, or the error by the field where a panel shows no summary (the decision buttons)."""
    return " ".join(e.get_text() for e in page.select(".govuk-error-summary, .govuk-error-message"))


def _post(app, login_as, who, endpoint, data):
    client = login_as(who) if who is not None else app.test_client()
    name, arguments = endpoint
    return client.post(url_for(name, **arguments), data=data)


@pytest.mark.parametrize("case", CASES)
def test_a_nul_in_any_form_field_is_a_field_error_and_nothing_is_stored(app, world, login_as, case):
    who, endpoint, data, field = _cases(world)[case]
    before = _count_events()
    response = _post(app, login_as, who, endpoint, {**data, field: "before\x00after"})
    # A form shown again with its error (200), or refused with it (400: the evidence forms), or a sign-in page.
    assert response.status_code in (200, 400, 401), response.status_code
    page = parse(response)
    assert NUL_MESSAGE in _errors(page)
    assert page.title.get_text().startswith("Error: ")
    assert _count_events() == before


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x9b"])
def test_other_control_characters_are_refused_the_same_way(app, world, login_as, character):
    who, endpoint, data, field = _cases(world)["milestone text"]
    page = parse(_post(app, login_as, who, endpoint, {**data, field: f"one{character}two"}))
    assert f"found U+{ord(character):04X}" in page.select_one(".govuk-error-summary").get_text()


def test_tabs_and_line_ends_are_kept_in_multi_line_text(app, world, login_as):
    who, endpoint, data, _ = _cases(world)["milestone text"]
    response = _post(app, login_as, who, endpoint, {**data, "comments": "one\ttwo\r\nthree"})
    assert response.status_code == 303
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "milestone.added")) is not None


@pytest.mark.parametrize(
    ("case", "field", "length", "limit"),
    [
        ("section title", "title", 301, "300"),
        ("user name", "name", 201, "200"),
        ("risk description", "reference", 101, "100"),
        ("milestone text", "text", 10_001, "10,000"),
        ("report narrative", None, 20_001, "20,000"),
    ],
)
def test_every_text_field_states_its_limit(app, world, login_as, case, field, length, limit):
    who, endpoint, data, spoiled = _cases(world)[case]
    before = _count_events()
    page = parse(_post(app, login_as, who, endpoint, {**data, field or spoiled: "x" * length}))
    assert (
        f"must be {limit} characters or fewer (it has {length:,})" in page.select_one(".govuk-error-summary").get_text()
    )
    assert _count_events() == before


def test_one_line_values_refuse_a_line_break(app, world, login_as):
    who, endpoint, data, _ = _cases(world)["section title"]
    page = parse(_post(app, login_as, who, endpoint, {**data, "title": "Two\nlines"}))
    assert "Title must be on one line" in page.select_one(".govuk-error-summary").get_text()


def test_autosave_keeps_what_is_plain_text_and_names_what_is_not(app, world, login_as):
    who, endpoint, data, _ = _cases(world)["report introduction"]
    progress = section_field(world.a.section.id, "progress")
    response = login_as(who).post(
        url_for("reports.autosave", report_id=world.a.report.id),
        data={**data, "introduction": "Kept introduction", progress: "bad\x00text"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    status = response.get_data(as_text=True)
    assert "Saved at" in status and NUL_MESSAGE in status
    db.session.expire_all()
    report = world.a.report
    assert report.introduction == "Kept introduction"
    assert [n.progress for n in report.narratives] == ["Progress"]
