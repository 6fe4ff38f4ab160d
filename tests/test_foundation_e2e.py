"""The foundation, end to end, as its users would try it."""

from __future__ import annotations

from datetime import timedelta

from bot.services.base import Env
from bot.testing.sim import Sim
from storage import repo
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import invite_token, text_of

S1, S2 = 401, 402


async def test_three_branches_two_secretaries_report_revise_status(sim: Sim, env: Env) -> None:
    await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup")
    for name in ("一支部", "二支部", "三支部"):
        assert "已添加支部" in text_of(await sim.say(ADMIN, f"/addbranch {name}"))
    sim.user(S1, "王一")
    sim.user(S2, "李二")
    t1 = await invite_token(sim, "一支部")
    t2 = await invite_token(sim, "二支部")
    assert "一支部" in text_of(await sim.say(S1, f"/start {t1}"))
    assert "二支部" in text_of(await sim.say(S2, f"/start {t2}"))

    # S1 reports with /report.
    prompt = await sim.say(S1, "/report")
    assert "一支部" in text_of(prompt) and "11月25日" in text_of(prompt)
    ack = await sim.say(S1, "召开支部大会一次，学习全会精神。")
    assert "一支部" in text_of(ack) and "按时" in text_of(ack) and "16字" in text_of(ack)

    # S2 is reminded on the 20th and replies to the reminder with a photo and caption.
    await sim.advance_to(at(2026, 11, 20, 9))
    reminder = sim.double.last_to(S2)
    assert "二支部" in (reminder.plain_text or "")
    out = await sim.feed(sim.factory.photo(S2, caption="开展主题党日。", reply_to=reminder))
    assert "二支部" in text_of(out) and "按时" in text_of(out)

    # S1 revises through the button under the acknowledgement.
    await sim.press(S1, ack[-1], "修改")
    out = await sim.say(S1, "召开支部大会一次，学习全会精神，并开展志愿服务。")
    assert "第2稿" in text_of(out)

    out = await sim.say(ADMIN, "/status")
    status = text_of(out)
    assert "应报 3 · 按时 2 · 迟报 0 · 待报 1" in status
    assert "无书记 1" in status
    assert "✅ 一支部" in status and "✅ 二支部" in status and "⏳ 三支部" in status

    detail = text_of(await sim.say(ADMIN, "/status 二支部"))
    assert "佐证材料1份" in detail and "开展主题党日" in detail
    detail = text_of(await sim.say(ADMIN, "/status 一支部"))
    assert "第2稿" in detail and "志愿服务" in detail

    async with env.db.reading() as tx:
        b1 = await repo.find_branch(tx, "一支部")
        assert b1 is not None
        report = await repo.get_report(tx, b1.id, "2026-11")
        assert report is not None
        revisions = await repo.revisions(tx, report.id)
    assert [r.text for r in revisions] == [
        "召开支部大会一次，学习全会精神。",
        "召开支部大会一次，学习全会精神，并开展志愿服务。",
    ]

    # A third secretary joins late and reports after the due day: late.
    t3 = await invite_token(sim, "三支部")
    sim.user(403, "张三")
    await sim.say(403, f"/start {t3}")
    await sim.advance_to(at(2026, 11, 26, 15))
    await sim.say(403, "/report")
    out = await sim.say(403, "补报本月工作。")
    assert "迟报" in text_of(out)
    status = text_of(await sim.say(ADMIN, "/status"))
    assert "按时 2 · 迟报 1 · 未报 0" in status and "🕘 三支部" in status


async def test_secretary_of_two_branches_picks_with_a_button(sim: Sim) -> None:
    for name in ("东支部", "西支部"):
        await sim.say(ADMIN, f"/addbranch {name}")
    sim.user(S1, "王一")
    for name in ("东支部", "西支部"):
        await sim.say(S1, f"/start {await invite_token(sim, name)}")
    out = await sim.say(S1, "/report")
    assert "请选择" in text_of(out)
    out = await sim.press(S1, out[-1], "西支部")
    assert "西支部" in text_of(out)
    out = await sim.say(S1, "西支部的报告")
    assert "西支部" in text_of(out)
    history = text_of(await sim.say(S1, "/myreports"))
    assert "东支部 还没有报送记录" in history and "2026年11月 · 按时" in history


