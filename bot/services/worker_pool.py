"""One worker process for CPU-heavy jobs, as the plan worker and the job worker use it.

* one worker (``max_workers=1``), started on first use, from a fork server (no fork
  of the running bot and its threads) that has the workers' modules imported already;
* jobs one at a time (a lock per event loop), each with its own seconds; the wait for
  the job before does not count;
* past its seconds, or when the worker died, the worker is killed and a new one starts
  with the next job.

What a job may use and what the caller hears when it goes past are each worker's own
(:mod:`bot.services.plan_worker`, :mod:`bot.services.job_worker`).
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

# Imported by the fork server once, so that each worker starts warm. Both workers share
# the fork server and whichever starts it first sets what it preloads, so this names
# what both need. The renderers import their libraries (openpyxl, python-docx,
# matplotlib) on first use.
PRELOAD = ["bot.services.plans", "bot.plans.reader", "docx", "bot.services.job_worker"]


def context() -> Any:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def start_fork_server() -> None:
    """Start the fork server now. It imports by the sys.path of its own start (Python
    3.11 does not pass the parent's), where '' is the directory it started in: the test
    suite starts it before any test changes directory."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        context()
        forkserver.ensure_running()


def limit_memory(limit: int | None) -> tuple[int, int] | None:
    """In the worker: cap the address space at `limit` bytes (Linux; elsewhere, or with
    None, nothing). Returns the limits it replaced, to restore; None if it did nothing."""
    if limit is None or not sys.platform.startswith("linux"):
        return None
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    return soft, hard


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker (a running job cannot be cancelled otherwise) and wait for
    the pool's threads and process to end."""
    # ProcessPoolExecutor has no public way to stop a busy worker before 3.14.
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


class WorkerPool:
    """One worker process, started on first use. With `memory_cap`, the worker's address
    space is capped for its whole life at what it returns when the worker starts."""

    def __init__(self, memory_cap: Callable[[], int | None] | None = None) -> None:
        self._memory_cap = memory_cap
        self._pool: ProcessPoolExecutor | None = None
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            if self._memory_cap is None:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context())
            else:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=context(),
                    initializer=limit_memory,
                    initargs=(self._memory_cap(),),
                )
        return self._pool

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def shutdown(self) -> None:
        """Stop the worker, if one was started. Safe to call at any time, and twice."""
        pool, self._pool = self._pool, None
        if pool is not None:
            _stop(pool)

    async def _discard(self) -> None:
        """Stop the current pool without blocking the event loop while it winds down."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.get_running_loop().run_in_executor(None, functools.partial(_stop, pool))

    async def run(self, seconds: float, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the worker, within `seconds`. ``fn`` must be a module-level
        function and its arguments and result picklable. Past the seconds
        (``TimeoutError``) or with the worker dead (``BrokenProcessPool``) the worker is
        stopped and the error raised; whatever else ``fn`` raises comes back as it is."""
        async with self._lock():
            # Submitting may start the worker (the fork server first: seconds under load,
            # importing what it preloads); in a thread, so that the event loop never waits.
            future: Future[T] = await asyncio.to_thread(self._get_pool().submit, fn, *args)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), seconds)
            except (TimeoutError, BrokenProcessPool):
                await self._discard()
                raise
