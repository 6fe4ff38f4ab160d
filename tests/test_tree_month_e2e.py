"""逐级报送, a whole month end to end: two 党总支 (一总支 reviews its 支部's reports,
二总支 does not) and a 支部 directly under the committee (docs/tree-review.md).

一总支 gathers 甲支部 and 乙支部 and reviews (审核); 二总支 gathers 丙支部 and 戊支部;
丁支部 sits directly under the committee. Reminders go out; 甲支部's report is
returned with a comment, revised and approved; 乙支部's waits for review and its 总支
secretary is reminded; forged approvals from outside are refused. After the due
day each 总支's group gets its own circular and the committee's group the grouped
one; the Word circular, the ledger (read back with openpyxl) and /review carry the
same grouping. A second test: 300 units under 40 总支 stay within Telegram's limits.
"""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import openpyxl

from bot.calendar import Month
from bot.services import circular as circular_mod
from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Sim
from tests.catalog import check, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import join, signed, text_of

G1, G2, A, B, C, D, E = 701, 702, 711, 712, 713, 714, 715
GROUP1, GROUP2 = -100801, -100802


def to_chat(sim: Sim, chat_id: int, since: int = 0) -> list[SentMessage]:
    return [m for m in sim.double.messages[since:] if m.chat_id == chat_id]


