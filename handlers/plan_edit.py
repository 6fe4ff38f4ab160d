"""Plans corrected and managed in chat: the preview's buttons, `/plan`'s buttons, and
the dates, years and titles a coordinator types after tapping one.

Every screen is edited in place; a list longer than one page is paged, so each
message stays under Telegram's limit whatever the plan's size.
"""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup

from bot.i18n import Html, join
from bot.services import plan_manage, plan_preview
from bot.services.base import UserError
from bot.services.fmt import names_list, plan_date, time_label
from bot.services.plan_manage import Dropped, Edited, PlanView, TaskEdited
from bot.services.plan_preview import ITEMS_PER_PAGE, Preview
from handlers.common import Ctx, buttons, int_arg, page_row

BUTTON_TITLE = 24
TASKS_PER_PAGE = 8  # 4 buttons a task: 32 buttons a page
BRANCHES_PER_PAGE = 10
LINE_TITLE = 80  # a task's title in the plan's view: 8 tasks and 5 changes stay one message
NOTES_CHARS = 1200  # the extractor's warnings shown under a preview, at most


def _label(title: str, limit: int = BUTTON_TITLE) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _today(ctx: Ctx) -> date:
    return ctx.now.astimezone(ctx.env.cfg.tz).date()


# ------------------------------------------------------------------ preview


def preview_screen(ctx: Ctx, edited: Edited, page: int = 1) -> tuple[Html, InlineKeyboardMarkup]:
    """The preview, one page of its items, with the buttons that correct them."""
    preview, d, v = edited.preview, edited.draft_id, edited.version
    pages = preview.pages
    page = min(max(page, 1), pages)
    c = plan_preview.counts(preview)
    lines = [
        ctx.t("plan_preview_head"),
        Html(""),
        ctx.t("plan_pv_summary", title=preview.title, year=preview.year, **c),
    ]
    if c["off"]:
        lines.append(ctx.t("plan_pv_off", off=c["off"]))
    if pages > 1:
        lines.append(ctx.t("plan_pv_page", page=page, pages=pages))
    lines += plan_preview.page_lines(ctx.lang, preview, page, _today(ctx))
    notes = _clip_notes(ctx, list(edited.notes))
    if preview.year < _today(ctx).year:  # from the year shown now, so a corrected year clears it
        notes.append(ctx.t("plan_warn_past_year", year=preview.year))
    if notes:
        lines += [Html(""), *notes]
    lines += [Html(""), ctx.t("plan_pv_help")]
    rows: list[list[tuple[str, str]]] = []
    first = (page - 1) * ITEMS_PER_PAGE
    for n in range(first + 1, min(first + ITEMS_PER_PAGE, len(preview.items)) + 1):
        it = preview.items[n - 1]
        rows.append(
            [
                (f"{'✅' if it.on else '⬜'}{n}", f"pvt:{d}:{v}:{n}"),
                (f"{ctx.t(f'plan_pv_kshort_{it.kind}')}{n}", f"pvk:{d}:{v}:{n}"),
                (f"📅{n}", f"pvd:{d}:{v}:{n}"),
            ]
        )
    nav = page_row(f"pvp:{d}:{v}", page, pages)
    if nav:
        rows.append(nav)
    rows.append(
        [
            (f"◀ {preview.year - 1}", f"pvy:{d}:{v}:dn:{page}"),
            (ctx.t("plan_pv_btn_year"), f"pvy:{d}:{v}:ask:{page}"),
            (f"{preview.year + 1} ▶", f"pvy:{d}:{v}:up:{page}"),
        ]
    )
    rows.append(
        [(ctx.t("plan_btn_enable"), f"planok:{d}:{v}"), (ctx.t("plan_btn_cancel"), f"planno:{d}")]
    )
    return join(lines), buttons(*rows)


def _clip_notes(ctx: Ctx, notes: list[Html]) -> list[Html]:
    """The warnings, as many as fit in NOTES_CHARS, then how many more there are."""
    kept: list[Html] = []
    size = 0
    for note in notes:
        if size + len(note) > NOTES_CHARS:
            kept.append(ctx.t("plan_pv_more_notes", count=len(notes) - len(kept)))
            break
        kept.append(note)
        size += len(note) + 1
    return kept


def _page_of(n: int) -> int:
    return (n - 1) // ITEMS_PER_PAGE + 1


def _only_id(args: list[str]) -> int:
    """The one id a plan or task button carries; anything else is a forged button."""
    found = int_arg(args)
    if len(args) != 1 or found is None:
        raise UserError("bad_button")
    return found


async def preview_tick(ctx: Ctx, args: list[str]) -> None:
    """`pvt:<draft>:<version>:<item>`: tick or untick an item."""
    await _edit(ctx, args, "t")


