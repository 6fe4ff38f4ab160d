"""The one error handler: log, tell the user something went wrong, tell the admins."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.i18n import t
from handlers.common import env_of

log = logging.getLogger("zhibu.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    log.error("unhandled error", exc_info=error)
    env = env_of(context)
    lang = env.cfg.language
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id, t(lang, "internal_error"), parse_mode="HTML"
            )
        except TelegramError:
            log.info("could not tell the user about the error")
    kind = type(update).__name__ if update is not None else "-"
    if isinstance(update, Update):
        kind = next(
            (
                k
                for k in ("message", "callback_query", "edited_message", "my_chat_member")
                if getattr(update, k, None) is not None
            ),
            "update",
        )
    summary = f"{type(error).__name__}: {error}"[:500]
    for admin_id in env.cfg.admin_ids:
        try:
            await context.bot.send_message(
                admin_id, t(lang, "error_report_admin", error=summary, kind=kind), parse_mode="HTML"
            )
        except TelegramError:
            log.info("could not notify admin %s", admin_id)
