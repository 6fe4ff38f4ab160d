"""Coordinators' records: /export (台账), /review (年度评议), /circulardoc (通报 and chart)."""

from __future__ import annotations

import asyncio
import io

from telegram import Bot, InputFile, Message
from telegram.constants import ParseMode

from bot.calendar import Month
from bot.records.data import load_year, parse_year
from bot.records.ledger import ledger_xlsx
from bot.records.publish import CircularFiles, circular_files, latest_circular_month
from bot.records.review import ReviewThresholds, review_text, review_year
from bot.services.base import UserError
from bot.services.fmt import month_label
from handlers.common import COORDINATION_OR_PRIVATE, Ctx, guarded


@guarded(COORDINATION_OR_PRIVATE)
async def export_command(ctx: Ctx) -> None:
    ctx.actor.require_coordinator()
    year = parse_year(ctx.args[0] if ctx.args else None, ctx.now, ctx.env.cfg.tz)
    data = await load_year(ctx.env, year, ctx.now)
    thresholds = ReviewThresholds.from_settings(ctx.env.cfg)
    # A thousand branches take a couple of seconds to write: not on the event loop.
    xlsx = await asyncio.to_thread(ledger_xlsx, data, thresholds)
    await ctx.context.bot.send_document(
        chat_id=ctx.chat_id,
        document=InputFile(io.BytesIO(xlsx), filename=f"zhibu-台账-{year}.xlsx"),
        caption=ctx.t(
            "rec_export_caption",
            year=year,
            branches=len(data.branches),
            reports=len(data.reports()),
        ),
        parse_mode=ParseMode.HTML,
    )


@guarded(COORDINATION_OR_PRIVATE)
async def review_command(ctx: Ctx) -> None:
    ctx.actor.require_coordinator()
    year = parse_year(ctx.args[0] if ctx.args else None, ctx.now, ctx.env.cfg.tz)
    data = await load_year(ctx.env, year, ctx.now)
    review = review_year(data, ReviewThresholds.from_settings(ctx.env.cfg))
    await ctx.reply(review_text(ctx.lang, review))


@guarded(COORDINATION_OR_PRIVATE)
async def circular_doc_command(ctx: Ctx) -> None:
    """Send a month's circular again as a document and a chart (default: the latest)."""
    ctx.actor.require_coordinator()
    if ctx.args:
        try:
            month: Month | None = Month.parse(ctx.args[0])
        except ValueError:
            raise UserError("month_bad", value=ctx.args[0]) from None
    else:
        month = await latest_circular_month(ctx.env)
    if month is None:
        raise UserError("rec_no_circulars")
    files = await circular_files(ctx.env, month, ctx.now)
    await send_circular_files(
        ctx.context.bot,
        ctx.chat_id,
        files,
        chart_caption=ctx.t("rec_chart_caption", month=month_label(ctx.lang, month)),
        docx_caption=ctx.t("rec_docx_caption", month=month_label(ctx.lang, month)),
    )


async def send_circular_files(
    bot: Bot, chat_id: int, files: CircularFiles, chart_caption: str, docx_caption: str
) -> Message:
    """The chart first (it previews in the chat), then the document; returns the last message."""
    await bot.send_photo(
        chat_id=chat_id,
        photo=InputFile(io.BytesIO(files.chart.data), filename=files.chart.name),
        caption=chart_caption,
        parse_mode=ParseMode.HTML,
    )
    return await bot.send_document(
        chat_id=chat_id,
        document=InputFile(io.BytesIO(files.document.data), filename=files.document.name),
        caption=docx_caption,
        parse_mode=ParseMode.HTML,
    )
