"""A sheet's bulk rows written straight as SpreadsheetML, then spliced into the .xlsx.

openpyxl costs some 15 µs per cell even in write-only mode (a cell object, an
XML element, a shared string each); a year of ten thousand branches is over a
million cells. Here a row becomes one string: numbers as `<v>`, moments as
Excel serial numbers (with a date style, so Excel and openpyxl read dates),
text as inline strings (`t="inlineStr"`, so text starting with "=" is text,
never a formula), every style a cell-format index openpyxl registered for a
named style. The rows go to a temporary file as they come; `splice` puts them
in the saved workbook before its sheet's `</sheetData>`, so openpyxl still
writes everything around them (header row, column widths, frozen panes,
filter, print setup, the styles part).

An .xlsx is a zip of XML parts; see ECMA-376 Part 1, §18.3.1 (sheetData, row,
c, is) for what is written.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import IO, cast

from openpyxl.utils import datetime as excel_dates
from openpyxl.utils import get_column_letter

Value = str | int | float | datetime | date | None

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_AFTER_SHEET_PR = re.compile(rb"<sheetPr\b[^>]*/>|</sheetPr>")
_CHUNK = 1 << 18
# openpyxl's own conversion (untyped upstream), so a moment is the number openpyxl writes.
_serial = cast(Callable[[datetime], float], excel_dates.to_excel)


def escape(text: str) -> str:
    """Element text as XML (a carriage return kept as a reference, not normalised away)."""
    return text.translate(_ESCAPES)


class RawRows:
    """The rows of one sheet after its header, as XML text in a temporary file.

    `styles` maps a named style's name to the cell-format index openpyxl gave it.
    Strings must already be cleaned (`ledger.clean_text`): nothing here drops
    characters XML cannot hold.
    """

    def __init__(self, columns: int, first_row: int, styles: Mapping[str, int]):
        self.columns = columns
        self.next_row = first_row
        self.last_column = 1
        self._styles = styles
        self._letters = [get_column_letter(c) for c in range(1, columns + 1)]
        # Closed by `close()` (the ledger closes each sheet's rows after saving).
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self._buffer: list[str] = []

    def append(self, values: Sequence[Value], styles: Sequence[str | None]) -> None:
        r = str(self.next_row)
        cells: list[str] = []
        for letter, value, style in zip(self._letters, values, styles, strict=False):
            if value is None:
                continue
            s = "" if style is None else f' s="{self._styles[style]}"'
            if value == "":  # as openpyxl: an empty string is an empty cell (keeping its look)
                if s:
                    cells.append(f'<c r="{letter}{r}"{s}/>')
                continue
            if isinstance(value, str):
                space = ' xml:space="preserve"' if value != value.strip() else ""
                cells.append(
                    f'<c r="{letter}{r}"{s} t="inlineStr"><is><t{space}>'
                    f"{escape(value)}</t></is></c>"
                )
            elif isinstance(value, bool):
                cells.append(f'<c r="{letter}{r}"{s} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, datetime):
                cells.append(f'<c r="{letter}{r}"{s}><v>{_serial(value)!r}</v></c>')
            elif isinstance(value, date):  # a day (a form's date answer): its midnight
                day = datetime(value.year, value.month, value.day)  # noqa: DTZ001 - Excel is naive
                cells.append(f'<c r="{letter}{r}"{s}><v>{_serial(day)!r}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}"{s}><v>{value!r}</v></c>')
        self.last_column = max(self.last_column, len(values))
        self._buffer.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(self._buffer) >= 200:
            self._flush()
        self.next_row += 1

    def skip(self) -> None:
        """An empty row (written as nothing; the next row's number says it)."""
        self.next_row += 1

    @property
    def last_row(self) -> int:
        return self.next_row - 1

    def _flush(self) -> None:
        self._file.write("".join(self._buffer))
        self._buffer.clear()

    def copy_to(self, out: IO[bytes]) -> None:
        self._flush()
        self._file.seek(0)
        while chunk := self._file.read(_CHUNK):
            out.write(chunk.encode("utf-8"))

    def close(self) -> None:
        self._file.close()


def splice(xlsx: IO[bytes], out: IO[bytes], by_part: Mapping[str, RawRows]) -> None:
    """Copy the workbook `xlsx` to `out`, the raw rows of each sheet part
    (e.g. "xl/worksheets/sheet2.xml") in its sheetData.

    A sheet's part from openpyxl is small (its header row and layout); the rows
    stream from their temporary file into the new zip member. The sheet's
    `<dimension>` is corrected to the rows it now holds.
    """
    with (
        zipfile.ZipFile(xlsx) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            raw = by_part.get(info.filename)
            if raw is None:
                with src.open(info) as a, dst.open(_member(info), "w") as b:
                    shutil.copyfileobj(a, b, _CHUNK)
                continue
            xml = src.read(info)
            head, sep, tail = xml.rpartition(b"</sheetData>")
            if not sep:  # openpyxl wrote <sheetData/>: no header row
                head, sep, tail = xml.partition(b"<sheetData/>")
                head += b"<sheetData>"
            last = get_column_letter(raw.last_column)
            ref = f'<dimension ref="A1:{last}{max(raw.last_row, 1)}"/>'.encode()
            if _DIMENSION.search(head):
                head = _DIMENSION.sub(ref, head, count=1)
            else:  # openpyxl's write-only mode writes none; it follows sheetPr (§18.3.1.99)
                found = _AFTER_SHEET_PR.search(head)
                if found is not None:
                    head = head[: found.end()] + ref + head[found.end() :]
            with dst.open(_member(info), "w") as b:
                b.write(head)
                raw.copy_to(b)
                b.write(b"</sheetData>")
                b.write(tail)


def _member(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = zipfile.ZIP_DEFLATED
    copy.external_attr = info.external_attr
    return copy
