"""The monthly circular (月度通报) as data: one typed, pure object, three renderers.

`bot.services.circular.build` makes a `CircularModel` once from the database;
it is stored as JSON next to the chat text. The chat HTML
(`bot.services.circular.chat_html` / `chat_messages`), the Word document
(`bot.records.document.circular_docx`) and the chart's counts
(`bot.records.publish`) are all rendered from it; none reads another's output.

Text is kept as plain runs (no markup, no escaping): the chat renderer escapes
and adds `<b>`, the document renderer picks fonts. A paragraph lists its items
(a branch name with its detail) separately, so a renderer can break a long
list between two names and never inside one.

Section kinds name what a section is, so a reader (a test, a future 总支
grouping) can find it without reading its heading.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import date
from typing import Literal

from pydantic import TypeAdapter

from bot.i18n import CATALOGS, DEFAULT
from bot.models import Model

MODEL_VERSION = 1

SectionKind = Literal[
    "totals",  # 总体情况
    "by_general",  # 各党总支报送情况 (a committee with 总支: docs/tree-review.md)
    "on_time",  # 按时报送
    "late",  # 迟报
    "missing",  # 未报送 (with 连续未报)
    "exempt",  # 免报 (with reasons)
    "makeup",  # 补报: late reports of the previous month
    "highlights",  # 工作亮点 (quoted excerpts)
    "form",  # 表单填报情况: the report form's totals (bot.services.form_counts)
    "plans",  # 计划进展
    "text",  # a stored circular from before the model: its text, one paragraph a line
]


class Run(Model):
    """Plain text in one style."""

    text: str
    bold: bool = False


class Item(Model):
    """One entry of a list, never split: a branch name, perhaps with its detail."""

    runs: tuple[Run, ...]
    branch_id: int | None = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


class Para(Model):
    """One line in the chat, one paragraph in the document: lead, items, tail."""

    lead: tuple[Run, ...] = ()
    items: tuple[Item, ...] = ()
    sep: str = ""  # between items
    tail: tuple[Run, ...] = ()

    @property
    def text(self) -> str:
        body = self.sep.join(i.text for i in self.items)
        return "".join(r.text for r in self.lead) + body + "".join(r.text for r in self.tail)


class Section(Model):
    kind: SectionKind
    heading: tuple[Run, ...] = ()
    paras: tuple[Para, ...] = ()
    # Shown in the Word document only, after `paras`: what is too long for the chat
    # (the plan section's full list of branches per task).
    detail: tuple[Para, ...] = ()

    @property
    def heading_text(self) -> str:
        return "".join(r.text for r in self.heading)


class Counts(Model):
    """The month's numbers as the circular states them."""

    expected: int  # 应报: branches expected to report (exempt ones not counted)
    on_time: int  # 按时
    late: int  # 迟报
    missing: int  # 未报 (at the time of the circular)
    exempt: int  # 免报
    no_secretary: int  # 无书记: still to report and nobody to remind
    rate: float  # reported / expected, 0..1 (1.0 when nobody is expected)

    @property
    def reported(self) -> int:
        return self.on_time + self.late


class CircularModel(Model):
    version: int = MODEL_VERSION
    lang: str
    month: str  # "2026-05"
    due_on: date | None = None
    issued_on: date | None = None  # the day it was built (the date line in the chat)
    issuer: str = ""  # the issuing body as it signs (org name at build time)
    title: tuple[Run, ...] = ()
    salutation: Para | None = None  # 各党支部：
    intro: tuple[Para, ...] = ()
    counts: Counts | None = None  # None for a circular stored before the model
    sections: tuple[Section, ...] = ()
    closing: tuple[Para, ...] = ()
    sign: str | None = None  # the sign-off line; None: no sign-off block
    date_line: str | None = None  # the full date under the sign-off, as in the chat

    @property
    def title_text(self) -> str:
        return "".join(r.text for r in self.title)

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str) -> CircularModel:
        return cls.model_validate_json(data)


# ------------------------------------------------------------- catalog text

_BOLD = re.compile(r"(</?b>)")


def runs(lang: str, key: str, /, **params: object) -> tuple[Run, ...]:
    """A catalog template filled with plain values, as runs.

    Circular templates are HTML whose only markup is `<b>…</b>`; the markers
    are read off the (trusted) template before it is filled, so the values are
    never parsed and may hold any character.
    """
    catalog = CATALOGS.get(lang) or CATALOGS[DEFAULT]
    template = catalog.get(key) or CATALOGS[DEFAULT][key]
    values = {k: str(v) for k, v in params.items()}
    out: list[Run] = []
    bold = False
    for piece in _BOLD.split(template):
        if piece in ("<b>", "</b>"):
            bold = piece == "<b>"
            continue
        text = html.unescape(piece).format(**values)
        if text:
            out.append(Run(text=text, bold=bold))
    return tuple(out)


def plain(lang: str, key: str, /, **params: object) -> str:
    return "".join(r.text for r in runs(lang, key, **params))


def listing(
    lang: str, key: str, slot: str, items: list[Item], sep: str = "、", **params: object
) -> Para:
    """A paragraph from a template whose `{slot}` is a list of items."""
    marker = "\x00"
    around = runs(lang, key, **{slot: marker}, **params)
    lead: list[Run] = []
    tail: list[Run] = []
    seen = False
    for r in around:
        if marker in r.text:
            before, after = r.text.split(marker, 1)
            if before:
                lead.append(Run(text=before, bold=r.bold))
            if after:
                tail.append(Run(text=after, bold=r.bold))
            seen = True
        else:
            (tail if seen else lead).append(r)
    return Para(lead=tuple(lead), items=tuple(items), sep=sep, tail=tuple(tail))


def text_para(text: str, bold: bool = False) -> Para:
    return Para(lead=(Run(text=text, bold=bold),)) if text else Para()


def item(text: str, branch_id: int | None = None) -> Item:
    return Item(runs=(Run(text=text),), branch_id=branch_id)


_ITEMS: TypeAdapter[list[Item]] = TypeAdapter(list[Item])


def items_from(entries: Iterable[tuple[str, int | None]]) -> list[Item]:
    """`item(text, branch_id)` of each entry, validated in one call: pydantic-core
    builds a list of ten thousand names at once instead of twice per name."""
    return _ITEMS.validate_python(
        [{"runs": ({"text": text},), "branch_id": branch_id} for text, branch_id in entries]
    )


# ------------------------------------------------------------- old rows

_TAG = re.compile(r"<[^>]*>")


def from_stored_text(month: str, lang: str, text: str) -> CircularModel:
    """A circular stored before the model: its text, one plain paragraph a line.

    Tags are dropped and entities decoded; nothing is guessed about titles,
    headings or sign-off (the text already carries them as posted).
    """
    lines = [html.unescape(_TAG.sub("", line)).strip() for line in text.split("\n")]
    paras = tuple(text_para(line) for line in lines if line)
    return CircularModel(lang=lang, month=month, sections=(Section(kind="text", paras=paras),))
