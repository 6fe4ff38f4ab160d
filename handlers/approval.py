"""审核 (docs/tree-review.md): /reviewmode, the 通过 / 退回 buttons, the comment typed next."""

from __future__ import annotations

from bot.services import approval
from bot.services.base import UserError
from handlers.common import Ctx, args_text, int_arg


async def reviewmode(ctx: Ctx) -> None:
    done = await approval.set_mode(ctx.env, ctx.actor, args_text(ctx), ctx.now)
    key = "apv_mode_on" if done.enabled else "apv_mode_off"
    await ctx.reply(ctx.t(key, name=done.general.name))


async def approve_pressed(ctx: Ctx, args: list[str]) -> None:
    """`apv:<report>`: the 总支 secretary approves the report."""
    report_id = int_arg(args)
    if report_id is None or len(args) != 1:
        raise UserError("bad_button")
    done = await approval.approve(ctx.env, ctx.actor, report_id, ctx.now)
    await ctx.toast("✓")
    await ctx.reply(ctx.t("apv_done_ok", branch=done.branch.name))


async def return_pressed(ctx: Ctx, args: list[str]) -> None:
    """`apr:<report>`: return it; the comment is asked for next."""
    report_id = int_arg(args)
    if report_id is None or len(args) != 1:
        raise UserError("bad_button")
    done = await approval.ask_return(ctx.env, ctx.actor, report_id, ctx.now)
    await ctx.toast("")
    await ctx.reply(ctx.t("apv_ask_comment", branch=done.branch.name))


async def maybe_comment(ctx: Ctx, text: str | None) -> bool:
    """The text after 退回 is the comment; False when no such question is open."""
    if ctx.chat_kind != "private":
        return False
    done = await approval.comment_given(ctx.env, ctx.actor, text, ctx.now)
    if done is None:
        return False
    await ctx.reply(ctx.t("apv_done_returned", branch=done.branch.name, comment=done.comment))
    return True
