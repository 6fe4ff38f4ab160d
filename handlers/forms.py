"""A report form answered in chat, field by field like a standup bot (docs/forms.md).

Reached from handlers/reports.py when the month has a form: `/report`, a reply
to a reminder, text filed as a report, and the «修改» button. Buttons:

- ``fa:<branch>:<YYYY-MM>:<i>:<y|n|s|choice>:<version>`` answers field i (yes, no, skip,
  a choice) of that form version (a button of an older version is stale: field i may
  be another question now)
- ``fp:<branch>:<YYYY-MM>`` asks for the one-message template
- ``fc:<branch>:<YYYY-MM>`` goes on field by field
- ``fe:<branch>:<YYYY-MM>`` lists the fields to change one; ``fk:…:<i>`` picks field i
- ``fs:<branch>:<YYYY-MM>`` submits the draft
"""

from __future__ import annotations

import html

from bot.calendar import Month, end_of
from bot.forms.model import Field, Invalid, applies, format_value, next_field, template
from bot.i18n import Html, join
from bot.services import forms
from bot.services.base import UserError
from bot.services.fmt import date_label, month_label
from bot.services.forms import FormState
from bot.services.reports import Submitted, Target
from handlers.common import Ctx, buttons, int_arg
from handlers.plans import offer_tasks

BUTTON_LABEL = 30  # characters of a label on a «修改某项» button


def _where(b: int, month: Month) -> str:
    return f"{b}:{month}"


async def begin(ctx: Ctx, target: Target) -> bool:
    """`/report` (or «修改») for a month with a form: walk it. False: no form, free text."""
    state = await forms.start(ctx.env, ctx.actor, target.branch.id, target.month, ctx.now)
    if state is None:
        return False
    if state.submitted:
        await _summary(ctx, state)
        return True
    lang, where = ctx.lang, _where(state.branch.id, state.month)
    if state.answers:
        intro = ctx.t(
            "form_resume",
            branch=state.branch.name,
            month=month_label(lang, state.month),
            done=len(state.answers),
            count=len(state.form.fields),
        )
    else:
        late = ctx.now >= end_of(target.due_on, ctx.env.cfg.tz)
        intro = ctx.t(
            "form_intro",
            branch=state.branch.name,
            month=month_label(lang, state.month),
            title=state.form.title,
            due=date_label(lang, target.due_on, weekday=True),
            late_note=ctx.t("report_ask_late") if late else "",
            count=len(state.form.fields),
        )
    await ctx.reply(intro, buttons([(ctx.t("form_btn_paste"), f"fp:{where}")]))
    await _next(ctx, state)
    return True


async def _next(ctx: Ctx, state: FormState) -> None:
    if state.asking is not None:
        await _ask(ctx, state, state.asking)
    else:
        await _summary(ctx, state)


async def _ask(ctx: Ctx, state: FormState, f: Field, error: Invalid | None = None) -> None:
    where = f"{_where(state.branch.id, state.month)}:{state.form.index(f.key)}"
    version = state.version.id
    n, of = state.position(f)
    lines: list[Html] = []
    if error is not None:
        lines.append(ctx.t(error.key, **error.params))
    if state.submitted and f.key in state.answers:
        value = format_value(f, state.answers[f.key])
        lines.append(ctx.t("form_ask_fix", label=f.label, value=value))
    lines.append(
        ctx.t(
            "form_ask",
            n=n,
            of=of,
            label=f.label,
            optional="" if f.required else ctx.t("form_ask_optional"),
            hint=ctx.t("form_ask_hint", hint=f.hint) if f.hint else "",
        )
    )
    rows: list[list[tuple[str, str]]] = []
    if f.type == "yesno":
        rows.append(
            [
                (ctx.t("form_btn_yes"), f"fa:{where}:y:{version}"),
                (ctx.t("form_btn_no"), f"fa:{where}:n:{version}"),
            ]
        )
    elif f.type == "choice":
        rows.extend([(c, f"fa:{where}:{i}:{version}")] for i, c in enumerate(f.choices))
    if not f.required:
        rows.append([(ctx.t("form_btn_skip"), f"fa:{where}:s:{version}")])
    await ctx.reply(join(lines), buttons(*rows) if rows else None)


