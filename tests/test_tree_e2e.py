"""逐级报送 end to end: a committee with two 党总支 and a 支部 directly under it.

一总支 (reports itself) gathers 甲支部 and 乙支部; 二总支 only gathers (报送=否) 丙支部;
丁支部 sits directly under the committee. The 总支 secretaries are invited like any
secretary; 一总支's binds its own group. Its secretary's /status, /remind, /exempt and
/branches cover its own units only; after the due day its group gets its digest and
its own circular (issued in its name, of its units only), while the committee's group
gets the committee's month as before.
"""

from __future__ import annotations

from datetime import timedelta

from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Sim
from tests.catalog import check, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import join, text_of

G1, G2, A, B, C, D = 601, 602, 611, 612, 613, 614
GROUP1 = -100701
OUTSIDE_G1 = ("丙支部", "丁支部", "二总支")


async def build(sim: Sim) -> None:
    check(await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup"), "bindgroup_done")
    check(await sim.say(ADMIN, "/addbranch 一总支 类型=总支"), "tree_general_added", name="一总支")
    out = await sim.say(ADMIN, "/addbranch 二总支 类型=总支 报送=否")
    check(out, "tree_general_added", name="二总支")
    out = await sim.say(ADMIN, "/addbranch 上级=一总支\n甲支部\n乙支部")
    check(out, "tree_added_under", parent="一总支")
    check(await sim.say(ADMIN, "/addbranch 丙支部 上级=二总支"), "tree_added_under")
    check(await sim.say(ADMIN, "/addbranch 丁支部"), "branch_added", name="丁支部")
    for uid, unit in ((G1, "一总支"), (G2, "二总支"), (A, "甲支部"), (B, "乙支部")):
        await join(sim, uid, f"{unit}书记", unit)
    await join(sim, C, "丙支部书记", "丙支部")
    await join(sim, D, "丁支部书记", "丁支部")


def to_chat(sim: Sim, chat_id: int, since: int = 0) -> list[SentMessage]:
    return [m for m in sim.double.messages[since:] if m.chat_id == chat_id]


async def test_each_level_over_its_own_subtree(sim: Sim) -> None:
    await build(sim)

    # The committee sees the tree, indented; 一总支's secretary its own 总支 only.
    tree = text_of(await sim.say(ADMIN, "/branches"))
    assert tree.index("一总支") < tree.index("甲支部") < tree.index("二总支") < tree.index("丙支部")
    assert "　　2. 甲支部" in tree and "\n4. " in tree  # 二总支 is the committee's again
    mine = await sim.say(G1, "/branches")
    check(mine, "tree_head", org="一总支", generals=1, units=2)
    assert not any(name in text_of(mine) for name in OUTSIDE_G1)

    # Its /help: the 总支 section, as 总支书记; no committee section.
    helped = await sim.say(G1, "/help")
    check(helped, "help_head", role="总支书记")
    check(helped, "help_general")
    assert not matches(helped, "help_coordinator")
    # Its /status covers 一总支, 甲支部, 乙支部; a unit outside is refused.
    status = await sim.say(G1, "/status")
    check(status, "status_head")
    assert "一总支" in text_of(status) and "乙支部" in text_of(status)
    assert not any(name in text_of(status) for name in OUTSIDE_G1)
    check(await sim.say(G1, "/status 丁支部"), "denied_outside")
    check(await sim.say(G1, "/status 未报"), "status_only", count=3)
    # 二总支 only gathers: its secretary's month is 丙支部's alone.
    other = text_of(await sim.say(G2, "/status"))
    assert "丙支部" in other and "甲支部" not in other and "丁支部" not in other

    # /exempt and /remind inside the 总支, refused outside it.
    check(await sim.say(G1, "/exempt 乙支部 2026-11 集中培训"), "exempt_done", branch="乙支部")
    check(await sim.say(G1, "/exempt 丁支部 2026-11 集中培训"), "denied_outside")
    check(await sim.say(G1, "/unexempt 丙支部 2026-11"), "denied_outside")
    before = len(sim.double.messages)
    check(await sim.say(G1, "/remind 甲支部"), "remind_done", count=1)
    nudged = {m.chat_id for m in sim.double.messages[before:] if matches(m, "nudge_head")}
    assert nudged == {A}
    check(await sim.say(G1, "/remind 丁支部"), "denied_outside")
    ask = await sim.say(G1, "/remind")
    check(ask, "remind_confirm", count=1)  # 一总支 itself; 甲 nudged just now, 乙 exempt
    # The committee's own work stays the committee's.
    check(await sim.say(G1, "/addbranch 戊支部"), "denied")
    check(await sim.say(G1, "/movebranch 甲支部 工委"), "denied")

    # 一总支's own group: bound by its secretary; /status there is the 总支's.
    check(await sim.say_in_group(GROUP1, G1, "/bindgroup"), "bindgroup_general_done", name="一总支")
    in_group = text_of(await sim.say_in_group(GROUP1, ADMIN, "/status"))
    assert "一总支" in in_group and "丁支部" not in in_group  # even the admin's, there
    check(await sim.say_in_group(GROUP1, ADMIN, "/status 丁支部"), "denied_outside")
    check(await sim.say_in_group(COORD_GROUP, G1, "/status"), "denied")  # the committee's group
    check(await sim.say_in_group(GROUP1, B, "/status"), "denied")

    # Its circular cannot be posted before the due day (it would list units still in time).
    check(await sim.say(G1, "/circular post"), "circular_too_early")
    preview = text_of(await sim.say(G1, "/circular"))
    assert "一总支" in preview and not any(name in preview for name in OUTSIDE_G1)

    # Reports come in: 甲支部 and 丁支部 on time; 一总支, 丙支部 never.
    for uid in (A, D):
        await sim.say(uid, "/report")
        await sim.say(uid, "本月开展主题党日活动，学习党章。")

    # After the due day: digests, then the circulars.
    mark = len(sim.double.messages)
    await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(hours=6))
    group1 = to_chat(sim, GROUP1, mark)
    committee = to_chat(sim, COORD_GROUP, mark)
    digest = [m for m in group1 if matches(m, "gdigest_head")]
    assert len(digest) == 1, text_of(group1)
    check(digest, "gdigest_head", general="一总支", count=1, names="一总支")
    circular = text_of([m for m in group1 if not matches(m, "gdigest_head")])
    assert "一总支" in circular and "甲支部" in circular and "乙支部" in circular
    assert not any(name in circular for name in OUTSIDE_G1)
    check(group1, "gcirc_to")
    # The committee's digest and circular: every unit that reports, as before.
    check(committee, "digest_head", count=2)  # 一总支 and 丙支部
    whole = text_of(committee)
    for name in ("甲支部", "丁支部", "丙支部", "一总支"):
        assert name in whole, name
    assert not matches(committee, "gcirc_to")
    # It owes no report: never named as a unit that reported or did not.
    assert "、二总支" not in whole and "：二总支（" not in whole and "二总支、" not in whole
    # 二总支 only gathers: its secretary is never reminded and has nothing to report.
    for key in ("remind_days", "remind_today", "overdue_nudge"):
        assert not matches(to_chat(sim, G2), key), key
    assert matches(to_chat(sim, C), "remind_days")  # while 丙支部 (under it) was
    check(await sim.say(G2, "/report"), "not_a_secretary")
    # /circular post from the 总支 now: posted already, not again.
    check(await sim.say(G1, "/circular post"), "circular_already")
    # Its ledger: its own units only.
    await sim.say(G1, "/export 2026")
    ledger = sim.double.last_to(G1)
    assert ledger.kind == "document" and ledger.file_bytes
    cells = ledger_text(ledger.file_bytes)
    assert "甲支部" in cells and "乙支部" in cells
    assert not any(name in cells for name in OUTSIDE_G1)
    # Another tick posts nothing again.
    again = len(sim.double.messages)
    await sim.advance_to(at(2026, 11, 26, 12))
    assert not to_chat(sim, GROUP1, again) and not to_chat(sim, COORD_GROUP, again)


