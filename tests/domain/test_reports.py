"""The report lifecycle, who may move it, the reported RAG, changes since submission and meeting reminders."""

from datetime import date

import pytest

from app.domain.errors import DomainError, NotAllowed
from app.domain.permissions import Role
from app.domain.rag import Rag
from app.domain.reports import (
    TRANSITIONS,
    ReminderDays,
    ReminderKind,
    ReportAction,
    ReportState,
    ReportStateError,
    allowed_actions,
    check_reported_rag,
    diff_reports,
    is_override,
    needs_reminder,
    rag_status_label,
    reminders_due,
    reported_rag,
    transition,
)

LEAD_ID, SPONSOR_ID = 1, 2
ROLE_SETS = {
    "lead": {Role.LEAD},
    "sponsor": {Role.SPONSOR},
    "owner": {Role.OWNER},
    "viewer": {Role.VIEWER},
    "admin": set(),  # admins hold no workstream role
}
EXPECTED = {
    # (action, state) -> the one role allowed, and the state it leads to
    (ReportAction.EDIT, ReportState.DRAFT): ("lead", ReportState.DRAFT),
    (ReportAction.SUBMIT, ReportState.DRAFT): ("lead", ReportState.AWAITING_SIGN_OFF),
    (ReportAction.WITHDRAW, ReportState.AWAITING_SIGN_OFF): ("lead", ReportState.DRAFT),
    (ReportAction.RETURN, ReportState.AWAITING_SIGN_OFF): ("sponsor", ReportState.DRAFT),
    (ReportAction.SIGN_OFF, ReportState.AWAITING_SIGN_OFF): ("sponsor", ReportState.SIGNED_OFF),
}


@pytest.mark.parametrize("role", sorted(ROLE_SETS))
@pytest.mark.parametrize("state", list(ReportState))
@pytest.mark.parametrize("action", list(ReportAction))
def test_every_transition_is_allowed_or_refused_per_role_and_state(action, state, role):
    expected = EXPECTED.get((action, state))
    allowed_role = TRANSITIONS[action].role.value
    if expected and expected[0] == role:
        assert transition(action, state, ROLE_SETS[role], actor_id=LEAD_ID, submitted_by_id=LEAD_ID - 1) is expected[1]
        return
    error = NotAllowed if role != allowed_role else ReportStateError
    with pytest.raises(error):
        transition(action, state, ROLE_SETS[role], actor_id=LEAD_ID, submitted_by_id=LEAD_ID - 1)


def test_a_signed_off_report_allows_nothing_to_anyone():
    everyone = {Role.LEAD, Role.SPONSOR, Role.OWNER, Role.VIEWER}
    assert allowed_actions(ReportState.SIGNED_OFF, everyone, actor_id=9, submitted_by_id=1) == frozenset()


def test_nobody_signs_off_a_report_they_submitted():
    both = {Role.LEAD, Role.SPONSOR}
    with pytest.raises(NotAllowed, match="someone else must sign it off"):
        transition(ReportAction.SIGN_OFF, "awaiting_sign_off", both, actor_id=LEAD_ID, submitted_by_id=LEAD_ID)
    assert transition(ReportAction.RETURN, "awaiting_sign_off", both, actor_id=LEAD_ID, submitted_by_id=LEAD_ID) is (
        ReportState.DRAFT
    )
    assert (
        transition(ReportAction.SIGN_OFF, "awaiting_sign_off", both, actor_id=SPONSOR_ID, submitted_by_id=LEAD_ID)
        is ReportState.SIGNED_OFF
    )


def test_allowed_actions_offer_what_the_page_shows():
    assert allowed_actions("draft", {Role.LEAD}, actor_id=LEAD_ID) == {ReportAction.EDIT, ReportAction.SUBMIT}
    assert allowed_actions("awaiting_sign_off", {Role.LEAD}, actor_id=LEAD_ID, submitted_by_id=LEAD_ID) == {
        ReportAction.WITHDRAW
    }
    assert allowed_actions("awaiting_sign_off", {Role.SPONSOR}, actor_id=SPONSOR_ID, submitted_by_id=LEAD_ID) == {
        ReportAction.RETURN,
        ReportAction.SIGN_OFF,
    }
    assert allowed_actions("draft", {Role.SPONSOR}, actor_id=SPONSOR_ID) == frozenset()


def test_frozen_means_submitted():
    assert not ReportState.DRAFT.frozen
    assert ReportState.AWAITING_SIGN_OFF.frozen and ReportState.SIGNED_OFF.frozen


def test_a_reported_rag_other_than_the_computed_one_needs_a_justification():
    check_reported_rag(Rag.AMBER, None, "")
    check_reported_rag(Rag.AMBER, "amber", "")
    check_reported_rag(Rag.AMBER, "green", "Mitigation agreed at the board")
    for blank in ("", "   ", None):
        with pytest.raises(DomainError) as caught:
            check_reported_rag(Rag.AMBER, Rag.GREEN, blank)
        assert caught.value.field == "override_justification"
        assert "Green" in caught.value.message and "Amber" in caught.value.message


