"""Where a month stands: who reported on time, late, not at all, who is exempt."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from bot import rules
from bot.calendar import Month, end_of
from bot.models import Branch, BranchKind, BranchView, Exemption, OutboxItem, Report, User
from bot.rules import State as State
from bot.services import months, plans
from bot.services.base import COMMITTEE, Actor, Env, Scope, UserError, nominal_due, peek_cycle
from bot.services.tree import resolve_in_scope
from storage import branches, outbox, standing
from storage import reports as report_store
from storage.db import Tx, parse_ts
from storage.rows import model_from


class BranchRow(NamedTuple):
    """A branch as a month's summary reads it: what `Line.branch` gives (lean, no
    validation; a `rules.Lifetime` like `bot.models.Branch`). A named tuple: ten
    thousand are made at a stroke, each a third of a frozen dataclass's cost."""

    id: int
    name: str
    category: str
    created_at: datetime
    archived_at: datetime | None
    # The tree (docs/tree.md): as `bot.models.Branch` has them.
    parent_id: int | None = None
    kind: BranchKind = BranchKind.BRANCH
    reports: bool = True

    @property
    def active(self) -> bool:
        return self.archived_at is None

    @property
    def is_general(self) -> bool:
        return self.kind is BranchKind.GENERAL


# `BranchKind(value)` without the enum's call machinery, ten thousand times.
_KINDS = {k.value: k for k in BranchKind}


class Line:
    """A branch's place in a month. Read from one row of `storage.standing`: the
    state and the branch are decided at once, the models (`view`, `report`,
    `exemption`) built from the row on first use, since a summary of ten thousand
    branches mostly needs names and states."""

    __slots__ = (
        "_exemption",
        "_highlighted",
        "_people",
        "_report",
        "_row",
        "_secretary",
        "_view",
        "attachments",
        "branch",
        "state",
    )

    def __init__(
        self, row: sqlite3.Row, branch: BranchRow, state: State, col: Mapping[str, int]
    ) -> None:
        """`col`: the row's column positions (`standing.positions`)."""
        self._row = row
        self.branch = branch
        self.state = state
        self.attachments: int = row[col["attachments"]]
        self._secretary: bool = row[col["s_user_id"]] is not None
        self._highlighted: bool = row[col["r_highlighted_by"]] is not None
        self._people: bool = "s_first_name" in col  # `standing.month_rows(people=…)`
        self._view: BranchView | None = None
        self._report: Report | None = None
        self._exemption: Exemption | None = None

    @property
    def view(self) -> BranchView:
        if self._view is None:
            row = self._row
            if not self._people:
                raise LookupError("a summary read without people has no views")
            self._view = BranchView(
                branch=model_from(Branch, row),
                secretary=None if row["s_user_id"] is None else model_from(User, row, "s_"),
                deputy=None if row["d_user_id"] is None else model_from(User, row, "d_"),
            )
        return self._view

    @property
    def report(self) -> Report | None:
        if self._report is None and self._row["r_id"] is not None:
            self._report = model_from(Report, self._row, "r_")
        return self._report

    @property
    def exemption(self) -> Exemption | None:
        if self._exemption is None and self._row["e_branch_id"] is not None:
            self._exemption = model_from(Exemption, self._row, "e_")
        return self._exemption

    @property
    def has_secretary(self) -> bool:
        return self._secretary

    @property
    def highlighted(self) -> bool:
        """Whether its report was picked for the circular's highlights."""
        return self._highlighted

    @property
    def unreachable(self) -> list[User]:
        return [u for u in self.view.reporters if not u.reachable]


