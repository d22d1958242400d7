"""PDF of a report or a board pack, drawn by WeasyPrint from the print layout."""

from __future__ import annotations

import hashlib
import logging

from weasyprint import CSS, HTML

from app.exports.html import PRINT_CSS, render_print_html
from app.services.report_model import BoardPack, ReportModel

# WeasyPrint logs each layout step at INFO; one line per page of every PDF drowns the application's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(models: list[ReportModel], *, pack: BoardPack | None = None) -> bytes:
    """The PDF bytes. The same view-model always gives the same bytes (fixed metadata dates and identifier).

    Needs an application context.
    """
    html = render_print_html(models, pack=pack)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=PRINT_CSS)], pdf_identifier=identifier)
