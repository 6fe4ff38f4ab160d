"""The corpus scorer (benchmarks/plan_accuracy.py) matches as the corpus format says.

Tiny synthetic gold and fake predictions, no extractor: a prediction counts only
with the same kind, the same start/end/rule and an overlapping span; one gold item
matches at most one prediction; the assignment is maximal.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from benchmarks.plan_accuracy import (
    Item,
    evaluate,
    gold_items,
    load_plans,
    locate,
    match,
    predicted_item,
    score,
)

TEXT = "一、报送材料\n各支部于6月30日前报送。每月25日前报告。\n二、总结阶段(7月1日—7月15日)\n"


def _gold(*items: dict[str, Any]) -> tuple[Item, ...]:
    return gold_items(TEXT, {"items": list(items)})


def _deadline(text: str = "6月30日前", occurrence: int = 1, **kw: Any) -> dict[str, Any]:
    entry = {
        "kind": "deadline",
        "text": text,
        "occurrence": occurrence,
        "start": None,
        "end": "2024-06-30",
        "rule": None,
        "owner": "branch",
    }
    entry.update(kw)
    return entry


def _pred(
    kind: str,
    needle: str,
    *,
    start: date | None = None,
    end: date | None = None,
    rule: tuple[str, int | None, int | None] | None = None,
    owner: str = "branch",
    shift: int = 0,
) -> Item:
    begin, stop = locate(TEXT, needle, 1)
    return Item(kind, start, end, rule, (begin + shift, stop + shift), owner, needle)


def test_a_match_counts_once_with_its_owner() -> None:
    result = score("t", _gold(_deadline()), [_pred("deadline", "6月30日前", end=date(2024, 6, 30))])
    tally = result.per_kind["deadline"]
    assert (tally.gold, tally.predicted, tally.matched, tally.owner_ok) == (1, 1, 1, 1)
    assert not result.misses and not result.false_hits


def test_a_partial_overlap_is_enough() -> None:
    # The prediction covers only "30日前" (shifted inside the gold span).
    pred = _pred("deadline", "30日前", end=date(2024, 6, 30))
    assert score("t", _gold(_deadline()), [pred]).per_kind["deadline"].matched == 1


def test_a_wrong_date_is_a_miss_and_a_false_hit() -> None:
    result = score("t", _gold(_deadline()), [_pred("deadline", "6月30日前", end=date(2023, 6, 30))])
    tally = result.per_kind["deadline"]
    assert (tally.gold, tally.predicted, tally.matched) == (1, 1, 0)
    assert len(result.misses) == 1 and len(result.false_hits) == 1


def test_a_missing_or_extra_start_does_not_match() -> None:
    window = _deadline(start="2024-06-01")
    no_start = _pred("deadline", "6月30日前", end=date(2024, 6, 30))
    assert score("t", _gold(window), [no_start]).per_kind["deadline"].matched == 0
    with_start = _pred("deadline", "6月30日前", start=date(2024, 6, 1), end=date(2024, 6, 30))
    assert score("t", _gold(window), [with_start]).per_kind["deadline"].matched == 1
    assert score("t", _gold(_deadline()), [with_start]).per_kind["deadline"].matched == 0


def test_a_wrong_kind_does_not_match() -> None:
    pred = _pred("phase", "6月30日前", start=date(2024, 6, 30), end=date(2024, 6, 30))
    result = score("t", _gold(_deadline()), [pred])
    assert result.per_kind["deadline"].matched == 0
    assert result.per_kind["deadline"].gold == 1 and result.per_kind["phase"].predicted == 1


def test_a_prediction_elsewhere_does_not_match() -> None:
    # Same kind and date, but its span is on 7月15日, away from the gold text.
    result = score("t", _gold(_deadline()), [_pred("deadline", "7月15日", end=date(2024, 6, 30))])
    assert result.per_kind["deadline"].matched == 0


def test_a_double_prediction_is_counted_once() -> None:
    pred = _pred("deadline", "6月30日前", end=date(2024, 6, 30))
    result = score("t", _gold(_deadline()), [pred, pred])
    tally = result.per_kind["deadline"]
    assert (tally.gold, tally.predicted, tally.matched) == (1, 2, 1)
    assert len(result.false_hits) == 1
    assert tally.precision == 0.5 and tally.recall == 1.0


def test_recurring_rules_compare_freq_day_and_month() -> None:
    gold = _gold(
        {
            "kind": "recurring",
            "text": "每月25日前",
            "occurrence": 1,
            "start": None,
            "end": None,
            "rule": {"freq": "monthly", "day": 25, "month": None},
            "owner": "committee",
        }
    )
    right = _pred("recurring", "每月25日前", rule=("monthly", 25, None))
    wrong = _pred("recurring", "每月25日前", rule=("monthly", -1, None))
    assert score("t", gold, [wrong]).per_kind["recurring"].matched == 0
    result = score("t", gold, [right])
    assert result.per_kind["recurring"].matched == 1
    assert result.per_kind["recurring"].owner_ok == 0  # predicted branch, gold committee
    assert len(result.wrong_owner) == 1


def test_the_assignment_is_maximal_not_first_come() -> None:
    # Gold A (6月30日前) and gold B (the whole line): prediction 1 overlaps both,
    # prediction 2 only A. A greedy pass giving prediction 1 to A would leave B
    # unmatched; the maximum matching pairs 1-B and 2-A.
    line = "各支部于6月30日前报送。"
    gold = _gold(_deadline(), _deadline(text=line))
    wide = _pred("deadline", line, end=date(2024, 6, 30))
    narrow = _pred("deadline", "6月30日前", end=date(2024, 6, 30))
    assert sorted(match(gold, [wide, narrow])) == [(0, 1), (1, 0)]


def test_the_owner_is_preferred_between_equal_predictions() -> None:
    gold = _gold(_deadline(owner="committee"))
    branch = _pred("deadline", "6月30日前", end=date(2024, 6, 30))
    committee = _pred("deadline", "6月30日前", end=date(2024, 6, 30), owner="committee")
    assert match(gold, [branch, committee]) == [(0, 1)]


def test_occurrence_locates_the_nth_place() -> None:
    text = "6月前 6月前"
    assert locate(text, "6月前", 2) == (4, 7)
    with pytest.raises(ValueError):
        locate(text, "6月前", 3)


def test_predicted_items_are_read_generically() -> None:
    class Rule:
        freq, day, month = "annual", 1, 7

    class Fake:
        kind = "recurring"
        rule = Rule()
        span = (3, 9)

    item = predicted_item(Fake())
    assert item.rule == ("annual", 1, 7) and item.start is None and item.owner == "branch"


def test_a_split_is_loaded_and_scored_end_to_end(tmp_path: Path) -> None:
    folder = tmp_path / "dev"
    folder.mkdir()
    (folder / "01_x.txt").write_text(TEXT, encoding="utf-8")
    gold = {"source": "https://example.org/", "year_arg": 2024, "items": [_deadline()]}
    (folder / "01_x.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    plans = load_plans(["dev"], corpus=tmp_path)
    assert [p.name for p in plans] == ["01_x"] and plans[0].year_arg == 2024

    seen: list[int | None] = []

    def fake_extractor(text: str, year: int | None) -> list[Item]:
        seen.append(year)
        return [_pred("deadline", "6月30日前", end=date(year or 1, 6, 30))]

    results = evaluate(plans, fake_extractor)
    assert seen == [2024]
    assert results["dev"].overall().matched == 1


def test_a_crashing_extractor_counts_all_gold_as_missed(tmp_path: Path) -> None:
    folder = tmp_path / "dev"
    folder.mkdir()
    (folder / "01_x.txt").write_text(TEXT, encoding="utf-8")
    gold = {"source": "https://example.org/", "year_arg": None, "items": [_deadline()]}
    (folder / "01_x.gold.json").write_text(json.dumps(gold), encoding="utf-8")

    def broken(text: str, year: int | None) -> list[Item]:
        raise RuntimeError("boom")

    total = evaluate(load_plans(["dev"], corpus=tmp_path), broken)["dev"].overall()
    assert (total.gold, total.predicted, total.matched) == (1, 0, 0)
