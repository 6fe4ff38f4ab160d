"""zhibu's rate limiter: bulk sends paced under Telegram's ceiling, replies first.

Every request that names a ``chat_id`` takes a *slot* at the global gate. Slots are
spaced ``1/rate`` apart in all, and bulk sends (marked ``rate_limit_args={"bulk": True}``,
see :func:`bulk`) are further spaced ``1/(bulk_share * rate)`` apart, so a fan-out
leaves headroom for replies. Unmarked requests are interactive: at the gate they go
before every queued bulk send. Sends into a group (``chat_id < 0`` or ``@name``) are
also paced per group, ``group_per_minute`` a minute, without slowing other chats.

A 429 (``RetryAfter``) pauses everything behind it for exactly ``retry_after``; the
pause is waited out *before* a slot is taken, so sends resume at the paced rate, not
as a burst. A 429 for a group pauses that group only. Up to ``max_retries`` 429s are
waited out in place (the retry goes first); the next one is raised to the caller.
Requests without a ``chat_id`` (answering a callback query, getMe, ...) are not paced,
but they too wait out a global pause.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypedDict

from telegram import Bot
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter, ExtBot

log = logging.getLogger(__name__)

# Telegram's free limits; a bot may pay (allow_paid_broadcast) for up to 1,000/s.
FREE_MESSAGES_PER_SECOND = float(FloodLimit.MESSAGES_PER_SECOND)  # 30
GROUP_MESSAGES_PER_MINUTE = float(FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP)  # 20
# Group states kept before idle ones are dropped.
MAX_IDLE_GROUPS = 512

Result = bool | dict[str, Any] | list[dict[str, Any]]


class RateLimitArgs(TypedDict, total=False):
    """What a caller may pass as ``rate_limit_args`` to a bot method."""

    bulk: bool  # a fan-out send: paced under the ceiling, after every interactive one
    max_retries: int  # overrides the limiter's max_retries for this request


BULK: RateLimitArgs = {"bulk": True}


def bulk(bot: Bot) -> dict[str, Any]:
    """Keyword arguments that mark a send as bulk::

        await bot.send_message(chat_id=..., text=..., **bulk(bot))

    Empty when the bot has no rate limiter (tests build such bots), because PTB
    rejects ``rate_limit_args`` then.
    """
    if isinstance(bot, ExtBot) and bot.rate_limiter is not None:
        return {"rate_limit_args": BULK}
    return {}


def warn_if_paid_rate(rate: float) -> bool:
    """Log one WARNING when the configured rate is above Telegram's free 30/s; call at start-up.

    Returns whether it warned.
    """
    if rate <= FREE_MESSAGES_PER_SECOND:
        return False
    log.warning(
        "rate limit %g messages/s is above Telegram's free %g/s: sends beyond that are "
        "answered 429 unless they are paid broadcasts (allow_paid_broadcast, billed in Stars)",
        rate,
        FREE_MESSAGES_PER_SECOND,
    )
    return True


def retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


# Who goes first at a gate: a retry (waited out in place), then replies, then bulk.
RETRY, INTERACTIVE, BULK_SEND = 0, 1, 2


class _Gate:
    """A lock whose waiters are let in by priority (RETRY, INTERACTIVE, BULK_SEND),
    each priority in order of arrival. The holder waits for its moment while holding
    it, and steps aside (:meth:`defer`) when someone more urgent arrives meanwhile.
    """

    def __init__(self) -> None:
        self._held = False
        self._queues: tuple[deque[asyncio.Future[None]], ...] = (deque(), deque(), deque())

    @property
    def idle(self) -> bool:
        return not self._held and not any(self._queues)

    @asynccontextmanager
    async def turn(self, priority: int) -> AsyncIterator[None]:
        if self.idle:
            self._held = True
        else:
            await self._wait(priority, front=False)
        try:
            yield
        finally:
            self._release()

    async def defer(self, priority: int) -> bool:
        """The holder, at `priority`: if anyone more urgent waits, let them go first and
        take the turn back after them, ahead of the others at `priority`.
        Returns whether it stepped aside."""
        if not any(self._queues[:priority]):
            return False
        await self._wait(priority, front=True, release=True)
        return True

    async def _wait(self, priority: int, *, front: bool, release: bool = False) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._queues[priority]
        if front:
            queue.appendleft(waiter)
        else:
            queue.append(waiter)
        if release:
            self._release()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # the turn was handed to us just as we were cancelled
            elif waiter in queue:  # (a release may have dropped it already)
                queue.remove(waiter)
            raise

    def _release(self) -> None:
        for queue in self._queues:
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # the gate stays held: handed over
                    return
        self._held = False


@dataclass
class _Group:
    gate: _Gate = field(default_factory=_Gate)
    next_send: float = float("-inf")  # pacing: the earliest next departure
    paused_until: float = float("-inf")  # a 429 for this group

    def ready_at(self) -> float:
        return max(self.next_send, self.paused_until)


class ZhibuRateLimiter(BaseRateLimiter[RateLimitArgs]):
    """Paced sends, interactive first, 429 pauses without bursts; see the module docstring.

    ``clock`` (seconds, monotonic) and ``sleep`` are injectable so tests run on a
    fake time source.
    """

    def __init__(
        self,
        rate: float = FREE_MESSAGES_PER_SECOND,
        *,
        bulk_share: float = 0.9,
        group_per_minute: float = GROUP_MESSAGES_PER_MINUTE,
        max_retries: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be positive, not {rate!r}")
        if not 0 < bulk_share <= 1:
            raise ValueError(f"bulk_share must be in (0, 1], not {bulk_share!r}")
        if not group_per_minute > 0:
            raise ValueError(f"group_per_minute must be positive, not {group_per_minute!r}")
        if max_retries < 0:
            raise ValueError(f"max_retries must not be negative, not {max_retries!r}")
        self.rate = rate
        self.interval = 1 / rate
        self.bulk_interval = 1 / (rate * bulk_share)
        self.group_interval = 60 / group_per_minute
        self.max_retries = max_retries
        self._clock = clock
        self._sleep = sleep
        self._gate = _Gate()
        self._next_send = float("-inf")  # the earliest next departure of any paced request
        self._next_bulk = float("-inf")  # ... of a bulk one
        self._paused_until = float("-inf")  # a global 429
        self._groups: dict[int | str, _Group] = {}

    async def initialize(self) -> None:
        """Nothing to set up: waiting happens in the callers' own tasks."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> Result:
        options: RateLimitArgs = rate_limit_args if isinstance(rate_limit_args, dict) else {}
        is_bulk = bool(options.get("bulk", False))
        priority = BULK_SEND if is_bulk else INTERACTIVE
        max_retries = max(0, options.get("max_retries", self.max_retries))
        chat_id = data.get("chat_id")
        group_key = _group_key(chat_id)
        group = self._group(group_key) if group_key is not None else None

        group_turn: AbstractAsyncContextManager[Any] = (
            group.gate.turn(priority) if group is not None else nullcontext()
        )
        async with group_turn:
            for attempt in range(max_retries + 1):
                if group is not None:
                    # The group's turn is held across retries: its messages stay in order.
                    await self._wait_until(group.ready_at)
                    while await group.gate.defer(priority):
                        await self._wait_until(group.ready_at)
                if chat_id is None:
                    await self._wait_until(lambda: self._paused_until)
                else:
                    await self._take_slot(is_bulk, RETRY if attempt else priority)
                if group is not None:
                    group.next_send = self._clock() + self.group_interval
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    seconds = retry_seconds(exc)
                    until = self._clock() + seconds
                    if group is not None:
                        group.paused_until = max(group.paused_until, until)
                    else:
                        self._paused_until = max(self._paused_until, until)
                    where = f"chat {chat_id}" if group is not None else "all chats"
                    if attempt == max_retries:
                        # INFO: the caller decides; the outbox logs its retry as one WARNING.
                        log.info(
                            "%s: 429 after %d retries; %s paused %gs, raised to the caller",
                            endpoint,
                            max_retries,
                            where,
                            seconds,
                        )
                        raise
                    log.info("%s: 429; %s paused %gs, then retried", endpoint, where, seconds)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _take_slot(self, is_bulk: bool, priority: int) -> None:
        """Wait at the gate, then out any pause, then for the paced slot; depart."""
        async with self._gate.turn(priority):
            while True:
                target = await self._wait_until(
                    lambda: max(
                        self._next_send,
                        self._paused_until,
                        self._next_bulk if is_bulk else float("-inf"),
                    )
                )
                if not await self._gate.defer(priority):
                    break
            self._next_send = self._clock() + self.interval
            if is_bulk:
                # From the slot aimed at, so a late wake-up does not slow the pace; never
                # closer than the overall interval.
                self._next_bulk = max(target + self.bulk_interval, self._next_send)

    async def _wait_until(self, moment: Callable[[], float]) -> float:
        """Sleep until `moment()`, re-read after each sleep (a 429 may push it later).

        Returns the moment aimed at: no earlier than the call, so a slot left unused
        while idle is not made up for later.
        """
        start = self._clock()
        while True:
            target = moment()
            delay = target - self._clock()
            if delay <= 0:
                return max(target, start)
            await self._sleep(delay)

    def _group(self, key: int | str) -> _Group:
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) >= MAX_IDLE_GROUPS:
                now = self._clock()
                for old, state in list(self._groups.items()):
                    if state.gate.idle and state.ready_at() <= now:
                        del self._groups[old]
            group = self._groups[key] = _Group()
        return group


def _group_key(chat_id: object) -> int | str | None:
    """Groups and channels: a negative id or an @username (which only they have)."""
    if chat_id is None:
        return None
    try:
        number = int(str(chat_id))
    except ValueError:
        return str(chat_id)
    return number if number < 0 else None
