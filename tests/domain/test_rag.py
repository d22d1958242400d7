import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.domain.dates import parse_plan_date
from app.domain.errors import DomainError
from app.domain.rag import (
    STATUS_TEXTS,
    MilestoneCounts,
    MilestoneFacts,
    MilestoneStatus,
    Rag,
    Reason,
    RiskFacts,
    Thresholds,
    assess_milestone,
    assess_workstream,
    direction_of_travel,
    has_plan,
    reference_sort_key,
    report_as_of,
    score_trend,
    shows_no_plan,
    status_text,
)
from app.domain.risk import Impact, Likelihood

AS_OF = date(2021, 4, 19)
DEFAULT = Thresholds()


def days(n: int) -> date:
    """The as-at date shifted by n days (negative is in the past)."""
    return AS_OF + timedelta(days=n)


def open_milestone(reference: str, due_in: int, **kwargs) -> MilestoneFacts:
    return MilestoneFacts(reference, days(due_in), **kwargs)


def green(reference: str) -> MilestoneFacts:
    return open_milestone(reference, 60)


def overdue(reference: str, by: int, **kwargs) -> MilestoneFacts:
    return open_milestone(reference, -by, **kwargs)


def complete(reference: str) -> MilestoneFacts:
    return MilestoneFacts(reference, days(-10), completed_on=days(-12))


def removed(reference: str) -> MilestoneFacts:
    return MilestoneFacts(reference, days(-100), removed=True)


RED_RISK = (Likelihood.HIGH, Impact.SIGNIFICANT)
AMBER_RISK = (Likelihood.MEDIUM, Impact.SIGNIFICANT)
GREEN_RISK = (Likelihood.LOW, Impact.SIGNIFICANT)


def risk(reference: str, level: tuple[Likelihood, Impact], closed: bool = False) -> RiskFacts:
    return RiskFacts(reference, level[0], level[1], closed=closed)


def rules(assessment) -> list[str]:
    return [reason.rule for reason in assessment.reasons]


def reason(assessment, rule: str) -> Reason:
    (found,) = [r for r in assessment.reasons if r.rule == rule]
    return found


# --- Rag ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rag", "label"), [(Rag.RED, "Red"), (Rag.AMBER, "Amber"), (Rag.GREEN, "Green")])
def test_rag_label(rag, label):
    assert rag.label == label


def test_rag_severity_orders_green_amber_red():
    assert sorted(Rag, key=lambda r: r.severity) == [Rag.GREEN, Rag.AMBER, Rag.RED]
    assert max([Rag.AMBER, Rag.RED, Rag.GREEN], key=lambda r: r.severity) is Rag.RED


def test_rag_values_are_lower_case_strings():
    assert [str(r) for r in Rag] == ["red", "amber", "green"]


def test_risk_module_imports_first_without_a_cycle():
    code = "import app.domain.risk as r; assert r.risk_rating(9) == 'red'; import app.domain.rag"
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


# --- Thresholds --------------------------------------------------------------------------------------------------


def test_thresholds_defaults():
    assert (DEFAULT.amber_window_days, DEFAULT.red_overdue_days, DEFAULT.red_overdue_share) == (14, 28, 0.20)


@pytest.mark.parametrize(
    "thresholds",
    [
        Thresholds(),
        Thresholds(amber_window_days=0, red_overdue_days=0, red_overdue_share=0),
        Thresholds(red_overdue_share=1),
    ],
)
def test_thresholds_validate_accepts_sensible_settings(thresholds):
    thresholds.validate()


@pytest.mark.parametrize(
    ("thresholds", "field"),
    [
        (Thresholds(amber_window_days=-1), "amber_window_days"),
        (Thresholds(red_overdue_days=-1), "red_overdue_days"),
        (Thresholds(red_overdue_share=-0.01), "red_overdue_share"),
        (Thresholds(red_overdue_share=1.01), "red_overdue_share"),
    ],
)
def test_thresholds_validate_names_the_bad_field(thresholds, field):
    with pytest.raises(DomainError) as error:
        thresholds.validate()
    assert error.value.field == field


def test_assess_workstream_rejects_invalid_thresholds():
    with pytest.raises(DomainError):
        assess_workstream([green("1.1")], [], AS_OF, Thresholds(red_overdue_share=2))


