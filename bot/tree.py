"""The tree of units under the committee (逐级报送): pure functions, no I/O.

A committee (工委/党委) has units under it: 党支部 directly, or 党总支 that
gather 支部 of their own (docs/tree.md). Each unit names its parent
(`parent_id`; None = directly under the committee). Depth two (committee →
总支 → 支部) is what committees use, but nothing here assumes it: every
function walks the parents as deep as they go.

The functions take any nodes with an `id` and a `parent_id` (a `Branch`, or
a plain tuple-like in tests), keyed by id. A parent that is not among the
nodes (archived, or never loaded) counts as the committee: a unit whose 总支
was archived is shown and counted under the committee rather than lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar


class Node(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def parent_id(self) -> int | None: ...


N = TypeVar("N", bound=Node)

# Walks stop here: a corrupt parent chain (a cycle written by hand into the
# database) must not hang the bot. Far beyond any real committee's depth.
MAX_DEPTH = 64


def by_id(nodes: Iterable[N]) -> dict[int, N]:
    """The nodes keyed by id (what every function below takes)."""
    return {n.id: n for n in nodes}


def parent_of(nodes: Mapping[int, N], node_id: int) -> int | None:
    """The parent among `nodes`, None when directly under the committee (or the parent is
    not among `nodes`: archived units do not hide the units under them)."""
    node = nodes.get(node_id)
    if node is None or node.parent_id is None or node.parent_id not in nodes:
        return None
    return node.parent_id


def path(nodes: Mapping[int, N], node_id: int) -> list[N]:
    """From the topmost unit under the committee down to `node_id` itself."""
    out: list[N] = []
    current: int | None = node_id
    seen: set[int] = set()
    while current is not None and current in nodes and current not in seen:
        if len(out) >= MAX_DEPTH:
            break
        seen.add(current)
        out.append(nodes[current])
        current = parent_of(nodes, current)
    out.reverse()
    return out


def depth(nodes: Mapping[int, N], node_id: int) -> int:
    """1 for a unit directly under the committee, 2 for one under a 总支, …; 0 if unknown."""
    return len(path(nodes, node_id))


def ancestors(nodes: Mapping[int, N], node_id: int) -> list[int]:
    """The ids above `node_id`, nearest first (its parent, the parent's parent, …)."""
    return [n.id for n in reversed(path(nodes, node_id)[:-1])]


def top_of(nodes: Mapping[int, N], node_id: int) -> int | None:
    """The topmost unit above `node_id` (directly under the committee), or None when
    `node_id` is itself directly under the committee. The committee's per-总支 groups."""
    chain = path(nodes, node_id)
    return chain[0].id if len(chain) > 1 else None


def children(nodes: Mapping[int, N]) -> dict[int | None, list[N]]:
    """Each unit's children in id order; the key None holds the committee's own."""
    out: dict[int | None, list[N]] = {}
    for node in sorted(nodes.values(), key=lambda n: n.id):
        out.setdefault(parent_of(nodes, node.id), []).append(node)
    return out


def descendants(nodes: Mapping[int, N], root_id: int) -> set[int]:
    """Every unit under `root_id`, at any depth (not `root_id` itself)."""
    kids = children(nodes)
    out: set[int] = set()
    todo = [n.id for n in kids.get(root_id, [])]
    while todo:
        current = todo.pop()
        if current in out or current == root_id:
            continue
        out.add(current)
        todo.extend(n.id for n in kids.get(current, []))
    return out


def subtree(nodes: Mapping[int, N], root_id: int) -> frozenset[int]:
    """`root_id` and every unit under it: what a 总支's secretary sees and chases."""
    if root_id not in nodes:
        return frozenset()
    return frozenset({root_id} | descendants(nodes, root_id))


def would_cycle(nodes: Mapping[int, N], node_id: int, new_parent: int | None) -> bool:
    """Whether putting `node_id` under `new_parent` would make a unit its own ancestor."""
    if new_parent is None:
        return False
    return new_parent == node_id or new_parent in descendants(nodes, node_id)


def preorder(nodes: Mapping[int, N]) -> list[tuple[int, N]]:
    """Every unit with its depth (1 = under the committee), parents before their children,
    siblings in id order: the order `/branches` draws the tree in."""
    kids = children(nodes)
    out: list[tuple[int, N]] = []
    seen: set[int] = set()

    def walk(parent: int | None, level: int) -> None:
        for node in kids.get(parent, []):
            if node.id in seen or level > MAX_DEPTH:
                continue
            seen.add(node.id)
            out.append((level, node))
            walk(node.id, level + 1)

    walk(None, 1)
    # A unit on a cycle (only a hand-edited database has one) is still listed, at the top.
    out += [(1, n) for n in sorted(nodes.values(), key=lambda n: n.id) if n.id not in seen]
    return out
