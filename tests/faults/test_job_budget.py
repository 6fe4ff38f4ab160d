"""Heavy jobs (ledger, Word circular, chart) run in a worker with a time and a memory
budget: one over budget is stopped with a clear answer, and the bot keeps answering."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import timedelta

import pytest

from bot.records import requests
from bot.services import job_worker
from bot.services.job_worker import Budget
from bot.testing.sim import Sim
from tests.catalog import check, key, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, text_of

MiB = 1024 * 1024


def slow_ledger(*args: object) -> bytes:
    """Stands in for a ledger that never ends (imported by name in the worker)."""
    time.sleep(120)
    return b""


def allocate(size: int) -> int:
    return len(bytearray(size))


async def test_past_its_time_the_job_is_stopped_and_others_go_on() -> None:
    order: list[str] = []

    async def other_user() -> None:
        await asyncio.sleep(0.05)
        order.append("other user answered")

    async def runaway() -> None:
        with pytest.raises(job_worker.TimedOut):
            await job_worker.run(Budget("ledger", 1.0, None), time.sleep, 120)
        order.append("job stopped")

    started = time.perf_counter()
    await asyncio.gather(runaway(), other_user())
    assert order == ["other user answered", "job stopped"]
    assert time.perf_counter() - started < 60  # stopped, not waited out (120 s)
    # The next job gets a new worker.
    assert await job_worker.run(job_worker.LEDGER, allocate, 1000) == 1000


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is set on Linux")
async def test_past_its_memory_the_job_is_stopped_and_the_next_has_its_own() -> None:
    with pytest.raises(job_worker.OutOfMemory):
        await job_worker.run(Budget("chart", 30.0, 512 * MiB), allocate, 4096 * MiB)
    # The cap was the job's: the next one may use more than 512 MiB.
    assert await job_worker.run(Budget("chart", 30.0, None), allocate, 600 * MiB) == 600 * MiB


async def test_a_ledger_over_budget_is_a_clear_answer_and_the_bot_answers_on(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    await committee(sim, {"甲支部": 201})
    monkeypatch.setattr(requests, "_ledger_xlsx", slow_ledger)
    monkeypatch.setattr(job_worker, "LEDGER", Budget("ledger", 1.0, None))
    out = await sim.say(ADMIN, "/export")
    check(out, "job_too_slow", what=key("job_what_ledger"), seconds=1)
    assert not [m for m in out if m.kind == "document"]
    check(await sim.say(201, "/help"), "help_head")
    # Within budget again, the same request makes the workbook.
    monkeypatch.undo()
    out = await sim.say(ADMIN, "/export")
    assert [m.file_name for m in out if m.kind == "document"] == ["zhibu-台账-2026.xlsx"]


async def test_a_circular_file_over_budget_never_holds_back_the_text(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chart of the month runs past its budget: the circular's text and its Word file
    go out, the admins are told once why the chart did not, and /circulardoc says so."""
    monkeypatch.setattr(requests, "_ledger_xlsx", slow_ledger)  # unused: only the chart
    monkeypatch.setattr(job_worker, "CHART", Budget("chart", 0.0, None))  # always past it
    await committee(sim, {"甲支部": 201})
    await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(days=1))
    posted = sim.double.sent_to(COORD_GROUP)
    assert any(matches(m, "circ_title", y=2026, m=11) for m in posted), text_of(posted)
    assert [m.kind for m in posted if m.kind != "text"] == ["document"]
    out = await sim.say(ADMIN, "/circulardoc 2026-11")
    check(out, "job_too_slow", what=key("job_what_chart"), seconds=0)
    await sim.tick()
    notices = [m for m in sim.double.sent_to(ADMIN) if matches([m], "render_failed_admin")]
    assert len(notices) == 1, text_of(notices)
    assert "chart ran past its 0 s and was stopped" in text_of(notices)
    check(await sim.say(201, "/help"), "help_head")
