"""The risk register: adding, editing and closing risks, each change audited."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.domain.plan import required_text
from app.domain.risk import Impact, Likelihood
from app.models import Risk, User, Workstream
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


def _risk_values(session: Session, workstream: Workstream, values: dict, existing: Risk | None) -> dict:
    reference = required_text(values.get("reference"), "reference", "Enter the risk reference")
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
    mitigation_date: date | None = values.get("mitigation_date")
    return {
        "reference": reference,
        "title": required_text(values.get("title"), "title", "Enter the risk"),
        "description": (values.get("description") or "").strip(),
        "likelihood": likelihood.value,
        "impact": impact.value,
        "mitigation": (values.get("mitigation") or "").strip(),
        "mitigation_date": mitigation_date,
        "mitigation_date_is_month": bool(values.get("mitigation_date_is_month")) if mitigation_date else False,
        "owner_id": values.get("owner_id"),
    }


def add_risk(session: Session, actor: User | None, workstream: Workstream, values: dict) -> Risk:
    """Add a risk. Raises DomainError(field) for a duplicate reference, empty title, unknown likelihood or impact."""
    clean = _risk_values(session, workstream, values, None)
    risk = Risk(workstream_id=workstream.id, **clean)
    session.add(risk)
    session.flush()
    audit.record(session, actor, "risk.added", risk, after=clean)
    return risk


def update_risk(session: Session, actor: User, risk: Risk, values: dict) -> Risk:
    clean = _risk_values(session, risk.workstream, values, risk)
    before, after = audit.changes(risk, RISK_FIELDS, clean)
    if after:
        audit.record(session, actor, "risk.updated", risk, before=before, after=after)
    return risk


def set_risk_closed(session: Session, actor: User, risk: Risk, closed: bool) -> Risk:
    if risk.closed != closed:
        risk.closed = closed
        audit.record(session, actor, "risk.closed" if closed else "risk.reopened", risk, after={"closed": closed})
    return risk
