"""With EXPORT_STORE_URL set, a signed-off report's kept Word and PDF files live in an S3-compatible bucket (a real
S3 server on loopback here), one object a file, and the database records only their sha256: every server serves the
object once it matches its record, and never one that is missing or differs."""

import hashlib
import logging
from datetime import date

import pytest
from flask import url_for
from sqlalchemy import select

from app.exports import cache
from app.exports.pdf_pages import finished
from app.exports.stores import ObjectStore, parse_url
from app.extensions import db as _db
from app.models import KeptExport, ReportSnapshot
from app.services.report_model import build_for_report
from tests.conftest import make_test_app
from tests.exports.test_export_cache import (
    _counted,
    _pdf_text,
    _second_signed_off,
    _signed_off,
    _signed_off_and_counted,
)
from tests.reports.conftest import demo  # noqa: F401  (the demo fixture)

PREFIX = "highlight/exports"


@pytest.fixture
def store_settings(s3_endpoint, bucket):
    return {"EXPORT_STORE_URL": f"s3://{bucket[1]}/{PREFIX}/", "EXPORT_STORE_ENDPOINT": s3_endpoint}


@pytest.fixture
def app(database_template, tmp_path, store_settings):
    """The app under test, keeping its exports in the bucket."""
    app = make_test_app(database_template(tmp_path), tmp_path, **store_settings)
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


def _objects(bucket) -> dict[str, bytes]:
    client, name = bucket
    listed = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=name, Key=item["Key"])["Body"].read() for item in listed}


def _snapshot(report) -> str:
    return _db.session.scalar(select(ReportSnapshot.sha256).where(ReportSnapshot.report_id == report.id))


def _key(report, extension: str) -> str:
    return f"{PREFIX}/{cache.renderer_version()}/{_snapshot(report)}.{extension}"


def _download(client, report, kind: str = "pdf") -> bytes:
    return client.get(url_for(f"reports.download_{kind}", report_id=report.id)).get_data()


def _kept_pdf(demo, login_as, bucket):  # noqa: F811
    """A signed-off report whose PDF an admin has downloaded: the report, the admin's client, the download, and the
    object's key and bytes."""
    report = _signed_off(demo, login_as)
    admin = login_as(demo.admin)
    right = _download(admin, report)
    key = _key(report, "pdf")
    return report, admin, right, key, _objects(bucket)[key]


def test_the_url_names_the_bucket_and_a_prefix():
    assert parse_url("s3://exports") == ("exports", "")
    assert parse_url("s3://exports/council/highlight/") == ("exports", "council/highlight")
    for wrong in ("https://exports/highlight", "s3:///highlight", "exports"):
        with pytest.raises(ValueError, match="EXPORT_STORE_URL"):
            parse_url(wrong)


def test_a_signed_off_reports_pdf_and_word_are_put_in_the_bucket_once_and_served_from_it(
    demo,  # noqa: F811
    login_as,
    monkeypatch,
    bucket,
):
    report, draws, writes, viewer = _signed_off_and_counted(demo, login_as, monkeypatch)

    first = {kind: _download(viewer, report, kind) for kind in ("pdf", "docx")}
    second = {kind: _download(viewer, report, kind) for kind in ("pdf", "docx")}

    assert second == first
    assert (draws.count, writes.count) == (1, 1)
    objects = _objects(bucket)
    assert sorted(objects) == [_key(report, "docx"), _key(report, "pdf")]
    assert finished(objects[_key(report, "pdf")]) == first["pdf"]
    assert objects[_key(report, "docx")] == first["docx"]
    # The records keep each file's sha256 and size, and no bytes; no server keeps a copy on its disk.
    records = _db.session.execute(
        select(KeptExport.format, KeptExport.sha256, KeptExport.size, KeptExport.content).order_by(KeptExport.format)
    ).all()
    assert [(r.format, r.content) for r in records] == [("docx", None), ("pdf", None)]
    for record in records:
        body = objects[_key(report, record.format)]
        assert (record.sha256, record.size) == (hashlib.sha256(body).hexdigest(), len(body))
    assert not cache.folder().exists()


