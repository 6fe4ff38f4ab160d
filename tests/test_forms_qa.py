"""Report forms tried the way people use them (a QA pass): a clerk's hand-written form
with mistakes, secretaries who paste the template back untidily, a form changed while
a draft is half done, a coordinator asking `/status` of a field no one answered yet.
Each test here failed before the fix it names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.calendar import Month
from bot.forms.model import Field, Form, Invalid, parse_answer, parse_filled
from bot.forms.yamlio import FormFormatError, load_form_file, load_form_yaml
from bot.services import forms
from bot.services.base import TgUser, identify
from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Sim
from storage import branches
from tests.catalog import check, label, matches
from tests.conftest import COORD_GROUP, at
from tests.helpers import founded, text_of

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "forms" / "机关党支部.yaml"
JIA = 701
MAY = Month(2026, 5)


def _asked(out: list[SentMessage], field_label: str) -> SentMessage:
    for m in reversed(out):
        if matches(m, "form_ask", label=field_label):
            return m
    raise AssertionError(f"{field_label} not asked in:\n{text_of(out)}")


def _toast(sim: Sim) -> str:
    return str(sim.double.callback_answers[-1].get("text") or "")


# ------------------------------------------------------------ the clerk's YAML


def _problems(text: str) -> list[str]:
    with pytest.raises(FormFormatError) as caught:
        load_form_yaml(text)
    return caught.value.problems


def test_a_duplicate_key_or_label_names_the_line_of_the_second_field() -> None:
    """Was `line 1: key 'a' appears twice`: the clerk had to hunt for it."""
    text = (
        "title: 测试\nfields:\n"
        "  - key: a\n    label: 甲\n    type: text\n"
        "  - key: a\n    label: 乙\n    type: number\n"
    )
    assert _problems(text) == ["line 6, fields[2].key: key 'a' appears twice"]
    text = text.replace("key: a\n    label: 乙", "key: b\n    label: 甲")
    assert _problems(text) == ["line 7, fields[2].label: label '甲' appears twice"]


def test_ask_if_pointing_forward_names_its_field() -> None:
    text = (
        "title: 测试\nfields:\n"
        "  - key: topic\n    label: 主题\n    type: text\n    ask_if: theme\n"
        "  - key: theme\n    label: 主题党日\n    type: yesno\n"
    )
    assert _problems(text) == ["line 6, fields[1].ask_if: ask_if must name an earlier yes/no field"]


def test_a_chinese_key_is_told_what_a_key_is_not_a_regular_expression() -> None:
    text = "title: 测试\nfields:\n  - key: 主题党日\n    label: 主题党日\n    type: yesno\n"
    (problem,) = _problems(text)
    assert problem.startswith("line 3, fields[1].key: a key is ASCII letters")
    assert "[A-Za-z]" not in problem


def test_the_sample_form_still_loads() -> None:
    assert len(load_form_file(SAMPLE).fields) == 11


# ---------------------------------------------------- the template pasted back


def test_a_stray_line_under_a_yes_no_does_not_spoil_its_answer() -> None:
    """A line the bot cannot place (here a label typed in traditional characters)
    used to be glued to the yes/no above it, so 主题党日：是 read as unreadable."""
    form = load_form_file(SAMPLE)
    filled = parse_filled(form, "主题党日：是\n主題黨日主題：重溫誓詞\n支委会：１\n补充说明", MAY)
    assert filled.answers["theme_day"] is True
    assert filled.answers["committee_meeting"] == 1
    assert "theme_day" not in filled.unread and "committee_meeting" not in filled.unread


def test_a_yes_no_answered_on_the_next_line_still_reads() -> None:
    form = load_form_file(SAMPLE)
    filled = parse_filled(form, "主题党日：\n是\n党课：\n2", MAY)
    assert filled.answers["theme_day"] is True and filled.answers["party_lecture"] == 2


def test_the_template_pasted_twice_in_one_message_reads_as_once() -> None:
    """The second copy's lines were appended to the last text field of the first."""
    form = load_form_file(SAMPLE)
    once = (
        "本月重点工作：学习\n支部党员大会：1\n支委会：1\n党小组会：1\n党课：1\n"
        "主题党日：否\n党费收缴：是\n发展党员：0\n存在问题：\n下月计划：继续"
    )
    filled = parse_filled(form, once + "\n" + once, MAY)
    assert filled.answers == parse_filled(form, once, MAY).answers
    assert filled.answers["next_plan"] == "继续"
    assert filled.unread == []


