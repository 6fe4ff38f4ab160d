"""The circular as a .docx: opened again with python-docx and checked paragraph by paragraph."""

from __future__ import annotations

import io
import warnings
import zipfile
from datetime import date

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from bot.calendar import Month
from bot.records.document import (
    BODY_FONT,
    HEADING_FONT,
    TITLE_FONT,
    circular_docx,
    issuer_size,
)
from bot.records.publish import circular_files, latest_circular_month
from bot.services import circular
from bot.services.base import UserError
from bot.services.circular_model import (
    CircularModel,
    Item,
    Para,
    Run,
    Section,
    from_stored_text,
)
from storage import circulars
from tests.catalog import label
from tests.conftest import at
from tests.records.records_world import NOW, World

ORG = "测试县委直属机关工委"


def east_asian(paragraph: Paragraph) -> set[str | None]:
    fonts: set[str | None] = set()
    for run in paragraph.runs:
        rfonts = run._r.rPr.rFonts if run._r.rPr is not None else None
        fonts.add(None if rfonts is None else rfonts.get(qn("w:eastAsia")))
    return fonts


async def built_circular(world: World) -> CircularModel:
    async with world.env.db.transaction() as tx:
        return await circular.build(world.env, tx, Month(2026, 5), at(2026, 5, 26, 9))


async def test_real_circular_as_a_red_headed_document(world: World) -> None:
    model = await built_circular(world)
    data = circular_docx(ORG, model, date(2026, 5, 26))
    doc = docx.Document(io.BytesIO(data))
    paras = doc.paragraphs
    # 红头: the issuer, large, red, centred, with a red rule under it.
    issuer = paras[0]
    assert issuer.text == ORG
    assert issuer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = issuer.runs[0]
    assert run.font.color.rgb is not None and str(run.font.color.rgb) == "FF0000"
    assert run.font.size == Pt(issuer_size(ORG)) and run.font.size.pt > 22
    assert east_asian(issuer) == {TITLE_FONT.primary}
    ppr = issuer._p.pPr
    assert ppr is not None
    bottom = ppr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000" and bottom.get(qn("w:val")) == "single"
    # The title, centred and bold in 小标宋.
    title = paras[1]
    assert title.text == label("circ_title", y=2026, m=5)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.font.bold for r in title.runs) and title.runs[0].font.size == Pt(22)
    assert east_asian(title) == {"方正小标宋简体"}
    # The salutation is flush left; the body is indented two characters.
    assert paras[2].text == label("circ_to")
    assert paras[2].paragraph_format.first_line_indent is None
    heading = next(p for p in paras if p.text == label("circ_sec_total"))
    assert all(r.font.bold for r in heading.runs)
    assert east_asian(heading) == {HEADING_FONT.primary}
    assert heading.paragraph_format.first_line_indent == Pt(32)
    ind = heading._p.pPr.ind if heading._p.pPr is not None else None
    assert ind is not None and ind.get(qn("w:firstLineChars")) == "200"
    c = model.counts
    assert c is not None
    figures = {"expected": c.expected, "on_time": c.on_time, "late": c.late}
    figures |= {"missing": c.missing, "exempt": c.exempt, "rate": f"{c.rate * 100:.1f}"}
    totals = next(p for p in paras if p.text == label("circ_totals", **figures))
    assert not any(r.font.bold for r in totals.runs)
    assert east_asian(totals) == {BODY_FONT.primary}
    assert totals.runs[0].font.name == "Times New Roman"  # digits and Latin
    assert totals.runs[0].font.size == Pt(16)
    # The sign-off and the full date, right-aligned, last.
    sign, day = paras[-2], paras[-1]
    assert sign.text == label("circ_sign", org=ORG)
    assert day.text == "2026年5月26日"  # the document's own date format (document.date_text)
    assert sign.alignment == day.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # Nothing of the chat markup leaks into the document.
    whole = "\n".join(p.text for p in paras)
    assert "<b>" not in whole and "&amp;" not in whole and "&lt;" not in whole
    assert whole.count(ORG) == 2
    # A4 with the standard 公文 margins.
    section = doc.sections[0]
    mm = [
        round(v.mm) if v is not None else None
        for v in (section.page_width, section.page_height, section.left_margin, section.top_margin)
    ]
    assert mm == [210, 297, 28, 37]
    assert doc.core_properties.title == title.text


def small_model(sign: str | None = "某某工委") -> CircularModel:
    return CircularModel(
        lang="zh-Hans",
        month="2026-02",
        title=(Run(text="关于A&B的通报", bold=True),),
        salutation=Para(lead=(Run(text="各党支部："),)),
        sections=(
            Section(
                kind="totals",
                heading=(Run(text="一、情况", bold=True),),
                paras=(
                    Para(
                        lead=(Run(text="甲支部"), Run(text="表现突出", bold=True)),
                        tail=(Run(text="，<好>。"),),
                    ),
                    Para(
                        lead=(Run(text="名单："),),
                        items=(Item(runs=(Run(text="甲支部"),)), Item(runs=(Run(text="乙支部"),))),
                        sep="、",
                    ),
                ),
            ),
        ),
        closing=(Para(lead=(Run(text="请各支部抓紧。"),)),),
        sign=sign,
        date_line="2026年2月1日",
    )


