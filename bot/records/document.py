"""The monthly circular as a Word document in the customary form of a 通报.

Layout follows GB/T 9704 (党政机关公文格式) loosely: a red issuer line with a
red rule under it (红头), the title centred in 小标宋, the body in 仿宋 with a
two-character first-line indent, headings in 黑体, the sign-off and date
right-aligned. The source is the circular's model (`CircularModel`), the
same object the chat text was rendered from, so the document says exactly
what was posted; a circular stored before the model comes as its text, one
plain paragraph a line.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run as DocxRun

from bot.records.safe import xml_safe
from bot.services.circular_model import CircularModel, Para, Run


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


def _add_run(paragraph: Paragraph, text: str) -> DocxRun:
    """Every piece of text enters the document here, cleaned of what XML cannot hold."""
    return paragraph.add_run(xml_safe(text))


def _apply_font(run: DocxRun, chain: FontChain, size: Pt, bold: bool = False) -> None:
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


def _runs(paragraph: Paragraph, runs: tuple[Run, ...], chain: FontChain, bold: bool) -> None:
    for r in runs:
        if r.text:
            _apply_font(_add_run(paragraph, r.text), chain, BODY_SIZE, bold or r.bold)


def _para_runs(para: Para) -> tuple[Run, ...]:
    """A paragraph's runs in reading order: lead, items with their separators, tail."""
    out: list[Run] = list(para.lead)
    for i, it in enumerate(para.items):
        if i and para.sep:
            out.append(Run(text=para.sep))
        out.extend(it.runs)
    out.extend(para.tail)
    return _merged(out)


def _merged(runs: list[Run]) -> tuple[Run, ...]:
    """Neighbouring runs of one style as one (fewer Word runs, same text)."""
    out: list[Run] = []
    for r in runs:
        if not r.text:
            continue
        if out and out[-1].bold == r.bold:
            out[-1] = Run(text=out[-1].text + r.text, bold=r.bold)
        else:
            out.append(r)
    return tuple(out)


def _body(doc: DocxDocument, para: Para, chain: FontChain = BODY_FONT, bold: bool = False) -> None:
    p = doc.add_paragraph()
    _exact_spacing(p)
    _indent_two_chars(p)
    _runs(p, _para_runs(para), chain, bold)


def circular_docx(org_name: str, model: CircularModel, posted_on: date) -> bytes:
    """The circular as a .docx: 红头 issuer line, title, body, sign-off and date.

    `org_name` heads the document (the issuer as configured); the sign-off is the
    model's, as posted, dated the day the circular was posted. A model without a
    sign-off (a circular stored before the model) ends with its own last lines.
    """
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _normal_style(doc)
    title_text = model.title_text.strip()
    doc.core_properties.title = xml_safe(title_text)
    doc.core_properties.author = xml_safe(org_name)

    issuer = doc.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _red_rule(issuer)
    run = _add_run(issuer, org_name)
    _apply_font(run, TITLE_FONT, Pt(issuer_size(org_name)))
    run.font.color.rgb = RED
    issuer.paragraph_format.space_after = Pt(24)

    if title_text:
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_after = Pt(20)
        _apply_font(_add_run(title, title_text), TITLE_FONT, TITLE_SIZE, bold=True)

    if model.salutation is not None:
        p = doc.add_paragraph()
        _exact_spacing(p)
        _runs(p, _para_runs(model.salutation), BODY_FONT, False)

    for para in model.intro:
        _body(doc, para)
    for sec in model.sections:
        if sec.heading:
            _body(doc, Para(lead=sec.heading), HEADING_FONT, bold=True)
        for para in (*sec.paras, *sec.detail):
            _body(doc, para)
    for para in model.closing:
        _body(doc, para)

    if model.sign is not None:
        for i, text in enumerate((model.sign or org_name, date_text(posted_on))):
            p = doc.add_paragraph()
            _exact_spacing(p, before=28 if i == 0 else 0)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
            _apply_font(_add_run(p, text), BODY_FONT, BODY_SIZE)

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
