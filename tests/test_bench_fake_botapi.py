"""The benchmarks' fake Bot API answers over HTTP and enforces flood control."""

from __future__ import annotations

import httpx

from benchmarks.fake_botapi import FakeBotApi

TOKEN = "123:TEST"


async def test_send_message_and_429_with_retry_after() -> None:
    server = FakeBotApi(limits=True, per_second=2)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"{server.base_url}/bot{TOKEN}") as client:
            me = (await client.post("/getMe")).json()
            assert me["ok"] and me["result"]["is_bot"]
            answers = [
                await client.post("/sendMessage", data={"chat_id": "42", "text": f"hi {i}"})
                for i in range(3)
            ]
            first = answers[0].json()
            assert first["ok"] and first["result"]["chat"]["id"] == 42
            assert first["result"]["text"] == "hi 0"
            assert answers[2].status_code == 429
            body = answers[2].json()
            assert body["ok"] is False and body["error_code"] == 429
            assert body["parameters"]["retry_after"] >= 1
            server.push_text(TOKEN, chat_id=7, text="/help")
            polled = (await client.post("/getUpdates", data={"timeout": "1"})).json()
            assert polled["result"][0]["message"]["text"] == "/help"
    finally:
        await server.stop()
    assert server.too_many(TOKEN) == 1
    assert len(server.calls_of(TOKEN, "sendMessage")) == 2