async def preview_kind(ctx: Ctx, args: list[str]) -> None:
    """`pvk:<draft>:<version>:<item>`: phase → branch task → committee item → phase."""
    await _edit(ctx, args, "k")


async def _edit(ctx: Ctx, args: list[str], op: str) -> None:
    d, n = int_arg(args, 0), int_arg(args, 2)
    if len(args) != 3 or d is None or n is None:
        raise UserError("bad_button")
    v = _version(args, 1)
    edited = await plan_manage.edit(ctx.env, ctx.actor, d, v, op, n, ctx.now)
    await ctx.edit(*preview_screen(ctx, edited, _page_of(n)))
    await ctx.toast("✓")


def _version(args: list[str], index: int) -> int:
    raw = args[index] if len(args) > index else ""
    if raw == "0":
        return 0
    value = int_arg(args, index)
    if value is None:
        raise UserError("bad_button")
    return value


async def preview_page(ctx: Ctx, args: list[str]) -> None:
    """`pvp:<draft>:<version>:<page>`: another page of the preview, in place."""
    d, page = int_arg(args, 0), int_arg(args, 2)
    if len(args) != 3 or d is None or page is None:
        raise UserError("bad_button")
    edited = await plan_manage.current(ctx.env, ctx.actor, d, _version(args, 1))
    await ctx.edit(*preview_screen(ctx, edited, page))
    await ctx.toast("")


async def preview_year(ctx: Ctx, args: list[str]) -> None:
    """`pvy:<draft>:<version>:up|dn|ask:<page>`: the year ±1, or asked for."""
    d, page = int_arg(args, 0), int_arg(args, 3)
    if len(args) != 4 or d is None or page is None or args[2] not in ("up", "dn", "ask"):
        raise UserError("bad_button")
    v = _version(args, 1)
    if args[2] == "ask":
        await plan_manage.ask(ctx.env, ctx.actor, d, v, None, ctx.now)
        await ctx.toast("")
        await ctx.reply(ctx.t("plan_pv_ask_year"))
        return
    edited = await plan_manage.edit(
        ctx.env, ctx.actor, d, v, "y", 1 if args[2] == "up" else -1, ctx.now
    )
    await ctx.edit(*preview_screen(ctx, edited, page))
    await ctx.toast("✓")


async def preview_date(ctx: Ctx, args: list[str]) -> None:
    """`pvd:<draft>:<version>:<item>`: ask for the item's date(s)."""
    d, n = int_arg(args, 0), int_arg(args, 2)
    if len(args) != 3 or d is None or n is None:
        raise UserError("bad_button")
    preview: Preview = await plan_manage.ask(ctx.env, ctx.actor, d, _version(args, 1), n, ctx.now)
    it = preview.item(n)
    await ctx.toast("")
    key = "plan_pv_ask_range" if it.kind == "phase" else "plan_pv_ask_date"
    await ctx.reply(ctx.t(key, n=n, title=_label(it.title, 40)))


async def maybe_plan_input(ctx: Ctx, text: str | None) -> bool:
    """The date, year or title a coordinator types after tapping 📅, 输入年份 or ✏️
    (in the private chat where it was asked; what they write in a group is not it)."""
    if ctx.chat_kind != "private":
        return False
    done = await plan_manage.typed(ctx.env, ctx.actor, text, ctx.now)
    if done is None:
        return False
    if isinstance(done, Dropped):
        await ctx.reply(ctx.t("plan_input_gone" if done.gone else "plan_input_dropped"))
        return True
    if isinstance(done, Edited):
        # A new message under the typed text; the old one's buttons are now stale.
        page = _page_of(done.item) if done.item is not None else 1
        await ctx.reply(*preview_screen(ctx, done, page))
        return True
    assert isinstance(done, TaskEdited)
    await ctx.reply(ctx.t("plan_task_updated", task=done.task.title))
    view = await plan_manage.view(ctx.env, ctx.actor, done.plan_id)
    page = _task_page(view, done.task.id)
    await ctx.reply(*manage_screen(ctx, view, page))
    return True


# ------------------------------------------------------------ enabled plans


async def manage_offer(ctx: Ctx) -> None:
    """Under /plan, for a coordinator: one button per plan (disabled ones too)."""
    if not ctx.actor.coordinates:
        return
    found = await plan_manage.plans(ctx.env, ctx.actor)
    if not found:
        return
    rows = [
        [
            (
                f"⚙ {_label(p.title)}" + ("" if p.active else ctx.t("plan_btn_off_mark")),
                f"plm:{p.id}:1",
            )
        ]
        for p in found[:50]
    ]
    await ctx.reply(ctx.t("plan_manage_pick"), buttons(*rows))


