"""The plan preview and /plan speak the reader's language (issue: the committee's language)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans.model import LAST_DAY, PhaseSpec, PlanSpec, RecurringRule, TaskSpec
from bot.services.fmt import rule_label
from bot.services.plans import preview_lines
from tests.catalog import check

RULES = [
    RecurringRule(freq="monthly", day=25),
    RecurringRule(freq="monthly", day=LAST_DAY),
    RecurringRule(freq="monthly"),
    RecurringRule(freq="quarterly"),
    RecurringRule(freq="quarterly", day=LAST_DAY),
    RecurringRule(freq="quarterly", day=LAST_DAY, month=2),
    RecurringRule(freq="quarterly", day=10),
    RecurringRule(freq="quarterly", day=10, month=1),
    RecurringRule(freq="annual"),
    RecurringRule(freq="annual", month=7),
    RecurringRule(freq="annual", month=12, day=LAST_DAY),
    RecurringRule(freq="annual", month=7, day=1),
]


@pytest.mark.parametrize("rule", RULES, ids=repr)
def test_rule_label_in_chinese_says_what_the_plan_format_says(rule: RecurringRule) -> None:
    assert rule_label("zh-Hans", rule) == rule.describe_zh()


@pytest.mark.parametrize("rule", RULES, ids=repr)
def test_rule_label_in_english_has_no_chinese(rule: RecurringRule) -> None:
    text = rule_label("en", rule)
    assert text and not any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def test_preview_in_english_is_english_but_for_the_plan_s_own_words() -> None:
    spec = PlanSpec(
        title="示范方案",
        year=2026,
        phases=[PhaseSpec(title="动员部署", start=date(2026, 3, 1), end=date(2026, 3, 31))],
        tasks=[
            TaskSpec(title="制定方案", phase="动员部署", due=date(2026, 3, 20)),
            TaskSpec(title="月度报送", recurring=RecurringRule(freq="monthly", day=25)),
            TaskSpec(title="学习教育", ongoing=True),
        ],
    )
    lines = preview_lines("en", spec, date(2026, 2, 1))
    check(lines, "plan_pv_title", lang="en", title="示范方案")
    check(lines, "plan_pv_phases", lang="en", count=1)
    check(lines, "plan_pv_tasks", lang="en", count=2)
    check(lines, "plan_pv_ongoing", lang="en", title="学习教育")
    own = ("示范方案", "动员部署", "制定方案", "月度报送", "学习教育")
    for line in lines:
        rest = str(line)
        for word in own:
            rest = rest.replace(word, "")
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in rest), line
    zh = preview_lines("zh-Hans", spec, date(2026, 2, 1))
    check(zh, "plan_pv_rule", title="月度报送", rule="每月25日前")
