"""reconcile(now) over 10,000 branches with a year of history: time and peak memory.

Run: python benchmarks/bench_reconcile.py [branches] [months]
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._world import TZ, build
from bot.services import engine
from bot.services.base import Env
from bot.settings import Settings
from storage import outbox
from storage.db import Database


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(branches: int, months: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        db = await Database.open(path)
        cfg = Settings(_env_file=None, db=path)
        env = Env(db=db, cfg=cfg)
        t0 = time.perf_counter()
        quiet = datetime(2026, 11, 10, 12, 0, tzinfo=TZ)
        await build(db, branches, months, quiet)
        print(
            f"built {branches} branches × {months} months of reports in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        await engine.reconcile(env, quiet)  # creates the month's cycle
        rows = [
            ("quiet minute (no stage live)", quiet),
            (
                "first reminder stage (enqueues one per branch)",
                datetime(2026, 11, 20, 9, 0, tzinfo=TZ),
            ),
            ("the next minute (all already queued)", datetime(2026, 11, 20, 9, 1, tzinfo=TZ)),
            ("due+1: overdue stage, digest, circular", datetime(2026, 11, 26, 9, 0, tzinfo=TZ)),
        ]
        for label, now in rows:
            t = time.perf_counter()
            result = await engine.reconcile(env, now)
            elapsed = time.perf_counter() - t
            print(
                f"reconcile at {label}: {elapsed * 1000:8.1f} ms, "
                f"{result.enqueued} messages queued, peak RSS {rss_mb():.0f} MB"
            )
        async with db.reading() as tx:
            total = len(await outbox.outbox_all(tx))
        print(f"outbox rows: {total}; process peak RSS: {rss_mb():.0f} MB (aim < 150 MB)")
        await db.close()


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    asyncio.run(main(n, m))
