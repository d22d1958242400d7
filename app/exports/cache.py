"""Rendered Word and PDF files of signed-off reports, kept and served again unrendered, only as what was signed.

Why a kept file is always the right one:

- Only signed-off reports are kept. A signed-off report never changes: its snapshot is hashed, and the database
  refuses changes to it, its narratives and its snapshot.
- Each file is recorded in the database (``kept_exports``) under the signed snapshot's sha256, the renderer
  (``renderer_version``: a digest of the export code, the print templates and the rendering libraries' versions)
  and the format, with the sha256 of the file's own bytes and of the whole view-model it was drawn from (which adds
  the signer's name to the snapshot). Another snapshot, renderer or format is another record; a record drawn from
  another view-model (the signer renamed) is drawn again and replaced.
- Every read checks the copy on disk (``instance/exports/<renderer>/<snapshot sha256>.<format>``) against the
  recorded sha256. A copy that is missing or differs (truncated, corrupt, or swapped for another file, however it
  was made to look) is never served: the mismatch is logged, and the recorded bytes, once they match their sha256,
  are served and written back; if they do not match either, the file is drawn again from the verified snapshot.
- The bytes recorded in the database let every app server serve the same file, whichever drew it first. Copies on
  disk are written under a temporary name in the same folder, then renamed over the final name (atomic on POSIX).
- With ``EXPORT_STORE_URL`` set, the bytes live in an S3-compatible bucket instead (``app.exports.stores``), under
  ``<renderer>/<snapshot sha256>.<format>``, and the record keeps only their sha256 and size; no server keeps a copy
  on disk. Every read checks the object against the recorded sha256: one that is missing or differs is never
  served, the mismatch is logged, and the file is drawn again from the verified snapshot and put back.
- A bucket that cannot be read or written (``StoreUnavailable``) never fails a download: the file is drawn from
  the verified snapshot and served without being kept, a warning logged naming the report and the format. The
  object is put before its record is written, so a put that fails leaves no record, and the next request finds
  nothing kept and puts it. A request (or a board pack's job) asks the store nothing more once it has failed.
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
from sqlalchemy import delete, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from app.domain.reports import ReportState
from app.exports.stores import Kept, KeptFiles, ObjectStore, StoreUnavailable, sha256
from app.extensions import db
from app.models import KeptExport
from app.services.report_model import ReportModel, canonical_json, to_document

log = logging.getLogger(__name__)

# Raise when the output changes for a reason the digest below cannot see (e.g. the fonts the PDF embeds).
RENDERER_REVISION = 2
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
    "app/domain/text.py",
    "app/domain/dates.py",
    "app/web/dates.py",
    "templates/reports/print.html",
    "templates/reports/_paper.html",
    "static/print.css",
)
RENDERER_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "python-docx", "lxml", "pikepdf")
FOLDER = "exports"
_kept = KeptExport.__table__


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


def view_sha256(model: ReportModel) -> str:
    """The sha256 of the whole view-model, in the document form ``from_document`` reads back."""
    return hashlib.sha256(canonical_json(to_document(model)).encode()).hexdigest()


def folder() -> Path:
    """This renderer's folder under the instance folder (the renderer's version names it)."""
    instance = Path(current_app.config.get("INSTANCE_DIR") or current_app.instance_path)
    return instance / FOLDER / renderer_version()[:16]


def keeps(model: ReportModel) -> bool:
    """Whether the report's files are kept: signed off, so never to change."""
    return model.state == ReportState.SIGNED_OFF.value and model.signed_off is not None


def path_for(model: ReportModel, extension: str) -> Path:
    """Where the copy on disk of what ``model`` signed goes: named by the signed snapshot's sha256."""
    return folder() / f"{model.signed_off.sha256}.{extension}"


def _copy(kept: Kept) -> Path:
    return folder() / f"{kept.snapshot_sha256}.{kept.format}"


class Keeper:
    """One request's (or one board pack's) reads and writes of kept files. Once the store has failed, it is asked
    nothing more: each file is drawn from the verified snapshot and served unkept, with one warning for each."""

    def __init__(self) -> None:
        self.files = kept_files()
        self.unavailable: StoreUnavailable | None = None

    def load_all(self, models: list[ReportModel], extension: str) -> list[bytes | None]:
        """Each model's kept file, checked against its record, or None where it must be drawn (and stored); their
        records read in one statement."""
        keys = [(m.signed_off.sha256, view_sha256(m)) if keeps(m) else None for m in models]
        wanted = {snapshot for snapshot, _ in filter(None, keys)}
        records = {}
        if wanted:
            rows = db.session.execute(
                select(_kept.c.id, _kept.c.snapshot_sha256, _kept.c.view_sha256, _kept.c.sha256).where(
                    _kept.c.snapshot_sha256.in_(wanted),
                    _kept.c.renderer == renderer_version(),
                    _kept.c.format == extension,
                )
            )
            records = {row.snapshot_sha256: row for row in rows}
        found: list[bytes | None] = []
        for key in keys:
            record = records.get(key[0]) if key else None
            if record is None or record.view_sha256 != key[1] or self.unavailable is not None:
                found.append(None)
                continue
            kept = Kept(record.id, renderer_version(), record.snapshot_sha256, extension, record.sha256)
            try:
                found.append(self.files.read(kept, db.session.connection()))
            except StoreUnavailable as error:
                self.unavailable = error
                found.append(None)
        return found

    def store(self, model: ReportModel, extension: str, body: bytes) -> bytes:
        """Keep ``body`` for a signed-off report: recorded in the database, its bytes in the store (the record, with
        a copy on disk; or the bucket). Returns the bytes now kept: ``body``, or those another server recorded
        first for the same report, renderer and format; ``body`` unkept when the store is unavailable."""
        if not keeps(model):
            return body
        if self.unavailable is None:
            try:
                return _store(self.files, model, extension, body)
            except StoreUnavailable as error:
                self.unavailable = error
        log.warning(
            "the export store is unavailable (%s): report %s's %s is drawn from its signed snapshot and served "
            "without being kept",
            self.unavailable,
            model.report_id,
            extension.rsplit(".", 1)[-1],
        )
        return body


