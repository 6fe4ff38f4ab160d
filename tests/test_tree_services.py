"""The tree's services on an in-memory database with `now` passed in, and its migration."""

from __future__ import annotations

from pathlib import Path

import pytest

import storage.db as db_module
from bot.calendar import Month
from bot.models import BranchKind, InviteRole
from bot.services import onboarding, status
from bot.services import tree as tree_service
from bot.services.base import COMMITTEE, Actor, Env, TgUser, UserError, identify
from storage import branches
from storage.db import Database
from tests.catalog import matches
from tests.conftest import ADMIN, at

NOW = at(2026, 11, 10, 10)
GEN_SEC = 500


async def admin(env: Env) -> Actor:
    return await identify(env, TgUser(ADMIN, "管理员"), NOW)


async def build(env: Env) -> Actor:
    """一总支 (一支部, 二支部), 二总支 (gathers only: 三支部), 四支部 under the committee."""
    a = await admin(env)
    await tree_service.add_units(env, a, "一总支 类型=总支", NOW)
    await tree_service.add_units(env, a, "二总支 类型=总支 报送=否", NOW)
    await tree_service.add_units(env, a, "一支部\n二支部 上级=一总支", NOW)
    await tree_service.add_units(env, a, "三支部 上级=二总支", NOW)
    await tree_service.add_units(env, a, "四支部", NOW)
    return a


async def join(env: Env, a: Actor, user_id: int, unit: str) -> Actor:
    made = await onboarding.create_invite(env, a, unit, InviteRole.SECRETARY, NOW)
    me = await identify(env, TgUser(user_id, f"u{user_id}"), NOW)
    await onboarding.redeem(env, me, made.token, NOW)
    return await identify(env, TgUser(user_id, f"u{user_id}"), NOW)


async def ids(env: Env, *names: str) -> set[int]:
    async with env.db.reading() as tx:
        found = [await branches.find_branch(tx, n) for n in names]
    return {b.id for b in found if b is not None}


def test_options_are_parsed_and_unknown_ones_refused() -> None:
    text, opts = tree_service.parse_unit_options("甲 支部 上级=一总支")
    assert (text, opts.parent, opts.kind, opts.reports) == ("甲 支部", "一总支", "branch", True)
    _, opts = tree_service.parse_unit_options("二总支 类型＝总支 报送=否")
    assert (opts.kind, opts.reports) == (BranchKind.GENERAL, False)
    with pytest.raises(UserError) as err:
        tree_service.parse_unit_options("甲支部 颜色=红")
    assert err.value.key == "tree_bad_option"
    with pytest.raises(UserError) as err:
        tree_service.parse_unit_options("甲支部 报送=否")
    assert err.value.key == "tree_only_general_gathers"


async def test_units_are_added_under_their_general(env: Env) -> None:
    await build(env)
    async with env.db.reading() as tx:
        nodes = await tree_service.load_nodes(tx)
    by_name = {n.name: n for n in nodes.values()}
    one, two = by_name["一总支"], by_name["二总支"]
    assert one.is_general and one.reports and one.parent_id is None
    assert two.is_general and not two.reports
    assert by_name["一支部"].parent_id == one.id and by_name["二支部"].parent_id == one.id
    assert by_name["四支部"].parent_id is None and by_name["四支部"].kind is BranchKind.BRANCH
    assert tree_service.group_of(nodes, by_name["二支部"].id) == one
    assert tree_service.group_of(nodes, one.id) == one
    assert tree_service.group_of(nodes, by_name["四支部"].id) is None
    assert tree_service.groups(nodes) == [one, two]
    assert tree_service.general_of(nodes, by_name["三支部"].id) == two


async def test_a_branch_cannot_be_a_parent(env: Env) -> None:
    a = await build(env)
    with pytest.raises(UserError) as err:
        await tree_service.add_units(env, a, "五支部 上级=四支部", NOW)
    assert err.value.key == "tree_parent_not_general"


