"""What an evidence file's bytes must be, type by type: the right kind, parsed whole, with no active content.

Each check reads the file with the library made for its format (Pillow, pypdf, the standard library's email and
csv parsers, olefile) and raises ``Refused`` with the reason, worded to follow the file's name ("is not a PDF:
its content looks like HTML"). Zip-based Office files are checked in ``office``. Nothing here touches
the database or the network.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.errors import MessageError
from email.message import Message
from email.parser import BytesParser
from typing import cast

import olefile
from PIL import Image, ImageFile, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from app.domain.text import control_character


class Refused(Exception):
    """The file is not accepted; ``reason`` follows its name in the message people see."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# A check for one declared type; the callable it is given checks a file found inside (an email's attachment).
AttachmentCheck = Callable[[str, bytes], None]

MAX_IMAGE_PIXELS = 40_000_000  # about 7,700 × 5,200: more than a phone photo, far less than a decompression bomb
MAX_PDF_OBJECTS = 200_000

# Leading bytes of kinds of file, used to say what a file that is not its declared type looks like.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Outlook or old Office file"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program (Linux)"),
    (b"\xfe\xed\xfa\xce", "a program (Mac)"),
    (b"\xfe\xed\xfa\xcf", "a program (Mac)"),
    (b"\xce\xfa\xed\xfe", "a program (Mac)"),
    (b"\xcf\xfa\xed\xfe", "a program (Mac)"),
    (b"\xca\xfe\xba\xbe", "a program (Mac or Java)"),
    (b"#!", "a script (#!)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
]
PROGRAM_KINDS = frozenset(
    [label for _, label in _SIGNATURES if label.startswith(("a program", "a script"))]
    + ["a Windows program", "a Windows batch script"]
)
_WINDOWS_PROGRAM = re.compile(rb"MZ[\s\S]{0,62}\x00")  # "MZ" then the DOS header's binary fields
_BATCH = re.compile(rb"@echo\s+off\b", re.IGNORECASE)
# Markup a browser would render or run. "<?xml" counts only in text (XMP packets in images start "<?xpacket").
_ACTIVE_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|svg|iframe|frame|frameset|object|embed|applet|meta\s+http-equiv"
    rb"|\?php)\b",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(rb"<\?xml\b", re.IGNORECASE)


def looks_like(data: bytes) -> str | None:
    """What kind of file ``data`` starts like ("a PDF", "HTML", "a program (Linux)"), or None if none known."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _WINDOWS_PROGRAM.match(head):
        return "a Windows program"
    for signature, label in _SIGNATURES:
        if head.startswith(signature):
            return label
    if _BATCH.match(head):
        return "a Windows batch script"
    return markup_in(head[:1024], text=True)


def markup_in(data: bytes, *, text: bool) -> str | None:
    """ "SVG", "a PHP script" or "HTML" if ``data`` holds markup a browser would render or run; in text also "XML"."""
    found = _ACTIVE_MARKUP.search(data)
    if found:
        tag = found.group().lower()
        return "SVG" if b"svg" in tag else "a PHP script" if b"php" in tag else "HTML"
    if text and _XML_DECLARATION.search(data):
        return "XML"
    return None


def _wrong(label: str, data: bytes) -> Refused:
    return Refused(f"is not {label}: its content looks like {looks_like(data) or 'something else'}")


# Text (.txt, .csv) ----------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str | None:
    """UTF-8 (with or without a byte-order mark) or Windows-1252 text, else None."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def check_text(data: bytes, label: str = "plain text") -> str:
    """Text that is only text: not a program, script, PDF, HTML or other markup, and no binary data."""
    kind = looks_like(data)
    if kind is None and b"%PDF-" in data[:1024]:
        kind = "a PDF"
    if kind:
        raise Refused(f"is not {label}: its content looks like {kind}")
    text = decode_text(data)
    if b"\x00" in data:
        raise Refused(f"is not {label}: it contains binary data")
    if text is None:
        raise Refused(f"is not {label}: it is not UTF-8 or Windows text")
    if control_character(text):
        raise Refused(f"is not {label}: it contains binary data ({control_character(text)})")
    kind = markup_in(data, text=True)
    if kind:
        raise Refused(f"is not {label}: its content looks like {kind}")
    return text


