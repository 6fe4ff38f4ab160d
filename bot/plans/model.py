"""Plan models: what the extractor finds in a plan's text, and the plan that gets imported.

Two layers on purpose. An :class:`Extraction` is evidence: every item points at
the exact span of the source it came from, so a coordinator can check it. A
:class:`PlanSpec` is the reviewed plan (written in YAML or converted from an
extraction) that the rest of zhibu imports; it carries no source spans and is
validated as a whole (phase names resolve, tasks are unique, dates are sane).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    model_validator,
)

ItemKind = Literal["phase", "deadline", "recurring", "ongoing"]
Freq = Literal["monthly", "quarterly", "annual"]
YearSource = Literal["argument", "text", "document_date", "source_date"]
#: Whose item it is: a branch's (every branch, or those named, owes it) or the
#: committee's own duty (工委…组织审核验收), shown but never a branch's overdue task.
Owner = Literal["branch", "committee"]

#: ``RecurringRule.day`` value meaning "the last day" (of the month, or of the
#: quarter's month): 每月底前 is ``day=-1``, whatever the month's length.
LAST_DAY = -1

MIN_YEAR = 1949
MAX_YEAR = 2100

#: Key of the pydantic validation context under which :class:`PlanSpec` collects
#: its cross-field problems instead of raising (the YAML loader uses it to
#: report every problem with its line number).
PROBLEM_SINK = "plan_problems"


class PlanFormatError(ValueError):
    """A plan (file, YAML or extraction) that cannot be used, with where and why.

    ``line`` is 1-based and ``field`` a path such as ``tasks[3].due`` (1-based
    list positions, as a person counts them), both None when they do not apply.
    ``problems`` lists every problem found when there were several.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        problems: list[str] | None = None,
    ) -> None:
        self.message = message
        self.line = line
        self.field = field or None
        self.problems = problems if problems is not None else [self._format(message, line, field)]
        super().__init__("\n".join(self.problems))

    @staticmethod
    def _format(message: str, line: int | None, field: str | None) -> str:
        where = []
        if line is not None:
            where.append(f"line {line}")
        if field:
            where.append(field)
        return f"{', '.join(where)}: {message}" if where else message


class PlanRefused(PlanFormatError):
    """A plan file refused for what it is rather than for a mistake in it: an archive
    that would inflate past the limit, bytes that are not text, YAML aliases.

    ``key`` and ``params`` are the message catalog's (the bot answers with them);
    the message is for the command line and logs.
    """

    def __init__(self, key: str, message: str, *, line: int | None = None, **params: object):
        super().__init__(message, line=line)
        self.key = key
        self.params = params


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


# YAML's own date syntax: month and day may have one digit (2024-4-5).
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _strict_date(value: Any) -> Any:
    """Dates as ``date`` objects or ``YYYY-MM-DD`` strings, nothing looser.

    Pydantic's lax mode would also take an integer as a Unix timestamp, so a
    mistyped ``due: 20240423`` would silently become 1970-08-23; refuse it.
    """
    if isinstance(value, datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and (m := _ISO_DATE.fullmatch(value.strip())):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise ValueError(f"{value} is not a date: {exc}") from None
    raise ValueError(f"expected a date like 2024-04-23, got {value!r}")


StrictDate = Annotated[date, BeforeValidator(_strict_date)]


def _branch_names(value: Any) -> Any:
    """``"all"`` or a list of distinct, non-blank branch names (checked up front so
    that a mistake gets one message instead of one per member of the union)."""
    if value == "all":
        return value
    if not isinstance(value, list):
        raise ValueError('write "all", or a list of branch names')
    names = []
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a branch name must be non-blank text, got {name!r}")
        names.append(name.strip())
    if not names:
        raise ValueError('list at least one branch, or write "all"')
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"branch listed twice: {', '.join(duplicates)}")
    return names


Branches = Annotated[Literal["all"] | list[str], BeforeValidator(_branch_names)]


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


