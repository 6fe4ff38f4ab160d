"""The foundation, end to end, as its users would try it."""

from __future__ import annotations

from datetime import date, timedelta

from bot.calendar import Month
from bot.models import Report
from bot.services.base import Env
from bot.services.fmt import date_label, month_label
from bot.testing.sim import Sim
from storage import branches, meta, reports
from tests.catalog import check, key, label
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import invite_token, text_of

S1, S2 = 401, 402
NOV = month_label("zh-Hans", Month(2026, 11))
DEC = month_label("zh-Hans", Month(2026, 12))
ON_TIME, LATE = key("timing_on_time"), key("timing_late")
MAKE_UP_NOV = label("report_btn_makeup", month=NOV)


async def _secretary(sim: Sim, user: int, name: str, branch: str) -> None:
    """The admin adds `branch`; `user` (called `name`) joins it with an invitation."""
    await sim.say(ADMIN, f"/addbranch {branch}")
    sim.user(user, name)
    await sim.say(user, f"/start {await invite_token(sim, branch)}")


async def _report(env: Env, branch_name: str, month: str) -> Report | None:
    async with env.db.reading() as tx:
        branch = await branches.find_branch(tx, branch_name)
        assert branch is not None
        return await reports.get_report(tx, branch.id, month)


async def test_three_branches_two_secretaries_report_revise_status(sim: Sim, env: Env) -> None:
    await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup")
    for name in ("一支部", "二支部", "三支部"):
        check(await sim.say(ADMIN, f"/addbranch {name}"), "branch_added", name=name)
    sim.user(S1, "王一")
    sim.user(S2, "李二")
    t1 = await invite_token(sim, "一支部")
    t2 = await invite_token(sim, "二支部")
    check(await sim.say(S1, f"/start {t1}"), "joined_member", branch="一支部")
    check(await sim.say(S2, f"/start {t2}"), "joined_member", branch="二支部")

    # S1 reports with /report.
    prompt = await sim.say(S1, "/report")
    due = date_label("zh-Hans", date(2026, 11, 25), weekday=True)
    check(prompt, "report_ask", branch="一支部", month=NOV, due=due)
    ack = await sim.say(S1, "召开支部大会一次，学习全会精神。")
    check(ack, "report_saved", branch="一支部", timing=ON_TIME, chars=16)

    # S2 is reminded on the 20th and replies to the reminder with a photo and caption.
    await sim.advance_to(at(2026, 11, 20, 9))
    reminder = sim.double.last_to(S2)
    check(reminder, "remind_days", branch="二支部", month=NOV)
    out = await sim.feed(sim.factory.photo(S2, caption="开展主题党日。", reply_to=reminder))
    check(out, "report_saved", branch="二支部", timing=ON_TIME)

    # S1 revises through the button under the acknowledgement.
    await sim.press(S1, ack[-1], label("report_btn_revise"))
    out = await sim.say(S1, "召开支部大会一次，学习全会精神，并开展志愿服务。")
    check(out, "report_revised", branch="一支部", revisions=2)

    status = await sim.say(ADMIN, "/status")
    waiting = key("status_missing_label_waiting")
    check(status, "status_totals", expected=3, on_time=2, late=0, missing_label=waiting)
    check(status, "status_totals", missing=1, no_secretary=1)
    check(status, "status_line_on_time", name="一支部")
    check(status, "status_line_on_time", name="二支部")
    check(status, "status_line_waiting", name="三支部")

    detail = await sim.say(ADMIN, "/status 二支部")
    check(detail, "status_branch", name="二支部", attachments=1)
    assert "开展主题党日" in text_of(detail)
    detail = await sim.say(ADMIN, "/status 一支部")
    check(detail, "status_branch", name="一支部", revisions=2)
    assert "志愿服务" in text_of(detail)

    async with env.db.reading() as tx:
        b1 = await branches.find_branch(tx, "一支部")
        assert b1 is not None
        report = await reports.get_report(tx, b1.id, "2026-11")
        assert report is not None
        revisions = await reports.revisions(tx, report.id)
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
    check(out, "report_saved", branch="三支部", timing=LATE)
    status = await sim.say(ADMIN, "/status")
    overdue = key("status_missing_label_overdue")
    check(status, "status_totals", on_time=2, late=1, missing_label=overdue, missing=0)
    check(status, "status_line_late", name="三支部")


