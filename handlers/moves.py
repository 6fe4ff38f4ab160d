"""Withdrawing a report, or moving it to the right branch or month: buttons and the reason."""

from __future__ import annotations

import html

from bot.calendar import Month
from bot.i18n import Html
from bot.services import moves
from bot.services.base import UserError
from bot.services.fmt import month_label, time_label
from bot.services.moves import AskReason, Done
from handlers.common import Ctx, buttons, int_arg


def manage_row(ctx: Ctx, report_id: int) -> list[tuple[str, str]]:
    """The buttons under a report (acknowledgement, view, /status 支部名)."""
    return [
        (ctx.t("move_btn_withdraw"), f"wd:{report_id}"),
        (ctx.t("move_btn_move"), f"mv:{report_id}"),
    ]


def _month(ctx: Ctx, month: str | Month) -> Html:
    return month_label(ctx.lang, month if isinstance(month, Month) else Month.parse(month))


def _report_id(args: list[str]) -> int:
    report_id = int_arg(args)
    if report_id is None:
        raise UserError("bad_button")
    return report_id


async def _ask_reason(ctx: Ctx, ask: AskReason) -> None:
    await ctx.toast("")
    r = ask.report
    if ask.action == "withdrawn":
        text = ctx.t("move_ask_reason_withdraw", branch=ask.source.name, month=_month(ctx, r.month))
    else:
        assert ask.target is not None and ask.to_month is not None
        text = ctx.t(
            "move_ask_reason_move",
            branch=ask.source.name,
            month=_month(ctx, r.month),
            to_branch=ask.target.name,
            to_month=_month(ctx, ask.to_month),
        )
    await ctx.reply(text)


async def withdraw_pressed(ctx: Ctx, args: list[str]) -> None:
    """`wd:<report>`: an author is asked to confirm; a coordinator for the reason."""
    report_id = _report_id(args)
    got = await moves.start_withdraw(ctx.env, ctx.actor, report_id, ctx.now)
    if isinstance(got, AskReason):
        await _ask_reason(ctx, got)
        return
    await ctx.toast("")
    text = ctx.t("withdraw_confirm", branch=got.branch.name, month=_month(ctx, got.report.month))
    await ctx.reply(text, buttons([(ctx.t("withdraw_btn_confirm"), f"wdok:{report_id}")]))


async def withdraw_confirmed(ctx: Ctx, args: list[str]) -> None:
    done = await moves.withdraw(ctx.env, ctx.actor, _report_id(args), ctx.now)
    await ctx.toast("✓")
    await _done(ctx, done)


async def move_pressed(ctx: Ctx, args: list[str]) -> None:
    """`mv:<report>`: the places it may go, one button each."""
    report_id = _report_id(args)
    opts = await moves.move_options(ctx.env, ctx.actor, report_id, ctx.now)
    await ctx.toast("")
    if not opts.targets:
        await ctx.reply(ctx.t("move_nowhere"))
        return
    rows = [
        [
            (
                html.unescape(
                    ctx.t("move_btn_target", branch=t.branch.name, month=_month(ctx, t.month))
                ),
                f"mvto:{report_id}:{t.branch.id}:{t.month}",
            )
        ]
        for t in opts.targets
    ]
    text = ctx.t("move_choose", branch=opts.branch.name, month=_month(ctx, opts.report.month))
    await ctx.reply(text, buttons(*rows))


async def move_target(ctx: Ctx, args: list[str]) -> None:
    """`mvto:<report>:<branch>:<YYYY-MM>`: checked again on the server before anything moves."""
    report_id, branch_id = _report_id(args), int_arg(args, 1)
    if branch_id is None or len(args) != 3:
        raise UserError("bad_button")
    try:
        month = Month.parse(args[2])
    except ValueError:
        raise UserError("bad_button") from None
    got = await moves.pick_target(ctx.env, ctx.actor, report_id, branch_id, month, ctx.now)
    if isinstance(got, AskReason):
        await _ask_reason(ctx, got)
        return
    await ctx.toast("✓")
    await _done(ctx, got)


async def maybe_reason(ctx: Ctx, text: str | None) -> bool:
    """The text after a coordinator's withdraw/move tap is the reason."""
    done = await moves.reason_given(ctx.env, ctx.actor, text, ctx.now)
    if done is None:
        return False
    await _done(ctx, done)
    return True


async def history_lines(ctx: Ctx, report_id: int) -> list[Html]:
    """Where the report came from, for its view."""
    lines: list[Html] = []
    for move, source in await moves.history(ctx.env, ctx.actor, report_id):
        if move.action != "moved":
            continue
        reason = ctx.t("move_reason_part", reason=move.reason) if move.reason else ""
        lines.append(
            ctx.t(
                "report_view_moved",
                at=time_label(ctx.lang, move.at, ctx.env.cfg.tz),
                branch=source.name if source else "?",
                month=_month(ctx, move.from_month),
                reason=reason,
            )
        )
    return lines


async def _done(ctx: Ctx, done: Done) -> None:
    reason = ctx.t("move_reason_part", reason=done.reason) if done.reason else ""
    month = _month(ctx, done.report.month)
    if done.action == "withdrawn":
        await ctx.reply(
            ctx.t("report_withdrawn_done", branch=done.source.name, month=month, reason=reason)
        )
        return
    assert done.target is not None and done.to_month is not None
    await ctx.reply(
        ctx.t(
            "report_moved_done",
            branch=done.source.name,
            month=month,
            to_branch=done.target.name,
            to_month=_month(ctx, done.to_month),
            reason=reason,
        )
    )
