"""The YAML form format (docs/forms.md): load with line-numbered errors, dump.

Forms are written by hand, so a mistake comes back as
"line 14, fields[3].type: Input should be 'text', 'number', …", never as a
traceback. The loader is PyYAML's safe loader with anchors and aliases refused
(a form has no use for them and they are how small files become huge), dates
left as text, and duplicate keys refused.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.forms.model import FieldProblem, Form
from bot.yamlsafe import YamlProblem, load_yaml, locate

KEY_RULE = (
    "a key is ASCII letters, digits and _, starting with a letter, at most 32 characters"
    " (e.g. theme_day); the label is what people read"
)
_MAX_FLOW_DEPTH = 20  # a form nests three deep; brackets cost quadratic time


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


def load_form_yaml(text: str) -> Form:
    """Parse and validate a form. Raises :class:`FormFormatError` listing every problem."""
    try:
        loaded = load_yaml(text, max_flow_depth=_MAX_FLOW_DEPTH)
    except YamlProblem as exc:
        raise FormFormatError([_at(exc.line, "", exc.message)]) from None
    if loaded is None:
        raise FormFormatError(["the form is empty; it needs a title and fields"])
    root, data = loaded
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
            line, path = locate(root, loc)
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
