"""Nothing lost, nothing stale: expiry, take-over of a dead process's claims,
circulars caught up after a long downtime, quiet logs, a clean stop."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import storage.db as db_module
from bot import app as app_module
from bot import delivery
from bot.app import build_application
from bot.models import NewMessage, OutboxItem, OutboxStatus
from bot.services import engine
from bot.services.base import Env
from bot.testing.botapi_double import BotApiDouble, Fault, UpdateFactory
from bot.testing.sim import TOKEN, Sim
from storage import circulars, outbox
from storage.db import Database
from tests.catalog import check, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, founded, open_env, text_of

SECRETARIES = {"甲支部": 701, "乙支部": 702, "丙支部": 703}


async def all_rows(env: Env) -> list[OutboxItem]:
    async with env.db.reading() as tx:
        return await outbox.outbox_all(tx)


# ------------------------------------------------------------- stale reminders


async def test_a_killed_fan_out_is_not_sent_days_later(tmp_path: Path) -> None:
    """Killed on 23 Nov 09:00 with the "2 days left" reminders claimed; started
    again on the 27th: they are recorded as expired, never sent."""
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = await open_env(path)
    async with Sim(env, at(2026, 11, 2, 10), double=double) as sim:
        await founded(sim, SECRETARIES)
        await sim.advance_to(at(2026, 11, 23, 8), step=timedelta(days=1))
        moment = at(2026, 11, 23, 9)
        sim.clock.set(moment)
        await engine.reconcile(env, moment)
        async with env.db.transaction() as tx:  # the fan-out claims, then dies
            claimed = await outbox.claim_due(tx, moment, moment + delivery.LEASE, 200)
        assert {i.dedupe_key.split(":")[3] for i in claimed} == {"d-2"}
    await env.db.close()

    double.clear()
    env = await open_env(path)
    async with Sim(env, at(2026, 11, 27, 10), double=double) as sim:
        await sim.tick()
        assert not matches(double.messages, "remind_days")  # no "due on the 25th, 2 days left"
        check(double.sent_to(701), "overdue_nudge", branch="甲支部", days=2)
        rows = {i.dedupe_key: i for i in await all_rows(env)}
        for item in claimed:
            row = rows[item.dedupe_key]
            assert row.status is OutboxStatus.FAILED
            assert (row.error or "").startswith("expired"), row.error
        # Listed where failures are listed.
        status = await sim.say(ADMIN, "/status")
        check(status, "status_failures", count=len(claimed))
        check(status, "status_failure_line", reason=re.compile("expired.*"))
    await env.db.close()


async def test_reminders_queued_by_an_older_version_expire_too(tmp_path: Path) -> None:
    """Rows from before migration 0006 have no validity; at start-up a reminder
    or digest gets its stage window's end."""
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = await open_env(path)
    async with Sim(env, at(2026, 11, 2, 10), double=double) as sim:
        await founded(sim, {"甲支部": 701})
        await sim.tick()  # November's cycle
        queued = at(2026, 11, 23, 9)
        async with env.db.transaction() as tx:
            for key, kind, chat in (
                ("remind:2026-11:1:d-2:701", "remind", 701),
                ("digest:2026-11:1", "digest", COORD_GROUP),
            ):
                msg = NewMessage(
                    dedupe_key=key, kind=kind, chat_id=chat, text="旧", month="2026-11"
                )
                await outbox.enqueue(tx, msg, queued)
            await outbox.claim_due(tx, queued, queued + delivery.LEASE, 10)
    await env.db.close()
    double.clear()
    env = await open_env(path)
    async with Sim(env, at(2026, 12, 5, 10), double=double) as sim:
        await sim.tick()
        assert "旧" not in text_of(double.messages)
        old = [i for i in await all_rows(env) if i.text == "旧"]
        assert len(old) == 2
        assert all((i.error or "").startswith("expired") for i in old)
    await env.db.close()


async def test_expiry_covers_queued_claimed_and_retrying_but_not_circulars(
    sim: Sim, env: Env
) -> None:
    for uid in (601, 602, 603, 604):
        sim.user(uid, f"用户{uid}")
        await sim.say(uid, "/start")
    sim.forget_messages()
    now = sim.clock()
    until = now + timedelta(hours=1)
    async with env.db.transaction() as tx:
        for uid, valid in ((601, until), (602, until), (603, until), (604, None)):
            await outbox.enqueue(
                tx,
                NewMessage(
                    dedupe_key=f"test:{uid}",
                    kind="test",
                    chat_id=uid,
                    text=f"消息 {uid}",
                    valid_until=valid,
                ),
                now,
            )
    async with env.db.transaction() as tx:
        items = {i.chat_id: i for i in await outbox.due_outbox(tx, now, 10)}
        await outbox.claim_due(tx, now, now + timedelta(hours=3), 1, "someone")  # 601: claimed
        await outbox.retry_later(tx, items[602].id, "flood control", now + timedelta(hours=2))
        await outbox.retry_later(tx, items[604].id, "flood control", now + timedelta(hours=2))
    sim.clock.set(until)  # 603 was only queued
    drained = await sim.tick()
    assert drained.expired == 3
    sim.clock.set(now + timedelta(hours=4))
    await sim.tick()
    state = {i.chat_id: i for i in await all_rows(env) if i.kind == "test"}
    for uid in (601, 602, 603):
        assert state[uid].status is OutboxStatus.FAILED
        assert (state[uid].error or "").startswith("expired")
        assert sim.double.sent_to(uid) == []
    assert state[604].status is OutboxStatus.SENT  # no validity: never expires


