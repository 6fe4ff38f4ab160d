"""Key/value settings and the audit log.

Like every storage module, each function takes a `Tx` (from
`Database.transaction()` or `.reading()`), so a service decides what belongs
in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from bot.models import AuditEntry
from storage.db import Tx, ts
from storage.rows import fetch_all

# ---------------------------------------------------------------- key/value


async def kv_get(tx: Tx, key: str) -> str | None:
    row = await tx.one("SELECT value FROM kv WHERE key = ?", (key,))
    return None if row is None else str(row["value"])


async def kv_set(tx: Tx, key: str, value: str) -> None:
    await tx.run(
        """INSERT INTO kv(key, value) VALUES (?, ?)
           ON CONFLICT(key) DO UPDATE SET value = excluded.value""",
        (key, value),
    )


async def kv_setdefault(tx: Tx, key: str, value: str) -> str:
    """The stored value of `key`, storing `value` first if there is none (first writer wins)."""
    await tx.run("INSERT OR IGNORE INTO kv(key, value) VALUES (?, ?)", (key, value))
    stored = await kv_get(tx, key)
    assert stored is not None
    return stored


# -------------------------------------------------------------------- audit


async def audit(
    tx: Tx,
    action: str,
    now: datetime,
    actor_id: int | None = None,
    branch_id: int | None = None,
    detail: str = "",
) -> None:
    await tx.run(
        "INSERT INTO audit(at, actor_id, action, branch_id, detail) VALUES (?, ?, ?, ?, ?)",
        (ts(now), actor_id, action, branch_id, detail),
    )


async def audit_log(tx: Tx, limit: int = 100) -> list[AuditEntry]:
    return await fetch_all(tx, AuditEntry, "SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
