"""How long and how much memory the yearly ledger export takes for a large committee.

    PYTHONPATH=. python benchmarks/bench_export.py [--branches 1000] [--out FILE.xlsx]

Builds a year in a temporary SQLite file through the real repository functions
(one transaction), then times `load_year` + `ledger_xlsx` + writing the file,
the same path `zhibu export` takes. The export runs twice: once plain for the
time, once under tracemalloc for the peak of Python allocations (tracemalloc
slows Python down, so its run is not timed). The aim is under 5 s for 1,000
branches.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.calendar import Month
from bot.records.cli import write_atomically
from bot.records.data import load_year
from bot.records.ledger import ledger_xlsx
from bot.services.base import Env
from bot.settings import Settings
from storage import branches as branch_store
from storage import circulars, people
from storage import reports as report_store
from storage.db import Database

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2026
TEXT = (
    "本月组织开展主题党日活动一次，学习党的二十届三中全会精神；召开支委会两次，"
    "研究发展党员和党费收缴工作；完成党员积分管理台账更新，开展志愿服务活动一次。"
)


def local(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ)


async def build(env: Env, branches: int, seed: int = 7) -> int:
    """A year of `branches` branches: ~80 % on time, ~10 % late, some exempt or missing."""
    rnd = random.Random(seed)
    reports = 0
    async with env.db.transaction() as tx:
        for uid in range(1, branches + 1):
            await people.upsert_user(
                tx, 10_000 + uid, f"书记{uid}", "", None, "zh-hans", local(2025, 12, 1)
            )
        for m in range(1, 13):
            await report_store.ensure_cycle(
                tx, f"{YEAR}-{m:02d}", date(YEAR, m, 25), local(YEAR, m, 1)
            )
        for i in range(1, branches + 1):
            created = local(2025, 12, 1) if i % 50 else local(YEAR, 5, 10)
            branch = await branch_store.add_branch(
                tx, f"第{i}党支部", "机关" if i % 3 else "企业", created
            )
            assert branch is not None
            for m in range(1, 13):
                month = f"{YEAR}-{m:02d}"
                if created > local(YEAR, m, 28):
                    continue
                roll = rnd.random()
                if roll < 0.8:
                    at, late = local(YEAR, m, rnd.randint(1, 25), 10), False
                elif roll < 0.9:
                    at, late = local(YEAR, m, 25, 10) + timedelta(days=rnd.randint(1, 9)), True
                elif roll < 0.93:
                    await report_store.set_exemption(
                        tx, branch.id, month, "换届", 1, local(YEAR, m, 3)
                    )
                    continue
                else:
                    continue
                report = await report_store.insert_report(
                    tx, branch.id, month, 10_000 + i, f"{TEXT}（{month}）", at, late
                )
                reports += 1
                if roll < 0.05:
                    await report_store.revise_report(
                        tx, report.id, 10_000 + i, f"{TEXT}（修订）", at + timedelta(hours=3)
                    )
                if roll < 0.3:
                    await report_store.add_attachment(
                        tx,
                        branch.id,
                        month,
                        "photo",
                        f"f{i}-{m}",
                        f"u{i}-{m}",
                        None,
                        None,
                        10_000 + i,
                        at,
                    )
        for m in range(1, 13):
            text = f"<b>关于{YEAR}年{m}月党建工作进展情况的通报</b>\n\n各党支部：\n" + TEXT * 20
            await circulars.save_circular(tx, str(Month(YEAR, m)), text, local(YEAR, m, 26, 9))
    return reports


async def export_once(env: Env, out: Path, now: datetime) -> tuple[float, float, float, int]:
    t0 = time.perf_counter()
    data = await load_year(env, YEAR, now)
    t1 = time.perf_counter()
    xlsx = ledger_xlsx(data)
    t2 = time.perf_counter()
    write_atomically(out, xlsx)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, len(xlsx)


def maxrss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


async def main(branches: int, out: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        db = await Database.open(path)
        env = Env(db=db, cfg=Settings(_env_file=None, db=path, org_name="基准测试党委"))
        try:
            t = time.perf_counter()
            reports = await build(env, branches)
            print(f"built {branches} branches, {reports} reports in {time.perf_counter() - t:.1f}s")
            target = out or Path(tmp) / "ledger.xlsx"
            now = local(YEAR + 1, 1, 10, 12)
            rss_before = maxrss_mib()
            load_s, build_s, write_s, size = await export_once(env, target, now)
            total = load_s + build_s + write_s
            rss_after = maxrss_mib()
            print(
                f"export: {total:.2f}s (load {load_s:.2f}s, xlsx {build_s:.2f}s, "
                f"write {write_s:.2f}s), {size / 1024 / 1024:.1f} MiB file"
            )
            tracemalloc.start()
            await export_once(env, target, now)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"peak Python allocations during export (tracemalloc): {peak / 2**20:.0f} MiB")
            print(
                f"max RSS: {rss_after:.0f} MiB after the timed export "
                f"({rss_before:.0f} MiB before it)"
            )
            print(f"aim < 5 s: {'met' if total < 5 else 'NOT met'}")
        finally:
            await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--branches", type=int, default=1000)
    parser.add_argument("--out", type=Path, help="keep the workbook here")
    args = parser.parse_args()
    asyncio.run(main(args.branches, args.out))