# --- Milestones --------------------------------------------------------------------------------------------------


def test_current_due_is_revised_due_when_set():
    assert MilestoneFacts("1.1", date(2021, 3, 31)).current_due == date(2021, 3, 31)
    assert MilestoneFacts("1.1", date(2021, 3, 31), revised_due=date(2021, 6, 30)).current_due == date(2021, 6, 30)


@pytest.mark.parametrize(
    ("due_in", "rag", "label", "overdue_days"),
    [
        (-29, Rag.RED, "Overdue", 29),
        (-1, Rag.RED, "Overdue", 1),
        (0, Rag.AMBER, "Due soon", 0),
        (1, Rag.AMBER, "Due soon", 0),
        (14, Rag.AMBER, "Due soon", 0),
        (15, Rag.GREEN, "On track", 0),
        (365, Rag.GREEN, "On track", 0),
    ],
)
def test_open_milestone_rag_by_days_to_due(due_in, rag, label, overdue_days):
    result = assess_milestone(open_milestone("1.1", due_in), AS_OF, DEFAULT)
    assert (result.status, result.rag, result.label, result.overdue_days) == (
        MilestoneStatus.OPEN,
        rag,
        label,
        overdue_days,
    )
    assert result.on_time is None


def test_due_on_as_at_date_is_amber_not_red():
    assert assess_milestone(open_milestone("1.1", 0), AS_OF, DEFAULT).rag is Rag.AMBER


@pytest.mark.parametrize(("due_in", "rag"), [(0, Rag.AMBER), (1, Rag.GREEN), (-1, Rag.RED)])
def test_amber_window_comes_from_thresholds(due_in, rag):
    assert assess_milestone(open_milestone("1.1", due_in), AS_OF, Thresholds(amber_window_days=0)).rag is rag


def test_assess_milestone_uses_default_thresholds():
    assert assess_milestone(open_milestone("1.1", 14), AS_OF).rag is Rag.AMBER
    assert assess_milestone(open_milestone("1.1", 15), AS_OF).rag is Rag.GREEN


@pytest.mark.parametrize(
    ("as_of", "rag", "overdue_days"),
    [
        (date(2021, 3, 1), Rag.GREEN, 0),
        (date(2021, 3, 17), Rag.AMBER, 0),
        (date(2021, 3, 31), Rag.AMBER, 0),
        (date(2021, 4, 1), Rag.RED, 1),
        (date(2021, 4, 19), Rag.RED, 19),
    ],
)
def test_month_precision_due_counts_as_last_day_of_month(as_of, rag, overdue_days):
    due, month_only = parse_plan_date("March 2021")
    assert month_only
    result = assess_milestone(MilestoneFacts("1.6", due), as_of, DEFAULT)
    assert (result.rag, result.overdue_days) == (rag, overdue_days)


@pytest.mark.parametrize("revised_in", [15, 100, 400])
def test_slipped_milestone_is_amber_even_far_ahead(revised_in):
    m = MilestoneFacts("2.1", days(-19), revised_due=days(revised_in))
    result = assess_milestone(m, AS_OF, DEFAULT)
    assert (result.rag, result.label) == (Rag.AMBER, "Slipped")


def test_slipped_milestone_past_its_revised_date_is_overdue():
    m = MilestoneFacts("2.1", days(-30), revised_due=days(-3))
    result = assess_milestone(m, AS_OF, DEFAULT)
    assert (result.rag, result.label, result.overdue_days) == (Rag.RED, "Overdue", 3)


def test_revised_date_after_the_as_at_date_stops_the_original_being_overdue():
    m = MilestoneFacts("4.6", date(2021, 3, 31), revised_due=date(2021, 4, 30))
    assert assess_milestone(m, AS_OF, DEFAULT).rag is Rag.AMBER


@pytest.mark.parametrize("revised_in", [60, 100])
def test_revised_date_not_later_than_original_is_not_slipped(revised_in):
    brought_forward = MilestoneFacts("1.1", days(100), revised_due=days(revised_in))
    assert assess_milestone(brought_forward, AS_OF, DEFAULT).rag is Rag.GREEN


