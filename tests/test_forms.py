"""Report forms: the model (parsing, template, rendering), YAML, versions by month,
drafts, submitting and single-field revisions (services on an in-memory DB)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.calendar import Month
from bot.forms.model import (
    Field,
    Form,
    Invalid,
    dump_answers,
    load_answers,
    parse_answer,
    parse_filled,
    render_text,
    template,
)
from bot.forms.yamlio import FormFormatError, dump_form_yaml, load_form_file, load_form_yaml
from bot.services import forms, onboarding
from bot.services.base import Actor, Env, TgUser, UserError, identify
from storage import forms as form_store
from tests.conftest import ADMIN, at

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "forms" / "机关党支部.yaml"


def sample() -> Form:
    return load_form_file(SAMPLE)


def num(**kw: object) -> Field:
    return Field.model_validate({"key": "n", "label": "次数", "type": "number", **kw})


# -------------------------------------------------------------------- model


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", 2),
        ("２", 2),
        ("两", 2),
        ("2次", 2),
        ("十二", 12),
        ("无", 0),
        (" 3 ", 3),
        ("一百零五", 105),
    ],
)
def test_numbers_people_write(text: str, value: int) -> None:
    assert parse_answer(num(), text) == value


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("abc", "form_bad_number"),
        ("两三", "form_bad_number"),
        ("1.5", "form_not_integer"),
        ("-1", "form_number_range"),
    ],
)
def test_bad_numbers_say_why(text: str, key: str) -> None:
    got = parse_answer(num(), text)
    assert isinstance(got, Invalid) and got.key == key


def test_number_limits_and_decimals() -> None:
    assert isinstance(parse_answer(num(max=31), "32"), Invalid)
    assert parse_answer(num(integer=False), "1.5") == 1.5


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是", True),
        ("有", True),
        ("yes", True),
        ("否", False),
        ("无", False),
        ("NO", False),
        ("没有", False),
    ],
)
def test_yes_no(text: str, value: bool) -> None:
    f = Field(key="y", label="主题党日", type="yesno")
    assert parse_answer(f, text) is value


def test_dates_choices_text_and_skipping() -> None:
    d = Field(key="d", label="日期", type="date")
    assert parse_answer(d, "2026-06-30") == date(2026, 6, 30)
    assert parse_answer(d, "2026年6月30日") == date(2026, 6, 30)
    assert parse_answer(d, "6月30日", Month(2026, 6)) == date(2026, 6, 30)
    assert parse_answer(d, "12月30日", Month(2027, 1)) == date(2026, 12, 30)
    assert isinstance(parse_answer(d, "2026-02-30"), Invalid)
    c = Field(key="c", label="形式", type="choice", choices=["线上", "线下"])
    assert parse_answer(c, "线下") == "线下"
    assert parse_answer(c, "1") == "线上"
    assert isinstance(parse_answer(c, "都有"), Invalid)
    t = Field(key="t", label="问题", type="text", required=False, max_length=5)
    assert parse_answer(t, "跳过") is None
    assert parse_answer(t, "") is None
    got = parse_answer(t, "一二三四五六")
    assert isinstance(got, Invalid) and got.key == "form_text_too_long"
    got = parse_answer(Field(key="r", label="必填", type="text"), "  ")
    assert isinstance(got, Invalid) and got.key == "form_required"


def test_form_is_validated() -> None:
    with pytest.raises(ValueError, match="twice"):
        Form(title="x", fields=[num(), num()])
    with pytest.raises(ValueError, match="total"):
        Field(key="t", label="t", type="text", total="sum")
    with pytest.raises(ValueError, match="choices"):
        Field(key="c", label="c", type="choice", choices=["一"])
    with pytest.raises(ValueError, match="min is above max"):
        num(min=5, max=1)
    with pytest.raises(ValueError, match="ask_if"):
        Form(title="x", fields=[Field(key="a", label="a", type="text", ask_if="b")])
    assert num().totalled == "sum"
    assert Field(key="y", label="y", type="yesno").totalled == "count_yes"


def test_template_round_trip_names_what_it_could_not_read() -> None:
    form = sample()
    tpl = template(form)
    assert tpl.splitlines()[0] == "本月重点工作："
    assert "主题党日（是/否）：" in tpl
    filled = (
        "本月重点工作：学习贯彻\n第二行也是重点工作\n支部党员大会：2次\n支委会：两\n"
        "党小组会：x\n党课：1\n主题党日（是/否）：是\n主题党日主题：走进红色基地\n"
        "党费收缴（是/否）：是\n存在问题：\n下月计划：继续学习"
    )
    got = parse_filled(form, filled, Month(2026, 7))
    assert got.answers["focus"] == "学习贯彻\n第二行也是重点工作"
    assert got.answers["members_meeting"] == 2 and got.answers["committee_meeting"] == 2
    assert got.answers["theme_day"] is True
    assert got.answers["problems"] is None  # optional, left empty: skipped
    assert got.unread == ["group_meeting", "new_members"]  # unreadable; missing
    assert got.problems["group_meeting"].key == "form_bad_number"
    assert got.problems["new_members"].key == "form_required"


def test_render_and_json_round_trip() -> None:
    form = sample()
    answers = parse_filled(
        form, "本月重点工作：甲\n主题党日：否\n主题党日主题：无关\n党费收缴：是"
    ).answers
    assert "theme_day_topic" not in answers  # asked only when 主题党日 is 是
    assert render_text(form, answers) == "本月重点工作：甲\n主题党日：否\n党费收缴：是"
    assert load_answers(form, dump_answers(answers)) == answers


def test_yaml_errors_have_lines_and_dump_loads_back() -> None:
    form = sample()
    assert load_form_yaml(dump_form_yaml(form)) == form
    bad = "title: x\nfields:\n  - key: a\n    label: A\n    type: nummer\n"
    with pytest.raises(FormFormatError, match=r"line 5, fields\[1\]\.type"):
        load_form_yaml(bad)
    with pytest.raises(FormFormatError, match="anchors"):
        load_form_yaml("title: &t x\nfields: []\n")
    with pytest.raises(FormFormatError, match="twice"):
        load_form_yaml("title: x\ntitle: y\n")


# ----------------------------------------------------------------- services

SEC = 11
JUNE_ = Month(2026, 6)


async def secretary(env: Env) -> Actor:
    now = at(2026, 6, 1, 8)
    admin = await identify(env, TgUser(ADMIN, "管理员"), now)
    await onboarding.add_branch(env, admin, "甲支部", now)
    made = await onboarding.create_invite(
        env, admin, "甲支部", onboarding.InviteRole.SECRETARY, now
    )
    user = await identify(env, TgUser(SEC, "书记"), now)
    await onboarding.redeem(env, user, made.token, now)
    return await identify(env, TgUser(SEC, "书记"), now)


async def test_versions_by_month(env: Env) -> None:
    one = Form(title="一版", fields=[num()])
    two = Form(title="二版", fields=[num(), Field(key="y", label="主题党日", type="yesno")])
    assert await forms.form_for(env, Month(2026, 6)) is None
    await forms.set_form(env, one, Month(2026, 6), at(2026, 6, 1))
    await forms.set_form(env, two, Month(2026, 9), at(2026, 6, 2))
    got6, got9 = (
        await forms.form_for(env, Month(2026, 6)),
        await forms.form_for(env, Month(2026, 12)),
    )
    assert got6 is not None and got6.form == one
    assert got9 is not None and got9.form == two
    with pytest.raises(UserError) as err:
        await forms.set_form(env, one, Month(2026, 5), at(2026, 6, 1))
    assert err.value.key == "form_past_month"
    await forms.set_form(env, None, Month(2026, 10), at(2026, 6, 2))
    assert await forms.form_for(env, Month(2026, 10)) is None


async def test_draft_submit_and_single_field_revision(env: Env) -> None:
    actor = await secretary(env)
    await forms.set_form(env, sample(), Month(2026, 6), at(2026, 6, 1))
    june, now = Month(2026, 6), at(2026, 6, 10, 9)
    b = actor.memberships[0].branch.id
    state = await forms.start(env, actor, b, june, now)
    assert state is not None and state.asking is not None and state.asking.key == "focus"
    state = await forms.answer(env, actor, b, june, "focus", "学习", now)
    assert state.asking is not None and state.asking.key == "members_meeting"
    state = await forms.answer(env, actor, b, june, "members_meeting", "两三次", now)
    assert state.error is not None and state.error.key == "form_bad_number"
    assert state.asking is not None and state.asking.key == "members_meeting"
    # The question and the draft are in the database: asked again where it stood.
    assert await forms.open_question(env, actor, now) == (b, june, "ask:members_meeting")
    for key, text in [
        ("members_meeting", "2"),
        ("committee_meeting", "1"),
        ("group_meeting", "3"),
        ("party_lecture", "1"),
    ]:
        state = await forms.answer(env, actor, b, june, key, text, now)
    state = await forms.answer(env, actor, b, june, "theme_day", None, now, value=True)
    assert state.asking is not None and state.asking.key == "theme_day_topic"
    for key, text in [
        ("theme_day_topic", "重温入党誓词"),
        ("dues_paid", "是"),
        ("new_members", "0"),
    ]:
        state = await forms.answer(env, actor, b, june, key, text, now)
    state = await forms.answer(env, actor, b, june, "problems", None, now, skip=True)
    assert state.answers["problems"] is None
    with pytest.raises(UserError) as err:
        await forms.submit(env, actor, b, june, now)
    assert err.value.key == "form_missing" and err.value.params["fields"] == "下月计划"
    state = await forms.answer(env, actor, b, june, "next_plan", "继续", now)
    assert state.asking is None
    done = await forms.submit(env, actor, b, june, now)
    assert done.created and "支部党员大会：2" in done.report.text
    month = await forms.answers_for_month(env, june)
    assert month.values()[b]["members_meeting"] == 2
    assert month.by_branch[b].form_id == month.current.id if month.current else False
    # A single field changed after submitting: a revision of that field only.
    later = at(2026, 6, 12, 9)
    state = await forms.start(env, actor, b, june, later)
    assert state is not None and state.submitted and state.asking is None
    state = await forms.ask(env, actor, b, june, sample().index("party_lecture"), later)
    assert state.asking is not None and state.mode == "fix"
    state = await forms.answer(env, actor, b, june, "party_lecture", "2", later)
    assert state.report is not None and state.report.revisions == 2
    history = await forms.field_history(env, actor, done.report.id)
    lecture = [(h.revision, h.value) for h in history if h.key == "party_lecture"]
    assert lecture == [(1, 1), (2, 2)]
    assert [h.revision for h in history if h.key == "focus"] == [1]
    month = await forms.answers_for_month(env, june)
    assert month.values()[b]["party_lecture"] == 2


async def test_a_changed_form_leaves_past_months_alone(env: Env) -> None:
    actor = await secretary(env)
    b = actor.memberships[0].branch.id
    first = Form(title="一版", fields=[num()])
    v1 = await forms.set_form(env, first, Month(2026, 6), at(2026, 6, 1))
    await forms.answer(env, actor, b, Month(2026, 6), "n", "3", at(2026, 6, 2))
    await forms.submit(env, actor, b, Month(2026, 6), at(2026, 6, 2))
    second = Form(title="二版", fields=[Field(key="y", label="主题党日", type="yesno")])
    v2 = await forms.set_form(env, second, Month(2026, 7), at(2026, 7, 1))
    june = await forms.answers_for_month(env, Month(2026, 6))
    assert june.by_branch[b].form_id == v1.id and june.values()[b] == {"n": 3}
    state = await forms.start(env, actor, b, Month(2026, 7), at(2026, 7, 2))
    assert state is not None and state.version.id == v2.id
    async with env.db.reading() as tx:
        assert len(await form_store.list_forms(tx)) == 2


def test_a_label_with_brackets_is_read_whole() -> None:
    form = Form(
        title="x",
        fields=[
            Field(key="g", label="党小组会（合计）", type="number"),
            Field(key="y", label="主题党日", type="yesno"),
        ],
    )
    got = parse_filled(form, "1. 党小组会（合计）：3\n2、主题党日（是/否）：是")
    assert got.answers == {"g": 3, "y": True} and got.unread == []


async def test_text_answers_keep_the_report_limit(env: Env) -> None:
    actor = await secretary(env)
    b = actor.memberships[0].branch.id
    form = Form(title="x", fields=[Field(key="t", label="工作", type="text", max_length=4000)])
    await forms.set_form(env, form, JUNE_, at(2026, 6, 1))
    limit = env.cfg.report_max_chars
    state = await forms.answer(env, actor, b, JUNE_, "t", "字" * (limit + 1), at(2026, 6, 2))
    assert state.error is not None and state.error.key == "form_text_too_long"
    state, _ = await forms.paste(
        env, actor, b, JUNE_, "工作：" + "字" * (limit + 1), at(2026, 6, 2)
    )
    assert state.unread == ("t",) and "t" not in state.answers
