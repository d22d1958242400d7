from datetime import date

from sqlalchemy import func, select

from app.demo import data
from app.extensions import db
from app.models import BoardMeeting, Milestone, Proposal, Risk, Section, User, Workstream
from app.services.plan_view import load_plan
from tests.factories import make_user


def _seed(app, password="demo-password-1", **env):
    """The demo as published: the seed's own dates, for checking it against the seed."""
    runner = app.test_cli_runner()
    return runner.invoke(args=["seed-demo", "--as-published"], env={"DEMO_PASSWORD": password, **env})


def test_seed_demo_loads_every_milestone_of_the_seed(app):
    result = _seed(app)
    assert result.exit_code == 0, result.output
    workstream = db.session.scalar(select(Workstream).where(Workstream.name == "Business Intelligence"))
    references = db.session.scalars(
        select(Milestone.reference).where(Milestone.workstream_id == workstream.id).order_by(Milestone.sort_key)
    ).all()
    assert references == [m.reference for m in data.MILESTONES]
    assert len(references) == 60 and references[0] == "1.1" and references[-1] == "8.2"
    titles = db.session.scalars(select(Section.title).order_by(Section.number)).all()
    assert titles[0] == "Responding to OFSTED Feedback" and titles[-1] == "Feedback" and len(titles) == 8
    assert db.session.scalar(select(func.count(Risk.id))) == 3
    meeting = db.session.scalar(select(BoardMeeting).where(BoardMeeting.date == date(2021, 4, 19)))
    assert meeting.name == "Children's Improvement Board"
    for email in ("admin@example.org", "lead@example.org", "owner@example.org", "sponsor@example.org"):
        assert email in result.output


def test_seed_months_stay_months_and_completions_are_imported_approvals(app):
    _seed(app)
    milestone = db.session.scalar(select(Milestone).where(Milestone.reference == "1.4"))
    assert (milestone.due_label, milestone.revised_due_label) == ("February 2021", "April 2021")
    assert milestone.due == date(2021, 2, 28)
    done = db.session.scalar(select(Milestone).where(Milestone.reference == "1.2"))
    assert done.completed_on_label == "November 2020"
    proposal = db.session.scalar(select(Proposal).where(Proposal.milestone_id == done.id))
    assert (proposal.kind, proposal.state, proposal.imported) == ("completion", "approved", True)
    removed = db.session.scalar(select(Milestone).where(Milestone.reference == "2.12"))
    assert removed.removed and "not in need of improvement" in removed.removed_reason


def test_seed_demo_computes_amber_as_at_the_meeting(app):
    _seed(app)
    workstream = db.session.scalar(select(Workstream))
    plan = load_plan(db.session, workstream, date(2021, 4, 19))
    assert plan.assessment.rag.value == "amber"
    assert plan.assessment.counts.overdue == 0
    reasons = " ".join(r.text for r in plan.assessment.reasons)
    for risk in data.RISKS:
        assert risk.reference in reasons


def test_demo_users_sign_in_with_the_demo_password(app, client):
    from flask import url_for

    _seed(app, password="a-long-demo-password")
    response = client.post(
        url_for("auth.login"), data={"email": "lead@example.org", "password": "a-long-demo-password"}
    )
    assert response.status_code == 303


def test_seed_demo_generates_and_prints_a_password_when_none_is_given(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--as-published"], env={"DEMO_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("Password for every demo user: "))
    assert len(line.split(": ", 1)[1]) >= 12


def test_seed_demo_twice_leaves_the_demo_as_it_was(app):
    _seed(app)
    count = db.session.scalar(select(func.count(Milestone.id)))
    result = _seed(app)
    assert result.exit_code == 0
    assert "already loaded" in result.output
    assert db.session.scalar(select(func.count(Milestone.id))) == count


def test_seed_demo_refuses_a_database_holding_other_data(app):
    make_user(email="someone@example.org")
    db.session.commit()
    result = _seed(app)
    assert result.exit_code == 1
    assert "Nothing was changed" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(Workstream.id))) == 0
