"""A signed-off report's Word and PDF files are made once and kept under the signed snapshot's sha256, the renderer
and the format, with their own sha256 recorded; the board pack's PDF joins the kept reports behind its cover. Never
another report's file, never an older one, never a copy on disk that differs from its record, whatever it looks
like."""

import hashlib
import io
import logging
from dataclasses import replace
from datetime import date

import pytest
from flask import url_for
from pypdf import PdfReader
from sqlalchemy import delete, func, select, update

from app.domain.permissions import Role
from app.exports import cache
from app.exports import pdf as pdf_export
from app.exports.pdf import render_pdf
from app.exports.pdf_pages import finished
from app.extensions import db
from app.models import KeptExport, PreparedPack, ReportSnapshot
from app.services.report_model import build_for_report
from app.services.reports import create_report, sign_off_report, submit_report
from tests.conftest import make_test_app
from tests.factories import add_member, make_milestone, make_section, make_workstream
from tests.reports.conftest import demo, refresh, sign_off, submit  # noqa: F401  (the demo fixture)


class Calls:
    """Counts the calls of a function it stands in for, and calls it."""

    def __init__(self, function):
        self.function, self.count = function, 0

    def __call__(self, *args, **kwargs):
        self.count += 1
        return self.function(*args, **kwargs)


def _counted(monkeypatch, target: str) -> Calls:
    module, name = target.rsplit(".", 1)
    calls = Calls(getattr(__import__(module, fromlist=[name]), name))
    monkeypatch.setattr(target, calls)
    return calls


def _signed_off(demo, login_as):  # noqa: F811
    submit(login_as(demo.lead), demo.report)
    sign_off(login_as(demo.sponsor), demo.report)
    return refresh(demo.report)


def _second_signed_off(demo):  # noqa: F811
    """Another workstream of the programme, with its own report for the same meeting, signed off."""
    workstream = make_workstream("Youth Justice", demo.workstream.programme)
    add_member(demo.lead, workstream, Role.LEAD)
    add_member(demo.sponsor, workstream, Role.SPONSOR)
    make_milestone(make_section(workstream, 1, "Front door"), "1.1", text="Open the family hub")
    report = create_report(db.session, demo.lead, workstream, demo.meeting)
    snapshot = submit_report(db.session, demo.lead, report)
    sign_off_report(db.session, demo.sponsor, report, snapshot.id)
    db.session.commit()
    return report


def _signed_off_and_counted(demo, login_as, monkeypatch):  # noqa: F811
    """The report signed off, its PDF drawings and Word writings counted from now on, and a viewer to fetch them."""
    report = _signed_off(demo, login_as)
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    writes = _counted(monkeypatch, "app.exports.docx.render_docx")
    return report, draws, writes, login_as(demo.viewer)


def _both_signed_off(demo, login_as):  # noqa: F811
    """Both workstreams' reports for the meeting signed off, and the admin who reads them (and their pack)."""
    return _signed_off(demo, login_as), _second_signed_off(demo), login_as(demo.admin)


def _kept(extension: str) -> list:
    folder = cache.folder()
    return sorted(folder.glob(f"*.{extension}")) if folder.exists() else []


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_a_signed_off_reports_pdf_and_word_are_made_once_then_served_as_kept(demo, login_as, monkeypatch):  # noqa: F811
    report, draws, writes, viewer = _signed_off_and_counted(demo, login_as, monkeypatch)

    def download() -> dict[str, bytes]:
        urls = {kind: url_for(f"reports.download_{kind}", report_id=report.id) for kind in ("pdf", "docx")}
        return {kind: viewer.get(url).get_data() for kind, url in urls.items()}

    first = download()
    second = download()
    assert second == first
    assert (draws.count, writes.count) == (1, 1)
    [kept_pdf], [kept_docx] = _kept("pdf"), _kept("docx")
    # The PDF is kept as drawn, and numbered as it is served (so that a board pack can number it again).
    assert finished(kept_pdf.read_bytes()) == first["pdf"]
    assert kept_docx.read_bytes() == first["docx"]
    assert "Business Intelligence" in _pdf_text(first["pdf"])
    snapshot = db.session.scalar(select(ReportSnapshot.sha256).where(ReportSnapshot.report_id == report.id))
    records = db.session.scalars(select(KeptExport).order_by(KeptExport.format)).all()
    assert [(r.snapshot_sha256, r.renderer, r.format) for r in records] == [
        (snapshot, cache.renderer_version(), "docx"),
        (snapshot, cache.renderer_version(), "pdf"),
    ]
    drawn = {"docx": kept_docx.read_bytes(), "pdf": kept_pdf.read_bytes()}
    assert [r.sha256 for r in records] == [hashlib.sha256(drawn[kind]).hexdigest() for kind in ("docx", "pdf")]
    assert kept_pdf.name == f"{snapshot}.pdf"


