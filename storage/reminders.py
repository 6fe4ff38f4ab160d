"""Read-only: which branches the schedule has just reminded (for /remind)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Tx, parse_ts, ts

# Outbox kinds of the scheduled reminders (before the due day, and after it).
SCHEDULED_KINDS = ("remind", "overdue")


async def last_scheduled(tx: Tx, since: datetime) -> dict[int, datetime]:
    """Branch → its latest scheduled reminder queued after `since` (not failed), one query."""
    rows = await tx.all(
        """SELECT branch_id, max(created_at) AS t FROM outbox
           WHERE kind IN (?, ?) AND created_at > ? AND status != 'failed'
           GROUP BY branch_id""",
        (*SCHEDULED_KINDS, ts(since)),
    )
    return {int(r["branch_id"]): parse_ts(r["t"]) for r in rows if r["branch_id"] is not None}
