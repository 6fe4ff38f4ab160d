"""`zhibu export` from the shell, and the /export, /review, /circulardoc handlers.

The handlers are registered here by the test itself (the application wires them
in bot/app.py); the tests that read a rec_* message skip until those catalog
keys are in bot/locales.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.calendar import Month
from bot.i18n import CATALOGS
from bot.records import labels as L
from bot.records.cli import export_main
from bot.services.fmt import month_label
from bot.testing.sim import Sim
from storage import circulars
from tests.catalog import check
from tests.conftest import ADMIN, at
from tests.helpers import committee
from tests.records.records_world import NOW, World, leftovers

needs_keys = pytest.mark.skipif(
    "rec_export_caption" not in CATALOGS["zh-Hans"],
    reason="the rec_* catalog keys are not in bot/locales yet",
)


async def test_export_main_writes_the_workbook(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "台账.xlsx"
    assert await export_main(world.env, 2026, out, NOW) == 0
    wb = load_workbook(out)
    assert wb.sheetnames[0] == L.SHEET_MATRIX
    assert wb[L.SHEET_REPORTS].max_row == 1 + 18
    assert "7 branches, 18 reports, 5 settled months" in capsys.readouterr().out
    assert not leftovers(tmp_path)


async def test_export_main_needs_an_existing_directory(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await export_main(world.env, 2026, tmp_path / "no" / "x.xlsx", NOW) == 2
    assert "no such directory" in capsys.readouterr().err


async def test_export_is_for_coordinators_only(sim: Sim) -> None:
    sim.user(300, "路人")
    out = await sim.say(300, "/export 2026")
    check(out, "denied")
    assert not [m for m in sim.double.messages if m.kind == "document"]


@needs_keys
async def test_export_sends_the_workbook(sim: Sim) -> None:
    await committee(sim, {"甲支部": 201, "乙支部": None})
    out = await sim.say(ADMIN, "/export")
    (doc,) = [m for m in out if m.kind == "document"]
    assert doc.file_name == "zhibu-台账-2026.xlsx"
    check(doc, "rec_export_caption", year=2026, branches=2, reports=0)
    wb = load_workbook(io.BytesIO(doc.file_bytes or b""))
    names = [c.value for c in wb[L.SHEET_MATRIX]["A"][1:3]]
    assert names == ["甲支部", "乙支部"]
    bad = await sim.say(ADMIN, "/export 20x6")
    check(bad, "rec_year_bad", value="20x6")


@needs_keys
async def test_review_answers_in_the_chat(sim: Sim) -> None:
    await committee(sim, {"甲支部": 201})
    out = await sim.say(ADMIN, "/review 2026")
    check(out, "rec_review_none", year=2026)  # November is the first month, not yet settled


@needs_keys
async def test_circulardoc_sends_the_chart_and_the_document(sim: Sim) -> None:
    await committee(sim, {"甲支部": 201})
    async with sim.env.db.transaction() as tx:
        await circulars.save_circular(
            tx, "2026-10", "<b>关于通报</b>\n\n各党支部：\n正文", at(2026, 10, 26)
        )
    out = await sim.say(ADMIN, "/circulardoc")
    kinds = [(m.kind, m.file_name) for m in out]
    assert kinds == [
        ("photo", "zhibu-通报-2026-10.png"),
        ("document", "zhibu-通报-2026-10.docx"),
    ]
    october = month_label("zh-Hans", Month(2026, 10))
    check(out[0], "rec_chart_caption", month=october)
    check(out[1], "rec_docx_caption", month=october)
    with Image.open(io.BytesIO(out[0].file_bytes or b"")) as image:
        assert image.size[0] > 500
    missing = await sim.say(ADMIN, "/circulardoc 2026-03")
    check(missing, "rec_no_circular", month=month_label("zh-Hans", Month(2026, 3)))