def _task_page(view: PlanView, task_id: int) -> int:
    for i, task in enumerate(view.tasks):
        if task.id == task_id:
            return i // TASKS_PER_PAGE + 1
    return 1


def manage_screen(ctx: Ctx, view: PlanView, page: int) -> tuple[Html, InlineKeyboardMarkup]:
    plan, today = view.plan, _today(ctx)
    pages = max(1, -(-len(view.tasks) // TASKS_PER_PAGE))
    page = min(max(page, 1), pages)
    state = ctx.t("plan_mg_state_on" if plan.active else "plan_mg_state_off")
    lines = [ctx.t("plan_mg_head", title=plan.title, year=plan.year, state=state)]
    if pages > 1:
        lines.append(ctx.t("plan_pv_page", page=page, pages=pages))
    first = (page - 1) * TASKS_PER_PAGE
    shown = view.tasks[first : first + TASKS_PER_PAGE]
    rows: list[list[tuple[str, str]]] = []
    for i, task in enumerate(shown, first + 1):
        when = (
            ctx.t("plan_pv_item_due", due=plan_date(ctx.lang, task.due_on, today))
            if task.due_on
            else Html("")
        )
        if task.owner == "committee":
            who = ctx.t("plan_mg_committee")
        elif task.branches is not None:
            who = ctx.t("plan_mg_only", count=len(task.branches), names=_names(ctx, task.branches))
        else:
            who = Html("")
        lines.append(
            ctx.t(
                "plan_mg_task",
                n=i,
                title=_label(task.title, LINE_TITLE),
                when=Html(f" · {when}") if when else Html(""),
                who=who,
            )
        )
        row = [(f"✏️{i}", f"ptt:{task.id}"), (f"📅{i}", f"ptd:{task.id}")]
        if task.owner != "committee":
            row.append((f"👥{i}", f"ptb:{task.id}:1"))
        row.append((f"🗑{i}", f"ptx:{task.id}"))
        rows.append(row)
    if not view.tasks:
        lines.append(ctx.t("plan_mg_no_tasks"))
    if view.changes:
        lines += [Html(""), ctx.t("plan_mg_changes", count=view.change_count)]
        for ch in view.changes:
            lines.append(
                ctx.t(
                    "plan_mg_change",
                    at=time_label(ctx.lang, ch.row.at, ctx.env.cfg.tz),
                    who=ch.who,
                    what=ctx.t(f"plan_chg_{ch.row.action}", detail=_label(ch.row.detail, 80)),
                )
            )
    lines += [Html(""), ctx.t("plan_mg_help")]
    nav = page_row(f"plm:{plan.id}", page, pages)
    if nav:
        rows.append(nav)
    toggle = "plan_btn_disable" if plan.active else "plan_btn_reenable"
    rows.append([(ctx.t(toggle), f"pld:{plan.id}"), (ctx.t("plan_btn_delete"), f"plx:{plan.id}")])
    return join(lines), buttons(*rows)


def _names(ctx: Ctx, names: list[str]) -> Html:
    return names_list(ctx.lang, names, cap=3)


async def manage_plan(ctx: Ctx, args: list[str]) -> None:
    """`plm:<plan>:<page>`: the plan's tasks with their buttons, and its changes."""
    plan_id, page = int_arg(args, 0), int_arg(args, 1)
    if len(args) != 2 or plan_id is None or page is None:
        raise UserError("bad_button")
    view = await plan_manage.view(ctx.env, ctx.actor, plan_id)
    await ctx.edit(*manage_screen(ctx, view, page))
    await ctx.toast("")


async def plan_toggle(ctx: Ctx, args: list[str]) -> None:
    """`pld:<plan>`: disable the plan, or enable it again."""
    plan_id = _only_id(args)
    view = await plan_manage.view(ctx.env, ctx.actor, plan_id)
    await plan_manage.set_active(ctx.env, ctx.actor, plan_id, not view.plan.active, ctx.now)
    view = await plan_manage.view(ctx.env, ctx.actor, plan_id)
    await ctx.edit(*manage_screen(ctx, view, 1))
    await ctx.toast("✓")


async def plan_delete_ask(ctx: Ctx, args: list[str]) -> None:
    """`plx:<plan>`: the confirm step before a plan is deleted."""
    plan_id = _only_id(args)
    view = await plan_manage.view(ctx.env, ctx.actor, plan_id)
    await ctx.toast("")
    await ctx.reply(
        ctx.t("plan_del_confirm", title=view.plan.title),
        buttons(
            [
                (ctx.t("plan_btn_delete_confirm"), f"plxok:{plan_id}"),
                (ctx.t("plan_btn_back"), f"plm:{plan_id}:1"),
            ]
        ),
    )


async def plan_delete(ctx: Ctx, args: list[str]) -> None:
    """`plxok:<plan>`: delete it (soft: the ledger keeps its history)."""
    plan_id = _only_id(args)
    title = await plan_manage.delete(ctx.env, ctx.actor, plan_id, ctx.now)
    await ctx.edit(ctx.t("plan_deleted", title=title))
    await ctx.toast("✓")


async def task_title_ask(ctx: Ctx, args: list[str]) -> None:
    """`ptt:<task>`: the next text typed is the task's new title."""
    await _ask_task(ctx, args, "title", "plan_ask_title")


async def task_due_ask(ctx: Ctx, args: list[str]) -> None:
    """`ptd:<task>`: the next text typed is the task's new deadline."""
    await _ask_task(ctx, args, "due", "plan_ask_due")


async def _ask_task(ctx: Ctx, args: list[str], field: str, key: str) -> None:
    task_id = _only_id(args)
    task = await plan_manage.ask_task(ctx.env, ctx.actor, task_id, field, ctx.now)
    await ctx.toast("")
    await ctx.reply(ctx.t(key, task=task.title))


async def task_delete_ask(ctx: Ctx, args: list[str]) -> None:
    """`ptx:<task>`: the confirm step before a task is deleted."""
    task_id = _only_id(args)
    task = await plan_manage.task_of(ctx.env, ctx.actor, task_id)
    await ctx.toast("")
    await ctx.reply(
        ctx.t("plan_task_del_confirm", task=task.title),
        buttons(
            [
                (ctx.t("plan_btn_task_delete_confirm"), f"ptxok:{task_id}"),
                (ctx.t("plan_btn_back"), f"plm:{task.plan_id}:1"),
            ]
        ),
    )


async def task_delete(ctx: Ctx, args: list[str]) -> None:
    """`ptxok:<task>`: delete the task (soft), then the plan's view again, in place."""
    task_id = _only_id(args)
    task = await plan_manage.delete_task(ctx.env, ctx.actor, task_id, ctx.now)
    view = await plan_manage.view(ctx.env, ctx.actor, task.plan_id)
    text, markup = manage_screen(ctx, view, 1)
    await ctx.edit(join([ctx.t("plan_task_deleted", task=task.title), Html(""), text]), markup)
    await ctx.toast("✓")


async def task_branches(ctx: Ctx, args: list[str]) -> None:
    """`ptb:<task>:<page>`: the branch picker (✅ assigned), paged, with 全部支部."""
    task_id, page = int_arg(args, 0), int_arg(args, 1)
    if len(args) != 2 or task_id is None or page is None:
        raise UserError("bad_button")
    await _picker(ctx, task_id, page)
    await ctx.toast("")


async def _picker(ctx: Ctx, task_id: int, page: int) -> None:
    task, branches = await plan_manage.branch_choice(ctx.env, ctx.actor, task_id)
    pages = max(1, -(-len(branches) // BRANCHES_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = branches[(page - 1) * BRANCHES_PER_PAGE : page * BRANCHES_PER_PAGE]
    rows: list[list[tuple[str, str]]] = []
    for b in shown:
        mark = "✅" if task.applies_to(b.name) else "⬜"
        rows.append([(f"{mark} {_label(b.name)}", f"ptbx:{task_id}:{b.id}:{page}")])
    nav = page_row(f"ptb:{task_id}", page, pages)
    if nav:
        rows.append(nav)
    rows.append(
        [
            (ctx.t("plan_btn_assign_all"), f"ptba:{task_id}"),
            (ctx.t("plan_btn_back"), f"plm:{task.plan_id}:1"),
        ]
    )
    scope = (
        ctx.t("plan_assign_all_now")
        if task.branches is None
        else ctx.t("plan_assign_some_now", count=len(task.branches))
    )
    await ctx.edit(join([ctx.t("plan_assign_head", task=task.title), scope]), buttons(*rows))


async def task_branch_toggle(ctx: Ctx, args: list[str]) -> None:
    """`ptbx:<task>:<branch>:<page>`: assign or unassign one branch."""
    task_id, branch_id, page = int_arg(args, 0), int_arg(args, 1), int_arg(args, 2)
    if len(args) != 3 or task_id is None or branch_id is None or page is None:
        raise UserError("bad_button")
    await plan_manage.assign(ctx.env, ctx.actor, task_id, branch_id, ctx.now)
    await _picker(ctx, task_id, page)
    await ctx.toast("✓")


async def task_branch_all(ctx: Ctx, args: list[str]) -> None:
    """`ptba:<task>`: every branch again (future ones too)."""
    task_id = _only_id(args)
    await plan_manage.assign(ctx.env, ctx.actor, task_id, None, ctx.now)
    await _picker(ctx, task_id, 1)
    await ctx.toast("✓")
