"""(c) Report handling through real HTTP: a burst of K secretaries' reports, zhibu vs the peer.

zhibu and the echo peer run side by side against one fake Bot API (429 above
30/s, per bot), both up for the whole run. Each gets K private messages at one instant,
one bot's burst after the other's (the order alternates run by run; `--together` sends
both at once, where on a 2-core machine each bot's rate also depends on how much CPU the
other takes): for zhibu, K
secretaries replying to the bot's question about this month's report (so each
is stored as a report and acknowledged); for the peer, K texts it echoes. The
figure is updates handled per second — from the burst to the last answer — for
each, and zhibu's ratio to the peer. Both send through the same AIORateLimiter
(30/s), so 1.0 means zhibu's own work costs nothing visible.

A third process, the *shaped* peer (`echo_peer --shaped`), answers every text as zhibu
acknowledges a report (the same HTML and four buttons) and runs as zhibu runs (chats
concurrently, zhibu's limiter and HTTP client), with none of zhibu's own work; it gets
the same updates as zhibu (replies to a bot question). zhibu ÷ shaped is what zhibu's
own work costs (storage, roles, catalog, signing); shaped ÷ peer is what its answer and
its concurrency cost in python-telegram-bot and httpx. Not in `--together`.

Also printed: the 99th percentile of the time from the burst to each chat's
answer, for each, and zhibu's ÷ the peer's; and each process's CPU time (all its
threads, from /proc) per update while the burst was handled, which the machine's
load disturbs less than the rates. At the default 30/s both are paced by the
limiter; `--rate-limit R` raises it for both (and lifts the fake server's limits),
so the bots' own work shows.

Run: python -m benchmarks.http_reports [--quick] [--repeats 3] [-n K] [--rate-limit R]
"""

from __future__ import annotations

import asyncio
import time

from benchmarks import _http
from benchmarks._http import LIMIT, PEER_TOKEN, SHAPED_TOKEN, ZHIBU_TOKEN, BenchError, Series
from benchmarks._http import to_secretaries as _answers
from benchmarks.fake_botapi import Call, FakeBotApi

QUICK, FULL = 150, 600
REPORT = "本月召开支部委员会1次，组织党员学习2次，开展主题党日活动1次。" * 4


def _answered(calls: list[Call], count: int) -> list[float]:
    """When each of the `count` chats got its first answer, earliest first."""
    first: dict[int, float] = {}
    for c in calls:
        first.setdefault(c.chat_id or 0, c.at)
    if len(first) < count:
        raise BenchError(f"only {len(first)} of {count} chats answered")
    return sorted(first.values())


def _p99(times: list[float], since: float) -> float:
    return times[min(len(times) - 1, int(0.99 * len(times)))] - since


def _push(server: FakeBotApi, count: int, token: str) -> None:
    """`count` private texts at one instant: for zhibu, replies to its report question."""
    for i in range(count):
        reply_to = _http.prompt_id(i) if token != PEER_TOKEN else None
        server.push_text(token, chat_id=_http.secretary(i), text=REPORT, reply_to=reply_to)


async def one_run(
    count: int,
    rate_limit: float = LIMIT,
    order: tuple[str, ...] = ("zhibu", "peer", "shaped"),  # whose burst first (not together)
    together: bool = False,
) -> dict[str, float]:
    limits = rate_limit <= LIMIT  # above it the fake server must not answer 429
    async with _http.bench_world(count, prompts=True, limits=limits) as (server, db, folder):
        zhibu = await _http.spawn_zhibu(
            server.base_url, db, folder, stage_due_now=False, rate_limit=rate_limit
        )
        peer = await _http.spawn_peer(server.base_url, folder, rate_limit)
        shaped = await _http.spawn_peer(server.base_url, folder, rate_limit, shaped=True)
        procs = {
            "zhibu": (ZHIBU_TOKEN, zhibu),
            "peer": (PEER_TOKEN, peer),
            "shaped": (SHAPED_TOKEN, shaped),
        }
        try:
            for token, proc in procs.values():
                await _http.first_poll(server, token, proc, 60)
            await asyncio.sleep(0.5)  # both idle in a long poll
            bursts: dict[str, float] = {}
            cpu: dict[str, float] = {}
            budget = 60 + 3 * count / min(LIMIT, rate_limit)
            if together:
                before = {"zhibu": zhibu.cpu_seconds(), "peer": peer.cpu_seconds()}
                burst = time.perf_counter()
                _push(server, count, ZHIBU_TOKEN)
                _push(server, count, PEER_TOKEN)
                bursts = {"zhibu": burst, "peer": burst}
                done = await server.wait_for(
                    lambda: (
                        len(_answers(server, ZHIBU_TOKEN, burst)) >= count
                        and len(_answers(server, PEER_TOKEN, burst)) >= count
                    ),
                    budget,
                )
                cpu = {
                    "zhibu": zhibu.cpu_seconds() - before["zhibu"],
                    "peer": peer.cpu_seconds() - before["peer"],
                }
            else:
                # One burst at a time, both processes up: on a 2-core machine two bursts
                # at once make each bot's rate depend on how much CPU the other takes.
                done = True
                for name in order:
                    token, proc = procs[name]
                    before_cpu = proc.cpu_seconds()
                    at = bursts[name] = time.perf_counter()
                    _push(server, count, token)
                    done = done and await server.wait_for(
                        lambda t=token, a=at: len(_answers(server, t, a)) >= count, budget
                    )
                    cpu[name] = proc.cpu_seconds() - before_cpu
                    await asyncio.sleep(0.5)  # the finished bot back to its long poll
            if not done:
                raise BenchError(
                    f"answers: zhibu {len(_answers(server, ZHIBU_TOKEN, bursts['zhibu']))}, "
                    f"peer {len(_answers(server, PEER_TOKEN, bursts['peer']))} of {count}:\n"
                    f"{zhibu.tail()}"
                )
        finally:
            await asyncio.gather(*(proc.stop() for _, proc in procs.values()))
    z = _answers(server, ZHIBU_TOKEN, bursts["zhibu"])
    p = _answers(server, PEER_TOKEN, bursts["peer"])
    # A stored report is acknowledged with a "revise" button (callback data ...rev:<id>).
    saved = [c for c in z if "rev:" in str(c.params.get("reply_markup", ""))]
    zt, pt = _answered(z, count), _answered(p, count)
    figures = {
        "zhibu": count / (zt[-1] - bursts["zhibu"]),
        "peer": count / (pt[-1] - bursts["peer"]),
        "zhibu_p99": _p99(zt, bursts["zhibu"]),
        "peer_p99": _p99(pt, bursts["peer"]),
        "acknowledged": len({c.chat_id for c in saved}),
        "too_many": server.too_many(ZHIBU_TOKEN) + server.too_many(PEER_TOKEN),
        "zhibu_cpu": cpu["zhibu"] / count * 1000,
        "peer_cpu": cpu["peer"] / count * 1000,
    }
    if "shaped" in bursts:
        st = _answered(_answers(server, SHAPED_TOKEN, bursts["shaped"]), count)
        figures["shaped"] = count / (st[-1] - bursts["shaped"])
        figures["shaped_cpu"] = cpu["shaped"] / count * 1000
        figures["own_ratio"] = figures["zhibu"] / figures["shaped"]
        figures["shape_ratio"] = figures["shaped"] / figures["peer"]
    figures["ratio"] = figures["zhibu"] / figures["peer"]
    figures["p99_ratio"] = figures["zhibu_p99"] / figures["peer_p99"]
    figures["cpu_ratio"] = figures["zhibu_cpu"] / figures["peer_cpu"]
    return figures


