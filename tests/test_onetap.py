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
