"""(a) Fan-out through real HTTP: `zhibu run` sends N reminders due at start-up.

The fake Bot API answers 429 above 30 messages/s; the figures are the rate
zhibu reaches (aim: the 30/s limit), how many 429s it drew, and — because the
start-up reconcile delivers before polling begins — when the first getUpdates
came and how long a `/help` sent a third of the way through waited for its reply.

Run: python -m benchmarks.http_fanout [--quick] [--repeats 3] [-n N] [--rate-limit 30]
(`--rate-limit` sets zhibu's ZHIBU_RATE_LIMIT; the server's limit stays 30/s.)
"""

from __future__ import annotations

import asyncio

from benchmarks import _http
from benchmarks._http import LIMIT, ZHIBU_TOKEN, BenchError, Series
from benchmarks._http import to_secretaries as _reminders

QUICK, FULL = 300, 2000


async def one_run(count: int, rate_limit: float = LIMIT) -> dict[str, float]:
    async with _http.bench_world(count) as (server, db, folder):
        proc = await _http.spawn_zhibu(
            server.base_url, db, folder, stage_due_now=True, rate_limit=rate_limit
        )
        budget = 60 + 3 * count / LIMIT  # bounded: three times the ideal, plus start-up
        try:
            if not await server.wait_for(
                lambda: len(_reminders(server)) >= count // 3 or not proc.alive(), budget
            ):
                raise BenchError(f"fewer than {count // 3} reminders:\n{proc.tail()}")
            asked = server.calls[-1].at
            server.push_text(ZHIBU_TOKEN, chat_id=_http.ADMIN_ID, text="/help")
            if not await server.wait_for(
                lambda: len(_reminders(server)) >= count or not proc.alive(), budget
            ):
                raise BenchError(f"{len(_reminders(server))}/{count} reminders:\n{proc.tail()}")
            polled = await _http.first_poll(server, ZHIBU_TOKEN, proc, 30)
            if not await server.wait_for(lambda: bool(_http.to_admin(server, asked)), 30):
                raise BenchError(f"no answer to /help:\n{proc.tail()}")
        finally:
            await proc.stop()
    sent = _reminders(server)
    first, last = sent[0].at, sent[-1].at
    return {
        "rate": (len(sent) - 1) / (last - first),
        "too_many": server.too_many(ZHIBU_TOKEN),
        "poll_after_start": polled - proc.started,
        "poll_after_fanout": polled - last,
        "help_latency": _http.to_admin(server, asked)[0].at - asked,
        "fanout_seconds": last - first,
    }


async def run(size: int, repeats: int, rate_limit: float = LIMIT) -> None:
    print(
        f"(a) fan-out: {size} reminders due at start-up, ZHIBU_RATE_LIMIT={rate_limit:g}, "
        f"429 above {LIMIT:.0f}/s, {repeats} runs"
    )
    series = {
        "rate": Series("rate", "msg/s"),
        "too_many": Series("429 answers", ""),
        "poll_after_start": Series("start → first getUpdates", "s"),
        "help_latency": Series("/help sent 1/3 through the fan-out → reply", "s"),
    }
    await _http.repeat_runs(
        repeats,
        lambda: one_run(size, rate_limit),
        series,
        lambda r: (
            f"  run: {r['rate']:.2f} msg/s over {r['fanout_seconds']:.1f} s, "
            f"{r['too_many']:.0f} × 429; first getUpdates {r['poll_after_start']:.1f} s after "
            f"start ({r['poll_after_fanout']:+.2f} s from the last reminder); "
            f"/help answered after {r['help_latency']:.2f} s"
        ),
    )
    rate = series["rate"]
    print(rate.line())
    print(
        f"    ratio to the {LIMIT:.0f} msg/s limit: min {rate.min / LIMIT:.3f}, "
        f"median {rate.median / LIMIT:.3f}"
    )
    print(series["too_many"].line(".0f"))
    print(series["poll_after_start"].line())
    print(series["help_latency"].line())


if __name__ == "__main__":
    parser = _http.parser_for(__doc__ or "", QUICK, FULL)
    parser.add_argument("--rate-limit", type=float, default=LIMIT, help="ZHIBU_RATE_LIMIT")
    args = _http.parse_args(__doc__ or "", QUICK, FULL, parser)
    asyncio.run(run(args.size, args.repeats, args.rate_limit))
