"""换届: the former secretary who replies to an old reminder learns who took over."""

from __future__ import annotations

from bot.calendar import Month
from bot.services.base import Env
from bot.services.fmt import month_label
from bot.testing.sim import Sim
from storage import branches, reports
from tests.catalog import check
from tests.conftest import at
from tests.helpers import committee, invite_token

OLD, NEW = 601, 602
NOV = month_label("zh-Hans", Month(2026, 11))


async def test_former_secretary_replying_to_a_reminder_is_told_who_took_over(
    sim: Sim, env: Env
) -> None:
    await committee(sim, {"南支部": OLD})
    await sim.advance_to(at(2026, 11, 20, 9))
    reminder = sim.double.last_to(OLD)
    check(reminder, "remind_days", branch="南支部")
    sim.user(NEW, "新书记")
    await sim.say(NEW, f"/start {await invite_token(sim, '南支部')}")
    out = await sim.say(OLD, "本月工作情况……", reply_to=reminder)
    check(out, "reply_handed_over", name="新书记", branch="南支部", month=NOV)
    out = await sim.feed(sim.factory.photo(OLD, caption="照片", reply_to=reminder))
    check(out, "reply_handed_over", name="新书记", branch="南支部")
    async with env.db.reading() as tx:
        branch = await branches.find_branch(tx, "南支部")
        assert branch is not None
        assert await reports.get_report(tx, branch.id, "2026-11") is None
        assert await reports.attachments(tx, branch.id, "2026-11") == []
