"""Hostile plan files sent to the real process: each handled without an unhandled
exception, memory bounded, and another user answered within a second meanwhile."""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

import pytest

from benchmarks.bench_hostile import CASES
from bot.plans.reader import MAX_DOCX_MEMBERS, MAX_DOCX_UNPACKED
from tests.docs import zip_of
from tests.faults.harness import (
    ADMIN,
    TOKEN,
    World,
    at,
    build_committee,
    errors_in,
    integrity,
    loop_stalls,
    query,
    secretary,
    world,
)
from tests.plans.test_hostile_files import BILLION_LAUGHS

# Besides benchmarks/bench_hostile.py's cases (thousands of dates, alias bombs, a .docx
# inflating to 60 MB, broken encodings, random bytes, an empty file), the archive tricks
# of tests/plans/test_hostile_files.py.
EXTRA = {
    "zip bomb by declared size": (
        "方案.docx",
        lambda: zip_of({"word/document.xml": b"\0" * (MAX_DOCX_UNPACKED + 1)}),
    ),
    "too many parts": (
        "方案.docx",
        lambda: zip_of({f"word/{i}.xml": b"" for i in range(MAX_DOCX_MEMBERS + 1)}),
    ),
    "truncated zip": ("方案.docx", lambda: b"PK\x03\x04 not really"),
    "recursive YAML": ("plan.yaml", lambda: b"title: x\ntasks: &t\n  - extra: *t\n"),
    "billion laughs again": ("plan.yml", BILLION_LAUGHS.encode),
    "binary as text": ("方案.txt", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64),
    "random bytes as docx": ("方案.docx", lambda: random.Random(3).randbytes(65536)),
}
PROBE = secretary(0)
# The bound: nothing a user sends stalls the others for more than 1 s. Measured
# twice — the longest step of the bot's event loop (asyncio's debug mode) and a probe
# user's /help wait — and printed. Both include the machine's load (at a load of 8-10 on
# this shared 2-core box a 0.2 s step of CPU has been seen to take 1.0 s), so they are
# asserted with room: 3 s still fails every stall the issue found (17-42 s).
BOUND = 1.0
ASSERTED = 3.0
BOT_RSS_MIB = 400  # the bot process's peak resident set
WORKER_RSS_MIB = 1024  # a plan worker's address space is capped at 1 GiB (plan_worker.py)


async def probe(w: World, until: asyncio.Event, latencies: list[float]) -> None:
    """The probe user asks /help, one at a time, until `until` is set."""
    while not until.is_set():
        sent, reply = await w.ask(PROBE, "/help", within=120)
        latencies.append(reply.at - sent)
        await asyncio.sleep(0.2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for memory")
async def test_hostile_files_through_the_real_process(tmp_path: Path) -> None:
    corpus = [(name, file_name, make()) for name, (file_name, make) in {**CASES, **EXTRA}.items()]
    async with world(tmp_path) as w:
        await build_committee(w.db, 2, at(2026, 2, 2, 10))
        w.set_clock(at(2026, 3, 1, 10))
        # Telegram's pace is not what is measured here (the previews of thousands of
        # tasks are dozens of messages): the fake server has no limits, nor has zhibu.
        proc = await w.started(rate_limit=1000, watch_loop=True)
        idle: list[float] = []
        for _ in range(3):
            sent, reply = await w.ask(PROBE, "/help")
            idle.append(reply.at - sent)

        start = time.perf_counter()
        files = [
            w.server.push_document(TOKEN, chat_id=ADMIN, file_name=file_name, data=data)
            for _, file_name, data in corpus
        ]
        last = w.push_text(ADMIN, "/help")  # the admin's chat is in order: after every file
        finished = asyncio.Event()
        latencies: list[float] = []
        prober = asyncio.create_task(probe(w, finished, latencies))
        try:
            await w.wait(
                lambda: bool(
                    query(
                        w.db, "SELECT 1 FROM inbox WHERE update_id = ? AND state = 'handled'", last
                    )
                ),
                300,
                "the hostile batch",
                proc,
            )
        finally:
            finished.set()
            await prober
        batch_seconds = time.perf_counter() - start
        answers = [c for c in w.to(ADMIN, after=start)]
        workers = proc.descendants()
        peaks = {pid: proc.peak_rss_mib(pid) for pid in workers}
        bot_peak = proc.peak_rss_mib()
        assert await proc.stop() == 0
        assert integrity(w.db) == "ok"
        log = proc.text()

    failures = query(
        w.db,
        f"SELECT update_id, failure FROM inbox WHERE update_id IN ({','.join(map(str, files))}) "
        "AND (state != 'handled' OR failure IS NOT NULL)",
    )
    assert failures == []
    assert errors_in(log) == []
    assert len(answers) >= len(files) + 1  # every file answered, then /help
    assert bot_peak < BOT_RSS_MIB
    assert all(peak < WORKER_RSS_MIB for peak in peaks.values()), peaks
    assert latencies, "the probe was never answered during the batch"
    stalls = loop_stalls(log)
    print(
        f"\nhostile files: {len(corpus)} files ({sum(len(d) for *_, d in corpus) / 2**20:.1f} MiB) "
        f"in {batch_seconds:.1f} s, 0 unhandled; probe /help idle "
        f"{statistics.median(idle):.3f} s, during the batch ({len(latencies)} asks) median "
        f"{statistics.median(latencies):.3f} s, worst {max(latencies):.3f} s; longest event "
        f"loop step {max(stalls, default=0.0):.3f} s; peak RSS bot "
        f"{bot_peak:.0f} MiB, workers {', '.join(f'{p:.0f}' for p in peaks.values())} MiB"
    )
    assert max(stalls, default=0.0) < ASSERTED
    assert max(latencies) < ASSERTED
    if max(stalls, default=0.0) >= BOUND or max(latencies) >= BOUND:
        print(f"(over the {BOUND:g} s bound under this machine's load; asserted < {ASSERTED:g} s)")
