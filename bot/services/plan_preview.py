"""The plan preview a coordinator corrects with buttons before enabling it.

Pure: a :class:`Preview` is the plan as a flat list of items (phases, each
followed by its tasks, then the other tasks), each ticked or not and each of
one kind: a phase, a branch task or a committee item. The edits (tick, switch
kind, shift the year, set a date) return a new preview; :meth:`Preview.to_spec`
turns the ticked items into the :class:`PlanSpec` that gets enabled. The
preview is stored with the draft (storage/plans.py), so corrections survive a
restart.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.i18n import Html, esc, t
from bot.plans.model import (
    MAX_YEAR,
    MIN_YEAR,
    PhaseSpec,
    PlanSpec,
    RecurringRule,
    TaskSpec,
)
from bot.services.base import UserError
from bot.services.fmt import plan_date, rule_label

Kind = Literal["phase", "branch", "committee"]
KINDS: tuple[Kind, ...] = ("phase", "branch", "committee")
ITEMS_PER_PAGE = 8  # 3 buttons an item: 24 buttons, well under Telegram's 100
TITLE_SHOWN = 60  # characters of an item's title in a preview line
TITLE_MAX = 200  # PlanSpec's limit on a title


class PreviewItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    title: str
    start: date | None = None  # a phase's first day
    end: date | None = None  # a phase's last day, or a task's deadline
    ongoing: bool = False
    recurring: RecurringRule | None = None
    phase: str | None = None  # the phase a task was read under (kept if it is switched)
    branches: Literal["all"] | list[str] = "all"
    on: bool = True


class Preview(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    year: int
    items: list[PreviewItem]

    @classmethod
    def from_spec(cls, spec: PlanSpec) -> Preview:
        items: list[PreviewItem] = []
        phases = {p.title for p in spec.phases}

        def task_item(task: TaskSpec) -> PreviewItem:
            return PreviewItem(
                kind=task.owner,
                title=task.title,
                end=task.due,
                ongoing=task.ongoing,
                recurring=task.recurring,
                phase=task.phase,
                branches=task.branches,
            )

        for phase in spec.phases:
            items.append(
                PreviewItem(kind="phase", title=phase.title, start=phase.start, end=phase.end)
            )
            items += [task_item(x) for x in spec.tasks if x.phase == phase.title]
        items += [task_item(x) for x in spec.tasks if x.phase not in phases]
        return cls(title=spec.title, year=spec.year, items=items)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.items) // ITEMS_PER_PAGE))

    def item(self, n: int) -> PreviewItem:
        """Item `n` (1-based, as shown); a number out of range is a stale button."""
        if not 1 <= n <= len(self.items):
            raise UserError("stale_button")
        return self.items[n - 1]

    def _with(self, n: int, new: PreviewItem) -> Preview:
        items = list(self.items)
        items[n - 1] = new
        return self.model_copy(update={"items": items})

    # ------------------------------------------------------------ edits

    def toggle(self, n: int) -> Preview:
        it = self.item(n)
        return self._with(n, it.model_copy(update={"on": not it.on}))

    def switch(self, n: int) -> Preview:
        """phase → branch task → committee item → phase. A task becomes a phase only
        with a date (the phase is that one day until a date range is typed); one
        without a deadline goes between branch task and committee item only."""
        it = self.item(n)
        if it.kind == "phase":
            return self._with(n, it.model_copy(update={"kind": "branch", "start": None}))
        if it.kind == "branch":
            return self._with(n, it.model_copy(update={"kind": "committee"}))
        if it.end is None:
            return self._with(n, it.model_copy(update={"kind": "branch"}))
        update = {"kind": "phase", "start": it.end, "ongoing": False, "recurring": None}
        return self._with(n, it.model_copy(update=update))

    def with_year(self, year: int) -> Preview:
        """The plan's year set, every date moved by as many years (29 Feb → 28 Feb)."""
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise UserError("plan_pv_year_bad", value=str(year))
        shift = year - self.year
        items = [
            it.model_copy(update={"start": _shift(it.start, shift), "end": _shift(it.end, shift)})
            for it in self.items
        ]
        return self.model_copy(update={"year": year, "items": items})

    def with_dates(self, n: int, text: str) -> Preview:
        """Item `n`'s date(s) from what the coordinator typed: one date for a task's
        deadline (replacing 长期 or a rule), a range (or one day) for a phase."""
        it = self.item(n)
        found = parse_dates(text, self.year)
        if it.kind == "phase":
            start, end = found if len(found) == 2 else (found[0], found[0])
            if start > end:
                raise UserError("plan_pv_date_order")
            return self._with(n, it.model_copy(update={"start": start, "end": end}))
        if len(found) != 1:
            raise UserError("plan_pv_date_one")
        update = {"end": found[0], "ongoing": False, "recurring": None}
        return self._with(n, it.model_copy(update=update))

    # ------------------------------------------------------------ result

    def to_spec(self) -> PlanSpec:
        """The ticked items as the plan to enable; a clear refusal when nothing is left
        or the corrections do not make a valid plan."""
        kept = [it for it in self.items if it.on]
        if not kept:
            raise UserError("plan_empty")
        phases: list[PhaseSpec] = []
        names: set[str] = set()
        try:
            for it in kept:
                if it.kind == "phase":
                    assert it.start is not None and it.end is not None
                    title = _unique(_clip(it.title), names)
                    names.add(title)
                    phases.append(PhaseSpec(title=title, start=it.start, end=it.end))
            phase_titles = {p.title for p in phases}
            tasks: list[TaskSpec] = []
            taken: dict[str | None, set[str]] = {}
            for it in kept:
                if it.kind == "phase":
                    continue
                phase = it.phase if it.phase in phase_titles else None
                seen = taken.setdefault(phase, set())
                title = _unique(_clip(it.title), seen)
                seen.add(title)
                tasks.append(
                    TaskSpec(
                        title=title,
                        phase=phase,
                        due=it.end,
                        ongoing=it.ongoing,
                        recurring=it.recurring,
                        branches=it.branches,
                        owner="committee" if it.kind == "committee" else "branch",
                    )
                )
            return PlanSpec(title=_clip(self.title), year=self.year, phases=phases, tasks=tasks)
        except ValidationError as exc:
            raise UserError("plan_pv_invalid", reason=str(exc.errors()[0]["msg"])[:200]) from None