def test_another_app_server_serves_the_object_without_drawing_it(
    demo,  # noqa: F811
    login_as,
    monkeypatch,
    tmp_path,
    store_settings,
):
    report = _signed_off(demo, login_as)
    first = {kind: _download(login_as(demo.viewer), report, kind) for kind in ("pdf", "docx")}
    other_server = make_test_app(
        _db.engine.url.render_as_string(hide_password=False), tmp_path / "other-server", **store_settings
    )
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    writes = _counted(monkeypatch, "app.exports.docx.render_docx")
    with other_server.app_context():
        viewer = other_server.test_client(user=demo.viewer)
        served = {kind: _download(viewer, report, kind) for kind in ("pdf", "docx")}
        assert not cache.folder().exists()
        _db.session.remove()
    assert served == first
    assert (draws.count, writes.count) == (0, 0)


@pytest.mark.parametrize("damage", ["altered", "truncated", "emptied", "deleted", "swapped for another paper"])
def test_an_object_altered_or_deleted_in_the_bucket_is_never_served_and_is_drawn_again(
    demo,  # noqa: F811
    login_as,
    monkeypatch,
    caplog,
    bucket,
    damage,
):
    report, admin, right, key, whole = _kept_pdf(demo, login_as, bucket)
    client, name = bucket
    if damage == "altered":
        middle = len(whole) // 2
        client.put_object(Bucket=name, Key=key, Body=whole[:middle] + bytes([whole[middle] ^ 1]) + whole[middle + 1 :])
    elif damage == "truncated":
        client.put_object(Bucket=name, Key=key, Body=whole[: len(whole) // 2])
    elif damage == "emptied":
        client.put_object(Bucket=name, Key=key, Body=b"")
    elif damage == "deleted":
        client.delete_object(Bucket=name, Key=key)
    else:
        other = _second_signed_off(demo)
        _download(admin, other)
        client.put_object(Bucket=name, Key=key, Body=_objects(bucket)[_key(other, "pdf")])
    draws = _counted(monkeypatch, "app.exports.pdf.draw")

    with caplog.at_level(logging.WARNING):
        served = _download(admin, report)

    assert served == right
    assert "Business Intelligence highlight report" in _pdf_text(served)
    assert draws.count == 1  # drawn again from the signed snapshot
    expected = "is missing from the store" if damage == "deleted" else "does not match its record"
    assert f"s3://{name}/{key} {expected}" in caplog.text
    assert _objects(bucket)[key] == whole  # put back
    assert _download(admin, report) == right and draws.count == 1
    [record] = _db.session.scalars(select(KeptExport).where(KeptExport.snapshot_sha256 == _snapshot(report))).all()
    assert record.content is None and record.sha256 == hashlib.sha256(whole).hexdigest()


def test_a_file_drawn_by_another_renderer_replaces_the_old_object(demo, login_as, monkeypatch, bucket):  # noqa: F811
    report = _signed_off(demo, login_as)
    model = build_for_report(_db.session, report, date.today())
    assert cache.kept(model, "pdf", lambda: b"%PDF drawn first") == b"%PDF drawn first"
    assert cache.kept(model, "pdf", lambda: b"%PDF never drawn") == b"%PDF drawn first"
    old_key = _key(report, "pdf")
    monkeypatch.setattr(cache, "renderer_version", lambda: "f" * 64)

    assert cache.kept(model, "pdf", lambda: b"%PDF by another renderer") == b"%PDF by another renderer"

    assert _objects(bucket) == {_key(report, "pdf"): b"%PDF by another renderer"}
    assert _key(report, "pdf") != old_key
    [record] = _db.session.scalars(select(KeptExport)).all()
    assert (record.renderer, record.content) == ("f" * 64, None)


def test_the_board_pack_keeps_its_papers_in_the_bucket(demo, login_as, monkeypatch, bucket, fetch_board_pack):  # noqa: F811
    business = _signed_off(demo, login_as)
    youth_justice = _second_signed_off(demo)
    admin = login_as(demo.admin)
    pack = fetch_board_pack(admin, demo.meeting.id)
    assert pack.status_code == 200
    assert sorted(_objects(bucket)) == sorted(_key(report, "pdf") for report in (business, youth_justice))

    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    singles = [_pdf_text(_download(admin, report)) for report in (business, youth_justice)]
    assert draws.count == 0  # the pack kept them in the bucket
    assert "Business Intelligence highlight report" in singles[0] and "Youth Justice" in singles[1]
    assert _db.session.scalars(select(KeptExport.content)).all() == [None, None]


def test_the_store_reuses_one_client_for_the_app(app, store_settings):
    first = cache.kept_files()
    assert isinstance(first, ObjectStore) and cache.kept_files() is first
    assert (first.bucket, first.prefix) == (store_settings["EXPORT_STORE_URL"][5:].split("/", 1)[0], PREFIX)
