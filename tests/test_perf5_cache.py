"""Reads kept between transactions (`storage/cache.py`): the month's form version, the
总支 that review, the active plans. Each test fills the kept read, checks it is used
(no statement, a hit), then changes the table the way it changes in life and checks
the next read sees the change:

- another process (the CLI: its own connection) commits: SQLite's `data_version`;
- this process writes it: the table's generation, bumped by the write;
- this process writes it and rolls back: nothing read in between is kept.

And end to end: the bot on a file, `zhibu form import` by another connection while it
runs, and the secretary's next /report is asked the form.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.calendar import Month
from bot.forms.yamlio import load_form_file
from bot.services import forms
from bot.testing.sim import Sim
from storage import approvals, plans
from storage import forms as form_store
from storage.cache import EVERYTHING, table_written
from storage.db import Database
from tests.conftest import at
from tests.helpers import founded, open_env

NOW = at(2026, 6, 2, 10)
SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "forms" / "机关党支部.yaml"
JIA = 701


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[tuple[Database, Database]]:
    """The bot's connection and the CLI's, on one file."""
    bot = await Database.open(tmp_path / "z.sqlite3")
    cli = await Database.open(tmp_path / "z.sqlite3")
    async with cli.transaction() as tx:  # the 总支 the settings name
        await tx.many(
            "INSERT INTO branches(id, name, created_at) VALUES (?, ?, ?)",
            [(n, f"第{n}总支", NOW.isoformat()) for n in (5, 7, 9)],
        )
    try:
        yield bot, cli
    finally:
        await cli.close()
        await bot.close()


async def generals(db: Database) -> frozenset[int]:
    async with db.reading() as tx:
        await tx.one("SELECT 1")  # as every update: something runs before the kept read
        return await approvals.enabled_generals(tx)


async def filled(db: Database) -> None:
    """Read twice: the second read comes from what was kept (no statement)."""
    await generals(db)
    hits = db.kept.hits
    await generals(db)
    assert db.kept.hits == hits + 1


def test_the_table_a_write_names() -> None:
    assert table_written("INSERT INTO plans(title) VALUES (?)") == "plans"
    assert table_written("  INSERT OR REPLACE INTO form_reports(a) VALUES (?)") == "form_reports"
    assert table_written("REPLACE INTO kv(k, v) VALUES (?, ?)") == "kv"
    assert table_written("UPDATE plans SET active = ?") == "plans"
    assert table_written('update or ignore "Forms" set x = 1') == "forms"
    assert table_written("DELETE FROM approval_settings") == "approval_settings"
    assert table_written("WITH x AS (SELECT 1) INSERT INTO plans SELECT * FROM x") == EVERYTHING
    assert table_written("CREATE TABLE t (x)") == EVERYTHING


async def test_another_connections_commit_is_seen(two: tuple[Database, Database]) -> None:
    bot, cli = two
    assert await generals(bot) == frozenset()
    await filled(bot)
    async with cli.transaction() as tx:  # `zhibu …` while the bot runs
        await approvals.set_enabled(tx, 7, True, 1, NOW)
    assert await generals(bot) == frozenset({7})
    async with cli.transaction() as tx:
        await approvals.set_enabled(tx, 7, False, 1, NOW)
    assert await generals(bot) == frozenset()


async def test_this_connections_write_is_seen(two: tuple[Database, Database]) -> None:
    bot, _ = two
    await filled(bot)
    async with bot.transaction() as tx:  # its own commit leaves data_version as it was
        await approvals.set_enabled(tx, 9, True, 1, NOW)
    assert await generals(bot) == frozenset({9})


async def test_a_rolled_back_write_is_not_kept(two: tuple[Database, Database]) -> None:
    bot, _ = two
    await filled(bot)

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        async with bot.transaction() as tx:
            await approvals.set_enabled(tx, 5, True, 1, NOW)
            assert await approvals.enabled_generals(tx) == frozenset({5})  # not kept
            raise Undo
    assert await generals(bot) == frozenset()


async def test_plans_and_forms_from_another_connection(two: tuple[Database, Database]) -> None:
    bot, cli = two

    async def active() -> list[int]:
        async with bot.reading() as tx:
            await tx.one("SELECT 1")
            return [p.id for p in await plans.active_plans(tx)]

    async def form() -> int | None:
        async with bot.reading() as tx:
            await tx.one("SELECT 1")
            row = await form_store.form_for(tx, "2026-06")
            return None if row is None else row.id

    assert await active() == [] and await form() is None
    hits = bot.kept.hits
    assert await active() == [] and await form() is None
    assert bot.kept.hits == hits + 2
    async with cli.transaction() as tx:
        plan = await plans.add_plan(tx, "2026年计划", 2026, "{}", 1, NOW)
        await plans.set_plan_active(tx, plan, True)
        version = await form_store.add_form(tx, "2026-06", None, 1, NOW)
    assert await active() == [plan]
    assert await form() == version.id
    async with bot.transaction() as tx:  # and this process's own change
        await plans.set_plan_active(tx, plan, False)
    assert await active() == []


async def test_the_running_bot_sees_a_form_imported_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "zhibu.sqlite3"
    env = await open_env(path)
    try:
        async with Sim(env, NOW) as sim:
            await founded(sim, {"甲支部": JIA})
            for _ in range(2):  # the second /report reads the month's form from what was kept
                out = await sim.say(JIA, "/report")
                assert not any("本月重点工作" in m.text for m in out)
            assert env.db.kept.hits > 0
            cli = await open_env(path)  # `zhibu form import` while the bot runs
            try:
                await forms.set_form(cli, load_form_file(SAMPLE), Month(2026, 6), sim.clock())
            finally:
                await cli.db.close()
            out = await sim.say(JIA, "/report")
            assert any("本月重点工作" in m.text for m in out), [m.text for m in out]
    finally:
        await env.db.close()
