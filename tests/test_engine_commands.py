"""/remind, /circular, /exempt, /schedule, and what the circular says across months."""

from __future__ import annotations

from datetime import date, timedelta

from bot.calendar import Month
from bot.services.fmt import date_label, month_label
from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Sim
from handlers.menus import set_default_menus
from tests.catalog import check, key, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, invite_token, text_of

A, B, C = 901, 902, 903
ZH = "zh-Hans"


def circulars(sim: Sim, year: int, month: int) -> list[SentMessage]:
    """The month's circulars in the group: the messages that carry its title."""
    return [m for m in sim.double.sent_to(COORD_GROUP) if matches(m, "circ_title", y=year, m=month)]


def month_of(year: int, month: int) -> str:
    return month_label(ZH, Month(year, month))


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
    assert check(out, "remind_done", count=1)["names"] == "乙支部"
    assert check(out, "remind_nobody")["names"] == "丙支部"
    check(sim.double.last_to(B), "nudge_head")
    n = len(sim.double.sent_to(B))
    sim.clock.set(sim.clock() + timedelta(minutes=30))
    out = await remind_all(sim)
    assert check(out, "remind_recent")["names"] == "乙支部"
    assert not matches(out, "remind_done") and len(sim.double.sent_to(B)) == n
    sim.clock.set(sim.clock() + timedelta(minutes=31))
    await remind_all(sim)
    assert len(sim.double.sent_to(B)) == n + 1
    # A reply to the nudge is a report.
    out = await sim.say(B, "收到，这是报告。", reply_to=sim.double.last_to(B))
    check(out, "report_saved", branch="乙支部", timing=key("timing_on_time"))
    await sim.say(ADMIN, "/exempt 丙支部 2026-11 撤并中")
    check(await remind_all(sim), "remind_none")


async def test_circular_post_now_is_not_posted_again(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    preview = await sim.say(ADMIN, "/circular")
    check(preview, "circular_preview_head")
    check(preview, "circ_sec_missing", count=1)
    assert circulars(sim, 2026, 11) == []
    await sim.advance_to(at(2026, 11, 25, 23))
    out = await sim.say(ADMIN, "/circular post")
    check(out, "circular_too_early", due=date_label(ZH, date(2026, 11, 25)))
    await sim.advance_to(at(2026, 11, 26, 8))
    check(await sim.say(ADMIN, "/circular post"), "circular_posted")
    assert len(circulars(sim, 2026, 11)) == 1
    check(await sim.say(ADMIN, "/circular post"), "circular_already")
    await sim.advance_to(at(2026, 11, 27, 12))
    assert len(circulars(sim, 2026, 11)) == 1


async def test_exempt_branch_not_reminded_nor_missing(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B})
    out = await sim.say(ADMIN, "/exempt 乙支部 2026-11 换届选举")
    done = check(out, "exempt_done", branch="乙支部", month=month_of(2026, 11))
    assert done["reason"] == "换届选举"
    await sim.advance_to(at(2026, 11, 26, 10))
    to_b = sim.double.sent_to(B)
    assert not any(matches(to_b, k) for k in ("remind_days", "remind_today", "overdue_nudge"))
    status = await sim.say(ADMIN, "/status")
    check(status, "status_totals", expected=1, exempt=1)
    assert check(status, "status_line_exempt", name="乙支部")["reason"] == "换届选举"
    circ = circulars(sim, 2026, 11)[0]
    check(circ, "circ_sec_exempt", count=1)
    assert "乙支部（换届选举）" in (circ.plain_text or "")  # the item: name and reason
    assert "/unexempt" not in (circ.plain_text or "")


async def test_makeups_runs_of_misses_and_highlights(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B, "丙支部": C})
    await sim.say(A, "/report")
    await sim.say(A, "甲支部十一月：开展“四下基层”调研，解决群众急难愁盼问题5件。")
    status = await sim.say(ADMIN, "/status 甲支部")
    await sim.press(ADMIN, status[-1], label("btn_highlight"))
    await sim.advance_to(at(2026, 11, 26, 10))
    nov = circulars(sim, 2026, 11)[0]
    check(nov, "circ_sec_highlights")
    assert "四下基层" in check(nov, "circ_highlight", branch="甲支部")["text"]
    # B reports November after the circular: a 补报 in December's circular.
    await sim.advance_to(at(2026, 11, 28, 10))
    await sim.say(B, "/report")
    await sim.say(B, "十一月补报。")
    await sim.advance_to(at(2026, 12, 1, 10))
    for uid in (A, B):
        await sim.say(uid, "/report")
        await sim.say(uid, "十二月报告。")
    await sim.advance_to(at(2026, 12, 26, 10), step=timedelta(hours=6))
    dec = circulars(sim, 2026, 12)[0]
    check(dec, "circ_sec_makeup", count=1)
    makeup_date = date_label(ZH, date(2026, 11, 28))
    check(dec, "circ_makeup_item", branch="乙支部", month=month_of(2026, 11), date=makeup_date)
    check(dec, "circ_repeat_item", branch="丙支部", months=2)
    check(dec, "circ_sec_on_time", count=2)


