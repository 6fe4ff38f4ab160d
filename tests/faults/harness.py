"""The fault suite's harness: real `zhibu run` processes against the fake Bot API.

A `World` is a temporary folder with a database built through the product's own
repository functions, a started `benchmarks.fake_botapi.FakeBotApi` (real HTTP on
127.0.0.1, with fault injection), and the processes started in it. Each process is
`python -m bot.cli run` in its own session, so `kill9()` takes down what it started
too (the plan and job workers), as a crash of the unit would. The bot's clock is the
scenario's: `ZHIBU_TEST_CLOCK_START` starts each process at `world.now()`, which runs
on in real time from the moment `world.set_clock()` put it at, so a restart "later that
day" or "four days later" is a setting, not a wait.

Waiting is always on a condition with a generous limit (`wait`); a limit that runs out
fails with the process's log tail. Nothing here asserts on time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.fake_botapi import Call, FakeBotApi
from bot.models import MemberRole
from storage import branches as branch_store
from storage import people, reports
from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "1:ZHIBU"  # the fake server's bot id is the number before the colon
ADMIN = 42
GROUP = -100_777
SECRETARY_BASE = 10_000_000  # secretary of branch i (0-based) is user SECRETARY_BASE + i
PROMPT_BASE = 500_000  # the bot's question to secretary i is message PROMPT_BASE + i
TZ = ZoneInfo("Asia/Shanghai")
STOP_SECONDS = 20.0  # a process that ignores SIGINT this long is killed
START_WITHIN = 90.0  # a process polls within this (a loaded 2-core machine)


def at(*args: int) -> datetime:
    """A moment in the committee's time zone."""
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


def secretary(i: int) -> int:
    return SECRETARY_BASE + i


def prompt_id(i: int) -> int:
    return PROMPT_BASE + i


# ------------------------------------------------------------------------ the database


async def build_committee(
    path: Path, branches: int, founded: datetime, *, prompts_for: str | None = None
) -> None:
    """`branches` branches, each with a reachable secretary, all made at `founded`.

    With `prompts_for` (a month, "2026-11"), each secretary's chat also holds a bot
    question (message `prompt_id(i)`) about that month, so a reply to it is a report.
    """
    db = await Database.open(path)
    try:
        async with db.transaction() as tx:
            for i in range(branches):
                b = await branch_store.add_branch(tx, f"第{i + 1}党支部", "", founded)
                assert b is not None
                uid = secretary(i)
                await people.upsert_user(tx, uid, f"书记{i + 1}", "", None, "zh-hans", founded)
                await branch_store.set_member(tx, b.id, MemberRole.SECRETARY, uid, founded)
                if prompts_for is not None:
                    await reports.add_prompt(tx, uid, prompt_id(i), b.id, prompts_for)
            await people.upsert_user(tx, ADMIN, "管理员", "", None, "zh-hans", founded)
    finally:
        await db.close()


