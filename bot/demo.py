"""`zhibu demo`: one month of a sample committee, offline, through the real bot.

Everything runs through the real `Application` and handlers against the Bot
API double, with a temporary database and a clock the demo moves forward.
It prints what each person said to whom and when.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.services.base import Env
from bot.settings import Settings
from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Line, Sim
from storage.db import Database

TZ = ZoneInfo("Asia/Shanghai")
ADMIN = 1
COORDINATOR = 2
GROUP = -1001000000001
BRANCHES = [
    ("机关第一党支部", 101, "王建国"),
    ("机关第二党支部", 102, "李红梅"),
    ("教育局党支部", 103, "张志强"),
    ("卫健局党支部", 104, "刘芳"),
    ("城关社区党支部", 105, "陈立新"),
    ("农业农村局党支部", 106, "赵丽"),
]


PLAN = """关于开展2026年党支部规范化建设的工作方案

一、动员部署阶段（11月上旬—11月中旬）
1. 各党支部制定规范化建设工作计划，11月20日前报工委办公室。
二、推进实施阶段（11月21日至12月31日）
2. 完成党员信息核对和组织关系排查，2026年12月15日前完成。
三、工作要求
各党支部每月25日前报送工作进展情况。
"""


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


class DemoError(Exception):
    pass


def _link_token(messages: list[SentMessage]) -> str:
    text = messages[-1].plain_text or ""
    if "start=" not in text:
        raise DemoError(f"expected an invite link, got: {text}")
    return text.split("start=")[1].split()[0]


def _last_with(sim: Sim, chat_id: int, fragment: str) -> SentMessage:
    for message in reversed(sim.double.sent_to(chat_id)):
        if fragment in (message.plain_text or ""):
            return message
    raise DemoError(f"no message with {fragment!r} to {chat_id}")


async def simulate(sim: Sim) -> None:
    """The month. Each step is what a real person would do."""
    sim.user(ADMIN, "管理员（组织委员）")
    sim.user(COORDINATOR, "孙协调（党办）")
    sim.group(GROUP, "县直机关工委工作群")
    await sim.say(ADMIN, "/start")
    await sim.say_in_group(GROUP, ADMIN, "/bindgroup")
    token = _link_token(await sim.say(ADMIN, "/invite coordinator"))
    await sim.say(COORDINATOR, f"/start {token}")
    for name, _, _ in BRANCHES:
        await sim.say(COORDINATOR, f"/addbranch {name}")
    for name, uid, person in BRANCHES:
        token = _link_token(await sim.say(COORDINATOR, f"/invite {name}"))
        sim.user(uid, person)
        await sim.say(uid, f"/start {token}")
    await sim.say(COORDINATOR, "/exempt 农业农村局党支部 2026-11 机构改革，本月暂停报送")
    await sim.say(COORDINATOR, "/schedule")
    # The committee's plan, sent as a file: a preview first, enabled with a tap.
    await sim.feed(
        sim.factory.document(
            COORDINATOR, file_name="规范化建设方案.txt", content=PLAN.encode("utf-8")
        )
    )
    await sim.press(COORDINATOR, sim.double.last_to(COORDINATOR), "启用")

    # 20th, 09:00: the first reminder (5 days before the 25th).
    await sim.advance_to(local(11, 20, 9))
    first, second, education, health, community, _ = (b[1] for b in BRANCHES)
    await sim.say(
        first,
        "本月召开支部委员会2次，开展“三会一课”主题党日1次，发展入党积极分子1名。",
        reply_to=sim.double.last_to(first),
    )
    # After the report the secretary is offered the branch's open tasks.
    await sim.press(first, sim.double.last_to(first), "工作计划")
    await sim.press(first, sim.double.last_to(first), "已完成")
    await sim.say(first, "计划已于11月18日报工委办公室")
    await sim.advance_to(local(11, 21, 15))
    await sim.say(second, "/report")
    await sim.say(second, "完成党员信息采集，组织党员志愿服务进社区活动，参与12人次。")
    await sim.advance_to(local(11, 22, 10))
    photo = sim.factory.photo(
        education,
        caption="组织开展党史学习教育专题读书班，全体党员参加。",
        reply_to=sim.double.last_to(education),
    )
    await sim.feed(photo)
    # The second secretary corrects the report with the button under the acknowledgement.
    ack = _last_with(sim, second, "已收到")
    await sim.press(second, ack, "修改")
    await sim.say(second, "完成党员信息采集，组织党员志愿服务进社区活动3次，参与36人次。")

    # The 23rd and the 25th bring the next reminders to those still missing.
    await sim.advance_to(local(11, 25, 15))
    await sim.say(COORDINATOR, "/status")
    status_msg = await sim.say(COORDINATOR, "/status 教育局党支部")
    await sim.press(COORDINATOR, status_msg[-1], "亮点")

    # 26th, 09:00: overdue nudges, the digest and the circular.
    await sim.advance_to(local(11, 26, 9))
    await sim.advance_to(local(11, 27, 11))
    await sim.say(health, "/report")
    await sim.say(health, "补报：完成医院党支部标准化建设自查，整改问题3项。")
    await sim.advance_to(local(11, 28, 9))
    await sim.say(COORDINATOR, "/status")
    await sim.say(community, "/myreports")


def render(lines: list[Line], out: TextIO) -> None:
    for line in lines:
        stamp = line.at.astimezone(TZ).strftime("%m-%d %H:%M")
        body = line.text.strip().replace("\n", "\n" + " " * 14)
        out.write(f"{stamp}  {line.who} → {line.to}\n{' ' * 14}{body}\n")


async def run_demo(out: TextIO, verbose: bool = True) -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zhibu-demo-") as folder:
        cfg = Settings(  # the demo ignores .env: it must behave the same everywhere
            _env_file=None,
            db=Path(folder) / "demo.sqlite3",
            admin_ids=[ADMIN],
            org_name="示范县直属机关工委",
        )
        db = await Database.open(cfg.db)
        try:
            async with Sim(Env(db=db, cfg=cfg), local(11, 2, 9)) as sim:
                try:
                    await simulate(sim)
                except DemoError as exc:
                    out.write(f"demo failed: {exc}\n")
                    return 1
                if verbose:
                    render(sim.transcript.lines, out)
                sent = len(sim.double.messages)
        finally:
            await db.close()
    elapsed = time.perf_counter() - started
    out.write(
        f"\n— zhibu demo: 2026年11月, {len(BRANCHES)} 个支部, {sent} 条机器人消息, "
        f"用时 {elapsed:.1f} 秒（离线，无需令牌）。\n"
    )
    return 0
