"""The report form counted: the pure totals, the circular's form section, `/status <字段>`,
the ledger's sheet per form version (read back with openpyxl) and `/review`'s 否 months."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.calendar import Month
from bot.forms.counting import field_values, find_field, required_noes, totals
from bot.forms.model import Answers, Field, Form
from bot.forms.yamlio import load_form_file
from bot.records.data import load_year
from bot.records.ledger import ledger_xlsx
from bot.records.review import ReviewThresholds, review_text, review_year
from bot.services import circular, forms
from bot.services.base import Env, TgUser, identify
from bot.services.circular import chat_messages
from bot.testing.sim import Sim
from storage import branches
from tests.catalog import check, key, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, text_of

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "forms" / "机关党支部.yaml"
NOV = Month(2026, 11)
JIA, YI, BING, DING = 901, 902, 903, 904

FULL: dict[str, str] = {
    "focus": "学习贯彻全会精神",
    "members_meeting": "1",
    "committee_meeting": "2",
    "group_meeting": "3",
    "party_lecture": "1",
    "theme_day": "是",
    "theme_day_topic": "重温入党誓词",
    "dues_paid": "是",
    "new_members": "0",
    "problems": "跳过",
    "next_plan": "开展组织生活会",
}


def sample() -> Form:
    return load_form_file(SAMPLE)


def yn(key: str, label: str, required: bool = True) -> Field:
    return Field(key=key, label=label, type="yesno", required=required)


def count(key: str, label: str) -> Field:
    return Field(key=key, label=label, type="number")


# ------------------------------------------------------------------ pure


def test_totals_sum_count_and_share_skip_what_was_not_answered() -> None:
    form = Form(
        title="月报",
        fields=[
            count("m", "党员大会"),
            yn("t", "主题党日"),
            Field(key="topic", label="主题", type="text", ask_if="t"),
            Field(key="s", label="党费收缴", type="yesno", total="share"),
            Field(key="c", label="党课", type="number", total="share"),
        ],
    )
    answers: dict[int, Answers] = {
        1: {"m": 2, "t": True, "topic": "学习", "s": True, "c": 0},
        2: {"m": 0, "t": False, "s": False, "c": 3},
        3: {"m": None, "t": True, "topic": "参观", "s": True},
    }
    got = {t.field.key: t for t in totals(form, answers)}
    assert list(got) == ["m", "t", "s", "c"]  # text fields are not totalled
    assert (got["m"].sum, got["m"].answered, got["m"].yes, got["m"].of) == (2, 2, 1, 3)
    assert (got["t"].yes, got["t"].answered) == (2, 3)
    assert got["s"].share == 2 / 3 and got["c"].yes == 1


def test_required_noes_only_counts_required_yes_no_that_apply() -> None:
    form = Form(
        title="月报",
        fields=[yn("t", "主题党日"), yn("d", "党费收缴"), yn("o", "可选项", required=False)],
    )
    assert [f.label for f in required_noes(form, {"t": False, "d": True, "o": False})] == [
        "主题党日"
    ]
    assert required_noes(form, {"t": True, "d": None}) == []


def test_find_field_by_label_or_key_and_values_grouped() -> None:
    form = sample()
    assert (f := find_field([form], "主题党日")) is not None and f.key == "theme_day"
    assert find_field([form], " 党费 收缴 ") is not None
    assert find_field([form], "new_members") is not None
    assert find_field([form], "甲支部") is None and find_field([form], "") is None
    lectures = form.field("party_lecture")
    assert lectures is not None
    grouped = field_values(
        form,
        lectures,
        {1: {"party_lecture": 1}, 2: {"party_lecture": 3}, 3: {}, 4: {"party_lecture": 1}},
    )
    assert grouped.groups == [("3", [2]), ("1", [1, 4])] and grouped.skipped == [3]


# ------------------------------------------------------------------ a month


async def fill(env: Env, user_id: int, month: Month, now: datetime, **changed: str) -> None:
    """Answer the whole sample form as the branch's secretary would, then submit."""
    actor = await identify(env, TgUser(user_id), now)
    b = actor.memberships[0].branch.id
    state = await forms.start(env, actor, b, month, now)
    assert state is not None
    given = FULL | changed
    while state.asking is not None:
        state = await forms.answer(
            env, actor, b, month, state.asking.key, given[state.asking.key], now
        )
        assert state.error is None, state.error
    await forms.submit(env, actor, b, month, now)


