"""Fan-out: 2,000 reminders through the real rate limiter into the Bot API double.

The double enforces Telegram's limits (30 messages per second in all) and
answers 429 beyond them, so the figures show whether zhibu's sender stays
under the limit while using it fully.

Run: python benchmarks/bench_fanout.py [messages]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._world import TZ, build
from bot.app import build_application, drain
from bot.services import engine
from bot.services.base import Env
from bot.settings import Settings
from bot.testing.botapi_double import BotApiDouble
from storage.db import Database

LIMIT = 30.0


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fanout.sqlite3"
        db = await Database.open(path)
        cfg = Settings(_env_file=None, db=path, rate_limit=LIMIT)
        env = Env(db=db, cfg=cfg)
        stage = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
        await build(db, count, 0, stage - timedelta(days=3))
        double = BotApiDouble()
        double.enforce_limits(per_second=int(LIMIT), per_group_per_minute=20)
        app = build_application(env, token="123456:BENCH", request=double, background=False)
        await app.initialize()
        queued = (await engine.reconcile(env, stage)).enqueued
        started = time.perf_counter()
        now = stage
        sent = 0
        while sent < queued:
            drained = await drain(app, now)
            sent += drained.sent
            if drained.sent == 0 and drained.retried == 0:
                now += timedelta(seconds=1)  # only rescheduled retries remain
        elapsed = time.perf_counter() - started
        await app.shutdown()
        await db.close()
    rate = queued / elapsed
    print(
        f"{queued} reminders delivered in {elapsed:.1f} s: {rate:.2f} msg/s, "
        f"{rate / LIMIT:.3f} of the {LIMIT:.0f}/s limit; "
        f"429 answers: {double.stats.too_many_requests}"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
