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
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.i18n import Ref
from bot.services.base import UserError
from bot.services.worker_pool import WorkerPool, limit_memory
from bot.services.worker_pool import start_fork_server as start_fork_server

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


_worker = WorkerPool()


def _within(memory: int | None, fn: Callable[..., T], *args: Any) -> T:
    """In the worker: `fn(*args)` with the address space capped at `memory` (Linux),
    lifted again afterwards, so the next job gets its own budget."""
    before = limit_memory(memory)
    try:
        return fn(*args)
    finally:
        if before is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, before)


def shutdown() -> None:
    """Stop the worker, if one was started. Safe to call at any time, and twice."""
    _worker.shutdown()


async def run(budget: Budget, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the worker, within `budget`. ``fn`` must be a module-level
    function and its arguments and result picklable. Raises :class:`TimedOut` or
    :class:`OutOfMemory`; whatever else ``fn`` raises comes back as it is."""
    if IN_PROCESS:
        try:
            return await asyncio.wait_for(asyncio.to_thread(fn, *args), budget.seconds)
        except TimeoutError:
            raise TimedOut(budget) from None
    try:
        return await _worker.run(budget.seconds, _within, budget.memory, fn, *args)
    except TimeoutError:
        raise TimedOut(budget) from None
    except (MemoryError, BrokenProcessPool):
        raise OutOfMemory(budget) from None
