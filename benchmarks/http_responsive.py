"""(b) Responsiveness through real HTTP: `/help` latency while a fan-out runs.

`zhibu run` starts with nothing due; the admin sends `/remind`, which queues a
nudge for each of N branches and drains them in the background — the way the
minute tick sends a stage — while the admin keeps sending `/help`, one at a
time. The figures: `/help` latency idle (before `/remind`) and during the
fan-out, their ratio, against the README's 0.5 s aim; and the fan-out's rate.

Run: python -m benchmarks.http_responsive [--quick] [--repeats 3] [-n N]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time

from benchmarks import _http
from benchmarks._http import LIMIT, ZHIBU_TOKEN, BenchError, Series
from benchmarks._http import to_secretaries as _nudges
from benchmarks.fake_botapi import FakeBotApi

QUICK, FULL = 300, 2000
AIM = 0.5  # seconds; README: the latency aim
IDLE_PINGS = 3
PINGS = 30  # at most, during the fan-out
GAP = 0.5  # seconds between an answer and the next /help
REPLY_WITHIN = 30.0


async def _ask(server: FakeBotApi, text: str) -> tuple[float, float]:
    """Send `text` from the admin; (sent at, answered at) — the first message to the admin."""
    asked = time.perf_counter()
    server.push_text(ZHIBU_TOKEN, chat_id=_http.ADMIN_ID, text=text)
    if not await server.wait_for(lambda: bool(_http.to_admin(server, asked)), REPLY_WITHIN):
        raise BenchError(f"no answer to {text} within {REPLY_WITHIN:g} s")
    return asked, _http.to_admin(server, asked)[0].at


async def _remind_confirmed(server: FakeBotApi) -> None:
    """`/remind`, then its confirmation button (it asks first how many it will message)."""
    asked = time.perf_counter()
    await _ask(server, "/remind")
    question = _http.to_admin(server, asked)[-1]
    markup = question.params.get("reply_markup")
    parsed = json.loads(markup) if isinstance(markup, str) else markup
    rows = parsed.get("inline_keyboard", []) if isinstance(parsed, dict) else []
    data = next((b["callback_data"] for row in rows for b in row if "callback_data" in b), None)
    if data is None:
        raise BenchError("/remind asked no confirmation")
    server.push_callback(ZHIBU_TOKEN, chat_id=_http.ADMIN_ID, message=question, data=data)


async def one_run(count: int) -> dict[str, object]:
    async with _http.bench_world(count) as (server, db, folder):
        proc = await _http.spawn_zhibu(server.base_url, db, folder, stage_due_now=False)
        idle: list[float] = []
        busy: list[float] = []
        try:
            await _http.first_poll(server, ZHIBU_TOKEN, proc, 60)
            for _ in range(IDLE_PINGS):
                asked, answered = await _ask(server, "/help")
                idle.append(answered - asked)
                await asyncio.sleep(GAP)
            await _remind_confirmed(server)
            if not await server.wait_for(lambda: len(_nudges(server)) >= count // 10, 60):
                raise BenchError(f"the fan-out did not start:\n{proc.tail()}")
            for _ in range(PINGS):
                if len(_nudges(server)) >= count * 0.95:
                    break  # too close to the end to count as "during"
                asked, answered = await _ask(server, "/help")
                if len(_nudges(server)) < count:  # still fanning out when answered
                    busy.append(answered - asked)
                await asyncio.sleep(GAP)
            budget = 60 + 3 * count / LIMIT
            if not await server.wait_for(lambda: len(_nudges(server)) >= count, budget):
                raise BenchError(f"{len(_nudges(server))}/{count} nudges:\n{proc.tail()}")
        finally:
            await proc.stop()
    sent = _nudges(server)
    return {
        "idle": idle,
        "busy": busy,
        "rate": (len(sent) - 1) / (sent[-1].at - sent[0].at),
        "too_many": server.too_many(ZHIBU_TOKEN),
    }


async def run(size: int, repeats: int) -> None:
    print(f"(b) responsiveness: /help while /remind fans out to {size} branches, {repeats} runs")
    idle = Series("/help idle, median of a run", "s")
    busy = Series("/help during the fan-out, median of a run", "s")
    worst = Series("/help during the fan-out, worst of a run", "s")
    rate = Series("background fan-out rate", "msg/s")
    too_many = Series("429 answers", "")
    for _ in range(repeats):
        r = await one_run(size)
        idle_v, busy_v = r["idle"], r["busy"]
        assert isinstance(idle_v, list) and isinstance(busy_v, list)
        if not busy_v:
            raise BenchError("no /help was answered during the fan-out; use a larger -n")
        idle.add(statistics.median(idle_v))
        busy.add(statistics.median(busy_v))
        worst.add(max(busy_v))
        rate.add(float(r["rate"]))  # type: ignore[arg-type]
        too_many.add(float(r["too_many"]))  # type: ignore[arg-type]
        print(
            f"  run: idle {', '.join(f'{v:.3f}' for v in idle_v)} s; during the fan-out "
            f"({len(busy_v)} asks) median {statistics.median(busy_v):.3f} s, "
            f"worst {max(busy_v):.3f} s; fan-out {r['rate']:.2f} msg/s, {r['too_many']} × 429"
        )
    print(idle.line(".3f"))
    print(busy.line(".3f"))
    print(worst.line(".3f"))
    print(
        f"    during/idle: {busy.median / idle.median:.1f}×; "
        f"worst/aim ({AIM} s): {worst.median / AIM:.2f}"
    )
    print(rate.line())
    print(too_many.line(".0f"))


if __name__ == "__main__":
    args = _http.parse_args(__doc__ or "", QUICK, FULL)
    asyncio.run(run(args.size, args.repeats))
