"""The ledger's rows are written as raw SpreadsheetML (bot/records/xlsx_rows.py):
opened again by openpyxl, every value comes back with its type and look."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from openpyxl import load_workbook

from bot.records import ledger
from bot.records.ledger import DATETIME, DATETIME_FORMAT, NOTE, PERCENT, LedgerBook, _Sheet
from bot.records.xlsx_rows import escape

MOMENT = datetime(2026, 11, 25, 17, 45, 30, 250_000)
CASES: list[tuple[object, str | None, object]] = [
    # value written, style, value read back
    (42, None, 42),
    (-7, None, -7),
    (0.875, PERCENT, 0.875),
    (MOMENT, DATETIME, MOMENT),
    (datetime(2026, 1, 1), DATETIME, datetime(2026, 1, 1)),
    ("第一党支部", None, "第一党支部"),
    ("A&B <研发> \"quoted\" 'x'", None, "A&B <研发> \"quoted\" 'x'"),
    ("=SUM(A1:A9)", None, "=SUM(A1:A9)"),
    ("=1+1", DATETIME, "=1+1"),
    ("  leading and trailing  ", None, "  leading and trailing  "),
    ("line one\nline two\r\nthree\ttab", None, "line one\nline two\r\nthree\ttab"),
    ("bell\x07 nul\x00 esc\x1b ok", None, "bell nul esc ok"),
    ("]]> &amp; &#13;", None, "]]> &amp; &#13;"),
    ("😀 𠀀 emoji and astral", None, "😀 𠀀 emoji and astral"),
    ("", None, None),
    (None, None, None),
]


def _saved(book: LedgerBook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_values_come_back_with_their_types() -> None:
    book = LedgerBook()
    headers = [f"列{i}" for i in range(1, len(CASES) + 1)]
    sheet = _Sheet(book, "类型", headers, [10] * len(headers))
    values = [v for v, _, _ in CASES]
    styles = [s for _, s, _ in CASES]
    sheet.append(values, styles)  # type: ignore[arg-type]
    sheet.append([1, 2, 3])
    sheet.note("注：一行说明")
    sheet.finish()
    wb = load_workbook(io.BytesIO(_saved(book)))
    ws = wb["类型"]
    assert [c.value for c in ws[1]] == headers
    assert ws["A1"].style == ledger.HEADER and ws["A1"].font.b
    for col, (written, style, read) in enumerate(CASES, start=1):
        cell = ws.cell(row=2, column=col)
        assert cell.value == read, (col, written)
        assert type(cell.value) is type(read), (col, written)
        if isinstance(read, str):
            assert cell.data_type == "s", (col, written)  # text, never a formula
        if style is not None and read is not None:
            assert cell.style == style, (col, written)
    assert ws.cell(row=2, column=4).number_format == DATETIME_FORMAT
    assert ws.cell(row=2, column=3).number_format == "0.0%"
    assert [ws.cell(row=3, column=c).value for c in (1, 2, 3)] == [1, 2, 3]
    assert ws.cell(row=4, column=1).value is None  # the blank line before the note
    assert ws["A5"].value == "注：一行说明" and ws["A5"].style == NOTE
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(CASES)).column_letter}3"
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 5


def test_the_sheet_part_is_well_formed_and_sized() -> None:
    """The spliced sheet is valid XML with its dimension set to what it holds,
    and a sheet with no rows after its header is left as openpyxl wrote it."""
    book = LedgerBook()
    big = _Sheet(book, "大", ["甲", "乙", "丙"], [8, 8, 8])
    for i in range(5_000):
        big.append([f"第{i}行 <&>", i, None])
    big.finish()
    empty = _Sheet(book, "空", ["甲"], [8])
    empty.finish()
    data = _saved(book)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:C5001"/>' in sheet1
    wb = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(wb["大"].iter_rows(values_only=True))
    assert len(rows) == 5_001
    assert rows[4_000] == ("第3999行 <&>", 3_999, None)
    assert list(wb["空"].iter_rows(values_only=True)) == [("甲",)]


def test_escape() -> None:
    assert escape("a&b<c>d\re") == "a&amp;b&lt;c&gt;d&#13;e"
    assert escape("\"'") == "\"'"
