"""Text as people type it: no control characters, and a bounded length stated in the error.

Every path a text comes in by (form, htmx, import, CLI) calls ``check_text`` through its service or form, so a NUL
or an escape character never reaches the database or an export, and an over-long value is refused with its limit.
"""

from __future__ import annotations

import re

from app.domain.errors import DomainError

# C0 controls except tab, line feed and carriage return; DEL; the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")

LINE_LIMIT = 300  # a name, title or other one-line value
TEXT_LIMIT = 10_000  # a comment, note, reason or narrative


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
