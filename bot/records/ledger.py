"""The ledger (台账) as an Excel workbook, built from `YearData` alone.

Excel has no time zones: every moment is written as a naive local time in the
committee's zone, converted here at the boundary and nowhere else.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.calendar import Month
from bot.models import Branch
from bot.records import labels as L
from bot.records.data import YearData
from bot.records.review import Grade, ReviewThresholds, YearReview, review_year
from bot.records.safe import xml_safe
from bot.services.status import State

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"
EXCEL_CELL_LIMIT = 32_767
TEXT_COLUMN_WIDTH = 80
MAX_COLUMN_WIDTH = 40

# Excel's "good / neutral / bad" palette, so the sheet reads like one made by hand.
STATE_FILL: dict[State, str] = {
    State.ON_TIME: "C6EFCE",
    State.LATE: "FFEB9C",
    State.MISSING: "FFC7CE",
    State.EXEMPT: "D9D9D9",
    State.WAITING: "DDEBF7",
}
STATE_FONT: dict[State, str] = {
    State.ON_TIME: "006100",
    State.LATE: "9C5700",
    State.MISSING: "9C0006",
    State.EXEMPT: "404040",
    State.WAITING: "1F4E78",
}
GRADE_FILL: dict[Grade, str] = {
    Grade.GOOD: "C6EFCE",
    Grade.FAIR: "E2EFDA",
    Grade.AVERAGE: "FFEB9C",
    Grade.POOR: "FFC7CE",
}
HEADER_FILL = "D9E1F2"

_fills = {state: PatternFill("solid", fgColor=rgb) for state, rgb in STATE_FILL.items()}
_fonts = {state: Font(color=rgb) for state, rgb in STATE_FONT.items()}
_grade_fills = {grade: PatternFill("solid", fgColor=rgb) for grade, rgb in GRADE_FILL.items()}
_header_fill = PatternFill("solid", fgColor=HEADER_FILL)
_header_font = Font(bold=True)
_thin = Side(style="thin", color="BFBFBF")
_header_border = Border(bottom=_thin)
_center = Alignment(horizontal="center", vertical="center")
_wrap = Alignment(wrap_text=True, vertical="top")
_top = Alignment(vertical="top")
_note_font = Font(italic=True, color="595959")

_TAG = re.compile(r"<[^>]+>")


def local(moment: datetime, data: YearData) -> datetime:
    """An aware moment as the naive local time Excel stores."""
    return moment.astimezone(data.tz).replace(tzinfo=None)


def clean_text(text: str) -> str:
    """Text a cell can hold: nothing XML cannot hold, within Excel's cell limit."""
    text = xml_safe(text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    return text


def plain(html_text: str) -> str:
    """A stored circular (Telegram HTML) as the plain text a reader sees."""
    return html.unescape(_TAG.sub("", html_text))


def display_width(value: object) -> int:
    """Roughly how many Excel width units a value needs (CJK characters count double)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, float):
        return 7
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Sheet:
    """Writes rows and remembers the widest value of each column."""

    def __init__(self, ws: Worksheet, headers: Sequence[str]) -> None:
        self.ws = ws
        self.widths = [display_width(h) for h in headers]
        self.row = 1
        self.table_end = 1
        for col, title in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=col, value=clean_text(title))
            cell.font = _header_font
            cell.fill = _header_fill
            cell.border = _header_border
            cell.alignment = _center
        ws.freeze_panes = "A2"

    def append(self, values: Sequence[Any]) -> int:
        self.row += 1
        for col, value in enumerate(values, start=1):
            if isinstance(value, str):  # every text cell, whatever its column
                value = clean_text(value)
            cell = self.ws.cell(row=self.row, column=col, value=value)
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            if col <= len(self.widths):
                self.widths[col - 1] = max(self.widths[col - 1], display_width(value))
        self.table_end = self.row
        return self.row

    def note(self, text: str, skip: int = 1) -> None:
        """A line under the table (not counted in column widths)."""
        self.row += skip + 1
        cell = self.ws.cell(row=self.row, column=1, value=clean_text(text))
        cell.font = _note_font

    def finish(self, fixed: dict[int, int] | None = None) -> None:
        fixed = fixed or {}
        # Printed, each page repeats the header and the sheet is one page wide.
        self.ws.print_title_rows = "1:1"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        for col, width in enumerate(self.widths, start=1):
            size = fixed.get(col, min(max(width + 2, 6), MAX_COLUMN_WIDTH))
            self.ws.column_dimensions[get_column_letter(col)].width = size
        if self.table_end > 1:
            # The filter covers the table only, not the notes under it.
            last = get_column_letter(len(self.widths))
            self.ws.auto_filter.ref = f"A1:{last}{self.table_end}"


def _month_header(data: YearData, month: Month) -> str:
    single_year = data.first.year == data.last.year
    return f"{month.month}月" if single_year else str(month)


def _branch_name(branch: Branch) -> str:
    name = branch.name
    return name + L.ARCHIVED if branch.archived_at is not None else name


def _matrix(wb: Workbook, data: YearData, review: YearReview) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = L.SHEET_MATRIX
    month_cols = [_month_header(data, m) for m in data.months]
    headers = [
        "支部",
        "类别",
        *month_cols,
        "应报月数",
        "按时",
        "迟报",
        "未报",
        "免报",
        "全年按时率",
    ]
    sheet = _Sheet(ws, headers)
    ws.freeze_panes = "C2"  # keep the branch name in view while scrolling the months
    by_branch = {r.branch.id: r for r in review.rows}
    first_month_col = 3
    for branch in data.branches:
        values: list[Any] = [_branch_name(branch), branch.category]
        states: list[State | None] = []
        for month in data.months:
            cell = data.cell(branch.id, month)
            if cell is None:
                values.append(None)
                states.append(None)
                continue
            states.append(cell.state)
            if cell.state is State.LATE and cell.report is not None:
                day = cell.report.submitted_at.astimezone(data.tz).date()
                values.append(f"{L.STATE_LABEL[State.LATE]}（{day.month}月{day.day}日）")
            else:
                values.append(L.STATE_LABEL[cell.state])
        row_review = by_branch.get(branch.id)
        if row_review is None:
            values += [0, 0, 0, 0, 0, L.NOT_APPLICABLE]
        else:
            values += [
                row_review.expected,
                row_review.on_time,
                row_review.late,
                row_review.missing,
                row_review.exempt,
                row_review.rate if row_review.rate is not None else L.NOT_APPLICABLE,
            ]
        row = sheet.append(values)
        for offset, state in enumerate(states):
            if state is None:
                continue
            c = ws.cell(row=row, column=first_month_col + offset)
            c.fill = _fills[state]
            c.font = _fonts[state]
            c.alignment = _center
        rate_cell = ws.cell(row=row, column=len(headers))
        if isinstance(rate_cell.value, float):
            rate_cell.number_format = PERCENT_FORMAT
    sheet.note(
        "图例：按时 / 迟报（括号内为报送日期）/ 未报 / 免报 / 待报（截止日未到）；"
        "空白表示当月未开周期或支部尚未设立、已撤销。"
    )
    sheet.note(
        f"按时率 = 按时月数 ÷ 应报月数；统计截至{data.now.astimezone(data.tz):%Y-%m-%d}"
        "已过截止日的月份，免报月份不计入。",
        skip=0,
    )
    # One width for every month, so the grid reads as a calendar.
    month_span = range(first_month_col, first_month_col + len(month_cols))
    month_width = max([sheet.widths[c - 1] for c in month_span] + [4]) + 2
    sheet.finish({c: month_width for c in month_span})
    ws.page_setup.orientation = "landscape"


def _reports(wb: Workbook, data: YearData) -> None:
    ws = wb.create_sheet(L.SHEET_REPORTS)
    headers = [
        "支部",
        "月份",
        "报送人",
        "提交时间",
        "修改时间",
        "状态",
        "修改次数（不含首稿）",
        "附件数",
        "报告全文",
    ]
    sheet = _Sheet(ws, headers)
    names = {b.id: _branch_name(b) for b in data.branches}
    text_col = len(headers)
    any_report = False
    for report in data.reports():
        any_report = True
        cell = data.cell(report.branch_id, Month.parse(report.month))
        row = sheet.append(
            [
                names.get(report.branch_id, str(report.branch_id)),
                report.month,
                clean_text(data.author_name(report.author_id)),
                local(report.submitted_at, data),
                local(report.revised_at, data) if report.revised_at else None,
                L.STATE_LABEL[State.LATE if report.late else State.ON_TIME],
                report.revisions - 1,  # the first version is not a revision
                cell.attachments if cell is not None else 0,
                clean_text(report.text),
            ]
        )
        ws.cell(row=row, column=text_col).alignment = _wrap
        for col in range(1, text_col):
            ws.cell(row=row, column=col).alignment = _top
    if not any_report:
        sheet.note(L.NO_REPORTS, skip=0)
    sheet.finish({text_col: TEXT_COLUMN_WIDTH})


def _tasks(wb: Workbook, data: YearData) -> None:
    ws = wb.create_sheet(L.SHEET_TASKS)
    sheet = _Sheet(ws, ["支部", "方案", "任务", "状态", "备注", "更新时间"])
    for task in data.tasks:
        sheet.append(
            [
                clean_text(task.branch),
                clean_text(task.plan),
                clean_text(task.task),
                clean_text(L.TASK_STATUS_LABEL.get(task.status, task.status)),
                clean_text(task.note),
                local(task.updated_at, data) if task.updated_at else None,
            ]
        )
    if not data.tasks:
        sheet.note(L.NO_TASKS, skip=0)
    sheet.finish()


def _circulars(wb: Workbook, data: YearData) -> None:
    ws = wb.create_sheet(L.SHEET_CIRCULARS)
    headers = ["月份", "生成时间", "发布时间", "通报全文"]
    sheet = _Sheet(ws, headers)
    for circ in data.circulars:
        row = sheet.append(
            [
                circ.month,
                local(circ.built_at, data),
                local(circ.posted_at, data) if circ.posted_at else None,
                clean_text(plain(circ.text)),
            ]
        )
        ws.cell(row=row, column=len(headers)).alignment = _wrap
    if not data.circulars:
        sheet.note(L.NO_CIRCULARS, skip=0)
    sheet.finish({len(headers): TEXT_COLUMN_WIDTH})


def _review(wb: Workbook, data: YearData, review: YearReview) -> None:
    ws = wb.create_sheet(L.SHEET_REVIEW)
    headers = [
        "支部",
        "类别",
        "应报月数",
        "按时",
        "迟报月数",
        "未报月数",
        "免报",
        "按时率",
        "最长连续未报",
        "任务完成",
        "任务完成率",
        f"建议等次（{L.REVIEW_NOTE}）",
    ]
    sheet = _Sheet(ws, headers)
    for r in review.rows:
        row = sheet.append(
            [
                _branch_name(r.branch),
                r.branch.category,
                r.expected,
                r.on_time,
                r.late,
                r.missing,
                r.exempt,
                r.rate if r.rate is not None else L.NOT_APPLICABLE,
                r.longest_miss_run,
                f"{r.tasks_done}/{r.tasks_total}" if r.tasks_total else L.NOT_APPLICABLE,
                r.task_rate if r.task_rate is not None else L.NOT_APPLICABLE,
                r.grade.value if r.grade is not None else L.NOT_APPLICABLE,
            ]
        )
        for col in (8, 11):
            if isinstance(ws.cell(row=row, column=col).value, float):
                ws.cell(row=row, column=col).number_format = PERCENT_FORMAT
        if r.grade is not None:
            grade_cell = ws.cell(row=row, column=len(headers))
            grade_cell.fill = _grade_fills[r.grade]
            grade_cell.alignment = _center
    th = review.thresholds
    span = (
        f"{review.months[0]}至{review.months[-1]}，共{len(review.months)}个月"
        if review.months
        else "暂无已过截止日的月份"
    )
    sheet.note(f"{L.REVIEW_NOTE}。统计月份：{span}。")
    sheet.note(
        f"标准：好——按时率≥{_pct(th.good)}且无未报月份；较好——按时率≥{_pct(th.fair)}；"
        f"一般——按时率≥{_pct(th.average)}；其余为差。",
        skip=0,
    )
    sheet.finish()


def _pct(value: float) -> str:
    return f"{value * 100:g}%"


def ledger_xlsx(data: YearData, thresholds: ReviewThresholds | None = None) -> bytes:
    """The year's workbook: matrix, reports, tasks, circulars, review."""
    review = review_year(data, thresholds)
    wb = Workbook()
    wb.properties.creator = "zhibu"
    wb.properties.title = xml_safe(f"{data.org_name}{data.year}年党建工作台账")
    _matrix(wb, data, review)
    _reports(wb, data)
    _tasks(wb, data)
    _circulars(wb, data)
    _review(wb, data, review)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
