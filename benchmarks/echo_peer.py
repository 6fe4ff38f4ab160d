"""The peer: a bare python-telegram-bot 22 bot that echoes text, for comparison with zhibu.

Same Application defaults as zhibu (JobQueue on, long polling) and AIORateLimiter at the
same rate: the bare floor, one update at a time, a plain text answer.

With `--shaped` it answers as zhibu acknowledges a report and runs as zhibu runs, with
none of zhibu's own work: the same message (HTML, four buttons under it, no link
preview), chats concurrently in order (`bot.updates.ChatOrderedProcessor`), zhibu's
limiter (`bot.ratelimit`) and HTTP client (`bot.http`). zhibu's figure against this
one is what its own work costs (storage, roles, catalog, signing); against the bare
peer, also what its answer and its concurrency cost in python-telegram-bot and httpx.

Run: python -m benchmarks.echo_peer --base-url http://127.0.0.1:PORT --token 2:PEER
"""

from __future__ import annotations

import argparse

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

RATE_LIMIT = 30.0  # zhibu's default ZHIBU_RATE_LIMIT


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


# zhibu's acknowledgement of a report, as the fake server records it (callback data
# signed alike, so the same bytes go out and come back).
ACK = "✅ 已收到 <b>第1党支部</b> 2026年12月工作情况报告（按时），共128字。"
ACK_BUTTONS = (
    (("✏️ 修改", "z1:rev:1:7Izoq6yc"), ("📄 查看", "z1:view:1:Tk8OuaEe")),
    (("↩️ 撤回", "z1:wd:1:7v4e2bPD"), ("🔀 改支部/月份", "z1:mv:1:ibXKSLdR")),
)


async def acknowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in ACK_BUTTONS]
        )
        await message.reply_text(
            ACK,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            do_quote=False,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="echo bot, the benchmarks' peer")
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", default="2:PEER")
    parser.add_argument("--rate-limit", type=float, default=RATE_LIMIT)
    parser.add_argument("--shaped", action="store_true", help="answer and run as zhibu does")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(args.token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
    )
    if args.shaped:
        from bot.http import CONNECTIONS, BoundedRequest
        from bot.ratelimit import ZhibuRateLimiter
        from bot.updates import ChatOrderedProcessor

        builder = (
            builder.request(BoundedRequest(CONNECTIONS))
            .rate_limiter(ZhibuRateLimiter(args.rate_limit, max_retries=1))
            .concurrent_updates(ChatOrderedProcessor())
        )
    else:
        builder = builder.rate_limiter(
            AIORateLimiter(
                overall_max_rate=1,
                overall_time_period=1 / args.rate_limit,
                group_max_rate=1,
                group_time_period=3,
                max_retries=1,
            )
        )
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, acknowledge if args.shaped else echo))
    app.run_polling(
        allowed_updates=["message", "edited_message", "callback_query", "my_chat_member"]
    )


if __name__ == "__main__":
    main()
