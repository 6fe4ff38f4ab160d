"""`/status <字段>`: one field of the report form across the month's branches."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup

from bot.calendar import Month
from bot.commands import PRIVATE
from bot.i18n import Html, esc, join
from bot.services import form_counts, months
from bot.services.base import UserError, current_month
from bot.services.fmt import month_label, names_list
from handlers.common import Ctx, buttons, int_arg, page_row, paginate

# A text answer is shown to this many characters in the list (the report has it whole).
VALUE_CHARS = 60


def _split_month(ctx: Ctx, arg: str) -> tuple[str, Month]:
    """`主题党日 2026-07` → ("主题党日", July); without a month, this month."""
    now_month = current_month(ctx.env, ctx.now)
    word, _, last = arg.rstrip().rpartition(" ")
    month = months.month_or_name(last) if word else None
    if month is None:
        return arg.strip(), now_month
    return word.strip(), months.not_in_future(month, now_month)


def _lines(ctx: Ctx, fs: form_counts.FieldStatus) -> list[Html]:
    """The body: grouped by value for yes/no, choices and numbers; one line a branch
    for text and dates."""
    names = fs.names
    out: list[Html] = []
    grouped = fs.field.type in ("yesno", "choice", "number")
    for shown, ids in fs.values.groups:
        branch_names = [names.get(b, str(b)) for b in ids]
        if grouped:
            out.append(
                ctx.t(
                    "form_status_group",
                    value=shown,
                    count=len(ids),
                    names=names_list(ctx.lang, branch_names),
                )
            )
        else:
            value = shown if len(shown) <= VALUE_CHARS else shown[:VALUE_CHARS] + "……"
            value = " ".join(value.split())
            out.extend(ctx.t("form_status_branch", branch=n, value=value) for n in branch_names)
    if fs.values.skipped:
        skipped = [names.get(b, str(b)) for b in fs.values.skipped]
        out.append(
            ctx.t(
                "form_status_skipped",
                count=len(skipped),
                names=names_list(ctx.lang, skipped),
            )
        )
    return out


def _head(ctx: Ctx, fs: form_counts.FieldStatus) -> list[Html]:
    head = [
        ctx.t(
            "form_status_head",
            month=month_label(ctx.lang, fs.month),
            label=fs.field.label,
            title=fs.form.title,
        )
    ]
    if fs.total is not None and fs.total.of:  # "0/0个支部" says nothing: no one answered yet
        head.append(Html(esc(form_counts.total_text(ctx.lang, fs.total))))
    if fs.not_reported or fs.free_text:
        head.append(ctx.t("form_status_others", missing=fs.not_reported, free=fs.free_text))
    return head


def _render(
    ctx: Ctx, fs: form_counts.FieldStatus, page: int
) -> tuple[Html, InlineKeyboardMarkup | None]:
    head = _head(ctx, fs)
    body = _lines(ctx, fs) or [ctx.t("form_status_none")]
    if ctx.chat_kind != PRIVATE:
        return join([*head, Html(""), *body]), None
    pages = paginate(body)
    page = min(max(page, 1), len(pages))
    position = fs.form.index(fs.field.key) + 1
    row = page_row(f"sfp:{fs.month}:{position}", page, len(pages))
    return join([*head, Html(""), *pages[page - 1]]), buttons(row) if row else None


async def try_field(ctx: Ctx, arg: str) -> bool:
    """Answer `/status <arg>` when `arg` names a field of the form; False otherwise."""
    word, month = _split_month(ctx, arg)
    fs = await form_counts.field_status(ctx.env, ctx.actor, word, month, ctx.now)
    if fs is None:
        return False
    text, markup = _render(ctx, fs, 1)
    await ctx.reply(text, markup)
    return True


async def field_or_branch(
    ctx: Ctx, arg: str, branch_status: Callable[[Ctx, str], Awaitable[None]]
) -> None:
    """`/status <arg>`: a field of the form, else a branch; naming neither, the
    answer lists the form's items as well as pointing to /branches."""
    if await try_field(ctx, arg):
        return
    try:
        await branch_status(ctx, arg)
    except UserError as exc:
        _, month = _split_month(ctx, arg)
        raise await form_counts.not_found(ctx.env, arg.strip(), month, exc) from None


async def field_page(ctx: Ctx, args: list[str]) -> None:
    """`sfp:<month>:<field position>:<page>`: another page of `/status <字段>`, in place."""
    page = int_arg(args, 2)
    position = int_arg(args, 1)
    if len(args) != 3 or page is None or position is None:
        raise UserError("bad_button")
    fs = await form_counts.field_status_at(ctx.env, ctx.actor, args[0], position, ctx.now)
    text, markup = _render(ctx, fs, page)
    await ctx.edit(text, markup)
    await ctx.toast("")
