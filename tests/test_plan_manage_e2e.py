"""Issue 9 end to end: a real plan .docx sent in chat, its preview corrected with buttons,
enabled, managed under /plan, and the circular's plan section at 200 branches.

The plan is a 方案 of the kind a 党办 clerk sends: numbered steps with their windows,
a list of criteria (有…的…) that are not tasks, and a duty of the committee itself
(县直工委组织审核验收) that is no branch's task. The extractor may read it better or
worse over time (another piece of work); the test finds items by their words and
corrects whatever the coordinator would correct, so it holds either way.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from bot.services import plan_manage
from bot.services.circular_model import CircularModel
from bot.services.plan_preview import Preview
from bot.testing.botapi_double import BotApiDouble, SentMessage
from bot.testing.sim import Sim
from storage import circulars
from storage import plans as store
from tests.catalog import check, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.docs import word_file
from tests.helpers import founded, invite_token, open_env, text_of
from tests.test_onetap import assert_within_limits, big_committee

SECRETARY = 100000  # 第0001党支部's secretary (big_committee)
PLAN_LINES = [
    "关于开展“一支部一品牌”创建活动的实施方案",
    "",
    "为进一步提升机关党建工作质量，经县直机关工委研究，决定在县直机关各党支部中开展"
    "“一支部一品牌”创建活动，现制定如下方案。",
    "一、创建标准",
    "1. 有精准的品牌选题，贴合本单位中心工作；",
    "2. 有健全的工作机制，责任明确；",
    "3. 有鲜明的品牌标识和特色载体。",
    "二、方法步骤",
    "（一）组织申报（11月10日前）。各党支部确定品牌名称，填写申报表，11月10日前报县直机关工委组织科。",
    "（二）培育创建（11月11日至12月20日）。各党支部按照申报方案开展创建，"
    "11月20日前报送创建工作中期进展情况。",
    "（三）验收认定（12月21日至12月31日）。县直工委组织审核验收，12月31日前公布认定结果。",
    "三、工作要求",
    "各党支部每月25日前报送创建工作进展情况。",
    "",
    "县直机关工委",
    # A stale year on the date line: the coordinator sets the plan's year to 2026.
    "2025年10月10日",
]
CRITERIA = ("有精准的品牌选题", "有健全的工作机制", "有鲜明的品牌标识")
COMMITTEE = "审核验收"
MIDTERM = "中期进展"
NAMING = "确定品牌名称"


def exact(msg: SentMessage, text: str) -> str:
    """The callback data of the button labelled exactly `text` (item 1 is not item 13)."""
    for shown, data in msg.buttons():
        if shown == text and data:
            return data
    raise LookupError(f"no button {text!r} in {[b for b, _ in msg.buttons()]}")


async def press_exact(sim: Sim, user: int, msg: SentMessage, text: str) -> list[SentMessage]:
    """Press the button labelled `text`, paging the message forward until it shows."""
    for _ in range(20):
        if any(shown == text for shown, _ in msg.buttons()):
            return await sim.feed(sim.factory.callback(user, msg, exact(msg, text)))
        await sim.press(user, msg, "›")
    raise LookupError(text)


async def stored_preview(sim: Sim, draft_id: int) -> Preview:
    async with sim.env.db.reading() as tx:
        row = await store.get_draft(tx, draft_id)
    assert row is not None
    return plan_manage.preview_of(row)


def numbers(preview: Preview, words: str) -> list[int]:
    return [n for n, it in enumerate(preview.items, 1) if words in it.title]


def draft_of(msg: SentMessage) -> int:
    m = re.match(r"z1:planok:(\d+):", exact(msg, label("plan_btn_enable")))
    assert m is not None
    return int(m[1])


async def answers_since(sim: Sim, before: int) -> list[str]:
    return [str(a.get("text") or "") for a in sim.double.callback_answers[before:]]


async def test_plan_docx_corrected_enabled_managed_circular_at_200(sim: Sim) -> None:
    names = await big_committee(sim, 200)

    # ---- the .docx sent in private: a preview with buttons, nothing enabled yet
    update = sim.factory.document(
        ADMIN, file_name="品牌创建方案.docx", content=word_file(*PLAN_LINES)
    )
    out = await sim.feed(update)
    preview_msg = out[-1]
    check(preview_msg, "plan_preview_head")
    check(preview_msg, "plan_pv_summary", year=2025)
    assert_within_limits(out)
    draft = draft_of(preview_msg)
    before = await stored_preview(sim, draft)
    assert before.year == 2025 and len(before.items) >= 6

    # A secretary (replaying the admin's button) is refused, and changes nothing.
    pressed = len(sim.double.callback_answers)
    await sim.feed(sim.factory.callback(SECRETARY, preview_msg, exact(preview_msg, "✅1")))
    check(await answers_since(sim, pressed), "denied")
    assert await stored_preview(sim, draft) == before

    # Untick the criteria (有…的… are standards, not tasks); if the extractor has learnt
    # to drop them, untick the naming duplicate instead: either way, an untick.
    criteria = [n for words in CRITERIA for n in numbers(before, words)]
    unticked = criteria or numbers(before, NAMING)[:1]
    assert unticked
    for n in unticked:
        await press_exact(sim, ADMIN, preview_msg, f"✅{n}")
    check(preview_msg, "plan_pv_off", off=len(unticked))

    # The committee's own duty becomes a committee item (the kind button cycles).
    (duty,) = numbers(before, COMMITTEE)
    for _ in range(3):
        if (await stored_preview(sim, draft)).item(duty).kind == "committee":
            break
        kind = (await stored_preview(sim, draft)).item(duty).kind
        await press_exact(sim, ADMIN, preview_msg, f"{label('plan_pv_kshort_' + kind)}{duty}")
    assert (await stored_preview(sim, draft)).item(duty).kind == "committee"

    # The year: the date line said 2025; one tap on ▶ makes it 2026 and moves every date.
    await press_exact(sim, ADMIN, preview_msg, "2026 ▶")
    moved = await stored_preview(sim, draft)
    assert moved.year == 2026
    assert all(it.end is None or it.end.year == 2026 for it in moved.items)
    check(preview_msg, "plan_pv_summary", year=2026)

    # A date: 📅 on the midterm report, then typed; nonsense gets a clear answer first.
    (mid,) = [n for n in numbers(moved, MIDTERM) if moved.item(n).kind != "phase"]
    await press_exact(sim, ADMIN, preview_msg, f"📅{mid}")
    check(sim.double.last_to(ADMIN), "plan_pv_ask_date", n=mid)
    check(await sim.say(ADMIN, "下周三"), "plan_pv_date_bad", value="下周三")
    check(await sim.say(ADMIN, "11月31日"), "plan_pv_date_bad", value="11月31日")
    out = await sim.say(ADMIN, "11月18日")
    preview_msg = out[-1]  # the corrected preview, anew under the typed date
    check(preview_msg, "plan_pv_summary", year=2026)
    assert_within_limits(out)
    assert (await stored_preview(sim, draft)).item(mid).end == date(2026, 11, 18)

    # ---- enabled as corrected
    out = await press_exact(sim, ADMIN, preview_msg, label("plan_btn_enable"))
    check(out, "plan_enabled")
    async with sim.env.db.reading() as tx:
        (plan,) = await store.active_plans(tx)
        tasks = await store.tasks_of(tx, [plan.id])
    assert plan.year == 2026
    titles = [x.title for x in tasks]
    assert not any(c in t for c in CRITERIA for t in titles), titles
    (duty_row,) = [x for x in tasks if COMMITTEE in x.title]
    assert duty_row.owner == "committee" and not duty_row.applies_to(names[0])
    (mid_row,) = [x for x in tasks if MIDTERM in x.title]
    assert mid_row.due_on == date(2026, 11, 18)

    # ---- /plan: a task deleted (with a confirm step), a deadline changed
    overview = await sim.say(ADMIN, "/plan")
    check(overview, "plan_committee_line")
    manage = await sim.press(ADMIN, overview[-1], "⚙")
    view = manage[-1] if manage else overview[-1]
    check(view, "plan_mg_head", year=2026)
    assert_within_limits([view])
    naming = [x for x in tasks if NAMING in x.title]
    victim = (
        naming[0]
        if naming
        else next(x for x in tasks if x.owner == "branch" and x.id != mid_row.id)
    )
    index = [x.id for x in tasks].index(victim.id) + 1
    confirm = await press_exact(sim, ADMIN, view, f"🗑{index}")
    check(confirm, "plan_task_del_confirm")
    await sim.press(ADMIN, confirm[-1], label("plan_btn_task_delete_confirm"))
    check(confirm[-1], "plan_task_deleted")
    async with sim.env.db.reading() as tx:
        assert await store.get_task(tx, victim.id) is None
        kept = await store.tasks_of(tx, [plan.id])
        assert victim.id in await store.deleted_task_ids(tx, [plan.id])  # kept, marked
    m_index = [x.id for x in kept].index(mid_row.id) + 1
    view = confirm[-1]
    await press_exact(sim, ADMIN, view, f"📅{m_index}")
    check(sim.double.last_to(ADMIN), "plan_ask_due")
    check(await sim.say(ADMIN, "2026-02-30"), "plan_pv_date_bad")
    out = await sim.say(ADMIN, "2026-11-24")
    check(out, "plan_task_updated")
    changes = text_of(out)
    assert "2026-11-18 → 2026-11-24" in changes and "管理员" in changes
    check(out, "plan_chg_task_deleted", detail=victim.title)
    async with sim.env.db.reading() as tx:
        mid_row = next(x for x in await store.tasks_of(tx, [plan.id]) if x.id == mid_row.id)
        recorded, count = await store.changes(tx, plan.id)
    assert mid_row.due_on == date(2026, 11, 24)
    assert count == 2 and {r.action for r in recorded} == {"task_due", "task_deleted"}
    assert all(r.by_user == ADMIN for r in recorded)

    # A secretary can neither see the management buttons nor use them.
    mine = await sim.say(SECRETARY, "/plan")
    assert not matches(mine, "plan_manage_pick")
    for data in [exact(view, f"📅{m_index}"), exact(view, label("plan_btn_disable"))]:
        pressed = len(sim.double.callback_answers)
        await sim.feed(sim.factory.callback(SECRETARY, view, data))
        check(await answers_since(sim, pressed), "denied")

    # ---- the month's circular at 200 branches: one branch done, one exempt
    check(await sim.say(ADMIN, f"/exempt {names[2]} 2026-11 培训"), "exempt_done")
    mine = await sim.say(SECRETARY, "/mytasks")
    data = next(d for _, d in mine[-1].buttons() if d and f":task:{mid_row.id}:" in d)
    out = await sim.feed(sim.factory.callback(SECRETARY, mine[-1], data))
    await sim.press(SECRETARY, out[-1], label("task_status_done"))
    await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(hours=6))
    group = sim.double.sent_to(COORD_GROUP)
    titled = [i for i, m in enumerate(group) if matches(m, "circ_title", y=2026, m=11)]
    assert len(titled) == 1
    parts = [m for m in group[titled[0] :] if m.kind == "text"]
    assert_within_limits(parts)
    (section,) = [m for m in parts if matches(m, "circ_sec_plans")]
    async with sim.env.db.reading() as tx:
        stored = await circulars.get_circular(tx, "2026-11")
    assert stored is not None and stored.doc is not None
    model = CircularModel.from_json(stored.doc).section("plans")
    assert model is not None
    # The whole plan section is in this one message, and short at 200 branches.
    lines = [p.text for p in model.paras]
    assert all(line in (section.plain_text or "") for line in lines), lines
    plan_part = "\n".join(lines)
    assert len(plan_part) < 1500, len(plan_part)
    check(section, "circ_task_line", done=1, total=199)  # 200, less the exempt one
    check(section, "circ_task_late", count=198)  # not the done one, not the exempt one
    check(section, "circ_committee_items")  # the committee's own duty, no branch's task
    assert not matches(section, "circ_tasks_overdue")
    named = set(re.findall(r"第\d{4}党支部", plan_part))
    assert len(named) <= 3 * sum(1 for x in kept if x.owner == "branch")
    assert names[2] not in named  # exempt this month: neither expected nor overdue
    mid_line = next(line for line in lines if MIDTERM in line)
    assert names[0] not in mid_line  # done
    assert COMMITTEE not in "".join(line for line in lines if line.startswith("·"))
    # The full list goes to the document only: every branch still to finish the midterm.
    detail = "\n".join(p.text for p in model.detail)
    mid_detail = next(line for line in detail.splitlines() if MIDTERM in line)
    assert len(re.findall(r"第\d{4}党支部", mid_detail)) == 198
    assert victim.title[:10] not in plan_part


async def test_preview_belongs_to_its_sender_and_survives_a_restart(tmp_path: Path) -> None:
    """Another coordinator cannot edit or enable the admin's preview; a correction made
    before a restart is there after it (the preview is the draft's row); buttons of an
    older rendering are stale; the year can be typed."""
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = await open_env(path)
    async with Sim(env, at(2026, 11, 2, 10), double=double) as sim:
        await founded(sim, {"甲支部": 701})
        out = await sim.feed(
            sim.factory.document(ADMIN, file_name="方案.docx", content=word_file(*PLAN_LINES))
        )
        msg = out[-1]
        draft = draft_of(msg)
        old_enable = exact(msg, label("plan_btn_enable"))
        await press_exact(sim, ADMIN, msg, "2026 ▶")
    await env.db.close()

    env = await open_env(path)
    async with Sim(env, at(2026, 11, 2, 11), double=double) as sim:
        assert (await stored_preview(sim, draft)).year == 2026  # kept across the restart
        # The first rendering's 启用 (version 0) is stale now: nothing is enabled.
        pressed = len(sim.double.callback_answers)
        # (as a client that has not redrawn the message would send it)
        await sim.feed(sim.factory.callback(ADMIN, msg, old_enable, allow_forged=True))
        check(await answers_since(sim, pressed), "stale_button")
        async with sim.env.db.reading() as tx:
            assert await store.active_plans(tx) == []
        # Another coordinator is refused by name; the preview is unchanged.
        token = await invite_token(sim, "coordinator")
        sim.user(777, "另一协调人")
        await sim.say(777, f"/start {token}")
        pressed = len(sim.double.callback_answers)
        await sim.feed(sim.factory.callback(777, msg, exact(msg, "2027 ▶")))
        check(await answers_since(sim, pressed), "plan_pv_not_yours")
        pressed = len(sim.double.callback_answers)
        await sim.feed(sim.factory.callback(777, msg, exact(msg, label("plan_btn_enable"))))
        check(await answers_since(sim, pressed), "plan_pv_not_yours")
        assert (await stored_preview(sim, draft)).year == 2026
        # The year typed: 取消 drops the question, a bad year is refused, a good one taken.
        await press_exact(sim, ADMIN, msg, label("plan_pv_btn_year"))
        check(await sim.say(ADMIN, "取消"), "plan_input_dropped")
        assert not matches(await sim.say(ADMIN, "2030"), "plan_pv_summary")  # no question open
        await press_exact(sim, ADMIN, msg, label("plan_pv_btn_year"))
        await sim.say_in_group(COORD_GROUP, ADMIN, "2031")  # the group is not where it was asked
        assert (await stored_preview(sim, draft)).year == 2026
        check(await sim.say(ADMIN, "二〇二七"), "plan_pv_year_bad")
        out = await sim.say(ADMIN, "2027年")
        check(out, "plan_pv_summary", year=2027)
        assert (await stored_preview(sim, draft)).year == 2027
        out = await press_exact(sim, ADMIN, out[-1], label("plan_btn_enable"))
        check(out, "plan_enabled")
    await env.db.close()
