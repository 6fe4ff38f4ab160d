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
# 总支书记 of 丙总支, over 丁支部 (whose secretary is INNER); 甲支部 and 乙支部 lie outside.
GENERAL, INNER = 305, 306
ROLES = {
    "stranger": STRANGER,
    "other_secretary": OTHER,
    "secretary": SECRETARY,
    "deputy": DEPUTY,
    "coordinator": COORDINATOR,
    "admin": ADMIN,
    "general": GENERAL,
}
MEMBERS = {"secretary", "deputy"}
ANY_MEMBER = {"secretary", "deputy", "other_secretary", "general"}  # 丙总支 reports too
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
    "denied_outside",
)
# A plan's preview is corrected and enabled by the coordinator who sent it only.
DENIALS = (*REFUSALS, "not_a_secretary", "plan_pv_not_yours")


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
    inner_report_id: int = 0  # 丁支部's, inside 丙总支


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
        await sim.say(ADMIN, "/addbranch 丙总支 类型=总支")
        await sim.say(ADMIN, "/addbranch 丁支部 上级=丙总支")
        await join(sim, GENERAL, "丙总支书记", "丙总支")
        await join(sim, INNER, "丁支部书记", "丁支部")
        await sim.say(INNER, "/report")
        await sim.say(INNER, "丁支部十一月报告")
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
            inner = await branches.find_branch(tx, "丁支部")
            assert inner is not None
            inner_report = await reports.get_report(tx, inner.id, "2026-11")
            assert inner_report is not None
        yield World(sim, report.id, branch.id, task.id, draft.id, inner_report.id)


# Who each audience of `bot.commands` is among the test's users.
AUDIENCE_ROLES: dict[Audience, set[str]] = {
    Audience.EVERYONE: set(ROLES),
    Audience.MEMBER: ANY_MEMBER,
    Audience.COORDINATOR: COORDINATORS,
    Audience.GENERAL: {"general"},
    Audience.ADMIN: {"admin"},
}
OTHER_GROUP = -100555
CHAT_IDS = {COORDINATION: COORD_GROUP, GROUP: OTHER_GROUP}

# How each declared command is tried; every command in the registry needs at least one.
SAMPLES: dict[str, list[str]] = {
    "report": ["/report"],
    "myreports": ["/myreports"],
    "mytasks": ["/mytasks"],
    "status": [
        "/status",
        "/status 甲支部",
        "/status 丁支部",
        "/status 2026-10",
        "/status 未报",
        "/status late",
    ],
    "plan": ["/plan"],
    "remind": ["/remind", "/remind 乙支部", "/remind 丁支部"],
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
    "exempt": ["/exempt 乙支部 2026-11 培训", "/exempt 丁支部 2026-11 培训"],
    "unexempt": ["/unexempt 乙支部 2026-11", "/unexempt 丁支部 2026-11"],
    "renamebranch": ["/renamebranch 乙支部 乙党支部"],
    "movebranch": ["/movebranch 乙支部 工委"],
    "reviewmode": ["/reviewmode 丙总支 开"],
    "archivebranch": ["/archivebranch 乙支部"],
    "bindgroup": ["/bindgroup"],
    "start": ["/start"],
    "help": ["/help"],
    "lang": ["/lang"],
    "cancel": ["/cancel"],
}
# Where the service allows fewer users than the command's audience (it depends on the arguments).
NARROWER: dict[str, set[str]] = {"/invite coordinator": {"admin"}}
# Invocations naming a unit outside 丙总支: its secretary is refused (docs/tree.md).
OUTSIDE = frozenset(
    {
        "/status 甲支部",
        "/remind 乙支部",
        "/exempt 乙支部 2026-11 培训",
        "/unexempt 乙支部 2026-11",
    }
)


