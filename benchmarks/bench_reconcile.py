"""reconcile(now) over 10,000 branches with a year of history: time and peak memory.

Run: python benchmarks/bench_reconcile.py [--branches 10000] [--months 12] [--runs 3]
         [--db-dir DIR] [--profile MOMENT]

The committee is built once through the repository functions (with --db-dir the
file is kept and reused). Each run copies it and calls `reconcile` at four moments
in turn: a quiet minute, the minute a reminder stage fires (one reminder per
branch queued), the minute after (all queued already) and due+1 (one overdue nudge
per branch, the coordinators' digest, the circular built and queued); then the
month's Word circular is made. Each run is a fresh process, so its peak RSS is
its own. Printed per moment: min / median of the runs' wall time and of their CPU
time (steadier on a shared machine) and the ratio of the min to the 250 ms aim;
then the peak RSS against the 150 MiB aim. `--profile stage|due1|quiet|next`
prints cProfile's top functions for that moment instead (one run).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._world import TZ, build
from bot.calendar import Month
from bot.services import engine
from bot.services.base import Env
from bot.settings import Settings
from storage.db import Database

AIM_MS = 250.0
AIM_MIB = 150.0
CHAT = -100_123
QUIET = datetime(2026, 11, 10, 12, 0, tzinfo=TZ)
MOMENTS = {
    "quiet": ("quiet minute (no stage live)", QUIET),
    "stage": ("the minute a reminder stage fires", datetime(2026, 11, 20, 9, 0, tzinfo=TZ)),
    "next": ("the next minute (all queued already)", datetime(2026, 11, 20, 9, 1, tzinfo=TZ)),
    "due1": ("due+1: overdue nudges, digest, circular", datetime(2026, 11, 26, 9, 0, tzinfo=TZ)),
}


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def build_db(path: Path, branches: int, months: int) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    db = await Database.open(partial)
    try:
        t0 = time.perf_counter()
        await build(db, branches, months, QUIET)
        env = Env(db=db, cfg=Settings(_env_file=None, db=partial))
        await engine.reconcile(env, QUIET)  # creates the month's cycle
        await db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"built {branches} branches × {months} months in {time.perf_counter() - t0:.1f} s")
    finally:
        await db.close()
    partial.rename(path)


async def child(path: Path, profile: str | None) -> dict[str, float]:
    db = await Database.open(path)
    # A coordination group is bound: the digest and the circular are queued to it.
    env = Env(db=db, cfg=Settings(_env_file=None, db=path, coordination_chat_id=CHAT))
    figures: dict[str, float] = {}
    try:
        # Untimed: the past months' circulars go to the newly bound group (they
        # then wait in the outbox, as they would in a running bot).
        await engine.reconcile(env, QUIET - timedelta(minutes=1))
        for code, (_, now) in MOMENTS.items():
            prof = cProfile.Profile() if code == profile else None
            cpu0, t = time.process_time(), time.perf_counter()
            if prof is not None:
                prof.enable()
            result = await engine.reconcile(env, now)
            if prof is not None:
                prof.disable()
            figures[code] = (time.perf_counter() - t) * 1000
            figures[code + "_cpu"] = (time.process_time() - cpu0) * 1000
            figures[code + "_queued"] = result.enqueued
            figures[code + "_rss"] = rss_mib()
            if prof is not None:
                stats = pstats.Stats(prof, stream=sys.stderr)
                stats.sort_stats("cumulative").print_stats(35)
                stats.sort_stats("tottime").print_stats(25)
        # The month's circular as the Word document the group gets (built at due+1).
        from bot.records import publish

        cpu0, t = time.process_time(), time.perf_counter()
        document = await publish.circular_document(env, Month(2026, 11))
        figures["docx"] = (time.perf_counter() - t) * 1000
        figures["docx_cpu"] = (time.process_time() - cpu0) * 1000
        figures["docx_kib"] = len(document.data) / 1024
    finally:
        await db.close()
    figures["rss"] = rss_mib()
    return figures


def run_child(built: Path, work: Path, profile: str | None) -> dict[str, float]:
    shutil.copyfile(built, work)
    cmd = [sys.executable, __file__, "--child", str(work)]
    if profile:
        cmd += ["--profile", profile]
    done = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    return result


def main(branches: int, months: int, runs: int, db_dir: Path | None, profile: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = db_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        built = folder / f"bench-reconcile-{branches}x{months}.sqlite3"
        if not built.exists():
            asyncio.run(build_db(built, branches, months))
        work = Path(tmp) / "work.sqlite3"
        results = [run_child(built, work, profile) for _ in range(1 if profile else runs)]
    print(f"reconcile, {branches} branches × {months} months, {len(results)} runs (fresh copies)")
    for code, (label, _) in MOMENTS.items():
        ms = [r[code] for r in results]
        cpu = [r[code + "_cpu"] for r in results]
        print(
            f"  {label:<42} min {min(ms):7.1f} ms / median {statistics.median(ms):7.1f} ms"
            f" (CPU min {min(cpu):6.1f} / median {statistics.median(cpu):6.1f} ms)"
            f"  ×{min(ms) / AIM_MS:.2f} of the {AIM_MS:.0f} ms aim"
            f"  ({int(results[0][code + '_queued'])} queued)"
        )
    docx = [r["docx"] for r in results]
    print(
        f"  {'the Word circular of that month (python-docx)':<42} min {min(docx):7.1f} ms / "
        f"median {statistics.median(docx):7.1f} ms, CPU min "
        f"{min(r['docx_cpu'] for r in results):.0f} ms, {results[0]['docx_kib']:.0f} KiB"
    )
    rss = [r["rss"] for r in results]
    print(
        f"  peak RSS min {min(rss):.0f} / max {max(rss):.0f} MiB"
        f"  ×{max(rss) / AIM_MIB:.2f} of the {AIM_MIB:.0f} MiB aim"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--branches", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db-dir", type=Path, help="keep the built database here, reuse it")
    parser.add_argument("--profile", choices=sorted(MOMENTS), help="cProfile one moment")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(asyncio.run(child(args.child, args.profile))))
    else:
        main(args.branches, args.months, args.runs, args.db_dir, args.profile)
