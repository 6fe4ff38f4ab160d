"""Coordinators' records on request: the ledger, the yearly review, a circular's files.

The checks live here (who may ask), then the arguments are read; the
handlers only send what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.calendar import Month
from bot.records.data import YearData, load_year, parse_year
from bot.records.publish import CircularFiles, circular_files, latest_circular_month
from bot.records.review import ReviewThresholds, YearReview, review_year
from bot.services import job_worker
from bot.services.base import Actor, Env, Scope, UserError
from bot.services.months import parse_month


@dataclass(frozen=True)
class Ledger:
    year: int
    data: YearData
    xlsx: bytes


async def _year(env: Env, actor: Actor, arg: str | None, now: datetime) -> tuple[int, YearData]:
    actor.require_coordinator()
    year = parse_year(arg, now, env.cfg.tz)
    return year, await load_year(env, year, now)


async def ledger(env: Env, actor: Actor, arg: str | None, now: datetime) -> Ledger:
    """/export [2026]: the year's ledger as an .xlsx workbook; a 总支's secretary gets
    its own units' only (docs/tree.md)."""
    scope = actor.require_scope()
    year = parse_year(arg, now, env.cfg.tz)
    data = within(await load_year(env, year, now), scope)
    thresholds = ReviewThresholds.from_settings(env.cfg)
    # A thousand branches take a couple of seconds to write: not on the event loop, and
    # within a time and memory budget (bot/services/job_worker.py).
    try:
        xlsx = await job_worker.run(job_worker.LEDGER, _ledger_xlsx, data, thresholds)
    except job_worker.OverBudget as exc:
        raise job_worker.user_error(exc) from None
    return Ledger(year=year, data=data, xlsx=xlsx)


async def review(env: Env, actor: Actor, arg: str | None, now: datetime) -> YearReview:
    """/review [2026]: per branch, the year's figures and a suggested grade."""
    _, data = await _year(env, actor, arg, now)
    return review_year(data, ReviewThresholds.from_settings(env.cfg))


async def circular_doc(env: Env, actor: Actor, arg: str | None, now: datetime) -> CircularFiles:
    """/circulardoc [2026-11]: a month's circular as files (default: the latest)."""
    actor.require_coordinator()
    month: Month | None = parse_month(arg) if arg else await latest_circular_month(env)
    if month is None:
        raise UserError("rec_no_circulars")
    return await circular_files(env, month, now)


def _ledger_xlsx(data: YearData, thresholds: ReviewThresholds) -> bytes:
    """openpyxl is imported in the worker thread on the first /export, not at start-up."""
    from bot.records.ledger import ledger_xlsx

    return ledger_xlsx(data, thresholds)


def within(data: YearData, scope: Scope) -> YearData:
    """The year's data of the units in `scope` only (the whole year for the committee)."""
    if scope.whole:
        return data
    kept = [b for b in data.branches if scope.covers(b.id)]
    names = {b.name for b in kept}
    return replace(
        data,
        org_name=scope.general.name if scope.general is not None else data.org_name,
        branches=kept,
        cells={k: c for k, c in data.cells.items() if scope.covers(k[0])},
        circulars=[],  # the committee's circulars name every unit: not the 总支's to read
        tasks=[r for r in data.tasks if r.branch in names],
    )
