"""The SQLite connection: WAL, foreign keys, busy timeout, migrations.

One `Database` wraps one aiosqlite connection. Every statement runs under
an asyncio lock, and every write inside `transaction()` (BEGIN IMMEDIATE),
so coroutines sharing the connection never interleave inside a
transaction, and two processes on one file serialise on SQLite's lock.
"""

from __future__ import annotations

import asyncio
import functools
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

BUSY_TIMEOUT_MS = 10_000
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

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        # isolation_level=None: we issue BEGIN ourselves, so nothing opens a
        # transaction behind our back.
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
        db = cls(conn)
        await db.migrate()
        return db

    async def close(self) -> None:
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
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._lock:
            tx = Tx(self._conn, "BEGIN IMMEDIATE", self.begun, self.kept, self._ends)
            try:
                yield tx
            except BaseException:
                if tx.open:
                    await self._conn.execute("ROLLBACK")
                raise
            else:
                if tx.open:
                    await self._conn.execute("COMMIT")
            finally:
                tx.ended()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Tx]:
        """A consistent read: a deferred transaction, so a multi-query read sees one snapshot.

        Its COMMIT is not waited for when nothing was written (`_ReadEnd`): it travels
        with the connection's next statement, or alone without a reply at the event
        loop's next turn, whichever comes first. Waiting would cost a trip (a future, a
        wake-up of each thread) per read for an answer that cannot matter.
        """
        async with self._lock:
            tx = Tx(self._conn, "BEGIN", self.begun, self.kept, self._ends)
            try:
                yield tx
            finally:
                if tx.open:
                    if tx.wrote:
                        await self._conn.execute("COMMIT")
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
            self._conn._tx.put_nowait((None, functools.partial(_end_read, self._conn._conn)))


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
    ) -> None:
        self._conn = conn
        self._ends = ends
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

    async def _call(self, fn: Callable[[sqlite3.Connection, str], _T], sql: str) -> _T:
        """Run `fn(connection, sql)` in aiosqlite's thread, after BEGIN if it is due."""
        raw = self._conn._conn
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
