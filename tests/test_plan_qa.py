"""QA of issue 9's chat preview and /plan management, as a 党办 clerk and coordinators
use them: real plan texts from the corpus sent as .txt and .docx, corrected with buttons
and typed dates, enabled, then managed under /plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Sim
from storage import plans as store
from tests.catalog import check, label, matches
from tests.conftest import ADMIN, COORD_GROUP
from tests.docs import word_file
from tests.helpers import committee, text_of
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
