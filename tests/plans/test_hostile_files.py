"""Hostile plan files: every one gets a clear answer (a catalog key), none an exception.

The corpus is generated here, not stored: thousands of dates, zip bombs, YAML
alias bombs, broken and foreign encodings, random bytes, an empty file, one huge
line. Timings are not asserted (see benchmarks/bench_hostile.py); what is
asserted is that the answer is the right one.
"""

from __future__ import annotations

import asyncio
import random
import struct
import sys
import time
from datetime import date

import pytest

from bot.plans.reader import MAX_DOCX_MEMBERS, MAX_DOCX_UNPACKED
from bot.services import plan_worker
from bot.services.base import UserError
from bot.services.plans import read_plan, spec_from_file
from bot.testing.sim import Sim
from tests.conftest import ADMIN
from tests.docs import encodings, word_file, zip_of
from tests.helpers import text_of

TODAY = date(2026, 3, 1)
MB = 1024 * 1024


def dated_lines(n: int) -> str:
    return "".join(f"（{i}）某项工作，2026年{i % 12 + 1}月{i % 28 + 1}日前完成\n" for i in range(n))


def one_sentence(n: int) -> str:
    """Every date in one sentence: what used to take cubic time."""
    return "".join(f"{i % 12 + 1}月{i % 28 + 1}日前完成、" for i in range(n)) + "。\n"


def refused(file_name: str, data: bytes) -> UserError:
    with pytest.raises(UserError) as caught:
        spec_from_file(file_name, data, TODAY)
    return caught.value


# ------------------------------------------------------------------ many dates


@pytest.mark.parametrize("n", [400, 4000])
def test_thousands_of_dated_lines(n: int) -> None:
    spec, _ = spec_from_file("方案.txt", dated_lines(n).encode(), TODAY)
    assert len(spec.tasks) == n
    # All named alike: the " (n)" suffixes keep them apart.
    assert len({t.title for t in spec.tasks}) == n


@pytest.mark.parametrize("n", [400, 4000])
def test_thousands_of_dates_in_one_sentence(n: int) -> None:
    text = "2026年工作方案\n" + one_sentence(n)
    spec, _ = spec_from_file("方案.txt", text.encode(), TODAY)
    assert len(spec.tasks) == n
    assert all(t.due is not None for t in spec.tasks)


# ----------------------------------------------------------------- Word files


def test_a_normal_word_file_is_read() -> None:
    data = word_file("2026年工作方案", "一、开展学习，3月底前完成。")
    spec, _ = spec_from_file("方案.docx", data, TODAY)
    assert [t.due for t in spec.tasks] == [date(2026, 3, 31)]


