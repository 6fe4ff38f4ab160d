"""How long extract() takes on a plan of about 20,000 characters (the aim: under 50 ms).

    python benchmarks/bench_extract.py [--runs 50] [--chars 20000]

The plan is the three real seeds (tests/plans/fixtures) repeated with their years
shifted, so that every copy carries its own dates and headings, up to the size.
Prints the best and the median of the runs, measured with time.perf_counter.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # runnable from a checkout without installing zhibu
    sys.path.insert(0, str(ROOT))

from bot.plans.extract import extract  # noqa: E402

SEEDS = sorted((ROOT / "tests" / "plans" / "fixtures").glob("*.txt"))


def build_plan(chars: int) -> str:
    seeds = [path.read_text(encoding="utf-8") for path in SEEDS]
    if not seeds:
        raise SystemExit("no seed plans found in tests/plans/fixtures")
    parts: list[str] = []
    size, shift = 0, 0
    while size < chars:
        for seed in seeds:
            copy = _shift_years(seed, shift)
            parts.append(copy)
            size += len(copy) + 2
        shift += 1
    return "\n\n".join(parts)[:chars]


def _shift_years(text: str, shift: int) -> str:
    """2012年 → 2013年 …, so that each copy of a seed has dates of its own."""
    return re.sub(r"(\d{4})(?=\s*年)", lambda m: str(int(m.group(1)) + shift), text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--chars", type=int, default=20_000)
    args = parser.parse_args()

    plan = build_plan(args.chars)
    extraction = extract(plan)  # warm-up: compiles every regular expression once
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        extract(plan)
        timings.append(time.perf_counter() - start)

    print(
        f"plan: {len(plan):,} characters, {len(extraction.items)} items, "
        f"{len(extraction.tasks)} tasks"
    )
    print(
        f"extract, {args.runs} runs: best {min(timings) * 1000:.1f} ms, "
        f"median {statistics.median(timings) * 1000:.1f} ms (aim: < 50 ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
