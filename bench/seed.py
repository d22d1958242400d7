"""A deterministic synthetic programme for load: workstreams × milestones with sections, owners, revised dates,
completions, pending proposals with small evidence files, risks, a board meeting and draft reports.

``python -m bench.seed [--database-url URL] [--workstreams 10] [--milestones 300]`` builds it in a database of its
own (default: SQLite in bench/.data/bench.db), migrating it first, and writes a manifest (ids, sign-ins) next to
it. Rows go in with bulk INSERTs, so 10 × 300 takes seconds. Dates are offsets from the day it runs (the pages
compute RAG as at today); everything else comes from a fixed random seed.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import json
import logging
import os
import random
import secrets
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.domain.plan import reference_sort_string
from app.models import (
    BoardMeeting,
    Evidence,
    Membership,
    Milestone,
    Programme,
    Proposal,
    Report,
    Risk,
    Section,
    SectionNarrative,
    User,
    Workstream,
)

RANDOM_SEED = 20210419
# Where the seeded database, its manifest and the results live; BENCH_DATA_DIR keeps a second one apart.
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR") or Path(__file__).resolve().parent / ".data")
EMAIL_DOMAIN = "bench.example.org"

SECTION_TITLES = [
    "Responding to inspection feedback",
    "Performance information and reporting",
    "Quality assurance and audit",
    "Workforce and caseloads",
    "Early help and front door",
    "Partnership working",
    "Systems and data quality",
    "Leadership and governance",
]
VERBS = ["Deliver", "Review", "Agree", "Publish", "Embed", "Train staff on", "Audit", "Report on", "Pilot", "Launch"]
OBJECTS = [
    "the performance dashboard",
    "the case audit framework",
    "monthly data quality checks",
    "the workforce development plan",
    "the multi-agency referral pathway",
    "the quality assurance framework",
    "caseload management reports",
    "the practice standards",
    "supervision recording in the case system",
    "the partnership data sharing agreement",
    "the early help assessment",
    "the corporate parenting scorecard",
]
TAILS = [
    "with team managers",
    "across all localities",
    "for the improvement board",
    "and agree the actions that follow",
    "with the independent reviewing service",
    "so that leaders can see trends each month",
    "",
]
COMMENTS = [
    "Awaiting evidence of completion before the action can be recorded as complete.",
    "Delayed by the system upgrade; new date agreed with the sponsor.",
    "On track; first draft shared with heads of service.",
    "Evidence required before action can be recorded as complete.",
    "Dependent on recruitment to the analyst post.",
]
RISK_TITLES = [
    "Capacity in the business intelligence team",
    "Data quality in the case management system",
    "Delays to the system upgrade",
    "Staff turnover in front-line teams",
    "Partner agencies do not share data in time",
    "Competing priorities for managers",
]
LIKELIHOODS = ["low", "medium", "high"]
IMPACTS = ["noticeable", "significant", "critical"]


@dataclass(frozen=True)
class Spec:
    workstreams: int = 10
    milestones: int = 300
    sections: int = 8
    owners: int = 20
    risks: int = 30
    seed: int = RANDOM_SEED


@dataclass
class Manifest:
    """What the runner and the tests need to know about a seeded programme."""

    password: str
    programme_id: int
    meeting_id: int
    workstream_ids: list[int]
    leads: dict[str, str]  # workstream id (as text, for JSON) → the lead's email
    owners: list[str]
    sponsor: str
    viewer: str
    admin: str
    report_ids: dict[str, int]  # workstream id → draft report for the upcoming meeting
    previous_meeting_id: int = 0  # its reports are signed off by seed_database (the board pack's meeting)
    previous_report_ids: dict[str, int] = field(default_factory=dict)
    pending: list[tuple[int, int]] = field(default_factory=list)  # (proposal id, workstream id), interleaved
    counts: dict[str, int] = field(default_factory=dict)
    database_url: str = ""
    seconds: float = 0.0

    @property
    def big_workstream_id(self) -> int:
        return self.workstream_ids[0]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text())
        data["pending"] = [tuple(pair) for pair in data["pending"]]
        return cls(**data)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


class _Rows:
    """Bulk INSERT helper: one executemany per table, ids back in parameter order."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.counts: dict[str, int] = {}

    def insert(self, model, rows: list[dict]) -> list[int]:
        if not rows:
            return []
        table = model.__table__
        result = self.conn.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        return [row[0] for row in result]


