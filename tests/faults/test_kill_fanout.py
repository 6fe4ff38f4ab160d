"""kill -9 in the middle of a fan-out of 1,500 reminders, twice, on a Bot API that also
loses responses, resets connections, answers 5xx and 429: every reminder arrives, and a
reminder arrives twice only when the bot never learnt the first one had arrived."""

from __future__ import annotations

from pathlib import Path

from benchmarks.fake_botapi import Call, Fault
from bot.delivery import PARALLEL_CHATS
from bot.i18n import Html
from tests.catalog import matches
from tests.faults.harness import (
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

N = 1500
KILLS = 2
RATE = 1000  # ZHIBU_RATE_LIMIT: the fake server has no limits here; faults stand in for them


def reached(w: World) -> int:
    """How many secretaries got a message: cheap enough to ask while waiting (the
    scenario sends them nothing but the reminder; `reminders` checks the words)."""
    return len({c.chat_id for c in w.sends() if (c.chat_id or 0) >= SECRETARY_BASE})


def reminders(w: World) -> list[Call]:
    """Every "N days left" reminder the server accepted (lost responses included)."""
    return [
        c
        for c in w.sends()
        if (c.chat_id or 0) >= SECRETARY_BASE
        and matches(Html(str(c.params.get("text", ""))), "remind_days")
    ]


async def test_kill9_twice_mid_fanout_nothing_missed(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        await build_committee(w.db, N, at(2026, 11, 2, 10))
        faults = [
            Fault("lost", every=97, start=40),
            Fault("reset", every=89, start=45),
            Fault("500", every=101, start=50),
            Fault("502", every=157, start=55),
            Fault("429", every=113, start=60, retry_after=1),
        ]
        for fault in faults:
            w.server.inject(fault)
        # 23 Nov 09:00:05: the "2 days left" stage is due at start-up.
        w.set_clock(at(2026, 11, 23, 9, 0, 5))
        proc = await w.start(rate_limit=RATE)
        for kill in range(1, KILLS + 1):
            share = N * kill // (KILLS + 1)
            await w.wait(lambda: reached(w) >= share, 240, "fan-out", proc)  # noqa: B023
            await proc.kill9()
            assert integrity(w.db) == "ok"
            proc = await w.start(rate_limit=RATE)
        await w.wait(lambda: reached(w) >= N, 300, "every reminder", proc)
        # Every row settled (a lost response's retry may still be due).
        await w.wait(
            lambda: not query(w.db, "SELECT 1 FROM outbox WHERE status != 'sent' LIMIT 1"),
            120,
            "outbox settled",
            proc,
        )
        assert await proc.stop() == 0
        assert integrity(w.db) == "ok"

    calls = reminders(w)
    per_chat = counted(calls)
    missed = [i for i in range(N) if per_chat.get(secretary(i), 0) == 0]
    assert missed == []
    rows = query(w.db, "SELECT chat_id, status, tg_message_id FROM outbox WHERE kind = 'remind'")
    assert len(rows) == N
    assert {r[1] for r in rows} == {"sent"}
    recorded = {r[0]: r[2] for r in rows}
    # What the database recorded is a message that arrived, and whose answer the bot read.
    for c in calls:
        if c.result["message_id"] == recorded[c.chat_id]:
            assert c.fault != "lost"
    # A copy is a duplicate when it is not the one recorded: the bot never learnt it had
    # arrived. Either its response was lost, or the process was killed between the answer
    # and the record (at most one message per chat in flight, PARALLEL_CHATS chats).
    copies = [c for c in calls if c.result["message_id"] != recorded[c.chat_id]]
    lost = [c for c in calls if c.fault == "lost"]
    assert all(c in copies for c in lost)
    in_flight_at_a_kill = [c for c in copies if c.fault != "lost"]
    assert len(in_flight_at_a_kill) <= KILLS * PARALLEL_CHATS
    assert len(calls) == N + len(copies)
    print(
        f"\nfan-out of {N}, {KILLS} × kill -9: missed 0, duplicates {len(copies)} "
        f"(lost responses {len(lost)}, in flight at a kill {len(in_flight_at_a_kill)}); "
        f"faults struck: {', '.join(f'{f.kind} × {f.hits}' for f in faults)}"
    )
