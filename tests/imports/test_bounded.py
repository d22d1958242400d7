"""Bounded imports: a hostile workbook gets a clear error on the upload form or from the CLI, never a 500, and
nothing is kept or written; the file is read once and its checked rows serve the preview and the confirmation;
control characters in any cell are refused with the row and column."""

import io
import re
import zipfile

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.models import Milestone, PendingImport
from app.services import importer
from tests.conftest import parse
from tests.factories import make_workstream
from tests.hostile_packages import BILLION_LAUGHS, PLAIN_DOCTYPE, XXE, repack, workbook, zip_bomb

HOSTILE = {
    "zip bomb": (lambda: zip_bomb(workbook(), "xl/worksheets/sheet1.xml", 70), "expands to 70 MB when opened"),
    "tight compression": (
        lambda: zip_bomb(workbook(), "xl/worksheets/sheet1.xml", 8),
        "expands to 8 MB when opened, which is too large to be safe",
    ),
    "external entity": (lambda: repack(workbook(), add=[("xl/sharedStrings.xml", XXE)]), "DOCTYPE"),
    "billion laughs": (lambda: repack(workbook(), add=[("xl/sharedStrings.xml", BILLION_LAUGHS)]), "DOCTYPE"),
    "doctype": (lambda: repack(workbook(), replace={"xl/workbook.xml": PLAIN_DOCTYPE}), "DOCTYPE in xl/workbook.xml"),
    "too many parts": (
        lambda: repack(workbook(), add=[(f"xl/p{i}.bin", b"x") for i in range(1000)]),
        "holds too many parts to be an Excel workbook (.xlsx)",
    ),
    "too large": (lambda: b"PK\x03\x04" + b"\0" * (5 * 2**20), "smaller than 5 MB"),
}