async def test_secretary_of_two_branches_picks_with_a_button(sim: Sim) -> None:
    for name in ("东支部", "西支部"):
        await sim.say(ADMIN, f"/addbranch {name}")
    sim.user(S1, "王一")
    for name in ("东支部", "西支部"):
        await sim.say(S1, f"/start {await invite_token(sim, name)}")
    out = await sim.say(S1, "/report")
    check(out, "report_choose_branch")
    out = await sim.press(S1, out[-1], "西支部")
    check(out, "report_ask", branch="西支部")
    out = await sim.say(S1, "西支部的报告")
    check(out, "report_saved", branch="西支部")
    history = await sim.say(S1, "/myreports")
    check(history, "myreports_none", branch="东支部")
    check(history, "myreports_line", month=NOV, timing=ON_TIME)


async def test_handover_tells_both_and_is_audited(sim: Sim, env: Env) -> None:
    await sim.say(ADMIN, "/addbranch 南支部")
    sim.user(S1, "老书记")
    await sim.say(S1, f"/start {await invite_token(sim, '南支部')}")
    sim.user(S2, "新书记")
    out = await sim.say(S2, f"/start {await invite_token(sim, '南支部')}")
    check(out, "joined_member_handover", branch="南支部", old="老书记")
    check(sim.double.last_to(S1), "handover_old", name="新书记", branch="南支部")
    async with env.db.reading() as tx:
        actions = [a.action for a in await meta.audit_log(tx)]
    assert "secretary_replaced" in actions and "secretary_bound" in actions
    # The old secretary can no longer report for the branch.
    check(await sim.say(S1, "/report"), "not_a_secretary")


async def test_invite_links_single_use_expiry_and_revocation(sim: Sim) -> None:
    await sim.say(ADMIN, "/addbranch 北支部")
    token = await invite_token(sim, "北支部")
    assert len(token) >= 22  # 128 bits in URL-safe base64
    sim.user(S1, "甲")
    sim.user(S2, "乙")
    await sim.say(S1, f"/start {token}")
    check(await sim.say(S2, f"/start {token}"), "invite_used")
    check(await sim.say(S1, f"/start {token}"), "invite_used_by_you")
    check(await sim.say(S2, "/start forged-token-000000000"), "invite_invalid")
    revoked = await invite_token(sim, "北支部")
    invite_id = check(await sim.say(ADMIN, "/invites"), "invites_line")["id"]
    check(await sim.say(ADMIN, f"/revoke {invite_id}"), "invite_revoked_ok", id=invite_id)
    check(await sim.say(S2, f"/start {revoked}"), "invite_revoked")
    expiring = await invite_token(sim, "北支部")
    await sim.advance_to(at(2026, 11, 9, 10, 1), step=timedelta(days=1))
    check(await sim.say(S2, f"/start {expiring}"), "invite_expired")


async def test_group_migration_keeps_the_coordination_chat(sim: Sim, env: Env) -> None:
    old = -4001
    sim.group(old, "小群")
    await sim.say_in_group(old, ADMIN, "/bindgroup")
    new = -1009999999999
    sim.double.migrate(old, new)
    await sim.feed(sim.factory.migrate_message(old, new, ADMIN))
    out = await sim.say_in_group(new, ADMIN, "/status")
    check(out, "status_head")


async def test_report_early_next_month_offers_the_missing_month(sim: Sim, env: Env) -> None:
    await _secretary(sim, S1, "王一", "中支部")
    await sim.advance_to(at(2026, 12, 2, 10), step=timedelta(days=1))
    out = await sim.say(S1, "/report")
    check(out, "report_choose_month", branch="中支部", missing=NOV)
    out = await sim.press(S1, out[-1], MAKE_UP_NOV)
    check(out, "report_ask", month=NOV, late_note=key("report_ask_late"))
    out = await sim.say(S1, "十一月的补报。")
    check(out, "report_saved", month=NOV, timing=LATE)
    # Now November is in: /report goes straight to December.
    out = await sim.say(S1, "/report")
    check(out, "report_ask", branch="中支部", month=DEC)
    # A forged month outside (previous, current) is refused.
    carrier = (await sim.say(S1, "/help"))[-1]
    async with env.db.reading() as tx:
        branch = await branches.find_branch(tx, "中支部")
    assert branch is not None
    update = sim.factory.callback(S1, carrier, f"z1:pick:{branch.id}:2026-01", allow_forged=True)
    before = len(sim.double.callback_answers)
    await sim.feed(update)
    check([str(a.get("text")) for a in sim.double.callback_answers[before:]], "stale_button")