@dataclass(frozen=True)
class MonthSummary:
    month: Month
    due_on: date
    nominal_due: date  # before the working-day rule
    overdue: bool  # the due day has passed
    lines: list[Line]
    failures: list[OutboxItem] = field(default_factory=list)
    scope: Scope = COMMITTEE  # whose units these are: the committee's, or one 总支's

    @cached_property
    def _by_state(self) -> dict[State, list[Line]]:
        """The lines of each state, in order: the digest and the circular ask a dozen
        times of ten thousand lines (a summary's lines are not changed once read)."""
        found: dict[State, list[Line]] = {}
        for ln in self.lines:
            found.setdefault(ln.state, []).append(ln)
        return found

    def having(self, *states: State) -> list[Line]:
        if len(states) == 1:
            return list(self._by_state.get(states[0], ()))
        return [ln for ln in self.lines if ln.state in states]

    def _count(self, *states: State) -> int:
        return sum(len(self._by_state.get(s, ())) for s in set(states))

    @property
    def expected(self) -> int:
        return len(self.lines) - self._count(State.EXEMPT)

    @property
    def reported(self) -> int:
        return self._count(State.ON_TIME, State.LATE)

    @property
    def without_secretary(self) -> list[Line]:
        """Branches still to report that nobody can be reminded for."""
        return [
            ln
            for ln in self.lines
            if not ln.has_secretary and ln.state in (State.WAITING, State.MISSING)
        ]

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 1.0

    @property
    def todo(self) -> list[Line]:
        """Branches still to report: before the due day waiting, after it missing."""
        return self.having(State.WAITING, State.MISSING)

    def only(self, which: Only) -> list[Line]:
        """The lines `/status <filter>` shows."""
        if which is Only.ALL:
            return self.lines
        if which is Only.NO_SECRETARY:
            return self.without_secretary
        return self.having(*ONLY_STATES[which])


class Only(StrEnum):
    """Which branches `/status <filter>` lists (the value is its code in buttons)."""

    ALL = "all"
    TODO = "todo"  # 未报 / 待报: not reported yet
    LATE = "late"  # 迟报
    ON_TIME = "ontime"  # 按时
    EXEMPT = "exempt"  # 免报
    NO_SECRETARY = "nosec"  # 无书记


ONLY_STATES: dict[Only, tuple[State, ...]] = {
    Only.TODO: (State.WAITING, State.MISSING),
    Only.LATE: (State.LATE,),
    Only.ON_TIME: (State.ON_TIME,),
    Only.EXEMPT: (State.EXEMPT,),
}

# The words after /status that pick a filter (simplified, traditional, English).
ONLY_WORDS: dict[str, Only] = {
    **dict.fromkeys(("未报", "未報", "待报", "待報", "missing", "waiting", "todo"), Only.TODO),
    **dict.fromkeys(("迟报", "遲報", "late"), Only.LATE),
    **dict.fromkeys(("按时", "按時", "ontime", "on-time"), Only.ON_TIME),
    **dict.fromkeys(("免报", "免報", "exempt"), Only.EXEMPT),
    **dict.fromkeys(
        ("无书记", "無書記", "nosecretary", "no-secretary", "no_secretary", "nosec"),
        Only.NO_SECRETARY,
    ),
}


def _lines(rows: list[sqlite3.Row], scope: Scope, month_end: datetime, overdue: bool) -> list[Line]:
    """The month's lines of `scope` from `standing.month_rows` (not empty)."""
    lines: list[Line] = []
    # Columns by position: a name is looked up along the row's ~50 columns each
    # time, and ten thousand rows read a dozen of them.
    col = standing.positions(rows)
    c_id, c_name, c_category, c_created, c_archived = (
        col[k] for k in ("id", "name", "category", "created_at", "archived_at")
    )
    c_parent, c_kind, c_reports, c_late, c_exempt = (
        col[k] for k in ("parent_id", "kind", "reports", "r_late", "e_branch_id")
    )
    whole = scope.whole
    for row in rows:
        if not row[c_reports] or not (whole or scope.covers(row[c_id])):
            continue  # a 总支 that only gathers owes no report; outside the scope
        archived = row[c_archived]
        branch = BranchRow(
            row[c_id],
            row[c_name],
            row[c_category],
            parse_ts(row[c_created]),
            None if archived is None else parse_ts(archived),
            row[c_parent],
            _KINDS[row[c_kind]],
            True,  # reports: only a unit that reports has a line
        )
        late = row[c_late]
        state = rules.month_state(
            reported_late=None if late is None else bool(late),
            exempt=row[c_exempt] is not None,
            expected=rules.alive_at_end(branch, month_end),
            overdue=overdue,
        )
        if state is not None:
            lines.append(Line(row, branch, state, col))
    return lines