@pytest.mark.parametrize(
    "m",
    [
        MilestoneFacts("1.1", days(-100), removed=True),
        MilestoneFacts("1.1", days(5), removed=True),
        MilestoneFacts("1.1", days(-5), completed_on=days(-6), removed=True),
        MilestoneFacts("1.1", days(-5), removed=True, pending_completion=True),
    ],
)
def test_removed_milestone_is_removed_with_no_rag(m):
    result = assess_milestone(m, AS_OF, DEFAULT)
    assert (result.status, result.rag, result.label, result.overdue_days, result.on_time) == (
        MilestoneStatus.REMOVED,
        None,
        "Removed",
        0,
        None,
    )
    assert not result.is_open


@pytest.mark.parametrize(
    ("due", "revised_due", "completed_on", "on_time", "label"),
    [
        (days(-10), None, days(-12), True, "Complete"),
        (days(-10), None, days(-10), True, "Complete"),
        (days(-10), None, days(-9), False, "Complete (late)"),
        (days(-10), None, AS_OF, False, "Complete (late)"),
        (days(10), None, AS_OF, True, "Complete"),
        (days(-10), days(-2), days(-5), True, "Complete"),
        (days(-10), days(-6), days(-5), False, "Complete (late)"),
    ],
)
def test_approved_completion_on_or_before_as_at_is_complete(due, revised_due, completed_on, on_time, label):
    m = MilestoneFacts("3.3", due, revised_due=revised_due, completed_on=completed_on)
    result = assess_milestone(m, AS_OF, DEFAULT)
    assert (result.status, result.rag, result.on_time, result.label, result.overdue_days) == (
        MilestoneStatus.COMPLETE,
        None,
        on_time,
        label,
        0,
    )
    assert not result.is_open


@pytest.mark.parametrize(
    ("due_in", "rag"),
    [(-5, Rag.RED), (3, Rag.AMBER), (30, Rag.GREEN)],
)
def test_completion_dated_after_as_at_counts_as_open(due_in, rag):
    m = MilestoneFacts("3.3", days(due_in), completed_on=days(1))
    result = assess_milestone(m, AS_OF, DEFAULT)
    assert (result.status, result.rag, result.on_time) == (MilestoneStatus.OPEN, rag, None)
    assert result.is_open


@pytest.mark.parametrize(
    ("due_in", "rag", "overdue_days"),
    [(-40, Rag.RED, 40), (0, Rag.AMBER, 0), (30, Rag.GREEN, 0)],
)
def test_pending_completion_is_awaiting_approval_and_still_rated(due_in, rag, overdue_days):
    result = assess_milestone(open_milestone("1.6", due_in, pending_completion=True), AS_OF, DEFAULT)
    assert (result.status, result.rag, result.overdue_days) == (MilestoneStatus.AWAITING_APPROVAL, rag, overdue_days)
    assert result.is_open


def test_approved_completion_wins_over_a_stale_pending_flag():
    m = MilestoneFacts("1.6", days(-5), completed_on=days(-6), pending_completion=True)
    assert assess_milestone(m, AS_OF, DEFAULT).status is MilestoneStatus.COMPLETE


# --- Workstream --------------------------------------------------------------------------------------------------


def test_a_workstream_with_no_milestones_reads_no_plan_yet_and_stays_green_in_value():
    result = assess_workstream([], [], AS_OF, DEFAULT)
    assert result.rag is Rag.GREEN  # the report's JSON keeps red|amber|green
    assert rules(result) == ["no_plan"]
    assert result.counts == MilestoneCounts()
    assert (result.has_plan, result.no_plan, result.label) == (False, True, "No plan yet")


def test_only_removed_milestones_is_no_plan_yet_too():
    result = assess_workstream([removed("1.1"), removed("1.2")], [risk("R1", GREEN_RISK)], AS_OF, DEFAULT)
    assert rules(result) == ["no_plan"]
    assert result.label == "No plan yet"


@pytest.mark.parametrize(
    ("level", "rag", "rule"), [(RED_RISK, Rag.RED, "red_risk"), (AMBER_RISK, Rag.AMBER, "amber_risk")]
)
def test_a_risk_still_rates_a_workstream_with_no_plan(level, rag, rule):
    result = assess_workstream([], [risk("R1", level)], AS_OF, DEFAULT)
    assert (result.rag, rules(result), result.no_plan, result.label) == (rag, [rule], False, rag.label)


