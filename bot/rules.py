"""The month's rules, once each, without I/O.

Plain dates, aware datetimes and settings values in; values out. Nothing
here reads the database, the clock or Telegram, so every rule can be tested
with a table of cases and every caller (the engine, the plans' task
reminders, /status, the ledger, the circular) reads the same answer.

See docs/architecture-rules.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.calendar import Month, at, due_date, end_of
from bot.settings import WorkdayRule

# How long the last overdue nudge stays worth sending after its time.
LAST_OVERDUE_WINDOW = timedelta(days=1)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("aware datetimes only")
    return moment


# ------------------------------------------------------------------ due dates


def nominal_due(month: Month, due_day: int) -> date:
    """The configured due day in `month` (clamped to its end), before any working-day move."""
    return due_date(month, due_day, WorkdayRule.OFF)


def cycle_due(month: Month, due_day: int, rule: WorkdayRule, fixed: date | None = None) -> date:
    """The due date of `month`'s cycle.

    A cycle keeps the due date it was created with (`fixed`): changing the
    due day or the working-day rule mid-month moves only cycles created later.
    """
    if fixed is not None:
        return fixed
    return due_date(month, due_day, rule)


def is_overdue(due_on: date, now: datetime, tz: ZoneInfo) -> bool:
    """Whether the due day has ended locally: the month is settled, reports now are late."""
    return _aware(now) >= end_of(due_on, tz)


# -------------------------------------------------------------- stage windows


@dataclass(frozen=True)
class Window:
    """A stage `days` before (or after) a deadline, live from `start` until `until`."""

    days: int
    start: datetime
    until: datetime

    def live(self, now: datetime) -> bool:
        return self.start <= now < self.until


def before_windows(
    due_on: date, days_before: Iterable[int], clock: time, tz: ZoneInfo
) -> list[Window]:
    """Reminders `days_before` a deadline, earliest first.

    Each is live from its time until the next one's, the last until the due
    day ends; an empty window (never live) is left out.
    """
    days = sorted(set(days_before), reverse=True)
    times = [at(due_on - timedelta(days=d), clock, tz) for d in days]
    windows: list[Window] = []
    for i, d in enumerate(days):
        until = times[i + 1] if i + 1 < len(times) else end_of(due_on, tz)
        if times[i] < until:
            windows.append(Window(d, times[i], until))
    return windows


def after_windows(
    due_on: date, days_after: Iterable[int], clock: time, tz: ZoneInfo
) -> list[Window]:
    """Overdue nudges `days_after` a deadline: each live until the next, the last for a day."""
    days = sorted(set(days_after))
    times = [at(due_on + timedelta(days=d), clock, tz) for d in days]
    return [
        Window(d, times[i], times[i + 1] if i + 1 < len(times) else times[i] + LAST_OVERDUE_WINDOW)
        for i, d in enumerate(days)
    ]


def live_window(windows: Iterable[Window], now: datetime) -> Window | None:
    """The window live at `now`, if any (windows of one deadline never overlap)."""
    _aware(now)
    return next((w for w in windows if w.live(now)), None)


@dataclass(frozen=True)
class Stage:
    """A reminder stage of a monthly cycle."""

    kind: str  # "remind" before the due day, "overdue" after it
    days: int  # days before (remind) or after (overdue) the due day
    at: datetime
    until: datetime  # after this the stage is stale and skipped
    digest: bool = False  # the first overdue stage also sends the coordinators' digest

    @property
    def code(self) -> str:
        return stage_code(self.kind, self.days)

    def live(self, now: datetime) -> bool:
        return self.at <= now < self.until


def stage_code(kind: str, days: int) -> str:
    """'d-2' two days before, 'o+1' a day after: the stage part of a dedupe key."""
    return f"d-{days}" if kind == "remind" else f"o+{days}"


def report_stages(
    due_on: date,
    days_before: Iterable[int],
    days_after: Iterable[int],
    clock: time,
    tz: ZoneInfo,
) -> list[Stage]:
    """Every reminder and overdue stage of a cycle, each with its window."""
    stages = [
        Stage("remind", w.days, w.start, w.until)
        for w in before_windows(due_on, days_before, clock, tz)
    ]
    stages += [
        Stage("overdue", w.days, w.start, w.until, digest=i == 0)
        for i, w in enumerate(after_windows(due_on, days_after, clock, tz))
    ]
    return stages


def circular_time(due_on: date, days_after: int, clock: time, tz: ZoneInfo) -> datetime:
    """When the month's circular is built and posted."""
    return at(due_on + timedelta(days=days_after), clock, tz)


