"""Second-factor secrets sealed at rest: the TOTP secret in use and the one being set up are kept in ``users`` as
Fernet tokens (AES-128-CBC with an HMAC-SHA256), under a key that is not in the database (``TOTP_ENCRYPTION_KEY``).
Anyone who reads a backup or a replica holds tokens, not the secrets that make every user's codes.

This module is the one place a secret is sealed or opened: the columns' type (``SealedSecret``) seals every value
written and opens every value read, the migration that sealed the existing ones calls ``seal`` and ``unseal``, and
``reseal`` moves every token to the newest key. The setting is a list of keys, newest first, comma-separated:
each opens, the first seals.

A token no key opens (a wrong or missing key, a value altered) is read as ``Unreadable``, never as no secret: the
account still has its second factor, its codes are refused, and writing the row back keeps the token as it was.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Connection, Text, or_, select, table, update
from sqlalchemy.sql import column
from sqlalchemy.types import TypeDecorator

SETTING = "TOTP_ENCRYPTION_KEY"
SEALED_COLUMNS = ("totp_secret", "totp_new_secret")


class Unreadable:
    """A sealed secret that no key in the setting opens. Truthy and not None, so no check of "has a second
    factor" mistakes it for none."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return "<Unreadable second-factor secret>"


def new_key() -> str:
    return Fernet.generate_key().decode()


@lru_cache(maxsize=8)
def cipher(keys: str) -> MultiFernet:
    """The keys of a setting (newest first, comma-separated) as one cipher. Raises ValueError naming the setting
    and the key's place in the list (never the key) when one is not a Fernet key."""
    parts = [part.strip() for part in keys.split(",")]
    if not any(parts):
        raise ValueError(f"{SETTING} is not set: it needs at least one key")
    fernets = []
    for place, part in enumerate(parts, start=1):
        try:
            fernets.append(Fernet(part))
        except ValueError:
            raise ValueError(
                f"{SETTING}: key {place} of {len(parts)} is not a Fernet key (32 bytes in url-safe base64, "
                "44 characters); keys are separated by commas, newest first"
            ) from None
    return MultiFernet(fernets)


def seal(secret: str, keys: str) -> str:
    """``secret`` as a token under the first key."""
    return cipher(keys).encrypt(secret.encode()).decode()


def unseal(token: str, keys: str) -> str | Unreadable:
    """The secret in ``token``, opened with whichever key sealed it; Unreadable when none does."""
    try:
        return cipher(keys).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return Unreadable(token)


def _configured_keys() -> str:
    return current_app.config.get(SETTING) or ""


class SealedSecret(TypeDecorator):
    """A secret kept as a token: sealed as it is written, opened as it is read, with the app's keys."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, Unreadable):
            return value.token  # written back as it was read
        return seal(value, _configured_keys())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return unseal(value, _configured_keys())


def reseal(connection: Connection, keys: str) -> tuple[int, int]:
    """Seal every secret again under the newest key, so that older keys can leave the setting. Returns how many
    secrets were sealed again and how many no key opens (left as they are)."""
    users = table("users", column("id"), *(column(name, Text) for name in SEALED_COLUMNS))
    resealed = unreadable = 0
    holding = or_(*(users.c[name].is_not(None) for name in SEALED_COLUMNS))
    for row in connection.execute(select(users).where(holding)).all():
        values = {}
        for name in SEALED_COLUMNS:
            token = getattr(row, name)
            if token is None:
                continue
            try:
                values[name] = cipher(keys).rotate(token.encode()).decode()
            except InvalidToken:
                unreadable += 1
            else:
                resealed += 1
        if values:
            connection.execute(update(users).where(users.c.id == row.id).values(**values))
    return resealed, unreadable
