"""A signed-off report's Word and PDF files are made once and kept by content hash; the board pack's PDF joins the
kept reports behind its cover. Never another report's file, never an older one, and a damaged one is made again."""

import io
from dataclasses import replace
from datetime import date

import pytest
from flask import url_for
from pypdf import PdfReader

from app.domain.permissions import Role
from app.exports import cache
from app.exports import pdf as pdf_export
from app.exports.pdf import render_pdf
from app.exports.pdf_pages import finished
from app.extensions import db
from app.services.report_model import build_for_report
from app.services.reports import create_report, sign_off_report, submit_report
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


def _kept(extension: str) -> list:
    folder = cache.folder()
    return sorted(folder.glob(f"*.{extension}")) if folder.exists() else []


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_a_signed_off_reports_pdf_and_word_are_made_once_then_served_as_kept(demo, login_as, monkeypatch):  # noqa: F811
    report = _signed_off(demo, login_as)
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    writes = _counted(monkeypatch, "app.exports.docx.render_docx")
    viewer = login_as(demo.viewer)

    def download() -> dict[str, bytes]:
        urls = {kind: url_for(f"reports.download_{kind}", report_id=report.id) for kind in ("pdf", "docx")}
        return {kind: viewer.get(url).get_data() for kind, url in urls.items()}

    first = download()
    second = download()
    assert second == first
    assert (draws.count, writes.count) == (1, 1)
    [kept_pdf], [kept_docx] = _kept("pdf"), _kept("docx")
    # The PDF is kept as drawn, and numbered as it is served (so that a board pack can number it again).
    assert finished(kept_pdf.read_bytes().split(b"\n", 1)[1]) == first["pdf"]
    assert kept_docx.read_bytes().endswith(first["docx"])
    assert "Business Intelligence" in _pdf_text(first["pdf"])


def test_a_report_that_is_not_signed_off_is_made_every_time_and_never_kept(demo, login_as, monkeypatch):  # noqa: F811
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    lead = login_as(demo.lead)
    assert lead.get(url_for("reports.download_pdf", report_id=demo.report.id)).status_code == 200  # a draft
    submit(lead, demo.report)  # frozen, but not signed off yet: it may still be returned
    assert lead.get(url_for("reports.download_pdf", report_id=demo.report.id)).status_code == 200
    assert draws.count == 2
    assert _kept("pdf") == []


def test_each_signed_off_report_has_its_own_file(demo, login_as):  # noqa: F811
    business = _signed_off(demo, login_as)
    youth_justice = _second_signed_off(demo)
    admin = login_as(demo.admin)
    first = _pdf_text(admin.get(url_for("reports.download_pdf", report_id=business.id)).get_data())
    second = _pdf_text(admin.get(url_for("reports.download_pdf", report_id=youth_justice.id)).get_data())
    assert len(_kept("pdf")) == 2
    assert "Business Intelligence highlight report" in first and "Youth Justice" not in first
    assert "Youth Justice highlight report" in second and "Business Intelligence" not in second
    again = _pdf_text(admin.get(url_for("reports.download_pdf", report_id=business.id)).get_data())
    assert again == first


@pytest.mark.parametrize("damage", ["truncated", "altered", "missing", "empty"])
def test_a_damaged_or_missing_kept_file_is_made_again(demo, login_as, monkeypatch, damage):  # noqa: F811
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
    assert viewer.get(url).get_data() == body
    assert draws.count == 1
    assert kept.read_bytes() == whole  # whole again
    assert viewer.get(url).get_data() == body and draws.count == 1


def test_the_key_changes_with_anything_the_file_shows_and_with_the_renderer(demo, login_as, monkeypatch):  # noqa: F811
    report = _signed_off(demo, login_as)
    model = build_for_report(db.session, report, date(2030, 1, 1))
    key = cache.cache_key(model, "pdf")
    assert cache.cache_key(build_for_report(db.session, report, date(2031, 1, 1)), "pdf") == key
    renamed_signer = replace(model, signed_off=replace(model.signed_off, by="Someone Else"))
    other_milestone = replace(model, sections=(replace(model.sections[0], title="Another title"), *model.sections[1:]))
    assert cache.cache_key(renamed_signer, "pdf") != key
    assert cache.cache_key(other_milestone, "pdf") != key
    assert cache.cache_key(model, "docx") != key
    monkeypatch.setattr(cache, "renderer_version", lambda: "another renderer")
    assert cache.cache_key(model, "pdf") != key


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


def test_the_board_pack_joins_the_kept_reports_behind_its_cover(demo, login_as, monkeypatch):  # noqa: F811
    business = _signed_off(demo, login_as)
    youth_justice = _second_signed_off(demo)
    admin = login_as(demo.admin)
    url = url_for("reports.board_pack_pdf", meeting_id=demo.meeting.id)
    pack = admin.get(url).get_data()  # both reports drawn side by side in worker processes, then kept
    assert len(_kept("pdf")) == 2

    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    singles = [admin.get(url_for("reports.download_pdf", report_id=r.id)).get_data() for r in (business, youth_justice)]
    assert draws.count == 0  # the pack kept them
    assert singles == [render_pdf([build_for_report(db.session, r, date.today())]) for r in (business, youth_justice)]
    draws.count = 0

    assert admin.get(url).get_data() == pack
    assert draws.count == 1  # the cover and contents only
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


def test_the_pack_draws_its_reports_here_when_worker_processes_cannot_start(demo, login_as, monkeypatch):  # noqa: F811
    _signed_off(demo, login_as)
    _second_signed_off(demo)

    def no_processes(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(pdf_export, "ProcessPoolExecutor", no_processes)
    draws = _counted(monkeypatch, "app.exports.pdf.draw")
    pack = login_as(demo.admin).get(url_for("reports.board_pack_pdf", meeting_id=demo.meeting.id))
    assert pack.status_code == 200
    assert draws.count == 3  # the cover with the contents, and both reports, in this process
    assert "Open the family hub" in _pdf_text(pack.get_data())
