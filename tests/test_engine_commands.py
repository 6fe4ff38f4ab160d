"""/remind, /circular, /exempt, /schedule, and what the circular says across months."""

from __future__ import annotations

from datetime import timedelta

from bot.testing.sim import Sim
from handlers.menus import set_default_menus
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, invite_token, text_of

A, B, C = 901, 902, 903


def circulars(sim: Sim, month: str) -> list[str]:
    return [
        m.plain_text or ""
        for m in sim.double.sent_to(COORD_GROUP)
        if f"关于{month}" in (m.plain_text or "")
    ]


async def remind_all(sim: Sim) -> str:
    """/remind, then its confirmation button when it offers one."""
    out = await sim.say(ADMIN, "/remind")
    if out and out[-1].buttons():
        out += await sim.press(ADMIN, out[-1], "确认提醒")
    return text_of(out)


async def test_remind_at_most_once_an_hour(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B, "丙支部": None})
    await sim.say(A, "/report")
    await sim.say(A, "已报")
    out = await remind_all(sim)
    assert "已提醒 1 个支部：乙支部" in out and "丙支部" in out
    assert "协调人提醒" in (sim.double.last_to(B).plain_text or "")
    n = len(sim.double.sent_to(B))
    sim.clock.set(sim.clock() + timedelta(minutes=30))
    out = await remind_all(sim)
    assert "一小时内已提醒过" in out and len(sim.double.sent_to(B)) == n
    sim.clock.set(sim.clock() + timedelta(minutes=31))
    await remind_all(sim)
    assert len(sim.double.sent_to(B)) == n + 1
    # A reply to the nudge is a report.
    out = await sim.say(B, "收到，这是报告。", reply_to=sim.double.last_to(B))
    assert "乙支部" in text_of(out) and "按时" in text_of(out)
    assert "所有支部都已报送" in text_of(
        await sim.say(ADMIN, "/exempt 丙支部 2026-11 撤并中")
    ) + await remind_all(sim)


async def test_circular_post_now_is_not_posted_again(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    preview = text_of(await sim.say(ADMIN, "/circular"))
    assert "通报预览" in preview and "未报送的支部（1个）" in preview
    assert circulars(sim, "2026年11月") == []
    await sim.advance_to(at(2026, 11, 25, 23))
    assert "截止日（11月25日）还没有过" in text_of(await sim.say(ADMIN, "/circular post"))
    await sim.advance_to(at(2026, 11, 26, 8))
    assert "排入发送队列" in text_of(await sim.say(ADMIN, "/circular post"))
    assert len(circulars(sim, "2026年11月")) == 1
    assert "已经发布过" in text_of(await sim.say(ADMIN, "/circular post"))
    await sim.advance_to(at(2026, 11, 27, 12))
    assert len(circulars(sim, "2026年11月")) == 1


async def test_exempt_branch_not_reminded_nor_missing(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B})
    out = text_of(await sim.say(ADMIN, "/exempt 乙支部 2026-11 换届选举"))
    assert "免报" in out and "换届选举" in out
    await sim.advance_to(at(2026, 11, 26, 10))
    assert not any("⏰" in (m.plain_text or "") for m in sim.double.sent_to(B))
    status = text_of(await sim.say(ADMIN, "/status"))
    assert "应报 1" in status and "免报 1" in status and "⚪ 乙支部 — 免报：换届选举" in status
    text = circulars(sim, "2026年11月")[0]
    assert "免报的支部（1个）" in text and "乙支部（换届选举）" in text
    assert "/unexempt" not in text


async def test_makeups_runs_of_misses_and_highlights(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B, "丙支部": C})
    await sim.say(A, "/report")
    await sim.say(A, "甲支部十一月：开展“四下基层”调研，解决群众急难愁盼问题5件。")
    status = await sim.say(ADMIN, "/status 甲支部")
    await sim.press(ADMIN, status[-1], "亮点")
    await sim.advance_to(at(2026, 11, 26, 10))
    nov = circulars(sim, "2026年11月")[0]
    assert "工作亮点" in nov and "四下基层" in nov
    # B reports November after the circular: a 补报 in December's circular.
    await sim.advance_to(at(2026, 11, 28, 10))
    await sim.say(B, "/report")
    await sim.say(B, "十一月补报。")
    await sim.advance_to(at(2026, 12, 1, 10))
    for uid in (A, B):
        await sim.say(uid, "/report")
        await sim.say(uid, "十二月报告。")
    await sim.advance_to(at(2026, 12, 26, 10), step=timedelta(hours=6))
    dec = circulars(sim, "2026年12月")[0]
    assert "补报情况（1个）" in dec and "乙支部（2026年11月，11月28日补报）" in dec
    assert "丙支部（连续2个月）" in dec
    assert "按时报送的支部（2个）" in dec


async def test_digest_without_a_group_goes_to_coordinators(sim: Sim) -> None:
    await committee(sim, {"甲支部": A}, bind_group=False)
    coordinator = 950
    token = await invite_token(sim, "coordinator")
    sim.user(coordinator, "协调人")
    await sim.say(coordinator, f"/start {token}")
    schedule = text_of(await sim.say(coordinator, "/schedule"))
    assert "尚未绑定协调群" in schedule
    await sim.advance_to(at(2026, 11, 26, 10))
    assert "截止未报汇总" in (sim.double.last_to(coordinator).plain_text or "")
    assert "尚未绑定协调群" in text_of(await sim.say(coordinator, "/circular post"))
    # Once a group is bound, the kept circular goes out.
    await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup")
    await sim.advance_to(at(2026, 11, 26, 11))
    assert len(circulars(sim, "2026年11月")) == 1


