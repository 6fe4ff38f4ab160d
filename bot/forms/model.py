"""A report form and its answers: pure, no I/O, no clock.

A :class:`Form` is the committee's monthly questions in order; each
:class:`Field` has a type (text, number, yes/no, choice, date), limits and,
for numbers and yes/no, how the circular totals it. Answers are a plain
``dict[key, Value | None]`` (:data:`Answers`): a key that is present with None
was skipped (optional), a key that is absent was not asked yet.

Everything a person types goes through :func:`parse_answer` (one field) or
:func:`parse_filled` (the one-message template of :func:`template`), which
return a typed value or an :class:`Invalid` carrying a catalog key and its
parameters, so the chat can say what was wrong in the person's language.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator
from pydantic import Field as PydField

from bot.calendar import Month

FieldType = Literal["text", "number", "yesno", "choice", "date"]
#: How the circular totals a field across branches: ``sum`` of a number,
#: ``count_yes`` (branches that answered 是), ``share`` (the share of reporting
#: branches that answered 是, or gave a number above 0), ``none``.
Total = Literal["sum", "count_yes", "share", "none"]
Value = str | int | float | bool | date
#: key -> typed value; None = skipped (an optional field); absent = not asked yet.
Answers = dict[str, Value | None]

KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,31}$"
MAX_FIELDS = 40
MAX_LABEL = 40
MAX_CHOICES = 12
MAX_CHOICE_CHARS = 30  # a button's label
DEFAULT_TEXT_MAX = 2000  # as a free-text report (ZHIBU_REPORT_MAX_CHARS)
MAX_TEXT = 4000
MAX_NUMBER = 10**9

Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LABEL)]

YES_WORDS = frozenset(
    {"是", "是的", "有", "有的", "已", "已开展", "已召开", "已缴", "已完成", "对", "对的"}
    | {"y", "yes", "true", "√", "✓", "✔"}
)
NO_WORDS = frozenset(
    {"否", "不是", "不是的", "无", "没有", "未", "未开展", "未召开", "未缴", "未完成", "不"}
    | {"n", "no", "false", "×", "✗", "✘"}
)
#: Words that skip an optional field when typed (the 跳过 button does the same).
SKIP_WORDS = frozenset({"跳过", "略", "skip", "-", "—", "/"})
# Units people add after a count: "2次", "3名".
_UNITS = "次个名人场期项篇元节"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


class Field(BaseModel):
    """One question of the form. Limits apply only to the types they name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Key
    label: Label
    type: FieldType
    required: bool = True
    hint: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    #: text: the most characters (default 1000)
    max_length: int | None = PydField(default=None, ge=1, le=MAX_TEXT)
    #: number: bounds, inclusive (default 0 .. 10^9)
    min: float | None = None
    max: float | None = None
    #: number: whole numbers only (counts); false allows decimals
    integer: bool = True
    #: choice: the options, as buttons
    choices: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = []
    total: Total | None = None  # None: sum for numbers, count_yes for yes/no, none else
    #: asked only when this earlier yes/no field was answered 是 (主题党日 → its theme)
    ask_if: Key | None = None

    @model_validator(mode="after")
    def _limits(self) -> Self:
        if any(c in self.label for c in ":：\n"):
            raise ValueError("a label cannot contain a colon or a line break")
        if self.type != "text" and self.max_length is not None:
            raise ValueError("max_length is for text fields")
        if self.type != "number" and (self.min is not None or self.max is not None):
            raise ValueError("min and max are for number fields")
        if self.type == "choice":
            if not 2 <= len(self.choices) <= MAX_CHOICES:
                raise ValueError(f"a choice field needs 2 to {MAX_CHOICES} choices")
            if len({c.casefold() for c in self.choices}) != len(self.choices):
                raise ValueError("choices must differ")
            if any(len(c) > MAX_CHOICE_CHARS for c in self.choices):
                raise ValueError(f"a choice is at most {MAX_CHOICE_CHARS} characters")
        elif self.choices:
            raise ValueError("choices are for choice fields")
        if self.type == "number":
            lo, hi = self.low, self.high
            if lo > hi:
                raise ValueError("min is above max")
            if abs(lo) > MAX_NUMBER or abs(hi) > MAX_NUMBER:
                raise ValueError(f"numbers are limited to ±{MAX_NUMBER}")
        allowed = {"number": {"sum", "share", "none"}, "yesno": {"count_yes", "share", "none"}}
        if self.total is not None and self.total not in allowed.get(self.type, {"none"}):
            raise ValueError(f"total {self.total!r} does not apply to a {self.type} field")
        return self

    @property
    def low(self) -> float:
        return 0 if self.min is None else self.min

    @property
    def high(self) -> float:
        return MAX_NUMBER if self.max is None else self.max

    @property
    def text_max(self) -> int:
        return self.max_length or DEFAULT_TEXT_MAX

    @property
    def totalled(self) -> Total:
        """The total actually used (the type's default when none was given)."""
        if self.total is not None:
            return self.total
        return {"number": "sum", "yesno": "count_yes"}.get(self.type, "none")  # type: ignore[return-value]


