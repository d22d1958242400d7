"""Rules for the action plan's own fields: references, texts, section numbers."""

import re
from datetime import date
from typing import Protocol

from app.domain.dates import format_plan_date
from app.domain.errors import DomainError
from app.domain.rag import MilestoneFacts, Rag, RiskFacts
from app.domain.risk import Impact, Likelihood, risk_rating, risk_score
from app.domain.text import NAME_LIMIT, TextRule, one_line

_REFERENCE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")

# The programme's structure and its plan: each text field's rule (app.domain.text).
PROGRAMME_NAME = one_line("Programme name", NAME_LIMIT)
COUNCIL_NAME = one_line("Council name", NAME_LIMIT)
WORKSTREAM_NAME = one_line("Workstream name", NAME_LIMIT)
WORKSTREAM_TITLE = one_line("Report title")
MEETING_NAME = one_line("Meeting name", NAME_LIMIT)
SECTION_TITLE = one_line("Section title")
MILESTONE_REFERENCE = one_line("Reference", 20)
MILESTONE_TEXT = TextRule("Milestone")
MILESTONE_COMMENTS = TextRule("Comments")
REMOVAL_REASON = TextRule("Reason for removal")


def normalise_reference(text: str, field: str = "reference") -> str:
    """Clean a milestone reference such as ``"3.4."`` to ``"3.4"``.

    Raises DomainError(field) unless it is dotted numbers, like 1.4 or 2.11.
    """
    reference = (text or "").strip().rstrip(".")
    if not _REFERENCE.match(reference):
        raise DomainError("Enter a reference made of numbers and dots, like 1.4", field=field)
    return reference


def reference_sort_string(reference: str) -> str:
    """A string that sorts references naturally in SQL: 2.9 before 2.10 before 10.1."""
    return ".".join(part.zfill(4) if part.isdigit() else part for part in reference.split("."))


def required_text(value: str | None, field: str, message: str, rule: TextRule | None = None) -> str:
    """Stripped text, or DomainError(field) when empty or (given its ``rule``) not plain text within its limit."""
    value = rule.check(value, field) if rule else (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


class _MilestoneFields(Protocol):
    """The fields ``MilestoneDates`` reads: the model's columns, or the plan's read row."""

    @property
    def reference(self) -> str: ...
    @property
    def due(self) -> date: ...
    @property
    def due_is_month(self) -> bool: ...
    @property
    def revised_due(self) -> date | None: ...
    @property
    def revised_due_is_month(self) -> bool: ...
    @property
    def completed_on(self) -> date | None: ...
    @property
    def completed_on_is_month(self) -> bool: ...
    @property
    def removed(self) -> bool: ...


class MilestoneDates:
    """Labels and facts derived from a milestone's plan dates; shared by the model and the plan's read rows.

    Expects ``reference``, ``due``, ``due_is_month``, ``revised_due``, ``revised_due_is_month``,
    ``completed_on``, ``completed_on_is_month`` and ``removed`` on the instance.
    """

    __slots__ = ()

    @property
    def current_due(self: _MilestoneFields) -> date:
        return self.revised_due or self.due

    @property
    def due_label(self: _MilestoneFields) -> str:
        return format_plan_date(self.due, self.due_is_month)

    @property
    def revised_due_label(self: _MilestoneFields) -> str:
        return format_plan_date(self.revised_due, self.revised_due_is_month)

    @property
    def completed_on_label(self: _MilestoneFields) -> str:
        return format_plan_date(self.completed_on, self.completed_on_is_month)

    def facts(self: _MilestoneFields, pending_completion: bool = False) -> MilestoneFacts:
        return MilestoneFacts(
            reference=self.reference,
            due=self.due,
            revised_due=self.revised_due,
            completed_on=self.completed_on,
            removed=self.removed,
            pending_completion=pending_completion,
        )


class _RiskFields(Protocol):
    """The fields ``RiskScoring`` reads: the model's columns, or the plan's read row."""

    @property
    def reference(self) -> str: ...
    @property
    def likelihood(self) -> str: ...
    @property
    def impact(self) -> str: ...
    @property
    def mitigation_date(self) -> date | None: ...
    @property
    def mitigation_date_is_month(self) -> bool: ...
    @property
    def closed(self) -> bool: ...


def _score(risk: _RiskFields) -> int:
    return risk_score(Likelihood(risk.likelihood), Impact(risk.impact))


class RiskScoring:
    """Score, rating, label and facts derived from a risk's fields; shared by the model and the plan's read rows.

    Expects ``reference``, ``likelihood``, ``impact``, ``mitigation_date``, ``mitigation_date_is_month`` and
    ``closed`` on the instance.
    """

    __slots__ = ()

    @property
    def score(self: _RiskFields) -> int:
        return _score(self)

    @property
    def rating(self: _RiskFields) -> Rag:
        return risk_rating(_score(self))

    @property
    def mitigation_date_label(self: _RiskFields) -> str:
        return format_plan_date(self.mitigation_date, self.mitigation_date_is_month)

    def facts(self: _RiskFields) -> RiskFacts:
        return RiskFacts(
            reference=self.reference,
            likelihood=Likelihood(self.likelihood),
            impact=Impact(self.impact),
            closed=self.closed,
        )
