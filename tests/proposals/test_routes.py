"""Proposing, adding evidence, withdrawing and deciding through the pages, as each person would."""

import hashlib
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import func, select

from app.domain.evidence import MAX_LINKS
from app.models import AuditEvent, Evidence, Milestone, Notification, OutboxEmail, Proposal
from tests.conftest import out_of_band, parse
from tests.evidence_corpus import EML, HTML, PDF, PNG
from tests.factories import make_member, make_milestone
from tests.proposals.conftest import files

YESTERDAY = (date.today() - timedelta(days=1)).strftime("%d/%m/%Y")


def _count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _propose_completion(client, milestone, **overrides):
    data = {
        "completion_date": YESTERDAY,
        "note": "All staff trained; attendance attached",
        "links": "https://intranet.example.org/training",
        "files": files(("attendance.pdf", PDF), ("photo.png", PNG)),
    }
    data.update(overrides)
    return client.post(
        url_for("proposals.new", milestone_id=milestone.id, kind="completion"),
        data=data,
        content_type="multipart/form-data",
    )


def _latest(db, milestone) -> Proposal:
    return db.session.scalars(
        select(Proposal).where(Proposal.milestone_id == milestone.id).order_by(Proposal.id.desc())
    ).first()


def test_the_proposal_form_uploads_several_files(world, fresh_milestone, login_as):
    page = parse(login_as(world.a.owner).get(url_for("proposals.new", milestone_id=fresh_milestone.id)))
    form = page.select_one("main form")
    assert form["enctype"] == "multipart/form-data"
    assert form["action"].startswith(url_for("proposals.new", milestone_id=fresh_milestone.id))
    upload = form.select_one("input[type=file]")
    assert upload.has_attr("multiple")
    assert page.select_one(f"label[for={upload['id']}]").get_text(strip=True) == "Upload evidence"
    assert page.select_one("#completion_date")
    # The links' hint says what the rule accepts: http or https, and how many.
    hint = page.select_one(f"#{page.select_one('textarea[name=links]')['aria-describedby'].split()[0]}").get_text()
    assert "http:// or https://" in hint and f"up to {MAX_LINKS} links" in hint


