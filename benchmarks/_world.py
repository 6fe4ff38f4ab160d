"""Build a large committee quickly, through the repository functions."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.calendar import Month, due_date, end_of
from bot.models import MemberRole
from bot.settings import WorkdayRule
from storage import branches as branch_store
from storage import people, reports
from storage.db import Database

TZ = ZoneInfo("Asia/Shanghai")


async def build(db: Database, branches: int, months_of_history: int, now: datetime) -> None:
    """`branches` branches with a secretary each, and reports for past months (90% on time)."""
    start = now - timedelta(days=31 * (months_of_history + 1))
    async with db.transaction() as tx:
        for i in range(branches):
            b = await branch_store.add_branch(tx, f"第{i + 1}党支部", "", start)
            assert b is not None
            uid = 10_000_000 + i
            await people.upsert_user(tx, uid, f"书记{i + 1}", "", None, "zh-hans", start)
            await branch_store.set_member(tx, b.id, MemberRole.SECRETARY, uid, start)
    month = Month.of(now, TZ)
    for _ in range(months_of_history):
        month = month.prev()
        due = due_date(month, 25, WorkdayRule.OFF)
        async with db.transaction() as tx:
            await reports.ensure_cycle(tx, str(month), due, start)
            for i in range(branches):
                h = int(hashlib.md5(f"{i}{month}".encode()).hexdigest()[:4], 16) % 100
                if h >= 95:
                    continue  # missing
                late = h >= 90
                deadline = end_of(due, TZ)
                when = deadline + timedelta(hours=5) if late else deadline - timedelta(days=2)
                text = "本月工作情况。" * 20
                await reports.insert_report(tx, i + 1, str(month), 10_000_000 + i, text, when, late)
