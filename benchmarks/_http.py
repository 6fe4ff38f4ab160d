"""Shared plumbing for the benchmarks that run `zhibu run` (and the echo peer) as real
processes against `benchmarks.fake_botapi` over HTTP on 127.0.0.1.

The database is prepared with the product's own repository functions (the
committee of `benchmarks/_world.py`); the clock is set only through ordinary
`ZHIBU_*` settings (time zone, due day, reminder days and time), so nothing in
the product knows it is being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import contextlib
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
ZHIBU_TOKEN = "1:ZHIBU"  # the fake server's bot id is the number before the colon
PEER_TOKEN = "2:PEER"
SHAPED_TOKEN = "3:SHAPED"  # the echo peer answering and running as zhibu does (--shaped)
ADMIN_ID = 42
SECRETARY_BASE = 10_000_000  # _world.build: secretary i is user 10_000_000 + i
STOP_SECONDS = 15.0  # a process that ignores SIGINT this long is killed
LIMIT = 30.0  # the fake server's messages per second, per bot, before it answers 429

if TYPE_CHECKING:
    from benchmarks.fake_botapi import Call, FakeBotApi


def secretary(i: int) -> int:
    return SECRETARY_BASE + i


async def prepare_db(path: Path, branches: int, prompts: bool = False) -> None:
    """`branches` branches with a secretary each (reachable, no reports this month).

    With `prompts`, each secretary's private chat also holds a bot question
    (message id `prompt_id(i)`) about this month's report, so a reply to it is
    a report, as a reply to a reminder is.
    """
    from benchmarks._world import build
    from bot.calendar import Month
    from storage import reports
    from storage.db import Database

    now = datetime.now(UTC)
    db = await Database.open(path)
    try:
        await build(db, branches, 0, now - timedelta(days=3))
        if prompts:
            month = str(Month.of(now, UTC))  # the bot runs with ZHIBU_TIMEZONE=UTC
            async with db.transaction() as tx:
                for i in range(branches):
                    await reports.add_prompt(tx, secretary(i), prompt_id(i), i + 1, month)
    finally:
        await db.close()


def prompt_id(i: int) -> int:
    return 500_000 + i


@contextlib.asynccontextmanager
async def bench_world(
    branches: int, *, prompts: bool = False, limits: bool = True
) -> AsyncIterator[tuple[FakeBotApi, Path, Path]]:
    """A temporary folder with a prepared database (see `prepare_db`) and a started fake
    Bot API (with `limits`, 429 above `LIMIT` messages/s and 20 per group per minute);
    yields (server, database, folder) and stops the server on the way out."""
    from benchmarks.fake_botapi import FakeBotApi

    with tempfile.TemporaryDirectory(prefix="zhibu-bench-") as name:
        folder = Path(name)
        db = folder / "bench.sqlite3"
        await prepare_db(db, branches, prompts=prompts)
        server = (
            FakeBotApi(limits=True, per_second=int(LIMIT), per_group_per_minute=20)
            if limits
            else FakeBotApi()
        )
        await server.start()
        try:
            yield server, db, folder
        finally:
            await server.stop()


def to_secretaries(
    server: FakeBotApi, token: str = ZHIBU_TOKEN, after: float | None = None
) -> list[Call]:
    """The bot's sendMessage calls to secretaries' chats (those that came after `after`)."""
    return [
        c
        for c in server.calls_of(token, "sendMessage")
        if (c.chat_id or 0) >= SECRETARY_BASE and (after is None or c.at >= after)
    ]


def to_admin(server: FakeBotApi, after: float) -> list[Call]:
    """zhibu's sendMessage calls to the admin that came after `after`."""
    return [
        c
        for c in server.calls_of(ZHIBU_TOKEN, "sendMessage")
        if c.chat_id == ADMIN_ID and c.at > after
    ]


