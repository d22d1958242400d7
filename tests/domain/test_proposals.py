"""Proposal rules: every transition allowed or refused, for every part a person can play."""

from datetime import UTC, date, datetime

import pytest

from app.domain import proposals as rules
from app.domain.errors import DomainError, NotAllowed
from app.domain.permissions import Role

OWNER_ID, LEAD_ID, LEAD2_ID, SPONSOR_ID, VIEWER_ID, OTHER_OWNER_ID, STRANGER_ID = range(1, 8)
ROLES = {
    OWNER_ID: {Role.OWNER},
    LEAD_ID: {Role.LEAD},
    LEAD2_ID: {Role.LEAD},
    SPONSOR_ID: {Role.SPONSOR},
    VIEWER_ID: {Role.VIEWER},
    OTHER_OWNER_ID: {Role.OWNER},
    STRANGER_ID: set(),  # an admin, or a member of another workstream: no role here
}
TODAY = date(2021, 4, 19)


def milestone(**overrides) -> rules.MilestoneState:
    values = {
        "owner_id": OWNER_ID,
        "removed": False,
        "complete": False,
        "due": date(2021, 4, 30),
        "due_is_month": True,
        "revised_due": None,
        "revised_due_is_month": False,
        "comments": "",
    }
    values.update(overrides)
    return rules.MilestoneState(**values)


# --- proposing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(rules.Kind))
@pytest.mark.parametrize(
    ("actor", "owner", "allowed"),
    [
        (OWNER_ID, OWNER_ID, True),
        (LEAD_ID, LEAD_ID, True),  # a lead who owns a milestone proposes like any owner
        (LEAD_ID, OWNER_ID, False),  # a lead edits directly instead; proposing is the owner's
        (OTHER_OWNER_ID, OWNER_ID, False),
        (SPONSOR_ID, SPONSOR_ID, False),
        (VIEWER_ID, VIEWER_ID, False),
        (STRANGER_ID, STRANGER_ID, False),
    ],
)
def test_who_may_propose(kind, actor, owner, allowed):
    state = milestone(owner_id=owner)
    if allowed:
        rules.check_may_propose(actor, ROLES[actor], state, kind)
    else:
        with pytest.raises(NotAllowed):
            rules.check_may_propose(actor, ROLES[actor], state, kind)


@pytest.mark.parametrize("kind", list(rules.Kind))
def test_nothing_is_proposed_for_a_removed_milestone(kind):
    with pytest.raises(DomainError, match="removed"):
        rules.check_may_propose(OWNER_ID, ROLES[OWNER_ID], milestone(removed=True), kind)


@pytest.mark.parametrize(("kind", "allowed"), [("completion", False), ("date_change", False), ("removal", True)])
def test_a_complete_milestone_can_only_be_asked_to_be_removed(kind, allowed):
    kind = rules.Kind(kind)
    if allowed:
        rules.check_may_propose(OWNER_ID, ROLES[OWNER_ID], milestone(complete=True), kind)
    else:
        with pytest.raises(DomainError, match="already complete"):
            rules.check_may_propose(OWNER_ID, ROLES[OWNER_ID], milestone(complete=True), kind)


def test_kind_must_be_one_of_three():
    assert rules.parse_kind("date_change") is rules.Kind.DATE_CHANGE
    with pytest.raises(DomainError, match="Select what you are proposing"):
        rules.parse_kind("delete")


def test_a_completion_needs_a_past_date_a_note_and_evidence():
    assert rules.check_completion(date(2021, 4, 16), False, TODAY, " Trained ", 1) == "Trained"
    assert rules.check_completion(TODAY, False, TODAY, "Done", 2) == "Done"
    assert rules.check_completion(date(2021, 3, 31), True, TODAY, "Done", 1) == "Done"  # March 2021
    cases = [
        ((None, False, TODAY, "Done", 1), "completion_date", "Enter the date it was completed"),
        ((date(2021, 4, 20), False, TODAY, "Done", 1), "completion_date", "today or in the past"),
        ((date(2021, 4, 30), True, TODAY, "Done", 1), "completion_date", "this month has not ended"),
        ((date(2021, 5, 31), True, TODAY, "Done", 1), "completion_date", "today or in the past"),
        ((TODAY, False, TODAY, "  ", 1), "note", "Enter a note"),
        ((TODAY, False, TODAY, "Done", 0), "files", "Upload a file or enter a link"),
    ]
    for args, field, message in cases:
        with pytest.raises(DomainError, match=message) as refused:
            rules.check_completion(*args)
        assert refused.value.field == field


