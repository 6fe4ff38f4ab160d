"""Online backups: a consistent copy while the bot keeps writing."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.records.cli import backup_main
from bot.services.base import Env
from storage import branches, reports
from storage.backup import BackupError, backup_database, table_counts
from storage.db import Database
from tests.conftest import at, make_settings
from tests.records.records_world import build_world, leftovers


def check(path: Path) -> tuple[str, dict[str, int], bool]:
    """Integrity, row counts, and whether every report's revisions are all there."""
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        counts = table_counts(conn)
        # insert_report writes a report and its first revision in one transaction: a
        # copy taken between the two would break this equality.
        whole = conn.execute(
            "SELECT (SELECT count(*) FROM report_revisions) = "
            "(SELECT coalesce(sum(revisions), 0) FROM reports)"
        ).fetchone()[0]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "delete", "the copy is one self-contained file"
    finally:
        conn.close()
    return str(integrity), counts, bool(whole)


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[tuple[Env, Path]]:
    path = tmp_path / "zhibu.sqlite3"
    db = await Database.open(path)
    env = Env(db=db, cfg=make_settings(db=path))
    await build_world(env)
    yield env, path
    await db.close()


async def test_backup_while_another_connection_writes(
    live: tuple[Env, Path], tmp_path: Path
) -> None:
    env, src = live
    dest = tmp_path / "backup.sqlite3"
    async with env.db.reading() as tx:
        (branch,) = [b for b in await branches.list_branches(tx) if b.name == "甲支部"]
    before = sqlite3.connect(src).execute("SELECT count(*) FROM reports").fetchone()[0]
    done = asyncio.Event()
    under_way = asyncio.Event()
    written = 0

    async def writer() -> None:
        nonlocal written
        month = 0
        # Bounded: at most 2,000 reports, and it stops as soon as the backup is done.
        while not done.is_set() and written < 2000:
            month += 1
            async with env.db.transaction() as tx:
                await reports.insert_report(
                    tx,
                    branch.id,
                    f"{2100 + month // 12}-{month % 12 + 1:02d}",
                    501,
                    "并发写入" * 50,
                    at(2026, 6, 10, 12),
                    False,
                )
            written += 1
            if written == 20:
                under_way.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    await under_way.wait()
    result = await asyncio.to_thread(backup_database, src, dest)
    done.set()
    await task
    assert result.ok and result.integrity == "ok"
    integrity, counts, whole = check(dest)
    assert integrity == "ok" and whole
    assert counts == result.tables
    assert before + 20 <= counts["reports"] <= before + written
    assert counts["branches"] == 8 and counts["cycles"] == 6
    assert result.schema_version >= 1 and result.size == dest.stat().st_size
    assert not leftovers(tmp_path)


async def test_uncommitted_writes_stay_out_and_do_not_block(
    live: tuple[Env, Path], tmp_path: Path
) -> None:
    _, src = live
    other = sqlite3.connect(src, isolation_level=None, timeout=1)
    try:
        other.execute("BEGIN IMMEDIATE")  # a writer holding the write lock, mid-transaction
        other.execute(
            "INSERT INTO audit(at, action) VALUES ('2026-06-10T04:00:00+00:00', 'uncommitted')"
        )
        result = await asyncio.to_thread(backup_database, src, tmp_path / "b.sqlite3")
        other.execute("COMMIT")
    finally:
        other.close()
    copy = sqlite3.connect(tmp_path / "b.sqlite3")
    try:
        actions = [r[0] for r in copy.execute("SELECT action FROM audit")]
    finally:
        copy.close()
    assert "uncommitted" not in actions
    assert result.ok


async def test_backup_main_into_a_directory(
    live: tuple[Env, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, src = live
    folder = tmp_path / "backups"
    folder.mkdir()
    assert await backup_main(src, folder) == 0
    (made,) = folder.glob("zhibu-*Z.sqlite3")
    assert check(made)[0] == "ok"
    out = capsys.readouterr().out
    assert str(made) in out and "integrity ok" in out


async def test_a_bad_source_leaves_the_last_backup_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    dest = tmp_path / "last-good.sqlite3"
    dest.write_bytes(b"previous backup")
    with pytest.raises(BackupError):
        backup_database(bad, dest)
    assert dest.read_bytes() == b"previous backup"
    assert await backup_main(tmp_path / "missing.sqlite3", dest) == 1
    assert "no such database" in capsys.readouterr().err
    with pytest.raises(BackupError, match="no such directory"):
        backup_database(bad, tmp_path / "nowhere" / "x.sqlite3")


async def test_refuses_to_overwrite_the_database(live: tuple[Env, Path]) -> None:
    _, src = live
    with pytest.raises(BackupError, match="must not overwrite"):
        backup_database(src, src)
