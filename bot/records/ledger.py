"""The ledger (台账) as an Excel workbook, built from `YearData` alone.

Excel has no time zones: every moment is written as a naive local time in the
committee's zone, converted here at the boundary and nowhere else.

The workbook is written in openpyxl's write-only mode: each row goes to the
sheet's temporary file as it is appended, so a year of ten thousand branches
never exists as a million cell objects. Write-only mode needs what sits above
the rows in a sheet's XML (frozen panes, column widths) before the first row,
so each sheet's column widths are worked out from its data first. Cell looks
are named styles registered once per workbook (`_STYLES`); a cell refers to
one by name.
"""

from __future__ import annotations

import html
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO, Final, Protocol, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.page import PrintPageSetup
from openpyxl.worksheet.properties import PageSetupProperties, WorksheetProperties

from bot.calendar import Month
from bot.models import Branch
from bot.records import labels as L
from bot.records import ledger_groups
from bot.records.data import YearData
from bot.records.form_sheets import FormTable, form_tables
from bot.records.review import Grade, ReviewThresholds, YearReview, review_year
from bot.records.safe import xml_safe
from bot.records.xlsx_rows import RawRows, Value, splice
from bot.services.status import State

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
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

# The named styles of the workbook (their names show in Excel's cell styles gallery).
HEADER: Final = "zhibu 表头"
NOTE: Final = "zhibu 注"
DATETIME: Final = "zhibu 时间"
DATE: Final = "zhibu 日期"
DATETIME_TOP: Final = "zhibu 时间（顶端）"
PERCENT: Final = "zhibu 百分比"
TOP: Final = "zhibu 顶端"
WRAP: Final = "zhibu 全文"
STATE_STYLE: Final[dict[State, str]] = {s: f"zhibu {L.STATE_LABEL[s]}" for s in State}
GRADE_STYLE: Final[dict[Grade, str]] = {g: f"zhibu 等次{g.value}" for g in Grade}

_center = Alignment(horizontal="center", vertical="center")
_top = Alignment(vertical="top")


def _fill(rgb: str) -> PatternFill:
    return PatternFill("solid", fgColor=rgb)


def _named_styles() -> list[NamedStyle]:
    styles = [
        NamedStyle(
            HEADER,
            font=Font(bold=True),
            fill=_fill(HEADER_FILL),
            border=Border(bottom=Side(style="thin", color="BFBFBF")),
            alignment=_center,
        ),
        NamedStyle(NOTE, font=Font(italic=True, color="595959")),
        NamedStyle(DATETIME, number_format=DATETIME_FORMAT),
        NamedStyle(DATE, number_format=DATE_FORMAT),
        NamedStyle(DATETIME_TOP, number_format=DATETIME_FORMAT, alignment=_top),
        NamedStyle(PERCENT, number_format=PERCENT_FORMAT),
        NamedStyle(TOP, alignment=_top),
        NamedStyle(WRAP, alignment=Alignment(wrap_text=True, vertical="top")),
    ]
    styles += [
        NamedStyle(
            STATE_STYLE[s],
            font=Font(color=STATE_FONT[s]),
            fill=_fill(STATE_FILL[s]),
            alignment=_center,
        )
        for s in State
    ]
    styles += [
        NamedStyle(GRADE_STYLE[g], fill=_fill(GRADE_FILL[g]), alignment=_center) for g in Grade
    ]
    return styles


_TAG = re.compile(r"<[^>]+>")
# Any moment: every date-time column is as wide as its number format.
_WHEN = DATETIME_FORMAT


class _SheetLayout(Protocol):
    """What a write-only sheet has besides its rows (openpyxl sets these up for both
    kinds of sheet; the type stubs list them on the ordinary one only)."""

    column_dimensions: DimensionHolder[str, ColumnDimension]
    page_setup: PrintPageSetup
    sheet_properties: WorksheetProperties
    auto_filter: AutoFilter