def _value_lines(ctx: Ctx, state: FormState) -> list[Html]:
    lines: list[Html] = []
    for f in state.form.fields:
        if not applies(state.form, f, state.answers):
            continue
        if state.answers.get(f.key) is None:
            shown = ctx.t("form_summary_empty") if f.required or f.key not in state.answers else "—"
            lines.append(ctx.t("form_summary_line", label=f.label, value=html.unescape(shown)))
            continue
        value = format_value(f, state.answers[f.key])
        key = "form_summary_block" if "\n" in value else "form_summary_line"
        lines.append(ctx.t(key, label=f.label, value=value))
    return lines


async def _summary(ctx: Ctx, state: FormState, head: Html | None = None) -> None:
    lang, where = ctx.lang, _where(state.branch.id, state.month)
    month = month_label(lang, state.month)
    lines: list[Html] = [head] if head else []
    if state.submitted and state.report is not None:
        lines.append(
            ctx.t(
                "form_summary_head_submitted",
                branch=state.branch.name,
                month=month,
                revisions=state.report.revisions,
            )
        )
    else:
        lines.append(ctx.t("form_summary_head", branch=state.branch.name, month=month))
    lines.extend(_value_lines(ctx, state))
    labels = {f.key: f.label for f in state.form.fields}
    rows: list[list[tuple[str, str]]] = []
    if state.submitted:
        lines.append(ctx.t("form_summary_fix_note"))
        rows.append([(ctx.t("form_btn_change"), f"fe:{where}")])
        if state.report is not None:
            rows[0].append((ctx.t("report_btn_view"), f"view:{state.report.id}"))
    else:
        if state.unread:
            names = "、".join(labels[k] for k in state.unread)
            lines.append(ctx.t("form_summary_unread", fields=names))
        lacking = state.missing
        if lacking:
            lines.append(ctx.t("form_summary_missing", fields="、".join(f.label for f in lacking)))
        else:
            lines.append(ctx.t("form_summary_ready"))
            rows.append([(ctx.t("form_btn_submit"), f"fs:{where}")])
        if next_field(state.form, state.answers) is not None:
            rows.append([(ctx.t("form_btn_steps"), f"fc:{where}")])
        rows.append([(ctx.t("form_btn_change"), f"fe:{where}")])
    await ctx.reply(join(lines), buttons(*rows))


async def _after_answer(ctx: Ctx, state: FormState, key: str, before: int | None) -> None:
    """What follows an answer: the same field again (refused), the next one, the summary."""
    if state.error is not None and state.asking is not None:
        await _ask(ctx, state, state.asking, state.error)
        return
    if state.error is not None:  # nothing left to ask: the reason, then the summary
        await _summary(ctx, state, ctx.t(state.error.key, **state.error.params))
        return
    if state.submitted and state.report is not None:
        f = state.form.field(key)
        if f is not None and before != state.report.revisions:
            value = format_value(f, state.answers.get(key))
            note = ctx.t(
                "form_field_revised", label=f.label, value=value, revisions=state.report.revisions
            )
            if state.asking is not None:
                await ctx.reply(note)
                await _ask(ctx, state, state.asking)
            else:
                await _summary(ctx, state, note)
            return
    await _next(ctx, state)


async def answer_open(ctx: Ctx, text: str | None) -> bool:
    """Text in private chat while a form question is open: the answer to it (or the
    filled template). False when no form question is open."""
    found = await forms.open_question(ctx.env, ctx.actor, ctx.now)
    if found is None:
        return False
    branch_id, month, held = found
    key = held.partition(":")[2]
    before = await _revisions(ctx, branch_id, month)
    state, filled = await forms.typed(ctx.env, ctx.actor, branch_id, month, held, text, ctx.now)
    if filled is not None:  # the filled template
        await _summary(ctx, state)
        return True
    await _after_answer(ctx, state, key, before)
    return True


