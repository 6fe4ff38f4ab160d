"""The production wiring: polling through getUpdates, start-up tick, menus, the error handler."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.services import reports
from bot.services.base import Env
from bot.testing.botapi_double import BotApiDouble, UpdateFactory
from bot.testing.sim import TOKEN, Sim
from tests.catalog import check, find, matches
from tests.conftest import ADMIN


async def _initialized(env: Env) -> tuple[Application, BotApiDouble, UpdateFactory]:  # type: ignore[type-arg]
    """The production wiring (JobQueue, rate limiter) on the double, initialized, not polling."""
    double = BotApiDouble()
    app = build_application(env, token=TOKEN, request=double, rate_limit=True, background=True)
    factory = UpdateFactory(double, auto_push=True)
    factory.user(ADMIN, "管理员")
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    return app, double, factory


async def _poll(app: Application) -> None:  # type: ignore[type-arg]
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=0)


async def test_polling_start_up_tick_and_menus(env: Env) -> None:
    app, double, factory = await _initialized(env)
    await _poll(app)
    try:
        factory.private_text(ADMIN, "/addbranch 甲支部")
        for _ in range(200):
            if matches(double.sent_to(ADMIN), "branch_added", name="甲支部"):
                break
            await asyncio.sleep(0.01)
        check(double.sent_to(ADMIN), "branch_added", name="甲支部")
        assert double.commands, "menus set at start-up"
        assert app.job_queue is not None and app.job_queue.get_jobs_by_name("tick")
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    # The start-up reconcile created this month's cycle.
    async with env.db.reading() as tx:
        from storage import reports as report_store

        month = datetime.now(UTC).astimezone(env.cfg.tz).strftime("%Y-%m")
        assert await report_store.get_cycle(tx, month) is not None


async def test_unexpected_error_is_logged_reported_to_admins_and_user_told(
    sim: Sim, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk on fire")

    await sim.say(ADMIN, "/addbranch 甲支部")
    monkeypatch.setattr(reports, "history", broken)
    from tests.helpers import join

    await join(sim, 77, "书记", "甲支部")
    out = await sim.say(77, "/myreports")
    check([m for m in out if m.chat_id == 77], "internal_error")
    admin_note = check(sim.double.last_to(ADMIN), "error_report_admin")
    assert "RuntimeError: disk on fire" in admin_note["error"]
    assert any("unhandled error" in r.getMessage() for r in caplog.records)
    assert TOKEN not in caplog.text


async def test_background_delivery_retries_flood_control_without_waiting_for_a_tick(
    env: Env,
) -> None:
    """Production path: /remind queues a nudge, a background drain sends it; two 429s in a
    row (one absorbed by the rate limiter, one by the outbox) are retried by a one-off job."""
    from bot.testing.botapi_double import Fault

    app, double, factory = await _initialized(env)
    factory.user(501, "书记")
    await _poll(app)

    async def wait_for(chat: int, key: str, /, **params: object) -> dict[str, str]:
        """The params of the first message to `chat` rendered from `key`, once it is sent."""
        for _ in range(800):
            found = find(double.sent_to(chat), key, **params)
            if found is not None:
                return found
            await asyncio.sleep(0.01)
        return check(double.sent_to(chat), key, **params)  # fails, saying what was sent

    try:
        factory.private_text(ADMIN, "/addbranch 甲支部")
        await wait_for(ADMIN, "branch_added", name="甲支部")
        factory.private_text(ADMIN, "/invite 甲支部")
        link = (await wait_for(ADMIN, "invite_created", target="甲支部"))["link"]
        factory.private_text(501, f"/start {link.split('start=')[1].split()[0]}")
        await wait_for(501, "joined_member", branch="甲支部")
        double.inject(Fault.retry_after(1), chat_id=501, times=2)
        factory.private_text(ADMIN, "/remind 甲支部")  # one branch: no confirmation
        await wait_for(ADMIN, "remind_done", count=1, names="甲支部")
        await wait_for(501, "nudge_head")
        assert double.stats.too_many_requests == 2
        async with env.db.reading() as tx:
            from storage import outbox

            nudge = next(i for i in await outbox.outbox_all(tx) if i.kind == "nudge")
        assert nudge.attempts == 2  # one flood-controlled attempt, rescheduled, then sent
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def test_start_up_fan_out_runs_in_the_background_and_people_are_answered(
    db: object,
) -> None:
    """Started at a reminder moment, the bot answers a private /help before its start-up
    fan-out has finished: the fan-out drains in the background, behind replies."""
    from bot.models import MemberRole
    from storage import branches, people
    from tests.conftest import make_settings

    now = datetime.now(UTC)
    cfg = make_settings(
        timezone="UTC",
        due_day=now.day,
        reminder_days_before=[0],
        reminder_time="00:00",
        rate_limit=30,
    )
    env = Env(db=db, cfg=cfg)  # type: ignore[arg-type]
    secretaries = list(range(5001, 5061))  # 60 reminders: two seconds at 30/s
    async with env.db.transaction() as tx:
        for n, user in enumerate(secretaries):
            branch = await branches.add_branch(tx, f"第{n}支部", "", now)
            assert branch is not None
            await people.upsert_user(tx, user, f"书记{n}", "", None, None, now)
            await branches.set_member(tx, branch.id, MemberRole.SECRETARY, user, now)
    app, double, factory = await _initialized(env)
    assert not [m for m in double.messages if m.chat_id in secretaries], "post_init fanned out"
    await _poll(app)
    try:
        factory.private_text(ADMIN, "/help")
        for _ in range(1000):
            if double.sent_to(ADMIN):
                break
            await asyncio.sleep(0.01)
        reminded_before_reply = {m.chat_id for m in double.messages if m.chat_id in secretaries}
        assert double.sent_to(ADMIN), "no answer to /help"
        assert len(reminded_before_reply) < len(secretaries), "answered only after the fan-out"
        for _ in range(1000):  # and the fan-out still completes
            if {m.chat_id for m in double.messages} >= set(secretaries):
                break
            await asyncio.sleep(0.01)
        assert {m.chat_id for m in double.messages} >= set(secretaries)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def test_ticks_fall_on_the_minute() -> None:
    from bot.app import _next_minute

    moment = datetime(2026, 11, 20, 8, 59, 17, 400_000, tzinfo=UTC)
    nxt = _next_minute(moment)
    assert (nxt.hour, nxt.minute, nxt.second) == (9, 0, 0)
    assert timedelta(0) < nxt - moment <= timedelta(minutes=1)
    assert _next_minute(datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)).day == 21
