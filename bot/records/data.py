"""A span of months (usually a year) read once, in the shape the records are built from.

`load_year` reads everything in one snapshot; `assemble` turns the rows into
per-(branch, month) cells with the same rules as `/status` and the circular,
so the ledger, the review and the chart can never disagree with them.

A year of ten thousand branches is some 120,000 reports: they are read page
by page as plain rows (`ReportRow`, slotted, no pydantic model each), so the
event loop is never held for long and the year fits in a fraction of the
memory; `assemble` then runs in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import rules
from bot.calendar import Month, end_of
from bot.models import Branch, Circular, Cycle, Exemption, User

# One rule for a branch's standing in a month, shared with /status and the circular.
from bot.rules import State
from bot.services import forms, plans
from bot.services.base import Env, UserError
from bot.services.forms import MonthAnswers
from storage import records as q
from storage.db import Tx, parse_ts, parse_ts_opt

# Task statuses that count as done; the plans feature reports one of these words.
COMPLETED_STATUSES = frozenset({"done", "completed", "完成", "已完成", "已完結", "已完结"})
# Reports read per query: a page converts in a few milliseconds on the event loop.
REPORT_PAGE = 2_000


@dataclass(frozen=True)
class TaskStatusRow:
    """One task's standing for one branch, as the plans feature will supply it."""

    branch: str
    plan: str
    task: str
    status: str
    note: str = ""
    updated_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.status.strip().lower() in COMPLETED_STATUSES


@dataclass(frozen=True)
class MonthInfo:
    month: Month
    due_on: date
    # The due day has passed as of `now`: the month is settled and counts in rates.
    counted: bool


@dataclass(frozen=True, slots=True)
class ReportRow:
    """A report as the records use it: `bot.models.Report`'s fields, without the model."""

    id: int
    branch_id: int
    month: str
    author_id: int
    text: str
    submitted_at: datetime
    revised_at: datetime | None
    late: bool
    revisions: int


@dataclass(frozen=True, slots=True)
class Cell:
    """A branch in a month it was expected to report for (or did report for)."""

    state: State
    report: ReportRow | None = None
    exemption: Exemption | None = None
    attachments: int = 0


@dataclass(frozen=True)
class YearData:
    first: Month
    last: Month
    now: datetime
    tz: ZoneInfo
    org_name: str
    months: list[Month]
    cycles: dict[Month, MonthInfo]
    branches: list[Branch]
    cells: dict[tuple[int, Month], Cell]
    authors: dict[int, User] = field(default_factory=dict)
    circulars: list[Circular] = field(default_factory=list)
    tasks: list[TaskStatusRow] = field(default_factory=list)
    # The report form's answers by month (only months where some report used a form).
    form_answers: dict[Month, MonthAnswers] = field(default_factory=dict)
    # Every unit, 总支 that only gather included: the tree the ledger groups by 总支.
    units: dict[int, Branch] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.last.year

    @property
    def counted_months(self) -> list[Month]:
        return [m for m in self.months if m in self.cycles and self.cycles[m].counted]

    def cell(self, branch_id: int, month: Month) -> Cell | None:
        return self.cells.get((branch_id, month))

    def reports(self) -> list[ReportRow]:
        """Every report of the span, by branch then month."""
        return [
            c.report
            for b in self.branches
            for m in self.months
            if (c := self.cells.get((b.id, m))) is not None and c.report is not None
        ]

    def tally(self, month: Month) -> dict[State, int]:
        counts = dict.fromkeys(State, 0)
        for b in self.branches:
            c = self.cells.get((b.id, month))
            if c is not None:
                counts[c.state] += 1
        return counts

    def submission_rate(self, month: Month) -> float | None:
        """Reported (on time or late) over expected, as the circular computes it.

        None for a month not yet settled, without a cycle, or with nobody expected:
        a trend line should show a gap there, not a made-up 100 %.
        """
        info = self.cycles.get(month)
        if info is None or not info.counted:
            return None
        counts = self.tally(month)
        expected = sum(counts.values()) - counts[State.EXEMPT]
        if expected == 0:
            return None
        return (counts[State.ON_TIME] + counts[State.LATE]) / expected

    def author_name(self, author_id: int) -> str:
        user = self.authors.get(author_id)
        return user.display_name if user is not None else str(author_id)


def months_between(first: Month, last: Month) -> list[Month]:
    out: list[Month] = []
    month = first
    while month <= last:
        out.append(month)
        month = month.next()
    return out