async def build(sim: Sim) -> None:
    check(await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup"), "bindgroup_done")
    await sim.say(ADMIN, "/addbranch 类型=总支 报送=否\n一总支\n二总支")
    check(await sim.say(ADMIN, "/addbranch 上级=一总支\n甲支部\n乙支部"), "tree_added_under")
    check(await sim.say(ADMIN, "/addbranch 上级=二总支\n丙支部\n戊支部"), "tree_added_under")
    check(await sim.say(ADMIN, "/addbranch 丁支部"), "branch_added", name="丁支部")
    for uid, unit in ((G1, "一总支"), (G2, "二总支"), (A, "甲支部"), (B, "乙支部")):
        await join(sim, uid, f"{unit}书记", unit)
    for uid, unit in ((C, "丙支部"), (D, "丁支部"), (E, "戊支部")):
        await join(sim, uid, f"{unit}书记", unit)
    sim.group(GROUP1, "一总支群")
    sim.group(GROUP2, "二总支群")
    check(await sim.say_in_group(GROUP1, G1, "/bindgroup"), "bindgroup_general_done")
    check(await sim.say_in_group(GROUP2, G2, "/bindgroup"), "bindgroup_general_done")


async def report(sim: Sim, uid: int, text: str) -> list[SentMessage]:
    await sim.say(uid, "/report")
    out = await sim.say(uid, text)
    await sim.tick()  # the review request goes out through the outbox
    return out


async def pressed(sim: Sim, uid: int, message: SentMessage, text: str) -> list[object]:
    """What pressing a button gave: the messages and the toasts (refusals are toasts)."""
    before = len(sim.double.callback_answers)
    out: list[object] = list(await sim.press(uid, message, text))
    return out + [str(a.get("text") or "") for a in sim.double.callback_answers[before:]]


def last_to(sim: Sim, chat_id: int, key: str, **params: object) -> SentMessage:
    found = [m for m in to_chat(sim, chat_id) if matches(m, key, **params)]
    assert found, (key, text_of(to_chat(sim, chat_id)))
    return found[-1]


async def test_a_month_with_two_generals_one_reviewing(sim: Sim) -> None:
    await build(sim)

    # 审核: set by 一总支's own secretary; another 总支's secretary cannot set it; the
    # committee can (and turns 二总支's off, as it was).
    check(await sim.say(G1, "/reviewmode 开"), "apv_mode_on", name="一总支")
    check(await sim.say(G2, "/reviewmode 一总支 关"), "denied_outside")
    check(await sim.say(A, "/reviewmode 一总支 关"), "denied")
    check(await sim.say(ADMIN, "/reviewmode 二总支 关"), "apv_mode_off", name="二总支")
    check(await sim.say(ADMIN, "/reviewmode 甲支部 开"), "tree_not_general")

    # Reminders before the due day reach every 支部, under a 总支 or not.
    mark = len(sim.double.messages)
    await sim.advance_to(at(2026, 11, 20, 10), step=timedelta(hours=12))
    for uid in (A, B, C, D, E):
        assert any(matches(m, "remind_days") for m in to_chat(sim, uid, mark)), uid
    assert not any(matches(m, "remind_days") for m in to_chat(sim, G1, mark))  # gathers only

    # 甲支部 reports: it goes to 一总支's secretary first, with 通过 / 退回.
    check(await report(sim, A, "本月开展主题党日活动。"), "apv_sent_for_review")
    ask = last_to(sim, G1, "apv_ask", branch="甲支部")
    # Nothing to 二总支's secretary: it does not review.
    assert not matches(await report(sim, C, "丙支部本月学习党章。"), "apv_sent_for_review")
    assert not any(matches(m, "apv_ask") for m in to_chat(sim, G2))

    # The committee counts 甲支部 as reported (on time) and shows it awaits review.
    status = await sim.say(ADMIN, "/status")
    check(status, "grp_pending_total", count=1)
    check(status, "grp_line", name="一总支", expected=2, on_time=1, late=0)
    check(status, "grp_line", name="直属支部", expected=1, on_time=0)
    assert text_of(status).index("一总支") < text_of(status).index("甲支部")
    # 一总支's own /status marks it too (its units only); 二总支's shows nothing of it.
    mine = await sim.say(G1, "/status")
    check(mine, "grp_pending_total", count=1)
    check(mine, "grp_awaiting")
    assert "丁支部" not in text_of(mine)
    assert not matches(await sim.say(G2, "/status"), "grp_pending_total")

    # A forged approval: 二总支's secretary (and the committee) replaying 一总支's button.
    data = ask.callback_data(label("apv_btn_ok"))
    for outsider in (G2, ADMIN, A):
        carrier = (await sim.say(outsider, "/help"))[-1]
        before = len(sim.double.callback_answers)
        update = sim.factory.callback(outsider, carrier, data, allow_forged=True)
        out = await sim.feed(update)
        answers = [str(a.get("text") or "") for a in sim.double.callback_answers[before:]]
        assert matches(answers, "denied_outside") or matches(out, "denied_outside"), outsider
    report_id = int(data.split(":")[2])
    forged = await signed(sim, f"z1:apv:{report_id + 999}")
    carrier = (await sim.say(G1, "/help"))[-1]
    before = len(sim.double.callback_answers)
    await sim.feed(sim.factory.callback(G1, carrier, forged, allow_forged=True))
    answers = [str(a.get("text") or "") for a in sim.double.callback_answers[before:]]
    assert matches(answers, "stale_button"), answers  # a report that does not exist

    # 退回 with the comment typed next: 甲支部's people are told, with the comment.
    check(await sim.press(G1, ask, label("apv_btn_return")), "apv_ask_comment", branch="甲支部")
    done = await sim.say(G1, "请补充学习的具体篇目")
    check(done, "apv_done_returned", branch="甲支部", comment="请补充学习的具体篇目")
    await sim.tick()
    told = last_to(sim, A, "apv_told_returned", comment="请补充学习的具体篇目")
    # The 支部 revises from that message; the revision goes to review again.
    await sim.press(A, told, label("apv_btn_revise"))
    await sim.say(A, "本月开展主题党日活动，学习党章第一至三章。")
    await sim.tick()
    again = last_to(sim, G1, "apv_ask", branch="甲支部", revision=2)
    check(await sim.press(G1, again, label("apv_btn_ok")), "apv_done_ok", branch="甲支部")
    await sim.tick()
    last_to(sim, A, "apv_told_ok", general="一总支")
    assert matches(await pressed(sim, G1, again, label("apv_btn_ok")), "apv_not_pending")
    assert matches(await pressed(sim, G1, ask, label("apv_btn_return")), "apv_not_pending")

    # 乙支部 and 丁支部 report on time; 乙支部's waits for review; 戊支部 never reports.
    await sim.advance_to(at(2026, 11, 24, 10))
    await report(sim, B, "乙支部完成支部委员会换届。")
    await report(sim, D, "丁支部开展志愿服务。")
    check(await sim.say(ADMIN, "/status"), "grp_pending_total", count=1)

    # After the due day: each 总支's circular in its own group, the committee's grouped.
    mark = len(sim.double.messages)
    await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(hours=6))
    group1 = text_of(to_chat(sim, GROUP1, mark))
    assert "甲支部" in group1 and "乙支部" in group1 and "丙支部" not in group1
    check(to_chat(sim, GROUP1, mark), "gcirc_to")
    group2 = text_of(to_chat(sim, GROUP2, mark))
    assert "丙支部" in group2 and "戊支部" in group2 and "甲支部" not in group2
    committee = to_chat(sim, COORD_GROUP, mark)
    check(committee, "circ_sec_by_general", n="二")
    check(committee, "circ_group_line", name="一总支", expected=2, on_time=2, late=0, missing=0)
    check(committee, "circ_group_line", name="二总支", expected=2, on_time=1, missing=1)
    check(committee, "circ_group_line", name="直属支部", expected=1, on_time=1)
    check(committee, "circ_group_pending", count=1)
    check(committee, "circ_group_names", group="二总支", names="戊支部")  # 未报, by 总支
    whole = text_of(committee)
    assert whole.index("各党总支报送情况") < whole.index("按时报送的支部")

    # 乙支部 has waited three days: 一总支's secretary is reminded, once.
    mark = len(sim.double.messages)
    await sim.advance_to(at(2026, 11, 27, 12), step=timedelta(hours=6))
    waits = [m for m in to_chat(sim, G1, mark) if matches(m, "apv_wait", branch="乙支部")]
    assert len(waits) == 1, text_of(to_chat(sim, G1, mark))
    await sim.advance_to(at(2026, 11, 28, 12), step=timedelta(hours=6))
    assert len([m for m in to_chat(sim, G1, mark) if matches(m, "apv_wait")]) == 1

    # The Word circular carries the same grouping (it renders the model).
    out = await sim.say(ADMIN, "/circulardoc 2026-11")
    doc = next(m for m in out if m.file_bytes and (m.file_name or "").endswith(".docx"))
    assert doc.file_bytes is not None
    paragraphs = [p.text for p in docx.Document(io.BytesIO(doc.file_bytes)).paragraphs]
    assert any("各党总支报送情况" in p for p in paragraphs)
    assert any(p.startswith("一总支：应报2个，按时2个") for p in paragraphs), paragraphs

    # The ledger: a 总支 column on the matrix and the reports, and the 总支汇总 sheet.
    out = await sim.say(ADMIN, "/export 2026")
    xlsx = next(m for m in out if m.file_bytes and (m.file_name or "").endswith(".xlsx"))
    assert xlsx.file_bytes is not None
    book = openpyxl.load_workbook(io.BytesIO(xlsx.file_bytes))
    matrix = list(book["报送矩阵"].iter_rows(values_only=True))
    assert matrix[0][:3] == ("支部", "总支", "类别")
    by_unit = {row[0]: row[1] for row in matrix[1:] if row[0]}
    assert by_unit["甲支部"] == "一总支" and by_unit["戊支部"] == "二总支"
    assert by_unit["丁支部"] == "直属支部"
    reports = list(book["报告明细"].iter_rows(values_only=True))
    assert reports[0][:2] == ("支部", "总支")
    assert {(r[0], r[1]) for r in reports[1:] if r[0]} >= {
        ("甲支部", "一总支"),
        ("丁支部", "直属支部"),
    }
    summary = list(book["总支汇总"].iter_rows(values_only=True))
    assert summary[0] == ("总支", "月份", "应报", "按时", "迟报", "未报", "免报", "按时率")
    rows = {(r[0], r[1]): r[2:] for r in summary[1:] if r[0] and r[1]}
    assert rows[("一总支", "2026-11")] == (2, 2, 0, 0, 0, 1.0)
    assert rows[("二总支", "2026-11")] == (2, 1, 0, 1, 0, 0.5)
    assert rows[("直属支部", "2026-11")] == (1, 1, 0, 0, 0, 1.0)

    # /review: a block per 总支 before the branches.
    review = await sim.say(ADMIN, "/review 2026")
    check(review, "rec_review_groups_head")
    check(review, "rec_review_group_line", name="二总支", units=2, rate="50.0%", missing=1)
    text = text_of(review)
    assert text.index("二总支（2个）") < text.index("戊支部｜")


