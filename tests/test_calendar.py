"""Due dates, working days and 调休."""

from __future__ import annotations

from datetime import date

import pytest

from bot.calendar import Month, due_date, is_workday, known_until
from bot.services.base import Env
from bot.services.fmt import date_label, month_label
from bot.settings import WorkdayRule
from bot.testing.sim import Sim
from storage.db import Database
from tests.catalog import check, key
from tests.conftest import ADMIN, at, make_settings
from tests.helpers import committee

PREV, NEXT, OFF = WorkdayRule.PREVIOUS, WorkdayRule.NEXT, WorkdayRule.OFF


@pytest.mark.parametrize(
    ("year", "month", "day", "rule", "expected"),
    [
        (2026, 11, 25, PREV, date(2026, 11, 25)),  # a Wednesday: unchanged
        (2026, 7, 25, OFF, date(2026, 7, 25)),  # a Saturday, rule off
        (2026, 7, 25, PREV, date(2026, 7, 24)),  # Saturday → Friday
        (2026, 7, 25, NEXT, date(2026, 7, 27)),  # Saturday → Monday
        (2026, 2, 23, PREV, date(2026, 2, 14)),  # Spring Festival → the 调休 Saturday before
        (2026, 2, 23, NEXT, date(2026, 2, 24)),
        (2026, 2, 28, PREV, date(2026, 2, 28)),  # a 调休 Saturday is a working day
        (2026, 10, 10, NEXT, date(2026, 10, 10)),  # 调休 Saturday after National Day
        (2026, 10, 5, NEXT, date(2026, 10, 8)),  # National Day week → after it
        (2026, 10, 5, PREV, date(2026, 10, 8)),  # previous would leave October: stays in month
        (2026, 2, 31, OFF, date(2026, 2, 28)),  # clamped to the month's end
    ],
)
def test_due_date(year: int, month: int, day: int, rule: WorkdayRule, expected: date) -> None:
    assert due_date(Month(year, month), day, rule) == expected


def test_calendar_coverage_and_fallback() -> None:
    assert known_until() >= 2026
    # A year the package does not know: weekends only.
    assert is_workday(date(2099, 3, 2))  # a Monday
    assert not is_workday(date(2099, 3, 1))  # a Sunday


def test_month_parsing() -> None:
    assert str(Month.parse("2026-11")) == "2026-11"
    assert str(Month.parse("2026年3月")) == "2026-03"
    assert str(Month.parse("202603")) == "2026-03"
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2026, 1).prev() == Month(2025, 12)
    for bad in ("2026-13", "abc", "2026-", "26-1x"):
        with pytest.raises(ValueError):
            Month.parse(bad)


async def test_moved_due_day_drives_reminders_and_schedule() -> None:
    cfg = make_settings(workdays="previous", due_day=23)
    db = await Database.open(":memory:")
    try:
        async with Sim(Env(db=db, cfg=cfg), at(2026, 2, 2, 10)) as sim:
            sim.user(ADMIN, "管理员")
            await committee(sim, {"甲支部": 801}, bind_group=False)
            schedule = await sim.say(ADMIN, "/schedule")
            moved = key("status_moved", nominal=date_label("zh-Hans", date(2026, 2, 23)))
            due = date_label("zh-Hans", date(2026, 2, 14), weekday=True)
            check(schedule, "schedule_head", due=due, moved=moved)
            await sim.advance_to(at(2026, 2, 14, 9))
            reminder = sim.double.last_to(801)
            month = month_label("zh-Hans", Month(2026, 2))
            check(reminder, "remind_today", branch="甲支部", month=month, due=due)
    finally:
        await db.close()
