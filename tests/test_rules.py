"""The pure month rules (bot/rules.py), case by case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from bot import rules
from bot.calendar import Month
from bot.rules import PastMonth, State, Window
from bot.services.base import Env, cycle_for, peek_cycle
from bot.settings import WorkdayRule
from storage.db import Database
from tests.conftest import TZ, at, make_settings

PREV, NEXT, OFF = WorkdayRule.PREVIOUS, WorkdayRule.NEXT, WorkdayRule.OFF
NINE = time(9, 0)

# ------------------------------------------------------------------ due dates


@pytest.mark.parametrize(
    ("month", "due_day", "rule", "expected"),
    [
        # Month ends: a due day past the end is clamped to the last day.
        (Month(2026, 2), 31, OFF, date(2026, 2, 28)),
        (Month(2026, 2), 29, OFF, date(2026, 2, 28)),
        (Month(2024, 2), 31, OFF, date(2024, 2, 29)),  # leap year
        (Month(2028, 2), 30, OFF, date(2028, 2, 29)),  # leap year the calendar may not know
        (Month(2026, 4), 31, OFF, date(2026, 4, 30)),
        (Month(2026, 6), 31, OFF, date(2026, 6, 30)),
        (Month(2026, 12), 31, OFF, date(2026, 12, 31)),
        (Month(2026, 1), 1, OFF, date(2026, 1, 1)),  # a holiday, rule off: unchanged
        # Clamped, then shifted: Feb 28 2026 is a Saturday made a working day (调休).
        (Month(2026, 2), 31, PREV, date(2026, 2, 28)),
        (Month(2026, 2), 31, NEXT, date(2026, 2, 28)),
        # Mid-Autumn: Friday 25 September 2026 is a holiday.
        (Month(2026, 9), 25, PREV, date(2026, 9, 24)),
        (Month(2026, 9), 25, NEXT, date(2026, 9, 28)),
        (Month(2026, 9), 20, PREV, date(2026, 9, 20)),  # a Sunday made a working day
        # Labour Day: 1–5 May rest, Saturday 9 May works.
        (Month(2026, 5), 5, NEXT, date(2026, 5, 6)),
        (Month(2026, 5), 5, PREV, date(2026, 5, 6)),  # before it is April: stays in May
        (Month(2026, 5), 9, PREV, date(2026, 5, 9)),
        (Month(2026, 5), 9, NEXT, date(2026, 5, 9)),
        # New Year: 1–3 January rest, Sunday 4 January works.
        (Month(2026, 1), 1, PREV, date(2026, 1, 4)),
        (Month(2026, 1), 1, NEXT, date(2026, 1, 4)),
        # A plain weekend at the month's end: "next" would leave the month.
        (Month(2026, 1), 31, NEXT, date(2026, 1, 30)),
        (Month(2026, 1), 31, PREV, date(2026, 1, 30)),
        (Month(2026, 10), 31, NEXT, date(2026, 10, 30)),
        # Spring Festival: 23 February rest; Saturday 14 February works.
        (Month(2026, 2), 23, PREV, date(2026, 2, 14)),
        (Month(2026, 2), 23, NEXT, date(2026, 2, 24)),
        (Month(2026, 11), 25, PREV, date(2026, 11, 25)),  # a Wednesday
    ],
)
def test_cycle_due(month: Month, due_day: int, rule: WorkdayRule, expected: date) -> None:
    assert rules.cycle_due(month, due_day, rule) == expected


@pytest.mark.parametrize(
    ("month", "due_day", "expected"),
    [
        (Month(2026, 9), 25, date(2026, 9, 25)),  # a holiday: nominal does not move
        (Month(2026, 2), 31, date(2026, 2, 28)),
        (Month(2024, 2), 31, date(2024, 2, 29)),
        (Month(2026, 11), 30, date(2026, 11, 30)),
    ],
)
def test_nominal_due(month: Month, due_day: int, expected: date) -> None:
    assert rules.nominal_due(month, due_day) == expected


@pytest.mark.parametrize(
    ("fixed", "due_day", "rule", "expected"),
    [
        (date(2026, 9, 25), 20, OFF, date(2026, 9, 25)),  # due day changed after creation
        (date(2026, 9, 25), 25, PREV, date(2026, 9, 25)),  # rule changed after creation
        (None, 25, PREV, date(2026, 9, 24)),  # no cycle yet: today's settings
        (None, 20, OFF, date(2026, 9, 20)),
    ],
)
def test_cycle_due_is_fixed_with_the_cycle(
    fixed: date | None, due_day: int, rule: WorkdayRule, expected: date
) -> None:
    assert rules.cycle_due(Month(2026, 9), due_day, rule, fixed) == expected


async def test_settings_changed_mid_month_keep_the_cycle_due(db: Database) -> None:
    month = Month(2026, 9)
    before = Env(db=db, cfg=make_settings(due_day=25, workdays="off"))
    after = Env(db=db, cfg=make_settings(due_day=10, workdays="previous"))
    async with db.transaction() as tx:
        assert (await peek_cycle(after, tx, month)).due_on == date(2026, 9, 10)  # nothing fixed
        created = await cycle_for(before, tx, month, at(2026, 9, 1, 9))
        assert created.due_on == date(2026, 9, 25)
        assert (await cycle_for(after, tx, month, at(2026, 9, 15, 9))).due_on == date(2026, 9, 25)
        assert (await peek_cycle(after, tx, month)).due_on == date(2026, 9, 25)
        # The next month is created with the new settings.
        nxt = await cycle_for(after, tx, month.next(), at(2026, 10, 1, 9))
        assert nxt.due_on == date(2026, 10, 10)  # a Saturday, but a 调休 working day


@pytest.mark.parametrize(
    ("due_on", "now", "expected"),
    [
        (date(2026, 11, 25), at(2026, 11, 25, 23, 59), False),  # last minute of the due day
        (date(2026, 11, 25), at(2026, 11, 26, 0, 0), True),  # first instant after it
        (date(2026, 11, 25), datetime(2026, 11, 25, 15, 59, tzinfo=UTC), False),
        (date(2026, 11, 25), datetime(2026, 11, 25, 16, 0, tzinfo=UTC), True),  # same instant
        (date(2026, 12, 31), at(2027, 1, 1, 0, 0), True),  # across the year
        (date(2026, 2, 28), at(2026, 2, 28, 12), False),
    ],
)
def test_is_overdue(due_on: date, now: datetime, expected: bool) -> None:
    assert rules.is_overdue(due_on, now, TZ) is expected


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 11, 26, 0, 0)
    with pytest.raises(ValueError, match="aware"):
        rules.is_overdue(date(2026, 11, 25), naive, TZ)
    with pytest.raises(ValueError, match="aware"):
        rules.live_window([], naive)


# -------------------------------------------------------------- stage windows

DUE = date(2026, 11, 25)
STAGES = rules.report_stages(DUE, [5, 2, 0], [1, 3], NINE, TZ)


def test_report_stages_chain_their_windows() -> None:
    assert [(s.kind, s.days, s.at, s.until, s.digest) for s in STAGES] == [
        ("remind", 5, at(2026, 11, 20, 9), at(2026, 11, 23, 9), False),
        ("remind", 2, at(2026, 11, 23, 9), at(2026, 11, 25, 9), False),
        ("remind", 0, at(2026, 11, 25, 9), at(2026, 11, 26, 0), False),
        ("overdue", 1, at(2026, 11, 26, 9), at(2026, 11, 28, 9), True),
        ("overdue", 3, at(2026, 11, 28, 9), at(2026, 11, 29, 9), False),
    ]
    assert [s.code for s in STAGES] == ["d-5", "d-2", "d-0", "o+1", "o+3"]


@pytest.mark.parametrize(
    ("now", "code"),
    [
        (at(2026, 11, 20, 8, 59), None),  # a minute before the first stage
        (at(2026, 11, 20, 9, 0), "d-5"),  # its exact start minute
        (at(2026, 11, 23, 8, 59), "d-5"),
        (at(2026, 11, 23, 9, 0), "d-2"),  # the next stage takes over
        (at(2026, 11, 25, 8, 59), "d-2"),
        (at(2026, 11, 25, 9, 0), "d-0"),
        (at(2026, 11, 25, 23, 59), "d-0"),  # last minute of the due day
        (at(2026, 11, 26, 0, 0), None),  # the due day is over; overdue not yet
        (at(2026, 11, 26, 8, 59), None),
        (at(2026, 11, 26, 9, 0), "o+1"),
        (at(2026, 11, 28, 9, 0), "o+3"),
        (at(2026, 11, 29, 8, 59), "o+3"),
        (at(2026, 11, 29, 9, 0), None),  # the last nudge lasts a day
        (datetime(2026, 11, 20, 1, 0, tzinfo=UTC), "d-5"),  # 09:00 in Shanghai
        (datetime(2026, 11, 20, 0, 59, tzinfo=UTC), None),
    ],
)
def test_report_stage_live_at_edges(now: datetime, code: str | None) -> None:
    live = [s.code for s in STAGES if s.live(now)]
    assert live == ([] if code is None else [code])


@pytest.mark.parametrize(
    ("due_on", "days", "clock", "expected"),
    [
        # Task reminders 7 and 1 days before, across a month end.
        (
            date(2026, 12, 1),
            [7, 1],
            NINE,
            [
                (7, at(2026, 11, 24, 9), at(2026, 11, 30, 9)),
                (1, at(2026, 11, 30, 9), at(2026, 12, 2)),
            ],
        ),
        # Across a leap day: two days before 1 March 2028 is 28 February.
        (
            date(2028, 3, 1),
            [2],
            NINE,
            [(2, at(2028, 2, 28, 9), at(2028, 3, 2))],
        ),
        # Order and duplicates in the settings do not matter.
        (
            date(2026, 11, 25),
            [0, 2, 2, 5],
            time(18, 30),
            [
                (5, at(2026, 11, 20, 18, 30), at(2026, 11, 23, 18, 30)),
                (2, at(2026, 11, 23, 18, 30), at(2026, 11, 25, 18, 30)),
                (0, at(2026, 11, 25, 18, 30), at(2026, 11, 26)),
            ],
        ),
        (date(2026, 11, 25), [], NINE, []),
    ],
)
def test_before_windows(
    due_on: date, days: list[int], clock: time, expected: list[tuple[int, datetime, datetime]]
) -> None:
    got = rules.before_windows(due_on, days, clock, TZ)
    assert [(w.days, w.start, w.until) for w in got] == expected


TASK = rules.before_windows(date(2026, 12, 1), [7, 1], NINE, TZ)


@pytest.mark.parametrize(
    ("now", "days"),
    [
        (at(2026, 11, 24, 8, 59), None),
        (at(2026, 11, 24, 9, 0), 7),
        (at(2026, 11, 30, 8, 59), 7),
        (at(2026, 11, 30, 9, 0), 1),
        (at(2026, 12, 1, 23, 59), 1),  # last minute of the task's due day
        (at(2026, 12, 2, 0, 0), None),
    ],
)
def test_task_window_live_at_edges(now: datetime, days: int | None) -> None:
    window = rules.live_window(TASK, now)
    assert (None if window is None else window.days) == days


def test_report_and_task_reminders_share_the_window_rule() -> None:
    before = [s for s in STAGES if s.kind == "remind"]
    windows = rules.before_windows(DUE, [5, 2, 0], NINE, TZ)
    assert [Window(s.days, s.at, s.until) for s in before] == windows


@pytest.mark.parametrize(
    ("due_on", "days_after", "clock", "expected"),
    [
        (date(2026, 11, 25), 1, NINE, at(2026, 11, 26, 9)),
        (date(2026, 12, 31), 2, time(17, 0), at(2027, 1, 2, 17)),
        (date(2026, 2, 28), 1, NINE, at(2026, 3, 1, 9)),
    ],
)
def test_circular_time(due_on: date, days_after: int, clock: time, expected: datetime) -> None:
    assert rules.circular_time(due_on, days_after, clock, TZ) == expected


# ---------------------------------------------------------------- dedupe keys


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (rules.reminder_key(Month(2026, 11), 3, "d-2", 42), "remind:2026-11:3:d-2:42"),
        (rules.reminder_key(Month(2026, 1), 3, "o+1", 42), "remind:2026-01:3:o+1:42"),
        (rules.reminder_prefix(Month(2026, 11)), "remind:2026-11:"),
        (rules.digest_prefix(Month(2026, 11)), "digest:2026-11"),
        (rules.task_key(7, 3, 1, 42), "task:7:3:d-1:42"),
        (rules.task_prefix(7), "task:7:"),
        (rules.stage_code("remind", 0), "d-0"),
        (rules.stage_code("overdue", 3), "o+3"),
    ],
)
def test_dedupe_keys(key: str, expected: str) -> None:
    assert key == expected


def test_keys_fall_under_their_prefix() -> None:
    month = Month(2026, 11)
    for stage in STAGES:
        assert rules.reminder_key(month, 3, stage.code, 42).startswith(rules.reminder_prefix(month))
    assert rules.task_key(7, 3, 1, 42).startswith(rules.task_prefix(7))
    assert not rules.task_key(71, 3, 1, 42).startswith(rules.task_prefix(7))


# ------------------------------------------------------ a branch in a month


@pytest.mark.parametrize(
    ("reported_late", "exempt", "expected", "overdue", "state"),
    [
        (False, False, True, False, State.ON_TIME),
        (False, True, True, True, State.ON_TIME),  # a report beats an exemption
        (True, False, True, True, State.LATE),
        (True, False, False, True, State.LATE),  # a report counts even when not expected
        (False, False, False, False, State.ON_TIME),
        (None, True, True, False, State.EXEMPT),
        (None, True, True, True, State.EXEMPT),
        (None, False, True, False, State.WAITING),
        (None, False, True, True, State.MISSING),
        (None, False, False, True, None),  # no place in the month
        (None, True, False, True, None),
    ],
)
def test_month_state(
    reported_late: bool | None, exempt: bool, expected: bool, overdue: bool, state: State | None
) -> None:
    got = rules.month_state(
        reported_late=reported_late, exempt=exempt, expected=expected, overdue=overdue
    )
    assert got is state


@dataclass(frozen=True)
class B:
    created_at: datetime
    archived_at: datetime | None = None


@pytest.mark.parametrize(
    ("branch", "month", "expected"),
    [
        (B(at(2026, 1, 1)), Month(2026, 11), True),
        (B(at(2026, 11, 30, 23, 59)), Month(2026, 11), True),  # created in the last minute
        (B(at(2026, 12, 1, 0, 0)), Month(2026, 11), False),  # created as the month ended
        (B(datetime(2026, 11, 30, 16, 30, tzinfo=UTC)), Month(2026, 11), False),  # Dec 1 local
        (B(datetime(2026, 11, 30, 15, 30, tzinfo=UTC)), Month(2026, 11), True),
        (B(at(2026, 1, 1), at(2026, 11, 30, 23, 59)), Month(2026, 11), False),  # archived in it
        (B(at(2026, 1, 1), at(2026, 12, 1, 0, 0)), Month(2026, 11), True),  # archived after it
        (B(at(2026, 1, 1), at(2026, 10, 5)), Month(2026, 9), True),
        (B(at(2026, 2, 28, 12)), Month(2026, 2), True),
        (B(at(2026, 3, 1)), Month(2026, 2), False),
    ],
)
def test_expected_in(branch: B, month: Month, expected: bool) -> None:
    assert rules.expected_in(branch, month, TZ) is expected
    assert rules.alive_at_end(branch, at(month.next().year, month.next().month, 1)) is expected


@pytest.mark.parametrize(
    ("branch", "reported_late", "exempt", "now", "state"),
    [
        (B(at(2026, 1, 1)), None, False, at(2026, 11, 25, 23, 59), State.WAITING),
        (B(at(2026, 1, 1)), None, False, at(2026, 11, 26, 0, 0), State.MISSING),
        (B(at(2026, 1, 1)), None, True, at(2026, 11, 26, 0, 0), State.EXEMPT),
        (B(at(2026, 1, 1)), True, False, at(2026, 11, 26, 0, 0), State.LATE),
        (B(at(2026, 12, 1)), None, False, at(2026, 12, 2), None),  # created after November
        (B(at(2026, 12, 1)), False, False, at(2026, 12, 2), State.ON_TIME),
        (B(at(2026, 1, 1), at(2026, 11, 10)), None, False, at(2026, 12, 2), None),  # archived
    ],
)
def test_branch_month_state(
    branch: B, reported_late: bool | None, exempt: bool, now: datetime, state: State | None
) -> None:
    got = rules.branch_month_state(
        branch,
        Month(2026, 11),
        reported_late=reported_late,
        exempt=exempt,
        due_on=date(2026, 11, 25),
        now=now,
        tz=TZ,
    )
    assert got is state


# ------------------------------------------------------------ runs of misses

OLD = B(at(2025, 1, 1))


def past(month: Month, reported: Iterable[int] = (), exempt: Iterable[int] = ()) -> PastMonth:
    return PastMonth(month, frozenset(reported), frozenset(exempt))


OCT, SEP, AUG, JUL = Month(2026, 10), Month(2026, 9), Month(2026, 8), Month(2026, 7)


@pytest.mark.parametrize(
    ("missing", "branches", "history", "runs"),
    [
        ([], {}, [past(OCT)], {}),
        ([1], {1: OLD}, [], {1: 1}),  # no earlier month looked at
        ([1], {1: OLD}, [None, past(SEP)], {1: 1}),  # no cycle last month ends the run
        ([1], {1: OLD}, [past(OCT), past(SEP), None, past(JUL)], {1: 3}),
        ([1], {1: OLD}, [past(OCT), past(SEP), past(AUG)], {1: 4}),
        ([1, 2], {1: OLD, 2: OLD}, [past(OCT, {2}), past(SEP)], {1: 3, 2: 1}),  # 2 reported
        ([1, 2], {1: OLD, 2: OLD}, [past(OCT), past(SEP, exempt={1})], {1: 2, 2: 3}),
        # A branch created in October was not expected in September.
        ([1], {1: B(at(2026, 10, 3))}, [past(OCT), past(SEP), past(AUG)], {1: 2}),
        # Created in the last minute of September: expected then.
        ([1], {1: B(at(2026, 9, 30, 23, 59))}, [past(OCT), past(SEP), past(AUG)], {1: 3}),
        # A report ends the run even after a gap of other misses.
        ([1], {1: OLD}, [past(OCT), past(SEP, {1}), past(AUG)], {1: 2}),
    ],
)
def test_missing_runs(
    missing: list[int],
    branches: dict[int, B],
    history: list[PastMonth | None],
    runs: dict[int, int],
) -> None:
    assert rules.missing_runs(missing, branches, history, TZ) == runs
