"""Chats run concurrently, each chat in order: a slow chat delays no other."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.testing.sim import Sim
from bot.updates import ChatOrderedProcessor, chat_key
from tests.conftest import ADMIN, COORD_GROUP


async def test_a_slow_group_does_not_delay_a_private_chat_and_each_chat_keeps_order(
    sim: Sim,
) -> None:
    """Through PTB's own update queue, as polling feeds it: the group's first update is
    held by a gate; the admin's private /help is answered meanwhile; the group's second
    update waits for its first."""
    app = sim.app
    assert isinstance(app.update_processor, ChatOrderedProcessor)
    gate, private_done = asyncio.Event(), asyncio.Event()
    events: list[tuple[str, int, str]] = []

    async def probe(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        chat, text = update.effective_chat.id, update.effective_message.text or ""
        events.append(("start", chat, text))
        if chat == COORD_GROUP:
            await gate.wait()
        events.append(("end", chat, text))

    async def after(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None and update.effective_chat.id == ADMIN:
            private_done.set()

    app.add_handler(TypeHandler(Update, probe), group=-1)
    app.add_handler(TypeHandler(Update, after), group=200)
    first = sim.factory.group_text(COORD_GROUP, ADMIN, "first")
    second = sim.factory.group_text(COORD_GROUP, ADMIN, "second")
    private = sim.factory.private_text(ADMIN, "/help")
    await app.start()
    try:
        for raw in (first, second, private):
            await app.update_queue.put(Update.de_json(raw, app.bot))
        await asyncio.wait_for(private_done.wait(), 30)
        # The private /help ran to the end and was answered while the group's first
        # update is still held, and the group's second has not started.
        assert ("end", ADMIN, "/help") in events
        assert any(m.chat_id == ADMIN for m in sim.double.messages)
        assert ("start", COORD_GROUP, "first") in events
        assert ("end", COORD_GROUP, "first") not in events
        assert ("start", COORD_GROUP, "second") not in events
        gate.set()
        await asyncio.wait_for(app.update_queue.join(), 30)
    finally:
        gate.set()
        await app.stop()
    group = [e for e in events if e[1] == COORD_GROUP]
    assert group == [
        ("start", COORD_GROUP, "first"),
        ("end", COORD_GROUP, "first"),
        ("start", COORD_GROUP, "second"),
        ("end", COORD_GROUP, "second"),
    ]


async def test_one_chat_in_order_other_chats_alongside() -> None:
    """The processor alone: many updates of one chat, gated, keep their order; another
    chat's update finishes while they wait; the bookkeeping is gone afterwards."""
    processor = ChatOrderedProcessor(running=2)
    gate = asyncio.Event()
    order: list[str] = []
    other_done = asyncio.Event()

    def update(chat: int, n: int) -> Update:
        raw: dict[str, Any] = {
            "update_id": n,
            "message": {
                "message_id": n,
                "date": 0,
                "chat": {"id": chat, "type": "private"},
                "from": {"id": chat, "is_bot": False, "first_name": "x"},
                "text": str(n),
            },
        }
        return Update.de_json(raw, None)

    async def handle(name: str, wait: bool) -> None:
        order.append(f"start {name}")
        if wait:
            await gate.wait()
        order.append(f"end {name}")

    async def other() -> None:
        order.append("other")
        other_done.set()

    tasks = [
        asyncio.create_task(processor.process_update(update(7, n), handle(f"a{n}", n == 1)))
        for n in range(1, 6)
    ]
    tasks.append(asyncio.create_task(processor.process_update(update(8, 9), other())))
    await asyncio.wait_for(other_done.wait(), 5)
    assert order == ["start a1", "other"]
    gate.set()
    await asyncio.gather(*tasks)
    assert order[2:] == ["end a1"] + [f"{s} a{n}" for n in range(2, 6) for s in ("start", "end")]
    assert not processor._locks and not processor._waiting


def test_the_key_is_the_chat_else_the_user() -> None:
    query = Update.de_json(
        {
            "update_id": 1,
            "callback_query": {
                "id": "q",
                "from": {"id": 55, "is_bot": False, "first_name": "x"},
                "chat_instance": "c",
                "inline_message_id": "i",
                "data": "d",
            },
        },
        None,
    )
    assert chat_key(query) == 55
    assert chat_key(object()) is None
