"""The pure tree walks (bot/tree.py): subtrees, paths, depths, cycles, drawing order."""

from __future__ import annotations

from dataclasses import dataclass

from bot import tree


@dataclass(frozen=True)
class N:
    id: int
    parent_id: int | None = None


# committee ─┬─ 1 一总支 ─┬─ 3 ─── 6 (depth three)
#            │           └─ 4
#            ├─ 2 二总支 ─── 5
#            └─ 7 (a 支部 directly under the committee)
NODES = tree.by_id([N(1), N(2), N(3, 1), N(4, 1), N(5, 2), N(6, 3), N(7)])


def test_subtree_and_descendants_at_any_depth() -> None:
    assert tree.subtree(NODES, 1) == {1, 3, 4, 6}
    assert tree.descendants(NODES, 1) == {3, 4, 6}
    assert tree.subtree(NODES, 2) == {2, 5}
    assert tree.subtree(NODES, 7) == {7}
    assert tree.subtree(NODES, 99) == frozenset()


def test_path_depth_ancestors_top() -> None:
    assert [n.id for n in tree.path(NODES, 6)] == [1, 3, 6]
    assert tree.depth(NODES, 6) == 3
    assert tree.depth(NODES, 7) == 1
    assert tree.depth(NODES, 99) == 0
    assert tree.ancestors(NODES, 6) == [3, 1]
    assert tree.top_of(NODES, 6) == 1
    assert tree.top_of(NODES, 5) == 2
    assert tree.top_of(NODES, 1) is None  # itself directly under the committee
    assert tree.top_of(NODES, 7) is None


def test_a_missing_parent_counts_as_the_committee() -> None:
    """A unit whose 总支 is archived (not among the nodes) is shown under the committee."""
    nodes = tree.by_id([N(3, 1), N(6, 3)])
    assert tree.parent_of(nodes, 3) is None
    assert tree.depth(nodes, 6) == 2
    assert [(d, n.id) for d, n in tree.preorder(nodes)] == [(1, 3), (2, 6)]


def test_would_cycle() -> None:
    assert tree.would_cycle(NODES, 1, 1)
    assert tree.would_cycle(NODES, 1, 3)
    assert tree.would_cycle(NODES, 1, 6)  # two levels down
    assert not tree.would_cycle(NODES, 3, 2)
    assert not tree.would_cycle(NODES, 1, None)
    assert not tree.would_cycle(NODES, 5, 1)


def test_preorder_draws_parents_before_their_units() -> None:
    assert [(d, n.id) for d, n in tree.preorder(NODES)] == [
        (1, 1),
        (2, 3),
        (3, 6),
        (2, 4),
        (1, 2),
        (2, 5),
        (1, 7),
    ]
    assert tree.children(NODES)[None] == [N(1), N(2), N(7)]


def test_a_hand_made_cycle_does_not_hang() -> None:
    nodes = tree.by_id([N(1, 2), N(2, 1), N(3)])
    assert tree.subtree(nodes, 1) == {1, 2}
    assert len(tree.path(nodes, 1)) == 2
    assert sorted(n.id for _, n in tree.preorder(nodes)) == [1, 2, 3]
