"""/review of a committee with 党总支: a block per 总支 before the per-branch lines
(docs/tree-review.md). Grouped as /status, the circular and the ledger group
(`bot.services.grouping`); a committee without 总支 gets no block."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import Html, t
from bot.services import grouping

if TYPE_CHECKING:  # review.py imports this module to call it
    from bot.records.review import YearReview


def _percent(on_time: int, expected: int) -> str:
    return "—" if not expected else f"{on_time / expected * 100:.1f}%"


def general_lines(lang: str, review: YearReview) -> list[Html]:
    """Per 总支 (and 直属支部): its units, months expected, on time, late, missed, the
    on-time rate over them all, and how many units got each suggested grade."""
    nodes = review.units or {r.branch.id: r.branch for r in review.rows}
    groups = grouping.grouped(nodes, review.rows)
    if groups is None or not review.months:
        return []
    out: list[Html] = [t(lang, "rec_review_groups_head")]
    for g in groups:
        if not g.lines:
            continue
        expected = sum(r.expected for r in g.lines)
        on_time = sum(r.on_time for r in g.lines)
        grades = [r.grade.name for r in g.lines if r.grade is not None]
        out.append(
            t(
                lang,
                "rec_review_group_line",
                name=g.general.name if g.general is not None else t(lang, "grp_direct"),
                units=len(g.lines),
                rate=_percent(on_time, expected),
                late=sum(r.late for r in g.lines),
                missing=sum(r.missing for r in g.lines),
                good=grades.count("GOOD"),
                fair=grades.count("FAIR"),
                average=grades.count("AVERAGE"),
                poor=grades.count("POOR"),
            )
        )
    out.append(Html(""))
    return out