def query(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    """Read the database (no process needs to be running; WAL readers never block)."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.close()


def integrity(path: Path) -> str:
    """`PRAGMA integrity_check` of the database: "ok" when sound."""
    rows = query(path, "PRAGMA integrity_check")
    return "; ".join(str(r[0]) for r in rows)


# ------------------------------------------------------------------------ processes


@dataclass
class Zhibu:
    """One `zhibu run` process."""

    name: str
    process: asyncio.subprocess.Process
    log: Path
    started: float  # perf_counter just before the exec

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.returncode is None

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.text().splitlines()[-lines:])
        return ""

    def descendants(self) -> list[int]:
        """Pids of the processes this one started (workers), from /proc."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
        found, todo = [], [self.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found

    def peak_rss_mib(self, pid: int | None = None) -> float:
        """VmHWM (the peak resident set) of this process or of `pid`, in MiB."""
        status = Path(f"/proc/{pid or self.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    async def kill9(self) -> None:
        """SIGKILL to the process and everything it started (its session)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        """SIGINT, as Ctrl-C or systemd's stop; SIGKILL if it does not end in time."""
        if self.alive():
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
            except TimeoutError:
                await self.kill9()
        # Workers of a stopped process end with it; a straggler is ours to remove.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        return self.process.returncode or 0

    async def exited(self, within: float) -> int:
        return await asyncio.wait_for(self.process.wait(), within)


class Timeout(AssertionError):
    pass


@dataclass
class World:
    folder: Path
    db: Path
    server: FakeBotApi
    procs: list[Zhibu] = field(default_factory=list)
    offset: timedelta = timedelta(0)

    # -- the scenario's clock ---------------------------------------------------------

    def set_clock(self, moment: datetime) -> None:
        """From now on the scenario's time is `moment`, running on in real time."""
        self.offset = moment - datetime.now(UTC)

    def now(self) -> datetime:
        return (datetime.now(UTC) + self.offset).astimezone(TZ)

    # -- processes --------------------------------------------------------------------

    def env(self, *, group: bool = True, **settings: object) -> dict[str, str]:
        """Settings for `zhibu run` (ZHIBU_ names without the prefix, in lower case, may
        be overridden): a committee in Asia/Shanghai, reports due on the 25th, one
        reminder stage two days before at 09:00, overdue nudges 1 and 3 days after."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIBU_")}
        values: dict[str, object] = {
            "bot_token": TOKEN,
            "api_base_url": self.server.base_url,
            "db": self.db,
            "admin_ids": ADMIN,
            "timezone": "Asia/Shanghai",
            "language": "zh-Hans",
            "due_day": 25,
            "workdays": "off",
            "reminder_days_before": 2,
            "reminder_time": "09:00",
            "overdue_days_after": "1,3",
            "circular_days_after": 1,
            "circular_time": "09:00",
            "task_reminder_days_before": 1,
            "rate_limit": 30,
        }
        if group:
            values["coordination_chat_id"] = GROUP
        values.update(settings)
        env.update({f"ZHIBU_{k.upper()}": str(v) for k, v in values.items() if v is not None})
        env["PYTHONPATH"] = str(ROOT)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    async def start(
        self, *args: str, clock: bool = True, watch_loop: bool = False, **settings: object
    ) -> Zhibu:
        """Start `zhibu run` (its clock at `self.now()` unless `clock=False`). With
        `watch_loop`, in asyncio's debug mode, which logs every step of the event loop
        that held it longer than 0.1 s (see `loop_stalls`)."""
        env = self.env(**settings)
        if clock:
            env["ZHIBU_TEST_CLOCK_START"] = self.now().isoformat()
        if watch_loop:
            env["PYTHONASYNCIODEBUG"] = "1"
        name = f"zhibu{len(self.procs) + 1}"
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            started = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                *args,
                cwd=self.folder,  # no .env there: only the settings given here
                env=env,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        proc = Zhibu(name, process, log, started)
        self.procs.append(proc)
        return proc

    async def started(self, *args: str, **settings: object) -> Zhibu:
        """Start `zhibu run` and wait for its first getUpdates after the start."""
        before = len(self.server.calls_of(TOKEN, "getUpdates"))
        proc = await self.start(*args, **settings)
        await self.wait(
            lambda: len(self.server.calls_of(TOKEN, "getUpdates")) > before,
            START_WITHIN,
            f"{proc.name} polls",
            proc,
        )
        return proc

    async def wait(
        self, done: Callable[[], bool], within: float, what: str, proc: Zhibu | None = None
    ) -> None:
        """Wait until `done()`; fail (with the log) after `within` s, or if `proc` dies."""
        alive = proc.alive if proc is not None else (lambda: True)
        await self.server.wait_for(lambda: done() or not alive(), within)
        if not done():
            why = "died" if not alive() else f"not within {within:g} s"
            log = proc.tail() if proc is not None else ""
            raise Timeout(f"{what}: {why}\n{log}")

    # -- what the server saw ----------------------------------------------------------

    def sends(self, method: str = "sendMessage", *, after: float = 0.0) -> list[Call]:
        """zhibu's accepted calls of `method` (those that arrived after `after`)."""
        return [c for c in self.server.calls_of(TOKEN, method) if c.at > after]

    def to(self, chat_id: int, *, after: float = 0.0, method: str = "sendMessage") -> list[Call]:
        return [c for c in self.sends(method, after=after) if c.chat_id == chat_id]

    def push_text(self, chat_id: int, text: str, reply_to: int | None = None) -> int:
        return self.server.push_text(TOKEN, chat_id=chat_id, text=text, reply_to=reply_to)

    def push_callback(self, chat_id: int, data: str) -> int:
        """User `chat_id` presses a button with `data` under some message of the bot."""
        carrier = Call(0.0, TOKEN, "sendMessage", {"text": "…"}, result={"message_id": 1})
        return self.server.push_callback(TOKEN, chat_id=chat_id, message=carrier, data=data)

    async def ask(self, chat_id: int, text: str, within: float = 60.0) -> tuple[float, Call]:
        """Send `text` from `chat_id` and wait for the first message back; (sent, reply)."""
        sent = time.perf_counter()
        self.push_text(chat_id, text)
        await self.wait(lambda: bool(self.to(chat_id, after=sent)), within, f"answer to {text}")
        return sent, self.to(chat_id, after=sent)[0]


def errors_in(log: str) -> list[str]:
    """Lines of a process log that tell of an unhandled exception or an error."""
    return [
        line
        for line in log.splitlines()
        if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
    ]


_STALL = re.compile(r" WARNING asyncio: Executing .* took (\d+\.\d+) seconds")


def loop_stalls(log: str) -> list[float]:
    """How long each step that held the event loop over 0.1 s took (asyncio's debug
    mode reports them; see `World.start(watch_loop=True)`)."""
    return [float(m.group(1)) for m in _STALL.finditer(log)]


def plain(call: Call) -> str:
    """The text or caption a call sent, tags removed."""
    text = str(call.params.get("text") or call.params.get("caption") or "")
    return re.sub(r"<[^>]+>", "", text)


@contextlib.asynccontextmanager
async def world(tmp_path: Path, *, limits: bool = False) -> AsyncIterator[World]:
    """A started fake Bot API and a folder for the database; every process started in
    it is stopped (killed if need be) on the way out, and the server stopped."""
    server = FakeBotApi(limits=limits)
    await server.start()
    w = World(tmp_path, tmp_path / "zhibu.sqlite3", server)
    try:
        yield w
    finally:
        for proc in w.procs:
            await proc.stop()
        await server.stop()


def counted(calls: Iterable[Call]) -> dict[int, int]:
    """How many of `calls` went to each chat."""
    out: dict[int, int] = {}
    for c in calls:
        out[c.chat_id or 0] = out.get(c.chat_id or 0, 0) + 1
    return out