def test_reported_rag_follows_the_computed_one_unless_chosen():
    assert reported_rag("red", None) is Rag.RED
    assert reported_rag("red", "amber") is Rag.AMBER
    assert not is_override("red", None) and not is_override("red", "red") and is_override("red", "green")


def test_rag_status_labels_follow_the_seed():
    assert rag_status_label("amber") == "Amber (At Risk)"
    assert rag_status_label(None) == "N/A"
    assert rag_status_label(Rag.RED).startswith("Red")


def _document(computed="amber", milestones=(), risks=()):
    return {
        "rag": {"computed": computed},
        "sections": [{"milestones": [dict(m) for m in milestones]}],
        "risks": [dict(r) for r in risks],
    }


MILESTONE = {"reference": "1.4", "status": "open", "rag": "amber", "due": "2021-02-28", "revised_due": "2021-04-30"}
RISK = {"reference": "Resourcing", "status": "open", "likelihood": "high", "impact": "noticeable", "score": 4}


def test_diff_reports_names_what_changed_since_submission():
    submitted = _document(milestones=[MILESTONE, {**MILESTONE, "reference": "1.5"}], risks=[RISK])
    completed = {**MILESTONE, "status": "complete", "rag": None, "completed_on": "2021-04-10"}
    live = _document(
        computed="green",
        milestones=[completed, {**MILESTONE, "reference": "1.9"}],
        risks=[{**RISK, "status": "closed"}, {**RISK, "reference": "New"}],
    )
    texts = [change.text for change in diff_reports(submitted, live)]
    assert texts == [
        "Computed RAG changed from amber to green",
        "Milestone 1.4: status changed from open to complete",
        "Milestone 1.4: rag changed from amber to blank",
        "Milestone 1.4: completed on changed from blank to 2021-04-10",
        "Milestone 1.9 added",
        "Milestone 1.5 removed",
        "Risk Resourcing: status changed from open to closed",
        "Risk New added",
    ]


def test_diff_reports_is_empty_when_nothing_changed():
    document = _document(milestones=[MILESTONE], risks=[RISK])
    assert diff_reports(document, _document(milestones=[MILESTONE], risks=[RISK])) == ()


MEETING = date(2021, 4, 19)
DAYS = ReminderDays(owners=10, lead=5, sponsor=2)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2021, 4, 8), set()),
        (date(2021, 4, 9), {ReminderKind.OWNERS}),
        (date(2021, 4, 14), {ReminderKind.OWNERS, ReminderKind.LEAD}),
        (date(2021, 4, 17), set(ReminderKind)),
        (MEETING, set(ReminderKind)),
        (date(2021, 4, 20), set()),
    ],
)
def test_reminder_windows_open_the_configured_days_before_the_meeting(today, expected):
    assert reminders_due(today, MEETING, DAYS) == expected


def test_the_lead_is_reminded_until_submission_and_the_sponsor_until_sign_off():
    assert needs_reminder(ReminderKind.LEAD, None) and needs_reminder(ReminderKind.LEAD, "draft")
    assert not needs_reminder(ReminderKind.LEAD, "awaiting_sign_off")
    assert needs_reminder(ReminderKind.SPONSOR, "awaiting_sign_off") and needs_reminder(ReminderKind.SPONSOR, None)
    assert not needs_reminder(ReminderKind.SPONSOR, "signed_off")
    assert needs_reminder(ReminderKind.OWNERS, "signed_off")


def test_a_completion_approved_for_after_the_as_at_date_is_explained_not_called_open():
    waiting = {**MILESTONE, "status": "awaiting_approval"}
    live = {**_document(milestones=[{**MILESTONE, "owner": "Sam Taylor"}]), "as_of": "2021-04-19"}
    submitted = _document(milestones=[{**waiting, "owner": "Sam"}])

    texts = [c.text for c in diff_reports(submitted, live, {"1.4": (date(2021, 4, 30), True)})]

    assert texts == [
        "Milestone 1.4: its completion in April 2021, which counts as 30 April 2021 (a month counts as its last day), "
        "has been approved. That is after this report's as-at date of 19 April 2021, so the report shows it as not "
        "yet complete",
        "Milestone 1.4: owner changed from Sam to Sam Taylor",
    ]
    day = diff_reports(submitted, live, {"1.4": (date(2021, 4, 25), False)})[0].text
    assert day.startswith("Milestone 1.4: its completion on 25 April 2021 has been approved. That is after")
    # Without it the bare change reads as if the approved completion were still open.
    assert diff_reports(submitted, live)[0].text == "Milestone 1.4: status changed from awaiting approval to open"