async def run(size: int, repeats: int, rate_limit: float = LIMIT, together: bool = False) -> None:
    how = "both bursts at once" if together else "one bot's burst at a time, order rotating"
    print(
        f"(c) report handling: a burst of {size} private reports, zhibu vs the echo peer"
        f"{'' if together else ' and the shaped peer'}, {repeats} runs, "
        f"all limited to {rate_limit:g}/s ({how})"
    )
    series = {
        "zhibu": Series("zhibu", "updates/s"),
        "peer": Series("peer", "updates/s"),
        "ratio": Series("zhibu / peer", ""),
        "zhibu_p99": Series("zhibu p99 burst → answer", "s"),
        "peer_p99": Series("peer p99 burst → answer", "s"),
        "p99_ratio": Series("p99 zhibu / peer (aim ≤ 2)", ""),
        "zhibu_cpu": Series("zhibu CPU per update", "ms"),
        "peer_cpu": Series("peer CPU per update", "ms"),
        "cpu_ratio": Series("CPU per update, zhibu / peer", ""),
    }
    if not together:
        series.update(
            shaped=Series("shaped peer (zhibu's answer, none of its work)", "updates/s"),
            shaped_cpu=Series("shaped peer CPU per update", "ms"),
            own_ratio=Series("zhibu / shaped peer: zhibu's own work", ""),
            shape_ratio=Series("shaped peer / peer: the answer and the concurrency", ""),
        )
    names = ("zhibu", "peer", "shaped")
    orders = iter([names[i:] + names[:i] for i in range(3)] * repeats)
    await _http.repeat_runs(
        repeats,
        lambda: one_run(size, rate_limit, next(orders), together),
        series,
        lambda r: (
            f"  run: zhibu {r['zhibu']:.2f}/s ({r['acknowledged']:.0f} of {size} acknowledged "
            f"as reports), peer {r['peer']:.2f}/s, ratio {r['ratio']:.3f}; "
            f"{r['too_many']:.0f} × 429"
        ),
    )
    print(series["zhibu"].line())
    print(series["peer"].line())
    print(series["ratio"].line(".3f") + "  (aim ≥ 0.8)")
    print(series["zhibu_p99"].line())
    print(series["peer_p99"].line())
    print(series["p99_ratio"].line(".3f"))
    print(series["zhibu_cpu"].line())
    print(series["peer_cpu"].line())
    print(series["cpu_ratio"].line())
    if not together:
        print(series["shaped"].line())
        print(series["shaped_cpu"].line())
        print(series["own_ratio"].line(".3f"))
        print(series["shape_ratio"].line(".3f"))


if __name__ == "__main__":
    parser = _http.parser_for(__doc__ or "", QUICK, FULL)
    parser.add_argument("--rate-limit", type=float, default=LIMIT, help="both bots' limit")
    parser.add_argument(
        "--together", action="store_true", help="both bursts at the same instant (the old way)"
    )
    args = _http.parse_args(__doc__ or "", QUICK, FULL, parser)
    asyncio.run(run(args.size, args.repeats, args.rate_limit, args.together))
