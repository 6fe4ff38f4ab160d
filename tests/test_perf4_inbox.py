"""Cheaper updates, the same guarantees: the inbox's "handled" mark is written after
everything an update's handlers did (writes and answers), so a crash anywhere before it
runs the update again and loses nothing; what is cheaper is how the marks are written
(the marks of updates finishing together share one transaction) and that an update
this process has just stored is not read back to learn that it is waiting.

A crash is a `BaseException` raised inside the handler's task: no handler, error
handler or ledger sees it (the process is gone), and the transaction it interrupts is
rolled back, as a dead process's would be.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pytest
from telegram import Update

from bot import inbox
from bot.models import InboxState
from bot.services import reports as report_service
from bot.services.base import Env
from bot.testing.botapi_double import BotApiDouble
from bot.testing.sim import Sim
from storage import inbox as inbox_store
from storage import reports as report_store
from storage.db import Database, Tx
from tests.catalog import matches
from tests.conftest import at
from tests.helpers import founded, open_env

SEC, SEC2, SEC3 = 801, 802, 803
WHEN = at(2026, 11, 20, 10)
TEXT = "十一月的工作报告：召开支部委员会一次。"


class Crash(BaseException):
    """The process dying mid-handler."""


_STATE = inbox_store.state  # the tests' own look-up, whatever a test patches


async def state(env: Env, update_id: int) -> InboxState | None:
    async with env.db.reading() as tx:
        return await _STATE(tx, update_id)


async def report_texts(env: Env) -> list[tuple[int, int]]:
    """(branch, revisions) of every report of November."""
    async with env.db.reading() as tx:
        return sorted(
            (r.branch_id, r.revisions) for r in await report_store.reports_for_month(tx, "2026-11")
        )


async def polled(sim: Sim, double: BotApiDouble, *updates: dict[str, object]) -> list[Update]:
    """Updates as polling brings them: stored in the inbox by getUpdates."""
    ids = [double.push_update(u)["update_id"] for u in updates]
    got = await sim.app.bot.get_updates(offset=ids[0], timeout=0)
    assert [u.update_id for u in got] == ids
    return list(got)


def reply_to_prompt(sim: Sim, double: BotApiDouble, sec: int, text: str) -> dict[str, object]:
    """`text` as a reply to the last question the bot asked `sec` about their report."""
    asked = [m for m in double.messages if m.chat_id == sec and matches([m], "report_ask")]
    update = sim.factory.private_text(sec, text)
    message = update["message"]
    message["reply_to_message"] = {
        "message_id": asked[-1].message_id,
        "date": message["date"],
        "chat": message["chat"],
        "from": double.bot_user,
        "text": "请回复",
    }
    return update


async def crashed(sim: Sim, update: Update) -> None:
    """Handle `update` in a task of its own (as polling does) that dies with `Crash`."""
    with pytest.raises(Crash):
        await asyncio.create_task(sim.process(update))


async def test_a_crash_between_a_handlers_two_writes_runs_the_update_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/report writes twice: the question asked (pending), then, after the prompt is sent,
    the prompt's message id. A crash between the two leaves the update unhandled, so the
    restart runs it again and the second write is made; nothing is lost."""
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = await open_env(path)
    async with Sim(env, WHEN, double=double) as sim:
        await founded(sim, {"甲支部": SEC})
        [update] = await polled(sim, double, sim.factory.private_text(SEC, "/report"))

        async def dies(*args: object) -> None:
            raise Crash

        monkeypatch.setattr(report_service, "remember_prompt", dies)
        await crashed(sim, update)
        monkeypatch.undo()
        asked = [m for m in double.messages if m.chat_id == SEC and matches([m], "report_ask")]
        assert len(asked) == 1  # the first write committed and the prompt went out ...
        async with env.db.reading() as tx:
            assert await report_store.get_pending(tx, SEC) is not None
            assert await report_store.find_prompt(tx, SEC, asked[0].message_id) is None
        assert await state(env, update.update_id) is InboxState.RECEIVED  # ... not the mark
        stopped_at = sim.clock()
    await env.db.close()

    env = await open_env(path)
    async with Sim(env, stopped_at, double=double) as sim:  # start-up runs it again
        assert await state(env, update.update_id) is InboxState.HANDLED
        asked = [m for m in double.messages if m.chat_id == SEC and matches([m], "report_ask")]
        assert len(asked) == 2  # asked again (an answer may come twice; nothing is lost)
        async with env.db.reading() as tx:  # the second write, made this time
            found = await report_store.find_prompt(tx, SEC, asked[-1].message_id)
        assert found is not None and found[1] == "2026-11"
        # The reply to the prompt is filed as the month's report, once.
        reply = reply_to_prompt(sim, double, SEC, TEXT)
        await sim.process(Update.de_json(reply, sim.app.bot))
        assert matches(double.messages[-1:], "report_saved", branch="甲支部")
        assert len(await report_texts(env)) == 1
    await env.db.close()


