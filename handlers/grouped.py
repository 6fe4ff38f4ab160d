"""/status of a committee with 党总支: totals per 总支 first, then the lists by 总支
(docs/tree-review.md). The grouping is `bot.services.grouping`; a flat committee
never reaches this module (its /status is unchanged)."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import Html
from bot.services.fmt import names_list
from bot.services.grouping import Group, GroupCounts, MonthGroups
from bot.services.status import Line, MonthSummary, Only
from handlers.common import GROUP_CHARS, Ctx
from handlers.common import GROUP_LINES as SCREEN_LINES

# A group's /status names this many branches still to report on a 总支's line.
GROUP_NAMES = 3
# A group's /status shows at most this many 总支 lines, as many as fit one screen
# (GROUP_CHARS with the head), then "还有N个总支" and the private button.
GROUP_LINES = 12
ROOM = 160  # kept free under GROUP_CHARS: the "more" line and the cut's own notice


def group_name(ctx: Ctx, g: Group[Line]) -> str:
    return g.general.name if g.general is not None else str(ctx.t("grp_direct"))


def _totals(ctx: Ctx, g: Group[Line], c: GroupCounts, missing_label: Html) -> Html:
    pending = ctx.t("grp_pending", count=c.pending_review) if c.pending_review else ""
    return ctx.t(
        "grp_line",
        name=group_name(ctx, g),
        expected=c.expected,
        on_time=c.on_time,
        late=c.late,
        missing_label=missing_label,
        missing=c.missing,
        pending=pending,
    )


def totals_lines(ctx: Ctx, mg: MonthGroups, missing_label: Html) -> list[Html]:
    """The per-总支 block under the committee's counts: one line per 总支 (and 直属支部)."""
    lines = [ctx.t("grp_head")]
    if mg.pending_total:
        lines.append(ctx.t("grp_pending_total", count=mg.pending_total))
    lines += [_totals(ctx, g, mg.counts(g), missing_label) for g in mg.groups]
    return lines


def body_lines(
    ctx: Ctx, mg: MonthGroups, s: MonthSummary, only: Only, line: Callable[[Line], Html]
) -> list[str]:
    """The branches of /status in private chat, under a heading per 总支 (paged by the caller)."""
    wanted = {ln.branch.id for ln in s.only(only)}
    out: list[str] = []
    for g in mg.groups:
        mine = [ln for ln in g.lines if ln.branch.id in wanted]
        if not mine:
            continue
        out.append(ctx.t("grp_section", name=group_name(ctx, g), count=len(mine)))
        for ln in mine:
            text = line(ln)
            if ln.branch.id in mg.pending:
                text = Html(text + ctx.t("grp_awaiting"))
            out.append(text)
    return out


def screen_lines(
    ctx: Ctx, mg: MonthGroups, s: MonthSummary, only: Only, used: int = 0, used_lines: int = 0
) -> list[Html]:
    """/status in a group: one line per 总支 with its numbers and (capped) the names still
    to report (or of the filter asked for); as many 总支 as fit the screen with the `used`
    characters and `used_lines` lines of the head (at most GROUP_LINES), then how many more."""
    shown = {ln.branch.id for ln in (s.todo if only is Only.ALL else s.only(only))}
    label = ctx.t("status_missing_label_overdue" if s.overdue else "status_missing_label_waiting")
    out: list[Html] = [ctx.t("grp_head")]
    if mg.pending_total:
        out.append(ctx.t("grp_pending_total", count=mg.pending_total))
    budget = GROUP_CHARS - ROOM - used - sum(len(x) + 1 for x in out)
    room = min(GROUP_LINES, SCREEN_LINES - used_lines - len(out) - 1)  # 1: the "more" line
    if len(mg.groups) <= room + 1:
        room += 1  # no "more" line needed if all fit
    shown_groups = 0
    for g in mg.groups[: max(room, 0)]:
        line = _totals(ctx, g, mg.counts(g), label)
        names = [ln.branch.name for ln in g.lines if ln.branch.id in shown]
        if names:
            line = Html(line + ctx.t("grp_names", names=names_list(ctx.lang, names, GROUP_NAMES)))
        if len(line) + 1 > budget:
            break
        budget -= len(line) + 1
        out.append(line)
        shown_groups += 1
    if len(mg.groups) > shown_groups:
        out.append(ctx.t("grp_more", count=len(mg.groups) - shown_groups))
    return out
