"""The single-instance lease: one row naming the process that runs on this database.

Every function takes `now`; a lease whose `expires_at` is not after `now` is free.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.models import Lease
from storage.db import Tx, ts
from storage.rows import fetch_one

_SELECT = "SELECT owner, host, pid, since, renewed_at, expires_at FROM instance_lease WHERE id = 1"


async def holder(tx: Tx) -> Lease | None:
    """The lease as stored (it may have expired); None when nobody ever took it or it was
    released."""
    return await fetch_one(tx, Lease, _SELECT)


async def acquire(
    tx: Tx,
    owner: str,
    host: str,
    pid: int,
    now: datetime,
    ttl: timedelta,
    *,
    dead_owner: str | None = None,
) -> Lease | None:
    """Take the lease for `owner` if it is free, expired, already ours, or held by
    `dead_owner` (a holder the caller knows is gone). None when taken; otherwise the
    live holder, untouched."""
    current = await holder(tx)
    if (
        current is not None
        and current.owner != owner
        and current.owner != dead_owner
        and current.expires_at > now
    ):
        return current
    since = current.since if current is not None and current.owner == owner else now
    await tx.run(
        """INSERT INTO instance_lease(id, owner, host, pid, since, renewed_at, expires_at)
           VALUES (1, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET
             owner = excluded.owner, host = excluded.host, pid = excluded.pid,
             since = excluded.since, renewed_at = excluded.renewed_at,
             expires_at = excluded.expires_at""",
        (owner, host, pid, ts(since), ts(now), ts(now + ttl)),
    )
    return None


async def renew(tx: Tx, owner: str, now: datetime, ttl: timedelta) -> bool:
    """Extend `owner`'s lease; False when it is no longer `owner`'s (another process took
    it over after it expired)."""
    changed, _ = await tx.run(
        "UPDATE instance_lease SET renewed_at = ?, expires_at = ? WHERE id = 1 AND owner = ?",
        (ts(now), ts(now + ttl), owner),
    )
    return changed == 1


async def release(tx: Tx, owner: str) -> bool:
    """Give the lease up (clean shutdown); False when it was not `owner`'s."""
    changed, _ = await tx.run("DELETE FROM instance_lease WHERE id = 1 AND owner = ?", (owner,))
    return changed == 1
