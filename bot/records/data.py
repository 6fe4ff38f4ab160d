"""A span of months (usually a year) read once, in the shape the records are built from.

`load_year` reads everything in one snapshot; `assemble` turns the rows into
per-(branch, month) cells with the same rules as `/status` and the circular,
so the ledger, the review and the chart can never disagree with them.

A year of ten thousand branches is some 120,000 reports: they are read page
by page as plain rows (`ReportRow`, slotted, no pydantic model each), so the
event loop is never held for long and the year fits in a fraction of the
memory; `assemble` then runs in a worker thread. Their texts, the bulk of a
year, are not held: each page's texts go to a temporary file (`TextSpill`) as
they are read, and the ledger's reports sheet reads them back one by one
(`YearData.report_text`); nothing else needs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import tempfile
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import IO, Any
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
    # Where `TextSpill` keeps the text (then `text` is empty); -1: `text` holds it.
    text_ref: int = -1


def _remove(file: IO[bytes], path: str) -> None:
    file.close()
    with contextlib.suppress(OSError):
        os.unlink(path)


class TextSpill:
    """Report texts kept in a temporary file while a year is in memory.

    `add` appends a text (its UTF-8 length, then the bytes) and returns where;
    `get` reads it back. Written while the year loads, read while the ledger is
    written in a worker thread (a lock keeps a read's seek and read together).
    The file goes when the spill does.
    """

    def __init__(self) -> None:
        # A named file, so that the ledger's worker process (bot/services/job_worker.py)
        # can open it by path when the year is pickled to it; closed and removed by the
        # finalizer below, when the spill goes (it outlives any `with`).
        self._file: IO[bytes] = tempfile.NamedTemporaryFile(delete=False)  # noqa: SIM115
        self._path = self._file.name
        self._end = 0
        self._at_end = True
        self._lock = threading.Lock()
        self._finalizer: Any = weakref.finalize(self, _remove, self._file, self._path)

    def __getstate__(self) -> dict[str, object]:
        with self._lock:
            self._file.flush()
        return {"path": self._path, "end": self._end}

    def __setstate__(self, state: dict[str, object]) -> None:
        # In the worker: read-only, and the file stays the loading process's to remove.
        self._path = str(state["path"])
        self._file = open(self._path, "rb")  # noqa: SIM115
        self._end = int(str(state["end"]))
        self._at_end = False
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, self._file.close)

    def add(self, text: str) -> int:
        data = text.encode("utf-8")
        with self._lock:
            if not self._at_end:
                self._file.seek(self._end)
                self._at_end = True
            at = self._end
            self._file.write(len(data).to_bytes(4, "little"))
            self._file.write(data)
            self._end += 4 + len(data)
        return at

    def get(self, ref: int) -> str:
        with self._lock:
            self._at_end = False
            self._file.seek(ref)
            size = int.from_bytes(self._file.read(4), "little")
            return self._file.read(size).decode("utf-8")

    def close(self) -> None:
        self._finalizer()


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
    # Authors' display names by id, as `load_span` keeps them (not ten thousand
    # models); `author_name` looks here before `authors`.
    author_names: dict[int, str] = field(default_factory=dict)
    circulars: list[Circular] = field(default_factory=list)
    tasks: list[TaskStatusRow] = field(default_factory=list)
    # The report form's answers by month (only months where some report used a form).
    form_answers: dict[Month, MonthAnswers] = field(default_factory=dict)
    # Every unit, 总支 that only gather included: the tree the ledger groups by 总支.
    units: dict[int, Branch] = field(default_factory=dict)
    # The reports' texts when they were spilled as the year loaded (`load_span`).
    texts: TextSpill | None = None

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

    def report_text(self, report: ReportRow) -> str:
        """A report's full text, from the spill when it was loaded into one (a text
        given in the row wins: a spilled row holds none)."""
        if report.text or report.text_ref < 0 or self.texts is None:
            return report.text
        return self.texts.get(report.text_ref)

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
        name = self.author_names.get(author_id)
        if name is not None:
            return name
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
    # The reports by branch then month, walked beside the branches: no index of
    # 120,000 keys next to the cells (the peak of a big year's memory).
    ordered = reports if isinstance(reports, list) else list(reports)
    if not _in_order(ordered):
        ordered = sorted(ordered, key=lambda r: (r.branch_id, r.month))
    at = 0
    # The first instant after each month, once, rather than once per branch and month.
    ends = {m: end_of(m.last_day, tz) for m in months}
    cells: dict[tuple[int, Month], Cell] = {}
    kept: list[Branch] = []
    for branch in sorted(branches, key=lambda b: b.id):
        while at < len(ordered) and ordered[at].branch_id < branch.id:
            at += 1  # a report of a branch not given: as before, not shown
        mine: dict[Month, ReportRow] = {}
        while at < len(ordered) and ordered[at].branch_id == branch.id:
            r = ordered[at]
            mine[by_str.get(r.month) or Month.parse(r.month)] = r
            at += 1
        in_span = False
        for month in months:
            existed = rules.alive_at_end(branch, ends[month])
            report = mine.get(month)
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


def _in_order(reports: Sequence[ReportRow]) -> bool:
    """Whether the reports are by branch then month (as `load_span` reads them)."""
    return all(
        a.branch_id < b.branch_id or (a.branch_id == b.branch_id and a.month <= b.month)
        for a, b in itertools.pairwise(reports)
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
        texts = TextSpill()
        reports = await _report_rows(tx, lo, hi, texts)
        exemptions = await q.exemptions_between(tx, lo, hi)
        attachments = await q.attachment_counts_between(tx, lo, hi)
        author_names = {
            uid: user.display_name
            for uid, user in (await q.report_authors_between(tx, lo, hi)).items()
        }
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
        circulars=circulars,
        units=units,
        tasks=tasks,
    )
    return replace(data, form_answers=form_answers, texts=texts, author_names=author_names)


async def _report_rows(tx: Tx, lo: str, hi: str, texts: TextSpill) -> list[ReportRow]:
    """The span's reports, a page per query; months share one string each, the
    texts go to `texts` as each page is read."""
    out: list[ReportRow] = []
    months: dict[str, str] = {}
    ids: dict[int, int] = {}  # one int object per branch and author, not one per report
    after: tuple[int, str] | None = None
    while True:
        page = await q.report_page_between(tx, lo, hi, after, REPORT_PAGE)
        for rid, branch_id, month, author, text, submitted, revised, late, revisions in page:
            out.append(
                ReportRow(
                    id=rid,
                    branch_id=ids.setdefault(branch_id, branch_id),
                    month=months.setdefault(month, month),
                    author_id=ids.setdefault(author, author),
                    text="",
                    submitted_at=parse_ts(submitted),
                    revised_at=parse_ts_opt(revised),
                    late=bool(late),
                    revisions=revisions,
                    text_ref=texts.add(text),
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