def zhibu_env(
    base_url: str, db: Path, *, stage_due_now: bool, rate_limit: float = 30.0
) -> dict[str, str]:
    """Settings for `zhibu run`. With `stage_due_now`, the due day is today (UTC) and the
    one reminder stage ("due today", 00:00) is live at start-up; otherwise the only stage
    is later this month, so nothing is sent unless asked."""
    today = datetime.now(UTC).date()
    last = calendar.monthrange(today.year, today.month)[1]
    if stage_due_now:
        due_day, at = today.day, "00:00"
    elif today.day < last:
        due_day, at = last, "09:00"
    else:  # the month's last day: the stage is tonight (wrong only in its last minute)
        due_day, at = last, "23:59"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIBU_")}
    env.update(
        PYTHONPATH=str(ROOT),
        ZHIBU_BOT_TOKEN=ZHIBU_TOKEN,
        ZHIBU_API_BASE_URL=base_url,
        ZHIBU_DB=str(db),
        ZHIBU_ADMIN_IDS=str(ADMIN_ID),
        ZHIBU_TIMEZONE="UTC",
        ZHIBU_LANGUAGE="zh-Hans",
        ZHIBU_DUE_DAY=str(due_day),
        ZHIBU_WORKDAYS="off",
        ZHIBU_REMINDER_DAYS_BEFORE="0",
        ZHIBU_REMINDER_TIME=at,
        ZHIBU_OVERDUE_DAYS_AFTER="1",
        ZHIBU_CIRCULAR_DAYS_AFTER="1",
        ZHIBU_RATE_LIMIT=f"{rate_limit:g}",
    )
    return env


@dataclass
class Proc:
    name: str
    process: asyncio.subprocess.Process
    started: float  # perf_counter just before the exec
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_mib(self) -> float:
        """VmRSS from /proc, in MiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"{self.name}: no VmRSS")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far (all its threads), from /proc."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def alive(self) -> bool:
        return self.process.returncode is None

    async def stop(self) -> int:
        if self.alive():
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self.process.returncode or 0

    def tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


async def spawn(name: str, args: Sequence[str], env: dict[str, str], folder: Path) -> Proc:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, cwd=ROOT, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT
        )
    return Proc(name, process, started, log)


async def spawn_zhibu(
    base_url: str, db: Path, folder: Path, *, stage_due_now: bool, rate_limit: float = 30.0
) -> Proc:
    env = zhibu_env(base_url, db, stage_due_now=stage_due_now, rate_limit=rate_limit)
    return await spawn("zhibu", ["-m", "bot.cli", "run"], env, folder)


async def spawn_peer(
    base_url: str, folder: Path, rate_limit: float | None = None, *, shaped: bool = False
) -> Proc:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIBU_")}
    env["PYTHONPATH"] = str(ROOT)
    token = SHAPED_TOKEN if shaped else PEER_TOKEN
    args = ["-m", "benchmarks.echo_peer", "--base-url", base_url, "--token", token]
    if rate_limit is not None:
        args += ["--rate-limit", f"{rate_limit:g}"]
    if shaped:
        args.append("--shaped")
    return await spawn("shaped" if shaped else "peer", args, env, folder)


class BenchError(RuntimeError):
    pass


async def first_poll(server: object, token: str, proc: Proc, within: float) -> float:
    """perf_counter of the process's first getUpdates; BenchError if it never comes."""
    from benchmarks.fake_botapi import FakeBotApi

    assert isinstance(server, FakeBotApi)
    polled = await server.wait_for(
        lambda: bool(server.calls_of(token, "getUpdates")) or not proc.alive(), within
    )
    calls = server.calls_of(token, "getUpdates")
    if not polled or not calls:
        raise BenchError(f"{proc.name} never polled within {within:g} s:\n{proc.tail()}")
    return calls[0].at


@dataclass
class Series:
    """One figure over the repeated runs."""

    name: str
    unit: str
    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def line(self, fmt: str = ".2f") -> str:
        if not self.values:
            return f"  {self.name}: no value"
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"  {self.name}: min {self.min:{fmt}}{unit}, median {self.median:{fmt}}{unit}"
            f"  (runs: {', '.join(f'{v:{fmt}}' for v in self.values)})"
        )


async def repeat_runs(
    repeats: int,
    one_run: Callable[[], Awaitable[dict[str, float]]],
    series: dict[str, Series],
    describe: Callable[[dict[str, float]], str],
) -> None:
    """Run `one_run` `repeats` times; each series takes the figure of its key from every
    run, and each run is printed as `describe` says."""
    for _ in range(repeats):
        result = await one_run()
        for key, s in series.items():
            s.add(result[key])
        print(describe(result))


def parser_for(doc: str, quick_size: int, full_size: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"size {quick_size} (default {full_size})"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs (default 3)")
    parser.add_argument("-n", type=int, default=None, help="size, overriding --quick")
    return parser


def parse_args(
    doc: str, quick_size: int, full_size: int, parser: argparse.ArgumentParser | None = None
) -> argparse.Namespace:
    parser = parser or parser_for(doc, quick_size, full_size)
    args = parser.parse_args()
    args.size = args.n or (quick_size if args.quick else full_size)
    return args
