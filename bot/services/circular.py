"""The monthly circular (月度通报), built once from the database and kept."""

from __future__ import annotations

from datetime import datetime

from bot.calendar import Month, end_of
from bot.i18n import Html, join, t
from bot.services import plans
from bot.services.base import Env
from bot.services.fmt import date_label, month_label
from bot.services.status import Line, MonthSummary, State, expected_in, summarize
from storage import repo
from storage.db import Tx

HIGHLIGHT_CHARS = 120
# Look back this many months for runs of misses (连续未报).
RUN_LOOKBACK = 12


def circular_language(env: Env) -> str:
    """A circular is an official Chinese document: traditional if configured, else simplified."""
    return "zh-Hant" if env.cfg.language == "zh-Hant" else "zh-Hans"


async def missing_runs(env: Env, tx: Tx, summary: MonthSummary) -> dict[int, int]:
    """For each branch missing this month, how many months in a row it has missed."""
    missing = {ln.branch.id for ln in summary.having(State.MISSING)}
    runs = dict.fromkeys(missing, 1)
    open_ids = set(missing)
    month = summary.month
    branches = {ln.branch.id: ln.branch for ln in summary.lines}
    for _ in range(RUN_LOOKBACK):
        month = month.prev()
        cycle = await repo.get_cycle(tx, str(month))
        if cycle is None or not open_ids:
            break
        reported = await repo.reported_branch_ids(tx, str(month))
        exempt = set(await repo.exemptions_for_month(tx, str(month)))
        for branch_id in list(open_ids):
            branch = branches[branch_id]
            expected = expected_in(branch, month, end_of(month.last_day, env.cfg.tz))
            if branch_id in reported or branch_id in exempt or not expected:
                open_ids.discard(branch_id)
            else:
                runs[branch_id] += 1
    return runs


def _names(lines: list[Line]) -> str:
    return "、".join(ln.branch.name for ln in lines)


def _dated(lang: str, lines: list[Line], env: Env) -> str:
    """Late branches with the day their report came in: 支部A（11月27日）."""
    tz = env.cfg.tz
    return "、".join(
        f"{ln.branch.name}（{date_label(lang, ln.report.submitted_at.astimezone(tz).date())}）"
        for ln in lines
        if ln.report
    )


async def build(env: Env, tx: Tx, month: Month, now: datetime) -> str:
    lang = circular_language(env)
    summary = await summarize(env, tx, month, now, with_failures=False)
    tz = env.cfg.tz
    on_time = summary.having(State.ON_TIME)
    late = summary.having(State.LATE)
    missing = summary.having(State.MISSING, State.WAITING)
    exempt = summary.having(State.EXEMPT)
    out: list[Html] = [
        t(lang, "circ_title", y=month.year, m=month.month),
        Html(""),
        t(lang, "circ_to"),
        t(lang, "circ_intro", month=month_label(lang, month), due=date_label(lang, summary.due_on)),
        t(lang, "circ_sec_total"),
        t(
            lang,
            "circ_totals",
            expected=summary.expected,
            on_time=len(on_time),
            late=len(late),
            missing=len(missing),
            exempt=len(exempt),
            rate=f"{summary.rate * 100:.1f}",
        ),
    ]
    n = 2
    out.append(t(lang, "circ_sec_on_time", n=t(lang, f"num_{n}"), count=len(on_time)))
    out.append(t(lang, "circ_names", names=_names(on_time) or t(lang, "circ_none")))
    n += 1
    out.append(t(lang, "circ_sec_late", n=t(lang, f"num_{n}"), count=len(late)))
    out.append(t(lang, "circ_names", names=_dated(lang, late, env) or t(lang, "circ_none")))
    n += 1
    out.append(t(lang, "circ_sec_missing", n=t(lang, f"num_{n}"), count=len(missing)))
    out.append(t(lang, "circ_names", names=_names(missing) or t(lang, "circ_none")))
    runs = await missing_runs(env, tx, summary)
    repeat = [(ln, runs[ln.branch.id]) for ln in missing if runs.get(ln.branch.id, 0) >= 2]
    if repeat:
        out.append(
            t(
                lang,
                "circ_repeat",
                names=join(
                    [
                        t(lang, "circ_repeat_item", branch=ln.branch.name, months=k)
                        for ln, k in repeat
                    ],
                    "、",
                ),
            )
        )
    if exempt:
        n += 1
        out.append(t(lang, "circ_sec_exempt", n=t(lang, f"num_{n}"), count=len(exempt)))
        out.append(
            t(
                lang,
                "circ_names",
                names="、".join(
                    f"{ln.branch.name}（{ln.exemption.reason}）" for ln in exempt if ln.exemption
                ),
            )
        )
    # 补报: reports of the previous month that came in after its circular.
    prev = month.prev()
    prev_circ = await repo.get_circular(tx, str(prev))
    if prev_circ is not None:
        after = prev_circ.posted_at or prev_circ.built_at
        makeups = await repo.reports_submitted_between(tx, str(prev), after)
        if makeups:
            n += 1
            out.append(t(lang, "circ_sec_makeup", n=t(lang, f"num_{n}"), count=len(makeups)))
            names = {ln.branch.id: ln.branch.name for ln in summary.lines}
            out.append(
                t(
                    lang,
                    "circ_names",
                    names=join(
                        [
                            t(
                                lang,
                                "circ_makeup_item",
                                branch=names.get(r.branch_id, str(r.branch_id)),
                                month=month_label(lang, prev),
                                date=date_label(lang, r.submitted_at.astimezone(tz).date()),
                            )
                            for r in makeups
                        ],
                        "、",
                    ),
                )
            )
    highlights = [ln for ln in on_time + late if ln.report and ln.report.highlighted_by]
    if highlights:
        n += 1
        out.append(t(lang, "circ_sec_highlights", n=t(lang, f"num_{n}")))
        for ln in highlights:
            assert ln.report is not None
            text = " ".join(ln.report.text.split())
            if len(text) > HIGHLIGHT_CHARS:
                text = text[:HIGHLIGHT_CHARS] + "……"
            out.append(t(lang, "circ_highlight", branch=ln.branch.name, text=text))
    progress = await plans.progress(env, tx, now.astimezone(tz).date())
    if progress:
        n += 1
        out.extend(
            plans.circular_section(lang, progress, t(lang, f"num_{n}"), now.astimezone(tz).date())
        )
    all_in = summary.reported == summary.expected
    out.append(t(lang, "circ_closing_all" if all_in else "circ_closing"))
    out.append(Html(""))
    out.append(t(lang, "circ_sign", org=env.cfg.org_name))
    out.append(date_label(lang, now.astimezone(tz).date(), full=True))
    return join(out)
