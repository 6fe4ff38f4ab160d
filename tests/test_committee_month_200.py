"""A 200-branch committee's November with real people in it, end to end.

The committee is built through storage (not 200 chat commands); the five branches with
real secretaries are joined by invite links, as in life. Then the month runs: a typed
report, a Word report, a report filed under the wrong branch and withdrawn, an English
app, a two-branch secretary, /status in private and in the group, the reminder stages,
the due day and the circular. Every message the bot sent stays within Telegram's limits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from bot.calendar import Month
from bot.models import MemberRole
from bot.services.base import Env
from bot.services.fmt import month_label
from bot.testing.botapi_double import MessageVersion, SentMessage, utf16_len
from bot.testing.sim import Sim
from storage import branches, people, reports
from tests.catalog import check, key, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.docs import word_file as word
from tests.helpers import invite_token, join, text_of

NOV = month_label("zh-Hans", Month(2026, 11))
TYPIST, WORDY, TWO, ENGLISH = 501, 502, 503, 504
NAMED = ["甲支部", "乙支部", "丙支部", "丁支部", "戊支部"]
GENERATED = [f"第{i:04d}党支部" for i in range(1, 196)]
ALL = NAMED + GENERATED
assert len(ALL) == 200
NAME = re.compile(r"第\d{4}党支部|[甲乙丙丁戊]支部")
NO_SECRETARY = {name for i, name in enumerate(GENERATED) if i % 10 == 9}  # 19 of them


def secretary_of(name: str) -> int:
    return 100000 + GENERATED.index(name)


async def build_committee(sim: Sim) -> None:
    check(await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup"), "bindgroup_done")
    now = sim.clock()
    async with sim.env.db.transaction() as tx:
        for name in ALL:
            branch = await branches.add_branch(tx, name, "", now)
            assert branch is not None
            if name in GENERATED and name not in NO_SECRETARY:
                uid = secretary_of(name)
                await people.upsert_user(tx, uid, f"{name}书记", "", None, None, now)
                await branches.set_member(tx, branch.id, MemberRole.SECRETARY, uid, now)


async def stored_text(env: Env, name: str) -> str | None:
    async with env.db.reading() as tx:
        branch = await branches.find_branch(tx, name)
        assert branch is not None
        report = await reports.get_report(tx, branch.id, "2026-11")
    return None if report is None else report.text


async def reported(env: Env) -> set[str]:
    async with env.db.reading() as tx:
        ids = await reports.reported_branch_ids(tx, "2026-11")
        names = set()
        for name in ALL:
            branch = await branches.find_branch(tx, name)
            assert branch is not None
            if branch.id in ids:
                names.add(name)
    return names


def names_in(messages: list[SentMessage]) -> list[str]:
    return [n for m in messages for n in NAME.findall(m.plain_text or "")]


def assert_within_limits(
    messages: Sequence[SentMessage | MessageVersion], *, group: bool = False
) -> None:
    """Telegram's limits (text, buttons, callback data), and one screen in a group."""
    for m in messages:
        assert utf16_len(m.plain_text or "") <= 4096, (m.plain_text or "")[:80]
        rows = (m.reply_markup or {}).get("inline_keyboard", [])
        buttons = [b for row in rows for b in row]
        assert len(buttons) <= 100, ((m.plain_text or "")[:80], len(buttons))
        for b in buttons:
            data = b.get("callback_data")
            assert data is None or len(data.encode()) <= 64, data
        if group and isinstance(m, SentMessage) and m.kind == "text":
            assert len((m.plain_text or "").splitlines()) <= 16, m.plain_text


