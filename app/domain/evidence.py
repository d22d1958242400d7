"""Checking evidence before it is stored: files (by name, size and content) and links.

A file is accepted only when its extension is on the list and its bytes look like that kind of file, so a page
of HTML renamed ``minutes.pdf`` or a zip bomb renamed ``plan.docx`` is refused with a message that names the
problem. Nothing here touches the database: the service stores what these functions return.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.domain.errors import DomainError

FILES_FIELD = "files"
LINKS_FIELD = "links"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Extension → media type sent back on download. Only these may be uploaded.
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "eml": "message/rfc822",
    "msg": "application/vnd.ms-outlook",
}
ALLOWED_LABEL = "PDF, Word (.docx), Excel (.xlsx), CSV, text, PNG, JPEG or email (.eml, .msg)"

# Extensions that must not hide inside a name ("minutes.html.pdf", "invoice.exe.txt").
_RISKY_INNER_EXTENSIONS = frozenset(
    [
        "exe",
        "com",
        "bat",
        "cmd",
        "scr",
        "pif",
        "msi",
        "msp",
        "dll",
        "cpl",
        "jar",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "wsh",
        "ps1",
        "psm1",
        "sh",
        "bash",
        "zsh",
        "py",
        "pl",
        "rb",
        "php",
        "phtml",
        "asp",
        "aspx",
        "jsp",
        "cgi",
        "htm",
        "html",
        "xhtml",
        "shtml",
        "svg",
        "svgz",
        "xml",
        "xsl",
        "hta",
        "lnk",
        "url",
        "reg",
        "iso",
        "img",
        "dmg",
        "apk",
        "app",
        "deb",
        "rpm",
        "docm",
        "xlsm",
        "pptm",
        "dotm",
        "xltm",
    ]
)

# Zip containers (docx, xlsx): bounds that keep a small upload from expanding into gigabytes.
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
_ZIP_PARTS = {
    "docx": ("word/document.xml", b"wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
}

_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Outlook or old Office file"),
    (b"GIF8", "a GIF image"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
]
_MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|head|body|script|svg|iframe|object|embed|\?xml)\b", re.IGNORECASE)
_HEADER_LINE = re.compile(r"^[!-9;-~]+:[ \t]?.*$")  # RFC 5322 field name: printable ASCII except ":"
_MAIL_HEADERS = frozenset({"from", "to", "subject", "date", "message-id", "received", "mime-version", "cc"})


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check: the name to keep, its media type, size and sha256."""

    filename: str
    extension: str
    media_type: str
    size: int
    sha256: str


def format_size(size: int) -> str:
    """Bytes for people: "812 bytes", "14 KB", "20 MB"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value == int(value) or value >= 10 else f"{value:.1f} MB"


def safe_filename(name: str) -> str:
    """The name a file is kept and downloaded under, or DomainError naming what is wrong with it.

    Refuses empty names, path separators and ``..`` (traversal), and control characters; keeps letters (any
    script), digits, spaces and ``. - _ ( )``, replacing anything else with ``_``.
    """
    raw = name or ""
    if not raw.strip():
        raise DomainError("Each file must have a name", field=FILES_FIELD)
    shown = _printable(raw)
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in raw):
        raise DomainError(f'The file name "{shown}" contains control characters', field=FILES_FIELD)
    if "/" in raw or "\\" in raw or ".." in raw:
        raise DomainError(f'The file name "{shown}" must not contain a folder path or ".."', field=FILES_FIELD)
    cleaned = unicodedata.normalize("NFC", raw).strip()
    cleaned = "".join(c if (c.isalnum() or c in " .-_()") else "_" for c in cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    if "." not in cleaned or not cleaned.rsplit(".", 1)[0].strip(" ._"):
        raise DomainError(f'The file name "{shown}" needs a name and an extension, like report.pdf', field=FILES_FIELD)
    stem, extension = cleaned.rsplit(".", 1)
    return f"{stem[: 199 - len(extension)]}.{extension}"


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:120]


def check_file(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedFile:
    """Check one uploaded file. Returns its safe name, media type, size and sha256.

    Raises DomainError(field="files") naming the file and the problem: bad or risky name, extension not
    allowed, empty, over ``max_bytes``, or content that is not what the extension says.
    """
    filename = safe_filename(name)
    parts = filename.lower().split(".")
    extension = parts[-1]
    if extension not in MEDIA_TYPES:
        raise DomainError(f"{filename} must be a {ALLOWED_LABEL} file", field=FILES_FIELD)
    risky = [p for p in parts[1:-1] if p.strip() in _RISKY_INNER_EXTENSIONS]
    if risky:
        raise DomainError(
            f"{filename} has a double extension (.{risky[0].strip()}.{extension}): rename it", field=FILES_FIELD
        )
    if not data:
        raise DomainError(f"{filename} is empty", field=FILES_FIELD)
    if len(data) > max_bytes:
        raise DomainError(f"{filename} must be smaller than {format_size(max_bytes)}", field=FILES_FIELD)
    _CONTENT_CHECKS[extension](filename, data)
    return CheckedFile(
        filename=filename,
        extension=extension,
        media_type=MEDIA_TYPES[extension],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _looks_like(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    for signature, label in _SIGNATURES:
        if head.startswith(signature):
            return label
    if _MARKUP.search(head[:1024]):
        return "SVG" if re.search(rb"<\s*svg\b", head, re.IGNORECASE) else "HTML"
    return "something else"


def _wrong_content(filename: str, expected: str, data: bytes) -> DomainError:
    return DomainError(f"{filename} is not {expected}: its content looks like {_looks_like(data)}", field=FILES_FIELD)


def _check_pdf(filename: str, data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise _wrong_content(filename, "a PDF", data)


def _check_png(filename: str, data: bytes) -> None:
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or len(data) < 33:
        raise _wrong_content(filename, "a PNG image", data)


def _check_jpeg(filename: str, data: bytes) -> None:
    if not data.startswith(b"\xff\xd8\xff") or len(data) < 4:
        raise _wrong_content(filename, "a JPEG image", data)


def _check_office_zip(kind: str, label: str):
    main_part, main_type = _ZIP_PARTS[kind]

    def check(filename: str, data: bytes) -> None:
        if not data.startswith(b"PK\x03\x04"):
            raise _wrong_content(filename, label, data)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            entries = archive.infolist()
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as error:
            raise DomainError(f"{filename} is not {label}: the file is damaged", field=FILES_FIELD) from error
        if len(entries) > MAX_ZIP_ENTRIES:
            raise DomainError(f"{filename} holds too many parts to be {label}", field=FILES_FIELD)
        total = sum(e.file_size for e in entries)
        if total > MAX_ZIP_UNCOMPRESSED or total > MAX_ZIP_RATIO * max(len(data), 1):
            raise DomainError(
                f"{filename} expands to {format_size(total)} when opened, which is too large to be safe",
                field=FILES_FIELD,
            )
        if any(e.compress_size and e.file_size / e.compress_size > MAX_ZIP_RATIO for e in entries if e.file_size):
            raise DomainError(f"{filename} is compressed suspiciously tightly to be safe", field=FILES_FIELD)
        names = {e.filename for e in entries}
        if any(n.startswith("/") or ".." in n.split("/") for n in names):
            raise DomainError(f"{filename} holds parts with unsafe paths", field=FILES_FIELD)
        if "[Content_Types].xml" not in names or main_part not in names:
            raise DomainError(f"{filename} is not {label}: its document parts are missing", field=FILES_FIELD)
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise DomainError(f"{filename} contains macros, which are not accepted", field=FILES_FIELD)
        try:
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(256 * 1024)
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError) as error:
            raise DomainError(f"{filename} is not {label}: the file is damaged", field=FILES_FIELD) from error
        if main_type not in content_types:
            raise DomainError(f"{filename} is not {label}: its content types are wrong", field=FILES_FIELD)

    return check


def decode_text(data: bytes) -> str | None:
    """UTF-8 (with or without a byte-order mark) or Windows-1252 text, else None."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _check_text_like(filename: str, data: bytes, label: str, *, refuse_markup: bool = True) -> str:
    if b"\x00" in data:
        raise DomainError(f"{filename} is not {label}: it contains binary data", field=FILES_FIELD)
    text = decode_text(data)
    if text is None:
        raise DomainError(f"{filename} is not {label}: it is not UTF-8 or Windows text", field=FILES_FIELD)
    window = data[:65536]
    if refuse_markup and _MARKUP.search(window):
        shown = "SVG" if re.search(rb"<\s*svg\b", window, re.IGNORECASE) else "HTML"
        raise DomainError(f"{filename} is not {label}: its content looks like {shown}", field=FILES_FIELD)
    return text


