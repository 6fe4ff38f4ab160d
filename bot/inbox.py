"""The inbox: every update recorded durably before python-telegram-bot can confirm it.

PTB confirms a batch of updates with its next getUpdates (the offset), which may come
before the batch's handlers have run, so a crash then lost them. Here:

- `InboxRequest` wraps the request object PTB uses for getUpdates (the real
  `HTTPXRequest`, or the Bot API double in tests): a successful response's updates are
  stored (`storage/inbox.py`, INSERT OR IGNORE by update_id) in one transaction before
  the bytes go back to PTB. If they cannot be stored, PTB gets a `NetworkError`, keeps
  its offset and asks again later, so Telegram keeps them.
- `InboxLedger` is the update processor's ledger (`bot/updates.py`): an update whose row
  is `handled` already (Telegram sent it again) is skipped; after its handlers ran the
  row becomes `handled`, with the failure's reason when a handler raised (the error
  handler reports it to the admins as before). An update this process has just stored
  is known to be waiting, so asking whether it was handled reads nothing.
- The mark is written after everything the update's handlers did, writes and answers
  alike, as it always was: a crash before it means the update runs again (the answer
  may come twice, nothing is lost). What is cheaper is the writing: the marks of the
  updates that finish while one mark's transaction waits for the database go into that
  transaction together (one transaction, one statement for them all), and each update
  waits for its own mark to commit before its chat's next update runs.
- `install(app)`: at start-up, after `post_init` and before polling begins, rows still
  `received` (a crash between storing and handling) are queued for the application,
  oldest first, ahead of anything polled; handled rows older than `KEEP` are pruned.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import Application, ContextTypes
from telegram.request import BaseRequest, RequestData

from bot.models import InboxState
from storage import inbox as inbox_store
from storage.db import Database

log = logging.getLogger(__name__)

FRESH_MAX = 100_000  # update ids remembered as just stored (past it, the ledger reads)
KEEP = timedelta(days=3)  # handled rows are kept this long (update ids are not reused sooner)
PRUNE_EVERY = timedelta(hours=1)

Clock = Callable[[], datetime]


def _updates_of(payload: bytes) -> list[tuple[int, str]]:
    """The (update_id, JSON) pairs of a getUpdates answer; none if it is not one."""
    try:
        body = json.loads(payload)
    except ValueError:
        return []  # PTB says what is wrong with it
    result = body.get("result") if isinstance(body, dict) and body.get("ok") else None
    if not isinstance(result, list):
        return []
    return [
        (u["update_id"], json.dumps(u, ensure_ascii=False, separators=(",", ":")))
        for u in result
        if isinstance(u, dict) and isinstance(u.get("update_id"), int)
    ]


class InboxRequest(BaseRequest):
    """PTB's getUpdates request, storing each update before PTB sees it."""

    def __init__(
        self, inner: BaseRequest, db: Database, clock: Clock, fresh: set[int] | None = None
    ) -> None:
        self.inner = inner
        self._db = db
        self._clock = clock
        # The update ids this request stored new (shared with the ledger): waiting for
        # their handlers, so the ledger need not read their state.
        self.fresh: set[int] = set() if fresh is None else fresh

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if code == 200 and url.rsplit("/", 1)[-1] == "getUpdates":
            updates = _updates_of(payload)
            if updates:
                try:
                    # Quick (storage/db.py): at most 100 one-row inserts, every poll.
                    async with self._db.transaction(quick=True) as tx:
                        new = await inbox_store.record_new(tx, updates, self._clock())
                except sqlite3.Error as exc:
                    # Not confirmed: Telegram keeps them and PTB asks again after a pause.
                    raise NetworkError(f"inbox: cannot record updates: {exc}") from exc
                if len(self.fresh) < FRESH_MAX:
                    self.fresh.update(new)
        return code, payload


