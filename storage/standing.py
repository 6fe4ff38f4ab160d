"""Where every branch stands in a month, in one query (`status.summarize` reads it).

One row per branch (active and archived, by id): the branch's columns, its
secretary's and deputy's user columns (prefixed `s_`, `d_`; NULL without one),
the month's report (`r_`), exemption (`e_`) and attachment count. The rows stay
rows: `bot.services.status.Line` decides the state from a few columns and builds
the pydantic models (`BranchView`, `Report`, `Exemption`) only when asked, so a
month of ten thousand branches is read without ten thousand model validations.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import cache

from pydantic import BaseModel

from bot.models import Exemption, Report, User
from storage.db import Tx


@cache
def _columns(model: type[BaseModel], alias: str, prefix: str) -> str:
    return ", ".join(f"{alias}.{name} AS {prefix}{name}" for name in model.model_fields)


@cache
def _sql(people: bool = True) -> str:
    # Members of an archived branch are removed when it is archived; the ON
    # clause keeps that true even for a stray row (history counts such a
    # branch, nobody reports for it). Without `people`: of the secretary and
    # deputy only their ids (the columns a month's digest and circular never read).
    users = (
        f"{_columns(User, 'us', 's_')}, {_columns(User, 'ud', 'd_')}"
        if people
        else "us.user_id AS s_user_id, ud.user_id AS d_user_id"
    )
    return f"""
        SELECT b.id, b.name, b.category, b.created_at, b.archived_at,
               b.parent_id, b.kind, b.reports,
               {users},
               {_columns(Report, "r", "r_")}, {_columns(Exemption, "e", "e_")},
               coalesce(a.n, 0) AS attachments
        FROM branches b
        LEFT JOIN branch_members ms
               ON ms.branch_id = b.id AND ms.role = 'secretary' AND b.archived_at IS NULL
        LEFT JOIN users us ON us.user_id = ms.user_id
        LEFT JOIN branch_members md
               ON md.branch_id = b.id AND md.role = 'deputy' AND b.archived_at IS NULL
        LEFT JOIN users ud ON ud.user_id = md.user_id
        LEFT JOIN reports r ON r.branch_id = b.id AND r.month = ?1
        LEFT JOIN exemptions e ON e.branch_id = b.id AND e.month = ?1
        LEFT JOIN (SELECT branch_id, count(*) AS n FROM attachments WHERE month = ?1
                   GROUP BY branch_id) a ON a.branch_id = b.id
        ORDER BY b.id"""


async def month_rows(tx: Tx, month: str, people: bool = True) -> list[sqlite3.Row]:
    """Every branch with its reporters and its report, exemption and attachments of
    `month`; without `people`, its reporters' ids only (a third fewer columns)."""
    return await tx.all(_sql(people), (month,))


def positions(rows: Sequence[sqlite3.Row]) -> dict[str, int]:
    """Each column's position in `month_rows`' rows (at least one): reading ten
    thousand rows by position spares a search along ~50 names per column."""
    return {name: i for i, name in enumerate(rows[0].keys())}
