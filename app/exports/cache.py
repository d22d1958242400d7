"""Rendered Word and PDF files of signed-off reports, kept in the instance folder and served again unrendered.

Why a kept file is always the right one:

- Only signed-off reports are kept. A signed-off report never changes: its snapshot is hashed, and the database
  refuses changes to it, its narratives and its snapshot.
- A file is named by the sha256 of everything its rendering reads: the renderer (``renderer_version``: a digest of
  the export code, the print templates and the rendering libraries' versions) and the whole view-model, in the
  document form that ``from_document`` turns back into the same model. Another report, another snapshot, a renamed
  signer or changed export code gives another name, so a name never holds another or an older document.
- Each file starts with the sha256 of the bytes that follow. A file that fails that check (truncated, corrupt) is
  rendered again and replaced; one that cannot be read or written is rendered as if it were not kept.
- Files are written under a temporary name in the same folder, then renamed over the final name (atomic on POSIX),
  so a reader never sees half a file, and two workers rendering the same report at once both write a whole one.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from pathlib import Path

from flask import current_app

from app.domain.reports import ReportState
from app.services.report_model import ReportModel, canonical_json, to_document

log = logging.getLogger(__name__)

# Raise when the output changes for a reason the digest below cannot see (e.g. the fonts the PDF embeds).
RENDERER_REVISION = 1
# What shapes the files, besides the view-model: relative to the project folder.
RENDERER_SOURCES = (
    "app/exports/cache.py",
    "app/exports/docx.py",
    "app/exports/docx_layout.py",
    "app/exports/html.py",
    "app/exports/paper.py",
    "app/exports/pdf.py",
    "app/exports/pdf_pages.py",
    "app/services/report_model/model.py",
    "app/services/report_model/live.py",
    "app/services/report_model/document.py",
    "app/services/report_model/snapshots.py",
    "app/services/report_model/board_pack.py",
    "app/domain/reports.py",
    "app/domain/dates.py",
    "app/web/dates.py",
    "templates/reports/print.html",
    "templates/reports/_paper.html",
    "static/print.css",
)
RENDERER_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "python-docx", "lxml", "pikepdf")
FOLDER = "exports"
_CHECK = 64  # hex characters of the sha256 line that starts each file


@cache
def renderer_version() -> str:
    """A digest of the renderer: it changes whenever the export code, the print templates or a library does."""
    project = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(f"revision {RENDERER_REVISION}\n".encode())
    for name in RENDERER_SOURCES:
        digest.update(f"{name}\n".encode() + (project / name).read_bytes())
    for library in RENDERER_LIBRARIES:
        digest.update(f"{library} {version(library)}\n".encode())
    return digest.hexdigest()


def cache_key(model: ReportModel, extension: str) -> str:
    """The sha256 of the renderer, the format and the whole view-model."""
    document = canonical_json(to_document(model))
    return hashlib.sha256(f"{renderer_version()}\n{extension}\n{document}".encode()).hexdigest()


def folder() -> Path:
    """This renderer's folder under the instance folder (the renderer's version names it)."""
    instance = Path(current_app.config.get("INSTANCE_DIR") or current_app.instance_path)
    return instance / FOLDER / renderer_version()[:16]


def keeps(model: ReportModel) -> bool:
    """Whether the report's files are kept: signed off, so never to change."""
    return model.state == ReportState.SIGNED_OFF.value and model.signed_off is not None


def path_for(model: ReportModel, extension: str) -> Path:
    return folder() / f"{cache_key(model, extension)}.{extension}"


def load(model: ReportModel, extension: str) -> bytes | None:
    """The kept file's bytes if there is a whole one, else None."""
    if not keeps(model):
        return None
    path = path_for(model, extension)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        log.warning("kept export %s cannot be read: %s", path, error)
        return None
    check, body = data[:_CHECK], data[_CHECK + 1 :]
    if data[_CHECK : _CHECK + 1] != b"\n" or check.decode("ascii", "replace") != hashlib.sha256(body).hexdigest():
        log.warning("kept export %s fails its check; rendering it again", path)
        return None
    return body


def store(model: ReportModel, extension: str, body: bytes) -> None:
    """Keep ``body`` for a signed-off report: a temporary file in the same folder, renamed into place."""
    if not keeps(model):
        return
    path = path_for(model, extension)
    temporary = None
    try:
        _prune_other_renderers(path.parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        with os.fdopen(handle, "wb") as part:
            part.write(hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
        os.replace(temporary, path)
    except OSError as error:
        log.warning("export %s cannot be kept: %s", path, error)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def kept(model: ReportModel, extension: str, render: Callable[[], bytes]) -> bytes:
    """The report's file: the kept one when there is one, else rendered (and kept if the report is signed off)."""
    body = load(model, extension)
    if body is None:
        body = render()
        store(model, extension, body)
    return body


def _prune_other_renderers(current: Path) -> None:
    """Remove the folders of earlier renderers when this one's is first made: nothing will read them again."""
    if current.exists() or not current.parent.exists():
        return
    for other in current.parent.iterdir():
        if other.is_dir() and other != current:
            shutil.rmtree(other, ignore_errors=True)
