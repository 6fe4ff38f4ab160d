"""The tree of units (docs/tree.md): /addbranch with a parent or a kind, /movebranch,
/branches drawn as a tree, /bindgroup of a 总支's own group."""

from __future__ import annotations

from bot.commands import PRIVATE
from bot.i18n import Html, esc, join
from bot.models import User
from bot.services import onboarding
from bot.services import tree as tree_service
from bot.services.base import Scope, UserError
from bot.services.fmt import names_list
from handlers.common import Ctx, args_text, buttons, int_arg
from handlers.coordination import _paged, _text_after_command
from handlers.menus import refresh_group_menu, set_general_group_menu

INDENT = "　　"  # one full-width double space per level: reads as a tree in any font


async def addbranch(ctx: Ctx) -> None:
    """`/addbranch 名称…` with `上级=总支名`, `类型=总支`, `报送=否`: add each name, say which
    existed, warn of look-alikes, offer the invite links of units without a secretary."""
    done = await tree_service.add_units(ctx.env, ctx.actor, _text_after_command(ctx), ctx.now)
    lines: list[Html] = []
    if done.added and done.added[0].is_general and len(done.added) == 1:
        unit = done.added[0]
        gathers = "" if unit.reports else ctx.t("tree_gathers_only")
        lines.append(ctx.t("tree_general_added", name=unit.name, gathers=gathers))
    elif done.added and done.parent is not None:
        names = names_list(ctx.lang, [b.name for b in done.added], 50)
        lines.append(ctx.t("tree_added_under", parent=done.parent.name, names=names))
    elif len(done.added) == 1 and not done.existed:
        lines.append(ctx.t("branch_added", name=done.added[0].name))
    elif done.added:
        names = names_list(ctx.lang, [b.name for b in done.added], 50)
        lines.append(ctx.t("branches_added", count=len(done.added), names=names))
    if done.elsewhere and done.parent is not None:  # /addbranch does not move: say how
        names = names_list(ctx.lang, done.elsewhere, 20)
        hint = ctx.t(
            "tree_existed_not_moved", names=names, name=done.elsewhere[0], parent=done.parent.name
        )
        if not done.added:
            await ctx.reply(hint)
            return
        lines.append(hint)
    if done.existed and not done.added and len(done.existed) == 1:
        raise UserError("branch_exists", name=done.existed[0])
    if done.existed:
        lines.append(ctx.t("branches_existed", names=names_list(ctx.lang, done.existed, 50)))
    lines += [ctx.t("branch_near_duplicate", name=new, other=old) for new, old in done.near[:10]]
    missing = await onboarding.without_secretary(ctx.env, ctx.actor)
    markup = buttons([(ctx.t("btn_invite_all", count=missing), "inva")]) if missing else None
    await ctx.reply(join(lines), markup)


async def movebranch(ctx: Ctx) -> None:
    moved = await tree_service.move_unit(ctx.env, ctx.actor, ctx.args, ctx.now)
    committee = ctx.t("tree_committee")
    before = Html(esc(moved.before.name)) if moved.before else committee
    after = Html(esc(moved.after.name)) if moved.after else committee
    if (moved.before and moved.before.id) == (moved.after and moved.after.id):
        await ctx.reply(ctx.t("tree_moved_same", name=moved.unit.name, after=after))
        return
    await ctx.reply(ctx.t("tree_moved", name=moved.unit.name, before=before, after=after))


async def branches(ctx: Ctx) -> None:
    """The tree, one unit a line, indented under its 总支; paged in private, one screen in a
    group. A 总支 secretary sees their 总支 and its units only."""
    scope, rows = await tree_service.tree_rows(ctx.env, ctx.actor)
    if not rows:
        await ctx.reply(ctx.t("branches_empty"))
        return
    head, *body = _tree_lines(ctx, scope, rows)
    if ctx.chat_kind != PRIVATE:  # one screen, then the private-chat button
        await ctx.reply(join([head, *body]))
        return
    await ctx.reply(*_paged(ctx, head, body, "brp", 1))


async def branches_page(ctx: Ctx, args: list[str]) -> None:
    """`brp:<page>`: another page of /branches, in place."""
    page = int_arg(args)
    if len(args) != 1 or page is None:
        raise UserError("bad_button")
    scope, rows = await tree_service.tree_rows(ctx.env, ctx.actor)
    if not rows:
        raise UserError("stale_button")
    head, *body = _tree_lines(ctx, scope, rows)
    text, markup = _paged(ctx, head, body, "brp", page)
    await ctx.edit(text, markup)
    await ctx.toast("")


def _tree_lines(ctx: Ctx, scope: Scope, rows: list[tree_service.TreeRow]) -> list[Html]:
    generals = sum(1 for r in rows if r.view.branch.is_general)
    org = scope.general.name if scope.general is not None else ctx.env.cfg.org_name
    lines = [ctx.t("tree_head", org=org, generals=generals, units=len(rows) - generals)]
    for i, row in enumerate(rows, 1):
        b = row.view.branch
        deputy = row.view.deputy
        lines.append(
            ctx.t(
                "tree_line",
                indent=INDENT * (row.depth - 1),
                n=i,
                mark=ctx.t("tree_mark_general") if b.is_general else "",
                name=b.name,
                gathers="" if b.reports else ctx.t("tree_mark_gathers"),
                secretary=_person(ctx, row.view.secretary),
                deputy=ctx.t("branches_deputy", name=_person(ctx, deputy)) if deputy else "",
            )
        )
    return lines


def _person(ctx: Ctx, user: User | None) -> Html:
    if user is None:
        return ctx.t("branches_none_person")
    mark = ctx.t("branches_unreachable") if not user.reachable else ""
    return Html(esc(user.display_name) + mark)


async def bindgroup(ctx: Ctx) -> None:
    """`/bindgroup` in a group: an admin's makes it the committee's group (as before); a
    总支 secretary's (or `/bindgroup 总支名`) makes it that 总支's own group."""
    chat = ctx.update.effective_chat
    title = chat.title if chat and chat.title else ""
    general = await tree_service.bind_general_group(
        ctx.env, ctx.actor, ctx.chat_id, title, args_text(ctx), ctx.now
    )
    if general is None:
        await onboarding.bind_group(ctx.env, ctx.actor, ctx.chat_id, title, ctx.now)
        await refresh_group_menu(ctx.context.bot, ctx.env)
        await ctx.reply(ctx.t("bindgroup_done", org=ctx.env.cfg.org_name))
        return
    await set_general_group_menu(ctx.context.bot, ctx.chat_id)
    await ctx.reply(ctx.t("bindgroup_general_done", name=general.name))
