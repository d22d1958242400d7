"""Checking evidence before it is stored: files (by name, size, type, structure and content) and links.

A file is accepted only when its name is safe as it stands (nothing is renamed), its extension is on the list,
and its bytes are that kind of file, parse whole with the library made for the format, carry no active content
and are not a second kind of file as well. So a page of HTML renamed ``minutes.pdf``, a zip bomb renamed
``plan.docx`` or a PDF that runs JavaScript is refused with a message naming the file and the problem. The
formats are checked in ``evidence_formats`` and ``office``. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from app.domain import evidence_formats as formats
from app.domain.errors import DomainError
from app.domain.evidence_formats import Refused
from app.domain.office import check_office

FILES_FIELD = "files"


class EvidenceKind(StrEnum):
    """What a piece of evidence is: a file kept with its sha256, a link, or a note."""

    FILE = "file"
    LINK = "link"
    NOTE = "note"


LINKS_FIELD = "links"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_LINKS = 20  # links on one proposal, all its versions together
# What check_link and check_link_count accept, in the words the form's hint gives.
LINKS_HINT = (
    "One web address a line, starting with http:// or https://, for example a shared folder or a published page. "
    f"No spaces, user names or passwords; up to {MAX_LINKS} links on a proposal"
)
MAX_NAME_BYTES = 255  # what Windows, macOS and Linux file systems hold

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
_LABELS = {
    "pdf": "a PDF",
    "docx": "a Word document",
    "xlsx": "an Excel workbook",
    "png": "a PNG image",
    "jpg": "a JPEG image",
    "jpeg": "a JPEG image",
}

# Extensions that must not hide inside a name ("minutes.html.pdf") or arrive attached to an email.
_RISKY_EXTENSIONS = frozenset(
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
        "mht",
        "mhtml",
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
        "xlam",
        "ppam",
        "sldm",
        "one",
        "chm",
    ]
)
# Names Windows keeps for devices, with or without an extension ("CON", "nul.txt", "COM1.pdf").
_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{port}{n}" for port in ("COM", "LPT") for n in "123456789¹²³"]
)
# Characters that change the direction text is shown in, so "invoice\u202efdp.exe" reads as "invoiceexe.pdf".
_BIDI = frozenset(chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_WINDOWS_FORBIDDEN = '<>"|?*'


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check: its name as given, its media type, size and sha256."""

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


def check_filename(name: str) -> str:
    """The name a file is kept and downloaded under, exactly as given, or DomainError saying what is wrong with it.

    Names are refused rather than rewritten: empty; over 255 bytes of UTF-8; control or text-direction
    characters; a folder path; a colon (a hidden stream on Windows) or another character Windows does not allow;
    a leading or trailing space, or a trailing dot; a name Windows keeps for a device (CON, NUL, COM1, LPT1 …);
    no name before the extension.
    """
    raw = name or ""
    if not raw.strip():
        raise DomainError("Each file must have a name", field=FILES_FIELD)
    shown = _printable(raw)

    def refuse(problem: str) -> DomainError:
        return DomainError(f'The file name "{shown}" {problem}', field=FILES_FIELD)

    if any(c in _BIDI for c in raw):
        raise refuse("contains characters that change the direction of its text")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in raw):
        raise refuse("contains control characters")
    if len(raw.encode("utf-8")) > MAX_NAME_BYTES:
        raise refuse(f"is longer than {MAX_NAME_BYTES} bytes: shorten it")
    if "/" in raw or "\\" in raw:
        raise refuse("must not contain a folder path")
    if ":" in raw:
        raise refuse('must not contain ":" (on Windows it names a hidden stream)')
    forbidden = sorted({c for c in raw if c in _WINDOWS_FORBIDDEN})
    if forbidden:
        raise refuse(f"must not contain {' '.join(forbidden)}: Windows does not allow them in file names")
    if raw != raw.strip() or raw.endswith("."):
        raise refuse("must not start or end with a space, or end with a dot")
    device = raw.split(".", 1)[0].rstrip(" ").upper()
    if device in _RESERVED_NAMES:
        raise refuse(f"is {device}, a name Windows keeps for a device")
    if "." not in raw or not raw.rsplit(".", 1)[0].strip(" ."):
        raise refuse("needs a name and an extension, like report.pdf")
    return raw


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:120]