async def test_a_crash_after_the_report_before_its_answer_answers_after_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report is committed, the process dies before the answer is sent: the mark is
    not written with the report, so the restart runs the update again, which files
    nothing new (the same words) and answers."""
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = await open_env(path)
    async with Sim(env, WHEN, double=double) as sim:
        await founded(sim, {"甲支部": SEC})
        await sim.say(SEC, "/report")
        [update] = await polled(sim, double, reply_to_prompt(sim, double, SEC, TEXT))
        original = report_service.submit

        async def filed_then_dies(*args: object, **kwargs: object) -> object:
            await original(*args, **kwargs)  # type: ignore[arg-type]
            raise Crash

        monkeypatch.setattr(report_service, "submit", filed_then_dies)
        await crashed(sim, update)
        monkeypatch.undo()
        assert len(await report_texts(env)) == 1
        assert not [m for m in double.messages if matches([m], "report_saved")]
        assert await state(env, update.update_id) is InboxState.RECEIVED
        stopped_at = sim.clock()
    await env.db.close()

    env = await open_env(path)
    async with Sim(env, stopped_at, double=double):
        assert await state(env, update.update_id) is InboxState.HANDLED
        assert len([m for m in double.messages if matches([m], "report_saved")]) == 1
        [(_, revisions)] = await report_texts(env)
        assert revisions == 1  # filed once
    await env.db.close()


def record_batches(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The update ids of each marks' transaction, in order."""
    batches: list[list[int]] = []
    original = inbox_store.mark_many

    async def counted(tx: Tx, marks: Iterable[tuple[int, str | None]], now: datetime) -> int:
        taken = list(marks)
        batches.append([update_id for update_id, _ in taken])
        return await original(tx, taken, now)

    monkeypatch.setattr(inbox_store, "mark_many", counted)
    return batches


async def three_reports(sim: Sim, double: BotApiDouble) -> list[Update]:
    await founded(sim, {"甲支部": SEC, "乙支部": SEC2, "丙支部": SEC3})
    for sec in (SEC, SEC2, SEC3):
        await sim.say(sec, "/report")
    return await polled(
        sim, double, *(reply_to_prompt(sim, double, s, f"{TEXT}{s}") for s in (SEC, SEC2, SEC3))
    )


async def test_the_marks_of_updates_finishing_together_share_a_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    double = BotApiDouble()
    env = await open_env(tmp_path / "zhibu.sqlite3")
    async with Sim(env, WHEN, double=double) as sim:
        updates = await three_reports(sim, double)
        batches = record_batches(monkeypatch)
        reads: list[int] = []
        original_state = inbox_store.state

        async def read(tx: Tx, update_id: int) -> InboxState | None:
            reads.append(update_id)
            return await original_state(tx, update_id)

        monkeypatch.setattr(inbox_store, "state", read)
        await asyncio.gather(*(sim.process(u) for u in updates))  # three chats at once
        assert reads == []  # stored just now by this process: known to be waiting
        assert sorted(i for b in batches for i in b) == sorted(u.update_id for u in updates)
        assert len(batches) < len(updates)  # shared
        for u in updates:  # every mark committed when its update's turn ended
            assert await state(env, u.update_id) is InboxState.HANDLED
        assert len(await report_texts(env)) == 3

        # Telegram sends one again (its confirmation was lost): read, known, skipped.
        sent = len(double.messages)
        await sim.process(Update.de_json(updates[0].to_dict(), sim.app.bot))
        assert reads == [updates[0].update_id]
        assert len(double.messages) == sent
    await env.db.close()


