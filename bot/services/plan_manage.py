"""Plans corrected and managed in chat, by coordinators.

Before enabling: the preview of a plan a coordinator sent is corrected with
buttons (:mod:`bot.services.plan_preview`), stored with its draft, each edit
raising the draft's version so that buttons of an older rendering are refused.
Only the coordinator who sent the file edits or enables its preview: the typed
answers (a date, a year) are per person, and two people correcting one preview
at once would undo each other.

After enabling: `/plan` disables, enables again or deletes a plan (soft: its
rows stay, so the ledger keeps the history), and edits a task's title, its
deadline, the branches it is assigned to, or deletes it. Every change is a
`plan_changes` row with who and when, shown in the plan's view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.i18n import Html
from bot.models import Branch, User
from bot.plans.model import PlanSpec
from bot.services import plan_preview
from bot.services.base import Actor, Env, UserError
from bot.services.plan_preview import Preview
from bot.services.reports import PENDING_TTL
from storage import branches as branch_store
from storage import meta, people
from storage import plans as store
from storage import reports as report_store
from storage.db import Tx

CHANGES_SHOWN = 5
NO_INPUT = frozenset({"取消", "cancel", "算了"})


# ------------------------------------------------------------------ preview


@dataclass(frozen=True)
class Edited:
    draft_id: int
    version: int
    preview: Preview
    notes: tuple[Html, ...] = ()  # the warnings of the first preview, rendered
    item: int | None = None  # the item a typed date was for (its page is shown)


def _notes(row: store.DraftRow) -> tuple[Html, ...]:
    return tuple(Html(n) for n in json.loads(row.notes)) if row.notes else ()


async def _open_draft(tx: Tx, actor: Actor, draft_id: int) -> store.DraftRow:
    actor.require_coordinator()
    row = await store.get_draft(tx, draft_id)
    if row is None or row.decided_at is not None:
        raise UserError("stale_button")
    if row.user_id != actor.user_id:
        raise UserError("plan_pv_not_yours")
    return row


def preview_of(row: store.DraftRow) -> Preview:
    if row.preview is not None:
        return Preview.model_validate_json(row.preview)
    return Preview.from_spec(PlanSpec.model_validate_json(row.spec))


async def current(env: Env, actor: Actor, draft_id: int, version: int) -> Edited:
    """The preview as stored, for paging; a button of an older version is stale."""
    async with env.db.reading() as tx:
        row = await _open_draft(tx, actor, draft_id)
    if row.version != version:
        raise UserError("stale_button")
    return Edited(draft_id, row.version, preview_of(row), _notes(row))


async def edit(
    env: Env, actor: Actor, draft_id: int, version: int, op: str, arg: int, now: datetime
) -> Edited:
    """One button's correction: `t` tick/untick item `arg`, `k` switch its kind,
    `y` move the year by `arg` (+1 / -1)."""
    async with env.db.transaction() as tx:
        row = await _open_draft(tx, actor, draft_id)
        if row.version != version:
            raise UserError("stale_button")
        before = preview_of(row)
        if op == "t":
            after = before.toggle(arg)
        elif op == "k":
            after = before.switch(arg)
        elif op == "y" and arg in (1, -1):
            after = before.with_year(before.year + arg)
        else:
            raise UserError("bad_button")
        if not await store.save_preview(tx, draft_id, version, after.model_dump_json()):
            raise UserError("stale_button")
    return Edited(draft_id, version + 1, after, _notes(row))


async def ask(
    env: Env, actor: Actor, draft_id: int, version: int, item: int | None, now: datetime
) -> Preview:
    """The coordinator tapped 📅 on item `item` (or 输入年份 when None): the next text
    they type is that date or year."""
    async with env.db.transaction() as tx:
        row = await _open_draft(tx, actor, draft_id)
        if row.version != version:
            raise UserError("stale_button")
        preview = preview_of(row)
        if item is not None:
            preview.item(item)
        what = {"draft": draft_id, "item": item}
        await store.set_pending_input(tx, actor.user_id, json.dumps(what), now)
    return preview


@dataclass(frozen=True)
class TaskEdited:
    plan_id: int
    task: store.TaskRow


@dataclass(frozen=True)
class Dropped:
    """The coordinator typed 取消: the question is closed, nothing changed. `gone`: the
    preview or task it was about was enabled, cancelled or deleted since; closed too."""

    gone: bool = False


DROPPED = Dropped()
GONE = Dropped(gone=True)
Typed = Edited | TaskEdited | Dropped


async def typed(env: Env, actor: Actor, text: str | None, now: datetime) -> Typed | None:
    """The text a coordinator typed after a plan question (a date, a year, a title):
    applied, or a clear refusal (the question stays open). None: no such question.
    取消 drops the question."""
    if not actor.coordinates:
        return None
    async with env.db.transaction() as tx:
        raw = await store.pending_input(tx, actor.user_id, now - PENDING_TTL)
        if raw is None:
            return None
        what = json.loads(raw)
        answer = " ".join((text or "").split())
        if answer.lower() in NO_INPUT:
            await report_store.clear_pending(tx, actor.user_id)
            return DROPPED
        if await _question_gone(tx, what):
            # Left open, it would answer every text for PENDING_TTL with "stale button".
            await report_store.clear_pending(tx, actor.user_id)
            return GONE
        if not answer:
            field = what.get("field")
            raise UserError(
                "plan_title_empty" if field == "title" else "plan_pv_date_bad", value=""
            )
        if "draft" in what:
            draft_id = int(what["draft"])
            row = await _open_draft(tx, actor, draft_id)
            before = preview_of(row)
            item = what.get("item")
            after = (
                before.with_year(plan_preview.parse_year(answer))
                if item is None
                else before.with_dates(int(item), answer)
            )
            if not await store.save_preview(tx, draft_id, row.version, after.model_dump_json()):
                raise UserError("stale_button")
            await report_store.clear_pending(tx, actor.user_id)
            edited_item = None if item is None else int(item)
            return Edited(draft_id, row.version + 1, after, _notes(row), edited_item)
        task = await _task(tx, actor, int(what["task"]))
        if what.get("field") == "title":
            if len(answer) > plan_preview.TITLE_MAX:
                # Cut silently, the end of what the clerk wrote would be lost unseen.
                raise UserError("plan_title_long", limit=plan_preview.TITLE_MAX, count=len(answer))
            title = answer
            await store.set_task_title(tx, task.id, title)
            await _changed(tx, actor, task, "task_title", f"{task.title} → {title}", now)
        else:
            plan = await store.get_plan(tx, task.plan_id)
            assert plan is not None
            found = plan_preview.parse_dates(answer, plan.year)
            if len(found) != 1:
                raise UserError("plan_pv_date_one")
            await store.set_task_due(tx, task.id, found[0])
            old = task.due_on.isoformat() if task.due_on else "—"
            await _changed(
                tx, actor, task, "task_due", f"{task.title}：{old} → {found[0].isoformat()}", now
            )
        await report_store.clear_pending(tx, actor.user_id)
        fresh = await store.get_task(tx, task.id)
        assert fresh is not None
        return TaskEdited(task.plan_id, fresh)


async def _question_gone(tx: Tx, what: dict[str, object]) -> bool:
    """The draft was enabled or cancelled, or the task (or its plan) deleted."""
    if "draft" in what:
        row = await store.get_draft(tx, int(str(what["draft"])))
        return row is None or row.decided_at is not None
    task = await store.get_task(tx, int(str(what["task"])))
    plan = None if task is None else await store.get_plan(tx, task.plan_id)
    return plan is None or plan.deleted_at is not None


# ------------------------------------------------------------ enabled plans


@dataclass(frozen=True)
class PlanChange:
    row: store.ChangeRow
    who: str


@dataclass(frozen=True)
class PlanView:
    plan: store.PlanRow
    tasks: list[store.TaskRow]
    changes: list[PlanChange]
    change_count: int


async def plans(env: Env, actor: Actor) -> list[store.PlanRow]:
    """Every plan not deleted, for the coordinator's /plan buttons."""
    actor.require_coordinator()
    async with env.db.reading() as tx:
        return await store.kept_plans(tx)