def _check_text(filename: str, data: bytes) -> None:
    _check_text_like(filename, data, "plain text")


def _check_csv(filename: str, data: bytes) -> None:
    _check_text_like(filename, data, "a CSV file")


def _check_eml(filename: str, data: bytes) -> None:
    # Mail bodies are often HTML; the headers must come first, so a web page renamed .eml is still refused.
    text = _check_text_like(filename, data, "an email (.eml)", refuse_markup=False)
    header_block = re.split(r"\r?\n\r?\n", text, maxsplit=1)[0]
    lines = [line for line in header_block.splitlines() if line and line[0] not in " \t"]
    names = {line.split(":", 1)[0].strip().lower() for line in lines if _HEADER_LINE.match(line)}
    if not lines or not _HEADER_LINE.match(lines[0]) or len(names & _MAIL_HEADERS) < 2:
        raise DomainError(f"{filename} is not an email (.eml): it has no mail headers", field=FILES_FIELD)


def _check_msg(filename: str, data: bytes) -> None:
    if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") or len(data) < 512:
        raise _wrong_content(filename, "an Outlook message (.msg)", data)


_CONTENT_CHECKS = {
    "pdf": _check_pdf,
    "png": _check_png,
    "jpg": _check_jpeg,
    "jpeg": _check_jpeg,
    "docx": _check_office_zip("docx", "a Word document"),
    "xlsx": _check_office_zip("xlsx", "an Excel workbook"),
    "txt": _check_text,
    "csv": _check_csv,
    "eml": _check_eml,
    "msg": _check_msg,
}


def check_link(url: str) -> str:
    """A web address given as evidence: http or https with a host, no spaces or control characters.

    Returns the stripped URL; raises DomainError(field="links").
    """
    url = (url or "").strip()
    shown = _printable(url)
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in url):
        raise DomainError(f'The link "{shown}" must not contain spaces or control characters', field=LINKS_FIELD)
    if len(url) > 2000:
        raise DomainError("Each link must be 2,000 characters or fewer", field=LINKS_FIELD)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise DomainError(
            f'Enter the link "{shown}" as a web address starting with http:// or https://', field=LINKS_FIELD
        )
    if parts.username or parts.password:
        raise DomainError(f'The link "{shown}" must not contain a user name or password', field=LINKS_FIELD)
    return url


def split_links(text: str) -> list[str]:
    """Links typed one to a line; blank lines ignored, duplicates dropped. Each is checked by check_link."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        if line.strip():
            link = check_link(line)
            if link not in seen:
                seen.append(link)
    return seen
