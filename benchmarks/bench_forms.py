"""Report forms at committee size: every branch fills in the sample form through the
service (field by field, each answer its own transaction, as in chat), then the
month's answers are read back for counting.

    PYTHONPATH=. python benchmarks/bench_forms.py [branches=200]

Printed: the time per answer (median and max), per submit, and for
`answers_for_month` (what the circular and the ledger read) at that size.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks._world import TZ, build
from bot.calendar import Month
from bot.forms.yamlio import load_form_file
from bot.services import forms
from bot.services.base import Env, TgUser, identify
from bot.settings import Settings
from storage.db import Database

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "forms" / "机关党支部.yaml"
ANSWERS = {
    "focus": "学习贯彻党的二十大精神，开展主题教育。" * 5,
    "members_meeting": "1",
    "committee_meeting": "2",
    "group_meeting": "3次",
    "party_lecture": "一",
    "theme_day": "是",
    "theme_day_topic": "重温入党誓词",
    "dues_paid": "是",
    "new_members": "0",
    "problems": "跳过",
    "next_plan": "继续学习",
}


async def main(branches: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        db = await Database.open(path)
        env = Env(db=db, cfg=Settings(_env_file=None, db=path))
        now = datetime(2026, 6, 10, 10, 0, tzinfo=TZ)
        month = Month(2026, 6)
        await build(db, branches, 0, now)
        await forms.set_form(env, load_form_file(SAMPLE), month, now)
        per_answer: list[float] = []
        per_submit: list[float] = []
        for i in range(branches):
            actor = await identify(env, TgUser(10_000_000 + i, f"书记{i + 1}"), now)
            state = await forms.start(env, actor, i + 1, month, now)
            assert state is not None
            while state.asking is not None:
                t = time.perf_counter()
                key = state.asking.key
                state = await forms.answer(env, actor, i + 1, month, key, ANSWERS[key], now)
                per_answer.append(time.perf_counter() - t)
            t = time.perf_counter()
            await forms.submit(env, actor, i + 1, month, now)
            per_submit.append(time.perf_counter() - t)
        t = time.perf_counter()
        answers = await forms.answers_for_month(env, month)
        read = time.perf_counter() - t
        assert len(answers.by_branch) == branches
        print(
            f"{branches} branches × {len(ANSWERS)} answers: per answer median "
            f"{statistics.median(per_answer) * 1000:.1f} ms, max {max(per_answer) * 1000:.1f} ms; "
            f"per submit median {statistics.median(per_submit) * 1000:.1f} ms; "
            f"answers_for_month {read * 1000:.1f} ms"
        )
        await db.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
