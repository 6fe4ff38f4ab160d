"""Secretaries report: /report, replies to the bot, evidence, revisions, /myreports."""

from __future__ import annotations

import html

from telegram import Message

from bot.calendar import Month, end_of
from bot.i18n import Html, join
from bot.models import Branch
from bot.services import report_files, reports
from bot.services.approval import PENDING_RETURN
from bot.services.base import UserError
from bot.services.fmt import date_label, month_label, time_label
from bot.services.moves import PENDING_MOVE, PENDING_WITHDRAW
from bot.services.reports import HeldForForm, MonthChoice, Submitted, Target, TypedChoice
from handlers import approval
from handlers import forms as form_handlers
from handlers.common import Ctx, buttons, guarded, int_arg
from handlers.moves import history_lines, manage_row, maybe_reason
from handlers.plan_edit import maybe_plan_input
from handlers.plans import maybe_plan_document, maybe_task_note, offer_tasks

MYREPORTS_BUTTONS = 12  # the latest months of each branch get a button


async def report_command(ctx: Ctx) -> None:
    started = await reports.begin(ctx.env, ctx.actor, ctx.now)
    await _ask(ctx, started)


async def pick_branch(ctx: Ctx, args: list[str]) -> None:
    """`pick:<branch>` or, for the month choice, `pick:<branch>:<YYYY-MM>`."""
    branch_id = int_arg(args)
    if branch_id is None:
        raise UserError("bad_button")
    month = None
    if len(args) > 1:
        try:
            month = Month.parse(args[1])
        except ValueError:
            raise UserError("bad_button") from None
    await _ask(ctx, await reports.begin(ctx.env, ctx.actor, ctx.now, branch_id, month))
    await ctx.toast("✓")


async def _ask(
    ctx: Ctx,
    started: Target | list[Branch] | MonthChoice | Submitted | TypedChoice | HeldForForm,
) -> None:
    if isinstance(started, HeldForForm):  # typed before the month was chosen: into the form
        await form_handlers.route(ctx, started.branch.id, started.month, started.text)
        return
    if isinstance(started, TypedChoice):
        await _ask_typed(ctx, started)
        return
    if isinstance(started, Submitted):
        await _acknowledge(ctx, started)
        return
    if isinstance(started, list):
        rows = [[(b.name, f"pick:{b.id}")] for b in started]
        await ctx.reply(ctx.t("report_choose_branch"), buttons(*rows))
        return
    if isinstance(started, MonthChoice):
        b, lang = started.branch, ctx.lang
        missing, current = month_label(lang, started.missing), month_label(lang, started.current)
        rows = [
            [(ctx.t("report_btn_makeup", month=missing), f"pick:{b.id}:{started.missing}")],
            [(ctx.t("report_btn_current", month=current), f"pick:{b.id}:{started.current}")],
        ]
        key = "report_choose_month_held" if started.held_chars else "report_choose_month"
        text = ctx.t(key, branch=b.name, missing=missing, chars=started.held_chars)
        await ctx.reply(text, buttons(*rows))
        return
    await _prompt(ctx, started)


async def _prompt(ctx: Ctx, target: Target) -> None:
    if await form_handlers.begin(ctx, target):  # the month has a form: asked field by field
        return
    month = month_label(ctx.lang, target.month)
    if target.existing is not None:
        text = ctx.t(
            "report_ask_revise",
            branch=target.branch.name,
            month=month,
            revisions=target.existing.revisions,
        )
    else:
        late = ctx.now >= end_of(target.due_on, ctx.env.cfg.tz)
        text = ctx.t(
            "report_ask",
            branch=target.branch.name,
            month=month,
            due=date_label(ctx.lang, target.due_on, weekday=True),
            late_note=ctx.t("report_ask_late") if late else "",
            max=ctx.env.cfg.report_max_chars,
        )
    sent = await ctx.reply(text)
    if sent is not None:
        await reports.remember_prompt(
            ctx.env, ctx.chat_id, sent.message_id, target.branch.id, str(target.month)
        )


