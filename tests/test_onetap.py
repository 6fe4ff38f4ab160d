"""A real committee's month: one tap instead of a wall, commands that do what they say."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.models import MemberRole
from bot.testing.botapi_double import SentMessage, utf16_len
from bot.testing.sim import Sim
from storage import branches, people
from tests.catalog import check, key, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, join, signed

A, B, C = 901, 902, 903


async def test_exempt_without_a_month_means_this_month(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B})
    out = await sim.say(ADMIN, "/exempt 乙支部 换届选举")
    check(
        out, "exempt_done", branch="乙支部", month=key("fmt_month", y=2026, m=11), reason="换届选举"
    )
    check(await sim.say(ADMIN, "/status"), "status_line_exempt", name="乙支部", reason="换届选举")
    out = await sim.say(ADMIN, "/unexempt 乙支部")
    check(out, "unexempt_done", branch="乙支部")
    check(await sim.say(ADMIN, "/exempt 乙支部 2026-13 理由"), "month_bad", value="2026-13")


# Keys where 逾期 is right: overdue *tasks*, and "已逾期N天" in the nudge to a branch
# whose report is past due. A late *report* is 迟报 everywhere, "late" in English.
OVERDUE_TASK_KEYS = {
    "task_overdue",
    "status_overdue_tasks",
    "circ_tasks_overdue",
    "plan_warn_past_year",  # a past plan's tasks will show as overdue
    "circ_task_late",  # a plan task's overdue branches, counted (issue 9)
    "circ_task_detail_late",
}


def test_a_late_report_is_called_chibao_everywhere() -> None:
    from bot.i18n import CATALOGS
    from bot.records import labels
    from bot.rules import State

    for lang in ("zh-Hans", "zh-Hant"):
        for name, text in CATALOGS[lang].items():
            if name in OVERDUE_TASK_KEYS:
                continue
            rest = text.replace("已逾期 {days} 天", "")
            assert "逾期" not in rest, (lang, name, text)
    assert "迟报" in CATALOGS["zh-Hans"]["timing_late"]
    assert "迟报" in CATALOGS["zh-Hans"]["status_line_late"]
    assert "迟报" in CATALOGS["zh-Hans"]["circ_sec_late"]
    assert "迟报" in CATALOGS["zh-Hans"]["circ_totals"]
    assert "迟报" in CATALOGS["zh-Hans"]["rec_review_line"]
    assert labels.STATE_LABEL[State.LATE] == "迟报"
    assert "迟报" in labels.CHART_STATES and "逾期" not in labels.CHART_STATES
    for name in ("timing_late", "status_line_late", "circ_sec_late"):
        assert "late" in CATALOGS["en"][name].lower() and "overdue" not in CATALOGS["en"][name]


# ------------------------------------------------------------- big committees

NAME = re.compile(r"第\d{4}党支部")


async def big_committee(sim: Sim, n: int, *, report_every: int = 0) -> list[str]:
    """`n` branches made through storage (not n chat commands); every other one has a
    secretary (user 100000+i); every `report_every`-th reports on time. Group bound."""
    check(await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup"), "bindgroup_done")
    now = sim.clock()
    names = [f"第{i:04d}党支部" for i in range(1, n + 1)]
    async with sim.env.db.transaction() as tx:
        for i, name in enumerate(names):
            branch = await branches.add_branch(tx, name, "", now)
            assert branch is not None
            if i % 2 == 0:
                uid = 100000 + i
                await people.upsert_user(tx, uid, f"书记{i}", "", None, None, now)
                await branches.set_member(tx, branch.id, MemberRole.SECRETARY, uid, now)
    return names


def assert_within_limits(messages: list[SentMessage], *, group: bool = False) -> None:
    """Telegram's limits, and at most one screen for a group."""
    for m in messages:
        assert utf16_len(m.plain_text or "") <= 4096
        buttons = m.buttons()
        assert len(buttons) <= 100
        for _, data in buttons:
            assert data is None or len(data.encode()) <= 64, data
        if group and m.kind == "text":
            assert len((m.plain_text or "").splitlines()) <= 16, m.plain_text


def names_in(messages: list[SentMessage]) -> list[str]:
    return [n for m in messages for n in NAME.findall(m.plain_text or "")]