async def _revisions(ctx: Ctx, branch_id: int, month: Month) -> int | None:
    state = await forms.summary(ctx.env, ctx.actor, branch_id, month)
    return state.report.revisions if state.submitted and state.report else None


async def route(ctx: Ctx, branch_id: int, month: Month, text: str | None) -> bool:
    """Text for (branch, month) that names no field (a reply to a reminder, text filed
    as a report): read as the filled template or as the next answer. False: no form."""
    if not await forms.has_form(ctx.env, branch_id, month):
        return False
    if ctx.chat_kind != "private":  # a form is walked in private, not in the group
        await ctx.reply(ctx.t("form_in_private"))
        ctx = ctx.in_private()
    state, filled = await forms.route_text(ctx.env, ctx.actor, branch_id, month, text, ctx.now)
    if filled is not None or state.asking is None:
        await _summary(ctx, state)
    else:
        await _after_answer(ctx, state, "", None)
    return True


async def file_typed(ctx: Ctx, branch_id: int, month: Month) -> bool:
    """«是报告» on held text for a month with a form: the text is read into the form."""
    if not await forms.has_form(ctx.env, branch_id, month):
        return False
    text = await forms.take_typed(ctx.env, ctx.actor, branch_id, month, ctx.now)
    await ctx.toast("✓")
    return await route(ctx, branch_id, month, text)


async def pause(ctx: Ctx) -> bool:
    """/cancel during a form: the draft stays. False when no form question was open."""
    done = await forms.pause(ctx.env, ctx.actor, ctx.now)
    if done is None:
        return False
    await ctx.reply(ctx.t("form_cancel_kept", done=done))
    return True


async def not_text(ctx: Ctx) -> bool:
    """A sticker, voice … while a form question is open: the question wants text (the
    free-text hint, "send this month's work as text", would lead astray). False when
    no form question is open."""
    if await forms.open_question(ctx.env, ctx.actor, ctx.now) is None:
        return False
    await ctx.reply(ctx.t("form_need_text"))
    return True


async def evidence_saved_key(ctx: Ctx, branch_id: int, month: Month) -> str:
    """The note after evidence saved before the report is in: with a form, the month
    counts once the form is submitted (not "send a written report")."""
    if await forms.has_form(ctx.env, branch_id, month):
        return "attach_saved_form"
    return "attach_saved_need_text"


async def open_target(ctx: Ctx) -> tuple[int, Month] | None:
    """The (branch, month) of the open form question: evidence sent meanwhile is for it."""
    found = await forms.open_question(ctx.env, ctx.actor, ctx.now)
    return None if found is None else (found[0], found[1])


# ------------------------------------------------------------------ buttons


def _target(args: list[str], count: int) -> tuple[int, Month]:
    branch_id = int_arg(args)
    if branch_id is None or len(args) != count:
        raise UserError("bad_button")
    try:
        return branch_id, Month.parse(args[1])
    except ValueError:
        raise UserError("bad_button") from None


def _index(args: list[str], at: int) -> int | None:
    """A field's 0-based position in button data (`int_arg` takes ids, which start at 1,
    so it would refuse the first field)."""
    raw = args[at] if at < len(args) else ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else None


async def answer_pressed(ctx: Ctx, args: list[str]) -> None:
    """`fa:<branch>:<month>:<i>:<y|n|s|choice index>:<version>`."""
    branch_id, month = _target(args, 5)
    index = _index(args, 2)
    state = await forms.summary(ctx.env, ctx.actor, branch_id, month)
    if index is None or not 0 <= index < len(state.form.fields):
        raise UserError("bad_button")
    if args[4] != str(state.version.id):  # the form changed since: field i is another question
        raise UserError("form_button_old")
    f, pick = state.form.fields[index], args[3]
    value: bool | str | None = None
    if f.type == "yesno" and pick in ("y", "n"):
        value = pick == "y"
    elif f.type == "choice" and pick.isdigit() and int(pick) < len(f.choices):
        value = f.choices[int(pick)]
    elif pick != "s" or f.required:
        raise UserError("bad_button")
    before = state.report.revisions if state.submitted and state.report else None
    state = await forms.answer(
        ctx.env, ctx.actor, branch_id, month, f.key, None, ctx.now, value=value, skip=pick == "s"
    )
    await ctx.toast("✓")
    await _after_answer(ctx, state, f.key, before)


