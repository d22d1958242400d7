"""PDF of a report or a board pack, drawn by WeasyPrint from the print layout."""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from weasyprint import CSS, HTML

from app.exports import cache
from app.exports.html import PRINT_CSS, render_print_html
from app.services.report_model import BoardPack, ReportModel

log = logging.getLogger(__name__)
# WeasyPrint logs each layout step at INFO; one line per page of every PDF drowns the application's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# Processes a board pack's missing reports are drawn in at once (each report is one process's work).
MAX_PROCESSES = 4


def render_pdf(models: list[ReportModel], *, pack: BoardPack | None = None) -> bytes:
    """The PDF bytes of one document. The same view-model always gives the same bytes (fixed metadata dates and
    identifier).

    Needs an application context.
    """
    return draw(render_print_html(models, pack=pack))


def draw(html: str) -> bytes:
    """The PDF of a print layout document; needs no application context (board packs draw in other processes)."""
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=PRINT_CSS)], pdf_identifier=identifier)


def report_pdf(model: ReportModel) -> bytes:
    """One report's PDF; a signed-off report's is drawn once and kept (app.exports.cache)."""
    return cache.kept(model, "pdf", lambda: render_pdf([model]))


def board_pack_pdf(pack: BoardPack) -> bytes:
    """The cover (its title and date are the pack's), then each signed-off report's own PDF, joined into one file.

    Each report is the same PDF as its own download, numbered page 1 of n: kept ones are reused, and the missing
    ones are drawn side by side in worker processes, then kept.
    """
    models = pack.models
    parts = cache.load_all(models, "pdf")
    missing = [index for index, part in enumerate(parts) if part is None]
    drawn = _draw_all([render_print_html([models[index]]) for index in missing])
    for index, body in zip(missing, drawn, strict=True):
        parts[index] = cache.store(models[index], "pdf", body)
    return _join([render_pdf([], pack=pack), *parts])


def _draw_all(documents: list[str]) -> list[bytes]:
    """Draw each document; several at once in worker processes, one per core (up to MAX_PROCESSES).

    A report takes seconds of CPU in WeasyPrint, all of it in one process, and a board pack has one per
    workstream: on two cores, two at a time halve the wait for a pack whose reports are not kept yet.
    """
    processes = min(len(documents), MAX_PROCESSES, len(os.sched_getaffinity(0)))
    if processes > 1:
        try:
            # The workers are forked from a fresh server process, not from this one: this process's database
            # connections and threads are never copied into them, and WeasyPrint is imported there once.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            with ProcessPoolExecutor(processes, mp_context=context) as pool:
                return list(pool.map(draw, documents))
        except (BrokenProcessPool, OSError) as error:
            log.warning("drawing PDFs in worker processes failed (%s); drawing them here", error)
    return [draw(document) for document in documents]


def _join(parts: list[bytes]) -> bytes:
    """One PDF of the parts in order, with their bookmarks; the first part's title, dates and language."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    first = PdfReader(io.BytesIO(parts[0]))
    writer.add_metadata(dict(first.metadata or {}))
    if "/Lang" in first.root_object:
        writer.root_object[NameObject("/Lang")] = TextStringObject(first.root_object["/Lang"])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