# A title is stripped and must keep some text; one type for plan, phase and task titles.
Title = Annotated[StrictStr, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RecurringRule(_Frozen):
    """A repeating due day: 每月25日前, 每月底前, 每季度, 每年"七一".

    ``day`` is the day of the month (1–31) or :data:`LAST_DAY`, None when the
    plan names no day. ``month`` is the month of the year for ``annual`` rules and
    the month within the quarter (1–3) for ``quarterly`` ones; always None for
    ``monthly``.
    """

    freq: Freq
    day: StrictInt | None = None
    month: StrictInt | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.day is not None and not (1 <= self.day <= 31 or self.day == LAST_DAY):
            raise ValueError(f"day must be 1–31 or {LAST_DAY} (last day), got {self.day}")
        if self.freq == "monthly" and self.month is not None:
            raise ValueError("a monthly rule has no month")
        if self.freq == "quarterly" and self.month is not None and not 1 <= self.month <= 3:
            raise ValueError("month of a quarterly rule is the month within the quarter, 1–3")
        if self.freq == "annual":
            if self.month is not None and not 1 <= self.month <= 12:
                raise ValueError(f"month must be 1–12, got {self.month}")
            if self.month is None and self.day is not None:
                raise ValueError("an annual rule with a day needs a month")
            if (
                self.month is not None
                and self.day is not None
                and self.day != LAST_DAY
                and self.day > _last_day(2000, self.month)  # a leap year: 2月29日 stays allowed
            ):
                raise ValueError(f"{self.month}月 has no day {self.day}")
        return self

    def due_date(self, year: int, month: int) -> date | None:
        """The day this rule falls due in the given month, or None.

        None when the rule does not fall in that month (a quarterly or annual
        rule in another month) or names no day (then the cycle's own due day
        applies). Days past the month's end clamp to it (31 → 30 April).
        """
        if self.day is None:
            return None
        if self.freq == "quarterly":
            in_quarter = (month - 1) % 3 + 1
            if in_quarter != (self.month if self.month is not None else 3):
                return None
        if self.freq == "annual" and month != self.month:
            return None
        last = _last_day(year, month)
        day = last if self.day == LAST_DAY else min(self.day, last)
        return date(year, month, day)

    def describe_zh(self) -> str:
        """Chinese wording for previews: 每月25日前, 每月底前, 每季度末前, 每年7月1日."""
        if self.freq == "monthly":
            if self.day is None:
                return "每月"
            return "每月底前" if self.day == LAST_DAY else f"每月{self.day}日前"
        if self.freq == "quarterly":
            if self.day is None:
                return "每季度"
            if self.month in (None, 3) and self.day == LAST_DAY:
                return "每季度末前"
            which = f"第{self.month}个月" if self.month is not None else ""
            day = "底" if self.day == LAST_DAY else f"{self.day}日"
            return f"每季度{which}{day}前"
        if self.month is None:
            return "每年"
        if self.day is None:
            return f"每年{self.month}月"
        if self.day == LAST_DAY:
            return f"每年{self.month}月底前"
        return f"每年{self.month}月{self.day}日"


class ExtractedItem(_Frozen):
    """One dated thing found in the text, with the span that gave its dates.

    ``span`` (offsets into the text given to :func:`bot.plans.extract.extract`, end
    exclusive) is kept for callers that highlight the source; it is not part of the
    JSON shape. A ``deadline`` may carry a ``start``: the first day of a task's
    window ("6月20日—7月5日完成" is due 7月5日, open from 6月20日).
    """

    kind: ItemKind
    title: str
    text: str
    start: date | None = None
    end: date | None = None
    rule: RecurringRule | None = None
    owner: Owner = "branch"
    span: tuple[int, int] = Field(exclude=True)

    @model_validator(mode="after")
    def _shape(self) -> Self:
        dated = (self.start is not None, self.end is not None, self.rule is not None)
        expected = {
            "phase": (True, True, False),
            "deadline": (self.start is not None, True, False),
            "recurring": (False, False, True),
            "ongoing": (False, False, False),
        }[self.kind]
        if dated != expected:
            raise ValueError(f"a {self.kind} item has the wrong dates: {dated}")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError("start is after end")
        return self

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "rule": None
            if self.rule is None
            else {"freq": self.rule.freq, "day": self.rule.day, "month": self.rule.month},
            "owner": self.owner,
        }


class ExtractedTask(_Frozen):
    """A task of the plan. ``recurring`` is carried for :meth:`Extraction.to_plan_spec`;
    the JSON shape shows the rule on the matching item instead."""

    title: str
    phase: str | None = None
    due: date | None = None
    ongoing: bool = False
    owner: Owner = "branch"
    recurring: RecurringRule | None = Field(default=None, exclude=True)
    #: First day of the task's window (6月20日—7月5日), only with ``due``.
    start: date | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "phase": self.phase,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "ongoing": self.ongoing,
            "owner": self.owner,
        }


class Extraction(_Frozen):
    """What :func:`bot.plans.extract.extract` found.

    ``year_source`` says where ``year`` came from and ``warnings`` lists what
    could not be read (for instance dates without a year); neither is part of
    the JSON shape, both are shown in previews.
    """

    title: str
    year: int | None
    items: list[ExtractedItem]
    tasks: list[ExtractedTask]
    year_source: YearSource | None = None
    warnings: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "year": self.year,
            "items": [item.to_json_dict() for item in self.items],
            "tasks": [task.to_json_dict() for task in self.tasks],
        }

    @property
    def phases(self) -> list[ExtractedItem]:
        return [item for item in self.items if item.kind == "phase"]

    def to_plan_spec(self, *, default_title: str | None = None) -> PlanSpec:
        """The importable plan. Raises :class:`PlanFormatError` without a year, or
        without a title when the text has none and no ``default_title`` (say, the
        file's name) is given.

        Repeated titles (two phases, or two tasks in one phase, named alike) get
        a " (2)" suffix so that the plan's names stay unique keys.
        """
        title = self.title.strip() or (default_title or "").strip()
        if not title:
            raise PlanFormatError("the plan has no title; add one to the YAML", field="title")
        if self.year is None:
            raise PlanFormatError(
                "could not tell which year the plan is for; give the year explicitly",
                field="year",
            )
        phases: list[PhaseSpec] = []
        phase_names: dict[str, str] = {}
        phase_titles = _Names()
        for item in self.phases:
            assert item.start is not None and item.end is not None
            name = phase_titles.unique(item.title)
            phase_names.setdefault(item.title, name)
            phases.append(PhaseSpec(title=name, start=item.start, end=item.end))
            phase_titles.add(phases[-1].title)
        tasks: list[TaskSpec] = []
        task_titles: dict[str | None, _Names] = {}  # per phase
        for task in self.tasks:
            phase = phase_names.get(task.phase) if task.phase is not None else None
            taken = task_titles.setdefault(phase, _Names())
            tasks.append(
                TaskSpec(
                    title=taken.unique(task.title),
                    phase=phase,
                    due=task.due,
                    ongoing=task.ongoing,
                    recurring=task.recurring,
                    owner=task.owner,
                    start=task.start if task.due is not None else None,
                )
            )
            taken.add(tasks[-1].title)
        return PlanSpec(title=title, year=self.year, phases=phases, tasks=tasks)


