"""Word (.docx) and Excel (.xlsx) files, whatever brings them (evidence, a plan to import, last period's paper): a
bounded zip, then an Office package with nothing active in it.

The zip is opened by the standard library and bounded before anything is decompressed: number of parts, total
and per-part expansion, no symbolic links, no part named twice, no path that leaves the package, no encryption.
Every part is then read (so every checksum is checked) and every XML part parsed with defusedxml, which refuses
a DOCTYPE (and with it entity bombs and external entities). The package must be the type its extension says,
without macros, ActiveX, embedded OLE objects, links to outside templates or objects, or DDE fields.
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeXml

from app.domain.evidence_formats import Refused, dde_in, looks_like

# Small parts of repetitive XML compress tightly and harmlessly; one part's ratio counts once it expands past this.
RATIO_FLOOR = 1024 * 1024
_READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Bounds:
    """The most a package may hold once opened."""

    max_entries: int = 2_000
    max_uncompressed: int = 100 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, for the whole package and for each part


EVIDENCE_BOUNDS = Bounds()

MAIN_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
# Content types and relationship types (their last path segment) that carry code or pull in outside content.
_MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata", "macrosheet")
_REFUSED_RELATIONSHIPS = {
    "vbaProject": "contains macros",
    "activeXControl": "contains ActiveX controls",
    "activeXControlBinary": "contains ActiveX controls",
    "oleObject": "contains an embedded object (oleObject), which can hold a program",
    "aFChunk": "contains a part in another format (altChunk)",
}
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_DDE_FIELDS = {"DDE", "DDEAUTO"}


def open_bounded_zip(data: bytes, label: str, bounds: Bounds = EVIDENCE_BOUNDS) -> zipfile.ZipFile:
    """The archive, once its directory is within bounds and every part has been read and its checksum matched.
    Raises Refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError) as error:
        raise Refused(f"is not {label}: the file is damaged") from error
    if len(entries) > bounds.max_entries:
        raise Refused(f"holds too many parts to be {label} ({len(entries):,}; at most {bounds.max_entries:,})")
    seen: set[str] = set()
    for entry in entries:
        _check_entry(entry, seen)
    total = sum(e.file_size for e in entries)
    if total > bounds.max_uncompressed or total > bounds.max_ratio * len(data):
        raise Refused(f"expands to {_size(total)} when opened, which is too large to be safe")
    if any(e.file_size > max(bounds.max_ratio * e.compress_size, RATIO_FLOOR) for e in entries):
        raise Refused("is compressed suspiciously tightly to be safe")
    try:
        for entry in entries:
            with archive.open(entry) as part:
                while part.read(_READ_CHUNK):
                    pass
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError) as error:
        raise Refused(f"is not {label}: the file is damaged") from error
    return archive


def _check_entry(entry: zipfile.ZipInfo, seen: set[str]) -> None:
    name = entry.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or "\\" in name or ".." in parts or ":" in parts[0]:
        raise Refused(f"holds a part with an unsafe path ({name[:80]})")
    if entry.create_system == 3 and stat.S_ISLNK(entry.external_attr >> 16):
        raise Refused(f"holds a symbolic link ({name[:80]})")
    if entry.flag_bits & 0x1:
        raise Refused("is encrypted or password-protected: remove the password so that it can be checked")
    key = name.casefold()
    if key in seen:
        raise Refused(f"holds two parts called {name[:80]}")
    seen.add(key)


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def check_office(data: bytes, extension: str, label: str, bounds: Bounds = EVIDENCE_BOUNDS) -> None:
    """A .docx or .xlsx: a bounded zip holding an Office package of that type with no active content.

    Raises Refused with the reason as the rest of a sentence about the file ("is compressed suspiciously tightly
    to be safe"): callers put the file's name, or "The file", before it.
    """
    if not data.startswith(b"PK\x03\x04"):
        raise Refused(f"is not {label}: its content looks like {looks_like(data) or 'something else'}")
    archive = open_bounded_zip(data, label, bounds)
    names = set(archive.namelist())
    if any(posixpath.basename(n).lower() == "vbaproject.bin" for n in names):
        raise Refused("contains macros")
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        raise Refused(f"is not {label}: its document parts are missing")
    for name in sorted(names):
        if name.endswith((".xml", ".rels")):
            _check_xml_part(archive, name)
        elif name.endswith(".vml") and b"<!doctype" in archive.read(name).lower():
            # Legacy VML (comment shapes) is not always well-formed XML; only its DOCTYPE matters here.
            raise Refused(f"contains a DOCTYPE in {name[:80]}, which is not accepted in Office files")
    defaults, overrides = _content_types(archive)
    declared = [*defaults.values(), *overrides.values()]
    if any(marker in t.lower() for t in declared for marker in _MACRO_MARKERS):
        raise Refused("contains macros")
    if any("activex" in t.lower() for t in declared):
        raise Refused("contains ActiveX controls")
    main = _main_part(archive, names)
    if main is None:
        raise Refused(f"is not {label}: its document parts are missing")
    main_type = overrides.get(main.casefold()) or defaults.get(posixpath.splitext(main)[1].lstrip(".").lower())
    if main_type != MAIN_TYPES[extension]:
        raise Refused(f"is not {label}: its content types are wrong")
    for name in sorted(n for n in names if n.endswith(".rels")):
        _check_relationships(archive, name)


