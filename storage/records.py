"""Read-only queries for the records (台账): a span of months in a few set-based reads.

Each function reads a whole range at once (one statement per table) rather
than month by month, so a year of a thousand branches is a handful of
queries. Callers run them inside one `Database.reading()` so they see one
snapshot.
"""

from __future__ import annotations

from typing import cast

from bot.models import Branch, Circular, Cycle, Exemption, Report, User
from storage.circulars import circular_from
from storage.db import Tx
from storage.rows import fetch_all, model_from


async def branches_all(tx: Tx) -> list[Branch]:
    """Every branch, archived ones too: history still counts them."""
    return await fetch_all(tx, Branch, "SELECT * FROM branches ORDER BY id")


async def cycles_between(tx: Tx, first: str, last: str) -> list[Cycle]:
    return await fetch_all(
        tx,
        Cycle,
        "SELECT month, due_on FROM cycles WHERE month BETWEEN ? AND ? ORDER BY month",
        (first, last),
    )


async def reports_between(tx: Tx, first: str, last: str) -> list[Report]:
    return await fetch_all(
        tx,
        Report,
        "SELECT * FROM reports WHERE month BETWEEN ? AND ? ORDER BY branch_id, month",
        (first, last),
    )


# The columns of `report_page_between`'s tuples, in order, and what SQLite gives for them.
REPORT_ROW_COLUMNS = (
    "id, branch_id, month, author_id, text, submitted_at, revised_at, late, revisions"
)
ReportTuple = tuple[int, int, str, int, str, str, str | None, int, int]


async def report_page_between(
    tx: Tx, first: str, last: str, after: tuple[int, str] | None, limit: int
) -> list[ReportTuple]:
    """Up to `limit` of the span's reports after (branch_id, month) `after`, by branch
    then month, as plain tuples of `REPORT_ROW_COLUMNS`: a big span is read page by
    page, without a model per row."""
    branch_id, month = after if after is not None else (-1, "")
    # The row value walks the (branch_id, month) unique index from `after`; `+month`
    # keeps SQLite off the month index, which would sort the whole span for each page.
    rows = await tx.all(
        f"""SELECT {REPORT_ROW_COLUMNS} FROM reports
            WHERE (branch_id, month) > (?, ?) AND +month BETWEEN ? AND ?
            ORDER BY branch_id, month LIMIT ?""",
        (branch_id, month, first, last, limit),
    )
    return cast(list[ReportTuple], [tuple(r) for r in rows])


async def attachment_counts_between(tx: Tx, first: str, last: str) -> dict[tuple[int, str], int]:
    rows = await tx.all(
        """SELECT branch_id, month, count(*) AS n FROM attachments
           WHERE month BETWEEN ? AND ? GROUP BY branch_id, month""",
        (first, last),
    )
    return {(int(r["branch_id"]), str(r["month"])): int(r["n"]) for r in rows}


async def exemptions_between(tx: Tx, first: str, last: str) -> dict[tuple[int, str], Exemption]:
    rows = await tx.all(
        "SELECT * FROM exemptions WHERE month BETWEEN ? AND ?",
        (first, last),
    )
    return {(int(r["branch_id"]), str(r["month"])): model_from(Exemption, r) for r in rows}


async def circulars_between(tx: Tx, first: str, last: str) -> list[Circular]:
    rows = await tx.all(
        "SELECT * FROM circulars WHERE month BETWEEN ? AND ? ORDER BY month",
        (first, last),
    )
    return [circular_from(r) for r in rows]


async def report_authors_between(tx: Tx, first: str, last: str) -> dict[int, User]:
    """The users who wrote the span's reports, by id (a departed author may be absent)."""
    rows = await tx.all(
        """SELECT * FROM users WHERE user_id IN
               (SELECT DISTINCT author_id FROM reports WHERE month BETWEEN ? AND ?)""",
        (first, last),
    )
    return {int(r["user_id"]): model_from(User, r) for r in rows}
