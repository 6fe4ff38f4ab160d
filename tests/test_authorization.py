"""Every command (from the registry, `bot.commands`) × every role × every chat kind,
and every button: allowed or denied, decided on the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest

from bot.commands import ANYWHERE, COORDINATION, GROUP, PRIVATE, PRIVATE_ONLY, Audience, Command
from bot.commands import COMMANDS as REGISTRY
from bot.i18n import t
from bot.plans.model import PlanSpec, TaskSpec
from bot.plans.yamlio import dump_plan_yaml
from bot.services import plans
from bot.services.base import Env, TgUser, identify
from bot.testing.botapi_double import SentMessage
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


# Who each audience of `bot.commands` is among the test's users.
AUDIENCE_ROLES: dict[Audience, set[str]] = {
    Audience.EVERYONE: set(ROLES),
    Audience.MEMBER: ANY_MEMBER,
    Audience.COORDINATOR: COORDINATORS,
    Audience.ADMIN: {"admin"},
}
OTHER_GROUP = -100555
CHAT_IDS = {COORDINATION: COORD_GROUP, GROUP: OTHER_GROUP}

# How each declared command is tried; every command in the registry needs at least one.
SAMPLES: dict[str, list[str]] = {
    "report": ["/report"],
    "myreports": ["/myreports"],
    "mytasks": ["/mytasks"],
    "status": ["/status", "/status 甲支部", "/status 2026-10"],
    "plan": ["/plan"],
    "remind": ["/remind"],
    "export": ["/export 2026"],
    "review": ["/review 2026"],
    "circulardoc": ["/circulardoc"],
    "circular": ["/circular"],
    "schedule": ["/schedule"],
    "branches": ["/branches"],
    "addbranch": ["/addbranch 丙支部"],
    "invite": ["/invite 乙支部", "/invite 乙支部 deputy", "/invite coordinator"],
    "invites": ["/invites"],
    "revoke": ["/revoke 1"],
    "exempt": ["/exempt 乙支部 2026-11 培训"],
    "unexempt": ["/unexempt 乙支部 2026-11"],
    "renamebranch": ["/renamebranch 乙支部 乙党支部"],
    "archivebranch": ["/archivebranch 乙支部"],
    "bindgroup": ["/bindgroup"],
    "start": ["/start"],
    "help": ["/help"],
    "lang": ["/lang"],
    "cancel": ["/cancel"],
}
# Where the service allows fewer users than the command's audience (it depends on the arguments).
NARROWER: dict[str, set[str]] = {"/invite coordinator": {"admin"}}


def allowed(command: Command, invocation: str) -> set[str]:
    if invocation in NARROWER:
        return NARROWER[invocation]
    return set().union(*(AUDIENCE_ROLES[a] for a in command.roles))


CASES = [
    (invocation, c, chat)
    for c in REGISTRY
    for invocation in SAMPLES.get(c.name, [])
    for chat in sorted(c.chats)
]


def test_every_command_is_tried() -> None:
    assert set(SAMPLES) == {c.name for c in REGISTRY}


async def send(sim: Sim, chat: str, user_id: int, text: str) -> list[SentMessage]:
    if chat == PRIVATE:
        return await sim.say(user_id, text)
    return await sim.say_in_group(CHAT_IDS[chat], user_id, text)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    ("invocation", "command", "chat"), CASES, ids=[f"{i} in {ch}" for i, _, ch in CASES]
)
async def test_command(
    world: World, invocation: str, command: Command, chat: str, role: str
) -> None:
    """Every command, in every chat it works in, as every role: the service's answer."""
    if invocation == "/unexempt 乙支部 2026-11":
        await world.sim.say(ADMIN, "/exempt 乙支部 2026-11 培训")
    if invocation == "/revoke 1":
        await invite_token(world.sim, "乙支部")
    out = await send(world.sim, chat, ROLES[role], invocation)
    reply = text_of(out)
    denied = any(d in reply for d in DENIALS)
    assert reply, f"{invocation} as {role} in {chat}: no answer"
    assert denied == (role not in allowed(command, invocation)), (
        f"{invocation} as {role} in {chat}: {reply}"
    )


def wrong_chat_answer(command: Command) -> str:
    if command.chats == PRIVATE_ONLY:
        key = "wrong_chat_private"
    elif PRIVATE not in command.chats:
        key = "wrong_chat_bindgroup"
    else:
        key = "wrong_chat_group"
    return t("zh-Hans", key, command=f"/{command.name}")


WRONG_CHATS = [c for c in REGISTRY if c.chats != ANYWHERE]


@pytest.mark.parametrize("command", WRONG_CHATS, ids=[c.name for c in WRONG_CHATS])
async def test_wrong_chat(world: World, command: Command) -> None:
    """Every command, in every chat it does not work in, as every role: the same pointer."""
    expected = wrong_chat_answer(command)
    for chat in sorted(ANYWHERE - command.chats):
        for role, user_id in ROLES.items():
            for invocation in SAMPLES[command.name]:
                reply = text_of(await send(world.sim, chat, user_id, invocation))
                assert reply == expected, f"{invocation} as {role} in {chat}: {reply}"


@pytest.mark.parametrize("role", list(ROLES))
async def test_bindgroup_in_a_new_group(world: World, role: str) -> None:
    out = await world.sim.say_in_group(-100666, ROLES[role], "/bindgroup")
    denied = "⛔" in text_of(out)
    assert denied == (role != "admin")


BUTTONS: list[tuple[str, set[str]]] = [
    ("rev", MEMBERS),
    ("view", MEMBERS | COORDINATORS),
    ("hl", COORDINATORS),
    ("pick", MEMBERS),
    ("typed", MEMBERS),
    ("wd", {"secretary"} | COORDINATORS),  # the author, or a coordinator (asked why)
    ("wdok", {"secretary"}),  # a coordinator gives a reason instead
    ("mv", {"secretary"} | COORDINATORS),
    ("mvto", {"secretary"} | COORDINATORS),
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
        "typed": f"{world.branch_id}:2026-11",
        "mvto": f"{world.report_id}:{world.branch_id}:2026-10",
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


BAD_ARGUMENTS = [
    "/addbranch",
    "/archivebranch",
    "/renamebranch 乙支部",
    "/invite",
    "/revoke abc",
    "/status 2026-13",
    "/circular 2026/xx",
    "/circular 2099-01",
    "/exempt 乙支部",
    "/unexempt 乙支部 十一月",
    "/export 1999",
    "/review 20x6",
    "/circulardoc 2026-13",
]


@pytest.mark.parametrize("invocation", BAD_ARGUMENTS)
async def test_refusal_comes_before_argument_errors(world: World, invocation: str) -> None:
    """The service checks who asks before it reads the arguments: a secretary is refused."""
    reply = text_of(await world.sim.say(SECRETARY, invocation))
    assert "⛔" in reply, f"{invocation}: {reply}"
    assert "⛔" not in text_of(await world.sim.say(ADMIN, invocation)), invocation