def local(moment: datetime, data: YearData) -> datetime:
    """An aware moment as the naive local time Excel stores."""
    return moment.astimezone(data.tz).replace(tzinfo=None)


def clean_text(text: str) -> str:
    """Text a cell can hold: nothing XML cannot hold, within Excel's cell limit."""
    text = xml_safe(text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    return text


def _text(value: str) -> str:
    """Every string the ledger writes to a cell passes here, and only here."""
    return clean_text(value)


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
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(
    headers: Sequence[str], values: Sequence[Iterable[object]], fixed: dict[int, int] | None = None
) -> list[int]:
    """Each column's width: its header or widest value (`values[i]` are column i+1's)."""
    fixed = fixed or {}
    widths = []
    for col, header in enumerate(headers, start=1):
        if col in fixed:
            widths.append(fixed[col])
            continue
        column = values[col - 1] if col <= len(values) else ()
        widest = max([display_width(header), *map(display_width, column)])
        widths.append(min(max(widest + 2, 6), MAX_COLUMN_WIDTH))
    return widths


class _Sheet:
    """One sheet: header, widths and frozen panes first, then rows as they come.

    To add a sheet to the ledger: write a function `_name(wb, data, …)` that
    makes a `_Sheet(wb, title, headers, widths, styles)`, calls `append(values)`
    for each row (strings, numbers, aware moments made `local`, None for an
    empty cell), `note(text)` for lines under the table and `finish()` at the
    end, and call it from `ledger_workbook`.

    openpyxl (write-only) writes the header row and everything around the rows;
    the rows themselves are written as XML by `xlsx_rows.RawRows` (a fraction
    of openpyxl's cost per cell) and spliced in when the workbook is saved.
    """

    def __init__(
        self,
        wb: LedgerBook,
        title: str,
        headers: Sequence[str],
        widths: Sequence[int],
        styles: Sequence[str | None] = (),
        freeze: str = "A2",
    ) -> None:
        ws = wb.workbook.create_sheet(title)
        assert isinstance(ws, WriteOnlyWorksheet)
        self.ws = ws
        self.layout = layout = cast(_SheetLayout, ws)
        self.columns = len(headers)
        self.styles = list(styles) + [None] * (self.columns - len(styles))
        self.table_end = 1
        ws.freeze_panes = freeze
        for col, width in enumerate(widths, start=1):
            layout.column_dimensions[get_column_letter(col)].width = width
        # Printed, each page repeats the header and the sheet is one page wide.
        ws.print_title_rows = "1:1"
        layout.page_setup.fitToWidth = 1
        layout.page_setup.fitToHeight = 0
        layout.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        header: list[Cell] = []
        for text in headers:
            cell = WriteOnlyCell(ws, value=_text(text))
            cell.data_type = "s"
            cell.style = HEADER
            header.append(cell)
        ws.append(header)
        self.rows = RawRows(self.columns, first_row=2, styles=wb.style_ids(ws))
        wb.sheets.append(self)

    def _write(self, values: Sequence[Value], styles: Sequence[str | None]) -> None:
        # Every string passes `_text`; a string is always written as text (an
        # inline string), so "=…" that a person typed is never a formula.
        self.rows.append([_text(v) if isinstance(v, str) else v for v in values], styles)

    def append(self, values: Sequence[Value], styles: Sequence[str | None] | None = None) -> None:
        """A table row; `styles` (by column, None for plain) default to the sheet's."""
        self._write(values, self.styles if styles is None else styles)
        self.table_end = self.rows.last_row

    def note(self, text: str, skip: int = 1) -> None:
        """A line under the table (not counted in column widths)."""
        for _ in range(skip):
            self.rows.skip()
        self._write([text], [NOTE])

    def finish(self) -> None:
        if self.table_end > 1:
            # The filter covers the table only, not the notes under it.
            last = get_column_letter(self.columns)
            self.layout.auto_filter.ref = f"A1:{last}{self.table_end}"


class LedgerBook:
    """The ledger being built: openpyxl's write-only workbook and each sheet's rows."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self.sheets: list[_Sheet] = []
        self._style_ids: dict[str, int] | None = None
        for style in _named_styles():
            self.workbook.add_named_style(style)

    def style_ids(self, ws: WriteOnlyWorksheet) -> dict[str, int]:
        """Each named style's cell-format index (registered with openpyxl once)."""
        if self._style_ids is None:
            ids: dict[str, int] = {}
            for name in self.workbook.style_names:
                cell = WriteOnlyCell(ws)
                cell.style = name
                ids[name] = cell.style_id
            self._style_ids = ids
        return self._style_ids

    def save(self, out: IO[bytes]) -> None:
        """Write the .xlsx to `out` (once)."""
        with tempfile.TemporaryFile() as skeleton:
            self.workbook.save(skeleton)
            skeleton.seek(0)
            # openpyxl numbers the sheet parts on saving (ws.path).
            parts = {s.ws.path.lstrip("/"): s.rows for s in self.sheets}
            try:
                splice(skeleton, out, parts)
            finally:
                for rows in parts.values():
                    rows.close()


def _month_header(data: YearData, month: Month) -> str:
    single_year = data.first.year == data.last.year
    return f"{month.month}月" if single_year else str(month)


def _branch_name(branch: Branch) -> str:
    name = branch.name
    return name + L.ARCHIVED if branch.archived_at is not None else name


def _late_label(data: YearData, submitted_at: datetime) -> str:
    day = submitted_at.astimezone(data.tz).date()
    return f"{L.STATE_LABEL[State.LATE]}（{day.month}月{day.day}日）"


def _rate(rate: float | None) -> tuple[float | str, str | None]:
    return (rate, PERCENT) if rate is not None else (L.NOT_APPLICABLE, None)


def _matrix(wb: LedgerBook, data: YearData, review: YearReview) -> None:
    month_cols = [_month_header(data, m) for m in data.months]
    totals = ["应报月数", "按时", "迟报", "未报", "免报", "全年按时率"]
    generals = ledger_groups.general_names(data)  # None: no 总支, no column
    extra = [ledger_groups.GENERAL_HEADER] if generals is not None else []
    headers = ["支部", *extra, "类别", *month_cols, *totals]
    first_month_col = 3 + len(extra)
    # The month cells' texts: the state labels and the late ones with their dates.
    month_values: set[str] = set(L.STATE_LABEL.values())
    for c in data.cells.values():
        if c.state is State.LATE and c.report is not None:
            month_values.add(_late_label(data, c.report.submitted_at))
    names = [_branch_name(b) for b in data.branches]
    count = [len(data.months)]
    widths = column_widths(
        headers,
        [
            names,
            *([generals.values()] if generals is not None else []),
            {b.category for b in data.branches},
            *[()] * len(month_cols),
        ]
        + [count] * 5
        + [[0.5, L.NOT_APPLICABLE]],
    )
    # One width for every month, so the grid reads as a calendar.
    month_width = max(display_width(v) for v in [*month_values, *month_cols, "xxxx"]) + 2
    for offset in range(len(month_cols)):
        widths[first_month_col - 1 + offset] = month_width
    sheet = _Sheet(wb, L.SHEET_MATRIX, headers, widths, freeze="C2")
    # keep the branch name in view while scrolling the months (C2 above)
    by_branch = {r.branch.id: r for r in review.rows}
    for branch, name in zip(data.branches, names, strict=True):
        values: list[Value] = [name, branch.category]
        styles: list[str | None] = [None, None]
        if generals is not None:
            values.insert(1, generals.get(branch.id, ""))
            styles.append(None)
        for month in data.months:
            cell = data.cell(branch.id, month)
            if cell is None:
                values.append(None)
                styles.append(None)
                continue
            styles.append(STATE_STYLE[cell.state])
            if cell.state is State.LATE and cell.report is not None:
                values.append(_late_label(data, cell.report.submitted_at))
            else:
                values.append(L.STATE_LABEL[cell.state])
        row_review = by_branch.get(branch.id)
        if row_review is None:
            values += [0, 0, 0, 0, 0, L.NOT_APPLICABLE]
            styles += [None] * 6
        else:
            rate, rate_style = _rate(row_review.rate)
            values += [
                row_review.expected,
                row_review.on_time,
                row_review.late,
                row_review.missing,
                row_review.exempt,
                rate,
            ]
            styles += [None] * 5 + [rate_style]
        sheet.append(values, styles)
    sheet.note(
        "图例：按时 / 迟报（括号内为报送日期）/ 未报 / 免报 / 待报（截止日未到）；"
        "空白表示当月未开周期或支部尚未设立、已撤销。"
    )
    sheet.note(
        f"按时率 = 按时月数 ÷ 应报月数；统计截至{data.now.astimezone(data.tz):%Y-%m-%d}"
        "已过截止日的月份，免报月份不计入。",
        skip=0,
    )
    sheet.finish()
    sheet.layout.page_setup.orientation = "landscape"


def _reports(wb: LedgerBook, data: YearData) -> None:
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
    names = {b.id: _branch_name(b) for b in data.branches}
    generals = ledger_groups.general_names(data)  # None: no 总支, no column
    if generals is not None:
        headers.insert(1, ledger_groups.GENERAL_HEADER)
    authors: set[int] = set()
    revisions = 0
    for report in data.reports():
        authors.add(report.author_id)
        revisions = max(revisions, report.revisions)
    widths = column_widths(
        headers,
        [
            names.values(),
            *([generals.values()] if generals is not None else []),
            [str(data.last)],
            [data.author_name(a) for a in authors],
            [_WHEN],
            [_WHEN],
            [L.STATE_LABEL[State.LATE], L.STATE_LABEL[State.ON_TIME]],
            [revisions],
            [max((c.attachments for c in data.cells.values()), default=0)],
        ],
        fixed={len(headers): TEXT_COLUMN_WIDTH},
    )
    sheet = _Sheet(
        wb,
        L.SHEET_REPORTS,
        headers,
        widths,
        [TOP] * (3 + (generals is not None)) + [DATETIME_TOP] * 2 + [TOP] * 3 + [WRAP],
    )
    any_report = False
    for report in data.reports():
        any_report = True
        cell = data.cell(report.branch_id, Month.parse(report.month))
        row: list[Value] = [
            names.get(report.branch_id, str(report.branch_id)),
            report.month,
            data.author_name(report.author_id),
            local(report.submitted_at, data),
            local(report.revised_at, data) if report.revised_at else None,
            L.STATE_LABEL[State.LATE if report.late else State.ON_TIME],
            report.revisions - 1,  # the first version is not a revision
            cell.attachments if cell is not None else 0,
            data.report_text(report),
        ]
        if generals is not None:
            row.insert(1, generals.get(report.branch_id, ""))
        sheet.append(row)
    if not any_report:
        sheet.note(L.NO_REPORTS, skip=0)
    sheet.finish()


def _tasks(wb: LedgerBook, data: YearData) -> None:
    headers = ["支部", "方案", "任务", "状态", "备注", "更新时间"]
    rows: list[list[Value]] = [
        [
            task.branch,
            task.plan,
            task.task,
            L.TASK_STATUS_LABEL.get(task.status, task.status),
            task.note,
            local(task.updated_at, data) if task.updated_at else None,
        ]
        for task in data.tasks
    ]
    columns = [[_text(str(r[c])) for r in rows] for c in range(5)] + [[_WHEN]]
    sheet = _Sheet(
        wb, L.SHEET_TASKS, headers, column_widths(headers, columns), [None] * 5 + [DATETIME]
    )
    for row in rows:
        sheet.append(row)
    if not data.tasks:
        sheet.note(L.NO_TASKS, skip=0)
    sheet.finish()


def _circulars(wb: LedgerBook, data: YearData) -> None:
    headers = ["月份", "生成时间", "发布时间", "通报全文"]
    widths = column_widths(
        headers,
        [[str(data.last)], [_WHEN], [_WHEN]],
        fixed={len(headers): TEXT_COLUMN_WIDTH},
    )
    sheet = _Sheet(wb, L.SHEET_CIRCULARS, headers, widths, [None, DATETIME, DATETIME, WRAP])
    for circ in data.circulars:
        sheet.append(
            [
                circ.month,
                local(circ.built_at, data),
                local(circ.posted_at, data) if circ.posted_at else None,
                plain(circ.text),
            ]
        )
    if not data.circulars:
        sheet.note(L.NO_CIRCULARS, skip=0)
    sheet.finish()


def _review(wb: LedgerBook, data: YearData, review: YearReview) -> None:
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
    count = [len(data.months)]
    tasks = [f"{r.tasks_done}/{r.tasks_total}" for r in review.rows if r.tasks_total]
    widths = column_widths(
        headers,
        [
            [_branch_name(r.branch) for r in review.rows],
            {r.branch.category for r in review.rows},
            *[count] * 5,
            [0.5, L.NOT_APPLICABLE],
            count,
            [*tasks, L.NOT_APPLICABLE],
            [0.5, L.NOT_APPLICABLE],
            [*(g.value for g in Grade), L.NOT_APPLICABLE],
        ],
    )
    sheet = _Sheet(wb, L.SHEET_REVIEW, headers, widths)
    for r in review.rows:
        rate, rate_style = _rate(r.rate)
        task_rate, task_rate_style = _rate(r.task_rate)
        sheet.append(
            [
                _branch_name(r.branch),
                r.branch.category,
                r.expected,
                r.on_time,
                r.late,
                r.missing,
                r.exempt,
                rate,
                r.longest_miss_run,
                f"{r.tasks_done}/{r.tasks_total}" if r.tasks_total else L.NOT_APPLICABLE,
                task_rate,
                r.grade.value if r.grade is not None else L.NOT_APPLICABLE,
            ],
            [None] * 7
            + [rate_style, None, None, task_rate_style]
            + [GRADE_STYLE[r.grade] if r.grade is not None else None],
        )
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


def _form_sheet(wb: LedgerBook, table: FormTable) -> None:
    """A report-form sheet (`bot.records.form_sheets`): one column a field, totals last."""
    styles: list[str | None] = [None, None]
    styles += [DATE if f.type == "date" else None for f in table.fields]
    columns = [[r[c] for r in table.rows] for c in range(len(table.headers))]
    sheet = _Sheet(wb, table.title, table.headers, column_widths(table.headers, columns), styles)
    for row in table.rows:
        sheet.append(row)
    sheet.append(table.totals, [HEADER] * len(table.totals))
    sheet.finish()


def _pct(value: float) -> str:
    return f"{value * 100:g}%"


def ledger_workbook(data: YearData, thresholds: ReviewThresholds | None = None) -> LedgerBook:
    """The year's workbook, written and ready to save (once).

    Sheets: matrix, reports, tasks, circulars, review, then one per report-form version.
    """
    review = review_year(data, thresholds)
    wb = LedgerBook()
    wb.workbook.properties.creator = "zhibu"
    wb.workbook.properties.title = xml_safe(f"{data.org_name}{data.year}年党建工作台账")
    _matrix(wb, data, review)
    _reports(wb, data)
    _tasks(wb, data)
    _circulars(wb, data)
    _review(wb, data, review)
    taken = {L.SHEET_MATRIX, L.SHEET_REPORTS, L.SHEET_TASKS, L.SHEET_CIRCULARS, L.SHEET_REVIEW}
    for table in form_tables(data, taken):
        _form_sheet(wb, table)
    ledger_groups.summary_sheet(wb, data)  # 总支汇总, when the committee has 总支
    return wb


def ledger_xlsx(data: YearData, thresholds: ReviewThresholds | None = None) -> bytes:
    """The year's workbook as .xlsx bytes."""
    out = io.BytesIO()
    ledger_workbook(data, thresholds).save(out)
    return out.getvalue()