class InboxLedger:
    """The update processor's ledger on the inbox table."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._failures: dict[int, str] = {}
        self._pruned: datetime | None = None
        self.fresh: set[int] = set()  # filled by the InboxRequest (`request(..., ledger)`)
        self._marks: list[tuple[int, str | None]] = []  # done, waiting for a transaction
        self._batch: asyncio.Future[None] | None = None  # the transaction that takes them

    async def handled(self, update_id: int) -> bool:
        if update_id in self.fresh:
            self.fresh.discard(update_id)  # stored new by this process just now: waiting
            return False
        try:
            async with self._db.reading(quick=True) as tx:
                state = await inbox_store.state(tx, update_id)
        except sqlite3.Error as exc:  # better handled twice than never
            log.warning("inbox: cannot look up update %d: %s", update_id, exc)
            return False
        if state is InboxState.HANDLED:
            log.info("update %d was handled already; skipped", update_id)
        return state is InboxState.HANDLED

    async def done(self, update_id: int, raised: BaseException | None) -> None:
        """Mark it handled; return once the mark is committed (or could not be)."""
        failure = self._failures.pop(update_id, None)
        if raised is not None:
            failure = failure or _reason(raised)
        self._marks.append((update_id, failure))
        if self._batch is not None:  # a transaction waits for the database: it takes ours
            await asyncio.shield(self._batch)
            return
        batch = self._batch = asyncio.get_running_loop().create_future()
        try:
            await self._write_marks()
        finally:
            if self._batch is batch:  # stopped before it took the marks: the next one will
                self._batch = None
            if not batch.done():
                batch.set_result(None)

    async def _write_marks(self) -> None:
        marks: list[tuple[int, str | None]] = []
        try:
            async with self._db.transaction(quick=True) as tx:
                # The database is ours now: every mark made meanwhile goes in; a mark
                # made from here on starts the next transaction.
                marks, self._marks, self._batch = self._marks, [], None
                now = self._clock()
                await inbox_store.mark_many(tx, marks, now)
        except sqlite3.Error as exc:  # they stay 'received' and are handled again at start-up
            log.warning("inbox: cannot mark %d update(s) handled: %s", len(marks), exc)
            return
        if self._pruned is None or now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            try:
                # Not quick: an hour of a busy bot's rows may go at once.
                async with self._db.transaction() as tx:
                    await inbox_store.prune(tx, now - KEEP)
            except sqlite3.Error as exc:  # kept a while longer; the next hour tries again
                log.warning("inbox: cannot prune handled updates: %s", exc)

    async def note_failure(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An error handler: remember why an update's handler failed, for `done`."""
        if isinstance(update, Update) and context.error is not None:
            self._failures[update.update_id] = _reason(context.error)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def request(
    inner: BaseRequest | None, db: Database, clock: Clock, ledger: InboxLedger | None = None
) -> InboxRequest:
    """The getUpdates request: `inner` (the double), or what PTB would have built; with
    `ledger`, the ids it stores new are known to the ledger as waiting."""
    if inner is None:
        from telegram.request import HTTPXRequest

        inner = HTTPXRequest(connection_pool_size=1)  # ApplicationBuilder's default
    return InboxRequest(inner, db, clock, None if ledger is None else ledger.fresh)


async def requeue(app: Application) -> int:  # type: ignore[type-arg]
    """Queue the updates stored but never handled, oldest first; return how many."""
    db: Database = app.bot_data["env"].db
    clock: Clock = app.bot_data["clock"]
    async with db.transaction() as tx:
        await inbox_store.prune(tx, clock() - KEEP)
        waiting = await inbox_store.unhandled(tx)
    for row in waiting:
        try:
            update = Update.de_json(json.loads(row.payload), app.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.error("inbox: update %d cannot be read: %s", row.update_id, exc)
            async with db.transaction() as tx:
                await inbox_store.mark_handled(tx, row.update_id, clock(), _reason(exc))
            continue
        await app.update_queue.put(update)
    if waiting:
        log.warning(
            "inbox: %d update(s) received before a stop and never handled: queued", len(waiting)
        )
    return len(waiting)


def install(app: Application, ledger: InboxLedger) -> None:  # type: ignore[type-arg]
    """Failures are noted for the ledger; at start-up, after `post_init`, what was
    received but never handled is queued before polling begins."""
    app.add_error_handler(ledger.note_failure)
    first = app.post_init

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        if first is not None:
            await first(application)
        await requeue(application)

    app.post_init = post_init
