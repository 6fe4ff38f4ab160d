"""The ledger workbook, opened again with openpyxl and read cell by cell."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.records import data as data_module
from bot.records import labels as L
from bot.records.data import TaskStatusRow, load_year
from bot.records.ledger import STATE_FILL, clean_text, display_width, ledger_xlsx, plain
from bot.services.base import Env
from bot.services.status import State
from tests.conftest import at
from tests.records.records_world import NOW, World


async def workbook(world: World, tasks: list[TaskStatusRow] | None = None) -> Workbook:
    data = await load_year(world.env, 2026, NOW, tasks or [])
    return load_workbook(io.BytesIO(ledger_xlsx(data)))


def rows(ws: Worksheet) -> dict[str, list[object]]:
    """Data rows keyed by their first cell (the branch name)."""
    out: dict[str, list[object]] = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] is not None and row[1] is not None:
            out[str(row[0])] = list(row)
    return out


def fill_of(ws: Worksheet, ref: str) -> str:
    rgb = ws[ref].fill.fgColor.rgb
    assert isinstance(rgb, str)
    return rgb[-6:]


async def test_sheets_and_frozen_headers(world: World) -> None:
    wb = await workbook(world)
    assert wb.sheetnames == [
        L.SHEET_MATRIX,
        L.SHEET_REPORTS,
        L.SHEET_TASKS,
        L.SHEET_CIRCULARS,
        L.SHEET_REVIEW,
    ]
    assert wb[L.SHEET_MATRIX].freeze_panes == "C2"
    for name in wb.sheetnames[1:]:
        assert wb[name].freeze_panes == "A2", name
    for ws in wb.worksheets:
        assert ws["A1"].font.b, ws.title
        assert ws.column_dimensions["A"].width >= 6


async def test_matrix_states_colours_and_rates(world: World) -> None:
    wb = await workbook(world)
    ws = wb[L.SHEET_MATRIX]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["支部", "类别", "1月"]
    assert header[-6:] == ["应报月数", "按时", "迟报", "未报", "免报", "全年按时率"]
    table = rows(ws)
    # Branch rows have an empty category except 甲; key on the name column.
    names = [ws.cell(row=r, column=1).value for r in range(2, 9)]
    assert names == ["甲支部", "乙支部", "丙支部", "丁支部", "戊支部", "己支部（已撤销）", "辛支部"]
    by_name = {ws.cell(row=r, column=1).value: r for r in range(2, 9)}
    yi = [ws.cell(row=by_name["乙支部"], column=c).value for c in range(3, 15)]
    assert yi[:6] == ["按时", "迟报（3月2日）", "未报", "按时", "按时", "待报"]
    assert yi[6:] == [None] * 6  # July onwards: no cycle yet
    bing = [ws.cell(row=by_name["丙支部"], column=c).value for c in range(3, 8)]
    assert bing == ["未报", "免报", "未报", "未报", "按时"]
    wu = [ws.cell(row=by_name["戊支部"], column=c).value for c in range(3, 8)]
    assert wu == [None, None, None, "未报", "按时"]
    # Colours: the cell's fill is the state's.
    r = by_name["乙支部"]
    assert fill_of(ws, f"C{r}") == STATE_FILL[State.ON_TIME]
    assert fill_of(ws, f"D{r}") == STATE_FILL[State.LATE]
    assert fill_of(ws, f"E{r}") == STATE_FILL[State.MISSING]
    assert fill_of(ws, f"H{r}") == STATE_FILL[State.WAITING]
    assert fill_of(ws, f"D{by_name['丙支部']}") == STATE_FILL[State.EXEMPT]
    assert ws.cell(row=by_name["戊支部"], column=3).fill.fill_type is None
    # Totals and the yearly on-time rate, as a real percentage cell.
    totals = [ws.cell(row=r, column=c).value for c in range(15, 21)]
    assert totals == [5, 3, 1, 1, 0, pytest.approx(0.6)]
    assert ws.cell(row=r, column=20).number_format == "0.0%"
    assert ws.cell(row=by_name["辛支部"], column=20).value == L.NOT_APPLICABLE
    assert "甲支部" in table  # every row keyed by name is a branch row
    assert ws.auto_filter.ref == "A1:T8"
    notes = [ws.cell(row=r, column=1).value for r in range(9, ws.max_row + 1)]
    assert any(isinstance(n, str) and n.startswith("图例") for n in notes)


async def test_reports_sheet_has_every_report_with_real_dates(world: World) -> None:
    wb = await workbook(world)
    ws = wb[L.SHEET_REPORTS]
    header = [c.value for c in ws[1]]
    # The header as a reader sees it, column by column (A to I).
    assert "|".join(map(str, header)) == (
        "支部|月份|报送人|提交时间|修改时间|状态|修改次数（不含首稿）|附件数|报告全文"
    )
    body = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(body) == 6 + 4 + 1 + 5 + 1 + 1  # 甲 乙 丙 丁 戊 己
    first = body[0]
    assert first[:3] == ("甲支部", "2026-01", "张 三")
    # Local (Shanghai) wall time, naive, as Excel wants.
    assert first[3] == datetime(2026, 1, 20, 10, 0)
    assert first[4] == datetime(2026, 1, 22, 8, 0)
    assert isinstance(ws["D2"].value, datetime) and ws["D2"].value.tzinfo is None
    assert ws["D2"].number_format == "yyyy-mm-dd hh:mm"
    assert first[5:] == ("按时", 1, 2, "甲支部1月工作（修订）")
    assert ws["I2"].alignment.wrap_text
    late = next(r for r in body if r[0] == "乙支部" and r[1] == "2026-02")
    assert late[2] == "李 四" and late[5] == "迟报" and late[3] == datetime(2026, 3, 2, 10)
    assert late[4] is None and late[6] == 0
    assert ws.column_dimensions["I"].width == 80


async def test_tasks_sheet_empty_and_filled(world: World) -> None:
    wb = await workbook(world)
    ws = wb[L.SHEET_TASKS]
    assert [c.value for c in ws[1]] == ["支部", "方案", "任务", "状态", "备注", "更新时间"]
    assert ws["A2"].value == L.NO_TASKS == "暂无任务数据"
    updated = datetime(2026, 5, 3, 1, 30, tzinfo=UTC)
    wb = await workbook(
        world, [TaskStatusRow("甲支部", "创建方案", "建立台账", "done", "已归档", updated)]
    )
    ws = wb[L.SHEET_TASKS]
    assert [c.value for c in ws[2]] == [
        "甲支部",
        "创建方案",
        "建立台账",
        "已完成",
        "已归档",
        datetime(2026, 5, 3, 9, 30),
    ]
    assert ws.max_row == 2


async def test_circulars_sheet(world: World) -> None:
    ws = (await workbook(world))[L.SHEET_CIRCULARS]
    assert [c.value for c in ws[1]] == ["月份", "生成时间", "发布时间", "通报全文"]
    month, built, posted, text = next(ws.iter_rows(min_row=2, values_only=True))
    assert month == "2026-05"
    assert built == datetime(2026, 5, 26, 9, 0)
    assert posted == datetime(2026, 5, 26, 9, 0, 5)
    assert text == "关于2026年5月的通报\n\n各党支部：\n正文 & 内容"


async def test_review_sheet(world: World) -> None:
    ws = (await workbook(world))[L.SHEET_REVIEW]
    header = [c.value for c in ws[1]]
    assert header[-1] == "建议等次（建议等次，供党委研究参考）"
    by_name = {ws.cell(row=r, column=1).value: r for r in range(2, 9)}
    r = by_name["丙支部"]
    values = [ws.cell(row=r, column=c).value for c in range(1, 13)]
    assert values == ["丙支部", None, 4, 1, 0, 3, 1, pytest.approx(0.25), 2, "—", "—", "差"]
    assert ws.cell(row=r, column=8).number_format == "0.0%"
    assert fill_of(ws, f"L{by_name['甲支部']}") == "C6EFCE"
    assert ws.cell(row=by_name["丁支部"], column=12).value == "较好"
    assert ws.cell(row=by_name["辛支部"], column=12).value == "—"
    notes = " ".join(str(ws.cell(row=r, column=1).value) for r in range(9, ws.max_row + 1))
    assert "供党委研究参考" in notes and "2026-01至2026-05，共5个月" in notes
    assert "按时率≥90%" in notes


async def test_empty_year_still_makes_a_workbook(env: Env) -> None:
    data = await load_year(env, 2026, at(2026, 3, 1))
    wb = load_workbook(io.BytesIO(ledger_xlsx(data)))
    assert wb[L.SHEET_REPORTS]["A2"].value == L.NO_REPORTS
    assert wb[L.SHEET_CIRCULARS]["A2"].value == L.NO_CIRCULARS
    assert wb[L.SHEET_MATRIX].max_row >= 1


def test_cell_text_helpers() -> None:
    assert clean_text("a\x00b\x07c") == "abc"
    assert len(clean_text("x" * 40_000)) == 32_767
    assert plain("<b>标题</b> &lt;x&gt;") == "标题 <x>"
    assert display_width("甲支部") == 6 and display_width("ab") == 2


async def test_reports_read_page_by_page(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page boundary loses no report and repeats none (18 reports, pages of 4)."""
    whole = await load_year(world.env, 2026, NOW, [])
    monkeypatch.setattr(data_module, "REPORT_PAGE", 4)
    paged = await load_year(world.env, 2026, NOW, [])
    assert paged.reports() == whole.reports()
    assert len(paged.reports()) == 18