def test_font_table_carries_the_fallback_chains() -> None:
    data = circular_docx(ORG, small_model(), date(2026, 1, 5))
    table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="方正小标宋_GBK"/>' in table
    assert '<w:font w:name="华文中宋"><w:altName w:val="宋体"/>' in table
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in table
    assert '<w:charset w:val="86"/>' in table
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert 'w:eastAsia="zh-CN"' in styles


def test_document_from_the_model_runs_items_and_sign_off() -> None:
    doc = docx.Document(io.BytesIO(circular_docx("某党委", small_model(), date(2026, 2, 3))))
    texts = [p.text for p in doc.paragraphs]
    assert texts == [
        "某党委",
        "关于A&B的通报",
        "各党支部：",
        "一、情况",
        "甲支部表现突出，<好>。",
        "名单：甲支部、乙支部",
        "请各支部抓紧。",
        "某某工委",  # the sign-off as posted, under the configured issuer's red head
        "2026年2月3日",  # the day it was posted
    ]
    mixed = doc.paragraphs[4]
    assert [(r.text, bool(r.font.bold)) for r in mixed.runs] == [
        ("甲支部", False),
        ("表现突出", True),
        ("，<好>。", False),
    ]
    heading = doc.paragraphs[3]
    assert all(r.font.bold for r in heading.runs)
    assert east_asian(heading) == {HEADING_FONT.primary}
    assert doc.core_properties.title == "关于A&B的通报"


def test_model_without_sign_off_ends_with_its_own_lines() -> None:
    doc = docx.Document(io.BytesIO(circular_docx("某党委", small_model(None), date(2026, 2, 1))))
    assert doc.paragraphs[-1].text == "请各支部抓紧。"


def test_old_stored_text_becomes_plain_paragraphs() -> None:
    """A circular stored before the model: its lines, tags dropped, nothing guessed."""
    text = (
        "<b>关于A&amp;B的通报</b>\n\n各党支部：\n<b>一、情况</b>\n"
        "甲支部&lt;好&gt;。\n\n某某工委\n11月26日"
    )
    model = from_stored_text("2026-11", "zh-Hans", text)
    assert model.counts is None and model.sign is None and not model.title
    assert [s.kind for s in model.sections] == ["text"]
    doc = docx.Document(io.BytesIO(circular_docx("另一个名字", model, date(2026, 11, 26))))
    assert [p.text for p in doc.paragraphs] == [
        "另一个名字",
        "关于A&B的通报",
        "各党支部：",
        "一、情况",
        "甲支部<好>。",
        "某某工委",
        "11月26日",
    ]
    assert not any(r.font.bold for p in doc.paragraphs[1:] for r in p.runs)


def test_issuer_size_shrinks_for_long_names() -> None:
    assert issuer_size("党委") == 36
    long = issuer_size("中共某某省某某市某某区直属机关工作委员会")
    assert 22 <= long < 36


async def test_circular_files_for_posting(world: World) -> None:
    assert await latest_circular_month(world.env) == Month(2026, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        files = await circular_files(world.env, Month(2026, 5), NOW)
    assert files.document.name == "zhibu-通报-2026-05.docx"
    assert files.chart.name == "zhibu-通报-2026-05.png"
    doc = docx.Document(io.BytesIO(files.document.data))
    # The fixture's row predates the model: its stored text, line by line.
    assert [p.text for p in doc.paragraphs] == [
        world.env.cfg.org_name,
        "关于2026年5月的通报",
        "各党支部：",
        "正文 & 内容",
    ]
    assert files.chart.data[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(UserError) as err:
        await circular_files(world.env, Month(2026, 4), NOW)
    assert err.value.key == "rec_no_circular"


async def test_posted_model_is_reproduced_as_posted(world: World) -> None:
    """/circulardoc for an old month: the stored model, whatever the database says now."""
    env = world.env
    async with env.db.transaction() as tx:
        model = await circular.build(env, tx, Month(2026, 4), at(2026, 4, 26, 9))
        text = circular.chat_html(model)
        await circulars.save_circular(tx, "2026-04", text, at(2026, 4, 26, 9), model.to_json())
        await circulars.mark_circular_posted(tx, "2026-04", 78, at(2026, 4, 27, 9))
        # A branch renamed after the circular went out must not change it.
        await tx.run("UPDATE branches SET name = '改名支部' WHERE id = ?", (world.ids["甲支部"],))
    files = await circular_files(env, Month(2026, 4), NOW)
    doc = docx.Document(io.BytesIO(files.document.data))
    whole = "\n".join(p.text for p in doc.paragraphs)
    assert "甲支部" in whole and "改名支部" not in whole
    assert doc.paragraphs[1].text == model.title_text
    assert doc.paragraphs[-1].text == "2026年4月27日"  # the day it was posted
    on_time = model.section("on_time")
    assert on_time is not None
    assert any(p.text == on_time.heading_text for p in doc.paragraphs)
