"""The outbox: every message the bot sends is queued here first, then delivered.

Only the outbox remains in this module (each other aggregate has its own
storage module: `meta`, `people`, `branches`, `reports`, `circulars`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.models import NewMessage, OutboxItem
from storage.db import Tx, parse_ts, ts
from storage.rows import model_from

# ------------------------------------------------------------------- outbox


class QueuedCounter:
    """How many messages this process has put in the outbox since it started.

    The running bot starts a drain after an update only when this moved (the
    update's handlers queued something); a reply sent directly queues nothing.
    Counted when the insert runs: a rolled-back transaction only costs a drain
    that finds nothing.
    """

    def __init__(self) -> None:
        self.total = 0


QUEUED = QueuedCounter()


def _outbox(row: sqlite3.Row) -> OutboxItem:
    return model_from(OutboxItem, row)


_ENQUEUE = """INSERT OR IGNORE INTO outbox(dedupe_key, kind, chat_id, text, reply_markup,
               branch_id, month, recipient_id, created_at, next_attempt_at, valid_until)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def _enqueue_row(message: NewMessage, now: datetime) -> tuple[object, ...]:
    return (
        message.dedupe_key,
        message.kind,
        message.chat_id,
        message.text,
        message.reply_markup,
        message.branch_id,
        message.month,
        message.recipient_id,
        ts(now),
        ts(now),
        None if message.valid_until is None else ts(message.valid_until),
    )


async def enqueue(tx: Tx, message: NewMessage, now: datetime) -> bool:
    """Add to the outbox unless the dedupe key exists; True when added."""
    count, _ = await tx.run(_ENQUEUE, _enqueue_row(message, now))
    QUEUED.total += count
    return count > 0


async def enqueue_many(tx: Tx, messages: list[NewMessage], now: datetime) -> int:
    """`enqueue` for many messages in one statement call; returns how many were new."""
    if not messages:
        return 0
    added = await tx.many(_ENQUEUE, [_enqueue_row(m, now) for m in messages])
    QUEUED.total += added
    return added


async def outbox_keys(tx: Tx, prefix: str) -> set[str]:
    """Dedupe keys starting with `prefix` (e.g. every reminder of a month)."""
    rows = await tx.all(
        "SELECT dedupe_key FROM outbox WHERE dedupe_key >= ? AND dedupe_key < ?",
        (prefix, prefix + "\U0010ffff"),
    )
    return {str(r["dedupe_key"]) for r in rows}


async def due_outbox(tx: Tx, now: datetime, limit: int) -> list[OutboxItem]:
    rows = await tx.all(
        """SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
           ORDER BY next_attempt_at, id LIMIT ?""",
        (ts(now), limit),
    )
    return [_outbox(r) for r in rows]


# The error of a message recorded as expired starts with this.
EXPIRED = "expired"


async def expire_stale(tx: Tx, now: datetime) -> int:
    """Record every unsent message whose window has passed as failed ("expired: …").

    Whatever its state: queued, claimed by a sender (even a dead one) or
    waiting for a retry. It is never sent after this. Returns how many.
    """
    count, _ = await tx.run(
        f"""UPDATE outbox SET status = 'failed', claimed_by = NULL,
               error = '{EXPIRED}: stale since ' || valid_until || ', not sent'
           WHERE status = 'pending' AND valid_until IS NOT NULL AND valid_until <= ?""",
        (ts(now),),
    )
    return count


async def mark_expired(tx: Tx, item: OutboxItem) -> None:
    until = ts(item.valid_until) if item.valid_until else "?"
    await tx.run(
        """UPDATE outbox SET status = 'failed', error = ?, claimed_by = NULL
           WHERE id = ? AND status = 'pending'""",
        (f"{EXPIRED}: stale since {until}, not sent", item.id),
    )


async def claim_due(
    tx: Tx, now: datetime, lease_until: datetime, limit: int, owner: str | None = None
) -> list[OutboxItem]:
    """Take due messages for sending and lease them, so a second sender skips them.

    Call `expire_stale` first in the same transaction: stale messages are
    then never handed out. The claim names its `owner` (one per process): a
    process that starts releases the claims of others at once
    (`release_claims`); otherwise a sender that crashed mid-send leaves the
    lease to run out, and the message is then tried again (at least once,
    never silently dropped).
    """
    items = await due_outbox(tx, now, limit)
    if items:
        marks = ",".join("?" * len(items))
        await tx.run(
            f"UPDATE outbox SET next_attempt_at = ?, claimed_by = ? WHERE id IN ({marks})",
            [ts(lease_until), owner, *(i.id for i in items)],
        )
    return items


async def pending_without_validity(tx: Tx, kinds: Iterable[str]) -> list[OutboxItem]:
    """Unsent messages of `kinds` queued without a validity (before migration 0006)."""
    wanted = list(kinds)
    marks = ",".join("?" * len(wanted))
    rows = await tx.all(
        f"""SELECT * FROM outbox WHERE status = 'pending' AND valid_until IS NULL
            AND kind IN ({marks}) ORDER BY id""",
        wanted,
    )
    return [_outbox(r) for r in rows]


async def set_valid_until(tx: Tx, item_id: int, until: datetime) -> None:
    await tx.run("UPDATE outbox SET valid_until = ? WHERE id = ?", (ts(until), item_id))


async def release_claims(tx: Tx, owner: str, now: datetime) -> int:
    """Claims of another (dead) process come due again now; returns how many.

    One running process per database is assumed: at start-up every claim not
    ours belongs to a process that is gone.
    """
    count, _ = await tx.run(
        """UPDATE outbox SET next_attempt_at = ?, claimed_by = NULL
           WHERE status = 'pending' AND claimed_by IS NOT NULL AND claimed_by != ?""",
        (ts(now), owner),
    )
    return count


async def next_outbox_time(tx: Tx) -> datetime | None:
    row = await tx.one("SELECT min(next_attempt_at) AS t FROM outbox WHERE status = 'pending'")
    return None if row is None or row["t"] is None else parse_ts(row["t"])


async def mark_sent(tx: Tx, item_id: int, message_id: int, now: datetime) -> None:
    await tx.run(
        """UPDATE outbox SET status = 'sent', sent_at = ?, tg_message_id = ?,
               attempts = attempts + 1, error = NULL, claimed_by = NULL WHERE id = ?""",
        (ts(now), message_id, item_id),
    )


async def mark_failed(tx: Tx, item_id: int, reason: str) -> None:
    await tx.run(
        """UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = ?,
               claimed_by = NULL WHERE id = ?""",
        (reason, item_id),
    )


async def retry_later(tx: Tx, item_id: int, reason: str, at: datetime) -> None:
    await tx.run(
        """UPDATE outbox SET attempts = attempts + 1, error = ?, next_attempt_at = ?,
               claimed_by = NULL WHERE id = ?""",
        (reason, ts(at), item_id),
    )


async def redirect_chat(tx: Tx, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: pending messages follow it."""
    await tx.run(
        "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
        (new_chat_id, old_chat_id),
    )


async def failed_outbox(tx: Tx, since: datetime) -> list[OutboxItem]:
    rows = await tx.all(
        "SELECT * FROM outbox WHERE status = 'failed' AND created_at >= ? ORDER BY id",
        (ts(since),),
    )
    return [_outbox(r) for r in rows]


async def get_outbox(tx: Tx, dedupe_key: str) -> OutboxItem | None:
    row = await tx.one("SELECT * FROM outbox WHERE dedupe_key = ?", (dedupe_key,))
    return None if row is None else _outbox(row)


async def outbox_all(tx: Tx) -> list[OutboxItem]:
    rows = await tx.all("SELECT * FROM outbox ORDER BY id")
    return [_outbox(r) for r in rows]


async def last_nudges(tx: Tx, since: datetime) -> dict[int, datetime]:
    """Branch → its latest /remind nudge after `since`, in one query."""
    rows = await tx.all(
        """SELECT branch_id, max(created_at) AS t FROM outbox
           WHERE kind = 'nudge' AND created_at > ? GROUP BY branch_id""",
        (ts(since),),
    )
    return {int(r["branch_id"]): parse_ts(r["t"]) for r in rows if r["branch_id"] is not None}
