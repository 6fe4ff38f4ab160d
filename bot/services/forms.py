"""Report forms: which form a month uses, drafts, submitting, revising one field,
and the answers of a month for whoever counts them (docs/forms.md).

Versions: a form set "from" a month applies to that month and every later one
until the next version; a report keeps the version it was answered with
(`form_reports`), so a past month never changes when the form does.

Drafts are per (branch, month) and stored after every answer, so they survive
a restart and are there the next day. The question being asked is the
person's `pending` row (kind ``form``; `held_text` is ``ask:<key>``,
``fix:<key>`` for a field of a submitted report, or ``paste`` while the filled
template is awaited).

Submitting stores the report the way a free-text report is stored (same late
flag, revisions, audit; `reports.store_text`) with `render_text` as its text,
so everything that reads report text keeps working, and the answers per field
next to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.calendar import Month
from bot.forms.model import (
    Answers,
    Field,
    Filled,
    Form,
    Invalid,
    Parsed,
    Value,
    applies,
    clean,
    decode_value,
    dump_answers,
    encode_value,
    load_answers,
    looks_filled,
    missing,
    named_fields,
    next_field,
    parse_answer,
    parse_filled,
    render_text,
)
from bot.models import Branch, Report
from bot.services import months, reports
from bot.services.base import Actor, Env, UserError, current_month
from storage import forms as store
from storage import meta
from storage import reports as report_store
from storage.db import Tx

PENDING_FORM = "form"
ASK, FIX, PASTE = "ask", "fix", "paste"


@dataclass(frozen=True)
class FormVersion:
    """One version of the form: `form` None means "no form" (free text) from `from_month`."""

    id: int
    from_month: Month
    form: Form | None
    created_at: datetime


def _version(row: store.FormRow) -> FormVersion:
    form = None if row.spec is None else Form.from_json(row.spec)
    return FormVersion(row.id, Month.parse(row.from_month), form, row.created_at)


# ------------------------------------------------------------------ versions


async def version_in(tx: Tx, month: Month) -> FormVersion | None:
    """The version in force in `month` (inside a transaction); None when there is none
    or it is "no form"."""
    row = await store.form_for(tx, str(month))
    version = None if row is None else _version(row)
    return version if version is not None and version.form is not None else None


async def form_for(env: Env, month: Month) -> FormVersion | None:
    """The form new answers for `month` use; None = free-text reports."""
    async with env.db.reading() as tx:
        return await version_in(tx, month)


async def version(env: Env, form_id: int) -> FormVersion | None:
    async with env.db.reading() as tx:
        row = await store.get_form(tx, form_id)
    return None if row is None else _version(row)


async def versions(env: Env) -> list[FormVersion]:
    """Every version ever set, by month then order of setting."""
    async with env.db.reading() as tx:
        return [_version(r) for r in await store.list_forms(tx)]


async def set_form(
    env: Env, form: Form | None, from_month: Month, now: datetime, by: int | None = None
) -> FormVersion:
    """Set the form from `from_month` on (None: back to free text). A month that has
    begun earlier than this one keeps its form: `from_month` may not be in the past."""
    if from_month < current_month(env, now):
        raise UserError("form_past_month", month=str(from_month))
    async with env.db.transaction() as tx:
        row = await store.add_form(
            tx, str(from_month), None if form is None else form.to_json(), by, now
        )
        await meta.audit(
            tx, "form_set", now, by, None, f"{from_month} #{row.id} {form.title if form else '-'}"
        )
    return _version(row)


# --------------------------------------------------- answers of a month (counting)


@dataclass(frozen=True)
class BranchAnswers:
    """A submitted report's answers as they stand, and the version it was answered with."""

    report_id: int
    form_id: int
    answers: Answers


@dataclass(frozen=True)
class MonthAnswers:
    """Everything the counting needs for a month.

    `by_branch` holds the branches whose report was answered with a form;
    `versions` every version those reports used (usually one; two when the
    form changed within the month after some had answered); `current` the
    version in force for the month (None: no form).
    """

    month: Month
    current: FormVersion | None
    by_branch: dict[int, BranchAnswers] = field(default_factory=dict)
    versions: dict[int, FormVersion] = field(default_factory=dict)

    def values(self) -> dict[int, Answers]:
        """branch_id -> {key: value}: the plain answers."""
        return {b: a.answers for b, a in self.by_branch.items()}


