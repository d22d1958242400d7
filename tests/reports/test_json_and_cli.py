"""The report JSON contract over HTTP and from `flask report`, on the seed's own report."""

import json
import re

from flask import url_for

from app.demo import data
from tests.reports.conftest import refresh, sign_off, snapshots, submit

TOP = {
    "workstream",
    "meeting",
    "as_of",
    "state",
    "rag",
    "sections",
    "risks",
    "changes_since_last",
    "decisions_needed",
    "signed_off",
}
RAG = {"computed", "reported", "previous", "reason", "reasons"}
SECTION = {"number", "title", "barriers", "action_required", "progress", "next_activity", "milestones"}
MILESTONE = {
    "reference",
    "milestone",
    "owner",
    "due",
    "revised_due",
    "completed_on",
    "status",
    "status_text",
    "rag",
    "comments",
}
STATUS_TEXTS = {"Complete", "On track", "Due soon", "Slipped", "Overdue", "Awaiting approval", "Removed"}
RISK = {"reference", "risk", "likelihood", "impact", "score", "rating", "mitigation", "mitigation_date", "status"}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
AMBER_RISKS = "Open amber risks: Quarterly Reports, Report on 13 improvement areas, Resourcing"


def assert_contract(document: dict) -> None:
    """Exactly the contract's fields, with its value sets."""
    assert set(document) == TOP
    assert set(document["workstream"]) == {"name", "sponsor", "lead"}
    assert document["meeting"] is None or set(document["meeting"]) == {"name", "date"}
    assert set(document["rag"]) == RAG and all(isinstance(r, str) for r in document["rag"]["reasons"])
    assert document["state"] in ("live", "draft", "awaiting_sign_off", "signed_off")
    for key in ("computed", "reported"):
        assert document["rag"][key] in ("red", "amber", "green")
    assert ISO.fullmatch(document["as_of"])
    for section in document["sections"]:
        assert set(section) == SECTION
        for m in section["milestones"]:
            assert set(m) == MILESTONE
            assert m["status"] in ("open", "awaiting_approval", "complete", "removed")
            assert m["status_text"] in STATUS_TEXTS
            assert (m["rag"] is None) == (m["status"] in ("complete", "removed"))
            assert (m["completed_on"] is not None) == (m["status"] == "complete")
            for key in ("due", "revised_due", "completed_on"):
                assert m[key] is None or ISO.fullmatch(m[key])
    for r in document["risks"]:
        assert set(r) == RISK
        assert r["likelihood"] in ("low", "medium", "high") and r["impact"] in ("noticeable", "significant", "critical")
        assert r["rating"] in ("red", "amber", "green") and r["status"] in ("open", "closed")
    assert all(set(c) == {"kind", "reference", "text"} for c in document["changes_since_last"])
    assert all(set(d) == {"text", "outcome"} for d in document["decisions_needed"])
    assert document["signed_off"] is None or set(document["signed_off"]) == {"by", "at", "sha256"}


def references(document: dict) -> list[str]:
    return [m["reference"] for s in document["sections"] for m in s["milestones"]]


def assert_seed_report(document: dict) -> None:
    """As at 19 April 2021 the seed computes amber: its three amber risks, slipped milestones, all 60 milestones."""
    assert_contract(document)
    assert document["as_of"] == "2021-04-19"
    assert document["rag"]["computed"] == "amber" and document["rag"]["reported"] == "amber"
    assert AMBER_RISKS in document["rag"]["reasons"]
    assert not any(reason.startswith("Overdue") for reason in document["rag"]["reasons"])
    assert references(document) == [m.reference for m in data.MILESTONES]
    assert len(references(document)) == 60
    assert document["workstream"] == {"name": "Business Intelligence", "sponsor": "Morgan Hale", "lead": "Priya Shah"}


