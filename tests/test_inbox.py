"""Every update handled once, none lost: the inbox records updates as getUpdates returns
them, before python-telegram-bot can confirm them; a restart handles what a crash left;
a redelivered update is not handled again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Update
from telegram.error import NetworkError
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.models import InboxState
from bot.services.base import Env
from bot.testing.botapi_double import BotApiDouble
from bot.testing.sim import Sim
from storage import inbox as inbox_store
from storage import reports as report_store
from storage.db import Database
from tests.catalog import matches
from tests.conftest import ADMIN, at
from tests.helpers import founded, open_env

SEC = 701
T0 = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)


async def test_storage_record_once_mark_handled_list_and_prune(db: Database) -> None:
    async with db.transaction() as tx:
        assert await inbox_store.record(tx, [(5, '{"update_id":5}'), (6, "{}")], T0) == 2
        assert await inbox_store.record(tx, [(5, "again"), (7, "{}")], T0) == 1
        assert await inbox_store.state(tx, 5) is InboxState.RECEIVED
        assert await inbox_store.state(tx, 99) is None
        assert [i.update_id for i in await inbox_store.unhandled(tx)] == [5, 6, 7]
        assert await inbox_store.mark_handled(tx, 5, T0, None)
        assert not await inbox_store.mark_handled(tx, 5, T0, None)  # once
        assert await inbox_store.mark_handled(tx, 6, T0 + timedelta(days=2), "ValueError: x")
        assert [i.update_id for i in await inbox_store.unhandled(tx)] == [7]
        item = await inbox_store.item(tx, 5)
        assert item is not None and item.payload == '{"update_id":5}' and item.handled_at == T0
        failed = await inbox_store.item(tx, 6)
        assert failed is not None and failed.failure == "ValueError: x"
        assert await inbox_store.prune(tx, T0 + timedelta(days=1)) == 1  # 5 only
        assert await inbox_store.state(tx, 5) is None
        assert await inbox_store.state(tx, 6) is InboxState.HANDLED
        assert await inbox_store.state(tx, 7) is InboxState.RECEIVED


async def reports_count(env: Env) -> int:
    async with env.db.reading() as tx:
        return len(await report_store.reports_for_month(tx, "2026-11"))


async def test_a_crash_between_storing_and_handling_files_the_report_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = await open_env(path)
    async with Sim(env, at(2026, 11, 20, 10), double=double) as sim:
        await founded(sim, {"甲支部": SEC})
        await sim.say(SEC, "/report")
        report = double.push_update(sim.factory.private_text(SEC, "十一月的工作报告。"))
        # PTB's getUpdates: the answer is stored before PTB sees it ...
        got = await sim.app.bot.get_updates(offset=0, timeout=0)
        assert [u.update_id for u in got] == [report["update_id"]]
        async with env.db.reading() as tx:
            assert await inbox_store.state(tx, report["update_id"]) is InboxState.RECEIVED
        # ... and the process dies before a handler ran.
        stopped_at = sim.clock()
    await env.db.close()
    assert no_reports(path)

    # Restart: what was received and never handled is handled at start-up, once.
    env = await open_env(path)
    async with Sim(env, stopped_at, double=double) as sim:
        saved = [m for m in double.messages if m.chat_id == SEC]
        assert matches(saved[-1:], "report_saved", branch="甲支部")
        assert await reports_count(env) == 1
        async with env.db.reading() as tx:
            assert await inbox_store.state(tx, report["update_id"]) is InboxState.HANDLED

        # Telegram was never told (no offset past it): it sends the update again.
        sent_before = len(double.messages)
        again = await sim.app.bot.get_updates(offset=0, timeout=0)
        assert [u.update_id for u in again] == [report["update_id"]]
        await sim.process(again[0])
        assert len(double.messages) == sent_before  # no second acknowledgement
        assert await reports_count(env) == 1
    await env.db.close()

    # A third start finds nothing waiting.
    env = await open_env(path)
    async with Sim(env, stopped_at, double=double):
        assert await reports_count(env) == 1
        assert len(double.messages) == sent_before
    await env.db.close()


def no_reports(path: Path) -> bool:
    """No report was filed before the crash (read with plain sqlite3)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return bool(conn.execute("SELECT count(*) FROM reports").fetchone() == (0,))
    finally:
        conn.close()


async def test_polling_records_handles_and_marks_every_update(sim: Sim, env: Env) -> None:
    """The real Updater against the double: each update is stored, handled and marked;
    a handler that raises is marked handled with the reason (the error handler reports it)."""

    async def boom(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("boom")

    sim.app.add_handler(MessageHandler(filters.Regex("^爆$"), boom), group=-1)
    first = sim.factory.push(sim.factory.private_text(ADMIN, "/help"))
    second = sim.factory.push(sim.factory.private_text(ADMIN, "爆"))
    app = sim.app
    assert app.updater is not None
    await app.updater.start_polling(timeout=0, poll_interval=0)
    await app.start()
    try:

        async def both_marked() -> None:
            while True:
                async with env.db.reading() as tx:
                    states = [await inbox_store.state(tx, u["update_id"]) for u in (first, second)]
                if states == [InboxState.HANDLED, InboxState.HANDLED]:
                    return
                await asyncio.sleep(0.01)

        await asyncio.wait_for(both_marked(), 30)
    finally:
        await app.updater.stop()
        await app.stop()
    async with env.db.reading() as tx:
        ok = await inbox_store.item(tx, first["update_id"])
        failed = await inbox_store.item(tx, second["update_id"])
    assert ok is not None and ok.failure is None
    assert failed is not None and failed.failure == "RuntimeError: boom"
    assert any(m.chat_id == ADMIN for m in sim.double.messages)


async def test_updates_that_cannot_be_stored_are_not_handed_to_ptb(sim: Sim, env: Env) -> None:
    """A database that cannot take them: PTB gets a network error (it keeps its offset and
    asks again after a pause), so Telegram keeps the updates."""
    sim.factory.push(sim.factory.private_text(ADMIN, "/help"))
    await env.db.connection.execute("DROP TABLE inbox")
    with pytest.raises(NetworkError, match="inbox: cannot record updates"):
        await sim.app.bot.get_updates(offset=0, timeout=0)
    assert len(sim.double.pending_updates) == 1
