"""QA of issue 9's chat preview and /plan management, as a 党办 clerk and coordinators
use them: real plan texts from the corpus sent as .txt and .docx, corrected with buttons
and typed dates, enabled, then managed under /plan."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from bot.services.base import Env
from bot.testing.botapi_double import BotApiDouble, SentMessage
from bot.testing.sim import Sim
from storage import plans as store
from tests.catalog import check, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.docs import word_file
from tests.helpers import committee, founded, open_env, text_of
from tests.test_onetap import assert_within_limits
from tests.test_plan_manage_e2e import (
    answers_since,
    draft_of,
    exact,
    press_exact,
    stored_preview,
)

CORPUS = Path(__file__).parent / "plans" / "corpus" / "dev"


def corpus(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def all_callbacks_fit(msgs: list[SentMessage]) -> None:
    for m in msgs:
        for _, data in m.buttons():
            assert data is None or len(data.encode()) <= 64, data


async def send_plan(
    sim: Sim, name: str, docx: bool = False, user: int = ADMIN
) -> list[SentMessage]:
    text = corpus(name)
    if docx:
        update = sim.factory.document(
            user, file_name=name.replace(".txt", ".docx"), content=word_file(*text.splitlines())
        )
    else:
        update = sim.factory.document(user, file_name=name, content=text.encode())
    out = await sim.feed(update)
    assert_within_limits(out)
    all_callbacks_fit(out)
    return out


# Long, traditional, web clutter (pinyin after characters, site notices), no year at all.
VARIED = [
    "64_yuanqing_weisheng_hospital.txt",  # long, 14 items over two pages
    "11_shoukan_hant_school.txt",  # traditional
    "24_xuexi_zhidu_hant_school.txt",  # traditional with pinyin clutter
    "73_dangjian_jihua_2026_hospital.txt",  # a site's notices around the text
    "18_dangri_organ.txt",  # no year: the date line or this year
    "46_minzhupingyi_school.txt",  # a past year
]


async def test_corpus_plans_as_txt_and_docx_give_the_same_preview_within_limits(sim: Sim) -> None:
    await committee(sim, {"甲支部": 701})
    for name in VARIED:
        shown: list[str] = []
        for docx in (False, True):
            out = await send_plan(sim, name, docx)
            shown.append(text_of(out[-1:]))
        if matches(out, "plan_preview_head"):
            # The same plan read from Word: the same items, dates and year.
            assert shown[0].split("\n")[2:] == shown[1].split("\n")[2:], name
        else:
            check(out, "plan_empty")


async def start_preview(sim: Sim, name: str = "46_minzhupingyi_school.txt") -> SentMessage:
    await committee(sim, {"甲支部": 701, "乙支部": 702})
    out = await send_plan(sim, name, docx=True)
    check(out[-1], "plan_preview_head")
    return out[-1]


async def test_a_corrected_year_clears_the_past_year_warning_and_brings_it_back(sim: Sim) -> None:
    msg = await start_preview(sim)  # a 2019 notice, sent in 2026
    check(msg, "plan_warn_past_year", year=2019)
    await press_exact(sim, ADMIN, msg, label("plan_pv_btn_year"))
    out = await sim.say(ADMIN, "2026")
    msg = out[-1]
    check(msg, "plan_pv_summary", year=2026)
    assert not matches(msg, "plan_warn_past_year"), text_of([msg])
    await press_exact(sim, ADMIN, msg, "◀ 2025")
    check(msg, "plan_pv_summary", year=2025)
    check(msg, "plan_warn_past_year", year=2025)
    await press_exact(sim, ADMIN, msg, "2026 ▶")
    assert not matches(msg, "plan_warn_past_year")
    assert (await stored_preview(sim, draft_of(msg))).year == 2026


async def test_dates_typed_the_ways_a_clerk_types_them(sim: Sim) -> None:
    msg = await start_preview(sim)
    draft = draft_of(msg)
    await press_exact(sim, ADMIN, msg, label("plan_pv_btn_year"))
    msg = (await sim.say(ADMIN, "2026"))[-1]

    async def typed(text: str) -> list[SentMessage]:
        await press_exact(sim, ADMIN, msg, "📅2")
        out = await sim.say(ADMIN, text)
        assert_within_limits(out)
        await sim.say(ADMIN, "取消")  # closes the question if it stayed open
        return out

    for text, day in [
        ("6月30日", date(2026, 6, 30)),
        ("2026-07-01", date(2026, 7, 1)),
        ("6/29", date(2026, 6, 29)),
        ("6月28日前", date(2026, 6, 28)),  # as plans write a deadline
        ("2027年1月10日", date(2027, 1, 10)),  # a school year runs into the next
    ]:
        out = await typed(text)
        check(out[-1], "plan_preview_head")
        msg = out[-1]
        assert (await stored_preview(sim, draft)).item(2).end == day, text
    check(await typed("6月1日至6月30日"), "plan_pv_date_one")
    check(await typed("尽快"), "plan_pv_date_bad", value="尽快")
    check(await typed("2月30日"), "plan_pv_date_bad", value="2月30日")
    # A year before the plan's: refused, pointing at the year (not taken as a deadline
    # that is overdue the moment the plan is enabled).
    check(await typed("2025-06-30"), "plan_pv_date_early", value="2025-06-30", year=2026)
    assert (await stored_preview(sim, draft)).item(2).end == date(2027, 1, 10)


async def test_old_buttons_enable_twice_and_a_second_coordinator(sim: Sim) -> None:
    msg = await start_preview(sim, "64_yuanqing_weisheng_hospital.txt")
    draft = draft_of(msg)
    old_tick = exact(msg, "✅1")
    await press_exact(sim, ADMIN, msg, "✅1")
    before = await stored_preview(sim, draft)
    pressed = len(sim.double.callback_answers)
    await sim.feed(sim.factory.callback(ADMIN, msg, old_tick, allow_forged=True))
    check(await answers_since(sim, pressed), "stale_button")
    assert await stored_preview(sim, draft) == before
    enable = exact(msg, label("plan_btn_enable"))
    check(await sim.feed(sim.factory.callback(ADMIN, msg, enable)), "plan_enabled")
    pressed = len(sim.double.callback_answers)
    out = await sim.feed(sim.factory.callback(ADMIN, msg, enable, allow_forged=True))
    assert not matches(out, "plan_enabled")
    check(await answers_since(sim, pressed), "stale_button")
    async with sim.env.db.reading() as tx:
        assert len(await store.active_plans(tx)) == 1


async def test_a_file_in_a_group_or_from_a_secretary_is_no_plan(sim: Sim) -> None:
    await committee(sim, {"甲支部": 701})
    content = corpus("46_minzhupingyi_school.txt").encode()
    out = await sim.feed(
        sim.factory.document(ADMIN, chat_id=COORD_GROUP, file_name="方案.txt", content=content)
    )
    assert not matches(out, "plan_preview_head")
    # A secretary forwarding the committee's file to the bot: not a plan they can enable.
    out = await sim.feed(sim.factory.document(701, file_name="方案.txt", content=content))
    assert not matches(out, "plan_preview_head")
    async with sim.env.db.reading() as tx:
        assert await store.active_plans(tx) == []


async def enabled_view(sim: Sim) -> SentMessage:
    msg = await start_preview(sim)
    await press_exact(sim, ADMIN, msg, label("plan_pv_btn_year"))
    msg = (await sim.say(ADMIN, "2026"))[-1]
    check(await press_exact(sim, ADMIN, msg, label("plan_btn_enable")), "plan_enabled")
    overview = await sim.say(ADMIN, "/plan")
    shown = await sim.press(ADMIN, overview[-1], "⚙")
    view = shown[-1] if shown else overview[-1]
    check(view, "plan_mg_head", year=2026)
    return view


async def task_titles(sim: Sim) -> list[str]:
    async with sim.env.db.reading() as tx:
        (plan,) = await store.active_plans(tx)
        return [x.title for x in await store.tasks_of(tx, [plan.id])]


async def test_a_task_title_empty_too_long_or_with_html(sim: Sim) -> None:
    view = await enabled_view(sim)
    before = await task_titles(sim)
    await press_exact(sim, ADMIN, view, "✏️1")
    check(await sim.say(ADMIN, "   "), "plan_title_empty")
    # 500 characters: refused whole, not cut at 200 without a word.
    check(await sim.say(ADMIN, "长" * 500), "plan_title_long", limit=200, count=500)
    assert await task_titles(sim) == before
    out = await sim.say(ADMIN, "<b>报送</b> 总结 & 计划")
    check(out, "plan_task_updated", task="<b>报送</b> 总结 & 计划")  # shown as typed
    assert_within_limits(out)
    assert (await task_titles(sim))[0] == "<b>报送</b> 总结 & 计划"
    mine = await sim.say(701, "/mytasks")
    assert "<b>报送</b> 总结 & 计划" in text_of(mine)


async def test_a_deadline_before_the_plans_year_is_refused_under_plan(sim: Sim) -> None:
    view = await enabled_view(sim)
    await press_exact(sim, ADMIN, view, "📅1")
    check(await sim.say(ADMIN, "2025年6月30日"), "plan_pv_date_early", year=2026)
    out = await sim.say(ADMIN, "6月30日前")
    check(out, "plan_task_updated")
    async with sim.env.db.reading() as tx:
        (plan,) = await store.active_plans(tx)
        first = (await store.tasks_of(tx, [plan.id]))[0]
    assert first.due_on == date(2026, 6, 30)


async def test_a_question_whose_preview_or_task_is_gone_does_not_hold_the_chat(sim: Sim) -> None:
    """📅 tapped, then 启用 (or the task deleted) before the date is typed: the typed
    text is answered once, and the coordinator's next messages are theirs again."""
    msg = await start_preview(sim)
    await press_exact(sim, ADMIN, msg, "📅1")
    await press_exact(sim, ADMIN, msg, label("plan_btn_enable"))
    check(await sim.say(ADMIN, "6月30日"), "plan_input_gone")
    out = await sim.say(ADMIN, "你好")
    assert not matches(out, "stale_button") and not matches(out, "plan_input_gone")
    # The same under /plan: ✏️ on a task, the task deleted from the view, then a title.
    overview = await sim.say(ADMIN, "/plan")
    shown = await sim.press(ADMIN, overview[-1], "⚙")
    view = shown[-1] if shown else overview[-1]
    await press_exact(sim, ADMIN, view, "✏️1")
    confirm = await press_exact(sim, ADMIN, view, "🗑1")
    await sim.press(ADMIN, confirm[-1], label("plan_btn_task_delete_confirm"))
    check(await sim.say(ADMIN, "新名称"), "plan_input_gone")
    assert not matches(await sim.say(ADMIN, "你好"), "stale_button")