async def nov_month(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": JIA, "乙支部": YI, "丙支部": BING, "丁支部": DING})
    await forms.set_form(env, sample(), NOV, at(2026, 11, 2, 11))
    now = at(2026, 11, 10, 9)
    sim.clock.set(now)
    await fill(env, JIA, NOV, now)
    await fill(env, YI, NOV, now, theme_day="否", members_meeting="0", new_members="2")
    await fill(env, BING, NOV, now, party_lecture="2", dues_paid="否")


async def test_circular_states_the_form_totals_in_its_own_section(sim: Sim, env: Env) -> None:
    await nov_month(sim, env)
    async with env.db.reading() as tx:
        model = await circular.build(env, tx, NOV, at(2026, 11, 26, 9))
    section = model.section("form")
    assert section is not None
    lines = [p.text for p in section.paras]
    assert lines[0] == "《机关党支部月度工作报告》（3个支部填报）"
    assert "· 支部党员大会：2/3个支部，合计2" in lines
    assert "· 主题党日：2/3个支部" in lines
    assert "· 党费收缴：2/3个支部" in lines
    assert "· 发展党员：1/3个支部，合计2" in lines
    # Text fields are in the ledger and /status, not totalled in the circular.
    assert not any("本月重点工作" in line for line in lines)


async def test_circular_has_no_form_section_without_a_form(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": JIA})
    await sim.say(JIA, "/report")
    await sim.say(JIA, "本月开展了主题党日。")
    async with env.db.reading() as tx:
        model = await circular.build(env, tx, NOV, at(2026, 11, 26, 9))
    assert model.section("form") is None


async def test_status_of_one_field_across_branches(sim: Sim, env: Env) -> None:
    await nov_month(sim, env)
    out = await sim.say(ADMIN, "/status 主题党日")
    check(out, "form_status_head")
    assert matches(out[-1], "form_status_group", value="是", count=2)
    assert matches(out[-1], "form_status_group", value="否", count=1)
    assert "乙支部" in text_of(out) and "另有未报送1个" in text_of(out)
    # A text field lists each branch's answer; a month can be named after the field.
    out = await sim.say(ADMIN, "/status 本月重点工作 2026-11")
    assert matches(out[-1], "form_status_branch", branch="甲支部", value="学习贯彻全会精神")
    # In the group: the same, one screen at most.
    out = await sim.say_in_group(COORD_GROUP, ADMIN, "/status 党课")
    assert matches(out[-1], "form_status_group", value="2", count=1)
    # A branch's name still shows that branch; a secretary may not ask.
    out = await sim.say(ADMIN, "/status 甲支部")
    assert "支部党员大会：1" in text_of(out)
    out = await sim.say(JIA, "/status 主题党日")
    assert not any(m.text.startswith("<b>2026年11月 · 主题党日") for m in out)


async def test_status_of_a_field_is_paged_in_private(sim: Sim, env: Env) -> None:
    names = {f"第{i:02d}支部": 2000 + i for i in range(40)}
    await committee(sim, names)
    await forms.set_form(env, sample(), NOV, at(2026, 11, 2, 11))
    now = at(2026, 11, 10, 9)
    for user in names.values():
        await fill(env, user, NOV, now, focus="认真学习" * 10)
    out = await sim.say(ADMIN, "/status 本月重点工作")
    assert all(len(m.text) <= 4096 for m in out)
    page_one = out[-1]
    assert any(lbl == "1/2" for lbl, _ in page_one.buttons())
    assert "第39支部" not in page_one.text
    await sim.press(ADMIN, page_one, "›")  # edited in place
    assert "第39支部" in page_one.text and "第00支部" not in page_one.text
    assert any(lbl == "2/2" for lbl, _ in page_one.buttons())


async def test_ledger_sheet_per_form_version_with_typed_cells(sim: Sim, env: Env) -> None:
    await nov_month(sim, env)
    # The form changes from December: December's answers get a sheet of their own.
    second = Form(title="十二月报表", fields=[yn("theme_day", "主题党日"), count("n", "谈心谈话")])
    await forms.set_form(env, second, Month(2026, 12), at(2026, 11, 20, 9))
    dec = at(2026, 12, 5, 9)
    sim.clock.set(dec)
    for user in (JIA, YI):
        actor = await identify(env, TgUser(user), dec)
        b = actor.memberships[0].branch.id
        await forms.start(env, actor, b, Month(2026, 12), dec)
        await forms.answer(env, actor, b, Month(2026, 12), "theme_day", "是", dec)
        await forms.answer(env, actor, b, Month(2026, 12), "n", "4", dec)
        await forms.submit(env, actor, b, Month(2026, 12), dec)
    data = await load_year(env, 2026, at(2026, 12, 30, 9))
    wb = load_workbook(io.BytesIO(ledger_xlsx(data)))
    assert "报表·机关党支部月度工作报告" in wb.sheetnames and "报表·十二月报表" in wb.sheetnames
    ws = wb["报表·机关党支部月度工作报告"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("支部", "月份", "本月重点工作", "支部党员大会")
    col = {h: i for i, h in enumerate(header)}
    by_branch = {r[0]: r for r in rows[1:-1]}
    assert set(by_branch) == {"甲支部", "乙支部", "丙支部"}
    assert by_branch["乙支部"][col["发展党员"]] == 2 and isinstance(
        by_branch["乙支部"][col["发展党员"]], int
    )
    assert by_branch["乙支部"][col["主题党日"]] == "否"
    assert by_branch["乙支部"][col["主题党日主题"]] is None  # not asked after 否
    assert by_branch["甲支部"][col["存在问题"]] is None  # skipped
    totals_row = rows[-1]
    assert totals_row[0] == "合计"
    assert totals_row[col["支部党员大会"]] == 2 and totals_row[col["主题党日"]] == 2
    assert totals_row[col["本月重点工作"]] is None
    dec_rows = list(wb["报表·十二月报表"].iter_rows(values_only=True))
    assert dec_rows[0] == ("支部", "月份", "主题党日", "谈心谈话")
    assert [r[1] for r in dec_rows[1:-1]] == ["2026-12", "2026-12"]
    assert dec_rows[-1][3] == 8


async def test_date_answers_are_dates_in_the_ledger(sim: Sim, env: Env) -> None:
    await committee(sim, {"甲支部": JIA})
    form = Form(title="日期表", fields=[Field(key="d", label="支委会日期", type="date")])
    await forms.set_form(env, form, NOV, at(2026, 11, 2, 11))
    now = at(2026, 11, 10, 9)
    actor = await identify(env, TgUser(JIA), now)
    b = actor.memberships[0].branch.id
    await forms.start(env, actor, b, NOV, now)
    await forms.answer(env, actor, b, NOV, "d", "11月6日", now)
    await forms.submit(env, actor, b, NOV, now)
    data = await load_year(env, 2026, at(2026, 11, 30, 9))
    ws = load_workbook(io.BytesIO(ledger_xlsx(data)))["报表·日期表"]
    cell = ws.cell(row=2, column=3)
    assert isinstance(cell.value, datetime) and cell.value.date() == date(2026, 11, 6)
    assert cell.number_format == "yyyy-mm-dd"


async def test_review_shows_and_weighs_months_with_a_required_no(sim: Sim, env: Env) -> None:
    await nov_month(sim, env)
    data = await load_year(env, 2026, at(2026, 12, 30, 9))
    review = review_year(data)
    rows = {r.branch.name: r for r in review.rows}
    assert rows["甲支部"].no_months == 0 and rows["甲支部"].grade is not None
    assert rows["乙支部"].no_months == 1 and rows["乙支部"].no_labels == ("主题党日",)
    assert rows["丙支部"].no_labels == ("党费收缴",)
    # Same on-time record, but a required 否 keeps 乙 from 好 (the threshold is a setting).
    assert rows["甲支部"].grade.value == "好"  # type: ignore[union-attr]
    assert rows["乙支部"].grade is not None and rows["乙支部"].grade.value == "较好"
    lenient = {
        r.branch.name: r for r in review_year(data, ReviewThresholds(good_max_no_months=1)).rows
    }
    assert lenient["乙支部"].grade is not None and lenient["乙支部"].grade.value == "好"
    text = review_text("zh-Hans", review)
    assert "必答项为“否”1个月（主题党日）" in text
    assert key("rec_review_noes")


async def test_two_hundred_branches_keep_the_form_section_compact(sim: Sim, env: Env) -> None:
    names = {f"第{i:03d}党支部": None for i in range(200)}
    await committee(sim, names)
    await forms.set_form(env, sample(), NOV, at(2026, 11, 2, 11))
    # Answers stored as the service would store them, without 200 chats.
    from storage import forms as form_store
    from storage import reports as report_store

    now = at(2026, 11, 10, 9)
    version = await forms.form_for(env, NOV)
    assert version is not None
    async with env.db.transaction() as tx:
        await report_store.ensure_cycle(tx, str(NOV), date(2026, 11, 25), now)
        for i, name in enumerate(names):
            branch = await branches.find_branch(tx, name)
            assert branch is not None
            report = await report_store.insert_report(
                tx, branch.id, str(NOV), ADMIN, "表单", now, False
            )
            await form_store.set_report_form(tx, report.id, version.id)
            for k, v in (
                ("members_meeting", str(i % 3)),
                ("theme_day", "true" if i % 4 else "false"),
            ):
                await form_store.set_answer(tx, report.id, k, v, ADMIN, now)
    async with env.db.reading() as tx:
        model = await circular.build(env, tx, NOV, at(2026, 11, 26, 9))
    section = model.section("form")
    assert section is not None and len(section.paras) <= 1 + len(sample().fields)
    assert "· 主题党日：150/200个支部" in [p.text for p in section.paras]
    assert all(len(m) <= 4096 for m in chat_messages(model))