def test_one_milestone_that_counts_is_a_plan():
    for milestone in (green("1.1"), complete("1.1"), open_milestone("1.1", 60, pending_completion=True)):
        result = assess_workstream([milestone, removed("1.2")], [], AS_OF, DEFAULT)
        assert (result.has_plan, result.no_plan, result.label, rules(result)) == (
            True,
            False,
            "Green",
            ["all_on_track"],
        )


@pytest.mark.parametrize(
    ("rag", "planned", "shown"),
    [
        ("green", False, True),
        ("green", True, False),
        ("amber", False, False),
        ("red", False, False),
        (None, False, False),
    ],
)
def test_shows_no_plan_only_for_a_green_without_a_plan(rag, planned, shown):
    assert shows_no_plan(rag, planned) is shown


def test_has_plan_counts_every_status_but_removed():
    assert not has_plan([])
    assert not has_plan(["removed", MilestoneStatus.REMOVED])
    assert all(has_plan([status, "removed"]) for status in ("open", "awaiting_approval", "complete"))


def test_all_on_track_is_green_with_a_single_reason():
    result = assess_workstream([green("1.1"), complete("1.2"), removed("1.3")], [risk("R1", GREEN_RISK)], AS_OF)
    assert result.rag is Rag.GREEN
    (only,) = result.reasons
    assert (only.rag, only.rule, only.references) == (Rag.GREEN, "all_on_track", ())
    assert only.text


def test_all_complete_is_green_without_dividing_by_zero():
    result = assess_workstream([complete("1.1"), complete("1.2"), removed("1.3")], [], AS_OF, DEFAULT)
    assert result.rag is Rag.GREEN
    assert (result.counts.open, result.counts.overdue) == (0, 0)


def many_green(n: int) -> list[MilestoneFacts]:
    return [green(f"9.{i}") for i in range(1, n + 1)]


@pytest.mark.parametrize(("by", "rag"), [(1, Rag.AMBER), (28, Rag.AMBER), (29, Rag.RED), (100, Rag.RED)])
def test_overdue_past_tolerance_is_red_only_when_more_than_red_overdue_days(by, rag):
    # Nine on-track milestones keep the overdue share at 10%, so only tolerance decides.
    result = assess_workstream([overdue("2.1", by), *many_green(9)], [], AS_OF, DEFAULT)
    assert result.rag is rag
    if rag is Rag.RED:
        assert rules(result) == ["overdue_past_tolerance"]
        assert reason(result, "overdue_past_tolerance").references == ("2.1",)
    else:
        assert rules(result) == ["overdue"]
        assert reason(result, "overdue").references == ("2.1",)


def test_overdue_past_tolerance_reason_text_and_references():
    milestones = [overdue("2.10", 30), overdue("2.1", 46), overdue("2.9", 28), *many_green(20)]
    result = assess_workstream(milestones, [], AS_OF, DEFAULT)
    found = reason(result, "overdue_past_tolerance")
    assert found.rag is Rag.RED
    assert found.references == ("2.1", "2.10")
    assert found.text == "Overdue by more than 28 days: 2.1 (46 days), 2.10 (30 days)"


def test_red_overdue_days_comes_from_thresholds():
    result = assess_workstream([overdue("2.1", 8), *many_green(9)], [], AS_OF, Thresholds(red_overdue_days=7))
    assert rules(result) == ["overdue_past_tolerance"]


@pytest.mark.parametrize(
    ("overdue_count", "open_count", "rag"),
    [
        (1, 5, Rag.AMBER),
        (2, 10, Rag.AMBER),
        (3, 15, Rag.AMBER),
        (20, 100, Rag.AMBER),
        (21, 100, Rag.RED),
        (2, 9, Rag.RED),
        (1, 4, Rag.RED),
        (1, 1, Rag.RED),
    ],
)
def test_overdue_share_is_red_only_when_more_than_red_overdue_share(overdue_count, open_count, rag):
    milestones = [overdue(f"2.{i}", 3) for i in range(1, overdue_count + 1)]
    milestones += [green(f"3.{i}") for i in range(1, open_count - overdue_count + 1)]
    result = assess_workstream(milestones, [], AS_OF, DEFAULT)
    assert result.rag is rag
    assert ("overdue_share" in rules(result)) is (rag is Rag.RED)