def ledger_text(xlsx: bytes) -> str:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return " ".join(
        str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value
    )


async def test_a_large_tree_is_paged_and_a_move_keeps_history(sim: Sim) -> None:
    """40 总支 of 7 支部 and 20 支部 under the committee: /branches pages it in private and
    shows one screen in a group; /movebranch moves a unit with its report and secretary."""
    from bot.models import BranchKind
    from storage import branches as branch_store

    check(await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup"), "bindgroup_done")
    now = sim.clock()
    async with sim.env.db.transaction() as tx:
        for g in range(1, 41):
            general = await branch_store.add_branch(
                tx, f"第{g:02d}党总支", "", now, kind=BranchKind.GENERAL
            )
            assert general is not None
            for b in range(1, 8):
                await branch_store.add_branch(
                    tx, f"第{g:02d}总支第{b}支部", "", now, parent_id=general.id
                )
        for b in range(1, 21):
            await branch_store.add_branch(tx, f"直属第{b:02d}支部", "", now)
    first = await sim.say(ADMIN, "/branches")
    check(first, "tree_head", generals=40, units=300)
    pages = [label for label, _ in first[-1].buttons() if "/" in label]
    assert pages and pages[0].startswith("1/"), first[-1].buttons()
    total = int(pages[0].split("/")[1])
    assert total >= 10
    await sim.press(ADMIN, first[-1], "›")  # the next page, edited in place
    assert f"2/{total}" in [label for label, _ in first[-1].buttons()]
    assert "第0" in (first[-1].plain_text or "") and first[-1].edited
    assert all(len(m.text or "") <= 4096 for m in sim.double.messages)
    group = text_of(await sim.say_in_group(COORD_GROUP, ADMIN, "/branches"))
    assert len(group.splitlines()) <= 17  # one screen, then a button for the rest

    # A move: 直属第01支部 reports, then goes under 第01党总支 with its report.
    await join(sim, A, "直属一书记", "直属第01支部")
    await sim.say(A, "/report")
    await sim.say(A, "直属第01支部的报告")
    await join(sim, G1, "第01党总支书记", "第01党总支")
    assert "直属第01支部" not in text_of(await sim.say(G1, "/status"))
    out = await sim.say(ADMIN, "/movebranch 直属第01支部 第01党总支")
    check(out, "tree_moved", name="直属第01支部", after="第01党总支")
    status = await sim.say(G1, "/status 直属第01支部")
    check(status, "status_branch")  # its report came along
    assert "直属第01支部的报告" in text_of(status)
    check(await sim.say(ADMIN, "/movebranch 第01党总支 第01总支第1支部"), "tree_parent_not_general")
    check(await sim.say(ADMIN, "/movebranch 直属第01支部 工委"), "tree_moved")
    check(await sim.say(G1, "/status 直属第01支部"), "denied_outside")