async def test_help_lists_only_the_callers_commands_and_menus_are_scoped(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    sim.user(999, "路人")
    stranger = text_of(await sim.say(999, "/help"))
    secretary = text_of(await sim.say(A, "/help"))
    admin = text_of(await sim.say(ADMIN, "/help"))
    assert "/report" not in stranger and "/status" not in stranger
    assert "/report" in secretary and "/status" not in secretary
    assert "/status" in admin and "/bindgroup" in admin
    await set_default_menus(sim.app.bot, sim.env)
    scopes = {key[0] for key in sim.double.commands}
    assert any("all_private_chats" in s for s in scopes)
    assert any(str(COORD_GROUP) in s for s in scopes)
    assert any(f'"chat_id": {ADMIN}' in s or f'"chat_id":{ADMIN}' in s for s in scopes)


async def test_language_switch(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    out = await sim.say(A, "/lang")
    out = await sim.press(A, out[-1], "English")
    assert "English" in text_of(out)
    assert "/report" in text_of(await sim.say(A, "/help"))
    assert "report" in text_of(await sim.say(A, "/report")).lower()
    # Telegram's app language never switches it: the committee's language holds.
    sim.user(960, "陳", language_code="zh-hant")
    assert "邀请" in text_of(await sim.say(960, "/start"))


async def test_english_app_still_gets_the_committee_language_and_groups_stay_chinese(
    sim: Sim,
) -> None:
    from tests.catalog import check

    await committee(sim, {"甲支部": A})
    sim.user(961, "Li", language_code="en")
    out = await sim.say(961, "/start")
    check(out[-1], "start_stranger", lang="zh-Hans")
    # An admin who chose English still gets the committee's language in the group.
    out = await sim.say(ADMIN, "/lang")
    await sim.press(ADMIN, out[-1], "English")
    out = await sim.say_in_group(COORD_GROUP, ADMIN, "/status")
    check(out, "status_head", lang="zh-Hans")
    out = await sim.say(ADMIN, "/status")
    check(out, "status_head", lang="en")


async def test_circular_is_followed_by_its_chart_and_document(sim: Sim) -> None:
    import io

    import docx

    await committee(sim, {"甲支部": A, "乙支部": B})
    await sim.say(A, "/report")
    await sim.say(A, "已报")
    await sim.advance_to(at(2026, 11, 26, 10))
    group = sim.double.sent_to(COORD_GROUP)
    kinds = [m.kind for m in group if m.date == at(2026, 11, 26, 9)]
    assert kinds[-3:] == ["text", "photo", "document"]  # circular text, then chart, then .docx
    photo, document = group[-2], group[-1]
    assert photo.file_bytes and photo.file_bytes.startswith(b"\x89PNG")
    assert document.file_name and document.file_name.endswith(".docx")
    body = "\n".join(
        p.text for p in docx.Document(io.BytesIO(document.file_bytes or b"")).paragraphs
    )
    assert "关于2026年11月党建工作进展情况的通报" in body and "测试县委直属机关工委" in body
    # Restarts and further ticks never send them again.
    await sim.advance_to(at(2026, 11, 28, 10))
    assert sum(m.kind == "document" for m in sim.double.sent_to(COORD_GROUP)) == 1


async def test_looking_at_a_past_month_creates_nothing(sim: Sim) -> None:
    from storage import repo

    await committee(sim, {"甲支部": A})
    assert "报送情况" in text_of(await sim.say(ADMIN, "/status 2025-03"))
    assert "通报预览" in text_of(await sim.say(ADMIN, "/circular 2025-03"))
    assert "尚未运行" in text_of(await sim.say(ADMIN, "/circular post 2025-03"))
    await sim.say(ADMIN, "/exempt 甲支部 2025-04 试点")
    async with sim.env.db.reading() as tx:
        months = [c.month for c in await repo.list_cycles(tx)]
    assert "2025-03" not in months and "2025-04" not in months


async def test_names_with_markup_characters_read_as_written_in_the_circular(sim: Sim) -> None:
    """QA #4: names were escaped twice in the 连续未报 and 补报 lists."""
    await committee(sim, {"二支部&工会": A, "<三>支部": B})
    await sim.advance_to(at(2026, 11, 28, 10), step=timedelta(hours=12))
    await sim.say(A, "/report")
    await sim.say(A, "十一月补报。")
    await sim.advance_to(at(2026, 12, 26, 10), step=timedelta(hours=12))
    dec = circulars(sim, "2026年12月")[0]
    assert "<三>支部（连续2个月）" in dec
    assert "二支部&工会（2026年11月，11月28日补报）" in dec
    assert "&amp;" not in dec and "&lt;" not in dec


async def test_added_to_a_group_by_an_admin_says_how_to_bind(sim: Sim) -> None:
    out = await sim.feed(sim.factory.my_chat_member(-100321, ADMIN))
    assert "/bindgroup" in text_of(out)
    sim.user(999, "路人")
    assert await sim.feed(sim.factory.my_chat_member(-100654, 999)) == []
