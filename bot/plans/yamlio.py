"""The YAML plan format (see docs/plan-format.md): load with line-precise errors, dump.

People write and correct these files by hand, so a mistake must come back
as "line 12, tasks[3].due: expected a date like 2024-04-23", not as a
traceback: every problem is reported with its line and field path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.plans.model import (
    PROBLEM_SINK,
    FieldPath,
    PlanFormatError,
    PlanRefused,
    PlanSpec,
    RecurringRule,
    TaskSpec,
)
from bot.yamlsafe import YamlProblem, load_yaml, locate

_MAX_FLOW_DEPTH = 50  # a plan nests three deep; brackets cost quadratic time


def load_plan_yaml(text: str) -> PlanSpec:
    """Parse and validate a plan. Raises :class:`PlanFormatError` listing every problem."""
    try:
        loaded = load_yaml(text, max_flow_depth=_MAX_FLOW_DEPTH)
    except YamlProblem as exc:
        if exc.alias:
            raise PlanRefused(
                "plan_yaml_alias",
                f"{exc.message}; write the content out",
                line=exc.line if exc.line is not None else 1,
            ) from None
        raise PlanFormatError(exc.message, line=exc.line) from None
    if loaded is None:
        raise PlanFormatError("the plan is empty; it needs at least a title and a year")
    root, data = loaded
    if not isinstance(data, dict):
        raise PlanFormatError(
            "a plan is a mapping with title, year, phases and tasks",
            line=root.start_mark.line + 1,
        )
    sink: list[tuple[FieldPath, str]] = []
    try:
        spec = PlanSpec.model_validate(data, context={PROBLEM_SINK: sink})
    except ValidationError as exc:
        raise _error(root, [(tuple(e["loc"]), _message(e)) for e in exc.errors()]) from None
    if sink:
        raise _error(root, sink)
    return spec


def load_plan_file(path: Path | str) -> PlanSpec:
    """:func:`load_plan_yaml` on a file (UTF-8, with or without a BOM)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise PlanFormatError(f"{path.name}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise PlanFormatError(f"{path.name}: a plan file must be saved as UTF-8") from None
    return load_plan_yaml(text)


def dump_plan_yaml(spec: PlanSpec) -> str:
    """The plan as YAML, fields that hold their default left out; loads back equal."""
    data: dict[str, Any] = {"title": spec.title, "year": spec.year}
    data["phases"] = [{"title": p.title, "start": p.start, "end": p.end} for p in spec.phases]
    data["tasks"] = [_task_data(task) for task in spec.tasks]
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
    )


def _task_data(task: TaskSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"title": task.title}
    if task.phase is not None:
        out["phase"] = task.phase
    if task.start is not None:
        out["start"] = task.start
    if task.due is not None:
        out["due"] = task.due
    if task.ongoing:
        out["ongoing"] = True
    if task.recurring is not None:
        out["recurring"] = _rule_data(task.recurring)
    if task.branches != "all":
        out["branches"] = list(task.branches)
    if task.owner != "branch":
        out["owner"] = task.owner
    return out


def _rule_data(rule: RecurringRule) -> dict[str, Any]:
    out: dict[str, Any] = {"freq": rule.freq}
    if rule.month is not None:
        out["month"] = rule.month
    if rule.day is not None:
        out["day"] = rule.day
    return out


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, which is how people write YAML by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown field"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _error(root: yaml.Node, problems: list[tuple[FieldPath, str]]) -> PlanFormatError:
    located = [(*locate(root, path, name_missing=True), message) for path, message in problems]
    lines = [PlanFormatError._format(message, line, field) for line, field, message in located]
    line, field, message = located[0]
    return PlanFormatError(message, line=line, field=field, problems=lines)