def upload(client, workstream, content: bytes, filename: str = "plan.xlsx"):
    return client.post(
        url_for("imports.upload", workstream_id=workstream.id),
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_workbook_is_refused_on_the_upload_form_and_nothing_is_kept(app, world, login_as, session, case):
    build, message = HOSTILE[case]

    response = upload(login_as(world.a.lead), world.a.workstream, build())

    assert response.status_code == 200
    page = parse(response)
    assert page.title.get_text().startswith("Error:")
    assert message in page.select_one(".govuk-error-summary").get_text()
    assert session.scalar(select(func.count(PendingImport.id))) == 0


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_workbook_is_refused_by_the_cli_and_nothing_is_written(app, tmp_path, case):
    build, message = HOSTILE[case]
    path = tmp_path / "plan.xlsx"
    path.write_bytes(build())

    result = app.test_cli_runner().invoke(args=["import-plan", str(path), "--workstream", "BI"])

    assert result.exit_code == 1
    assert message in result.stderr
    assert "Nothing was imported from plan.xlsx" in result.stderr
    assert db.session.scalar(select(func.count(Milestone.id))) == 0


def test_the_file_is_read_once_and_its_rows_serve_the_preview_and_the_confirmation(
    app, world, login_as, session, monkeypatch
):
    client = login_as(world.a.lead)
    content = workbook()
    preview_url = upload(client, world.a.workstream, content).headers["Location"]
    pending = session.scalar(select(PendingImport))
    assert not hasattr(pending, "content")
    assert "Triage form" in pending.parsed

    def read_again(*args, **kwargs):
        raise AssertionError("the upload was read a second time")

    monkeypatch.setattr(importer, "read_plan_file", read_again)
    page = parse(client.get(preview_url))
    upload_id = page.select_one("input[name=upload]")["value"]
    response = client.post(url_for("imports.confirm", workstream_id=world.a.workstream.id), data={"upload": upload_id})

    assert response.status_code == 303
    # 1.1 exists already, so the kept row updates it.
    session.expire_all()
    assert world.a.milestone.text == "Triage form"


CONTROL_ROWS = (
    "section,reference,milestone,owner_email,due,comments\n"
    "1,1.1,Triage\x00form,,March 2031,Fine\n"
    "1,1.2,Dashboard,,March 2031,Escape \x1b[31m here\n"
    "1. Front\x07door,1.3,Scorecard,,March 2031,\n"
    '1,1.4,"Two\nlines are fine here",,March 2031,\n'
)
CONTROL_PROBLEMS = [
    "Row 2, column milestone: Milestone must not contain control characters (found U+0000)",
    "Row 3, column comments: Comments must not contain control characters (found U+001B)",
    "Row 4, column section: Section must not contain control characters (found U+0007)",
]


def test_control_characters_in_any_cell_are_refused_naming_row_and_column(app, world, login_as):
    client = login_as(world.a.lead)
    response = upload(client, world.a.workstream, CONTROL_ROWS.encode(), "plan.csv")
    page = parse(client.get(response.headers["Location"]))
    problems = [li.get_text(strip=True) for li in page.select(".govuk-error-summary__list li")]
    assert problems == CONTROL_PROBLEMS


def test_control_characters_are_refused_by_the_cli_and_nothing_is_written(app, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(CONTROL_ROWS.encode())
    result = app.test_cli_runner().invoke(args=["import-plan", str(path), "--workstream", "BI"])
    assert result.exit_code == 1
    for problem in CONTROL_PROBLEMS:
        assert problem in result.stderr
    assert db.session.scalar(select(func.count(Milestone.id))) == 0


def _paper() -> bytes:
    from tests.imports.test_report_import import seed_like

    return seed_like()


HOSTILE_PAPERS = {
    "zip bomb": (lambda: zip_bomb(_paper(), "word/document.xml", 70), "expands to 71 MB when opened"),
    "external entity": (lambda: repack(_paper(), replace={"word/styles.xml": XXE}), "DOCTYPE in word/styles.xml"),
    "billion laughs": (
        lambda: repack(_paper(), replace={"word/settings.xml": BILLION_LAUGHS}),
        "DOCTYPE in word/settings.xml",
    ),
    "not a document": (lambda: b"%PDF-1.7 not a docx", "The file is not a Word document (.docx)"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_PAPERS))
def test_a_hostile_word_report_is_refused_on_the_form_and_by_the_cli(app, world, login_as, session, tmp_path, case):
    build, message = HOSTILE_PAPERS[case]
    content = build()
    empty = make_workstream("Gamma", world.programme)
    session.commit()

    response = login_as(world.admin).post(
        url_for("imports.upload", workstream_id=empty.id),
        data={"file": (io.BytesIO(content), "april.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert message in parse(response).select_one(".govuk-error-summary").get_text()
    assert session.scalar(select(func.count(PendingImport.id))) == 0

    path = tmp_path / "april.docx"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["import-report", str(path), "--workstream", "Gamma"])
    assert result.exit_code == 1
    assert message in result.stderr
    assert session.scalar(select(func.count(Milestone.id)).where(Milestone.workstream_id == empty.id)) == 0


def test_a_sheet_is_read_to_its_headers_width_and_ends_at_a_long_blank_run():
    from openpyxl import Workbook

    from app.services.plan_workbook import MAX_BLANK_RUN, read_plan_file

    book = Workbook()
    sheet = book.active
    sheet.title = "milestones"
    sheet.append(["section", "reference", "milestone", "due"])
    sheet.append(["1. Front door", "1.1", "Triage form", "March 2031", "a cell beyond the headings"])
    sheet.cell(row=3 + MAX_BLANK_RUN, column=2, value="9.9")  # below the blank run: not read
    buffer = io.BytesIO()
    book.save(buffer)
    # The sheet also claims to span every column and row Excel has.
    part = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).read("xl/worksheets/sheet1.xml")
    claimed = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', part)
    assert claimed != part
    content = repack(buffer.getvalue(), replace={"xl/worksheets/sheet1.xml": claimed})

    milestones, _ = read_plan_file("plan.xlsx", content)

    assert milestones.rows == [
        (2, {"section": "1. Front door", "reference": "1.1", "milestone": "Triage form", "due": "March 2031"})
    ]
