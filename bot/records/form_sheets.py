"""The ledger's report-form sheets as plain tables: one sheet per form version.

A committee that changes its form mid-year gets one sheet per version, each with
that version's columns, so every month is shown with the questions it was
answered with. Values keep their types (numbers as numbers, dates as dates,
yes/no as 是/否) so Excel can sum and filter them; the last row holds the totals
the circular states (numbers summed, yes/no counted as the number of 是).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.calendar import Month
from bot.forms.model import Field, Form, Value, applies
from bot.records.data import YearData

SHEET_LIMIT = 31  # Excel's longest sheet name
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

Cell = str | int | float | date | None


@dataclass(frozen=True)
class FormTable:
    """A sheet: its name, header, typed rows (branch, month, one value a field), totals."""

    title: str
    form: Form
    headers: list[str]
    rows: list[list[Cell]]
    totals: list[Cell]

    @property
    def fields(self) -> list[Field]:
        return list(self.form.fields)


def _cell(f: Field, value: Value | None) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _totals(form: Form, rows: list[list[Cell]]) -> list[Cell]:
    out: list[Cell] = ["合计", None]
    for col, f in enumerate(form.fields, start=2):
        column = [r[col] for r in rows]
        if f.type == "number" and f.totalled != "none":
            total = sum(v for v in column if isinstance(v, int | float))
            out.append(int(total) if float(total).is_integer() else total)
        elif f.type == "yesno" and f.totalled != "none":
            out.append(sum(1 for v in column if v == "是"))
        else:
            out.append(None)
    return out


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _NOT_IN_SHEET_NAME.sub("", f"报表·{title}").strip("'") or "报表"
    name = base[:SHEET_LIMIT]
    n = 2
    while name in taken:
        suffix = f"({n})"
        name = base[: SHEET_LIMIT - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def form_tables(data: YearData, taken: set[str] | None = None) -> list[FormTable]:
    """The year's form sheets, in the order the versions were set; none without forms.

    `taken` holds the workbook's other sheet names (a sheet name is unique).
    """
    names = {b.id: b.name for b in data.branches}
    order = {b.id: i for i, b in enumerate(data.branches)}
    by_version: dict[int, tuple[Form, list[tuple[int, Month, dict[str, Value | None]]]]] = {}
    for month in data.months:
        month_answers = data.form_answers.get(month)
        if month_answers is None:
            continue
        for branch_id, answered in month_answers.by_branch.items():
            version = month_answers.versions.get(answered.form_id)
            if version is None or version.form is None:
                continue
            entry = by_version.setdefault(version.id, (version.form, []))
            entry[1].append((branch_id, month, answered.answers))
    taken = set(taken or ())
    tables: list[FormTable] = []
    for _, (form, answered_rows) in sorted(by_version.items()):
        answered_rows.sort(key=lambda r: (order.get(r[0], len(order)), r[1]))
        rows: list[list[Cell]] = []
        for branch_id, month, answers in answered_rows:
            row: list[Cell] = [names.get(branch_id, str(branch_id)), str(month)]
            row += [
                _cell(f, answers.get(f.key)) if applies(form, f, answers) else None
                for f in form.fields
            ]
            rows.append(row)
        tables.append(
            FormTable(
                title=_sheet_name(form.title, taken),
                form=form,
                headers=["支部", "月份", *(f.label for f in form.fields)],
                rows=rows,
                totals=_totals(form, rows),
            )
        )
    return tables
