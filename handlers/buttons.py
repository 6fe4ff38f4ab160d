"""One entry for every inline button: parse, check, dispatch. Callback data is never trusted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.services.base import UserError
from handlers import basic, coordination, moves, plans, reports
from handlers.common import Ctx, guarded, parse_callback

Action = Callable[[Ctx, list[str]], Awaitable[None]]

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
}


@guarded()
async def on_button(ctx: Ctx) -> None:
    query = ctx.update.callback_query
    if query is None:
        return
    parsed = parse_callback(query.data)
    action = ACTIONS.get(parsed[0]) if parsed else None
    if parsed is None or action is None:
        raise UserError("bad_button")
    # Each action re-checks the actor's role against the database (see services).
    await action(ctx, parsed[1])
    await ctx.toast("")  # stop the button spinner if the action did not answer