class FieldProblem(ValueError):
    """A mistake in the form that belongs to one field (fields[`index`].`attr`), so the
    YAML loader can name that field's line rather than the form's first."""

    def __init__(self, index: int, attr: str, message: str) -> None:
        self.index = index
        self.attr = attr
        super().__init__(message)


class Form(BaseModel):
    """The monthly form: a title and the fields in the order they are asked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Label
    fields: list[Field] = PydField(min_length=1, max_length=MAX_FIELDS)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        keys: set[str] = set()
        labels: set[str] = set()
        kinds: dict[str, FieldType] = {}
        for i, f in enumerate(self.fields):
            if f.key in keys:
                raise FieldProblem(i, "key", f"key {f.key!r} appears twice")
            if f.label.casefold() in labels:
                raise FieldProblem(i, "label", f"label {f.label!r} appears twice")
            if f.ask_if is not None and kinds.get(f.ask_if) != "yesno":
                raise FieldProblem(i, "ask_if", "ask_if must name an earlier yes/no field")
            keys.add(f.key)
            labels.add(f.label.casefold())
            kinds[f.key] = f.type
        return self

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def index(self, key: str) -> int:
        """0-based position of a key (buttons carry the position, not the key)."""
        return next(i for i, f in enumerate(self.fields) if f.key == key)

    def to_json(self) -> str:
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def from_json(cls, raw: str) -> Form:
        return cls.model_validate_json(raw)


@dataclass(frozen=True)
class Invalid:
    """An answer that cannot be used: a catalog key (``form_bad_number``…) and its params."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


#: What parsing one answer gives: a value, None (skipped), or why not.
Parsed = Value | None | Invalid


# --------------------------------------------------------------- one answer


def parse_answer(f: Field, text: str | None, month: Month | None = None) -> Parsed:
    """One typed answer for `f`: its value, None when an optional field is skipped
    (empty or 跳过), or :class:`Invalid`.

    Numbers take ``2``, ``２``, ``2次``, ``两``, ``十二``, ``无`` (0); yes/no takes
    是/否/有/无/yes/no…; dates take ``2026-06-30``, ``2026年6月30日``, ``6月30日``
    and ``6/30`` (the year is the report month's; `month` is that month).
    """
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw or raw.casefold() in SKIP_WORDS:
        if f.required:
            return Invalid("form_required", {"label": f.label})
        return None
    if f.type == "text":
        if len(raw) > f.text_max:
            return Invalid("form_text_too_long", {"length": len(raw), "max": f.text_max})
        return (text or "").strip()
    if f.type == "number":
        return _number(f, raw)
    if f.type == "yesno":
        word = raw.casefold().rstrip("。.!！")
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        # 已收缴、已按时开展 … say it was done; 未缴纳、没开展 … that it was not.
        if word.startswith("已"):
            return True
        if word.startswith(("未", "没")):
            return False
        return Invalid("form_bad_yesno", {})
    if f.type == "choice":
        return _choice(f, raw)
    return _date(raw, month)


_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_END_MARKS = "。！!～~"


def _number(f: Field, raw: str) -> Value | Invalid:
    word = raw.replace(" ", "").rstrip(_END_MARKS)
    if "," in word and not _THOUSANDS.fullmatch(word.rstrip(_UNITS)):
        # "1，2" is two numbers, not twelve; only 3,000 is a thousands separator.
        return Invalid("form_bad_number", {"example": int(max(f.low, min(2, f.high)))})
    word = word.replace(",", "").rstrip(_UNITS)
    if word in NO_WORDS:
        word = "0"
    value: float | None
    try:
        value = float(word) if re.fullmatch(r"-?\d+(\.\d+)?", word) else _chinese(word)
    except ValueError:
        value = None
    if value is None:
        return Invalid("form_bad_number", {"example": int(max(f.low, min(2, f.high)))})
    if f.integer and value != int(value):
        return Invalid("form_not_integer", {})
    if not f.low <= value <= f.high:
        return Invalid("form_number_range", {"min": _num(f.low), "max": _num(f.high)})
    return int(value) if f.integer else value