async def answers_in(tx: Tx, month: Month) -> MonthAnswers:
    """:class:`MonthAnswers` inside the caller's transaction (the circular, the ledger)."""
    rows = await store.month_answers(tx, str(month))
    found: dict[int, FormVersion] = {}
    raw: dict[int, tuple[int, int, dict[str, str | None]]] = {}
    for branch_id, report_id, form_id, key, value in rows:
        raw.setdefault(branch_id, (report_id, form_id, {}))[2][key] = value
    for _, form_id, _ in raw.values():
        if form_id not in found:
            row = await store.get_form(tx, form_id)
            assert row is not None
            found[form_id] = _version(row)
    by_branch: dict[int, BranchAnswers] = {}
    for branch_id, (report_id, form_id, values) in raw.items():
        form = found[form_id].form
        if form is None:
            continue
        typed: Answers = {}
        for f in form.fields:
            if f.key in values:
                typed[f.key] = decode_value(f, values[f.key])
        by_branch[branch_id] = BranchAnswers(report_id, form_id, typed)
    return MonthAnswers(month, await version_in(tx, month), by_branch, found)


async def answers_for_month(env: Env, month: Month) -> MonthAnswers:
    """The month's answers per branch (see :class:`MonthAnswers`)."""
    async with env.db.reading() as tx:
        return await answers_in(tx, month)


async def report_answers(env: Env, report_id: int) -> tuple[FormVersion, Answers] | None:
    """A report's version and answers; None for a free-text report."""
    async with env.db.reading() as tx:
        return await _report_answers(tx, report_id)


async def _report_answers(tx: Tx, report_id: int) -> tuple[FormVersion, Answers] | None:
    form_id = await store.report_form_id(tx, report_id)
    if form_id is None:
        return None
    row = await store.get_form(tx, form_id)
    assert row is not None
    v = _version(row)
    if v.form is None:
        return None
    values = {a.key: a.value for a in await store.answers(tx, report_id)}
    typed: Answers = {
        f.key: decode_value(f, values[f.key]) for f in v.form.fields if f.key in values
    }
    return v, typed


@dataclass(frozen=True)
class FieldRevision:
    key: str
    revision: int
    value: Value | None
    author_id: int
    set_at: datetime


async def field_history(env: Env, actor: Actor, report_id: int) -> list[FieldRevision]:
    """Every value each field of a report had, oldest first (readers of the report only)."""
    async with env.db.reading() as tx:
        report = await report_store.get_report_by_id(tx, report_id)
        if report is None:
            raise UserError("stale_button")
        if not actor.coordinates and actor.member_of(report.branch_id) is None:
            raise UserError("denied_branch")
        found = await _report_answers(tx, report_id)
        if found is None:
            return []
        form = found[0].form
        assert form is not None
        out = []
        for r in await store.field_revisions(tx, report_id):
            f = form.field(r.key)
            if f is not None:
                value = decode_value(f, r.value)
                out.append(FieldRevision(r.key, r.revision, value, r.author_id, r.set_at))
        return out


# ------------------------------------------------------------ filling in chat


@dataclass(frozen=True)
class FormState:
    """Where a branch's report for a month stands in the form, after the last step.

    `asking` is the field now asked (None: show the summary). `submitted` means
    the report was answered with this form already: answering changes single
    fields of it (each a revision). `unread` names the fields a pasted template
    left unreadable; `error` is why the last answer was refused (ask again).
    """

    branch: Branch
    month: Month
    version: FormVersion
    answers: Answers
    report: Report | None
    submitted: bool
    asking: Field | None = None
    unread: tuple[str, ...] = ()
    error: Invalid | None = None
    mode: str = ASK  # ask (the draft), fix (a submitted field), paste (template awaited)

    @property
    def form(self) -> Form:
        assert self.version.form is not None
        return self.version.form

    @property
    def missing(self) -> list[Field]:
        return missing(self.form, self.answers)

    def position(self, f: Field) -> tuple[int, int]:
        """(n, of): the field's number among those that apply, for "（3/11）"."""
        shown = [x for x in self.form.fields if applies(self.form, x, self.answers)]
        keys = [x.key for x in shown]
        return (keys.index(f.key) + 1 if f.key in keys else len(keys), len(keys))