async def test_a_200_branch_committee_through_november(sim: Sim, env: Env) -> None:
    await build_committee(sim)
    await join(sim, TYPIST, "甲支部书记", "甲支部")
    await join(sim, WORDY, "乙支部书记", "乙支部")
    await join(sim, TWO, "丙丁书记", "丙支部")
    await join(sim, TWO, "丙丁书记", "丁支部")
    # The English-app secretary joins and is answered in the committee's Chinese.
    token = await invite_token(sim, "戊支部")
    sim.user(ENGLISH, "Li Wei", language_code="en")
    out = await sim.say(ENGLISH, f"/start {token}")
    check(out, "joined_member", lang="zh-Hans", branch="戊支部")
    assert not matches(out, "joined_member", lang="en")
    out = await sim.say(ENGLISH, "/report")
    check(out, "report_ask", lang="zh-Hans", branch="戊支部", month=NOV)
    assert not matches(out, "report_ask", lang="en")
    await sim.say(ENGLISH, "/cancel")

    # ---- a report typed straight in: held, asked about, filed by a tap
    typed = "本月召开支部大会一次，开展主题党日活动。"
    out = await sim.say(TYPIST, typed)
    check(out, "typed_held", chars=len(typed))
    assert await stored_text(env, "甲支部") is None
    out = await sim.press(TYPIST, out[-1], label("typed_btn_submit", branch="甲支部", month=NOV))
    check(out, "report_saved", branch="甲支部", month=NOV, timing=key("timing_on_time"))
    assert await stored_text(env, "甲支部") == typed
    out = await sim.say(ADMIN, "/status 甲支部")
    check(out, "status_branch", name="甲支部", month=NOV, timing=key("timing_on_time"))

    # ---- a Word report: its text offered, filed by a tap
    paragraphs = ("乙支部十一月工作情况", "一、召开支部委员会。", "二、开展志愿服务。")
    data = word(*paragraphs)
    out = await sim.feed(sim.factory.document(WORDY, file_name="乙支部十一月.docx", content=data))
    check(out, "report_file_offer", name="乙支部十一月.docx")
    check(out, "typed_held")
    assert await stored_text(env, "乙支部") is None
    out = await sim.press(WORDY, out[-1], label("typed_btn_submit", branch="乙支部", month=NOV))
    check(out, "report_saved", branch="乙支部", month=NOV)
    assert await stored_text(env, "乙支部") == "\n".join(paragraphs)
    assert await reported(env) == {"甲支部", "乙支部"}

    # ---- a two-branch secretary: /report asks which branch; the wrong one is picked
    out = await sim.say(TWO, "/report")
    check(out, "report_choose_branch")
    assert {lbl for lbl, _ in out[-1].buttons()} >= {"丙支部", "丁支部"}
    out = await sim.press(TWO, out[-1], "丙支部")
    check(out, "report_ask", branch="丙支部")
    ack = (await sim.say(TWO, "丁支部十一月开展党员冬训。"))[-1]
    check(ack, "report_saved", branch="丙支部")
    assert await reported(env) == {"甲支部", "乙支部", "丙支部"}
    check(await sim.say(ADMIN, "/status"), "status_totals", on_time=3, missing=197)
    # ... withdrawn by its author before the circular: 丙支部 is missing again.
    out = await sim.press(TWO, ack, label("move_btn_withdraw"))
    check(out, "withdraw_confirm", branch="丙支部", month=NOV)
    out = await sim.press(TWO, out[-1], label("withdraw_btn_confirm"))
    check(out, "report_withdrawn_done", branch="丙支部", month=NOV)
    assert await stored_text(env, "丙支部") is None
    assert await reported(env) == {"甲支部", "乙支部"}
    check(await sim.say(ADMIN, "/status"), "status_totals", on_time=2, missing=198)
    # ... and filed under the right one.
    out = await sim.say(TWO, "/report")
    out = await sim.press(TWO, out[-1], "丁支部")
    check(out, "report_ask", branch="丁支部")
    check(await sim.say(TWO, "丁支部十一月开展党员冬训。"), "report_saved", branch="丁支部")
    assert await reported(env) == {"甲支部", "乙支部", "丁支部"}
    # /mytasks picks the branch first.
    out = await sim.say(TWO, "/mytasks")
    check(out, "mytasks_pick_branch")
    assert [lbl for lbl, _ in out[-1].buttons()] == ["丙支部", "丁支部"]
    out = await sim.press(TWO, out[-1], "丁支部")
    check(out, "mytasks_head", branch="丁支部")
    assert not matches(out, "mytasks_head", branch="丙支部")
    check(out, "mytasks_none")

    # ---- /status 未报 in private: only the missing ones, paged in place
    done = {"甲支部", "乙支部", "丁支部"}
    out = await sim.say(ADMIN, "/status 未报")
    assert len(out) == 1
    page = out[0]
    check(page, "status_totals", on_time=3, missing=197)
    assert not matches(page, "status_line_on_time")
    check(page, "status_only", count=197)
    labels = [lbl for lbl, _ in page.buttons()]
    assert "‹" in labels and "›" in labels and "1/7" in labels, labels
    first = names_in([page])
    assert len(first) == 30
    to_admin = len(sim.double.sent_to(ADMIN))
    assert first and not set(first) & done
    seen = list(first)
    pages = 1
    while True:
        before = names_in([page])
        await sim.press(ADMIN, page, "›")
        assert page.edited
        shown_page = f"{pages % 7 + 1}/7"
        assert shown_page in [lbl for lbl, _ in page.buttons()], page.buttons()
        now_shown = names_in([page])
        if now_shown == first:  # wrapped round to the first page
            break
        assert now_shown != before and not set(now_shown) & done
        assert not matches(page, "status_line_on_time")
        assert_within_limits([page])
        seen += now_shown
        pages += 1
        assert pages <= 10, "paging never wrapped"
    assert pages == 7
    assert sorted(seen) == sorted(set(ALL) - done)  # each missing branch once
    assert len(sim.double.sent_to(ADMIN)) == to_admin  # paged in place, nothing new sent

    # ---- /status in the group: counts, one screen, the private-copy button
    out = await sim.say_in_group(COORD_GROUP, ADMIN, "/status")
    assert_within_limits(out, group=True)
    check(out, "status_totals", on_time=3, missing=197, no_secretary=len(NO_SECRETARY))
    assert len(out) == 1
    shown = names_in(out)
    assert 0 < len(shown) <= 12, shown
    assert not set(shown) & done  # the group sees who is missing
    check(out, "group_more_branches", count=197 - len(shown))
    assert label("btn_full_private") in [lbl for lbl, _ in out[0].buttons()]
    # The private copy: to the coordinator's private chat, nothing more in the group.
    in_group = len(sim.double.sent_to(COORD_GROUP))
    private = await sim.press(ADMIN, out[0], label("btn_full_private"))
    assert private and all(m.chat_id == ADMIN for m in private)
    check(private, "status_totals", on_time=3, missing=197)
    assert len(sim.double.sent_to(COORD_GROUP)) == in_group

    # ---- the month: reminder stages, the due day, the circular
    missing_sec = secretary_of(GENERATED[0])  # a generated branch that never reports
    await sim.advance_to(at(2026, 11, 20, 10), step=timedelta(hours=6))
    check(sim.double.sent_to(missing_sec), "remind_days", branch=GENERATED[0], days=5)
    assert not matches(sim.double.sent_to(TYPIST), "remind_days")
    to_two = sim.double.sent_to(TWO)
    check(to_two, "remind_days", branch="丙支部", days=5)
    assert not matches(to_two, "remind_days", branch="丁支部")
    to_en = sim.double.sent_to(ENGLISH)
    check(to_en, "remind_days", lang="zh-Hans", branch="戊支部", days=5)
    assert not matches(to_en, "remind_days", lang="en")
    await sim.advance_to(at(2026, 11, 25, 10), step=timedelta(hours=6))
    check(sim.double.sent_to(missing_sec), "remind_today", branch=GENERATED[0])
    assert not matches(sim.double.sent_to(WORDY), "remind_today")
    assert not [m for m in sim.double.sent_to(COORD_GROUP) if matches(m, "circ_title")]
    await sim.advance_to(at(2026, 11, 28, 10), step=timedelta(hours=6))
    check(sim.double.sent_to(missing_sec), "overdue_nudge", branch=GENERATED[0], days=1)
    check(sim.double.sent_to(missing_sec), "overdue_nudge", branch=GENERATED[0], days=3)
    check(sim.double.sent_to(ENGLISH), "overdue_nudge", lang="zh-Hans", branch="戊支部")

    group = [m for m in sim.double.sent_to(COORD_GROUP) if m.date >= at(2026, 11, 26, 9)]
    titled = [i for i, m in enumerate(group) if matches(m, "circ_title", y=2026, m=11)]
    assert len(titled) == 1, text_of(group)  # posted once, three days of ticks later
    parts: list[SentMessage] = []
    for m in group[titled[0] :]:  # its text parts: up to the chart
        if m.kind != "text":
            break
        parts.append(m)
    assert 1 <= len(parts) <= 6, len(parts)
    check(parts[-1], "circ_closing")
    after = group[titled[0] + len(parts) :]
    assert [m.kind for m in after[:2]] == ["photo", "document"], [m.kind for m in after]
    assert_within_limits(parts)
    check(parts, "circ_totals", expected=200, on_time=3, late=0, missing=197)
    check(parts, "circ_sec_missing", count=197)
    joined = "".join(m.plain_text or "" for m in parts)
    for name in ALL:
        if name in joined:
            assert any(name in (m.plain_text or "") for m in parts), f"{name} cut across parts"
    for m in parts:  # no part starts or ends inside a name
        body = (m.plain_text or "").strip()
        assert not re.search(r"第\d{0,4}$|第\d{0,4}党$", body), body[-40:]
        assert not re.match(r"^(\d{1,4}党支部|党支部|支部)", body), body[:40]
    # Every branch named once, whole: the three on time, the 197 missing.
    assert sorted(names_in(parts)) == sorted(ALL)
    check(parts, "circ_sec_on_time", count=3)
    on_time_line = next(
        ln for m in parts for ln in (m.plain_text or "").splitlines() if "甲支部" in ln
    )
    assert set(NAME.findall(on_time_line)) == done, on_time_line

    # ---- everything the bot sent, the whole month
    # Five stages (5 and 2 days before, the due day, 1 and 3 days after) to each
    # secretary of a missing branch: the 176 generated ones, 丙支部's and 戊支部's.
    stages = ("remind_days", "remind_today", "overdue_nudge")
    nudged = [m for m in sim.double.messages if any(matches(m, k) for k in stages)]
    assert len(nudged) == 5 * (len(GENERATED) - len(NO_SECRETARY) + 2), len(nudged)
    assert not {m.chat_id for m in nudged} & {TYPIST, WORDY}
    assert_within_limits(sim.double.messages)
    versions = [v for m in sim.double.messages for v in m.edits]  # each page paged over
    assert len(versions) >= 7
    assert_within_limits(versions)
    assert_within_limits(
        [m for m in sim.double.sent_to(COORD_GROUP) if m.kind == "text" and m not in parts],
        group=True,
    )