# ---------------------------------------------------------------- dedupe keys


def reminder_prefix(month: Month) -> str:
    return f"remind:{month}:"


def reminder_key(month: Month, branch_id: int, code: str, user_id: int) -> str:
    """One reminder stage to one reporter of one branch, sent once."""
    return f"{reminder_prefix(month)}{branch_id}:{code}:{user_id}"


def digest_prefix(month: Month) -> str:
    return f"digest:{month}"


def task_prefix(task_id: int) -> str:
    return f"task:{task_id}:"


def task_key(task_id: int, branch_id: int, days: int, user_id: int) -> str:
    """One task-deadline reminder stage to one reporter of one branch, sent once."""
    return f"{task_prefix(task_id)}{branch_id}:{stage_code('remind', days)}:{user_id}"


def approval_wait_key(report_id: int, step_id: int, periods: int) -> str:
    """A 总支 secretary reminded of a report waiting for review (审核) `periods` times the
    wait setting, once per period (the recipient's id is appended per person)."""
    return f"apvwait:{report_id}:{step_id}:{periods}"


# ------------------------------------------------------ a branch in a month


class State(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    WAITING = "waiting"  # not yet, and the due day has not passed
    MISSING = "missing"  # not reported and the due day has passed
    EXEMPT = "exempt"


class Lifetime(Protocol):
    """When a branch was created and archived (a `bot.models.Branch` is one)."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def archived_at(self) -> datetime | None: ...


def expected_in(branch: Lifetime, month: Month, tz: ZoneInfo) -> bool:
    """Whether a branch is expected to report for `month`.

    A branch created after the month ended is not; nor one archived before the
    month ended (it is gone; a report it did send still shows).
    """
    return alive_at_end(branch, _month_end(month, tz))


@lru_cache(maxsize=256)
def _month_end(month: Month, tz: ZoneInfo) -> datetime:
    """The first instant after `month` (asked once per branch of ten thousand: cached),
    in UTC: compared with stored fixed-offset times it then needs no zone look-up."""
    return end_of(month.last_day, tz).astimezone(UTC)


def alive_at_end(branch: Lifetime, month_end: datetime) -> bool:
    """`expected_in` given the first instant after the month (`end_of` its last day)."""
    if branch.created_at >= month_end:
        return False
    return branch.archived_at is None or branch.archived_at >= month_end


def month_state(
    *, reported_late: bool | None, exempt: bool, expected: bool, overdue: bool
) -> State | None:
    """A branch's standing in a month; None when it has no place in it.

    `reported_late` is None without a report, else whether the report was
    late. A report always counts, even from a branch no longer expected;
    otherwise an unexpected branch has no line.
    """
    if reported_late is not None:
        return State.LATE if reported_late else State.ON_TIME
    if not expected:
        return None
    if exempt:
        return State.EXEMPT
    return State.MISSING if overdue else State.WAITING


def branch_month_state(
    branch: Lifetime,
    month: Month,
    *,
    reported_late: bool | None,
    exempt: bool,
    due_on: date,
    now: datetime,
    tz: ZoneInfo,
) -> State | None:
    """`month_state` with expectation and lateness worked out from the branch and the clock."""
    return month_state(
        reported_late=reported_late,
        exempt=exempt,
        expected=expected_in(branch, month, tz),
        overdue=is_overdue(due_on, now, tz),
    )


# ------------------------------------------------------------ runs of misses


@dataclass(frozen=True)
class PastMonth:
    """What a run of misses needs to know of an earlier month with a cycle."""

    month: Month
    reported: frozenset[int]
    exempt: frozenset[int]


def missing_runs(
    missing: Iterable[int],
    branches: Mapping[int, Lifetime],
    past: Sequence[PastMonth | None],
    tz: ZoneInfo,
) -> dict[int, int]:
    """For each branch missing this month, how many months in a row it has missed.

    `past` holds the earlier months, newest first (as many as should be looked
    at); None stands for a month without a cycle, which ends every run. A run
    also ends at a month the branch reported in, was exempt from, or was not
    expected in.
    """
    runs = dict.fromkeys(missing, 1)
    open_ids = set(runs)
    for facts in past:
        if facts is None or not open_ids:
            break
        end = _month_end(facts.month, tz)  # `expected_in`, its month's end found once
        for branch_id in sorted(open_ids):
            expected = alive_at_end(branches[branch_id], end)
            if branch_id in facts.reported or branch_id in facts.exempt or not expected:
                open_ids.discard(branch_id)
            else:
                runs[branch_id] += 1
    return runs
