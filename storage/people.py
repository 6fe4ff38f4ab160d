"""Users (everyone the bot has seen) and coordinators."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.models import User
from storage.db import Tx, ts
from storage.rows import fetch_all, fetch_one, model_from

# -------------------------------------------------------------------- users


async def upsert_user(
    tx: Tx,
    user_id: int,
    first_name: str,
    last_name: str,
    username: str | None,
    tg_language: str | None,
    now: datetime,
) -> None:
    """Remember a user we saw; a user who writes to us is reachable again."""
    await tx.run(
        """INSERT INTO users(user_id, first_name, last_name, username, tg_language, seen_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET first_name = excluded.first_name,
               last_name = excluded.last_name, username = excluded.username,
               tg_language = excluded.tg_language, seen_at = excluded.seen_at,
               reachable = 1, unreachable_reason = NULL""",
        (user_id, first_name, last_name, username, tg_language, ts(now)),
    )


async def get_user(tx: Tx, user_id: int) -> User | None:
    return await fetch_one(tx, User, "SELECT * FROM users WHERE user_id = ?", (user_id,))


USER_AND_ROLE = (
    "SELECT u.*, EXISTS (SELECT 1 FROM coordinators c WHERE c.user_id = u.user_id) "
    "AS is_coordinator FROM users u WHERE u.user_id = ?"
)


def user_and_role_from(rows: list[sqlite3.Row]) -> tuple[User, bool] | None:
    row = next(iter(rows), None)
    return None if row is None else (model_from(User, row), bool(row["is_coordinator"]))


async def get_user_and_role(tx: Tx, user_id: int) -> tuple[User, bool] | None:
    """The user and whether they are a coordinator, in one query (every update asks)."""
    return user_and_role_from(await tx.all(USER_AND_ROLE, (user_id,)))


async def set_user_language(tx: Tx, user_id: int, language: str) -> None:
    await tx.run("UPDATE users SET language = ? WHERE user_id = ?", (language, user_id))


async def set_reachable(tx: Tx, user_id: int, reachable: bool, reason: str | None) -> int:
    count, _ = await tx.run(
        "UPDATE users SET reachable = ?, unreachable_reason = ? WHERE user_id = ?",
        (int(reachable), None if reachable else reason, user_id),
    )
    return count


async def users_by_ids(tx: Tx, ids: Iterable[int | None]) -> list[User]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    return await fetch_all(tx, User, f"SELECT * FROM users WHERE user_id IN ({marks})", wanted)


# ------------------------------------------------------------- coordinators


async def is_coordinator(tx: Tx, user_id: int) -> bool:
    row = await tx.one("SELECT 1 FROM coordinators WHERE user_id = ?", (user_id,))
    return row is not None


async def add_coordinator(tx: Tx, user_id: int, added_by: int, now: datetime) -> bool:
    count, _ = await tx.run(
        "INSERT OR IGNORE INTO coordinators(user_id, added_by, added_at) VALUES (?, ?, ?)",
        (user_id, added_by, ts(now)),
    )
    return count > 0


async def remove_coordinator(tx: Tx, user_id: int) -> bool:
    count, _ = await tx.run("DELETE FROM coordinators WHERE user_id = ?", (user_id,))
    return count > 0


async def list_coordinators(tx: Tx) -> list[User]:
    return await fetch_all(
        tx, User, "SELECT u.* FROM coordinators c JOIN users u USING(user_id) ORDER BY c.added_at"
    )
