"""逐级报送, a QA pass as real people use it (issue #13): a committee clerk building the
tree by hand and by CSV, moving and archiving units, a 总支 secretary and its group.

Each test here failed before the fix it comes with (see the commit that added it).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.models import BranchKind
from bot.services import onboarding
from bot.services import tree as tree_service
from bot.services.base import Env, UserError
from bot.testing.sim import Sim
from storage import branches
from tests.catalog import check, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import join, text_of
from tests.test_tree_e2e import G1, G2, GROUP1, A, build

NOW = at(2026, 11, 10, 10)


async def places(env: Env) -> dict[str, tuple[str | None, BranchKind, bool]]:
    """Each active unit: (its parent's name, its kind, whether it reports)."""
    async with env.db.reading() as tx:
        nodes = await tree_service.load_nodes(tx)
    return {
        n.name: (nodes[n.parent_id].name if n.parent_id in nodes else None, n.kind, n.reports)
        for n in nodes.values()
    }


# ------------------------------------------------------------------ /addbranch as typed


async def test_addbranch_options_as_a_chinese_keyboard_types_them(sim: Sim) -> None:
    """`上级：一总支` (a full-width colon, what a Chinese keyboard gives) is the option, not
    part of the name; `类型=总支部`/`党总支部` (the full name) make a 总支; full-width
    spaces and ＝ too. A colon after a word that is no option stays in the name."""
    await build(sim)
    out = await sim.say(ADMIN, "/addbranch 戊支部 上级：一总支")
    check(out, "tree_added_under", parent="一总支")
    check(await sim.say(ADMIN, "/addbranch 己支部　上级＝一总支"), "tree_added_under")
    out = await sim.say(ADMIN, "/addbranch 三总支 类型=总支部")
    check(out, "tree_general_added", name="三总支")
    out = await sim.say(ADMIN, "/addbranch 四总支 类型:党总支部 报送：否")
    check(out, "tree_general_added", name="四总支")
    # 三总支 and 一总支 differ by their number only: no look-alike warning.
    assert not matches(out, "branch_near_duplicate")
    check(await sim.say(ADMIN, "/addbranch 机关:第一支部"), "branch_added", name="机关:第一支部")
    placed = await places(sim.env)
    assert placed["戊支部"] == ("一总支", BranchKind.BRANCH, True)
    assert placed["己支部"][0] == "一总支"
    assert placed["三总支"] == (None, BranchKind.GENERAL, True)
    assert placed["四总支"] == (None, BranchKind.GENERAL, False)
    assert not any("上级" in name for name in placed)


async def test_general_names_are_not_look_alikes_of_each_other(sim: Sim) -> None:
    """Forty 总支 named 第01党总支…: adding one is not a warning about another."""
    check(await sim.say(ADMIN, "/addbranch 一总支 类型=总支"), "tree_general_added")
    out = await sim.say(ADMIN, "/addbranch 二总支 类型=总支")
    assert not matches(out, "branch_near_duplicate"), text_of(out)


async def test_a_unit_cannot_be_moved_under_itself(sim: Sim) -> None:
    await build(sim)
    check(await sim.say(ADMIN, "/movebranch 一总支 一总支"), "tree_self_parent", unit="一总支")


# ------------------------------------------------------------------ CSV import


async def test_csv_as_clerks_write_it(env: Env) -> None:
    """A header named 单位名称/上级党组织 (not taken for a unit under a 总支 «上级»), rows
    typed with full-width commas, the kind 党总支部, the parent after its units."""
    text = (
        "单位名称,类别,上级党组织,类型,是否报送\n"
        "甲支部，机关，一总支\n"
        "乙支部,,　一总支　\n"
        "一总支,,,党总支部\n"
        "二总支,,,总支部,否\n"
    )
    rows = await onboarding.import_branches_csv(env, text, NOW)
    assert [r.name for r in rows] == ["甲支部", "乙支部", "一总支", "二总支"]
    placed = await places(env)
    assert placed["甲支部"][0] == "一总支" and placed["乙支部"][0] == "一总支"
    assert placed["一总支"] == (None, BranchKind.GENERAL, True)
    assert placed["二总支"] == (None, BranchKind.GENERAL, False)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # The hint is about the file (its kind column), not /addbranch.
        ("甲支部,,一总支\n一总支\n", "tree_csv_parent_not_general"),
        ("甲支部,,三总支\n", "tree_csv_parent_missing"),
        ("一总支,,一总支,总支\n", "tree_self_parent"),
    ],
)
async def test_csv_mistakes_are_explained_in_terms_of_the_file(
    env: Env, text: str, reason: str
) -> None:
    with pytest.raises(UserError) as err:
        await onboarding.import_branches_csv(env, text, NOW)
    assert err.value.key == "csv_bad_row" and err.value.params["line"] == 1
    assert matches(err.value.params["reason"], reason)  # type: ignore[arg-type]
    async with env.db.reading() as tx:
        assert await branches.list_branches(tx) == []


