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
from bot.services import plans, signing
from bot.services.base import Env, TgUser, identify
from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Sim
from handlers.buttons import ACTIONS as BUTTON_ACTIONS
from storage import branches, reports
from storage import plans as plan_store
from tests.catalog import Source, check, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, invite_token, join, signed, text_of

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
# A refusal names who may do it (denied, denied_admin, denied_branch); a user with no
# branch is told to ask for an invitation.
REFUSALS = (
    "denied",
    "denied_admin",
    "denied_branch",
    "move_denied",
    "move_after_circular",
    "move_reason_needed",
)
DENIALS = (*REFUSALS, "not_a_secretary")


def refused(source: Source) -> bool:
    return any(matches(source, k) for k in REFUSALS)


def denied(source: Source) -> bool:
    return any(matches(source, k) for k in DENIALS)


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
            branch = await branches.find_branch(tx, "甲支部")
            assert branch is not None
            report = await reports.get_report(tx, branch.id, "2026-11")
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
    "status": ["/status", "/status 甲支部", "/status 2026-10", "/status 未报", "/status late"],
    "plan": ["/plan"],
    "remind": ["/remind", "/remind 乙支部"],
    "export": ["/export 2026"],
    "review": ["/review 2026"],
    "circulardoc": ["/circulardoc"],
    "form": ["/form", "/form 2026-11"],
    "circular": ["/circular"],
    "schedule": ["/schedule"],
    "branches": ["/branches"],
    "addbranch": ["/addbranch 丙支部", "/addbranch 丙支部\n丁支部"],
    "invite": ["/invite 乙支部", "/invite 乙支部 deputy", "/invite coordinator", "/invite all"],
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
    assert reply, f"{invocation} as {role} in {chat}: no answer"
    assert denied(out) == (role not in allowed(command, invocation)), (
        f"{invocation} as {role} in {chat}: {reply}"
    )


def wrong_chat_answer(command: Command) -> str:
    if command.chats == PRIVATE_ONLY:
        key = "wrong_chat_private"
    elif PRIVATE not in command.chats:
        key = "wrong_chat_bindgroup"
    else:
        key = "wrong_chat_group"
    return label(key, command=f"/{command.name}")


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
    assert refused(out) == (role != "admin"), text_of(out)


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
    """Buttons are pressed on a message the user has; the data is a validly signed
    button pointing at 甲支部 (a replay of someone else's): the role check refuses it."""
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
    data = await signed(sim, f"z1:{action}:{target}")
    update = sim.factory.callback(user, carrier, data, allow_forged=True)
    before = len(sim.double.callback_answers)
    out = await sim.feed(update)
    answers = [str(a.get("text") or "") for a in sim.double.callback_answers[before:]]
    was_denied = denied(answers) or denied(out)
    assert was_denied == (role not in allowed), f"{action} as {role}: {answers} {text_of(out)}"


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
    reply = await world.sim.say(SECRETARY, invocation)
    assert refused(reply), f"{invocation}: {text_of(reply)}"
    assert not refused(await world.sim.say(ADMIN, invocation)), invocation


PRIVATE_RECORDS = ("myreports", "mytasks", "plan")


def test_private_records_are_private_only() -> None:
    for name in PRIVATE_RECORDS:
        assert next(c for c in REGISTRY if c.name == name).chats == PRIVATE_ONLY, name


@pytest.mark.parametrize("chat", [COORDINATION, GROUP])
async def test_private_records_never_answer_in_a_group(world: World, chat: str) -> None:
    """A secretary's reports, tasks and the plans stay out of every group: a pointer only."""
    for name in PRIVATE_RECORDS:
        for role in ("secretary", "coordinator", "admin"):
            reply = text_of(await send(world.sim, chat, ROLES[role], f"/{name}"))
            expected = t("zh-Hans", "wrong_chat_private", command=f"/{name}")
            assert reply == expected, (name, role, chat, reply)
            assert "甲支部" not in reply and "测试方案" not in reply


# ------------------------------------------------- signed buttons: nothing forged is run


