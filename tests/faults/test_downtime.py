"""Downtime: killed in a fan-out and started again after the due day (no stale reminder),
and down across months (every circular missed is posted once, oldest first)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.fake_botapi import Call
from bot.i18n import Html
from tests.catalog import matches
from tests.faults.harness import (
    GROUP,
    SECRETARY_BASE,
    World,
    at,
    build_committee,
    counted,
    integrity,
    query,
    secretary,
    world,
)


def rendered(w: World, key: str, *, after: float = 0.0, **params: object) -> list[Call]:
    """zhibu's messages rendered from catalog `key` (after `after`)."""
    return [
        c
        for c in w.sends(after=after)
        if matches(Html(str(c.params.get("text", ""))), key, **params)
    ]


def to_secretaries(calls: list[Call]) -> list[Call]:
    return [c for c in calls if (c.chat_id or 0) >= SECRETARY_BASE]


N = 300


async def test_killed_fanout_then_down_past_the_due_day_sends_nothing_stale(
    tmp_path: Path,
) -> None:
    async with world(tmp_path) as w:
        await build_committee(w.db, N, at(2026, 11, 2, 10))
        # 23 Nov 09:00: "due on the 25th, 2 days left" fans out; killed a third of the way.
        w.set_clock(at(2026, 11, 23, 9, 0, 5))
        proc = await w.start(rate_limit=60)
        await w.wait(
            lambda: len(to_secretaries(rendered(w, "remind_days"))) >= N // 3, 120, "fan-out", proc
        )
        await proc.kill9()
        assert integrity(w.db) == "ok"
        before = {c.chat_id for c in to_secretaries(rendered(w, "remind_days"))}
        assert len(before) < N

        # Down until 27 Nov 10:00: the due day and the circular's day have passed.
        w.set_clock(at(2026, 11, 27, 10))
        proc = await w.start(rate_limit=60)
        restarted = proc.started
        await w.wait(
            lambda: (
                len(counted(to_secretaries(rendered(w, "overdue_nudge", after=restarted)))) >= N
            ),
            180,
            "overdue nudges",
            proc,
        )
        await w.wait(
            lambda: bool(rendered(w, "circ_title", y=2026, m=11)), 120, "the circular", proc
        )
        assert await proc.stop() == 0
        assert integrity(w.db) == "ok"

    stale = rendered(w, "remind_days", after=restarted)
    assert stale == []
    rows = query(w.db, "SELECT chat_id, status, error FROM outbox WHERE kind = 'remind'")
    assert len(rows) == N
    sent = {r[0] for r in rows if r[1] == "sent"}
    expired = [r for r in rows if r[1] == "failed" and str(r[2]).startswith("expired")]
    assert len(sent) + len(expired) == N
    assert sent <= before  # only what went out before the kill counts as sent
    nudges = counted(to_secretaries(rendered(w, "overdue_nudge")))
    assert nudges == {secretary(i): 1 for i in range(N)}
    assert len(rendered(w, "circ_title", y=2026, m=11)) == 1
    print(
        f"\nstale: {N} reminders, killed after {len(before)}; restarted 4 days later: "
        f"0 stale sent, {len(expired)} expired unsent, {N} overdue nudges, 1 circular"
    )


BRANCHES = 20


async def test_down_across_months_every_missed_circular_once_oldest_first(
    tmp_path: Path,
) -> None:
    async with world(tmp_path) as w:
        await build_committee(w.db, BRANCHES, at(2026, 10, 2, 10))
        # zhibu runs in October and in November, each time killed, with no coordination
        # group to post to; then it is down from 20 November to 3 January.
        for month, moment in (("2026-10", at(2026, 10, 20, 10)), ("2026-11", at(2026, 11, 20, 10))):
            w.set_clock(moment)
            proc = await w.started(coordination_chat_id=None)
            await w.wait(
                lambda: bool(query(w.db, "SELECT 1 FROM cycles WHERE month = ?", month)),  # noqa: B023
                60,
                f"the {month} cycle",
                proc,
            )
            await proc.kill9()
            assert integrity(w.db) == "ok"

        w.set_clock(at(2027, 1, 3, 10))
        proc = await w.started()

        def posted() -> bool:
            photos = [c for c in w.sends("sendPhoto") if c.chat_id == GROUP]
            docs = [c for c in w.sends("sendDocument") if c.chat_id == GROUP]
            texts = rendered(w, "circ_title", y=2026, m=11)
            return bool(texts) and len(photos) >= 2 and len(docs) >= 2

        await w.wait(posted, 180, "the circulars and their files", proc)
        await proc.kill9()
        assert integrity(w.db) == "ok"

        # Started again (the January reminders fall due at start-up, so their arrival
        # shows the start-up reconcile and its drain are done): nothing posted again.
        w.set_clock(at(2027, 1, 23, 9, 0, 5))
        proc = await w.started()
        await w.wait(
            lambda: len(to_secretaries(rendered(w, "remind_days", after=proc.started))) >= BRANCHES,
            120,
            "January's reminders",
            proc,
        )
        assert await proc.stop() == 0
        assert integrity(w.db) == "ok"

    titles = {
        m: [
            c
            for c in w.sends()
            if c.chat_id == GROUP
            and matches(Html(str(c.params.get("text", ""))), "circ_title", y=y, m=m)
        ]
        for y, m in ((2026, 10), (2026, 11), (2026, 12), (2027, 1))
    }
    assert [len(titles[m]) for m in (10, 11, 12, 1)] == [1, 1, 0, 0]
    assert titles[10][0].at < titles[11][0].at  # oldest first
    files = [c for c in w.sends("sendPhoto") + w.sends("sendDocument") if c.chat_id == GROUP]
    assert len(files) == 4
    posted_rows = query(
        w.db, "SELECT month FROM circulars WHERE posted_at IS NOT NULL ORDER BY month"
    )
    assert [r[0] for r in posted_rows] == ["2026-10", "2026-11"]
    print(
        "\nmonths: down from 20 Nov to 3 Jan after runs in Oct and Nov: circulars of "
        "October and November posted once each, oldest first, with chart and Word file; "
        "none again after a further kill -9 and restart"
    )
