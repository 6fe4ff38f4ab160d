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
    deleted_at: datetime | None = None


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
    owner: str = "branch"  # or "committee": the committee's own duty, no branch's task

    def applies_to(self, branch_name: str) -> bool:
        if self.owner == "committee":
            return False
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
    preview: str | None = None  # the edited preview as JSON (None: read the spec)
    version: int = 0  # raised by each edit: buttons of an older rendering are stale
    notes: str | None = None  # the preview's warnings, rendered, as a JSON list


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
    owner: str = "branch",
) -> int:
    _, rowid = await tx.run(
        """INSERT INTO plan_tasks(plan_id, position, title, phase, due_on, ongoing, recurring,
               branches, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            plan_id,
            position,
            title,
            phase,
            due_on.isoformat() if due_on else None,
            int(ongoing),
            recurring_json,
            json.dumps("all" if branches is None else branches, ensure_ascii=False),
            owner,
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
    """Read after every report: kept until the plans change (storage/cache.py)."""

    async def load() -> tuple[PlanRow, ...]:
        return tuple(
            await fetch_all(
                tx,
                PlanRow,
                "SELECT * FROM plans WHERE active = 1 AND deleted_at IS NULL ORDER BY id",
            )
        )

    return list(await tx.kept("active_plans", ("plans",), load))


async def kept_plans(tx: Tx) -> list[PlanRow]:
    """Every plan not deleted, enabled or disabled (what /plan manages)."""
    return await fetch_all(tx, PlanRow, "SELECT * FROM plans WHERE deleted_at IS NULL ORDER BY id")


async def all_plans(tx: Tx) -> list[PlanRow]:
    """Every plan ever enabled, deleted ones too (the ledger keeps their history)."""
    return await fetch_all(tx, PlanRow, "SELECT * FROM plans ORDER BY id")


async def find_active_plan(tx: Tx, title: str, year: int) -> PlanRow | None:
    return await fetch_one(
        tx,
        PlanRow,
        """SELECT * FROM plans WHERE active = 1 AND deleted_at IS NULL
           AND title = ? AND year = ?""",
        (title, year),
    )


async def get_plan(tx: Tx, plan_id: int) -> PlanRow | None:
    return await fetch_one(tx, PlanRow, "SELECT * FROM plans WHERE id = ?", (plan_id,))


async def set_plan_active(tx: Tx, plan_id: int, active: bool) -> bool:
    count, _ = await tx.run("UPDATE plans SET active = ? WHERE id = ?", (int(active), plan_id))
    return count > 0


async def tasks_of(tx: Tx, plan_ids: list[int], deleted: bool = False) -> list[TaskRow]:
    """The plans' tasks in order; deleted ones only with `deleted` (the ledger's history)."""
    if not plan_ids:
        return []
    marks = ",".join("?" * len(plan_ids))
    kept = "" if deleted else " AND deleted_at IS NULL"
    rows = await tx.all(
        f"""SELECT * FROM plan_tasks WHERE plan_id IN ({marks}){kept}
            ORDER BY plan_id, position""",
        plan_ids,
    )
    return [_task(r) for r in rows]


async def get_task(tx: Tx, task_id: int) -> TaskRow | None:
    """A task not deleted (a deleted one's buttons are stale)."""
    row = await tx.one("SELECT * FROM plan_tasks WHERE id = ? AND deleted_at IS NULL", (task_id,))
    return None if row is None else _task(row)


async def deleted_task_ids(tx: Tx, plan_ids: list[int]) -> set[int]:
    if not plan_ids:
        return set()
    marks = ",".join("?" * len(plan_ids))
    rows = await tx.all(
        f"SELECT id FROM plan_tasks WHERE plan_id IN ({marks}) AND deleted_at IS NOT NULL",
        plan_ids,
    )
    return {int(r["id"]) for r in rows}


async def set_task_title(tx: Tx, task_id: int, title: str) -> None:
    await tx.run("UPDATE plan_tasks SET title = ? WHERE id = ?", (title, task_id))


async def set_task_due(tx: Tx, task_id: int, due_on: date) -> None:
    """A deadline replaces whatever schedule the task had (长期, a recurring rule)."""
    await tx.run(
        "UPDATE plan_tasks SET due_on = ?, ongoing = 0, recurring = NULL WHERE id = ?",
        (due_on.isoformat(), task_id),
    )


async def set_task_branches(tx: Tx, task_id: int, branches: list[str] | None) -> None:
    await tx.run(
        "UPDATE plan_tasks SET branches = ? WHERE id = ?",
        (json.dumps("all" if branches is None else branches, ensure_ascii=False), task_id),
    )


async def delete_task(tx: Tx, task_id: int, now: datetime) -> bool:
    count, _ = await tx.run(
        "UPDATE plan_tasks SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
        (ts(now), task_id),
    )
    return count > 0


async def delete_plan(tx: Tx, plan_id: int, now: datetime) -> bool:
    count, _ = await tx.run(
        "UPDATE plans SET deleted_at = ?, active = 0 WHERE id = ? AND deleted_at IS NULL",
        (ts(now), plan_id),
    )
    return count > 0


class ChangeRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    plan_id: int
    task_id: int | None
    action: str
    detail: str
    by_user: int | None
    at: datetime


async def add_change(
    tx: Tx,
    plan_id: int,
    task_id: int | None,
    action: str,
    detail: str,
    by: int | None,
    now: datetime,
) -> None:
    await tx.run(
        """INSERT INTO plan_changes(plan_id, task_id, action, detail, by_user, at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (plan_id, task_id, action, detail, by, ts(now)),
    )


async def changes(tx: Tx, plan_id: int, limit: int = 5) -> tuple[list[ChangeRow], int]:
    """The plan's latest `limit` changes, newest first, and how many there are in all."""
    found = await fetch_all(
        tx,
        ChangeRow,
        "SELECT * FROM plan_changes WHERE plan_id = ? ORDER BY id DESC LIMIT ?",
        (plan_id, limit),
    )
    row = await tx.one("SELECT COUNT(*) AS n FROM plan_changes WHERE plan_id = ?", (plan_id,))
    return found, int(row["n"]) if row else 0


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


async def set_draft_notes(tx: Tx, draft_id: int, notes_json: str) -> None:
    await tx.run("UPDATE plan_drafts SET notes = ? WHERE id = ?", (notes_json, draft_id))


async def get_draft(tx: Tx, draft_id: int) -> DraftRow | None:
    return await fetch_one(tx, DraftRow, "SELECT * FROM plan_drafts WHERE id = ?", (draft_id,))


async def save_preview(tx: Tx, draft_id: int, version: int, preview_json: str) -> bool:
    """Store an edited preview if the draft is still open at `version`; raises it by one.
    False when the draft was decided or edited meanwhile (the button was stale)."""
    count, _ = await tx.run(
        """UPDATE plan_drafts SET preview = ?, version = version + 1
           WHERE id = ? AND version = ? AND decided_at IS NULL""",
        (preview_json, draft_id, version),
    )
    return count > 0


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


async def set_pending_input(tx: Tx, user_id: int, what_json: str, now: datetime) -> None:
    """The coordinator was asked to type something for a plan (a date, a year, a title);
    one question per user, as every pending question."""
    await tx.run(
        """INSERT OR REPLACE INTO pending(user_id, kind, branch_id, month, created_at, held_text)
           VALUES (?, 'plan_input', NULL, NULL, ?, ?)""",
        (user_id, ts(now), what_json),
    )


async def pending_input(tx: Tx, user_id: int, since: datetime) -> str | None:
    """What the user was asked to type for a plan, if asked after `since`."""
    r = await tx.one(
        """SELECT held_text FROM pending
           WHERE user_id = ? AND kind = 'plan_input' AND created_at > ?""",
        (user_id, ts(since)),
    )
    return None if r is None or r["held_text"] is None else str(r["held_text"])
