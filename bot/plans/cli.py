"""Command bodies for ``zhibu plan extract`` and the preview a coordinator confirms.

``extract_main`` prints either the YAML to review and import, or the
extraction's JSON; the argument parsing lives in :mod:`bot.cli`.
``preview_lines`` is the short Chinese summary the chat bot shows before a
coordinator confirms a plan.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.plans.extract import extract
from bot.plans.model import (
    MAX_YEAR,
    MIN_YEAR,
    Extraction,
    PlanFormatError,
    PlanSpec,
    RecurringRule,
    YearSource,
)
from bot.plans.reader import read_plan_text
from bot.plans.yamlio import dump_plan_yaml

EXIT_OK = 0
EXIT_BAD_INPUT = 2

_YEAR_SOURCE_ZH: dict[YearSource, str] = {
    "argument": "命令行指定",
    "text": "取自正文",
    "document_date": "取自文件日期",
    "source_date": "取自文件日期",
}


def extract_main(
    path: Path, year: int | None, as_json: bool, out: TextIO, err: TextIO | None = None
) -> int:
    """Extract the plan in ``path`` (.txt or .docx) and print it to ``out``.

    Prints YAML (with a header asking for review) or, with ``as_json``, the
    extraction's JSON. Returns 0, or 2 with a one-line message on ``err``
    when the file cannot be read or, for YAML, no year can be determined.
    """
    err = err if err is not None else sys.stderr
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return _fail(err, f"--year must be between {MIN_YEAR} and {MAX_YEAR}")
    try:
        extraction = extract(read_plan_text(path), year=year)
    except PlanFormatError as exc:
        return _fail(err, str(exc))
    if as_json:
        out.write(json.dumps(extraction.to_json_dict(), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    try:
        spec = extraction.to_plan_spec(default_title=path.stem)
    except PlanFormatError as exc:
        return _fail(err, f"{path.name}: {exc.message}")
    out.write(_yaml_header(path, extraction))
    out.write(dump_plan_yaml(spec))
    return EXIT_OK


def _fail(err: TextIO, message: str) -> int:
    err.write(f"zhibu: {message.splitlines()[0] if message else 'bad input'}\n")
    return EXIT_BAD_INPUT


def _yaml_header(path: Path, extraction: Extraction) -> str:
    source = _YEAR_SOURCE_ZH.get(extraction.year_source, "") if extraction.year_source else ""
    lines = [
        f"# 由 zhibu 从《{path.name}》自动提取，导入前请逐项核对日期、阶段和任务。",
        f"# Extracted automatically from {path.name}: review every date before importing.",
        f"# 年度 {extraction.year}（{source}）。核对后导入：zhibu plan import 本文件.yaml",
    ]
    lines += [f"# 注意：{warning}" for warning in extraction.warnings]
    return "\n".join(lines) + "\n\n"


# --- preview --------------------------------------------------------------------------


def preview_lines(plan: Extraction | PlanSpec) -> list[str]:
    """A compact Chinese summary: title and year, phases with their dates, the tasks
    under each phase, other tasks with their deadlines or reporting days, warnings."""
    year: int | None = plan.year
    title = plan.title
    if isinstance(plan, PlanSpec):
        phases = [(p.title, p.start, p.end) for p in plan.phases]
        tasks = [(t.title, t.phase, t.due, t.ongoing, t.recurring) for t in plan.tasks]
        warnings: list[str] = []
        source = None
    else:
        phases = [
            (i.title, i.start, i.end)
            for i in plan.items
            if i.kind == "phase" and i.start is not None and i.end is not None
        ]
        tasks = [(t.title, t.phase, t.due, t.ongoing, t.recurring) for t in plan.tasks]
        warnings = list(plan.warnings)
        source = plan.year_source

    lines = [f"方案：{title or '（未识别出标题）'}"]
    if year is None:
        lines.append("年度：未能确定（请指定年份）")
    else:
        lines.append(f"年度：{year}年" + (f"（{_YEAR_SOURCE_ZH[source]}）" if source else ""))

    if phases:
        lines.append(f"阶段（{len(phases)}）：")
        for n, (name, start, end) in enumerate(phases, 1):
            lines.append(f"  {n}. {name}　{_day(start, year)}—{_day(end, year)}")
            for task in tasks:
                if task[1] == name:
                    lines.append(f"     · {_task_line(task, year)}")
    others = [task for task in tasks if task[1] is None or task[1] not in {p[0] for p in phases}]
    if others:
        lines.append(f"任务（{len(others)}）：")
        lines += [f"  · {_task_line(task, year)}" for task in others]
    if not phases and not tasks:
        lines.append("没有找到阶段或任务。")
    lines += [f"⚠ {warning}" for warning in warnings]
    return lines


_Task = tuple[str, str | None, date | None, bool, RecurringRule | None]


def _task_line(task: _Task, year: int | None) -> str:
    title, _, due, ongoing, rule = task
    if due is not None:
        return f"{title}　{_day(due, year)}前"
    if ongoing:
        return f"{title}　长期"
    if rule is not None:
        return f"{title}　{rule.describe_zh()}"
    return title


def _day(day: date, year: int | None) -> str:
    """4月23日 in the plan's own year, 2025年2月28日 otherwise."""
    prefix = "" if day.year == year else f"{day.year}年"
    return f"{prefix}{day.month}月{day.day}日"
