"""The committee's grouping by 总支 (bot/services/grouping.py): pure, with tables of units."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Branch, BranchKind
from bot.rules import State
from bot.services import grouping
from tests.conftest import at

T0 = at(2026, 1, 1, 9)


def unit(i: int, parent: int | None = None, general: bool = False) -> Branch:
    kind = BranchKind.GENERAL if general else BranchKind.BRANCH
    return Branch(id=i, name=f"u{i}", created_at=T0, parent_id=parent, kind=kind)


@dataclass(frozen=True)
class Row:
    branch: Branch
    state: State = State.MISSING


def test_a_flat_committee_has_no_grouping() -> None:
    nodes = {i: unit(i) for i in (1, 2, 3)}
    assert grouping.grouped(nodes, [Row(n) for n in nodes.values()]) is None


def test_units_are_grouped_under_the_topmost_general_then_direct() -> None:
    units = [unit(1, general=True), unit(2, 1), unit(3, 1, general=True), unit(4, 3), unit(5)]
    units.append(unit(6, general=True))  # a 总支 with nothing under it is still listed
    nodes = {u.id: u for u in units}
    groups = grouping.grouped(nodes, [Row(u) for u in units if u.id != 6])
    assert groups is not None
    assert [(g.key, [r.branch.id for r in g.lines]) for g in groups] == [
        (1, [1, 2, 3, 4]),  # 4 is under 3 under 1: counted under 1
        (6, []),
        (0, [5]),  # 直属支部 last
    ]


def test_a_unit_whose_general_is_gone_counts_under_the_committee() -> None:
    nodes = {1: unit(1, general=True), 2: unit(2, parent=99)}  # 99: archived, not loaded
    groups = grouping.grouped(nodes, [Row(nodes[2])])
    assert groups is not None and groups[-1].general is None
    assert [r.branch.id for r in groups[-1].lines] == [2]


def test_counts_and_pending_review() -> None:
    rows = [
        Row(unit(1), State.ON_TIME),
        Row(unit(2), State.LATE),
        Row(unit(3), State.MISSING),
        Row(unit(4), State.WAITING),
        Row(unit(5), State.EXEMPT),
    ]
    c = grouping.counts(rows, frozenset({1, 2, 9}))
    assert (c.expected, c.on_time, c.late, c.missing, c.exempt) == (4, 1, 1, 2, 1)
    assert c.pending_review == 2 and c.reported == 2 and c.rate == 0.5
    assert grouping.counts([]).rate == 1.0