async def _plan(tx: Tx, actor: Actor, plan_id: int) -> store.PlanRow:
    actor.require_coordinator()
    plan = await store.get_plan(tx, plan_id)
    if plan is None or plan.deleted_at is not None:
        raise UserError("stale_button")
    return plan


async def _task(tx: Tx, actor: Actor, task_id: int) -> store.TaskRow:
    actor.require_coordinator()
    task = await store.get_task(tx, task_id)
    if task is None:
        raise UserError("stale_button")
    await _plan(tx, actor, task.plan_id)
    return task


async def _changed(
    tx: Tx,
    actor: Actor,
    task: store.TaskRow | None,
    action: str,
    detail: str,
    now: datetime,
    plan_id: int | None = None,
) -> None:
    pid = task.plan_id if task is not None else plan_id
    assert pid is not None
    await store.add_change(
        tx, pid, task.id if task else None, action, detail[:300], actor.user_id, now
    )
    await meta.audit(tx, f"plan_{action}", now, actor.user_id, None, f"{pid} {detail[:200]}")


async def view(env: Env, actor: Actor, plan_id: int) -> PlanView:
    async with env.db.reading() as tx:
        plan = await _plan(tx, actor, plan_id)
        tasks = await store.tasks_of(tx, [plan.id])
        rows, count = await store.changes(tx, plan.id, CHANGES_SHOWN)
        users = {u.user_id: u for u in await people.users_by_ids(tx, [r.by_user for r in rows])}
    changes = [PlanChange(r, _who(users.get(r.by_user or 0), r.by_user)) for r in rows]
    return PlanView(plan=plan, tasks=tasks, changes=changes, change_count=count)


