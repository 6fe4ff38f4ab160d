"""The three real plans in fixtures/ against results written by hand from reading them.

The fixtures are copies of shared/seeds; each ``.expected.json`` was written by
reading the plan, not from the extractor's output. Notes on the readings:

* 001 (2022): the web copy dropped the dashes of "(2022年5—6月)" and "(2022年6—12月)",
  leaving "2022年56月" and "2022年612月"; a reader still sees May–June and June–December.
  Its year is the plan's own "2022年为全市党支部基本建设年", not the page's
  "更新时间:2023-02". Most of section 二 was cut by the site ("此处隐藏15606字").
* 002 (2012): no year in the body at all; the notice's date line "2012年3月20日"
  gives it. "七一" appears only as "在'七一'期间" (an occasion, not a rule).
* 004 (2016, traditional): "時間:2022-03-18" is when the page was made; the plan is
  for 2016 ("2016年，我鄉…", "完成時限:2016年底"). Section 三 (存在問題) lists
  problems, not tasks.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.plans.extract import extract
from bot.plans.yamlio import dump_plan_yaml, load_plan_yaml

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted(p.stem for p in FIXTURES.glob("*.txt"))


def _text(seed: str) -> str:
    return (FIXTURES / f"{seed}.txt").read_text(encoding="utf-8")


def _expected(seed: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (FIXTURES / f"{seed}.expected.json").read_text(encoding="utf-8")
    )
    return data


def test_all_three_seeds_are_present() -> None:
    assert SEEDS == ["001_19550104e490db70", "002_7e311a6a2271aea1", "004_f2e866861a34f05e"]


@pytest.mark.parametrize("seed", SEEDS)
def test_title_and_year(seed: str) -> None:
    got = extract(_text(seed)).to_json_dict()
    expected = _expected(seed)
    assert (got["title"], got["year"]) == (expected["title"], expected["year"])


@pytest.mark.parametrize("seed", SEEDS)
def test_items_match_the_hand_reading(seed: str) -> None:
    got = extract(_text(seed)).to_json_dict()["items"]
    assert got == _expected(seed)["items"]


@pytest.mark.parametrize("seed", SEEDS)
def test_tasks_match_the_hand_reading(seed: str) -> None:
    got = extract(_text(seed)).to_json_dict()["tasks"]
    assert got == _expected(seed)["tasks"]


@pytest.mark.parametrize("seed", SEEDS)
def test_item_text_is_the_exact_source_span(seed: str) -> None:
    text = _text(seed)
    for item in extract(text).items:
        start, end = item.span
        assert text[start:end] == item.text
        assert item.text in text


@pytest.mark.parametrize("seed", SEEDS)
def test_json_shape_is_exactly_the_documented_one(seed: str) -> None:
    data = extract(_text(seed)).to_json_dict()
    assert list(data) == ["title", "year", "items", "tasks"]
    for item in data["items"]:
        assert list(item) == ["kind", "title", "text", "start", "end", "rule", "owner"]
        if item["rule"] is not None:
            assert list(item["rule"]) == ["freq", "day", "month"]
    for task in data["tasks"]:
        assert list(task) == ["title", "phase", "start", "due", "ongoing", "owner"]
    # and it survives JSON unchanged
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


@pytest.mark.parametrize("seed", SEEDS)
def test_the_extracted_plan_round_trips_through_yaml(seed: str) -> None:
    spec = extract(_text(seed)).to_plan_spec()
    assert load_plan_yaml(dump_plan_yaml(spec)) == spec


def test_recurring_rules_reach_the_plan_spec() -> None:
    spec = extract(_text("004_f2e866861a34f05e")).to_plan_spec()
    rules = {t.title: t.recurring for t in spec.tasks if t.recurring is not None}
    assert list(rules) == ["表彰先進典型"]
    rule = rules["表彰先進典型"]
    assert rule is not None
    assert (rule.freq, rule.month, rule.day) == ("annual", 7, 1)


def test_the_year_argument_wins_over_the_text() -> None:
    extraction = extract(_text("002_7e311a6a2271aea1"), year=2013)
    assert extraction.year == 2013
    assert extraction.year_source == "argument"
    first = extraction.items[0]
    assert (first.start, first.end) == (date(2013, 3, 1), date(2013, 4, 20))