# ------------------------------------------------------------------ archiving a 总支


async def test_archiving_a_middle_general_keeps_its_units_in_the_general_above(
    sim: Sim,
) -> None:
    """Depth three: 二总支 under 一总支. Archiving 二总支 puts 丙支部 under 一总支 (where
    二总支 sat), not under the committee: 一总支's secretary still chases it. The clerk
    is told where the units went."""
    await build(sim)
    check(await sim.say(ADMIN, "/movebranch 二总支 一总支"), "tree_moved")
    assert "丙支部" in text_of(await sim.say(G1, "/status"))
    out = await sim.say(ADMIN, "/archivebranch 二总支")
    check(out, "branch_archived", name="二总支")
    check(out, "tree_archived_lifted", count=1, names="丙支部")
    assert (await places(sim.env))["丙支部"][0] == "一总支"
    assert "丙支部" in text_of(await sim.say(G1, "/status"))
    # A 总支 directly under the committee: its units go to the committee.
    check(await sim.say(ADMIN, "/archivebranch 一总支"), "tree_archived_lifted", count=3)
    placed = await places(sim.env)
    assert all(placed[n][0] is None for n in ("甲支部", "乙支部", "丙支部"))


# ------------------------------------------------------------------ a 总支's group


async def test_a_general_group_keeps_its_menu_when_it_becomes_a_supergroup(sim: Sim) -> None:
    await build(sim)
    sim.group(GROUP1, "一总支群")
    check(await sim.say_in_group(GROUP1, G1, "/bindgroup"), "bindgroup_general_done")
    menu = sim.double.commands_for({"type": "chat", "chat_id": GROUP1})
    assert menu
    new = -1007010000001
    sim.double.migrate(GROUP1, new)
    await sim.feed(sim.factory.migrate_message(GROUP1, new, G1))
    assert sim.double.commands_for({"type": "chat", "chat_id": new}) == menu
    assert "一总支" in text_of(await sim.say_in_group(new, G1, "/status"))


async def test_a_general_group_is_not_taken_by_a_plain_bindgroup(sim: Sim) -> None:
    """一总支's group: 二总支's secretary (a member there too) cannot take it over, and an
    admin's plain /bindgroup does not silently make it the committee's group (which would
    also leave the committee's real group): `/bindgroup 工委` says so in words."""
    await build(sim)
    sim.group(GROUP1, "一总支群")
    check(await sim.say_in_group(GROUP1, G1, "/bindgroup"), "bindgroup_general_done")
    check(await sim.say_in_group(GROUP1, G2, "/bindgroup"), "tree_group_taken", name="一总支")
    check(await sim.say_in_group(GROUP1, G2, "/bindgroup 二总支"), "tree_group_taken")
    check(await sim.say_in_group(GROUP1, ADMIN, "/bindgroup"), "tree_group_is_generals")
    assert "甲支部" in text_of(await sim.say_in_group(GROUP1, G1, "/status"))
    assert "丁支部" in text_of(await sim.say_in_group(COORD_GROUP, ADMIN, "/status"))
    # Its own secretary may bind it again; an admin may hand it to another 总支.
    check(await sim.say_in_group(GROUP1, G1, "/bindgroup"), "bindgroup_general_done")
    out = await sim.say_in_group(GROUP1, ADMIN, "/bindgroup 二总支")
    check(out, "bindgroup_general_done", name="二总支")
    check(await sim.say_in_group(GROUP1, G1, "/bindgroup 工委"), "denied_admin")
    check(await sim.say_in_group(GROUP1, ADMIN, "/bindgroup 工委"), "bindgroup_done")
    assert "丁支部" in text_of(await sim.say_in_group(GROUP1, ADMIN, "/status"))