async def test_a_crash_in_the_marks_transaction_runs_each_of_its_updates_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies while the shared transaction of three marks is open: none of
    them is kept, so the restart runs the three updates again; each report is filed
    once (the same words make no revision) and answered again."""
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = await open_env(path)
    async with Sim(env, WHEN, double=double) as sim:
        updates = await three_reports(sim, double)

        async def dies(tx: Tx, marks: object, now: object) -> int:
            raise Crash

        monkeypatch.setattr(inbox_store, "mark_many", dies)
        results = await asyncio.gather(
            *(asyncio.create_task(sim.process(u)) for u in updates), return_exceptions=True
        )
        monkeypatch.undo()
        assert any(isinstance(r, Crash) for r in results)
        assert len([m for m in double.messages if matches([m], "report_saved")]) == 3
        for u in updates:
            assert await state(env, u.update_id) is InboxState.RECEIVED
        stopped_at = sim.clock()
    await env.db.close()

    env = await open_env(path)
    async with Sim(env, stopped_at, double=double):
        for u in updates:
            assert await state(env, u.update_id) is InboxState.HANDLED
        assert [r for _, r in await report_texts(env)] == [1, 1, 1]  # filed once each
        assert len([m for m in double.messages if matches([m], "report_saved")]) == 6
    await env.db.close()


async def test_a_mark_that_cannot_be_written_leaves_the_update_for_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import sqlite3

    double = BotApiDouble()
    env = await open_env(tmp_path / "zhibu.sqlite3")
    async with Sim(env, WHEN, double=double) as sim:
        await founded(sim, {"甲支部": SEC})
        [update] = await polled(sim, double, sim.factory.private_text(SEC, "/help"))

        async def locked(tx: Tx, marks: object, now: object) -> int:
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(inbox_store, "mark_many", locked)
        await sim.process(update)
        monkeypatch.undo()
        assert await state(env, update.update_id) is InboxState.RECEIVED
        assert "cannot mark 1 update(s) handled" in caplog.text
        # The next update's transaction is not held up by it.
        [after] = await polled(sim, double, sim.factory.private_text(SEC, "/help"))
        await sim.process(after)
        assert await state(env, after.update_id) is InboxState.HANDLED
    await env.db.close()


async def test_storage_record_new_and_mark_many(db: Database) -> None:
    async with db.transaction() as tx:
        assert await inbox_store.record_new(tx, [(5, "{}"), (6, "{}")], WHEN) == [5, 6]
        assert await inbox_store.record_new(tx, [(5, "again"), (7, "{}")], WHEN) == [7]
        many = [(i, "{}") for i in range(100, 350)]  # past one statement's 100 rows
        assert await inbox_store.record_new(tx, many, WHEN) == list(range(100, 350))
        item = await inbox_store.item(tx, 5)
        assert item is not None and item.payload == "{}"  # the first one stays
        assert await inbox_store.mark_many(tx, [(5, None), (6, "ValueError: x")], WHEN) == 2
        assert await inbox_store.mark_many(tx, [(5, None), (7, None), (99, None)], WHEN) == 1
        failed = await inbox_store.item(tx, 6)
        assert failed is not None and failed.state is InboxState.HANDLED
        assert failed.failure == "ValueError: x" and failed.handled_at == WHEN
        assert [i.update_id for i in await inbox_store.unhandled(tx)] == list(range(100, 350))


def test_the_ledger_is_the_inboxs() -> None:
    """The request shares its set of just-stored ids with the ledger it was built for."""
    ledger = inbox.InboxLedger(None, lambda: WHEN)  # type: ignore[arg-type]
    request = inbox.request(BotApiDouble(), None, lambda: WHEN, ledger)  # type: ignore[arg-type]
    assert request.fresh is ledger.fresh