def check_file(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedFile:
    """Check one uploaded file. Returns its name, media type, size and sha256.

    Raises DomainError(field="files") naming the file and the problem: a name refused by ``check_filename``, an
    extension not allowed or a risky one inside the name, empty, over ``max_bytes``, content that is not what
    the extension says or does not parse whole, active content, or a file that is also another kind of file.
    """
    filename = check_filename(name)
    parts = filename.lower().split(".")
    extension = parts[-1]
    if extension not in MEDIA_TYPES:
        raise DomainError(f"{filename} must be a {ALLOWED_LABEL} file", field=FILES_FIELD)
    risky = [p for p in parts[1:-1] if p.strip() in _RISKY_EXTENSIONS]
    if risky:
        raise DomainError(
            f"{filename} has a double extension (.{risky[0].strip()}.{extension}): rename it", field=FILES_FIELD
        )
    if not data:
        raise DomainError(f"{filename} is empty", field=FILES_FIELD)
    if len(data) > max_bytes:
        raise DomainError(f"{filename} must be smaller than {format_size(max_bytes)}", field=FILES_FIELD)
    try:
        _check_content(extension, data, depth=0)
    except Refused as refused:
        raise DomainError(f"{filename} {refused.reason}", field=FILES_FIELD) from refused
    return CheckedFile(
        filename=filename,
        extension=extension,
        media_type=MEDIA_TYPES[extension],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _check_content(extension: str, data: bytes, depth: int) -> None:
    """The declared type against the content, the structure parsed whole, active content, then polyglots."""
    attachment = _attachment_check(depth)
    if extension in ("png", "jpg", "jpeg"):
        formats.check_image(data, "PNG" if extension == "png" else "JPEG", _LABELS[extension])
    elif extension == "pdf":
        formats.check_pdf(data)
    elif extension in ("docx", "xlsx"):
        check_office(data, extension, _LABELS[extension])
    elif extension == "txt":
        formats.check_text(data)
    elif extension == "csv":
        formats.check_csv(data)
    elif extension == "eml":
        formats.check_eml(data, attachment)
    else:
        formats.check_msg(data, attachment)
    formats.check_single_kind(
        data,
        zip_based=extension in ("docx", "xlsx"),
        pdf=extension == "pdf",
        markup_allowed=extension in ("txt", "csv", "eml"),  # text checks markup itself; mail bodies may be HTML
        window=512 if extension == "msg" else 1024,
    )


def _attachment_check(depth: int):
    """How a file attached to an email is checked: no program, script or macros; an accepted type checked whole."""

    def check(name: str, data: bytes) -> None:
        shown = f'"{_printable(name)}"' if name.strip() else "with no name"
        if depth + 1 >= formats.MAX_ATTACHMENT_DEPTH:
            raise Refused("holds emails attached inside emails too deeply to check")
        parts = name.lower().strip().split(".")
        risky = next((p.strip() for p in parts[1:] if p.strip() in _RISKY_EXTENSIONS), None)
        if risky:
            raise Refused(f"has an attachment {shown} of a kind that is not accepted (.{risky})")
        kind = formats.looks_like(data)
        if kind in formats.PROGRAM_KINDS:
            raise Refused(f"has an attachment {shown} that is {kind}")
        if kind == "an Outlook or old Office file" and formats.ole_has_macros(data):
            raise Refused(f"has an attachment {shown} that contains macros")
        extension = parts[-1] if len(parts) > 1 else ""
        if extension in MEDIA_TYPES:
            try:
                _check_content(extension, data, depth + 1)
            except Refused as refused:
                raise Refused(f"has an attachment {shown} that {refused.reason}") from refused

    return check


def matches_sha256(data: bytes, sha256: str) -> bool:
    """True if ``data`` is the file whose sha256 was stored (compared in constant time)."""
    return hmac.compare_digest(hashlib.sha256(data).hexdigest(), (sha256 or "").lower())


def check_link_count(existing: int, added: int) -> None:
    """At most MAX_LINKS links on one proposal. Raises DomainError(field="links") stating the limit."""
    if existing + added <= MAX_LINKS:
        return
    if existing:
        raise DomainError(
            f"A proposal can have at most {MAX_LINKS} links: it has {existing} already, "
            f"so enter {max(MAX_LINKS - existing, 0)} or fewer",
            field=LINKS_FIELD,
        )
    raise DomainError(f"Enter {MAX_LINKS} links or fewer (you entered {added})", field=LINKS_FIELD)


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