LONG_PLAN = ["2026年党建工作安排", ""] + [
    f"{i}. 各支部{i % 12 + 1}月{i % 27 + 1}日前报送第{i}项<材料>&清单。" for i in range(1, 66)
]


async def test_a_plan_of_65_items_pages_within_limits(sim: Sim) -> None:
    await committee(sim, {"甲支部": 701})
    out = await sim.feed(
        sim.factory.document(ADMIN, file_name="安排.docx", content=word_file(*LONG_PLAN))
    )
    msg = out[-1]
    draft = draft_of(msg)
    preview = await stored_preview(sim, draft)
    assert len(preview.items) >= 60
    seen = set()
    for page in range(1, preview.pages + 1):
        check(msg, "plan_pv_page", page=page, pages=preview.pages)
        assert_within_limits([msg])
        all_callbacks_fit([msg])
        assert len(msg.buttons()) <= 100
        assert "<材料>&清单" in (msg.plain_text or "")  # the plan's own text, escaped
        seen |= {b for b, _ in msg.buttons() if b.startswith("✅") and b[1:].isdigit()}
        if page < preview.pages:
            await sim.press(ADMIN, msg, "›")
    assert len(seen) == len(preview.items)
    # The last item unticked on the last page, then ‹ back: the page is kept per edit.
    last = len(preview.items)
    await sim.feed(sim.factory.callback(ADMIN, msg, exact(msg, f"✅{last}")))
    check(msg, "plan_pv_page", page=preview.pages, pages=preview.pages)
    check(msg, "plan_pv_off", off=1)
    check(await press_exact(sim, ADMIN, msg, label("plan_btn_enable")), "plan_enabled")
    mine = await sim.say(701, "/mytasks")
    assert_within_limits(mine)
    all_callbacks_fit(mine)