class _Names:
    """Names taken so far; a repeated name gets the first free " (n)" suffix.

    Remembers, per name, the suffix it reached, so that a thousand tasks named
    alike cost a thousand look-ups rather than half a million.
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.next: dict[str, int] = {}  # every suffix below it is taken

    def add(self, name: str) -> None:
        self.taken.add(name)

    def unique(self, name: str) -> str:
        if name not in self.taken:
            return name
        n = self.next.get(name, 2)
        while f"{name} ({n})" in self.taken:
            n += 1
        self.next[name] = n + 1
        return f"{name} ({n})"


class PhaseSpec(_Frozen):
    title: Title
    start: StrictDate
    end: StrictDate

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class TaskSpec(_Frozen):
    """A task: a due date, a recurring rule, ongoing (长期), or none of them."""

    title: Title
    phase: StrictStr | None = None
    due: StrictDate | None = None
    ongoing: StrictBool = False
    recurring: RecurringRule | None = None
    branches: Branches = "all"
    owner: Owner = "branch"
    #: First day of the task's window (任务 6月20日—7月5日): optional, only with ``due``.
    start: StrictDate | None = None

    @model_validator(mode="after")
    def _one_schedule(self) -> Self:
        if self.start is not None:
            if self.due is None:
                raise ValueError("a task with a start needs a due date (the window's end)")
            if self.start > self.due:
                raise ValueError(f"start {self.start} is after due {self.due}")
        given = [
            name
            for name, present in (
                ("due", self.due is not None),
                ("ongoing", self.ongoing),
                ("recurring", self.recurring is not None),
            )
            if present
        ]
        if len(given) > 1:
            raise ValueError(f"a task has one schedule at most, got {' and '.join(given)}")
        return self


#: Where a field sits: ``("tasks", 2, "due")``.
FieldPath = tuple[str | int, ...]


class PlanSpec(_Frozen):
    """The plan that zhibu imports."""

    title: Title
    year: StrictInt = Field(ge=MIN_YEAR, le=MAX_YEAR)
    phases: list[PhaseSpec] = Field(default_factory=list)
    tasks: list[TaskSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        problems = self.problems()
        if not problems:
            return self
        sink = info.context.get(PROBLEM_SINK) if isinstance(info.context, dict) else None
        if isinstance(sink, list):
            sink.extend(problems)
            return self
        raise ValueError("; ".join(f"{format_path(path)}: {msg}" for path, msg in problems))

    def problems(self) -> list[tuple[FieldPath, str]]:
        """Cross-field problems, each with the path of the field at fault."""
        found: list[tuple[FieldPath, str]] = []
        seen_phases: set[str] = set()
        for i, phase in enumerate(self.phases):
            if phase.title in seen_phases:
                found.append((("phases", i, "title"), f"phase {phase.title!r} is listed twice"))
            seen_phases.add(phase.title)
        seen_tasks: set[tuple[str | None, str]] = set()
        for i, task in enumerate(self.tasks):
            if task.phase is not None and task.phase not in seen_phases:
                found.append((("tasks", i, "phase"), f"no phase is called {task.phase!r}"))
            key = (task.phase, task.title)
            if key in seen_tasks:
                where = f" in phase {task.phase!r}" if task.phase else ""
                found.append((("tasks", i, "title"), f"task {task.title!r}{where} is listed twice"))
            seen_tasks.add(key)
        return found

    def phase(self, title: str) -> PhaseSpec | None:
        return next((p for p in self.phases if p.title == title), None)

    def current_phase(self, day: date) -> PhaseSpec | None:
        """The phase ``day`` falls in (the latest-starting one when phases overlap)."""
        current = [p for p in self.phases if p.start <= day <= p.end]
        return max(current, key=lambda p: p.start) if current else None


def format_path(path: FieldPath) -> str:
    """``("tasks", 2, "due")`` → ``"tasks[3].due"`` (positions counted from 1)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out
