"""The Word document a paper is written into, as a council files it: the base document (Highlight's own, or the
council's template named by REPORT_TEMPLATE_DOCX), the named styles every paragraph and table uses, a running
header and the unsigned mark on every page, and a footer reading "Page X of Y" in Word's own PAGE and NUMPAGES
fields.

A template gives the styles, the page set-up, and the headers and footers (a logo, a classification line): its
body is cleared and its style definitions are kept as they are. Highlight adds its running header to a header
that has no text of its own, its page numbers to a footer that has no page number, and any style the template
lacks, from Word's defaults.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

FONT = "Arial"
TABLE_STYLE = "Highlight Table"
MARK_STYLE = "Highlight Draft Mark"
MARK_COLOUR = "B10E1E"
HEADINGS = tuple(f"Heading {level}" for level in range(1, 5))
# Every style the export writes with, by name: a council restyles the document by changing these.
NAMED_STYLES = (
    "Normal",
    *HEADINGS,
    "List Bullet",
    "List Number",
    "Header",
    "Footer",
    "TOC Heading",
    TABLE_STYLE,
    MARK_STYLE,
)
_RELATIONSHIP_NAMESPACE = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Highlight's own styles, added when the base document has none of that name.
_OWN_STYLES = {
    TABLE_STYLE: (
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="HighlightTable">'
        f'<w:name w:val="{TABLE_STYLE}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        "<w:tblPr><w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="484949"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
    ),
    MARK_STYLE: (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="HighlightDraftMark">'
        f'<w:name w:val="{MARK_STYLE}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
        "<w:pPr><w:pBdr>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="24" w:space="4" w:color="{MARK_COLOUR}"/>'
            for side in ("top", "left", "bottom", "right")
        )
        + '</w:pBdr><w:spacing w:before="120" w:after="240"/><w:jc w:val="center"/></w:pPr>'
        f'<w:rPr><w:b/><w:color w:val="{MARK_COLOUR}"/><w:sz w:val="56"/></w:rPr></w:style>'
    ),
}


@dataclass(frozen=True)
class Styles:
    """The style id of each named style in this document (a template's ids may differ from Word's defaults)."""

    ids: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.ids[name]

    def heading(self, level: int) -> str:
        return self.ids[HEADINGS[min(max(level, 1), len(HEADINGS)) - 1]]


def base_document(template: str | None):
    """The document to write into: the template with its body cleared, or Highlight's own A4 document."""
    if template:
        document = Document(template)
        document.element.body.clear_content()
        return document
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    for name in ("Normal", *HEADINGS[:3], "Title", "List Bullet"):
        style = document.styles[name]
        style.font.name = FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        if name.startswith("Heading") or name == "Title":
            style.font.color.rgb = RGBColor(0, 0, 0)
    document.styles["Normal"].font.size = Pt(10)
    language = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if language is not None:
        language.set(qn("w:val"), "en-GB")
    return document


# What follows updateFields in a settings part (WordprocessingML keeps its elements in a fixed order).
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def update_fields_on_open(document) -> None:
    """Ask Word to update the document's fields (its table of contents) when it opens it."""
    settings = document.settings.element
    existing = settings.find(qn("w:updateFields"))
    if existing is not None:
        existing.set(qn("w:val"), "true")
        return
    element = parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>')
    successors = {qn(f"w:{name}") for name in _AFTER_UPDATE_FIELDS}
    following = next((child for child in settings if child.tag in successors), None)
    if following is None:
        settings.append(element)
    else:
        following.addprevious(element)


@cache
def _word_default_styles() -> dict[str, str]:
    """The XML of each named style in python-docx's default document, for a template that lacks one."""
    from lxml import etree

    styles = Document().styles
    return {s.name: etree.tostring(s.element, encoding="unicode") for s in styles if s.name in NAMED_STYLES}


def ensure_styles(document) -> Styles:
    """Every named style the export uses, added where the document lacks it; a template's own are kept."""
    styles = document.styles
    ids = {style.name: style.style_id for style in styles if style.name in NAMED_STYLES}
    for name in NAMED_STYLES:
        if name in ids:
            continue
        xml = _OWN_STYLES.get(name) or _word_default_styles()[name]
        element = parse_xml(xml)
        styles.element.append(element)
        ids[name] = element.get(qn("w:styleId"))
    return Styles(ids)


# Fields and header or footer paragraphs -----------------------------------------------------------------------


def field_start(instruction: str, *, dirty: bool = False) -> str:
    """The runs that open a Word field (PAGE, NUMPAGES, TOC…); what follows is shown until Word updates it, up
    to FIELD_END. ``dirty`` asks Word to update it when the document opens."""
    flag = ' w:dirty="true"' if dirty else ""
    return (
        f'<w:r><w:fldChar w:fldCharType="begin"{flag}/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )


FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def word_field(instruction: str, shown: str = "1") -> str:
    """A Word field as runs, showing ``shown`` until Word updates it."""
    return f"{field_start(instruction)}<w:r><w:t>{escape(shown)}</w:t></w:r>{FIELD_END}"


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph(style_id: str, runs: str, *, align: str | None = None) -> object:
    justify = f'<w:jc w:val="{align}"/>' if align else ""
    return parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style_id}"/>{justify}</w:pPr>{runs}</w:p>')


