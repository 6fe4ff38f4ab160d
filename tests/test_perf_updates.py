"""Cheap updates: a drain is started only after an update that queued something,
and a known, unchanged sender is identified without a write."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot import app as app_module
from bot.models import NewMessage
from bot.services.base import Env, TgUser, identify
from storage import outbox
from tests.conftest import at

NOW = at(2026, 11, 20, 9)


class FakeApplication:
    """What `_after_update` reads of the application: its bot_data."""

    def __init__(self) -> None:
        self.bot_data: dict[str, Any] = {"background": True, "queued_seen": outbox.QUEUED.total}
        self.kicks = 0


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> FakeApplication:
    fake = FakeApplication()

    def kick(application: FakeApplication) -> None:
        application.kicks += 1

    monkeypatch.setattr(app_module, "_kick", kick)
    return fake


async def _after(fake: FakeApplication) -> None:
    context: Any = SimpleNamespace(application=fake)
    await app_module._after_update(None, context)  # type: ignore[arg-type]


async def _queue(env: Env, key: str) -> None:
    message = NewMessage(dedupe_key=key, kind="notice", chat_id=5, text="x")
    async with env.db.transaction() as tx:
        await outbox.enqueue(tx, message, NOW)


async def test_a_drain_follows_only_updates_that_queued(
    env: Env, fake_app: FakeApplication
) -> None:
    await _after(fake_app)  # /help: answered directly, nothing queued
    assert fake_app.kicks == 0
    await _queue(env, "notice:1")  # e.g. a handover notice to the old secretary
    await _after(fake_app)
    assert fake_app.kicks == 1
    await _after(fake_app)  # the next update queued nothing
    assert fake_app.kicks == 1
    await _queue(env, "notice:1")  # a key already queued adds nothing
    await _after(fake_app)
    assert fake_app.kicks == 1
    async with env.db.transaction() as tx:  # many at once count too
        await outbox.enqueue_many(
            tx,
            [NewMessage(dedupe_key=f"n:{i}", kind="nudge", chat_id=i, text="x") for i in range(3)],
            NOW,
        )
    await _after(fake_app)
    assert fake_app.kicks == 2


async def test_no_drain_without_background_delivery(env: Env, fake_app: FakeApplication) -> None:
    """Tests drive delivery themselves (background off): never a drain of its own."""
    fake_app.bot_data["background"] = False
    await _queue(env, "notice:2")
    await _after(fake_app)
    assert fake_app.kicks == 0


async def test_a_known_unchanged_sender_costs_no_write(env: Env) -> None:
    who = TgUser(user_id=77, first_name="张", username="zhang", language_code="zh-hans")
    first = await identify(env, who, NOW)  # first seen: written
    begun = env.db.begun
    begun.clear()
    again = await identify(env, who, NOW + timedelta(minutes=1))
    assert again.user == first.user
    assert begun == Counter({"BEGIN": 1})  # one read, no BEGIN IMMEDIATE
    renamed = await identify(
        env, TgUser(77, "张三", "", "zhang", "zh-hans"), NOW + timedelta(minutes=2)
    )
    assert renamed.user.first_name == "张三"
    assert begun["BEGIN IMMEDIATE"] == 1  # changed: written once
