"""The yearly review (年度评议): per branch how it reported, and a suggested grade.

The grade is a suggestion for the committee's 分类定级, never a decision:
every place that shows it says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.calendar import Month
from bot.forms.counting import required_noes
from bot.i18n import Html, join, t
from bot.models import Branch
from bot.records import review_groups
from bot.records.data import YearData
from bot.services.status import State
from bot.settings import Settings


class Grade(StrEnum):
    GOOD = "好"
    FAIR = "较好"
    AVERAGE = "一般"
    POOR = "差"


class ReviewThresholds(BaseModel):
    """On-time rates for each suggested grade (好 also needs no month missed)."""

    model_config = ConfigDict(frozen=True)

    good: float = Field(default=0.9, ge=0, le=1)
    fair: float = Field(default=0.75, ge=0, le=1)
    average: float = Field(default=0.5, ge=0, le=1)
    # 好 also needs at most this many months whose required yes/no answers of the
    # report form included a 否 (主题党日 not held, 党费 not paid).
    good_max_no_months: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.good >= self.fair >= self.average:
            raise ValueError("thresholds must satisfy good ≥ fair ≥ average")
        return self

    @classmethod
    def from_settings(cls, cfg: Settings) -> ReviewThresholds:
        # Read by name: a Settings without the review fields still gets the defaults.
        defaults = cls()
        return cls(
            good=getattr(cfg, "review_good", defaults.good),
            fair=getattr(cfg, "review_fair", defaults.fair),
            average=getattr(cfg, "review_average", defaults.average),
            good_max_no_months=getattr(
                cfg, "review_good_max_no_months", defaults.good_max_no_months
            ),
        )


def suggest_grade(
    rate: float | None, missing: int, th: ReviewThresholds, no_months: int = 0
) -> Grade | None:
    """None when nothing was expected of the branch: there is nothing to grade.

    `no_months` counts months whose report answered a required yes/no field 否."""
    if rate is None:
        return None
    if rate >= th.good and missing == 0 and no_months <= th.good_max_no_months:
        return Grade.GOOD
    if rate >= th.fair:
        return Grade.FAIR
    if rate >= th.average:
        return Grade.AVERAGE
    return Grade.POOR


@dataclass(frozen=True)
class BranchReview:
    branch: Branch
    expected: int  # counted months the branch had to report for (existed, not exempt)
    on_time: int
    late: int
    missing: int
    exempt: int
    longest_miss_run: int
    tasks_done: int
    tasks_total: int
    grade: Grade | None
    # Months whose report answered a required yes/no field of the form 否, and those
    # fields' labels (in the order first met).
    no_months: int = 0
    no_labels: tuple[str, ...] = ()

    @property
    def rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None

    @property
    def task_rate(self) -> float | None:
        return self.tasks_done / self.tasks_total if self.tasks_total else None


@dataclass(frozen=True)
class YearReview:
    year: int
    months: list[Month]  # the counted months: cycle exists and its due day has passed
    rows: list[BranchReview]
    thresholds: ReviewThresholds
    # Every unit (the tree): /review adds a block per 总支 when there are any.
    units: dict[int, Branch] = field(default_factory=dict)

    def grade_counts(self) -> dict[Grade, int]:
        counts = dict.fromkeys(Grade, 0)
        for row in self.rows:
            if row.grade is not None:
                counts[row.grade] += 1
        return counts


def review_year(data: YearData, thresholds: ReviewThresholds | None = None) -> YearReview:
    th = thresholds or ReviewThresholds()
    months = data.counted_months
    tasks: dict[str, tuple[int, int]] = {}
    for task in data.tasks:
        done, total = tasks.get(task.branch, (0, 0))
        tasks[task.branch] = (done + int(task.done), total + 1)
    rows: list[BranchReview] = []
    for branch in data.branches:
        counts = dict.fromkeys(State, 0)
        run = longest = 0
        previous: Month | None = None
        no_months = 0
        no_labels: dict[str, None] = {}
        for month in months:
            noes = _required_noes(data, branch.id, month)
            if noes:
                no_months += 1
                no_labels.update(dict.fromkeys(noes))
            cell = data.cell(branch.id, month)
            # A run of misses is broken by anything else, and by a gap in the cycles
            # (months the bot did not run), as the circular's 连续未报 counts it.
            consecutive = previous is not None and previous.next() == month
            previous = month
            if cell is None:
                run = 0
                continue
            counts[cell.state] += 1
            run = (run + 1 if consecutive else 1) if cell.state is State.MISSING else 0
            longest = max(longest, run)
        if not any(counts.values()) and branch.archived_at is not None:
            continue  # archived before any counted month: nothing to review
        expected = counts[State.ON_TIME] + counts[State.LATE] + counts[State.MISSING]
        done, total = tasks.get(branch.name, (0, 0))
        rate = counts[State.ON_TIME] / expected if expected else None
        rows.append(
            BranchReview(
                branch=branch,
                expected=expected,
                on_time=counts[State.ON_TIME],
                late=counts[State.LATE],
                missing=counts[State.MISSING],
                exempt=counts[State.EXEMPT],
                longest_miss_run=longest,
                tasks_done=done,
                tasks_total=total,
                grade=suggest_grade(rate, counts[State.MISSING], th, no_months),
                no_months=no_months,
                no_labels=tuple(no_labels),
            )
        )
    return YearReview(year=data.year, months=months, rows=rows, thresholds=th, units=data.units)


def _required_noes(data: YearData, branch_id: int, month: Month) -> list[str]:
    """Labels of the required yes/no fields the branch's report of `month` answered 否."""
    month_answers = data.form_answers.get(month)
    answered = month_answers.by_branch.get(branch_id) if month_answers else None
    if month_answers is None or answered is None:
        return []
    version = month_answers.versions.get(answered.form_id)
    if version is None or version.form is None:
        return []
    return [f.label for f in required_noes(version.form, answered.answers)]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _months_label(lang: str, months: list[Month]) -> Html:
    first, last = months[0], months[-1]
    if first == last:
        return t(lang, "rec_review_span_one", m=first.month)
    return t(lang, "rec_review_span", first=first.month, last=last.month)