def _sentence(rng: random.Random) -> str:
    tail = rng.choice(TAILS)
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{' ' + tail if tail else ''}."


def _evidence_bytes(rng: random.Random, reference: str) -> bytes:
    words = " ".join(rng.choice(OBJECTS) for _ in range(rng.randint(8, 60)))
    return f"Evidence for milestone {reference}\n{words}\n".encode()


def populate(conn: Connection, password_hash: str, *, spec: Spec = Spec(), today: date | None = None) -> Manifest:
    """Insert the synthetic programme through ``conn`` (an empty, migrated database) and return its manifest.

    Everything but the dates (offsets from ``today``) follows from ``spec.seed``. Raises whatever the database
    raises if it already holds a programme of the same name.
    """
    rng = random.Random(spec.seed)
    today = today or date.today()
    now = datetime.now(UTC)
    rows = _Rows(conn)

    def email(kind: str, n: int | None = None) -> str:
        return f"{kind}{'' if n is None else f'{n:02d}'}@{EMAIL_DOMAIN}"

    def user(kind: str, name: str, n: int | None = None, is_admin: bool = False) -> dict:
        return {
            "email": email(kind, n),
            "name": name,
            "password_hash": password_hash,
            "is_admin": is_admin,
            "active": True,
            "created_at": now,
        }

    people = [user("admin", "Ada Admin", is_admin=True), user("sponsor", "Sam Sponsor"), user("viewer", "Vic Viewer")]
    people += [user("lead", f"Lead {n:02d}", n) for n in range(1, spec.workstreams + 1)]
    people += [user("owner", f"Owner {n:02d}", n) for n in range(1, spec.owners + 1)]
    user_ids = dict(zip([p["email"] for p in people], rows.insert(User, people), strict=True))
    owner_ids = [user_ids[email("owner", n)] for n in range(1, spec.owners + 1)]
    sponsor_id = user_ids[email("sponsor")]

    (programme_id,) = rows.insert(
        Programme,
        [
            {
                "name": "Bench Improvement Programme",
                "council_name": "Example Borough Council",
                "amber_window_days": 14,
                "red_overdue_days": 28,
                "red_overdue_share": 0.2,
            }
        ],
    )
    meeting_date = today + timedelta(days=21)
    meeting_id, previous_meeting_id = rows.insert(
        BoardMeeting,
        [
            {"programme_id": programme_id, "name": "Improvement Board", "date": meeting_date},
            {"programme_id": programme_id, "name": "Improvement Board", "date": today - timedelta(days=35)},
        ],
    )
    workstream_ids = rows.insert(
        Workstream,
        [
            {"programme_id": programme_id, "name": f"Workstream {w:02d}", "title": f"Improvement theme {w}"}
            for w in range(1, spec.workstreams + 1)
        ],
    )

    memberships = []
    for w, ws_id in enumerate(workstream_ids, start=1):
        memberships.append({"user_id": user_ids[email("lead", w)], "workstream_id": ws_id, "role": "lead"})
        memberships.append({"user_id": sponsor_id, "workstream_id": ws_id, "role": "sponsor"})
        memberships.append({"user_id": user_ids[email("viewer")], "workstream_id": ws_id, "role": "viewer"})
        memberships += [{"user_id": o, "workstream_id": ws_id, "role": "owner"} for o in owner_ids]
    rows.insert(Membership, memberships)

    pending_by_ws: list[list[int]] = []
    report_ids: dict[str, int] = {}
    before: dict[str, int] = {}
    meeting_date_before = today - timedelta(days=35)
    for w, ws_id in enumerate(workstream_ids, start=1):
        lead_id = user_ids[email("lead", w)]
        section_ids = rows.insert(
            Section,
            [
                {"workstream_id": ws_id, "number": n, "title": SECTION_TITLES[(n - 1) % len(SECTION_TITLES)]}
                for n in range(1, spec.sections + 1)
            ],
        )
        milestones, plans = _milestones(rng, spec, ws_id, section_ids, owner_ids, today, now)
        milestone_ids = rows.insert(Milestone, milestones)
        proposals, evidence_for = [], []
        for milestone_id, milestone, plan in zip(milestone_ids, milestones, plans, strict=True):
            for proposal in plan:
                proposal.update(milestone_id=milestone_id, created_at=now, updated_at=now, version=1)
                if proposal["state"] != "pending":
                    proposal.update(decided_by_id=lead_id, decided_at=now, decided_version=1)
                proposals.append(proposal)
                evidence_for.append(milestone["reference"] if proposal["kind"] == "completion" else None)
        proposal_ids = rows.insert(Proposal, proposals)
        evidence = []
        for proposal_id, proposal, reference in zip(proposal_ids, proposals, evidence_for, strict=True):
            if reference is None:
                continue
            content = _evidence_bytes(rng, reference)
            evidence.append(
                {
                    "proposal_id": proposal_id,
                    "proposal_version": 1,
                    "kind": "file",
                    "filename": f"evidence-{reference}.txt",
                    "media_type": "text/plain",
                    "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "content": content,
                    "url": "",
                    "note": "",
                    "uploaded_by_id": proposal["proposed_by_id"],
                    "created_at": now,
                }
            )
        rows.insert(Evidence, evidence)
        pending_by_ws.append([pid for pid, p in zip(proposal_ids, proposals, strict=True) if p["state"] == "pending"])
        rows.insert(Risk, _risks(rng, spec, ws_id, owner_ids, today, now))
        for meeting, day, ids in ((meeting_id, today, report_ids), (previous_meeting_id, meeting_date_before, before)):
            (report_id,) = rows.insert(Report, [_report(ws_id, meeting, lead_id, day, now)])
            ids[str(ws_id)] = report_id
            rows.insert(
                SectionNarrative,
                [
                    {
                        "report_id": report_id,
                        "section_id": section_id,
                        "barriers": "Capacity in the team while the system upgrade completes.",
                        "action_required": "None from the board this period.",
                        "progress": " ".join(_sentence(rng) for _ in range(3)),
                        "next_activity": " ".join(_sentence(rng) for _ in range(2)),
                    }
                    for section_id in section_ids
                ],
            )

    # Interleave the workstreams' pending proposals so any slice of them spreads over every lead.
    pending = []
    for i in range(max(len(p) for p in pending_by_ws)):
        pending += [(ids[i], ws_id) for ws_id, ids in zip(workstream_ids, pending_by_ws, strict=True) if i < len(ids)]
    return Manifest(
        password="",
        programme_id=programme_id,
        meeting_id=meeting_id,
        workstream_ids=workstream_ids,
        leads={str(ws_id): email("lead", w) for w, ws_id in enumerate(workstream_ids, start=1)},
        owners=[email("owner", n) for n in range(1, spec.owners + 1)],
        sponsor=email("sponsor"),
        viewer=email("viewer"),
        admin=email("admin"),
        report_ids=report_ids,
        previous_meeting_id=previous_meeting_id,
        previous_report_ids=before,
        pending=pending,
        counts=rows.counts,
    )