async def _where(ctx: Ctx, message: Message) -> tuple[int, Month] | None:
    """Which report a message belongs to: a reply to our prompt, else the pending question."""
    replied = message.reply_to_message
    if (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == ctx.context.bot.id
    ):
        found = await reports.reply_target(ctx.env, ctx.actor, ctx.chat_id, replied.message_id)
        if found is not None:
            return found
    if ctx.chat_kind == "private":
        return await reports.pending_target(ctx.env, ctx.actor, ctx.now)
    return None


@guarded()
async def on_text(ctx: Ctx) -> None:
    message = ctx.message
    if message is None:
        return
    # One read says which question is open; the answers to questions not asked are skipped.
    asked = await reports.pending_kind(ctx.env, ctx.actor)
    # a coordinator's reason to withdraw or move
    if asked in (PENDING_WITHDRAW, PENDING_MOVE) and await maybe_reason(ctx, message.text):
        return
    if await maybe_plan_input(ctx, message.text):  # a date/year/title asked for by a plan button
        return
    # a 总支 secretary's 退回 comment
    if asked == PENDING_RETURN and await approval.maybe_comment(ctx, message.text):
        return
    target = await _where(ctx, message)
    if target is None and ctx.chat_kind == "private":
        if await form_handlers.answer_open(ctx, message.text):  # a form's question is open
            return
    elif target is not None and await form_handlers.route(ctx, *target, message.text):
        return
    if target is None:
        if ctx.chat_kind != "private":
            return
        choice = await reports.hold_for_choice(ctx.env, ctx.actor, message.text, ctx.now)
        if choice is not None:  # typed before tapping a month: kept, ask once more
            await _ask(ctx, choice)
        elif not await maybe_task_note(ctx, message.text):
            typed = await reports.hold_typed(ctx.env, ctx.actor, message.text, ctx.now)
            if typed is None:
                await ctx.reply(ctx.t("report_hint"))
            else:  # typed straight in: held, and the person says what it is
                await _ask_typed(ctx, typed)
        return
    done = await reports.submit(ctx.env, ctx.actor, target[0], target[1], message.text, ctx.now)
    await _acknowledge(ctx, done)
    if done.created:
        await offer_tasks(ctx, done.branch.id)


async def _ask_typed(ctx: Ctx, choice: TypedChoice) -> None:
    rows: list[list[tuple[str, str]]] = []
    for o in choice.options:
        key = "typed_btn_revise" if o.existing else "typed_btn_submit"
        label = ctx.t(key, branch=o.branch.name, month=month_label(ctx.lang, o.month))
        rows.append([(html.unescape(label), f"typed:{o.branch.id}:{o.month}")])
    rows.append([(ctx.t("typed_btn_not_report"), "typed:no")])
    key = "typed_held_more" if choice.again else "typed_held"
    await ctx.reply(ctx.t(key, chars=choice.chars), buttons(*rows))


async def typed_pressed(ctx: Ctx, args: list[str]) -> None:
    """`typed:<branch>:<YYYY-MM>` files the held text there; `typed:no` drops it."""
    if args == ["no"]:
        had = await reports.discard_typed(ctx.env, ctx.actor)
        await ctx.toast("✓")
        await ctx.reply(ctx.t("typed_discarded" if had else "typed_gone"))
        return
    branch_id = int_arg(args)
    if branch_id is None or len(args) != 2:
        raise UserError("bad_button")
    try:
        month = Month.parse(args[1])
    except ValueError:
        raise UserError("bad_button") from None
    if await form_handlers.file_typed(ctx, branch_id, month):  # read into the month's form
        return
    done = await reports.file_typed(ctx.env, ctx.actor, branch_id, month, ctx.now)
    await ctx.toast("✓")
    await _acknowledge(ctx, done)
    if done.created:
        await offer_tasks(ctx, done.branch.id)


