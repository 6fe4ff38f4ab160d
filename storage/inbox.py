"""The inbox: every update recorded on arrival, keyed by its update_id, until handled.

Every function takes a `Tx`; times are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.models import InboxItem, InboxState
from storage.db import Tx, ts
from storage.rows import fetch_all

_COLUMNS = "update_id, payload, state, received_at, handled_at, failure"


async def record(tx: Tx, updates: Iterable[tuple[int, str]], now: datetime) -> int:
    """Store (update_id, JSON) pairs not stored yet; return how many were new."""
    return await tx.many(
        "INSERT OR IGNORE INTO inbox(update_id, payload, state, received_at) "
        "VALUES (?, ?, 'received', ?)",
        ((update_id, payload, ts(now)) for update_id, payload in updates),
    )


async def record_new(tx: Tx, updates: list[tuple[int, str]], now: datetime) -> list[int]:
    """Store (update_id, JSON) pairs not stored yet; return the ids that were new."""
    new: list[int] = []
    for start in range(0, len(updates), 100):  # getUpdates returns at most 100
        chunk = updates[start : start + 100]
        rows = await tx.all(
            "INSERT OR IGNORE INTO inbox(update_id, payload, state, received_at) VALUES "
            + ", ".join(["(?, ?, 'received', ?)"] * len(chunk))
            + " RETURNING update_id",  # the ignored (known) ones are not returned
            [v for update_id, payload in chunk for v in (update_id, payload, ts(now))],
        )
        new.extend(int(r[0]) for r in rows)
    return new


async def state(tx: Tx, update_id: int) -> InboxState | None:
    row = await tx.one("SELECT state FROM inbox WHERE update_id = ?", (update_id,))
    return None if row is None else InboxState(row["state"])


async def mark_handled(tx: Tx, update_id: int, now: datetime, failure: str | None = None) -> bool:
    """The update's handlers have run (`failure`: why one raised); False if it was not
    waiting (no row, or handled already)."""
    changed, _ = await tx.run(
        "UPDATE inbox SET state = 'handled', handled_at = ?, failure = ? "
        "WHERE update_id = ? AND state = 'received'",
        (ts(now), failure, update_id),
    )
    return changed == 1


async def mark_many(tx: Tx, marks: Iterable[tuple[int, str | None]], now: datetime) -> int:
    """`mark_handled` for many (update_id, failure) pairs in one statement's trip; return
    how many were waiting."""
    return await tx.many(
        "UPDATE inbox SET state = 'handled', handled_at = ?, failure = ? "
        "WHERE update_id = ? AND state = 'received'",
        ((ts(now), failure, update_id) for update_id, failure in marks),
    )


async def unhandled(tx: Tx) -> list[InboxItem]:
    """Rows still waiting for their handlers, oldest first."""
    return await fetch_all(
        tx,
        InboxItem,
        f"SELECT {_COLUMNS} FROM inbox WHERE state = 'received' ORDER BY received_at, update_id",
    )


async def item(tx: Tx, update_id: int) -> InboxItem | None:
    rows = await fetch_all(
        tx, InboxItem, f"SELECT {_COLUMNS} FROM inbox WHERE update_id = ?", (update_id,)
    )
    return rows[0] if rows else None


async def prune(tx: Tx, before: datetime) -> int:
    """Forget handled rows handled before `before`; return how many."""
    changed, _ = await tx.run(
        "DELETE FROM inbox WHERE state = 'handled' AND handled_at < ?", (ts(before),)
    )
    return changed
