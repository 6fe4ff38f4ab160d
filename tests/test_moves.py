"""A report under the wrong branch or month: withdrawn or moved, history kept, counts follow."""

from __future__ import annotations

from datetime import timedelta

from bot.calendar import Month
from bot.services.base import Env
from bot.services.fmt import month_label
from bot.testing.sim import Sim
from storage import branches, circulars, meta, reports
from storage import moves as move_store
from tests.catalog import check, key, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, invite_token, signed, text_of

SEC, OTHER = 901, 902
NOV = month_label("zh-Hans", Month(2026, 11))
DEC = month_label("zh-Hans", Month(2026, 12))


async def _branch_id(env: Env, name: str) -> int:
    async with env.db.reading() as tx:
        branch = await branches.find_branch(tx, name)
    assert branch is not None
    return branch.id


async def _report(env: Env, name: str, month: str = "2026-11") -> str | None:
    branch_id = await _branch_id(env, name)
    async with env.db.reading() as tx:
        report = await reports.get_report(tx, branch_id, month)
    return None if report is None else report.text


def answers_since(sim: Sim, before: int) -> list[str]:
    return [str(a.get("text")) for a in sim.double.callback_answers[before:]]


async def test_author_withdraws_before_the_circular_and_counts_follow(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    await sim.say(SEC, "/report")
    ack = (await sim.say(SEC, "误报的内容。"))[-1]
    check(await sim.say(ADMIN, "/status"), "status_line_on_time", name="甲支部")
    out = await sim.press(SEC, ack, label("move_btn_withdraw"))
    check(out, "withdraw_confirm", branch="甲支部", month=NOV)
    out = await sim.press(SEC, out[-1], label("withdraw_btn_confirm"))
    check(out, "report_withdrawn_done", branch="甲支部", month=NOV)
    assert await _report(env, "甲支部") is None
    status = await sim.say(ADMIN, "/status")
    check(status, "status_line_waiting", name="甲支部")
    check(status, "status_totals", on_time=0)
    async with env.db.reading() as tx:
        assert await reports.reported_branch_ids(tx, "2026-11") == set()
        rows = await tx.all("SELECT action, snapshot FROM report_moves")
        actions = [a.action for a in await meta.audit_log(tx)]
    assert [r["action"] for r in rows] == ["withdrawn"] and "误报的内容" in rows[0]["snapshot"]
    assert "report_withdrawn" in actions
    # The branch can report again; the new report is a first version.
    await sim.say(SEC, "/report")
    check(await sim.say(SEC, "正确的内容。"), "report_saved", branch="甲支部")


async def test_author_moves_a_report_to_the_right_branch(sim: Sim, env: Env) -> None:
    await committee(sim, {"东支部": SEC})
    await sim.say(ADMIN, "/addbranch 西支部")
    await sim.say(SEC, f"/start {await invite_token(sim, '西支部')}")
    await sim.say(SEC, "/report")
    out = await sim.press(SEC, (await sim.say(SEC, "/report"))[-1], "东支部")
    ack = (await sim.say(SEC, "其实是西支部的报告。"))[-1]
    await sim.feed(sim.factory.photo(SEC, caption=None, reply_to=None))
    out = await sim.press(SEC, ack, label("move_btn_move"))
    check(out, "move_choose", branch="东支部", month=NOV)
    out = await sim.press(SEC, out[-1], label("move_btn_target", branch="西支部", month=NOV))
    check(out, "report_moved_done", branch="东支部", to_branch="西支部", to_month=NOV)
    assert await _report(env, "东支部") is None
    assert await _report(env, "西支部") == "其实是西支部的报告。"
    status = await sim.say(ADMIN, "/status")
    check(status, "status_line_on_time", name="西支部")
    check(status, "status_line_waiting", name="东支部")
    # The view keeps where it came from.
    history = await sim.say(SEC, "/myreports")
    out = await sim.press(SEC, history[-1], f"西支部 · {NOV}")
    check(out, "report_view_moved", branch="东支部", month=NOV)


async def test_author_moves_a_report_to_last_month_and_it_becomes_late(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    await sim.advance_to(at(2026, 12, 2, 10), step=timedelta(days=1))
    await sim.say(SEC, "/report")
    out = await sim.press(SEC, sim.double.last_to(SEC), label("report_btn_current", month=DEC))
    ack = (await sim.say(SEC, "这是十一月的工作。"))[-1]
    out = await sim.press(SEC, ack, label("move_btn_move"))
    out = await sim.press(SEC, out[-1], label("move_btn_target", branch="甲支部", month=NOV))
    check(out, "report_moved_done", to_month=NOV)
    branch_id = await _branch_id(env, "甲支部")
    async with env.db.reading() as tx:
        nov = await reports.get_report(tx, branch_id, "2026-11")
    assert nov is not None and nov.late and await _report(env, "甲支部", "2026-12") is None


async def test_after_the_circular_only_a_coordinator_with_a_reason(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC, "乙支部": OTHER})
    await sim.say(SEC, "/report")
    ack = (await sim.say(SEC, "十一月报告。"))[-1]
    await sim.advance_to(at(2026, 11, 27, 10), step=timedelta(hours=12))
    async with env.db.reading() as tx:
        circular = await circulars.get_circular(tx, "2026-11")
    assert circular is not None and circular.posted_at is not None
    before = len(sim.double.callback_answers)
    await sim.press(SEC, ack, label("move_btn_withdraw"))
    assert matches(answers_since(sim, before), "move_after_circular", month=NOV)
    assert await _report(env, "甲支部") == "十一月报告。"

    detail = await sim.say(ADMIN, "/status 甲支部")
    out = await sim.press(ADMIN, detail[-1], label("move_btn_withdraw"))
    check(out, "move_ask_reason_withdraw", branch="甲支部", month=NOV)
    out = await sim.say(ADMIN, "重复报送，经核实撤回")
    check(out, "report_withdrawn_done", branch="甲支部", reason=key("move_reason_part"))
    check(sim.double.last_to(SEC), "report_withdrawn_notice", branch="甲支部", month=NOV)
    assert await _report(env, "甲支部") is None
    status = await sim.say(ADMIN, "/status 2026-11")
    check(status, "status_line_missing", name="甲支部")
    async with env.db.reading() as tx:
        rows = await tx.all("SELECT reason, actor_id FROM report_moves")
    assert [(r["reason"], r["actor_id"]) for r in rows] == [("重复报送，经核实撤回", ADMIN)]


async def test_coordinator_moves_with_the_reason_typed_next(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC, "乙支部": OTHER})
    await sim.say(SEC, "/report")
    await sim.say(SEC, "其实是乙支部的报告。")
    detail = await sim.say(ADMIN, "/status 甲支部")
    out = await sim.press(ADMIN, detail[-1], label("move_btn_move"))
    out = await sim.press(ADMIN, out[-1], label("move_btn_target", branch="乙支部", month=NOV))
    check(out, "move_ask_reason_move", branch="甲支部", to_branch="乙支部")
    assert await _report(env, "甲支部") is not None  # nothing moves before the reason
    out = await sim.say(ADMIN, "报错支部")
    check(out, "report_moved_done", branch="甲支部", to_branch="乙支部")
    check(sim.double.last_to(SEC), "report_moved_notice", branch="甲支部", to_branch="乙支部")
    assert await _report(env, "乙支部") == "其实是乙支部的报告。"
    branch_id = await _branch_id(env, "乙支部")
    async with env.db.reading() as tx:
        report = await reports.get_report(tx, branch_id, "2026-11")
        assert report is not None
        moved = await move_store.history(tx, report.id)
    assert [(m.action, m.reason) for m in moved] == [("moved", "报错支部")]