def review_text(lang: str, review: YearReview) -> Html:
    """The chat answer: a head, a grade tally, one line per branch, the caveat."""
    if not review.months:
        return t(lang, "rec_review_none", year=review.year)
    th = review.thresholds
    counts = review.grade_counts()
    lines: list[Html] = [
        t(
            lang,
            "rec_review_head",
            year=review.year,
            span=_months_label(lang, review.months),
            count=len(review.months),
        ),
        t(
            lang,
            "rec_review_tally",
            good=counts[Grade.GOOD],
            fair=counts[Grade.FAIR],
            average=counts[Grade.AVERAGE],
            poor=counts[Grade.POOR],
        ),
        Html(""),
    ]
    # A committee with 总支: each 总支's aggregate first (bot/records/review_groups.py).
    lines += review_groups.general_lines(lang, review)
    for row in review.rows:
        name = row.branch.name
        if row.branch.archived_at is not None:
            name = f"{name}{t(lang, 'rec_archived')}"
        noes = (
            t(lang, "rec_review_noes", months=row.no_months, labels="、".join(row.no_labels))
            if row.no_months
            else Html("")
        )
        lines.append(
            Html(
                t(
                    lang,
                    "rec_review_line",
                    branch=name,
                    rate=percent(row.rate),
                    late=row.late,
                    missing=row.missing,
                    run=row.longest_miss_run,
                    tasks=(
                        f"{row.tasks_done}/{row.tasks_total}"
                        if row.tasks_total
                        else t(lang, "rec_review_no_tasks")
                    ),
                    grade=(
                        t(lang, f"rec_grade_{row.grade.name.lower()}")
                        if row.grade is not None
                        else t(lang, "rec_grade_none")
                    ),
                )
                + noes
            )
        )
    lines.append(Html(""))
    lines.append(
        t(
            lang,
            "rec_review_note",
            good=percent(th.good),
            fair=percent(th.fair),
            average=percent(th.average),
        )
    )
    return join(lines)
