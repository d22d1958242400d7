"""Office files (.xlsx, .docx) are zip packages of XML parts: checked here before any reader opens them.

A small upload must not expand into gigabytes (zip bomb), hold a worker on millions of parts, or reach outside
itself through XML (external entities, "billion laughs" entity expansion, any DOCTYPE). So: the size, the number of
parts, their uncompressed total and each part's compression ratio are read from the zip's directory (Python's
zipfile never inflates a part past the size its directory gives), then every XML part is parsed as a stream by
defusedxml with document types forbidden. Only then does openpyxl or python-docx open the file.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

ZIP_SIGNATURE = b"PK\x03\x04"
_SYMLINK = 0o120000
_RATIO_FLOOR = 1024 * 1024


class UnsafePackage(ValueError):
    """The file is not a package that may be opened; the message says why, for people."""


@dataclass(frozen=True)
class Bounds:
    """The most a package may hold. The defaults suit a plan or a highlight report of a few thousand rows."""

    max_bytes: int = 5 * 1024 * 1024
    max_entries: int = 1_000
    max_uncompressed: int = 64 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, for the whole package and for each part


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{max(n // 1024, 1)} KB"


def check_package(data: bytes, *, label: str, main_part: str, bounds: Bounds = Bounds()) -> None:
    """Check that ``data`` is a zip package ``label`` ("an Excel workbook (.xlsx)") may be opened as.

    Raises UnsafePackage, with a message for people, for a file over ``bounds.max_bytes``, one that is not a zip
    or is damaged, too many parts, too much uncompressed data, a part compressed suspiciously tightly, encrypted,
    symbolic-link, duplicate or path-escaping parts, a missing main part (``word/document.xml``), macros, or an XML
    part with a DOCTYPE, an entity or an external reference.
    """
    if len(data) > bounds.max_bytes:
        raise UnsafePackage(f"The file must be smaller than {_size(bounds.max_bytes)}")
    if not data.startswith(ZIP_SIGNATURE):
        raise UnsafePackage(f"The file is not {label}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as error:
        raise UnsafePackage(f"The file could not be read as {label}: it is damaged") from error
    if len(entries) > bounds.max_entries:
        raise UnsafePackage(f"The file holds {len(entries):,} parts, more than {label} may ({bounds.max_entries:,})")
    total = sum(entry.file_size for entry in entries)
    if total > bounds.max_uncompressed:
        raise UnsafePackage(
            f"The file expands to {_size(total)} when opened, more than the {_size(bounds.max_uncompressed)} allowed"
        )
    # Small parts of repeated markup compress very well and do no harm; a ratio only matters once it is large.
    if total > max(bounds.max_ratio * len(data), _RATIO_FLOOR) or any(
        entry.file_size > max(bounds.max_ratio * entry.compress_size, _RATIO_FLOOR) for entry in entries
    ):
        raise UnsafePackage("The file is compressed suspiciously tightly (a zip bomb?), so it was not opened")
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):
        raise UnsafePackage("The file holds two parts with the same name, so it was not opened")
    for entry in entries:
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
            raise UnsafePackage("The file holds a part with an unsafe path, so it was not opened")
        if entry.flag_bits & 0x1:
            raise UnsafePackage("The file is encrypted or password-protected: save it without a password")
        if (entry.external_attr >> 16) & 0o170000 == _SYMLINK:
            raise UnsafePackage("The file holds a symbolic link, so it was not opened")
    if "[Content_Types].xml" not in names or main_part not in names:
        raise UnsafePackage(f"The file is not {label}: its main parts are missing")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UnsafePackage("The file contains macros: save it without them (as .xlsx or .docx)")
    for entry in entries:
        if entry.filename.lower().endswith((".xml", ".rels", ".vml")):
            _check_xml(archive, entry, label)


def _check_xml(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, label: str) -> None:
    """Parse the part as a stream, refusing any DOCTYPE (and so entities and external references)."""
    try:
        with archive.open(entry) as part:
            events = iterparse(part, events=("end",), forbid_dtd=True, forbid_entities=True, forbid_external=True)
            for _, element in events:
                element.clear()  # keep memory flat: only the check matters, not the tree
    except DefusedXmlException as error:
        raise UnsafePackage(
            f"The file's part {entry.filename} declares a document type or entities (DOCTYPE), which are not "
            "accepted: save it again from Excel or Word"
        ) from error
    except (ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise UnsafePackage(f"The file could not be read as {label}: its part {entry.filename} is damaged") from error
