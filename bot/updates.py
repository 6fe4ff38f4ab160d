"""How updates are run: chats concurrently, each chat's updates strictly in order.

python-telegram-bot runs one update at a time by default, so a reply held back by one
group's 20-per-minute limit held every other chat behind it. `ChatOrderedProcessor`
(`ApplicationBuilder().concurrent_updates(...)`) runs updates of different chats at the
same time — at most `running` handlers at once — and those of one chat one after the
other, in the order Telegram sent them. The key is the effective chat; an update without
one (a button under an inline message) is keyed by its user, whose private chat shares
that id; an update with neither runs on its own.

Order holds because PTB starts one task per update in arrival order, and every wait
before a chat's lock (PTB's semaphore, then the lock itself) is first come, first served.

With a `Ledger` (the inbox, `bot/inbox.py`), an update the ledger knows as handled is
skipped (a redelivery), and every update run is reported done afterwards, with the
exception if its handlers raised past PTB. Both happen in the chat's turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any, Protocol

from telegram import Update
from telegram.ext import BaseUpdateProcessor

RUNNING = 64  # handlers at once
QUEUED = 4096  # updates admitted at once (running or waiting for their chat)


class Ledger(Protocol):
    """Where updates are recorded: has this one been handled, and now it has."""

    async def handled(self, update_id: int) -> bool: ...

    async def done(self, update_id: int, raised: BaseException | None) -> None: ...


def chat_key(update: object) -> int | None:
    """The id whose updates must run in order: the chat, else the user, else none."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Different chats concurrently (bounded), one chat in order."""

    def __init__(
        self, running: int = RUNNING, queued: int = QUEUED, ledger: Ledger | None = None
    ) -> None:
        # PTB's own semaphore bounds the updates admitted; ours bounds those running, so
        # updates waiting for a busy chat never take a running slot from another chat.
        super().__init__(max_concurrent_updates=max(queued, running))
        self._running = asyncio.Semaphore(running)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self.ledger = ledger

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            async with self._running:
                await self.run(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._running:
                await self.run(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else for this chat: forget its lock
                del self._waiting[key], self._locks[key]

    async def run(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run one update's handlers (its chat's turn has come)."""
        if self.ledger is None or not isinstance(update, Update):
            await coroutine
            return
        if await self.ledger.handled(update.update_id):
            if isinstance(coroutine, Coroutine):
                coroutine.close()  # never started: nothing to clean up
            return
        try:
            await coroutine
        except Exception as exc:  # PTB reports handler errors itself; this is past it
            await self.ledger.done(update.update_id, exc)
            raise
        await self.ledger.done(update.update_id, None)
