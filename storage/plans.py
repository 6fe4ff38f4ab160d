"""SQL for plans, their tasks, task statuses and unconfirmed drafts."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from storage.db import Tx, ts
from storage.rows import fetch_all, fetch_one, model_from


class PlanRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    title: str
    year: int
    spec: str
    active: bool
    created_at: datetime


class TaskRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    plan_id: int
    position: int
    title: str
    phase: str | None
    due_on: date | None
    ongoing: bool
    recurring: str | None
    branches: list[str] | None  # None means every branch

    def applies_to(self, branch_name: str) -> bool:
        return self.branches is None or branch_name in self.branches


class StatusRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    task_id: int
    branch_id: int
    status: str
    note: str
    updated_at: datetime


class DraftRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    user_id: int
    file_name: str
    spec: str
    created_at: datetime
    decided_at: datetime | None


def _task(r: sqlite3.Row) -> TaskRow:
    # branches is JSON: "all" or a list of names.
    branches = json.loads(r["branches"])
    return model_from(TaskRow, r, branches=None if branches == "all" else list(branches))


async def add_plan(
    tx: Tx, title: str, year: int, spec_json: str, by: int | None, now: datetime
) -> int:
    _, rowid = await tx.run(
        "INSERT INTO plans(title, year, spec, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        (title, year, spec_json, by, ts(now)),
    )
    return rowid


async def add_task(
    tx: Tx,
    plan_id: int,
    position: int,
    title: str,
    phase: str | None,
    due_on: date | None,
    ongoing: bool,
    recurring_json: str | None,
    branches: list[str] | None,
) -> int:
    _, rowid = await tx.run(
        """INSERT INTO plan_tasks(plan_id, position, title, phase, due_on, ongoing, recurring,
               branches) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            plan_id,
            position,
            title,
            phase,
            due_on.isoformat() if due_on else None,
            int(ongoing),
            recurring_json,
            json.dumps("all" if branches is None else branches, ensure_ascii=False),
        ),
    )
    return rowid


async def rename_assignments(tx: Tx, old: str, new: str) -> int:
    """A renamed branch keeps the plan tasks assigned to it by name."""
    rows = await tx.all("SELECT id, branches FROM plan_tasks WHERE branches != '\"all\"'")
    changed = 0
    for r in rows:
        names = json.loads(r["branches"])
        if isinstance(names, list) and old in names:
            names = [new if n == old else n for n in names]
            await tx.run(
                "UPDATE plan_tasks SET branches = ? WHERE id = ?",
                (json.dumps(names, ensure_ascii=False), r["id"]),
            )
            changed += 1
    return changed


async def active_plans(tx: Tx) -> list[PlanRow]:
    return await fetch_all(tx, PlanRow, "SELECT * FROM plans WHERE active = 1 ORDER BY id")


async def find_active_plan(tx: Tx, title: str, year: int) -> PlanRow | None:
    return await fetch_one(
        tx,
        PlanRow,
        "SELECT * FROM plans WHERE active = 1 AND title = ? AND year = ?",
        (title, year),
    )


async def get_plan(tx: Tx, plan_id: int) -> PlanRow | None:
    return await fetch_one(tx, PlanRow, "SELECT * FROM plans WHERE id = ?", (plan_id,))


async def set_plan_active(tx: Tx, plan_id: int, active: bool) -> bool:
    count, _ = await tx.run("UPDATE plans SET active = ? WHERE id = ?", (int(active), plan_id))
    return count > 0


async def tasks_of(tx: Tx, plan_ids: list[int]) -> list[TaskRow]:
    if not plan_ids:
        return []
    marks = ",".join("?" * len(plan_ids))
    rows = await tx.all(
        f"SELECT * FROM plan_tasks WHERE plan_id IN ({marks}) ORDER BY plan_id, position", plan_ids
    )
    return [_task(r) for r in rows]


async def get_task(tx: Tx, task_id: int) -> TaskRow | None:
    row = await tx.one("SELECT * FROM plan_tasks WHERE id = ?", (task_id,))
    return None if row is None else _task(row)


async def statuses(tx: Tx, task_ids: list[int]) -> dict[tuple[int, int], StatusRow]:
    """(task, branch) → status, for the given tasks."""
    if not task_ids:
        return {}
    marks = ",".join("?" * len(task_ids))
    rows = await tx.all(f"SELECT * FROM task_status WHERE task_id IN ({marks})", task_ids)
    return {(r["task_id"], r["branch_id"]): model_from(StatusRow, r) for r in rows}


async def set_status(
    tx: Tx, task_id: int, branch_id: int, status: str, by: int, now: datetime
) -> None:
    await tx.run(
        """INSERT INTO task_status(task_id, branch_id, status, updated_by, updated_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(task_id, branch_id) DO UPDATE SET status = excluded.status,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at""",
        (task_id, branch_id, status, by, ts(now)),
    )


async def set_note(tx: Tx, task_id: int, branch_id: int, note: str, by: int, now: datetime) -> bool:
    count, _ = await tx.run(
        """UPDATE task_status SET note = ?, updated_by = ?, updated_at = ?
           WHERE task_id = ? AND branch_id = ?""",
        (note, by, ts(now), task_id, branch_id),
    )
    return count > 0


async def add_draft(tx: Tx, user_id: int, file_name: str, spec_json: str, now: datetime) -> int:
    _, rowid = await tx.run(
        "INSERT INTO plan_drafts(user_id, file_name, spec, created_at) VALUES (?, ?, ?, ?)",
        (user_id, file_name, spec_json, ts(now)),
    )
    return rowid


async def get_draft(tx: Tx, draft_id: int) -> DraftRow | None:
    return await fetch_one(tx, DraftRow, "SELECT * FROM plan_drafts WHERE id = ?", (draft_id,))


async def decide_draft(tx: Tx, draft_id: int, now: datetime) -> bool:
    """Close a draft once (confirm or cancel); False if it was decided already."""
    count, _ = await tx.run(
        "UPDATE plan_drafts SET decided_at = ? WHERE id = ? AND decided_at IS NULL",
        (ts(now), draft_id),
    )
    return count > 0


async def set_pending_task(
    tx: Tx, user_id: int, task_id: int, branch_id: int, now: datetime
) -> None:
    await tx.run(
        """INSERT OR REPLACE INTO pending(user_id, kind, branch_id, month, created_at, task_id)
           VALUES (?, 'task_note', ?, NULL, ?, ?)""",
        (user_id, branch_id, ts(now), task_id),
    )


async def pending_task(tx: Tx, user_id: int, since: datetime) -> tuple[int, int] | None:
    """The task whose note the user was asked for, if asked after `since`."""
    r = await tx.one(
        """SELECT task_id, branch_id FROM pending
           WHERE user_id = ? AND kind = 'task_note' AND created_at > ?""",
        (user_id, ts(since)),
    )
    if r is None or r["task_id"] is None:
        return None
    return int(r["task_id"]), int(r["branch_id"])