async def test_status_filters_and_buttons(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B, "丙支部": None})
    await sim.say(A, "/report")
    await sim.say(A, "甲支部十一月工作情况。")
    out = await sim.say(ADMIN, "/status 未报")
    check(out, "status_line_waiting", name="乙支部")
    check(out, "status_line_waiting", name="丙支部")
    assert not matches(out, "status_line_on_time")
    assert not matches(await sim.say(ADMIN, "/status missing"), "status_line_on_time")
    out = await sim.say(ADMIN, "/status 无书记")
    check(out, "status_line_waiting", name="丙支部")
    assert not matches(out, "status_line_waiting", name="乙支部")
    # Under every /status: only the missing ones, and remind them (with a confirmation).
    out = await sim.say(ADMIN, "/status")
    check(out, "status_line_on_time", name="甲支部")
    status_msg = out[-1]
    await sim.press(ADMIN, status_msg, "只看")
    assert status_msg.edited
    check(status_msg.plain_text or "", "status_line_waiting", name="乙支部")
    assert not matches(status_msg.plain_text or "", "status_line_on_time")
    asked = await sim.press(ADMIN, status_msg, "📣")
    check(asked, "remind_confirm", count=1)
    n = len(sim.double.sent_to(B))
    done = await sim.press(ADMIN, asked[-1], "📣")
    check(done, "remind_done", count=1, names="乙支部")
    assert len(sim.double.sent_to(B)) == n + 1
    # A secretary pressing a coordinator's button, or forged data, is refused.
    sim.forget_messages()
    await sim.feed(
        sim.factory.callback(A, status_msg, await signed(sim, "z1:rmd:2026-11"), allow_forged=True)
    )
    await sim.feed(
        sim.factory.callback(
            ADMIN, status_msg, await signed(sim, "z1:stp:2026-11:bogus:1"), allow_forged=True
        )
    )
    await sim.feed(
        sim.factory.callback(
            ADMIN, status_msg, await signed(sim, "z1:stp:2099-01:all:1"), allow_forged=True
        )
    )
    await sim.feed(
        sim.factory.callback(
            ADMIN, status_msg, await signed(sim, "z1:pm:remind"), allow_forged=True
        )
    )
    answers = [a.get("text") or "" for a in sim.double.callback_answers]
    assert matches(answers[0], "denied") and all(matches(a, "bad_button") for a in answers[1:])
    assert sim.double.sent_to(B) == []  # forgotten above: nothing new was sent


async def test_remind_one_branch_and_not_right_after_the_schedule(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B, "丙支部": C})
    n_a, n_b = len(sim.double.sent_to(A)), len(sim.double.sent_to(B))
    out = await sim.say(ADMIN, "/remind 乙支部")
    check(out, "remind_done", count=1, names="乙支部")
    assert len(sim.double.sent_to(B)) == n_b + 1 and len(sim.double.sent_to(A)) == n_a
    # /remind alone says how many it will message and waits for the button.
    out = await sim.say(ADMIN, "/remind")
    check(out, "remind_confirm", count=2)
    assert len(sim.double.sent_to(A)) == n_a
    # The scheduled reminder (5 days before the 25th, 9:00) went out a few minutes ago.
    await sim.advance_to(at(2026, 11, 20, 9, 5))
    assert len(sim.double.sent_to(A)) == n_a + 1
    out = await sim.say(ADMIN, "/remind 甲支部")
    check(out, "remind_scheduled", names="甲支部")
    assert len(sim.double.sent_to(A)) == n_a + 1
    sim.clock.set(at(2026, 11, 20, 10, 10))
    check(await sim.say(ADMIN, "/remind 甲支部"), "remind_done", names="甲支部")
    assert len(sim.double.sent_to(A)) == n_a + 2
    await sim.say(A, "/report")
    await sim.say(A, "甲支部的报告。")
    check(await sim.say(ADMIN, "/remind 甲支部"), "remind_branch_done", branch="甲支部")


async def test_group_status_is_one_screen_with_a_private_copy(sim: Sim) -> None:
    names = await big_committee(sim, 200)
    sim.double.require_started = True
    out = await sim.say_in_group(COORD_GROUP, ADMIN, "/status")
    assert_within_limits(out, group=True)
    check(out, "status_totals", missing=200)
    check(out, "group_more_branches", count=190)
    msg = out[-1]
    # A coordinator who never opened a private chat is told to.
    sim.user(77, "新协调人")
    async with sim.env.db.transaction() as tx:
        await people.upsert_user(tx, 77, "新协调人", "", None, None, sim.clock())
        await people.add_coordinator(tx, 77, ADMIN, sim.clock())
    sim.forget_messages()
    await sim.press(77, msg, label("btn_full_private"))
    check(sim.double.callback_answers[-1].get("text") or "", "pm_start_first")
    assert sim.double.messages == []
    # One who has: the full list, paged, privately.
    await sim.say(ADMIN, "/help")
    sent = await sim.press(ADMIN, msg, label("btn_full_private"))
    private = [m for m in sent if m.chat_id == ADMIN]
    assert private and not [m for m in sent if m.chat_id == COORD_GROUP]
    assert_within_limits(private)
    assert names_in(private[-1:]) == names[:30]
    # A secretary pressing it is refused.
    await sim.press(100000, msg, label("btn_full_private"))
    check(sim.double.callback_answers[-1].get("text") or "", "denied")
    # No command typed in the group floods it.
    for command in ("/branches", "/status 未报", "/help", "/remind"):
        assert_within_limits(await sim.say_in_group(COORD_GROUP, ADMIN, command), group=True)


