"""The monthly circular with the report form's totals, 200 branches (issue #12's aim: well
under a second), beside the same circular without a form (the peer: what the form adds).

Run: python benchmarks/bench_form_circular.py [branches] [runs]
Prints each run's time to build the model (read the month, count, lay out) and render
the chat messages, then min / median of both and their ratio.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._world import TZ, build
from bot.calendar import Month, due_date
from bot.forms.yamlio import load_form_file
from bot.services import circular, forms
from bot.services.base import Env
from bot.settings import Settings, WorkdayRule
from storage import forms as form_store
from storage import reports
from storage.db import Database

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "forms" / "机关党支部.yaml"
MONTH = Month(2026, 11)


async def _answer_all(env: Env, branches: int, now: datetime) -> None:
    """Every branch reports November with the sample form (stored as the service stores it)."""
    form = load_form_file(SAMPLE)
    version = await forms.set_form(env, form, MONTH, now)
    async with env.db.transaction() as tx:
        await reports.ensure_cycle(tx, str(MONTH), due_date(MONTH, 25, WorkdayRule.OFF), now)
        for i in range(branches):
            report = await reports.insert_report(
                tx, i + 1, str(MONTH), 10_000_000 + i, "表单", now, False
            )
            await form_store.set_report_form(tx, report.id, version.id)
            for f in form.fields:
                value = {"number": str(i % 4), "yesno": "true" if i % 5 else "false"}.get(
                    f.type, '"本月按计划开展工作"'
                )
                await form_store.set_answer(tx, report.id, f.key, value, 10_000_000 + i, now)


async def _time_build(env: Env, at: datetime, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        async with env.db.reading() as tx:
            model = await circular.build(env, tx, MONTH, at)
        circular.chat_messages(model)
        times.append(time.perf_counter() - t)
    return times


async def world(folder: str, name: str, branches: int, with_form: bool) -> Env:
    path = Path(folder) / f"{name}.sqlite3"
    db = await Database.open(path)
    env = Env(db=db, cfg=Settings(_env_file=None, db=path))
    now = datetime(2026, 11, 2, 10, 0, tzinfo=TZ)
    await build(db, branches, 6, now)
    if with_form:
        await _answer_all(env, branches, datetime(2026, 11, 10, 9, 0, tzinfo=TZ))
    return env


async def main(branches: int, runs: int) -> None:
    at = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
    with tempfile.TemporaryDirectory() as folder:
        plain_env = await world(folder, "plain", branches, with_form=False)
        form_env = await world(folder, "form", branches, with_form=True)
        plain: list[float] = []
        with_form: list[float] = []
        for _ in range(runs):  # interleaved, so both see the same machine load
            plain += await _time_build(plain_env, at, 1)
            with_form += await _time_build(form_env, at, 1)
        for env in (plain_env, form_env):
            await env.db.close()
    ms = [f"{t * 1000:.0f}" for t in with_form]
    print(f"circular with form totals, {branches} branches, each run (ms): {', '.join(ms)}")
    for label, times in (("with form", with_form), ("without form (peer)", plain)):
        print(
            f"{label:>20}: min {min(times) * 1000:7.1f} ms · "
            f"median {statistics.median(times) * 1000:7.1f} ms"
        )
    ratio = statistics.median(with_form) / statistics.median(plain)
    aim = statistics.median(with_form) / 1.0
    print(f"median with ÷ without: {ratio:.2f} · median ÷ aim (1 s): {aim:.3f}")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    r = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    asyncio.run(main(n, r))
