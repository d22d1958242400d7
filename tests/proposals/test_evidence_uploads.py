"""Evidence through the pages: every hostile file of the corpus refused by both upload forms, plain and htmx, with
400, the form and the reason, and nothing left behind; every good file accepted and downloaded byte for byte; the
virus-scan hook against a stand-in clamd; a file that no longer matches its sha256 is not served; links bounded."""

import hashlib
import logging
from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.models import AuditEvent, Evidence, Proposal
from tests.clamd_stub import EICAR_SIGNATURE, ClamdStub
from tests.conftest import parse
from tests.evidence_corpus import EICAR, GOOD, HOSTILE, LIMIT, PDF
from tests.proposals.conftest import multipart

YESTERDAY = (date.today() - timedelta(days=1)).strftime("%d/%m/%Y")
HTMX = {"HX-Request": "true"}


def _counts(db) -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count(m.id))) for m in (Proposal, Evidence, AuditEvent))


def _propose(client, milestone, uploads, headers=None, links="https://intranet.example.org/training"):
    fields = {"completion_date": YESTERDAY, "note": "All staff trained", "links": links}
    url = url_for("proposals.new", milestone_id=milestone.id, kind="completion")
    return client.post(url, headers=headers or {}, **multipart(fields, uploads))


def _add_evidence(client, proposal, uploads, headers=None, links=""):
    url = url_for("proposals.add_evidence", proposal_id=proposal.id)
    return client.post(url, headers=headers or {}, **multipart({"links": links, "note": ""}, uploads))


def _refusal(response, fragment: bool) -> str:
    """The error summary's text, once the response is a 400 with the form (the whole page, or its block)."""
    assert response.status_code == 400
    assert "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    page = parse(response)
    if fragment:
        assert not body.lstrip().lower().startswith("<!doctype")
    else:
        assert body.lstrip().lower().startswith("<!doctype")
        assert page.title.get_text().startswith("Error:")
    assert page.select_one("form input[type=file][name=files]")
    summary = page.select_one(".govuk-error-summary")
    assert summary.select_one("a")["href"] == "#files"
    return summary.get_text(" ", strip=True)


@pytest.fixture
def owner(app, world, login_as):
    app.config["EVIDENCE_MAX_BYTES"] = LIMIT
    return login_as(world.a.owner)


@pytest.mark.parametrize("hostile", HOSTILE, ids=[f"{i}-{h.layer}-{h.reason[:30]}" for i, h in enumerate(HOSTILE)])
def test_every_hostile_file_is_refused_by_both_forms_leaving_nothing_behind(world, fresh_milestone, owner, db, hostile):
    before = _counts(db)
    upload = [(hostile.name, hostile.data)]
    # Each form once as a plain post and once as htmx; which is which alternates along the corpus.
    plain_first = HOSTILE.index(hostile) % 2 == 0
    text = _refusal(_propose(owner, fresh_milestone, upload, None if plain_first else HTMX), not plain_first)
    assert hostile.reason in text
    text = _refusal(_add_evidence(owner, world.a.proposal, upload, HTMX if plain_first else None), plain_first)
    assert hostile.reason in text
    assert _counts(db) == before


def test_a_refusal_beside_good_files_keeps_none_of_them(world, fresh_milestone, owner, db):
    before = _counts(db)
    uploads = [("minutes.pdf", PDF), *[(h.name, h.data) for h in HOSTILE if h.name == "js.pdf"]]
    text = _refusal(_propose(owner, fresh_milestone, uploads), fragment=False)
    assert "js.pdf contains JavaScript" in text
    assert _counts(db) == before


def test_every_good_file_is_accepted_stored_with_its_hash_and_downloads_byte_for_byte(
    world, fresh_milestone, owner, login_as, db
):
    response = _propose(owner, fresh_milestone, [(g.name, g.data) for g in GOOD])
    assert response.status_code == 303
    proposal = db.session.scalars(select(Proposal).where(Proposal.milestone_id == fresh_milestone.id)).one()
    stored = {e.filename: e for e in proposal.evidence if e.kind == "file"}
    assert set(stored) == {g.name for g in GOOD}
    lead = login_as(world.a.lead)
    for good in GOOD:
        evidence = stored[good.name]
        assert (evidence.media_type, evidence.sha256) == (good.media_type, hashlib.sha256(good.data).hexdigest())
        download = lead.get(url_for("proposals.download_evidence", evidence_id=evidence.id))
        assert download.status_code == 200
        assert download.data == good.data


