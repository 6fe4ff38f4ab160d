"""The move menu never offers a month before the committee began: no cycle can be created
there (cycle_for's guard), so such a button could only fail."""

from __future__ import annotations

from bot.calendar import Month
from bot.services.fmt import month_label
from bot.testing.sim import Sim
from tests.catalog import label
from tests.helpers import committee

SEC = 901
OCT = month_label("zh-Hans", Month(2026, 10))


async def test_move_menu_offers_a_month_before_the_committee(sim: Sim) -> None:
    await committee(sim, {"甲支部": SEC})
    await sim.say(SEC, "/report")
    ack = (await sim.say(SEC, "十一月的报告。"))[-1]
    out = await sim.press(SEC, ack, label("move_btn_move"))
    offered = label("move_btn_target", branch="甲支部", month=OCT)
    buttons = [b for b, _ in (out[-1].buttons() or [])]
    if offered in buttons:
        before = len(sim.double.callback_answers)
        after = await sim.press(SEC, out[-1], offered)
        answers = [str(a.get("text")) for a in sim.double.callback_answers[before:]]
        texts = [m.text for m in after]
        raise AssertionError(f"offered {offered!r}; tapping it gives {answers} {texts}")