def test_a_refused_proposal_answers_htmx_with_the_form_column_alone(world, fresh_milestone, login_as):
    url = url_for("proposals.new", milestone_id=fresh_milestone.id, kind="date_change")
    response = login_as(world.a.owner).post(url, data={"kind": "date_change"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    fragment = parse(response)
    assert fragment.find("html") is None and fragment.find("main") is None
    assert fragment.select_one("h1").get_text(strip=True) == "Ask for a revised date"
    assert [a["href"] for a in fragment.select(".govuk-error-summary a")] == ["#new_due"]
    # The page's own settings reach the fragment as they reach the whole page: an upload form posting to itself.
    form = fragment.select_one("form")
    assert form["enctype"] == "multipart/form-data" and form["action"] == url
    assert fragment.select_one("input[name=kind]")["value"] == "date_change"


def test_owner_proposes_completion_with_files_and_a_link(world, fresh_milestone, login_as, db):
    response = _propose_completion(login_as(world.a.owner), fresh_milestone)
    assert response.status_code == 303
    proposal = _latest(db, fresh_milestone)
    assert response.headers["Location"].endswith(url_for("proposals.detail", proposal_id=proposal.id))
    assert (proposal.state, proposal.kind, proposal.version) == ("pending", "completion", 1)
    stored = {e.filename or e.url: e for e in proposal.evidence}
    assert set(stored) == {"attendance.pdf", "photo.png", "https://intranet.example.org/training"}
    assert stored["attendance.pdf"].media_type == "application/pdf"
    assert len(stored["photo.png"].sha256) == 64
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.milestone_id == fresh_milestone.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["proposal.created", "evidence.uploaded", "evidence.uploaded", "evidence.linked"]
    # The owner's proposal goes to the lead (the sponsor decides only a lead's), in the app and by email.
    notified = db.session.scalars(select(Notification.user_id)).all()
    assert notified == [world.a.lead.id]
    assert db.session.scalars(select(OutboxEmail.to)).all() == [world.a.lead.email]
    assert fresh_milestone.completed_on is None  # nothing changes until a lead approves


def test_a_second_pending_proposal_of_a_kind_is_refused_clearly(world, login_as, db):
    before = _count(db, Proposal)
    response = _propose_completion(login_as(world.a.owner), world.a.milestone)
    assert response.status_code == 400
    summary = parse(response).select_one(".govuk-error-summary")
    assert "already has a proposal of completion waiting for a decision" in summary.get_text()
    assert _count(db, Proposal) == before


def test_one_bad_file_refuses_the_whole_proposal_and_stores_nothing(world, fresh_milestone, login_as, db):
    proposals, evidence = _count(db, Proposal), _count(db, Evidence)
    response = _propose_completion(
        login_as(world.a.owner), fresh_milestone, files=files(("good.pdf", PDF), ("minutes.pdf", HTML))
    )
    assert response.status_code == 400
    page = parse(response)
    assert page.title.get_text().startswith("Error:")
    assert "minutes.pdf is not a PDF: its content looks like HTML" in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one(".govuk-error-summary a")["href"] == "#files"
    assert (_count(db, Proposal), _count(db, Evidence)) == (proposals, evidence)


def test_the_upload_limit_is_configurable(app, world, fresh_milestone, login_as, db):
    app.config["EVIDENCE_MAX_BYTES"] = 1000
    before = _count(db, Evidence)
    response = _propose_completion(
        login_as(world.a.owner), fresh_milestone, files=files(("big.pdf", PDF + b"0" * 1000))
    )
    assert "big.pdf must be smaller than 1000 bytes" in parse(response).select_one(".govuk-error-summary").get_text()
    assert _count(db, Evidence) == before


def test_a_completion_needs_evidence_and_a_past_date(world, fresh_milestone, login_as):
    client = login_as(world.a.owner)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = _propose_completion(client, fresh_milestone, completion_date=tomorrow, files=[], links="")
    text = parse(response).select_one(".govuk-error-summary").get_text()
    assert "The completion date must be today or in the past" in text
    response = _propose_completion(client, fresh_milestone, files=[], links="")
    assert "Upload a file or enter a link" in parse(response).select_one(".govuk-error-summary").get_text()


def test_only_the_owner_may_propose(world, fresh_milestone, login_as):
    for person in (world.a.lead, world.a.sponsor, world.a.viewer, world.b.owner):
        assert _propose_completion(login_as(person), fresh_milestone).status_code in (403, 404)


def test_lead_approves_completion_and_the_milestone_is_complete(world, fresh_milestone, login_as, db):
    _propose_completion(login_as(world.a.owner), fresh_milestone)
    proposal = _latest(db, fresh_milestone)
    lead = login_as(world.a.lead)
    page = parse(lead.get(url_for("proposals.detail", proposal_id=proposal.id)))
    summary = page.select_one("#proposal-summary")
    assert summary.select_one("a")["href"] == url_for("plan.milestone", milestone_id=fresh_milestone.id)
    assert "Completion on " in summary.get_text()
    assert page.select_one("input[name=version]")["value"] == "1"
    assert page.select_one("button[value=approve]")
    response = lead.post(
        url_for("proposals.decide", proposal_id=proposal.id), data={"decision": "approve", "version": "1"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert proposal.state == "approved"
    assert (proposal.decided_by_id, proposal.decided_version) == (world.a.lead.id, 1)
    milestone = db.session.get(Milestone, fresh_milestone.id)
    assert milestone.completed_on == datetime.strptime(YESTERDAY, "%d/%m/%Y").date()
    owner_notes = db.session.scalars(select(Notification.text).where(Notification.user_id == world.a.owner.id)).all()
    assert any("approved your proposal" in text for text in owner_notes)
    timeline = parse(lead.get(url_for("plan.milestone", milestone_id=milestone.id))).select(".app-timeline__item")
    texts = " ".join(item.get_text(" ", strip=True) for item in timeline)
    assert "approved the proposal of completion" in texts
    assert "Milestone complete on" in texts
    assert "uploaded attendance.pdf" in texts


def test_rejection_needs_a_reason_and_leaves_the_milestone_unchanged(world, login_as, db):
    proposal, lead = world.a.proposal, login_as(world.a.lead)
    url = url_for("proposals.decide", proposal_id=proposal.id)
    response = lead.post(url, data={"decision": "reject", "version": "1"})
    assert response.status_code == 200
    assert "Enter the reason for rejecting this proposal" in parse(response).select_one(".govuk-error-message").text
    response = lead.post(url, data={"decision": "reject", "version": "1", "reason": "The register is unsigned"})
    assert response.status_code == 303
    db.session.expire_all()
    assert proposal.state == "rejected"
    assert db.session.get(Milestone, world.a.milestone.id).completed_on is None
    # The owner sees why, and may propose again.
    owner = login_as(world.a.owner)
    page = parse(owner.get(url_for("proposals.detail", proposal_id=proposal.id)))
    assert "The register is unsigned" in page.select_one("#proposal-summary").get_text()
    again = page.find("a", string="Propose again")
    assert again["href"] == url_for("proposals.new", milestone_id=world.a.milestone.id, kind="completion")
    assert _propose_completion(owner, world.a.milestone).status_code == 303


def test_date_change_approved_sets_the_revised_date_and_comments(world, fresh_milestone, login_as, db):
    owner = login_as(world.a.owner)
    response = owner.post(
        url_for("proposals.new", milestone_id=fresh_milestone.id, kind="date_change"),
        data={"new_due": "September 2030", "reason": "Supplier went into administration"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    proposal = _latest(db, fresh_milestone)
    login_as(world.a.lead).post(
        url_for("proposals.decide", proposal_id=proposal.id), data={"decision": "approve", "version": "1"}
    )
    milestone = db.session.get(Milestone, fresh_milestone.id)
    db.session.refresh(milestone)
    assert (milestone.revised_due, milestone.revised_due_is_month) == (date(2030, 9, 30), True)
    assert milestone.comments.endswith("Revised to September 2030: Supplier went into administration")
    assert milestone.due == date(2030, 6, 30)


def test_removal_approved_removes_with_the_reason(world, fresh_milestone, login_as, db):
    login_as(world.a.owner).post(
        url_for("proposals.new", milestone_id=fresh_milestone.id, kind="removal"),
        data={"reason": "Merged into 1.1"},
        content_type="multipart/form-data",
    )
    proposal = _latest(db, fresh_milestone)
    assert proposal.kind == "removal"
    login_as(world.a.lead).post(
        url_for("proposals.decide", proposal_id=proposal.id), data={"decision": "approve", "version": "1"}
    )
    milestone = db.session.get(Milestone, fresh_milestone.id)
    db.session.refresh(milestone)
    assert (milestone.removed, milestone.removed_reason) == (True, "Merged into 1.1")


def test_owner_withdraws_a_pending_proposal(world, login_as, db):
    proposal = world.a.proposal
    assert login_as(world.a.lead).post(url_for("proposals.withdraw", proposal_id=proposal.id)).status_code == 403
    response = login_as(world.a.owner).post(url_for("proposals.withdraw", proposal_id=proposal.id))
    assert response.status_code == 303
    db.session.expire_all()
    assert proposal.state == "withdrawn"
    assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "proposal.withdrawn")).startswith(
        world.a.owner.name
    )
    response = login_as(world.a.lead).post(
        url_for("proposals.decide", proposal_id=proposal.id), data={"decision": "approve", "version": "1"}
    )
    assert response.status_code == 409
    assert "withdrawn" in parse(response).select_one(".govuk-error-summary").get_text()


def test_new_evidence_makes_a_new_version_and_an_old_decision_is_stale(world, login_as, db):
    proposal = world.a.proposal
    owner = login_as(world.a.owner)
    response = owner.post(
        url_for("proposals.add_evidence", proposal_id=proposal.id),
        data={"files": files(("signed.eml", EML)), "note": "Signed register"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert proposal.version == 2
    assert sorted((e.kind, e.proposal_version) for e in proposal.evidence) == [("file", 1), ("file", 2), ("note", 2)]
    lead = login_as(world.a.lead)
    url = url_for("proposals.decide", proposal_id=proposal.id)
    stale = lead.post(url, data={"decision": "approve", "version": "1"})
    assert stale.status_code == 409
    assert "now version 2, you saw version 1" in parse(stale).select_one(".govuk-error-summary").get_text()
    db.session.expire_all()
    assert proposal.state == "pending"
    assert lead.post(url, data={"decision": "approve", "version": "2"}).status_code == 303
    db.session.expire_all()
    assert (proposal.state, proposal.decided_version) == ("approved", 2)


def test_adding_nothing_is_refused(world, login_as):
    response = login_as(world.a.owner).post(
        url_for("proposals.add_evidence", proposal_id=world.a.proposal.id), content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Choose a file, enter a link or write a note" in parse(response).select_one(".govuk-error-summary").text


def test_a_replayed_decision_is_refused_saying_who_decided(world, login_as, db):
    lead = login_as(world.a.lead)
    url = url_for("proposals.decide", proposal_id=world.a.proposal.id)
    assert lead.post(url, data={"decision": "approve", "version": "1"}).status_code == 303
    replay = lead.post(url, data={"decision": "approve", "version": "1"})
    assert replay.status_code == 409
    assert f"already approved by {world.a.lead.name} on" in parse(replay).get_text()
    assert _count_actions(db, "proposal.approved") == 1
    assert _count_actions(db, "milestone.completed") == 1
    late = login_as(world.a.owner).post(url_for("proposals.withdraw", proposal_id=world.a.proposal.id))
    assert late.status_code == 409
    assert "already approved by" in parse(late).select_one(".govuk-error-summary").get_text()


def _count_actions(db, action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_a_lead_owning_a_milestone_is_decided_by_another_lead_or_the_sponsor(world, login_as, db):
    milestone = make_milestone(world.a.section, "1.7", owner_id=world.a.lead.id, due=date(2030, 1, 31))
    other_lead = make_member(world.a.workstream, "lead", "Second Lead")
    db.session.commit()
    login_as(world.a.lead).post(
        url_for("proposals.new", milestone_id=milestone.id, kind="removal"),
        data={"reason": "Duplicate of 1.1"},
        content_type="multipart/form-data",
    )
    proposal = _latest(db, milestone)
    notified = set(db.session.scalars(select(Notification.user_id)).all())
    assert notified == {other_lead.id, world.a.sponsor.id}
    lead = login_as(world.a.lead)
    page = parse(lead.get(url_for("proposals.detail", proposal_id=proposal.id)))
    assert page.select_one("button[value=approve]") is None
    assert proposal.id not in [int(r["id"].rsplit("-", 1)[1]) for r in _queue_rows(lead)]
    url = url_for("proposals.decide", proposal_id=proposal.id)
    assert lead.post(url, data={"decision": "approve", "version": "1"}).status_code == 403
    sponsor = login_as(world.a.sponsor)
    assert parse(sponsor.get(url_for("proposals.detail", proposal_id=proposal.id))).select_one("button[value=approve]")
    assert sponsor.post(url, data={"decision": "approve", "version": "1"}).status_code == 303


def _queue_rows(client):
    return parse(client.get(url_for("proposals.queue"))).select("tr[id^=proposal-row-]")


def test_the_queue_lists_waiting_proposals_oldest_first_with_evidence(world, fresh_milestone, login_as, db):
    _propose_completion(login_as(world.a.owner), fresh_milestone)
    response = login_as(world.a.lead).get(url_for("proposals.queue"))
    assert response.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")
    assert "HX-Request" in response.headers["Vary"]
    page = parse(response)
    assert page.select_one("#queue caption").get_text(strip=True) == "2 waiting for your decision"
    rows = page.select("tr[id^=proposal-row-]")
    assert [r["id"] for r in rows] == [
        f"proposal-row-{world.a.proposal.id}",
        f"proposal-row-{_latest(db, fresh_milestone).id}",
    ]
    links = [a["href"] for a in rows[1].select("a[href*='/evidence/']")]
    assert len(links) == 2
    assert not page.select(f"#proposal-row-{world.b.proposal.id}")
    header = page.select_one(".govuk-service-navigation").get_text(" ", strip=True)
    assert "Decisions 2 waiting" in header


def test_deciding_from_the_queue_with_htmx_swaps_only_the_row(world, login_as, db):
    lead = login_as(world.a.lead)
    url = url_for("proposals.decide", proposal_id=world.a.proposal.id)
    headers = {"HX-Request": "true", "HX-Target": f"proposal-row-{world.a.proposal.id}"}
    missing_reason = lead.post(url, data={"decision": "reject", "version": "1", "came_from": "queue"}, headers=headers)
    assert missing_reason.status_code == 200
    fragment = parse(missing_reason)
    assert fragment.find("html") is None
    assert fragment.select_one("tr")["id"] == f"proposal-row-{world.a.proposal.id}"
    assert "Enter the reason for rejecting" in fragment.select_one(".govuk-error-message").get_text()
    response = lead.post(url, data={"decision": "approve", "version": "1", "came_from": "queue"}, headers=headers)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    row = parse(response).select_one("tr")
    assert "Approved" in row.select_one("[role=status]").get_text()
    assert row.select_one("[role=status]").has_attr("data-app-focus")
    assert row.select_one("form") is None
    again = lead.post(url, data={"decision": "approve", "version": "1", "came_from": "queue"}, headers=headers)
    assert again.status_code == 409
    assert "already approved by" in parse(again).select_one("tr [role=alert]").get_text()
    assert parse(again).select_one("tr [role=alert]").has_attr("data-app-focus")
    assert parse(again).title.get_text() == "Error: Decisions – Highlight"


def test_a_decision_from_the_queue_also_sends_the_counts_and_the_error_summaryout_of_band(app, world, login_as, db):
    lead = login_as(world.a.lead)

    def post(data: dict):
        # A context of its own, as a real request has: the header's counts are kept in ``g`` for one request.
        with app.app_context():
            return parse(lead.post(url, data=data, headers=headers))

    queue = parse(lead.get(url_for("proposals.queue")))
    assert queue.select_one("#queue-count").get_text() == "1 waiting for your decision"
    assert queue.select_one("#decisions-count .app-count-badge").get_text(" ", strip=True) == "1 waiting"
    assert not queue.select_one("#queue-errors").get_text(strip=True)
    url = url_for("proposals.decide", proposal_id=world.a.proposal.id)
    headers = {"HX-Request": "true", "HX-Target": f"proposal-row-{world.a.proposal.id}"}

    refused = post({"decision": "reject", "version": "1", "came_from": "queue"})
    assert [e.name for e in refused.find_all(recursive=False)][:2] == ["tr", "title"]  # as the parser keeps them
    assert refused.title.get_text() == "Error: Decisions – Highlight"
    summary = out_of_band(refused, "queue-errors").select_one(".govuk-error-summary")
    assert summary.has_attr("data-app-focus")
    (link,) = summary.select(".govuk-error-summary__list a")
    assert link["href"] == f"#reason-{world.a.proposal.id}"
    assert refused.select_one(f"#reason-{world.a.proposal.id}")  # the field it leads to is in the row
    assert out_of_band(refused, "queue-count").get_text() == "1 waiting for your decision"

    approved = post({"decision": "approve", "version": "1", "came_from": "queue"})
    assert approved.title.get_text() == "Decisions – Highlight"
    assert not out_of_band(approved, "queue-errors").get_text(strip=True)  # the summary goes with the error
    assert out_of_band(approved, "queue-count").get_text() == "None waiting for your decision"
    assert out_of_band(approved, "decisions-count").get_text(strip=True) == ""
    assert out_of_band(approved, "notifications-count") is not None


def test_deciding_from_the_queue_without_javascript_redirects_back_to_it(world, login_as, db):
    lead = login_as(world.a.lead)
    response = lead.post(
        url_for("proposals.decide", proposal_id=world.a.proposal.id),
        data={"decision": "approve", "version": "1", "came_from": "queue"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url_for("proposals.queue"))
    page = parse(lead.get(url_for("proposals.queue")))
    assert page.select_one("#queue-empty")
    assert "Approved" in page.select_one(".govuk-notification-banner").get_text()


def test_members_download_evidence_as_an_attachment(world, login_as, db):
    # Evidence never changes once stored: a file of its own with the name to check.
    evidence = Evidence(
        proposal_id=world.a.proposal.id,
        kind="file",
        filename="Minutes 12.04.2021.pdf",
        media_type="text/plain",
        size=5,
        sha256=hashlib.sha256(b"hello").hexdigest(),
        content=b"hello",
        uploaded_by_id=world.a.owner.id,
    )
    db.session.add(evidence)
    db.session.commit()
    response = login_as(world.a.viewer).get(url_for("proposals.download_evidence", evidence_id=evidence.id))
    assert response.status_code == 200
    assert response.data == b"hello"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Minutes 12.04.2021.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.downloaded")).one()
    assert (event.actor_id, event.milestone_id) == (world.a.viewer.id, world.a.milestone.id)
    for outsider in (world.admin, world.b.lead):
        url = url_for("proposals.download_evidence", evidence_id=evidence.id)
        assert login_as(outsider).get(url).status_code in (403, 404)


def test_an_uploaded_file_downloads_byte_for_byte(world, fresh_milestone, login_as, db):
    _propose_completion(login_as(world.a.owner), fresh_milestone)
    evidence = next(e for e in _latest(db, fresh_milestone).evidence if e.filename == "photo.png")
    response = login_as(world.a.lead).get(url_for("proposals.download_evidence", evidence_id=evidence.id))
    assert response.data == PNG
    assert response.headers["Content-Type"] == "image/png"


def test_notifications_list_and_mark_as_read(world, fresh_milestone, login_as, db):
    _propose_completion(login_as(world.a.owner), fresh_milestone)
    lead = login_as(world.a.lead)
    response = lead.get(url_for("proposals.notifications"))
    page = parse(response)
    assert "Notifications 1 unread" in page.select_one(".govuk-service-navigation").get_text(" ", strip=True)
    assert page.select_one("#notification-table caption")
    rows = page.select("#notification-table tbody tr")
    assert len(rows) == 1
    assert "proposed completion" in rows[0].get_text()
    assert rows[0].select_one("a")["href"] == url_for("proposals.detail", proposal_id=_latest(db, fresh_milestone).id)
    fragment = lead.get(url_for("proposals.notifications"), headers={"HX-Request": "true"})
    assert parse(fragment).find("html") is None
    assert "HX-Request" in fragment.headers["Vary"]
    response = lead.post(url_for("proposals.mark_notifications_read"))
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.read_at.is_(None))) == 0
    assert parse(lead.get(url_for("proposals.notifications"))).select_one(".govuk-tag--blue") is None


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(app, world, fresh_milestone, login_as, db):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    before = _count(db, Proposal)
    response = _propose_completion(login_as(world.a.owner), fresh_milestone, files=files(("big.pdf", PDF * 200)))
    assert response.status_code == 413
    assert parse(response).select_one("h1").get_text(strip=True) == "The file is too large"
    assert _count(db, Proposal) == before