def test_good_evidence_is_added_to_a_proposal_through_htmx(world, owner, db):
    response = _add_evidence(owner, world.a.proposal, [GOOD[0][:2]], HTMX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == url_for("proposals.detail", proposal_id=world.a.proposal.id)


# The virus-scan hook --------------------------------------------------------------------------------------------


@pytest.fixture
def clamd(app, tmp_path):
    with ClamdStub(path=str(tmp_path / "clamd.sock")) as stub:
        app.config["CLAMD_SOCKET"] = stub.address
        yield stub


def test_with_a_scanner_every_file_is_streamed_to_it_before_it_is_kept(world, fresh_milestone, owner, clamd, db):
    uploads = [("minutes.pdf", PDF), ("notes.txt", b"All staff trained.")]
    assert _propose(owner, fresh_milestone, uploads).status_code == 303
    assert clamd.received == [PDF, b"All staff trained."]
    assert db.session.scalar(select(func.count(Evidence.id)).where(Evidence.filename == "notes.txt")) == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_file_the_scanner_flags_is_refused_by_both_forms(world, fresh_milestone, owner, clamd, db, htmx):
    before = _counts(db)
    upload = [("minutes.pdf", PDF), ("notes.txt", b"Notes\n" + EICAR)]
    headers = HTMX if htmx else None
    for response in (
        _propose(owner, fresh_milestone, upload, headers),
        _add_evidence(owner, world.a.proposal, upload, headers),
    ):
        text = _refusal(response, fragment=htmx)
        assert f"notes.txt was refused by the virus scanner: it found {EICAR_SIGNATURE}" in text
    assert _counts(db) == before


def test_an_unreachable_scanner_refuses_uploads_clearly(app, world, fresh_milestone, owner, db, tmp_path):
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-clamd-here.sock")
    before = _counts(db)
    for response in (
        _propose(owner, fresh_milestone, [("minutes.pdf", PDF)]),
        _add_evidence(owner, world.a.proposal, [("minutes.pdf", PDF)], HTMX),
    ):
        text = _refusal(response, fragment=response.request.headers.get("HX-Request") == "true")
        assert "minutes.pdf could not be checked for viruses because the virus scanner is not answering" in text
    assert _counts(db) == before


def test_a_scanner_is_not_asked_about_links_and_notes(world, owner, clamd):
    response = _add_evidence(owner, world.a.proposal, [], links="https://example.org/minutes")
    assert response.status_code == 303
    assert clamd.received == []


# Downloads checked against the stored sha256 -------------------------------------------------------------------


def _altered_evidence(db, world) -> Evidence:
    """A kept file whose bytes no longer match the sha256 recorded at upload (as if changed outside the app)."""
    evidence = Evidence(
        proposal_id=world.a.proposal.id,
        kind="file",
        filename="register.pdf",
        media_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        content=PDF.replace(b"595", b"596"),
        uploaded_by_id=world.a.owner.id,
    )
    db.session.add(evidence)
    db.session.commit()
    return evidence


def test_a_file_that_no_longer_matches_its_hash_is_not_served_and_is_logged(world, login_as, db, caplog):
    evidence = _altered_evidence(db, world)
    with caplog.at_level(logging.ERROR, logger="app.services.proposals"):
        response = login_as(world.a.lead).get(url_for("proposals.download_evidence", evidence_id=evidence.id))
    assert response.status_code == 409
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response.headers
    assert PDF[:8] not in response.data
    page = parse(response)
    assert "register.pdf no longer matches the file that was uploaded" in page.select_one("#evidence-altered").text
    assert any("does not match its stored sha256" in r.getMessage() for r in caplog.records)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == evidence.id)).all()
    assert actions == ["evidence.check_failed"]


def test_a_matching_file_is_served(world, login_as):
    response = login_as(world.a.lead).get(url_for("proposals.download_evidence", evidence_id=world.a.evidence.id))
    assert response.status_code == 200
    assert response.data == b"hello"


# Links per proposal ---------------------------------------------------------------------------------------------


def _links(count: int, start: int = 0) -> str:
    return "\n".join(f"https://intranet.example.org/evidence/{n}" for n in range(start, start + count))


def test_a_new_proposal_takes_at_most_twenty_links(world, fresh_milestone, owner, db):
    before = _counts(db)
    response = _propose(owner, fresh_milestone, [], links=_links(21))
    assert response.status_code == 400
    summary = parse(response).select_one(".govuk-error-summary")
    assert "Enter 20 links or fewer (you entered 21)" in summary.get_text()
    assert summary.select_one("a")["href"] == "#links"
    assert _counts(db) == before
    assert _propose(owner, fresh_milestone, [], links=_links(20)).status_code == 303


def test_added_links_count_with_those_a_proposal_has(world, owner, db):
    proposal = world.a.proposal
    assert _add_evidence(owner, proposal, [], links=_links(18)).status_code == 303
    before = _counts(db)
    response = _add_evidence(owner, proposal, [], links=_links(3, start=18))
    text = _refusal_links(response)
    assert "A proposal can have at most 20 links: it has 18 already, so enter 2 or fewer" in text
    assert _counts(db) == before
    assert _add_evidence(owner, proposal, [], links=_links(2, start=18)).status_code == 303


def _refusal_links(response) -> str:
    assert response.status_code == 400
    summary = parse(response).select_one(".govuk-error-summary")
    assert summary.select_one("a")["href"] == "#links"
    return summary.get_text(" ", strip=True)
