"""One worker process for reading plan files, with a time and a memory budget.

Reading a plan a user sent (inflating a .docx, decoding, extracting) is CPU work
on input anyone can shape. On the event loop it would stop every other user
for as long as it runs, and in a thread nothing could stop it or bound its
memory. So it runs in a separate process:

* one worker (``max_workers=1``), started on first use, from a fork server that
  has the plan modules imported already (no fork of the running bot and its
  threads, and no cold start per file);
* ``RLIMIT_AS`` set in the worker on Linux, so a file that needs too much
  memory ends in a MemoryError there, not in the bot being killed;
* jobs one at a time (a lock per event loop), each with :data:`TIME_BUDGET`
  seconds of its own; past that the worker is killed and a new one starts with
  the next job.

:func:`shutdown` stops the worker; the application calls it when it stops.
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
from typing import Any, TypeVar

T = TypeVar("T")

#: Seconds one job may take. Real plans take well under one.
TIME_BUDGET = 10.0
#: Address space the worker may use (bytes); None: no limit.
MEMORY_BUDGET: int | None = 1024 * 1024 * 1024

# Imported by the fork server once, so that each worker starts warm.
_PRELOAD = ["bot.services.plans", "bot.plans.reader", "docx"]
# The job worker (bot/services/job_worker.py) shares the fork server: whichever starts it
# first sets the preloads, so both name both.
_ALSO = ["bot.services.job_worker"]


class TimedOut(Exception):
    """The job ran past its time budget; the worker was stopped."""


class Crashed(Exception):
    """The worker died under the job (killed, or out of memory beyond recovery)."""


_pool: ProcessPoolExecutor | None = None
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _limit_memory(limit: int | None) -> None:
    """Worker initializer: cap the address space (Linux; a no-op elsewhere)."""
    if limit is None or not sys.platform.startswith("linux"):
        return
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _context() -> Any:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([*_PRELOAD, *_ALSO])
        return context
    return multiprocessing.get_context("spawn")


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=_context(),
            initializer=_limit_memory,
            initargs=(MEMORY_BUDGET,),
        )
    return _pool


def _lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _locks.get(loop)
    if lock is None:
        lock = _locks[loop] = asyncio.Lock()
    return lock


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker (a running job cannot be cancelled otherwise) and wait
    for the pool's threads and process to end."""
    # ProcessPoolExecutor has no public way to stop a busy worker before 3.14.
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
    """Stop the current pool without blocking the event loop while it winds down."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        await asyncio.get_running_loop().run_in_executor(None, functools.partial(_stop, pool))


async def run(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the worker process, within :data:`TIME_BUDGET`.

    ``fn`` must be a module-level function and its arguments and result
    picklable. Raises :class:`TimedOut` or :class:`Crashed`; whatever ``fn``
    raises comes back as it is.
    """
    async with _lock():
        # Submitting may start the worker (the fork server first: seconds under load,
        # importing what it preloads); in a thread, so that the event loop never waits.
        future: Future[T] = await asyncio.to_thread(_get_pool().submit, fn, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), TIME_BUDGET)
        except TimeoutError:
            await _discard()
            raise TimedOut from None
        except BrokenProcessPool:
            await _discard()
            raise Crashed from None
