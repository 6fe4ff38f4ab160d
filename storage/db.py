"""The SQLite connection: WAL, foreign keys, busy timeout, migrations.

One `Database` wraps one aiosqlite connection. Every statement runs under
an asyncio lock, and every write inside `transaction()` (BEGIN IMMEDIATE),
so coroutines sharing the connection never interleave inside a
transaction, and two processes on one file serialise on SQLite's lock.

Statements run in aiosqlite's thread, so a long one never stops the event loop. A
*quick* transaction (`transaction(quick=True)`, `reading(quick=True)`) runs its
statements on the event loop's own thread instead: for the few indexed lookups and
one-row writes every update makes, the trip to the thread and back (a wake-up of each
thread, ~35 µs of CPU on an idle machine and far more in wall time on a busy one, where
the woken thread waits for a core) costs many times the SQL itself (1–20 µs). Three things
keep a quick transaction from ever stopping the loop:
- it never waits for a lock: its BEGIN runs with no busy timeout, and if another
  process holds the database it goes to the thread like any other (`_begin_inline`);
- it never checkpoints: the connection's automatic checkpoint is off and
  `Database` runs one in the thread after every `CHECKPOINT_EVERY` commits;
- it only starts when the thread is idle: every statement of this connection is
  awaited under the lock, and the one sent without a reply (a read's COMMIT,
  `_ReadEnd`) is awaited before a quick transaction begins.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.cache import Kept, table_written

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# Commits between checkpoints (run in the thread). SQLite's own automatic checkpoint, off
# here, runs in whichever commit crosses 1,000 pages of WAL; an update writes a few pages.
CHECKPOINT_EVERY = 200
_T = TypeVar("_T")


def ts(value: datetime) -> str:
    """Serialise an aware datetime as UTC ISO text, which sorts correctly in SQL."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to storage")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def parse_ts_opt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def migrations() -> list[tuple[int, str]]:
    """The numbered migrations shipped in `storage/migrations`, in order."""
    found: list[tuple[int, str]] = []
    for entry in resources.files("storage.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Database:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        # Transactions begun, by kind ("BEGIN", "BEGIN IMMEDIATE"): what benchmarks and
        # tests count (the BEGIN no longer passes through aiosqlite's `execute`).
        self.begun: Counter[str] = Counter()
        self.kept = Kept()  # reads of rarely changed tables (storage/cache.py)
        self._ends = _ReadEnd(conn)  # a read's COMMIT, due (`reading`)
        self.quick = 0  # quick transactions run on the loop's thread (tests, benchmarks)
        self._commits = 0  # since the last checkpoint
        self._checkpoint: asyncio.Task[None] | None = None
        self.checkpoints = 0  # run (tests)

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        # isolation_level=None: we issue BEGIN ourselves, so nothing opens a
        # transaction behind our back.
        # check_same_thread=False: a quick transaction runs its statements on the loop's
        # thread (see the module's docstring); the lock keeps the two threads from ever
        # using the connection at once.
        conn = await aiosqlite.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA wal_autocheckpoint = 0")  # ours: `_committed`
        db = cls(conn)
        await db.migrate()
        return db

    async def checkpointed(self) -> None:
        """Return once the checkpoint under way, if any, has finished."""
        if self._checkpoint is not None:
            await asyncio.shield(self._checkpoint)

    async def close(self) -> None:
        await self.checkpointed()
        self._ends.flush()
        await self._conn.close()

    @property
    def connection(self) -> aiosqlite.Connection:
        """The raw connection (tests, benchmarks): a read's COMMIT still due goes first,
        and nothing kept survives what may be written through it (storage/cache.py)."""
        self._ends.flush()
        self.kept.touch("*")
        return self._conn

    async def migrate(self) -> int:
        """Apply every shipped migration not applied yet, in order; return the newest number.

        Applied migrations are recorded one by one (`schema_migrations`), so a
        migration merged after a higher-numbered one (0005 after 0006) is still
        applied. A database from before that table counts every migration up
        to its `PRAGMA user_version` as applied.
        """
        async with self._lock:
            cur = await self._conn.execute("PRAGMA user_version")
            row = await cur.fetchone()
            version = int(row[0]) if row else 0
            cur = await self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            )
            tracked = await cur.fetchone() is not None
            shipped = migrations()
            if not tracked:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    await self._conn.execute(
                        "CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY)"
                    )
                    await self._conn.executemany(
                        "INSERT INTO schema_migrations(number) VALUES (?)",
                        [(n,) for n, _ in shipped if n <= version],
                    )
                    await self._conn.execute("COMMIT")
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
            cur = await self._conn.execute("SELECT number FROM schema_migrations")
            applied = {int(r[0]) for r in await cur.fetchall()}
            for number, sql in shipped:
                if number in applied:
                    continue
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _split_sql(sql):
                        await self._conn.execute(statement)
                    await self._conn.execute(
                        "INSERT INTO schema_migrations(number) VALUES (?)", (number,)
                    )
                    version = max(version, number)
                    await self._conn.execute(f"PRAGMA user_version = {version}")
                    await self._conn.execute("COMMIT")
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
            self.kept.touch("*")
            return version

    @asynccontextmanager
    async def transaction(self, *, quick: bool = False) -> AsyncIterator[Tx]:
        """A write transaction (BEGIN IMMEDIATE). `quick`: a few indexed statements, run
        on the loop's thread (see the module's docstring)."""
        async with self._lock:
            tx = await self._tx("BEGIN IMMEDIATE", quick)
            try:
                yield tx
            except BaseException:
                if tx.open:
                    await tx.end("ROLLBACK")
                raise
            else:
                if tx.open:
                    await tx.end("COMMIT")
                    self._committed()
            finally:
                tx.ended()

    async def _tx(self, begin: str, quick: bool) -> Tx:
        if quick:
            await self._ends.settled()  # the thread idle: nothing of ours left in it
            self.quick += 1
        return Tx(self._conn, begin, self.begun, self.kept, self._ends, inline=quick)

    def _committed(self) -> None:
        """A write was committed: every `CHECKPOINT_EVERY`, a checkpoint in the thread."""
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY and self._checkpoint is None:
            self._commits = 0
            self._checkpoint = asyncio.get_running_loop().create_task(self._run_checkpoint())

    async def _run_checkpoint(self) -> None:
        try:
            async with self._lock:
                self._ends.flush()
                # PASSIVE: copies what no reader still needs, never waits for anyone. Its
                # row is read to the end: a statement left stepping blocks every COMMIT.
                await self._conn.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
            self.checkpoints += 1
        except (sqlite3.Error, ValueError) as exc:  # ValueError: closed meanwhile
            # Nothing lost: the WAL keeps every commit; the next checkpoint copies it.
            log.warning("checkpoint failed: %s", exc)
        finally:
            self._checkpoint = None

    @asynccontextmanager
    async def reading(self, *, quick: bool = False) -> AsyncIterator[Tx]:
        """A consistent read: a deferred transaction, so a multi-query read sees one snapshot.
        `quick`: a few indexed lookups, run on the loop's thread (the module's docstring).

        Its COMMIT is not waited for when nothing was written (`_ReadEnd`): it travels
        with the connection's next statement, or alone without a reply at the event
        loop's next turn, whichever comes first. Waiting would cost a trip (a future, a
        wake-up of each thread) per read for an answer that cannot matter.
        """
        async with self._lock:
            tx = await self._tx("BEGIN", quick)
            try:
                yield tx
            finally:
                if tx.open:
                    if tx.wrote:
                        await tx.end("COMMIT")
                        self._committed()
                    elif tx.inline:
                        await tx.end("COMMIT")  # on this thread: nothing to save
                    else:
                        self._ends.defer()
                tx.ended()


