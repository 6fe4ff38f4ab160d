"""Coordinators steer the month: /remind, /circular, /exempt, /unexempt, /schedule."""

from __future__ import annotations

from datetime import datetime

from bot.commands import PRIVATE
from bot.i18n import Html, join
from bot.services import engine
from bot.services.base import get_coordination_chat
from bot.services.circular import CHAT_LIMIT
from bot.services.fmt import date_label, month_label, names_list, time_label
from handlers.common import Ctx, args_text, buttons


async def remind(ctx: Ctx) -> None:
    """`/remind 支部名` reminds that branch now; `/remind` says how many and asks first."""
    name = args_text(ctx)
    if name:
        await ctx.reply(_nudged(ctx, await engine.remind_now(ctx.env, ctx.actor, ctx.now, name)))
        return
    await ask_remind(ctx)


async def ask_remind(ctx: Ctx) -> None:
    """How many branches `/remind` would message, with a button to confirm."""
    plan = await engine.remind_now(ctx.env, ctx.actor, ctx.now, dry_run=True)
    if not plan.sent:
        await ctx.reply(_nudged(ctx, plan))
        return
    lines = [ctx.t("remind_confirm", count=len(plan.sent))]
    lines += _skipped(ctx, plan)
    markup = buttons([(ctx.t("btn_remind_confirm", count=len(plan.sent)), f"rmd:{plan.month}")])
    await ctx.reply(join(lines), markup)


async def remind_pressed(ctx: Ctx, args: list[str]) -> None:
    """`rmd:<month>`: the confirmation of /remind (or of /status's remind button)."""
    engine.remind_month(ctx.env, ctx.actor, args[0] if args else "", ctx.now)
    done = await engine.remind_now(ctx.env, ctx.actor, ctx.now)
    await ctx.toast("✓")
    await ctx.reply(_nudged(ctx, done))


async def remind_ask_pressed(ctx: Ctx, args: list[str]) -> None:
    """`rmdask:<month>`: /status's remind button asks for the same confirmation."""
    engine.remind_month(ctx.env, ctx.actor, args[0] if args else "", ctx.now)
    await ctx.toast("")
    await ask_remind(ctx)


def _skipped(ctx: Ctx, done: engine.Nudged) -> list[Html]:
    lines: list[Html] = []
    if done.skipped_recent:
        lines.append(ctx.t("remind_recent", names=names_list(ctx.lang, done.skipped_recent)))
    if done.skipped_scheduled:
        lines.append(ctx.t("remind_scheduled", names=names_list(ctx.lang, done.skipped_scheduled)))
    if done.no_reporter:
        lines.append(ctx.t("remind_nobody", names=names_list(ctx.lang, done.no_reporter)))
    return lines


def _nudged(ctx: Ctx, done: engine.Nudged) -> Html:
    lines: list[Html] = []
    if done.sent:
        lines.append(
            ctx.t("remind_done", count=len(done.sent), names=names_list(ctx.lang, done.sent))
        )
    lines += _skipped(ctx, done)
    return join(lines) if lines else ctx.t("remind_none")


async def circular(ctx: Ctx) -> None:
    asked = engine.circular_request(ctx.env, ctx.actor, ctx.args, ctx.now)
    if asked.post:
        already, parts = await engine.post_circular(ctx.env, ctx.actor, asked.month, ctx.now)
        await ctx.reply(
            ctx.t("circular_already") if already else ctx.t("circular_posted", parts=parts)
        )
        return
    view = await engine.circular_preview(ctx.env, ctx.actor, asked.month, ctx.now)
    messages = view.messages
    if view.posted_at is not None:  # the text as posted; later reports are next month's 补报
        at = time_label(ctx.lang, view.posted_at, ctx.env.cfg.tz)
        head = ctx.t("circular_posted_head", month=month_label(ctx.lang, asked.month), at=at)
    else:
        head = ctx.t("circular_preview_head")
    if ctx.chat_kind != PRIVATE:  # one screen in a group; the whole text in private
        await ctx.reply(join([head, *(Html(m) for m in messages)], "\n\n"))
        return
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