async def test_digest_without_a_group_goes_to_coordinators(sim: Sim) -> None:
    await committee(sim, {"甲支部": A}, bind_group=False)
    coordinator = 950
    token = await invite_token(sim, "coordinator")
    sim.user(coordinator, "协调人")
    await sim.say(coordinator, f"/start {token}")
    check(await sim.say(coordinator, "/schedule"), "schedule_no_chat")
    await sim.advance_to(at(2026, 11, 26, 10))
    digest = sim.double.last_to(coordinator)
    assert check(digest, "digest_head", month=month_of(2026, 11), count=1)["names"] == "甲支部"
    check(await sim.say(coordinator, "/circular post"), "no_coordination_chat")
    # Once a group is bound, the kept circular goes out.
    await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup")
    await sim.advance_to(at(2026, 11, 26, 11))
    assert len(circulars(sim, 2026, 11)) == 1


async def test_help_lists_only_the_callers_commands_and_menus_are_scoped(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    sim.user(999, "路人")
    stranger = await sim.say(999, "/help")
    secretary = await sim.say(A, "/help")
    admin = await sim.say(ADMIN, "/help")
    assert "/report" not in text_of(stranger) and "/status" not in text_of(stranger)
    check(stranger, "help_head", role=key("role_stranger"))
    check(stranger, "help_everyone")
    assert not matches(stranger, "help_secretary") and not matches(stranger, "help_coordinator")
    assert "/report" in text_of(secretary) and "/status" not in text_of(secretary)
    check(secretary, "help_secretary")
    assert not matches(secretary, "help_coordinator") and not matches(secretary, "help_admin")
    assert "/status" in text_of(admin) and "/bindgroup" in text_of(admin)
    check(admin, "help_coordinator")
    check(admin, "help_admin")
    await set_default_menus(sim.app.bot, sim.env)
    scopes = {key[0] for key in sim.double.commands}
    assert any("all_private_chats" in s for s in scopes)
    assert any(str(COORD_GROUP) in s for s in scopes)
    assert any(f'"chat_id": {ADMIN}' in s or f'"chat_id":{ADMIN}' in s for s in scopes)


async def test_language_switch(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    out = await sim.say(A, "/lang")
    out = await sim.press(A, out[-1], "English")  # the language's own name, in no catalog
    check(out, "lang_set", lang="en")
    check(await sim.say(A, "/help"), "help_secretary", lang="en")
    check(await sim.say(A, "/report"), "report_ask", lang="en", branch="甲支部")
    # Telegram's app language never switches it: the committee's language holds.
    sim.user(960, "陳", language_code="zh-hant")
    start = await sim.say(960, "/start")
    check(start, "start_stranger", lang="zh-Hans")
    assert not matches(start, "start_stranger", lang="zh-Hant")


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
    assert matches(body, "circ_title", y=2026, m=11) and "测试县委直属机关工委" in body
    # Restarts and further ticks never send them again.
    await sim.advance_to(at(2026, 11, 28, 10))
    assert sum(m.kind == "document" for m in sim.double.sent_to(COORD_GROUP)) == 1


async def test_looking_at_a_past_month_creates_nothing(sim: Sim) -> None:
    from storage import reports

    await committee(sim, {"甲支部": A})
    check(await sim.say(ADMIN, "/status 2025-03"), "status_head", month=month_of(2025, 3))
    check(await sim.say(ADMIN, "/circular 2025-03"), "circular_preview_head")
    out = await sim.say(ADMIN, "/circular post 2025-03")
    check(out, "no_cycle", month="2025-03")
    await sim.say(ADMIN, "/exempt 甲支部 2025-04 试点")
    async with sim.env.db.reading() as tx:
        months = [c.month for c in await reports.list_cycles(tx)]
    assert "2025-03" not in months and "2025-04" not in months


async def test_names_with_markup_characters_read_as_written_in_the_circular(sim: Sim) -> None:
    """QA #4: names were escaped twice in the 连续未报 and 补报 lists."""
    await committee(sim, {"二支部&工会": A, "<三>支部": B})
    await sim.advance_to(at(2026, 11, 28, 10), step=timedelta(hours=12))
    await sim.say(A, "/report")
    await sim.say(A, "十一月补报。")
    await sim.advance_to(at(2026, 12, 26, 10), step=timedelta(hours=12))
    dec = circulars(sim, 2026, 12)[0]
    # The HTML sent has each name escaped once: `check` escapes the name as `t()` does.
    check(dec, "circ_repeat_item", branch="<三>支部", months=2)
    makeup_date = date_label(ZH, date(2026, 11, 28))
    check(dec, "circ_makeup_item", branch="二支部&工会", month=month_of(2026, 11), date=makeup_date)
    text = dec.plain_text or ""
    assert "<三>支部" in text and "二支部&工会" in text
    assert "&amp;" not in text and "&lt;" not in text


async def test_added_to_a_group_by_an_admin_says_how_to_bind(sim: Sim) -> None:
    out = await sim.feed(sim.factory.my_chat_member(-100321, ADMIN))
    check(out, "group_added_hint")
    sim.user(999, "路人")
    assert await sim.feed(sim.factory.my_chat_member(-100654, 999)) == []
