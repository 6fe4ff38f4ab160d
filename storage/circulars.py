"""The month's circular (通报): its chat text, its model, where it was posted."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.models import Circular
from storage.db import Tx, parse_ts, parse_ts_opt, ts
from storage.rows import model_from

# ---------------------------------------------------------------- circulars


def circular_from(row: sqlite3.Row) -> Circular:
    """A circulars row as its model: `message_ids` is stored as a JSON list."""
    return model_from(Circular, row, message_ids=json.loads(row["message_ids"]))


async def get_circular(tx: Tx, month: str) -> Circular | None:
    row = await tx.one("SELECT * FROM circulars WHERE month = ?", (month,))
    return None if row is None else circular_from(row)


@dataclass(frozen=True)
class Built:
    """When a month's circular was built and posted: what a tick asks of it every
    minute, read without its text and model (a megabyte at 10,000 branches)."""

    built_at: datetime
    posted_at: datetime | None


async def circular_built(tx: Tx, month: str) -> Built | None:
    """`get_circular`'s times only; None when the month has no circular."""
    row = await tx.one("SELECT built_at, posted_at FROM circulars WHERE month = ?", (month,))
    if row is None:
        return None
    return Built(parse_ts(row["built_at"]), parse_ts_opt(row["posted_at"]))


async def save_circular(
    tx: Tx, month: str, text: str, now: datetime, doc: str | None = None
) -> bool:
    """Keep the month's circular (its chat text and its model as JSON); built once.

    False when one was built already.
    """
    count, _ = await tx.run(
        "INSERT OR IGNORE INTO circulars(month, text, built_at, doc) VALUES (?, ?, ?, ?)",
        (month, text, ts(now), doc),
    )
    return count > 0


async def mark_circular_posted(tx: Tx, month: str, message_id: int, now: datetime) -> None:
    row = await tx.one("SELECT message_ids FROM circulars WHERE month = ?", (month,))
    if row is None:
        return
    ids = [*json.loads(row["message_ids"]), message_id]
    await tx.run(
        "UPDATE circulars SET message_ids = ?, posted_at = coalesce(posted_at, ?) WHERE month = ?",
        (json.dumps(ids), ts(now), month),
    )


async def list_circulars(tx: Tx) -> list[Circular]:
    rows = await tx.all("SELECT * FROM circulars ORDER BY month")
    return [circular_from(r) for r in rows]


async def last_posted_circular(tx: Tx) -> str | None:
    """The latest month whose circular was posted, if any."""
    row = await tx.one("SELECT max(month) AS m FROM circulars WHERE posted_at IS NOT NULL")
    return None if row is None or row["m"] is None else str(row["m"])
