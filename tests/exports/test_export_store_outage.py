"""A store that cannot be reached, errs or refuses the app never costs anyone a signed paper: the Word and PDF
files and the board pack are drawn from the verified snapshot and served without being kept, and kept again once
the store is back; /readyz names the store while it is down."""

import hashlib
import logging

import pytest
from flask import url_for
from sqlalchemy import select

from app.exports.pdf_pages import finished
from app.extensions import db as _db
from app.models import KeptExport
from tests.exports.test_export_cache import _both_signed_off, _counted, _pdf_text, _signed_off, _signed_off_and_counted
from tests.exports.test_export_store import PREFIX, _download, _kept_pdf, _key, _objects, app  # noqa: F401
from tests.reports.conftest import demo  # noqa: F401  (the demo fixture)

FAULTS = ["refused", "500", "AccessDenied"]
KINDS = ("pdf", "docx")


@pytest.fixture
def store_settings(store_proxy, bucket):
    """The app reaches the bucket through the proxy that fails when told to."""
    return {"EXPORT_STORE_URL": f"s3://{bucket[1]}/{PREFIX}/", "EXPORT_STORE_ENDPOINT": store_proxy.endpoint}


def _records() -> list[KeptExport]:
    return _db.session.scalars(select(KeptExport).order_by(KeptExport.format)).all()


def _pack_of_both(client, demo, fetch_board_pack) -> None:  # noqa: F811
    """The meeting's pack is drawn, with both signed papers in it."""
    pack = fetch_board_pack(client, demo.meeting.id)
    assert pack.status_code == 200
    text = _pdf_text(pack.get_data())
    assert "Business Intelligence highlight report" in text and "Youth Justice" in text


def _unkept(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "served without being kept" in r.getMessage()]


@pytest.mark.parametrize("fault", FAULTS)
def test_word_and_pdf_are_served_while_the_store_is_down_and_kept_in_it_once_it_is_back(
    demo,  # noqa: F811
    login_as,
    monkeypatch,
    caplog,
    bucket,
    store_proxy,
    fault,
):
    report, draws, writes, viewer = _signed_off_and_counted(demo, login_as, monkeypatch)
    store_proxy.fault = fault

    with caplog.at_level(logging.WARNING):
        answers = {kind: viewer.get(url_for(f"reports.download_{kind}", report_id=report.id)) for kind in KINDS}

    assert {kind: answer.status_code for kind, answer in answers.items()} == {"pdf": 200, "docx": 200}
    served = {kind: answer.get_data() for kind, answer in answers.items()}
    assert "Business Intelligence highlight report" in _pdf_text(served["pdf"])
    assert (draws.count, writes.count) == (1, 1)
    # Nothing is recorded for bytes the store does not hold.
    assert _records() == [] and _objects(bucket) == {}
    # One warning a file, naming the report and the format and what failed, but not where the store is.
    warnings = _unkept(caplog)
    assert len(warnings) == 2
    for warning, kind in zip(warnings, ("pdf", "docx"), strict=True):
        assert f"report {report.id}'s {kind} is drawn from its signed snapshot" in warning
        assert "failed" in warning and str(store_proxy.port) not in warning

    store_proxy.fault = None
    again = {kind: _download(viewer, report, kind) for kind in ("pdf", "docx")}

    # The same files (the drawing is deterministic), now kept in the store and served from it.
    assert again == served
    assert (draws.count, writes.count) == (2, 2)
    objects = _objects(bucket)
    assert finished(objects[_key(report, "pdf")]) == served["pdf"]
    assert objects[_key(report, "docx")] == served["docx"]
    assert [(r.format, r.sha256) for r in _records()] == [
        (kind, hashlib.sha256(objects[_key(report, kind)]).hexdigest()) for kind in ("docx", "pdf")
    ]
    assert {kind: _download(viewer, report, kind) for kind in ("pdf", "docx")} == served
    assert (draws.count, writes.count) == (2, 2)


@pytest.mark.parametrize("fault", ["hangs", "cut short"])
def test_a_store_that_hangs_or_cuts_an_object_short_is_not_waited_on_and_its_bytes_never_served(
    demo,  # noqa: F811
    login_as,
    monkeypatch,
    app,  # noqa: F811
    bucket,
    store_proxy,
    fault,
):
    report = _signed_off(demo, login_as)
    viewer = login_as(demo.viewer)
    right = _download(viewer, report)
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    app.config["EXPORT_STORE_READ_TIMEOUT"] = 0.2  # the store's client is made again with the new setting
    store_proxy.fault = fault

    answer = viewer.get(url_for("reports.download_pdf", report_id=report.id))

    assert answer.status_code == 200 and answer.get_data() == right
    assert draws.count == 1  # drawn again from the snapshot, not the half object
    [record] = _records()
    assert record.sha256 == hashlib.sha256(_objects(bucket)[_key(report, "pdf")]).hexdigest()


