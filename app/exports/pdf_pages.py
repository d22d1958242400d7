"""Finishing drawn PDFs: joining tagged parts into one tagged file, and numbering the pages of the result.

WeasyPrint draws each paper without page numbers. Numbers are stamped on the finished file, so that a board pack
joined from papers drawn (and kept) one by one counts "Page n of N" once across all of them, and a paper reads the
same whether it is downloaded alone or in the pack. The stamp is a pagination artifact, outside the structure tree,
as PDF/UA wants page furniture to be, written in a font WeasyPrint embedded (a subset holding only the glyphs the
stamp needs).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache

import pikepdf
from pikepdf import Array, Dictionary, Name, NumberTree, OutlineItem, PageLocation

FOOTER_FONT = Name("/HighlightPageNumbers")
FOOTER_SIZE = 8  # points
FOOTER_RIGHT = 15 * 72 / 25.4  # the page's right margin, 15 mm, in points
FOOTER_BASELINE = 9 * 72 / 25.4  # 9 mm above the page's bottom edge
FOOTER_GREY = b"0.282 0.286 0.286 rg"  # #484949, as the paper's captions
# Every character a page number stamp may use.
_PALETTE = "Page 0123456789 of"
_PALETTE_HTML = (
    "<html lang=\"en-GB\"><body><p style=\"font: 8pt Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif\">"
    f"{_PALETTE}</p></body></html>"
)
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


@dataclass(frozen=True)
class _Font:
    """An embedded font and what typesetting a stamp with it needs: each character's code and width."""

    pdf: bytes  # a one-page PDF holding the font
    codes: dict[str, bytes]  # character → its two-byte code (Identity-H)
    widths: dict[str, float]  # character → advance width, in thousandths of the font size

    def encode(self, text: str) -> bytes:
        """The text as a PDF hex string in this font. Raises KeyError for a character the palette lacks."""
        return b"<" + b"".join(self.codes[character] for character in text) + b">"

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[character] for character in text) * size / 1000


@cache
def _footer_font() -> _Font:
    """The stamp's font, drawn once per process by WeasyPrint from the paper's own font list."""
    from weasyprint import HTML

    data = HTML(string=_PALETTE_HTML).write_pdf()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        unicode_of = {int(code, 16): chr(int(text, 16)) for code, text in _BFCHAR.findall(font.ToUnicode.read_bytes())}
        descendant = font.DescendantFonts[0]
        default = float(descendant.get("/DW", 1000))
        advance = _widths(descendant.get("/W", Array()))
    codes = {character: f"{code:04x}".encode("ascii") for code, character in unicode_of.items()}
    widths = {character: advance.get(code, default) for code, character in unicode_of.items()}
    missing = set(_PALETTE) - set(codes)
    if missing:
        raise RuntimeError(f"the page number font lacks {sorted(missing)}")
    return _Font(data, codes, widths)


def _widths(array: Array) -> dict[int, float]:
    """A CID font's /W array as code → width: "c [w1 w2 …]" and "c_first c_last w" runs."""
    items = list(array)
    widths: dict[int, float] = {}
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1]
        if isinstance(following, Array):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            index += 2
        else:
            for code in range(first, int(following) + 1):
                widths[code] = float(items[index + 2])
            index += 3
    return widths


def number_pages(pdf: pikepdf.Pdf) -> None:
    """Stamp "Page n of N" at the foot of every page, right-aligned in the paper's margin, as an artifact."""
    font = _footer_font()
    with pikepdf.open(io.BytesIO(font.pdf)) as source:
        embedded = pdf.copy_foreign(next(iter(source.pages[0].Resources.Font.values())))
    total = len(pdf.pages)
    opening = pikepdf.Stream(pdf, b"q\n")
    for number, page in enumerate(pdf.pages, start=1):
        text = f"Page {number} of {total}"
        box = page.mediabox
        x = float(box[2]) - FOOTER_RIGHT - font.width(text, FOOTER_SIZE)
        y = float(box[1]) + FOOTER_BASELINE
        page.add_resource(embedded, Name.Font, FOOTER_FONT)
        stamp = (
            b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq "
            + FOOTER_GREY
            + b" BT "
            + FOOTER_FONT.unparse()
            + f" {FOOTER_SIZE} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm ".encode("ascii")
            + font.encode(text)
            + b" Tj ET Q\nEMC\n"
        )
        # The drawn content is wrapped in q … Q so that the stamp starts from the page's own coordinates.
        page.contents_add(opening, prepend=True)
        page.contents_add(pikepdf.Stream(pdf, stamp))