def _member_branch(actor: Actor, branch_id: int) -> Branch:
    return actor.require_member(branch_id).branch


async def _load(
    env: Env, tx: Tx, actor: Actor, branch_id: int, month: Month
) -> tuple[Branch, FormVersion, Answers, tuple[str, ...], Report | None, bool] | None:
    """The form, answers and report for (branch, month); None when the month has no form."""
    branch = _member_branch(actor, branch_id)
    report = await report_store.get_report(tx, branch_id, str(month))
    if report is not None:
        found = await _report_answers(tx, report.id)
        if found is not None:
            return branch, found[0], found[1], (), report, True
    current = await version_in(tx, month)
    if current is None:
        return None
    assert current.form is not None
    draft = await store.get_draft(tx, branch_id, str(month))
    if draft is None:
        return branch, current, {}, (), report, False
    # A draft begun with an older version keeps the answers the new one still asks.
    answers = load_answers(current.form, draft.answers)
    unread = tuple(k for k in json.loads(draft.unread) if current.form.field(k) is not None)
    return branch, current, clean(current.form, answers), unread, report, False


async def _loaded(
    env: Env, tx: Tx, actor: Actor, branch_id: int, month: Month
) -> tuple[Branch, FormVersion, Answers, tuple[str, ...], Report | None, bool]:
    """:func:`_load` for a button or answer that needs the form: a month without one
    (the form was cleared since the button was made) is a stale button."""
    loaded = await _load(env, tx, actor, branch_id, month)
    if loaded is None:
        raise UserError("stale_button")
    return loaded


async def _pend(
    tx: Tx, actor: Actor, branch_id: int, month: Month, held: str | None, now: datetime
) -> None:
    if held is None:
        await report_store.clear_pending(tx, actor.user_id)
        return
    await report_store.set_pending(tx, actor.user_id, PENDING_FORM, branch_id, str(month), now)
    await report_store.hold_text(tx, actor.user_id, held, now)


async def _save(tx: Tx, actor: Actor, state: FormState, now: datetime) -> None:
    await store.save_draft(
        tx,
        state.branch.id,
        str(state.month),
        state.version.id,
        dump_answers(state.answers),
        json.dumps(list(state.unread)),
        actor.user_id,
        now,
    )


async def start(
    env: Env, actor: Actor, branch_id: int, month: Month, now: datetime
) -> FormState | None:
    """`/report` (or a reply to a reminder) for a month that has a form: the next field
    to ask, or the summary when all are answered or the report is in; None when the
    month has no form (the report is free text, as without forms)."""
    async with env.db.transaction() as tx:
        loaded = await _load(env, tx, actor, branch_id, month)
        if loaded is None:
            return None
        branch, v, answers, unread, report, submitted = loaded
        assert v.form is not None
        asking = None if submitted else next_field(v.form, answers)
        state = FormState(branch, month, v, answers, report, submitted, asking, unread)
        held = f"{ASK}:{asking.key}" if asking is not None else None
        await _pend(tx, actor, branch_id, month, held, now)
        if not submitted:
            await _save(tx, actor, state, now)
        return state


async def has_form(env: Env, branch_id: int, month: Month) -> bool:
    """Whether a report for (branch, month) is answered with a form (a submitted report
    keeps its version; otherwise the version in force). Every report asks: quick
    (storage/db.py), a few indexed rows and a kept read."""
    async with env.db.reading(quick=True) as tx:
        report = await report_store.get_report(tx, branch_id, str(month))
        if report is not None and await store.report_form_id(tx, report.id) is not None:
            return True
        return await version_in(tx, month) is not None


