"""The second factor of a local account: a TOTP authenticator app (RFC 6238, pyotp), ten single-use recovery
codes, and browsers remembered for at most 30 days.

A code is accepted for the current 30-second step or one either side (clock drift), and only for a step later
than the last accepted one: a code seen over someone's shoulder, or replayed, does not work a second time. The
step is recorded by a conditional UPDATE, so two requests racing with one code cannot both pass. Recovery codes
are hashed with argon2id like passwords and used up by a conditional UPDATE too.

The secrets are sealed in the database (app/models/sealed.py). One that no configured key opens is Unreadable: its
codes are never accepted (SecretUnreadable says why), recovery codes still work, and an admin's reset removes it.
"""

import hmac
import json
import secrets
import time
from datetime import datetime

import pyotp
import segno
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.domain.accounts import (
    REMEMBER_DEVICE_FOR,
    looks_like_totp,
    new_recovery_codes,
    normalise_recovery_code,
    token_hash,
    totp_digits,
)
from app.domain.errors import DomainError
from app.models import HeldForm, RecoveryCode, RememberedDevice, User
from app.models._base import utcnow
from app.models.sealed import Unreadable
from app.services import audit, users
from app.services.dml import rows_changed

clock = time.time  # tests move it
APP_NAME = "Highlight"
_DRIFT_STEPS = 1


class SecretUnreadable(DomainError):
    """The account's authenticator secret does not open with this server's TOTP_ENCRYPTION_KEY: no code can be
    checked until the key is put right or an admin removes the second factor."""

    def __init__(self) -> None:
        super().__init__(
            "Codes from your authenticator app cannot be checked at the moment. Contact an administrator, who can "
            "remove your second factor so that you can set it up again. A recovery code still works",
            field="code",
        )


def _readable(secret: str | Unreadable | None) -> str | None:
    return secret if isinstance(secret, str) else None


def begin_set_up(user: User) -> str:
    """The secret being set up for ``user`` (made once, kept until its first code is entered; made again if the one
    kept does not open with this server's key)."""
    secret = _readable(user.totp_new_secret)
    if secret is None:
        secret = user.totp_new_secret = pyotp.random_base32()
    return secret


def provisioning_uri(user: User, secret: str, issuer: str = APP_NAME) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code(uri: str) -> str:
    """The ``otpauth://`` address as a QR code: an SVG data URI for an <img> (no inline script or style)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c", light="#ffffff")


def _step(secret: str | None, code: str, now: float) -> int | None:
    """The time step whose code ``code`` is (now or one step either side), or None."""
    if not secret or not looks_like_totp(code):
        return None
    totp, digits = pyotp.TOTP(secret), totp_digits(code)
    for offset in range(-_DRIFT_STEPS, _DRIFT_STEPS + 1):
        at = now + offset * totp.interval
        if hmac.compare_digest(totp.at(at), digits):
            return int(at) // totp.interval
    return None


def confirm_set_up(session: Session, user: User, code: str) -> list[str]:
    """Make the secret being set up the user's second factor once ``code`` from it is right; returns ten new
    recovery codes (shown once). Browsers remembered for an earlier factor are forgotten.

    Raises DomainError(field="code") for a wrong code.
    """
    step = _step(_readable(user.totp_new_secret), code, clock())
    if step is None:
        raise DomainError("Enter the 6-digit code your authenticator app shows now", field="code")
    replacing = user.totp_secret is not None
    user.totp_secret, user.totp_new_secret = user.totp_new_secret, None
    user.totp_last_step, user.totp_set_up_at = step, utcnow()
    users.forget_devices(session, user)
    codes = _new_codes(session, user)
    audit.record_security(session, "second_factor.set_up", user=user, actor=user, replaced=replacing)
    return codes


def _new_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = new_recovery_codes()
    session.add_all(RecoveryCode(user_id=user.id, code_hash=users.hash_password(code)) for code in codes)
    return codes


def renew_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    codes = _new_codes(session, user)
    audit.record_security(session, "second_factor.recovery_codes_renewed", user=user, actor=user)
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    return session.execute(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def verify(session: Session, user: User, text: str) -> str | None:
    """Check a code from the authenticator app or a recovery code: "totp" or "recovery_code" when it is right
    (and now used), None otherwise. Raises SecretUnreadable for an app's code when the secret does not open."""
    if user.totp_secret is None:
        return None
    if looks_like_totp(text):
        if isinstance(user.totp_secret, Unreadable):
            raise SecretUnreadable()
        step = _step(user.totp_secret, text, clock())
        if step is None:
            return None
        accepted = rows_changed(
            session,
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False),
        )
        return "totp" if accepted == 1 else None
    code = normalise_recovery_code(text)
    unused = session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for recovery in unused:
        if users.verify_password(recovery.code_hash, code):
            used = rows_changed(
                session,
                update(RecoveryCode)
                .where(RecoveryCode.id == recovery.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
                .execution_options(synchronize_session=False),
            )
            return "recovery_code" if used == 1 else None
    return None


def reset(session: Session, actor: User, user: User) -> None:
    """An admin removes a user's second factor (a lost phone and codes): codes and remembered browsers go, every
    session ends, and the user sets one up again at their next sign-in when it is required of them."""
    user.totp_secret = user.totp_new_secret = None
    user.totp_last_step = user.totp_set_up_at = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    users.forget_devices(session, user)
    user.end_sessions()
    audit.record_security(session, "second_factor.reset", user=user, actor=actor)


# Remembered browsers -------------------------------------------------------------------------------------------

DEVICE_COOKIE = "highlight_device"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="remembered-device")


