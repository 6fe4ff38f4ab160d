"""The hardened YAML loader that hand-written files (forms, plans) are read with.

PyYAML's safe loader, further limited:

- anchors and aliases (``&`` and ``*``) are refused at the first one met, before
  any node is built from it: they are how a few hundred bytes become billions
  of nodes ("billion laughs") or a node that contains itself;
- brackets may nest only so deep: PyYAML's scanner revisits every open bracket
  at each token, so 2,000 "[" take seconds;
- timestamps stay text: PyYAML turns ``2024-02-30`` into a bare ValueError with
  no line, while as text it reaches the model's date check and gets a line and
  a field like any other bad value;
- a key written twice in one mapping is refused (YAML would keep the last one
  without a word).

Every problem is raised as :class:`YamlProblem` with its line; each file format
turns it into its own error type.
"""

from __future__ import annotations

from typing import Any

import yaml

ALIAS_MESSAGE = "YAML anchors and aliases (& and *) are not accepted"
TOO_DEEP_MESSAGE = "not valid YAML: nested too deeply"


class YamlProblem(ValueError):
    """Why a text is not acceptable YAML; ``line`` is 1-based, None when unknown.

    ``alias`` marks the refusal of an anchor or alias, which callers may report
    differently from a mistake.
    """

    def __init__(self, message: str, line: int | None = None, *, alias: bool = False) -> None:
        self.message = message
        self.line = line
        self.alias = alias
        super().__init__(message)


class _Loader(yaml.SafeLoader):
    max_flow_depth = 20

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            raise YamlProblem(ALIAS_MESSAGE, line, alias=True)
        return super().compose_node(parent, index)

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level >= self.max_flow_depth:
            raise YamlProblem(TOO_DEEP_MESSAGE, self.line + 1)
        super().fetch_flow_collection_start(TokenClass)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str, *, max_flow_depth: int) -> tuple[yaml.Node, Any] | None:
    """The root node (for locating later problems by line) and the data, or None if
    the text holds no document. Raises :class:`YamlProblem`."""
    loader = _Loader(text)
    loader.max_flow_depth = max_flow_depth
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _reject_duplicate_keys(root)
        return root, loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unreadable"
        raise YamlProblem(f"not valid YAML: {problem}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(TOO_DEEP_MESSAGE) from None
    finally:
        loader.dispose()


def _reject_duplicate_keys(node: yaml.Node) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    raise YamlProblem(
                        f"{key.value!r} appears twice (first on line {seen[key.value]})", line
                    )
                seen[key.value] = line
            _reject_duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item)


def locate(
    root: yaml.Node, path: tuple[int | str, ...], *, name_missing: bool = False
) -> tuple[int, str]:
    """The line a validation path points at, and the part of the path that exists as
    people count it (``tasks[3].due``, positions from 1).

    A missing field points at the mapping that lacks it (named at the end of the
    path if ``name_missing``); an unknown or wrong field at the line of its key.
    """
    node, line, walked = root, root.start_mark.line + 1, ""
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
            if entry is not None or name_missing:
                walked += f".{part}" if walked else part
            if entry is None:
                break
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
