"""One `zhibu run` per database: the single-instance lease and its heartbeat.

`hold()` takes the lease (`storage/lease.py`) before anything else runs, or returns the
live holder so the caller can refuse in one line; with `standby` it waits, polling, until
the holder's lease runs out. A heartbeat task renews it every `HEARTBEAT` seconds while
the event loop runs (also during the start-up tick, before PTB's JobQueue starts);
`install(app)` makes a lost lease stop the application; `let_go()` releases it on the
way out. A holder on this host whose process is gone is taken over at once; any other
stale holder when its lease expires (at most `LEASE` after its last heartbeat).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.models import Lease
from storage import lease as lease_store
from storage.db import Database

if TYPE_CHECKING:
    from telegram.ext import Application

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
HEARTBEAT = 10.0  # seconds between renewals: two may fail before the lease runs out
STANDBY_POLL = 2.0  # seconds between a standby's looks at the lease

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Me:
    """This process as a lease owner: host, pid and a random part (pids are reused)."""

    host: str
    pid: int
    owner: str

    @classmethod
    def here(cls) -> Me:
        host, pid = socket.gethostname(), os.getpid()
        return cls(host, pid, f"{host}:{pid}:{secrets.token_hex(4)}")


@dataclass
class Held:
    """A lease this process holds: its heartbeat and what to do if it is lost."""

    db: Database
    me: Me
    clock: Clock
    on_lost: Callable[[], None] | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)


def _gone(holder: Lease, me: Me) -> bool:
    """A holder on this host whose process no longer exists (killed, crashed)."""
    if holder.host != me.host or holder.owner == me.owner:
        return False
    if holder.pid == me.pid:  # our pid, not our owner id: an earlier run (a container's pid 1)
        return True
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


async def claim(db: Database, me: Me, now: datetime) -> Lease | None:
    """Take the lease now if it is free, expired, ours, or its holder's process is gone
    (same host); None when taken, else the live holder."""
    async with db.transaction() as tx:
        current = await lease_store.holder(tx)
        dead = current.owner if current is not None and _gone(current, me) else None
        return await lease_store.acquire(tx, me.owner, me.host, me.pid, now, LEASE, dead_owner=dead)


def describe(holder: Lease, now: datetime) -> str:
    since = holder.since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    ago = max(0, int((now - holder.renewed_at).total_seconds()))
    return f"host {holder.host}, pid {holder.pid}, since {since} (last heartbeat {ago} s ago)"


def refusal(db_path: object, holder: Lease, now: datetime) -> str:
    """The operator's one line when another process holds the lease."""
    return (
        f"zhibu: another `zhibu run` is using {db_path}: {describe(holder, now)}; "
        "stop it first, or start this one with --standby to take over when it stops"
    )


async def hold(
    db: Database,
    *,
    standby: bool = False,
    clock: Clock = _utc_now,
    poll: float = STANDBY_POLL,
    me: Me | None = None,
) -> Held | Lease:
    """Take the lease and start its heartbeat; without `standby`, the live holder when
    there is one. With `standby`, wait until it can be taken."""
    me = me or Me.here()
    holder = await claim(db, me, clock())
    if holder is not None and standby:
        log.warning(
            "standby: %s holds the database; waiting for it to stop", describe(holder, clock())
        )
        while holder is not None:
            await asyncio.sleep(poll)
            last, holder = holder, await claim(db, me, clock())
        log.warning("standby: took over the database from %s", describe(last, clock()))
    if holder is not None:
        return holder
    held = Held(db, me, clock)
    held.task = asyncio.get_running_loop().create_task(_heartbeat(held), name="lease")
    return held


async def renew(held: Held) -> bool:
    """Renew once; False when another process has taken the lease over."""
    async with held.db.transaction() as tx:
        return await lease_store.renew(tx, held.me.owner, held.clock(), LEASE)


async def _heartbeat(held: Held, interval: float = HEARTBEAT) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            kept = await renew(held)
        except sqlite3.Error as exc:  # busy or I/O: try again at the next beat
            log.warning("lease: cannot renew: %s", exc)
            continue
        if not kept:
            log.error("lease: another process took the database over; stopping")
            if held.on_lost is not None:
                held.on_lost()
            return


def install(app: Application, held: Held) -> None:  # type: ignore[type-arg]
    """A lost lease stops the application (the other process runs from then on)."""
    held.on_lost = app.stop_running


async def let_go(held: Held) -> None:
    """Stop the heartbeat and release the lease (clean shutdown)."""
    if held.task is not None:
        held.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await held.task
    try:
        async with held.db.transaction() as tx:
            await lease_store.release(tx, held.me.owner)
    except sqlite3.Error as exc:  # it expires by itself
        log.warning("lease: cannot release: %s", exc)