def test_overdue_share_reason_text_and_references():
    milestones = [overdue("2.10", 2), overdue("2.9", 1), overdue("1.4", 5), *many_green(7)]
    result = assess_workstream(milestones, [], AS_OF, DEFAULT)
    assert rules(result) == ["overdue_share"]
    found = reason(result, "overdue_share")
    assert found.text == "3 of 10 open milestones overdue (30%), more than 20%"
    assert found.references == ("1.4", "2.9", "2.10")


def test_overdue_share_text_shows_a_fraction_of_a_percent():
    result = assess_workstream([overdue("1.1", 1), green("1.2"), green("1.3")], [], AS_OF, DEFAULT)
    assert reason(result, "overdue_share").text == "1 of 3 open milestones overdue (33.3%), more than 20%"


def test_red_overdue_share_comes_from_thresholds():
    milestones = [overdue("1.1", 1), green("1.2"), green("1.3"), green("1.4")]
    assert assess_workstream(milestones, [], AS_OF, Thresholds(red_overdue_share=0.25)).rag is Rag.AMBER
    assert assess_workstream(milestones, [], AS_OF, Thresholds(red_overdue_share=0.24)).rag is Rag.RED


def test_removed_milestones_are_excluded_from_counts_and_share():
    # 1 overdue of 4 open is 25%, red; counting the two removed would make it 1 of 6 (17%), amber.
    base = [overdue("1.1", 3), green("1.2"), green("1.3"), green("1.4")]
    assert assess_workstream(base, [], AS_OF, DEFAULT).rag is Rag.RED
    with_removed = [*base, removed("1.5"), removed("1.6")]
    result = assess_workstream(with_removed, [], AS_OF, DEFAULT)
    assert result.rag is Rag.RED
    assert (result.counts.open, result.counts.removed) == (4, 2)


def test_removed_overdue_milestone_does_not_affect_rag():
    result = assess_workstream([removed("1.1"), overdue("1.2", 100, removed=True), green("1.3")], [], AS_OF)
    assert result.rag is Rag.GREEN
    assert result.counts.overdue == 0


def test_complete_milestones_are_excluded_from_share():
    milestones = [overdue("1.1", 3), green("1.2"), green("1.3"), green("1.4"), complete("1.5"), complete("1.6")]
    result = assess_workstream(milestones, [], AS_OF, DEFAULT)
    assert result.rag is Rag.RED
    assert (result.counts.open, result.counts.complete) == (4, 2)


def test_pending_completion_counts_as_open_and_can_make_the_workstream_red():
    milestones = [overdue("1.6", 29, pending_completion=True), *many_green(9)]
    result = assess_workstream(milestones, [], AS_OF, DEFAULT)
    assert result.rag is Rag.RED
    assert reason(result, "overdue_past_tolerance").references == ("1.6",)
    assert (result.counts.open, result.counts.awaiting_approval, result.counts.overdue) == (10, 1, 1)


def test_completion_dated_after_as_at_counts_as_open_in_the_workstream():
    late = MilestoneFacts("3.3", days(-40), completed_on=days(2))
    result = assess_workstream([late, *many_green(9)], [], AS_OF, DEFAULT)
    assert result.rag is Rag.RED
    assert reason(result, "overdue_past_tolerance").references == ("3.3",)
    assert (result.counts.complete, result.counts.open) == (0, 10)


def test_open_red_risk_makes_the_workstream_red():
    result = assess_workstream([green("1.1")], [risk("Resourcing", RED_RISK)], AS_OF, DEFAULT)
    assert result.rag is Rag.RED
    (only,) = result.reasons
    assert (only.rag, only.rule, only.text, only.references) == (
        Rag.RED,
        "red_risk",
        "Open red risk: Resourcing",
        ("Resourcing",),
    )


@pytest.mark.parametrize(
    ("likelihood", "impact"), [("high", "significant"), ("medium", "critical"), ("high", "critical")]
)
def test_every_red_cell_makes_the_workstream_red(likelihood, impact):
    r = RiskFacts("R1", Likelihood(likelihood), Impact(impact))
    assert assess_workstream([], [r], AS_OF, DEFAULT).rag is Rag.RED


