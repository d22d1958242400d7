"""The print layout: one report, or a board pack (cover and reports), as a standalone A4 HTML document."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app

from app.exports import paper
from app.services.report_model import BoardPack, ReportModel

# The paper's own stylesheet, for saved files and the PDF (the print page links the same file).
PRINT_CSS_PATH = Path(__file__).resolve().parents[2] / "static" / "print.css"


@cache
def print_css() -> str:
    """The text of the paper's stylesheet, read once."""
    return PRINT_CSS_PATH.read_text(encoding="utf-8")


def document_title(models: list[ReportModel], pack: BoardPack | None) -> str:
    if pack is not None:
        return f"{pack.programme}: {pack.meeting_name}, {pack.meeting_label} board pack"
    model = models[0]
    meeting = f" for {model.meeting_name}, {model.meeting_label}" if model.meeting_name else ""
    return f"{paper.title(model)}{meeting}"


def document_date(models: list[ReportModel], pack: BoardPack | None) -> str | None:
    """A fixed date for the document's metadata, so a frozen report renders the same bytes every time."""
    if pack is not None:
        return pack.meeting_date.isoformat()
    model = models[0]
    if model.signed_off:
        return model.signed_off.at.date().isoformat()
    if model.submitted:
        return model.submitted.at.date().isoformat()
    return model.as_of.isoformat()


def render_print_html(
    models: list[ReportModel],
    *,
    pack: BoardPack | None = None,
    stylesheet_href: str | None = None,
    inline_css: bool = False,
    contents: list[tuple[str, int]] | None = None,
) -> str:
    """Render the print layout. Link the stylesheet (for the browser) or embed it (for a saved file).
    ``contents``: the board pack's (title, first page) of each paper, for its contents page.

    Needs an application context (templates and the static folder), not a request: the CLI renders it too.
    """
    return current_app.jinja_env.get_template("reports/print.html").render(
        reports=models,
        pack=pack,
        stylesheet_href=stylesheet_href,
        inline_css=print_css() if inline_css else None,
        contents=contents,
        document_title=document_title(models, pack),
        document_date=document_date(models, pack),
    )
