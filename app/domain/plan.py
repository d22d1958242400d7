"""Rules for the action plan's own fields: references, texts, section numbers."""

import re

from app.domain.errors import DomainError

_REFERENCE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")


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


def required_text(value: str | None, field: str, message: str) -> str:
    """Stripped text, or DomainError(field) when empty."""
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value