async def _acknowledge(ctx: Ctx, done: Submitted) -> None:
    r = done.report
    params: dict[str, object] = {
        "branch": done.branch.name,
        "month": month_label(ctx.lang, Month.parse(r.month)),
        "timing": ctx.t("timing_late" if r.late else "timing_on_time"),
        "chars": len(r.text),
        "revisions": r.revisions,
    }
    text = ctx.t("report_saved" if done.created else "report_revised", **params)
    if done.in_review:  # 审核: say it went to the 总支's secretary first
        text = Html(text + "\n" + ctx.t("apv_sent_for_review"))
    markup = buttons(
        [(ctx.t("report_btn_revise"), f"rev:{r.id}"), (ctx.t("report_btn_view"), f"view:{r.id}")],
        manage_row(ctx, r.id),
    )
    await ctx.reply(text, markup)


@guarded()
async def on_media(ctx: Ctx) -> None:
    """Photos and files are evidence; a caption on the first one can be the report itself."""
    message = ctx.message
    if message is None or await maybe_plan_document(ctx, message):
        return
    if ctx.chat_kind == "private" and message.reply_to_message is None:
        choice = await reports.pending_choice(ctx.env, ctx.actor, ctx.now)
        if choice is not None:  # which month is this evidence for? ask first, store nothing
            await ctx.reply(ctx.t("report_choose_month_first"))
            await _ask(ctx, choice)
            return
        if await _offer_file_text(ctx, message):
            return
    target = await _where(ctx, message)
    if target is None and ctx.chat_kind == "private":
        target = await form_handlers.open_target(ctx)  # sent while filling in a form
    if target is None and ctx.chat_kind == "private":
        target = await reports.default_target(ctx.env, ctx.actor, ctx.now)
        if target is None:
            if not ctx.actor.reporting:
                raise UserError("not_a_secretary")
            raise UserError("attach_where")
    if target is None:
        return
    if message.photo:
        photo = message.photo[-1]
        kind, file_id, unique, name = "photo", photo.file_id, photo.file_unique_id, None
    elif message.document:
        doc = message.document
        kind, file_id, unique, name = "document", doc.file_id, doc.file_unique_id, doc.file_name
    else:
        return
    attached = await reports.attach(
        ctx.env,
        ctx.actor,
        target[0],
        target[1],
        kind,
        file_id,
        unique,
        name,
        message.caption,
        ctx.now,
    )
    if attached.submitted is not None:
        await _acknowledge(ctx, attached.submitted)
        return
    month = month_label(ctx.lang, attached.month)
    if not attached.added:
        await ctx.reply(ctx.t("attach_duplicate"))
    elif attached.report is None:
        key = await form_handlers.evidence_saved_key(ctx, attached.branch.id, attached.month)
        await ctx.reply(ctx.t(key, branch=attached.branch.name, month=month))
    else:
        await ctx.reply(
            ctx.t("attach_saved", branch=attached.branch.name, month=month, count=attached.count)
        )


async def _offer_file_text(ctx: Ctx, message: Message) -> bool:
    """A secretary's .docx/.txt: offer its text as the report (held, asked like typed
    text). True when offered; False to keep the file as evidence as usual (too big to
    read, unreadable, or longer than a report may be — then say so first)."""
    doc = message.document
    if doc is None or not ctx.actor.reports or not report_files.is_report_file(doc.file_name):
        return False
    name = doc.file_name or ""
    if (doc.file_size or 0) > report_files.MAX_REPORT_FILE_BYTES:
        mb = report_files.MAX_REPORT_FILE_BYTES // (1024 * 1024)
        await ctx.reply(ctx.t("report_file_too_big", name=name, mb=mb))
        return False
    file = await ctx.context.bot.get_file(doc.file_id)
    data = bytes(await file.download_as_bytearray())
    text = report_files.report_file_text(name, data)
    if text is None:
        await ctx.reply(ctx.t("report_file_unreadable", name=name))
        return False
    limit = ctx.env.cfg.report_max_chars
    if len(text) > limit:
        await ctx.reply(ctx.t("report_file_too_long", name=name, length=len(text), max=limit))
        return False
    choice = await reports.hold_typed(ctx.env, ctx.actor, text, ctx.now)
    if choice is None:
        return False
    await ctx.reply(ctx.t("report_file_offer", name=name, chars=len(text)))
    await _ask_typed(ctx, choice)
    return True


