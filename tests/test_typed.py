"""Nothing a secretary types is thrown away: text typed straight in is held and asked about."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.calendar import Month
from bot.services.base import Env
from bot.services.fmt import month_label
from bot.testing.botapi_double import BotApiDouble
from bot.testing.sim import Sim
from storage import branches, reports
from storage.db import Database
from tests.catalog import check, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at, make_settings
from tests.helpers import committee, invite_token, signed, text_of

SEC = 501
NOV = month_label("zh-Hans", Month(2026, 11))
OCT = month_label("zh-Hans", Month(2026, 10))


async def _report(env: Env, name: str, month: str = "2026-11") -> str | None:
    async with env.db.reading() as tx:
        branch = await branches.find_branch(tx, name)
        assert branch is not None
        report = await reports.get_report(tx, branch.id, month)
    return None if report is None else report.text


async def test_typed_text_is_held_appended_and_filed_on_tap(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    out = await sim.say(SEC, "本月召开支部大会一次。")
    check(out, "typed_held", chars=11)
    assert await _report(env, "甲支部") is None  # never filed without the tap
    out = await sim.say(SEC, "开展主题党日活动。")
    check(out, "typed_held_more", chars=21)  # appended, the same question asked again
    assert not matches(out, "typed_held")
    out = await sim.press(SEC, out[-1], label("typed_btn_submit", branch="甲支部", month=NOV))
    check(out, "report_saved", branch="甲支部", month=NOV)
    assert await _report(env, "甲支部") == "本月召开支部大会一次。\n开展主题党日活动。"


async def test_not_a_report_drops_the_text(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    out = await sim.say(SEC, "你好，在吗？")
    check(out, "typed_held")
    out = await sim.press(SEC, out[-1], label("typed_btn_not_report"))
    check(out, "typed_discarded")
    assert await _report(env, "甲支部") is None
    # The button again (an old message): nothing is held any more.
    out = await sim.say(SEC, "/report")
    check(out, "report_ask", branch="甲支部")


async def test_two_branches_one_button_each(sim: Sim, env: Env) -> None:
    await committee(sim, {"东支部": SEC})
    await sim.say(ADMIN, "/addbranch 西支部")
    await sim.say(SEC, f"/start {await invite_token(sim, '西支部')}")
    out = await sim.say(SEC, "西支部本月学习两次。")
    east = label("typed_btn_submit", branch="东支部", month=NOV)
    west = label("typed_btn_submit", branch="西支部", month=NOV)
    labels = [b for b, _ in out[-1].buttons()]
    assert east in labels and west in labels and label("typed_btn_not_report") in labels
    await sim.press(SEC, out[-1], west)
    assert await _report(env, "西支部") == "西支部本月学习两次。"
    assert await _report(env, "东支部") is None


async def test_report_command_while_text_is_held_asks_about_the_text(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    await sim.say(SEC, "一段文字。")
    out = await sim.say(SEC, "/report")
    check(out, "typed_held_more", chars=5)  # the held text is not overwritten by /report
    await sim.press(SEC, out[-1], label("typed_btn_submit", branch="甲支部", month=NOV))
    assert await _report(env, "甲支部") == "一段文字。"


async def test_held_text_lapses_after_12_hours(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    question = (await sim.say(SEC, "一段文字。"))[-1]
    sim.clock.set(sim.clock() + timedelta(hours=13))
    before = len(sim.double.callback_answers)
    await sim.press(SEC, question, label("typed_btn_submit", branch="甲支部", month=NOV))
    answers = [str(a.get("text")) for a in sim.double.callback_answers[before:]]
    assert matches(answers, "typed_gone"), answers
    assert await _report(env, "甲支部") is None


async def test_a_forged_button_for_another_branch_is_refused(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC, "乙支部": None})
    question = (await sim.say(SEC, "一段文字。"))[-1]
    async with env.db.reading() as tx:
        other = await branches.find_branch(tx, "乙支部")
    assert other is not None
    before = len(sim.double.callback_answers)
    data = await signed(sim, f"z1:typed:{other.id}:2026-11")
    forged = sim.factory.callback(SEC, question, data, allow_forged=True)
    await sim.feed(forged)
    answers = [str(a.get("text")) for a in sim.double.callback_answers[before:]]
    assert matches(answers, "denied_branch"), answers
    data = await signed(sim, "z1:typed:1:2025-01")
    forged = sim.factory.callback(SEC, question, data, allow_forged=True)
    await sim.feed(forged)
    assert await _report(env, "乙支部") is None and await _report(env, "甲支部") is None


async def test_held_text_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = Env(db=await Database.open(path), cfg=make_settings(db=str(path)))
    async with Sim(env, at(2026, 11, 2, 10), double=double) as sim:
        sim.user(ADMIN, "管理员")
        sim.group(COORD_GROUP, "协调群")
        await committee(sim, {"甲支部": SEC})
        question = (await sim.say(SEC, "重启前打的字。"))[-1]
        stopped = sim.clock()
    await env.db.close()
    env = Env(db=await Database.open(path), cfg=make_settings(db=str(path)))
    async with Sim(env, stopped + timedelta(minutes=5), double=double) as sim:
        out = await sim.press(SEC, question, label("typed_btn_submit", branch="甲支部", month=NOV))
        check(out, "report_saved", branch="甲支部")
    assert await _report(env, "甲支部") == "重启前打的字。", text_of(out)
    await env.db.close()
