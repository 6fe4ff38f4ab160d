"""A half year of a small committee, built through the real repository functions.

Every figure the records tests check is computed by hand from this table
(Asia/Shanghai, due day 25, `now` = 2026-06-10 12:00, so January to May are
settled and June is still open):

| branch | exists              | Jan  | Feb          | Mar  | Apr  | May          | Jun  |
|--------|---------------------|------|--------------|------|------|--------------|------|
| 甲支部 | since 2025-12       | on   | on           | on   | on   | on           | on   |
| 乙支部 | since 2025-12       | on   | late (3-02)  | miss | on   | on           | wait |
| 丙支部 | since 2025-12       | miss | exempt       | miss | miss | on           | wait |
| 丁支部 | since 2026-01-15    | on   | on           | on   | on   | late (5-27)  | wait |
| 戊支部 | since 2026-04-20    | —    | —            | —    | miss | on           | wait |
| 己支部 | archived 2026-04-01 | on   | miss         | miss | —    | —            | —    |
| 庚支部 | archived 2025-11-01 | (not in the year at all)                                 |
| 辛支部 | since 2026-06-01    | —    | —            | —    | —    | —            | wait |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.services.base import Env
from storage import branches, circulars, people, reports
from tests.conftest import at

NOW = at(2026, 6, 10, 12)
AUTHOR = 501
AUTHOR_B = 502


@dataclass(frozen=True)
class World:
    env: Env
    now: datetime
    ids: dict[str, int]


def on_time(month: int) -> datetime:
    return at(2026, month, 20, 10)


async def build_world(env: Env) -> World:
    ids: dict[str, int] = {}
    async with env.db.transaction() as tx:
        await people.upsert_user(tx, AUTHOR, "张", "三", None, "zh-hans", at(2025, 12, 1))
        await people.upsert_user(tx, AUTHOR_B, "李", "四", None, "zh-hans", at(2025, 12, 1))
        for name, created in [
            ("庚支部", at(2025, 1, 1)),
            ("甲支部", at(2025, 12, 1)),
            ("乙支部", at(2025, 12, 1)),
            ("丙支部", at(2025, 12, 1)),
            ("丁支部", at(2026, 1, 15)),
            ("戊支部", at(2026, 4, 20)),
            ("己支部", at(2025, 12, 1)),
            ("辛支部", at(2026, 6, 1)),
        ]:
            branch = await branches.add_branch(
                tx, name, "机关" if name == "甲支部" else "", created
            )
            assert branch is not None
            ids[name] = branch.id
        await branches.archive_branch(tx, ids["庚支部"], at(2025, 11, 1))
        await branches.archive_branch(tx, ids["己支部"], at(2026, 4, 1))
        for m in range(1, 7):
            await reports.ensure_cycle(tx, f"2026-{m:02d}", date(2026, m, 25), at(2026, m, 1))

        async def report(
            branch: str, month: int, when: datetime, late: bool = False, author: int = AUTHOR
        ) -> int:
            r = await reports.insert_report(
                tx, ids[branch], f"2026-{month:02d}", author, f"{branch}{month}月工作", when, late
            )
            return r.id

        for m in range(1, 7):
            await report("甲支部", m, on_time(m))
        await report("乙支部", 1, on_time(1), author=AUTHOR_B)
        await report("乙支部", 2, at(2026, 3, 2, 10), late=True, author=AUTHOR_B)
        await report("乙支部", 4, on_time(4), author=AUTHOR_B)
        await report("乙支部", 5, on_time(5), author=AUTHOR_B)
        await report("丙支部", 5, on_time(5))
        for m in range(1, 5):
            await report("丁支部", m, on_time(m))
        await report("丁支部", 5, at(2026, 5, 27, 15), late=True)
        await report("戊支部", 5, on_time(5))
        await report("己支部", 1, on_time(1))
        await reports.set_exemption(tx, ids["丙支部"], "2026-02", "换届选举", 1, at(2026, 2, 3))
        # 甲's January report was revised once and has two photos.
        first = await reports.get_report(tx, ids["甲支部"], "2026-01")
        assert first is not None
        await reports.revise_report(
            tx, first.id, AUTHOR, "甲支部1月工作（修订）", at(2026, 1, 22, 8)
        )
        for n in (1, 2):
            await reports.add_attachment(
                tx,
                ids["甲支部"],
                "2026-01",
                "photo",
                f"f{n}",
                f"u{n}",
                None,
                None,
                AUTHOR,
                at(2026, 1, 20, 11),
            )
        circular = "<b>关于2026年5月的通报</b>\n\n各党支部：\n正文 &amp; 内容"
        await circulars.save_circular(tx, "2026-05", circular, at(2026, 5, 26, 9))
        await circulars.mark_circular_posted(tx, "2026-05", 77, at(2026, 5, 26, 9, 0, 5))
    return World(env=env, now=NOW, ids=ids)


def leftovers(folder: Path) -> list[Path]:
    """Partial files an atomic write would leave behind if it failed midway."""
    return list(folder.glob(".*.partial"))