@guarded()
async def on_edited(ctx: Ctx) -> None:
    """An edit never changes a stored report (it is what was sent); say how to revise."""
    if ctx.chat_kind == "private" and ctx.actor.reports:
        await ctx.reply(ctx.t("report_edited"))


@guarded()
async def on_other(ctx: Ctx) -> None:
    """Stickers, voice, locations…: explain in private or when replying to us; else stay quiet."""
    message = ctx.message
    if message is None:
        return
    if ctx.chat_kind != "private" and await _where(ctx, message) is None:
        return
    if ctx.chat_kind == "private" and await form_handlers.not_text(ctx):
        return
    await ctx.reply(ctx.t("report_sticker" if message.sticker else "report_unsupported"))


async def revise(ctx: Ctx, args: list[str]) -> None:
    report_id = int_arg(args)
    if report_id is None:
        raise UserError("bad_button")
    target = await reports.start_revision(ctx.env, ctx.actor, report_id, ctx.now)
    await ctx.toast("✏️")
    await _prompt(ctx, target)


async def view(ctx: Ctx, args: list[str]) -> None:
    report_id = int_arg(args)
    if report_id is None:
        raise UserError("bad_button")
    d = await reports.detail(ctx.env, ctx.actor, report_id)
    await ctx.toast("📄")
    text = join([render_report(ctx, d), *await history_lines(ctx, report_id)])
    rows = [manage_row(ctx, report_id)]
    if ctx.actor.member_of(d.report.branch_id) is not None:
        rows.insert(0, [(ctx.t("report_btn_revise"), f"rev:{report_id}")])
    await ctx.reply(text, buttons(*rows))


def render_report(ctx: Ctx, d: reports.ReportDetail) -> Html:
    tz, r = ctx.env.cfg.tz, d.report
    revised = (
        ctx.t("report_view_revised", at=time_label(ctx.lang, r.revised_at, tz))
        if r.revised_at
        else ""
    )
    return ctx.t(
        "report_view",
        branch=d.branch.name,
        month=month_label(ctx.lang, Month.parse(r.month)),
        timing=ctx.t("timing_late" if r.late else "timing_on_time"),
        revisions=r.revisions,
        submitted=time_label(ctx.lang, r.submitted_at, tz),
        revised=revised,
        attachments=len(d.attachments),
        text=r.text,
    )


async def myreports(ctx: Ctx) -> None:
    blocks: list[Html] = []
    rows: list[list[tuple[str, str]]] = []
    found = await reports.history(ctx.env, ctx.actor)
    for branch, items in found:
        for r in items[:MYREPORTS_BUTTONS]:
            name = f"{branch.name} · " if len(found) > 1 else ""
            month = html.unescape(month_label(ctx.lang, Month.parse(r.month)))
            rows.append([(f"📄 {name}{month}", f"view:{r.id}")])
        if not items:
            blocks.append(ctx.t("myreports_none", branch=branch.name))
            continue
        lines = [ctx.t("myreports_head", branch=branch.name)]
        for r in items:
            lines.append(
                ctx.t(
                    "myreports_line",
                    month=month_label(ctx.lang, Month.parse(r.month)),
                    timing=ctx.t("timing_late" if r.late else "timing_on_time"),
                    chars=len(r.text),
                    revisions=r.revisions,
                )
            )
        blocks.append(join(lines))
    await ctx.reply(join(blocks, "\n\n"), buttons(*rows) if rows else None)