def test_closed_risks_are_excluded():
    risks = [risk("R1", RED_RISK, closed=True), risk("R2", AMBER_RISK, closed=True)]
    result = assess_workstream([green("1.1")], risks, AS_OF, DEFAULT)
    assert result.rag is Rag.GREEN


def test_closed_red_risk_leaves_only_open_amber_risks():
    risks = [risk("R1", RED_RISK, closed=True), risk("R2", AMBER_RISK)]
    result = assess_workstream([green("1.1")], risks, AS_OF, DEFAULT)
    assert result.rag is Rag.AMBER
    assert reason(result, "amber_risk").references == ("R2",)


def test_green_risks_do_not_affect_rag():
    risks = [RiskFacts("R1", Likelihood.HIGH, Impact.NOTICEABLE), RiskFacts("R2", Likelihood.LOW, Impact.CRITICAL)]
    # High/Noticeable is 4 and Low/Critical 6: both amber. Low/Significant is 3: green.
    assert assess_workstream([], risks, AS_OF).rag is Rag.AMBER
    assert assess_workstream([], [risk("R3", GREEN_RISK)], AS_OF).rag is Rag.GREEN


def test_red_lists_every_red_reason_and_no_amber_ones():
    milestones = [overdue("2.1", 46), overdue("2.2", 3), open_milestone("2.3", 5), green("2.4")]
    risks = [risk("Resourcing", RED_RISK), risk("Budget", RED_RISK), risk("Quarterly Reports", AMBER_RISK)]
    result = assess_workstream(milestones, risks, AS_OF, DEFAULT)
    assert result.rag is Rag.RED
    assert rules(result) == ["red_risk", "overdue_past_tolerance", "overdue_share"]
    assert all(r.rag is Rag.RED for r in result.reasons)
    assert reason(result, "red_risk").references == ("Budget", "Resourcing")
    assert reason(result, "red_risk").text == "Open red risks: Budget, Resourcing"
    assert reason(result, "overdue_past_tolerance").references == ("2.1",)
    assert reason(result, "overdue_share").references == ("2.1", "2.2")
    assert reason(result, "overdue_share").text == "2 of 4 open milestones overdue (50%), more than 20%"


def test_amber_lists_every_amber_reason_with_references():
    milestones = [
        overdue("2.10", 3),
        open_milestone("1.10", 5),
        MilestoneFacts("1.9", days(-10), revised_due=days(60)),
        open_milestone("1.2", 14),
        *many_green(7),
    ]
    risks = [risk("C", AMBER_RISK), risk("a", AMBER_RISK), risk("B", AMBER_RISK), risk("D", GREEN_RISK)]
    result = assess_workstream(milestones, risks, AS_OF, DEFAULT)
    assert result.rag is Rag.AMBER
    assert rules(result) == ["amber_risk", "overdue", "amber_milestone"]
    assert all(r.rag is Rag.AMBER for r in result.reasons)

    amber_risk = reason(result, "amber_risk")
    assert amber_risk.references == ("a", "B", "C")
    assert amber_risk.text == "Open amber risks: a, B, C"

    overdue_reason = reason(result, "overdue")
    assert overdue_reason.references == ("2.10",)
    assert overdue_reason.text == "Overdue: 2.10 (3 days)"

    amber_milestone = reason(result, "amber_milestone")
    assert amber_milestone.references == ("1.2", "1.9", "1.10")
    assert amber_milestone.text == "Amber milestones: 1.2 (due soon), 1.9 (slipped), 1.10 (due soon)"


def test_single_amber_items_read_in_the_singular():
    result = assess_workstream(
        [overdue("1.1", 1), open_milestone("1.2", 3), *many_green(8)], [risk("R1", AMBER_RISK)], AS_OF
    )
    assert [r.text for r in result.reasons] == [
        "Open amber risk: R1",
        "Overdue: 1.1 (1 day)",
        "Amber milestone: 1.2 (due soon)",
    ]


@pytest.mark.parametrize(
    ("milestones", "risks", "rule"),
    [
        ([green("1.1")], [risk("R1", AMBER_RISK)], "amber_risk"),
        ([overdue("1.1", 1), *many_green(9)], [], "overdue"),
        ([open_milestone("1.1", 14)], [], "amber_milestone"),
        ([MilestoneFacts("1.1", days(20), revised_due=days(200))], [], "amber_milestone"),
    ],
)
def test_each_amber_rule_alone_makes_the_workstream_amber(milestones, risks, rule):
    result = assess_workstream(milestones, risks, AS_OF, DEFAULT)
    assert result.rag is Rag.AMBER
    assert rules(result) == [rule]