async def page_through(sim: Sim, msg: SentMessage, pages: int) -> list[str]:
    seen = names_in([msg])
    for _ in range(pages - 1):
        await sim.press(ADMIN, msg, "›")
        assert_within_limits([msg])
        seen += names_in([msg])
    return seen


async def test_status_and_branches_page_in_place_at_200(sim: Sim) -> None:
    names = await big_committee(sim, 200)
    out = await sim.say(ADMIN, "/status")
    assert len(out) == 1
    assert_within_limits(out)
    assert ("›", out[0].callback_data("›")) in out[0].buttons()
    assert any(label == "1/7" for label, _ in out[0].buttons())
    assert await page_through(sim, out[0], 7) == names
    assert any(label == "7/7" for label, _ in out[0].buttons())
    out = await sim.say(ADMIN, "/branches")
    assert len(out) == 1
    assert await page_through(sim, out[0], 7) == names


async def test_two_thousand_branches_stay_within_limits(sim: Sim) -> None:
    names = await big_committee(sim, 2000)
    out = await sim.say(ADMIN, "/status")
    assert len(out) == 1
    assert_within_limits(out)
    assert names_in(out) == names[:30]
    await sim.press(ADMIN, out[0], "‹")  # from the first page to the last
    assert names_in(out) == names[-20:]
    assert_within_limits(out)
    out = await sim.say(ADMIN, "/branches")
    assert len(out) == 1 and names_in(out) == names[:30]
    for command in ("/status", "/status 未报", "/branches", "/remind"):
        assert_within_limits(await sim.say_in_group(COORD_GROUP, ADMIN, command), group=True)


async def test_digest_at_200_branches_is_compact(sim: Sim) -> None:
    await big_committee(sim, 200)
    await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(hours=6))
    digest = [m for m in sim.double.sent_to(COORD_GROUP) if matches(m, "digest_head")]
    assert len(digest) == 1
    assert_within_limits(digest, group=True)
    check(digest, "digest_head", count=200)
    check(digest, "names_more", total=200)
    check(digest, "digest_tail")
    assert len(digest[0].plain_text or "") < 1500


async def test_addbranch_list_with_existing_and_near_duplicates_then_invite_all(sim: Sim) -> None:
    await committee(sim, {"县教育局党支部": A})
    out = await sim.say(
        ADMIN, "/addbranch 教育局党支部\n县财政局支部\n县教育局党支部\n\n县财政局支部\n县卫健委"
    )
    check(out, "branches_added", count=3)
    check(out, "branches_existed", names="县教育局党支部")
    check(out, "branch_near_duplicate", name="教育局党支部", other="县教育局党支部")
    assert not matches(out, "branch_near_duplicate", name="县卫健委")
    out = await sim.say(ADMIN, "/addbranch 县卫建委")  # one character from 县卫健委
    check(out, "branch_added", name="县卫建委")
    check(out, "branch_near_duplicate", name="县卫建委", other="县卫健委")
    out = await sim.press(ADMIN, out[-1], label("btn_invite_all", count=4))
    check(out, "invite_all_head", count=4)
    lines = [ln for m in out for ln in (m.plain_text or "").splitlines()]
    for name in ("教育局党支部", "县财政局支部", "县卫健委", "县卫建委"):
        found = check(lines, "invite_all_line", name=name)
        assert "start=" in found["link"]
    assert not matches(out, "invite_all_line", name="县教育局党支部")  # has a secretary
    # Many: a file, one row per branch.
    await big_committee(sim, 60)
    out = await sim.say(ADMIN, "/invite all")
    assert len(out) == 1 and out[0].kind == "document"
    check(out[0].caption or "", "invite_all_file")
    rows = (out[0].file_bytes or b"").decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 4 + 30 and all("start=" in r for r in rows[1:])
    assert await sim.say(ADMIN, "/invite all")  # fresh links again, never an error


async def test_invite_all_splits_on_lines(sim: Sim) -> None:
    names = await big_committee(sim, 60)  # 30 without a secretary: text, not a file
    out = await sim.say(ADMIN, "/invite all")
    assert all(m.kind == "text" for m in out)
    assert_within_limits(out)
    assert names_in(out) == names[1::2]


