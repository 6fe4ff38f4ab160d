"""The ledger's report texts are not held with the year: `load_year` spills them to
a temporary file page by page (`records.data.TextSpill`) and the reports sheet
reads them back. These tests hold the streamed workbook to the one built from
texts held in memory (every sheet, every cell), and the texts to the database,
with texts that need care (long, multi-line, astral, control characters, "=…").
"""

from __future__ import annotations

import dataclasses
import io
import random

import openpyxl
import pytest

from bot.records import data as data_module
from bot.records import labels as L
from bot.records.data import TextSpill, YearData, assemble, load_year
from bot.records.ledger import ledger_xlsx
from bot.records.safe import xml_safe
from bot.services.base import Env
from storage import people, records
from storage import reports as report_store
from tests.records.records_world import AUTHOR, NOW, World, build_world

TEXTS = [
    "本月" * 3000,  # 6,000 characters
    "第一行\n第二行\r\n\t缩进",
    "😀 𠀀 astral and emoji",
    "bell\x07 nul\x00 esc\x1b",
    "=SUM(A1:A9)",
    'A&B <研发> "quoted"',
]


async def _tricky(world: World) -> None:
    async with world.env.db.transaction() as tx:
        rows = await records.reports_between(tx, "2026-01", "2026-12")
        for report, text in zip(rows, TEXTS, strict=False):
            await report_store.revise_report(tx, report.id, AUTHOR, text, NOW)


@pytest.fixture
async def world(env: Env) -> World:
    return await build_world(env)


def _held(data: YearData, texts: dict[int, str]) -> YearData:
    """The same year with every text in its row and no spill (as before streaming)."""
    cells = {
        key: dataclasses.replace(
            c, report=dataclasses.replace(c.report, text=texts[c.report.id], text_ref=-1)
        )
        if c.report is not None
        else c
        for key, c in data.cells.items()
    }
    return dataclasses.replace(data, cells=cells, texts=None)


def _values(xlsx: bytes) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}


@pytest.mark.parametrize("page", [data_module.REPORT_PAGE, 4], ids=["one-page", "pages-of-4"])
async def test_the_streamed_ledger_is_the_held_one(
    world: World, monkeypatch: pytest.MonkeyPatch, page: int
) -> None:
    await _tricky(world)
    monkeypatch.setattr(data_module, "REPORT_PAGE", page)
    data = await load_year(world.env, 2026, NOW, [])
    async with world.env.db.reading() as tx:
        stored = {r.id: r.text for r in await records.reports_between(tx, "2026-01", "2026-12")}
    reports = data.reports()
    assert len(reports) == len(stored) == 18
    assert data.texts is not None
    assert all(r.text == "" and r.text_ref >= 0 for r in reports)  # nothing held
    assert {r.id: data.report_text(r) for r in reports} == stored
    streamed = _values(ledger_xlsx(data))
    held = _values(ledger_xlsx(_held(data, stored)))
    assert streamed == held
    # the texts column, in the sheet's order, is the database's, made XML-safe
    sheet = streamed[L.SHEET_REPORTS]
    assert sheet[0][-1] == "报告全文"
    assert [row[-1] for row in sheet[1:]] == [xml_safe(stored[r.id]) for r in reports]
    assert TEXTS[0] in [row[-1] for row in sheet[1:]]


async def test_authors_are_kept_as_their_display_names(world: World) -> None:
    data = await load_year(world.env, 2026, NOW, [])
    async with world.env.db.reading() as tx:
        user = await people.get_user(tx, AUTHOR)
    assert user is not None
    assert data.authors == {}
    assert data.author_name(AUTHOR) == user.display_name
    assert data.author_name(999_999) == "999999"  # a departed author: the id


async def test_assemble_takes_the_reports_in_any_order(world: World) -> None:
    data = await load_year(world.env, 2026, NOW, [])
    async with world.env.db.reading() as tx:
        branches = await records.branches_all(tx)
        cycles = await records.cycles_between(tx, "2026-01", "2026-12")
        exemptions = await records.exemptions_between(tx, "2026-01", "2026-12")
        attachments = await records.attachment_counts_between(tx, "2026-01", "2026-12")
    shuffled = list(data.reports())
    random.Random(3).shuffle(shuffled)

    def build(reports: object) -> YearData:
        return assemble(
            first=data.first,
            last=data.last,
            now=NOW,
            tz=data.tz,
            org_name=data.org_name,
            branches=list(reversed(branches)),
            cycles=cycles,
            reports=reports,  # type: ignore[arg-type]
            exemptions=exemptions,
            attachments=attachments,
        )

    ordered = build(data.reports())
    assert build(shuffled).cells == ordered.cells == data.cells
    assert build(iter(shuffled)).cells == data.cells
    # a report of a branch not given is left out, as before
    others = [b for b in branches if b.id != data.branches[0].id]
    lone = assemble(
        first=data.first,
        last=data.last,
        now=NOW,
        tz=data.tz,
        org_name=data.org_name,
        branches=others,
        cycles=cycles,
        reports=shuffled,
        exemptions=exemptions,
        attachments=attachments,
    )
    assert {k: v for k, v in data.cells.items() if k[0] != data.branches[0].id} == lone.cells


def test_the_spill_gives_back_what_it_took() -> None:
    spill = TextSpill()
    refs = [spill.add(t) for t in TEXTS]
    assert [spill.get(r) for r in reversed(refs)] == list(reversed(TEXTS))
    late = spill.add("after reading")  # appends at the end, not where it last read
    assert spill.get(late) == "after reading" and spill.get(refs[0]) == TEXTS[0]
    spill.close()


def test_spilled_texts_reach_the_ledger_worker_process() -> None:
    """The ledger is written in a worker process (bot/services/job_worker.py): the year
    is pickled to it, its spilled texts opened there by path, read-only."""
    import pickle

    from bot.records.data import TextSpill

    spill = TextSpill()
    refs = [spill.add(t) for t in ("甲支部的报告", "x" * 5000, "")]
    copy = pickle.loads(pickle.dumps(spill))
    assert [copy.get(r) for r in refs] == ["甲支部的报告", "x" * 5000, ""]
    copy.close()
    assert spill.get(refs[0]) == "甲支部的报告"  # the loading process still reads it
    spill.close()
