"""Restarts, crashes and concurrency: never the same message twice, never one forgotten."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from bot.app import drain
from bot.services import engine
from bot.testing.botapi_double import BotApiDouble, SentMessage
from bot.testing.sim import Sim
from storage import outbox
from tests.catalog import find, matches
from tests.conftest import at
from tests.helpers import founded, open_env

SECRETARIES = {"甲支部": 701, "乙支部": 702, "丙支部": 703}


def days_left(m: SentMessage) -> int | None:
    """The days a reminder gives until the due day (0: due today); None if not a reminder."""
    if matches(m, "remind_today"):
        return 0
    found = find(m, "remind_days")
    return int(found["days"]) if found is not None else None


def november_circular(m: SentMessage) -> bool:
    return matches(m, "circ_title", y=2026, m=11)


async def test_restart_mid_month_no_duplicate_no_gap(tmp_path: Path) -> None:
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = await open_env(path)
    async with Sim(env, at(2026, 11, 2, 10), double=double) as sim:
        await founded(sim, SECRETARIES)
        await sim.advance_to(at(2026, 11, 21, 12))
        stopped_at = sim.clock()
    await env.db.close()

    # A new process: a new Application on the same database, time goes on.
    env = await open_env(path)
    async with Sim(env, stopped_at, double=double) as sim:
        sim.names.update({701: "甲", 702: "乙", 703: "丙"})
        await sim.advance_to(at(2026, 11, 30, 12))
    async with env.db.reading() as tx:
        keys = [i.dedupe_key for i in await outbox.outbox_all(tx)]
    await env.db.close()
    reminded = Counter(
        (m.chat_id, days_left(m)) for m in double.messages if days_left(m) is not None
    )
    # d-5 before, d-2 and d-0 after the restart
    assert reminded == {(chat, days): 1 for chat in (701, 702, 703) for days in (5, 2, 0)}
    overdue = Counter(m.chat_id for m in double.messages if matches(m, "overdue_nudge"))
    assert overdue == {701: 2, 702: 2, 703: 2}
    assert sum(november_circular(m) for m in double.messages) == 1
    assert len(keys) == len(set(keys))


async def test_two_reconcilers_and_two_senders_at_once(tmp_path: Path) -> None:
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env1 = await open_env(path)
    async with Sim(env1, at(2026, 11, 2, 10), double=double) as sim:
        await founded(sim, SECRETARIES)
        sim.forget_messages()
        env2 = await open_env(path)
        async with Sim(env2, at(2026, 11, 2, 10), double=double) as other:
            for moment in (at(2026, 11, 20, 9), at(2026, 11, 26, 9)):
                sim.clock.set(moment)
                other.clock.set(moment)
                await asyncio.gather(
                    *(engine.reconcile(e, moment) for e in (env1, env2, env1, env2))
                )
                await asyncio.gather(drain(sim.app, moment), drain(other.app, moment))
        await env2.db.close()
    await env1.db.close()
    sent = Counter((m.chat_id, m.plain_text) for m in double.messages)
    assert all(n == 1 for n in sent.values()), [k for k, n in sent.items() if n > 1]
    reminders = [days_left(m) for m in double.messages if days_left(m) is not None]
    assert reminders == [5, 5, 5]
    assert sum(november_circular(m) for m in double.messages) == 1
