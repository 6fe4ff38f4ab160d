"""The monthly circular as a Word document in the customary form of a 通报.

Layout follows GB/T 9704 (党政机关公文格式) loosely: a red issuer line with a
red rule under it (红头), the title centred in 小标宋, the body in 仿宋 with a
two-character first-line indent, headings in 黑体, the sign-off and date
right-aligned. The source is the stored chat text (Telegram HTML), so the
document says exactly what was posted.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run


@dataclass(frozen=True)
class FontChain:
    """A typeface and the ones a reader's Word may substitute when it is not installed.

    The first name goes into each run's `w:eastAsia`; the chain is written to the
    document's font table (`w:altName`, GB2312 charset, family), which is what
    Word and WPS consult to pick a substitute on a machine without the font.
    """

    names: tuple[str, ...]
    family: str  # the font table's generic family: roman (serif), swiss (sans), modern

    @property
    def primary(self) -> str:
        return self.names[0]


TITLE_FONT = FontChain(("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "宋体", "SimSun"), "roman")
BODY_FONT = FontChain(("仿宋_GB2312", "仿宋", "FangSong", "STFangsong"), "modern")
HEADING_FONT = FontChain(("黑体", "SimHei", "STHeiti"), "swiss")
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)

BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
ISSUER_MAX = 36.0  # 小初
ISSUER_MIN = 22.0
LINE_EXACT = Pt(28)
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72  # A4 less the standard left and right margins

# What may follow w:pBdr inside w:pPr (the schema fixes the order of its children).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip

_DATE_LINE = re.compile(r"^\s*(\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool


@dataclass(frozen=True)
class Line:
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def heading(self) -> bool:
        """Every visible character is bold: a section heading (or the title)."""
        visible = [s for s in self.spans if s.text.strip()]
        return bool(visible) and all(s.bold for s in visible)


class _LineParser(HTMLParser):
    """Telegram HTML of one line → spans; <b>/<strong> make bold, other tags are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.spans: list[Span] = []
        self._bold = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("b", "strong"):
            self._bold += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong") and self._bold:
            self._bold -= 1

    def handle_data(self, data: str) -> None:
        if data:
            self.spans.append(Span(data, self._bold > 0))


def parse_line(html_line: str) -> Line:
    parser = _LineParser()
    parser.feed(html_line)
    parser.close()
    return Line(tuple(parser.spans))


@dataclass(frozen=True)
class CircularParts:
    title: Line | None
    salutation: Line | None
    body: list[Line]
    sign: str | None  # the sign-off as posted (the issuing body's name)


def split_circular(text: str) -> CircularParts:
    """Find the title, salutation, body and sign-off of a circular built by the bot.

    The bot writes: bold title, blank, salutation ending in '：', sections, closing,
    blank, sign-off name, date. The trailing block after the last blank line is the
    sign-off when it is one or two short plain lines ending with a date.
    """
    raw = text.split("\n")
    lines = [parse_line(x) for x in raw]
    blank = [i for i, ln in enumerate(lines) if not ln.text.strip()]
    sign: str | None = None
    end = len(lines)
    if blank:
        tail = [ln for ln in lines[blank[-1] + 1 :] if ln.text.strip()]
        looks_signed = (
            1 <= len(tail) <= 2
            and _DATE_LINE.match(tail[-1].text) is not None
            and all(len(ln.text) <= 60 and not ln.heading for ln in tail)
        )
        if looks_signed:
            end = blank[-1]
            sign = tail[0].text.strip() if len(tail) == 2 else None
    content = [ln for ln in lines[:end] if ln.text.strip()]
    title = content.pop(0) if content and content[0].heading else None
    salutation = None
    if content and content[0].text.rstrip().endswith(("：", ":")) and not content[0].heading:
        salutation = content.pop(0)
    return CircularParts(title=title, salutation=salutation, body=content, sign=sign)


def _apply_font(run: Run, chain: FontChain, size: Pt, bold: bool = False) -> None:
    run.font.name = LATIN_FONT  # w:ascii and w:hAnsi: digits and Latin letters
    run.font.size = size
    run.font.bold = bold
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), chain.primary)
    fonts.set(qn("w:hint"), "eastAsia")


