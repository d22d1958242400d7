"""Writing the append-only audit trail."""

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, joinedload

from app.models import AuditEvent, User


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    return value


def dump(values: dict | None) -> str | None:
    if values is None:
        return None
    return json.dumps({k: _jsonable(v) for k, v in values.items()}, sort_keys=True, ensure_ascii=False)


def record(
    session: Session,
    actor: User | None,
    action: str,
    obj,
    *,
    workstream_id: int | None = None,
    milestone_id: int | None = None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add one audit event for ``obj`` (a model instance, flushed so it has an id)."""
    if getattr(obj, "id", None) is None:
        session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.id,
        workstream_id=workstream_id if workstream_id is not None else getattr(obj, "workstream_id", None),
        milestone_id=milestone_id,
        summary=summary,
        before=dump(before),
        after=dump(after),
    )
    session.add(event)
    return event


def changes(obj, fields: list[str], new_values: dict) -> tuple[dict, dict]:
    """Apply ``new_values`` to ``obj`` and return (before, after) for the fields that changed."""
    before, after = {}, {}
    for field in fields:
        if field not in new_values:
            continue
        old, new = getattr(obj, field), new_values[field]
        if old != new:
            before[field], after[field] = old, new
            setattr(obj, field, new)
    return before, after


def record_security(
    session: Session,
    action: str,
    *,
    user: User | None = None,
    actor: User | None = None,
    summary: str = "",
    **details,
) -> AuditEvent:
    """Add one event of the security log (sign-ins, failures, second factors, single sign-on, invitations, resets)
    about ``user``'s account, or about no account (a failure at an address no account has). ``details`` (the
    client's address, the sign-in method, a reason) are kept as JSON with the account's email address."""
    if user is not None and user.id is None:
        session.flush()
    after = {"email": user.email} if user is not None else {}
    after.update({key: value for key, value in details.items() if value is not None})
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type="user",
        object_id=user.id if user is not None else None,
        summary=summary,
        after=dump(after),
    )
    session.add(event)
    return event


def history(session: Session, *objects: tuple[str, list[int]], newest_first: bool = False) -> list[AuditEvent]:
    """The audit events of the objects given as ``(object_type, ids)``, with their actors, oldest first (or
    newest first)."""
    wanted = [and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(ids)) for kind, ids in objects if ids]
    if not wanted:
        return []
    order = (AuditEvent.at.desc(), AuditEvent.id.desc()) if newest_first else (AuditEvent.at, AuditEvent.id)
    statement = select(AuditEvent).where(or_(*wanted)).options(joinedload(AuditEvent.actor)).order_by(*order)
    return list(session.scalars(statement))


def workstream_events(workstream_id: int) -> Select:
    """Every audit event of a workstream, newest first, with its actor: the statement a page paginates."""
    return (
        select(AuditEvent)
        .where(AuditEvent.workstream_id == workstream_id)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