async def open_question(env: Env, actor: Actor, now: datetime) -> tuple[int, Month, str] | None:
    """The form question this person was asked and has not answered: (branch, month, held)."""
    async with env.db.reading(quick=True) as tx:
        pending = await report_store.get_pending(tx, actor.user_id)
    if (
        pending is None
        or pending.kind != PENDING_FORM
        or pending.branch_id is None
        or pending.month is None
        or not pending.held_text
        or now - pending.created_at > reports.PENDING_TTL
        or actor.member_of(pending.branch_id) is None
    ):
        return None
    month = Month.parse(pending.month)
    if not await has_form(env, pending.branch_id, month):
        # The form was cleared since the question was asked: the question is gone, and
        # what the person types now is free text again (not "this button is stale").
        async with env.db.transaction() as tx:
            await report_store.clear_pending(tx, actor.user_id)
        return None
    return pending.branch_id, month, pending.held_text


async def answer(
    env: Env,
    actor: Actor,
    branch_id: int,
    month: Month,
    key: str,
    text: str | None,
    now: datetime,
    *,
    value: Value | None = None,
    skip: bool = False,
    fix: bool = False,
) -> FormState:
    """Answer one field: typed `text` (parsed), a button's `value`, or `skip`.

    In a draft the answer is stored and the next field asked; on a submitted
    report (`fix`, or the report was answered with the form) the field is
    revised at once (a revision of that field and of the report's text) and
    the summary shown. A refused answer comes back as `error` with the same
    field asked again.
    """
    async with env.db.transaction() as tx:
        loaded = await _loaded(env, tx, actor, branch_id, month)
        branch, v, answers, unread, report, submitted = loaded
        form = v.form
        assert form is not None
        f = form.field(key)
        if f is None or not applies(form, f, answers):
            if value is not None or skip or submitted:
                raise UserError("stale_button")
            # Typed to a question the form no longer has (it changed meanwhile): not
            # stored; said so, and the form's next question asked instead.
            nxt = next_field(form, answers)
            await _pend(tx, actor, branch_id, month, f"{ASK}:{nxt.key}" if nxt else None, now)
            gone = Invalid("form_question_gone", {})
            return FormState(branch, month, v, answers, report, False, nxt, unread, gone)
        parsed: Value | Invalid | None
        if skip:
            parsed = None if not f.required else Invalid("form_required", {"label": f.label})
        elif value is not None:
            parsed = value
        else:
            parsed = _within(env, f, parse_answer(f, text, month))
        state = FormState(branch, month, v, answers, report, submitted, f, unread)
        mode = FIX if submitted else ASK
        if isinstance(parsed, Invalid):
            await _pend(tx, actor, branch_id, month, f"{mode}:{f.key}", now)
            return _with(state, error=parsed, mode=mode)
        answers = clean(form, {**answers, f.key: parsed})
        unread = tuple(k for k in unread if k != f.key)
        if submitted:
            assert report is not None
            done = await _revise(env, tx, actor, report, v, answers, now)
            # 主题党日 turned 是: its theme is asked next, as a change of the report too.
            lacking = missing(form, answers)
            nxt = lacking[0] if lacking else None
            await _pend(tx, actor, branch_id, month, f"{FIX}:{nxt.key}" if nxt else None, now)
            return FormState(branch, month, v, answers, done.report, True, nxt, unread, mode=FIX)
        asking = next_field(form, answers)
        state = FormState(branch, month, v, answers, report, False, asking, unread)
        await _save(tx, actor, state, now)
        await _pend(tx, actor, branch_id, month, f"{ASK}:{asking.key}" if asking else None, now)
        return state


def _within(env: Env, f: Field, parsed: Parsed) -> Parsed:
    """A text answer within today's report limit too (ZHIBU_REPORT_MAX_CHARS), whatever
    the form allows."""
    limit = env.cfg.report_max_chars
    if f.type == "text" and isinstance(parsed, str) and len(parsed) > limit:
        return Invalid("form_text_too_long", {"length": len(parsed), "max": limit})
    return parsed


def _with(state: FormState, **changes: object) -> FormState:
    return replace(state, **changes)  # type: ignore[arg-type]


async def ask(
    env: Env, actor: Actor, branch_id: int, month: Month, index: int, now: datetime
) -> FormState:
    """«修改某项» then a field: ask that one field again (draft or submitted report)."""
    async with env.db.transaction() as tx:
        loaded = await _loaded(env, tx, actor, branch_id, month)
        branch, v, answers, unread, report, submitted = loaded
        form = v.form
        assert form is not None
        if not 0 <= index < len(form.fields) or not applies(form, form.fields[index], answers):
            raise UserError("stale_button")
        f = form.fields[index]
        mode = FIX if submitted else ASK
        await _pend(tx, actor, branch_id, month, f"{mode}:{f.key}", now)
        return FormState(branch, month, v, answers, report, submitted, f, unread, mode=mode)