async def test_forged_move_buttons_are_refused(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC, "乙支部": OTHER})
    await sim.say(SEC, "/report")
    ack = (await sim.say(SEC, "报告。"))[-1]
    branch_id = await _branch_id(env, "甲支部")
    async with env.db.reading() as tx:
        report = await reports.get_report(tx, branch_id, "2026-11")
    assert report is not None
    other = await _branch_id(env, "乙支部")
    for data, expected in [
        (f"z1:mvto:{report.id}:{other}:2026-11", "denied_branch"),  # not the author's branch
        (f"z1:wd:{report.id}", "move_denied"),  # not the author
        (f"z1:wdok:{report.id}", "move_denied"),
    ]:
        who = SEC if "mvto" in data else OTHER
        carrier = ack if who == SEC else (await sim.say(OTHER, "/help"))[-1]
        before = len(sim.double.callback_answers)
        forged = await signed(sim, data)  # replayed as if the bot had made it: role checks
        await sim.feed(sim.factory.callback(who, carrier, forged, allow_forged=True))
        assert matches(answers_since(sim, before), expected), (data, answers_since(sim, before))
    assert await _report(env, "甲支部") == "报告。" and await _report(env, "乙支部") is None
    text_of([])


async def test_coordinator_in_the_group_replies_with_the_reason(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    await sim.say(SEC, "/report")
    await sim.say(SEC, "报告。")
    detail = await sim.say_in_group(COORD_GROUP, ADMIN, "/status 甲支部")
    out = await sim.press(ADMIN, detail[-1], label("move_btn_withdraw"))
    check(out, "move_ask_reason_withdraw", branch="甲支部")
    out = await sim.say_in_group(COORD_GROUP, ADMIN, "支部已撤销合并", reply_to=out[-1])
    check(out, "report_withdrawn_done", branch="甲支部")
    assert await _report(env, "甲支部") is None