def _exact_spacing(paragraph: Paragraph, before: float = 0, after: float = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_EXACT
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)


def _indent_two_chars(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)
    # firstLineChars keeps the indent at two characters even if the reader changes the size.
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "200")


def _red_rule(paragraph: Paragraph) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    rule = {"w:val": "single", "w:sz": "18", "w:space": "6", "w:color": "FF0000"}
    for key, value in rule.items():
        bottom.set(qn(key), value)
    border.append(bottom)
    pPr.insert_element_before(border, *_AFTER_PBDR)


def issuer_size(org_name: str) -> float:
    """As large as 小初 but never wider than the text block (a long name shrinks)."""
    fits = TEXT_WIDTH_PT / max(len(org_name), 1)
    return max(ISSUER_MIN, min(ISSUER_MAX, int(fits * 2) / 2))


def date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _spans(paragraph: Paragraph, line: Line, chain: FontChain, size: Pt, bold: bool) -> None:
    for span in line.spans:
        _apply_font(paragraph.add_run(span.text), chain, size, bold or span.bold)


def circular_docx(org_name: str, circular_text_html: str, posted_on: date) -> bytes:
    """The circular as a .docx: 红头 issuer line, title, body, sign-off and date."""
    parts = split_circular(circular_text_html)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _normal_style(doc)
    title_text = parts.title.text.strip() if parts.title else ""
    doc.core_properties.title = title_text
    doc.core_properties.author = org_name

    issuer = doc.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _red_rule(issuer)
    run = issuer.add_run(org_name)
    _apply_font(run, TITLE_FONT, Pt(issuer_size(org_name)))
    run.font.color.rgb = RED
    issuer.paragraph_format.space_after = Pt(24)

    if parts.title is not None:
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_after = Pt(20)
        _apply_font(title.add_run(title_text), TITLE_FONT, TITLE_SIZE, bold=True)

    if parts.salutation is not None:
        p = doc.add_paragraph()
        _exact_spacing(p)
        _spans(p, parts.salutation, BODY_FONT, BODY_SIZE, False)

    for line in parts.body:
        p = doc.add_paragraph()
        _exact_spacing(p)
        _indent_two_chars(p)
        if line.heading:
            _spans(p, line, HEADING_FONT, BODY_SIZE, True)
        else:
            _spans(p, line, BODY_FONT, BODY_SIZE, False)

    for i, text in enumerate((parts.sign or org_name, date_text(posted_on))):
        p = doc.add_paragraph()
        _exact_spacing(p, before=28 if i == 0 else 0)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
        _apply_font(p.add_run(text), BODY_FONT, BODY_SIZE)

    out = io.BytesIO()
    doc.save(out)
    return with_font_table(out.getvalue(), (TITLE_FONT, BODY_FONT, HEADING_FONT))


def _normal_style(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT.primary)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    existing = rpr.find(qn("w:lang"))
    if existing is not None:
        rpr.remove(existing)
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _font_entry(name: str, alt: str | None, family: str) -> str:
    alt_xml = f"<w:altName w:val={quoteattr(alt)}/>" if alt else ""
    return (
        f"<w:font w:name={quoteattr(name)}>{alt_xml}"
        f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="variable"/>'
        "</w:font>"
    )


def with_font_table(docx: bytes, chains: tuple[FontChain, ...]) -> bytes:
    """Add the fallback chains to word/fontTable.xml (python-docx has no API for it).

    Each name is listed with the next one in its chain as `w:altName`, so a reader
    missing 方正小标宋简体 is pointed to 华文中宋, then 宋体, and so on.
    """
    source = zipfile.ZipFile(io.BytesIO(docx))
    table = source.read("word/fontTable.xml").decode("utf-8")
    entries = []
    for chain in chains:
        for i, name in enumerate(chain.names):
            if f"w:name={quoteattr(name)}" in table:
                continue
            alt = chain.names[i + 1] if i + 1 < len(chain.names) else None
            entries.append(_font_entry(name, alt, chain.family))
    table = table.replace("</w:fonts>", "".join(entries) + "</w:fonts>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/fontTable.xml":
                data = table.encode("utf-8")
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
