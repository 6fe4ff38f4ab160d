"""The YAML form format (docs/forms.md): load with line-numbered errors, dump.

Forms are written by hand, so a mistake comes back as
"line 14, fields[3].type: Input should be 'text', 'number', …", never as a
traceback. The loader is PyYAML's safe loader with anchors and aliases refused
(a form has no use for them and they are how small files become huge), dates
left as text, and duplicate keys refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.forms.model import FieldProblem, Form

KEY_RULE = (
    "a key is ASCII letters, digits and _, starting with a letter, at most 32 characters"
    " (e.g. theme_day); the label is what people read"
)


class FormFormatError(ValueError):
    """A form file that cannot be used; `problems` are "line N, path: message" lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _at(line: int | None, path: str, message: str) -> str:
    where = [f"line {line}"] if line is not None else []
    if path:
        where.append(path)
    return f"{', '.join(where)}: {message}" if where else message


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            raise FormFormatError(
                [_at(line, "", "YAML anchors and aliases (& and *) are not accepted")]
            )
        return super().compose_node(parent, index)

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level >= 20:  # a form nests three deep; brackets cost quadratic time
            raise FormFormatError([_at(self.line + 1, "", "not valid YAML: nested too deeply")])
        super().fetch_flow_collection_start(TokenClass)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_form_yaml(text: str) -> Form:
    """Parse and validate a form. Raises :class:`FormFormatError` listing every problem."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise FormFormatError(["the form is empty; it needs a title and fields"])
        _reject_duplicate_keys(root)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise FormFormatError(
            [_at(line, "", f"not valid YAML: {exc.problem or exc.context}")]
        ) from None
    except yaml.YAMLError as exc:
        raise FormFormatError([f"not valid YAML: {exc}"]) from None
    except RecursionError:
        raise FormFormatError(["not valid YAML: nested too deeply"]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise FormFormatError(
            [_at(root.start_mark.line + 1, "", "a form is a mapping with title and fields")]
        )
    try:
        return Form.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = tuple(e["loc"])
            cause = e.get("ctx", {}).get("error")
            if isinstance(cause, FieldProblem):  # a form-wide rule that one field broke
                loc = ("fields", cause.index, cause.attr)
            line, path = _locate(root, loc)
            message = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                message = "unknown field"
            elif e["type"] == "string_pattern_mismatch" and loc[-1:] in (("key",), ("ask_if",)):
                message = KEY_RULE
            problems.append(_at(line, path, message))
        raise FormFormatError(problems) from None


def load_form_file(path: Path | str) -> Form:
    """:func:`load_form_yaml` on a UTF-8 file (a BOM is fine)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise FormFormatError([f"{path.name}: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError:
        raise FormFormatError([f"{path.name}: a form file must be saved as UTF-8"]) from None
    return load_form_yaml(text)


def dump_form_yaml(form: Form) -> str:
    """The form as YAML, defaults left out; loads back equal."""
    data = form.model_dump(exclude_defaults=True)
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False
    )


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _reject_duplicate_keys(node: yaml.Node) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    raise FormFormatError(
                        [
                            _at(
                                line,
                                "",
                                f"{key.value!r} appears twice (first on line {seen[key.value]})",
                            )
                        ]
                    )
                seen[key.value] = line
            _reject_duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item)


def _locate(root: yaml.Node, loc: tuple[int | str, ...]) -> tuple[int, str]:
    """The line a validation path points at and the path as people count (fields[1])."""
    node, line, walked = root, root.start_mark.line + 1, ""
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            entry = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, yaml.ScalarNode) and k.value == part
                ),
                None,
            )
            if entry is None:
                break
            walked += f".{part}" if walked else part
            line, node = entry[0].start_mark.line + 1, entry[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            walked += f"[{part + 1}]"
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line, walked
