"""A real committee's month: one tap instead of a wall, commands that do what they say."""

from __future__ import annotations

from bot.testing.sim import Sim
from tests.catalog import check, key
from tests.conftest import ADMIN
from tests.helpers import committee

A, B, C = 901, 902, 903


async def test_exempt_without_a_month_means_this_month(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B})
    out = await sim.say(ADMIN, "/exempt 乙支部 换届选举")
    check(
        out, "exempt_done", branch="乙支部", month=key("fmt_month", y=2026, m=11), reason="换届选举"
    )
    check(await sim.say(ADMIN, "/status"), "status_line_exempt", name="乙支部", reason="换届选举")
    out = await sim.say(ADMIN, "/unexempt 乙支部")
    check(out, "unexempt_done", branch="乙支部")
    check(await sim.say(ADMIN, "/exempt 乙支部 2026-13 理由"), "month_bad", value="2026-13")


# Keys where 逾期 is right: overdue *tasks*, and "已逾期N天" in the nudge to a branch
# whose report is past due. A late *report* is 迟报 everywhere, "late" in English.
OVERDUE_TASK_KEYS = {"task_overdue", "status_overdue_tasks", "circ_tasks_overdue"}


def test_a_late_report_is_called_chibao_everywhere() -> None:
    from bot.i18n import CATALOGS
    from bot.records import labels
    from bot.rules import State

    for lang in ("zh-Hans", "zh-Hant"):
        for name, text in CATALOGS[lang].items():
            if name in OVERDUE_TASK_KEYS:
                continue
            rest = text.replace("已逾期 {days} 天", "")
            assert "逾期" not in rest, (lang, name, text)
    assert "迟报" in CATALOGS["zh-Hans"]["timing_late"]
    assert "迟报" in CATALOGS["zh-Hans"]["status_line_late"]
    assert "迟报" in CATALOGS["zh-Hans"]["circ_sec_late"]
    assert "迟报" in CATALOGS["zh-Hans"]["circ_totals"]
    assert "迟报" in CATALOGS["zh-Hans"]["rec_review_line"]
    assert labels.STATE_LABEL[State.LATE] == "迟报"
    assert "迟报" in labels.CHART_STATES and "逾期" not in labels.CHART_STATES
    for name in ("timing_late", "status_line_late", "circ_sec_late"):
        assert "late" in CATALOGS["en"][name].lower() and "overdue" not in CATALOGS["en"][name]
