"""Report forms end to end against the Bot API double: the sample 机关党支部 form
answered field by field (a bad number, a skipped optional item), a restart in the
middle of the draft, the template pasted back filled, a single-field revision,
evidence while filling in, a form changed mid-year, and the command line."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.calendar import Month
from bot.cli import main
from bot.forms.model import Field, Form
from bot.forms.yamlio import load_form_file
from bot.records.data import load_year
from bot.records.ledger import ledger_xlsx
from bot.services import forms
from bot.services.base import Actor, Env, TgUser, identify
from bot.testing.botapi_double import BotApiDouble, SentMessage
from bot.testing.sim import Sim
from storage import branches
from storage import reports as report_store
from tests.catalog import check, label, matches
from tests.conftest import COORD_GROUP, at
from tests.helpers import founded, open_env, text_of

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "forms" / "机关党支部.yaml"
JIA, YI, BING = 701, 702, 703
JUNE = Month(2026, 6)


@asynccontextmanager
async def opened(path: Path) -> AsyncIterator[Env]:
    """A world on a database file, closed whatever happens (an open aiosqlite thread
    would keep a failed test's process from ending)."""
    env = await open_env(path)
    try:
        yield env
    finally:
        await env.db.close()


def with_button(out: list[SentMessage], text: str) -> SentMessage:
    """The last message that has a button whose label contains `text`."""
    for m in reversed(out):
        if any(text in lbl for lbl, _ in m.buttons()):
            return m
    raise AssertionError(f"no button {text!r} in:\n{text_of(out)}")


def asked(out: list[SentMessage], field_label: str) -> bool:
    return any(matches(m, "form_ask", label=field_label) for m in out)


async def actor_of(sim: Sim, user_id: int) -> Actor:
    return await identify(sim.env, TgUser(user_id), sim.clock())


async def branch_id(sim: Sim, name: str) -> int:
    async with sim.env.db.reading() as tx:
        found = await branches.find_branch(tx, name)
    assert found is not None
    return found.id


async def test_a_month_with_the_sample_form(tmp_path: Path) -> None:
    path = tmp_path / "zhibu.sqlite3"
    double = BotApiDouble()
    async with opened(path) as env, Sim(env, at(2026, 6, 2, 10), double=double) as sim:
        await founded(sim, {"甲支部": JIA, "乙支部": YI, "丙支部": BING})
        await forms.set_form(env, load_form_file(SAMPLE), JUNE, sim.clock())

        out = await sim.say(JIA, "/report")
        check(out, "form_intro", branch="甲支部", count=11)
        assert asked(out, "本月重点工作")
        out = await sim.say(JIA, "学习贯彻党的二十大精神")
        assert asked(out, "支部党员大会")
        out = await sim.say(JIA, "两三次")  # not a number: said so, asked again
        check(out, "form_bad_number", example=2)
        assert asked(out, "支部党员大会")
        out = await sim.say(JIA, "２")  # full-width: fine
        assert asked(out, "支委会")
        for answer, nxt in [("1", "党小组会"), ("3次", "党课"), ("1", "主题党日")]:
            out = await sim.say(JIA, answer)
            assert asked(out, nxt), text_of(out)
        out = await sim.press(JIA, with_button(out, label("form_btn_yes")), label("form_btn_yes"))
        assert asked(out, "主题党日主题")  # asked only because 主题党日 is 是
        # Evidence while filling in: kept for this branch and month, the caption is no report.
        out = await sim.feed(sim.factory.photo(JIA, caption="主题党日合影"))
        check(out, "attach_saved_form", branch="甲支部")
        stopped_at = sim.clock()

    # A new process, the next day: the question has lapsed, the draft has not.
    async with opened(path) as env, Sim(env, at(2026, 6, 3, 9), double=double) as sim:
        sim.names.update({JIA: "甲", YI: "乙", BING: "丙"})
        assert sim.clock() > stopped_at
        out = await sim.say(JIA, "/report")
        check(out, "form_resume", branch="甲支部", done=6, count=11)
        assert asked(out, "主题党日主题")
        out = await sim.say(JIA, "重温入党誓词")
        assert asked(out, "党费收缴")
        out = await sim.say(JIA, "是")
        assert asked(out, "发展党员")
        out = await sim.say(JIA, "0")
        assert asked(out, "存在问题")
        out = await sim.press(JIA, with_button(out, label("form_btn_skip")), label("form_btn_skip"))
        assert asked(out, "下月计划")
        out = await sim.say(JIA, "继续开展主题教育")
        check(out, "form_summary_head", branch="甲支部")
        check(out, "form_summary_line", label="支部党员大会", value="2")
        check(out, "form_summary_ready")
        out = await sim.press(
            JIA, with_button(out, label("form_btn_submit")), label("form_btn_submit")
        )
        check(out, "form_submitted", branch="甲支部", count=10)
        jia = await branch_id(sim, "甲支部")
        async with env.db.reading() as tx:
            report = await report_store.get_report(tx, jia, "2026-06")
            photos = await report_store.attachments(tx, jia, "2026-06")
        assert report is not None and report.revisions == 1
        assert "支部党员大会：2" in report.text and "主题党日主题：重温入党誓词" in report.text
        assert "存在问题" not in report.text  # skipped
        assert [p.caption for p in photos] == ["主题党日合影"]

        # One item changed after submitting: only that one, its first value kept.
        out = await sim.press(
            JIA, with_button(out, label("form_btn_change")), label("form_btn_change")
        )
        check(out, "form_pick_field")
        out = await sim.press(JIA, with_button(out, "党课"), "党课")
        check(out, "form_ask_fix", label="党课", value="1")
        out = await sim.say(JIA, "两")
        check(out, "form_field_revised", label="党课", value="2", revisions=2)
        history = await forms.field_history(env, await actor_of(sim, JIA), report.id)
        assert [(h.revision, h.value) for h in history if h.key == "party_lecture"] == [
            (1, 1),
            (2, 2),
        ]
        assert [h.revision for h in history if h.key == "members_meeting"] == [1]
        month = await forms.answers_for_month(env, JUNE)
        assert month.values()[jia]["party_lecture"] == 2
        assert month.values()[jia]["theme_day"] is True
        assert month.values()[jia]["problems"] is None

        # The template, pasted back filled: what it could not read is named.
        out = await sim.say(BING, "/report")
        out = await sim.press(
            BING, with_button(out, label("form_btn_paste")), label("form_btn_paste")
        )
        check(out, "form_paste_ask")
        assert "支部党员大会：" in text_of(out)
        filled = (
            "本月重点工作：组织生活会\n支部党员大会：1\n支委会：2\n党小组会：很多\n党课：1\n"
            "主题党日（是/否）：否\n党费收缴（是/否）：是\n发展党员：1\n存在问题：\n下月计划：学习"
        )
        out = await sim.say(BING, filled)
        check(out, "form_summary_unread", fields="党小组会")
        check(out, "form_summary_missing", fields="党小组会")
        assert not any(label("form_btn_submit") in lbl for m in out for lbl, _ in m.buttons())
        out = await sim.press(
            BING, with_button(out, label("form_btn_steps")), label("form_btn_steps")
        )
        assert asked(out, "党小组会")
        out = await sim.say(BING, "4")
        check(out, "form_summary_ready")
        out = await sim.press(
            BING, with_button(out, label("form_btn_submit")), label("form_btn_submit")
        )
        check(out, "form_submitted", branch="丙支部")
        month = await forms.answers_for_month(env, JUNE)
        bing = await branch_id(sim, "丙支部")
        assert month.values()[bing]["group_meeting"] == 4
        assert month.values()[bing]["theme_day"] is False
        assert "theme_day_topic" not in month.values()[bing]

        # A reply to a reminder walks the form too: the reply is the first answer.
        await sim.advance_to(at(2026, 6, 20, 10))
        reminder = next(
            m for m in reversed(double.messages) if m.chat_id == YI and matches(m, "remind_days")
        )
        out = await sim.say(YI, "党史学习", reply_to=reminder)
        assert asked(out, "支部党员大会")
        out = await sim.say(YI, "/cancel")  # pauses; the draft stays
        check(out, "form_cancel_kept", done=1)
        out = await sim.say(YI, "/report")
        check(out, "form_resume", branch="乙支部", done=1)
        assert asked(out, "支部党员大会")

        # The circular after the due day counts the form; /status shows one field.
        await sim.advance_to(at(2026, 6, 26, 10))
        posted = "\n".join(
            m.plain_text for m in double.messages if m.chat_id == COORD_GROUP and m.plain_text
        )
        assert "报表填报情况" in posted
        assert "《机关党支部月度工作报告》（2个支部填报）" in posted
        assert "· 主题党日：1/2个支部" in posted and "· 党小组会：2/2个支部，合计7" in posted
        out = await sim.say(1, "/status 主题党日")
        assert matches(out[-1], "form_status_group", value="否", count=1)
        # The ledger: a sheet for the form, one row a branch, real numbers, a totals row.
        data = await load_year(env, 2026, sim.clock())
        ws = load_workbook(io.BytesIO(ledger_xlsx(data)))["报表·机关党支部月度工作报告"]
        rows = list(ws.iter_rows(values_only=True))
        col = {h: i for i, h in enumerate(rows[0])}
        assert [r[0] for r in rows[1:]] == ["甲支部", "丙支部", "合计"]
        assert rows[1][col["党课"]] == 2 and rows[2][col["党小组会"]] == 4
        assert rows[1][col["存在问题"]] is None and rows[2][col["主题党日"]] == "否"
        assert rows[-1][col["党小组会"]] == 7 and rows[-1][col["主题党日"]] == 1


async def test_a_form_changed_mid_year_keeps_each_month_its_own(tmp_path: Path) -> None:
    async with opened(tmp_path / "zhibu.sqlite3") as env, Sim(env, at(2026, 6, 2, 10)) as sim:
        await founded(sim, {"甲支部": JIA})
        count = Field(key="meetings", label="支部党员大会", type="number")
        first = Form(title="上半年", fields=[count])
        v1 = await forms.set_form(env, first, JUNE, sim.clock())
        out = await sim.say(JIA, "/report")
        out = await sim.say(JIA, "3")
        out = await sim.press(
            JIA, with_button(out, label("form_btn_submit")), label("form_btn_submit")
        )
        check(out, "form_submitted", branch="甲支部", count=1)

        await sim.advance_to(at(2026, 7, 1, 9), step=timedelta(days=1))
        theme = Field(key="theme_day", label="主题党日", type="yesno")
        second = Form(title="下半年", fields=[count, theme])
        v2 = await forms.set_form(env, second, Month(2026, 7), sim.clock())
        out = await sim.say(JIA, "/report")
        assert not matches(out, "report_choose_month")  # June is in: July is asked
        out = await sim.say(JIA, "2")
        assert asked(out, "主题党日")
        out = await sim.press(JIA, with_button(out, label("form_btn_no")), label("form_btn_no"))
        out = await sim.press(
            JIA, with_button(out, label("form_btn_submit")), label("form_btn_submit")
        )
        check(out, "form_submitted", branch="甲支部", count=2)

        jia = await branch_id(sim, "甲支部")
        june, july = (
            await forms.answers_for_month(env, JUNE),
            await forms.answers_for_month(env, Month(2026, 7)),
        )
        assert june.by_branch[jia].form_id == v1.id and june.values()[jia] == {"meetings": 3}
        assert july.by_branch[jia].form_id == v2.id
        assert july.values()[jia] == {"meetings": 2, "theme_day": False}
        assert june.current is not None and june.current.id == v1.id
        # June's report, opened again in July, is June's form still.
        state = await forms.start(env, await actor_of(sim, JIA), jia, JUNE, sim.clock())
        assert state is not None and state.submitted and state.version.id == v1.id
        # The form cannot be changed for a month that has passed.
        out = await sim.say(1, "/form 2026-06")
        check(out, "form_show_head", title="上半年", count=1)
        # The ledger shows each month with its own form's columns.
        wb = load_workbook(io.BytesIO(ledger_xlsx(await load_year(env, 2026, sim.clock()))))
        first_rows = list(wb["报表·上半年"].iter_rows(values_only=True))
        second_rows = list(wb["报表·下半年"].iter_rows(values_only=True))
        assert first_rows[:2] == [("支部", "月份", "支部党员大会"), ("甲支部", "2026-06", 3)]
        assert second_rows[0] == ("支部", "月份", "支部党员大会", "主题党日")
        assert second_rows[1] == ("甲支部", "2026-07", 2, "否")


async def test_without_a_form_the_report_is_free_text(tmp_path: Path) -> None:
    async with opened(tmp_path / "zhibu.sqlite3") as env, Sim(env, at(2026, 6, 2, 10)) as sim:
        await founded(sim, {"甲支部": JIA})
        out = await sim.say(JIA, "/report")
        check(out, "report_ask", branch="甲支部")
        out = await sim.say(JIA, "本月开展了主题党日")
        check(out, "report_saved", branch="甲支部")
        out = await sim.say(1, "/form")
        check(out, "form_show_none")
        assert await forms.answers_for_month(env, JUNE) == forms.MonthAnswers(JUNE, None)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for key in list(os.environ):
        if key.startswith("ZHIBU_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZHIBU_DB", str(tmp_path / "zhibu.sqlite3"))
    yield tmp_path


def test_command_line_import_and_show(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["form", "show"]) == 0
    assert "no form" in capsys.readouterr().out
    assert main(["form", "import", str(SAMPLE), "--from", "2999-01"]) == 0
    assert "11 fields, from 2999-01 on" in capsys.readouterr().out
    assert main(["form", "show", "--month", "2999-02"]) == 0
    shown = capsys.readouterr().out
    assert "title: 机关党支部月度工作报告" in shown and "key: theme_day_topic" in shown
    assert main(["form", "clear", "--from", "2999-03"]) == 0
    assert "no form from 2999-03 on" in capsys.readouterr().out
    assert main(["form", "show", "--month", "2999-04"]) == 0
    assert "2999-04: no form" in capsys.readouterr().out
    assert main(["form", "import", str(SAMPLE), "--from", "2020-01"]) == 2
    assert "2020-01" in capsys.readouterr().err
    bad = cli_env / "bad.yaml"
    bad.write_text("title: x\nfields:\n  - key: a\n    label: A\n    type: nummer\n", "utf-8")
    assert main(["form", "import", str(bad)]) == 2
    assert "line 5, fields[1].type" in capsys.readouterr().err


async def test_typed_text_a_reminder_reply_and_the_revise_button(tmp_path: Path) -> None:
    async with (
        opened(tmp_path / "zhibu.sqlite3") as env,
        Sim(env, at(2026, 6, 2, 10)) as sim,
    ):
        await founded(sim, {"甲支部": JIA, "乙支部": YI})
        await forms.set_form(env, load_form_file(SAMPLE), JUNE, sim.clock())
        # Text typed with no question open, then filed: the filled template is read.
        filled = (
            "本月重点工作：学习\n支部党员大会：1\n支委会：1\n党小组会：1\n党课：1\n"
            "主题党日：否\n党费收缴：是\n发展党员：0\n下月计划：继续"
        )
        out = await sim.say(JIA, filled)
        check(out, "typed_held")
        out = await sim.press(JIA, with_button(out, "甲支部"), "甲支部")
        check(out, "form_summary_ready")
        check(out, "form_summary_line", label="支委会", value="1")
        out = await sim.press(
            JIA, with_button(out, label("form_btn_submit")), label("form_btn_submit")
        )
        check(out, "form_submitted", branch="甲支部", count=9)  # 存在问题 left out
        # «✏️ 修改» from the report's view: the submitted answers, one item to change.
        out = await sim.say(JIA, "/myreports")
        out = await sim.press(JIA, with_button(out, "📄"), "📄")
        check(out, "report_view", branch="甲支部")
        out = await sim.press(
            JIA, with_button(out, label("report_btn_revise")), label("report_btn_revise")
        )
        check(out, "form_summary_head_submitted", branch="甲支部", revisions=1)
        out = await sim.press(
            JIA, with_button(out, label("form_btn_change")), label("form_btn_change")
        )
        out = await sim.press(JIA, with_button(out, "主题党日"), "主题党日")
        out = await sim.press(JIA, with_button(out, label("form_btn_yes")), label("form_btn_yes"))
        # 是 opens 主题党日主题: the report is revised and the new item asked at once.
        check(out, "form_field_revised", label="主题党日", value="是", revisions=2)
        assert asked(out, "主题党日主题")
        out = await sim.say(JIA, "参观纪念馆")
        check(out, "form_field_revised", label="主题党日主题", value="参观纪念馆", revisions=3)
        values = (await forms.answers_for_month(env, JUNE)).values()[await branch_id(sim, "甲支部")]
        assert values["theme_day"] is True and values["theme_day_topic"] == "参观纪念馆"

        # A reply to a reminder: its text answers the first item, the next is asked.
        await sim.advance_to(at(2026, 6, 20, 10))
        reminder = next(
            m
            for m in reversed(sim.double.messages)
            if m.chat_id == YI and matches(m, "remind_days")
        )
        assert reminder is not None
        out = await sim.say(YI, "党史学习教育", reply_to=reminder)
        assert asked(out, "支部党员大会")
        assert all(m.chat_id == YI for m in out)


async def test_text_typed_before_the_month_is_chosen_goes_into_the_form(tmp_path: Path) -> None:
    async with (
        opened(tmp_path / "zhibu.sqlite3") as env,
        Sim(env, at(2026, 5, 4, 10)) as sim,
    ):
        await founded(sim, {"甲支部": JIA})
        await sim.advance_to(at(2026, 6, 2, 10), step=timedelta(days=1))
        await forms.set_form(env, load_form_file(SAMPLE), JUNE, sim.clock())
        out = await sim.say(JIA, "/report")  # May is still owed: which month?
        check(out, "report_choose_month", branch="甲支部")
        out = await sim.say(JIA, "学习党章")
        check(out, "report_choose_month_held")
        june = label("report_btn_current", month="2026年6月")
        out = await sim.press(JIA, with_button(out, june), june)
        assert asked(out, "支部党员大会")  # the held text answered the first item
        state = await forms.summary(
            env, await actor_of(sim, JIA), await branch_id(sim, "甲支部"), JUNE
        )
        assert state.answers == {"focus": "学习党章"}
        async with env.db.reading() as tx:
            assert await report_store.get_report(tx, state.branch.id, "2026-06") is None