async def test_move_keeps_history_and_refuses_cycles(env: Env) -> None:
    a = await build(env)
    moved = await tree_service.move_unit(env, a, ["四支部", "二总支"], NOW)
    assert moved.before is None and moved.after is not None and moved.after.name == "二总支"
    back = await tree_service.move_unit(env, a, ["四支部", "工委"], NOW)
    assert back.after is None and back.before is not None
    # A 总支 under another 总支 (depth three) is allowed; under its own unit it is not.
    await tree_service.move_unit(env, a, ["二总支", "一总支"], NOW)
    with pytest.raises(UserError) as err:
        await tree_service.move_unit(env, a, ["一总支", "二总支"], NOW)
    assert err.value.key == "tree_cycle"
    with pytest.raises(UserError) as err:
        await tree_service.move_unit(env, a, ["一总支", "一总支"], NOW)
    assert err.value.key == "tree_self_parent"


async def test_a_general_secretary_coordinates_its_subtree_only(env: Env) -> None:
    a = await build(env)
    gen = await join(env, a, GEN_SEC, "一总支")
    assert gen.leads_general and not gen.coordinates
    scope = gen.require_scope()
    assert scope.general is not None and scope.general.name == "一总支"
    assert scope.ids == await ids(env, "一总支", "一支部", "二支部")
    assert (await admin(env)).require_scope() is COMMITTEE
    with pytest.raises(UserError):
        gen.require_coordinator()  # the committee's own work stays the committee's
    summary = await status.month_status(env, gen, Month(2026, 11), NOW)
    assert {ln.branch.name for ln in summary.lines} == {"一总支", "一支部", "二支部"}
    whole = await status.month_status(env, a, Month(2026, 11), NOW)
    # 二总支 gathers only: it owes no report, so it is no line of the month.
    everyone = {"一总支", "一支部", "二支部", "三支部", "四支部"}
    assert {ln.branch.name for ln in whole.lines} == everyone
    async with env.db.reading() as tx:
        assert (await tree_service.resolve_in_scope(tx, scope, "一支")).name == "一支部"
        for outside in ("三支部", "四支", "二总支"):
            with pytest.raises(UserError) as err:
                await tree_service.resolve_in_scope(tx, scope, outside)
            assert err.value.key == "denied_outside", outside
        with pytest.raises(UserError) as err:
            await tree_service.resolve_in_scope(tx, scope, "不存在")
        assert err.value.key == "branch_not_found"


async def test_moving_a_branch_into_a_general_widens_its_scope(env: Env) -> None:
    a = await build(env)
    await join(env, a, GEN_SEC, "一总支")
    await tree_service.move_unit(env, a, ["四支部", "一总支"], NOW)
    gen = await identify(env, TgUser(GEN_SEC, "u500"), NOW)
    assert gen.require_scope().covers(next(iter(await ids(env, "四支部"))))


async def test_tree_rows_are_drawn_in_order(env: Env) -> None:
    a = await build(env)
    _, rows = await tree_service.tree_rows(env, a)
    assert [(r.depth, r.view.branch.name) for r in rows] == [
        (1, "一总支"),
        (2, "一支部"),
        (2, "二支部"),
        (1, "二总支"),
        (2, "三支部"),
        (1, "四支部"),
    ]
    gen = await join(env, a, GEN_SEC, "二总支")
    _, rows = await tree_service.tree_rows(env, gen)
    assert [(r.depth, r.view.branch.name) for r in rows] == [(1, "二总支"), (2, "三支部")]


# ------------------------------------------------------------------ migration


async def test_a_flat_database_from_before_the_tree_keeps_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """A database written before migration 0060: every branch ends up directly under the
    committee, a 支部 that reports, and the month reads as before."""
    path = tmp_path / "flat.sqlite3"
    shipped = db_module.migrations()
    monkeypatch.setattr(db_module, "migrations", lambda: [m for m in shipped if m[0] < 60])
    db = await Database.open(path)
    for i, name in enumerate(("甲支部", "乙支部"), 1):
        await db.connection.execute(
            "INSERT INTO branches(id, name, category, created_at) VALUES (?, ?, '', ?)",
            (i, name, at(2026, 10, 1).isoformat()),
        )
    await db.connection.commit()
    await db.close()
    monkeypatch.setattr(db_module, "migrations", lambda: shipped)
    db = await Database.open(path)
    try:
        from bot.settings import Settings

        assert isinstance(settings, Settings)
        env = Env(db=db, cfg=settings)
        async with db.reading() as tx:
            nodes = await tree_service.load_nodes(tx)
        assert [(n.name, n.parent_id, n.kind, n.reports) for n in nodes.values()] == [
            ("甲支部", None, BranchKind.BRANCH, True),
            ("乙支部", None, BranchKind.BRANCH, True),
        ]
        a = await admin(env)
        summary = await status.month_status(env, a, Month(2026, 11), NOW)
        assert [ln.branch.name for ln in summary.lines] == ["甲支部", "乙支部"]
        _, rows = await tree_service.tree_rows(env, a)
        assert [r.depth for r in rows] == [1, 1]
    finally:
        await db.close()