# ------------------------------------------------ a form changed mid-draft


async def test_an_answer_button_from_before_the_form_changed_is_refused(sim: Sim) -> None:
    """Buttons carry the field's position; after the form changed, the old 是 under
    «主题党日» (field 2) silently answered the new form's field 2, «党费»."""
    await founded(sim, {"甲支部": JIA})
    now: datetime = sim.clock()
    first = Form(
        title="五月",
        fields=[
            Field(key="lecture", label="党课", type="number"),
            Field(key="theme_day", label="主题党日", type="yesno"),
        ],
    )
    await forms.set_form(sim.env, first, Month(2026, 11), now)
    await sim.say(JIA, "/report")
    old_question = _asked(await sim.say(JIA, "2"), "主题党日")
    second = Form(
        title="五月（修订）",
        fields=[
            Field(key="theme_day", label="主题党日", type="yesno"),
            Field(key="dues", label="党费", type="yesno"),
        ],
    )
    await forms.set_form(sim.env, second, Month(2026, 11), now)
    out = await sim.press(JIA, old_question, label("form_btn_yes"))
    assert not matches(out, "form_ask", label="主题党日"), text_of(out)
    check(_toast(sim), "form_button_old")
    actor = await identify(sim.env, TgUser(JIA), sim.clock())
    async with sim.env.db.reading() as tx:
        branch = await branches.find_branch(tx, "甲支部")
    assert branch is not None
    state = await forms.summary(sim.env, actor, branch.id, Month(2026, 11))
    assert "dues" not in state.answers  # nothing answered by a button of the old form
    # /report goes on with the new form; its buttons work.
    out = await sim.say(JIA, "/report")
    question = _asked(out, "主题党日")
    out = await sim.press(JIA, question, label("form_btn_yes"))
    assert _asked(out, "党费")


# --------------------------------------------------------- the coordinator


async def test_status_of_a_field_no_one_answered_yet_has_no_zero_of_zero(sim: Sim) -> None:
    await founded(sim, {"甲支部": JIA})
    await forms.set_form(sim.env, load_form_file(SAMPLE), Month(2026, 11), sim.clock())
    for out in (
        await sim.say_in_group(COORD_GROUP, 1, "/status 主题党日"),
        await sim.say(1, "/status 主题党日"),
    ):
        check(out, "form_status_head", label="主题党日")
        check(out, "form_status_none")
        assert not matches(out, "form_total_yes"), text_of(out)
        assert "0/0" not in text_of(out)


async def test_the_first_field_can_be_picked_to_change(sim: Sim) -> None:
    """Buttons for field 0 were refused as 无法识别的按钮 (an id parser that wants > 0):
    «修改某项» → the first item, and a yes/no that is the form's first question."""
    await founded(sim, {"甲支部": JIA})
    await forms.set_form(sim.env, load_form_file(SAMPLE), Month(2026, 11), sim.clock())
    out = await sim.say(JIA, "/report")
    intro = next(m for m in out if m.buttons())
    await sim.press(JIA, intro, label("form_btn_paste"))
    out = await sim.say(JIA, "本月重点工作：学习\n支部党员大会：1")
    out = await sim.press(JIA, out[-1], label("form_btn_change"))
    out = await sim.press(JIA, out[-1], "本月重点工作")
    _asked(out, "本月重点工作")
    out = await sim.say(JIA, "学习党章")
    state = await forms.summary(
        sim.env, await identify(sim.env, TgUser(JIA), sim.clock()), 1, Month(2026, 11)
    )
    assert state.answers["focus"] == "学习党章"


