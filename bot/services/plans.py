"""Plans (方案) in the monthly loop: import with a preview, track tasks per branch.

The plan's own text is read by `bot.plans` (extraction, YAML); this module
keeps confirmed plans, each branch's status per task, task deadline
reminders, and the progress the circular and /status report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from bot import rules
from bot.i18n import DEFAULT as DEFAULT_LANG
from bot.i18n import Html, Ref, esc, t
from bot.models import Branch, BranchView, NewMessage
from bot.plans.extract import extract
from bot.plans.model import (
    PhaseSpec,
    PlanFormatError,
    PlanRefused,
    PlanSpec,
    RecurringRule,
    TaskSpec,
)
from bot.plans.reader import read_plan_bytes
from bot.plans.yamlio import load_plan_yaml
from bot.services import plan_worker
from bot.services.base import Actor, Env, UserError, user_lang
from bot.services.circular_model import Item, Para, Run, Section, listing, plain, runs
from bot.services.fmt import date_label, plan_date, rule_label
from bot.services.plan_preview import Preview
from bot.services.reports import PENDING_TTL
from storage import branches as branch_store
from storage import meta, outbox, reports
from storage import plans as store
from storage.db import Tx
from storage.plans import PlanRow

STATUSES = ("todo", "doing", "done")
PLAN_FILE_TYPES = (".txt", ".docx", ".yaml", ".yml")
MAX_PLAN_BYTES = 5 * 1024 * 1024
NOTE_MAX = 200


def is_plan_file(file_name: str | None) -> bool:
    return bool(file_name) and str(file_name).lower().endswith(PLAN_FILE_TYPES)


# -------------------------------------------------------------------- import


@dataclass(frozen=True)
class Draft:
    id: int
    spec: PlanSpec
    warnings: list[Html]  # rendered in the coordinator's language


def spec_from_file(file_name: str, data: bytes, today: date) -> tuple[PlanSpec, list[str]]:
    """Read a plan document: YAML as written, text and Word documents by extraction."""
    if len(data) > MAX_PLAN_BYTES:
        raise UserError("plan_too_big")
    try:
        text = read_plan_bytes(file_name, data)
        if file_name.lower().endswith((".yaml", ".yml")):
            return load_plan_yaml(text), []
        # Today stands in for the document's date when the text names no year
        # (the extraction then warns, and the preview shows it).
        found = extract(text, source_date=today)
        if not found.items and not found.tasks:
            raise UserError("plan_empty")
        # A document without a heading line: its file name is the best title we have.
        return found.to_plan_spec(default_title=Path(file_name).stem), list(found.warnings)
    except PlanRefused as exc:
        line = {"line": exc.line} if exc.line is not None else {}
        raise UserError(exc.key, **line, **exc.params) from None
    except PlanFormatError as exc:
        raise UserError("plan_unreadable", reason=str(exc)[:300]) from None


_Outcome = tuple[PlanSpec, list[str]] | tuple[str, dict[str, object]]


def _read_in_worker(file_name: str, data: bytes, today: date) -> _Outcome:
    """:func:`spec_from_file` as run in the worker: a refusal comes back as its catalog
    key and parameters (an exception's own parameters do not survive pickling)."""
    try:
        return spec_from_file(file_name, data, today)
    except UserError as exc:
        return exc.key, dict(exc.params)
    except MemoryError:
        return "plan_too_much_memory", {}
    except RecursionError:
        reason: dict[str, object] = {"reason": f"{file_name}: nested too deeply"}
        return "plan_unreadable", reason


async def read_plan(file_name: str, data: bytes, today: date) -> tuple[PlanSpec, list[str]]:
    """:func:`spec_from_file` off the event loop, in the plan worker (see
    :mod:`bot.services.plan_worker`): within its time and memory budget, or a
    :class:`UserError` saying which budget the file went past."""
    if len(data) > MAX_PLAN_BYTES:
        raise UserError("plan_too_big")
    try:
        outcome = await plan_worker.run(_read_in_worker, file_name, data, today)
    except plan_worker.TimedOut:
        raise UserError("plan_too_slow", seconds=round(plan_worker.TIME_BUDGET)) from None
    except plan_worker.Crashed:
        raise UserError("plan_too_much_memory") from None
    first, second = outcome
    if isinstance(first, str):
        assert isinstance(second, dict)
        raise UserError(first, **second)
    assert isinstance(second, list)
    return first, second


def shutdown() -> None:
    """Stop the plan worker process; for the application's stop (post_stop)."""
    plan_worker.shutdown()


async def draft(env: Env, actor: Actor, file_name: str, data: bytes, now: datetime) -> Draft:
    """A preview of a plan a coordinator sent; nothing takes effect before confirmation.

    The file is read in the plan worker (:func:`read_plan`), never on the event loop."""
    actor.require_coordinator()
    today = now.astimezone(env.cfg.tz).date()
    spec, warnings = await read_plan(file_name, data, today)
    lang = actor.lang
    # The extractor's own findings quote the plan's text; each is one warning line.
    notes = [t(lang, "plan_pv_warning", text=w) for w in warnings]
    # (A past year is warned about by the preview itself, from its current year:
    # a stored note would outlive the coordinator's correction of the year.)
    if not spec.phases and not spec.tasks:
        raise UserError("plan_empty")
    async with env.db.transaction() as tx:
        known = {b.name for b in await branch_store.list_branches(tx)}
        for task in spec.tasks:
            if task.owner == "branch" and task.branches != "all":
                # Assigned by name: a misspelt name would silently assign the task to nobody.
                notes.append(
                    t(lang, "plan_warn_limited", task=task.title, names="、".join(task.branches))
                )
                unknown = [n for n in task.branches if n not in known]
                if unknown:
                    notes.append(
                        t(lang, "plan_warn_unknown", task=task.title, names="、".join(unknown))
                    )
        draft_id = await store.add_draft(tx, actor.user_id, file_name, spec.model_dump_json(), now)
        # Kept with the draft: a corrected preview (edited in place) still shows them.
        await store.set_draft_notes(tx, draft_id, json.dumps(notes, ensure_ascii=False))
    return Draft(id=draft_id, spec=spec, warnings=notes)


async def decide(
    env: Env,
    actor: Actor,
    draft_id: int,
    accept: bool,
    now: datetime,
    version: int | None = None,
) -> PlanSpec:
    """Enable (or cancel) a preview: as corrected in chat, by the coordinator who sent it.
    `version` (from a button of the corrected preview) must be the stored one."""
    actor.require_coordinator()
    async with env.db.transaction() as tx:
        row = await store.get_draft(tx, draft_id)
        if row is None or row.decided_at is not None:
            raise UserError("stale_button")
        if row.user_id != actor.user_id:
            raise UserError("plan_pv_not_yours")
        if version is not None and row.version != version:
            raise UserError("stale_button")
        spec = (
            Preview.model_validate_json(row.preview).to_spec()
            if accept and row.preview is not None
            else PlanSpec.model_validate_json(row.spec)
        )
        if not await store.decide_draft(tx, draft_id, now):
            raise UserError("stale_button")
        if accept:
            plan_id = await add_plan(tx, spec, actor.user_id, now)
            await meta.audit(
                tx, "plan_enabled", now, actor.user_id, None, f"{plan_id} {spec.title}"
            )
        return spec


async def add_plan(tx: Tx, spec: PlanSpec, by: int | None, now: datetime) -> int:
    # The same plan twice would double every task, reminder and circular line.
    if await store.find_active_plan(tx, spec.title, spec.year) is not None:
        raise UserError("plan_exists", title=spec.title, year=spec.year)
    plan_id = await store.add_plan(tx, spec.title, spec.year, spec.model_dump_json(), by, now)
    for i, task in enumerate(spec.tasks):
        await store.add_task(
            tx,
            plan_id,
            i,
            task.title,
            task.phase,
            task.due,
            task.ongoing,
            task.recurring.model_dump_json() if task.recurring else None,
            None if task.branches == "all" else list(task.branches),
            task.owner,
        )
    return plan_id


async def import_plan(env: Env, spec: PlanSpec, now: datetime) -> int:
    """`zhibu plan import FILE.yaml`: the operator has reviewed the file already."""
    async with env.db.transaction() as tx:
        plan_id = await add_plan(tx, spec, None, now)
        await meta.audit(tx, "plan_imported", now, None, None, f"{plan_id} {spec.title}")
        return plan_id


# ------------------------------------------------------------------ progress


@dataclass(frozen=True)
class TaskState:
    task: store.TaskRow
    plan_title: str
    status: str
    note: str
    overdue: bool
    updated_at: datetime | None = None


@dataclass(frozen=True)
class TaskProgress:
    task: store.TaskRow
    done: int
    total: int  # branches expected: assigned, not exempt (0 for a committee item)
    overdue: list[str]  # branch names
    not_done: list[str] = field(default_factory=list)  # branch names, overdue or not

    @property
    def committee(self) -> bool:
        return self.task.owner == "committee"


@dataclass(frozen=True)
class PlanProgress:
    id: int
    spec: PlanSpec
    phase: PhaseSpec | None
    next_phase: PhaseSpec | None
    tasks: list[TaskProgress]


def _next_phase(spec: PlanSpec, day: date) -> PhaseSpec | None:
    upcoming = [p for p in spec.phases if p.start > day]
    return min(upcoming, key=lambda p: p.start) if upcoming else None


def _overdue(task: store.TaskRow, status: str, today: date) -> bool:
    return task.due_on is not None and task.due_on < today and status != "done"


async def progress(
    env: Env, tx: Tx, today: date, exempt: frozenset[int] = frozenset()
) -> list[PlanProgress]:
    """Every enabled plan, with each task's count done of the branches expected.

    Branches in `exempt` (免报 this month) are left out of both counts and of the
    overdue ones; a committee item is expected of no branch (total 0)."""
    plans = await store.active_plans(tx)
    if not plans:
        return []  # most months: nothing to walk ten thousand branches for
    tasks = await store.tasks_of(tx, [p.id for p in plans])
    states = await store.statuses(tx, [task.id for task in tasks])
    branches = [b for b in await branch_store.list_branches(tx) if b.id not in exempt]
    out: list[PlanProgress] = []
    for plan in plans:
        spec = PlanSpec.model_validate_json(plan.spec)
        rows: list[TaskProgress] = []
        for task in (x for x in tasks if x.plan_id == plan.id):
            assigned = [b for b in branches if task.applies_to(b.name)]
            status = {
                b.id: states[(task.id, b.id)].status if (task.id, b.id) in states else "todo"
                for b in assigned
            }
            rows.append(
                TaskProgress(
                    task=task,
                    done=sum(1 for s in status.values() if s == "done"),
                    total=len(assigned),
                    overdue=[b.name for b in assigned if _overdue(task, status[b.id], today)],
                    not_done=[b.name for b in assigned if status[b.id] != "done"],
                )
            )
        out.append(
            PlanProgress(
                id=plan.id,
                spec=spec,
                phase=spec.current_phase(today),
                next_phase=_next_phase(spec, today),
                tasks=rows,
            )
        )
    return out


async def plan_overview(env: Env, actor: Actor, now: datetime) -> list[PlanProgress]:
    """`/plan`: the active plans and where the calendar stands in them."""
    if not (actor.coordinates or actor.reports):
        raise UserError("not_a_secretary")
    async with env.db.reading() as tx:
        return await progress(env, tx, now.astimezone(env.cfg.tz).date())


async def branch_tasks(
    tx: Tx, branch: Branch, today: date, active: list[PlanRow] | None = None
) -> list[TaskState]:
    """The branch's tasks of the active plans (`active`: when the caller has read them)."""
    plans = {p.id: p for p in (await store.active_plans(tx) if active is None else active)}
    tasks = [x for x in await store.tasks_of(tx, list(plans)) if x.applies_to(branch.name)]
    states = await store.statuses(tx, [task.id for task in tasks])
    out: list[TaskState] = []
    for task in tasks:
        row = states.get((task.id, branch.id))
        status = row.status if row else "todo"
        out.append(
            TaskState(
                task=task,
                plan_title=plans[task.plan_id].title,
                status=status,
                note=row.note if row else "",
                overdue=_overdue(task, status, today),
                updated_at=row.updated_at if row else None,
            )
        )
    return out


async def all_branch_tasks(tx: Tx, today: date) -> list[tuple[Branch, list[TaskState]]]:
    """Every active branch with its tasks (the ledger's task sheet, the review)."""
    return [(b, await branch_tasks(tx, b, today)) for b in await branch_store.list_branches(tx)]


@dataclass(frozen=True)
class PastStatus:
    """What a branch recorded on a task since disabled or deleted (the ledger's history)."""

    branch: str
    plan: str  # the plan's title, marked （已停用）/（已删除） when it is
    task: str  # the task's title, marked （已删除） when it is
    status: str
    note: str
    updated_at: datetime


async def past_statuses(tx: Tx) -> list[PastStatus]:
    """Statuses recorded on tasks no longer in force: of a disabled or deleted plan, or a
    deleted task. Kept in the ledger's task sheet, so that managing a plan in chat never
    loses what branches did."""
    lang = DEFAULT_LANG
    plans = await store.all_plans(tx)
    tasks = await store.tasks_of(tx, [p.id for p in plans], deleted=True)
    gone = await store.deleted_task_ids(tx, [p.id for p in plans])
    by_plan = {p.id: p for p in plans}
    retired = [
        x
        for x in tasks
        if x.id in gone or not by_plan[x.plan_id].active or by_plan[x.plan_id].deleted_at
    ]
    states = await store.statuses(tx, [x.id for x in retired])
    names = {b.id: b.name for b in await branch_store.list_branches(tx, include_archived=True)}
    by_task = {x.id: x for x in retired}
    out: list[PastStatus] = []
    for (task_id, branch_id), row in sorted(states.items()):
        x, branch = by_task[task_id], names.get(branch_id)
        if branch is None:
            continue
        plan = by_plan[x.plan_id]
        mark = "plan_ledger_deleted" if plan.deleted_at is not None else "plan_ledger_disabled"
        plan_label = plan.title + (plain(lang, mark) if not plan.active else "")
        task_label = x.title + (plain(lang, "plan_ledger_deleted") if x.id in gone else "")
        out.append(PastStatus(branch, plan_label, task_label, row.status, row.note, row.updated_at))
    return out


async def my_tasks(env: Env, actor: Actor, now: datetime) -> list[tuple[Branch, list[TaskState]]]:
    if not actor.memberships:
        raise UserError("not_a_secretary")
    today = now.astimezone(env.cfg.tz).date()
    async with env.db.reading() as tx:
        return [(m.branch, await branch_tasks(tx, m.branch, today)) for m in actor.memberships]


async def tasks_of(
    env: Env, actor: Actor, branch_id: int, now: datetime
) -> tuple[Branch, list[TaskState]]:
    """One branch's tasks, for a member of that branch (a /mytasks button)."""
    membership = actor.require_member(branch_id)
    today = now.astimezone(env.cfg.tz).date()
    async with env.db.reading() as tx:
        return membership.branch, await branch_tasks(tx, membership.branch, today)


async def open_tasks(env: Env, actor: Actor, branch_id: int, now: datetime) -> list[TaskState]:
    """Offered after a report: unfinished tasks of the current phase, and overdue ones."""
    membership = actor.require_member(branch_id)
    today = now.astimezone(env.cfg.tz).date()
    async with env.db.reading() as tx:
        active = await store.active_plans(tx)
        states = await branch_tasks(tx, membership.branch, today, active)
    # Only the plans with a task for this branch: each spec is parsed JSON.
    wanted = {s.task.plan_id for s in states}
    current = {
        p.id: PlanSpec.model_validate_json(p.spec).current_phase(today)
        for p in active
        if p.id in wanted
    }
    out = []
    for s in states:
        phase = current.get(s.task.plan_id)
        in_phase = phase is not None and s.task.phase == phase.title
        due_soon = s.task.due_on is not None and s.task.due_on <= today + timedelta(days=31)
        if s.status != "done" and (s.overdue or in_phase or due_soon):
            out.append(s)
    return out


def status_choices(actor: Actor, branch_id: int) -> tuple[str, ...]:
    """What a task of `branch_id` may be set to, offered to a member of that branch only."""
    actor.require_member(branch_id)
    return STATUSES


async def overdue_tasks(env: Env, tx: Tx, branch: Branch, today: date) -> list[TaskState]:
    return [s for s in await branch_tasks(tx, branch, today) if s.overdue]


async def set_status(
    env: Env, actor: Actor, task_id: int, branch_id: int, status: str, now: datetime
) -> TaskState:
    membership = actor.require_member(branch_id)
    if status not in STATUSES:
        raise UserError("bad_button")
    today = now.astimezone(env.cfg.tz).date()
    async with env.db.transaction() as tx:
        task = await store.get_task(tx, task_id)
        if task is None or not task.applies_to(membership.branch.name):
            raise UserError("stale_button")
        await store.set_status(tx, task_id, branch_id, status, actor.user_id, now)
        await store.set_pending_task(tx, actor.user_id, task_id, branch_id, now)
        await meta.audit(tx, "task_status", now, actor.user_id, branch_id, f"{task_id} {status}")
        states = await branch_tasks(tx, membership.branch, today)
    return next(s for s in states if s.task.id == task_id)


async def save_note(env: Env, actor: Actor, text: str | None, now: datetime) -> TaskState | None:
    """The text after a status tap is that task's note; None when no note was asked for."""
    async with env.db.transaction() as tx:
        pending = await store.pending_task(tx, actor.user_id, now - PENDING_TTL)
        if pending is None:
            return None
        task_id, branch_id = pending
        membership = actor.require_member(branch_id)
        note = " ".join((text or "").split())
        if not note:
            raise UserError("report_empty")
        await store.set_note(tx, task_id, branch_id, note[:NOTE_MAX], actor.user_id, now)
        await reports.clear_pending(tx, actor.user_id)
        states = await branch_tasks(tx, membership.branch, now.astimezone(env.cfg.tz).date())
    return next(s for s in states if s.task.id == task_id)


# ---------------------------------------------------------- deadline reminders


async def task_reminders(env: Env, tx: Tx, now: datetime) -> list[NewMessage]:
    """Reminders for task deadlines (default 7 and 1 days before) to branches not done."""
    tz = env.cfg.tz
    today = now.astimezone(tz).date()
    horizon = today + timedelta(days=max(env.cfg.task_reminder_days_before, default=0) + 1)
    plans = {p.id: p for p in await store.active_plans(tx)}
    tasks = [
        x
        for x in await store.tasks_of(tx, list(plans))
        if x.due_on is not None and today <= x.due_on <= horizon
    ]
    if not tasks:
        return []
    states = await store.statuses(tx, [task.id for task in tasks])
    days = env.cfg.task_reminder_days_before
    out: list[NewMessage] = []
    views: list[BranchView] | None = None  # loaded only when a stage is live
    for task in tasks:
        assert task.due_on is not None
        window = rules.live_window(
            rules.before_windows(task.due_on, days, env.cfg.reminder_at, tz), now
        )
        if window is None:
            continue
        live = window.days
        if views is None:
            views = await branch_store.branch_views(tx)
        # Skip what is queued already: the window lasts days, reconcile runs every minute.
        queued = await outbox.outbox_keys(tx, rules.task_prefix(task.id))
        for view in views:
            row = states.get((task.id, view.branch.id))
            if not task.applies_to(view.branch.name) or (row is not None and row.status == "done"):
                continue
            for user in view.reporters:
                key = rules.task_key(task.id, view.branch.id, live, user.user_id)
                if not user.reachable or key in queued:
                    continue
                lang = user_lang(env, user)
                text = t(
                    lang,
                    "task_remind",
                    branch=view.branch.name,
                    task=task.title,
                    plan=plans[task.plan_id].title,
                    days=live,
                    due=date_label(lang, task.due_on, weekday=True),
                )
                out.append(
                    NewMessage(
                        dedupe_key=key,
                        kind="task",
                        chat_id=user.user_id,
                        text=text,
                        branch_id=view.branch.id,
                        recipient_id=user.user_id,
                        valid_until=window.until,
                    )
                )
    return out


# ------------------------------------------------------------- the circular


#: The chat circular's plan section stays one message at any number of branches:
#: per task one line (count done of expected, overdue by count and a few names),
#: at most this many task lines a plan, titles cut; the rest is in the document.
CHAT_TASKS = 12
CHAT_NAMES = 3
CHAT_TITLE = 40
CHAT_COMMITTEE = 5


def _short(title: str, limit: int = CHAT_TITLE) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _names(lang: str, names: list[str], cap: int = CHAT_NAMES) -> str:
    """A few names, then 等N个 (the :func:`bot.services.fmt.names_list` wording, plain)."""
    shown = "、".join(names[:cap])
    return shown if len(names) <= cap else plain(lang, "names_more", names=shown, total=len(names))


def circular_section(
    lang: str, plans: list[PlanProgress], number: str, today: date
) -> Section | None:
    """The circular's section on the plans: phase, each task's count done of the branches
    expected with its overdue branches counted (a few named), the committee's own items.
    The full list of branches per task goes in `detail` (the Word document only)."""
    if not plans:
        return None
    paras: list[Para] = []
    detail: list[Para] = []
    for p in plans:
        if p.phase is not None:
            phase = plain(
                lang,
                "circ_plan_phase",
                title=p.phase.title,
                start=plan_date(lang, p.phase.start, today),
                end=plan_date(lang, p.phase.end, today),
            )
        elif p.next_phase is not None:
            phase = plain(
                lang,
                "circ_plan_next",
                title=p.next_phase.title,
                start=plan_date(lang, p.next_phase.start, today),
            )
        elif p.spec.phases:
            phase = plain(lang, "circ_plan_no_phase")
        else:
            phase = plain(lang, "circ_plan_unphased")
        paras.append(Para(lead=runs(lang, "circ_plan_head", plan=p.spec.title, phase=phase)))
        detail.append(Para(lead=runs(lang, "circ_plan_head", plan=p.spec.title, phase=phase)))
        # Standing duties (长期, recurring) are not "done" once; they are not counted.
        counted = [
            tp
            for tp in p.tasks
            if not tp.committee and not tp.task.ongoing and not tp.task.recurring
        ]
        for tp in counted[:CHAT_TASKS]:
            due = (
                plain(lang, "circ_task_due", due=plan_date(lang, tp.task.due_on, today))
                if tp.task.due_on
                else ""
            )
            late = (
                runs(lang, "circ_task_late", count=len(tp.overdue), names=_names(lang, tp.overdue))
                if tp.overdue
                else ()
            )
            paras.append(
                Para(
                    lead=runs(
                        lang,
                        "circ_task_line",
                        task=_short(tp.task.title),
                        done=tp.done,
                        total=tp.total,
                        due=due,
                    ),
                    tail=late,
                )
            )
        if len(counted) > CHAT_TASKS:
            paras.append(Para(lead=runs(lang, "circ_tasks_more", count=len(counted) - CHAT_TASKS)))
        committee = [tp for tp in p.tasks if tp.committee]
        if committee:
            items = [Item(runs=(Run(text=_committee_item(lang, tp, today)),)) for tp in committee]
            shown = items[:CHAT_COMMITTEE]
            more = (
                (Run(text=plain(lang, "circ_committee_more", count=len(items))),)
                if len(items) > CHAT_COMMITTEE
                else ()
            )
            para = listing(lang, "circ_committee_items", "items", shown, sep="；")
            paras.append(para.model_copy(update={"tail": (*more, *para.tail)}))
        # The document lists every branch still to finish each task, in full.
        for tp in counted:
            if tp.not_done:
                key = "circ_task_detail_late" if tp.overdue else "circ_task_detail"
                detail.append(
                    listing(
                        lang,
                        key,
                        "names",
                        [Item(runs=(Run(text=n),)) for n in tp.not_done],
                        task=tp.task.title,
                        count=len(tp.not_done),
                        total=tp.total,
                    )
                )
    return Section(
        kind="plans",
        heading=runs(lang, "circ_sec_plans", n=number),
        paras=tuple(paras),
        detail=tuple(detail),
    )


def _committee_item(lang: str, tp: TaskProgress, today: date) -> str:
    title = _short(tp.task.title)
    if tp.task.due_on is None:
        return title
    return title + plain(lang, "circ_task_due", due=plan_date(lang, tp.task.due_on, today))


def rule_text(lang: str, recurring: str | None) -> Html:
    """A stored task's recurring rule (JSON) in the reader's language; empty when none."""
    if not recurring:
        return Html("")
    return rule_label(lang, RecurringRule.model_validate(json.loads(recurring)))


def preview_lines(lang: str, spec: PlanSpec, today: date) -> list[Html]:
    """The plan as the coordinator checks it before enabling: title and year, phases with
    their dates and tasks, other tasks with their deadlines or rules."""
    lines = [t(lang, "plan_pv_title", title=spec.title or Ref("plan_pv_untitled"))]
    lines.append(t(lang, "plan_pv_year", year=spec.year))
    phases = {p.title for p in spec.phases}

    def task_line(task: TaskSpec) -> Html:
        if task.due is not None:
            return t(lang, "plan_pv_due", title=task.title, due=plan_date(lang, task.due, today))
        if task.ongoing:
            return t(lang, "plan_pv_ongoing", title=task.title)
        if task.recurring is not None:
            return t(lang, "plan_pv_rule", title=task.title, rule=rule_label(lang, task.recurring))
        return Html(esc(task.title))

    if spec.phases:
        lines.append(t(lang, "plan_pv_phases", count=len(spec.phases)))
        for n, phase in enumerate(spec.phases, 1):
            start, end = plan_date(lang, phase.start, today), plan_date(lang, phase.end, today)
            lines.append(t(lang, "plan_pv_phase", n=n, name=phase.title, start=start, end=end))
            lines += [
                t(lang, "plan_pv_phase_task", line=task_line(task))
                for task in spec.tasks
                if task.phase == phase.title
            ]
    others = [task for task in spec.tasks if task.phase not in phases]
    if others:
        lines.append(t(lang, "plan_pv_tasks", count=len(others)))
        lines += [t(lang, "plan_pv_task", line=task_line(task)) for task in others]
    if not spec.phases and not spec.tasks:
        lines.append(t(lang, "plan_pv_nothing"))
    return lines