async def test_reminders_carry_the_end_of_their_stage_window(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": 701})
    await sim.advance_to(at(2026, 11, 26, 9), step=timedelta(days=1))
    rows = await all_rows(env)
    stages = {s.code: s for s in engine.plan_stages(env, at(2026, 11, 25).date())}
    reminders = [i for i in rows if i.kind in {"remind", "overdue"}]
    assert reminders
    for item in reminders:
        assert item.valid_until == stages[item.dedupe_key.split(":")[3]].until
    digest = [i for i in rows if i.kind == "digest"]
    assert digest and all(i.valid_until == stages["o+1"].until for i in digest)
    circular = [i for i in rows if i.kind == "circular"]
    assert circular and all(i.valid_until is None for i in circular)


# ------------------------------------------------- claims of a killed process


async def test_claims_of_a_killed_process_are_sent_at_the_first_drain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    env = await open_env(path)
    start = at(2026, 11, 2, 10)
    sim = Sim(env, start, double=double)
    await sim.__aenter__()
    for uid in (601, 602):
        sim.user(uid, f"用户{uid}")
        await sim.say(uid, "/start")
    double.clear()
    async with env.db.transaction() as tx:
        for uid in (601, 602):
            msg = NewMessage(dedupe_key=f"test:{uid}", kind="test", chat_id=uid, text="hello")
            await outbox.enqueue(tx, msg, start)

    hung = asyncio.Event()

    async def hang(*args: Any, **kwargs: Any) -> None:
        hung.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(delivery, "_deliver_one", hang)
    task = asyncio.create_task(app_module.drain(sim.app, start))
    await hung.wait()
    task.cancel()  # "kill -9": the claims stay in the database, nothing finishes
    monkeypatch.undo()
    assert all(i.next_attempt_at > start for i in await all_rows(env) if i.kind == "test")
    await env.db.close()

    env = await open_env(path)
    async with Sim(env, start + timedelta(seconds=10), double=double) as again:
        await again.tick()
        assert [m.plain_text for m in double.sent_to(601)] == ["hello"]
        assert [m.plain_text for m in double.sent_to(602)] == ["hello"]
    await env.db.close()


async def test_a_second_start_keeps_its_own_claims(sim: Sim, env: Env) -> None:
    owner = sim.app.bot_data["owner"]
    now = sim.clock()
    async with env.db.transaction() as tx:
        await outbox.enqueue(tx, NewMessage(dedupe_key="t", kind="t", chat_id=1, text="x"), now)
        await outbox.claim_due(tx, now, now + delivery.LEASE, 10, owner)
        assert await outbox.release_claims(tx, owner, now) == 0
        assert await outbox.release_claims(tx, "a newer process", now) == 1


# ------------------------------------------------------ circulars after downtime


def first_index(sim: Sim, year: int, month: int) -> int:
    """Where the first message of the month's circular is among all messages sent."""
    return next(
        i for i, m in enumerate(sim.double.messages) if matches(m, "circ_title", y=year, m=month)
    )


def count(sim: Sim, year: int, month: int) -> int:
    """How many messages carry the month's circular title."""
    return sum(matches(m, "circ_title", y=year, m=month) for m in sim.double.messages)


async def test_a_circular_missed_over_a_long_downtime_is_posted_at_start(env: Env) -> None:
    async with Sim(env, at(2026, 10, 10, 10)) as sim:
        sim.user(ADMIN, "管理员")
        sim.group(COORD_GROUP, "协调群")
        await sim.tick()  # zhibu runs in October, but no committee yet
        sim.clock.set(at(2026, 11, 2, 10))
        await committee(sim, {"甲支部": 701})
        await sim.advance_to(at(2026, 11, 20, 12), step=timedelta(days=1))
        sim.clock.set(at(2027, 1, 3, 10))  # down from 20 Nov to 3 Jan
        await sim.tick()
        await sim.tick()
        sim.clock.set(at(2027, 1, 3, 11))
        await sim.tick()
        assert count(sim, 2026, 11) == 1
        assert count(sim, 2026, 10) == 0  # before the committee started
        assert count(sim, 2026, 12) == 0  # zhibu never ran in December
        assert count(sim, 2027, 1) == 0  # not due yet
        async with env.db.reading() as tx:
            november = await circulars.get_circular(tx, "2026-11")
        assert november is not None and november.posted_at is not None


async def test_every_unposted_circular_goes_out_oldest_first(env: Env) -> None:
    async with Sim(env, at(2026, 10, 2, 10)) as sim:
        sim.user(ADMIN, "管理员")
        sim.group(COORD_GROUP, "协调群")
        await committee(sim, {"甲支部": 701}, bind_group=False)
        for moment in (at(2026, 10, 2, 11), at(2026, 11, 10, 10), at(2026, 12, 10, 10)):
            sim.clock.set(moment)
            await sim.tick()
        sim.clock.set(at(2027, 1, 3, 10))
        await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup")
        await sim.tick()
        await sim.tick()
        months = [(2026, 10), (2026, 11), (2026, 12)]
        assert [count(sim, *m) for m in months] == [1, 1, 1]
        firsts = [first_index(sim, *m) for m in months]
        assert firsts == sorted(firsts)


# --------------------------------------------------------------------- logging


async def background_app(env: Env, double: BotApiDouble) -> Any:
    app = build_application(env, token=TOKEN, request=double, rate_limit=True, background=True)
    factory = UpdateFactory(double)
    factory.user(ADMIN, "管理员")
    factory.user(501, "书记")
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    await app.start()
    return app, factory


async def test_a_429_the_outbox_retries_is_one_warning(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    double = BotApiDouble()
    app, _ = await background_app(env, double)
    try:
        caplog.clear()
        double.inject(Fault.retry_after(1), chat_id=501, times=2)
        now = datetime.now(env.cfg.tz)
        async with env.db.transaction() as tx:
            msg = NewMessage(dedupe_key="test:429", kind="test", chat_id=501, text="你好")
            await outbox.enqueue(tx, msg, now)
        await app_module.drain(app, now)
        for _ in range(400):
            if double.sent_to(501):
                break
            await asyncio.sleep(0.01)
        assert [m.plain_text for m in double.sent_to(501)] == ["你好"]
    finally:
        await app.stop()
        await app.post_stop(app)  # type: ignore[misc]
        await app.shutdown()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "flood control" in warnings[0].getMessage()
    assert warnings[0].exc_info is None


async def test_no_drain_runs_after_stop(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT: an update handled while stopping must not start a drain that runs
    after the database is closed."""
    double = BotApiDouble()
    app, factory = await background_app(env, double)
    calls: list[bool] = []
    real = app_module.deliver_due

    async def recording(*args: Any, **kwargs: Any) -> delivery.Drained:
        calls.append(app.running)
        return await real(*args, **kwargs)

    monkeypatch.setattr(app_module, "deliver_due", recording)
    from telegram import Update

    await app.stop()
    late = factory.private_text(ADMIN, "/help")  # an update handled during shutdown
    await app.process_update(Update.de_json(late, app.bot))
    await app.post_stop(app)  # type: ignore[misc]
    await app.shutdown()
    for _ in range(5):
        await asyncio.sleep(0)
    assert calls == []


# ------------------------------------------------------------------ migrations


async def test_a_migration_merged_below_the_applied_version_is_still_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.sqlite3"
    shipped = db_module.migrations()
    db = await Database.open(path)
    await db.close()
    # A migration numbered below every applied one, merged later (as 0005 was after 0006).
    late = (0, "CREATE TABLE late_five (x INTEGER);")
    assert late[0] not in {n for n, _ in shipped}
    monkeypatch.setattr(db_module, "migrations", lambda: sorted([*shipped, late]))
    db = await Database.open(path)
    try:
        async with db.reading() as tx:
            assert await tx.one("SELECT name FROM sqlite_master WHERE name = 'late_five'")
            version = await tx.one("PRAGMA user_version")
        assert version is not None and version[0] == shipped[-1][0]
    finally:
        await db.close()


async def test_a_database_from_before_the_migration_record_is_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.sqlite3"
    shipped = db_module.migrations()
    monkeypatch.setattr(db_module, "migrations", lambda: [m for m in shipped if m[0] <= 4])
    db = await Database.open(path)
    await db.connection.execute("DROP TABLE schema_migrations")  # as the old runner left it
    await db.close()
    monkeypatch.setattr(db_module, "migrations", lambda: shipped)
    db = await Database.open(path)
    try:
        async with db.reading() as tx:
            cols = {r["name"] for r in await tx.all("PRAGMA table_info(outbox)")}
        assert {"valid_until", "claimed_by"} <= cols
    finally:
        await db.close()
