"""The committee's grouping by 总支 (bot/services/grouping.py): pure, with tables of units."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.models import Branch, BranchKind
from bot.rules import State
from bot.services import approval, grouping
from bot.services import tree as tree_service
from bot.services.base import Env, TgUser, UserError, identify
from storage import branches
from tests.conftest import ADMIN, at

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


async def test_the_reviewer_is_the_nearest_general_that_reviews(env: Env) -> None:
    """审核: a 支部's reports go to its nearest 总支, if that one reviews; a 总支 under
    a 总支 reviews its own 支部; a 支部 directly under the committee has no reviewer."""
    a = await identify(env, TgUser(ADMIN, "管理员"), T0)
    await tree_service.add_units(env, a, "一总支 类型=总支 报送=否", T0)
    await tree_service.add_units(env, a, "内总支 类型=总支 上级=一总支", T0)
    await tree_service.add_units(env, a, "甲支部 上级=一总支", T0)
    await tree_service.add_units(env, a, "乙支部 上级=内总支", T0)
    await tree_service.add_units(env, a, "丁支部", T0)
    async with env.db.reading() as tx:
        ids = {b.name: b.id for b in await branches.list_branches(tx)}
        assert await approval.reviewer_of(tx, ids["甲支部"]) is None  # nobody reviews yet
    await approval.set_mode(env, a, "一总支 开", T0)
    async with env.db.reading() as tx:
        reviewer = await approval.reviewer_of(tx, ids["甲支部"])
        assert reviewer is not None and reviewer.name == "一总支"
        assert await approval.reviewer_of(tx, ids["乙支部"]) is None  # 内总支 does not review
        assert await approval.reviewer_of(tx, ids["丁支部"]) is None
    await approval.set_mode(env, a, "内总支 开", T0)
    await approval.set_mode(env, a, "一总支 关", T0)
    async with env.db.reading() as tx:
        reviewer = await approval.reviewer_of(tx, ids["乙支部"])
        assert reviewer is not None and reviewer.name == "内总支"
        assert await approval.reviewer_of(tx, ids["甲支部"]) is None
    with pytest.raises(UserError) as err:
        await approval.set_mode(env, a, "丁支部 开", T0)
    assert err.value.key == "tree_not_general"
    with pytest.raises(UserError) as err:
        await approval.set_mode(env, a, "一总支 也许", T0)
    assert err.value.key == "arg_missing"
