"""Bad input gets a clear answer or a safe silence; nothing crashes, nothing is stored."""

from __future__ import annotations

import pytest

from bot.services.base import Env
from bot.testing.sim import Sim
from storage import repo
from tests.conftest import ADMIN, COORD_GROUP
from tests.helpers import committee, invite_token, text_of

SEC = 501
STRANGER = 999


@pytest.fixture
async def ready(sim: Sim) -> Sim:
    await committee(sim, {"甲支部": SEC})
    sim.user(STRANGER, "路人")
    return sim


async def reports_count(env: Env) -> int:
    async with env.db.reading() as tx:
        return len(await repo.reports_for_month(tx, "2026-11"))


async def test_empty_too_long_and_sticker_reports_store_nothing(ready: Sim, env: Env) -> None:
    await ready.say(SEC, "/report")
    out = await ready.say(SEC, "字" * 2001)
    assert "2001字" in text_of(out) and "2000字" in text_of(out)
    out = await ready.feed(ready.factory.sticker(SEC))
    assert "表情" in text_of(out)
    out = await ready.say(SEC, "   ")
    assert "空" in text_of(out) or "/report" in text_of(out)
    assert await reports_count(env) == 0
    # The question is still pending: the next real text is the report.
    out = await ready.say(SEC, "正常的报告。")
    assert "已收到" in text_of(out)
    assert await reports_count(env) == 1


async def test_html_in_names_and_reports_is_escaped(ready: Sim) -> None:
    # The double rejects malformed HTML like Telegram: an unescaped name would fail to send.
    out = await ready.say(ADMIN, "/addbranch <b>坏&名</b>")
    assert "<b>坏&名</b>" in text_of(out)
    await ready.say(SEC, "/report")
    out = await ready.say(SEC, "<script>alert(1)</script> & 1<2")
    assert "已收到" in text_of(out)
    view = text_of(await ready.say(ADMIN, "/status 甲支部"))
    assert "<script>alert(1)</script> & 1<2" in view


async def test_long_report_view_is_split_under_the_limit(ready: Sim) -> None:
    await ready.say(SEC, "/report")
    await ready.say(SEC, "&<" * 1000)
    out = await ready.say(ADMIN, "/status 甲支部")
    assert all(len(m.plain_text or "") <= 4096 for m in out)


@pytest.mark.parametrize(
    ("command", "expect"),
    [
        ("/addbranch", "用法"),
        ("/renamebranch 甲支部", "用法"),
        ("/archivebranch 不存在支部", "没有找到"),
        ("/invite", "用法"),
        ("/invite 甲支部 boss", "不认识的身份"),
        ("/invite 甲支部 coordinator", "不属于某个支部"),
        ("/revoke abc", "用法"),
        ("/revoke 99999", "没有编号"),
        ("/exempt 甲支部", "用法"),
        ("/exempt 甲支部 2026-13 理由", "月份格式不对"),
        ("/unexempt 甲支部 2026-11", "并未设为免报"),
        ("/status 2030-01", "还没有开始"),
        ("/status 2026-13", "月份格式不对"),
        ("/circular 2030-01", "还没有开始"),
        ("/status 不存在", "没有找到"),
        ("/circular 2026/xx", "月份格式不对"),
        ("/addbranch " + "长" * 41, "太长"),
        ("/frobnicate", "未知命令"),
    ],
)
async def test_wrong_arguments_get_clear_answers(ready: Sim, command: str, expect: str) -> None:
    assert expect in text_of(await ready.say(ADMIN, command))


async def test_strangers_and_wrong_chats(ready: Sim) -> None:
    assert "邀请链接" in text_of(await ready.say(STRANGER, "/start"))
    assert "还没有绑定" in text_of(await ready.say(STRANGER, "/report"))
    assert "/report" in text_of(await ready.say(STRANGER, "随便说点什么"))
    # /report in a group: go private.
    out = await ready.say_in_group(COORD_GROUP, SEC, "/report")
    assert "私聊" in text_of(out)
    # Coordinator commands in a random group are refused there.
    out = await ready.say_in_group(-100777, ADMIN, "/status")
    assert "协调群或" in text_of(out)
    # Plain chatter in groups is ignored; unknown commands in groups too.
    assert await ready.say_in_group(COORD_GROUP, STRANGER, "大家好") == []
    assert await ready.say_in_group(COORD_GROUP, STRANGER, "/frobnicate") == []


