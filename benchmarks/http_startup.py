"""(d) Start-up through real HTTP: process start → first getUpdates, and idle RSS.

`zhibu run` (a committee of N branches, nothing due) and the echo peer start in
turn, never together, against the fake Bot API; each is timed from just before
the exec to its first getUpdates, then left idle for a moment and its VmRSS read
from /proc. The ratios are zhibu's to the peer's.

Run: python -m benchmarks.http_startup [--quick] [--repeats 3] [-n N]
"""

from __future__ import annotations

import asyncio

from benchmarks import _http
from benchmarks._http import PEER_TOKEN, ZHIBU_TOKEN, Proc, Series
from benchmarks.fake_botapi import FakeBotApi

QUICK, FULL = 300, 2000
IDLE_SECONDS = 2.0


async def _measure(server: FakeBotApi, proc: Proc, token: str) -> tuple[float, float]:
    try:
        polled = await _http.first_poll(server, token, proc, 60)
        await asyncio.sleep(IDLE_SECONDS)
        return polled - proc.started, proc.rss_mib()
    finally:
        await proc.stop()


async def one_run(count: int) -> dict[str, float]:
    async with _http.bench_world(count, limits=False) as (server, db, folder):
        z_start, z_rss = await _measure(
            server,
            await _http.spawn_zhibu(server.base_url, db, folder, stage_due_now=False),
            ZHIBU_TOKEN,
        )
        p_start, p_rss = await _measure(
            server, await _http.spawn_peer(server.base_url, folder), PEER_TOKEN
        )
    return {"z_start": z_start, "z_rss": z_rss, "p_start": p_start, "p_rss": p_rss}


async def run(size: int, repeats: int) -> None:
    print(f"(d) start-up and idle RSS: zhibu with {size} branches vs the echo peer, {repeats} runs")
    series = {
        "z_start": Series("zhibu start → first getUpdates", "s"),
        "p_start": Series("peer start → first getUpdates", "s"),
        "z_rss": Series("zhibu idle RSS", "MiB"),
        "p_rss": Series("peer idle RSS", "MiB"),
    }
    await _http.repeat_runs(
        repeats,
        lambda: one_run(size),
        series,
        lambda r: (
            f"  run: zhibu {r['z_start']:.2f} s, {r['z_rss']:.1f} MiB; "
            f"peer {r['p_start']:.2f} s, {r['p_rss']:.1f} MiB"
        ),
    )
    for s in series.values():
        print(s.line(".2f" if s.unit == "s" else ".1f"))
    z, p = series["z_start"], series["p_start"]
    print(f"    start-up zhibu/peer: min {z.min / p.min:.2f}, median {z.median / p.median:.2f}")
    z, p = series["z_rss"], series["p_rss"]
    print(f"    RSS zhibu/peer: min {z.min / p.min:.2f}, median {z.median / p.median:.2f}")


if __name__ == "__main__":
    args = _http.parse_args(__doc__ or "", QUICK, FULL)
    asyncio.run(run(args.size, args.repeats))