async def test_circular_after_posting_is_the_text_as_posted(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B})
    await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(hours=6))
    posted = [
        m.text or ""
        for m in sim.double.sent_to(COORD_GROUP)
        if "关于2026年11月" in (m.plain_text or "")
    ]
    assert len(posted) == 1
    # A report after posting: the circular shown stays the one posted (not rebuilt).
    await sim.say(B, "/report")
    await sim.say(B, "乙支部十一月补交的报告。")
    out = await sim.say(ADMIN, "/circular")
    check(out, "circular_posted_head", month=key("fmt_month", y=2026, m=11))
    assert not matches(out, "circular_preview_head")
    assert posted[0] in "\n".join(m.text or "" for m in out)
    out = await sim.say(ADMIN, "/circular 2026-11")
    check(out, "circular_posted_head")


def many_tasks_plan(n: int) -> str:
    tasks = "\n".join(f"{i}. 完成第{i}项规范化任务，12月{i}日前完成。" for i in range(1, n + 1))
    return (
        "关于开展2026年党支部规范化建设的工作方案\n\n"
        f"一、推进实施阶段（11月1日至12月31日）\n{tasks}\n"
    )


async def test_mytasks_for_two_branches_picks_the_branch_and_pages_the_tasks(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": None})
    await join(sim, A, "甲支部书记", "乙支部")
    update = sim.factory.document(ADMIN, file_name="方案.txt", content=many_tasks_plan(25).encode())
    await sim.feed(update)
    check(
        await sim.press(ADMIN, sim.double.last_to(ADMIN), label("plan_btn_enable")), "plan_enabled"
    )
    out = await sim.say(A, "/mytasks")
    check(out, "mytasks_pick_branch")
    assert [lbl for lbl, _ in out[-1].buttons()] == ["甲支部", "乙支部"]
    out = await sim.press(A, out[-1], "乙支部")
    check(out, "mytasks_head", branch="乙支部")
    assert not matches(out, "mytasks_head", branch="甲支部")
    picker = out[-1]
    check(picker, "mytasks_pick_in", branch="乙支部")
    first = [lbl for lbl, _ in picker.buttons() if "规范化任务" in lbl]
    assert len(first) == 20 and any(lbl == "1/2" for lbl, _ in picker.buttons())
    await sim.press(A, picker, "›")
    second = [lbl for lbl, _ in picker.buttons() if "规范化任务" in lbl]
    assert len(second) == 5 and not set(first) & set(second)
    datas = {d for _, d in picker.buttons() if d and ":task:" in d}
    # Every button of the page is for 乙支部; one task can be set from it.
    branch_ids = {d.split(":")[-2] for d in datas}  # the last part is the signature
    assert len(branch_ids) == 1
    out = await sim.press(A, picker, "第21项")
    out = await sim.press(A, out[-1], label("task_status_done"))
    check(out, "task_saved", status=key("task_status_done"))
    # Someone else's branch, by a forged button, is refused.
    sim.forget_messages()
    await sim.feed(sim.factory.callback(B, picker, picker.buttons()[0][1] or "", allow_forged=True))
    await sim.feed(
        sim.factory.callback(A, picker, await signed(sim, "z1:mtb:999"), allow_forged=True)
    )
    answers = [a.get("text") or "" for a in sim.double.callback_answers]
    assert len(answers) == 2 and not any(m.chat_id in (A, B) for m in sim.double.messages)


async def test_circular_typed_in_the_group_is_one_screen(sim: Sim) -> None:
    await big_committee(sim, 600)  # a circular of several messages
    out = await sim.say_in_group(COORD_GROUP, ADMIN, "/circular")
    assert len(out) == 1
    assert_within_limits(out, group=True)
    check(out, "group_more")
    assert label("btn_full_private") in [lbl for lbl, _ in out[0].buttons()]
    await sim.say(ADMIN, "/help")
    private = await sim.press(ADMIN, out[0], label("btn_full_private"))
    assert len(private) > 1 and all(m.chat_id == ADMIN for m in private)
    check(private, "circular_preview_head")


async def test_invites_are_paged_after_invite_all(sim: Sim) -> None:
    await big_committee(sim, 200)
    await sim.say(ADMIN, "/invite all")  # 100 links
    out = await sim.say(ADMIN, "/invites")
    assert len(out) == 1
    assert_within_limits(out)
    assert any(lbl == "1/4" for lbl, _ in out[0].buttons())
    await sim.press(ADMIN, out[0], "›")
    assert any(lbl == "2/4" for lbl, _ in out[0].buttons())
    assert_within_limits(await sim.say_in_group(COORD_GROUP, ADMIN, "/invites"), group=True)
