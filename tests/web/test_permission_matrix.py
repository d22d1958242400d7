"""Role × route matrix: every route, every role, allowed or denied, with another workstream's ids never leaking.

EXPECTED lists who may use each endpoint on workstream A's objects; each feature adds its own routes in a
``tests/<feature>/route_expectations.py`` module holding an ``EXPECTED`` dict. A route missing from all of them
fails the test, so a new route cannot ship without deciding who may use it.
"""

import importlib
from pathlib import Path

import pytest
from flask import url_for

from tests.conftest import parse

ANON, VIEWER, OWNER, LEAD, SPONSOR, ADMIN, OUTSIDER = (
    "anonymous",
    "viewer",
    "owner",
    "lead",
    "sponsor",
    "admin",
    "outsider",
)
ROLES = [ANON, VIEWER, OWNER, LEAD, SPONSOR, ADMIN, OUTSIDER]
SIGNED_IN = {VIEWER, OWNER, LEAD, SPONSOR, ADMIN, OUTSIDER}
WORKERS = {OWNER, LEAD, SPONSOR}

EXPECTED: dict[str, set[str]] = {
    "auth.logout": SIGNED_IN,
    "dashboard.index": SIGNED_IN,
    "plan.show": WORKERS | {ADMIN},
    "plan.workstream": WORKERS | {ADMIN},
    "plan.milestone": WORKERS | {ADMIN},
    "plan.new_section": {LEAD},
    "plan.edit_section": {LEAD},
    "plan.new_milestone": {LEAD},
    "plan.edit_milestone": {LEAD},
    "plan.audit": {LEAD, ADMIN},
    "admin.index": {ADMIN},
    "admin.list_users": {ADMIN},
    "admin.new_user": {ADMIN},
    "admin.user": {ADMIN},
    "admin.remove_membership": {ADMIN},
    "admin.deactivate_user": {ADMIN},
    "admin.reactivate_user": {ADMIN},
    "admin.thresholds": {ADMIN},
    "admin.new_workstream": {ADMIN},
    "admin.new_meeting": {ADMIN},
    "admin.jobs": {ADMIN},
}
# Open to all (signing in and the steps before it), or for machines with a bearer token (tests/ops): not signed-in
# people's routes.
PUBLIC = {
    "auth.login",
    "auth.second_factor",
    "auth.set_up_second_factor",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.accept_invitation",
    "auth.sso_start",
    "auth.sso_callback",
    "dashboard.health",
    "static",
    "ops.healthz",
    "ops.readyz",
    "ops.metrics",
}

for _module in sorted(Path(__file__).resolve().parent.parent.glob("*/route_expectations.py")):
    EXPECTED.update(importlib.import_module(f"tests.{_module.parent.name}.route_expectations").EXPECTED)


def url_params(world) -> dict:
    a = world.a
    return {
        "workstream_id": a.workstream.id,
        "milestone_id": a.milestone.id,
        "section_id": a.section.id,
        "risk_id": a.risk.id,
        "proposal_id": a.proposal.id,
        "evidence_id": a.evidence.id,
        "report_id": a.report.id,
        "snapshot_id": a.snapshot.id,
        "decision_id": a.decision.id,
        "user_id": a.viewer.id,
        "membership_id": a.viewer.memberships[0].id,
        "programme_id": world.programme.id,
        "meeting_id": world.meeting.id,
    }


def _endpoints(app) -> list[str]:
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC)


def test_every_route_has_an_expectation(app):
    missing = [e for e in _endpoints(app) if e not in EXPECTED]
    assert not missing, f"add these endpoints to EXPECTED: {missing}"


def _request(app, world, endpoint: str, role: str):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    params = {name: url_params(world)[name] for name in rule.arguments}
    url = url_for(endpoint, **params)
    client = app.test_client() if role == ANON else app.test_client(user=world.user(role))
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_route_allows_or_denies_role(app, world, endpoint, role):
    milestone_text = world.a.milestone.text
    response = _request(app, world, endpoint, role)
    if role in EXPECTED[endpoint]:
        assert response.status_code not in (401, 403, 404), f"{role} should reach {endpoint}"
        if endpoint != "auth.logout":  # signing out rightly lands on the sign-in page
            assert "/auth/sign-in" not in response.headers.get("Location", "")
    elif role == ANON:
        assert response.status_code == 302
        assert "/auth/sign-in" in response.headers["Location"]
    else:
        assert response.status_code in (403, 404), f"{role} should not reach {endpoint}"
        assert milestone_text not in response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", ["plan.show", "plan.milestone", "plan.audit", "plan.edit_milestone"])
def test_another_workstreams_ids_give_no_data(app, world, endpoint):
    """B's lead asks for A's objects: refused, and nothing of A is in the answer."""
    response = _request(app, world, endpoint, OUTSIDER)
    assert response.status_code in (403, 404)
    page = parse(response).get_text()
    assert world.a.milestone.text not in page
    assert world.a.workstream.name not in page
