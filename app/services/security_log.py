"""Reading the security log: its events, filtered and a page at a time, or all of them as CSV."""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from app.domain.security_log import SECURITY_EVENTS, event_label
from app.models import AuditEvent, User

PAGE_SIZE = 50
CSV_COLUMNS = ["time (UTC)", "event", "account", "by", "address", "details"]


@dataclass(frozen=True)
class LogFilter:
    event: str = ""  # one action of SECURITY_EVENTS, or "" for every one
    person: str = ""  # part of the account's or the actor's email address
    since: date | None = None
    until: date | None = None  # inclusive


def _query(log_filter: LogFilter) -> Select:
    subject, actor = aliased(User), aliased(User)
    query = (
        select(AuditEvent)
        .outerjoin(subject, and_(AuditEvent.object_type == "user", AuditEvent.object_id == subject.id))
        .outerjoin(actor, AuditEvent.actor_id == actor.id)
        .where(AuditEvent.action.in_(list(SECURITY_EVENTS)))
    )
    if log_filter.event in SECURITY_EVENTS:
        query = query.where(AuditEvent.action == log_filter.event)
    if log_filter.person:
        needle = f"%{log_filter.person.strip().lower()}%"
        query = query.where(or_(func.lower(subject.email).like(needle), func.lower(actor.email).like(needle)))
    if log_filter.since:
        query = query.where(AuditEvent.at >= datetime.combine(log_filter.since, time(), UTC))
    if log_filter.until:
        query = query.where(AuditEvent.at < datetime.combine(log_filter.until + timedelta(days=1), time(), UTC))
    return query


@dataclass(frozen=True)
class Row:
    at: datetime
    action: str
    label: str
    account: str
    actor: str
    address: str
    details: str


def _row(event: AuditEvent, accounts: dict[int, str]) -> Row:
    after = json.loads(event.after) if event.after else {}
    after = after if isinstance(after, dict) else {}
    account = after.pop("email", None) or accounts.get(event.object_id or 0, "")
    address = after.pop("address", "") or ""
    details = "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in sorted(after.items()))
    return Row(
        at=event.at,
        action=event.action,
        label=event_label(event.action),
        account=account,
        actor=event.actor.email if event.actor else "",
        address=address,
        details=details or event.summary,
    )


def _rows(session: Session, events: list[AuditEvent]) -> list[Row]:
    ids = {e.object_id for e in events if e.object_type == "user" and e.object_id}
    accounts = dict(session.execute(select(User.id, User.email).where(User.id.in_(ids))).all()) if ids else {}
    return [_row(event, accounts) for event in events]


def page(session: Session, log_filter: LogFilter, number: int) -> tuple[list[Row], int]:
    """One page (from 1) of the matching events, newest first, and how many match in all."""
    query = _query(log_filter)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    events = session.scalars(
        query.options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(number, 1) - 1) * PAGE_SIZE)
    ).all()
    return _rows(session, list(events)), total


def csv_lines(session: Session, log_filter: LogFilter, batch: int = 500) -> Iterator[str]:
    """Every matching event as CSV (a header, then oldest first), a batch of rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    yield out.getvalue()
    last_id = 0
    while True:
        events = session.scalars(
            _query(log_filter)
            .where(AuditEvent.id > last_id)
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.id)
            .limit(batch)
        ).all()
        if not events:
            return
        last_id = events[-1].id
        out = io.StringIO()
        writer = csv.writer(out)
        for row in _rows(session, list(events)):
            writer.writerow(
                [_cell(v) for v in (row.at.isoformat(), row.label, row.account, row.actor, row.address, row.details)]
            )
        yield out.getvalue()


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (an email address or detail starting = + - @)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
