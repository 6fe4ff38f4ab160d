"""How long the circular's plan section is in the chat, by committee and plan size.

    PYTHONPATH=. python benchmarks/plan_section_size.py [--branches 200 1000 10000]
        [--tasks 3 12 30]

For each size, an in-memory database with that many branches (two of them exempt)
and a plan whose tasks are all overdue at every branch (the worst case: every task
line names its overdue branches), through the real `plans.progress` and
`plans.circular_section`. Printed: the chat section's characters (it must stay one
message, 4096), the branch names it shows, and the characters of the document-only
detail (the full list). Titles are 40 characters, as long as the chat shows them.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.plans.model import PlanSpec, TaskSpec
from bot.services import plans
from bot.services.base import Env
from bot.settings import Settings
from storage import branches as branch_store
from storage.db import Database

NOW = datetime(2026, 11, 26, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


async def measure(n_branches: int, n_tasks: int) -> tuple[int, int, int]:
    db = await Database.open(":memory:")
    try:
        env = Env(db=db, cfg=Settings(_env_file=None, db=":memory:"))  # type: ignore[call-arg]
        async with db.transaction() as tx:
            for i in range(n_branches):
                await branch_store.add_branch(tx, f"第{i:05d}党支部", "", NOW)
        tasks = [
            TaskSpec(title=f"{i:02d}" + "各党支部完成规范化建设工作任务" * 3, due=date(2026, 3, 1))
            for i in range(n_tasks)
        ]
        tasks.append(TaskSpec(title="工委组织审核验收", owner="committee", due=date(2026, 12, 31)))
        await plans.import_plan(env, PlanSpec(title="测试方案", year=2026, tasks=tasks), NOW)
        async with db.reading() as tx:
            progress = await plans.progress(env, tx, NOW.date(), frozenset({1, 2}))
        section = plans.circular_section("zh-Hans", progress, "六", NOW.date())
        assert section is not None
        chat = "\n".join([section.heading_text, *(p.text for p in section.paras)])
        detail = "\n".join(p.text for p in section.detail)
        return len(chat), len(re.findall(r"第\d+党支部", chat)), len(detail)
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--branches", type=int, nargs="+", default=[200, 1000, 10000])
    parser.add_argument("--tasks", type=int, nargs="+", default=[3, 12, 30])
    args = parser.parse_args()
    print(f"{'branches':>9} {'tasks':>6} {'chat chars':>11} {'names':>6} {'doc chars':>10}")
    for n in args.branches:
        for k in args.tasks:
            chars, names, doc = asyncio.run(measure(n, k))
            print(f"{n:>9} {k:>6} {chars:>11} {names:>6} {doc:>10}")


if __name__ == "__main__":
    main()
