"""The seed's own report, as at 19 April 2021, computes Amber: three open Amber risks, slipped milestones, none
overdue past tolerance (docs/rules.md, "RAG rules")."""

from datetime import date

from sqlalchemy import select

from app.demo import data
from app.domain.rag import RULE_AMBER_MILESTONE, RULE_AMBER_RISK, Rag
from app.models import Workstream
from app.services.demo import load_demo
from app.services.overview import build_overview
from app.services.plan_view import load_plan

AS_AT = date(2021, 4, 19)


def test_demo_is_amber_as_at_19_april_2021_because_of_its_three_open_amber_risks(session):
    load_demo(session, "demo-password-for-tests")
    workstream = session.scalar(select(Workstream).where(Workstream.name == data.WORKSTREAM["name"]))

    plan = load_plan(session, workstream, AS_AT)

    assert plan.assessment.rag is Rag.AMBER
    assert {reason.rag for reason in plan.assessment.reasons} == {Rag.AMBER}
    risks = next(r for r in plan.assessment.reasons if r.rule == RULE_AMBER_RISK)
    assert risks.text == "Open amber risks: Quarterly Reports, Report on 13 improvement areas, Resourcing"
    assert set(risks.references) == {r.reference for r in data.RISKS}
    slipped = next(r for r in plan.assessment.reasons if r.rule == RULE_AMBER_MILESTONE)
    assert {"4.6", "4.8", "5.3", "8.1"} <= set(slipped.references)
    assert plan.assessment.counts.overdue == 0


def test_demo_overview_agrees_with_its_plan(session):
    load_demo(session, "demo-password-for-tests")
    [programme] = build_overview(session, AS_AT)
    [row] = programme.rows
    assert row.assessment.rag is Rag.AMBER
    assert row.trend == "new"  # the seed's previous RAG is "N/A": nothing signed off before
    assert (row.assessment.counts.complete, row.assessment.counts.open) == (32, 27)
