"""Branches, their members (secretary and deputy) and invites."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.models import (
    Branch,
    BranchKind,
    BranchView,
    Invite,
    InviteRole,
    MemberRole,
    Membership,
    User,
)
from storage import people
from storage.db import Tx, parse_ts, ts
from storage.rows import fetch_all, fetch_one, model_from

# ----------------------------------------------------------------- branches


async def add_branch(
    tx: Tx,
    name: str,
    category: str,
    now: datetime,
    *,
    parent_id: int | None = None,
    kind: BranchKind = BranchKind.BRANCH,
    reports: bool = True,
) -> Branch | None:
    """Create a branch (by default a reporting 支部 directly under the committee; see
    docs/tree.md for `parent_id`, `kind`, `reports`); None when an active branch
    already has that name."""
    try:
        _, rowid = await tx.run(
            """INSERT INTO branches(name, category, created_at, parent_id, kind, reports)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (name, category, ts(now), parent_id, kind.value, int(reports)),
        )
    except sqlite3.IntegrityError:
        return None
    return await get_branch(tx, rowid)


async def get_branch(tx: Tx, branch_id: int) -> Branch | None:
    return await fetch_one(tx, Branch, "SELECT * FROM branches WHERE id = ?", (branch_id,))


async def find_branch(tx: Tx, name: str) -> Branch | None:
    """The active branch with this exact name."""
    return await fetch_one(
        tx, Branch, "SELECT * FROM branches WHERE name = ? AND archived_at IS NULL", (name,)
    )


async def search_branches(tx: Tx, fragment: str) -> list[Branch]:
    """Active branches whose name contains `fragment` (for forgiving look-ups)."""
    return await fetch_all(
        tx,
        Branch,
        "SELECT * FROM branches WHERE archived_at IS NULL AND instr(name, ?) > 0 ORDER BY id",
        (fragment,),
    )


async def list_branches(tx: Tx, include_archived: bool = False) -> list[Branch]:
    where = "" if include_archived else "WHERE archived_at IS NULL"
    return await fetch_all(tx, Branch, f"SELECT * FROM branches {where} ORDER BY id")


async def archived_branches(tx: Tx) -> list[Branch]:
    return await fetch_all(
        tx, Branch, "SELECT * FROM branches WHERE archived_at IS NOT NULL ORDER BY id"
    )


async def rename_branch(tx: Tx, branch_id: int, name: str) -> bool:
    try:
        count, _ = await tx.run("UPDATE branches SET name = ? WHERE id = ?", (name, branch_id))
    except sqlite3.IntegrityError:
        return False
    return count > 0


async def archive_branch(tx: Tx, branch_id: int, now: datetime) -> None:
    await tx.run(
        "UPDATE branches SET archived_at = ? WHERE id = ? AND archived_at IS NULL",
        (ts(now), branch_id),
    )
    await tx.run("DELETE FROM branch_members WHERE branch_id = ?", (branch_id,))


async def branch_views(tx: Tx) -> list[BranchView]:
    """Active branches with their secretary and deputy, in one query."""
    rows = await tx.all(
        """SELECT b.*, m.role AS m_role, u.user_id AS u_user_id
           FROM branches b
           LEFT JOIN branch_members m ON m.branch_id = b.id
           LEFT JOIN users u ON u.user_id = m.user_id
           WHERE b.archived_at IS NULL ORDER BY b.id"""
    )
    users = {u.user_id: u for u in await people.users_by_ids(tx, {r["u_user_id"] for r in rows})}
    views: dict[int, dict[str, object]] = {}
    for r in rows:
        v = views.setdefault(r["id"], {"branch": model_from(Branch, r)})
        if r["m_role"] is not None and r["u_user_id"] in users:
            v[r["m_role"]] = users[r["u_user_id"]]
    return [BranchView.model_validate(v) for v in views.values()]


async def branch_view(tx: Tx, branch_id: int) -> BranchView | None:
    branch = await get_branch(tx, branch_id)
    if branch is None:
        return None
    rows = await tx.all(
        "SELECT role, user_id FROM branch_members WHERE branch_id = ?", (branch_id,)
    )
    holders: dict[str, User | None] = {}
    for r in rows:
        holders[r["role"]] = await people.get_user(tx, r["user_id"])
    return BranchView(
        branch=branch, secretary=holders.get("secretary"), deputy=holders.get("deputy")
    )


# ------------------------------------------------------------------ members


async def get_member(tx: Tx, branch_id: int, role: MemberRole) -> int | None:
    row = await tx.one(
        "SELECT user_id FROM branch_members WHERE branch_id = ? AND role = ?",
        (branch_id, role.value),
    )
    return None if row is None else int(row["user_id"])