async def test_a_yes_no_as_the_forms_first_question_answers_by_button(sim: Sim) -> None:
    await founded(sim, {"甲支部": JIA})
    first_yes = Form(title="简表", fields=[Field(key="theme_day", label="主题党日", type="yesno")])
    await forms.set_form(sim.env, first_yes, Month(2026, 11), sim.clock())
    out = await sim.say(JIA, "/report")
    out = await sim.press(JIA, _asked(out, "主题党日"), label("form_btn_yes"))
    check(out, "form_summary_ready")


# ----------------------------------------------- pressing and typing out of turn


SMALL = Form(
    title="简表",
    fields=[
        Field(key="lecture", label="党课", type="number"),
        Field(key="theme_day", label="主题党日", type="yesno"),
    ],
)


async def test_submit_pressed_twice_says_it_is_in_not_that_a_draft_is_lost(sim: Sim) -> None:
    """The second tap said 没有待提交的草稿，发送 /report 重新开始: as if the report were lost."""
    await founded(sim, {"甲支部": JIA})
    await forms.set_form(sim.env, SMALL, Month(2026, 11), sim.clock())
    await sim.say(JIA, "/report")
    out = await sim.say(JIA, "1")
    out = await sim.press(JIA, _asked(out, "主题党日"), label("form_btn_no"))
    summary = out[-1]
    out = await sim.press(JIA, summary, label("form_btn_submit"))
    check(out, "form_submitted", branch="甲支部")
    out = await sim.press(JIA, summary, label("form_btn_submit"))
    assert out == []
    check(_toast(sim), "form_already_submitted")


async def test_typing_after_the_form_was_cleared_is_free_text_again(sim: Sim) -> None:
    """An open form question outlived the form: every message then got
    这个按钮已失效 until the question lapsed, and nothing typed could be filed."""
    await founded(sim, {"甲支部": JIA})
    await forms.set_form(sim.env, SMALL, Month(2026, 11), sim.clock())
    _asked(await sim.say(JIA, "/report"), "党课")
    await forms.set_form(sim.env, None, Month(2026, 11), sim.clock())
    out = await sim.say(JIA, "本月开展了主题党日活动")
    assert not matches(out, "stale_button"), text_of(out)
    check(out, "typed_held")
    out = await sim.press(JIA, out[-1], "甲支部")
    check(out, "report_saved", branch="甲支部")


async def test_typing_to_a_question_the_new_form_dropped_asks_the_next(sim: Sim) -> None:
    await founded(sim, {"甲支部": JIA})
    await forms.set_form(sim.env, SMALL, Month(2026, 11), sim.clock())
    _asked(await sim.say(JIA, "/report"), "党课")
    fewer = Form(title="简表二", fields=[Field(key="theme_day", label="主题党日", type="yesno")])
    await forms.set_form(sim.env, fewer, Month(2026, 11), sim.clock())
    out = await sim.say(JIA, "2")
    assert not matches(out, "stale_button"), text_of(out)
    check(out, "form_question_gone")
    out = await sim.press(JIA, _asked(out, "主题党日"), label("form_btn_yes"))
    check(out, "form_summary_ready")


# ------------------------------------------------------- what secretaries type


@pytest.mark.parametrize(
    ("typed", "value"),
    [("3次。", 3), ("无。", 0), ("2 次", 2), ("3,000", 3000), ("１２", 12), ("两次", 2)],
)
def test_numbers_as_typed_in_chat(typed: str, value: int) -> None:
    f = Field(key="lecture", label="党课", type="number")
    assert parse_answer(f, typed) == value


