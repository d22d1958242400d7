"""Hostile Office packages for the import tests, built from a real workbook or document with one part changed."""

import io
import zipfile

from app.services.plan_workbook import write_workbook

XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&xxe;</t></si></sst>"
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
)
PLAIN_DOCTYPE = b'<?xml version="1.0"?><!DOCTYPE workbook><workbook xmlns="urn:x"/>'


def workbook() -> bytes:
    """A real, importable plan workbook with one milestone."""
    return write_workbook([("1. Front door", "1.1", "Triage form", "", "March 2031", "", "", "", "")], [])


def repack(data: bytes, replace: dict[str, bytes] | None = None, add=(), drop=()) -> bytes:
    """The package with parts replaced, ``add`` (ZipInfo or name, bytes) pairs appended and ``drop`` names left out."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in add:
            target.writestr(name, content)
    return out.getvalue()


def zip_bomb(data: bytes, part: str, megabytes: int) -> bytes:
    """The package with ``part`` swollen by ``megabytes`` MB of blanks inside its root element: it stays tiny."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info.filename, source.read(info.filename))
                continue
            original = source.read(part)
            head, tail = original.rsplit(b"</", 1)
            with target.open(part, "w", force_zip64=True) as stream:
                stream.write(head)
                chunk = b" " * 2**20
                for _ in range(megabytes):
                    stream.write(chunk)
                stream.write(b"</" + tail)
    return out.getvalue()


def symlink_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777 << 16) | 0
    info.create_system = 3
    return info


def mark_encrypted(data: bytes, name: str) -> bytes:
    """The package with ``name``'s "encrypted" flag set in its local header and in the central directory."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            if raw[start + name_at : start + name_at + len(encoded)] == encoded:
                raw[start + flag_at] |= 0x1
            start += 4
    return bytes(raw)
