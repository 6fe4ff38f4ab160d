"""Every benchmark through real HTTP, in turn: start-up, fan-out, responsiveness, reports.

Run: python -m benchmarks.http_all [--quick] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from benchmarks import http_fanout, http_reports, http_responsive, http_startup

BENCHMARKS = (http_startup, http_fanout, http_responsive, http_reports)


async def main(quick: bool, repeats: int) -> None:
    for module in BENCHMARKS:
        started = time.perf_counter()
        await module.run(module.QUICK if quick else module.FULL, repeats)
        print(f"  ({time.perf_counter() - started:.0f} s)\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="the small sizes")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each (default 3)")
    args = parser.parse_args()
    asyncio.run(main(args.quick, args.repeats))
