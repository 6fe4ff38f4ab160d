"""Heavy jobs — the ledger (.xlsx), the circular's Word document and its chart — in a
worker process, each with a time and a memory budget.

In a thread (as before) such a job shared the bot's memory and could not be stopped:
a ledger of a large committee or a runaway render could grow the bot until the system
killed it, or run for as long as it liked. Here, as for plan files
(:mod:`bot.services.plan_worker`), the job runs in one worker process, started on first
use (from a thread, so that the event loop never waits for it):

* the job's :class:`Budget` — seconds and bytes of address space (``RLIMIT_AS``, set in
  the worker for the job's duration, on Linux) — is its own; jobs run one at a time, and
  the wait for the one before does not count;
* past its seconds the worker is killed (a new one starts with the next job) and
  :class:`TimedOut` raised; past its memory the job ends in a ``MemoryError`` there,
  raised here as :class:`OutOfMemory`; a dead worker is :class:`OutOfMemory` too;
* :func:`shutdown` stops the worker; the application calls it when it stops.

The callers turn these into a clear answer (:func:`user_error`): the ledger's requester
reads that the job was stopped and why, the circular's files fail with that reason, and
everybody else never noticed.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import sys
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.i18n import Ref
from bot.services.base import UserError

T = TypeVar("T")
GiB = 1024**3


@dataclass(frozen=True)
class Budget:
    """What one job may use: `name` says what it makes (catalog key `job_what_<name>`)."""

    name: str
    seconds: float
    memory: int | None  # bytes of address space; None: no limit


# The 10,000-branch ledger takes about a minute of CPU and 200 MiB on the reference
# machine; a month's document or chart well under a second and 100 MiB.
LEDGER = Budget("ledger", 300.0, 2 * GiB)
DOCUMENT = Budget("docx", 60.0, 1 * GiB)
CHART = Budget("chart", 60.0, 1 * GiB)


# Tests that replace a renderer in this process (monkeypatch) set this: the job then runs
# in a thread here, as before the worker, with no memory budget (and one past its time is
# abandoned, not stopped). Never set by the product.
IN_PROCESS = False


class OverBudget(Exception):
    def __init__(self, budget: Budget) -> None:
        super().__init__(budget.name)
        self.budget = budget


class TimedOut(OverBudget):
    def __str__(self) -> str:
        return f"{self.budget.name} ran past its {self.budget.seconds:g} s and was stopped"


class OutOfMemory(OverBudget):
    def __str__(self) -> str:
        limit = self.budget.memory
        size = f"{limit / 2**20:.0f} MiB" if limit else "the system's"
        return f"{self.budget.name} needed more than {size} of memory and was stopped"


def user_error(exc: OverBudget) -> UserError:
    """The answer for whoever asked: what was stopped, and why."""
    what = Ref(f"job_what_{exc.budget.name}")
    if isinstance(exc, TimedOut):
        return UserError("job_too_slow", what=what, seconds=round(exc.budget.seconds))
    return UserError("job_too_much_memory", what=what)


_pool: ProcessPoolExecutor | None = None
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _within(memory: int | None, fn: Callable[..., T], *args: Any) -> T:
    """In the worker: `fn(*args)` with the address space capped at `memory` (Linux),
    lifted again afterwards, so the next job gets its own budget."""
    if memory is None or not sys.platform.startswith("linux"):
        return fn(*args)
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        return fn(*args)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _context() -> Any:
    # The fork server (not a fork of the bot and its threads), shared with the plan
    # worker: whichever starts it first sets what it preloads, so both ask for both.
    # The renderers import their libraries (openpyxl, python-docx, matplotlib) on first use.
    if "forkserver" in multiprocessing.get_all_start_methods():
        from bot.services.plan_worker import _PRELOAD as PLAN_PRELOAD

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([*PLAN_PRELOAD, __name__])
        return context
    return multiprocessing.get_context("spawn")


def start_fork_server() -> None:
    """Start the fork server now. It imports by the sys.path of its own start (Python
    3.11 does not pass the parent's), where '' is the directory it started in: the test
    suite starts it before any test changes directory."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=_context())
    return _pool


def _lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _locks.get(loop)
    if lock is None:
        lock = _locks[loop] = asyncio.Lock()
    return lock


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker (a running job cannot be cancelled otherwise) and wait for
    the pool's threads and process to end."""
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def shutdown() -> None:
    """Stop the worker, if one was started. Safe to call at any time, and twice."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        _stop(pool)


async def _discard() -> None:
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        await asyncio.get_running_loop().run_in_executor(None, functools.partial(_stop, pool))


async def run(budget: Budget, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the worker, within `budget`. ``fn`` must be a module-level
    function and its arguments and result picklable. Raises :class:`TimedOut` or
    :class:`OutOfMemory`; whatever else ``fn`` raises comes back as it is."""
    if IN_PROCESS:
        try:
            return await asyncio.wait_for(asyncio.to_thread(fn, *args), budget.seconds)
        except TimeoutError:
            raise TimedOut(budget) from None
    async with _lock():
        pool = _get_pool()
        future: Future[T] = await asyncio.to_thread(pool.submit, _within, budget.memory, fn, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), budget.seconds)
        except TimeoutError:
            await _discard()
            raise TimedOut(budget) from None
        except MemoryError:
            raise OutOfMemory(budget) from None
        except BrokenProcessPool:
            await _discard()
            raise OutOfMemory(budget) from None
