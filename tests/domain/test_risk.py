from datetime import date

import pytest

from app.domain.rag import Rag
from app.domain.risk import (
    RED_RISK_NOTE,
    RISK_GUIDANCE,
    RISK_MATRIX,
    Impact,
    Likelihood,
    guidance_grid,
    mitigation_overdue,
    risk_rating,
    risk_score,
)


@pytest.mark.parametrize(
    ("impact", "likelihood", "score"),
    [
        (Impact.NOTICEABLE, Likelihood.LOW, 1),
        (Impact.NOTICEABLE, Likelihood.MEDIUM, 2),
        (Impact.NOTICEABLE, Likelihood.HIGH, 4),
        (Impact.SIGNIFICANT, Likelihood.LOW, 3),
        (Impact.SIGNIFICANT, Likelihood.MEDIUM, 5),
        (Impact.SIGNIFICANT, Likelihood.HIGH, 7),
        (Impact.CRITICAL, Likelihood.LOW, 6),
        (Impact.CRITICAL, Likelihood.MEDIUM, 8),
        (Impact.CRITICAL, Likelihood.HIGH, 9),
    ],
)
def test_risk_score_follows_the_seed_matrix(impact, likelihood, score):
    assert RISK_MATRIX[(impact, likelihood)] == score
    assert risk_score(likelihood, impact) == score


def test_risk_matrix_has_exactly_the_nine_cells():
    assert len(RISK_MATRIX) == 9
    assert sorted(RISK_MATRIX.values()) == list(range(1, 10))


def test_risk_matrix_cannot_be_changed():
    with pytest.raises(TypeError):
        RISK_MATRIX[(Impact.CRITICAL, Likelihood.HIGH)] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("likelihood", "impact", "score"),
    [("medium", "significant", 5), ("High", "Noticeable", 4), (" LOW ", "CRITICAL", 6)],
)
def test_risk_score_accepts_text_in_any_case(likelihood, impact, score):
    assert risk_score(likelihood, impact) == score


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (1, Rag.GREEN),
        (2, Rag.GREEN),
        (3, Rag.GREEN),
        (4, Rag.AMBER),
        (5, Rag.AMBER),
        (6, Rag.AMBER),
        (7, Rag.RED),
        (8, Rag.RED),
        (9, Rag.RED),
    ],
)
def test_risk_rating_bands(score, rating):
    assert risk_rating(score) is rating


@pytest.mark.parametrize("score", [0, 10, -1, 4.5, True, "5", None])
def test_risk_rating_rejects_scores_outside_one_to_nine(score):
    with pytest.raises(ValueError, match="1 to 9"):
        risk_rating(score)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("low", Likelihood.LOW),
        ("Low", Likelihood.LOW),
        ("MEDIUM", Likelihood.MEDIUM),
        ("  high ", Likelihood.HIGH),
        (Likelihood.HIGH, Likelihood.HIGH),
    ],
)
def test_likelihood_parse_accepts_any_case(text, expected):
    assert Likelihood.parse(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("noticeable", Impact.NOTICEABLE),
        ("Significant", Impact.SIGNIFICANT),
        ("CRITICAL", Impact.CRITICAL),
        (Impact.CRITICAL, Impact.CRITICAL),
    ],
)
def test_impact_parse_accepts_any_case(text, expected):
    assert Impact.parse(text) is expected


@pytest.mark.parametrize("text", ["", "very high", "med", "critical", None, 3])
def test_likelihood_parse_error_names_allowed_values(text):
    with pytest.raises(ValueError, match="Likelihood must be Low, Medium or High") as error:
        Likelihood.parse(text)
    assert f'"{text}"' in str(error.value)


@pytest.mark.parametrize("text", ["", "severe", "high", "notable", None])
def test_impact_parse_error_names_allowed_values(text):
    with pytest.raises(ValueError, match="Impact must be Noticeable, Significant or Critical") as error:
        Impact.parse(text)
    assert f'"{text}"' in str(error.value)


def test_risk_score_rejects_unknown_likelihood_or_impact():
    with pytest.raises(ValueError, match="Likelihood must be"):
        risk_score("certain", "critical")
    with pytest.raises(ValueError, match="Impact must be"):
        risk_score("low", "catastrophic")


@pytest.mark.parametrize(
    ("member", "label"),
    [
        (Likelihood.LOW, "Low"),
        (Likelihood.MEDIUM, "Medium"),
        (Likelihood.HIGH, "High"),
        (Impact.NOTICEABLE, "Noticeable"),
        (Impact.SIGNIFICANT, "Significant"),
        (Impact.CRITICAL, "Critical"),
    ],
)
def test_labels_are_capitalised_values(member, label):
    assert member.label == label


def test_values_are_lower_case_strings():
    assert [str(m) for m in Likelihood] == ["low", "medium", "high"]
    assert [str(m) for m in Impact] == ["noticeable", "significant", "critical"]


def test_guidance_has_a_text_for_every_cell_of_the_matrix():
    assert set(RISK_GUIDANCE) == set(RISK_MATRIX)
    assert RISK_GUIDANCE[(Impact.NOTICEABLE, Likelihood.LOW)] == "Accept risks"
    assert RISK_GUIDANCE[(Impact.CRITICAL, Likelihood.HIGH)] == "Extensive management required"
    assert len(set(RISK_GUIDANCE.values())) == 9
    assert "score of 7, 8 or 9" in RED_RISK_NOTE


@pytest.mark.parametrize(
    ("mitigation_date", "closed", "overdue"),
    [
        (date(2021, 4, 18), False, True),
        (date(2021, 4, 19), False, False),
        (date(2021, 4, 30), False, False),  # "April 2021" is its last day: not yet past on 19 April
        (date(2021, 4, 18), True, False),
        (None, False, False),
    ],
)
def test_mitigation_is_overdue_only_when_its_date_has_passed_on_an_open_risk(mitigation_date, closed, overdue):
    assert mitigation_overdue(mitigation_date, date(2021, 4, 19), closed) is overdue


def test_guidance_grid_follows_the_seed_layout():
    grid = guidance_grid()
    assert [row[0].impact for row in grid] == [Impact.NOTICEABLE, Impact.SIGNIFICANT, Impact.CRITICAL]
    assert [cell.likelihood for cell in grid[0]] == [Likelihood.LOW, Likelihood.MEDIUM, Likelihood.HIGH]
    assert [[cell.score for cell in row] for row in grid] == [[1, 2, 4], [3, 5, 7], [6, 8, 9]]
    assert grid[1][1].guidance == "Management effort worthwhile"
    assert grid[1][1].rating is Rag.AMBER
    assert grid[2][2].rating is Rag.RED
