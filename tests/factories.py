"""Plain functions that make model rows for tests."""

import itertools
from datetime import date

from app.domain.permissions import Role
from app.domain.plan import reference_sort_string
from app.extensions import db
from app.models import Membership, Milestone, Programme, Risk, Section, User, Workstream
from app.services.users import hash_password

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_HASH = None


def _password_hash() -> str:
    # argon2 is slow on purpose; one hash serves every factory user.
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


def make_user(name: str | None = None, *, email: str | None = None, is_admin: bool = False) -> User:
    n = next(_counter)
    user = User(
        email=email or f"user{n}@example.org",
        name=name or f"User {n}",
        password_hash=_password_hash(),
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_programme(name: str | None = None, **thresholds) -> Programme:
    programme = Programme(
        name=name or f"Programme {next(_counter)}", council_name="Example Borough Council", **thresholds
    )
    db.session.add(programme)
    db.session.flush()
    return programme


def make_workstream(name: str | None = None, programme: Programme | None = None) -> Workstream:
    workstream = Workstream(programme=programme or make_programme(), name=name or f"Workstream {next(_counter)}")
    db.session.add(workstream)
    db.session.flush()
    return workstream


def add_member(user: User, workstream: Workstream, role: Role | str) -> User:
    db.session.add(Membership(user=user, workstream=workstream, role=Role(role).value))
    db.session.flush()
    db.session.refresh(user)
    return user


def make_member(workstream: Workstream, role: Role | str, name: str | None = None) -> User:
    return add_member(make_user(name), workstream, role)


def make_section(workstream: Workstream, number: int | None = None, title: str | None = None) -> Section:
    number = number or (max((s.number for s in workstream.sections), default=0) + 1)
    section = Section(workstream=workstream, number=number, title=title or f"Theme {number}")
    db.session.add(section)
    db.session.flush()
    return section


def make_milestone(section: Section, reference: str | None = None, **overrides) -> Milestone:
    reference = reference or f"{section.number}.{next(_counter)}"
    values = {
        "text": f"Deliver {reference}",
        "due": date(2021, 4, 30),
        "due_is_month": True,
        "owner_id": None,
    }
    values.update(overrides)
    milestone = Milestone(
        workstream_id=section.workstream_id,
        section_id=section.id,
        reference=reference,
        sort_key=reference_sort_string(reference),
        **values,
    )
    db.session.add(milestone)
    db.session.flush()
    return milestone


def make_risk(workstream: Workstream, reference: str | None = None, **overrides) -> Risk:
    values = {"title": "A risk", "likelihood": "medium", "impact": "significant"}
    values.update(overrides)
    risk = Risk(workstream_id=workstream.id, reference=reference or f"R{next(_counter)}", **values)
    db.session.add(risk)
    db.session.flush()
    return risk