def allowed(command: Command, invocation: str, chat: str = PRIVATE) -> set[str]:
    if invocation in NARROWER:
        return NARROWER[invocation]
    who = set().union(*(AUDIENCE_ROLES[a] for a in command.roles))
    scoped = Audience.GENERAL in command.roles and command.name != "bindgroup"
    if scoped and (invocation in OUTSIDE or chat == COORDINATION):
        who.discard("general")  # not another 总支's units; not in the committee's group
    return who


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
    await prepare(world, invocation)
    out = await send(world.sim, chat, ROLES[role], invocation)
    reply = text_of(out)
    assert reply, f"{invocation} as {role} in {chat}: no answer"
    assert denied(out) == (role not in allowed(command, invocation, chat)), (
        f"{invocation} as {role} in {chat}: {reply}"
    )


async def prepare(world: World, invocation: str) -> None:
    """What an invocation needs to be more than an argument error."""
    if invocation.startswith("/unexempt "):
        await world.sim.say(ADMIN, invocation.replace("/unexempt", "/exempt") + " 培训")
    if invocation == "/revoke 1":
        await invite_token(world.sim, "乙支部")


GENERAL_GROUP = -100777
GROUP_CASES = [
    (invocation, c)
    for c in REGISTRY
    if COORDINATION in c.chats
    for invocation in SAMPLES.get(c.name, [])
]


def allowed_in_general_group(command: Command, invocation: str) -> set[str]:
    """In 丙总支's own group every command acts for 丙总支 only, whoever sends it: the
    committee's own work is refused there, and so is a unit outside 丙总支."""
    if command.name == "bindgroup":
        return {"admin", "general"}  # the admin's makes it the committee's group
    if Audience.EVERYONE in command.roles:
        return set(ROLES)
    if Audience.GENERAL not in command.roles or invocation in OUTSIDE:
        return set()
    return COORDINATORS | {"general"}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("invocation", "command"), GROUP_CASES, ids=[i for i, _ in GROUP_CASES])
async def test_command_in_a_general_group(
    world: World, invocation: str, command: Command, role: str
) -> None:
    """Every command that works in a group, sent in a 总支's own group, as every role."""
    bound = await world.sim.say_in_group(GENERAL_GROUP, GENERAL, "/bindgroup")
    check(bound, "bindgroup_general_done", name="丙总支")
    await prepare(world, invocation)
    out = await world.sim.say_in_group(GENERAL_GROUP, ROLES[role], invocation)
    reply = text_of(out)
    assert reply, f"{invocation} as {role}: no answer"
    assert denied(out) == (role not in allowed_in_general_group(command, invocation)), (
        f"{invocation} as {role} in 丙总支's group: {reply}"
    )
    if Audience.GENERAL in command.roles:  # nothing of a unit outside 丙总支 is shown
        for outside in ("甲支部", "乙支部"):
            if outside not in invocation:
                assert outside not in reply, f"{invocation} as {role}: {reply}"


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
    """An admin binds the committee's group; a 总支书记 its 总支's; nobody else anything."""
    out = await world.sim.say_in_group(-100666, ROLES[role], "/bindgroup")
    assert refused(out) == (role not in ("admin", "general")), text_of(out)
    if role == "general":
        check(out, "bindgroup_general_done", name="丙总支")


