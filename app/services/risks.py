"""The risk register: reading it as at a date, and adding, editing and closing risks, each change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.domain.errors import DomainError
from app.domain.permissions import Role
from app.domain.plan import required_text
from app.domain.rag import Rag, reference_sort_key
from app.domain.risk import (
    MITIGATION,
    RISK_DESCRIPTION,
    RISK_REFERENCE,
    RISK_TITLE,
    Impact,
    Likelihood,
    mitigation_overdue,
)
from app.models import Membership, Risk, User, Workstream
from app.services import audit

RISK_FIELDS = [
    "reference",
    "title",
    "description",
    "likelihood",
    "impact",
    "mitigation",
    "mitigation_date",
    "mitigation_date_is_month",
    "owner_id",
]

# Who may own a risk: the people who work on the plan.
RISK_OWNER_ROLES = (Role.LEAD, Role.OWNER, Role.SPONSOR)

REGISTER_FILTERS = {"open": "Open risks", "closed": "Closed risks", "all": "All risks"}


@dataclass(frozen=True)
class RiskRow:
    """A risk as at a date: its computed score and rating, and whether its mitigation date has passed."""

    risk: Risk
    score: int
    rating: Rag
    mitigation_overdue: bool

    @property
    def likelihood(self) -> Likelihood:
        return Likelihood(self.risk.likelihood)

    @property
    def impact(self) -> Impact:
        return Impact(self.risk.impact)


@dataclass
class RiskRegister:
    workstream: Workstream
    as_of: date
    rows: list[RiskRow]

    @property
    def open_rows(self) -> list[RiskRow]:
        return [row for row in self.rows if not row.risk.closed]

    def shown(self, status: str) -> list[RiskRow]:
        """Rows for the register filter: ``open`` (the default), ``closed`` or ``all``."""
        if status == "all":
            return self.rows
        return [row for row in self.rows if row.risk.closed == (status == "closed")]

    def open_by_cell(self) -> dict[tuple[Impact, Likelihood], list[str]]:
        """Open risks' references by their cell of the scoring matrix, for marking the guidance grid."""
        cells: dict[tuple[Impact, Likelihood], list[str]] = {}
        for row in self.open_rows:
            cells.setdefault((row.impact, row.likelihood), []).append(row.risk.reference)
        return cells


def risk_row(risk: Risk, as_of: date) -> RiskRow:
    return RiskRow(
        risk,
        risk.score,
        risk.rating,
        mitigation_overdue(risk.mitigation_date, as_of, risk.closed),
    )


def load_register(session: Session, workstream: Workstream, as_of: date) -> RiskRegister:
    """Every risk of the workstream with its owner, in one query, in natural reference order."""
    risks = session.scalars(
        select(Risk).where(Risk.workstream_id == workstream.id).options(joinedload(Risk.owner))
    ).all()
    rows = [risk_row(r, as_of) for r in sorted(risks, key=lambda r: reference_sort_key(r.reference))]
    return RiskRegister(workstream, as_of, rows)


def possible_owners(session: Session, workstream: Workstream) -> list[User]:
    """People who may own a risk in this workstream (its leads, action owners and sponsors), by name."""
    people = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workstream_id == workstream.id, Membership.role.in_([r.value for r in RISK_OWNER_ROLES]))
        .distinct()
    ).all()
    return sorted(people, key=lambda u: u.name)


def _risk_values(session: Session, workstream: Workstream, values: dict, existing: Risk | None) -> dict:
    reference = required_text(values.get("reference"), "reference", "Enter the risk reference", RISK_REFERENCE)
    clash = session.scalar(select(Risk.id).where(Risk.workstream_id == workstream.id, Risk.reference == reference))
    if clash and (existing is None or clash != existing.id):
        raise DomainError(f"Risk reference {reference} is already used in {workstream.name}", field="reference")
    try:
        likelihood = Likelihood.parse(values.get("likelihood") or "")
    except ValueError as error:
        raise DomainError(str(error), field="likelihood") from error
    try:
        impact = Impact.parse(values.get("impact") or "")
    except ValueError as error:
        raise DomainError(str(error), field="impact") from error
    owner_id = values.get("owner_id") or None
    if owner_id is not None and not session.scalar(
        select(Membership.id).where(Membership.workstream_id == workstream.id, Membership.user_id == owner_id)
    ):
        raise DomainError(f"Select a risk owner who works on {workstream.name}", field="owner_id")
    mitigation_date: date | None = values.get("mitigation_date")
    return {
        "reference": reference,
        "title": required_text(values.get("title"), "title", "Enter the risk", RISK_TITLE),
        "description": RISK_DESCRIPTION.check(values.get("description"), "description"),
        "likelihood": likelihood.value,
        "impact": impact.value,
        "mitigation": MITIGATION.check(values.get("mitigation"), "mitigation"),
        "mitigation_date": mitigation_date,
        "mitigation_date_is_month": bool(values.get("mitigation_date_is_month")) if mitigation_date else False,
        "owner_id": owner_id,
    }


def add_risk(session: Session, actor: User | None, workstream: Workstream, values: dict) -> Risk:
    """Add a risk. Raises DomainError(field) for a duplicate reference, empty title, unknown likelihood or impact,
    an owner who is not a member of the workstream, or a text that is not plain text within its limit."""
    clean = _risk_values(session, workstream, values, None)
    risk = Risk(workstream_id=workstream.id, **clean)
    session.add(risk)
    session.flush()
    audit.record(session, actor, "risk.added", risk, after=clean)
    return risk


def update_risk(session: Session, actor: User | None, risk: Risk, values: dict) -> Risk:
    """Edit a risk; only changed fields are audited. Raises DomainError(field) as add_risk does."""
    clean = _risk_values(session, risk.workstream, values, risk)
    before, after = audit.changes(risk, RISK_FIELDS, clean)
    if after:
        audit.record(session, actor, "risk.updated", risk, before=before, after=after)
    return risk


def set_risk_closed(session: Session, actor: User | None, risk: Risk, closed: bool) -> Risk:
    """Close or reopen a risk (audited); doing what is already so changes nothing. Raises nothing."""
    if risk.closed != closed:
        risk.closed = closed
        audit.record(session, actor, "risk.closed" if closed else "risk.reopened", risk, after={"closed": closed})
    return risk


def load_risk(session: Session, risk_id: int) -> Risk | None:
    """The risk with its owner and workstream, or None."""
    return session.get(Risk, risk_id, options=[joinedload(Risk.owner), joinedload(Risk.workstream)])
