"""The password rule, one for every path a password comes in by (an invitation, a reset, a change, the command
line, the demo), following the NCSC's guidance: long enough, no composition rules (no "one capital, one digit"),
and not one of the passwords people choose most often.

A password is refused when it, or the same letters and digits without spaces, punctuation or a number on either
end, is on the list of common passwords (``common_passwords.txt``, its source and licence beside it): so
"Password1234!" and "qwertyuiop 2024" are refused as "password" and "qwertyuiop" are. It is also refused when it is
the person's own email address.
"""

import re
from functools import cache
from pathlib import Path

from app.domain.errors import DomainError
from app.domain.text import PASSWORD

MIN_PASSWORD_LENGTH = 12
_LIST = Path(__file__).with_name("common_passwords.txt")
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
_END_DIGITS = re.compile(r"^\d+|\d+$")

RULE_TEXT = f"{MIN_PASSWORD_LENGTH} characters or more. A few words you will remember make a good password."


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(line.strip() for line in _LIST.read_text(encoding="utf-8").splitlines() if line.strip())


def _forms(password: str) -> set[str]:
    """The password as it is compared with the list: lower-cased; then without spaces and punctuation; then
    without a run of digits at either end."""
    lower = password.lower()
    bare = _NOT_ALPHANUMERIC.sub("", lower)
    return {lower, bare, _END_DIGITS.sub("", bare)} - {""}


def is_common(password: str) -> bool:
    return not _forms(password).isdisjoint(common_passwords())


def check_password(password: str, *, email: str = "") -> None:
    """Raises DomainError(field="password") for a password that is not plain text within its limit, is shorter
    than MIN_PASSWORD_LENGTH, is a common password, or is the person's email address."""
    PASSWORD.check(password, "password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more", field="password")
    if is_common(password):
        raise DomainError(
            "This password is one of the most common passwords, which are tried first: choose another",
            field="password",
        )
    if email and password.strip().lower() == email.strip().lower():
        raise DomainError("Password must not be your email address", field="password")
