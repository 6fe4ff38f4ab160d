"""Coordinators and admins: branches, invites, the group, /status."""

from __future__ import annotations

import csv
import io
import re

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.calendar import Month
from bot.commands import PRIVATE
from bot.i18n import Html, esc, join
from bot.models import Branch, Invite, User
from bot.services import grouping, onboarding, reports, status
from bot.services import tree as tree_service
from bot.services.base import UserError, current_month, set_reachability
from bot.services.fmt import date_label, month_label, names_list, time_label
from bot.services.status import MonthSummary, Only, State
from handlers import form_status, grouped
from handlers.common import (
    PAGE_CHARS,
    Ctx,
    args_text,
    buttons,
    clock_of,
    env_of,
    guarded,
    int_arg,
    page_row,
    paginate,
)
from handlers.menus import refresh_group_menu, set_general_group_menu
from handlers.moves import manage_row

GROUP_BRANCHES = 10  # branches a group's /status names before "and N more"

STATUS_ICON = {
    State.ON_TIME: "status_line_on_time",
    State.LATE: "status_line_late",
    State.WAITING: "status_line_waiting",
    State.MISSING: "status_line_missing",
    State.EXEMPT: "status_line_exempt",
}


def _text_after_command(ctx: Ctx) -> str:
    """The message after its /command, line breaks kept (a pasted list of names)."""
    message = ctx.message
    text = message.text if message is not None and message.text else ""
    parts = re.split(r"\s", text.strip(), maxsplit=1)
    if not text.startswith("/") or len(parts) < 2:
        return args_text(ctx)
    return parts[1]


async def renamebranch(ctx: Ctx) -> None:
    old, new = await onboarding.rename_branch(ctx.env, ctx.actor, ctx.args, ctx.now)
    await ctx.reply(ctx.t("branch_renamed", old=old, new=new.name))


async def archivebranch(ctx: Ctx) -> None:
    branch, lifted = await onboarding.archive_unit(ctx.env, ctx.actor, args_text(ctx), ctx.now)
    lines = [ctx.t("branch_archived", name=branch.name)]
    if lifted:  # a 总支's units: say where they went
        names = names_list(ctx.lang, lifted, 30)
        lines.append(ctx.t("tree_archived_lifted", count=len(lifted), names=names))
    await ctx.reply(join(lines))


def _person(ctx: Ctx, user: User | None) -> Html:
    if user is None:
        return ctx.t("branches_none_person")
    mark = ctx.t("branches_unreachable") if not user.reachable else ""
    return Html(esc(user.display_name) + mark)


async def invite(ctx: Ctx) -> None:
    if len(ctx.args) == 1 and ctx.args[0].lower() in onboarding.INVITE_ALL_WORDS:
        await invite_all(ctx)
        return
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


INVITE_FILE_OVER = 30  # more links than this come as a file


async def invite_all(ctx: Ctx) -> None:
    """Every branch without a secretary, one line each: name and link (a file when many)."""
    made = await onboarding.invite_all(ctx.env, ctx.actor, ctx.now)
    if not made:
        await ctx.reply(ctx.t("invite_all_none"))
        return
    username = ctx.context.bot.username
    links = [(m.branch.name, onboarding.invite_link(username, m.token)) for m in made]
    days = ctx.env.cfg.invite_valid_days
    in_group = ctx.chat_kind != PRIVATE
    if len(links) > INVITE_FILE_OVER or (in_group and len(links) > GROUP_BRANCHES):
        out = io.StringIO()
        csv.writer(out).writerows([("branch", "link"), *links])
        await ctx.context.bot.send_document(
            chat_id=ctx.chat_id,
            document=InputFile(
                io.BytesIO(out.getvalue().encode("utf-8-sig")), filename="zhibu-invites.csv"
            ),
            caption=ctx.t("invite_all_file", count=len(links), days=days),
            parse_mode=ParseMode.HTML,
        )
        return
    lines = [ctx.t("invite_all_head", count=len(links), days=days)]
    lines += [ctx.t("invite_all_line", name=name, link=link) for name, link in links]
    await ctx.reply(join(lines))  # split between lines when long


async def invite_all_pressed(ctx: Ctx, args: list[str]) -> None:
    """`inva`: the button under /addbranch."""
    if args:
        raise UserError("bad_button")
    await ctx.toast("")
    await invite_all(ctx)


async def invites(ctx: Ctx) -> None:
    found = await onboarding.open_invites(ctx.env, ctx.actor, ctx.now)
    if not found:
        await ctx.reply(ctx.t("invites_none"))
        return
    head, *body = _invite_lines(ctx, found)
    if ctx.chat_kind != PRIVATE:  # one screen, then the private-chat button
        await ctx.reply(join([head, *body]))
        return
    await ctx.reply(*_paged(ctx, head, body, "ivp", 1))


