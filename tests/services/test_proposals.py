"""The proposals service on its own: nothing stored for a bad file, the unique index as a clear message, and the
reminder emails."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.errors import DomainError
from app.domain.proposals import DuplicatePending, Kind
from app.models import AuditEvent, Evidence, OutboxEmail, Proposal
from app.services import proposals as service
from tests.evidence_corpus import HOSTILE, LIMIT, PDF
from tests.factories import make_member, make_milestone, make_section, make_workstream

TODAY = date(2030, 3, 20)


@pytest.fixture
def plan(db):
    workstream = make_workstream("Gamma")
    owner = make_member(workstream, "owner", "Olu Owner")
    lead = make_member(workstream, "lead", "Lee Lead")
    section = make_section(workstream, 1)
    milestone = make_milestone(section, "1.1", owner_id=owner.id, due=date(2030, 3, 31), due_is_month=True)
    db.session.commit()
    return workstream, owner, lead, milestone


def _counts(db) -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count(m.id))) for m in (Proposal, Evidence, AuditEvent))


def _completion(**overrides) -> service.ProposalInput:
    values = {"completion_date": date(2030, 3, 1), "note": "Delivered", "links": ""}
    values.update(overrides)
    return service.ProposalInput(**values)


# The first hostile file of each layer: the routes' tests send every one of them.
ONE_PER_LAYER = list({h.layer: h for h in reversed(HOSTILE)}.values())


@pytest.mark.parametrize(("layer", "name", "data", "problem"), ONE_PER_LAYER, ids=[h.layer for h in ONE_PER_LAYER])
def test_a_bad_file_among_good_ones_stores_nothing(db, plan, layer, name, data, problem):
    _, owner, _, milestone = plan
    before = _counts(db)
    uploads = [service.Upload("good.pdf", PDF), service.Upload(name, data)]
    with pytest.raises(DomainError) as refused:
        service.propose(
            db.session, owner, milestone, Kind.COMPLETION, _completion(), uploads, today=TODAY, max_bytes=LIMIT
        )
    db.session.rollback()
    assert problem in refused.value.message
    assert _counts(db) == before


def test_the_same_file_twice_is_refused(db, plan):
    _, owner, _, milestone = plan
    uploads = [service.Upload("a.pdf", PDF), service.Upload("A.pdf", PDF)]
    with pytest.raises(DomainError, match="chosen twice"):
        service.propose(
            db.session, owner, milestone, Kind.COMPLETION, _completion(), uploads, today=TODAY, max_bytes=LIMIT
        )


def test_the_unique_index_becomes_a_clear_message_when_two_requests_race(db, plan, monkeypatch):
    _, owner, _, milestone = plan
    service.propose(
        db.session,
        owner,
        milestone,
        Kind.DATE_CHANGE,
        service.ProposalInput(new_due=date(2030, 6, 30), reason="Delay"),
        [],
        today=TODAY,
        max_bytes=LIMIT,
    )
    db.session.commit()
    # As if the second request had checked before the first one committed: only the database stops it now.
    monkeypatch.setattr(service, "_refuse_duplicate", lambda *args: None)
    with pytest.raises(DuplicatePending, match="already has a proposal of a revised date waiting") as refused:
        service.propose(
            db.session,
            owner,
            milestone,
            Kind.DATE_CHANGE,
            service.ProposalInput(new_due=date(2030, 7, 31), reason="More delay"),
            [],
            today=TODAY,
            max_bytes=LIMIT,
        )
    assert refused.value.field == "kind"
    assert db.session.scalar(select(func.count(Proposal.id))) == 1


def test_reminders_go_to_owners_with_milestones_due_soon_and_deciders_of_old_proposals(db, plan):
    workstream, owner, lead, due_soon = plan
    section = due_soon.section
    make_milestone(section, "1.2", owner_id=owner.id, due=date(2030, 3, 1))  # overdue
    make_milestone(section, "1.3", owner_id=owner.id, due=date(2030, 9, 30))  # not due yet
    make_milestone(section, "1.4", owner_id=owner.id, due=date(2030, 3, 1), completed_on=date(2030, 2, 1))
    make_milestone(section, "1.5", owner_id=owner.id, due=date(2030, 3, 1), removed=True, removed_reason="x")
    awaiting = make_milestone(section, "1.6", owner_id=owner.id, due=date(2030, 3, 25))
    db.session.commit()
    proposal = service.propose(
        db.session,
        owner,
        awaiting,
        Kind.COMPLETION,
        _completion(links="https://example.org/e"),
        [],
        today=TODAY,
        max_bytes=LIMIT,
    )
    proposal.created_at = datetime(2030, 3, 15, 9, 0, tzinfo=UTC)
    db.session.query(OutboxEmail).delete()
    db.session.commit()

    run = service.send_reminders(db.session, TODAY, datetime(2030, 3, 20, 7, 0, tzinfo=UTC))
    db.session.commit()

    assert (run.owner_emails, run.digest_emails) == (1, 1)
    mails = {m.to: m for m in db.session.scalars(select(OutboxEmail))}
    assert set(mails) == {owner.email, lead.email}
    owner_mail = mails[owner.email].body
    assert "1.1" in owner_mail and "1.2" in owner_mail and "overdue by 19 days" in owner_mail
    for reference in ("1.3 ", "1.4 ", "1.5 ", "1.6 "):
        assert f"- {reference}" not in owner_mail
    assert mails[lead.email].subject == "1 proposal waiting for your decision"
    assert "1.6: completion on 1 March 2030, proposed by Olu Owner 4 days ago" in mails[lead.email].body


def test_young_proposals_are_not_in_the_digest(db, plan):
    _, owner, _, milestone = plan
    service.propose(
        db.session,
        owner,
        milestone,
        Kind.REMOVAL,
        service.ProposalInput(reason="Merged"),
        [],
        today=TODAY,
        max_bytes=LIMIT,
    )
    db.session.commit()
    run = service.send_reminders(db.session, TODAY, datetime.now(UTC) + timedelta(days=2))
    assert run.digest_emails == 0


def test_send_reminders_command_runs_from_cron(app, db, plan):
    result = app.test_cli_runner().invoke(args=["send-reminders", "--today", "2030-03-20"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 owner reminder(s) and 0 decision digest(s); sent 0." in result.output
    bad = app.test_cli_runner().invoke(args=["send-reminders", "--today", "20/03/2030"])
    assert bad.exit_code != 0


def test_send_mail_delivers_the_outbox_over_smtp_when_configured(app, db, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            self.host = host

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append((self.host, message["To"], message["Subject"]))

    from app.services import notifications

    monkeypatch.setattr(notifications.smtplib, "SMTP", FakeSMTP)
    notifications.queue_email(db.session, "lead@example.org", "Decision needed", "Body")
    db.session.commit()
    idle = app.test_cli_runner().invoke(args=["send-mail"])
    assert "MAIL_SERVER is not set" in idle.output
    app.config["MAIL_SERVER"] = "smtp.example.org"
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert "Sent 1 email(s)." in result.output
    assert sent == [("smtp.example.org", "lead@example.org", "Decision needed")]
    assert db.session.scalar(select(OutboxEmail.sent_at)) is not None


def test_reminders_use_each_programmes_amber_window(db, plan):
    workstream, owner, _, milestone = plan
    section = milestone.section
    make_milestone(section, "9.1", owner_id=owner.id, due=TODAY + timedelta(days=20))
    db.session.commit()
    now = datetime.combine(TODAY, datetime.min.time(), UTC)
    service.send_reminders(db.session, TODAY, now)
    assert "- 9.1 " not in "".join(m.body for m in db.session.scalars(select(OutboxEmail)))
    db.session.query(OutboxEmail).delete()
    workstream.programme.amber_window_days = 30
    db.session.commit()
    service.send_reminders(db.session, TODAY, now)
    assert "- 9.1 " in "".join(m.body for m in db.session.scalars(select(OutboxEmail)))