def test_live_json_of_the_demo_as_at_the_meeting(demo, login_as):
    url = url_for("reports.live_json", workstream_id=demo.workstream.id, as_of="2021-04-19")
    response = login_as(demo.owner).get(url)
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert_seed_report(document)
    # A live report's meeting is the next board meeting on or after its as-at date.
    assert document["state"] == "live" and document["signed_off"] is None
    assert document["meeting"] == {"name": "Children's Improvement Board", "date": "2021-04-19"}
    milestone = {m["reference"]: m for s in document["sections"] for m in s["milestones"]}
    assert milestone["1.2"] == {
        "reference": "1.2",
        "milestone": milestone["1.2"]["milestone"],
        "owner": milestone["1.2"]["owner"],
        "due": "2020-11-30",
        "revised_due": None,
        "completed_on": "2020-11-30",
        "status": "complete",
        "status_text": "Complete",
        "rag": None,
        # The demo records its completions as an import does: the paper says there is no evidence behind them.
        "comments": "Action completed on time. Recorded at import, no evidence.",
    }
    assert milestone["2.12"]["status"] == "removed" and milestone["2.12"]["rag"] is None
    assert milestone["1.4"]["rag"] == "amber" and milestone["1.4"]["revised_due"] == "2021-04-30"
    assert milestone["1.4"]["status_text"] == "Slipped" and milestone["2.12"]["status_text"] == "Removed"
    assert login_as(demo.owner).get(url.replace("2021-04-19", "19-04-2021")).status_code == 400


def test_a_stored_report_as_json_is_the_draft_then_the_signed_snapshot(demo, login_as):
    url = url_for("reports.report_json", report_id=demo.report.id)
    draft = login_as(demo.lead).get(url).get_json()
    assert_seed_report(draft)
    assert draft["state"] == "draft"
    assert draft["meeting"] == {"name": "Children's Improvement Board", "date": "2021-04-19"}
    assert draft["rag"]["reason"].startswith("Significant progress made")
    assert draft["sections"][0]["barriers"] == data.SECTIONS[0].barriers

    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    signed = login_as(demo.viewer).get(url).get_json()
    assert_seed_report(signed)
    assert signed["state"] == "signed_off"
    assert signed["signed_off"]["by"] == "Morgan Hale"
    assert signed["signed_off"]["sha256"] == snapshots(refresh(demo.report))[-1].sha256
    assert {k: v for k, v in signed.items() if k not in ("state", "signed_off")} == {
        k: v for k, v in draft.items() if k not in ("state", "signed_off")
    }


def _report(runner, tmp_path, fmt: str, *extra: str):
    target = tmp_path / f"report.{fmt}"
    args = ["report", "--workstream", "Business Intelligence", "--format", fmt, "--output", str(target), *extra]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def test_flask_report_writes_every_format(app, demo, tmp_path):
    runner = app.test_cli_runner()
    meeting = ("--meeting", "2021-04-19", "--as-of", "2021-04-19")
    document = json.loads(_report(runner, tmp_path, "json", *meeting))
    assert_seed_report(document)
    assert document["state"] == "live" and document["meeting"]["date"] == "2021-04-19"
    assert document["sections"][0]["barriers"] == data.SECTIONS[0].barriers

    html = _report(runner, tmp_path, "html", *meeting).decode()
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert all(f'data-reference="{m.reference}"' in html for m in data.MILESTONES)
    assert _report(runner, tmp_path, "docx", *meeting)[:2] == b"PK"
    assert _report(runner, tmp_path, "pdf", *meeting)[:5] == b"%PDF-"

    live = json.loads(_report(runner, tmp_path, "json", "--as-of", "2021-04-19"))
    assert live["meeting"]["date"] == "2021-04-19" and live["sections"][0]["barriers"] == ""
    after = json.loads(_report(runner, tmp_path, "json", "--as-of", "2021-04-20"))
    assert after["meeting"] is None  # no board meeting on or after it


def test_flask_report_writes_the_signed_off_report_when_there_is_one(app, demo, login_as, tmp_path):
    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    runner = app.test_cli_runner()
    document = json.loads(_report(runner, tmp_path, "json", "--meeting", "2021-04-19", "--as-of", "2030-01-01"))
    assert_seed_report(document)
    assert document["state"] == "signed_off"
    assert document["signed_off"]["sha256"] == snapshots(refresh(demo.report))[-1].sha256


def test_flask_report_explains_what_it_cannot_find(app, demo):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "--workstream", "Nope", "--format", "json"])
    assert result.exit_code == 1 and 'no workstream is named "Nope"' in result.output
    args = ["report", "--workstream", "Business Intelligence", "--meeting", "2021-05-01", "--format", "json"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "no board meeting on 2021-05-01" in result.output
    result = runner.invoke(args=["report", "--workstream", "Business Intelligence", "--format", "xml"])
    assert result.exit_code == 2
