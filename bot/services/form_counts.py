"""The report form counted where coordinators read it: the circular's form section and
`/status <字段>` (one field across branches).

The counting itself is `bot.forms.counting` (pure); this module reads the month's
answers (`bot.services.forms.answers_in`) and shapes them for the circular model
and for the status handler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.calendar import Month
from bot.forms.counting import FieldTotal, FieldValues, field_values, find_field, totals
from bot.forms.model import Field, Form
from bot.services import forms, status
from bot.services.base import Actor, Env, UserError, current_month
from bot.services.circular_model import Para, Section, runs
from bot.services.status import State, summarize
from storage.db import Tx


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def total_line(lang: str, t: FieldTotal) -> Para:
    """One field's total as the circular states it, in the committee's words (its label)."""
    label = t.field.label
    if t.total == "sum":
        return Para(
            lead=runs(lang, "form_total_sum", label=label, yes=t.yes, of=t.of, sum=_number(t.sum))
        )
    if t.total == "share":
        pct = f"{t.share * 100:.0f}"
        return Para(lead=runs(lang, "form_total_share", label=label, yes=t.yes, of=t.of, pct=pct))
    return Para(lead=runs(lang, "form_total_yes", label=label, yes=t.yes, of=t.of))


def circular_section(
    lang: str, month_answers: forms.MonthAnswers, number: Callable[[], str]
) -> Section | None:
    """The circular's form section: one line per totalled field, whatever the number of
    branches (the per-branch answers go to the ledger). None when no report of the
    month was answered with a form, or the form totals nothing.

    When the form changed within the month, each version the reports used is counted
    on its own, under its title.
    """
    if not month_answers.by_branch:
        return None
    paras: list[Para] = []
    used = sorted(month_answers.versions.values(), key=lambda v: v.id)
    for version in used:
        form = version.form
        if form is None:
            continue
        answers = {
            b: a.answers for b, a in month_answers.by_branch.items() if a.form_id == version.id
        }
        lines = [total_line(lang, t) for t in totals(form, answers)]
        if not lines:
            continue
        paras.append(Para(lead=runs(lang, "form_total_head", title=form.title, count=len(answers))))
        paras.extend(lines)
    if not paras:
        return None
    return Section(kind="form", heading=runs(lang, "circ_sec_form", n=number()), paras=tuple(paras))


async def section_in(
    lang: str,
    tx: Tx,
    month: Month,
    number: Callable[[], str],
    units: set[int] | None = None,
) -> Section | None:
    """:func:`circular_section` for `month`, read inside the circular's transaction;
    with `units`, only those branches' answers are counted (a 总支's own circular)."""
    month_answers = await forms.answers_in(tx, month)
    if units is not None:
        kept = {b: a for b, a in month_answers.by_branch.items() if b in units}
        month_answers = replace(month_answers, by_branch=kept)
    return circular_section(lang, month_answers, number)


# ------------------------------------------------------------------ /status 字段


@dataclass(frozen=True)
class FieldStatus:
    """`/status 主题党日`: one field across the branches of a month.

    `values` groups the branches that answered; `total` is the field's total as the
    circular states it (None for fields that are not totalled); `names` maps every
    branch id shown to its name; `not_reported` counts branches expected to report
    that have no report yet; `free_text` the branches that reported without the form.
    """

    month: Month
    form: Form
    field: Field
    values: FieldValues
    total: FieldTotal | None
    names: dict[int, str]
    not_reported: int
    free_text: int


async def field_status(
    env: Env, actor: Actor, word: str, month: Month, now: datetime
) -> FieldStatus | None:
    """The field `word` names in the month's form (or a form its reports used); None
    when it names no field, so `/status` goes on to read it as a branch's name."""
    scope = actor.require_scope()  # a 总支书记 sees the units of its 总支 only
    async with env.db.reading() as tx:
        month_answers = await forms.answers_in(tx, month)
        candidates: list[Form] = []
        if month_answers.current is not None and month_answers.current.form is not None:
            candidates.append(month_answers.current.form)
        candidates += [v.form for v in month_answers.versions.values() if v.form is not None]
        f = find_field(candidates, word)
        if f is None:
            return None
        form = next(c for c in candidates if c.field(f.key) == f)
        summary = await summarize(env, tx, month, now, with_failures=False, scope=scope)
    shown = {ln.branch.id for ln in summary.lines}
    answers = {
        b: a.answers
        for b, a in month_answers.by_branch.items()
        if b in shown
        and (v := month_answers.versions.get(a.form_id)) is not None
        and v.form is not None
        and v.form.field(f.key) == f
    }
    names = {ln.branch.id: ln.branch.name for ln in summary.lines}
    ordered = {b: answers[b] for b in sorted(answers, key=lambda b: names.get(b, ""))}
    field_total = next((t for t in totals(form, ordered) if t.field.key == f.key), None)
    reported = summary.having(State.ON_TIME, State.LATE)
    free = sum(1 for ln in reported if ln.branch.id not in answers)
    return FieldStatus(
        month=month,
        form=form,
        field=f,
        values=field_values(form, f, ordered),
        total=field_total,
        names=names,
        not_reported=len(summary.todo),
        free_text=free,
    )


async def not_found(env: Env, word: str, month: Month, error: UserError) -> UserError:
    """`/status <word>` named neither a branch nor a field: with a form in force, the
    answer names the form's items too (the coordinator may have mistyped one)."""
    version = await forms.form_for(env, month)
    if error.key != "branch_not_found" or version is None or version.form is None:
        return error
    labels = "、".join(f.label for f in version.form.fields)
    return UserError("form_status_not_found", name=word, fields=labels)


async def field_status_at(
    env: Env, actor: Actor, code: str, position: int, now: datetime
) -> FieldStatus:
    """`/status <字段>` again from a page button: the month and the field's 1-based
    position in the month's form. A forged or stale button is refused."""
    month = status.button_month(actor, code, current_month(env, now))
    async with env.db.reading() as tx:
        month_answers = await forms.answers_in(tx, month)
    candidates = [month_answers.current] if month_answers.current is not None else []
    candidates += sorted(month_answers.versions.values(), key=lambda v: v.id)
    form = next((v.form for v in candidates if v.form is not None), None)
    if form is None or not 1 <= position <= len(form.fields):
        raise UserError("bad_button")
    found = await field_status(env, actor, form.fields[position - 1].label, month, now)
    if found is None:
        raise UserError("bad_button")
    return found


def total_text(lang: str, t: FieldTotal) -> str:
    """A field's total as plain text (the status head uses the circular's sentence)."""
    return "".join(r.text for r in total_line(lang, t).lead)
