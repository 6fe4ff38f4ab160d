"""Coordinators steer the month: /remind, /circular, /exempt, /unexempt, /schedule."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import Html, join
from bot.services import engine
from bot.services.base import get_coordination_chat
from bot.services.circular import CHAT_LIMIT
from bot.services.fmt import date_label, month_label, time_label
from handlers.common import Ctx


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


async def circular(ctx: Ctx) -> None:
    asked = engine.circular_request(ctx.env, ctx.actor, ctx.args, ctx.now)
    if asked.post:
        already, parts = await engine.post_circular(ctx.env, ctx.actor, asked.month, ctx.now)
        await ctx.reply(
            ctx.t("circular_already") if already else ctx.t("circular_posted", parts=parts)
        )
        return
    messages = await engine.circular_preview(ctx.env, ctx.actor, asked.month, ctx.now)
    head = ctx.t("circular_preview_head")
    first = join([head, Html(messages[0])], "\n\n") if messages else head
    if messages and len(first) > CHAT_LIMIT:  # the head goes alone; the parts stay as posted
        await ctx.reply(head)
        first = Html(messages[0])
    await ctx.reply(first)
    for message in messages[1:]:
        await ctx.reply(Html(message))


async def exempt(ctx: Ctx) -> None:
    branch, month, reason = engine.exemption_args(
        ctx.env, ctx.actor, ctx.args, "exempt_usage", ctx.now
    )
    name = await engine.exempt(ctx.env, ctx.actor, branch, month, reason, ctx.now)
    await ctx.reply(
        ctx.t("exempt_done", branch=name, month=month_label(ctx.lang, month), reason=reason)
    )


async def unexempt(ctx: Ctx) -> None:
    branch, month, _ = engine.exemption_args(
        ctx.env, ctx.actor, ctx.args, "unexempt_usage", ctx.now
    )
    name = await engine.unexempt(ctx.env, ctx.actor, branch, month, ctx.now)
    await ctx.reply(ctx.t("unexempt_done", branch=name, month=month_label(ctx.lang, month)))


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
