"""审核: which 总支 review their 支部's reports, and each report's review history
(migration 0065, docs/tree-review.md).

A report's review state is its newest `report_approvals` row. Queries join
`reports` so that a withdrawn report leaves every count, and a moved one is
read where it now is.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.db import Tx, parse_ts, ts

PENDING = "pending"
APPROVED = "approved"
RETURNED = "returned"


@dataclass(frozen=True)
class Step:
    """One step of a report's review."""

    id: int
    report_id: int
    branch_id: int  # where the report is now
    month: str
    general_id: int
    state: str  # pending / approved / returned
    by_user: int | None
    at: datetime
    comment: str


def _step(r: sqlite3.Row) -> Step:
    return Step(
        id=int(r["id"]),
        report_id=int(r["report_id"]),
        branch_id=int(r["branch_id"]),
        month=str(r["month"]),
        general_id=int(r["general_id"]),
        state=str(r["state"]),
        by_user=None if r["by_user"] is None else int(r["by_user"]),
        at=parse_ts(r["at"]),
        comment=str(r["comment"]),
    )


_LATEST = """SELECT a.id, a.report_id, r.branch_id, r.month, a.general_id, a.state,
                    a.by_user, a.at, a.comment
             FROM report_approvals a JOIN reports r ON r.id = a.report_id
             WHERE a.id = (SELECT max(b.id) FROM report_approvals b
                           WHERE b.report_id = a.report_id)"""


# ------------------------------------------------------------------ settings


async def set_enabled(tx: Tx, general_id: int, enabled: bool, by: int, now: datetime) -> None:
    await tx.run(
        """INSERT INTO approval_settings(general_id, enabled, set_by, set_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(general_id) DO UPDATE SET enabled = excluded.enabled,
               set_by = excluded.set_by, set_at = excluded.set_at""",
        (general_id, int(enabled), by, ts(now)),
    )


async def enabled_generals(tx: Tx) -> frozenset[int]:
    """The 总支 that review their 支部's reports (read with every report: kept until the
    settings change, storage/cache.py)."""

    async def load() -> frozenset[int]:
        rows = await tx.all("SELECT general_id FROM approval_settings WHERE enabled = 1")
        return frozenset(int(r["general_id"]) for r in rows)

    return await tx.kept("enabled_generals", ("approval_settings",), load)


# ------------------------------------------------------------------ steps


async def add_step(
    tx: Tx,
    report_id: int,
    branch_id: int,
    month: str,
    general_id: int,
    state: str,
    by: int | None,
    now: datetime,
    comment: str = "",
) -> int:
    _, rowid = await tx.run(
        """INSERT INTO report_approvals(report_id, branch_id, month, general_id, state,
                                        by_user, at, comment)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (report_id, branch_id, month, general_id, state, by, ts(now), comment),
    )
    return rowid


async def latest(tx: Tx, report_id: int) -> Step | None:
    row = await tx.one(_LATEST + " AND a.report_id = ?", (report_id,))
    return None if row is None else _step(row)


async def history(tx: Tx, report_id: int) -> list[Step]:
    rows = await tx.all(
        """SELECT a.id, a.report_id, r.branch_id, r.month, a.general_id, a.state,
                  a.by_user, a.at, a.comment
           FROM report_approvals a JOIN reports r ON r.id = a.report_id
           WHERE a.report_id = ? ORDER BY a.id""",
        (report_id,),
    )
    return [_step(r) for r in rows]


async def latest_for_month(tx: Tx, month: str) -> list[Step]:
    """Each report of `month` that went to review, at its newest step."""
    rows = await tx.all(_LATEST + " AND r.month = ? ORDER BY a.id", (month,))
    return [_step(r) for r in rows]


async def pending_since(tx: Tx, before: datetime) -> list[Step]:
    """Every report waiting for review since before `before` (any month)."""
    rows = await tx.all(
        _LATEST + " AND a.state = 'pending' AND a.at <= ? ORDER BY a.id", (ts(before),)
    )
    return [_step(r) for r in rows]


# ------------------------------------------------------------------ the comment question


async def set_comment_pending(
    tx: Tx, user_id: int, kind: str, branch_id: int, month: str, report_id: int, now: datetime
) -> None:
    """Ask the 总支 secretary for the comment (the next text typed) on `report_id`."""
    await tx.run(
        """INSERT OR REPLACE INTO pending(user_id, kind, branch_id, month, created_at, report_id)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (user_id, kind, branch_id, month, ts(now), report_id),
    )


async def pending_report_id(tx: Tx, user_id: int) -> int | None:
    row = await tx.one("SELECT report_id FROM pending WHERE user_id = ?", (user_id,))
    return None if row is None or row["report_id"] is None else int(row["report_id"])