def _who(user: User | None, user_id: int | None) -> str:
    if user is not None:
        return user.display_name
    return str(user_id) if user_id else "—"


async def set_active(env: Env, actor: Actor, plan_id: int, active: bool, now: datetime) -> None:
    """Disable a plan (the circular, reminders and /mytasks drop it) or enable it again."""
    async with env.db.transaction() as tx:
        plan = await _plan(tx, actor, plan_id)
        if plan.active == active:
            raise UserError("stale_button")
        if active and await store.find_active_plan(tx, plan.title, plan.year) is not None:
            raise UserError("plan_exists", title=plan.title, year=plan.year)
        await store.set_plan_active(tx, plan_id, active)
        action = "enabled" if active else "disabled"
        await _changed(tx, actor, None, action, plan.title, now, plan_id=plan_id)


async def delete(env: Env, actor: Actor, plan_id: int, now: datetime) -> str:
    """Delete a plan (after the confirm step): gone from chat, kept in the ledger."""
    async with env.db.transaction() as tx:
        plan = await _plan(tx, actor, plan_id)
        if not await store.delete_plan(tx, plan_id, now):
            raise UserError("stale_button")
        await _changed(tx, actor, None, "deleted", plan.title, now, plan_id=plan_id)
        return plan.title


async def task_of(env: Env, actor: Actor, task_id: int) -> store.TaskRow:
    async with env.db.reading() as tx:
        return await _task(tx, actor, task_id)


async def ask_task(
    env: Env, actor: Actor, task_id: int, field: str, now: datetime
) -> store.TaskRow:
    """✏️ or 📅 on a task: the next text the coordinator types is its title or deadline."""
    if field not in ("title", "due"):
        raise UserError("bad_button")
    async with env.db.transaction() as tx:
        task = await _task(tx, actor, task_id)
        what = {"task": task_id, "field": field}
        await store.set_pending_input(tx, actor.user_id, json.dumps(what), now)
        return task


async def delete_task(env: Env, actor: Actor, task_id: int, now: datetime) -> store.TaskRow:
    async with env.db.transaction() as tx:
        task = await _task(tx, actor, task_id)
        await store.delete_task(tx, task_id, now)
        await _changed(tx, actor, task, "task_deleted", task.title, now)
        return task


async def branch_choice(env: Env, actor: Actor, task_id: int) -> tuple[store.TaskRow, list[Branch]]:
    """The task and every branch, for the reassign picker (not for committee items)."""
    async with env.db.reading() as tx:
        task = await _task(tx, actor, task_id)
        branches = await branch_store.list_branches(tx)
    if task.owner == "committee":
        raise UserError("plan_task_committee")
    return task, branches


async def assign(
    env: Env, actor: Actor, task_id: int, branch_id: int | None, now: datetime
) -> store.TaskRow:
    """Tick or untick one branch for the task (from "all": every branch but that one),
    or with None assign it to every branch again (future ones too)."""
    async with env.db.transaction() as tx:
        task = await _task(tx, actor, task_id)
        if task.owner == "committee":
            raise UserError("plan_task_committee")
        branches = await branch_store.list_branches(tx)
        if branch_id is None:
            if task.branches is None:
                raise UserError("stale_button")
            await store.set_task_branches(tx, task_id, None)
            await _changed(tx, actor, task, "task_branches", f"{task.title}：all", now)
        else:
            branch = next((b for b in branches if b.id == branch_id), None)
            if branch is None:
                raise UserError("stale_button")
            names = [b.name for b in branches] if task.branches is None else list(task.branches)
            if branch.name in names:
                names.remove(branch.name)
                sign = "−"
            else:
                names.append(branch.name)
                sign = "+"
            if not names:
                raise UserError("plan_assign_none")
            await store.set_task_branches(tx, task_id, names)
            await _changed(
                tx, actor, task, "task_branches", f"{task.title}：{sign}{branch.name}", now
            )
        fresh = await store.get_task(tx, task_id)
        assert fresh is not None
        return fresh
