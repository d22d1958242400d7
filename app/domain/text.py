"""Text as people type it: no control characters, and a bounded length stated in the error.

Every path a text comes in by (form, htmx, import, CLI) meets ``check_text``: services check each value they
store through its field's ``TextRule``, and forms check the same rule as the person types (app/web/forms.py
``PlainText``). So a NUL or an escape character never reaches the database, and an over-long value is refused with
its limit. Text already stored before the rule existed is made ``printable`` when it is exported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import DomainError

# C0 controls except tab, line feed and carriage return; DEL; the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What XML 1.0 (Word, and the workbook's cells) cannot hold besides those: the non-characters and lone surrogates.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")

LINE_LIMIT = 300  # a name, title or other one-line value
TEXT_LIMIT = 10_000  # a comment, note, reason or narrative
NAME_LIMIT = 200  # a person's, programme's, workstream's or meeting's name
EMAIL_LIMIT = 254  # the longest address SMTP carries
NARRATIVE_LIMIT = 20_000  # a report's introduction, reasons and section narratives


def control_character(value: str) -> str | None:
    """The first control character in ``value`` as ``U+0000``, or None if there is none (tab and line ends aside)."""
    match = _CONTROL.search(value)
    return f"U+{ord(match.group()):04X}" if match else None


def check_text(
    value: str | None,
    field: str,
    *,
    label: str,
    limit: int = TEXT_LIMIT,
    multiline: bool = True,
) -> str:
    """The value stripped of surrounding white space, once it is plain text within ``limit`` characters.

    Raises DomainError(field), naming ``label``, for a control character (tab and line ends are allowed in
    multi-line text only), or for more than ``limit`` characters.
    """
    text = (value or "").strip()
    found = control_character(text)
    if found:
        raise DomainError(f"{label} must not contain control characters (found {found})", field=field)
    if not multiline and (_LINE_BREAK.search(text) or "\t" in text):
        raise DomainError(f"{label} must be on one line", field=field)
    if len(text) > limit:
        raise DomainError(f"{label} must be {limit:,} characters or fewer (it has {len(text):,})", field=field)
    return text


@dataclass(frozen=True)
class TextRule:
    """One text field's rule: the label its errors name, its limit, and whether it may run over several lines.

    Services check what they store with it; forms check the same rule as the person types.
    """

    label: str
    limit: int = TEXT_LIMIT
    multiline: bool = True

    def check(self, value: str | None, field: str) -> str:
        """``check_text`` with this rule. Raises DomainError(field)."""
        return check_text(value, field, label=self.label, limit=self.limit, multiline=self.multiline)


def one_line(label: str, limit: int = LINE_LIMIT) -> TextRule:
    return TextRule(label, limit, multiline=False)


# Fields every part of the service shares.
PERSON_NAME = one_line("Full name", NAME_LIMIT)
EMAIL = one_line("Email address", EMAIL_LIMIT)
PASSWORD = one_line("Password")


def printable(value: str) -> str:
    """``value`` without control characters (tab and line ends kept) or what XML cannot hold.

    For text read back for an export: what the rule above refuses may still be stored from before it existed.
    """
    return _UNPRINTABLE.sub("", value) if _UNPRINTABLE.search(value) else value