# A cell that a spreadsheet would run: a formula calling a function, or a DDE link (program|'argument'!cell).
_FORMULA_START = ("=", "+", "-", "@")
_FUNCTION_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\s*\(")
_DDE = re.compile(r"[A-Za-z0-9_.\-]+\s*\|")
_STRING_LITERAL = re.compile(r'"[^"]*"')


def dde_in(formula: str) -> bool:
    """True for a formula holding a DDE link (program|'argument'!cell), string literals aside."""
    return bool(_DDE.search(_STRING_LITERAL.sub("", formula)))


def formula_in(cell: str) -> bool:
    """True for a cell a spreadsheet would run as a formula with a function call or a DDE link."""
    value = cell.strip()
    if not value.startswith(_FORMULA_START):
        return False
    return dde_in(value[1:]) or bool(_FUNCTION_CALL.search(_STRING_LITERAL.sub("", value[1:])))


def check_csv(data: bytes) -> None:
    text = check_text(data, "a CSV file")
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            for cell in row:
                if formula_in(cell):
                    shown = cell.strip()[:40]
                    raise Refused(f"has a formula in row {number} ({shown}), which a spreadsheet would run")
    except csv.Error as error:
        raise Refused(f"is not a CSV file: {error}") from error


# Images (.png, .jpg) --------------------------------------------------------------------------------------------

_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def check_image(data: bytes, image_format: str, label: str) -> None:
    """Decoded whole by Pillow (only as ``image_format``), within MAX_IMAGE_PIXELS; a PNG ends at its IEND."""
    signature = b"\x89PNG\r\n\x1a\n" if image_format == "PNG" else b"\xff\xd8\xff"
    if not data.startswith(signature):
        raise _wrong(label, data)
    try:
        with _strict_decoding(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise Refused(_too_many_pixels(width, height))
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise Refused(_too_many_pixels()) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
        raise Refused(f"is not {label}: the image is damaged or cut short") from error
    if image_format == "PNG" and not data.endswith(_PNG_END):
        raise Refused("has data after the end of the image")


_DECODING = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow refuses a cut-short image only while its module-wide LOAD_TRUNCATED_IMAGES is off, and WeasyPrint
    switches it on when it is imported; switch it off around the check (the servers run one request a process)."""
    with _DECODING:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _too_many_pixels(width: int | None = None, height: int | None = None) -> str:
    size = f"is {width:,} × {height:,} pixels, " if width and height else "has "
    return (
        f"{size}more than the {MAX_IMAGE_PIXELS // 1_000_000} million pixels accepted: it could be a decompression bomb"
    )


# PDF ------------------------------------------------------------------------------------------------------------

# Keys, action types (/S) and annotation types (/Subtype) that run, launch, fetch or carry something.
_PDF_ACTIVE_KEYS = {
    "/JavaScript": "contains JavaScript",
    "/JS": "contains JavaScript",
    "/AA": "contains actions that run by themselves (/AA)",
    "/EmbeddedFiles": "contains embedded files",
    "/EF": "contains embedded files",
    "/XFA": "contains an XFA form, which can run scripts",
    "/RichMedia": "contains embedded media (/RichMedia)",
}
_PDF_ACTIVE_ACTIONS = {
    "/JavaScript": "contains JavaScript",
    "/Launch": "contains a Launch action, which starts programs",
    "/SubmitForm": "contains a form that sends data elsewhere (/SubmitForm)",
    "/ImportData": "contains an action that loads outside data (/ImportData)",
    "/GoToR": "contains an action that opens another file (/GoToR)",
    "/GoToE": "contains an action that opens an embedded file (/GoToE)",
    "/RichMediaExecute": "contains embedded media (/RichMedia)",
}
_PDF_ACTIVE_TYPES = {
    "/FileAttachment": "contains embedded files",
    "/EmbeddedFile": "contains embedded files",
    "/RichMedia": "contains embedded media (/RichMedia)",
}


def check_pdf(data: bytes) -> None:
    """Opened by pypdf, every object reachable from the trailer read and every page's content decoded.

    Refused: not a PDF, damaged, password-protected, no pages, too many objects, or active content (JavaScript,
    Launch and other actions, /AA, an /OpenAction that is an action, embedded files, XFA, rich media).
    An /OpenAction that only names the page to open at is a destination, not an action, and is accepted.
    """
    if not data.startswith(b"%PDF-"):
        raise _wrong("a PDF", data)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused("is password-protected: remove the password so that it can be checked")
        pages = reader.pages
        if len(pages) == 0:
            raise Refused("is not a PDF: it has no pages")
        _refuse_active_pdf_content(reader.trailer)
        for page in pages:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
    except Refused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as error:
        raise Refused("is not a PDF: the file is damaged") from error


def _refuse_active_pdf_content(trailer: DictionaryObject) -> None:
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                raise Refused(f"has more than {MAX_PDF_OBJECTS:,} objects, too many to check")
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            _refuse_active_dictionary(item)
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _refuse_active_dictionary(entry: DictionaryObject) -> None:
    for key in entry:
        if key in _PDF_ACTIVE_KEYS:
            raise Refused(_PDF_ACTIVE_KEYS[key])
    action = entry.get("/S")
    if isinstance(action, NameObject) and action in _PDF_ACTIVE_ACTIONS:
        raise Refused(_PDF_ACTIVE_ACTIONS[action])
    for type_key in ("/Subtype", "/Type"):
        kind = entry.get(type_key)
        if isinstance(kind, NameObject) and kind in _PDF_ACTIVE_TYPES:
            raise Refused(_PDF_ACTIVE_TYPES[kind])
    opening = entry.get("/OpenAction")
    if opening is not None and isinstance(opening.get_object(), DictionaryObject):
        raise Refused("runs an action when it is opened (/OpenAction)")


# Email (.eml, .msg) ---------------------------------------------------------------------------------------------

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")  # RFC 5322 field name: printable ASCII except ":"
_MAIL_HEADERS = frozenset({"from", "to", "subject", "date", "message-id", "received", "mime-version", "cc"})
MAX_ATTACHMENT_DEPTH = 3


def check_eml(data: bytes, check_attachment: AttachmentCheck) -> None:
    """Parsed by the standard library's email parser: headers first, then each attachment checked as a file."""
    label = "an email (.eml)"
    if b"\x00" in data:
        raise Refused(f"is not {label}: it contains binary data")
    if not _HEADER_LINE.match(data.lstrip(b"\r\n")):
        raise Refused(f"is not {label}: it has no mail headers")
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
        names = {name.lower() for name in message}
        if len(names & _MAIL_HEADERS) < 2:
            raise Refused(f"is not {label}: it has no mail headers")
        attachments = [
            (part.get_filename() or "", _decoded_payload(part))
            for part in message.walk()
            if not part.is_multipart() and (part.get_filename() or part.get_content_disposition() == "attachment")
        ]
    except (MessageError, ValueError, TypeError, LookupError, IndexError) as error:
        raise Refused(f"is not {label}: the message is damaged") from error
    for name, payload in attachments:
        check_attachment(name, payload)


def _decoded_payload(part: Message) -> bytes:
    """A single (not multipart) part's content with its transfer encoding undone; b"" when it has none."""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


_MESSAGE_CLASS = ("__substg1.0_001A001F", "__substg1.0_001A001E")
_VBA_STORAGES = ("macros", "_vba_project_cur", "_vba_project", "vba")


def check_msg(data: bytes, check_attachment: AttachmentCheck) -> None:
    """Opened by olefile as an Outlook message (an IPM message class), every stream read, each attachment checked."""
    label = "an Outlook message (.msg)"
    if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise _wrong(label, data)
    try:
        with _open_ole(data) as ole:
            entries = ole.listdir(streams=True, storages=True)
            if any(part.lower() in _VBA_STORAGES for path in entries for part in path):
                raise Refused("contains macros")
            message_class = next((_read_text(ole, [s]) for s in _MESSAGE_CLASS if ole.exists(s)), "")
            if not ole.exists("__properties_version1.0") or not message_class.upper().startswith("IPM"):
                raise Refused(f"is not {label}: it is another kind of Outlook or Office file")
            for path in entries:
                if ole.get_type(path) == olefile.STGTY_STREAM:
                    ole.openstream(path).read()
            attachments = []
            for storage in sorted({path[0] for path in entries if path[0].startswith("__attach_version1.0_")}):
                if ole.exists(f"{storage}/__substg1.0_3701000D"):
                    raise Refused("has an attachment that is an embedded object or message: attach it as a file")
                name = next(
                    (
                        _read_text(ole, [storage, stream])
                        for stream in ("__substg1.0_3707001F", "__substg1.0_3704001F")
                        if ole.exists(f"{storage}/{stream}")
                    ),
                    "",
                )
                content_path = f"{storage}/__substg1.0_37010102"
                content = ole.openstream(content_path).read() if ole.exists(content_path) else b""
                attachments.append((name, content))
    except Refused:
        raise
    except (OSError, ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError) as error:
        raise Refused(f"is not {label}: the file is damaged") from error
    for name, content in attachments:
        check_attachment(name, content)


def _open_ole(data: bytes) -> olefile.OleFileIO[str]:
    """An OLE file opened from its bytes. olefile names its streams and storages with str whatever it is opened
    from, though its annotations give them the argument's type (bytes here)."""
    return cast("olefile.OleFileIO[str]", olefile.OleFileIO(data))


def _read_text(ole: olefile.OleFileIO[str], path: list[str]) -> str:
    raw = ole.openstream(path).read()
    text = raw.decode("utf-16-le") if path[-1].endswith("001F") else raw.decode("cp1252")
    return text.rstrip("\x00")


def ole_has_macros(data: bytes) -> bool:
    """True for an old Office (OLE) file with a VBA project in it; False if it has none or cannot be read."""
    try:
        with _open_ole(data) as ole:
            return any(part.lower() in _VBA_STORAGES for path in ole.listdir(storages=True) for part in path)
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return False


# Files that are two kinds at once -------------------------------------------------------------------------------


def opens_as_zip(data: bytes) -> bool:
    """True if a zip reader finds an archive with entries in ``data`` (it reads the directory at the end)."""
    stream = io.BytesIO(data)
    if not zipfile.is_zipfile(stream):
        return False
    try:
        with zipfile.ZipFile(stream) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
        return False


def check_single_kind(data: bytes, *, zip_based: bool, pdf: bool, markup_allowed: bool, window: int = 1024) -> None:
    """Refuse a file that other software would also open as a zip, a PDF or a web page (a polyglot).

    PDF readers look for their header in the first 1,024 bytes and browsers sniff about as far, so that is the
    ``window`` searched; a compound file (.msg) passes its 512-byte header sector, as its streams (an attached
    PDF, an HTML body) may start right after it and are checked on their own.
    """
    also = None
    head = data[:window]
    if not zip_based and opens_as_zip(data):
        also = "a zip archive"
    elif not pdf and b"%PDF-" in head:
        also = "a PDF"
    elif not markup_allowed:
        kind = markup_in(head, text=False)
        also = kind and ("an SVG image" if kind == "SVG" else kind)
    if also:
        raise Refused(f"is also {also}: a file that is two kinds of file at once is not accepted")
