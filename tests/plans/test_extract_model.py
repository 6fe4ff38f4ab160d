"""The plan models: recurring rules, the importable PlanSpec and the conversion to it."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from bot import plans
from bot.plans.model import format_path

# --- recurring rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "year", "month", "due"),
    [
        (plans.RecurringRule(freq="monthly", day=25), 2024, 2, date(2024, 2, 25)),
        (plans.RecurringRule(freq="monthly", day=plans.LAST_DAY), 2024, 2, date(2024, 2, 29)),
        (plans.RecurringRule(freq="monthly", day=plans.LAST_DAY), 2023, 2, date(2023, 2, 28)),
        (plans.RecurringRule(freq="monthly", day=31), 2024, 4, date(2024, 4, 30)),
        (plans.RecurringRule(freq="monthly"), 2024, 4, None),
        (
            plans.RecurringRule(freq="quarterly", month=3, day=plans.LAST_DAY),
            2024,
            6,
            date(2024, 6, 30),
        ),
        (plans.RecurringRule(freq="quarterly", month=3, day=plans.LAST_DAY), 2024, 5, None),
        (plans.RecurringRule(freq="quarterly", month=1, day=10), 2024, 4, date(2024, 4, 10)),
        (plans.RecurringRule(freq="annual", month=7, day=1), 2024, 7, date(2024, 7, 1)),
        (plans.RecurringRule(freq="annual", month=7, day=1), 2024, 8, None),
    ],
)
def test_due_date(rule: plans.RecurringRule, year: int, month: int, due: date | None) -> None:
    assert rule.due_date(year, month) == due


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (plans.RecurringRule(freq="monthly", day=25), "每月25日前"),
        (plans.RecurringRule(freq="monthly", day=plans.LAST_DAY), "每月底前"),
        (plans.RecurringRule(freq="monthly"), "每月"),
        (plans.RecurringRule(freq="quarterly"), "每季度"),
        (plans.RecurringRule(freq="quarterly", month=3, day=plans.LAST_DAY), "每季度末前"),
        (plans.RecurringRule(freq="quarterly", month=1, day=10), "每季度第1个月10日前"),
        (plans.RecurringRule(freq="annual", month=7, day=1), "每年7月1日"),
        (plans.RecurringRule(freq="annual", month=12, day=plans.LAST_DAY), "每年12月底前"),
        (plans.RecurringRule(freq="annual"), "每年"),
    ],
)
def test_rule_in_chinese(rule: plans.RecurringRule, words: str) -> None:
    assert rule.describe_zh() == words


@pytest.mark.parametrize(
    "fields",
    [
        {"freq": "monthly", "day": 0},
        {"freq": "monthly", "day": 32},
        {"freq": "monthly", "day": 5, "month": 3},
        {"freq": "quarterly", "month": 4},
        {"freq": "annual", "day": 5},
        {"freq": "annual", "month": 2, "day": 30},
        {"freq": "annual", "month": 13},
        {"freq": "weekly"},
    ],
)
def test_impossible_rules_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        plans.RecurringRule.model_validate(fields)


def test_february_29_is_a_valid_annual_day() -> None:
    assert plans.RecurringRule(freq="annual", month=2, day=29).due_date(2023, 2) == date(
        2023, 2, 28
    )


# --- extracted items ------------------------------------------------------------------


def test_items_keep_their_kind_invariants() -> None:
    plans.ExtractedItem(kind="deadline", title="t", text="x", end=date(2024, 1, 1), span=(0, 1))
    with pytest.raises(ValidationError):
        plans.ExtractedItem(kind="phase", title="t", text="x", end=date(2024, 1, 1), span=(0, 1))
    with pytest.raises(ValidationError):
        plans.ExtractedItem(kind="ongoing", title="t", text="x", end=date(2024, 1, 1), span=(0, 1))
    with pytest.raises(ValidationError):
        plans.ExtractedItem(kind="recurring", title="t", text="x", span=(0, 1))


# --- PlanSpec -------------------------------------------------------------------------


def _spec(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "方案",
        "year": 2024,
        "phases": [{"title": "动员", "start": "2024-03-01", "end": "2024-04-20"}],
        "tasks": [{"title": "召开大会", "phase": "动员", "due": "2024-03-15"}],
    }
    data.update(changes)
    return data


def test_a_valid_spec() -> None:
    spec = plans.PlanSpec.model_validate(_spec())
    assert spec.tasks[0].branches == "all"
    assert spec.phase("动员") == spec.phases[0]
    assert spec.current_phase(date(2024, 3, 10)) == spec.phases[0]
    assert spec.current_phase(date(2024, 5, 1)) is None


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"tasks": [{"title": "x", "phase": "没有"}]}, "no phase is called"),
        ({"tasks": [{"title": "x"}, {"title": "x"}]}, "listed twice"),
        ({"phases": [{"title": "p", "start": "2024-01-01", "end": "2024-01-02"}] * 2}, "twice"),
        ({"tasks": [{"title": "x", "due": "2024-01-01", "ongoing": True}]}, "one schedule"),
        ({"tasks": [{"title": "x", "due": 20240101}]}, "expected a date"),
        ({"tasks": [{"title": "x", "due": "2024-01-01T10:00"}]}, "expected a date"),
        ({"tasks": [{"title": "x", "branches": []}]}, "at least one branch"),
        ({"tasks": [{"title": "x", "branches": ["一支部", "一支部"]}]}, "listed twice"),
        ({"tasks": [{"title": "x", "branches": "一支部"}]}, 'write "all"'),
        ({"tasks": [{"title": "  "}]}, "blank"),
        ({"year": 1900}, "greater than or equal"),
        ({"phases": [{"title": "p", "start": "2024-02-01", "end": "2024-01-01"}]}, "after"),
        ({"owner": "x"}, "Extra inputs"),
    ],
)
def test_invalid_specs(changes: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        plans.PlanSpec.model_validate(_spec(**changes))


def test_same_task_title_in_different_phases_is_fine() -> None:
    plans.PlanSpec.model_validate(
        _spec(
            phases=[
                {"title": "一", "start": "2024-01-01", "end": "2024-01-31"},
                {"title": "二", "start": "2024-02-01", "end": "2024-02-28"},
            ],
            tasks=[{"title": "总结", "phase": "一"}, {"title": "总结", "phase": "二"}],
        )
    )


def test_format_path_counts_from_one() -> None:
    assert format_path(("tasks", 2, "due")) == "tasks[3].due"
    assert format_path(("title",)) == "title"


# --- Extraction.to_plan_spec ----------------------------------------------------------


def _extraction(**changes: object) -> plans.Extraction:
    fields: dict[str, object] = {
        "title": "方案",
        "year": 2024,
        "items": [
            plans.ExtractedItem(
                kind="phase",
                title="学习",
                text="3月",
                start=date(2024, 3, 1),
                end=date(2024, 3, 31),
                span=(0, 2),
            ),
        ],
        "tasks": [
            plans.ExtractedTask(title="召开大会", phase="学习", due=date(2024, 3, 10)),
            plans.ExtractedTask(title="召开大会", phase="学习"),
            plans.ExtractedTask(
                title="报送", recurring=plans.RecurringRule(freq="monthly", day=25), phase=None
            ),
        ],
    }
    fields.update(changes)
    return plans.Extraction.model_validate(fields)


def test_to_plan_spec_keeps_names_unique_and_rules() -> None:
    spec = _extraction().to_plan_spec()
    assert spec.phases == [
        plans.PhaseSpec(title="学习", start=date(2024, 3, 1), end=date(2024, 3, 31))
    ]
    assert spec.tasks == [
        plans.TaskSpec(title="召开大会", phase="学习", due=date(2024, 3, 10)),
        plans.TaskSpec(title="召开大会 (2)", phase="学习"),
        plans.TaskSpec(title="报送", recurring=plans.RecurringRule(freq="monthly", day=25)),
    ]


def test_to_plan_spec_needs_a_year_and_a_title() -> None:
    with pytest.raises(plans.PlanFormatError, match="year") as caught:
        _extraction(year=None).to_plan_spec()
    assert caught.value.field == "year"
    with pytest.raises(plans.PlanFormatError, match="title"):
        _extraction(title=" ").to_plan_spec()
    assert _extraction(title="").to_plan_spec(default_title="plan-2024").title == "plan-2024"


def test_json_dict_leaves_out_the_task_rule_and_the_span() -> None:
    data = _extraction().to_json_dict()
    assert data["tasks"][2] == {
        "title": "报送",
        "phase": None,
        "start": None,
        "due": None,
        "ongoing": False,
        "owner": "branch",
    }
    assert "span" not in data["items"][0]