async def test_handover_tells_both_and_is_audited(sim: Sim, env: Env) -> None:
    await sim.say(ADMIN, "/addbranch 南支部")
    sim.user(S1, "老书记")
    await sim.say(S1, f"/start {await invite_token(sim, '南支部')}")
    sim.user(S2, "新书记")
    out = await sim.say(S2, f"/start {await invite_token(sim, '南支部')}")
    assert "接任" in text_of(out) and "老书记" in text_of(out)
    assert "新书记 已接任" in (sim.double.last_to(S1).plain_text or "")
    async with env.db.reading() as tx:
        actions = [a.action for a in await repo.audit_log(tx)]
    assert "secretary_replaced" in actions and "secretary_bound" in actions
    # The old secretary can no longer report for the branch.
    assert "还没有绑定" in text_of(await sim.say(S1, "/report"))


async def test_invite_links_single_use_expiry_and_revocation(sim: Sim) -> None:
    await sim.say(ADMIN, "/addbranch 北支部")
    token = await invite_token(sim, "北支部")
    assert len(token) >= 22  # 128 bits in URL-safe base64
    sim.user(S1, "甲")
    sim.user(S2, "乙")
    await sim.say(S1, f"/start {token}")
    assert "已被使用" in text_of(await sim.say(S2, f"/start {token}"))
    assert "无需重复" in text_of(await sim.say(S1, f"/start {token}"))
    assert "无效" in text_of(await sim.say(S2, "/start forged-token-000000000"))
    revoked = await invite_token(sim, "北支部")
    listing = text_of(await sim.say(ADMIN, "/invites"))
    invite_id = listing.split("#")[1].split()[0]
    assert "已作废" in text_of(await sim.say(ADMIN, f"/revoke {invite_id}"))
    assert "作废" in text_of(await sim.say(S2, f"/start {revoked}"))
    expiring = await invite_token(sim, "北支部")
    await sim.advance_to(at(2026, 11, 9, 10, 1), step=timedelta(days=1))
    assert "过期" in text_of(await sim.say(S2, f"/start {expiring}"))


async def test_group_migration_keeps_the_coordination_chat(sim: Sim, env: Env) -> None:
    old = -4001
    sim.group(old, "小群")
    await sim.say_in_group(old, ADMIN, "/bindgroup")
    new = -1009999999999
    sim.double.migrate(old, new)
    await sim.feed(sim.factory.migrate_message(old, new, ADMIN))
    out = await sim.say_in_group(new, ADMIN, "/status")
    assert "报送情况" in text_of(out)


async def test_report_early_next_month_offers_the_missing_month(sim: Sim, env: Env) -> None:
    await sim.say(ADMIN, "/addbranch 中支部")
    sim.user(S1, "王一")
    await sim.say(S1, f"/start {await invite_token(sim, '中支部')}")
    await sim.advance_to(at(2026, 12, 2, 10), step=timedelta(days=1))
    out = await sim.say(S1, "/report")
    assert "2026年11月的报告还没有报送" in text_of(out)
    out = await sim.press(S1, out[-1], "补报2026年11月")
    assert "2026年11月" in text_of(out) and "迟报" in text_of(out)
    out = await sim.say(S1, "十一月的补报。")
    assert "2026年11月" in text_of(out) and "迟报" in text_of(out)
    # Now November is in: /report goes straight to December.
    out = await sim.say(S1, "/report")
    assert "2026年12月的工作情况报告" in text_of(out)
    # A forged month outside (previous, current) is refused.
    carrier = (await sim.say(S1, "/help"))[-1]
    async with env.db.reading() as tx:
        branch = await repo.find_branch(tx, "中支部")
    assert branch is not None
    update = sim.factory.callback(S1, carrier, f"z1:pick:{branch.id}:2026-01", allow_forged=True)
    before = len(sim.double.callback_answers)
    await sim.feed(update)
    assert "失效" in str(sim.double.callback_answers[before:])


