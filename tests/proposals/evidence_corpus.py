"""Good and bad evidence files, made here rather than shipped, so each bad one shows exactly what it breaks."""

import io
import zipfile

LIMIT = 256 * 1024  # a small limit keeps the over-the-limit files small

DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
XLSX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def make_zip(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return make_zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>", **(extra or {})})


def xlsx() -> bytes:
    return make_zip({"[Content_Types].xml": XLSX_TYPES, "xl/workbook.xml": b"<workbook/>"})


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01" * 2 + b"\x08\x02\x00\x00\x00" + b"\x00" * 8
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
MSG = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1016
EML = (
    b"From: Owner <owner@example.org>\r\nTo: Lead <lead@example.org>\r\nSubject: Training complete\r\n"
    b"Date: Mon, 19 Apr 2021 10:00:00 +0100\r\n\r\nAll staff trained on 16 April.\r\n"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48

# (name, bytes, media type) that must be accepted.
GOOD = [
    ("minutes.pdf", PDF, "application/pdf"),
    ("Report (final) v2.PDF", PDF, "application/pdf"),
    ("chart.png", PNG, "image/png"),
    ("photo.jpg", JPEG, "image/jpeg"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("plan.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("tracker.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("data.csv", b"name,trained\nAlex,yes\n", "text/csv"),
    ("notes.txt", "Café attendance: 12 €".encode("cp1252"), "text/plain"),
    ("utf8.txt", "\ufeffTraining — complete".encode(), "text/plain"),
    ("confirmation.eml", EML, "message/rfc822"),
    ("html-mail.eml", EML.replace(b"All staff", b"<html><body>All staff") + b"</body></html>", "message/rfc822"),
    ("confirmation.msg", MSG, "application/vnd.ms-outlook"),
    ("Minutes 12.04.2021.pdf", PDF, "application/pdf"),
]

# (name, bytes, words the refusal must contain). At least 30, each a different way to be wrong.
BAD = [
    # wrong content signature
    ("report.pdf", PNG, "not a PDF"),
    ("photo.png", JPEG, "not a PNG image"),
    ("photo.jpg", PNG, "not a JPEG image"),
    ("photo.jpg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "looks like a GIF image"),
    ("tracker.xlsx", PDF, "not an Excel workbook"),
    ("plan.docx", EXE, "looks like a Windows program"),
    ("mail.msg", b"Hello, this is not an Outlook message", "not an Outlook message"),
    ("mail.msg", docx(), "looks like a zip archive"),
    ("mail.eml", b"Just some words about the meeting.\n", "no mail headers"),
    ("notes.txt", EXE, "binary data"),
    ("data.csv", b"a,b\x00,c\n", "binary data"),
    ("notes.txt", b"\x81\x8d\x8f\x90\x9d", "not UTF-8 or Windows text"),
    # HTML or SVG in disguise
    ("report.pdf", HTML, "looks like HTML"),
    ("report.pdf", SVG, "looks like SVG"),
    ("notes.txt", HTML, "looks like HTML"),
    ("drawing.csv", SVG, "looks like SVG"),
    ("mail.eml", HTML, "no mail headers"),
    # names: traversal, control characters, double or missing extensions, types not allowed
    ("../../etc/passwd.txt", b"root:x:0:0", "folder path"),
    ("..\\..\\boot.ini.txt", b"[boot]", "folder path"),
    ("/etc/cron.d/job.txt", b"* * * * * id", "folder path"),
    ("evil\x00.pdf", PDF, "control characters"),
    ("line\nbreak.pdf", PDF, "control characters"),
    ("invoice\u202efdp.exe", EXE, "control characters"),
    ("report.html.pdf", PDF, "double extension"),
    ("setup.exe.txt", b"text", "double extension"),
    ("page.svg.png", PNG, "double extension"),
    ("invoice.exe", EXE, "must be a PDF"),
    ("report.pdf.exe", PDF, "must be a PDF"),
    ("drawing.svg", SVG, "must be a PDF"),
    ("index.html", HTML, "must be a PDF"),
    ("README", b"text", "needs a name and an extension"),
    (".pdf", PDF, "needs a name and an extension"),
    ("   ", PDF, "must have a name"),
    # empty or over the limit
    ("empty.pdf", b"", "is empty"),
    ("big.pdf", b"%PDF-1.7\n" + b"0" * LIMIT, "must be smaller than 256 KB"),
    ("big.txt", b"a" * (LIMIT + 1), "must be smaller than 256 KB"),
    # office files that are not what they claim, or are built to hurt
    ("bomb.docx", docx({"word/media/zeros.bin": b"\0" * (16 * 1024 * 1024)}), "too large to be safe"),
    ("parts.xlsx", make_zip({f"xl/p{i}.xml": b"" for i in range(2100)}), "too many parts"),
    ("plan.docx", make_zip({"word/document.xml": b"<w:document/>"}), "document parts are missing"),
    ("tracker.xlsx", docx(), "document parts are missing"),
    (
        "plan.docx",
        make_zip({"[Content_Types].xml": XLSX_TYPES, "word/document.xml": b"<w:document/>"}),
        "content types are wrong",
    ),
    ("macro.docx", docx({"word/vbaProject.bin": b"\x01" * 64}), "contains macros"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 40, "damaged"),
    ("slip.docx", docx({"../../evil.sh": b"echo owned"}), "unsafe paths"),
]