async def summary(env: Env, actor: Actor, branch_id: int, month: Month) -> FormState:
    """The answers so far (or as submitted), for the summary."""
    async with env.db.reading() as tx:
        loaded = await _loaded(env, tx, actor, branch_id, month)
    branch, v, answers, unread, report, submitted = loaded
    return FormState(branch, month, v, answers, report, submitted, None, unread)


async def want_paste(
    env: Env, actor: Actor, branch_id: int, month: Month, now: datetime
) -> FormState:
    """«整份填写»: the next message is the filled template."""
    async with env.db.transaction() as tx:
        loaded = await _loaded(env, tx, actor, branch_id, month)
        branch, v, answers, unread, report, submitted = loaded
        await _pend(tx, actor, branch_id, month, PASTE, now)
        return FormState(branch, month, v, answers, report, submitted, None, unread, mode=PASTE)


async def paste(
    env: Env, actor: Actor, branch_id: int, month: Month, text: str, now: datetime
) -> tuple[FormState, Filled]:
    """A filled template: its answers go into the draft (over earlier ones), the
    fields it could not read are named; nothing is submitted before confirming.
    On a submitted report the read answers become a draft to confirm as well."""
    async with env.db.transaction() as tx:
        loaded = await _loaded(env, tx, actor, branch_id, month)
        branch, v, answers, _, report, submitted = loaded
        form = v.form
        assert form is not None
        filled = parse_filled(form, text, month)
        read = dict(filled.answers)
        too_long = []
        for key, value in filled.answers.items():
            f = form.field(key)
            if f is not None and isinstance(_within(env, f, value), Invalid):
                del read[key]
                too_long.append(key)
        merged = clean(form, {**answers, **read})
        unread = tuple(
            f.key
            for f in form.fields
            if (f.key in filled.unread or f.key in too_long) and merged.get(f.key) is None
        )
        if submitted:  # already in: the fields read are revised at once, each kept
            assert report is not None
            done = await _revise(env, tx, actor, report, v, merged, now)
            await _pend(tx, actor, branch_id, month, None, now)
            return FormState(branch, month, v, merged, done.report, True, None, unread), filled
        state = FormState(branch, month, v, merged, report, False, None, unread)
        await _save(tx, actor, state, now)
        await _pend(tx, actor, branch_id, month, None, now)
        return state, filled


async def typed(
    env: Env, actor: Actor, branch_id: int, month: Month, held: str, text: str | None, now: datetime
) -> tuple[FormState, Filled | None]:
    """Text typed while a form question is open: the filled template when it was asked
    for, or when it names two or more fields (a whole template pasted at one question
    would otherwise become that one field's answer); else the answer to the question."""
    body = text or ""
    if held == PASTE:
        return await paste(env, actor, branch_id, month, body, now)
    version = await form_for(env, month)
    if version is not None and version.form and named_fields(version.form, body) >= 2:
        return await paste(env, actor, branch_id, month, body, now)
    key = held.partition(":")[2]
    return await answer(env, actor, branch_id, month, key, text, now), None


async def route_text(
    env: Env, actor: Actor, branch_id: int, month: Month, text: str | None, now: datetime
) -> tuple[FormState, Filled | None]:
    """Text meant for this report with no field named (a reply to a reminder, text
    typed then filed with «是报告»): a filled template is read as one; anything
    else answers the next field (on a fresh draft, usually the first text field)."""
    form_version = await form_for(env, month)
    body = (text or "").strip()
    if form_version is not None and form_version.form and looks_filled(form_version.form, body):
        return await paste(env, actor, branch_id, month, body, now)
    state = await start(env, actor, branch_id, month, now)
    if state is None:
        raise UserError("stale_button")
    if state.asking is None:
        return state, None
    return await answer(env, actor, branch_id, month, state.asking.key, body, now), None


