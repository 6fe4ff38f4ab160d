"""Delivery: drain the outbox to Telegram and record every outcome.

The outbox is the only way scheduled messages leave: each row is claimed
(leased) before sending, and then marked sent with Telegram's message id,
retried later (flood control, network trouble), or failed with a reason.
Nothing is dropped silently; failures show in /status and /branches.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.calendar import Month
from bot.models import OutboxItem
from bot.ratelimit import bulk
from bot.services import onboarding
from bot.services.base import Env, UserError
from bot.services.files import CHART_KIND, FILE_KINDS
from storage import circulars, outbox, people, reports

log = logging.getLogger(__name__)


class _OutboxRetriesFloodControl(logging.Filter):
    """PTB's rate limiter logs a 429 it gives up on as an ERROR with a traceback,
    then raises it. The outbox catches it and reschedules the message (one
    WARNING line, `_deliver_one`); a direct answer to a user that hits it
    reaches the error handler, which logs it. Either way PTB's line is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum")


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_OutboxRetriesFloodControl())

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
BATCH = 200
# Chats are served in parallel, each chat's messages in order (a circular's parts).
PARALLEL_CHATS = 8


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped at 30 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts, 0), 1800))


@dataclass
class Drained:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    expired: int = 0


async def deliver_due(
    env: Env,
    bot: Bot,
    now: datetime,
    clock: Callable[[], datetime] | None = None,
    *,
    owner: str | None = None,
    stopping: Callable[[], bool] | None = None,
) -> Drained:
    """Send every outbox message due by `now`; loop until none is left due.

    With a `clock`, each batch asks it for the time, so a drain that runs for
    minutes also picks up retries and messages queued meanwhile, and leases
    are measured from the real moment of claiming. Claims are made in the
    name of `owner` (the process). When `stopping()` says so, no further
    batch is claimed (what is claimed and unsent is taken over at the next start).
    A message whose window has passed is recorded as expired, never sent.
    """
    total = Drained()
    while True:
        if stopping is not None and stopping():
            return total
        if clock is not None:
            now = clock()
        async with env.db.transaction() as tx:
            stale = await outbox.expire_stale(tx, now)
            items = await outbox.claim_due(tx, now, now + LEASE, BATCH, owner)
        if stale:
            log.info("outbox: %d stale message(s) expired unsent", stale)
            total.expired += stale
        if not items:
            return total
        by_chat: dict[int, list[OutboxItem]] = defaultdict(list)
        for item in items:
            by_chat[item.chat_id].append(item)
        gate = asyncio.Semaphore(PARALLEL_CHATS)
        await asyncio.gather(
            *(
                _deliver_chat(env, bot, chat_items, gate, now, clock, total, stopping)
                for chat_items in by_chat.values()
            )
        )


async def next_due(env: Env) -> datetime | None:
    """When the earliest pending message (a retry, typically) comes due."""
    async with env.db.reading() as tx:
        return await outbox.next_outbox_time(tx)


async def _deliver_chat(
    env: Env,
    bot: Bot,
    items: list[OutboxItem],
    gate: asyncio.Semaphore,
    now: datetime,
    clock: Callable[[], datetime] | None,
    total: Drained,
    stopping: Callable[[], bool] | None,
) -> None:
    async with gate:
        for item in items:
            if stopping is not None and stopping():
                return  # left claimed: the next process takes it over at start-up
            await _deliver_one(env, bot, item, clock() if clock else now, total)