def remember_device(session: Session, user: User, secret_key: str) -> str:
    """Remember this browser for REMEMBER_DEVICE_FOR; returns the signed cookie value that names it."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    device = RememberedDevice(
        user_id=user.id, token_hash=token_hash(token), created_at=now, expires_at=now + REMEMBER_DEVICE_FOR
    )
    session.add(device)
    session.flush()
    audit.record_security(session, "second_factor.device_remembered", user=user, actor=user)
    return _serializer(secret_key).dumps([user.id, device.id, token])


def remembered_at(session: Session, user: User, cookie: str | None, secret_key: str) -> datetime | None:
    """When the second factor was entered on this browser, if the cookie remembers it for ``user`` and it has not
    expired; else None."""
    if not cookie:
        return None
    try:
        user_id, device_id, token = _serializer(secret_key).loads(
            cookie, max_age=int(REMEMBER_DEVICE_FOR.total_seconds())
        )
    except (BadSignature, ValueError, TypeError):
        return None
    if user_id != user.id or not isinstance(device_id, int) or not isinstance(token, str):
        return None
    device = session.get(RememberedDevice, device_id)
    if device is None or device.user_id != user.id or device.expires_at <= utcnow():
        return None
    if not hmac.compare_digest(device.token_hash, token_hash(token)):
        return None
    return device.created_at


def forget_devices(session: Session, user: User) -> None:
    if users.forget_devices(session, user):
        audit.record_security(session, "second_factor.devices_forgotten", user=user, actor=user)


# Forms held while their poster enters the second factor again -------------------------------------------------

HOLD_FOR_SECONDS = 3600


def hold_form(session: Session, user: User, path: str, fields: dict[str, str]) -> None:
    """Keep what ``user`` posted for the confirmation page at ``path`` (replacing an earlier one for it)."""
    session.execute(delete(HeldForm).where(HeldForm.user_id == user.id, HeldForm.path == path))
    session.add(HeldForm(user_id=user.id, path=path, fields=json.dumps(fields)))


def take_held_form(session: Session, user: User, path: str) -> dict[str, str] | None:
    """What ``user`` posted for ``path`` within the last hour, once: it is forgotten as it is read."""
    held = session.scalar(
        select(HeldForm).where(HeldForm.user_id == user.id, HeldForm.path == path).order_by(HeldForm.id.desc())
    )
    if held is None:
        return None
    session.execute(delete(HeldForm).where(HeldForm.user_id == user.id, HeldForm.path == path))
    if (utcnow() - held.created_at).total_seconds() > HOLD_FOR_SECONDS:
        return None
    fields = json.loads(held.fields)
    return fields if isinstance(fields, dict) else None