def test_a_full_width_comma_between_two_numbers_is_not_twelve() -> None:
    """ "1，2" (one, two) read as 12: a comma is a thousands separator only before 3 digits."""
    f = Field(key="lecture", label="党课", type="number")
    assert parse_answer(f, "1，2") == Invalid("form_bad_number", {"example": 2})
    assert parse_answer(f, "1,2,3") == Invalid("form_bad_number", {"example": 2})


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("已收缴", True),
        ("已按时足额收缴", True),
        ("有的", True),
        ("没开展", False),
        ("未缴纳。", False),
        ("不是的", False),
    ],
)
def test_yes_and_no_as_typed_in_chat(typed: str, value: bool) -> None:
    f = Field(key="dues_paid", label="党费收缴", type="yesno")
    assert parse_answer(f, typed) is value


async def test_a_sticker_or_photo_mid_form_does_not_ask_for_a_written_report(sim: Sim) -> None:
    """Both said "send a written report" while a question was open: typed, that text
    then became the answer to the question, not a report."""
    await founded(sim, {"甲支部": JIA})
    await forms.set_form(sim.env, SMALL, Month(2026, 11), sim.clock())
    _asked(await sim.say(JIA, "/report"), "党课")
    out = await sim.feed(sim.factory.sticker(JIA))
    check(out, "form_need_text")
    assert not matches(out, "report_sticker")
    out = await sim.feed(sim.factory.photo(JIA, caption="党课现场"))
    check(out, "attach_saved_form", branch="甲支部")
    assert not matches(out, "attach_saved_need_text")
    _asked(await sim.say(JIA, "2"), "主题党日")  # the question is still open


async def test_a_whole_template_pasted_at_the_first_question_is_read_as_one(sim: Sim) -> None:
    """It became the answer to 本月重点工作 (a text field), every label with it."""
    await founded(sim, {"甲支部": JIA})
    await forms.set_form(sim.env, load_form_file(SAMPLE), Month(2026, 11), sim.clock())
    _asked(await sim.say(JIA, "/report"), "本月重点工作")
    out = await sim.say(
        JIA,
        "本月重点工作：学习党章\n支部党员大会：1\n支委会：1\n党小组会：2\n党课：1\n"
        "主题党日：否\n党费收缴：是\n发展党员：0\n下月计划：继续",
    )
    check(out, "form_summary_ready")
    check(out, "form_summary_line", label="本月重点工作", value="学习党章")
    check(out, "form_summary_line", label="党小组会", value="2")
    out = await sim.press(JIA, out[-1], label("form_btn_submit"))
    check(out, "form_submitted", branch="甲支部", count=9)
    # One labelled line is still the answer to the question asked.
    await forms.set_form(sim.env, load_form_file(SAMPLE), Month(2026, 12), sim.clock())
    await sim.advance_to(at(2026, 12, 1, 9))
    out = await sim.say(JIA, "/report")
    _asked(out, "本月重点工作")
    _asked(await sim.say(JIA, "党课：讲了一次"), "支部党员大会")


async def test_status_of_a_field_that_does_not_exist_names_the_forms_items(sim: Sim) -> None:
    """Was only 没有找到支部“主题党曰”: a mistyped item read as a missing branch."""
    await founded(sim, {"甲支部": JIA})
    await forms.set_form(sim.env, SMALL, Month(2026, 11), sim.clock())
    out = await sim.say(1, "/status 主题党曰")
    check(out, "form_status_not_found", name="主题党曰", fields="党课、主题党日")
    out = await sim.say_in_group(COORD_GROUP, 1, "/status 主题党曰")
    check(out, "form_status_not_found", name="主题党曰")
    check(await sim.say(1, "/status 甲支部"), "status_branch_none", name="甲支部")


async def test_status_of_an_unknown_name_without_a_form_is_as_before(sim: Sim) -> None:
    await founded(sim, {"甲支部": JIA})
    check(await sim.say(1, "/status 乙支部"), "branch_not_found", name="乙支部")
