"""Plans in chat: a coordinator sends the plan document, confirms the preview;
branches see and update their tasks."""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from bot.i18n import Html, join
from bot.models import Branch
from bot.services import plans
from bot.services.base import UserError
from bot.services.fmt import plan_date
from bot.services.plan_manage import Edited
from bot.services.plan_preview import Preview
from bot.services.plans import TaskState
from handlers.common import Ctx, buttons, int_arg, page_row
from handlers.plan_edit import manage_offer, preview_screen

log = logging.getLogger(__name__)

PLAN_WORD = re.compile(r"\bplan\b", re.IGNORECASE)
STATUS_MARK = {"todo": "◻", "doing": "◐", "done": "✅"}
BUTTON_TITLE = 28


async def maybe_plan_document(ctx: Ctx, message: Message) -> bool:
    """A coordinator's .txt/.docx/.yaml in private chat is a plan to preview.

    Someone who is also a branch secretary marks it by a caption with 方案/plan,
    so their evidence files are never taken for plans.
    """
    doc = message.document
    if ctx.chat_kind != "private" or doc is None or not ctx.actor.coordinates:
        return False
    if not plans.is_plan_file(doc.file_name):
        return False
    caption = message.caption or ""
    if ctx.actor.reports and not ("方案" in caption or PLAN_WORD.search(caption)):
        return False
    if (doc.file_size or 0) > plans.MAX_PLAN_BYTES:
        raise UserError("plan_too_big")
    data = await _download(ctx, doc.file_id)
    made = await plans.draft(ctx.env, ctx.actor, doc.file_name or "plan.txt", data, ctx.now)
    # The preview a coordinator corrects with buttons (handlers/plan_edit.py).
    edited = Edited(made.id, 0, Preview.from_spec(made.spec), tuple(made.warnings))
    await ctx.reply(*preview_screen(ctx, edited))
    return True


async def _download(ctx: Ctx, file_id: str) -> bytes:
    """A file the user sent. When Telegram cannot give it (gone, too big, network), the
    user is told to send it again and one WARNING is logged; it is not a bug to page
    the admins about (PTB reports a missing file as "InvalidToken: Not Found")."""
    try:
        file = await ctx.context.bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning(
            "download of a file from user %s failed: %s: %s",
            ctx.actor.user_id,
            type(exc).__name__,
            exc,
        )
        raise UserError("file_download_failed") from None


async def plan_enable(ctx: Ctx, args: list[str]) -> None:
    await _decide(ctx, args, accept=True)


async def plan_cancel(ctx: Ctx, args: list[str]) -> None:
    await _decide(ctx, args, accept=False)


async def _decide(ctx: Ctx, args: list[str], accept: bool) -> None:
    """`planok:<draft>[:<version>]`, `planno:<draft>`: enable or cancel a preview."""
    draft_id = int_arg(args)
    if draft_id is None or len(args) > 2:
        raise UserError("bad_button")
    version = None
    if len(args) == 2:
        version = 0 if args[1] == "0" else int_arg(args, 1)
        if version is None:
            raise UserError("bad_button")
    spec = await plans.decide(ctx.env, ctx.actor, draft_id, accept, ctx.now, version)
    await ctx.toast("✓")
    await ctx.reply(
        ctx.t(
            "plan_enabled" if accept else "plan_cancelled",
            title=spec.title,
            tasks=sum(1 for x in spec.tasks if x.owner == "branch"),
            phases=len(spec.phases),
        )
    )


async def plan_command(ctx: Ctx) -> None:
    found = await plans.plan_overview(ctx.env, ctx.actor, ctx.now)
    if not found:
        await ctx.reply(ctx.t("plan_none"))
        await manage_offer(ctx)  # a disabled plan can be enabled again
        return
    lang, today = ctx.lang, ctx.now.astimezone(ctx.env.cfg.tz).date()
    lines: list[Html] = []
    for p in found:
        lines.append(ctx.t("plan_title", title=p.spec.title, year=p.spec.year))
        for phase in p.spec.phases:
            mark = "▶" if p.phase is not None and phase.title == p.phase.title else "·"
            lines.append(
                ctx.t(
                    "plan_phase_line",
                    mark=mark,
                    title=phase.title,
                    start=plan_date(lang, phase.start, today),
                    end=plan_date(lang, phase.end, today),
                )
            )
        if p.phase is None and p.spec.phases:
            lines.append(
                ctx.t(
                    "plan_next",
                    title=p.next_phase.title,
                    start=plan_date(lang, p.next_phase.start, today),
                )
                if p.next_phase
                else ctx.t("plan_finished")
            )
        for tp in p.tasks:
            if tp.committee:  # the committee's own item: no branch owes it
                lines.append(ctx.t("plan_committee_line", task=tp.task.title))
            elif tp.task.due_on is not None:
                lines.append(
                    ctx.t(
                        "plan_task_line",
                        task=tp.task.title,
                        done=tp.done,
                        total=tp.total,
                        due=plan_date(lang, tp.task.due_on, today),
                    )
                )
        lines.append(Html(""))
    await ctx.reply(join(lines))
    await manage_offer(ctx)


