"""The yearly review against the hand-computed table in conftest.py."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from bot.calendar import Month
from bot.i18n import CATALOGS
from bot.records.data import TaskStatusRow, load_year, parse_year
from bot.records.review import (
    Grade,
    ReviewThresholds,
    review_text,
    review_year,
    suggest_grade,
)
from bot.services.base import Env, UserError
from bot.services.status import State
from storage import branches, reports
from tests.catalog import check, key, label
from tests.conftest import TZ, at, make_settings
from tests.records.records_world import NOW, World

# (expected, on time, late, missing, exempt, longest run of misses, grade)
EXPECTED: dict[str, tuple[int, int, int, int, int, int, Grade | None]] = {
    "甲支部": (5, 5, 0, 0, 0, 0, Grade.GOOD),  # 5/5
    "乙支部": (5, 3, 1, 1, 0, 1, Grade.AVERAGE),  # 3/5 = 0.6
    "丙支部": (4, 1, 0, 3, 1, 2, Grade.POOR),  # 1/4; Feb exempt breaks Jan | Mar-Apr
    "丁支部": (5, 4, 1, 0, 0, 0, Grade.FAIR),  # 4/5 = 0.8
    "戊支部": (2, 1, 0, 1, 0, 1, Grade.AVERAGE),  # 1/2 = 0.5, the boundary counts
    "己支部": (3, 1, 0, 2, 0, 2, Grade.POOR),  # archived as April began: Apr, May not expected
    "辛支部": (0, 0, 0, 0, 0, 0, None),  # only June, which is not settled
}


async def test_counted_months_are_the_settled_ones(world: World) -> None:
    data = await load_year(world.env, 2026, NOW)
    assert data.counted_months == [Month(2026, m) for m in range(1, 6)]
    assert data.months == [Month(2026, m) for m in range(1, 13)]
    # 庚 was archived before the year began; everyone else appears.
    assert [b.name for b in data.branches] == [
        "甲支部",
        "乙支部",
        "丙支部",
        "丁支部",
        "戊支部",
        "己支部",
        "辛支部",
    ]


async def test_review_figures_by_hand(world: World) -> None:
    data = await load_year(world.env, 2026, NOW)
    review = review_year(data)
    got = {
        r.branch.name: (
            r.expected,
            r.on_time,
            r.late,
            r.missing,
            r.exempt,
            r.longest_miss_run,
            r.grade,
        )
        for r in review.rows
    }
    assert got == EXPECTED
    rates = {r.branch.name: r.rate for r in review.rows}
    assert rates["甲支部"] == 1.0
    assert rates["乙支部"] == pytest.approx(0.6)
    assert rates["丙支部"] == pytest.approx(0.25)
    assert rates["己支部"] == pytest.approx(1 / 3)
    assert rates["辛支部"] is None
    assert review.grade_counts() == {Grade.GOOD: 1, Grade.FAIR: 1, Grade.AVERAGE: 2, Grade.POOR: 2}


async def test_cells_follow_the_status_rules(world: World) -> None:
    data = await load_year(world.env, 2026, NOW)
    ids = world.ids

    def state(name: str, month: int) -> State | None:
        cell = data.cell(ids[name], Month(2026, month))
        return None if cell is None else cell.state

    assert state("甲支部", 6) is State.ON_TIME  # reported early in an open month
    assert state("乙支部", 6) is State.WAITING
    assert state("丙支部", 2) is State.EXEMPT
    assert state("戊支部", 3) is None and state("戊支部", 4) is State.MISSING
    assert state("己支部", 3) is State.MISSING and state("己支部", 4) is None
    assert state("丙支部", 7) is None  # no cycle yet
    cell = data.cell(ids["甲支部"], Month(2026, 1))
    assert cell is not None and cell.attachments == 2
    assert cell.report is not None and cell.report.revisions == 2


async def test_submission_rates_for_the_trend(world: World) -> None:
    data = await load_year(world.env, 2026, NOW)
    rates = [data.submission_rate(Month(2026, m)) for m in range(1, 8)]
    # Jan 4/5, Feb 3/4 (丙 exempt), Mar 2/5, Apr 3/5, May 5/5, Jun open, Jul no cycle.
    assert rates == [
        pytest.approx(0.8),
        pytest.approx(0.75),
        pytest.approx(0.4),
        pytest.approx(0.6),
        1.0,
        None,
        None,
    ]


async def test_task_completion_is_counted_per_branch(world: World) -> None:
    tasks = [
        TaskStatusRow("甲支部", "创建方案", "建立台账", "done"),
        TaskStatusRow("甲支部", "创建方案", "主题党日", "进行中"),
        TaskStatusRow("乙支部", "创建方案", "建立台账", "已完成", "", at(2026, 5, 3)),
    ]
    data = await load_year(world.env, 2026, NOW, tasks)
    rows = {r.branch.name: r for r in review_year(data).rows}
    assert (rows["甲支部"].tasks_done, rows["甲支部"].tasks_total) == (1, 2)
    assert rows["甲支部"].task_rate == 0.5
    assert (rows["乙支部"].tasks_done, rows["乙支部"].tasks_total) == (1, 1)
    assert rows["丙支部"].task_rate is None


async def test_run_of_misses_is_broken_by_a_gap_in_cycles(env: Env) -> None:
    # Without a cycle for March (the bot was not running), Feb and Apr are not consecutive.
    async with env.db.transaction() as tx:
        b = await branches.add_branch(tx, "壬支部", "", at(2025, 12, 1))
        assert b is not None
        for m in (1, 2, 4, 5):
            await reports.ensure_cycle(tx, f"2026-{m:02d}", date(2026, m, 25), at(2026, m, 1))
    data = await load_year(env, 2026, NOW)
    (row,) = review_year(data).rows
    assert (row.missing, row.longest_miss_run) == (4, 2)


def test_grade_thresholds() -> None:
    th = ReviewThresholds()
    assert suggest_grade(0.95, 0, th) is Grade.GOOD
    assert suggest_grade(0.95, 1, th) is Grade.FAIR  # 好 needs no month missed
    assert suggest_grade(0.9, 0, th) is Grade.GOOD
    assert suggest_grade(0.75, 2, th) is Grade.FAIR
    assert suggest_grade(0.7499, 0, th) is Grade.AVERAGE
    assert suggest_grade(0.5, 3, th) is Grade.AVERAGE
    assert suggest_grade(0.49, 0, th) is Grade.POOR
    assert suggest_grade(None, 0, th) is None
    strict = ReviewThresholds(good=1.0, fair=0.9, average=0.8)
    assert suggest_grade(0.95, 0, strict) is Grade.FAIR


def test_thresholds_validate_and_come_from_settings() -> None:
    with pytest.raises(ValidationError):
        ReviewThresholds(good=0.5, fair=0.75)
    with pytest.raises(ValidationError):
        ReviewThresholds(good=1.5)
    assert ReviewThresholds.from_settings(make_settings()) == ReviewThresholds()


def test_parse_year() -> None:
    now = at(2026, 6, 10)
    assert parse_year(None, now, TZ) == 2026
    assert parse_year("2025", now, TZ) == 2025
    assert parse_year("2025年", now, TZ) == 2025
    # 2026-12-31 20:00 UTC is already 2027 in Shanghai.
    assert parse_year(None, at(2027, 1, 1, 4), TZ) == 2027
    for bad in ("26", "abcd", "１２３４"):
        with pytest.raises(UserError) as err:
            parse_year(bad, now, TZ)
        assert err.value.key == "rec_year_bad"
    with pytest.raises(UserError) as err:
        parse_year("1999", now, TZ)
    assert err.value.key == "rec_year_range"  # four digits, but before any ledger
    with pytest.raises(UserError) as err:
        parse_year("2027", now, TZ)
    assert err.value.key == "rec_year_future"


needs_keys = pytest.mark.skipif(
    "rec_review_line" not in CATALOGS["zh-Hans"],
    reason="the rec_* catalog keys are not in bot/locales yet",
)


@needs_keys
async def test_review_text_has_one_line_per_branch(world: World) -> None:
    data = await load_year(world.env, 2026, NOW)
    text = review_text("zh-Hans", review_year(data))
    for name in EXPECTED:
        assert sum(1 for line in text.split("\n") if line.startswith(name)) == 1, name
    check(text, "rec_review_head", year=2026, count=5)
    check(text, "rec_review_tally", good=1, fair=1, average=2, poor=2)
    line = check(text, "rec_review_line", branch="乙支部", rate="60.0%", late=1, missing=1, run=1)
    assert line["grade"] == label("rec_grade_average")
    check(
        text,
        "rec_review_line",
        branch="己支部" + label("rec_archived"),
        grade=key("rec_grade_poor"),
    )
    check(text, "rec_review_note")


@needs_keys
def test_review_text_without_settled_months() -> None:
    from bot.records.data import assemble

    data = assemble(
        first=Month(2026, 1),
        last=Month(2026, 12),
        now=at(2026, 1, 5),
        tz=TZ,
        org_name="x",
        branches=[],
        cycles=[],
        reports=[],
        exemptions={},
        attachments={},
    )
    check(review_text("zh-Hans", review_year(data)), "rec_review_none", year=2026)
