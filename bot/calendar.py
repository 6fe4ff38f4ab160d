"""Months, due days and the Chinese working-day calendar.

Holidays and make-up working days (调休) come from `chinese_calendar`,
which the State Council's yearly announcement updates. For a year it does
not know yet we fall back to plain weekends and say so (see README).
"""

from __future__ import annotations

import calendar as _cal
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

from bot.settings import WorkdayRule

log = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 2999:
            raise ValueError(f"bad month {self.year}-{self.month}")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse '2026-11', '2026/11', '202611' or '2026年11月'."""
        raw = text.strip().replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
        if "-" in raw:
            y, _, m = raw.partition("-")
        elif len(raw) == 6 and raw.isdigit():
            y, m = raw[:4], raw[4:]
        else:
            raise ValueError(text)
        if not (y.isdigit() and m.isdigit()):
            raise ValueError(text)
        return cls(int(y), int(m))

    @classmethod
    def of(cls, moment: datetime, tz: ZoneInfo) -> Month:
        local = moment.astimezone(tz)
        return cls(local.year, local.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, _cal.monthrange(self.year, self.month)[1])

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def prev(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)


def known_until() -> int:
    """The last year whose holidays `chinese_calendar` knows."""
    return int(max(d.year for d in chinese_calendar.holidays))


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # Year not yet announced: weekends only. Logged once per day asked.
        log.warning("holiday calendar unknown for %s; treating weekends only", day.year)
        return day.weekday() < 5


def due_date(month: Month, due_day: int, rule: WorkdayRule) -> date:
    """The due date of `month`: `due_day` (clamped to the month), moved off rest days."""
    day = date(month.year, month.month, min(due_day, month.last_day.day))
    if rule is WorkdayRule.OFF or is_workday(day):
        return day
    first = -1 if rule is WorkdayRule.PREVIOUS else 1
    # A deadline stays in its own month: if the preferred direction leaves the
    # month (a due day of 3 in National Day week), look the other way.
    for step in (first, -first):
        moved = day
        while moved.month == month.month:
            if is_workday(moved):
                return moved
            moved += timedelta(days=step)
    return day


def at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """`day` at local `clock` time, as an aware datetime."""
    return datetime.combine(day, clock, tzinfo=tz)


def end_of(day: date, tz: ZoneInfo) -> datetime:
    """The first instant after `day` ends locally: reports before it are on time."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