def _shift(day: date | None, years: int) -> date | None:
    if day is None or not years:
        return day
    year = day.year + years
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UserError("plan_pv_year_bad", value=str(year))
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=year, day=28)


def _clip(title: str) -> str:
    title = " ".join(title.split())
    return title[:TITLE_MAX] or "—"


def _unique(title: str, taken: set[str]) -> str:
    if title not in taken:
        return title
    n = 2
    while f"{title} ({n})" in taken:
        n += 1
    return f"{title} ({n})"


# ---------------------------------------------------------------- typed input

# 2026-06-30, 2026/6/30, 2026.6.30, 2026年6月30日, 6月30日, 6-30 (the plan's year).
_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*(?:年|[-/.．])\s*)?(?P<m>\d{1,2})\s*(?:月|[-/.．])\s*(?P<d>\d{1,2})\s*[日号]?"
)
_BETWEEN = re.compile(r"^[\s至到~～—–\-－一,，]*$")
_BEFORE = re.compile(r"\s*[之以]?前\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")


def parse_dates(text: str, year: int) -> list[date]:
    """One date or a range of two, as a coordinator types them; anything else is
    refused with the forms that work."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    # "6月30日前" is how plans themselves say a deadline; the 前 adds nothing.
    text = _BEFORE.sub("", text)
    found: list[date] = []
    rest: list[str] = []
    last = 0
    for m in _DATE.finditer(text):
        rest.append(text[last : m.start()])
        last = m.end()
        try:
            found.append(date(int(m["y"] or year), int(m["m"]), int(m["d"])))
        except ValueError:
            raise UserError("plan_pv_date_bad", value=m[0]) from None
    rest.append(text[last:])
    if not found or len(found) > 2 or not all(_BETWEEN.match(r) for r in rest):
        raise UserError("plan_pv_date_bad", value=text.strip()[:40])
    if any(not MIN_YEAR <= d.year <= MAX_YEAR for d in found):
        raise UserError("plan_pv_date_bad", value=text.strip()[:40])
    # A date typed with an earlier year than the plan's is a slip (2025 for 2026) or a
    # sign the plan's year is wrong: either way the task would be overdue on enabling.
    early = next((d for d in found if d.year < year), None)
    if early is not None:
        raise UserError("plan_pv_date_early", value=early.isoformat(), year=year)
    return found


def parse_year(text: str) -> int:
    m = _YEAR.match(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    if m is None or not MIN_YEAR <= int(m[1]) <= MAX_YEAR:
        raise UserError("plan_pv_year_bad", value=text.strip()[:20])
    return int(m[1])


# ---------------------------------------------------------------- rendering


def kind_label(lang: str, kind: Kind) -> Html:
    return t(lang, f"plan_pv_kind_{kind}")


def item_line(lang: str, n: int, it: PreviewItem, today: date) -> Html:
    """`3. ✅ 【支部任务】 title · 6月30日前`; an unticked item is struck through."""
    title = it.title if len(it.title) <= TITLE_SHOWN else it.title[: TITLE_SHOWN - 1] + "…"
    if it.kind == "phase" and it.start is not None and it.end is not None:
        when = t(
            lang,
            "plan_pv_item_range",
            start=plan_date(lang, it.start, today),
            end=plan_date(lang, it.end, today),
        )
    elif it.end is not None:
        when = t(lang, "plan_pv_item_due", due=plan_date(lang, it.end, today))
    elif it.ongoing:
        when = t(lang, "plan_pv_item_ongoing")
    elif it.recurring is not None:
        when = rule_label(lang, it.recurring)
    else:
        when = Html("")
    body = t(
        lang,
        "plan_pv_item",
        n=n,
        kind=kind_label(lang, it.kind),
        title=title,
        when=Html(f" · {when}") if when else Html(""),
    )
    if not it.on:
        body = t(lang, "plan_pv_item_off", line=body)
    return body


def page_lines(lang: str, preview: Preview, page: int, today: date) -> list[Html]:
    first = (page - 1) * ITEMS_PER_PAGE
    shown = preview.items[first : first + ITEMS_PER_PAGE]
    return [item_line(lang, first + i + 1, it, today) for i, it in enumerate(shown)]


def counts(preview: Preview) -> dict[str, int]:
    on = [it for it in preview.items if it.on]
    return {
        "phases": sum(1 for it in on if it.kind == "phase"),
        "tasks": sum(1 for it in on if it.kind == "branch"),
        "committee": sum(1 for it in on if it.kind == "committee"),
        "off": len(preview.items) - len(on),
    }


def title_of(preview: Preview) -> Html:
    return Html(esc(preview.title))