async def invites_page(ctx: Ctx, args: list[str]) -> None:
    """`ivp:<page>`: another page of /invites, in place."""
    page = int_arg(args)
    if len(args) != 1 or page is None:
        raise UserError("bad_button")
    found = await onboarding.open_invites(ctx.env, ctx.actor, ctx.now)
    if not found:
        raise UserError("stale_button")
    head, *body = _invite_lines(ctx, found)
    await ctx.edit(*_paged(ctx, head, body, "ivp", page))
    await ctx.toast("")


def _invite_lines(ctx: Ctx, found: list[tuple[Invite, Branch | None]]) -> list[Html]:
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
    return lines


def _paged(
    ctx: Ctx, head: Html, body: list[Html], data: str, page: int
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """One page of a list under its head line, with ‹ p/n › (`data:<page>`) when several."""
    pages = paginate(body, PAGE_CHARS - len(head))
    page = min(max(page, 1), len(pages))
    text = join([head, *(Html(x) for x in pages[page - 1])])
    row = page_row(data, page, len(pages))
    return text, buttons(row) if row else None


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
    elif (await tree_service.place_of_chat(env_of(context), new)).focus is not None:
        await set_general_group_menu(context.bot, new)  # a 总支's group keeps its menu


# ------------------------------------------------------------------ /status


async def status_command(ctx: Ctx) -> None:
    target = status.status_target(ctx.actor, args_text(ctx), current_month(ctx.env, ctx.now))
    if isinstance(target, str):
        # A field of the report form (`/status 主题党日`) before a branch's name.
        await form_status.field_or_branch(ctx, target, _branch_status)
        return
    summary = await status.month_status(ctx.env, ctx.actor, target.month, ctx.now)
    groups = await grouping.status_groups(ctx.env, summary)  # None: no 总支, as before
    if ctx.chat_kind != PRIVATE:
        await ctx.reply(*render_group_summary(ctx, summary, target.only, groups))
        return
    await ctx.reply(*render_summary(ctx, summary, target.only, 1, groups))


async def status_page(ctx: Ctx, args: list[str]) -> None:
    """`stp:<month>:<filter>:<page>`: another page or filter of /status, in place."""
    page = int_arg(args, 2)
    if len(args) != 3 or page is None:
        raise UserError("bad_button")
    month = status.button_month(ctx.actor, args[0], current_month(ctx.env, ctx.now))
    only = status.parse_only(args[1])
    summary = await status.month_status(ctx.env, ctx.actor, month, ctx.now)
    groups = await grouping.status_groups(ctx.env, summary)
    if ctx.chat_kind != PRIVATE:
        await ctx.edit(*render_group_summary(ctx, summary, only, groups))
    else:
        await ctx.edit(*render_summary(ctx, summary, only, page, groups))
    await ctx.toast("")


def _summary_head(ctx: Ctx, s: MonthSummary, only: Only) -> list[Html]:
    nominal = s.nominal_due
    moved = (
        ctx.t("status_moved", nominal=date_label(ctx.lang, nominal)) if nominal != s.due_on else ""
    )
    lines = [
        ctx.t(
            "status_head",
            org=s.scope.general.name if s.scope.general else ctx.env.cfg.org_name,
            month=month_label(ctx.lang, s.month),
            due=date_label(ctx.lang, s.due_on, weekday=True),
            moved=moved,
        )
    ]
    if not s.lines:
        return lines
    lines.append(
        ctx.t(
            "status_totals",
            expected=s.expected,
            on_time=len(s.having(State.ON_TIME)),
            late=len(s.having(State.LATE)),
            missing=len(s.todo),
            exempt=len(s.having(State.EXEMPT)),
            no_secretary=len(s.without_secretary),
            missing_label=_todo_label(ctx, s),
        )
    )
    if only is not Only.ALL:
        what = _todo_label(ctx, s) if only is Only.TODO else ctx.t(f"status_only_{only.value}")
        lines.append(ctx.t("status_only", what=what, count=len(s.only(only))))
    return lines


def _todo_label(ctx: Ctx, s: MonthSummary) -> Html:
    return ctx.t("status_missing_label_overdue" if s.overdue else "status_missing_label_waiting")


def _empty(ctx: Ctx, s: MonthSummary) -> Html:
    now_month = current_month(ctx.env, ctx.now)
    return ctx.t("status_empty" if s.month == now_month else "status_empty_past")


def _branch_line(ctx: Ctx, ln: status.Line, no_secretary: set[int]) -> Html:
    at = time_label(ctx.lang, ln.report.submitted_at, ctx.env.cfg.tz) if ln.report else ""
    reason = ln.exemption.reason if ln.exemption else ""
    text = ctx.t(STATUS_ICON[ln.state], name=ln.branch.name, at=at, reason=reason)
    if ln.branch.id in no_secretary:
        text = Html(text + ctx.t("status_no_secretary"))
    if ln.unreachable:
        text = Html(
            text
            + ctx.t(
                "status_unreachable",
                names=names_list(ctx.lang, [u.display_name for u in ln.unreachable], 5),
            )
        )
    return text


def _action_row(ctx: Ctx, s: MonthSummary, only: Only) -> list[tuple[str, str]]:
    """Under every /status: only the missing ones, everything again, remind them."""
    row: list[tuple[str, str]] = []
    todo = len(s.todo)
    if todo and only is not Only.TODO:
        row.append(
            (
                ctx.t("btn_status_todo", what=_todo_label(ctx, s), count=todo),
                f"stp:{s.month}:todo:1",
            )
        )
    if only is not Only.ALL:
        row.append((ctx.t("btn_status_all"), f"stp:{s.month}:all:1"))
    if todo and s.month == current_month(ctx.env, ctx.now):
        row.append((ctx.t("btn_status_remind", count=todo), f"rmdask:{s.month}"))
    return row


def render_summary(
    ctx: Ctx,
    s: MonthSummary,
    only: Only = Only.ALL,
    page: int = 1,
    groups: grouping.MonthGroups | None = None,
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """One page of /status in private chat: the counts, then ~30 branches, ‹ p/n ›.
    With 总支 (`groups`): the counts per 总支 too, and the branches under their 总支."""
    head = _summary_head(ctx, s, only)
    if not s.lines:
        return join([*head, _empty(ctx, s)]), None
    no_secretary = {ln.branch.id for ln in s.without_secretary}
    body: list[str] = [_branch_line(ctx, ln, no_secretary) for ln in s.only(only)]
    if groups is not None:  # per-总支 totals lead the first page, then the lists by 总支
        body = [
            *grouped.totals_lines(ctx, groups, _todo_label(ctx, s)),
            "",
            *grouped.body_lines(ctx, groups, s, only, lambda x: _branch_line(ctx, x, no_secretary)),
        ]
    if s.failures and only is Only.ALL:
        people = {u.user_id: u.display_name for ln in s.lines for u in ln.view.reporters}
        body.append("")
        body.append(ctx.t("status_failures", count=len(s.failures)))
        for f in s.failures[:20]:
            to = people.get(f.recipient_id or 0, str(f.chat_id))
            body.append(ctx.t("status_failure_line", to=to, reason=(f.error or "")[:200]))
    pages = paginate(body, PAGE_CHARS - len(join(head)))
    page = min(max(page, 1), len(pages))
    text = join([*head, Html(""), *(Html(x) for x in pages[page - 1])])
    rows = [
        r
        for r in (
            page_row(f"stp:{s.month}:{only.value}", page, len(pages)),
            _action_row(ctx, s, only),
        )
        if r
    ]
    return text, buttons(*rows) if rows else None


def render_group_summary(
    ctx: Ctx, s: MonthSummary, only: Only = Only.ALL, groups: grouping.MonthGroups | None = None
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """/status in a group: the counts and the branches still to report, one screen at most,
    and a button for the full list in private chat."""
    head = _summary_head(ctx, s, only)
    if not s.lines:
        return join([*head, _empty(ctx, s)]), None
    shown = s.todo if only is Only.ALL else s.only(only)
    no_secretary = {ln.branch.id for ln in s.without_secretary}
    lines = [_branch_line(ctx, ln, no_secretary) for ln in shown[:GROUP_BRANCHES]]
    if len(shown) > GROUP_BRANCHES:
        lines.append(ctx.t("group_more_branches", count=len(shown) - GROUP_BRANCHES))
    if groups is not None:  # one line per 总支 instead of one per 支部
        used = join([*head, Html("")])
        lines = grouped.screen_lines(ctx, groups, s, only, len(used), used.count("\n") + 1)
    full = f"pm:status:{s.month}" + ("" if only is Only.ALL else f":{only.value}")
    rows: list[list[tuple[str, str]]] = [
        _action_row(ctx, s, only),
        [(ctx.t("btn_full_private"), full)],
    ]
    text = join([*head, Html(""), *lines]) if lines else join(head)
    return text, buttons(*[r for r in rows if r])


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
