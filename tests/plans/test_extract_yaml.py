"""The YAML plan format: round trips, the shipped examples, and errors a person can act on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.plans.extract import extract
from bot.plans.model import LAST_DAY, PhaseSpec, PlanFormatError, PlanSpec, RecurringRule, TaskSpec
from bot.plans.yamlio import dump_plan_yaml, load_plan_file, load_plan_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "plans"
FIXTURES = Path(__file__).parent / "fixtures"

# Which seed each hand-checked example was written from.
EXAMPLE_SEEDS = {
    "2022-dangzhibu-jibenjianshenian.yaml": "001_19550104e490db70.txt",
    "2012-pucheng-jiceng-zuzhi-jianshenian.yaml": "002_7e311a6a2271aea1.txt",
    "2016-xiangzhen-jiceng-dangzuzhi.yaml": "004_f2e866861a34f05e.txt",
}

FULL = PlanSpec(
    title="测试方案",
    year=2024,
    phases=[PhaseSpec(title="动员部署", start=date(2024, 3, 1), end=date(2024, 4, 20))],
    tasks=[
        TaskSpec(title="召开动员大会", phase="动员部署", due=date(2024, 3, 15)),
        TaskSpec(title="发展党员", ongoing=True),
        TaskSpec(title="报送进展", recurring=RecurringRule(freq="monthly", day=25)),
        TaskSpec(
            title="季度总结", recurring=RecurringRule(freq="quarterly", month=3, day=LAST_DAY)
        ),
        TaskSpec(title="表彰", recurring=RecurringRule(freq="annual", month=7, day=1)),
        TaskSpec(title="yes", branches=["第一党支部", "第二党支部"]),
        TaskSpec(title="2024"),
    ],
)


def test_round_trip_with_every_kind_of_field() -> None:
    assert load_plan_yaml(dump_plan_yaml(FULL)) == FULL


def test_dump_is_readable_and_leaves_defaults_out() -> None:
    text = dump_plan_yaml(FULL)
    assert "title: 召开动员大会" in text  # Chinese as is, not \u escapes
    assert "due: 2024-03-15" in text
    assert "branches: all" not in text
    assert "ongoing: false" not in text
    assert "title: 'yes'" in text  # quoted where YAML would read a boolean


@pytest.mark.parametrize("name", sorted(EXAMPLE_SEEDS))
def test_examples_load(name: str) -> None:
    spec = load_plan_file(EXAMPLES / name)
    assert spec.title
    assert load_plan_yaml(dump_plan_yaml(spec)) == spec


def test_every_seed_has_an_example() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(EXAMPLE_SEEDS)


@pytest.mark.parametrize(("name", "seed"), sorted(EXAMPLE_SEEDS.items()))
def test_examples_agree_with_the_extractor_on_every_date(name: str, seed: str) -> None:
    """The examples were written by hand; the extractor must find the same dates."""
    example = load_plan_file(EXAMPLES / name)
    extracted = extract((FIXTURES / seed).read_text(encoding="utf-8")).to_plan_spec()
    assert example.year == extracted.year
    assert [(p.start, p.end) for p in example.phases] == [
        (p.start, p.end) for p in extracted.phases
    ]
    schedule = [
        (t.due, t.ongoing, t.recurring) for t in example.tasks if t.due or t.ongoing or t.recurring
    ]
    assert schedule == [
        (t.due, t.ongoing, t.recurring)
        for t in extracted.tasks
        if t.due or t.ongoing or t.recurring
    ]


# --- errors ---------------------------------------------------------------------------

BAD = """\
title: 测试方案
year: 2024
phases:
  - title: 动员部署
    start: 2024-03-01
    end: 2024-02-20
tasks:
  - title: 召开动员大会
    due: 20240315
  - title: 报送进展
    recurring: {freq: weekly, day: 25}
    branches: 第一支部
    dew: 2024-01-01
  - phase: 动员部署
"""


def test_every_problem_is_reported_with_its_line_and_field() -> None:
    with pytest.raises(PlanFormatError) as caught:
        load_plan_yaml(BAD)
    error = caught.value
    assert (error.line, error.field) == (4, "phases[1]")
    assert error.problems == [
        "line 4, phases[1]: start 2024-03-01 is after end 2024-02-20",
        "line 9, tasks[1].due: expected a date like 2024-04-23, got 20240315",
        "line 11, tasks[2].recurring.freq: Input should be 'monthly', 'quarterly' or 'annual'",
        'line 12, tasks[2].branches: write "all", or a list of branch names',
        "line 13, tasks[2].dew: unknown field",
        "line 14, tasks[3].title: missing",
    ]
    assert str(error).splitlines() == error.problems


def test_plan_level_problems_point_at_the_field() -> None:
    text = "title: 方案\nyear: 2024\ntasks:\n  - title: 总结\n    phase: 没有这个阶段\n"
    with pytest.raises(PlanFormatError) as caught:
        load_plan_yaml(text)
    assert str(caught.value) == "line 5, tasks[1].phase: no phase is called '没有这个阶段'"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, "empty"),
        ("- a\n- b\n", 1, "mapping"),
        ("title: a\nyear: [2024\n", 3, "not valid YAML"),
        ("title: a\nyear: 2024\ntitle: b\n", 3, r"appears twice \(first on line 1\)"),
        ("title: a\n", 1, "year: missing"),
        ("title: a\nyear: 2024\ntasks:\n  - {title: x, due: 2024-02-30}\n", 4, "not a date"),
        ("title: a\nyear: 2024\ntasks:\n  - {title: x, due: 2024-02-03 10:00}\n", 4, "like"),
        ("title: a\nyear: '2024'\n", 2, "valid integer"),
        ("title: a\nyear: 2024\ntasks:\n  - title: x\n    ongoing: 'yes'\n", 5, "boolean"),
    ],
)
def test_bad_input(text: str, line: int | None, words: str) -> None:
    with pytest.raises(PlanFormatError, match=words) as caught:
        load_plan_yaml(text)
    assert caught.value.line == line


def test_files_with_a_bom_load(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + dump_plan_yaml(FULL).encode("utf-8"))
    assert load_plan_file(path) == FULL


def test_files_that_are_not_utf8_or_missing(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes("title: 方案\n".encode("gb18030"))
    with pytest.raises(PlanFormatError, match="UTF-8"):
        load_plan_file(path)
    with pytest.raises(PlanFormatError, match=r"missing\.yaml"):
        load_plan_file(tmp_path / "missing.yaml")


def test_the_documented_example_loads() -> None:
    doc = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    spec = load_plan_yaml(example)
    assert [t.recurring for t in spec.tasks if t.recurring] == [
        RecurringRule(freq="monthly", day=25),
        RecurringRule(freq="annual", month=7, day=1),
    ]
    assert spec.tasks[-1].branches == ["机关第一党支部", "机关第二党支部"]


def test_committee_owner_round_trips_and_branch_is_the_default() -> None:
    from bot.plans.model import TaskSpec

    spec = PlanSpec(
        title="x",
        year=2025,
        tasks=[TaskSpec(title="组织审核验收", owner="committee"), TaskSpec(title="报送材料")],
    )
    text = dump_plan_yaml(spec)
    assert "owner: committee" in text and text.count("owner") == 1
    assert load_plan_yaml(text) == spec
