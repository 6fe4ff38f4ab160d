"""The files that go out with a monthly circular: the 通报 as .docx and the month's chart.

Each is made on demand from the stored circular and the database, so the
delivery can send them as outbox items of their own (kinds `circular_chart`
and `circular_docx`), retried and deduplicated like any message.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime

from bot.calendar import Month
from bot.models import Circular
from bot.records.data import YearData, load_span
from bot.services.base import Env, UserError
from bot.services.circular import circular_language, stored_model
from bot.services.circular_model import CircularModel
from bot.services.fmt import month_label
from storage import circulars as circular_store

TREND_MONTHS = 12


@dataclass(frozen=True)
class NamedFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class CircularFiles:
    month: Month
    chart: NamedFile
    document: NamedFile


async def latest_circular_month(env: Env) -> Month | None:
    async with env.db.reading() as tx:
        circulars = await circular_store.list_circulars(tx)
    return Month.parse(circulars[-1].month) if circulars else None


async def _stored(env: Env, month: Month) -> Circular:
    async with env.db.reading() as tx:
        circ = await circular_store.get_circular(tx, str(month))
    if circ is None:
        raise UserError("rec_no_circular", month=month_label(env.cfg.language, month))
    return circ


async def circular_document(env: Env, month: Month) -> NamedFile:
    """The stored circular of `month` as a .docx; it must have been built."""
    circ = await _stored(env, month)
    issued = (circ.posted_at or circ.built_at).astimezone(env.cfg.tz).date()
    # Rendering takes a fraction of a second of CPU: keep it off the event loop.
    model = stored_model(circ, circular_language(env))
    data = await asyncio.to_thread(_docx, env.cfg.org_name, model, issued)
    return NamedFile(f"zhibu-通报-{month}.docx", data)


async def circular_chart(env: Env, month: Month, now: datetime) -> NamedFile:
    """The chart of `month`: its branches by status and the 12 months ending with it.

    The month's bars and its point on the trend are the circular's own counts
    (from its stored model), so the chart says what the circular said even when
    a report came in after it; a circular stored before the model, or a month
    without one, is counted from the database.
    """
    first = month
    for _ in range(TREND_MONTHS - 1):
        first = first.prev()
    data = await load_span(env, first, month, now, tasks=())  # the chart shows no tasks
    async with env.db.reading() as tx:
        circ = await circular_store.get_circular(tx, str(month))
    model = None if circ is None or circ.doc is None else CircularModel.from_json(circ.doc)
    label = str(month_label("zh-Hans", month))
    png = await asyncio.to_thread(_chart_png, label, data, month, model)
    return NamedFile(f"zhibu-通报-{month}.png", png)


async def circular_files(env: Env, month: Month, now: datetime) -> CircularFiles:
    document = await circular_document(env, month)  # first: fails early without a circular
    return CircularFiles(month, await circular_chart(env, month, now), document)


# The renderers import python-docx and matplotlib (with numpy) in the worker thread
# on first use: the bot starts and idles without them, and the event loop never
# waits for the import.


def _docx(org_name: str, model: CircularModel, issued: date) -> bytes:
    from bot.records.document import circular_docx

    return circular_docx(org_name, model, issued)


def _chart_png(label: str, data: YearData, month: Month, model: CircularModel | None) -> bytes:
    from bot.records.chart import chart_inputs, circular_counts, month_chart

    counts, trend = chart_inputs(data, month, TREND_MONTHS)
    if model is not None and model.counts is not None:
        counts, trend = circular_counts(model.counts, trend)
    return month_chart(label, counts, trend)
