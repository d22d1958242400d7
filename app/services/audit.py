"""Writing the append-only audit trail."""

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy.orm import Session

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
