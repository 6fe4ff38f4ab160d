"""zhibu's HTTP client (`bot/http.py`) over real HTTP against the fake Bot API.

What must hold: never more requests under way than connections (the rest wait, and all
are answered once the server answers); the pool keeps to its connections; httpcore's
pool walks linearly; and the application uses this client when no other is given.
"""

from __future__ import annotations

import asyncio

from telegram import Bot

from benchmarks.fake_botapi import FakeBotApi
from bot.app import build_application
from bot.http import BoundedRequest, _LinearPool
from bot.services.base import Env

TOKEN = "123:TEST"


async def test_requests_beyond_the_connections_wait_and_all_are_answered() -> None:
    server = FakeBotApi()
    await server.start()
    request = BoundedRequest(connections=3)
    bot = Bot(TOKEN, base_url=f"{server.base_url}/bot", request=request)
    try:
        await bot.initialize()
        server.hold("sendMessage")  # answers wait: the requests stay under way
        sends = [
            asyncio.create_task(bot.send_message(chat_id=100 + i, text=f"第{i}条"))
            for i in range(8)
        ]
        await server.wait_for(lambda: len(server.calls_of(TOKEN, "sendMessage")) >= 3, 5)
        await asyncio.sleep(0.2)  # time for more to arrive, were they let through
        assert len(server.calls_of(TOKEN, "sendMessage")) == 3
        pool = request._client._transport._pool  # type: ignore[attr-defined]
        assert type(pool) is _LinearPool
        # The other five wait in front of httpx, not in httpcore's pool (whose every
        # request start and end walks its queue).
        assert len(pool._requests) == 3
        server.release("sendMessage")
        sent = await asyncio.wait_for(asyncio.gather(*sends), 10)
        assert sorted(m.chat.id for m in sent) == list(range(100, 108))
        assert 1 <= len(pool.connections) <= 3
    finally:
        await bot.shutdown()
        await server.stop()


async def test_the_application_sends_through_it(env: Env) -> None:
    app = build_application(env, token=TOKEN, background=False)
    assert isinstance(app.bot.request, BoundedRequest)
    assert app.bot.request._slots._value == env.cfg.http_connections  # type: ignore[attr-defined]


async def test_connections_the_server_closed_are_not_used_again() -> None:
    first = FakeBotApi()
    await first.start()
    request = BoundedRequest(connections=3)
    bot = Bot(TOKEN, base_url=f"{first.base_url}/bot", request=request)
    await bot.initialize()
    try:
        first.hold("sendMessage")  # three at once: three connections
        sends = [asyncio.create_task(bot.send_message(chat_id=1, text="早")) for _ in range(3)]
        await first.wait_for(lambda: len(first.calls_of(TOKEN, "sendMessage")) >= 3, 5)
        first.release("sendMessage")
        await asyncio.gather(*sends)
        pool = request._client._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) == 3
        await first.stop()  # the server goes, closing the idle connections
        second = FakeBotApi(port=first.port)  # and comes back at the same address
        await second.start()
        try:
            for i in range(4):  # each idle connection is found closed before it is used
                sent = await bot.send_message(chat_id=2, text=f"午{i}")
                assert sent.text == f"午{i}"
            assert len(second.calls_of(TOKEN, "sendMessage")) == 4
            assert len(pool.connections) <= 3
        finally:
            await second.stop()
    finally:
        await bot.shutdown()