async def test_a_move_takes_effect_at_once_for_every_month(sim: Sim) -> None:
    """As docs/tree.md says: after 甲支部 moves from 一总支 to 二总支, 二总支's secretary
    sees its November report (history goes with the unit) and 一总支's no longer lists it,
    for November too; the committee's month is unchanged but for its grouping by 总支."""
    await build(sim)
    await sim.say(A, "/report")
    await sim.say(A, "甲支部十一月的报告")
    await sim.advance_to(at(2026, 12, 3, 10), step=timedelta(days=1))
    committee_before = text_of(await sim.say(ADMIN, "/status 2026-11"))
    check(await sim.say(ADMIN, "/movebranch 甲支部 二总支"), "tree_moved", name="甲支部")
    assert "甲支部" not in text_of(await sim.say(G1, "/status 2026-11"))
    check(await sim.say(G1, "/status 甲支部"), "denied_outside")
    november = text_of(await sim.say(G2, "/status 2026-11"))
    assert "甲支部" in november and "丙支部" in november
    check(await sim.say(G2, "/status 甲支部"), "status_branch")
    # The committee's month: the same head and the same units in the same states; only
    # the grouping by 总支 (the ▸ lines and which heading a unit sits under) follows the move.
    committee_after = text_of(await sim.say(ADMIN, "/status 2026-11"))
    assert committee_after.splitlines()[0] == committee_before.splitlines()[0]

    def units(text: str) -> list[str]:
        return sorted(line for line in text.splitlines() if " — " in line)

    assert units(committee_after) == units(committee_before)


async def test_adding_an_existing_unit_under_a_general_says_how_to_move_it(sim: Sim) -> None:
    """`/addbranch 丁支部 上级=一总支` for a 丁支部 that exists under the committee does not
    move it (moves are /movebranch's, audited as such): the reply says so, with the command.
    `/movebranch 丁支部 到 一总支` (the word 到 typed between) then moves it."""
    await build(sim)
    out = await sim.say(ADMIN, "/addbranch 丁支部 上级=一总支")
    check(out, "tree_existed_not_moved", name="丁支部", parent="一总支")
    out = await sim.say(ADMIN, "/addbranch 上级=一总支\n丁支部\n戊支部\n甲支部")
    check(out, "tree_added_under", parent="一总支")
    check(out, "tree_existed_not_moved", names="丁支部")  # 甲支部 is there already
    assert (await places(sim.env))["丁支部"][0] is None
    check(await sim.say(ADMIN, "/movebranch 丁支部 到 一总支"), "tree_moved", name="丁支部")
    assert (await places(sim.env))["丁支部"][0] == "一总支"


async def test_a_secretary_of_two_generals_posts_one_generals_circular(sim: Sim) -> None:
    """一总支's secretary is also 二总支's (换届 there). `/circular` in private previews, and
    `/circular post` posts into 一总支's group, 一总支's circular: not 丙支部, 二总支's."""
    await build(sim)
    await join(sim, G1, "一总支书记", "二总支")
    sim.group(GROUP1, "一总支群")
    out = await sim.say_in_group(GROUP1, G1, "/bindgroup 一总支")
    check(out, "bindgroup_general_done", name="一总支")
    preview = text_of(await sim.say(G1, "/circular"))  # the same circular, previewed
    assert "甲支部" in preview and "丙支部" not in preview
    await sim.advance_to(at(2026, 11, 26, 1), step=timedelta(hours=6))  # before circular time
    mark = len(sim.double.messages)
    await sim.say(G1, "/circular post")
    posted = [m for m in sim.double.messages[mark:] if m.chat_id == GROUP1]
    assert posted and matches(posted, "gcirc_to")
    assert "甲支部" in text_of(posted) and "丙支部" not in text_of(posted)