def _parse(archive: zipfile.ZipFile, name: str):
    with archive.open(name) as part:
        return SafeXml.parse(part, forbid_dtd=True).getroot()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _content_types(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    root = _parse(archive, "[Content_Types].xml")
    defaults, overrides = {}, {}
    for item in root:
        if item.tag == f"{{{_CONTENT_TYPES}}}Default":
            defaults[item.get("Extension", "").lower()] = item.get("ContentType", "")
        elif item.tag == f"{{{_CONTENT_TYPES}}}Override":
            overrides[item.get("PartName", "").lstrip("/").casefold()] = item.get("ContentType", "")
    return defaults, overrides


def _main_part(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    for relationship in _parse(archive, "_rels/.rels"):
        if relationship.get("Type") == _OFFICE_DOCUMENT and relationship.get("TargetMode") != "External":
            target = posixpath.normpath(relationship.get("Target", "").lstrip("/"))
            return target if target in names else None
    return None


def _check_relationships(archive: zipfile.ZipFile, name: str) -> None:
    for relationship in _parse(archive, name):
        if relationship.tag != f"{{{_PACKAGE_RELATIONSHIPS}}}Relationship":
            continue
        kind = relationship.get("Type", "").rsplit("/", 1)[-1]
        if kind in _REFUSED_RELATIONSHIPS:
            raise Refused(_REFUSED_RELATIONSHIPS[kind])
        if relationship.get("TargetMode", "").lower() == "external" and kind != "hyperlink":
            target = relationship.get("Target", "")[:80]
            if kind == "attachedTemplate":
                raise Refused(f"uses a template from outside the file ({target})")
            raise Refused(f"links to something outside the file ({kind}: {target})")


def _check_xml_part(archive: zipfile.ZipFile, name: str) -> None:
    """Parse one part as a stream: no DOCTYPE, well formed, and no DDE field (Word) or DDE formula (Excel)."""
    fields: list[list[str]] = []  # field instructions being read, innermost last (fields nest)
    try:
        with archive.open(name) as part:
            for event, element in SafeXml.iterparse(part, events=("start", "end"), forbid_dtd=True):
                tag = _local(element.tag)
                if event == "start":
                    continue
                if tag == "fldChar":
                    _field_boundary(element, fields)
                elif tag == "instrText" and fields:
                    fields[-1].append(element.text or "")
                elif tag == "fldSimple":
                    _refuse_dde_field(next((v for k, v in element.attrib.items() if _local(k) == "instr"), ""))
                elif tag in ("ddeLink", "oleLink"):
                    raise Refused("contains a DDE link, which can run programs")
                elif tag == "f" and dde_in(element.text or ""):
                    raise Refused("contains a DDE formula, which can run programs")
                element.clear()
    except DefusedXmlException as error:
        raise Refused(f"contains a DOCTYPE in {name[:80]}, which is not accepted in Office files") from error
    except (ParseError, zipfile.BadZipFile, OSError, ValueError) as error:
        raise Refused(f"is damaged: {name[:80]} is not well-formed XML") from error


def _field_boundary(element, fields: list[list[str]]) -> None:
    kind = next((v for k, v in element.attrib.items() if _local(k) == "fldCharType"), "")
    if kind == "begin":
        fields.append([])
    elif kind in ("separate", "end") and fields:
        instruction = "".join(fields[-1])
        fields[-1] = []
        _refuse_dde_field(instruction)
        if kind == "end":
            fields.pop()


def _refuse_dde_field(instruction: str) -> None:
    words = instruction.split()
    if words and words[0].upper() in _DDE_FIELDS:
        raise Refused(f"contains a {words[0].upper()} field, which can run programs")
