"""A read transaction's COMMIT is queued, not waited for (`storage/db.py` `_end_read`).

What must hold: the next statement of the connection runs after it (no transaction is
left open, a write transaction can begin); a later read sees what another connection
committed in between (the old snapshot is gone); a `reading()` that wrote still waits
for its COMMIT, so the write is durable when the block ends.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await Database.open(tmp_path / "z.sqlite3")
    await opened.connection.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    yield opened
    await opened.close()


def _other(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


async def test_a_read_then_a_write_transaction(db: Database) -> None:
    async with db.reading() as tx:
        assert await tx.all("SELECT * FROM t") == []
    # The read's COMMIT went ahead of this BEGIN IMMEDIATE, or it would fail
    # ("cannot start a transaction within a transaction").
    async with db.transaction() as tx:
        await tx.run("INSERT INTO t(k, v) VALUES (1, 'a')")
    async with db.reading() as tx:
        assert [tuple(r) for r in await tx.all("SELECT k, v FROM t")] == [(1, "a")]
    assert not await db.connection._execute(lambda: db.connection._conn.in_transaction)


async def test_a_later_read_sees_another_connections_commit(db: Database, tmp_path: Path) -> None:
    async with db.reading() as tx:
        assert await tx.one("SELECT v FROM t WHERE k = 1") is None
    other = _other(tmp_path / "z.sqlite3")
    try:
        # If the read's snapshot were still open this would still commit (WAL), but the
        # next read would not see it.
        other.execute("INSERT INTO t(k, v) VALUES (1, 'from the CLI')")
    finally:
        other.close()
    async with db.reading() as tx:
        row = await tx.one("SELECT v FROM t WHERE k = 1")
    assert row is not None and row["v"] == "from the CLI"


async def test_a_reading_that_wrote_waits_for_its_commit(db: Database, tmp_path: Path) -> None:
    async with db.reading() as tx:
        await tx.all("INSERT INTO t(k, v) VALUES (2, 'b') RETURNING k")
        assert tx.wrote
    other = _other(tmp_path / "z.sqlite3")  # committed when the block ended, not later
    try:
        assert other.execute("SELECT v FROM t WHERE k = 2").fetchall() == [("b",)]
    finally:
        other.close()


async def test_a_failed_read_ends_its_transaction(db: Database) -> None:
    with pytest.raises(sqlite3.OperationalError):
        async with db.reading() as tx:
            await tx.all("SELECT 1")
            await tx.all("SELECT * FROM no_such_table")
    async with db.transaction() as tx:
        await tx.run("INSERT INTO t(k, v) VALUES (3, 'c')")


async def test_several_selects_in_one_trip(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.many("INSERT INTO t(k, v) VALUES (?, ?)", [(1, "a"), (2, "b")])
    async with db.reading() as tx:
        first, second = await tx.selects(
            ("SELECT v FROM t WHERE k = ?", (1,)), ("SELECT v FROM t WHERE k > ?", (0,))
        )
        assert [r["v"] for r in first] == ["a"] and [r["v"] for r in second] == ["a", "b"]
        with pytest.raises(ValueError):
            await tx.selects(("DELETE FROM t", ()))
    async with db.reading() as tx:
        assert len(await tx.all("SELECT * FROM t")) == 2


async def test_a_reads_commit_goes_by_the_loops_next_turn(db: Database) -> None:
    """Nothing else comes: the COMMIT is sent alone, so no snapshot stays open (it would
    hold back the WAL's checkpoints and hide other connections' commits)."""
    conn = db._conn  # not `connection`, which would send it at once
    async with db.reading() as tx:
        await tx.all("SELECT * FROM t")
    assert await conn._execute(lambda: conn._conn.in_transaction)  # taken by no one yet
    await asyncio.sleep(0)
    assert not await conn._execute(lambda: conn._conn.in_transaction)


async def test_the_next_statement_carries_a_reads_commit(db: Database) -> None:
    async with db.reading() as tx:
        await tx.all("SELECT * FROM t")
    async with db.transaction() as tx:  # in the same turn: its first trip ends the read
        await tx.run("INSERT INTO t(k, v) VALUES (4, 'd')")
    await asyncio.sleep(0)
    assert db.begun["BEGIN IMMEDIATE"] == 1