# Every action of `handlers.buttons`, with data that would be accepted from the bot
# and a user who may press it.
def genuine(world: World, action: str) -> tuple[str, int]:
    data, user = {
        "pick": (f"pick:{world.branch_id}", SECRETARY),
        "rev": (f"rev:{world.report_id}", SECRETARY),
        "view": (f"view:{world.report_id}", SECRETARY),
        "hl": (f"hl:{world.report_id}", ADMIN),
        "lang": ("lang:en", SECRETARY),
        "planok": (f"planok:{world.draft_id}", ADMIN),
        "planno": (f"planno:{world.draft_id}", ADMIN),
        "task": (f"task:{world.task_id}:{world.branch_id}", SECRETARY),
        "ts": (f"ts:{world.task_id}:{world.branch_id}:doing", SECRETARY),
        "pm": ("pm:status:2026-11", ADMIN),
        "rmd": ("rmd:2026-11", ADMIN),
        "rmdask": ("rmdask:2026-11", ADMIN),
        "stp": ("stp:2026-11:todo:2", ADMIN),
        "sfp": ("sfp:2026-11:1:2", ADMIN),
        "brp": ("brp:2", ADMIN),
        "ivp": ("ivp:2", ADMIN),
        "inva": ("inva", ADMIN),
        "mtb": (f"mtb:{world.branch_id}", SECRETARY),
        "mtp": (f"mtp:{world.branch_id}:2", SECRETARY),
        "typed": (f"typed:{world.branch_id}:2026-11", SECRETARY),
        "wd": (f"wd:{world.report_id}", SECRETARY),
        "wdok": (f"wdok:{world.report_id}", SECRETARY),
        "mv": (f"mv:{world.report_id}", SECRETARY),
        "mvto": (f"mvto:{world.report_id}:{world.branch_id}:2026-11", SECRETARY),
        "fa": (f"fa:{world.branch_id}:2026-11:5:y:1", SECRETARY),
        "fp": (f"fp:{world.branch_id}:2026-11", SECRETARY),
        "fc": (f"fc:{world.branch_id}:2026-11", SECRETARY),
        "fe": (f"fe:{world.branch_id}:2026-11", SECRETARY),
        "fk": (f"fk:{world.branch_id}:2026-11:0", SECRETARY),
        "fs": (f"fs:{world.branch_id}:2026-11", SECRETARY),
    }[action]
    return f"z1:{data}", user


def forgeries(data: str, good: str) -> list[str]:
    """Unsigned, a wrong MAC, a MAC of another key, a genuine MAC on changed data."""
    other_key = signing.sign(b"not this database's secret", data)
    tampered = data[:-1] + ("7" if data[-1] != "7" else "8")
    return [
        data,
        f"{data}:AAAAAAAA",
        f"{data}:{good.rsplit(':', 1)[1][::-1]}",
        other_key,
        f"{tampered}:{good.rsplit(':', 1)[1]}",
        good[:-1],
        good + "A",
        good.replace("z1:", "z2:", 1),
    ]


@pytest.mark.parametrize("action", sorted(BUTTON_ACTIONS))
async def test_forged_button_data_is_refused_before_any_action(
    world: World, action: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = world.sim
    calls: list[list[str]] = []

    async def spy(ctx: object, args: list[str]) -> None:
        calls.append(args)

    monkeypatch.setitem(BUTTON_ACTIONS, action, spy)
    data, user = genuine(world, action)
    good = await signed(sim, data)
    carrier = (await sim.say(user, "/help"))[-1]
    for forged in forgeries(data, good):
        assert forged != good
        before = len(sim.double.callback_answers)
        out = await sim.feed(sim.factory.callback(user, carrier, forged, allow_forged=True))
        answers = [str(a.get("text")) for a in sim.double.callback_answers[before:]]
        check(answers, "stale_button")
        assert out == [], (forged, text_of(out))
    assert calls == [], f"{action}: a forged button was accepted: {calls}"
    # The same data as the bot signs it is accepted: the refusals above are the signature's.
    await sim.feed(sim.factory.callback(user, carrier, good, allow_forged=True))
    assert len(calls) == 1, action


async def test_the_bot_signs_every_button_it_sends(world: World) -> None:
    out = await world.sim.say(SECRETARY, "/mytasks")
    pressed = [value for m in out for _, value in m.buttons() if value]
    assert pressed
    key = await signing.button_key(world.sim.env)
    for value in pressed:
        assert signing.verify(key, value) is not None, value
        assert len(value.encode()) <= 64