# ------------------------------------------------------------------ CSV import


async def test_csv_import_places_units_in_the_tree(env: Env) -> None:
    """A parent column (the 总支 may come later in the file) and a kind column; the old
    two-column file still imports, and re-importing it leaves the tree as it is."""
    text = (
        "名称,类别,上级,类型,报送\n"
        "甲支部,机关,一总支\n"
        "一总支,,,总支\n"
        "二总支,,,总支,否\n"
        "乙支部,,二总支,支部\n"
        "丙支部,机关\n"
    )
    rows = await onboarding.import_branches_csv(env, text, NOW)
    assert [r.name for r in rows] == ["甲支部", "一总支", "二总支", "乙支部", "丙支部"]
    async with env.db.reading() as tx:
        nodes = await tree_service.load_nodes(tx)
    by_name = {n.name: n for n in nodes.values()}
    assert by_name["甲支部"].parent_id == by_name["一总支"].id
    assert by_name["乙支部"].parent_id == by_name["二总支"].id
    assert by_name["二总支"].is_general and not by_name["二总支"].reports
    assert by_name["丙支部"].parent_id is None
    await onboarding.import_branches_csv(env, "甲支部,机关\n一总支\n", NOW)
    async with env.db.reading() as tx:
        again = await tree_service.load_nodes(tx)
    assert again == nodes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("甲支部,,无此总支\n", "tree_csv_parent_missing"),
        ("甲支部\n乙支部,,甲支部\n", "tree_csv_parent_not_general"),
        ("甲支部,,,颜色\n", "tree_bad_option"),
        ("甲支部,,,支部,否\n", "tree_only_general_gathers"),
        ("一总支,,二总支,总支\n二总支,,一总支,总支\n", "tree_cycle"),
    ],
)
async def test_csv_import_refuses_a_bad_tree(env: Env, text: str, reason: str) -> None:
    with pytest.raises(UserError) as err:
        await onboarding.import_branches_csv(env, text, NOW)
    assert err.value.key == "csv_bad_row"
    assert matches(err.value.params["reason"], reason)  # type: ignore[arg-type]
    async with env.db.reading() as tx:
        assert await branches.list_branches(tx) == []  # nothing half-imported


async def test_a_new_general_secretary_takes_over_the_scope(env: Env) -> None:
    """换届 of a 总支 as of a 支部: the new secretary coordinates its units, the old one
    nothing any more."""
    a = await build(env)
    await join(env, a, GEN_SEC, "一总支")
    new = await join(env, a, GEN_SEC + 1, "一总支")
    assert new.require_scope().ids == await ids(env, "一总支", "一支部", "二支部")
    old = await identify(env, TgUser(GEN_SEC, "u500"), NOW)
    assert not old.leads_general
    with pytest.raises(UserError) as err:
        old.require_scope()
    assert err.value.key == "denied"


async def test_the_sql_subtree_is_the_pure_one(env: Env) -> None:
    """`storage.tree.subtree_ids` (one recursive query, per update of a 总支书记) gives
    what `bot.tree.subtree` gives over the active units, at depth three and with an
    archived unit in the middle."""
    from bot import tree
    from storage import tree as tree_store

    a = await build(env)
    await tree_service.move_unit(env, a, ["二总支", "一总支"], NOW)  # depth three
    await onboarding.archive_branch(env, a, "一支部", NOW)
    async with env.db.reading() as tx:
        nodes = await tree_service.load_nodes(tx)
        for unit in nodes:
            assert await tree_store.subtree_ids(tx, unit) == tree.subtree(nodes, unit), unit
    assert len(tree.subtree(nodes, next(n.id for n in nodes.values() if n.name == "一总支"))) == 4