def _chinese(word: str) -> float | None:
    """十二 → 12, 两 → 2, 一百零五 → 105; None when it is not a Chinese numeral."""
    if not word or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in word):
        return None
    total, digit = 0, None
    for c in word:
        if c in "零〇" and total:
            continue  # 一百零五: a placeholder
        if c in _CN_DIGITS:
            if digit is not None:
                return None  # 两三: "two or three" is not a number
            digit = _CN_DIGITS[c]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
    return float(total + (digit or 0))


def _choice(f: Field, raw: str) -> Value | Invalid:
    wanted = raw.casefold()
    for c in f.choices:
        if c.casefold() == wanted:
            return c
    if raw.isdigit() and 1 <= int(raw) <= len(f.choices):
        return f.choices[int(raw) - 1]
    return Invalid("form_bad_choice", {"choices": "、".join(f.choices)})


_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_SHORT_DATE = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")


def _date(raw: str, month: Month | None) -> Value | Invalid:
    found = _FULL_DATE.fullmatch(raw)
    try:
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
        found = _SHORT_DATE.fullmatch(raw)
        if found and month is not None:
            m, d = int(found[1]), int(found[2])
            # A January report that names 12月 means last December.
            year = month.year - 1 if m - month.month > 6 else month.year
            return date(year, m, d)
    except ValueError:
        pass
    return Invalid("form_bad_date", {})


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


# ------------------------------------------------------------- the whole form


def applies(form: Form, f: Field, answers: Answers) -> bool:
    """Whether `f` is asked at all: its ask_if field (if any) was answered 是."""
    return f.ask_if is None or answers.get(f.ask_if) is True


def next_field(form: Form, answers: Answers) -> Field | None:
    """The first field still to ask (in form order), None when all are answered."""
    for f in form.fields:
        if f.key not in answers and applies(form, f, answers):
            return f
    return None


def missing(form: Form, answers: Answers) -> list[Field]:
    """Required fields that apply and have no value: the report cannot be submitted."""
    return [
        f
        for f in form.fields
        if f.required and applies(form, f, answers) and answers.get(f.key) is None
    ]


def clean(form: Form, answers: Answers) -> Answers:
    """Only this form's keys, in its order, without answers to fields that no longer apply."""
    out: Answers = {}
    for f in form.fields:
        if f.key in answers and applies(form, f, answers):
            out[f.key] = answers[f.key]
    return out


def format_value(f: Field, value: Value | None) -> str:
    """A value as people read it (是/否, 2026年6月30日, 2); "—" when skipped."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float):
        return _num(value)
    return str(value)


def render_text(form: Form, answers: Answers) -> str:
    """The report's text: one ``标签：值`` line per answered field, in form order.

    Stored as the report's text so every place that shows report text today
    (/myreports, the report view, the circular's highlights, the ledger) keeps
    working with no change. A multi-line text answer starts on its own line.
    """
    lines: list[str] = []
    for f in form.fields:
        if f.key not in answers or answers[f.key] is None or not applies(form, f, answers):
            continue
        shown = format_value(f, answers[f.key])
        lines.append(f"{f.label}：\n{shown}" if "\n" in shown else f"{f.label}：{shown}")
    return "\n".join(lines)


# ----------------------------------------------------------------- encoding


def encode_value(value: Value | None) -> str | None:
    """JSON for storage (dates as ``YYYY-MM-DD``); None stays None (skipped)."""
    if value is None:
        return None
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def decode_value(f: Field, raw: str | None) -> Value | None:
    """The typed value stored by :func:`encode_value` for a field of this type."""
    if raw is None:
        return None
    value = json.loads(raw)
    if f.type == "date":
        return date.fromisoformat(str(value))
    if f.type == "yesno":
        return bool(value)
    if f.type == "number":
        return int(value) if f.integer else float(value)
    return str(value)


def dump_answers(answers: Answers) -> str:
    """A draft's answers as one JSON object (key → encoded value or null)."""
    return json.dumps(
        {
            k: None if v is None else json.loads(encode_value(v) or "null")
            for k, v in answers.items()
        },
        ensure_ascii=False,
    )


def load_answers(form: Form, raw: str) -> Answers:
    """A draft's answers back, typed by `form`; keys the form does not have are dropped."""
    data = json.loads(raw or "{}")
    out: Answers = {}
    for f in form.fields:
        if f.key in data:
            v = data[f.key]
            out[f.key] = None if v is None else decode_value(f, json.dumps(v))
    return out


# ---------------------------------------------------- the one-message template

_NUMBERING = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．)）]\s*")
_HEAD = re.compile(r"^\s*(?P<head>[^:：\n]{1,60}?)\s*[:：]\s*(?P<rest>.*)$")
_PAREN = re.compile(r"\s*[（(][^）)]*[）)]\s*$")


