"""Risk scoring: likelihood and impact, the seed's scoring matrix, and the rating a score gives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Self

from app.domain.rag_scale import Rag
from app.domain.text import TextRule, one_line


class _Choice(StrEnum):
    """A lower-case stored value with a capitalised label, parsed from text in any case."""

    @property
    def label(self) -> str:
        """The value as people read it: "Low", "Noticeable"."""
        return self.value.capitalize()

    @classmethod
    def parse(cls, text: str) -> Self:
        """Return the member whose value matches ``text`` in any case, ignoring surrounding whitespace.

        Raises ValueError naming the allowed values.
        """
        if isinstance(text, cls):
            return text
        if isinstance(text, str):
            try:
                return cls(text.strip().lower())
            except ValueError:
                pass
        labels = [member.label for member in cls]
        allowed = ", ".join(labels[:-1]) + f" or {labels[-1]}"
        raise ValueError(f'{cls.__name__} must be {allowed}, not "{text}"')


class Likelihood(_Choice):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Impact(_Choice):
    NOTICEABLE = "noticeable"
    SIGNIFICANT = "significant"
    CRITICAL = "critical"


# Written out cell by cell from the seed's scoring guidance: the scores are ranks, not a product.
RISK_MATRIX: Mapping[tuple[Impact, Likelihood], int] = MappingProxyType(
    {
        (Impact.NOTICEABLE, Likelihood.LOW): 1,
        (Impact.NOTICEABLE, Likelihood.MEDIUM): 2,
        (Impact.NOTICEABLE, Likelihood.HIGH): 4,
        (Impact.SIGNIFICANT, Likelihood.LOW): 3,
        (Impact.SIGNIFICANT, Likelihood.MEDIUM): 5,
        (Impact.SIGNIFICANT, Likelihood.HIGH): 7,
        (Impact.CRITICAL, Likelihood.LOW): 6,
        (Impact.CRITICAL, Likelihood.MEDIUM): 8,
        (Impact.CRITICAL, Likelihood.HIGH): 9,
    }
)


# The seed's scoring guidance: what each cell of the matrix asks of management.
RISK_GUIDANCE: Mapping[tuple[Impact, Likelihood], str] = MappingProxyType(
    {
        (Impact.NOTICEABLE, Likelihood.LOW): "Accept risks",
        (Impact.NOTICEABLE, Likelihood.MEDIUM): "Accept risks, but monitor risks",
        (Impact.NOTICEABLE, Likelihood.HIGH): "Manage and monitor risks",
        (Impact.SIGNIFICANT, Likelihood.LOW): "Risks may be worth accepting with monitoring",
        (Impact.SIGNIFICANT, Likelihood.MEDIUM): "Management effort worthwhile",
        (Impact.SIGNIFICANT, Likelihood.HIGH): "Management effort required",
        (Impact.CRITICAL, Likelihood.LOW): "Considerable management required",
        (Impact.CRITICAL, Likelihood.MEDIUM): "Must manage and monitor risks",
        (Impact.CRITICAL, Likelihood.HIGH): "Extensive management required",
    }
)

# Each text field's rule (app.domain.text).
RISK_REFERENCE = one_line("Risk reference", 100)
RISK_TITLE = TextRule("Risk")
RISK_DESCRIPTION = TextRule("Description")
MITIGATION = TextRule("Mitigation")

RED_RISK_NOTE = (
    "Risks that have a red status (score of 7, 8 or 9) are considered to be unacceptable and are high priority. "
    "Every effort must be made by management to reduce this level of risk to the council including active "
    "monitoring by the risk owner."
)


def risk_score(likelihood: Likelihood | str, impact: Impact | str) -> int:
    """Return the 1-9 score for a likelihood and impact (members or their text in any case).

    Raises ValueError for an unknown likelihood or impact.
    """
    return RISK_MATRIX[(Impact.parse(impact), Likelihood.parse(likelihood))]


def risk_rating(score: int) -> Rag:
    """Return the rating for a score: 7-9 red, 4-6 amber, 1-3 green.

    Raises ValueError for anything but a whole number from 1 to 9.
    """
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 9:
        raise ValueError(f"A risk score is a whole number from 1 to 9, not {score!r}")
    if score >= 7:
        return Rag.RED
    if score >= 4:
        return Rag.AMBER
    return Rag.GREEN


def mitigation_overdue(mitigation_date: date | None, as_of: date, closed: bool = False) -> bool:
    """True when an open risk's mitigation date has passed as at ``as_of``.

    A month-precision date is stored as the month's last day, so "April 2021" is not yet past on 19 April 2021.
    Closed risks and risks without a date are never overdue. Raises nothing.
    """
    return not closed and mitigation_date is not None and mitigation_date < as_of


@dataclass(frozen=True)
class GuidanceCell:
    """One cell of the scoring-guidance matrix."""

    impact: Impact
    likelihood: Likelihood
    score: int
    guidance: str

    @property
    def rating(self) -> Rag:
        """The rating the cell's score gives."""
        return risk_rating(self.score)


def guidance_grid() -> tuple[tuple[GuidanceCell, ...], ...]:
    """The seed's scoring guidance as rows: impact Noticeable to Critical, each with likelihood Low to High.

    Raises nothing.
    """
    return tuple(
        tuple(
            GuidanceCell(impact, likelihood, RISK_MATRIX[(impact, likelihood)], RISK_GUIDANCE[(impact, likelihood)])
            for likelihood in Likelihood
        )
        for impact in Impact
    )
