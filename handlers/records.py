"""Coordinators' records: /export (台账), /review (年度评议), /circulardoc (通报 and chart)."""

from __future__ import annotations

import io

from telegram import Bot, InputFile, Message
from telegram.constants import ParseMode

from bot.records import requests as records
from bot.records.publish import CircularFiles
from bot.records.review import review_text
from bot.services.fmt import month_label
from handlers.common import Ctx


async def export_command(ctx: Ctx) -> None:
    made = await records.ledger(ctx.env, ctx.actor, _arg(ctx), ctx.now)
    await ctx.context.bot.send_document(
        chat_id=ctx.chat_id,
        document=InputFile(io.BytesIO(made.xlsx), filename=f"zhibu-台账-{made.year}.xlsx"),
        caption=ctx.t(
            "rec_export_caption",
            year=made.year,
            branches=len(made.data.branches),
            reports=len(made.data.reports()),
        ),
        parse_mode=ParseMode.HTML,
    )


async def review_command(ctx: Ctx) -> None:
    review = await records.review(ctx.env, ctx.actor, _arg(ctx), ctx.now)
    await ctx.reply(review_text(ctx.lang, review))


async def circular_doc_command(ctx: Ctx) -> None:
    """Send a month's circular again as a document and a chart (default: the latest)."""
    files = await records.circular_doc(ctx.env, ctx.actor, _arg(ctx), ctx.now)
    month = month_label(ctx.lang, files.month)
    await send_circular_files(
        ctx.context.bot,
        ctx.chat_id,
        files,
        chart_caption=ctx.t("rec_chart_caption", month=month),
        docx_caption=ctx.t("rec_docx_caption", month=month),
    )


def _arg(ctx: Ctx) -> str | None:
    return ctx.args[0] if ctx.args else None


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
