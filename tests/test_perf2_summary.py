"""`status.summarize` reads one row per branch (storage/standing.py) and decides
each state with the month-wide parts of `rules.branch_month_state` worked out
once; its lines build their models only when asked. These tests hold it to the
models and the rule read the plain way, on a table of cases (archived either
side of the month's end, created after it, reported on time and late,
highlighted, exempt, attachments, no secretary, a deputy only, unreachable),
and hold the narrowed look-ups of `circular.missing_runs` to `rules.missing_runs`
over whole months.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import rules
from bot.calendar import Month, end_of
from bot.models import MemberRole
from bot.services import circular
from bot.services.base import Env, cycle_for
from bot.services.status import Line, summarize
from storage import branches, people, reports
from tests.conftest import TZ, at

MONTH = Month(2026, 11)
START = at(2026, 6, 1, 9)
MONTH_END = end_of(MONTH.last_day, TZ)


async def _world(env: Env) -> dict[str, int]:
    ids: dict[str, int] = {}
    async with env.db.transaction() as tx:
        uid = 100

        async def person(reachable: bool = True) -> int:
            nonlocal uid
            uid += 1
            await people.upsert_user(tx, uid, f"名{uid}", "姓", f"u{uid}", "zh-hans", START)
            if not reachable:
                await people.set_reachable(tx, uid, False, "blocked")
            return uid

        table = {
            "按时": START,
            "迟报": START,
            "亮点": START,
            "免报": START,
            "附件": START,
            "无书记": START,
            "只有副书记": START,
            "拉黑": START,
            "月末前撤销": START,
            "月末后撤销": START,
            "下月新建": MONTH_END,
            "月末前一刻": MONTH_END - timedelta(microseconds=1),
            "连续未报": START,
        }
        for name, created in table.items():
            b = await branches.add_branch(tx, f"{name}支部", "机关", created)
            assert b is not None
            ids[name] = b.id
            if name != "无书记" and name != "只有副书记":
                await branches.set_member(
                    tx, b.id, MemberRole.SECRETARY, await person(name != "拉黑"), START
                )
            if name in ("只有副书记", "按时"):
                await branches.set_member(tx, b.id, MemberRole.DEPUTY, await person(), START)
        m = str(MONTH)
        await reports.insert_report(tx, ids["按时"], m, 101, "按时报告", at(2026, 11, 5), False)
        await reports.insert_report(tx, ids["迟报"], m, 101, "迟报报告", at(2026, 11, 28), True)
        r = await reports.insert_report(tx, ids["亮点"], m, 101, "亮点", at(2026, 11, 6), False)
        await reports.set_highlight(tx, r.id, 1)
        await reports.insert_report(tx, ids["附件"], m, 101, "附件报告", at(2026, 11, 7), False)
        for i in range(3):
            await reports.add_attachment(
                tx, ids["附件"], m, "photo", f"f{i}", f"u{i}", None, None, 101, at(2026, 11, 7)
            )
        await reports.set_exemption(tx, ids["免报"], m, "换届", 1, START)
        # a report from a branch archived before the month's end still counts
        await reports.insert_report(tx, ids["月末前撤销"], m, 101, "撤销前", at(2026, 11, 2), False)
        await branches.archive_branch(tx, ids["月末前撤销"], at(2026, 11, 3))
        await branches.archive_branch(tx, ids["月末后撤销"], MONTH_END + timedelta(days=1))
        # earlier months: 连续未报 missed the three before, 按时 reported each
        for back, month in enumerate([MONTH.prev(), MONTH.prev().prev(), Month(2026, 8)]):
            await reports.ensure_cycle(tx, str(month), month.first_day.replace(day=25), START)
            await reports.insert_report(
                tx, ids["按时"], str(month), 101, f"前{back}", at(2026, 8, 1), False
            )
        await reports.set_exemption(tx, ids["无书记"], str(Month(2026, 9)), "x", 1, START)
    return ids


@pytest.mark.parametrize("day", [10, 27], ids=["before-due", "after-due"])
async def test_lines_are_the_models_and_the_rule(env: Env, day: int) -> None:
    ids = await _world(env)
    now = at(2026, 11, day, 9)
    async with env.db.transaction() as tx:
        cycle = await cycle_for(env, tx, MONTH, now)
    async with env.db.reading() as tx:
        summary = await summarize(env, tx, MONTH, now)
        views = {v.branch.id: v for v in await branches.branch_views(tx)}
        every = {b.id: b for b in await branches.list_branches(tx, include_archived=True)}
        month_reports = {r.branch_id: r for r in await reports.reports_for_month(tx, str(MONTH))}
        exemptions = await reports.exemptions_for_month(tx, str(MONTH))
        counts = await reports.attachment_counts(tx, str(MONTH))
    wanted = {}
    for b in every.values():
        report = month_reports.get(b.id)
        state = rules.branch_month_state(
            b,
            MONTH,
            reported_late=None if report is None else report.late,
            exempt=b.id in exemptions,
            due_on=cycle.due_on,
            now=now,
            tz=TZ,
        )
        if state is not None:
            wanted[b.id] = state
    assert {ln.branch.id: ln.state for ln in summary.lines} == wanted
    assert [ln.branch.id for ln in summary.lines] == sorted(wanted)
    assert ids["下月新建"] not in wanted and ids["月末前一刻"] in wanted
    assert ids["月末前撤销"] in wanted  # its report counts
    for ln in summary.lines:
        b = every[ln.branch.id]
        assert (ln.branch.name, ln.branch.category) == (b.name, b.category)
        assert (ln.branch.created_at, ln.branch.archived_at) == (b.created_at, b.archived_at)
        assert ln.view.branch == b
        view = views.get(b.id)
        assert ln.view.secretary == (view.secretary if view else None)
        assert ln.view.deputy == (view.deputy if view else None)
        assert ln.has_secretary == (ln.view.secretary is not None)
        assert ln.report == month_reports.get(b.id)
        assert ln.highlighted == (ln.report is not None and ln.report.highlighted_by is not None)
        assert ln.exemption == exemptions.get(b.id)
        assert ln.attachments == counts.get(b.id, 0)
        assert ln.unreachable == [u for u in ln.view.reporters if not u.reachable]
    by_id = {ln.branch.id: ln for ln in summary.lines}
    assert by_id[ids["附件"]].attachments == 3
    assert by_id[ids["亮点"]].highlighted and not by_id[ids["按时"]].highlighted
    assert [u.user_id for u in by_id[ids["拉黑"]].unreachable] != []
    assert {ln.branch.id for ln in summary.without_secretary} == {
        b for b in (ids["无书记"], ids["只有副书记"], ids["月末后撤销"]) if b in wanted
    }  # an archived branch's members were removed
    assert summary.overdue == rules.is_overdue(cycle.due_on, now, TZ)


async def test_missing_runs_equal_the_rule_over_whole_months(env: Env) -> None:
    ids = await _world(env)
    now = at(2026, 11, 27, 9)
    async with env.db.transaction() as tx:
        await cycle_for(env, tx, MONTH, now)
        summary = await summarize(env, tx, MONTH, now, with_failures=False)
        got = await circular.missing_runs(env, tx, summary)
        # the plain way: every earlier month read whole, all missing branches looked up
        missing = [ln.branch.id for ln in summary.having(rules.State.MISSING)]
        past: list[rules.PastMonth | None] = []
        month = MONTH
        for _ in range(circular.RUN_LOOKBACK):
            month = month.prev()
            if await reports.get_cycle(tx, str(month)) is None:
                past.append(None)
                break
            reported = {r.branch_id for r in await reports.reports_for_month(tx, str(month))}
            exempt = await reports.exemptions_for_month(tx, str(month))
            past.append(rules.PastMonth(month, frozenset(reported), frozenset(exempt)))
    lifetimes = {ln.branch.id: ln.branch for ln in summary.lines}
    assert got == rules.missing_runs(missing, lifetimes, past, TZ)
    assert got[ids["连续未报"]] == 4  # this month and the three before
    assert got[ids["无书记"]] == 2  # exempt in September: the run ends there
    assert got[ids["月末前一刻"]] == 1  # not expected before this month


async def test_a_summary_without_people_is_the_same_but_for_views(env: Env) -> None:
    """The digest and the circular read the month without the reporters' columns
    (`people=False`): every line the same as the full summary's, but `view` refused."""
    await _world(env)
    now = at(2026, 11, 27, 9)
    async with env.db.transaction() as tx:
        await cycle_for(env, tx, MONTH, now)
        full = await summarize(env, tx, MONTH, now, with_failures=False)
        lean = await summarize(env, tx, MONTH, now, with_failures=False, people=False)

    def facts(ln: Line) -> tuple[object, ...]:
        return (
            ln.branch,
            ln.state,
            ln.has_secretary,
            ln.report,
            ln.exemption,
            ln.highlighted,
            ln.attachments,
        )

    assert [facts(ln) for ln in lean.lines] == [facts(ln) for ln in full.lines]
    assert [ln.branch.id for ln in lean.without_secretary] == [
        ln.branch.id for ln in full.without_secretary
    ]
    assert any(ln.report for ln in lean.lines) and any(ln.exemption for ln in lean.lines)
    for ln in lean.lines:
        with pytest.raises(LookupError):
            ln.view  # noqa: B018
        with pytest.raises(LookupError):
            ln.unreachable  # noqa: B018
