"""Dates and months as people read them, in their language."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.calendar import Month
from bot.i18n import Html, esc, t
from bot.plans.model import LAST_DAY, RecurringRule


@lru_cache(maxsize=1024)  # a reminder fan-out formats the same month thousands of times
def month_label(lang: str, month: Month) -> Html:
    return t(lang, "fmt_month", y=month.year, m=month.month, mm=f"{month.month:02d}")


@lru_cache(maxsize=4096)
def date_label(lang: str, day: date, weekday: bool = False, full: bool = False) -> Html:
    key = "fmt_date_full" if full else "fmt_date_wd" if weekday else "fmt_date"
    return t(
        lang,
        key,
        y=day.year,
        m=day.month,
        d=day.day,
        mm=f"{day.month:02d}",
        dd=f"{day.day:02d}",
        wd=t(lang, f"weekday_{day.weekday()}"),
    )


def plan_date(lang: str, day: date, today: date) -> Html:
    """A plan's date: with its year when that is not this year (a 2016 plan read in 2026)."""
    return date_label(lang, day, full=day.year != today.year)


def time_label(lang: str, moment: datetime, tz: ZoneInfo) -> Html:
    local = moment.astimezone(tz)
    return t(
        lang,
        "fmt_datetime",
        y=local.year,
        m=local.month,
        d=local.day,
        mm=f"{local.month:02d}",
        dd=f"{local.day:02d}",
        hm=local.strftime("%H:%M"),
    )


NAMES_CAP = 20  # names shown in one line before "等N个"


def names_list(lang: str, names: list[str], cap: int = NAMES_CAP) -> Html:
    """Names joined with 、, at most `cap` of them, then "等N个" (N the total); whole names."""
    shown = "、".join(esc(n) for n in names[:cap])
    if len(names) <= cap:
        return Html(shown)
    return t(lang, "names_more", names=Html(shown), total=len(names))


def rule_label(lang: str, rule: RecurringRule) -> Html:
    """A recurring due day as people read it: 每月25日前, monthly by day 25, 每年7月1日."""
    day, month = rule.day, rule.month
    if rule.freq == "monthly":
        if day is None:
            return t(lang, "rule_monthly_any")
        return t(lang, "rule_monthly_end") if day == LAST_DAY else t(lang, "rule_monthly", day=day)
    if rule.freq == "quarterly":
        if day is None:
            return t(lang, "rule_quarterly_any")
        if day == LAST_DAY:
            if month in (None, 3):
                return t(lang, "rule_quarterly_end")
            return t(lang, "rule_quarterly_month_end", month=month)
        if month is None:
            return t(lang, "rule_quarterly_day", day=day)
        return t(lang, "rule_quarterly_month_day", month=month, day=day)
    if month is None:
        return t(lang, "rule_annual_any")
    if day is None:
        return t(lang, "rule_annual_month", month=month)
    if day == LAST_DAY:
        return t(lang, "rule_annual_month_end", month=month)
    return t(lang, "rule_annual_day", month=month, day=day)
