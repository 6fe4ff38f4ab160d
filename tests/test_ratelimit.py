"""zhibu's rate limiter on a fake clock: pacing, interactive first, 429 pauses, groups."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram import Bot
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.app import build_application
from bot.ratelimit import BULK, ZhibuRateLimiter, bulk, warn_if_paid_rate
from bot.services.base import Env
from bot.testing.botapi_double import BotApiDouble, UpdateFactory
from tests.conftest import make_settings

TOKEN = "123456:TEST-TOKEN-not-real-000000000000"
# Event-loop rounds that let every woken task run until it waits again.
SETTLE_ROUNDS = 40


class FakeTime:
    """A controllable clock: `sleep` waits until `advance` moves time past its deadline."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(delay, 0.0), next(self._order), waiter))
        await waiter

    async def settle(self) -> None:
        for _ in range(SETTLE_ROUNDS):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`, waking each sleeper at its own moment."""
        end = self.now + seconds
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= end:
            when, _, waiter = heapq.heappop(self._sleepers)
            self.now = max(self.now, when)
            if not waiter.done():
                waiter.set_result(None)
                await self.settle()
        self.now = end

    async def finish(self, tasks: Iterable[asyncio.Future[Any]], limit: float = 3600) -> None:
        """Advance until every task is done (at most `limit` seconds)."""
        pending = list(tasks)
        start = self.now
        while not all(task.done() for task in pending):
            assert self.now - start < limit, "tasks still waiting"
            await self.advance(0.5)


@dataclass
class Call:
    at: float
    chat_id: int | str | None
    tag: str


@dataclass
class FakeApi:
    """The limiter's callback: records each call; scripted chats answer 429."""

    time: FakeTime
    calls: list[Call] = field(default_factory=list)
    # chat_id → retry_after of each 429 still to answer, in order
    floods: dict[int | str | None, list[int]] = field(default_factory=dict)

    async def post(self, endpoint: str, data: dict[str, Any]) -> dict[str, Any]:
        chat_id = data.get("chat_id")
        self.calls.append(Call(self.time.now, chat_id, data.get("tag", "")))
        pending = self.floods.get(chat_id)
        if pending:
            raise RetryAfter(pending.pop(0))
        return {"ok": True, "endpoint": endpoint}

    def times(self, tag: str | None = None) -> list[float]:
        return [c.at for c in self.calls if tag is None or c.tag == tag]


def send(
    limiter: ZhibuRateLimiter,
    api: FakeApi,
    chat_id: int | str | None,
    *,
    is_bulk: bool,
    tag: str = "",
    endpoint: str = "sendMessage",
    rate_limit_args: Any = None,
) -> asyncio.Task[Any]:
    data: dict[str, Any] = {"tag": tag}
    if chat_id is not None:
        data["chat_id"] = chat_id
    args = rate_limit_args if rate_limit_args is not None else (BULK if is_bulk else None)
    return asyncio.ensure_future(
        limiter.process_request(
            callback=api.post,
            args=(endpoint, data),
            kwargs={},
            endpoint=endpoint,
            data=data,
            rate_limit_args=args,
        )
    )


def busiest_second(times: list[float]) -> int:
    """The most calls in any window [t, t + 1 s)."""
    ordered = sorted(times)
    best = 0
    for i, start in enumerate(ordered):
        count = sum(1 for t in ordered[i:] if t < start + 1 - 1e-9)
        best = max(best, count)
    return best


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def limiter_on(fake: FakeTime, rate: float = 30, **options: Any) -> ZhibuRateLimiter:
    return ZhibuRateLimiter(rate, clock=fake.clock, sleep=fake.sleep, **options)


async def test_bulk_is_paced_under_the_rate_in_every_second(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    tasks = [send(limiter, api, 1000 + i, is_bulk=True, tag="bulk") for i in range(300)]
    await fake.finish(tasks)
    times = api.times()
    assert len(times) == 300
    assert busiest_second(times) <= 27  # 90 % of 30/s, headroom for replies
    # ... and uses that pace fully: 300 sends at 27/s take about 11 s.
    assert 299 / 27 - 0.01 <= times[-1] - times[0] <= 299 / 27 + 0.5


async def test_bulk_and_interactive_together_never_exceed_the_rate(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    tasks = [send(limiter, api, 1000 + i, is_bulk=True, tag="bulk") for i in range(300)]
    for _second in range(8):
        tasks += [send(limiter, api, 10 + j, is_bulk=False, tag="reply") for j in range(8)]
        await fake.advance(1)
    await fake.finish(tasks)
    assert len(api.calls) == 300 + 64
    assert busiest_second(api.times()) <= 30
    assert busiest_second(api.times("bulk")) <= 27


async def test_interactive_call_goes_before_a_thousand_queued_bulk(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    queued = [send(limiter, api, 1000 + i, is_bulk=True, tag="bulk") for i in range(1000)]
    await fake.advance(2)
    sent_before = len(api.calls)
    assert 50 <= sent_before <= 60  # two seconds at 27/s
    issued = fake.now
    reply = send(limiter, api, 42, is_bulk=False, tag="reply")
    await fake.advance(0.2)
    assert reply.done() and reply.result()["ok"]
    (answered,) = [c for c in api.calls if c.tag == "reply"]
    assert answered.at - issued < 0.1  # at most one bulk slot later
    position = api.calls.index(answered)
    assert position <= sent_before + 1
    assert len(api.calls[position + 1 :]) + position == len(api.calls) - 1
    await fake.finish(queued)
    assert [c.tag for c in api.calls].count("bulk") == 1000
    assert all(c.at > answered.at for c in api.calls[position + 1 :])


async def test_a_group_reply_goes_before_bulk_queued_for_that_group(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    queued = [send(limiter, api, -100, is_bulk=True, tag="bulk") for _ in range(5)]
    await fake.advance(1)
    reply = send(limiter, api, -100, is_bulk=False, tag="reply")
    await fake.finish([reply])
    assert [c.tag for c in api.calls[:2]] == ["bulk", "reply"]
    await fake.finish(queued)


async def test_global_429_pauses_everything_then_resumes_at_the_paced_rate(
    fake: FakeTime,
) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    api.floods[1050] = [3]
    tasks = [send(limiter, api, 1000 + i, is_bulk=True, tag="bulk") for i in range(300)]
    await fake.advance(3)  # 1050 goes out after about 1.85 s
    replies = [send(limiter, api, 42, is_bulk=False, tag="reply")]  # issued during the pause
    await fake.finish(tasks + replies)
    flooded = [c.at for c in api.calls if c.chat_id == 1050]
    assert len(flooded) == 2
    paused_at = flooded[0]
    # Nothing at all during the pause; the retry goes exactly retry_after later, first.
    assert not [t for t in api.times() if paused_at < t < paused_at + 3]
    assert flooded[1] == pytest.approx(paused_at + 3)
    resumed = [t for t in api.times() if t >= paused_at + 3]
    assert resumed[0] == flooded[1]
    # No burst: the queued sends leave at the paced rate, in every window after the pause.
    assert busiest_second(resumed) <= 30
    assert busiest_second(api.times("bulk")) <= 27
    gaps = [b - a for a, b in itertools.pairwise(resumed)]
    assert min(gaps) >= 1 / 30 - 1e-9
    assert all(t.result()["ok"] for t in tasks + replies)


async def test_429_for_one_group_delays_that_group_only(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    api.floods[-100] = [10]
    group_a = [send(limiter, api, -100, is_bulk=True, tag="A") for _ in range(2)]
    group_b = [send(limiter, api, -200, is_bulk=True, tag="B") for _ in range(3)]
    private = [send(limiter, api, 1000 + i, is_bulk=True, tag="private") for i in range(100)]
    await fake.finish(group_a + group_b + private)
    a_times = api.times("A")
    assert len(a_times) == 3  # the 429, its retry, the second message
    assert a_times[1] == pytest.approx(a_times[0] + 10)
    assert a_times[2] >= a_times[1] + 3  # 20 a minute into one group
    # Group B and the private chats did not wait for A's pause.
    b_times = api.times("B")
    assert b_times[-1] < a_times[0] + 10
    assert len(b_times) == 3
    assert min(b - a for a, b in itertools.pairwise(b_times)) >= 3 - 1e-9
    assert max(api.times("private")) < 100 / 27 + 0.5


async def test_group_pacing_does_not_slow_other_chats(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    group = [send(limiter, api, "@branch_one", is_bulk=True, tag="group") for _ in range(5)]
    private = [send(limiter, api, 1000 + i, is_bulk=True, tag="private") for i in range(54)]
    await fake.finish(group + private)
    g = api.times("group")
    assert [b - a for a, b in itertools.pairwise(g)] == pytest.approx([3, 3, 3, 3], abs=0.05)
    assert max(api.times("private")) <= 2.1  # 54 at 27/s, not held up by the group


async def test_second_429_is_raised_to_the_caller(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    api.floods[7] = [2, 2]
    task = send(limiter, api, 7, is_bulk=True)
    await fake.finish([task])
    with pytest.raises(RetryAfter):
        task.result()
    times = [c.at for c in api.calls]
    assert times == pytest.approx([0, 2])
    # The pause of the second 429 still holds for the next send.
    after = send(limiter, api, 8, is_bulk=True)
    await fake.finish([after])
    assert api.calls[-1].at == pytest.approx(4)


async def test_max_retries_per_request_and_zero(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake, max_retries=0), FakeApi(fake)
    api.floods[7] = [1]
    task = send(limiter, api, 7, is_bulk=False)
    await fake.finish([task])
    with pytest.raises(RetryAfter):
        task.result()
    api.floods[8] = [1, 1]
    task = send(limiter, api, 8, is_bulk=False, rate_limit_args={"max_retries": 2})
    await fake.finish([task])
    assert task.result()["ok"]
    assert len([c for c in api.calls if c.chat_id == 8]) == 3


async def test_requests_without_a_chat_are_not_paced_but_respect_a_pause(
    fake: FakeTime,
) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    answers = [
        send(limiter, api, None, is_bulk=False, endpoint="answerCallbackQuery") for _ in range(50)
    ]
    await fake.advance(0)
    assert all(t.done() for t in answers)
    assert set(api.times()) == {0.0}
    api.floods[1] = [5]
    flooded = send(limiter, api, 1, is_bulk=False)
    await fake.advance(1)
    late = send(limiter, api, None, is_bulk=False, endpoint="answerCallbackQuery")
    await fake.finish([flooded, late])
    (late_call,) = [c for c in api.calls[50:] if c.chat_id is None]
    assert late_call.at == pytest.approx(5)


async def test_a_cancelled_waiter_does_not_block_the_queue(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake), FakeApi(fake)
    tasks = [send(limiter, api, 1000 + i, is_bulk=True) for i in range(10)]
    await fake.advance(0)
    tasks[3].cancel()
    tasks[4].cancel()
    await fake.finish([t for i, t in enumerate(tasks) if i not in (3, 4)])
    assert len(api.calls) == 8


async def test_paid_broadcast_rates_are_accepted(fake: FakeTime) -> None:
    limiter, api = limiter_on(fake, rate=1000), FakeApi(fake)
    tasks = [send(limiter, api, 1000 + i, is_bulk=True) for i in range(2000)]
    await fake.finish(tasks)
    times = api.times()
    assert busiest_second(times) <= 900
    assert times[-1] == pytest.approx(1999 / 900, abs=0.05)


@pytest.mark.parametrize("bad", [0, -1, float("nan")])
def test_rate_must_be_positive(bad: float) -> None:
    with pytest.raises(ValueError):
        ZhibuRateLimiter(bad)


def test_one_warning_above_the_free_limit(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.ratelimit"):
        assert not warn_if_paid_rate(30)
        assert warn_if_paid_rate(1000)
    assert len(caplog.records) == 1
    assert "1000" in caplog.records[0].getMessage()


def test_bulk_marks_only_bots_with_a_rate_limiter() -> None:
    assert bulk(Bot(TOKEN)) == {}
    assert bulk(ExtBot(TOKEN)) == {}
    assert bulk(ExtBot(TOKEN, rate_limiter=ZhibuRateLimiter())) == {"rate_limit_args": BULK}


async def test_build_application_uses_it_with_the_configured_rate(env: Env) -> None:
    env = Env(db=env.db, cfg=make_settings(rate_limit=20))
    app = build_application(env, token=TOKEN, request=BotApiDouble(), background=False)
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, ZhibuRateLimiter)
    assert limiter.rate == 20
    assert limiter.max_retries == 1


async def test_through_the_bot_into_the_api_double_without_a_429(fake: FakeTime) -> None:
    """Real ExtBot and request path; the double enforces Telegram's limits on the same clock."""
    double = BotApiDouble()
    double.enforce_limits(per_second=30, per_group_per_minute=20, clock=fake.clock)
    factory = UpdateFactory(double)
    for i in range(120):
        factory.user(1000 + i)
    factory.group(-100)
    limiter = limiter_on(fake)
    ext = ExtBot(TOKEN, request=double, get_updates_request=double, rate_limiter=limiter)
    init = asyncio.ensure_future(ext.initialize())
    await fake.finish([init])
    sends = [
        asyncio.ensure_future(ext.send_message(1000 + i, "提醒", **bulk(ext))) for i in range(120)
    ]
    sends += [
        asyncio.ensure_future(ext.send_message(-100, "群提醒", **bulk(ext))) for _ in range(4)
    ]
    await fake.advance(1)
    replies = [asyncio.ensure_future(ext.send_message(1000, "回复")) for _ in range(5)]
    await fake.finish(sends + replies)
    assert all(t.result().message_id for t in sends + replies)
    assert double.stats.too_many_requests == 0
    await ext.shutdown()
