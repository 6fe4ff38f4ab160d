"""The month at a glance as a PNG: branches by status, and the 12-month submission rate.

Drawn on a bare `Figure` with the Agg canvas: pyplot is never imported, so no
display, no global figure registry, nothing left open between calls.
"""

from __future__ import annotations

import io
import math
import threading
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from matplotlib.typing import RcKeyType

from bot.calendar import Month
from bot.records import labels as L
from bot.records.data import YearData
from bot.records.fonts import cjk_family
from bot.records.safe import xml_safe
from bot.services.circular_model import Counts
from bot.services.status import State

STATE_COLOURS = {
    "按时": "#3A9D5D",
    "迟报": "#E3A21A",
    "未报": "#D0463B",
    "免报": "#9E9E9E",
}
OTHER_COLOUR = "#5B7DB1"
LINE_COLOUR = "#C0392B"
WIDTH_IN, HEIGHT_IN, DPI = 11.0, 4.6, 110

# rc_context changes matplotlib's global rcParams for its duration: one chart at a time.
_render_lock = threading.Lock()


def _rc() -> dict[RcKeyType, Any]:
    family = cjk_family()
    fonts = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": fonts,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def month_chart(
    month_label: str, counts: dict[str, int], trend: list[tuple[str, float | None]]
) -> bytes:
    """Bars of branches by status (按时/迟报/未报/免报) and the trend line of rates (0..1)."""
    # Text drawn on the chart is cleaned like the document's (the SVG/PDF backends are XML).
    month_label = xml_safe(month_label)
    counts = {xml_safe(name): value for name, value in counts.items()}
    trend = [(xml_safe(label), rate) for label, rate in trend]
    with _render_lock, rc_context(_rc()):
        fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)  # attaches itself: savefig renders with Agg, no display
        bars, line = fig.subplots(1, 2, width_ratios=[2, 3])

        names = [s for s in L.CHART_STATES if s in counts] + [
            s for s in counts if s not in L.CHART_STATES
        ]
        values = [counts[s] for s in names]
        total = sum(values)
        drawn = bars.bar(
            names, values, color=[STATE_COLOURS.get(s, OTHER_COLOUR) for s in names], width=0.6
        )
        bars.bar_label(drawn, labels=[str(v) for v in values], padding=2)
        bars.set_title(f"{month_label}报送情况（共{total}个支部）")
        bars.set_ylabel("支部数")
        bars.set_ylim(0, max([*values, 1]) * 1.18)
        bars.yaxis.get_major_locator().set_params(integer=True)

        xs = list(range(len(trend)))
        ys = [math.nan if v is None else v * 100 for _, v in trend]
        line.plot(xs, ys, color=LINE_COLOUR, marker="o", linewidth=2)
        for x, y in zip(xs, ys, strict=True):
            if not math.isnan(y):
                line.annotate(
                    f"{y:.0f}%",
                    (x, y),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha="center",
                    fontsize=8,
                )
        line.set_xticks(xs, [label for label, _ in trend], rotation=45, ha="right")
        line.set_ylim(0, 110)
        line.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
        line.set_title(f"近{len(trend)}个月报送率")
        line.grid(axis="y", alpha=0.3)
        if all(v is None for _, v in trend):
            line.text(0.5, 0.5, "暂无数据", transform=line.transAxes, ha="center", va="center")

        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()


def chart_inputs(
    data: YearData, month: Month, span: int = 12
) -> tuple[dict[str, int], list[tuple[str, float | None]]]:
    """The counts of `month` and the rates of the `span` months ending with it."""
    tally = data.tally(month)
    counts = {
        "按时": tally[State.ON_TIME],
        "迟报": tally[State.LATE],
        "未报": tally[State.MISSING] + tally[State.WAITING],
        "免报": tally[State.EXEMPT],
    }
    months = [month]
    while len(months) < span:
        months.insert(0, months[0].prev())
    trend = [(f"{m.year}-{m.month:02d}", data.submission_rate(m)) for m in months]
    return counts, trend


def circular_counts(
    counts: Counts, trend: list[tuple[str, float | None]]
) -> tuple[dict[str, int], list[tuple[str, float | None]]]:
    """The bars and the last trend point from a circular's counts (as it was posted)."""
    bars = {
        "按时": counts.on_time,
        "迟报": counts.late,
        "未报": counts.missing,
        "免报": counts.exempt,
    }
    if trend:
        label, _ = trend[-1]
        trend = [*trend[:-1], (label, counts.rate if counts.expected else None)]
    return bars, trend
