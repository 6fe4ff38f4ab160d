"""A report sent as a Word document or a text file: its text is offered as the report."""

from __future__ import annotations

from bot.calendar import Month
from bot.services.base import Env
from bot.services.fmt import month_label
from bot.services.report_files import report_file_text
from bot.testing.sim import Sim
from storage import branches, reports
from tests.catalog import check, label
from tests.conftest import ADMIN
from tests.docs import word_file as word
from tests.docs import zip_of
from tests.helpers import committee

SEC = 801
NOV = month_label("zh-Hans", Month(2026, 11))


async def _state(env: Env) -> tuple[str | None, int]:
    async with env.db.reading() as tx:
        branch = await branches.find_branch(tx, "甲支部")
        assert branch is not None
        report = await reports.get_report(tx, branch.id, "2026-11")
        files = await reports.attachments(tx, branch.id, "2026-11")
    return (None if report is None else report.text), len(files)


async def test_a_word_document_is_offered_as_the_report(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    data = word("十一月工作情况", "", "", "一、召开支部大会。", "二、开展主题党日。")
    out = await sim.feed(sim.factory.document(SEC, file_name="十一月.docx", content=data))
    check(out, "report_file_offer", name="十一月.docx")
    check(out, "typed_held")
    assert await _state(env) == (None, 0)  # nothing filed before the tap
    out = await sim.press(SEC, out[-1], label("typed_btn_submit", branch="甲支部", month=NOV))
    check(out, "report_saved", branch="甲支部")
    text, _ = await _state(env)
    assert text == "十一月工作情况\n\n一、召开支部大会。\n二、开展主题党日。"


async def test_a_long_document_is_kept_as_evidence_and_the_limit_said(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    data = word("学" * 2500)
    out = await sim.feed(sim.factory.document(SEC, file_name="长.docx", content=data))
    check(out, "report_file_too_long", length=2500, max=2000)
    check(out, "attach_saved_need_text", branch="甲支部")
    assert await _state(env) == (None, 1)


async def test_text_files_in_chinese_encodings(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    for encoded in ("报告正文".encode("gb18030"), "报告正文".encode("utf-16")):
        out = await sim.feed(sim.factory.document(SEC, file_name="报告.txt", content=encoded))
        check(out, "report_file_offer", chars=4)
        await sim.press(SEC, out[-1], label("typed_btn_not_report"))
    assert report_file_text("a.txt", "\ufeff正文".encode()) == "正文"


async def test_too_big_and_unreadable_files_are_evidence_only(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": SEC})
    big = b"x" * (2 * 1024 * 1024 + 1)
    out = await sim.feed(sim.factory.document(SEC, file_name="大.txt", content=big))
    check(out, "report_file_too_big", mb=2)
    check(out, "attach_saved_need_text")
    out = await sim.feed(sim.factory.document(SEC, file_name="坏.docx", content=b"PK\x03\x04x"))
    check(out, "report_file_unreadable")
    assert await _state(env) == (None, 2)


def test_a_zip_bomb_is_not_opened() -> None:
    bomb = zip_of({"word/document.xml": b"\0" * (9 * 1024 * 1024)})
    assert len(bomb) < 2 * 1024 * 1024
    assert report_file_text("bomb.docx", bomb) is None


async def test_a_coordinators_plan_file_is_still_a_plan(sim: Sim) -> None:
    await committee(sim, {"甲支部": SEC})
    data = word("关于开展学习教育的实施方案", "一、学习阶段（2026年11月）")
    out = await sim.feed(sim.factory.document(ADMIN, file_name="方案.docx", content=data))
    check(out, "plan_preview_head")