def _end_read(raw: sqlite3.Connection) -> None:
    """End a read transaction (in aiosqlite's thread). A read-only COMMIT does not fail in
    practice; if it did, ROLLBACK ends the transaction all the same (nothing was
    written), so the next BEGIN still works."""
    if not raw.in_transaction:
        return
    try:
        raw.execute("COMMIT")
    except sqlite3.Error:
        raw.execute("ROLLBACK")


def _retrieved(future: asyncio.Future[None]) -> None:
    """Nobody awaits a read's COMMIT sent alone; if it failed, `_end_read` could not even
    roll back, and the next BEGIN says so (`cannot start a transaction within …`)."""
    if not future.cancelled():
        future.exception()


class _ReadEnd:
    """The COMMIT of a finished read transaction, due but not sent yet.

    The next statement of the connection takes it (`take`) and runs it first, in the
    same trip; if none comes by the event loop's next turn, `flush` queues it alone,
    without a reply (aiosqlite sends none for an item without a future). Either way it
    runs before anything queued after it: one worker thread runs aiosqlite's queue
    first in, first out. So no read transaction stays open past the loop's next turn.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self.due = False
        self._scheduled = False
        self._sent: asyncio.Future[None] | None = None  # the last one queued alone

    def defer(self) -> None:
        self.due = True
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def take(self) -> bool:
        due, self.due = self.due, False
        return due

    def flush(self) -> None:
        self._scheduled = False
        if self.take():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop (closing from outside one): nothing to wait for
                self._conn._tx.put_nowait((None, functools.partial(_end_read, self._conn._conn)))
                return
            # With a future (its reply is not waited for, only looked at by `settled`).
            sent = self._sent = loop.create_future()
            sent.add_done_callback(_retrieved)
            self._conn._tx.put_nowait((sent, functools.partial(_end_read, self._conn._conn)))

    async def settled(self) -> None:
        """Before statements run on the loop's thread: the due COMMIT runs there too (the
        thread has not got it), and one already queued alone has finished in the thread."""
        if self.take():
            _end_read(self._conn._conn)
        sent = self._sent
        if sent is not None and not sent.done():
            await asyncio.shield(sent)


class Tx:
    """The statements of one transaction; only storage modules use it.

    Every call is one trip to aiosqlite's thread, and the transaction's BEGIN travels
    with its first statement: an update's dozen statements add up, and the database
    lock is held for every trip. A transaction that runs no statement costs nothing.
    """

    def __init__(
        self,
        conn: aiosqlite.Connection,
        begin: str | None = None,
        begun: Counter[str] | None = None,
        kept: Kept | None = None,
        ends: _ReadEnd | None = None,
        *,
        inline: bool = False,
    ) -> None:
        self._conn = conn
        self._ends = ends
        self.inline = inline  # statements on the loop's thread (a quick transaction)
        self._begin = begin  # not issued yet
        self._begun = begun
        self._kept = kept if kept is not None else Kept()
        self.open = False  # BEGIN has succeeded: COMMIT or ROLLBACK is due
        self.wrote = False  # a write ran: its COMMIT must be waited for
        self._touched: set[str] = set()  # the tables written (storage/cache.py)

    def _write(self, sql: str) -> None:
        """A write statement is about to run: what it changes is no longer kept."""
        self.wrote = True
        table = table_written(sql)
        self._touched.add(table)
        self._kept.touch(table)

    def ended(self) -> None:
        """Committed or rolled back: reads of the tables it wrote, made meanwhile, go."""
        for table in self._touched:
            self._kept.touch(table)

    async def kept(
        self, key: object, tables: tuple[str, ...], load: Callable[[], Awaitable[_T]]
    ) -> _T:
        """A read of rarely changed `tables`, kept across transactions (storage/cache.py)."""
        return await self._kept.read(key, tables, load, frozenset(self._touched))

    async def end(self, sql: str) -> None:
        """COMMIT or ROLLBACK, where the transaction's statements ran."""
        if self.inline:
            self._conn._conn.execute(sql)
        else:
            await self._conn.execute(sql)

    def _begin_inline(self, raw: sqlite3.Connection, begin: str) -> bool:
        """BEGIN on this thread without waiting for a lock; False when another process
        holds it (the transaction then runs in the thread, which may wait)."""
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            if self._ends is not None:
                self._ends.take()  # nothing due: `Database._tx` settled it
            self._kept.data_version = raw.execute("PRAGMA data_version").fetchone()[0]
            raw.execute(begin)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
            self.inline = False
            return False
        finally:
            raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.open = True
        if self._begun is not None:
            self._begun[begin] += 1
        return True

    async def _call(self, fn: Callable[[sqlite3.Connection, str], _T], sql: str) -> _T:
        """Run `fn(connection, sql)` in aiosqlite's thread, after BEGIN if it is due; in a
        quick transaction, here (see the module's docstring)."""
        raw = self._conn._conn
        if self.inline:
            begin = self._begin
            if begin is None or self._begin_inline(raw, begin):
                self._begin = None
                return fn(raw, sql)
            # Another process writes: this transaction goes to the thread, BEGIN and all.
        begin = self._begin
        end_read = self._ends is not None and self._ends.take()
        if begin is None and not end_read:
            step: Callable[[str], _T] = functools.partial(fn, raw)
        elif begin is None:

            def step(sql: str) -> _T:
                _end_read(raw)  # the last read's COMMIT, in this trip
                return fn(raw, sql)

        else:
            kept = self._kept

            def step(sql: str) -> _T:
                if end_read:
                    _end_read(raw)  # the last read's COMMIT, in this trip
                # Before the snapshot: what another connection committed since the last
                # look (storage/cache.py); in this trip, not one of its own.
                kept.data_version = raw.execute("PRAGMA data_version").fetchone()[0]
                raw.execute(begin)
                self.open = True
                return fn(raw, sql)

            self._begin = None
            if self._begun is not None:
                self._begun[begin] += 1
        # aiosqlite's own entry (what its `execute` calls): one queued call, one trip;
        # the SQL is its argument, as with `execute`, for whoever traces the trips.
        queue: Callable[..., Awaitable[_T]] = self._conn._execute
        return await queue(step, sql)

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        values = tuple(params)
        if sql.lstrip()[:6].upper() != "SELECT":
            self._write(sql)  # … RETURNING: a write that answers rows
        return await self._call(lambda raw, sql: raw.execute(sql, values).fetchall(), sql)

    async def selects(self, *queries: tuple[str, Iterable[Any]]) -> tuple[list[sqlite3.Row], ...]:
        """Several SELECTs in one trip (in this transaction, in order): for reads that
        every update makes together, whatever the first one answers."""
        batch = [(sql, tuple(params)) for sql, params in queries]
        for sql, _ in batch:
            if sql.lstrip()[:6].upper() != "SELECT":
                raise ValueError("selects() runs SELECTs only")

        def read(raw: sqlite3.Connection, _sql: str) -> tuple[list[sqlite3.Row], ...]:
            return tuple(raw.execute(sql, values).fetchall() for sql, values in batch)

        return await self._call(read, " ; ".join(sql for sql, _ in batch))

    async def one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """The first row (the queries asking for one row look up a key)."""
        return next(iter(await self.all(sql, params)), None)

    async def run(self, sql: str, params: Iterable[Any] = ()) -> tuple[int, int]:
        """Execute a write; return (rowcount, lastrowid)."""
        values = tuple(params)
        self._write(sql)

        def write(raw: sqlite3.Connection, sql: str) -> tuple[int, int]:
            cur = raw.execute(sql, values)
            return (cur.rowcount, cur.lastrowid or 0)

        return await self._call(write, sql)

    async def many(self, sql: str, rows: Iterable[Iterable[Any]]) -> int:
        """Execute a write for many rows in one call; return the rows changed."""
        values = [tuple(r) for r in rows]
        self._write(sql)

        def write(raw: sqlite3.Connection, sql: str) -> int:
            before = raw.total_changes
            raw.executemany(sql, values)
            return raw.total_changes - before

        return await self._call(write, sql)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (our migrations hold no triggers)."""
    statements: list[str] = []
    buf: list[str] = []
    for line in script.splitlines():
        stripped = line.strip()
        if stripped.startswith("--") and not buf:
            continue
        buf.append(line)
        if sqlite3.complete_statement("\n".join(buf)):
            stmt = "\n".join(buf).strip()
            if stmt.strip(";").strip():
                statements.append(stmt)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        statements.append(rest)
    return statements
