"""The Word export writes its tables as XML text: whatever a cell holds reads back as written, markup included."""

import io
from dataclasses import replace
from datetime import date

from docx import Document

from app.exports.docx import render_docx
from app.extensions import db
from app.services.report_model import build_for_report
from tests.reports.conftest import demo  # noqa: F401  (the demo fixture)


def test_cell_text_reads_back_as_written(demo):  # noqa: F811
    model = build_for_report(db.session, demo.report, date(2030, 1, 1))
    awkward = "  Line one & <b>two</b>\nLine\tthree \"quoted\" 'too'\x0b "
    first = model.sections[0]
    milestone = first.milestones[0]._replace(comments=awkward, milestone="Milestone ]]> & <end>")
    section = replace(first, milestones=(milestone, *first.milestones[1:]), barriers="- <one>\n- two & three")
    model = replace(model, sections=(section, *model.sections[1:]))

    document = Document(io.BytesIO(render_docx([model])))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Reference")
    row = next(r for r in table.rows if r.cells[0].text == milestone.reference)
    assert row.cells[1].text == "Milestone ]]> & <end>"
    assert row.cells[5].text == "  Line one & <b>two</b>\nLine\tthree \"quoted\" 'too' "  # \x0b cannot be in XML
    assert row.cells[0].paragraphs[0].runs[0].bold and not row.cells[1].paragraphs[0].runs[0].bold
    barriers = next(t for t in document.tables if t.rows[0].cells[0].text == "Potential Barriers").rows[1].cells[0]
    assert [(p.text, p.style.name) for p in barriers.paragraphs] == [
        ("<one>", "List Bullet"),
        ("two & three", "List Bullet"),
    ]