async def _deliver_one(env: Env, bot: Bot, item: OutboxItem, now: datetime, total: Drained) -> None:
    if item.expired(now):  # its window closed while the batch was being sent
        log.info("outbox %s expired unsent (valid until %s)", item.dedupe_key, item.valid_until)
        async with env.db.transaction() as tx:
            await outbox.mark_expired(tx, item)
        total.expired += 1
        return
    chat_id = item.chat_id
    for _hop in range(2):  # at most one hop for a migrated chat
        try:
            markup = (
                InlineKeyboardMarkup.de_json(json.loads(item.reply_markup), bot)
                if item.reply_markup
                else None
            )
            if item.kind in FILE_KINDS:
                message = await _send_file(env, bot, chat_id, item, now)
            else:
                message = await bot.send_message(
                    chat_id=chat_id,
                    text=item.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    disable_web_page_preview=True,
                    # Everything from the outbox is bulk: paced under the ceiling, and
                    # behind any direct reply to a person (bot/ratelimit.py).
                    **bulk(bot),
                )
        except UserError as exc:  # the file could not be rendered (no circular stored)
            await _fail(env, item, f"records: {exc.key}", total, unreachable=False)
            return
        except ChatMigrated as exc:
            new_id = int(exc.new_chat_id)
            await onboarding.chat_migrated(env, chat_id, new_id, now)
            log.info("chat %s migrated to %s; resending", chat_id, new_id)
            chat_id = new_id
            continue
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            log.warning(
                "outbox %s to %s: flood control, retrying in %gs",
                item.dedupe_key,
                chat_id,
                seconds,
            )
            await _retry(
                env,
                item,
                f"flood control: retry after {seconds:g}s",
                now + timedelta(seconds=seconds),
                total,
            )
            return
        except Forbidden as exc:
            await _fail(env, item, exc.message, total, unreachable=True)
            return
        except BadRequest as exc:
            unreachable = "chat not found" in exc.message.lower()
            await _fail(env, item, f"Bad request: {exc.message}", total, unreachable=unreachable)
            return
        except (NetworkError, TimeoutError) as exc:  # TimedOut is a NetworkError
            if item.attempts + 1 >= MAX_ATTEMPTS:
                await _fail(env, item, f"network: {exc}", total, unreachable=False)
            else:
                await _retry(env, item, f"network: {exc}", now + backoff(item.attempts), total)
            return
        except TelegramError as exc:
            await _fail(env, item, f"telegram: {exc}", total, unreachable=False)
            return
        except Exception as exc:  # a render bug must not leave the row leased forever
            log.exception("outbox %s: unexpected error", item.dedupe_key)
            await _fail(
                env, item, f"internal: {type(exc).__name__}: {exc}", total, unreachable=False
            )
            return
        await _sent(env, item, chat_id, message.message_id, now)
        total.sent += 1
        return
    await _fail(env, item, "chat migrated more than once", total, unreachable=False)


async def _send_file(env: Env, bot: Bot, chat_id: int, item: OutboxItem, now: datetime) -> Message:
    """The circular's chart or Word document, rendered from the stored circular."""
    from bot.records import publish  # matplotlib loads slowly; only file sends need it

    month = Month.parse(item.month or "")
    if item.kind == CHART_KIND:
        chart = await publish.circular_chart(env, month, now)
        return await bot.send_photo(
            chat_id=chat_id,
            photo=InputFile(io.BytesIO(chart.data), filename=chart.name),
            caption=item.text,
            parse_mode=ParseMode.HTML,
            **bulk(bot),
        )
    doc = await publish.circular_document(env, month)
    return await bot.send_document(
        chat_id=chat_id,
        document=InputFile(io.BytesIO(doc.data), filename=doc.name),
        caption=item.text,
        parse_mode=ParseMode.HTML,
        **bulk(bot),
    )


async def _sent(env: Env, item: OutboxItem, chat_id: int, message_id: int, now: datetime) -> None:
    async with env.db.transaction() as tx:
        await outbox.mark_sent(tx, item.id, message_id, now)
        if (
            item.branch_id is not None
            and item.month
            and item.kind in {"remind", "overdue", "nudge"}
        ):
            # A reply to this message is a report for its branch and month.
            await reports.add_prompt(tx, chat_id, message_id, item.branch_id, item.month)
        if item.kind == "circular" and item.month:
            await circulars.mark_circular_posted(tx, item.month, message_id, now)


async def _retry(env: Env, item: OutboxItem, reason: str, at: datetime, total: Drained) -> None:
    async with env.db.transaction() as tx:
        await outbox.retry_later(tx, item.id, reason, at)
    total.retried += 1


async def _fail(
    env: Env, item: OutboxItem, reason: str, total: Drained, *, unreachable: bool
) -> None:
    log.warning("outbox %s to %s failed: %s", item.dedupe_key, item.chat_id, reason)
    async with env.db.transaction() as tx:
        await outbox.mark_failed(tx, item.id, reason)
        if unreachable and item.recipient_id is not None:
            await people.set_reachable(tx, item.recipient_id, False, reason)
    total.failed += 1