def assemble(
    *,
    first: Month,
    last: Month,
    now: datetime,
    tz: ZoneInfo,
    org_name: str,
    branches: Iterable[Branch],
    cycles: Iterable[Cycle],
    reports: Iterable[ReportRow],
    exemptions: dict[tuple[int, str], Exemption],
    attachments: dict[tuple[int, str], int],
    authors: dict[int, User] | None = None,
    circulars: Sequence[Circular] = (),
    tasks: Sequence[TaskStatusRow] = (),
    units: Iterable[Branch] = (),
) -> YearData:
    """Decide each (branch, month) with the rules of `bot.services.status.summarize`."""
    if now.tzinfo is None:
        raise ValueError("aware datetimes only")
    months = months_between(first, last)
    infos: dict[Month, MonthInfo] = {}
    for cycle in cycles:
        month = Month.parse(cycle.month)
        if first <= month <= last:
            infos[month] = MonthInfo(month, cycle.due_on, rules.is_overdue(cycle.due_on, now, tz))
    by_str = {str(m): m for m in months}
    by_key = {(r.branch_id, by_str.get(r.month) or Month.parse(r.month)): r for r in reports}
    # The first instant after each month, once, rather than once per branch and month.
    ends = {m: end_of(m.last_day, tz) for m in months}
    cells: dict[tuple[int, Month], Cell] = {}
    kept: list[Branch] = []
    for branch in sorted(branches, key=lambda b: b.id):
        in_span = False
        for month in months:
            existed = rules.alive_at_end(branch, ends[month])
            report = by_key.get((branch.id, month))
            in_span = in_span or existed or report is not None
            info = infos.get(month)
            if info is None:
                continue
            key = (branch.id, str(month))
            exemption = exemptions.get(key)
            state = rules.month_state(
                reported_late=None if report is None else report.late,
                exempt=exemption is not None,
                expected=existed,
                overdue=info.counted,
            )
            if state is None:
                continue
            cells[(branch.id, month)] = Cell(state, report, exemption, attachments.get(key, 0))
        if in_span:
            kept.append(branch)
    return YearData(
        first=first,
        last=last,
        now=now,
        tz=tz,
        org_name=org_name,
        months=months,
        cycles=infos,
        branches=kept,
        cells=cells,
        authors=dict(authors or {}),
        circulars=list(circulars),
        tasks=list(tasks),
        units={u.id: u for u in units},
    )


async def load_span(
    env: Env,
    first: Month,
    last: Month,
    now: datetime,
    tasks: Sequence[TaskStatusRow] | None = None,
) -> YearData:
    """The months `first`..`last`; `tasks` default to the plans' current task statuses."""
    lo, hi = str(first), str(last)
    async with env.db.reading() as tx:
        if tasks is None:
            tasks = await _task_rows(tx, now.astimezone(env.cfg.tz).date())
        # A 总支 that only gathers its 支部 owes no report: no row of its own (docs/tree.md).
        units = await q.branches_all(tx)
        branches = [b for b in units if b.reports]
        cycles = await q.cycles_between(tx, lo, hi)
        reports = await _report_rows(tx, lo, hi)
        exemptions = await q.exemptions_between(tx, lo, hi)
        attachments = await q.attachment_counts_between(tx, lo, hi)
        authors = await q.report_authors_between(tx, lo, hi)
        circulars = await q.circulars_between(tx, lo, hi)
        form_answers: dict[Month, MonthAnswers] = {}
        for month in months_between(first, last):
            answered = await forms.answers_in(tx, month)
            if answered.by_branch:
                form_answers[month] = answered
    # Deciding 120,000 cells takes a second or two: not on the event loop.
    data = await asyncio.to_thread(
        assemble,
        first=first,
        last=last,
        now=now,
        tz=env.cfg.tz,
        org_name=env.cfg.org_name,
        branches=branches,
        cycles=cycles,
        reports=reports,
        exemptions=exemptions,
        attachments=attachments,
        authors=authors,
        circulars=circulars,
        units=units,
        tasks=tasks,
    )
    return replace(data, form_answers=form_answers) if form_answers else data


async def _report_rows(tx: Tx, lo: str, hi: str) -> list[ReportRow]:
    """The span's reports, a page per query; months share one string each."""
    out: list[ReportRow] = []
    months: dict[str, str] = {}
    after: tuple[int, str] | None = None
    while True:
        page = await q.report_page_between(tx, lo, hi, after, REPORT_PAGE)
        for rid, branch_id, month, author, text, submitted, revised, late, revisions in page:
            out.append(
                ReportRow(
                    id=rid,
                    branch_id=branch_id,
                    month=months.setdefault(month, month),
                    author_id=author,
                    text=text,
                    submitted_at=parse_ts(submitted),
                    revised_at=parse_ts_opt(revised),
                    late=bool(late),
                    revisions=revisions,
                )
            )
        if len(page) < REPORT_PAGE:
            return out
        after = (out[-1].branch_id, out[-1].month)


async def _task_rows(tx: Tx, today: date) -> list[TaskStatusRow]:
    return [
        TaskStatusRow(
            branch=b.name,
            plan=s.plan_title,
            task=s.task.title,
            status=s.status,
            note=s.note,
            updated_at=s.updated_at,
        )
        for b, states in await plans.all_branch_tasks(tx, today)
        for s in states
    ] + [
        # Tasks of plans disabled or deleted in chat, and deleted tasks: their history.
        TaskStatusRow(
            branch=p.branch,
            plan=p.plan,
            task=p.task,
            status=p.status,
            note=p.note,
            updated_at=p.updated_at,
        )
        for p in await plans.past_statuses(tx)
    ]


async def load_year(
    env: Env, year: int, now: datetime, tasks: Sequence[TaskStatusRow] | None = None
) -> YearData:
    """The calendar year `year`, read in one snapshot; `tasks` come from the plans feature."""
    return await load_span(env, Month(year, 1), Month(year, 12), now, tasks)


def parse_year(text: str | None, now: datetime, tz: ZoneInfo) -> int:
    """'2026' or '2026年' → 2026; no text → the current year in the committee's zone."""
    current = now.astimezone(tz).year
    if text is None or not text.strip():
        return current
    raw = text.strip().removesuffix("年")
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise UserError("rec_year_bad", value=text)
    if int(raw) < 2000:
        raise UserError("rec_year_range", value=text)
    year = int(raw)
    if year > current:
        raise UserError("rec_year_future", year=year)
    return year
