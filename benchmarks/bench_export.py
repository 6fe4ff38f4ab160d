"""How long and how much memory the yearly ledger export takes for a large committee.

    PYTHONPATH=. python benchmarks/bench_export.py [--branches 1000 10000] [--runs 3]
        [--db-dir DIR] [--out FILE.xlsx]

For each size, builds a year in a SQLite file through the real repository
functions (one transaction; with --db-dir the file is kept there and reused
by later runs), then runs the export `--runs` times, each in a fresh Python
process so its peak RSS is its own: `load_year` on the event loop, then
`ledger_xlsx` in a worker thread and the file written, the path `/export`
and `zhibu export` take. Printed per size: wall time (min / median), CPU
time (user + system, min / median), peak RSS (max), the longest the event
loop went without running a 10 ms heartbeat (what a chat user would wait
for an answer), and the ratios to the aim: 10 s and 200 MiB for 10,000
branches. Timings on a shared machine are noisy: compare the minimums.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.calendar import Month
from bot.records.cli import write_atomically
from bot.records.data import load_year
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


AIM_SECONDS = 10.0
AIM_MIB = 200.0
HEARTBEAT = 0.01


def maxrss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of the process
    return usage.ru_utime + usage.ru_stime


async def export_once(db_path: Path, out: Path) -> dict[str, float]:
    """One export as the bot runs it, with a heartbeat measuring event-loop stalls."""
    from bot.records.ledger import ledger_xlsx  # imported before timing, as on a second /export

    db = await Database.open(db_path)
    env = Env(db=db, cfg=Settings(_env_file=None, db=db_path, org_name="基准测试党委"))
    now = local(YEAR + 1, 1, 10, 12)
    stall = 0.0
    running = True

    async def heartbeat() -> None:
        nonlocal stall
        last = time.perf_counter()
        while running:
            await asyncio.sleep(HEARTBEAT)
            tick = time.perf_counter()
            stall = max(stall, tick - last - HEARTBEAT)
            last = tick

    rss_before = maxrss_mib()
    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    try:
        data = await load_year(env, YEAR, now)
        t1 = time.perf_counter()
        xlsx = await asyncio.to_thread(ledger_xlsx, data)
        t2 = time.perf_counter()
        write_atomically(out, xlsx)
        t3 = time.perf_counter()
        cpu = cpu_seconds() - cpu0
    finally:
        running = False
        await beat
        await db.close()
    return {
        "wall": t3 - t0,
        "load": t1 - t0,
        "xlsx": t2 - t1,
        "write": t3 - t2,
        "cpu": cpu,
        "rss": maxrss_mib(),
        "rss_before": rss_before,
        "stall": stall,
        "size": len(xlsx),
    }


async def build_db(path: Path, branches: int) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    db = await Database.open(partial)
    env = Env(db=db, cfg=Settings(_env_file=None, db=partial, org_name="基准测试党委"))
    try:
        t = time.perf_counter()
        reports = await build(env, branches)
        print(f"built {branches} branches, {reports} reports in {time.perf_counter() - t:.1f}s")
        await db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await db.close()
    os.replace(partial, path)


def run_child(db_path: Path, out: Path) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", str(db_path), "--out", str(out)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(branches: int, runs: list[dict[str, float]]) -> None:
    def pick(key: str) -> list[float]:
        return [r[key] for r in runs]

    wall, cpu, rss = pick("wall"), pick("cpu"), max(pick("rss"))
    best = min(runs, key=lambda r: r["wall"])
    print(
        f"{branches:>6} branches, {len(runs)} runs: "
        f"time min {min(wall):.2f}s / median {statistics.median(wall):.2f}s, "
        f"CPU min {min(cpu):.2f}s / median {statistics.median(cpu):.2f}s, "
        f"peak RSS {rss:.0f} MiB ({best['rss_before']:.0f} MiB before the export), "
        f"longest event-loop stall {max(pick('stall')) * 1000:.0f} ms"
    )
    print(
        f"        fastest run: load {best['load']:.2f}s, xlsx {best['xlsx']:.2f}s, "
        f"write {best['write']:.2f}s, {best['size'] / 2**20:.1f} MiB file"
    )
    print(
        f"        vs aim (10 s, 200 MiB): time {min(wall) / AIM_SECONDS:.2f}, "
        f"CPU {min(cpu) / AIM_SECONDS:.2f}, RSS {rss / AIM_MIB:.2f} (≤ 1 meets it)"
    )


def main(sizes: list[int], runs: int, db_dir: Path | None, out: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = db_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for branches in sizes:
            db_path = folder / f"bench-export-{branches}.sqlite3"
            if not db_path.exists():
                asyncio.run(build_db(db_path, branches))
            target = out or Path(tmp) / "ledger.xlsx"
            report(branches, [run_child(db_path, target) for _ in range(runs)])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--branches", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db-dir", type=Path, help="keep the built databases here, reuse them")
    parser.add_argument("--out", type=Path, help="keep the workbook here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(asyncio.run(export_once(args.child, args.out))))
    else:
        main(args.branches, args.runs, args.db_dir, args.out)
