"""Withdrawn and moved reports: the history table and the changes to `reports`."""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.models import Report
from storage.db import Tx, ts
from storage.reports import revisions
from storage.rows import fetch_all


class Move(BaseModel):
    model_config = ConfigDict(frozen=True)

    report_id: int
    action: str  # 'withdrawn' or 'moved'
    from_branch_id: int
    from_month: str
    to_branch_id: int | None
    to_month: str | None
    actor_id: int
    reason: str
    at: datetime


async def _snapshot(tx: Tx, report: Report) -> str:
    return json.dumps(
        {
            "report": report.model_dump(mode="json"),
            "revisions": [r.model_dump(mode="json") for r in await revisions(tx, report.id)],
        },
        ensure_ascii=False,
    )


async def _record(
    tx: Tx,
    report: Report,
    action: str,
    to: tuple[int, str] | None,
    actor_id: int,
    reason: str,
    now: datetime,
) -> None:
    await tx.run(
        """INSERT INTO report_moves(report_id, action, from_branch_id, from_month,
               to_branch_id, to_month, actor_id, reason, at, snapshot)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            report.id,
            action,
            report.branch_id,
            report.month,
            to[0] if to else None,
            to[1] if to else None,
            actor_id,
            reason,
            ts(now),
            await _snapshot(tx, report),
        ),
    )


async def withdraw(tx: Tx, report: Report, actor_id: int, reason: str, now: datetime) -> None:
    """Take the report out of every count; its text and revisions stay in the history."""
    await _record(tx, report, "withdrawn", None, actor_id, reason, now)
    await tx.run("DELETE FROM report_revisions WHERE report_id = ?", (report.id,))
    await tx.run("DELETE FROM reports WHERE id = ?", (report.id,))


async def move(
    tx: Tx,
    report: Report,
    branch_id: int,
    month: str,
    late: bool,
    actor_id: int,
    reason: str,
    now: datetime,
) -> None:
    """The report (its revisions and the evidence of its branch and month) goes elsewhere."""
    await _record(tx, report, "moved", (branch_id, month), actor_id, reason, now)
    await tx.run(
        "UPDATE reports SET branch_id = ?, month = ?, late = ? WHERE id = ?",
        (branch_id, month, int(late), report.id),
    )
    # Evidence follows; a file already attached at the target stays where it was.
    await tx.run(
        """UPDATE OR IGNORE attachments SET branch_id = ?, month = ?
           WHERE branch_id = ? AND month = ?""",
        (branch_id, month, report.branch_id, report.month),
    )


async def history(tx: Tx, report_id: int) -> list[Move]:
    return await fetch_all(
        tx, Move, "SELECT * FROM report_moves WHERE report_id = ? ORDER BY id", (report_id,)
    )


async def set_reason_pending(
    tx: Tx, user_id: int, kind: str, report_id: int, branch_id: int, month: str, now: datetime
) -> None:
    """Wait for a coordinator's reason: `branch_id`/`month` are where the report goes
    (for a withdrawal, where it is)."""
    await tx.run(
        """INSERT OR REPLACE INTO pending(user_id, kind, branch_id, month, created_at, report_id)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (user_id, kind, branch_id, month, ts(now), report_id),
    )


async def pending_report_id(tx: Tx, user_id: int) -> int | None:
    row = await tx.one("SELECT report_id FROM pending WHERE user_id = ?", (user_id,))
    return None if row is None or row["report_id"] is None else int(row["report_id"])