def test_zip_bomb_refused_by_declared_size() -> None:
    bomb = zip_of({"word/document.xml": b"\0" * (MAX_DOCX_UNPACKED + 1)})
    assert len(bomb) < MAX_DOCX_UNPACKED // 100  # small to send, huge to open
    error = refused("方案.docx", bomb)
    assert error.key == "plan_docx_too_big"
    assert error.params == {"limit": MAX_DOCX_UNPACKED // MB}


def test_zip_bomb_spread_over_many_parts_refused() -> None:
    part = b"\0" * (MAX_DOCX_UNPACKED // 10)
    error = refused("方案.docx", zip_of({f"word/p{i}.xml": part for i in range(11)}))
    assert error.key == "plan_docx_too_big"


def test_too_many_parts_refused() -> None:
    members = {f"word/{i}.xml": b"" for i in range(MAX_DOCX_MEMBERS + 1)}
    assert refused("方案.docx", zip_of(members)).key == "plan_docx_too_big"


def _lie_about_sizes(data: bytes, size: int) -> bytes:
    """Rewrite every declared uncompressed size (local and central headers) to ``size``."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := out.find(signature, start)) >= 0:
            out[at + offset : at + offset + 4] = struct.pack("<I", size)
            start = at + 4
    return bytes(out)


def test_zip_bomb_with_lying_headers_refused() -> None:
    bomb = zip_of({"word/document.xml": b"\0" * (MAX_DOCX_UNPACKED + MB)})
    liar = _lie_about_sizes(bomb, 1000)
    error = refused("方案.docx", liar)
    # Either the inflated size or the broken checksum gives it away; never a crash.
    assert error.key in ("plan_docx_too_big", "plan_unreadable")


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04 not really", b"\x00\x01", zip_of({"word/document.xml": b"<w:document"})],
    ids=["empty", "truncated-zip", "junk", "broken-xml"],
)
def test_broken_word_files_unreadable(data: bytes) -> None:
    assert refused("方案.docx", data).key == "plan_unreadable"


# ---------------------------------------------------------------------- YAML

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (BILLION_LAUGHS, 1),
        ("title: 方案\nyear: 2026\ntasks: &t\n  - title: x\n    extra: *t\n", 3),
        ("title: 方案\nyear: 2026\nphases: []\ntasks: *nowhere\n", 4),
        ("&a [*a]\n", 1),
    ],
    ids=["billion-laughs", "recursive", "undefined-alias", "self"],
)
def test_yaml_anchors_and_aliases_refused_with_their_line(text: str, line: int) -> None:
    assert len(BILLION_LAUGHS) < 500
    error = refused("plan.yaml", text.encode())
    assert error.key == "plan_yaml_alias"
    assert error.params == {"line": line}


def test_yaml_nested_without_end_unreadable() -> None:
    assert refused("plan.yaml", b"[" * 100_000).key == "plan_unreadable"


# ----------------------------------------------------------------- encodings

PLAN = "2026年工作方案\n一、开展学习，3月底前完成。\n二、總結驗收，12月15日前完成。\n"


@pytest.mark.parametrize(
    "data",
    encodings(
        PLAN,
        "utf-8",
        "utf-8-sig",
        "utf-16",
        "utf-16le-odd",
        "utf-16be-odd",
        "utf-32",
        "gbk",
        "gb18030",
    ),
)
def test_encodings_read_alike(data: bytes) -> None:
    spec, _ = spec_from_file("方案.txt", data, TODAY)
    assert [t.due for t in spec.tasks] == [date(2026, 3, 31), date(2026, 12, 15)]


def test_big5_read_as_big5() -> None:
    text = "2026年工作方案\n一、開展學習，3月底前完成。\n二、總結驗收，12月15日前完成。\n"
    spec, _ = spec_from_file("方案.txt", text.encode("big5"), TODAY)
    assert [t.title for t in spec.tasks] == ["開展學習", "總結驗收"]
    assert [t.due for t in spec.tasks] == [date(2026, 3, 31), date(2026, 12, 15)]


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_not_text(seed: int) -> None:
    data = random.Random(seed).randbytes(4096)
    assert refused("方案.txt", data).key == "plan_not_text"


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "方案\x00内容".encode(), b"\xff\xfe\x00\xd8"],
    ids=["png", "nul", "lone-surrogate"],
)
def test_binary_is_not_text(data: bytes) -> None:
    assert refused("方案.txt", data).key == "plan_not_text"


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom"])
def test_empty_files_have_no_plan(data: bytes) -> None:
    assert refused("方案.txt", data).key == "plan_empty"


@pytest.mark.parametrize(
    "line",
    [
        "某" * 300_000 + "，3月底前完成。",
        "3月5日" * 20_000,
        "1" * 300_000,
        "（" * 200_000 + "3月底前" + "）" * 200_000,
        "3月" + " " * 200_000 + "至4月",
    ],
    ids=["words", "dates", "digits", "brackets", "spaces"],
)
def test_huge_single_line(line: str) -> None:
    try:
        spec, _ = spec_from_file("方案.txt", ("2026年方案\n" + line).encode(), TODAY)
    except UserError as error:
        assert error.key == "plan_empty"
    else:
        assert spec.year == 2026


# ---------------------------------------------------------------- the worker


async def test_read_plan_in_the_worker() -> None:
    spec, _ = await read_plan("方案.txt", PLAN.encode(), TODAY)
    assert len(spec.tasks) == 2
    with pytest.raises(UserError) as caught:
        await read_plan("plan.yaml", BILLION_LAUGHS.encode(), TODAY)
    assert (caught.value.key, caught.value.params) == ("plan_yaml_alias", {"line": 1})
    with pytest.raises(UserError) as caught:
        await read_plan("方案.txt", b"", TODAY)
    assert caught.value.key == "plan_empty"


async def test_the_event_loop_runs_while_the_worker_works() -> None:
    order: list[str] = []

    async def other_user() -> None:
        await asyncio.sleep(0.05)
        order.append("other user answered")

    async def slow_job() -> None:
        await plan_worker.run(time.sleep, 1.0)
        order.append("plan read")

    await asyncio.gather(slow_job(), other_user())
    assert order == ["other user answered", "plan read"]


async def test_past_the_time_budget_the_worker_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_worker, "TIME_BUDGET", 0.5)
    with pytest.raises(plan_worker.TimedOut):
        await plan_worker.run(time.sleep, 60)
    # The next file gets a fresh worker.
    monkeypatch.setattr(plan_worker, "TIME_BUDGET", 10.0)
    spec, _ = await read_plan("方案.txt", PLAN.encode(), TODAY)
    assert len(spec.tasks) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is set on Linux")
async def test_the_worker_memory_is_bounded() -> None:
    with pytest.raises(MemoryError):
        await plan_worker.run(bytearray, 4 * 1024 * MB)
    spec, _ = await read_plan("方案.txt", PLAN.encode(), TODAY)  # the worker lives on
    assert len(spec.tasks) == 2


@pytest.mark.parametrize(
    ("failure", "key", "params"),
    [
        (plan_worker.TimedOut, "plan_too_slow", {"seconds": 10}),
        (plan_worker.Crashed, "plan_too_much_memory", {}),
    ],
)
async def test_budget_overruns_are_clear_answers(
    monkeypatch: pytest.MonkeyPatch, failure: type[Exception], key: str, params: dict[str, object]
) -> None:
    async def overrun(*args: object) -> None:
        raise failure

    monkeypatch.setattr(plan_worker, "run", overrun)
    monkeypatch.setattr(plan_worker, "TIME_BUDGET", 10.0)
    with pytest.raises(UserError) as caught:
        await read_plan("方案.txt", PLAN.encode(), TODAY)
    assert (caught.value.key, caught.value.params) == (key, params)


def test_one_sentence_of_dates_is_cut_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every date's title comes from the same sentence: the dates are cut out of it
    once, not once per date (that was 400 x 400 x the sentence's length)."""
    extract_module = sys.modules["bot.plans.extract"]
    builder = extract_module._Builder
    calls: list[tuple[int, int]] = []
    cut = builder._cut_dates

    def counting(self: object, lo: int, hi: int, *, inline: bool) -> tuple[str, str]:
        calls.append((lo, hi))
        return cut(self, lo, hi, inline=inline)

    monkeypatch.setattr(builder, "_cut_dates", counting)
    spec, _ = spec_from_file("方案.txt", ("2026年工作方案\n" + one_sentence(400)).encode(), TODAY)
    assert len(spec.tasks) == 400
    assert len(calls) == len(set(calls)) == 1


async def test_hostile_files_in_chat_get_clear_answers(sim: Sim) -> None:
    """Through the bot: the coordinator reads what went wrong, in their language."""
    answers = {}
    for name, data in (
        ("方案.docx", zip_of({"word/document.xml": b"\0" * (MAX_DOCX_UNPACKED + 1)})),
        ("plan.yaml", BILLION_LAUGHS.encode()),
        ("方案.txt", random.Random(7).randbytes(2048)),
    ):
        update = sim.factory.document(ADMIN, file_name=name, content=data)
        answers[name] = text_of(await sim.feed(update))
    assert "解压后超过 20 MB" in answers["方案.docx"]
    assert "YAML 第1行使用了锚点或别名" in answers["plan.yaml"]
    assert "无法把这份文件读成文字" in answers["方案.txt"]
