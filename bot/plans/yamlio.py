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
    format_path,
)

_MAX_FLOW_DEPTH = 50


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text and refuses anchors and aliases.

    PyYAML turns ``2024-02-30`` into a bare ValueError while building the
    document, with no line to report; as text it reaches the model's date
    check and gets a line and a field like any other bad value.

    A plan has no use for ``&anchor`` and ``*alias``, and they are how a few
    hundred bytes become billions of nodes ("billion laughs") or a node that
    contains itself: the first one met is refused, with its line, before any
    node is built from it.
    """

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            line = event.start_mark.line + 1 if event.start_mark is not None else 1
            raise PlanRefused(
                "plan_yaml_alias",
                "YAML anchors and aliases (& and *) are not accepted; write the content out",
                line=line,
            )
        return super().compose_node(parent, index)

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # PyYAML's scanner revisits every open bracket at each token: 2,000 "[" take
        # seconds. A plan nests three deep.
        if self.flow_level >= _MAX_FLOW_DEPTH:
            raise PlanFormatError("not valid YAML: nested too deeply", line=self.line + 1)
        super().fetch_flow_collection_start(TokenClass)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_plan_yaml(text: str) -> PlanSpec:
    """Parse and validate a plan. Raises :class:`PlanFormatError` listing every problem."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise PlanFormatError("the plan is empty; it needs at least a title and a year")
        _reject_duplicate_keys(root)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unreadable"
        raise PlanFormatError(
            f"not valid YAML: {problem}", line=mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise PlanFormatError(f"not valid YAML: {exc}") from None
    except RecursionError:
        raise PlanFormatError("not valid YAML: nested too deeply") from None
    finally:
        loader.dispose()
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


def _reject_duplicate_keys(node: yaml.Node) -> None:
    """YAML keeps the last of two equal keys without a word; in a plan that is a mistake."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise PlanFormatError(
                        f"{key.value!r} appears twice (first on line {seen[key.value]})",
                        line=key.start_mark.line + 1,
                    )
                seen[key.value] = key.start_mark.line + 1
            _reject_duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item)


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
    located = [(*_locate(root, path), message) for path, message in problems]
    lines = [PlanFormatError._format(message, line, field) for line, field, message in located]
    line, field, message = located[0]
    return PlanFormatError(message, line=line, field=field, problems=lines)


def _locate(root: yaml.Node, path: FieldPath) -> tuple[int | None, str]:
    """The line a validation path points at, and the part of the path that exists.

    A missing field points at the mapping that lacks it; an unknown or wrong
    field at the line where its key is written.
    """
    node = root
    line = root.start_mark.line + 1
    walked: list[str | int] = []
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            entry = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, yaml.ScalarNode) and k.value == part
                ),
                None,
            )
            walked.append(part)
            if entry is None:
                break
            key, node = entry
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            walked.append(part)
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line, format_path(tuple(walked))