def test_milestone_assessments_keep_input_order_and_counts_add_up():
    milestones = [
        green("3.1"),
        overdue("1.1", 2),
        open_milestone("2.1", 3, pending_completion=True),
        complete("1.2"),
        removed("1.3"),
        green("2.10"),
    ]
    result = assess_workstream(milestones, [], AS_OF, DEFAULT)
    assert [a.reference for a in result.milestones] == ["3.1", "1.1", "2.1", "1.2", "1.3", "2.10"]
    assert result.counts == MilestoneCounts(
        complete=1, open=4, overdue=1, awaiting_approval=1, removed=1, amber=1, green=2
    )


def test_seed_report_as_at_19_april_2021_computes_amber():
    def plan(reference, due, revised="", completed=None, **kwargs):
        revised_due = parse_plan_date(revised)[0] if revised else None
        return MilestoneFacts(reference, parse_plan_date(due)[0], revised_due, completed, **kwargs)

    milestones = [
        plan("1.1", "March 2023", "March 2023"),
        plan("1.6", "March 2021", "April 2021", pending_completion=True),
        plan("1.7", "March 2021", completed=date(2021, 3, 31)),
        plan("2.1", "March 2021", "June 2021"),
        plan("2.5", "March 2021", "March 2021", completed=date(2021, 3, 31)),
        plan("2.8", "March 2021", "April 2021"),
        plan("3.3", "March 2021", "March 2021", completed=date(2021, 3, 26)),
        plan("4.6", "March 2021", "April 2021"),
        plan("4.8", "March 2021", "April 2021", pending_completion=True),
    ]
    risks = [
        RiskFacts("Report on 13 improvement areas", Likelihood.MEDIUM, Impact.SIGNIFICANT),
        RiskFacts("Resourcing", Likelihood.HIGH, Impact.NOTICEABLE),
        RiskFacts("Quarterly Reports", Likelihood.MEDIUM, Impact.SIGNIFICANT),
    ]
    result = assess_workstream(milestones, risks, date(2021, 4, 19), DEFAULT)
    assert result.rag is Rag.AMBER
    assert rules(result) == ["amber_risk", "amber_milestone"]
    assert reason(result, "amber_risk").references == (
        "Quarterly Reports",
        "Report on 13 improvement areas",
        "Resourcing",
    )
    assert reason(result, "amber_milestone").references == ("1.6", "2.1", "2.8", "4.6", "4.8")


def test_risk_facts_score_and_rating():
    r = RiskFacts("Resourcing", Likelihood.HIGH, Impact.NOTICEABLE)
    assert (r.score, r.rating) == (4, Rag.AMBER)


# --- Reference order ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        (["2.10", "2.9", "2.1"], ["2.1", "2.9", "2.10"]),
        (["10.1", "9.1", "1.10", "1.2"], ["1.2", "1.10", "9.1", "10.1"]),
        (["1.4a", "1.4", "1.5"], ["1.4", "1.4a", "1.5"]),
        (["3.4.", "3.5", "3.4"], ["3.4", "3.4.", "3.5"]),
        (["Resourcing", "budget", "Quarterly Reports"], ["budget", "Quarterly Reports", "Resourcing"]),
        (["R10", "R2", "R1"], ["R1", "R2", "R10"]),
        (["01", "1"], ["01", "1"]),
        (["x²", "x1"], ["x1", "x²"]),
    ],
)
def test_reference_sort_key_sorts_naturally(refs, expected):
    assert sorted(refs, key=reference_sort_key) == expected


# --- As-at date and trend ----------------------------------------------------------------------------------------

TODAY = date(2021, 4, 10)
MEETING = date(2021, 4, 19)


