"""The plan preview's corrections (pure) and the management of enabled plans (services,
on an in-memory database): committee items, disabling, deleting, reassigning, the
change log, and the circular's compact plan section."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.plans.model import PhaseSpec, PlanSpec, RecurringRule, TaskSpec
from bot.services import plan_manage, plans
from bot.services.base import Actor, Env, TgUser, UserError, identify
from bot.services.plan_preview import Preview, parse_dates, parse_year
from storage import branches as branch_store
from storage import plans as store
from tests.conftest import ADMIN, at

SPEC = PlanSpec(
    title="测试方案",
    year=2025,
    phases=[PhaseSpec(title="创建", start=date(2025, 2, 1), end=date(2025, 2, 28))],
    tasks=[
        TaskSpec(title="有精准的品牌选题"),
        TaskSpec(title="中期进展", phase="创建", due=date(2025, 2, 20)),
        TaskSpec(title="审核验收", due=date(2025, 12, 31)),
        TaskSpec(title="每月报送", recurring=RecurringRule(freq="monthly", day=25)),
    ],
)


def refusal(exc: pytest.ExceptionInfo[UserError]) -> str:
    return exc.value.key


def test_preview_lists_phases_with_their_tasks_then_the_others() -> None:
    p = Preview.from_spec(SPEC)
    assert [(it.kind, it.title) for it in p.items] == [
        ("phase", "创建"),
        ("branch", "中期进展"),
        ("branch", "有精准的品牌选题"),
        ("branch", "审核验收"),
        ("branch", "每月报送"),
    ]
    assert Preview.from_spec(p.to_spec()) == p  # nothing lost on the way round


def test_untick_switch_year_and_dates_make_the_plan() -> None:
    p = Preview.from_spec(SPEC).toggle(3).switch(4).with_year(2026).with_dates(2, "2月18日")
    spec = p.to_spec()
    assert spec.year == 2026
    assert [x.title for x in spec.tasks] == ["中期进展", "审核验收", "每月报送"]
    assert spec.tasks[0].due == date(2026, 2, 18) and spec.tasks[0].phase == "创建"
    assert spec.tasks[1].owner == "committee" and spec.tasks[1].due == date(2026, 12, 31)
    assert spec.phases[0].start == date(2026, 2, 1) and spec.phases[0].end == date(2026, 2, 28)


def test_switch_cycles_phase_branch_committee_and_keeps_tasks_under_a_phase() -> None:
    p = Preview.from_spec(SPEC)
    as_task = p.switch(1)  # the phase becomes a task: its task is no longer under it
    spec = as_task.to_spec()
    assert spec.phases == [] and {x.phase for x in spec.tasks} == {None}
    back = as_task.switch(1).switch(1)  # committee, then a phase again (one day, its end)
    assert back.item(1).kind == "phase" and back.item(1).start == back.item(1).end
    assert back.to_spec().tasks[0].phase == "创建"
    # A task without a date goes between branch and committee only.
    assert p.switch(3).switch(3).item(3).kind == "branch"
    # A phase's range typed; a single day for a task.
    ranged = p.with_dates(1, "2025-03-01至2025-03-31")
    assert (ranged.item(1).start, ranged.item(1).end) == (date(2025, 3, 1), date(2025, 3, 31))
    with pytest.raises(UserError) as exc:
        p.with_dates(1, "3月31日至3月1日")
    assert refusal(exc) == "plan_pv_date_order"
    with pytest.raises(UserError) as exc:
        p.with_dates(2, "3月1日至3月2日")
    assert refusal(exc) == "plan_pv_date_one"
    # A recurring task given a deadline loses its rule.
    dated = p.with_dates(5, "2025-06-30")
    assert dated.item(5).recurring is None and dated.item(5).end == date(2025, 6, 30)


def test_year_shift_keeps_29_february_in_range() -> None:
    p = Preview.from_spec(
        PlanSpec(title="闰年", year=2024, tasks=[TaskSpec(title="甲", due=date(2024, 2, 29))])
    )
    assert p.with_year(2025).item(1).end == date(2025, 2, 28)
    with pytest.raises(UserError) as exc:
        p.with_year(3000)
    assert refusal(exc) == "plan_pv_year_bad"


def test_nothing_ticked_is_refused() -> None:
    p = Preview.from_spec(SPEC)
    for n in range(1, len(p.items) + 1):
        p = p.toggle(n)
    with pytest.raises(UserError) as exc:
        p.to_spec()
    assert refusal(exc) == "plan_empty"
    with pytest.raises(UserError) as exc:
        p.toggle(99)
    assert refusal(exc) == "stale_button"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-06-30", [date(2026, 6, 30)]),
        ("2026/6/30", [date(2026, 6, 30)]),
        ("２０２６年６月３０日", [date(2026, 6, 30)]),
        ("6月30日", [date(2025, 6, 30)]),
        ("6月30号", [date(2025, 6, 30)]),
        ("6月1日一6月30日", [date(2025, 6, 1), date(2025, 6, 30)]),
        ("2026-06-01 — 2026-06-30", [date(2026, 6, 1), date(2026, 6, 30)]),
    ],
)
def test_dates_as_typed(typed: str, expected: list[date]) -> None:
    assert parse_dates(typed, 2025) == expected


@pytest.mark.parametrize("typed", ["", "明天", "6月31日", "2026-13-01", "6月30日前后", "1 2 3"])
def test_dates_refused_with_a_clear_answer(typed: str) -> None:
    with pytest.raises(UserError) as exc:
        parse_dates(typed, 2025)
    assert refusal(exc) == "plan_pv_date_bad"


def test_year_as_typed() -> None:
    assert parse_year("2026") == parse_year(" 2026年 ") == 2026
    for bad in ("26", "二〇二六", "12026", "1900"):
        with pytest.raises(UserError):
            parse_year(bad)


# ------------------------------------------------------------ enabled plans

NOW = at(2026, 11, 2, 10)


async def world(env: Env) -> tuple[int, list[int]]:
    """Three branches and the plan (year 2026) with its committee item, enabled."""
    async with env.db.transaction() as tx:
        ids = []
        for name in ("甲支部", "乙支部", "丙支部"):
            b = await branch_store.add_branch(tx, name, "", NOW)
            assert b is not None
            ids.append(b.id)
    spec = Preview.from_spec(SPEC).toggle(3).switch(4).with_year(2026).to_spec()
    return await plans.import_plan(env, spec, NOW), ids


async def admin(env: Env, when: datetime = NOW) -> Actor:
    return await identify(env, TgUser(ADMIN, "管理员"), when)


async def test_committee_items_are_no_branch_s_task(env: Env) -> None:
    await world(env)
    late = at(2027, 1, 5, 10)  # every deadline past
    async with env.db.reading() as tx:
        progress = await plans.progress(env, tx, late.date())
        (branch,) = [b for b in await branch_store.list_branches(tx) if b.name == "甲支部"]
        overdue = await plans.overdue_tasks(env, tx, branch, late.date())
        reminders = await plans.task_reminders(env, tx, at(2026, 12, 30, 10))
    (committee,) = [tp for tp in progress[0].tasks if tp.committee]
    assert committee.total == 0 and committee.overdue == []
    assert [s.task.title for s in overdue] == ["中期进展"]
    assert not [m for m in reminders if "审核验收" in m.text]


async def test_disable_enable_delete_with_the_change_log(env: Env) -> None:
    plan_id, _ = await world(env)
    actor = await admin(env)
    await plan_manage.set_active(env, actor, plan_id, False, NOW)
    async with env.db.reading() as tx:
        assert await store.active_plans(tx) == []
        assert [p.id for p in await store.kept_plans(tx)] == [plan_id]
    with pytest.raises(UserError) as exc:  # twice: the button was stale
        await plan_manage.set_active(env, actor, plan_id, False, NOW)
    assert refusal(exc) == "stale_button"
    await plan_manage.set_active(env, actor, plan_id, True, NOW)
    assert await plan_manage.delete(env, actor, plan_id, NOW) == "测试方案"
    async with env.db.reading() as tx:
        assert await store.kept_plans(tx) == []
        assert [p.id for p in await store.all_plans(tx)] == [plan_id]  # kept for the ledger
        rows, count = await store.changes(tx, plan_id)
    assert count == 3 and [r.action for r in rows] == ["deleted", "enabled", "disabled"]
    with pytest.raises(UserError) as exc:
        await plan_manage.view(env, actor, plan_id)
    assert refusal(exc) == "stale_button"


async def test_reassign_to_some_branches_and_back_to_all(env: Env) -> None:
    plan_id, ids = await world(env)
    actor = await admin(env)
    async with env.db.reading() as tx:
        tasks = await store.tasks_of(tx, [plan_id])
    mid = next(x for x in tasks if x.title == "中期进展")
    duty = next(x for x in tasks if x.owner == "committee")
    task = await plan_manage.assign(env, actor, mid.id, ids[0], NOW)  # all but 甲
    assert task.branches == ["乙支部", "丙支部"]
    task = await plan_manage.assign(env, actor, mid.id, ids[1], NOW)
    with pytest.raises(UserError) as exc:  # the last one stays
        await plan_manage.assign(env, actor, mid.id, ids[2], NOW)
    assert refusal(exc) == "plan_assign_none"
    task = await plan_manage.assign(env, actor, mid.id, None, NOW)
    assert task.branches is None
    with pytest.raises(UserError) as exc:
        await plan_manage.assign(env, actor, duty.id, ids[0], NOW)
    assert refusal(exc) == "plan_task_committee"
    view = await plan_manage.view(env, actor, plan_id)
    assert view.change_count == 3 and view.changes[0].who == "管理员"


async def test_a_secretary_or_stranger_manages_nothing(env: Env) -> None:
    plan_id, _ = await world(env)
    stranger = await identify(env, TgUser(4242, "路人"), NOW)
    for call in (
        plan_manage.plans(env, stranger),
        plan_manage.view(env, stranger, plan_id),
        plan_manage.set_active(env, stranger, plan_id, False, NOW),
        plan_manage.delete(env, stranger, plan_id, NOW),
    ):
        with pytest.raises(UserError) as exc:
            await call
        assert refusal(exc) == "denied"


async def test_circular_section_is_short_at_any_size(env: Env) -> None:
    """500 branches, 30 tasks all overdue: a dozen task lines of at most three names."""
    async with env.db.transaction() as tx:
        for i in range(500):
            await branch_store.add_branch(tx, f"第{i:04d}党支部", "", NOW)
    spec = PlanSpec(
        title="大方案",
        year=2026,
        tasks=[TaskSpec(title=f"任务{i}" * 30, due=date(2026, 3, 1)) for i in range(30)]
        + [TaskSpec(title=f"工委事项{i}", owner="committee") for i in range(9)],
    )
    await plans.import_plan(env, spec, NOW)
    async with env.db.reading() as tx:
        progress = await plans.progress(env, tx, date(2026, 11, 26), frozenset({1, 2}))
    section = plans.circular_section("zh-Hans", progress, "六", date(2026, 11, 26))
    assert section is not None
    text = "\n".join(p.text for p in section.paras)
    assert len(text) < 2500, len(text)
    assert text.count("党支部") <= 3 * plans.CHAT_TASKS
    assert "498" in text  # overdue counted over the 498 expected (2 exempt)
    detail = "\n".join(p.text for p in section.detail)
    assert detail.count("党支部") == 30 * 498  # the document has them all


async def test_history_of_deleted_tasks_and_disabled_plans_stays_for_the_ledger(
    env: Env,
) -> None:
    plan_id, ids = await world(env)
    actor = await admin(env)
    async with env.db.transaction() as tx:
        tasks = await store.tasks_of(tx, [plan_id])
        mid = next(x for x in tasks if x.title == "中期进展")
        monthly = next(x for x in tasks if x.title == "每月报送")
        await store.set_status(tx, mid.id, ids[0], "done", ADMIN, NOW)
        await store.set_status(tx, monthly.id, ids[1], "doing", ADMIN, NOW)
    async with env.db.reading() as tx:
        assert await plans.past_statuses(tx) == []  # all still in force
    await plan_manage.delete_task(env, actor, mid.id, NOW)
    async with env.db.reading() as tx:
        (past,) = await plans.past_statuses(tx)
    assert (past.branch, past.plan, past.status) == ("甲支部", "测试方案", "done")
    assert past.task.startswith("中期进展") and past.task != "中期进展"  # marked deleted
    await plan_manage.set_active(env, actor, plan_id, False, NOW)
    async with env.db.reading() as tx:
        rows = await plans.past_statuses(tx)
        progress = await plans.progress(env, tx, NOW.date())
    assert {(r.branch, r.status) for r in rows} == {("甲支部", "done"), ("乙支部", "doing")}
    assert all(r.plan != "测试方案" and r.plan.startswith("测试方案") for r in rows)
    assert progress == []  # the circular drops a disabled plan


async def test_ledger_and_document_carry_what_the_chat_leaves_out(env: Env) -> None:
    """The ledger's task sheet keeps a deleted task's status; the circular's Word document
    lists every branch still to finish a task (the chat names three at most)."""
    import io

    import docx

    from bot.records.data import load_year
    from bot.records.document import circular_docx
    from bot.services.circular_model import CircularModel

    plan_id, ids = await world(env)
    actor = await admin(env)
    async with env.db.transaction() as tx:
        mid = next(x for x in await store.tasks_of(tx, [plan_id]) if x.title == "中期进展")
        await store.set_status(tx, mid.id, ids[0], "doing", ADMIN, NOW)
    await plan_manage.delete_task(env, actor, mid.id, NOW)
    data = await load_year(env, 2026, NOW)
    (row,) = [r for r in data.tasks if r.task.startswith("中期进展")]
    assert (row.branch, row.status) == ("甲支部", "doing") and row.task != "中期进展"

    async with env.db.transaction() as tx:
        for i in range(20):
            await branch_store.add_branch(tx, f"第{i:04d}党支部", "", NOW)
    other = PlanSpec(
        title="换届方案", year=2026, tasks=[TaskSpec(title="换届", due=date(2026, 12, 1))]
    )
    await plans.import_plan(env, other, NOW)
    async with env.db.reading() as tx:
        progress = await plans.progress(env, tx, date(2027, 1, 5))
    section = plans.circular_section("zh-Hans", progress, "六", date(2027, 1, 5))
    assert section is not None
    model = CircularModel(lang="zh-Hans", month="2026-12", sections=(section,))
    document = docx.Document(io.BytesIO(circular_docx("工委", model, date(2027, 1, 5))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert all(f"第{i:04d}党支部" in text for i in range(20))
    chat = "\n".join(p.text for p in section.paras)
    assert sum(f"第{i:04d}党支部" in chat for i in range(20)) <= 3


async def test_typed_title_and_deadline_of_a_task(env: Env) -> None:
    """✏️/📅 then the text: a bad date is refused and the question stays open; 取消 closes it."""
    plan_id, _ = await world(env)
    actor = await admin(env)
    async with env.db.reading() as tx:
        mid = next(x for x in await store.tasks_of(tx, [plan_id]) if x.title == "中期进展")
    assert await plan_manage.typed(env, actor, "随便说点什么", NOW) is None  # nothing asked
    await plan_manage.ask_task(env, actor, mid.id, "title", NOW)
    done = await plan_manage.typed(env, actor, "  报送中期进展  ", NOW)
    assert isinstance(done, plan_manage.TaskEdited) and done.task.title == "报送中期进展"
    await plan_manage.ask_task(env, actor, mid.id, "due", NOW)
    with pytest.raises(UserError) as exc:
        await plan_manage.typed(env, actor, "月底", NOW)
    assert refusal(exc) == "plan_pv_date_bad"
    done = await plan_manage.typed(env, actor, "12月5日", NOW)  # the plan's year
    assert isinstance(done, plan_manage.TaskEdited) and done.task.due_on == date(2026, 12, 5)
    await plan_manage.ask_task(env, actor, mid.id, "due", NOW)
    assert await plan_manage.typed(env, actor, "取消", NOW) == plan_manage.DROPPED
    assert await plan_manage.typed(env, actor, "12月6日", NOW) is None
    view = await plan_manage.view(env, actor, plan_id)
    assert [c.row.action for c in view.changes] == ["task_due", "task_title"]