async def summarize(
    env: Env,
    tx: Tx,
    month: Month,
    now: datetime,
    with_failures: bool = True,
    scope: Scope = COMMITTEE,
    people: bool = True,
) -> MonthSummary:
    """The month for the units of `scope` that owe a report (a 总支 that only gathers
    its 支部 owes none: docs/tree.md). Without `people`, a line has no `view` (nor
    `unreachable`): the reporters are not read, only whether there is a secretary
    (the digest and the circular, ten thousand branches a month)."""
    cycle = await peek_cycle(env, tx, month)
    tz = env.cfg.tz
    # `rules.branch_month_state` for each branch, its month-wide parts worked out
    # once (ten thousand branches share one clock and one month end);
    # tests/test_perf2_summary.py proves the states equal.
    overdue = rules.is_overdue(cycle.due_on, now, tz)
    # In UTC: comparing it with ten thousand fixed-offset times then needs no
    # zone look-up each (the same instant, so the same answers).
    month_end = end_of(month.last_day, tz).astimezone(UTC)
    rows = await standing.month_rows(tx, str(month), people)
    lines = _lines(rows, scope, month_end, overdue) if rows else []
    failures: list[OutboxItem] = []
    if with_failures:
        since = datetime.combine(month.first_day, datetime.min.time(), tz)
        failed = await outbox.failed_outbox(tx, since)
        failures = [
            f
            for f in failed
            if f.month in (None, str(month)) and (f.branch_id is None or scope.covers(f.branch_id))
        ]
        if not scope.whole:  # a 总支 sees its own units' failures only
            failures = [f for f in failures if f.branch_id is not None]
    return MonthSummary(
        month=month,
        due_on=cycle.due_on,
        nominal_due=nominal_due(env, month),
        overdue=overdue,
        lines=lines,
        failures=failures,
        scope=scope,
    )


async def month_status(env: Env, actor: Actor, month: Month, now: datetime) -> MonthSummary:
    """/status: the month for the units the actor coordinates (a 总支: its subtree)."""
    scope = actor.require_scope()
    async with env.db.reading() as tx:
        return await summarize(env, tx, month, now, scope=scope)


@dataclass(frozen=True)
class BranchStatus:
    view: BranchView
    latest: Report | None
    revisions: int
    attachments: int
    due_on: date | None
    overdue_tasks: list[plans.TaskState]


async def branch_status(env: Env, actor: Actor, name: str, now: datetime) -> BranchStatus:
    scope = actor.require_scope()
    async with env.db.reading() as tx:
        branch = await resolve_in_scope(tx, scope, name)
        view = await branches.branch_view(tx, branch.id)
        assert view is not None
        reports = await report_store.reports_for_branch(tx, branch.id, limit=1)
        latest = reports[0] if reports else None
        attachments = (
            len(await report_store.attachments(tx, branch.id, latest.month)) if latest else 0
        )
        cycle = await report_store.get_cycle(tx, latest.month) if latest else None
        today = now.astimezone(env.cfg.tz).date()
        return BranchStatus(
            view=view,
            latest=latest,
            revisions=latest.revisions if latest else 0,
            attachments=attachments,
            due_on=cycle.due_on if cycle else None,
            overdue_tasks=await plans.overdue_tasks(env, tx, branch, today),
        )


@dataclass(frozen=True)
class StatusQuery:
    """`/status [filter] [month]`: which month, and which branches of it."""

    month: Month
    only: Only = Only.ALL


def status_target(actor: Actor, arg: str, now_month: Month) -> StatusQuery | str:
    """What `/status [arg]` asks about: a month (default: this one), optionally only
    the branches of one state (`/status 未报`, `/status late 2026-10`), or a branch's name."""
    actor.require_scope()
    words = arg.replace("no secretary", "nosecretary").split()
    only = Only.ALL
    for i, word in enumerate(words):
        if word.lower() in ONLY_WORDS and len(words) <= 2:
            only = ONLY_WORDS[word.lower()]
            words = words[:i] + words[i + 1 :]
            break
    rest = " ".join(words)
    if not rest:
        return StatusQuery(now_month, only)
    month = months.month_or_name(rest)
    if month is None:
        if only is not Only.ALL:
            months.parse_month(rest)  # `/status 未报 xyz`: xyz must be a month
        return arg
    return StatusQuery(months.not_in_future(month, now_month), only)


def button_month(actor: Actor, code: str, now_month: Month) -> Month:
    """The month a /status button was made for; a forged one is refused."""
    actor.require_scope()
    try:
        month = Month.parse(code)
    except ValueError:
        raise UserError("bad_button") from None
    if month > now_month:
        raise UserError("bad_button")
    return month


def parse_only(code: str) -> Only:
    """A filter code from a button; anything else is a forged or stale button."""
    try:
        return Only(code)
    except ValueError:
        raise UserError("bad_button") from None