@pytest.mark.parametrize(
    ("state", "today", "meeting_date", "submitted_on", "expected"),
    [
        ("live", TODAY, MEETING, None, TODAY),
        ("live", date(2021, 5, 1), MEETING, date(2021, 4, 12), date(2021, 5, 1)),
        ("draft", TODAY, MEETING, None, TODAY),
        ("draft", date(2021, 5, 1), MEETING, None, MEETING),
        ("draft", MEETING, MEETING, None, MEETING),
        ("draft", TODAY, None, None, TODAY),
        ("awaiting_sign_off", date(2021, 5, 1), MEETING, date(2021, 4, 12), date(2021, 4, 12)),
        ("awaiting_sign_off", TODAY, MEETING, date(2021, 4, 25), MEETING),
        ("signed_off", date(2021, 6, 1), MEETING, date(2021, 4, 12), date(2021, 4, 12)),
        ("signed_off", date(2021, 6, 1), MEETING, date(2021, 4, 20), MEETING),
        ("signed_off", date(2021, 6, 1), None, date(2021, 4, 12), date(2021, 4, 12)),
    ],
)
def test_report_as_of_by_state(state, today, meeting_date, submitted_on, expected):
    assert report_as_of(state, today, meeting_date, submitted_on) == expected


@pytest.mark.parametrize("state", ["awaiting_sign_off", "signed_off"])
def test_report_as_of_needs_submission_date_once_submitted(state):
    with pytest.raises(ValueError, match="submission date"):
        report_as_of(state, TODAY, MEETING, None)


def test_report_as_of_rejects_unknown_state():
    with pytest.raises(ValueError, match="Unknown report state"):
        report_as_of("archived", TODAY, MEETING, TODAY)


@pytest.mark.parametrize(
    ("previous", "current", "trend"),
    [
        (None, Rag.RED, "new"),
        (None, Rag.GREEN, "new"),
        (Rag.RED, Rag.AMBER, "improved"),
        (Rag.RED, Rag.GREEN, "improved"),
        (Rag.AMBER, Rag.GREEN, "improved"),
        (Rag.GREEN, Rag.AMBER, "worsened"),
        (Rag.GREEN, Rag.RED, "worsened"),
        (Rag.AMBER, Rag.RED, "worsened"),
        (Rag.RED, Rag.RED, "unchanged"),
        (Rag.AMBER, Rag.AMBER, "unchanged"),
        (Rag.GREEN, Rag.GREEN, "unchanged"),
        ("amber", "red", "worsened"),
    ],
)
def test_score_trend(previous, current, trend):
    assert score_trend(previous, current) == trend


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (MilestoneFacts("1.1", date(2021, 5, 31)), "On track"),
        (MilestoneFacts("1.2", date(2021, 4, 20)), "Due soon"),
        (MilestoneFacts("1.3", date(2021, 3, 31), revised_due=date(2021, 6, 30)), "Slipped"),
        (MilestoneFacts("1.4", date(2021, 3, 31)), "Overdue"),
        (MilestoneFacts("1.5", date(2021, 3, 31), pending_completion=True), "Awaiting approval"),
        (MilestoneFacts("1.6", date(2021, 5, 31), pending_completion=True), "Awaiting approval"),
        (MilestoneFacts("1.7", date(2021, 3, 31), completed_on=date(2021, 4, 2)), "Complete"),
        (MilestoneFacts("1.8", date(2021, 3, 31), completed_on=date(2021, 3, 2)), "Complete"),
        (MilestoneFacts("1.9", date(2021, 3, 31), removed=True), "Removed"),
    ],
)
def test_status_text_is_one_of_the_status_words_from_the_rag_rule(facts, expected):
    assessment = assess_milestone(facts, date(2021, 4, 19))
    assert assessment.status_text == expected
    assert expected in STATUS_TEXTS


def test_status_text_refuses_an_unknown_status():
    with pytest.raises(ValueError):
        status_text("finished", "On track")


@pytest.mark.parametrize(
    ("previous", "current", "words"),
    [
        (Rag.RED, Rag.AMBER, "better"),
        ("amber", "green", "better"),
        (Rag.AMBER, Rag.AMBER, "no change"),
        (Rag.GREEN, Rag.RED, "worse"),
        (None, Rag.GREEN, "no earlier RAG"),
        (Rag.RED, None, ""),
    ],
)
def test_direction_of_travel_in_words_follows_the_trend(previous, current, words):
    assert direction_of_travel(previous, current) == words


def test_direction_of_travel_refuses_a_value_that_is_not_a_rag():
    with pytest.raises(ValueError):
        direction_of_travel("purple", "red")