def _report(workstream_id: int, meeting_id: int, lead_id: int, day: date, now: datetime) -> dict:
    """A draft report whose periods end in ``day``'s month."""
    return {
        "workstream_id": workstream_id,
        "meeting_id": meeting_id,
        "state": "draft",
        "period_from": _month_end(day - timedelta(days=60)),
        "period_from_is_month": True,
        "period_to": _month_end(day),
        "period_to_is_month": True,
        "next_from": _month_end(day + timedelta(days=31)),
        "next_from_is_month": True,
        "next_to": _month_end(day + timedelta(days=92)),
        "next_to_is_month": True,
        "introduction": "This report summarises progress against the workstream's action plan.",
        "completed_by_id": lead_id,
        "rag_reason": "",
        "override_justification": "",
        "returned_comments": "",
        "created_at": now,
        "updated_at": now,
    }


def _milestones(rng, spec: Spec, ws_id, section_ids, owner_ids, today: date, now) -> tuple[list[dict], list[list]]:
    """Milestone rows and, for each, the proposals behind it (approved history and at most one pending)."""
    milestones, plans = [], []
    base, extra = divmod(spec.milestones, spec.sections)
    per_section = [base + (i < extra) for i in range(spec.sections)]
    for number, (section_id, count) in enumerate(zip(section_ids, per_section, strict=True), start=1):
        for n in range(1, count + 1):
            reference = f"{number}.{n}"
            owner_id = rng.choice(owner_ids)
            due_is_month = rng.random() < 0.4
            due = today + timedelta(days=rng.randint(-300, 360))
            if due_is_month:
                due = _month_end(due)
            row = {
                "workstream_id": ws_id,
                "section_id": section_id,
                "reference": reference,
                "sort_key": reference_sort_string(reference),
                "text": _sentence(rng),
                "owner_id": owner_id,
                "due": due,
                "due_is_month": due_is_month,
                "revised_due": None,
                "revised_due_is_month": False,
                "completed_on": None,
                "completed_on_is_month": False,
                "comments": rng.choice(COMMENTS) if rng.random() < 0.3 else "",
                "removed": False,
                "removed_reason": "",
                "created_at": now,
                "updated_at": now,
            }
            plan = []
            roll = rng.random()
            if roll < 0.02:
                row.update(removed=True, removed_reason="No longer needed after the service redesign.")
                plan.append(_proposal("removal", "approved", owner_id, reason=row["removed_reason"]))
            elif due < today and roll < 0.55:
                completed = min(today - timedelta(days=1), due + timedelta(days=rng.randint(-20, 25)))
                row.update(completed_on=completed)
                plan.append(_proposal("completion", "approved", owner_id, completion_date=completed, note="Done"))
            else:
                if rng.random() < 0.2:
                    revised = _month_end(due + timedelta(days=rng.randint(20, 150)))
                    row.update(revised_due=revised, revised_due_is_month=True)
                    plan.append(_proposal("date_change", "approved", owner_id, new_due=revised, new_due_is_month=True))
                if rng.random() < 0.05:
                    plan.append(_proposal("completion", "rejected", owner_id, completion_date=today, note="Done"))
                pending = rng.random()
                if pending < 0.35:
                    plan.append(_proposal("completion", "pending", owner_id, completion_date=today, note="Done"))
                elif pending < 0.45:
                    new_due = _month_end((row["revised_due"] or due) + timedelta(days=rng.randint(20, 120)))
                    plan.append(_proposal("date_change", "pending", owner_id, new_due=new_due, new_due_is_month=True))
            milestones.append(row)
            plans.append(plan)
    return milestones, plans