def scope_table_headers(pdf: pikepdf.Pdf) -> None:
    """Give each table header cell its scope, so that assistive technology can tell which cells it heads:
    a header in a table's head heads its column, one in the body heads its row (as the paper's markup has them:
    ``<th scope="col">`` in ``<thead>``, ``<th scope="row">`` in ``<tbody>``). The drawn file links cells to
    headers by ID only, with no ID tree to look the IDs up in."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    stack = [(element, None) for element in _kids(tree)]
    while stack:
        element, group = stack.pop()
        kind = element.get("/S")
        if kind == Name.TH:
            attributes = element.get("/A")
            if not isinstance(attributes, Dictionary):
                attributes = element.A = Dictionary(O=Name.Table)
            attributes.Scope = Name.Column if group == Name.THead else Name.Row
            continue
        if kind == Name.TD:
            continue  # a cell's content holds no header
        if kind in (Name.THead, Name.TBody, Name.TFoot):
            group = kind
        stack.extend((kid, group) for kid in _kids(element))


def _kids(element) -> list:
    """An element's child structure elements (not its marked content)."""
    kids = element.get("/K")
    if isinstance(kids, Dictionary):
        kids = [kids]
    elif not isinstance(kids, Array):
        return []
    return [
        kid
        for kid in kids
        if isinstance(kid, Dictionary) and kid.get("/Type", Name.StructElem) == Name.StructElem and "/S" in kid
    ]


def finish(pdf: pikepdf.Pdf) -> bytes:
    """The file's bytes, its table headers scoped and its pages numbered."""
    scope_table_headers(pdf)
    number_pages(pdf)
    return save(pdf)


def finished(data: bytes) -> bytes:
    """A drawn PDF, finished: its table headers scoped and its pages numbered."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return finish(pdf)


def save(pdf: pikepdf.Pdf) -> bytes:
    """The file's bytes; the same content always gives the same bytes (its identifier is a digest of it)."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def join(parts: list[bytes]) -> pikepdf.Pdf:
    """One tagged PDF of the parts in order: their pages, one structure tree holding each part's, and one
    outline holding each part's bookmarks. The catalog (language, title, PDF/UA metadata) is the first part's.
    """
    pdf = pikepdf.open(io.BytesIO(parts[0]))
    tree = pdf.Root.get("/StructTreeRoot")
    parents = NumberTree(tree.ParentTree) if tree is not None else None
    next_key = (max((int(key) for key, _ in parents.items()), default=-1) + 1) if parents is not None else 0
    with pdf.open_outline() as outline:
        for data in parts[1:]:
            with pikepdf.open(io.BytesIO(data)) as part:
                start = len(pdf.pages)
                pdf.pages.extend(part.pages)
                if tree is not None and "/StructTreeRoot" in part.Root:
                    next_key = _join_structure(pdf, tree, parents, part, start, next_key)
                with part.open_outline() as bookmarks:
                    index = {page.obj.objgen: number for number, page in enumerate(part.pages)}
                    outline.root.extend(_moved(item, index, start) for item in bookmarks.root)
    if tree is not None:
        tree.ParentTreeNextKey = next_key
    return pdf


def _join_structure(pdf, tree, parents: NumberTree, part, start: int, next_key: int) -> int:
    """Hang the part's structure elements under the joined document's top element and renumber the part's
    marked-content parents after the joined file's. Returns the next free parent key."""
    document = tree.K[0] if isinstance(tree.K, Array) else tree.K
    part_tree = part.Root.StructTreeRoot
    part_document = part_tree.K[0] if isinstance(part_tree.K, Array) else part_tree.K
    # The part's pages were copied already: copying its elements maps their /Pg to those copies.
    for element in part_document.K:
        copied = _copied(pdf, element)
        if isinstance(copied, Dictionary):
            copied.P = document
        document.K.append(copied)
    offset = next_key
    highest = -1
    for key, value in NumberTree(part_tree.ParentTree).items():
        parents[int(key) + offset] = _copied(pdf, value)
        highest = max(highest, int(key))
    for page in pdf.pages[start:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", Array()):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    return offset + highest + 1


def _copied(pdf: pikepdf.Pdf, value):
    """A part's object in the joined file: an indirect one copied (once: the joined file remembers what it copied
    from each part), a direct array or dictionary rebuilt around its copied members."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copied(pdf, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copied(pdf, item) for key, item in value.items()})
    return value


def _moved(item: OutlineItem, index: dict, start: int) -> OutlineItem:
    """A copy of a part's bookmark (and its children) pointing at the same place in the joined file."""
    destination = item.destination
    moved = OutlineItem(item.title)
    if isinstance(destination, Array) and len(destination) >= 2 and destination[0].objgen in index:
        page = start + index[destination[0].objgen]
        if destination[1] == Name.XYZ and len(destination) >= 4:
            left, top = destination[2], destination[3]
            moved = OutlineItem(item.title, page, PageLocation.XYZ, left=left, top=top)
        else:
            moved = OutlineItem(item.title, page)
    moved.children.extend(_moved(child, index, start) for child in item.children)
    return moved