def _has_text(element) -> bool:
    return any((text.text or "").strip() for text in element.iter(qn("w:t")))


def _has_page_number(element) -> bool:
    instructions = [text.text or "" for text in element.iter(qn("w:instrText"))]
    instructions += [simple.get(qn("w:instr")) or "" for simple in element.iter(qn("w:fldSimple"))]
    return any("PAGE" in instruction.split() for instruction in instructions)


# Headers and footers ------------------------------------------------------------------------------------------


@dataclass
class _Pristine:
    """A header or footer as the template defines it, before anything is added: copied into later sections."""

    part: object
    children: list
    has_text: bool


@dataclass
class Furniture:
    """Headers and footers of each section: the template's, with the running header, the unsigned mark and the
    page numbers added."""

    document: object
    styles: Styles
    headers: dict[str, _Pristine] = dataclasses.field(default_factory=dict)
    footers: dict[str, _Pristine] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        first = self.document.sections[0]
        for kind in ("header", "first_page_header", "even_page_header"):
            self._keep(self.headers, kind, getattr(first, kind))
        for kind in ("footer", "first_page_footer", "even_page_footer"):
            self._keep(self.footers, kind, getattr(first, kind))

    @staticmethod
    def _keep(into: dict, kind: str, part) -> None:
        if not part.is_linked_to_previous:
            element = part.part.element
            into[kind] = _Pristine(part.part, [copy.deepcopy(child) for child in element], _has_text(element))

    def _kinds(self, section, base: str) -> list[str]:
        kinds = [base]
        if section.different_first_page_header_footer:
            kinds.append(f"first_page_{base}")
        if self.document.settings.odd_and_even_pages_header_footer:
            kinds.append(f"even_page_{base}")
        return kinds

    def new_section(self):
        """Start a new section on a new page; its page numbers run on from the previous section's."""
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        numbering = section._sectPr.find(qn("w:pgNumType"))
        if numbering is not None and numbering.get(qn("w:start")) is not None:
            del numbering.attrib[qn("w:start")]
        return section

    def dress(self, section, running: str, mark: str | None, *, first: bool) -> None:
        """Give the section its headers (the template's, the running header where they have no text, the mark
        on every page when unsigned) and, for the first section, footers with "Page X of Y"; later sections
        use the first's footers."""
        for kind in self._kinds(section, "header"):
            header = getattr(section, kind)
            element = self._definition(header, self.headers.get(kind), fresh=not first)
            pristine = self.headers.get(kind)
            if not (pristine and pristine.has_text):
                element.append(_paragraph(self.styles["Header"], _run(running)))
            if mark:
                runs = f'<w:r><w:rPr><w:b/><w:color w:val="{MARK_COLOUR}"/><w:sz w:val="32"/></w:rPr>'
                runs += f"<w:t>{escape(mark)}</w:t></w:r>"
                element.append(_paragraph(self.styles["Header"], runs, align="center"))
        if not first:
            return
        for kind in self._kinds(section, "footer"):
            footer = getattr(section, kind)
            element = self._definition(footer, self.footers.get(kind), fresh=False)
            if not _has_page_number(element):
                runs = _run("Page ") + word_field("PAGE") + _run(" of ") + word_field("NUMPAGES")
                element.append(_paragraph(self.styles["Footer"], runs, align="right"))

    def _definition(self, header_or_footer, pristine: _Pristine | None, *, fresh: bool):
        """The element to write into: the template's own in the first section; in a later section a definition
        of its own, holding a copy of the template's (its images related to the new part)."""
        if not fresh and not header_or_footer.is_linked_to_previous:
            return header_or_footer.part.element
        header_or_footer.is_linked_to_previous = False
        part = header_or_footer.part
        element = part.element
        for child in list(element):
            element.remove(child)
        if pristine is not None:
            for child in pristine.children:
                element.append(_related(copy.deepcopy(child), pristine.part, part))
        return element


def _related(element, source, target):
    """The element with each relationship it names (an image, a link) re-made from ``source``'s part to
    ``target``'s."""
    for node in element.iter():
        for name, value in list(node.attrib.items()):
            if not name.startswith(_RELATIONSHIP_NAMESPACE) or value not in source.rels:
                continue
            relationship = source.rels[value]
            if relationship.is_external:
                node.set(name, target.relate_to(relationship.target_ref, relationship.reltype, is_external=True))
            else:
                node.set(name, target.relate_to(relationship.target_part, relationship.reltype))
    return element
