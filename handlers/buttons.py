"""One entry for every inline button: verify, parse, check, dispatch.

Callback data is never trusted: data without this bot's signature is refused
before any action runs, and each action re-checks the actor's role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, Forbidden

from bot.services.base import UserError
from handlers import (
    approval,
    basic,
    coordination,
    form_status,
    forms,
    moves,
    plan_edit,
    plans,
    reports,
    tree,
)
from handlers import engine as engine_handlers
from handlers.common import PRIVATE_COPY_COMMANDS, Ctx, Handler, _plain, guarded, parse_callback

Action = Callable[[Ctx, list[str]], Awaitable[None]]

# The read-only commands a group's "full list in private chat" button may run again.
PRIVATE_COPIES: dict[str, Handler] = {
    "status": coordination.status_command,
    "branches": tree.branches,
    "invites": coordination.invites,
    "plan": plans.plan_command,
    "schedule": engine_handlers.schedule,
    "circular": engine_handlers.circular,
    "help": basic.help_command,
}
assert set(PRIVATE_COPIES) == PRIVATE_COPY_COMMANDS


async def private_copy(ctx: Ctx, args: list[str]) -> None:
    """`pm:<command>:<args>`: the whole answer, sent privately to whoever pressed.

    The command's own service checks who asks (a secretary pressing a coordinator's
    button is refused with a toast). Someone who never started the bot cannot be
    written to: a toast says to open a private chat first.
    """
    handler = PRIVATE_COPIES.get(args[0]) if args else None
    if handler is None:
        raise UserError("bad_button")
    private = ctx.in_private()
    private.command, private.args, private.answered = args[0], args[1:], True
    try:
        await handler(private)
    except (Forbidden, BadRequest):
        username = ctx.context.bot.username
        await ctx.toast(_plain(ctx.t("pm_start_first", bot=username)))
        return
    await ctx.toast(_plain(ctx.t("pm_sent")))


ACTIONS: dict[str, Action] = {
    "pick": reports.pick_branch,
    "rev": reports.revise,
    "view": reports.view,
    "typed": reports.typed_pressed,
    "wd": moves.withdraw_pressed,
    "wdok": moves.withdraw_confirmed,
    "mv": moves.move_pressed,
    "mvto": moves.move_target,
    "hl": coordination.highlight,
    "lang": basic.lang_chosen,
    "planok": plans.plan_enable,
    "planno": plans.plan_cancel,
    "task": plans.task_pressed,
    "ts": plans.task_status,
    "pm": private_copy,
    "rmd": engine_handlers.remind_pressed,
    "rmdask": engine_handlers.remind_ask_pressed,
    "stp": coordination.status_page,
    "sfp": form_status.field_page,
    "brp": tree.branches_page,
    "ivp": coordination.invites_page,
    "inva": coordination.invite_all_pressed,
    "mtb": plans.mytasks_branch,
    "mtp": plans.mytasks_page,
    "fa": forms.answer_pressed,
    "fp": forms.paste_pressed,
    "fc": forms.continue_pressed,
    "fe": forms.change_pressed,
    "fk": forms.field_pressed,
    "fs": forms.submit_pressed,
    # A plan's preview corrected, and enabled plans managed (handlers/plan_edit.py).
    "pvt": plan_edit.preview_tick,
    "pvk": plan_edit.preview_kind,
    "pvd": plan_edit.preview_date,
    "pvp": plan_edit.preview_page,
    "pvy": plan_edit.preview_year,
    "plm": plan_edit.manage_plan,
    "pld": plan_edit.plan_toggle,
    "plx": plan_edit.plan_delete_ask,
    "plxok": plan_edit.plan_delete,
    "ptt": plan_edit.task_title_ask,
    "ptd": plan_edit.task_due_ask,
    "ptx": plan_edit.task_delete_ask,
    "ptxok": plan_edit.task_delete,
    "ptb": plan_edit.task_branches,
    "ptbx": plan_edit.task_branch_toggle,
    "ptba": plan_edit.task_branch_all,
    "apv": approval.approve_pressed,
    "apr": approval.return_pressed,
}


@guarded()
async def on_button(ctx: Ctx) -> None:
    query = ctx.update.callback_query
    if query is None:
        return
    parsed = parse_callback(query.data)
    if parsed is None:  # not signed by this bot: forged, or older than the signatures
        raise UserError("stale_button")
    action = ACTIONS.get(parsed[0])
    if action is None:
        raise UserError("bad_button")
    # Each action re-checks the actor's role against the database (see services).
    await action(ctx, parsed[1])
    await ctx.toast("")  # stop the button spinner if the action did not answer
