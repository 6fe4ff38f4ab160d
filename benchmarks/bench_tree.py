"""The tree's costs: resolving a 总支书记 (the tree read per update), a 总支's /status,
placing a group's update, and a 总支 circular, in a committee of G 总支 × B 支部.

Run: python benchmarks/bench_tree.py [generals] [branches_per_general] [rounds]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._world import TZ
from bot.calendar import Month
from bot.models import BranchKind, MemberRole
from bot.services import circular, status
from bot.services import tree as tree_service
from bot.services.base import Env, TgUser, identify
from bot.settings import Settings
from storage import branches as branch_store
from storage import people
from storage import tree as tree_store
from storage.db import Database

GENERAL_SECRETARY = 9_000_000
GROUP = -100_900


async def timed(label: str, rounds: int, work: Callable[[], Awaitable[object]]) -> None:
    t0 = time.perf_counter()
    for _ in range(rounds):
        await work()
    per = (time.perf_counter() - t0) / rounds * 1000
    print(f"{label:<44} {per:8.2f} ms")


async def main(generals: int, per: int, rounds: int) -> None:
    now = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        db = await Database.open(path)
        env = Env(db=db, cfg=Settings(_env_file=None, db=path, admin_ids=[1]))
        start = datetime(2026, 10, 1, tzinfo=TZ)
        async with db.transaction() as tx:
            first_general = 0
            for g in range(generals):
                general = await branch_store.add_branch(
                    tx, f"第{g + 1}党总支", "", start, kind=BranchKind.GENERAL
                )
                assert general is not None
                first_general = first_general or general.id
                for b in range(per):
                    unit = await branch_store.add_branch(
                        tx, f"第{g + 1}总支第{b + 1}支部", "", start, parent_id=general.id
                    )
                    assert unit is not None
            await people.upsert_user(tx, GENERAL_SECRETARY, "总支书记", "", None, None, start)
            await branch_store.set_member(
                tx, first_general, MemberRole.SECRETARY, GENERAL_SECRETARY, start
            )
            await tree_store.bind_general_group(tx, first_general, GROUP, "", 1, start)
        units = generals * (per + 1)
        print(f"{generals} 总支 × {per} 支部 = {units} units, {rounds} rounds each")
        who = TgUser(GENERAL_SECRETARY, "总支书记")
        await timed("identify a 总支书记 (reads the tree)", rounds, lambda: identify(env, who, now))
        plain = TgUser(1, "管理员")
        await timed("identify the admin (no tree read)", rounds, lambda: identify(env, plain, now))
        await timed(
            "place a group's update (place_of_chat)",
            rounds,
            lambda: tree_service.place_of_chat(env, GROUP),
        )
        actor = await identify(env, who, now)
        admin = await identify(env, plain, now)
        month = Month(2026, 11)
        await timed(
            "/status of a 总支 (its subtree)",
            rounds,
            lambda: status.month_status(env, actor, month, now),
        )
        await timed(
            "/status of the committee (every unit)",
            rounds,
            lambda: status.month_status(env, admin, month, now),
        )
        scope = actor.require_scope()

        async def build_general() -> object:
            async with db.reading() as tx:
                return await circular.build(env, tx, month, now, scope)

        await timed("a 总支's circular model", rounds, build_general)
        await db.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(*(args + [40, 7, 20][len(args) :])))
