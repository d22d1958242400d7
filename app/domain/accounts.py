"""Rules of accounts besides the password: single-use links, the second factor, remembered devices and when an
action needs the second factor again. Times are whole seconds since the epoch, as the session cookie holds them."""

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta
from enum import StrEnum

from app.domain.permissions import Role


class LinkPurpose(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


# How long a link sent by email works: an invitation a week, a password reset an hour.
LINK_LIFETIME = {LinkPurpose.INVITATION: timedelta(days=7), LinkPurpose.RESET: timedelta(hours=1)}
# A browser may skip the second factor at sign-in for at most this long after the code it was remembered with.
REMEMBER_DEVICE_FOR = timedelta(days=30)
# Signing off a report or deciding a proposal needs a second factor entered within this long.
FRESH_SECOND_FACTOR = timedelta(hours=12)
RECOVERY_CODE_COUNT = 10
# Letters and digits that cannot be mistaken for one another when read aloud or typed (no 0/O, 1/I/L, 5/S, 2/Z).
_RECOVERY_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
_RECOVERY_LENGTH = 10
# Roles whose holders must use a second factor when the setting asks for it: they approve and sign.
SECOND_FACTOR_ROLES = frozenset({Role.LEAD, Role.SPONSOR})


def new_link_token() -> str:
    """A link's secret: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is kept of a link's or device's token: its sha256 (the token has 256 bits, so no salt or slow hash is
    needed to stop it being guessed from the hash)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def second_factor_required(*, setting: bool, is_admin: bool, roles: Iterable[Role]) -> bool:
    """True when ``MFA_REQUIRED`` is on and the person is an admin, or a lead or sponsor anywhere."""
    return setting and (is_admin or not SECOND_FACTOR_ROLES.isdisjoint(Role(r) for r in roles))


def second_factor_is_fresh(second_factor_at, now: int) -> bool:
    """True while the last second factor of this session was entered within FRESH_SECOND_FACTOR of ``now``."""
    if not isinstance(second_factor_at, int) or isinstance(second_factor_at, bool):
        return False
    return now - second_factor_at < FRESH_SECOND_FACTOR.total_seconds()


def new_recovery_codes() -> list[str]:
    """Ten codes of ten characters, shown as two groups of five (``ABCDE-FGHJK``)."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(text: str) -> str:
    """A recovery code as typed, in the form it was hashed in: capitals, grouped, spaces and hyphens ignored."""
    raw = re.sub(r"[\s-]+", "", text or "").upper()
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == _RECOVERY_LENGTH else raw


def looks_like_totp(text: str) -> bool:
    """Six digits, spaces ignored (authenticator apps show ``123 456``)."""
    return bool(re.fullmatch(r"\d{6}", re.sub(r"\s+", "", text or "")))


def totp_digits(text: str) -> str:
    return re.sub(r"\s+", "", text or "")
