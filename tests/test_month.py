"""A month simulated through the real Application: reminders, nudges, digest, circular."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timedelta

from bot.calendar import Month
from bot.services.fmt import month_label
from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Sim
from tests.catalog import check, key, matches, pattern
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, join

A, B, C, D = 201, 202, 203, 204
NOV = month_label("zh-Hans", Month(2026, 11))


def by_chat(messages: list[SentMessage]) -> dict[int, list[SentMessage]]:
    out: dict[int, list[SentMessage]] = defaultdict(list)
    for m in messages:
        out[m.chat_id].append(m)
    return out


def lists(circular: SentMessage, heading: str, names: str, **params: object) -> bool:
    """Whether the circular's section `heading` (with params) lists exactly `names`."""
    head = pattern(heading, **params).pattern
    line = pattern("circ_names", names=names).pattern
    return re.search(f"{head}\n{line}\n", circular.text or "") is not None


async def test_a_whole_month_minute_exact(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B, "丙支部": C})
    await join(sim, D, "乙联络员", "乙支部", "deputy")
    start = len(sim.double.messages)
    log: list[tuple[datetime, int, SentMessage]] = []

    async def run_to(moment: datetime) -> None:
        before = len(sim.double.messages)
        await sim.advance_to(moment)
        for m in sim.double.messages[before:]:
            log.append((sim.clock(), m.chat_id, m))

    await run_to(at(2026, 11, 20, 8, 59))
    assert log == [], "nothing before the first stage"
    await run_to(at(2026, 11, 20, 9, 0))
    first = {chat for _, chat, _ in log}
    assert first == {A, B, C, D}
    assert all(matches(m, "remind_days", month=NOV, days=5) for _, _, m in log)
    # A reports on the 21st by replying to the reminder.
    reminder = sim.double.last_to(A)
    out = await sim.say(A, "十一月开展了主题党日。", reply_to=reminder)
    check(out, "report_saved", branch="甲支部", timing=key("timing_on_time"))
    log.clear()
    await run_to(at(2026, 11, 23, 9, 0))
    assert {chat for _, chat, _ in log} == {B, C, D}
    assert all(matches(m, "remind_days", month=NOV, days=2) for _, _, m in log)
    log.clear()
    await run_to(at(2026, 11, 25, 9, 0))
    assert {chat for _, chat, _ in log} == {B, C, D}
    assert all(matches(m, "remind_today", month=NOV) for _, _, m in log)
    log.clear()
    await run_to(at(2026, 11, 26, 9, 0))
    chats = by_chat([m for m in sim.double.messages if m.date == at(2026, 11, 26, 9, 0)])
    assert set(chats) == {B, C, D, COORD_GROUP}
    check(chats[B], "overdue_nudge", branch="乙支部", month=NOV, days=1)
    group = chats[COORD_GROUP]
    names = check(group, "digest_head", month=NOV, count=2)["names"]
    assert "乙支部" in names and "丙支部" in names
    circular = next(m for m in group if matches(m, "circ_title", y=2026, m=11))
    assert lists(circular, "circ_sec_on_time", "甲支部", count=1)
    # C reports late on the 27th; the 28th's nudge goes to B's people only.
    out = await sim.say(C, "/report")
    out = await sim.say(C, "补报：本月完成党费收缴。")
    check(out, "report_saved", branch="丙支部", timing=key("timing_late"))
    log.clear()
    await run_to(at(2026, 11, 30, 23, 0))
    assert sorted({chat for _, chat, _ in log}) == [B, D]
    assert all(matches(m, "overdue_nudge", month=NOV, days=3) for _, _, m in log)
    # Exactly one circular, each reminder once.
    total = sim.double.messages[start:]
    circulars = [m for m in total if m.chat_id == COORD_GROUP and matches(m, "circ_title")]
    assert len(circulars) == 1
    reminders = [
        m
        for m in total
        if m.chat_id in (A, B, C, D) and (matches(m, "remind_days") or matches(m, "remind_today"))
    ]
    assert len(reminders) == 4 + 3 + 3


async def test_stale_stages_are_skipped_and_circular_posted_at_startup(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    # Down from the 19th to the 27th: the 5-, 2- and 0-day reminders are stale,
    # the first overdue stage too; the circular is late but must go out.
    await sim.advance_to(at(2026, 11, 19, 12))
    before = len(sim.double.messages)
    sim.clock.set(at(2026, 11, 27, 10))
    await sim.tick()
    fresh = sim.double.messages[before:]
    assert not matches(fresh, "remind_days") and not matches(fresh, "remind_today")
    assert not matches(fresh, "overdue_nudge", days=1)
    assert sum(matches(m, "circ_title", y=2026, m=11) for m in fresh) == 1
    # The o+3 stage is not yet live on the 27th; it comes on the 28th.
    sim.clock.set(at(2026, 11, 28, 9))
    await sim.tick()
    check(sim.double.last_to(A), "overdue_nudge", branch="甲支部", days=3)


async def test_reconcile_twice_is_idempotent(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    sim.clock.set(at(2026, 11, 20, 9, 30))
    await sim.tick()
    n = len(sim.double.messages)
    for _ in range(3):
        await sim.tick()
        sim.clock.set(sim.clock() + timedelta(minutes=1))
    assert len(sim.double.messages) == n


async def test_a_branch_joining_inside_a_stage_window_is_still_reminded(sim: Sim) -> None:
    """The per-minute shortcut ("everything queued already") must not hide newcomers."""
    await committee(sim, {"甲支部": A})
    await sim.advance_to(at(2026, 11, 20, 9, 0))
    check(sim.double.last_to(A), "remind_days", branch="甲支部", days=5)
    sim.clock.set(at(2026, 11, 20, 9, 1))
    await sim.tick()  # the shortcut: all queued, nothing built
    await sim.say(ADMIN, "/addbranch 乙支部")
    await join(sim, B, "乙支部书记", "乙支部")
    sim.clock.set(at(2026, 11, 20, 10, 0))
    await sim.tick()
    check(sim.double.last_to(B), "remind_days", branch="乙支部", days=5)
    # A deputy added later in the window gets the stage too.
    await join(sim, D, "甲联络员", "甲支部", "deputy")
    sim.clock.set(at(2026, 11, 20, 11, 0))
    await sim.tick()
    check(sim.double.last_to(D), "remind_days", branch="甲支部", days=5)
