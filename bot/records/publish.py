"""The files that go out with a monthly circular: the 通报 as .docx and the month's chart.

Each is made on demand from the stored circular and the database, so the
delivery can send them as outbox items of their own (kinds `circular_chart`
and `circular_docx`), retried and deduplicated like any message. They follow
the circular's text, which never depends on them: a file that cannot be made
is logged, reported to the admins once (per month and file), and refused with
`UserError("rec_render_failed")`, so its outbox item fails with a clear reason
and `/circulardoc` gets an answer instead of an internal error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.calendar import Month
from bot.i18n import Ref, t
from bot.models import Circular, NewMessage
from bot.records.data import YearData, load_span
from bot.services import job_worker
from bot.services.base import Env, UserError, user_lang
from bot.services.circular import circular_language, stored_model
from bot.services.circular_model import CircularModel
from bot.services.fmt import month_label
from storage import circulars as circular_store
from storage import outbox, people

log = logging.getLogger(__name__)

TREND_MONTHS = 12
DOCX, CHART = "docx", "chart"


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


async def circular_document(env: Env, month: Month, now: datetime | None = None) -> NamedFile:
    """The stored circular of `month` as a .docx; it must have been built.

    `now` dates the admins' notice if the document cannot be made; the delivery
    passes none, and the notice is then dated when the circular was posted.
    """
    circ = await _stored(env, month)
    issued = (circ.posted_at or circ.built_at).astimezone(env.cfg.tz).date()
    model = stored_model(circ, circular_language(env))
    when = now or circ.posted_at or circ.built_at
    data = await _render(
        env, month, DOCX, when, job_worker.DOCUMENT, _docx, env.cfg.org_name, model, issued
    )
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
    png = await _render(
        env, month, CHART, now, job_worker.CHART, _chart_png, label, data, month, model
    )
    return NamedFile(f"zhibu-通报-{month}.png", png)


async def circular_files(env: Env, month: Month, now: datetime) -> CircularFiles:
    document = await circular_document(env, month, now)  # first: fails early without one
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


async def _render(
    env: Env,
    month: Month,
    what: str,
    now: datetime,
    budget: job_worker.Budget,
    render: Callable[..., bytes],
    *args: object,
) -> bytes:
    """Run a renderer off the event loop, in the job worker within `budget`; a failure
    is logged, told to the admins once, and raised as a `UserError` the reader can
    understand (over budget: which budget)."""
    try:
        return await job_worker.run(budget, render, *args)
    except job_worker.OverBudget as exc:
        log.warning("circular %s of %s: %s", what, month, exc)
        await report_render_failure(env, month, what, str(exc), now)
        raise job_worker.user_error(exc) from None
    except Exception as exc:
        log.exception("circular %s of %s could not be made", what, month)
        await report_render_failure(env, month, what, f"{type(exc).__name__}: {exc}", now)
        raise UserError(
            "rec_render_failed",
            month=month_label(env.cfg.language, month),
            what=Ref(f"render_what_{what}"),
        ) from exc


async def report_render_failure(
    env: Env, month: Month, what: str, error: str, now: datetime
) -> int:
    """Tell each admin, once per month and file (the outbox deduplicates), that a file
    of the circular could not be made. Returns how many notices were queued."""
    added = 0
    async with env.db.transaction() as tx:
        for admin_id in env.cfg.admin_ids:
            lang = user_lang(env, await people.get_user(tx, admin_id))
            text = t(
                lang,
                "render_failed_admin",
                month=month_label(lang, month),
                month_arg=str(month),
                what=Ref(f"render_what_{what}"),
                error=error[:300],
            )
            message = NewMessage(
                dedupe_key=f"render_failed:{what}:{month}:{admin_id}",
                kind="notice",
                chat_id=admin_id,
                text=text,
                month=str(month),
                recipient_id=admin_id,
            )
            added += await outbox.enqueue(tx, message, now)
    return added
