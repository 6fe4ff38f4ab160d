"""A form's answers counted across branches: pure, no I/O.

The circular's form section, `/status <字段>`, the ledger's totals row and
`/review`'s "required 否" months all count with these functions, so they can
never disagree. Everything takes the plain answers (``branch_id -> Answers``)
of the reports that were answered with one form version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.forms.model import Answers, Field, Form, Total, Value, applies, format_value


@dataclass(frozen=True)
class FieldTotal:
    """One field's total over the branches that answered the form.

    `answered` counts branches with a value (not skipped, not inapplicable);
    `yes` those whose yes/no was 是 (or whose number was above 0);
    `sum` the numbers added up; `of` the branches whose report used the form.
    """

    field: Field
    total: Total
    answered: int
    yes: int
    sum: float
    of: int

    @property
    def share(self) -> float:
        return self.yes / self.of if self.of else 0.0


def _positive(value: Value | None) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value > 0
    return False


def totals(form: Form, answers: Mapping[int, Answers]) -> list[FieldTotal]:
    """Each totalled field of `form` (sum, count_yes, share) in form order."""
    out: list[FieldTotal] = []
    of = len(answers)
    for f in form.fields:
        kind = f.totalled
        if kind == "none":
            continue
        answered = yes = 0
        added = 0.0
        for branch_answers in answers.values():
            value = branch_answers.get(f.key)
            if value is None or not applies(form, f, branch_answers):
                continue
            answered += 1
            yes += _positive(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                added += value
        out.append(FieldTotal(f, kind, answered, yes, added, of))
    return out


def required_noes(form: Form, answers: Answers) -> list[Field]:
    """The required yes/no fields this report answered 否 (主题党日 not held …)."""
    return [
        f
        for f in form.fields
        if f.type == "yesno"
        and f.required
        and applies(form, f, answers)
        and answers.get(f.key) is False
    ]


def find_field(forms: Iterable[Form], word: str) -> Field | None:
    """The field a person names in `/status <字段>`: its label or key, case and
    spaces aside; the first form that has it wins."""
    wanted = "".join(word.split()).casefold()
    if not wanted:
        return None
    for form in forms:
        for f in form.fields:
            if "".join(f.label.split()).casefold() == wanted or f.key.casefold() == wanted:
                return f
    return None


@dataclass(frozen=True)
class FieldValues:
    """One field across branches: who answered what, grouped by the shown value.

    `groups` keeps the values in a stable order (是 before 否, numbers high to
    low, then text as first seen); `skipped` lists branches that left an
    optional field empty or for which it did not apply.
    """

    field: Field
    groups: list[tuple[str, list[int]]]
    skipped: list[int]


def field_values(form: Form, f: Field, answers: Mapping[int, Answers]) -> FieldValues:
    """`f`'s answers grouped by value, each group's branch ids in the given order."""
    groups: dict[str, list[int]] = {}
    sort_keys: dict[str, tuple[int, float, int]] = {}
    skipped: list[int] = []
    for branch_id, branch_answers in answers.items():
        value = branch_answers.get(f.key)
        if value is None or not applies(form, f, branch_answers):
            skipped.append(branch_id)
            continue
        shown = format_value(f, value)
        if shown not in groups:
            groups[shown] = []
            if isinstance(value, bool):
                sort_keys[shown] = (0, 0.0 if value else 1.0, 0)
            elif isinstance(value, int | float):
                sort_keys[shown] = (1, -float(value), 0)
            else:
                sort_keys[shown] = (2, 0.0, len(sort_keys))
        groups[shown].append(branch_id)
    ordered = sorted(groups.items(), key=lambda kv: sort_keys[kv[0]])
    return FieldValues(f, ordered, skipped)