def _task_label(ctx: Ctx, s: TaskState) -> Html:
    today = ctx.now.astimezone(ctx.env.cfg.tz).date()
    if s.task.due_on:
        when = plan_date(ctx.lang, s.task.due_on, today)
    elif s.task.ongoing:
        when = ctx.t("task_ongoing")
    else:
        when = plans.rule_text(ctx.lang, s.task.recurring)
    # A task with no schedule at all shows no dangling separator.
    when = Html(f" · {when}") if when else Html("")
    late = ctx.t("task_overdue") if s.overdue else ""
    note = ctx.t("task_note_shown", note=s.note) if s.note else ""
    return ctx.t(
        "task_line", mark=STATUS_MARK[s.status], task=s.task.title, when=when, late=late, note=note
    )


TASK_BUTTONS = 20  # task buttons per page of /mytasks


async def mytasks(ctx: Ctx) -> None:
    """One branch: its tasks. A secretary of several branches picks the branch first."""
    found = await plans.my_tasks(ctx.env, ctx.actor, ctx.now)
    if len(found) > 1:
        rows = [[(b.name[:BUTTON_TITLE], f"mtb:{b.id}")] for b, _ in found[:100]]
        await ctx.reply(ctx.t("mytasks_pick_branch"), buttons(*rows))
        return
    branch, states = found[0]
    await _show_tasks(ctx, branch, states)


async def mytasks_branch(ctx: Ctx, args: list[str]) -> None:
    """`mtb:<branch>`: the branch picked under /mytasks (a member of it only)."""
    branch_id = int_arg(args)
    if len(args) != 1 or branch_id is None:
        raise UserError("bad_button")
    branch, states = await plans.tasks_of(ctx.env, ctx.actor, branch_id, ctx.now)
    await ctx.toast("")
    await _show_tasks(ctx, branch, states)


async def mytasks_page(ctx: Ctx, args: list[str]) -> None:
    """`mtp:<branch>:<page>`: another page of a branch's task buttons, in place."""
    branch_id, page = int_arg(args, 0), int_arg(args, 1)
    if len(args) != 2 or branch_id is None or page is None:
        raise UserError("bad_button")
    branch, states = await plans.tasks_of(ctx.env, ctx.actor, branch_id, ctx.now)
    text, markup = _task_buttons(ctx, branch, states, page)
    if markup is None:
        raise UserError("stale_button")
    await ctx.edit(text, markup)
    await ctx.toast("")


async def _show_tasks(ctx: Ctx, branch: Branch, states: list[TaskState]) -> None:
    lines = [ctx.t("mytasks_head", branch=branch.name)]
    lines += [_task_label(ctx, s) for s in states] or [ctx.t("mytasks_none")]
    await ctx.reply(join(lines))
    text, markup = _task_buttons(ctx, branch, states, 1)
    if markup is not None:
        await ctx.reply(text, markup)


def _task_buttons(
    ctx: Ctx, branch: Branch, states: list[TaskState], page: int
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """Every open task of the branch as a button, TASK_BUTTONS a page, ‹ p/n › between."""
    todo = [s for s in states if s.status != "done"]
    if not todo:
        return ctx.t("tasks_pick"), None
    pages = max(1, -(-len(todo) // TASK_BUTTONS))
    page = min(max(page, 1), pages)
    shown = todo[(page - 1) * TASK_BUTTONS : page * TASK_BUTTONS]
    rows = [[(_button_title(s), f"task:{s.task.id}:{branch.id}")] for s in shown]
    nav = page_row(f"mtp:{branch.id}", page, pages)
    if nav:
        rows.append(nav)
    return ctx.t("mytasks_pick_in", branch=branch.name), buttons(*rows)


def _button_title(s: TaskState) -> str:
    title = (
        s.task.title
        if len(s.task.title) <= BUTTON_TITLE
        else s.task.title[: BUTTON_TITLE - 1] + "…"
    )
    return f"{STATUS_MARK[s.status]} {title}"


async def offer_tasks(ctx: Ctx, branch_id: int) -> None:
    """After a report: the branch's open tasks as buttons, one tap to update."""
    states = await plans.open_tasks(ctx.env, ctx.actor, branch_id, ctx.now)
    if states:
        rows = [[(_button_title(s), f"task:{s.task.id}:{branch_id}")] for s in states[:12]]
        await ctx.reply(ctx.t("tasks_offer", count=len(states)), buttons(*rows))


async def task_pressed(ctx: Ctx, args: list[str]) -> None:
    task_id, branch_id = int_arg(args, 0), int_arg(args, 1)
    if task_id is None or branch_id is None:
        raise UserError("bad_button")
    statuses = plans.status_choices(ctx.actor, branch_id)
    choices = [(ctx.t(f"task_status_{s}"), f"ts:{task_id}:{branch_id}:{s}") for s in statuses]
    await ctx.toast("")
    await ctx.reply(ctx.t("task_choose"), buttons(choices))


async def task_status(ctx: Ctx, args: list[str]) -> None:
    task_id, branch_id = int_arg(args, 0), int_arg(args, 1)
    status = args[2] if len(args) > 2 else ""
    if task_id is None or branch_id is None:
        raise UserError("bad_button")
    state = await plans.set_status(ctx.env, ctx.actor, task_id, branch_id, status, ctx.now)
    await ctx.toast("✓")
    await ctx.reply(
        ctx.t("task_saved", task=state.task.title, status=ctx.t(f"task_status_{state.status}"))
    )


async def maybe_task_note(ctx: Ctx, text: str | None) -> bool:
    state = await plans.save_note(ctx.env, ctx.actor, text, ctx.now)
    if state is None:
        return False
    await ctx.reply(ctx.t("task_note_saved", task=state.task.title))
    return True