def _proposal(kind: str, state: str, proposed_by_id: int, **values) -> dict:
    row = {
        "kind": kind,
        "state": state,
        "proposed_by_id": proposed_by_id,
        "completion_date": None,
        "completion_is_month": False,
        "new_due": None,
        "new_due_is_month": False,
        "reason": "Delayed by the system upgrade." if kind == "date_change" else "",
        "note": "",
        "imported": False,
        "decided_by_id": None,
        "decided_at": None,
        "decided_version": None,
        "decision_reason": "Not enough evidence yet." if state == "rejected" else "",
    }
    row.update(values)
    return row


def _risks(rng, spec: Spec, ws_id, owner_ids, today: date, now) -> list[dict]:
    return [
        {
            "workstream_id": ws_id,
            "reference": f"R{n:02d}",
            "title": rng.choice(RISK_TITLES),
            "description": "If this happens, milestones slip and the board loses sight of performance.",
            "likelihood": rng.choice(LIKELIHOODS),
            "impact": rng.choice(IMPACTS),
            "mitigation": "Weekly review with the sponsor; agency cover agreed.",
            "mitigation_date": _month_end(today + timedelta(days=rng.randint(0, 180))),
            "mitigation_date_is_month": True,
            "owner_id": rng.choice(owner_ids),
            "closed": rng.random() < 0.2,
            "created_at": now,
        }
        for n in range(1, spec.risks + 1)
    ]


