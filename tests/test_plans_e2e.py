"""From a plan document sent in chat to the circular's plan section."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.services.base import Env
from bot.testing.sim import Sim
from storage import plans as store
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, text_of

A, B = 1101, 1102
PLAN = """关于开展2026年党支部规范化建设的工作方案

一、动员部署阶段（11月上旬—11月中旬）
1. 各党支部制定规范化建设工作计划，11月20日前报党委办。
二、推进实施阶段（11月21日至12月31日）
2. 完成党员信息核对和组织关系排查，2026年12月15日前完成。
三、工作要求
各党支部每月25日前报送工作进展情况。
"""


async def send_plan(sim: Sim, user: int, content: str, name: str = "方案.txt") -> str:
    update = sim.factory.document(user, file_name=name, content=content.encode("utf-8"))
    return text_of(await sim.feed(update))


async def test_plan_document_to_circular(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B})
    preview = await send_plan(sim, ADMIN, PLAN)
    assert "方案预览" in preview and "尚未生效" in preview
    assert "动员部署阶段" in preview and "推进实施阶段" in preview
    async with env.db.reading() as tx:
        assert await store.active_plans(tx) == []  # nothing before confirmation
    out = await sim.press(ADMIN, sim.double.last_to(ADMIN), "启用")
    assert "已启用" in text_of(out)
    overview = text_of(await sim.say(ADMIN, "/plan"))
    assert "▶ 动员部署阶段" in overview and "0/2 个支部已完成" in overview

    # A reports and is offered the open tasks; marks the first one done, with a note.
    await sim.say(A, "/report")
    out = await sim.say(A, "十一月工作情况。")
    offer = out[-1]
    assert "任务进展" in (offer.plain_text or "")
    out = await sim.press(A, offer, "规范化建设工作计划")
    out = await sim.press(A, out[-1], "已完成")
    assert "已更新" in text_of(out)
    assert "已保存备注" in text_of(await sim.say(A, "计划已报党委办"))
    mine = text_of(await sim.say(A, "/mytasks"))
    assert "✅" in mine and "计划已报党委办" in mine

    # B never finishes task 1: overdue after the 20th, shown in /status and the circular.
    await sim.advance_to(at(2026, 11, 21, 10))
    detail = text_of(await sim.say(ADMIN, "/status 乙支部"))
    assert "逾期未完成任务（1项）" in detail and "规范化建设工作计划" in detail
    await sim.advance_to(at(2026, 11, 26, 10))
    circular = next(
        m.plain_text or ""
        for m in sim.double.sent_to(COORD_GROUP)
        if "关于2026年11月" in (m.plain_text or "")
    )
    assert "计划进展" in circular and "推进实施阶段" in circular
    assert "1/2个支部已完成" in circular
    assert "逾期未完成：各党支部制定规范化建设工作计划" in circular and "（乙支部）" in circular


async def test_task_deadline_reminders(sim: Sim) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B})
    await send_plan(sim, ADMIN, PLAN)
    await sim.press(ADMIN, sim.double.last_to(ADMIN), "启用")
    # A finishes task 2 early; only B is reminded 7 and 1 days before 12-15.
    states = await sim.say(A, "/mytasks")
    out = await sim.press(A, states[-1], "党员信息核对")
    await sim.press(A, out[-1], "已完成")
    await sim.advance_to(at(2026, 12, 15, 12), step=__import__("datetime").timedelta(hours=6))
    reminders_b = [
        m
        for m in sim.double.sent_to(B)
        if "📌" in (m.plain_text or "") and "党员信息核对" in (m.plain_text or "")
    ]
    reminders_a = [
        m
        for m in sim.double.sent_to(A)
        if "📌" in (m.plain_text or "") and "党员信息核对" in (m.plain_text or "")
    ]
    assert [m.date.astimezone(at(2026, 1, 1).tzinfo).day for m in reminders_b] == [8, 14]
    assert reminders_a == []


async def test_plan_upload_refusals(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    # A secretary's document is evidence, never a plan.
    out = await send_plan(sim, A, PLAN)
    assert "佐证材料" in out
    # Garbage and unsupported types get clear answers; nothing is stored.
    assert "无法读取" in await send_plan(sim, ADMIN, "\x00\x01", name="x.docx")
    assert "没有找到阶段或任务" in await send_plan(sim, ADMIN, "这里没有任何日期。")
    # A confirmed draft cannot be confirmed twice (stale button).
    await send_plan(sim, ADMIN, PLAN)
    preview = sim.double.last_to(ADMIN)
    await sim.press(ADMIN, preview, "启用")
    before = len(sim.double.callback_answers)
    await sim.feed(sim.factory.callback(ADMIN, preview, preview.callback_data("启用")))
    assert "失效" in str(sim.double.callback_answers[before:])


def test_plan_cli_extract_and_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZHIBU_DB", str(tmp_path / "z.sqlite3"))
    src = tmp_path / "plan.txt"
    src.write_text(PLAN, encoding="utf-8")
    assert main(["plan", "extract", str(src), "--json"]) == 0
    assert '"kind": "phase"' in capsys.readouterr().out
    assert main(["plan", "extract", str(src)]) == 0
    yaml_text = capsys.readouterr().out
    out = tmp_path / "plan.yaml"
    out.write_text(yaml_text, encoding="utf-8")
    assert main(["plan", "import", str(out)]) == 0
    assert "imported plan 1" in capsys.readouterr().out
    assert main(["plan", "import", str(out)]) == 2  # the same plan twice: refused
    assert "已经启用" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nyear: oops\n", encoding="utf-8")
    assert main(["plan", "import", str(bad)]) == 2


async def test_task_statuses_reach_the_ledger(sim: Sim) -> None:
    import io

    import openpyxl

    from bot.records import labels

    await committee(sim, {"甲支部": A, "乙支部": B})
    await send_plan(sim, ADMIN, PLAN)
    await sim.press(ADMIN, sim.double.last_to(ADMIN), "启用")
    states = await sim.say(A, "/mytasks")
    out = await sim.press(A, states[-1], "规范化建设工作计划")
    await sim.press(A, out[-1], "已完成")
    await sim.say(ADMIN, "/export 2026")
    doc = sim.double.last_to(ADMIN)
    assert doc.kind == "document" and doc.file_bytes
    book = openpyxl.load_workbook(io.BytesIO(doc.file_bytes))
    rows = [[c.value for c in row] for row in book[labels.SHEET_TASKS].iter_rows()]
    flat = [" ".join(str(v) for v in row if v is not None) for row in rows]
    assert any("甲支部" in r and "规范化建设工作计划" in r and "已完成" in r for r in flat), flat
    assert any("乙支部" in r and "未开始" in r for r in flat), flat


async def test_renaming_a_branch_keeps_its_assigned_tasks(sim: Sim) -> None:
    """QA2 B4: tasks assigned by name followed the old name."""
    await committee(sim, {"一支部": A, "二支部": B})
    yaml_plan = (
        "title: 专项方案\nyear: 2026\ntasks:\n"
        "  - title: 完成专项整改\n    due: 2026-12-10\n    branches: [一支部]\n"
    )
    preview = await send_plan(sim, ADMIN, yaml_plan, name="plan.yaml")
    assert "只分配给：一支部" in preview and "不存在" not in preview
    await sim.press(ADMIN, sim.double.last_to(ADMIN), "启用")
    assert "完成专项整改" in text_of(await sim.say(A, "/mytasks"))
    assert "完成专项整改" not in text_of(await sim.say(B, "/mytasks"))
    await sim.say(ADMIN, "/renamebranch 一支部 第一党支部")
    assert "完成专项整改" in text_of(await sim.say(A, "/mytasks"))
    assert "0/1 个支部已完成" in text_of(await sim.say(ADMIN, "/plan"))
