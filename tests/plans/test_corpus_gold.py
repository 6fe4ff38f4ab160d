"""Every plan of the corpus (tests/plans/corpus/{dev,test}) has well-formed gold.

The gold is written by hand; these checks catch what a hand slips on: a `text` that
is not in the plan (or not that many times), an impossible date, a range ending
before it starts, a kind or owner outside the format, a source that is no address.
The format is tests/plans/corpus/README.md.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).parent / "corpus"
SPLITS = ("dev", "test")
MIN_SPLIT_SIZE = 20
KINDS = {"phase", "deadline", "recurring", "ongoing"}
OWNERS = {"branch", "committee"}
ISSUERS = {"town", "county organ", "school", "enterprise", "hospital", "village", "other"}
SCRIPTS = {"hans", "hant"}
FREQS = {"monthly", "quarterly", "annual"}
STEM = re.compile(r"^\d{2,3}_[a-z0-9_]+$")
REQUIRED = ("source", "kind_of_document", "issuer", "script", "year_arg", "title", "year", "items")
ITEM_FIELDS = ("kind", "text", "occurrence", "start", "end", "rule", "under", "owner")


def _gold_files() -> list[Path]:
    return sorted(p for split in SPLITS for p in (CORPUS / split).glob("*.gold.json"))


def _iso(value: Any) -> date | None:
    if value is None:
        return None
    assert isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return date.fromisoformat(value)


def _nth(text: str, needle: str, n: int) -> int:
    """Offset of the n-th (1-based) occurrence of needle, overlapping ones counted."""
    pos = -1
    for _ in range(n):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return -1
    return pos


@pytest.mark.parametrize("gold_path", _gold_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_gold_is_well_formed(gold_path: Path) -> None:
    stem = gold_path.name.removesuffix(".gold.json")
    assert STEM.match(stem), f"stem {stem!r} is not NN_ascii_slug or NNN_ascii_slug"
    text_path = gold_path.with_name(stem + ".txt")
    assert text_path.exists(), f"{text_path.name} missing"
    text = text_path.read_text(encoding="utf-8")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))

    for field in REQUIRED:
        assert field in gold, f"{field} missing"
    assert re.match(r"^https?://\S+$", gold["source"]), gold["source"]
    assert gold["issuer"] in ISSUERS, gold["issuer"]
    assert gold["script"] in SCRIPTS, gold["script"]
    assert isinstance(gold["title"], str) and gold["title"].strip()
    year_arg = gold["year_arg"]
    assert year_arg is None or (isinstance(year_arg, int) and 1990 <= year_arg <= 2100)
    year = gold["year"]
    assert year is None or (isinstance(year, int) and 1990 <= year <= 2100)
    assert isinstance(gold.get("not_tasks", []), list)
    items = gold["items"]
    assert isinstance(items, list) and items, "no items"

    seen: set[tuple[str, int]] = set()
    for item in items:
        label = f"{item.get('kind')} {item.get('text')!r}"
        for field in ITEM_FIELDS:
            assert field in item, f"{label}: {field} missing"
        assert item["kind"] in KINDS, label
        assert item["owner"] in OWNERS, label
        assert isinstance(item["text"], str) and item["text"], label
        assert isinstance(item["occurrence"], int) and item["occurrence"] >= 1, label
        assert _nth(text, item["text"], item["occurrence"]) >= 0, (
            f"{label}: occurrence {item['occurrence']} not found verbatim"
        )
        key = (item["text"], item["occurrence"])
        assert key not in seen, f"{label}: the same text and occurrence twice"
        seen.add(key)
        start, end = _iso(item["start"]), _iso(item["end"])
        kind = item["kind"]
        if kind == "phase":
            assert start is not None and end is not None, f"{label}: a phase needs start and end"
        if kind == "deadline":
            assert end is not None, f"{label}: a deadline needs an end"
        if kind in ("phase", "deadline"):
            assert item["rule"] is None, label
        if start is not None and end is not None:
            assert start <= end, f"{label}: start after end"
        if kind == "recurring":
            assert start is None and end is None, label
            rule = item["rule"]
            assert isinstance(rule, dict) and set(rule) == {"freq", "day", "month"}, label
            assert rule["freq"] in FREQS, label
            assert rule["day"] is None or rule["day"] == -1 or 1 <= rule["day"] <= 31, label
            assert rule["month"] is None or 1 <= rule["month"] <= 12, label
        if kind == "ongoing":
            assert start is None and end is None and item["rule"] is None, label


@pytest.mark.parametrize("split", SPLITS)
def test_split_size(split: str) -> None:
    folder = CORPUS / split
    golds = sorted(folder.glob("*.gold.json")) if folder.is_dir() else []
    assert len(golds) >= MIN_SPLIT_SIZE, f"{split} has {len(golds)} plans"
    texts = sorted(folder.glob("*.txt"))
    assert len(texts) == len(golds), "every plan has its .txt and its .gold.json"
    numbers = [int(p.name.split("_", 1)[0]) for p in golds]
    assert len(set(numbers)) == len(numbers), "NN is unique within a split"