@pytest.mark.parametrize("role", list(ROLES))
async def test_bindgroup_of_another_general(world: World, role: str) -> None:
    """`/bindgroup 总支名`: an admin, or that 总支's own secretary; 甲支部 is no 总支."""
    await world.sim.say(ADMIN, "/addbranch 戊总支 类型=总支")
    out = await world.sim.say_in_group(-100667, ROLES[role], "/bindgroup 戊总支")
    assert refused(out) == (role != "admin"), text_of(out)
    out = await world.sim.say_in_group(-100668, ROLES[role], "/bindgroup 丙总支")
    assert refused(out) == (role not in ("admin", "general")), text_of(out)


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
    ("planno", {"admin"}),  # the admin sent the preview
    # issue 9: the preview corrected (its sender only) and plans managed (coordinators)
    ("pvt", {"admin"}),
    ("pvk", {"admin"}),
    ("pvd", {"admin"}),
    ("pvp", {"admin"}),
    ("pvy", {"admin"}),
    ("plm", COORDINATORS),
    ("pld", COORDINATORS),
    ("plx", COORDINATORS),
    ("plxok", COORDINATORS),
    ("ptt", COORDINATORS),
    ("ptd", COORDINATORS),
    ("ptx", COORDINATORS),
    ("ptxok", COORDINATORS),
    ("ptb", COORDINATORS),
    ("ptbx", COORDINATORS),
    ("ptba", COORDINATORS),
    ("apv", set()),  # 审核: only the secretary of the report's own reviewing 总支
    ("apr", set()),
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
        **dict.fromkeys(("pvt", "pvk", "pvd", "pvp"), f"{world.draft_id}:0:1"),
        "pvy": f"{world.draft_id}:0:up:1",
        "plm": "1:1",
        **dict.fromkeys(("pld", "plx", "plxok"), "1"),
        **dict.fromkeys(("ptt", "ptd", "ptx", "ptxok", "ptba"), f"{world.task_id}"),
        "ptb": f"{world.task_id}:1",
        "ptbx": f"{world.task_id}:{world.branch_id}:1",
    }.get(action, f"{world.report_id}")
    data = await signed(sim, f"z1:{action}:{target}")
    update = sim.factory.callback(user, carrier, data, allow_forged=True)
    before = len(sim.double.callback_answers)
    out = await sim.feed(update)
    answers = [str(a.get("text") or "") for a in sim.double.callback_answers[before:]]
    was_denied = denied(answers) or denied(out)
    assert was_denied == (role not in allowed), f"{action} as {role}: {answers} {text_of(out)}"


INSIDE_BUTTONS: list[tuple[str, set[str]]] = [
    ("hl", COORDINATORS | {"general"}),  # 丙总支's secretary marks its own units' highlights
    ("view", COORDINATORS | {"general"}),
    ("rev", set()),  # only the author's branch revises (INNER, no role of the matrix)
    ("wd", COORDINATORS),
    ("mv", COORDINATORS),
]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("action", "allowed"), INSIDE_BUTTONS, ids=[a for a, _ in INSIDE_BUTTONS])
async def test_button_on_a_report_inside_a_general(
    world: World, action: str, allowed: set[str], role: str
) -> None:
    """The same replayed buttons on 丁支部's report, inside 丙总支: its secretary may
    read and highlight it; on 甲支部's (test_button) the 总支书记 is refused."""
    sim = world.sim
    user = ROLES[role]
    carrier = (await sim.say(user, "/help"))[-1]
    data = await signed(sim, f"z1:{action}:{world.inner_report_id}")
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
        "pvt": (f"pvt:{world.draft_id}:0:1", ADMIN),
        "pvk": (f"pvk:{world.draft_id}:0:1", ADMIN),
        "pvd": (f"pvd:{world.draft_id}:0:1", ADMIN),
        "pvp": (f"pvp:{world.draft_id}:0:1", ADMIN),
        "pvy": (f"pvy:{world.draft_id}:0:up:1", ADMIN),
        "plm": ("plm:1:1", ADMIN),
        "pld": ("pld:1", ADMIN),
        "plx": ("plx:1", ADMIN),
        "plxok": ("plxok:1", ADMIN),
        "ptt": (f"ptt:{world.task_id}", ADMIN),
        "ptd": (f"ptd:{world.task_id}", ADMIN),
        "ptx": (f"ptx:{world.task_id}", ADMIN),
        "ptxok": (f"ptxok:{world.task_id}", ADMIN),
        "ptb": (f"ptb:{world.task_id}:1", ADMIN),
        "ptbx": (f"ptbx:{world.task_id}:{world.branch_id}:1", ADMIN),
        "ptba": (f"ptba:{world.task_id}", ADMIN),
        "apv": (f"apv:{world.report_id}", SECRETARY),
        "apr": (f"apr:{world.report_id}", SECRETARY),
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
