"""The peer: a bare python-telegram-bot 22 bot that echoes text, for comparison with zhibu.

Same Application defaults as zhibu (JobQueue on, sequential updates, long polling)
and the same AIORateLimiter settings as `bot.app.build_application`, so a
difference in the figures is zhibu's own work.

Run: python -m benchmarks.echo_peer --base-url http://127.0.0.1:PORT --token 2:PEER
"""

from __future__ import annotations

import argparse

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

RATE_LIMIT = 30.0  # zhibu's default ZHIBU_RATE_LIMIT


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def main() -> None:
    parser = argparse.ArgumentParser(description="echo bot, the benchmarks' peer")
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", default="2:PEER")
    parser.add_argument("--rate-limit", type=float, default=RATE_LIMIT)
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    app = (
        ApplicationBuilder()
        .token(args.token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=1,
                overall_time_period=1 / args.rate_limit,
                group_max_rate=1,
                group_time_period=3,
                max_retries=1,
            )
        )
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(
        allowed_updates=["message", "edited_message", "callback_query", "my_chat_member"]
    )


if __name__ == "__main__":
    main()
