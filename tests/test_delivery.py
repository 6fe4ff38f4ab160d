"""Delivery under faults: every deliverable message exactly once, the rest failed with a reason."""

from __future__ import annotations

from datetime import timedelta

from bot.calendar import Month
from bot.models import NewMessage, OutboxStatus
from bot.services.base import Env
from bot.services.fmt import month_label
from bot.testing.botapi_double import Fault
from bot.testing.sim import Sim
from storage import outbox as outbox_store
from storage import people
from tests.catalog import check
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee

USERS = [601, 602, 603, 604, 605]
NOV = month_label("zh-Hans", Month(2026, 11))
BLOCKED = "Forbidden: bot was blocked by the user"


async def enqueue_many(env: Env, sim: Sim, chats: list[int]) -> None:
    async with env.db.transaction() as tx:
        for i, chat in enumerate(chats):
            await outbox_store.enqueue(
                tx,
                NewMessage(
                    dedupe_key=f"test:{i}",
                    kind="test",
                    chat_id=chat,
                    text=f"消息 {i}",
                    recipient_id=chat if chat > 0 else None,
                ),
                sim.clock(),
            )


async def outbox(env: Env) -> dict[str, tuple[OutboxStatus, str | None]]:
    async with env.db.reading() as tx:
        items = await outbox_store.outbox_all(tx)
    return {i.dedupe_key: (i.status, i.error) for i in items if i.kind == "test"}


async def drain_for(sim: Sim, minutes: int) -> None:
    """Keep ticking (retries come due) for a while of simulated time."""
    for _ in range(minutes * 6):
        sim.clock.set(sim.clock() + timedelta(seconds=10))
        await sim.tick()


async def test_faults_are_retried_or_recorded(sim: Sim, env: Env) -> None:
    for uid in USERS:
        sim.user(uid, f"用户{uid}")
        await sim.say(uid, "/start")
    sim.forget_messages()
    sim.double.inject(Fault.retry_after(3), chat_id=601)
    sim.double.inject(Fault.server_error(502), chat_id=602, times=2)
    sim.double.inject(Fault.timeout(), chat_id=603)
    sim.double.inject(Fault.network(), chat_id=603)
    sim.double.block(604)
    sim.double.forget_chat(605)
    await enqueue_many(env, sim, USERS)
    await sim.tick()
    await drain_for(sim, 5)
    state = await outbox(env)
    assert state["test:0"][0] is OutboxStatus.SENT
    assert state["test:1"][0] is OutboxStatus.SENT
    assert state["test:2"][0] is OutboxStatus.SENT
    assert state["test:3"] == (OutboxStatus.FAILED, BLOCKED)
    assert (
        state["test:4"][0] is OutboxStatus.FAILED
        and "chat not found" in (state["test:4"][1] or "").lower()
    )
    for uid in (601, 602, 603):
        assert [m.plain_text for m in sim.double.sent_to(uid)] == [f"消息 {USERS.index(uid)}"]
    assert sim.double.sent_to(604) == [] and sim.double.sent_to(605) == []
    async with env.db.reading() as tx:
        blocked = await people.get_user(tx, 604)
    assert blocked is not None and not blocked.reachable


async def test_flood_control_waits_retry_after(sim: Sim, env: Env) -> None:
    sim.user(601, "甲")
    sim.double.inject(Fault.retry_after(30), chat_id=601)
    await enqueue_many(env, sim, [601])
    await sim.tick()
    assert sim.double.sent_to(601) == []
    sim.clock.set(sim.clock() + timedelta(seconds=29))
    await sim.tick()
    assert sim.double.sent_to(601) == []
    sim.clock.set(sim.clock() + timedelta(seconds=1))
    await sim.tick()
    assert len(sim.double.sent_to(601)) == 1


async def test_migrated_group_gets_the_message_and_keeps_the_new_id(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": None})
    new = -1002222222222
    sim.double.migrate(COORD_GROUP, new)
    await enqueue_many(env, sim, [COORD_GROUP])
    await sim.tick()
    assert [m.plain_text for m in sim.double.sent_to(new)] == ["消息 0"]
    check(await sim.say_in_group(new, ADMIN, "/status"), "status_head", month=NOV)


async def test_blocked_secretary_shows_in_status_and_branches(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": 601})
    sim.double.block(601)
    await sim.advance_to(at(2026, 11, 20, 9))
    status = await sim.say(ADMIN, "/status")
    check(status, "status_unreachable", names="甲支部书记")
    check(status, "status_failures", count=1)
    check(status, "status_failure_line", to="甲支部书记", reason=BLOCKED)
    check(await sim.say(ADMIN, "/branches"), "branches_unreachable")
    # No more attempts to an unreachable person; when they write again they are reachable.
    n = len(sim.double.calls_to("sendMessage"))
    await sim.advance_to(at(2026, 11, 23, 9))
    assert (
        len([c for c in sim.double.calls_to("sendMessage")[n:] if c.params.get("chat_id") == 601])
        == 0
    )
    sim.double.unblock(601)
    await sim.say(601, "/help")
    await sim.advance_to(at(2026, 11, 25, 9))
    check(sim.double.last_to(601), "remind_today", branch="甲支部", month=NOV)


async def test_network_errors_give_up_after_max_attempts(sim: Sim, env: Env) -> None:
    sim.user(601, "甲")
    sim.double.inject(Fault.network(), chat_id=601, times=None)
    await enqueue_many(env, sim, [601])
    await sim.tick()
    for _ in range(12):
        sim.clock.set(sim.clock() + timedelta(minutes=31))
        await sim.tick()
    state = await outbox(env)
    assert state["test:0"][0] is OutboxStatus.FAILED
    assert (state["test:0"][1] or "").startswith("network")
