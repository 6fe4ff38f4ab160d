"""Every command and button × every role: allowed or denied, decided on the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest

from bot.plans.model import PlanSpec, TaskSpec
from bot.plans.yamlio import dump_plan_yaml
from bot.services import plans
from bot.services.base import Env, TgUser, identify
from bot.testing.sim import Sim
from storage import plans as plan_store
from storage import repo
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, invite_token, join, text_of

STRANGER, OTHER, SECRETARY, DEPUTY, COORDINATOR = 900, 301, 302, 303, 304
ROLES = {
    "stranger": STRANGER,
    "other_secretary": OTHER,
    "secretary": SECRETARY,
    "deputy": DEPUTY,
    "coordinator": COORDINATOR,
    "admin": ADMIN,
}
MEMBERS = {"secretary", "deputy"}
ANY_MEMBER = {"secretary", "deputy", "other_secretary"}
COORDINATORS = {"coordinator", "admin"}
DENIALS = ("⛔", "还没有绑定任何支部", "不是该支部")


@dataclass
class World:
    sim: Sim
    report_id: int
    branch_id: int
    task_id: int
    draft_id: int


@pytest.fixture
async def world(env: Env) -> AsyncIterator[World]:
    async with Sim(env, at(2026, 11, 10, 10)) as sim:
        sim.user(ADMIN, "管理员")
        sim.group(COORD_GROUP, "协调群")
        await committee(sim, {"甲支部": SECRETARY, "乙支部": OTHER})
        await join(sim, DEPUTY, "甲联络员", "甲支部", "deputy")
        token = await invite_token(sim, "coordinator")
        sim.user(COORDINATOR, "协调人")
        await sim.say(COORDINATOR, f"/start {token}")
        sim.user(STRANGER, "路人")
        await sim.say(SECRETARY, "/report")
        await sim.say(SECRETARY, "甲支部十一月报告")
        spec = PlanSpec(
            title="测试方案", year=2026, tasks=[TaskSpec(title="完成换届", due=date(2026, 12, 1))]
        )
        await plans.import_plan(env, spec, sim.clock())
        admin = await identify(env, TgUser(ADMIN), sim.clock())
        draft = await plans.draft(env, admin, "p.yaml", dump_plan_yaml(spec).encode(), sim.clock())
        async with env.db.reading() as tx:
            branch = await repo.find_branch(tx, "甲支部")
            assert branch is not None
            report = await repo.get_report(tx, branch.id, "2026-11")
            assert report is not None
            task = (await plan_store.tasks_of(tx, [1]))[0]
        yield World(sim, report.id, branch.id, task.id, draft.id)


COMMANDS: list[tuple[str, set[str]]] = [
    ("/report", ANY_MEMBER),
    ("/myreports", ANY_MEMBER),
    ("/status", COORDINATORS),
    ("/status 甲支部", COORDINATORS),
    ("/status 2026-10", COORDINATORS),
    ("/remind", COORDINATORS),
    ("/circular", COORDINATORS),
    ("/schedule", COORDINATORS),
    ("/exempt 乙支部 2026-11 培训", COORDINATORS),
    ("/unexempt 乙支部 2026-11", COORDINATORS),
    ("/branches", COORDINATORS),
    ("/addbranch 丙支部", COORDINATORS),
    ("/renamebranch 乙支部 乙党支部", COORDINATORS),
    ("/archivebranch 乙支部", COORDINATORS),
    ("/invite 乙支部", COORDINATORS),
    ("/invite 乙支部 deputy", COORDINATORS),
    ("/invites", COORDINATORS),
    ("/revoke 1", COORDINATORS),
    ("/invite coordinator", {"admin"}),
    ("/plan", ANY_MEMBER | COORDINATORS),
    ("/mytasks", ANY_MEMBER),
    ("/export 2026", COORDINATORS),
    ("/review 2026", COORDINATORS),
    ("/circulardoc", COORDINATORS),
]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("command", "allowed"), COMMANDS, ids=[c for c, _ in COMMANDS])
async def test_command(world: World, command: str, allowed: set[str], role: str) -> None:
    if command == "/unexempt 乙支部 2026-11":
        await world.sim.say(ADMIN, "/exempt 乙支部 2026-11 培训")
    if command == "/revoke 1":
        await invite_token(world.sim, "乙支部")
    out = await world.sim.say(ROLES[role], command)
    reply = text_of(out)
    denied = any(d in reply for d in DENIALS)
    assert reply, f"{command} as {role}: no answer"
    assert denied == (role not in allowed), f"{command} as {role}: {reply}"


@pytest.mark.parametrize("role", list(ROLES))
async def test_bindgroup(world: World, role: str) -> None:
    out = await world.sim.say_in_group(-100555, ROLES[role], "/bindgroup")
    denied = "⛔" in text_of(out)
    assert denied == (role != "admin")


BUTTONS: list[tuple[str, set[str]]] = [
    ("rev", MEMBERS),
    ("view", MEMBERS | COORDINATORS),
    ("hl", COORDINATORS),
    ("pick", MEMBERS),
    ("task", MEMBERS),
    ("ts", MEMBERS),
    ("planno", COORDINATORS),
]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("action", "allowed"), BUTTONS, ids=[a for a, _ in BUTTONS])
async def test_button(world: World, action: str, allowed: set[str], role: str) -> None:
    """Buttons are pressed on a message the user has; data is forged to point at 甲支部."""
    sim = world.sim
    user = ROLES[role]
    carrier = (await sim.say(user, "/help"))[-1]
    target = {
        "pick": f"{world.branch_id}",
        "task": f"{world.task_id}:{world.branch_id}",
        "ts": f"{world.task_id}:{world.branch_id}:doing",
        "planno": f"{world.draft_id}",
    }.get(action, f"{world.report_id}")
    update = sim.factory.callback(user, carrier, f"z1:{action}:{target}", allow_forged=True)
    before = len(sim.double.callback_answers)
    out = await sim.feed(update)
    answers = " ".join(str(a.get("text") or "") for a in sim.double.callback_answers[before:])
    denied = any(d in answers for d in DENIALS) or any(d in text_of(out) for d in DENIALS)
    assert denied == (role not in allowed), f"{action} as {role}: {answers} {text_of(out)}"