def test_a_report_that_is_not_signed_off_is_made_every_time_and_never_kept(demo, login_as, monkeypatch):  # noqa: F811
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    lead = login_as(demo.lead)
    assert lead.get(url_for("reports.download_pdf", report_id=demo.report.id)).status_code == 200  # a draft
    submit(lead, demo.report)  # frozen, but not signed off yet: it may still be returned
    assert lead.get(url_for("reports.download_pdf", report_id=demo.report.id)).status_code == 200
    assert draws.count == 2
    assert _kept("pdf") == []


def test_each_signed_off_report_has_its_own_file(demo, login_as):  # noqa: F811
    business, youth_justice, admin = _both_signed_off(demo, login_as)
    first = _pdf_text(admin.get(url_for("reports.download_pdf", report_id=business.id)).get_data())
    second = _pdf_text(admin.get(url_for("reports.download_pdf", report_id=youth_justice.id)).get_data())
    assert len(_kept("pdf")) == 2
    assert "Business Intelligence highlight report" in first and "Youth Justice" not in first
    assert "Youth Justice highlight report" in second and "Business Intelligence" not in second
    again = _pdf_text(admin.get(url_for("reports.download_pdf", report_id=business.id)).get_data())
    assert again == first


@pytest.mark.parametrize("damage", ["truncated", "altered", "missing", "empty"])
def test_a_damaged_or_missing_copy_is_restored_from_its_record(demo, login_as, monkeypatch, caplog, damage):  # noqa: F811
    report = _signed_off(demo, login_as)
    viewer = login_as(demo.viewer)
    url = url_for("reports.download_pdf", report_id=report.id)
    body = viewer.get(url).get_data()
    [kept] = _kept("pdf")
    whole = kept.read_bytes()
    if damage == "truncated":
        kept.write_bytes(whole[: len(whole) // 2])
    elif damage == "altered":
        middle = len(whole) // 2
        kept.write_bytes(whole[:middle] + bytes([whole[middle] ^ 1]) + whole[middle + 1 :])
    elif damage == "missing":
        kept.unlink()
    else:
        kept.write_bytes(b"")
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    with caplog.at_level(logging.WARNING):
        assert viewer.get(url).get_data() == body
    assert draws.count == 0  # the recorded bytes, checked against their sha256
    assert kept.read_bytes() == whole  # whole again
    assert ("does not match its record" in caplog.text) is (damage != "missing")
    assert viewer.get(url).get_data() == body and draws.count == 0


@pytest.mark.parametrize("disguise", ["as it is", "with a check line of its own"])
def test_a_kept_pdf_swapped_for_another_is_never_served(demo, login_as, caplog, disguise):  # noqa: F811
    """Another whole, valid paper put in its place (another report's kept PDF, even one that starts with a correct
    sha256 line of its own, as kept files once did): the right paper is served, and the swap is logged."""
    business, youth_justice, admin = _both_signed_off(demo, login_as)
    right = admin.get(url_for("reports.download_pdf", report_id=business.id)).get_data()
    other = admin.get(url_for("reports.download_pdf", report_id=youth_justice.id)).get_data()
    path = next(p for p in _kept("pdf") if finished(p.read_bytes()) == right)
    drawn = path.read_bytes()
    forged = other if disguise == "as it is" else hashlib.sha256(other).hexdigest().encode() + b"\n" + other
    path.write_bytes(forged)
    with caplog.at_level(logging.WARNING):
        served = admin.get(url_for("reports.download_pdf", report_id=business.id)).get_data()
    assert served == right
    text = _pdf_text(served)
    assert "Business Intelligence highlight report" in text and "Youth Justice" not in text
    assert f"{path} does not match its record" in caplog.text
    assert path.read_bytes() == drawn


def test_recorded_bytes_that_fail_their_sha256_are_drawn_again(demo, login_as, monkeypatch, caplog):  # noqa: F811
    report = _signed_off(demo, login_as)
    viewer = login_as(demo.viewer)
    url = url_for("reports.download_pdf", report_id=report.id)
    right = viewer.get(url).get_data()
    [kept] = _kept("pdf")
    kept.write_bytes(b"%PDF-1.7 not this one")
    db.session.execute(update(KeptExport).values(content=b"%PDF-1.7 nor this one"))
    db.session.commit()
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    with caplog.at_level(logging.WARNING):
        assert viewer.get(url).get_data() == right
    assert draws.count == 1
    assert "the recorded bytes do not match their sha256 either" in caplog.text
    db.session.expire_all()
    [record] = db.session.scalars(select(KeptExport)).all()
    assert record.content == kept.read_bytes() and finished(record.content) == right


def test_another_app_server_serves_the_recorded_file_without_drawing_it(demo, login_as, monkeypatch, tmp_path):  # noqa: F811
    report = _signed_off(demo, login_as)
    first = login_as(demo.viewer).get(url_for("reports.download_pdf", report_id=report.id)).get_data()
    other_server = make_test_app(db.engine.url.render_as_string(hide_password=False), tmp_path / "other-server")
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    with other_server.app_context():
        served = other_server.test_client(user=demo.viewer).get(url_for("reports.download_pdf", report_id=report.id))
        assert served.get_data() == first
        kept = cache.path_for(build_for_report(db.session, report, date.today()), "pdf").read_bytes()
        assert finished(kept) == first
        db.session.remove()
    assert draws.count == 0


def test_a_file_is_drawn_again_for_another_renderer_or_signer_and_replaces_its_record(demo, login_as, monkeypatch):  # noqa: F811
    report = _signed_off(demo, login_as)
    model = build_for_report(db.session, report, date(2030, 1, 1))
    assert cache.view_sha256(build_for_report(db.session, report, date(2031, 1, 1))) == cache.view_sha256(model)
    first = cache.kept(model, "pdf", lambda: b"%PDF drawn first")
    assert cache.kept(model, "pdf", lambda: b"%PDF never drawn") == first
    renamed = replace(model, signed_off=replace(model.signed_off, by="Someone Else"))
    assert cache.kept(renamed, "pdf", lambda: b"%PDF with the new name") == b"%PDF with the new name"
    monkeypatch.setattr(cache, "renderer_version", lambda: "f" * 64)
    assert cache.kept(renamed, "pdf", lambda: b"%PDF by another renderer") == b"%PDF by another renderer"
    [record] = db.session.scalars(select(KeptExport)).all()
    assert (record.renderer, record.content) == ("f" * 64, b"%PDF by another renderer")
    assert db.session.scalar(select(func.count(KeptExport.id))) == 1


def test_the_renderer_version_follows_the_export_code(tmp_path, monkeypatch):
    project = tmp_path / "project"
    for name in cache.RENDERER_SOURCES:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(name)
    monkeypatch.setattr(cache, "__file__", str(project / "app/exports/cache.py"))
    cache.renderer_version.cache_clear()
    try:
        before = cache.renderer_version()
        cache.renderer_version.cache_clear()
        (project / "app/exports/html.py").write_text("PRINT_CSS = 'changed'")
        assert cache.renderer_version() != before
    finally:
        cache.renderer_version.cache_clear()


def test_the_board_pack_joins_the_kept_reports_behind_its_cover(
    demo,  # noqa: F811
    login_as,
    monkeypatch,
    fetch_board_pack,
):
    business, youth_justice, admin = _both_signed_off(demo, login_as)
    url = url_for("reports.board_pack_pdf", meeting_id=demo.meeting.id)
    pack = fetch_board_pack(admin, demo.meeting.id).get_data()  # both reports drawn side by side, then kept
    assert len(_kept("pdf")) == 2

    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    singles = [admin.get(url_for("reports.download_pdf", report_id=r.id)).get_data() for r in (business, youth_justice)]
    assert draws.count == 0  # the pack kept them
    assert singles == [render_pdf([build_for_report(db.session, r, date.today())]) for r in (business, youth_justice)]
    draws.count = 0

    assert admin.get(url).get_data() == pack  # the pack drawn once, kept
    assert draws.count == 0
    db.session.execute(delete(PreparedPack))
    db.session.commit()
    assert fetch_board_pack(admin, demo.meeting.id).get_data() == pack
    assert draws.count == 1  # drawn again: the cover and contents only
    text = _pdf_text(pack)
    assert "board pack" in text and "Business Intelligence highlight report" in text and "Open the family hub" in text
    assert (
        text.index("board pack")
        < text.index("Business Intelligence highlight report")
        < text.index("Youth Justice highlight report")
    )
    front_pages = _pages(pack) - sum(_pages(single) for single in singles)
    assert front_pages == 2  # the cover, then the contents
    reader = PdfReader(io.BytesIO(pack))
    assert "board pack" in reader.metadata.title and reader.trailer["/Root"]["/Lang"] == "en-GB"
    bookmarks = [entry["/Title"] for entry in reader.outline if not isinstance(entry, list)]
    assert [title.rsplit(" 2021", 1)[-1] for title in bookmarks] == [
        ": board pack",
        " Business Intelligence highlight report",
        " Youth Justice highlight report",
    ]


def test_the_pack_draws_its_reports_here_when_worker_processes_cannot_start(
    demo,  # noqa: F811
    login_as,
    monkeypatch,
    fetch_board_pack,
):
    _signed_off(demo, login_as)
    _second_signed_off(demo)

    def no_processes(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(pdf_export, "ProcessPoolExecutor", no_processes)
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    pack = fetch_board_pack(login_as(demo.admin), demo.meeting.id)
    assert pack.status_code == 200
    assert draws.count == 3  # the cover with the contents, and both reports, in this process
    assert "Open the family hub" in _pdf_text(pack.get_data())
