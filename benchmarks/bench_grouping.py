"""The committee's grouping by 总支 and 审核 (docs/tree-review.md): what they add to
/status, the circular and a report, in a committee of G 总支 × B 支部 (+ D direct).

Half the 支部 have reported; the first 总支 reviews and half its reports wait.

Run: python benchmarks/bench_grouping.py [generals] [branches_per_general] [direct] [rounds]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._world import TZ
from bot.calendar import Month
from bot.models import BranchKind
from bot.services import approval, circular, grouping, status
from bot.services.base import Env, TgUser, identify
from bot.settings import Settings
from storage import approvals
from storage import branches as branch_store
from storage import reports as report_store
from storage.db import Database


async def timed(label: str, rounds: int, work: Callable[[], Awaitable[object]]) -> None:
    t0 = time.perf_counter()
    for _ in range(rounds):
        await work()
    per = (time.perf_counter() - t0) / rounds * 1000
    print(f"{label:<52} {per:8.2f} ms")


async def main(generals: int, per: int, direct: int, rounds: int) -> None:
    now = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
    start = datetime(2026, 10, 1, tzinfo=TZ)
    month = Month(2026, 11)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        db = await Database.open(path)
        env = Env(db=db, cfg=Settings(_env_file=None, db=path, admin_ids=[1]))
        units: list[int] = []
        async with db.transaction() as tx:
            await report_store.ensure_cycle(tx, str(month), date(2026, 11, 25), start)
            first = 0
            for g in range(generals):
                general = await branch_store.add_branch(
                    tx, f"第{g + 1}党总支", "", start, kind=BranchKind.GENERAL, reports=False
                )
                assert general is not None
                first = first or general.id
                for b in range(per):
                    unit = await branch_store.add_branch(
                        tx, f"第{g + 1}总支第{b + 1}支部", "", start, parent_id=general.id
                    )
                    assert unit is not None
                    units.append(unit.id)
            for d in range(direct):
                unit = await branch_store.add_branch(tx, f"直属第{d + 1}支部", "", start)
                assert unit is not None
                units.append(unit.id)
            if first:  # a flat committee (no 总支) for the baseline
                await approvals.set_enabled(tx, first, True, 1, start)
            for i, unit_id in enumerate(units[::2]):
                report = await report_store.insert_report(
                    tx, unit_id, str(month), 1, "本月开展主题党日活动。", start, False
                )
                if i < per // 2:  # the first 总支's: half wait for review
                    await approvals.add_step(
                        tx, report.id, unit_id, str(month), first, "pending", None, start
                    )
        total = len(units) + generals
        print(f"{generals} 总支 × {per} 支部 + {direct} direct = {total} units, {rounds} rounds")
        admin = await identify(env, TgUser(1, "管理员"), now)

        async def grouped_status() -> object:
            summary = await status.month_status(env, admin, month, now)
            return await grouping.status_groups(env, summary)

        await timed(
            "/status of the committee (summary only)",
            rounds,
            lambda: status.month_status(env, admin, month, now),
        )
        await timed("/status of the committee + grouping by 总支", rounds, grouped_status)

        async def build() -> object:
            async with db.reading() as tx:
                return await circular.build(env, tx, month, now)

        await timed("the committee's circular model (grouped)", rounds, build)

        async def reviewer() -> object:
            async with db.reading() as tx:
                return await approval.reviewer_of(tx, units[0])

        await timed("a report's reviewer (审核 on somewhere)", rounds, reviewer)

        async def waiting() -> object:
            async with db.reading() as tx:
                return await approvals.pending_since(tx, now)

        await timed("reports waiting for review (the minute tick)", rounds, waiting)
        await db.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(*(args + [40, 7, 20, 20][len(args) :])))