def template_line(f: Field) -> str:
    """``标签：`` with, for yes/no and choices, the accepted answers in brackets."""
    if f.type == "yesno":
        return f"{f.label}（是/否）："
    if f.type == "choice":
        return f"{f.label}（{'/'.join(f.choices)}）："
    return f"{f.label}："


def template(form: Form) -> str:
    """The form as one message to copy, fill after each ``：`` and send back."""
    return "\n".join(template_line(f) for f in form.fields)


@dataclass(frozen=True)
class Filled:
    """What :func:`parse_filled` read: the answers, and the fields it could not read."""

    answers: Answers
    #: keys of fields written but unreadable (see `problems`), or required and left empty
    unread: list[str]
    problems: dict[str, Invalid]


def _head_key(form: Form, head: str) -> str | None:
    """The field a ``标签：`` head names: by label or key, numbering ignored, and a
    bracketed note ignored unless the label itself ends with it (党小组会（合计）)."""
    bare = _NUMBERING.sub("", head).strip().casefold()
    for name in (bare, _PAREN.sub("", bare).strip()):
        for f in form.fields:
            if name in (f.label.casefold(), f.key.casefold()):
                return f.key
    return None


def looks_filled(form: Form, text: str) -> bool:
    """Whether a message is (part of) the filled template: a line starts with a label."""
    return any(
        (m := _HEAD.match(line)) is not None and _head_key(form, m["head"]) is not None
        for line in text.splitlines()
    )


def named_fields(form: Form, text: str) -> int:
    """How many different fields the ``标签：`` lines of a message name (two or more: it
    is the filled template, even when sent as the answer to one question)."""
    keys = {_head_key(form, m["head"]) for line in text.splitlines() if (m := _HEAD.match(line))}
    return len(keys - {None})


def parse_filled(form: Form, text: str, month: Month | None = None) -> Filled:
    """Read a filled template back: each ``标签：值`` line (labels in any order, keys
    accepted too, numbering and the bracketed hints ignored); the lines under a
    text field's line belong to it. An optional field left empty is skipped (None);
    a required one left empty, or any value that does not parse, is `unread`.
    """
    raw: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        m = _HEAD.match(line)
        key = _head_key(form, m["head"]) if m else None
        if m is not None and key is not None:
            if key in raw:  # the template pasted twice: the first copy counts, not the rest
                current = None
                continue
            raw[key] = [m["rest"]]
            current = key
        elif current is not None:
            raw[current].append(line)
    answers: Answers = {}
    unread: list[str] = []
    problems: dict[str, Invalid] = {}
    for f in form.fields:
        if f.key not in raw:
            continue
        joined = "\n".join(raw[f.key]).strip() if f.type == "text" else " ".join(raw[f.key])
        parsed = parse_answer(f, joined, month)
        if isinstance(parsed, Invalid) and f.type != "text":
            # A stray line under a yes/no or number (a label we do not know, a note)
            # must not spoil the answer written after the colon.
            first = next((part for part in raw[f.key] if part.strip()), "")
            if first.strip() != joined.strip():
                again = parse_answer(f, first, month)
                parsed = parsed if isinstance(again, Invalid) else again
        if isinstance(parsed, Invalid):
            unread.append(f.key)
            problems[f.key] = parsed
        else:
            answers[f.key] = parsed
    answers = clean(form, answers)
    for f in form.fields:
        if f.key not in raw and f.required and f.key not in unread and applies(form, f, answers):
            unread.append(f.key)
            problems[f.key] = Invalid("form_required", {"label": f.label})
    order = {f.key: i for i, f in enumerate(form.fields)}
    unread.sort(key=order.__getitem__)
    return Filled(answers=answers, unread=unread, problems=problems)
