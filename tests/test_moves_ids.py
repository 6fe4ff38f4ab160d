"""A withdrawn report's id is never reused: the branch's next report gets a new one, so a
stale withdraw question, button or history bound to the old id cannot reach it."""

from __future__ import annotations

from bot.services.base import Env
from bot.testing.sim import Sim
from storage import branches, reports
from storage import moves as move_store
from tests.catalog import label
from tests.conftest import ADMIN
from tests.helpers import committee

SEC = 901


async def _report(env: Env, name: str, month: str = "2026-11"):
    async with env.db.reading() as tx:
        branch = await branches.find_branch(tx, name)
        assert branch is not None
        return await reports.get_report(tx, branch.id, month)


async def test_new_report_after_withdraw_inherits_old_history(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    await sim.say(SEC, "/report")
    ack = (await sim.say(SEC, "误报的内容。"))[-1]
    old = await _report(env, "甲支部")
    out = await sim.press(SEC, ack, label("move_btn_withdraw"))
    await sim.press(SEC, out[-1], label("withdraw_btn_confirm"))
    await sim.say(SEC, "/report")
    await sim.say(SEC, "正确的内容。")
    new = await _report(env, "甲支部")
    assert old is not None and new is not None
    async with env.db.reading() as tx:
        history = await move_store.history(tx, new.id)
    # A fresh report has no moves; it must not show the old report's withdrawal.
    assert history == [], (old.id, new.id, [m.action for m in history])


async def test_stale_coordinator_withdraw_hits_the_resubmitted_report(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    await sim.say(SEC, "/report")
    ack = (await sim.say(SEC, "误报的内容。"))[-1]
    # The coordinator asks to withdraw the (wrong) report: a reason is asked for.
    detail = await sim.say(ADMIN, "/status 甲支部")
    await sim.press(ADMIN, detail[-1], label("move_btn_withdraw"))
    # Meanwhile the author withdraws it and files the correct report.
    out = await sim.press(SEC, ack, label("move_btn_withdraw"))
    await sim.press(SEC, out[-1], label("withdraw_btn_confirm"))
    await sim.say(SEC, "/report")
    await sim.say(SEC, "正确的内容。")
    # The coordinator now types the reason for the old report.
    await sim.say(ADMIN, "重复报送")
    current = await _report(env, "甲支部")
    assert current is not None and current.text == "正确的内容。", "the new report was withdrawn"
