"""The ledger of a committee with 党总支 (docs/tree-review.md): the 总支 column of the
matrix and reports sheets, and the per-总支 summary sheet (总支汇总).

The grouping is `bot.services.grouping` (the same as /status and the circular):
each unit is counted under the 总支 directly under the committee that it is in,
and the 支部 directly under the committee under 直属支部. A committee without any
总支 gets neither the column nor the sheet: its ledger is as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.calendar import Month
from bot.models import Branch
from bot.records import labels as L
from bot.records import ledger as base
from bot.records.data import YearData
from bot.records.xlsx_rows import Value
from bot.rules import State
from bot.services import grouping

SHEET_GENERALS: Final = "总支汇总"
GENERAL_HEADER: Final = "总支"
DIRECT: Final = "直属支部"
YEAR_ROW: Final = "全年"


def general_names(data: YearData) -> dict[int, str] | None:
    """Each unit's 总支 as the ledger names it (直属支部 for the committee's own);
    None when the committee has no 总支 (then there is no column)."""
    nodes = data.units or {b.id: b for b in data.branches}
    if not grouping.has_generals(nodes):
        return None
    out: dict[int, str] = {}
    for b in data.branches:
        top = grouping.top_general(nodes, b.id)
        out[b.id] = top.name if top is not None else DIRECT
    return out


def summary_sheet(wb: base.LedgerBook, data: YearData) -> None:
    """总支汇总: per 总支 and month 应报 / 按时 / 迟报 / 未报 / 免报 and the on-time rate
    (按时 ÷ 应报, months past their due day only), then the year per 总支."""
    nodes = data.units or {b.id: b for b in data.branches}
    groups = grouping.grouped(nodes, _Row.of(data))
    if groups is None:
        return
    headers = [GENERAL_HEADER, "月份", "应报", "按时", "迟报", "未报", "免报", "按时率"]
    labels = [g.general.name if g.general is not None else DIRECT for g in groups]
    widths = base.column_widths(
        headers,
        [labels, [YEAR_ROW, "2026-11"], *[[len(data.branches)]] * 5, [0.5]],
    )
    sheet = base._Sheet(wb, SHEET_GENERALS, headers, widths, freeze="C2")
    months = data.counted_months
    for label, g in zip(labels, groups, strict=True):
        if not g.lines:
            continue
        ids = [r.branch.id for r in g.lines]
        year = dict.fromkeys(State, 0)
        for month in months:
            tally = _tally(data, ids, month)
            for s, n in tally.items():
                year[s] += n
            sheet.append(_row(label, str(month), tally), _styles())
        if len(months) != 1:
            sheet.append(_row(label, YEAR_ROW, year), _styles())
    if not months:
        sheet.note("暂无已过截止日的月份", skip=0)
    sheet.note("按时率 = 按时 ÷ 应报；应报不含免报；只统计已过截止日的月份。")
    sheet.finish()


@dataclass(frozen=True)
class _Row:
    """A unit of the ledger as `grouping.group` takes it (anything with a `.branch`)."""

    branch: Branch

    @staticmethod
    def of(data: YearData) -> list[_Row]:
        return [_Row(b) for b in data.branches]


def _tally(data: YearData, ids: list[int], month: Month) -> dict[State, int]:
    out = dict.fromkeys(State, 0)
    for branch_id in ids:
        cell = data.cell(branch_id, month)
        if cell is not None:
            out[cell.state] += 1
    return out


def _row(label: str, month: str, tally: dict[State, int]) -> list[Value]:
    expected = tally[State.ON_TIME] + tally[State.LATE] + tally[State.MISSING]
    rate: float | str = tally[State.ON_TIME] / expected if expected else L.NOT_APPLICABLE
    return [
        label,
        month,
        expected,
        tally[State.ON_TIME],
        tally[State.LATE],
        tally[State.MISSING],
        tally[State.EXEMPT],
        rate,
    ]


def _styles() -> list[str | None]:
    return [None] * 7 + [base.PERCENT]
