"""A month simulated through the real Application: reminders, nudges, digest, circular."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Sim
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, join, text_of

A, B, C, D = 201, 202, 203, 204


def by_chat(messages: list[SentMessage]) -> dict[int, list[SentMessage]]:
    out: dict[int, list[SentMessage]] = defaultdict(list)
    for m in messages:
        out[m.chat_id].append(m)
    return out


async def test_a_whole_month_minute_exact(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B, "丙支部": C})
    await join(sim, D, "乙联络员", "乙支部", "deputy")
    start = len(sim.double.messages)
    log: list[tuple[datetime, int, str]] = []

    async def run_to(moment: datetime) -> None:
        before = len(sim.double.messages)
        await sim.advance_to(moment)
        for m in sim.double.messages[before:]:
            log.append((sim.clock(), m.chat_id, m.plain_text or ""))

    await run_to(at(2026, 11, 20, 8, 59))
    assert log == [], "nothing before the first stage"
    await run_to(at(2026, 11, 20, 9, 0))
    first = {chat for _, chat, _ in log}
    assert first == {A, B, C, D}
    assert all("还有 5 天" in txt for _, _, txt in log)
    # A reports on the 21st by replying to the reminder.
    reminder = sim.double.last_to(A)
    out = await sim.say(A, "十一月开展了主题党日。", reply_to=reminder)
    assert "按时" in text_of(out)
    log.clear()
    await run_to(at(2026, 11, 23, 9, 0))
    assert {chat for _, chat, _ in log} == {B, C, D}
    assert all("还有 2 天" in txt for _, _, txt in log)
    log.clear()
    await run_to(at(2026, 11, 25, 9, 0))
    assert {chat for _, chat, _ in log} == {B, C, D}
    assert all("今天" in txt for _, _, txt in log)
    log.clear()
    await run_to(at(2026, 11, 26, 9, 0))
    chats = by_chat([m for m in sim.double.messages if m.date == at(2026, 11, 26, 9, 0)])
    assert set(chats) == {B, C, D, COORD_GROUP}
    assert "逾期 1 天" in text_of(chats[B])
    group_text = text_of(chats[COORD_GROUP])
    assert "截止未报汇总" in group_text and "乙支部" in group_text and "丙支部" in group_text
    assert "关于2026年11月党建工作进展情况的通报" in group_text
    assert "甲支部" in group_text.split("按时报送的支部")[1]
    # C reports late on the 27th; the 28th's nudge goes to B's people only.
    out = await sim.say(C, "/report")
    out = await sim.say(C, "补报：本月完成党费收缴。")
    assert "迟报" in text_of(out)
    log.clear()
    await run_to(at(2026, 11, 30, 23, 0))
    assert sorted({chat for _, chat, _ in log}) == [B, D]
    assert all("逾期 3 天" in txt for _, _, txt in log)
    # Exactly one circular, each reminder once.
    total = sim.double.messages[start:]
    circulars = [
        m
        for m in total
        if "通报" in (m.plain_text or "")
        and m.chat_id == COORD_GROUP
        and "关于" in (m.plain_text or "")
    ]
    assert len(circulars) == 1
    reminders = [m for m in total if m.chat_id in (A, B, C, D) and "⏰" in (m.plain_text or "")]
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
    texts = text_of(fresh)
    assert "还有" not in texts and "今天" not in texts
    assert "逾期 1 天" not in texts
    assert sum("关于2026年11月" in (m.plain_text or "") for m in fresh) == 1
    # The o+3 stage is not yet live on the 27th; it comes on the 28th.
    sim.clock.set(at(2026, 11, 28, 9))
    await sim.tick()
    assert "逾期 3 天" in (sim.double.last_to(A).plain_text or "")


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
    assert "还有 5 天" in (sim.double.last_to(A).plain_text or "")
    sim.clock.set(at(2026, 11, 20, 9, 1))
    await sim.tick()  # the shortcut: all queued, nothing built
    await sim.say(ADMIN, "/addbranch 乙支部")
    await join(sim, B, "乙支部书记", "乙支部")
    sim.clock.set(at(2026, 11, 20, 10, 0))
    await sim.tick()
    assert "乙支部" in (sim.double.last_to(B).plain_text or "")
    assert "还有 5 天" in (sim.double.last_to(B).plain_text or "")
    # A deputy added later in the window gets the stage too.
    await join(sim, D, "甲联络员", "甲支部", "deputy")
    sim.clock.set(at(2026, 11, 20, 11, 0))
    await sim.tick()
    assert "甲支部" in (sim.double.last_to(D).plain_text or "")