async def paste_pressed(ctx: Ctx, args: list[str]) -> None:
    """`fp:<branch>:<month>`: the template to fill in one message."""
    branch_id, month = _target(args, 2)
    state = await forms.want_paste(ctx.env, ctx.actor, branch_id, month, ctx.now)
    await ctx.toast("📋")
    await ctx.reply(ctx.t("form_paste_ask"))
    await ctx.reply(ctx.t("form_template", template=template(state.form)))


async def continue_pressed(ctx: Ctx, args: list[str]) -> None:
    """`fc:<branch>:<month>`: on field by field from the first unanswered."""
    branch_id, month = _target(args, 2)
    state = await forms.start(ctx.env, ctx.actor, branch_id, month, ctx.now)
    if state is None:
        raise UserError("stale_button")
    await ctx.toast("✓")
    await _next(ctx, state)


async def change_pressed(ctx: Ctx, args: list[str]) -> None:
    """`fe:<branch>:<month>`: which field to change."""
    branch_id, month = _target(args, 2)
    state = await forms.summary(ctx.env, ctx.actor, branch_id, month)
    where = _where(branch_id, month)
    rows = [
        [(f.label[:BUTTON_LABEL], f"fk:{where}:{i}")]
        for i, f in enumerate(state.form.fields)
        if applies(state.form, f, state.answers)
    ]
    await ctx.toast("✏️")
    await ctx.reply(ctx.t("form_pick_field"), buttons(*rows))


async def field_pressed(ctx: Ctx, args: list[str]) -> None:
    """`fk:<branch>:<month>:<i>`: ask field i again."""
    branch_id, month = _target(args, 3)
    index = _index(args, 2)
    if index is None:
        raise UserError("bad_button")
    state = await forms.ask(ctx.env, ctx.actor, branch_id, month, index, ctx.now)
    assert state.asking is not None
    await ctx.toast("✏️")
    await _ask(ctx, state, state.asking)


async def submit_pressed(ctx: Ctx, args: list[str]) -> None:
    """`fs:<branch>:<month>`: the draft becomes the report."""
    branch_id, month = _target(args, 2)
    done = await forms.submit(ctx.env, ctx.actor, branch_id, month, ctx.now)
    await ctx.toast("✓")
    await _submitted(ctx, done)
    if done.created:
        await offer_tasks(ctx, done.branch.id)


async def _submitted(ctx: Ctx, done: Submitted) -> None:
    r = done.report
    month = Month.parse(r.month)
    state = await forms.summary(ctx.env, ctx.actor, r.branch_id, month)
    head = ctx.t(
        "form_submitted",
        branch=done.branch.name,
        month=month_label(ctx.lang, month),
        timing=ctx.t("timing_late" if r.late else "timing_on_time"),
        count=sum(1 for v in state.answers.values() if v is not None),
    )
    await _summary(ctx, state, head)


# ------------------------------------------------------------------- /form


async def form_command(ctx: Ctx) -> None:
    """/form: the form of this month (or of the month given), as its fields."""
    month = forms.month_arg(ctx.env, ctx.args, ctx.now)
    version = await forms.shown(ctx.env, ctx.actor, month)
    lang = ctx.lang
    if version is None or version.form is None:
        await ctx.reply(ctx.t("form_show_none", month=month_label(lang, month)))
        return
    form = version.form
    lines = [
        ctx.t(
            "form_show_head",
            month=month_label(lang, month),
            title=form.title,
            from_month=month_label(lang, version.from_month),
            count=len(form.fields),
        )
    ]
    for n, f in enumerate(form.fields, 1):
        kind = ctx.t(f"form_kind_{f.type}", choices="/".join(f.choices))
        optional = ctx.t("form_ask_optional") if not f.required else ""
        lines.append(
            ctx.t("form_show_line", n=n, label=f.label, kind=html.unescape(kind), optional=optional)
        )
    await ctx.reply(join(lines))
