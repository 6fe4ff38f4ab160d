"""Database round trips per update: what one report (or /help) costs the database.

Run: python -m benchmarks.bench_roundtrips [-n 200]

In process, the real Application against the Bot API double, on a database
built like the HTTP benchmarks' (`_http.prepare_db`: N branches with a
secretary each, and a question from the bot in each secretary's chat, so a
reply is a report). A counting wrapper around aiosqlite's connection counts
every trip to the database thread (each statement, fetch and cursor close is
one) and every BEGIN. Printed per update, for a report and for /help: the
handlers, then the outbox drain the running bot starts after the update, which
it does only after an update that queued something (`bot.app._after_update`),
averaged over all the updates. Each update reaches the bot as polling brings
it: pushed into the double and fetched with getUpdates through the inbox's
request, which stores it (its own row: "storing it"). CPU: the process's CPU
time per update while its handlers run (the database thread included).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from benchmarks._http import prepare_db, prompt_id, secretary
from bot.app import drain
from bot.services.base import Env
from bot.settings import Settings
from bot.testing.sim import Sim
from storage import outbox
from storage.db import Database

REPORT = "本月召开支部委员会1次，组织党员学习2次，开展主题党日活动1次。" * 4
REPORT_LABEL = "a report (a reply to the bot's question)"
COUNTS: Counter[str] = Counter()
_ALWAYS_MOVES = itertools.count()
TRACE: list[str] = []  # with --trace: the statements, in order


def _count() -> None:
    """Count each trip to aiosqlite's thread, and each transaction begun (a BEGIN that
    travels alone; one sent with its first statement is counted by the database)."""
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        COUNTS["trips"] += 1
        if args and isinstance(args[0], str):
            TRACE.append(" ".join(args[0].split())[:100])
        if args and isinstance(args[0], str) and args[0].startswith("BEGIN"):
            COUNTS["transactions"] += 1
        return await original(self, fn, *args, **kwargs)

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]


async def per_trip(db: Database, n: int = 2000) -> tuple[float, float]:
    """CPU seconds of one trivial trip to aiosqlite's thread (SELECT 1, answered), and of
    the same statement run inside the thread: the difference is the hand-over (a future,
    a wake-up of the thread, a wake-up of the loop), what each trip costs beyond its SQL."""
    raw = db.connection._conn

    def select_one() -> list[Any]:
        return raw.execute("SELECT 1").fetchall()

    await db.connection._execute(select_one)  # warm
    started = time.process_time()
    for _ in range(n):
        await db.connection._execute(select_one)
    trip = (time.process_time() - started) / n

    def in_thread() -> None:
        for _ in range(n):
            select_one()

    started = time.process_time()
    await db.connection._execute(in_thread)
    return trip, (time.process_time() - started) / n


def _counted(db: Database) -> Counter[str]:
    """What was counted since the last call (the database's own BEGINs included)."""
    begun: Counter[str] | None = getattr(db, "begun", None)  # older code: no such counter
    if begun is not None:
        COUNTS["transactions"] += sum(begun.values())
        begun.clear()
    taken = Counter(COUNTS)
    COUNTS.clear()
    return taken


def _queued() -> int:
    """What this process queued so far; before the counter existed (to measure the
    older code) every private message started a drain: a count that always moves."""
    counter = getattr(outbox, "QUEUED", None)
    if counter is None:
        return next(_ALWAYS_MOVES)
    return int(counter.total)


async def main(n: int, trace: bool = False) -> None:
    _count()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        await prepare_db(path, n, prompts=True)
        db = await Database.open(path)
        env = Env(db=db, cfg=Settings(_env_file=None, db=path, timezone="UTC"))
        try:
            async with Sim(env, datetime.now(UTC)) as sim:
                for i in range(n):
                    sim.user(secretary(i), f"书记{i + 1}")
                rows: dict[str, Counter[str]] = {}
                cpus: dict[str, float] = {}

                async def measure(label: str, texts: list[tuple[int, str, int | None]]) -> None:
                    handled, drained, recorded = Counter[str](), Counter[str](), Counter[str]()
                    kicks = 0
                    cpu = 0.0
                    for k, (uid, text, reply) in enumerate(texts):
                        update = sim.factory.private_text(uid, text)
                        if reply is not None:  # the bot's question, as Telegram quotes it
                            message = update["message"]
                            message["reply_to_message"] = {
                                "message_id": reply,
                                "date": message["date"],
                                "chat": message["chat"],
                                "from": sim.double.bot_user,
                                "text": "请回复本消息报送本月工作情况",
                            }
                        # As polling does: the double holds it, getUpdates goes through the
                        # inbox's request (it is stored there, known to the ledger as new).
                        sim.double.push_update(update)
                        _counted(db)
                        got = await sim.app.bot.get_updates(offset=update["update_id"], timeout=0)
                        recorded.update(_counted(db))
                        TRACE.clear()
                        before = _queued()
                        started = time.process_time()
                        await sim.process(got[0])
                        cpu += time.process_time() - started
                        kicked = _queued() != before
                        kicks += kicked
                        handled.update(_counted(db))
                        if trace and k == len(texts) - 1:
                            print(f"{label}:", *TRACE, sep="\n    ")
                        await drain(sim.app, sim.clock())
                        if kicked:
                            drained.update(_counted(db))  # the running bot drains only then
                    rows[label] = handled
                    rows[f"  {label}: storing it (getUpdates, one update a call)"] = recorded
                    rows[f"  {label}: the drain ({kicks} of {n} started one)"] = drained
                    cpus[label] = cpu / n

                reports = [(secretary(i), REPORT, prompt_id(i)) for i in range(n)]
                await measure(REPORT_LABEL, reports)
                await measure("/help", [(secretary(i), "/help", None) for i in range(n)])
                COUNTS.clear()
                trip, sql = min([await per_trip(db) for _ in range(3)])
                COUNTS.clear()
                print(f"database round trips per update, {n} updates each (in process)")
                for label, c in rows.items():
                    print(
                        f"  {label:<48} {c['trips'] / n:6.1f} trips, "
                        f"{c['transactions'] / n:4.1f} transactions"
                        + (f", CPU {cpus[label] * 1000:.2f} ms" if label in cpus else "")
                    )
                per_report = rows[REPORT_LABEL]["trips"] / n
                print(
                    f"per trip: {trip * 1e6:.1f} µs CPU (SELECT 1; {sql * 1e6:.1f} µs of it is the"
                    f" SQL in the thread), so a report's {per_report:.1f} trips cost about"
                    f" {per_report * trip * 1000:.2f} ms of its"
                    f" {cpus[REPORT_LABEL] * 1000:.2f} ms"
                )
        finally:
            await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--trace", action="store_true", help="print the last update's SQL")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.trace))
