from bot.testing.sim import Sim
from tests.conftest import ADMIN


async def test_admin_adds_branch_and_invites(sim: Sim) -> None:
    out = await sim.say(ADMIN, "/addbranch 第一支部")
    assert "已添加支部" in (out[-1].plain_text or "")
    out = await sim.say(ADMIN, "/invite 第一支部")
    text = out[-1].plain_text or ""
    assert "https://t.me/zhibu_bot?start=" in text
    token = text.split("start=")[1].split()[0]
    sim.user(101, "李书记")
    out = await sim.say(101, f"/start {token}")
    assert "绑定成功" in (out[-1].plain_text or "")
    out = await sim.say(101, "/report")
    prompt = out[-1]
    out = await sim.say(101, "本月开展主题党日活动一次。", reply_to=prompt)
    assert "已收到" in (out[-1].plain_text or ""), out[-1].plain_text
    out = await sim.say(ADMIN, "/status")
    assert "按时" in (out[-1].plain_text or "")
    print(out[-1].plain_text)
