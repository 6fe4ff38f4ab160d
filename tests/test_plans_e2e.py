"""From a plan document sent in chat to the circular's plan section."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.cli import main
from bot.services.base import Env
from bot.testing.botapi_double import Fault, SentMessage
from bot.testing.sim import Sim
from handlers.plans import STATUS_MARK
from storage import plans as store
from tests.catalog import check, find, key, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, text_of

A, B = 1101, 1102
ENABLE, DONE = label("plan_btn_enable"), label("task_status_done")
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


async def plan_enabled(sim: Sim) -> None:
    """甲支部 (A) and 乙支部 (B); the admin sends PLAN and enables it."""
    await committee(sim, {"甲支部": A, "乙支部": B})
    await send_plan(sim, ADMIN, PLAN)
    await sim.press(ADMIN, sim.double.last_to(ADMIN), ENABLE)


async def mark_done(sim: Sim, user: int, task: str) -> None:
    """`user` marks their task `task` (a button's words) done through /mytasks."""
    states = await sim.say(user, "/mytasks")
    out = await sim.press(user, states[-1], task)
    await sim.press(user, out[-1], DONE)


def task_reminders(sim: Sim, chat: int, task: str) -> list[SentMessage]:
    """The task reminders sent to `chat` about the task whose name holds `task`."""
    return [
        m
        for m in sim.double.sent_to(chat)
        if task in (find(m, "task_remind") or {}).get("task", "")
    ]


async def test_plan_document_to_circular(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": A, "乙支部": B})
    preview = await send_plan(sim, ADMIN, PLAN)
    check(preview, "plan_preview_head")
    assert "动员部署阶段" in preview and "推进实施阶段" in preview
    async with env.db.reading() as tx:
        assert await store.active_plans(tx) == []  # nothing before confirmation
    out = await sim.press(ADMIN, sim.double.last_to(ADMIN), ENABLE)
    check(out, "plan_enabled")
    overview = await sim.say(ADMIN, "/plan")
    check(overview, "plan_phase_line", mark="▶", title="动员部署阶段")
    check(overview, "plan_task_line", done=0, total=2)

    # A reports and is offered the open tasks; marks the first one done, with a note.
    await sim.say(A, "/report")
    out = await sim.say(A, "十一月工作情况。")
    offer = out[-1]
    check(offer, "tasks_offer")
    out = await sim.press(A, offer, "规范化建设工作计划")
    out = await sim.press(A, out[-1], DONE)
    check(out, "task_saved", status=key("task_status_done"))
    check(await sim.say(A, "计划已报党委办"), "task_note_saved")
    mine = await sim.say(A, "/mytasks")
    note = key("task_note_shown", note="计划已报党委办")
    check(mine, "task_line", mark=STATUS_MARK["done"], note=note)

    # B never finishes task 1: overdue after the 20th, shown in /status and the circular.
    await sim.advance_to(at(2026, 11, 21, 10))
    detail = await sim.say(ADMIN, "/status 乙支部")
    check(detail, "status_overdue_tasks", count=1)
    assert "规范化建设工作计划" in check(detail, "status_overdue_task")["task"]
    await sim.advance_to(at(2026, 11, 26, 10))
    circular = next(
        m for m in sim.double.sent_to(COORD_GROUP) if matches(m, "circ_title", y=2026, m=11)
    )
    check(circular, "circ_sec_plans")
    assert "推进实施阶段" in (circular.plain_text or "")
    check(circular, "circ_task_line", done=1, total=2)
    # Overdue branches by count, a few named, on the task's own line (issue 9).
    check(circular, "circ_task_late", count=1, names="乙支部")
    assert not matches(circular, "circ_tasks_overdue")


async def test_task_deadline_reminders(sim: Sim) -> None:
    await plan_enabled(sim)
    # A finishes task 2 early; only B is reminded 7 and 1 days before 12-15.
    await mark_done(sim, A, "党员信息核对")
    await sim.advance_to(at(2026, 12, 15, 12), step=__import__("datetime").timedelta(hours=6))
    reminders_b = task_reminders(sim, B, "党员信息核对")
    assert [m.date.astimezone(at(2026, 1, 1).tzinfo).day for m in reminders_b] == [8, 14]
    assert task_reminders(sim, A, "党员信息核对") == []


async def test_plan_upload_refusals(sim: Sim) -> None:
    await committee(sim, {"甲支部": A})
    # A secretary's document is never a plan: its text is offered as the report.
    out = await send_plan(sim, A, PLAN)
    check(out, "report_file_offer")
    assert not matches(out, "plan_preview_head")
    # Garbage and unsupported types get clear answers; nothing is stored.
    check(await send_plan(sim, ADMIN, "\x00\x01", name="x.docx"), "plan_unreadable")
    check(await send_plan(sim, ADMIN, "这里没有任何日期。"), "plan_empty")
    # A confirmed draft cannot be confirmed twice (stale button).
    await send_plan(sim, ADMIN, PLAN)
    preview = sim.double.last_to(ADMIN)
    await sim.press(ADMIN, preview, ENABLE)
    before = len(sim.double.callback_answers)
    await sim.feed(sim.factory.callback(ADMIN, preview, preview.callback_data(ENABLE)))
    check([str(a.get("text")) for a in sim.double.callback_answers[before:]], "stale_button")


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
    check(capsys.readouterr().err, "plan_exists", year=2026)
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nyear: oops\n", encoding="utf-8")
    assert main(["plan", "import", str(bad)]) == 2


async def test_task_statuses_reach_the_ledger(sim: Sim) -> None:
    import io

    import openpyxl

    from bot.records import labels

    await plan_enabled(sim)
    await mark_done(sim, A, "规范化建设工作计划")
    await sim.say(ADMIN, "/export 2026")
    doc = sim.double.last_to(ADMIN)
    assert doc.kind == "document" and doc.file_bytes
    book = openpyxl.load_workbook(io.BytesIO(doc.file_bytes))
    rows = [[c.value for c in row] for row in book[labels.SHEET_TASKS].iter_rows()]
    flat = [" ".join(str(v) for v in row if v is not None) for row in rows]
    done, todo = labels.TASK_STATUS_LABEL["done"], labels.TASK_STATUS_LABEL["todo"]
    assert any("甲支部" in r and "规范化建设工作计划" in r and done in r for r in flat), flat
    assert any("乙支部" in r and todo in r for r in flat), flat


async def test_renaming_a_branch_keeps_its_assigned_tasks(sim: Sim) -> None:
    """QA2 B4: tasks assigned by name followed the old name."""
    await committee(sim, {"一支部": A, "二支部": B})
    yaml_plan = (
        "title: 专项方案\nyear: 2026\ntasks:\n"
        "  - title: 完成专项整改\n    due: 2026-12-10\n    branches: [一支部]\n"
    )
    preview = await send_plan(sim, ADMIN, yaml_plan, name="plan.yaml")
    assert "只分配给：一支部" in preview and "不存在" not in preview
    await sim.press(ADMIN, sim.double.last_to(ADMIN), ENABLE)
    assert "完成专项整改" in text_of(await sim.say(A, "/mytasks"))
    assert "完成专项整改" not in text_of(await sim.say(B, "/mytasks"))
    await sim.say(ADMIN, "/renamebranch 一支部 第一党支部")
    assert "完成专项整改" in text_of(await sim.say(A, "/mytasks"))
    check(await sim.say(ADMIN, "/plan"), "plan_task_line", task="完成专项整改", done=0, total=1)


@pytest.mark.parametrize("failure", ["getFile refused", "getFile network", "download 404"])
async def test_a_file_telegram_cannot_give_gets_a_clear_answer_and_no_admin_page(
    sim: Sim, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    await committee(sim, {"甲支部": A})
    if failure == "getFile refused":
        sim.double.inject(Fault.error(400, "Bad Request: file is too big"), method="getFile")
    elif failure == "getFile network":
        sim.double.inject(Fault.network(), method="getFile")
    else:  # Telegram answers 404 for the file itself: PTB says "InvalidToken: Not Found"
        download = sim.double._download
        monkeypatch.setattr(sim.double, "_download", lambda path: download(f"gone/{path}"))
    before = len(sim.double.sent_to(ADMIN))
    with caplog.at_level(logging.INFO):
        out = await send_plan(sim, ADMIN, PLAN)
    check(out, "file_download_failed")
    to_admin = sim.double.sent_to(ADMIN)[before:]
    assert not matches(to_admin, "error_report_admin") and not matches(to_admin, "internal_error")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelno for r in warnings] == [logging.WARNING], [r.getMessage() for r in warnings]
    assert "download" in warnings[0].getMessage() and warnings[0].exc_info is None
    # Sent again once Telegram can give it, it is read as usual.
    monkeypatch.undo()
    check(await send_plan(sim, ADMIN, PLAN), "plan_preview_head")
