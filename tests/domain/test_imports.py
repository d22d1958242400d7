"""How imported headings, sections and stated states are understood."""

import pytest

from app.domain.errors import DomainError
from app.domain.imports import (
    MILESTONE_HEADINGS,
    RISK_HEADINGS,
    StatedState,
    heading_key,
    match_heading,
    number_new_sections,
    parse_section,
    reference_section,
    state_from_comments,
    stated_rag,
    stated_state,
)
from app.domain.rag import Rag


@pytest.mark.parametrize(
    ("heading", "column"),
    [
        ("reference", "reference"),
        ("Ref", "reference"),
        ("REF.", "reference"),
        ("Reference Number", "reference"),
        ("Due date", "due"),
        ("due_date", "due"),
        ("Date Due", "due"),
        (" DUE  ", "due"),
        ("Revised date", "revised_due"),
        ("revised-due", "revised_due"),
        ("Owner", "owner_email"),
        ("Owner e-mail", "owner_email"),
        ("owner_email", "owner_email"),
        ("Actual/ Revised Date", "actual_or_revised"),
        ("Actual / revised date", "actual_or_revised"),
        ("Comments/ Reason for Delay", "comments"),
        ("Milestone", "milestone"),
        ("Status", "status"),
        ("Completion date", "completed_on"),
        ("Removed reason", "removed_reason"),
        ("Section", "section"),
    ],
)
def test_milestone_headings_match_whatever_their_case_spacing_and_wording(heading, column):
    assert match_heading(heading, MILESTONE_HEADINGS) == column


@pytest.mark.parametrize(
    ("heading", "column"),
    [
        ("Risks (For escalation/ oversight only)", "risk"),
        ("Date for Mitigation", "mitigation_date"),
        ("Rating*", "rating"),
        ("Risk Rating*", "rating"),
        ("Likelihood", "likelihood"),
        ("IMPACT", "impact"),
        ("Reference", "reference"),
    ],
)
def test_risk_headings_match_the_seeds_own(heading, column):
    assert match_heading(heading, RISK_HEADINGS) == column


@pytest.mark.parametrize("heading", ["", "  ", "Notes 2", "owner_emial", "RAG colour"])
def test_an_unknown_heading_matches_nothing(heading):
    assert match_heading(heading, MILESTONE_HEADINGS) is None


def test_heading_key_keeps_only_the_words():
    assert heading_key("Actual/ Revised Date*") == "actual revised date"
    assert heading_key("Risks (For escalation/ oversight only)") == "risks"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. Responding to OFSTED Feedback", (1, "Responding to OFSTED Feedback")),
        ("1", (1, "")),
        ("2.", (2, "")),
        ("3 QLIK", (3, "QLIK")),
        ("Front door", (None, "Front door")),
        ("  Edge   of care ", (None, "Edge of care")),
        ("", (None, "")),
    ],
)
def test_a_section_is_a_number_a_number_and_title_or_a_title_alone(text, expected):
    assert parse_section(text) == expected


@pytest.mark.parametrize("text", ["1.4", "1000. Too many", "0. Nothing"])
def test_a_section_that_starts_with_a_number_but_is_not_one_is_refused(text):
    with pytest.raises(DomainError, match="Enter the section number") as refused:
        parse_section(text)
    assert refused.value.field == "section"


def test_a_reference_names_its_section_by_its_first_part():
    assert reference_section("3.4") == 3
    assert reference_section("12.1.2") == 12
    assert reference_section("7") is None


def test_new_sections_take_the_next_free_numbers_in_order_of_first_appearance():
    assert number_new_sections(["front door", "edge of care", "audit"], {1, 3}) == {
        "front door": 2,
        "edge of care": 4,
        "audit": 5,
    }


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("Complete", StatedState.COMPLETE),
        ("Complete (late)", StatedState.COMPLETE),
        ("done", StatedState.COMPLETE),
        ("Removed", StatedState.REMOVED),
        ("On track", StatedState.OPEN),
        ("Overdue", StatedState.OPEN),
        ("Awaiting approval", StatedState.OPEN),
        ("", None),
    ],
)
def test_a_status_cell_says_complete_removed_or_open(text, state):
    assert stated_state(text) is state


@pytest.mark.parametrize(
    "comments",
    [
        "Action completed on time.",
        "Action Completed",
        "Completed. Further work may be required as this is a large dashboard.",
        "Log has been completed. Action is continuous.",
        "Consistent reporting over a three month period will be a measure for success. Measure has been achieved so "
        "the action is recorded as complete.",
        "Action completed on time, with 3 officers due to start their qualification.",
    ],
)
def test_the_seeds_comments_that_say_complete_are_read_so(comments):
    assert state_from_comments(comments) is StatedState.COMPLETE


@pytest.mark.parametrize(
    "comments",
    [
        "Awaiting evidence of completion before the action can be recorded as complete.",
        "Action to be completed. Outcome of future training offer review will determine any further actions.",
        "On track for completion by due date.",
        "Completion of action 4.7 on time means the virtual school deep dive remains on track.",
        "The exploitation report is on track to be completed prior to for next Highlight Report.",
        "Re-mapping of the MASH process required by the MASH team to complete the action.",
        "Evidence required before action can be recorded as complete.",
        "",
    ],
)
def test_the_seeds_comments_that_do_not_say_complete_leave_it_open(comments):
    assert state_from_comments(comments) is StatedState.OPEN


def test_a_comment_saying_the_action_was_removed_reads_as_removed():
    assert state_from_comments("Action removed as it is already being undertaken by BI.") is StatedState.REMOVED


@pytest.mark.parametrize(
    ("text", "rag"),
    [("Amber (At Risk)", Rag.AMBER), ("RED", Rag.RED), ("Green (On Track)", Rag.GREEN), ("N/A", None), ("", None)],
)
def test_a_papers_rag_status_is_its_first_word(text, rag):
    assert stated_rag(text) is rag


def test_a_papers_rag_status_that_is_not_one_is_refused():
    with pytest.raises(DomainError, match='Enter Red, Amber or Green, not "Purple"'):
        stated_rag("Purple")
