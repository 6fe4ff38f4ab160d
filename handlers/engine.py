"""Coordinators steer the month: /remind, /circular, /exempt, /unexempt, /schedule."""

from __future__ import annotations

from datetime import datetime

from bot.calendar import Month
from bot.i18n import Html, join
from bot.services import engine
from bot.services.base import UserError, current_month, get_coordination_chat
from bot.services.circular import CHAT_LIMIT
from bot.services.fmt import date_label, month_label, time_label
from bot.services.status import require_known_month
from handlers.common import COORDINATION_OR_PRIVATE, Ctx, guarded


@guarded(COORDINATION_OR_PRIVATE)
async def remind(ctx: Ctx) -> None:
    done = await engine.remind_now(ctx.env, ctx.actor, ctx.now)
    lines: list[Html] = []
    if done.sent:
        lines.append(ctx.t("remind_done", count=len(done.sent), names="、".join(done.sent)))
    if done.skipped_recent:
        lines.append(ctx.t("remind_recent", names="、".join(done.skipped_recent)))
    if done.no_reporter:
        lines.append(ctx.t("remind_nobody", names="、".join(done.no_reporter)))
    await ctx.reply(join(lines) if lines else ctx.t("remind_none"))


def _month_arg(ctx: Ctx, value: str) -> Month:
    try:
        return Month.parse(value)
    except ValueError:
        raise UserError("month_bad", value=value) from None


@guarded(COORDINATION_OR_PRIVATE)
async def circular(ctx: Ctx) -> None:
    ctx.actor.require_coordinator()
    args = [a.lower() for a in ctx.args]
    post = bool(args) and args[0] in {"post", "发布", "發布"}
    rest = ctx.args[1:] if post else ctx.args
    month = _month_arg(ctx, rest[0]) if rest else current_month(ctx.env, ctx.now)
    require_known_month(month, current_month(ctx.env, ctx.now))
    if post:
        already, parts = await engine.post_circular(ctx.env, ctx.actor, month, ctx.now)
        await ctx.reply(
            ctx.t("circular_already") if already else ctx.t("circular_posted", parts=parts)
        )
        return
    messages = await engine.circular_preview(ctx.env, ctx.actor, month, ctx.now)
    head = ctx.t("circular_preview_head")
    first = join([head, Html(messages[0])], "\n\n") if messages else head
    if messages and len(first) > CHAT_LIMIT:  # the head goes alone; the parts stay as posted
        await ctx.reply(head)
        first = Html(messages[0])
    await ctx.reply(first)
    for message in messages[1:]:
        await ctx.reply(Html(message))


@guarded(COORDINATION_OR_PRIVATE)
async def exempt(ctx: Ctx) -> None:
    ctx.actor.require_coordinator()
    branch, month, reason = _name_month(ctx.args, "exempt_usage")
    if not reason:
        raise UserError("exempt_usage")
    name = await engine.exempt(ctx.env, ctx.actor, branch, month, reason, ctx.now)
    await ctx.reply(
        ctx.t("exempt_done", branch=name, month=month_label(ctx.lang, month), reason=reason)
    )


def _name_month(args: list[str], usage: str) -> tuple[str, Month, str]:
    """`支部名 2026-11 [理由]`: the name is everything before the month (it may have spaces)."""
    for i in range(1, len(args)):
        try:
            month = Month.parse(args[i])
        except ValueError:
            continue
        return " ".join(args[:i]), month, " ".join(args[i + 1 :])
    if len(args) >= 2:
        raise UserError("month_bad", value=args[1])
    raise UserError(usage)


@guarded(COORDINATION_OR_PRIVATE)
async def unexempt(ctx: Ctx) -> None:
    ctx.actor.require_coordinator()
    branch, month, _ = _name_month(ctx.args, "unexempt_usage")
    name = await engine.unexempt(ctx.env, ctx.actor, branch, month, ctx.now)
    await ctx.reply(ctx.t("unexempt_done", branch=name, month=month_label(ctx.lang, month)))


@guarded(COORDINATION_OR_PRIVATE)
async def schedule(ctx: Ctx) -> None:
    s = await engine.schedule(ctx.env, ctx.actor, ctx.now)
    lang, tz = ctx.lang, ctx.env.cfg.tz
    moved = (
        ctx.t("status_moved", nominal=date_label(lang, s.nominal_due))
        if s.nominal_due != s.due_on
        else ""
    )
    lines = [
        ctx.t(
            "schedule_head",
            month=month_label(lang, s.month),
            due=date_label(lang, s.due_on, weekday=True),
            moved=moved,
        )
    ]
    entries: list[tuple[datetime, Html]] = []
    for stage in s.stages:
        mark = ctx.t("schedule_done" if stage.at <= ctx.now else "schedule_todo")
        if stage.kind == "remind":
            key = "schedule_stage_remind_0" if stage.days == 0 else "schedule_stage_remind"
        elif stage.digest:
            key = "schedule_stage_overdue_digest"
        else:
            key = "schedule_stage_overdue"
        label = ctx.t(key, mark=mark, at=time_label(lang, stage.at, tz), days=stage.days)
        entries.append((stage.at, label))
    mark = ctx.t("schedule_done" if s.circular_posted else "schedule_todo")
    entries.append(
        (
            s.circular_at,
            ctx.t("schedule_circular", mark=mark, at=time_label(lang, s.circular_at, tz)),
        )
    )
    # Stable sort: at equal times the circular comes after that day's nudges.
    lines.extend(label for _, label in sorted(entries, key=lambda e: e[0]))
    if await get_coordination_chat(ctx.env) is None:
        lines.append(ctx.t("schedule_no_chat"))
    await ctx.reply(join(lines))
