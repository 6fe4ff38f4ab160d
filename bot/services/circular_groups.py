"""The committee's circular by 党总支 (docs/tree-review.md).

For a committee with 总支, `circular.build` adds a `by_general` section after the
totals (per 总支: 应报 / 按时 / 迟报 / 未报 and the rate, 直属支部 as one more
group, and the reports still awaiting a 总支's review), and writes the named
lists (按时 / 迟报 / 未报) one paragraph per 总支. The grouping is
`bot.services.grouping`; the chat, Word and chart renderers render any section,
so nothing else changes. A flat committee's circular is built as before.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.services.circular_model import Para, Section, plain, runs
from bot.services.circular_names import Entry, NameLists
from bot.services.grouping import Group, MonthGroups
from bot.services.status import Line


def group_label(lang: str, g: Group[Line]) -> str:
    return g.general.name if g.general is not None else plain(lang, "grp_direct")


def by_general(lang: str, mg: MonthGroups, n: str, names: NameLists) -> Section:
    """二、各党总支报送情况: one paragraph per 总支, then the reports awaiting review."""
    paras: list[Para] = []
    for g in mg.groups:
        c = mg.counts(g)
        paras.append(
            Para(
                lead=runs(
                    lang,
                    "circ_group_line",
                    name=group_label(lang, g),
                    expected=c.expected,
                    on_time=c.on_time,
                    late=c.late,
                    missing=c.missing,
                    rate=f"{c.rate * 100:.1f}",
                )
            )
        )
    waiting = [ln for g in mg.groups for ln in g.lines if ln.branch.id in mg.pending]
    if waiting:
        paras.append(
            names.para(
                lang,
                "circ_group_pending",
                "names",
                [(ln.branch.name, ln.branch.id) for ln in waiting],
                count=len(waiting),
            )
        )
    return Section(
        kind="by_general", heading=runs(lang, "circ_sec_by_general", n=n), paras=tuple(paras)
    )


def grouped_paras(
    lang: str,
    mg: MonthGroups,
    lines: list[Line],
    entries: Callable[[list[Line]], list[Entry]],
    names: NameLists,
) -> list[Para]:
    """A named list (按时, 迟报, 未报) one paragraph per 总支 that has any; 无 if none has."""
    paras: list[Para] = []
    where = {ln.branch.id: i for i, g in enumerate(mg.groups) for ln in g.lines}
    by_group: dict[int, list[Line]] = {}
    for ln in lines:  # one pass, not one per 总支: 400 总支 × 10,000 units stays fast
        by_group.setdefault(where.get(ln.branch.id, -1), []).append(ln)
    for i, g in enumerate(mg.groups):
        mine = by_group.get(i, [])
        if mine:
            paras.append(
                names.para(
                    lang, "circ_group_names", "names", entries(mine), group=group_label(lang, g)
                )
            )
    if not paras:
        paras.append(Para(lead=runs(lang, "circ_names", names=plain(lang, "circ_none"))))
    return paras