class DatabaseFiles:
    """The default store: the bytes in the record, and a copy on this server's disk read first."""

    in_record = True

    def read(self, kept: Kept, connection: Connection) -> bytes | None:
        """The copy on disk if it matches its record; else the recorded bytes (written back) if they do."""
        path = _copy(kept)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as error:
            log.warning("kept export %s cannot be read: %s", path, error)
            data = None
        if data is not None:
            if sha256(data) == kept.sha256:
                return data
            log.warning(
                "kept export %s does not match its record (sha256 %s, the file's %s): not served; restoring it",
                path,
                kept.sha256,
                sha256(data),
            )
        recorded = connection.scalar(select(_kept.c.content).where(_kept.c.id == kept.id))
        if recorded is None or sha256(recorded) != kept.sha256:
            log.error("kept export %s: the recorded bytes do not match their sha256 either; drawing it again", path)
            return None
        _write(path, recorded)
        return recorded

    def keep(self, kept: Kept, body: bytes, record: Callable[[], bytes]) -> bytes:
        body = record()
        _prune_other_renderers(folder())
        _write(_copy(kept), body)
        return body

    def discard(self, kept: Kept) -> None:
        """The record held the bytes; the folders of other renderers are pruned when this one's is made."""


DATABASE = DatabaseFiles()


def object_store() -> ObjectStore | None:
    """The bucket of EXPORT_STORE_URL, one client for the app while its settings stay the same; None without."""
    config = current_app.config
    if not config.get("EXPORT_STORE_URL"):
        return None
    settings = ObjectStore.settings_from(config)
    store = current_app.extensions.get("export_store")
    if store is None or store.settings != settings:
        store = current_app.extensions["export_store"] = ObjectStore(*settings)
    return store


def kept_files() -> KeptFiles:
    """The store the app's settings name: the bucket of EXPORT_STORE_URL, else the database."""
    return object_store() or DATABASE


def _store(files: KeptFiles, model: ReportModel, extension: str, body: bytes) -> bytes:
    snapshot, view, renderer = model.signed_off.sha256, view_sha256(model), renderer_version()
    record = {
        "snapshot_sha256": snapshot,
        "renderer": renderer,
        "format": extension,
        "view_sha256": view,
        "sha256": sha256(body),
        "size": len(body),
        "content": body if files.in_record else None,
    }
    kept = Kept(0, renderer, snapshot, extension, record["sha256"])
    return files.keep(kept, body, lambda: _record(record, body, files))


def _record(record: dict, body: bytes, files: KeptFiles) -> bytes:
    """Record a drawn file, in transactions of its own (the request's session only ever reads here). Returns the
    bytes now recorded for its key: its own, or those another server recorded first if they match their sha256."""
    same_paper = (_kept.c.snapshot_sha256 == record["snapshot_sha256"], _kept.c.format == record["format"])
    key = (*same_paper, _kept.c.renderer == record["renderer"])
    with db.engine.begin() as connection:
        # A record of another renderer, or drawn from another view-model (a renamed signer), is replaced.
        other = (*same_paper, or_(_kept.c.renderer != record["renderer"], _kept.c.view_sha256 != record["view_sha256"]))
        replaced = connection.execute(
            select(_kept.c.id, _kept.c.renderer, _kept.c.snapshot_sha256, _kept.c.format, _kept.c.sha256).where(*other)
        ).all()
        connection.execute(delete(_kept).where(*other))
    for row in replaced:
        if row.renderer != record["renderer"]:  # the same renderer's file has the same name: it is replaced
            try:
                files.discard(Kept(*row))
            except StoreUnavailable as error:  # its record is gone: nothing will read the object again
                log.warning("a replaced kept export is left in the store: %s", error)
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(KeptExport).values(**record))
        return body
    except IntegrityError:
        pass
    with db.engine.begin() as connection:
        first = connection.execute(select(_kept.c.id, _kept.c.sha256).where(*key)).one_or_none()
        if first is not None:
            kept = Kept(first.id, record["renderer"], record["snapshot_sha256"], record["format"], first.sha256)
            theirs = files.read(kept, connection)
            if theirs is not None:
                return theirs
        # The record there fails its own sha256: replace it with the file just drawn from the verified snapshot.
        connection.execute(delete(_kept).where(*key))
        connection.execute(insert(KeptExport).values(**record))
    return body


def kept(model: ReportModel, extension: str, render: Callable[[], bytes]) -> bytes:
    """The report's file: the kept one when there is one, else rendered (and kept if the report is signed off)."""
    keeper = Keeper()
    body = keeper.load_all([model], extension)[0]
    if body is None:
        body = keeper.store(model, extension, render())
    return body


def _write(path: Path, body: bytes) -> None:
    """Write a copy on disk: a temporary file in the same folder, renamed into place. A folder that cannot be
    written leaves the copy to the database record."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        with os.fdopen(handle, "wb") as part:
            part.write(body)
        os.replace(temporary, path)
    except OSError as error:
        log.warning("export %s cannot be kept on disk: %s", path, error)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _prune_other_renderers(current: Path) -> None:
    """Remove the folders of earlier renderers when this one's is first made: nothing will read them again."""
    if current.exists() or not current.parent.exists():
        return
    for other in current.parent.iterdir():
        if other.is_dir() and other != current:
            shutil.rmtree(other, ignore_errors=True)
