"""Administration: programmes, thresholds, workstreams and board meetings."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.domain.errors import DomainError
from app.domain.plan import (
    COUNCIL_NAME,
    MEETING_NAME,
    PROGRAMME_NAME,
    WORKSTREAM_NAME,
    WORKSTREAM_TITLE,
    required_text,
)
from app.domain.rag import Thresholds
from app.models import BoardMeeting, Membership, Programme, User, Workstream
from app.services import audit


def get_or_create_programme(session: Session, actor: User | None, name: str, council_name: str = "") -> Programme:
    """The programme of that name, made if there is none. Raises DomainError for an empty name, or a name that is
    not plain text within its limit."""
    name = required_text(name, "programme", "Enter the programme name", PROGRAMME_NAME)
    programme = session.scalar(select(Programme).where(Programme.name == name))
    if programme is None:
        programme = Programme(name=name)
        programme.council_name = COUNCIL_NAME.check(council_name, "council_name")
        session.add(programme)
        session.flush()
        audit.record(session, actor, "programme.created", programme, after={"name": name})
    return programme


def create_workstream(
    session: Session, actor: User | None, programme: Programme, name: str, title: str = ""
) -> Workstream:
    """Raises DomainError(field) if the programme already has a workstream of that name, or for a name or title
    that is not plain text within its limit."""
    name = required_text(name, "name", "Enter the workstream name", WORKSTREAM_NAME)
    title = WORKSTREAM_TITLE.check(title, "title")
    if session.scalar(select(Workstream.id).where(Workstream.programme_id == programme.id, Workstream.name == name)):
        raise DomainError(f"{programme.name} already has a workstream called {name}", field="name")
    workstream = Workstream(programme_id=programme.id, name=name, title=title)
    session.add(workstream)
    session.flush()
    audit.record(session, actor, "workstream.created", workstream, workstream_id=workstream.id, after={"name": name})
    return workstream


def update_thresholds(session: Session, actor: User, programme: Programme, thresholds: Thresholds) -> None:
    """Raises DomainError(field) for out-of-range thresholds; nothing is changed then."""
    thresholds.validate()
    before, after = audit.changes(
        programme,
        ["amber_window_days", "red_overdue_days", "red_overdue_share"],
        {
            "amber_window_days": thresholds.amber_window_days,
            "red_overdue_days": thresholds.red_overdue_days,
            "red_overdue_share": thresholds.red_overdue_share,
        },
    )
    if after:
        audit.record(session, actor, "programme.thresholds_changed", programme, before=before, after=after)


def add_meeting(session: Session, actor: User | None, programme: Programme, name: str, when: date) -> BoardMeeting:
    """Add a board meeting. Raises DomainError(field) for an empty or over-long name, no date, or a meeting that is
    already there."""
    name = required_text(name, "name", "Enter the meeting name", MEETING_NAME)
    if when is None:
        raise DomainError("Enter the meeting date", field="date")
    if session.scalar(
        select(BoardMeeting.id).where(
            BoardMeeting.programme_id == programme.id, BoardMeeting.name == name, BoardMeeting.date == when
        )
    ):
        raise DomainError(f"{name} on {when:%d %B %Y} already exists", field="date")
    meeting = BoardMeeting(programme_id=programme.id, name=name, date=when)
    session.add(meeting)
    session.flush()
    audit.record(session, actor, "meeting.added", meeting, after={"name": name, "date": when})
    return meeting


def programmes(session: Session) -> list[Programme]:
    """Every programme by name, with its workstreams."""
    return list(
        session.scalars(select(Programme).options(selectinload(Programme.workstreams)).order_by(Programme.name))
    )


def meetings(session: Session) -> list[BoardMeeting]:
    """Every board meeting, the latest first."""
    return list(session.scalars(select(BoardMeeting).order_by(BoardMeeting.date.desc())))


def people(session: Session) -> list[User]:
    """Every user by name, with their memberships and the workstream of each."""
    return list(
        session.scalars(
            select(User).options(selectinload(User.memberships).joinedload(Membership.workstream)).order_by(User.name)
        )
    )


def programme_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every programme, by name: a form's choices."""
    return [(p.id, p.name) for p in session.scalars(select(Programme).order_by(Programme.name))]


def workstream_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "programme: workstream") of every workstream, by name: a form's choices."""
    statement = select(Workstream).options(joinedload(Workstream.programme)).order_by(Workstream.name)
    return [(w.id, f"{w.programme.name}: {w.name}") for w in session.scalars(statement)]


def programme_workstream_ids(session: Session, programme_id: int) -> set[int]:
    """The ids of the programme's workstreams."""
    return set(session.scalars(select(Workstream.id).where(Workstream.programme_id == programme_id)))
