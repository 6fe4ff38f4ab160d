"""Quick transactions: their statements run on the event loop's thread (`storage/db.py`).

What must hold: a quick transaction's SQL runs on the loop's thread and any other in
aiosqlite's; a quick transaction never waits for a lock on the loop's thread (another
process writing: it goes to the thread, and the loop goes on meanwhile); no read's
COMMIT is left behind in either order; the checkpoints that replace SQLite's automatic
ones run in the thread and leave no statement open (a COMMIT after one succeeds); and
what was written is the same whichever way it ran.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import db as db_module
from storage.db import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await Database.open(tmp_path / "z.sqlite3")
    await opened.connection.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    # The thread a statement runs on, as SQL can see it.
    await opened.connection.create_function("tid", 0, threading.get_ident)
    yield opened
    await opened.close()


async def _thread_of(db: Database, *, quick: bool, write: bool) -> int:
    if write:
        async with db.transaction(quick=quick) as tx:
            await tx.run("INSERT INTO t (v) VALUES ('x')")
            row = await tx.one("SELECT tid() AS tid")
    else:
        async with db.reading(quick=quick) as tx:
            row = await tx.one("SELECT tid() AS tid")
    assert row is not None
    return int(row["tid"])


async def test_quick_statements_run_on_the_loops_thread_others_in_aiosqlites(
    db: Database,
) -> None:
    here = threading.get_ident()
    for write in (False, True):
        assert await _thread_of(db, quick=True, write=write) == here
        assert await _thread_of(db, quick=False, write=write) != here
    assert db.quick == 2
    async with db.reading() as tx:
        rows = await tx.all("SELECT v FROM t")
    assert [r["v"] for r in rows] == ["x", "x"]


async def test_a_quick_write_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction(quick=True) as tx:
            await tx.run("INSERT INTO t (v) VALUES ('lost')")
            raise RuntimeError
    async with db.transaction(quick=True) as tx:  # nothing left open
        await tx.run("INSERT INTO t (v) VALUES ('kept')")
    async with db.reading(quick=True) as tx:
        assert [r["v"] for r in await tx.all("SELECT v FROM t")] == ["kept"]


async def test_another_process_writing_sends_a_quick_transaction_to_the_thread(
    db: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "z.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t (v) VALUES ('theirs')")
    task = asyncio.create_task(_thread_of(db, quick=True, write=True))
    # The loop is not held: other work runs while the transaction waits for the lock.
    ticks = 0
    for _ in range(20):
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks == 20 and not task.done()
    other.execute("COMMIT")
    other.close()
    assert await asyncio.wait_for(task, 10) != threading.get_ident()  # waited in the thread
    async with db.reading(quick=True) as tx:
        assert sorted(r["v"] for r in await tx.all("SELECT v FROM t")) == ["theirs", "x"]
    row = await (await db.connection.execute("PRAGMA busy_timeout")).fetchone()
    assert row is not None and row[0] == db_module.BUSY_TIMEOUT_MS  # restored after BEGIN


@pytest.mark.parametrize("flushed", [False, True])
async def test_a_quick_transaction_after_a_read_whose_commit_is_due(
    db: Database, flushed: bool
) -> None:
    async with db.reading() as tx:  # in the thread; its COMMIT is not waited for
        await tx.all("SELECT * FROM t")
    if flushed:
        await asyncio.sleep(0)  # the COMMIT is now queued to the thread, alone
    async with db.transaction(quick=True) as tx:  # would fail inside an open read
        await tx.run("INSERT INTO t (v) VALUES ('after')")
    async with db.reading(quick=True) as tx:
        assert [r["v"] for r in await tx.all("SELECT v FROM t")] == ["after"]


async def test_checkpoints_run_in_the_thread_and_leave_nothing_open(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = await (await db.connection.execute("PRAGMA wal_autocheckpoint")).fetchone()
    assert row is not None and row[0] == 0  # SQLite's own would run inside a quick COMMIT
    monkeypatch.setattr(db_module, "CHECKPOINT_EVERY", 3)
    wal = tmp_path / "z.sqlite3-wal"
    for i in range(3):
        async with db.transaction(quick=True) as tx:
            await tx.run("INSERT INTO t (v) VALUES (?)", (str(i),))
    assert db.checkpoints == 0 and wal.stat().st_size > 0
    await db.checkpointed()
    assert db.checkpoints == 1
    # A statement left stepping after the checkpoint made every later COMMIT fail
    # ("cannot commit transaction - SQL statements in progress").
    for i in range(3, 5):
        async with db.transaction(quick=True) as tx:
            await tx.run("INSERT INTO t (v) VALUES (?)", (str(i),))
    other = sqlite3.connect(tmp_path / "z.sqlite3")
    try:  # every commit is there for another connection
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 5
    finally:
        other.close()