async def test_disable_enable_delete_reach_mytasks_status_and_the_circular(
    tmp_path: Path,
) -> None:
    """Each /plan change shows in the secretary's /mytasks, in /status 支部名 and in the
    month's circular; a restart between the steps changes nothing (the typed deadline's
    question survives it too)."""
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    lines = ["2026年工作方案", "各支部11月5日前报送总结。", "各支部11月8日前上报名单。"]

    async def world(moment: datetime) -> tuple[Env, Sim]:
        env = await open_env(path)
        return env, Sim(env, moment, double=double)

    env, sim = await world(at(2026, 11, 2, 10))
    async with sim:
        await founded(sim, {"甲支部": 701, "乙支部": 702})
        out = await sim.feed(
            sim.factory.document(ADMIN, file_name="p.docx", content=word_file(*lines))
        )
        check(await press_exact(sim, ADMIN, out[-1], label("plan_btn_enable")), "plan_enabled")
        overview = await sim.say(ADMIN, "/plan")
        shown = await sim.press(ADMIN, overview[-1], "⚙")
        view = shown[-1] if shown else overview[-1]
        await press_exact(sim, ADMIN, view, "📅2")
    await env.db.close()

    env, sim = await world(at(2026, 11, 2, 11))
    async with sim:
        check(await sim.say(ADMIN, "11月20日"), "plan_task_updated")  # asked before
        check(await sim.say(ADMIN, "/exempt 乙支部 2026-11 换届"), "exempt_done")
        await sim.advance_to(at(2026, 11, 6, 10), step=timedelta(hours=6))
        status = await sim.say(ADMIN, "/status 甲支部")
        check(status, "status_overdue_tasks", count=1)
        assert "报送总结" in text_of(status) and "上报名单" not in text_of(status)
        await sim.press(ADMIN, view, label("plan_btn_disable"))
        check(view, "plan_mg_state_off")
    await env.db.close()

    env, sim = await world(at(2026, 11, 6, 11))
    async with sim:
        sim.forget_messages()  # the double is shared: only what this world sends
        assert not matches(await sim.say(ADMIN, "/status 甲支部"), "status_overdue_tasks")
        check(await sim.say(701, "/mytasks"), "mytasks_none")
        await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(hours=6))
        group = sim.double.sent_to(COORD_GROUP)
        titled = [i for i, m in enumerate(group) if matches(m, "circ_title", y=2026, m=11)]
        assert len(titled) == 1
        parts = group[titled[0] :]
        assert not matches(parts, "circ_sec_plans")  # a disabled plan is not in it
        await sim.press(ADMIN, view, label("plan_btn_reenable"))
        check(view, "plan_mg_state_on")
        mine = await sim.say(701, "/mytasks")
        assert "报送总结" in text_of(mine) and "上报名单" in text_of(mine)
        confirm = await sim.press(ADMIN, view, label("plan_btn_delete"))
        back = await sim.press(ADMIN, confirm[-1], label("plan_btn_back"))  # cancelled
        assert back == [] and matches(confirm[-1], "plan_mg_head")
        async with sim.env.db.reading() as tx:
            assert len(await store.active_plans(tx)) == 1
        confirm = await sim.press(ADMIN, view, label("plan_btn_delete"))
        await sim.press(ADMIN, confirm[-1], label("plan_btn_delete_confirm"))
        check(confirm[-1], "plan_deleted")
    await env.db.close()

    env, sim = await world(at(2026, 11, 26, 11))
    async with sim:
        sim.forget_messages()
        check(await sim.say(701, "/mytasks"), "mytasks_none")
        assert not matches(await sim.say(ADMIN, "/status 甲支部"), "status_overdue_tasks")
        check(await sim.say(ADMIN, "/plan"), "plan_none")
        pressed = len(sim.double.callback_answers)
        await sim.feed(sim.factory.callback(ADMIN, view, exact(view, "📅1"), allow_forged=True))
        check(await answers_since(sim, pressed), "stale_button")
    await env.db.close()
