"""How long hostile plan files take to read, or to refuse.

    python benchmarks/bench_hostile.py [--runs 3] [--worker]

Each case is generated (nothing stored) and run through `spec_from_file`, the
whole file → plan path (decode or unzip, extract, build the plan). Prints the
best of the runs and the answer: the number of tasks, or the catalog key the
bot would answer with. With --worker the same files also go through
`read_plan`, the bot's path: the plan worker process, with its budgets.

Before the fix (same machine, loaded): 400 dates in one sentence (8 KB) 42-120 s,
4,000 dated lines 43 s, the billion-laughs YAML (342 bytes) over 200 s, a .docx
inflating to 60 MB over 200 s, UTF-16 with an odd byte count UnicodeDecodeError.
The aim: 4,000 dates well under a second, every refusal in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # runnable from a checkout without installing zhibu
    sys.path.insert(0, str(ROOT))

from bot.services.base import UserError  # noqa: E402
from bot.services.plans import read_plan, shutdown, spec_from_file  # noqa: E402

TODAY = date(2026, 3, 1)


def dated_lines(n: int) -> bytes:
    text = "".join(f"（{i}）某项工作，2026年{i % 12 + 1}月{i % 28 + 1}日前完成\n" for i in range(n))
    return text.encode()


def one_sentence(n: int) -> bytes:
    dates = "".join(f"{i % 12 + 1}月{i % 28 + 1}日前完成、" for i in range(n))
    return ("2026年工作方案\n" + dates + "。\n").encode()


def billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        prev, name = chr(97 + i), chr(98 + i)
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    return ("\n".join(lines) + "\n").encode()


def word_bomb(megabytes: int) -> bytes:
    """A real .docx whose body holds `megabytes` MB of empty paragraphs."""
    import docx

    document = docx.Document()
    document.add_paragraph("2026年工作方案")
    raw = io.BytesIO()
    document.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                padding = b"<w:p/>" * ((megabytes << 20) // 6)
                data = data.replace(b"<w:body>", b"<w:body>" + padding, 1)
            archive.writestr(info.filename, data)
    return out.getvalue()


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "400 dates, one per line": ("方案.txt", lambda: dated_lines(400)),
    "4,000 dates, one per line": ("方案.txt", lambda: dated_lines(4000)),
    "400 dates in one sentence": ("方案.txt", lambda: one_sentence(400)),
    "4,000 dates in one sentence": ("方案.txt", lambda: one_sentence(4000)),
    "20,000 dates on one line": ("方案.txt", lambda: ("2026年\n" + "3月5日" * 20_000).encode()),
    "one 1 MB line of words": ("方案.txt", lambda: ("2026年" + "某" * 330_000).encode()),
    "billion-laughs YAML": ("plan.yaml", billion_laughs),
    "recursive YAML alias": ("plan.yaml", lambda: b"&a [*a]\n"),
    "YAML nested 100,000 deep": ("plan.yaml", lambda: b"[" * 100_000),
    ".docx inflating to 60 MB": ("方案.docx", lambda: word_bomb(60)),
    "UTF-16, odd byte count": (
        "方案.txt",
        lambda: b"\xff\xfe" + "2026年方案\n一、学习，3月底前完成。".encode("utf-16-le") + b"\n",
    ),
    "GBK text": ("方案.txt", lambda: "2026年方案\n一、学习，3月底前完成。".encode("gbk")),
    "64 KB of random bytes": ("方案.txt", lambda: random.Random(1).randbytes(65536)),
    "empty file": ("方案.txt", lambda: b""),
}


def answer(run: Callable[[], object]) -> str:
    try:
        result = run()
    except UserError as error:
        return error.key
    assert isinstance(result, tuple)
    return f"{len(result[0].tasks)} tasks"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help="also time read_plan (the worker)")
    args = parser.parse_args()

    print(f"{'case':<30} {'bytes':>9} {'best':>9}  answer")
    for name, (file_name, make) in CASES.items():
        data = make()
        timings = []
        outcome = ""
        for _ in range(args.runs):
            start = time.perf_counter()
            outcome = answer(lambda: spec_from_file(file_name, data, TODAY))  # noqa: B023
            timings.append(time.perf_counter() - start)
        print(f"{name:<30} {len(data):>9,} {min(timings) * 1000:>7.1f}ms  {outcome}")

    if args.worker:
        print("\nthrough the plan worker (read_plan; the first includes starting it):")

        async def through_worker() -> None:
            for name, (file_name, make) in CASES.items():
                data = make()
                start = time.perf_counter()
                try:
                    spec, _ = await read_plan(file_name, data, TODAY)
                    outcome = f"{len(spec.tasks)} tasks"
                except UserError as error:
                    outcome = error.key
                elapsed = time.perf_counter() - start
                print(f"{name:<30} {len(data):>9,} {elapsed * 1000:>7.1f}ms  {outcome}")

        try:
            asyncio.run(through_worker())
        finally:
            shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