def test_an_imported_completion_date_follows_the_same_rule_naming_its_column():
    rules.check_completion_date(TODAY, False, TODAY, field="completed_on")
    rules.check_completion_date(date(2021, 3, 31), True, TODAY, field="completed_on")
    for completed, is_month, message in [
        (date(2021, 4, 20), False, "today or in the past"),
        (date(2021, 4, 30), True, "this month has not ended"),
    ]:
        with pytest.raises(DomainError, match=message) as refused:
            rules.check_completion_date(completed, is_month, TODAY, field="completed_on")
        assert refused.value.field == "completed_on"


def test_only_an_empty_plan_has_completions_recorded_at_import():
    assert rules.may_record_at_import(0)
    assert not rules.may_record_at_import(1)
    assert rules.import_source("plan.xlsx") == "import of plan.xlsx"


def test_a_date_change_needs_a_different_date_and_a_reason():
    state = milestone(revised_due=date(2021, 5, 31), revised_due_is_month=True)
    assert rules.check_date_change(date(2021, 6, 30), state, " Staff absence ") == "Staff absence"
    with pytest.raises(DomainError, match="Enter the new date"):
        rules.check_date_change(None, state, "Why")
    with pytest.raises(DomainError, match="different from the current date"):
        rules.check_date_change(date(2021, 5, 31), state, "Why")
    with pytest.raises(DomainError, match="Enter the reason for delay") as refused:
        rules.check_date_change(date(2021, 6, 30), state, "")
    assert refused.value.field == "reason"


def test_a_removal_needs_a_reason():
    assert rules.check_removal(" No longer needed ") == "No longer needed"
    with pytest.raises(DomainError, match="reason for removing"):
        rules.check_removal("   ")


# --- withdrawing and adding evidence -------------------------------------------------------------------------


@pytest.mark.parametrize("actor", sorted(ROLES))
@pytest.mark.parametrize("check", [rules.check_may_withdraw, rules.check_may_add_evidence])
def test_only_the_proposer_withdraws_or_adds_evidence(check, actor):
    if actor == OWNER_ID:
        check(actor, OWNER_ID, "pending")
    else:
        with pytest.raises(NotAllowed):
            check(actor, OWNER_ID, "pending")


@pytest.mark.parametrize("state", ["approved", "rejected", "withdrawn"])
@pytest.mark.parametrize("check", [rules.check_may_withdraw, rules.check_may_add_evidence])
def test_a_settled_proposal_cannot_be_withdrawn_or_changed(check, state):
    with pytest.raises(DomainError, match=f"is {state}"):
        check(OWNER_ID, OWNER_ID, state)


# --- deciding -----------------------------------------------------------------------------------------------

# Who may decide, by who proposed: an owner's proposal goes to the leads; a lead's to another lead or the sponsor.
DECIDERS = {
    OWNER_ID: {LEAD_ID, LEAD2_ID},
    LEAD_ID: {LEAD2_ID, SPONSOR_ID},
}


@pytest.mark.parametrize("proposer", sorted(DECIDERS))
@pytest.mark.parametrize("actor", sorted(ROLES))
def test_who_may_decide(proposer, actor):
    allowed = actor in DECIDERS[proposer]
    assert rules.may_decide(actor, ROLES[actor], proposer, ROLES[proposer]) is allowed
    if allowed:
        rules.check_may_decide(actor, ROLES[actor], proposer, ROLES[proposer])
    else:
        with pytest.raises(NotAllowed):
            rules.check_may_decide(actor, ROLES[actor], proposer, ROLES[proposer])


def test_nobody_decides_their_own_proposal_even_holding_every_role():
    every_role = set(Role)
    with pytest.raises(NotAllowed, match="your own proposal"):
        rules.check_may_decide(LEAD_ID, every_role, LEAD_ID, every_role)


def test_a_decision_is_approve_or_reject_and_a_rejection_has_a_reason():
    assert rules.parse_decision("approve", "") == (rules.Decision.APPROVE, "")
    assert rules.parse_decision("reject", " Evidence is a draft ") == (rules.Decision.REJECT, "Evidence is a draft")
    with pytest.raises(DomainError, match="Enter the reason for rejecting") as refused:
        rules.parse_decision("reject", "  ")
    assert refused.value.field == "reason"
    for nonsense in (None, "", "maybe"):
        with pytest.raises(DomainError, match="Select approve or reject"):
            rules.parse_decision(nonsense, "")


