"""/start, /help, /lang, /cancel, and what to do with unknown commands."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.commands import help_sections
from bot.i18n import CATALOGS, join, t
from bot.models import InviteRole
from bot.services import onboarding, reports
from bot.services.base import UserError, set_language
from handlers.common import Ctx, audiences_of, buttons, make_ctx
from handlers.menus import refresh_user_menu

LANGUAGE_LABELS = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "en": "English"}


async def start(ctx: Ctx) -> None:
    token = ctx.args[0] if ctx.args else ""
    if token and ctx.chat_kind == "private":
        joined = await onboarding.redeem(ctx.env, ctx.actor, token, ctx.now)
        await refresh_user_menu(ctx.context.bot, ctx.env, ctx.actor.user_id)
        lang = ctx.lang
        if joined.role is InviteRole.COORDINATOR:
            key = "joined_coordinator_already" if joined.already else "joined_coordinator"
            await ctx.reply(t(lang, key))
            return
        assert joined.branch is not None
        role = t(lang, f"role_{joined.role.value}")
        if joined.already:
            await ctx.reply(t(lang, "joined_already", branch=joined.branch.name, role=role))
        elif joined.replaced is not None:
            await ctx.reply(
                t(
                    lang,
                    "joined_member_handover",
                    branch=joined.branch.name,
                    role=role,
                    old=joined.replaced.display_name,
                )
            )
        else:
            await ctx.reply(t(lang, "joined_member", branch=joined.branch.name, role=role))
        return
    await ctx.reply(welcome(ctx))


def welcome(ctx: Ctx) -> str:
    actor, org = ctx.actor, ctx.env.cfg.org_name
    role = ctx.t(f"role_{actor.role.value}")
    if actor.coordinates:
        return ctx.t("start_coordinator", name=actor.user.display_name, org=org, role=role)
    if actor.memberships:
        names = "、".join(m.branch.name for m in actor.memberships)
        member_role = ctx.t(f"role_{actor.memberships[0].role.value}")
        return ctx.t("start_member", name=actor.user.display_name, branches=names, role=member_role)
    return ctx.t("start_stranger", org=org)


async def help_command(ctx: Ctx) -> None:
    """The help sections of the commands meant for the caller (see `bot.commands`)."""
    actor = ctx.actor
    role = "general" if actor.leads_general and not actor.coordinates else actor.role.value
    parts = [ctx.t("help_head", role=ctx.t(f"role_{role}"))]
    parts += [ctx.t(key) for key in help_sections(audiences_of(ctx.actor))]
    await ctx.reply(join(parts, "\n\n"))


async def lang(ctx: Ctx) -> None:
    rows = [[(label, f"lang:{code}")] for code, label in LANGUAGE_LABELS.items()]
    await ctx.reply(ctx.t("lang_choose"), buttons(*rows))


async def lang_chosen(ctx: Ctx, args: list[str]) -> None:
    code = args[0] if args else ""
    if code not in CATALOGS:
        raise UserError("bad_button")
    ctx.actor = await set_language(ctx.env, ctx.actor, code)
    await ctx.toast(ctx.t("lang_set"))
    await ctx.reply(ctx.t("lang_set"))
    await refresh_user_menu(ctx.context.bot, ctx.env, ctx.actor.user_id)


async def cancel(ctx: Ctx) -> None:
    had = await reports.cancel(ctx.env, ctx.actor)
    await ctx.reply(ctx.t("cancel_done" if had else "cancel_nothing"))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Unknown commands get an answer in private; in groups they may be for other bots."""
    ctx = await make_ctx(update, context)
    message = update.effective_message
    if ctx is None or message is None or ctx.chat_kind != "private":
        return
    command = (message.text or "").split()[0].split("@")[0][:32]
    await ctx.reply(ctx.t("unknown_command", command=command))
