"""The monthly cycle and what branches give for it: reports (with their
revisions), attachments, the prompts and pending questions that lead to them,
and exemptions.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, datetime

from bot.models import Attachment, Cycle, Exemption, Pending, Report, Revision
from storage.db import Tx, ts
from storage.rows import fetch_all, fetch_one, model_from

# ------------------------------------------------------------------- cycles


async def get_cycle(tx: Tx, month: str) -> Cycle | None:
    return await fetch_one(tx, Cycle, "SELECT * FROM cycles WHERE month = ?", (month,))


async def ensure_cycle(tx: Tx, month: str, due_on: date, now: datetime) -> Cycle:
    """Create the month's cycle once; an existing cycle keeps its due date."""
    await tx.run(
        "INSERT OR IGNORE INTO cycles(month, due_on, created_at) VALUES (?, ?, ?)",
        (month, due_on.isoformat(), ts(now)),
    )
    cycle = await get_cycle(tx, month)
    assert cycle is not None
    return cycle


async def first_cycle_month(tx: Tx) -> str | None:
    """The earliest month that has a cycle (YYYY-MM), if any."""
    row = await tx.one("SELECT min(month) AS m FROM cycles")
    return None if row is None or row["m"] is None else str(row["m"])


async def list_cycles(tx: Tx) -> list[Cycle]:
    return await fetch_all(tx, Cycle, "SELECT * FROM cycles ORDER BY month")


# ------------------------------------------------------------------ reports


async def get_report(tx: Tx, branch_id: int, month: str) -> Report | None:
    return await fetch_one(
        tx, Report, "SELECT * FROM reports WHERE branch_id = ? AND month = ?", (branch_id, month)
    )


async def get_report_by_id(tx: Tx, report_id: int) -> Report | None:
    return await fetch_one(tx, Report, "SELECT * FROM reports WHERE id = ?", (report_id,))


async def insert_report(
    tx: Tx, branch_id: int, month: str, author_id: int, text: str, now: datetime, late: bool
) -> Report:
    # A withdrawn report leaves `reports` but keeps its id in `report_moves`: a new
    # report never takes that id, or the withdrawn one's history, buttons and pending
    # questions would reach it (SQLite reuses the largest rowid once it is deleted).
    # RETURNING: the stored row comes back with the insert, not with a second query.
    [row] = await tx.all(
        """INSERT INTO reports(id, branch_id, month, author_id, text, submitted_at, late,
                               revisions)
           VALUES (1 + max(coalesce((SELECT max(id) FROM reports), 0),
                           coalesce((SELECT max(report_id) FROM report_moves), 0)),
                   ?, ?, ?, ?, ?, ?, 1)
           RETURNING *""",
        (branch_id, month, author_id, text, ts(now), int(late)),
    )
    report = model_from(Report, row)
    await tx.run(
        """INSERT INTO report_revisions(report_id, revision, text, author_id, submitted_at)
           VALUES (?, 1, ?, ?, ?)""",
        (report.id, text, author_id, ts(now)),
    )
    return report


async def revise_report(tx: Tx, report_id: int, author_id: int, text: str, now: datetime) -> Report:
    await tx.run(
        """UPDATE reports SET text = ?, revised_at = ?, revisions = revisions + 1,
               author_id = ? WHERE id = ?""",
        (text, ts(now), author_id, report_id),
    )
    await tx.run(
        """INSERT INTO report_revisions(report_id, revision, text, author_id, submitted_at)
           SELECT id, revisions, ?, ?, ? FROM reports WHERE id = ?""",
        (text, author_id, ts(now), report_id),
    )
    report = await get_report_by_id(tx, report_id)
    assert report is not None
    return report


async def revisions(tx: Tx, report_id: int) -> list[Revision]:
    return await fetch_all(
        tx,
        Revision,
        "SELECT * FROM report_revisions WHERE report_id = ? ORDER BY revision",
        (report_id,),
    )


async def reports_for_month(tx: Tx, month: str) -> list[Report]:
    return await fetch_all(
        tx, Report, "SELECT * FROM reports WHERE month = ? ORDER BY branch_id", (month,)
    )


async def reports_for_branch(tx: Tx, branch_id: int, limit: int = 24) -> list[Report]:
    return await fetch_all(
        tx,
        Report,
        "SELECT * FROM reports WHERE branch_id = ? ORDER BY month DESC LIMIT ?",
        (branch_id, limit),
    )


async def reports_submitted_between(tx: Tx, month: str, after: datetime) -> list[Report]:
    """Reports of `month` first submitted after `after` (补报 after a circular)."""
    return await fetch_all(
        tx,
        Report,
        "SELECT * FROM reports WHERE month = ? AND submitted_at > ? ORDER BY submitted_at",
        (month, ts(after)),
    )


