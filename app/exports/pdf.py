"""PDF of a report or a board pack, drawn by WeasyPrint from the print layout."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache as cache_function

from weasyprint import CSS, HTML

from app.exports import cache, paper
from app.exports.html import print_css, render_print_html
from app.exports.pdf_pages import finish, finished, join, page_count
from app.services.report_model import BoardPack, ReportModel

log = logging.getLogger(__name__)
# WeasyPrint logs each layout step at INFO; one line per page of every PDF drowns the application's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# Processes a board pack's missing reports are drawn in at once (each report is one process's work).
MAX_PROCESSES = 4
# Tagged, with the title shown and the language set: a public body's published PDFs must be accessible.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(models: list[ReportModel], *, pack: BoardPack | None = None) -> bytes:
    """The PDF bytes of one document, finished (app.exports.pdf_pages): header cells scoped, pages numbered.
    The same view-model always gives the same bytes (fixed metadata dates and identifier).

    Needs an application context.
    """
    return finished(draw(render_print_html(models, pack=pack)))


@cache_function
def _stylesheet() -> CSS:
    return CSS(string=print_css())


def draw(html: str) -> bytes:
    """The tagged PDF (PDF/UA-1) of a print layout document, without page numbers; needs no application context
    (board packs draw in other processes)."""
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return HTML(string=html).write_pdf(stylesheets=[_stylesheet()], pdf_identifier=identifier, pdf_variant=PDF_VARIANT)


def kept_pdf(model: ReportModel) -> bytes:
    """The paper's drawn PDF, unnumbered; a signed-off report's is drawn once and kept (app.exports.cache): one
    file serves its own download and every board pack it is in."""
    return cache.kept(model, paper.kept_kind("pdf"), lambda: draw(render_print_html([model])))


def report_pdf(model: ReportModel) -> bytes:
    """One report's PDF, finished: header cells scoped, pages numbered."""
    return finished(kept_pdf(model))


def board_pack_pdf(pack: BoardPack, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The cover, a contents page, then each signed-off report as drawn for its own download, joined into one
    tagged file and numbered "Page n of N" across the whole pack.

    Kept reports are reused; the missing ones are drawn side by side in worker processes, then kept (served
    unkept if the store is unavailable), and
    ``progress(drawn, missing)`` hears of each as it is kept. The contents page needs each report's first page, so
    the cover and contents are drawn last, once the reports' lengths are known (again only if the contents run
    longer than guessed).
    """
    models = pack.models
    kind = paper.kept_kind("pdf")
    keeper = cache.Keeper()  # one for the pack: a store that fails is asked nothing more
    parts = keeper.load_all(models, kind)
    missing = [index for index, part in enumerate(parts) if part is None]
    if progress is not None:
        progress(0, len(missing))
    drawn = _draw_all([render_print_html([models[index]]) for index in missing])
    for done, (index, body) in enumerate(zip(missing, drawn, strict=True), start=1):
        parts[index] = keeper.store(models[index], kind, body)
        if progress is not None:
            progress(done, len(missing))
    lengths = [page_count(part) for part in parts]
    front_pages = 2 if models else 1  # the cover, and the contents when there is a report
    for _ in range(3):  # the page count of the front matter does not depend on the numbers it lists
        front = draw(render_print_html([], pack=pack, contents=_contents(models, lengths, front_pages)))
        drawn_pages = page_count(front)
        if drawn_pages == front_pages:
            break
        front_pages = drawn_pages
    return finish(join([front, *parts]))


def _contents(models: list[ReportModel], lengths: list[int], front_pages: int) -> list[tuple[str, int]]:
    """Each paper's title and the page it starts on, after ``front_pages`` pages of cover and contents."""
    contents, page = [], front_pages + 1
    for model, length in zip(models, lengths, strict=True):
        contents.append((paper.title(model), page))
        page += length
    return contents


def _draw_all(documents: list[str]) -> Iterator[bytes]:
    """Draw each document, yielding each in order as it is done; several at once in worker processes, one per core
    (up to MAX_PROCESSES).

    A report takes seconds of CPU in WeasyPrint, all of it in one process, and a board pack has one per
    workstream: on two cores, two at a time halve the wait for a pack whose reports are not kept yet.
    """
    processes = min(len(documents), MAX_PROCESSES, len(os.sched_getaffinity(0)))
    drawn = 0
    if processes > 1:
        try:
            # The workers are forked from a fresh server process, not from this one: this process's database
            # connections and threads are never copied into them, and WeasyPrint is imported there once.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            with ProcessPoolExecutor(processes, mp_context=context) as pool:
                for body in pool.map(draw, documents):
                    drawn += 1
                    yield body
                return
        except (BrokenProcessPool, OSError) as error:
            log.warning("drawing PDFs in worker processes failed (%s); drawing the rest here", error)
            documents = documents[drawn:]
    for document in documents:
        yield draw(document)
