from bot.testing.sim import Sim
from tests.catalog import check, key
from tests.conftest import ADMIN


async def test_admin_adds_branch_and_invites(sim: Sim) -> None:
    out = await sim.say(ADMIN, "/addbranch 第一支部")
    check(out[-1], "branch_added", name="第一支部")
    out = await sim.say(ADMIN, "/invite 第一支部")
    link = check(out[-1], "invite_created", target="第一支部")["link"]
    assert link.startswith("https://t.me/zhibu_bot?start=")
    token = link.split("start=")[1].split()[0]
    sim.user(101, "李书记")
    out = await sim.say(101, f"/start {token}")
    check(out[-1], "joined_member", branch="第一支部")
    out = await sim.say(101, "/report")
    prompt = out[-1]
    out = await sim.say(101, "本月开展主题党日活动一次。", reply_to=prompt)
    check(out[-1], "report_saved", branch="第一支部", timing=key("timing_on_time"))
    out = await sim.say(ADMIN, "/status")
    check(out[-1], "status_line_on_time", name="第一支部")
    print(out[-1].plain_text)