async def submit(
    env: Env, actor: Actor, branch_id: int, month: Month, now: datetime
) -> reports.Submitted:
    """«提交»: the draft becomes the report (or revises it), each field stored with its
    revision. Refused, naming them, while required fields have no answer."""
    current = current_month(env, now)
    async with env.db.transaction() as tx:
        loaded = await _loaded(env, tx, actor, branch_id, month)
        _, v, _, _, report, submitted = loaded
        draft = await store.get_draft(tx, branch_id, str(month))
        if draft is None:  # a second tap on 提交 finds the report in, not a lost draft
            raise UserError("form_already_submitted" if submitted else "form_no_draft")
        if report is None and month not in (current, current.prev()):
            raise UserError("stale_button")
        if submitted:  # nothing waits: changes to a submitted report are made at once
            raise UserError("form_no_draft")
        answers = loaded[2]
        form = v.form
        assert form is not None
        lacking = missing(form, answers)
        if lacking:
            raise UserError("form_missing", fields="、".join(f.label for f in lacking))
        if report is None:
            done = await reports.store_text(
                env,
                tx,
                actor,
                actor.require_member(branch_id),
                month,
                render_text(form, answers),
                now,
            )
            await store.set_report_form(tx, done.report.id, v.id)
            for f in form.fields:
                if f.key in answers:
                    await store.set_answer(
                        tx, done.report.id, f.key, encode_value(answers[f.key]), actor.user_id, now
                    )
        else:
            done = await _revise(env, tx, actor, report, v, answers, now)
        await store.delete_draft(tx, branch_id, str(month))
        await report_store.clear_pending(tx, actor.user_id)
        return done


async def _revise(
    env: Env, tx: Tx, actor: Actor, report: Report, v: FormVersion, answers: Answers, now: datetime
) -> reports.Submitted:
    """Change the fields whose value differs (each keeps its revisions) and the report's
    text with them (a report revision, as a free-text revision is)."""
    form = v.form
    assert form is not None
    await store.set_report_form(tx, report.id, v.id)
    had = {a.key for a in await store.answers(tx, report.id)}
    changed = False
    for f in form.fields:
        if f.key in answers or f.key in had:  # a field that no longer applies is cleared
            value = encode_value(answers.get(f.key))
            changed |= (
                await store.set_answer(tx, report.id, f.key, value, actor.user_id, now) is not None
            )
    member = actor.require_member(report.branch_id)
    text = render_text(form, answers)
    if not changed and text == report.text:  # the same answer again: no new revision
        cycle = await report_store.get_cycle(tx, report.month)
        due = cycle.due_on if cycle else Month.parse(report.month).last_day
        return reports.Submitted(report=report, branch=member.branch, created=False, due_on=due)
    return await reports.store_text(env, tx, actor, member, Month.parse(report.month), text, now)


def month_arg(env: Env, args: list[str], now: datetime) -> Month:
    """`/form [2026-07]`: the month asked about, this month by default."""
    return months.parse_month(args[0]) if args else current_month(env, now)


async def shown(env: Env, actor: Actor, month: Month) -> FormVersion | None:
    """/form: the version in force for `month` (coordinators)."""
    actor.require_coordinator()
    return await form_for(env, month)


async def take_typed(env: Env, actor: Actor, branch_id: int, month: Month, now: datetime) -> str:
    """«是报告» on text typed with no question open, for a month with a form: the held
    text (then read by :func:`route_text`); the hold is released."""
    actor.require_member(branch_id)
    async with env.db.transaction() as tx:
        pending = await report_store.get_pending(tx, actor.user_id)
        if (
            pending is None
            or pending.kind != reports.PENDING_TYPED
            or not pending.held_text
            or now - pending.created_at > reports.PENDING_TTL
        ):
            raise UserError("typed_gone")
        await report_store.clear_pending(tx, actor.user_id)
        return pending.held_text


async def pause(env: Env, actor: Actor, now: datetime) -> int | None:
    """/cancel during a form: the question is dropped, the draft kept. The number of
    answers in the draft, or None when no form question was open."""
    found = await open_question(env, actor, now)
    if found is None:
        return None
    branch_id, month, _ = found
    async with env.db.transaction() as tx:
        draft = await store.get_draft(tx, branch_id, str(month))
        await report_store.clear_pending(tx, actor.user_id)
    return 0 if draft is None else len(json.loads(draft.answers))