def test_an_altered_object_is_never_served_while_the_store_refuses_to_take_it_back(
    demo,  # noqa: F811
    login_as,
    monkeypatch,
    caplog,
    bucket,
    store_proxy,
):
    report, admin, right, key, whole = _kept_pdf(demo, login_as, bucket)
    client, name = bucket
    client.put_object(Bucket=name, Key=key, Body=whole[:-1] + bytes([whole[-1] ^ 1]))
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    store_proxy.fault, store_proxy.methods = "AccessDenied", {"PUT"}  # it reads, but refuses writes

    with caplog.at_level(logging.WARNING):
        answer = admin.get(url_for("reports.download_pdf", report_id=report.id))

    assert answer.status_code == 200 and answer.get_data() == right
    assert draws.count == 1
    assert f"s3://{name}/{key} does not match its record" in caplog.text
    assert "PutObject" in _unkept(caplog)[0] and "AccessDenied" in _unkept(caplog)[0]
    # The record still names the right bytes; the altered object is left until the store takes writes again.
    [record] = _records()
    assert record.sha256 == hashlib.sha256(whole).hexdigest()
    assert _download(admin, report) == right and draws.count == 2

    store_proxy.fault = None
    assert _download(admin, report) == right and draws.count == 3
    assert _objects(bucket)[key] == whole  # put back
    assert _download(admin, report) == right and draws.count == 3


# The requests one failed call makes: none reach a port nothing listens on; a 500 is tried again
# (EXPORT_STORE_ATTEMPTS, 2 in all); a refusal is not.
ONE_CALL = {"refused": 0, "500": 2, "AccessDenied": 1}


@pytest.mark.parametrize("fault", FAULTS)
def test_the_board_pack_is_drawn_while_the_store_is_down_asking_it_once(
    demo,  # noqa: F811
    login_as,
    caplog,
    bucket,
    store_proxy,
    fetch_board_pack,
    fault,
):
    business, youth_justice, admin = _both_signed_off(demo, login_as)
    store_proxy.fault = fault

    with caplog.at_level(logging.WARNING):
        _pack_of_both(admin, demo, fetch_board_pack)

    # The first paper's put failed; the second paper was not put to a store known to be down.
    assert store_proxy.requests == ONE_CALL[fault]
    warnings = _unkept(caplog)
    assert len(warnings) == 2
    for report, warning in zip((business, youth_justice), warnings, strict=True):
        assert f"report {report.id}'s pdf is drawn from its signed snapshot" in warning
    assert _records() == [] and _objects(bucket) == {}


def test_the_board_pack_is_drawn_when_the_store_goes_down_after_keeping_its_papers(
    demo,  # noqa: F811
    login_as,
    bucket,
    store_proxy,
    fetch_board_pack,
):
    business, youth_justice, admin = _both_signed_off(demo, login_as)
    for report in (business, youth_justice):
        _download(admin, report)
    assert len(_objects(bucket)) == 2
    store_proxy.fault = "500"
    store_proxy.requests = 0

    _pack_of_both(admin, demo, fetch_board_pack)

    # The first paper's read failed; the second was drawn without asking; nothing was put.
    assert store_proxy.requests == ONE_CALL["500"]
    assert len(_records()) == 2  # the records of the kept papers stay, their objects untouched


def test_readyz_names_the_store_while_it_is_down(app, client, store_proxy):  # noqa: F811
    up = client.get(url_for("ops.readyz"))
    assert up.status_code == 200
    assert up.json["checks"] == {"database": "ok", "migrations": "ok", "queue": "ok", "export_store": "ok"}

    for fault in FAULTS:
        store_proxy.fault = fault
        # Still ready: every server serves the papers while the store is down, so none is taken out of service.
        down = client.get(url_for("ops.readyz"))
        assert down.status_code == 200, fault
        assert down.json == {
            "status": "degraded",
            "checks": {"database": "ok", "migrations": "ok", "queue": "ok", "export_store": "unreachable"},
        }

    store_proxy.fault = None
    assert client.get(url_for("ops.readyz")).status_code == 200
