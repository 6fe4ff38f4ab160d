"""The tree of units (docs/tree.md): where a unit sits, what it is, a 总支's own group.

The units themselves are rows of `branches` (storage/branches.py); this module
holds the statements that change their place in the tree and the groups a
党总支 binds (`general_groups`, migration 0060).
"""

from __future__ import annotations

from datetime import datetime

from bot.models import BranchKind
from storage.db import Tx, parse_ts, ts


async def set_parent(tx: Tx, branch_id: int, parent_id: int | None) -> bool:
    """Put a unit under `parent_id` (None: directly under the committee). Its reports,
    members and history stay with it: they are keyed by the unit, not by its place."""
    count, _ = await tx.run(
        "UPDATE branches SET parent_id = ? WHERE id = ?", (parent_id, branch_id)
    )
    return count > 0


async def set_kind(tx: Tx, branch_id: int, kind: BranchKind, reports: bool) -> bool:
    """Make a unit a 支部 or a 总支, and say whether it owes a monthly report itself."""
    count, _ = await tx.run(
        "UPDATE branches SET kind = ?, reports = ? WHERE id = ?",
        (kind.value, int(reports), branch_id),
    )
    return count > 0


async def subtree_ids(tx: Tx, root_id: int) -> frozenset[int]:
    """`root_id` and every active unit under it, at any depth, in one query (the parent
    index; UNION drops repeats, so even a hand-made cycle ends). The same set as
    `bot.tree.subtree` over the active units, without loading them."""
    rows = await tx.all(
        """WITH RECURSIVE sub(id) AS (
               SELECT id FROM branches WHERE id = ? AND archived_at IS NULL
               UNION
               SELECT b.id FROM branches b JOIN sub ON b.parent_id = sub.id
               WHERE b.archived_at IS NULL
           ) SELECT id FROM sub""",
        (root_id,),
    )
    return frozenset(int(r["id"]) for r in rows)


async def has_children(tx: Tx, branch_id: int) -> bool:
    """Whether an active unit sits directly under `branch_id`."""
    row = await tx.one(
        "SELECT 1 FROM branches WHERE parent_id = ? AND archived_at IS NULL LIMIT 1",
        (branch_id,),
    )
    return row is not None


async def any_general(tx: Tx) -> bool:
    """Whether an active unit is a 总支: `bot.services.grouping.has_generals` over the
    active units, without loading ten thousand of them to learn there is none."""
    row = await tx.one(
        "SELECT 1 FROM branches WHERE kind = ? AND archived_at IS NULL LIMIT 1",
        (BranchKind.GENERAL.value,),
    )
    return row is not None


async def lift_children(tx: Tx, branch_id: int, parent_id: int | None) -> list[str]:
    """A 总支 is archived: its active units go up to where it sat (its own 总支, or the
    committee), so that a 支部 under a middle 总支 stays in the 总支 above rather than
    jumping to the committee. Returns their names, in id order."""
    rows = await tx.all(
        "SELECT name FROM branches WHERE parent_id = ? AND archived_at IS NULL ORDER BY id",
        (branch_id,),
    )
    await tx.run(
        "UPDATE branches SET parent_id = ? WHERE parent_id = ? AND archived_at IS NULL",
        (parent_id, branch_id),
    )
    return [str(r["name"]) for r in rows]


async def reporting_branch_ids(tx: Tx) -> set[int]:
    """Active units that owe a monthly report (every one but a 总支 that only gathers)."""
    rows = await tx.all("SELECT id FROM branches WHERE archived_at IS NULL AND reports = 1")
    return {int(r["id"]) for r in rows}


# ------------------------------------------------------------ a 总支's group


async def bind_general_group(
    tx: Tx, branch_id: int, chat_id: int, title: str, by: int, now: datetime
) -> None:
    """Make `chat_id` the group of 总支 `branch_id` (one group per 总支, one 总支 per group:
    a group bound before to another 总支 is taken from it)."""
    await tx.run(
        "DELETE FROM general_groups WHERE chat_id = ? AND branch_id != ?", (chat_id, branch_id)
    )
    await tx.run(
        """INSERT INTO general_groups(branch_id, chat_id, title, bound_by, bound_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(branch_id) DO UPDATE SET chat_id = excluded.chat_id,
               title = excluded.title, bound_by = excluded.bound_by,
               bound_at = excluded.bound_at""",
        (branch_id, chat_id, title, by, ts(now)),
    )


async def unbind_chat(tx: Tx, chat_id: int) -> None:
    """The chat is no 总支's group any more (it became the committee's group)."""
    await tx.run("DELETE FROM general_groups WHERE chat_id = ?", (chat_id,))


async def general_of_chat(tx: Tx, chat_id: int) -> int | None:
    """The active 总支 whose group `chat_id` is, if any."""
    row = await tx.one(
        """SELECT g.branch_id FROM general_groups g JOIN branches b ON b.id = g.branch_id
           WHERE g.chat_id = ? AND b.archived_at IS NULL""",
        (chat_id,),
    )
    return None if row is None else int(row["branch_id"])


async def general_groups(tx: Tx) -> dict[int, int]:
    """Every active 总支 with a bound group: 总支 id → chat id."""
    rows = await tx.all(
        """SELECT g.branch_id, g.chat_id FROM general_groups g
           JOIN branches b ON b.id = g.branch_id WHERE b.archived_at IS NULL
           ORDER BY g.branch_id"""
    )
    return {int(r["branch_id"]): int(r["chat_id"]) for r in rows}


async def redirect_group(tx: Tx, old_chat_id: int, new_chat_id: int) -> bool:
    """A 总支's group became a supergroup: keep it bound under its new id."""
    count, _ = await tx.run(
        "UPDATE general_groups SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
    )
    return count > 0


async def general_groups_bound(tx: Tx) -> list[tuple[int, int, datetime]]:
    """(总支 id, chat id, when bound) for every active 总支 with a group."""
    rows = await tx.all(
        """SELECT g.branch_id, g.chat_id, g.bound_at FROM general_groups g
           JOIN branches b ON b.id = g.branch_id WHERE b.archived_at IS NULL
           ORDER BY g.branch_id"""
    )
    return [(int(r["branch_id"]), int(r["chat_id"]), parse_ts(r["bound_at"])) for r in rows]