async def set_member(tx: Tx, branch_id: int, role: MemberRole, user_id: int, now: datetime) -> None:
    # A person holds one role per branch: becoming secretary ends being deputy.
    await tx.run(
        "DELETE FROM branch_members WHERE branch_id = ? AND user_id = ?", (branch_id, user_id)
    )
    await tx.run(
        """INSERT INTO branch_members(branch_id, role, user_id, since) VALUES (?, ?, ?, ?)
           ON CONFLICT(branch_id, role) DO UPDATE SET user_id = excluded.user_id,
               since = excluded.since""",
        (branch_id, role.value, user_id, ts(now)),
    )


async def active_branch_ids(tx: Tx) -> set[int]:
    rows = await tx.all("SELECT id FROM branches WHERE archived_at IS NULL")
    return {int(r["id"]) for r in rows}


async def member_reachability(tx: Tx) -> list[tuple[int, int, bool]]:
    """(branch, user, reachable) for every secretary and deputy, as plain tuples."""
    rows = await tx.all(
        """SELECT m.branch_id, m.user_id, u.reachable FROM branch_members m
           JOIN users u ON u.user_id = m.user_id"""
    )
    return [(int(r["branch_id"]), int(r["user_id"]), bool(r["reachable"])) for r in rows]


_MEMBERSHIPS = """SELECT b.*, m.role AS m_role, m.since AS m_since FROM branch_members m
           JOIN branches b ON b.id = m.branch_id
           WHERE m.user_id = ? AND b.archived_at IS NULL ORDER BY b.id"""


def _memberships_from(rows: list[sqlite3.Row]) -> list[Membership]:
    return [model_from(Membership, r, "m_", branch=model_from(Branch, r)) for r in rows]


async def memberships(tx: Tx, user_id: int) -> list[Membership]:
    return _memberships_from(await tx.all(_MEMBERSHIPS, (user_id,)))


async def user_and_memberships(
    tx: Tx, user_id: int
) -> tuple[tuple[User, bool] | None, list[Membership]]:
    """The user, whether a coordinator, and their memberships in one trip: every update
    identifies its sender (`bot.services.base.identify`)."""
    user_rows, member_rows = await tx.selects(
        (people.USER_AND_ROLE, (user_id,)), (_MEMBERSHIPS, (user_id,))
    )
    return people.user_and_role_from(user_rows), _memberships_from(member_rows)


# ------------------------------------------------------------------ invites


async def add_invite(
    tx: Tx,
    token_hash: str,
    role: InviteRole,
    branch_id: int | None,
    created_by: int,
    now: datetime,
    expires_at: datetime,
) -> Invite:
    _, rowid = await tx.run(
        """INSERT INTO invites(token_hash, role, branch_id, created_by, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (token_hash, role.value, branch_id, created_by, ts(now), ts(expires_at)),
    )
    row = await tx.one("SELECT * FROM invites WHERE id = ?", (rowid,))
    assert row is not None
    return model_from(Invite, row)


async def invite_by_hash(tx: Tx, token_hash: str) -> Invite | None:
    return await fetch_one(tx, Invite, "SELECT * FROM invites WHERE token_hash = ?", (token_hash,))


async def get_invite(tx: Tx, invite_id: int) -> Invite | None:
    return await fetch_one(tx, Invite, "SELECT * FROM invites WHERE id = ?", (invite_id,))


async def use_invite(tx: Tx, invite_id: int, user_id: int, now: datetime) -> bool:
    """Mark an invite used; False if it was used or revoked meanwhile (single use)."""
    count, _ = await tx.run(
        """UPDATE invites SET used_at = ?, used_by = ?
           WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL""",
        (ts(now), user_id, invite_id),
    )
    return count > 0


async def revoke_invite(tx: Tx, invite_id: int, now: datetime) -> bool:
    count, _ = await tx.run(
        "UPDATE invites SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
        (ts(now), invite_id),
    )
    return count > 0


async def open_invites(tx: Tx, now: datetime) -> list[Invite]:
    return await fetch_all(
        tx,
        Invite,
        """SELECT * FROM invites WHERE used_at IS NULL AND revoked_at IS NULL
           AND expires_at > ? ORDER BY id""",
        (ts(now),),
    )


async def first_branch_created(tx: Tx) -> datetime | None:
    """When the earliest branch (archived ones included) was created, if any."""
    row = await tx.one("SELECT min(created_at) AS t FROM branches")
    return None if row is None or row["t"] is None else parse_ts(row["t"])
