"""Any text reaches a Word document, a spreadsheet or a chart: what XML cannot hold is dropped
where it is rendered (U+0007, U+0000, U+FFFF, a lone surrogate), and nothing else."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import docx
import openpyxl

from bot.calendar import Month
from bot.records.chart import month_chart
from bot.records.data import load_year
from bot.records.document import circular_docx
from bot.records.ledger import ledger_xlsx
from bot.records.safe import xml_safe
from bot.services.circular_model import from_stored_text
from tests.records.records_world import World

BAD = "\x07\x00\uffff\ud800\udfff\x1f\ufffe\x0b"


def test_xml_safe_drops_only_what_xml_cannot_hold() -> None:
    assert xml_safe(f"甲{BAD}支部") == "甲支部"
    kept = "tab\tnewline\ncr\r é 😀 \ufffd \ue000 \U0010fffd"
    assert xml_safe(kept) == kept
    # In a Python str two surrogate halves stay two code points UTF-8 cannot encode: dropped.
    assert xml_safe("\ud83d\ude00") == ""
    assert xml_safe("") == ""


def test_the_document_holds_any_text() -> None:
    stored = (
        f"<b>关于{BAD}的通报</b>\n\n各党支部：\n<b>一、工作亮点</b>\n甲{BAD}支部：报告{BAD}正文\n"
    )
    model = from_stored_text("2026-11", "zh-Hans", stored)
    data = circular_docx(f"某{BAD}党委", model, date(2026, 11, 26))
    doc = docx.Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["某党委", "关于的通报"]
    assert "甲支部：报告正文" in texts
    assert not any(ch in "".join(texts) for ch in BAD)


def test_the_chart_holds_any_text() -> None:
    png = month_chart(f"2026年11月{BAD}", {"按时": 2, f"其他{BAD}": 1}, [(f"2026-11{BAD}", 0.5)])
    assert png.startswith(b"\x89PNG")


async def test_the_ledger_holds_any_text(world: World) -> None:
    data = await load_year(world.env, 2026, world.now)
    first = data.branches[0]
    bad_name = f"甲{BAD}支部"
    data.branches[0] = first.model_copy(update={"name": bad_name})
    for key, cell in list(data.cells.items()):
        if key[0] == first.id and cell.report is not None:
            report = dataclasses.replace(cell.report, text=f"报告{BAD}正文")
            data.cells[key] = dataclasses.replace(cell, report=report)
    data = dataclasses.replace(data, org_name=f"工委{BAD}")
    book = openpyxl.load_workbook(io.BytesIO(ledger_xlsx(data)))
    values = [
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    ]
    assert "甲支部" in values
    assert "报告正文" in values
    assert not any(ch in v for v in values for ch in BAD)
    assert Month(2026, 1) in data.months


async def test_a_report_that_looks_like_a_formula_stays_text(world: World) -> None:
    """A report (or a branch name) typed as "=…" is what a person wrote: never a formula
    that Excel would compute when the ledger is opened."""
    data = await load_year(world.env, 2026, world.now)
    first = data.branches[0]
    data.branches[0] = first.model_copy(update={"name": "=1+1支部"})
    for key, cell in list(data.cells.items()):
        if key[0] == first.id and cell.report is not None:
            report = dataclasses.replace(cell.report, text='=HYPERLINK("http://x","点我")')
            data.cells[key] = dataclasses.replace(cell, report=report)
    book = openpyxl.load_workbook(io.BytesIO(ledger_xlsx(data)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    typed = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert {c.value for c in typed} >= {"=1+1支部", '=HYPERLINK("http://x","点我")'}
    assert all(c.data_type == "s" for c in typed), [(c.value, c.data_type) for c in typed]