async def test_text_typed_before_choosing_the_month_is_kept(sim: Sim, env: Env) -> None:
    """QA #1: after "which month?", a typed report was dropped and /report looped."""
    await _secretary(sim, S1, "王一", "西支部")
    await sim.advance_to(at(2026, 12, 2, 10), step=timedelta(days=1))
    await sim.say(S1, "/report")
    out = await sim.say(S1, "十二月工作情况：学习。")
    # Asked again, with the buttons; the text is held.
    check(out, "report_choose_month_held", branch="西支部", missing=NOV)
    out = await sim.press(S1, out[-1], label("report_btn_current", month=DEC))
    check(out, "report_saved", branch="西支部", month=DEC)
    report = await _report(env, "西支部", "2026-12")
    assert report is not None and report.text == "十二月工作情况：学习。"


async def test_a_stale_question_lapses(sim: Sim, env: Env) -> None:
    """QA #2: a /report left open in October made November's text October's revision."""
    await _secretary(sim, S1, "王一", "东支部")
    await sim.say(S1, "/report")
    await sim.say(S1, "十一月报告。")
    ack = (await sim.say(S1, "/myreports"))[-1]
    check(ack, "myreports_line", month=NOV)
    await sim.say(S1, "/report")  # asks for a revision, never answered
    await sim.advance_to(at(2026, 11, 3, 10), step=timedelta(hours=6))
    out = await sim.say(S1, "这是新的一段话。")
    check(out, "typed_held")  # held and asked about, not a silent revision
    report = await _report(env, "东支部", "2026-11")
    assert report is not None and report.revisions == 1


async def _owing_secretary(sim: Sim, name: str) -> None:
    await _secretary(sim, S2, "李二", name)
    await sim.advance_to(at(2026, 12, 2, 10), step=timedelta(days=1))


async def test_a_report_typed_in_parts_before_the_month_is_kept_whole(sim: Sim, env: Env) -> None:
    """QA2 B2/B3/P1: parts appended, each one keeps the question alive, the reply says so."""
    await _owing_secretary(sim, "南支部")
    await sim.say(S2, "/report")
    out = await sim.say(S2, "第一部分：学习。")
    check(out, "report_choose_month_held", branch="南支部", missing=NOV)
    sim.clock.set(sim.clock() + timedelta(hours=11))
    await sim.say(S2, "第二部分：组织生活会。")
    sim.clock.set(sim.clock() + timedelta(hours=11))  # 22 h after /report, 11 h after typing
    out = await sim.press(S2, sim.double.last_to(S2), MAKE_UP_NOV)
    check(out, "report_saved", branch="南支部", month=NOV, timing=LATE)
    report = await _report(env, "南支部", "2026-11")
    assert report is not None and report.text == "第一部分：学习。\n第二部分：组织生活会。"


async def test_a_photo_while_asked_which_month_is_not_filed_anywhere(sim: Sim, env: Env) -> None:
    """QA2 B1/B5: the photo's month is unknown: ask first, store nothing, keep the held text."""
    await _owing_secretary(sim, "北支部")
    await sim.say(S2, "/report")
    await sim.say(S2, "十一月的报告。")
    out = await sim.feed(sim.factory.photo(S2, caption="这是照片说明"))
    check(out, "report_choose_month_first")
    await sim.press(S2, sim.double.last_to(S2), MAKE_UP_NOV)
    async with env.db.reading() as tx:
        branch = await branches.find_branch(tx, "北支部")
        assert branch is not None
        nov = await reports.get_report(tx, branch.id, "2026-11")
        dec = await reports.get_report(tx, branch.id, "2026-12")
        files = await reports.attachments(tx, branch.id, "2026-12")
    assert nov is not None and nov.text == "十一月的报告。"
    assert dec is None and files == []
