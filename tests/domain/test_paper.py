"""What a board paper tells: changes since the last board, which papers carry a decision, what the sponsor signs."""

from datetime import date

import pytest

from app.domain.errors import DomainError
from app.domain.paper import (
    ChangeKind,
    DecisionDates,
    Paper,
    PaperMilestone,
    PaperRisk,
    changes_since_last,
    check_may_change_decision,
    clean_decision,
    on_paper,
    outcome_on_paper,
    paper_statement,
)


def ms(reference: str, status: str = "open", due: date = date(2021, 3, 31), label: str = "March 2021", **extra):
    return PaperMilestone(reference, status, due, label, **extra)


def risk(reference: str, open_: bool = True, rating: str = "amber", title: str = "Resourcing"):
    return PaperRisk(reference, title, rating, open_)


def paper(milestones=(), risks=(), rag: str | None = "amber") -> Paper:
    return Paper(rag, tuple(milestones), tuple(risks))


def test_with_no_previous_paper_there_are_no_changes():
    assert changes_since_last(None, paper([ms("1.1", "complete", completed_label="April 2021")])) == ()


def test_nothing_changed_lists_nothing():
    same = paper([ms("1.1"), ms("1.2", "complete", completed_label="4 March 2021")], [risk("R1")])
    assert changes_since_last(same, same) == ()


def test_completions_dates_removals_rag_and_risks_are_each_listed_in_order():
    previous = paper(
        [
            ms("1.1"),
            ms("1.2", "awaiting_approval"),
            ms("1.3"),
            ms("1.4"),
            ms("1.5", "complete", completed_label="2 March 2021"),
        ],
        [risk("R1"), risk("R2"), risk("R3", open_=False)],
        rag="amber",
    )
    current = paper(
        [
            ms("1.1", "complete", completed_label="12 April 2021"),
            ms("1.2", "complete", completed_label="April 2021", completed_is_month=True),
            ms("1.3", due=date(2021, 6, 30), label="June 2021"),
            ms("1.4", "removed"),
            ms("1.5", "complete", completed_label="2 March 2021"),
            ms("1.6", "complete", completed_label="1 April 2021"),  # new since the last board, already complete
            ms("1.7"),  # new and open: not a change the section reports
        ],
        [risk("R1", open_=False), risk("R2"), risk("R3", rating="red", title="Data quality"), risk("R4", title="IT")],
        rag="red",
    )

    changes = changes_since_last(previous, current)

    assert [(c.kind, c.reference, c.text) for c in changes] == [
        (ChangeKind.RAG_CHANGED, "", "RAG changed from Amber (At Risk) to Red (Off Track)"),
        (ChangeKind.COMPLETED, "1.1", "Milestone 1.1 completed on 12 April 2021"),
        (ChangeKind.COMPLETED, "1.2", "Milestone 1.2 completed in April 2021"),
        (ChangeKind.COMPLETED, "1.6", "Milestone 1.6 completed on 1 April 2021"),
        (ChangeKind.DATE_CHANGED, "1.3", "Milestone 1.3 date changed from March 2021 to June 2021"),
        (ChangeKind.REMOVED, "1.4", "Milestone 1.4 removed"),
        (ChangeKind.RISK_OPENED, "R3", "Risk R3 reopened: Data quality (Red)"),
        (ChangeKind.RISK_OPENED, "R4", "Risk R4 opened: IT (Amber)"),
        (ChangeKind.RISK_CLOSED, "R1", "Risk R1 closed: Resourcing"),
    ]
    assert {c.kind.value for c in changes} == {
        "completed",
        "date_changed",
        "removed",
        "rag_changed",
        "risk_opened",
        "risk_closed",
    }


def test_a_milestone_removed_before_the_last_board_is_not_reported_again():
    previous = paper([ms("2.1", "removed")])
    current = paper([ms("2.1", "removed", due=date(2021, 9, 30), label="September 2021")])
    assert changes_since_last(previous, current) == ()


def test_a_removed_milestone_reports_its_removal_not_its_date():
    previous = paper([ms("2.1")])
    current = paper([ms("2.1", "removed", due=date(2021, 9, 30), label="September 2021")])
    assert [c.kind for c in changes_since_last(previous, current)] == [ChangeKind.REMOVED]


def test_the_same_rag_or_no_previous_rag_is_no_change():
    assert changes_since_last(paper(rag="green"), paper(rag="green")) == ()
    assert changes_since_last(paper(rag=None), paper(rag="red")) == ()


# Decisions ------------------------------------------------------------------------------------------------------

MARCH, APRIL, MAY, JUNE = date(2021, 3, 15), date(2021, 4, 19), date(2021, 5, 17), date(2021, 6, 21)


@pytest.mark.parametrize(
    ("answered_for", "meeting", "carried", "shows_outcome"),
    [
        (None, MARCH, False, False),  # a paper before the one that raised it
        (None, APRIL, True, False),  # the paper that raised it
        (None, JUNE, True, False),  # every later paper while it is unanswered
        (MAY, MAY, True, True),  # the paper on which the answer is recorded shows it
        (MAY, APRIL, True, False),  # an earlier paper never shows an answer given later
        (MAY, JUNE, False, False),  # answered: later papers no longer carry it
    ],
)
def test_which_papers_carry_a_decision_and_show_its_answer(answered_for, meeting, carried, shows_outcome):
    decision = DecisionDates(APRIL, answered_for)
    assert on_paper(decision, meeting) is carried
    assert outcome_on_paper(decision, meeting) is shows_outcome


def test_a_decision_is_changed_only_from_a_paper_that_carries_it():
    check_may_change_decision(DecisionDates(APRIL, None), JUNE)
    with pytest.raises(DomainError):
        check_may_change_decision(DecisionDates(APRIL, MAY), JUNE)
    with pytest.raises(DomainError):
        check_may_change_decision(DecisionDates(MAY, None), APRIL)


def test_a_decision_needs_its_text_and_its_answer_is_optional():
    assert clean_decision("  Agree the data sharing protocol ", "  ") == ("Agree the data sharing protocol", "")
    for text, outcome, field in (
        ("   ", "Agreed", "text"),
        ("Agree\x00", "", "text"),
        ("Agree", "x" * 10_001, "outcome"),
    ):
        with pytest.raises(DomainError) as error:
            clean_decision(text, outcome)
        assert error.value.field == field


# What the sponsor signs ---------------------------------------------------------------------------------------


def test_the_paper_statement_restates_the_rag_the_risks_and_the_overdue_milestones():
    statement = paper_statement(
        "19 April 2021", "red", ["amber", "amber", "green", "amber"], ["red"] * 26 + ["amber", None, "green"]
    )
    assert statement == "the 19 April 2021 report as Red (Off Track): 3 amber risks, 26 milestones overdue"


def test_the_paper_statement_counts_red_risks_and_says_none():
    assert paper_statement("17 May 2021", "green", [], [None, "green"]) == (
        "the 17 May 2021 report as Green (On Track): no amber risks, no milestones overdue"
    )
    assert paper_statement("17 May 2021", "red", ["red", "amber"], ["red"]) == (
        "the 17 May 2021 report as Red (Off Track): 1 red risk, 1 amber risk, 1 milestone overdue"
    )


def test_what_is_submitted_says_no_plan_yet_too():
    assert paper_statement("19 April 2021", "green", [], [], planned=False) == (
        "the 19 April 2021 report as No plan yet: no amber risks, no milestones overdue"
    )
    assert paper_statement("19 April 2021", "green", [], [None]).startswith("the 19 April 2021 report as Green")