async def reported_branch_ids(tx: Tx, month: str) -> set[int]:
    rows = await tx.all("SELECT branch_id FROM reports WHERE month = ?", (month,))
    return {int(r["branch_id"]) for r in rows}


async def unreported_among(tx: Tx, month: str, branch_ids: Collection[int]) -> set[int]:
    """Which of `branch_ids` did not report for `month`: an index look-up each, so a
    few branches among ten thousand cost a few; and the rows that come back are the
    few that did not (most did), not ten thousand."""
    rows = await tx.all(
        """SELECT value AS branch_id FROM json_each(?2)
           WHERE NOT EXISTS (SELECT 1 FROM reports WHERE month = ?1 AND branch_id = value)""",
        (month, json.dumps(list(branch_ids))),
    )
    return {int(r["branch_id"]) for r in rows}


async def set_highlight(tx: Tx, report_id: int, user_id: int | None) -> None:
    await tx.run("UPDATE reports SET highlighted_by = ? WHERE id = ?", (user_id, report_id))


# -------------------------------------------------------------- attachments


async def add_attachment(
    tx: Tx,
    branch_id: int,
    month: str,
    kind: str,
    file_id: str,
    file_unique_id: str,
    file_name: str | None,
    caption: str | None,
    author_id: int,
    now: datetime,
) -> bool:
    """Store evidence; False when the same file was already attached (a resend)."""
    count, _ = await tx.run(
        """INSERT OR IGNORE INTO attachments(branch_id, month, kind, file_id, file_unique_id,
               file_name, caption, author_id, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (branch_id, month, kind, file_id, file_unique_id, file_name, caption, author_id, ts(now)),
    )
    return count > 0


async def attachments(tx: Tx, branch_id: int, month: str) -> list[Attachment]:
    return await fetch_all(
        tx,
        Attachment,
        "SELECT * FROM attachments WHERE branch_id = ? AND month = ? ORDER BY id",
        (branch_id, month),
    )


async def attachment_counts(tx: Tx, month: str) -> dict[int, int]:
    rows = await tx.all(
        "SELECT branch_id, count(*) AS n FROM attachments WHERE month = ? GROUP BY branch_id",
        (month,),
    )
    return {int(r["branch_id"]): int(r["n"]) for r in rows}


# ------------------------------------------------------------------ prompts


async def add_prompt(tx: Tx, chat_id: int, message_id: int, branch_id: int, month: str) -> None:
    await tx.run(
        "INSERT OR REPLACE INTO prompts(chat_id, message_id, branch_id, month) VALUES (?, ?, ?, ?)",
        (chat_id, message_id, branch_id, month),
    )


async def find_prompt(tx: Tx, chat_id: int, message_id: int) -> tuple[int, str] | None:
    row = await tx.one(
        "SELECT branch_id, month FROM prompts WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return None if row is None else (int(row["branch_id"]), str(row["month"]))


# ------------------------------------------------------------------ pending


async def set_pending(
    tx: Tx, user_id: int, kind: str, branch_id: int | None, month: str | None, now: datetime
) -> None:
    await tx.run(
        """INSERT OR REPLACE INTO pending(user_id, kind, branch_id, month, created_at)
           VALUES (?, ?, ?, ?, ?)""",
        (user_id, kind, branch_id, month, ts(now)),
    )


async def get_pending(tx: Tx, user_id: int) -> Pending | None:
    return await fetch_one(tx, Pending, "SELECT * FROM pending WHERE user_id = ?", (user_id,))


async def hold_text(tx: Tx, user_id: int, text: str, now: datetime) -> None:
    """Keep text typed while a question is open; typing keeps the question alive."""
    await tx.run(
        "UPDATE pending SET held_text = ?, created_at = ? WHERE user_id = ?",
        (text, ts(now), user_id),
    )


async def clear_pending(tx: Tx, user_id: int) -> bool:
    count, _ = await tx.run("DELETE FROM pending WHERE user_id = ?", (user_id,))
    return count > 0


# --------------------------------------------------------------- exemptions


async def set_exemption(
    tx: Tx, branch_id: int, month: str, reason: str, by: int, now: datetime
) -> None:
    await tx.run(
        """INSERT OR REPLACE INTO exemptions(branch_id, month, reason, created_by, created_at)
           VALUES (?, ?, ?, ?, ?)""",
        (branch_id, month, reason, by, ts(now)),
    )


async def delete_exemption(tx: Tx, branch_id: int, month: str) -> bool:
    count, _ = await tx.run(
        "DELETE FROM exemptions WHERE branch_id = ? AND month = ?", (branch_id, month)
    )
    return count > 0


async def exemptions_for_month(tx: Tx, month: str) -> dict[int, Exemption]:
    rows = await tx.all("SELECT * FROM exemptions WHERE month = ?", (month,))
    return {int(r["branch_id"]): model_from(Exemption, r) for r in rows}
