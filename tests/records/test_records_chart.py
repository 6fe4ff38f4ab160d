"""The month's chart: a real PNG, with every Chinese glyph in the font."""

from __future__ import annotations

import io
import struct
import warnings

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image

from bot.calendar import Month
from bot.records import chart, publish
from bot.records import labels as L
from bot.records.chart import (
    DPI,
    HEIGHT_IN,
    WIDTH_IN,
    chart_inputs,
    circular_counts,
    month_chart,
)
from bot.records.data import load_year
from bot.records.fonts import cjk_family, packaged_font
from bot.services import circular, job_worker
from bot.services.circular_model import Counts
from bot.services.fmt import month_label
from storage import circulars, reports
from tests.conftest import at
from tests.records.records_world import NOW, World

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_packaged_cjk_font_is_registered() -> None:
    path = packaged_font()
    assert path is not None, "pylopdf-fonts-zh-cn is a dependency of zhibu"
    assert cjk_family() == "Noto Sans SC"
    # The font covers what the chart writes (labels, titles, digits).
    with TTFont(str(path), lazy=True) as font:
        cmap = font.getBestCmap()
    for text in (*L.CHART_STATES, "报送情况（共个支部）", "近个月报送率", "支部数", "暂无数据"):
        missing = [ch for ch in text if ord(ch) not in cmap]
        assert not missing, missing


def test_chart_renders_without_missing_glyphs() -> None:
    trend = [(f"2026-{m:02d}", None if m in (1, 7) else 0.5 + m / 30) for m in range(1, 13)]
    with warnings.catch_warnings():
        # Any "Glyph … missing from font(s)" warning fails the test.
        warnings.simplefilter("error")
        data = month_chart("2026年11月", {"按时": 12, "迟报": 3, "未报": 2, "免报": 1}, trend)
    assert png_size(data) == (round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI))
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.format == "PNG"
        assert image.size == (round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI))
        # Not a blank canvas: the bars bring their colours.
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 50


def test_chart_with_no_data_at_all() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = month_chart("2026年1月", {"按时": 0, "迟报": 0, "未报": 0, "免报": 0}, [])
    assert png_size(data)[0] > 0


async def test_chart_inputs_from_the_year(world: World) -> None:
    data = await load_year(world.env, 2026, NOW)
    counts, trend = chart_inputs(data, Month(2026, 5))
    assert counts == {"按时": 4, "迟报": 1, "未报": 0, "免报": 0}
    assert [label for label, _ in trend][:2] == ["2025-06", "2025-07"]
    assert len(trend) == 12 and trend[-1] == ("2026-05", 1.0)
    # Before the span that was loaded there is nothing: gaps, not zeros.
    assert all(rate is None for _, rate in trend[:7])
    counts, _ = chart_inputs(data, Month(2026, 6))
    assert counts == {"按时": 1, "迟报": 0, "未报": 5, "免报": 0}  # waiting counts as 未报


def test_a_missing_glyph_would_fail_the_render_test() -> None:
    # Proof that the check above can fail: the font has no emoji.
    with warnings.catch_warnings(), pytest.raises(UserWarning, match="missing from font"):
        warnings.simplefilter("error")
        month_chart("2026年11月\N{GRINNING FACE}", {"按时": 1}, [])


async def test_chart_of_a_posted_circular_takes_the_circular_counts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bars and the month's rate are the circular's own, not today's database."""
    env = world.env
    async with env.db.transaction() as tx:
        model = await circular.build(env, tx, Month(2026, 4), at(2026, 4, 26, 9))
        await circulars.save_circular(
            tx, "2026-04", circular.chat_html(model), at(2026, 4, 26, 9), model.to_json()
        )
        # A report for April that came in after the circular: the chart must not count it.
        await reports.insert_report(
            tx, world.ids["丙支部"], "2026-04", 900, "补报", at(2026, 4, 28), True
        )
    assert model.counts is not None
    seen: dict[str, object] = {}

    def fake_chart(label: str, counts: dict[str, int], trend: list[object]) -> bytes:
        seen.update(label=label, counts=counts, trend=trend)
        return b"png"

    monkeypatch.setattr(chart, "month_chart", fake_chart)  # publish imports it on use
    monkeypatch.setattr(job_worker, "IN_PROCESS", True)  # the replacement lives here
    await publish.circular_chart(env, Month(2026, 4), NOW)
    c = model.counts
    bars = {"按时": c.on_time, "迟报": c.late, "未报": c.missing, "免报": c.exempt}
    assert seen["counts"] == bars
    assert seen["label"] == month_label("zh-Hans", Month(2026, 4))  # fmt_month, always zh-Hans
    data = await load_year(env, 2026, NOW)
    assert chart_inputs(data, Month(2026, 4))[0] != bars  # the database moved on since
    trend = seen["trend"]
    assert isinstance(trend, list) and trend[-1] == ("2026-04", c.rate)
    # Without a model (the fixture's May circular) the database is counted, as before.
    await publish.circular_chart(env, Month(2026, 5), NOW)
    assert seen["counts"] == chart_inputs(data, Month(2026, 5))[0]


def test_circular_counts() -> None:
    counts = Counts(expected=0, on_time=0, late=0, missing=0, exempt=3, no_secretary=0, rate=1.0)
    bars, trend = circular_counts(counts, [("2026-03", 0.5), ("2026-04", 0.9)])
    assert bars == {"按时": 0, "迟报": 0, "未报": 0, "免报": 3}
    assert trend == [("2026-03", 0.5), ("2026-04", None)]  # nobody expected: a gap