async def test_edited_messages_and_channel_posts_are_ignored(ready: Sim, env: Env) -> None:
    await ready.say(SEC, "/report")
    original = ready.factory.private_text(SEC, "原文")
    await ready.feed(original)
    out = await ready.feed(ready.factory.edited_text(original["message"], "改过的"))
    assert "修改" in text_of(out)  # told how to revise; the edit itself changes nothing
    assert await ready.feed(ready.factory.channel_post(-100888, "/status")) == []
    async with env.db.reading() as tx:
        reports = await repo.reports_for_month(tx, "2026-11")
    assert [r.text for r in reports] == ["原文"]


async def test_forged_and_stale_buttons(ready: Sim) -> None:
    carrier = (await ready.say(SEC, "/help"))[-1]
    for data in ["garbage", "z1:nope:1", "z1:rev:abc", "z1:rev:999999", "z1:pick:", "z2:rev:1"]:
        before = len(ready.double.callback_answers)
        await ready.feed(ready.factory.callback(SEC, carrier, data, allow_forged=True))
        answers = ready.double.callback_answers[before:]
        assert answers, data
        assert any(
            ("失效" in str(a.get("text"))) or ("无法识别" in str(a.get("text"))) for a in answers
        ), (data, answers)


async def test_photo_before_text_is_kept_and_counted(ready: Sim, env: Env) -> None:
    out = await ready.feed(ready.factory.photo(SEC))
    assert "请再发送一段文字报告" in text_of(out)
    out = await ready.feed(ready.factory.document(SEC, file_name="记录.pdf"))
    assert "佐证材料" in text_of(out)
    await ready.say(SEC, "/report")
    await ready.say(SEC, "报告正文。")
    detail = text_of(await ready.say(ADMIN, "/status 甲支部"))
    assert "佐证材料2份" in detail


async def test_cancel_leaves_the_question(ready: Sim, env: Env) -> None:
    await ready.say(SEC, "/report")
    assert "已取消" in text_of(await ready.say(SEC, "/cancel"))
    assert "/report" in text_of(await ready.say(SEC, "这不是报告"))
    assert await reports_count(env) == 0
    assert "没有进行中" in text_of(await ready.say(SEC, "/cancel"))


async def test_destructive_commands_need_the_full_name(sim: Sim, env: Env) -> None:
    """QA #5: /archivebranch 一 archived 机关一支部 at once; names with spaces split wrongly."""
    for name in ("机关一支部", "机关二支部", "Party Branch A"):
        await sim.say(ADMIN, f"/addbranch {name}")
    out = text_of(await sim.say(ADMIN, "/archivebranch 一"))
    assert "完整的支部名称" in out and "机关一支部" in out
    out = text_of(await sim.say(ADMIN, "/renamebranch Party Branch A | 三支部"))
    assert "已将“Party Branch A”改名为 三支部" in out
    out = text_of(await sim.say(ADMIN, "/renamebranch Party 四支部"))
    assert "没有找到" in out
    await sim.say(ADMIN, "/addbranch Youth League Branch")
    out = text_of(await sim.say(ADMIN, "/exempt Youth League Branch 2026-11 暂停"))
    assert "Youth League Branch" in out and "暂停" in out
    out = text_of(await sim.say(ADMIN, "/unexempt Youth League Branch 2026-11"))
    assert "已取消" in out
    out = text_of(await sim.say(ADMIN, "/invite Youth League Branch"))
    assert "Youth League Branch 的书记邀请链接" in out
    assert "不认识的身份" in text_of(await sim.say(ADMIN, "/invite Youth League Brunch"))
    async with env.db.reading() as tx:
        names = sorted(b.name for b in await repo.list_branches(tx))
    assert names == ["Youth League Branch", "三支部", "机关一支部", "机关二支部"]


async def test_secretary_is_not_demoted_by_a_deputy_link(sim: Sim) -> None:
    """QA #6: the secretary tapping their branch's deputy link became its deputy."""
    await committee(sim, {"乙支部": 601})
    token = await invite_token(sim, "乙支部", "deputy")
    out = text_of(await sim.say(601, f"/start {token}"))
    assert "已是" in out and "书记" in out
    branches = text_of(await sim.say(ADMIN, "/branches"))
    assert "书记：乙支部书记" in branches
