"""Precision and recall of plan reading on the corpus of real plans (issue #9).

    python benchmarks/plan_accuracy.py [--split dev|test|all] [--verbose]

Runs ``bot.plans.extract.extract(text, year=year_arg)`` on every plan of
tests/plans/corpus/<split>/ and compares its items with the hand-written gold
(the format is tests/plans/corpus/README.md). A predicted item matches a gold
item when

* the kinds are equal,
* start, end and rule are equal (exact dates; a gold ``deadline`` with a start is a
  task's window and the prediction must carry the same start, one without a start
  must not carry one),
* the predicted ``span`` overlaps the gold text's span (the gold ``text`` located at
  its ``occurrence``).

Each gold item matches at most one prediction and each prediction at most one gold
item; the pairs are an OPTIMAL assignment (a maximum bipartite matching, so a
greedy order can never cost a match). Precision = matched / predicted, recall =
matched / gold, per kind and overall, micro-averaged over the plans of a split.
Owner accuracy is over the matched pairs. The test split is run only to report
the figure; development looks at dev. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # runnable from a checkout without installing zhibu
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "plans" / "corpus"
SPLITS = ("dev", "test")
KINDS = ("phase", "deadline", "recurring", "ongoing")

Rule = tuple[str, int | None, int | None] | None


@dataclass(frozen=True, slots=True)
class Item:
    """A schedule item reduced to what the matching compares (gold or predicted)."""

    kind: str
    start: date | None
    end: date | None
    rule: Rule
    span: tuple[int, int]
    owner: str
    text: str


@dataclass(frozen=True, slots=True)
class Plan:
    split: str
    name: str
    text: str
    year_arg: int | None
    gold: tuple[Item, ...]


@dataclass(slots=True)
class Tally:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    owner_ok: int = 0

    def add(self, other: Tally) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        self.owner_ok += other.owner_ok

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    @property
    def owner_accuracy(self) -> float | None:
        return self.owner_ok / self.matched if self.matched else None


@dataclass(slots=True)
class Result:
    """Tallies per kind, and the misses and false hits for --verbose."""

    per_kind: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    misses: list[tuple[str, Item]] = field(default_factory=list)
    false_hits: list[tuple[str, Item]] = field(default_factory=list)
    wrong_owner: list[tuple[str, Item, Item]] = field(default_factory=list)

    def add(self, other: Result) -> None:
        for kind, tally in other.per_kind.items():
            self.per_kind.setdefault(kind, Tally()).add(tally)
        self.misses.extend(other.misses)
        self.false_hits.extend(other.false_hits)
        self.wrong_owner.extend(other.wrong_owner)

    def overall(self) -> Tally:
        total = Tally()
        for tally in self.per_kind.values():
            total.add(tally)
        return total


def locate(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    """Span of the occurrence-th (1-based) place ``needle`` is found in ``text``."""
    pos = -1
    for _ in range(occurrence):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            raise ValueError(f"{needle!r} does not occur {occurrence} time(s)")
    return pos, pos + len(needle)


def _date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _rule(value: Any) -> Rule:
    if value is None:
        return None
    if isinstance(value, dict):
        return (value["freq"], value.get("day"), value.get("month"))
    # A RecurringRule (or anything shaped like it) from the extractor.
    return (value.freq, value.day, value.month)


def gold_items(text: str, gold: dict[str, Any]) -> tuple[Item, ...]:
    items = []
    for entry in gold["items"]:
        items.append(
            Item(
                kind=entry["kind"],
                start=_date(entry.get("start")),
                end=_date(entry.get("end")),
                rule=_rule(entry.get("rule")),
                span=locate(text, entry["text"], entry.get("occurrence", 1)),
                owner=entry.get("owner", "branch"),
                text=entry["text"],
            )
        )
    return tuple(items)


def predicted_item(item: Any) -> Item:
    """An extractor item, read generically (a deadline may carry a start)."""
    return Item(
        kind=item.kind,
        start=getattr(item, "start", None),
        end=getattr(item, "end", None),
        rule=_rule(getattr(item, "rule", None)),
        span=(int(item.span[0]), int(item.span[1])),
        owner=getattr(item, "owner", "branch"),
        text=getattr(item, "text", ""),
    )


def load_plans(splits: Iterable[str], corpus: Path = CORPUS) -> list[Plan]:
    plans = []
    for split in splits:
        for gold_path in sorted((corpus / split).glob("*.gold.json")):
            name = gold_path.name.removesuffix(".gold.json")
            text = gold_path.with_name(name + ".txt").read_text(encoding="utf-8")
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            plans.append(Plan(split, name, text, gold.get("year_arg"), gold_items(text, gold)))
    return plans


def compatible(gold: Item, pred: Item) -> bool:
    return (
        gold.kind == pred.kind
        and gold.start == pred.start
        and gold.end == pred.end
        and gold.rule == pred.rule
        and pred.span[0] < gold.span[1]
        and gold.span[0] < pred.span[1]
    )


def match(gold: Sequence[Item], predicted: Sequence[Item]) -> list[tuple[int, int]]:
    """A maximum matching of gold to predicted items (Kuhn's augmenting paths).

    Returns (gold index, predicted index) pairs. Among maximum matchings it prefers,
    per gold item in order, a prediction with the same owner, so the owner figure
    is not lowered by an arbitrary choice between equal predictions.
    """
    edges = [
        sorted(
            (j for j, p in enumerate(predicted) if compatible(g, p)),
            key=lambda j, g=g: predicted[j].owner != g.owner,  # type: ignore[misc]
        )
        for g in gold
    ]
    owner_of: dict[int, int] = {}  # predicted index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner_of or augment(owner_of[j], seen):
                owner_of[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in owner_of.items())


def score(name: str, gold: Sequence[Item], predicted: Sequence[Item]) -> Result:
    result = Result()
    pairs = match(gold, predicted)
    matched_gold = {i for i, _ in pairs}
    matched_pred = {j for _, j in pairs}
    for item in gold:
        result.per_kind.setdefault(item.kind, Tally()).gold += 1
    for item in predicted:
        result.per_kind.setdefault(item.kind, Tally()).predicted += 1
    for i, j in pairs:
        tally = result.per_kind[gold[i].kind]
        tally.matched += 1
        if gold[i].owner == predicted[j].owner:
            tally.owner_ok += 1
        else:
            result.wrong_owner.append((name, gold[i], predicted[j]))
    result.misses.extend((name, g) for i, g in enumerate(gold) if i not in matched_gold)
    result.false_hits.extend((name, p) for j, p in enumerate(predicted) if j not in matched_pred)
    return result


Extractor = Callable[[str, int | None], Sequence[Item]]


def run_extractor(text: str, year: int | None) -> Sequence[Item]:
    from bot.plans.extract import extract

    return [predicted_item(item) for item in extract(text, year=year).items]


def evaluate(plans: Iterable[Plan], extractor: Extractor = run_extractor) -> dict[str, Result]:
    """Results per split; a plan the extractor fails on counts all its gold as missed."""
    results: dict[str, Result] = {}
    for plan in plans:
        try:
            predicted = extractor(plan.text, plan.year_arg)
        except Exception as exc:  # a crash is a figure to report, not a stop
            print(f"!! {plan.split}/{plan.name}: extract() raised {exc!r}", file=sys.stderr)
            predicted = []
        results.setdefault(plan.split, Result()).add(
            score(f"{plan.split}/{plan.name}", plan.gold, predicted)
        )
    return results


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _describe(item: Item) -> str:
    if item.rule is not None:
        when = f"rule={item.rule}"
    else:
        when = f"{item.start or ''}..{item.end or ''}" if item.start else f"end={item.end}"
    return f"{item.kind:9} {item.text!r} {when} @{item.span[0]}-{item.span[1]} [{item.owner}]"


def report(title: str, result: Result, plans: int, verbose: bool) -> None:
    print(f"\n== {title}: {plans} plans ==")
    print(f"{'kind':10} {'gold':>5} {'pred':>5} {'match':>5}  {'prec':>6} {'recall':>6} {'F1':>6}")
    rows = [(k, result.per_kind.get(k, Tally())) for k in KINDS]
    rows += [(k, t) for k, t in result.per_kind.items() if k not in KINDS]
    rows.append(("overall", result.overall()))
    for kind, t in rows:
        print(
            f"{kind:10} {t.gold:5} {t.predicted:5} {t.matched:5}  "
            f"{_fmt(t.precision)} {_fmt(t.recall)} {_fmt(t.f1)}"
        )
    total = result.overall()
    owners = f"{_fmt(total.owner_accuracy)} ({total.owner_ok}/{total.matched})"
    print(f"owner accuracy on matched items: {owners}")
    if verbose:
        for name, item in result.misses:
            print(f"  MISS  {name}: {_describe(item)}")
        for name, item in result.false_hits:
            print(f"  FALSE {name}: {_describe(item)}")
        for name, gold, pred in result.wrong_owner:
            print(f"  OWNER {name}: {_describe(gold)} predicted {pred.owner}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="dev")
    parser.add_argument("--verbose", action="store_true", help="list each miss and false hit")
    args = parser.parse_args(argv)
    splits = SPLITS if args.split == "all" else (args.split,)
    plans = load_plans(splits)
    if not plans:
        print(f"no plans found for split {args.split} under {CORPUS}")
        return 1
    results = evaluate(plans)
    print("matching: kind + exact start/end/rule + span overlap; optimal (maximum) assignment")
    everything = Result()
    for split in splits:
        if split in results:
            count = sum(1 for p in plans if p.split == split)
            report(split, results[split], count, args.verbose)
            everything.add(results[split])
    if len(results) > 1:
        report("all", everything, len(plans), verbose=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
