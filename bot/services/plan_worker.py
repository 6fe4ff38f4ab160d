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

from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from bot.services.worker_pool import WorkerPool

T = TypeVar("T")

#: Seconds one job may take. Real plans take well under one.
TIME_BUDGET = 10.0
#: Address space the worker may use (bytes); None: no limit.
MEMORY_BUDGET: int | None = 1024 * 1024 * 1024


class TimedOut(Exception):
    """The job ran past its time budget; the worker was stopped."""


class Crashed(Exception):
    """The worker died under the job (killed, or out of memory beyond recovery)."""


_worker = WorkerPool(memory_cap=lambda: MEMORY_BUDGET)


def shutdown() -> None:
    """Stop the worker, if one was started. Safe to call at any time, and twice."""
    _worker.shutdown()


async def run(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the worker process, within :data:`TIME_BUDGET`.

    ``fn`` must be a module-level function and its arguments and result
    picklable. Raises :class:`TimedOut` or :class:`Crashed`; whatever ``fn``
    raises comes back as it is.
    """
    try:
        return await _worker.run(TIME_BUDGET, fn, *args)
    except TimeoutError:
        raise TimedOut from None
    except BrokenProcessPool:
        raise Crashed from None
