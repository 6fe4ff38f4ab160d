"""Command menus per scope: what each kind of user sees when typing '/'."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.commands import Command, Menu, audiences, for_menu
from bot.i18n import t
from bot.services.base import Env, actor_of, get_coordination_chat

log = logging.getLogger(__name__)

# Telegram picks a menu by the user's app language; "zh" covers both scripts.
MENU_LANGUAGES = {None: "zh-Hans", "en": "en"}


def _commands(specs: list[Command], lang: str) -> list[BotCommand]:
    return [BotCommand(c.name, t(lang, c.description_key)) for c in specs]


async def _set(bot: Bot, specs: list[Command], scope: BotCommandScope) -> None:
    for code, lang in MENU_LANGUAGES.items():
        try:
            await bot.set_my_commands(_commands(specs, lang), scope=scope, language_code=code)
        except TelegramError as exc:  # e.g. a user who never opened the bot
            log.info("menu for %s not set: %s", scope.type, exc)
            return


async def set_default_menus(bot: Bot, env: Env) -> None:
    await _set(bot, for_menu(Menu.PRIVATE_DEFAULT), BotCommandScopeAllPrivateChats())
    await _set(bot, for_menu(Menu.ALL_GROUPS), BotCommandScopeAllGroupChats())
    await refresh_group_menu(bot, env)
    for admin_id in env.cfg.admin_ids:
        await refresh_user_menu(bot, env, admin_id)


async def refresh_group_menu(bot: Bot, env: Env) -> None:
    chat_id = await get_coordination_chat(env)
    if chat_id is not None:
        await _set(bot, for_menu(Menu.COORDINATION_GROUP), BotCommandScopeChat(chat_id))


async def refresh_user_menu(bot: Bot, env: Env, user_id: int) -> None:
    """A coordinator's (or a 总支书记's) private chat gets the coordinator menu, with the
    commands meant for them; others the default."""
    actor = await actor_of(env, user_id)
    is_admin = env.cfg.is_admin(user_id)
    general = actor is not None and actor.leads_general
    if not is_admin and not general and (actor is None or not actor.coordinates):
        return
    who = audiences(
        member=actor is not None and actor.reports,
        coordinator=is_admin or (actor is not None and actor.coordinates),
        admin=is_admin,
        general=general,
    )
    await _set(bot, for_menu(Menu.COORDINATOR_CHAT, who), BotCommandScopeChat(user_id))


async def set_general_group_menu(bot: Bot, chat_id: int) -> None:
    """A 总支's own group: the coordination group's menu (its commands act for that 总支)."""
    await _set(bot, for_menu(Menu.COORDINATION_GROUP), BotCommandScopeChat(chat_id))