async def test_300_units_under_40_generals_stay_within_limits(sim: Sim) -> None:
    """A committee of 40 总支 and 300 units: /status in its group is one screen with a
    line per 总支 (then how many more), in private the per-总支 block leads page 1; the
    circular's grouped section is one message."""
    check(await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup"), "bindgroup_done")
    generals = [f"第{i:02d}党总支" for i in range(1, 41)]
    await sim.say(ADMIN, "/addbranch 类型=总支 报送=否\n" + "\n".join(generals))
    for i, g in enumerate(generals, 1):
        names = "\n".join(f"第{i:02d}总支第{j}党支部" for j in range(1, 8))
        await sim.say(ADMIN, f"/addbranch 上级={g}\n{names}")
    await sim.say(ADMIN, "/addbranch " + "\n".join(f"直属第{k:02d}党支部" for k in range(1, 21)))

    in_group = await sim.say_in_group(COORD_GROUP, ADMIN, "/status")
    assert len(in_group) == 1 and len(in_group[0].text or "") <= 4096
    more = check(in_group, "grp_more")
    assert 41 - 12 <= int(more["count"]) < 41  # as many 总支 lines as fit, the rest counted
    assert len((in_group[0].plain_text or "").splitlines()) <= 20
    assert not matches(in_group, "group_more")  # fits the screen: nothing cut
    private = await sim.say(ADMIN, "/status")
    assert all(len(m.text or "") <= 4096 for m in private)
    check(private, "grp_head")
    check(private, "grp_line", name="第01党总支", expected=7)
    # ~30 lines a page: the 41 总支 lines run onto page 2, the units by 总支 after them.
    page = private[-1]
    nxt = next(value for text, value in page.buttons() if "›" in text and value)
    await sim.feed(sim.factory.callback(ADMIN, page, nxt))
    second = page.plain_text or ""
    assert "直属支部" in second and len(page.text or "") <= 4096
    assert second.index("第40党总支") < second.index("【第01党总支】")

    await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(hours=12))
    async with sim.env.db.reading() as tx:
        model = await circular_mod.build(sim.env, tx, Month(2026, 11), sim.clock())
    section = model.section("by_general")
    assert section is not None and len(section.paras) == 41
    only = model.model_copy(update={"sections": (section,), "title": (), "closing": ()})
    only = only.model_copy(update={"salutation": None, "intro": (), "sign": None})
    assert len(circular_mod.chat_messages(only.model_copy(update={"date_line": None}))) == 1
    posted = to_chat(sim, COORD_GROUP)
    assert all(len(m.text or "") <= 4096 for m in posted)