def default_database_url() -> str:
    return f"sqlite:///{DATA_DIR / 'bench.db'}"


def reset_database(url: str) -> str:
    """Drop and recreate the bench database (a SQLite file, or a PostgreSQL database), then migrate it.

    Returns the SQLAlchemy URL with the psycopg driver named.
    """
    from flask_migrate import upgrade

    url_obj = sa.engine.make_url(url)
    if url_obj.drivername in ("postgres", "postgresql"):
        url_obj = url_obj.set(drivername="postgresql+psycopg")
    if url_obj.get_backend_name() == "sqlite":
        path = Path(url_obj.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        admin = sa.create_engine(url_obj.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url_obj.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{url_obj.database}"'))
        admin.dispose()
    url = url_obj.render_as_string(hide_password=False)
    with _app_context(url):
        upgrade(revision="heads")
    return url


@contextmanager
def _app_context(url: str):
    from app import create_app
    from app.config import Config
    from app.extensions import db

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    config = Config(instance_dir=DATA_DIR / "instance")
    config.SQLALCHEMY_DATABASE_URI = url
    # The jobs signing off queues (the papers' files) are not run here: the bench measures drawing them.
    config.TESTING = True
    app = create_app(config)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        yield db.session
        db.session.remove()
        db.engine.dispose()


def sign_off_previous_reports(session: Session, manifest: Manifest, today: date) -> int:
    """Submit and sign off the previous meeting's reports through the report service: the board pack's input.

    Returns how many were signed off (none while the app has no report service).
    """
    try:
        from app.services.reports import sign_off_report, submit_report
    except ImportError:
        return 0
    meeting = session.get(BoardMeeting, manifest.previous_meeting_id)
    submitted = datetime.combine(meeting.date - timedelta(days=3), datetime.min.time(), tzinfo=UTC)
    sponsor = session.scalar(sa.select(User).where(User.email == manifest.sponsor))
    for workstream_id, report_id in manifest.previous_report_ids.items():
        lead = session.scalar(sa.select(User).where(User.email == manifest.leads[workstream_id]))
        report = session.get(Report, report_id)
        snapshot = submit_report(session, lead, report, now=submitted)
        sign_off_report(session, sponsor, report, snapshot.id, now=submitted + timedelta(days=1))
    session.commit()
    return len(manifest.previous_report_ids)


def _drop_queued_jobs(session: Session) -> None:
    """The papers' files queued by the sign-offs are left to the board pack job the bench measures (PostgreSQL
    keeps them in its queue; the in-process queue of this seeding process goes with it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("DELETE FROM procrastinate_jobs"))
        session.commit()


def seed_database(url: str, spec: Spec = Spec(), today: date | None = None) -> Manifest:
    """Reset, migrate and fill the database at ``url``; write and return the manifest."""
    from app.services.users import hash_password

    started = time.perf_counter()
    url = reset_database(url)
    password = secrets.token_urlsafe(12)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        manifest = populate(conn, hash_password(password), spec=spec, today=today)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    with _app_context(url) as session:
        manifest.counts["signed_off_reports"] = sign_off_previous_reports(session, manifest, today or date.today())
        _drop_queued_jobs(session)
    manifest.password = password
    manifest.database_url = url
    manifest.seconds = round(time.perf_counter() - started, 2)
    manifest.save(DATA_DIR / "manifest.json")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=default_database_url())
    parser.add_argument("--workstreams", type=int, default=Spec.workstreams)
    parser.add_argument("--milestones", type=int, default=Spec.milestones)
    args = parser.parse_args()
    manifest = seed_database(args.database_url, Spec(workstreams=args.workstreams, milestones=args.milestones))
    counts = ", ".join(f"{n} {table}" for table, n in manifest.counts.items())
    print(f"Seeded {counts} in {manifest.seconds} s")
    print(f"Manifest: {DATA_DIR / 'manifest.json'} (sign in as {manifest.leads[str(manifest.big_workstream_id)]})")


if __name__ == "__main__":
    main()
