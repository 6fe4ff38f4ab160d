"""Coordinators and admins: branches, invites, the group, /status."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.calendar import Month
from bot.i18n import Html, esc, join
from bot.models import User
from bot.services import onboarding, reports, status
from bot.services.base import UserError, current_month, set_reachability
from bot.services.fmt import date_label, month_label, time_label
from bot.services.status import MonthSummary, State
from handlers.common import (
    Ctx,
    args_text,
    buttons,
    clock_of,
    env_of,
    guarded,
    int_arg,
)
from handlers.menus import refresh_group_menu
from handlers.moves import manage_row

STATUS_ICON = {
    State.ON_TIME: "status_line_on_time",
    State.LATE: "status_line_late",
    State.WAITING: "status_line_waiting",
    State.MISSING: "status_line_missing",
    State.EXEMPT: "status_line_exempt",
}


async def addbranch(ctx: Ctx) -> None:
    branch = await onboarding.add_branch(ctx.env, ctx.actor, args_text(ctx), ctx.now)
    await ctx.reply(ctx.t("branch_added", name=branch.name))


async def renamebranch(ctx: Ctx) -> None:
    old, new = await onboarding.rename_branch(ctx.env, ctx.actor, ctx.args, ctx.now)
    await ctx.reply(ctx.t("branch_renamed", old=old, new=new.name))


async def archivebranch(ctx: Ctx) -> None:
    branch = await onboarding.archive_branch(ctx.env, ctx.actor, args_text(ctx), ctx.now)
    await ctx.reply(ctx.t("branch_archived", name=branch.name))


async def branches(ctx: Ctx) -> None:
    views = await onboarding.list_branches(ctx.env, ctx.actor)
    if not views:
        await ctx.reply(ctx.t("branches_empty"))
        return
    lines = [ctx.t("branches_head", count=len(views))]
    for i, v in enumerate(views, 1):
        lines.append(
            ctx.t(
                "branches_line",
                n=i,
                name=v.branch.name,
                secretary=_person(ctx, v.secretary),
                deputy=ctx.t("branches_deputy", name=_person(ctx, v.deputy)) if v.deputy else "",
            )
        )
    await ctx.reply(join(lines))


def _person(ctx: Ctx, user: User | None) -> Html:
    if user is None:
        return ctx.t("branches_none_person")
    mark = ctx.t("branches_unreachable") if not user.reachable else ""
    return Html(esc(user.display_name) + mark)


async def invite(ctx: Ctx) -> None:
    role, name = await onboarding.parse_invite_args(ctx.env, ctx.actor, ctx.args)
    made = await onboarding.create_invite(ctx.env, ctx.actor, name, role, ctx.now)
    username = ctx.context.bot.username
    target = made.branch.name if made.branch else ctx.env.cfg.org_name
    await ctx.reply(
        ctx.t(
            "invite_created",
            target=target,
            role=ctx.t(f"role_{role.value}"),
            days=ctx.env.cfg.invite_valid_days,
            id=made.invite.id,
            link=onboarding.invite_link(username, made.token),
        )
    )


async def invites(ctx: Ctx) -> None:
    found = await onboarding.open_invites(ctx.env, ctx.actor, ctx.now)
    if not found:
        await ctx.reply(ctx.t("invites_none"))
        return
    lines = [ctx.t("invites_head", count=len(found))]
    for inv, branch in found:
        lines.append(
            ctx.t(
                "invites_line",
                id=inv.id,
                target=branch.name if branch else ctx.env.cfg.org_name,
                role=ctx.t(f"role_{inv.role.value}"),
                expires=time_label(ctx.lang, inv.expires_at, ctx.env.cfg.tz),
            )
        )
    await ctx.reply(join(lines))


async def revoke(ctx: Ctx) -> None:
    invite_id = int_arg([a.lstrip("#") for a in ctx.args])
    revoked = await onboarding.revoke_invite(ctx.env, ctx.actor, invite_id, ctx.now)
    await ctx.reply(ctx.t("invite_revoked_ok", id=revoked.id))


@guarded()
async def bot_membership(ctx: Ctx) -> None:
    """The bot's membership in a chat changed.

    In a private chat that is the user blocking (kicked) or unblocking the bot:
    remember whether they can be reached, and say nothing. Added to a group by
    an admin: say how to make it the coordination group. Removal from the
    coordination group shows up as delivery failures in /status.
    """
    change = ctx.update.my_chat_member
    if change is None:
        return
    now_in = change.new_chat_member.status in ("member", "administrator")
    if ctx.chat_kind == "private":
        await set_reachability(ctx.env, ctx.actor, now_in)
        return
    was_in = change.old_chat_member.status in ("member", "administrator")
    if ctx.actor.is_admin and ctx.chat_kind != "coordination" and now_in and not was_in:
        await ctx.reply(ctx.t("group_added_hint"))


async def bindgroup(ctx: Ctx) -> None:
    chat = ctx.update.effective_chat
    title = chat.title if chat and chat.title else ""
    await onboarding.bind_group(ctx.env, ctx.actor, ctx.chat_id, title, ctx.now)
    await refresh_group_menu(ctx.context.bot, ctx.env)
    await ctx.reply(ctx.t("bindgroup_done", org=ctx.env.cfg.org_name))


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group upgraded to a supergroup: Telegram tells us old and new ids once."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    if await onboarding.chat_migrated(env_of(context), old, new, clock_of(context)()):
        await refresh_group_menu(context.bot, env_of(context))


# ------------------------------------------------------------------ /status


async def status_command(ctx: Ctx) -> None:
    target = status.status_target(ctx.actor, args_text(ctx), current_month(ctx.env, ctx.now))
    if isinstance(target, str):
        await _branch_status(ctx, target)
        return
    summary = await status.month_status(ctx.env, ctx.actor, target, ctx.now)
    await ctx.reply(render_summary(ctx, summary))


def render_summary(ctx: Ctx, s: MonthSummary) -> Html:
    tz = ctx.env.cfg.tz
    nominal = s.nominal_due
    moved = (
        ctx.t("status_moved", nominal=date_label(ctx.lang, nominal)) if nominal != s.due_on else ""
    )
    lines = [
        ctx.t(
            "status_head",
            org=ctx.env.cfg.org_name,
            month=month_label(ctx.lang, s.month),
            due=date_label(ctx.lang, s.due_on, weekday=True),
            moved=moved,
        )
    ]
    if not s.lines:
        lines.append(
            ctx.t(
                "status_empty"
                if s.month == current_month(ctx.env, ctx.now)
                else "status_empty_past"
            )
        )
        return join(lines)
    waiting = s.having(State.WAITING, State.MISSING)
    no_secretary = s.without_secretary
    lines.append(
        ctx.t(
            "status_totals",
            expected=s.expected,
            on_time=len(s.having(State.ON_TIME)),
            late=len(s.having(State.LATE)),
            missing=len(waiting),
            exempt=len(s.having(State.EXEMPT)),
            no_secretary=len(no_secretary),
            missing_label=ctx.t(
                "status_missing_label_overdue" if s.overdue else "status_missing_label_waiting"
            ),
        )
    )
    lines.append(Html(""))
    for ln in s.lines:
        at = time_label(ctx.lang, ln.report.submitted_at, tz) if ln.report else ""
        reason = ln.exemption.reason if ln.exemption else ""
        text = ctx.t(STATUS_ICON[ln.state], name=ln.branch.name, at=at, reason=reason)
        if ln in no_secretary:
            text = Html(text + ctx.t("status_no_secretary"))
        if ln.unreachable:
            text = Html(
                text
                + ctx.t(
                    "status_unreachable", names="、".join(u.display_name for u in ln.unreachable)
                )
            )
        lines.append(text)
    if s.failures:
        lines.append(Html(""))
        lines.append(ctx.t("status_failures", count=len(s.failures)))
        people = {u.user_id: u.display_name for ln in s.lines for u in ln.view.reporters}
        for f in s.failures[:20]:
            to = people.get(f.recipient_id or 0, str(f.chat_id))
            lines.append(ctx.t("status_failure_line", to=to, reason=f.error or ""))
    return join(lines)


async def _branch_status(ctx: Ctx, name: str) -> None:
    b = await status.branch_status(ctx.env, ctx.actor, name, ctx.now)
    lang, tz = ctx.lang, ctx.env.cfg.tz
    people = {"secretary": _person(ctx, b.view.secretary), "deputy": _person(ctx, b.view.deputy)}
    tasks = [ctx.t("status_overdue_tasks", count=len(b.overdue_tasks))] if b.overdue_tasks else []
    tasks += [
        ctx.t(
            "status_overdue_task",
            task=s.task.title,
            plan=s.plan_title,
            due=date_label(lang, s.task.due_on),
        )
        for s in b.overdue_tasks
        if s.task.due_on
    ]
    if b.latest is None:
        await ctx.reply(
            join([ctx.t("status_branch_none", name=b.view.branch.name, **people), *tasks])
        )
        return
    r = b.latest
    text = ctx.t(
        "status_branch",
        name=b.view.branch.name,
        month=month_label(lang, Month.parse(r.month)),
        timing=ctx.t("timing_late" if r.late else "timing_on_time"),
        revisions=r.revisions,
        attachments=b.attachments,
        submitted=time_label(lang, r.submitted_at, tz),
        text=r.text,
        **people,
    )
    label = ctx.t("btn_unhighlight" if r.highlighted_by else "btn_highlight")
    if tasks:
        await ctx.reply(join(tasks))
    await ctx.reply(text, buttons([(label, f"hl:{r.id}")], manage_row(ctx, r.id)))


async def highlight(ctx: Ctx, args: list[str]) -> None:
    report_id = int_arg(args)
    if report_id is None:
        raise UserError("bad_button")
    report, on = await reports.toggle_highlight(ctx.env, ctx.actor, report_id, ctx.now)
    await ctx.toast(ctx.t("highlight_on" if on else "highlight_off"))
    query = ctx.update.callback_query
    if query is not None and query.message is not None:
        label = ctx.t("btn_unhighlight" if on else "btn_highlight")
        await ctx.context.bot.edit_message_reply_markup(
            chat_id=ctx.chat_id,
            message_id=query.message.message_id,
            reply_markup=buttons([(label, f"hl:{report.id}")], manage_row(ctx, report.id)),
        )