@pytest.mark.parametrize(
    ("decision", "state"),
    [(rules.Decision.APPROVE, rules.State.APPROVED), (rules.Decision.REJECT, rules.State.REJECTED)],
)
def test_decisions_lead_from_pending_to_a_final_state(decision, state):
    assert decision.state is state


@pytest.mark.parametrize("state", ["approved", "rejected", "withdrawn"])
def test_settled_states_are_final(state):
    with pytest.raises(DomainError):
        rules.check_pending(state, "decided")
    rules.check_pending("pending", "decided")


def test_a_late_decision_says_who_decided_and_when():
    at = datetime(2021, 4, 19, 10, 3, tzinfo=UTC)
    conflict = rules.conflict_for("approved", 1, 1, "Lee Lead", at)
    assert isinstance(conflict, rules.AlreadyDecided)
    assert conflict.message == "This proposal was already approved by Lee Lead on 19 April 2021 at 10:03 UTC"
    assert "withdrawn" in rules.conflict_for("withdrawn", 1, 1, None, None).message


def test_a_decision_on_an_old_version_is_stale():
    conflict = rules.conflict_for("pending", 3, 2, None, None)
    assert isinstance(conflict, rules.StaleVersion)
    assert "now version 3, you saw version 2" in conflict.message


# --- what an approval does ------------------------------------------------------------------------------------


def test_an_approved_completion_records_its_date_and_the_owners_note_as_the_comment():
    changes = rules.milestone_changes(
        rules.Kind.COMPLETION,
        milestone(comments="Awaiting evidence of completion before the action can be recorded as complete."),
        completion_date=date(2021, 4, 12),
        note="  Dashboards live and signed off by the service director ",
    )
    assert changes == {
        "completed_on": date(2021, 4, 12),
        "completed_on_is_month": False,
        "comments": "Completed 12 April 2021: Dashboards live and signed off by the service director",
    }


def test_an_approved_completion_in_a_month_reads_in_that_month():
    changes = rules.milestone_changes(
        rules.Kind.COMPLETION, milestone(), completion_date=date(2021, 4, 30), completion_is_month=True, note="Done"
    )
    assert changes["comments"] == "Completed in April 2021: Done"
    assert (changes["completed_on"], changes["completed_on_is_month"]) == (date(2021, 4, 30), True)


def test_an_approved_date_change_sets_the_revised_date_and_replaces_the_comment_with_the_reason():
    changes = rules.milestone_changes(
        rules.Kind.DATE_CHANGE,
        milestone(comments="Awaiting evidence of completion"),
        new_due=date(2021, 6, 30),
        new_due_is_month=True,
        reason="Supplier delay",
    )
    assert changes == {
        "revised_due": date(2021, 6, 30),
        "revised_due_is_month": True,
        "comments": "Revised to June 2021: Supplier delay",
    }
    first = rules.milestone_changes(rules.Kind.DATE_CHANGE, milestone(), new_due=date(2021, 6, 30), reason="Sickness")
    assert first["comments"] == "Revised to 30 June 2021: Sickness"


def test_an_approved_removal_removes_with_the_reason():
    changes = rules.milestone_changes(rules.Kind.REMOVAL, milestone(comments="On track"), reason="Merged into 2.3")
    assert changes == {"removed": True, "removed_reason": "Merged into 2.3", "comments": "Removed: Merged into 2.3"}


@pytest.mark.parametrize("kind", list(rules.Kind))
def test_what_an_import_records_keeps_the_comment_imported_with_it(kind):
    changes = rules.milestone_changes(
        kind,
        milestone(comments="Action completed on time."),
        completion_date=date(2021, 3, 31),
        completion_is_month=True,
        new_due=date(2021, 6, 30),
        reason="Merged",
        note="Recorded as complete before Highlight; imported.",
        imported=True,
    )
    assert "comments" not in changes
    assert changes


@pytest.mark.parametrize(
    ("comments", "expected"),
    [
        ("Action completed on time.", "Action completed on time. Recorded at import, no evidence."),
        ("Action completed on time", "Action completed on time — Recorded at import, no evidence."),
        ("Ends with a dash —", "Ends with a dash — — Recorded at import, no evidence."),
        ("  ", "Recorded at import, no evidence."),
    ],
)
def test_a_completion_recorded_at_import_says_so_in_the_papers_comments(comments, expected):
    assert rules.paper_comments(comments, True) == expected
    assert rules.paper_comments(comments, False) == comments
    # Reading the paper back gives the comment as it was imported: the label is Highlight's, not the comment.
    assert rules.comments_without_label(expected) == comments.strip()
    assert rules.comments_without_label(comments) == comments.strip()