async def test_text_typed_before_choosing_the_month_is_kept(sim: Sim, env: Env) -> None:
    """QA #1: after "which month?", a typed report was dropped and /report looped."""
    await sim.say(ADMIN, "/addbranch 西支部")
    sim.user(S1, "王一")
    await sim.say(S1, f"/start {await invite_token(sim, '西支部')}")
    await sim.advance_to(at(2026, 12, 2, 10), step=timedelta(days=1))
    await sim.say(S1, "/report")
    out = await sim.say(S1, "十二月工作情况：学习。")
    assert "哪个月" in text_of(out)  # asked again, with the buttons; the text is held
    out = await sim.press(S1, out[-1], "报送2026年12月")
    assert "已收到" in text_of(out) and "2026年12月" in text_of(out)
    async with env.db.reading() as tx:
        branch = await repo.find_branch(tx, "西支部")
        assert branch is not None
        report = await repo.get_report(tx, branch.id, "2026-12")
    assert report is not None and report.text == "十二月工作情况：学习。"


async def test_a_stale_question_lapses(sim: Sim, env: Env) -> None:
    """QA #2: a /report left open in October made November's text October's revision."""
    await sim.say(ADMIN, "/addbranch 东支部")
    sim.user(S1, "王一")
    await sim.say(S1, f"/start {await invite_token(sim, '东支部')}")
    await sim.say(S1, "/report")
    await sim.say(S1, "十一月报告。")
    ack = (await sim.say(S1, "/myreports"))[-1]
    assert "2026年11月" in (ack.plain_text or "")
    await sim.say(S1, "/report")  # asks for a revision, never answered
    await sim.advance_to(at(2026, 11, 3, 10), step=timedelta(hours=6))
    out = await sim.say(S1, "这是新的一段话。")
    assert "/report" in text_of(out)  # a hint, not a silent revision
    async with env.db.reading() as tx:
        branch = await repo.find_branch(tx, "东支部")
        assert branch is not None
        report = await repo.get_report(tx, branch.id, "2026-11")
    assert report is not None and report.revisions == 1


async def _owing_secretary(sim: Sim, name: str) -> None:
    await sim.say(ADMIN, f"/addbranch {name}")
    sim.user(S2, "李二")
    await sim.say(S2, f"/start {await invite_token(sim, name)}")
    await sim.advance_to(at(2026, 12, 2, 10), step=timedelta(days=1))


async def test_a_report_typed_in_parts_before_the_month_is_kept_whole(sim: Sim, env: Env) -> None:
    """QA2 B2/B3/P1: parts appended, each one keeps the question alive, the reply says so."""
    await _owing_secretary(sim, "南支部")
    await sim.say(S2, "/report")
    out = await sim.say(S2, "第一部分：学习。")
    assert "已收到你的文字" in text_of(out) and "暂未保存" in text_of(out)
    sim.clock.set(sim.clock() + timedelta(hours=11))
    await sim.say(S2, "第二部分：组织生活会。")
    sim.clock.set(sim.clock() + timedelta(hours=11))  # 22 h after /report, 11 h after typing
    out = await sim.press(S2, sim.double.last_to(S2), "补报2026年11月")
    assert "已收到" in text_of(out) and "迟报" in text_of(out)
    async with env.db.reading() as tx:
        branch = await repo.find_branch(tx, "南支部")
        assert branch is not None
        report = await repo.get_report(tx, branch.id, "2026-11")
    assert report is not None and report.text == "第一部分：学习。\n第二部分：组织生活会。"


async def test_a_photo_while_asked_which_month_is_not_filed_anywhere(sim: Sim, env: Env) -> None:
    """QA2 B1/B5: the photo's month is unknown: ask first, store nothing, keep the held text."""
    await _owing_secretary(sim, "北支部")
    await sim.say(S2, "/report")
    await sim.say(S2, "十一月的报告。")
    out = await sim.feed(sim.factory.photo(S2, caption="这是照片说明"))
    assert "请先选择月份" in text_of(out)
    await sim.press(S2, sim.double.last_to(S2), "补报2026年11月")
    async with env.db.reading() as tx:
        branch = await repo.find_branch(tx, "北支部")
        assert branch is not None
        nov = await repo.get_report(tx, branch.id, "2026-11")
        dec = await repo.get_report(tx, branch.id, "2026-12")
        files = await repo.attachments(tx, branch.id, "2026-12")
    assert nov is not None and nov.text == "十一月的报告。"
    assert dec is None and files == []
