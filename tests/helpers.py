"""Small helpers for tests that drive the simulated world."""

from __future__ import annotations

from pathlib import Path

from bot.services import signing
from bot.services.base import Env
from bot.testing.botapi_double import SentMessage
from bot.testing.sim import Sim
from storage.db import Database
from tests.catalog import check, matches
from tests.conftest import ADMIN, COORD_GROUP, make_settings


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(m.plain_text or "" for m in messages)


async def invite_token(sim: Sim, branch: str, role: str = "", by: int = ADMIN) -> str:
    out = await sim.say(by, f"/invite {branch} {role}".strip())
    link = check(out[-1], "invite_created")["link"]
    assert "start=" in link, link
    return link.split("start=")[1].split()[0]


async def join(sim: Sim, user_id: int, name: str, branch: str, role: str = "") -> None:
    token = await invite_token(sim, branch, role)
    sim.user(user_id, name)
    out = await sim.say(user_id, f"/start {token}")
    joined = ("joined_member", "joined_member_handover")
    assert any(matches(out, k, branch=branch) for k in joined), text_of(out)


async def committee(sim: Sim, branches: dict[str, int | None], bind_group: bool = True) -> None:
    """Create branches; join a secretary (user id) for each one given."""
    if bind_group:
        out = await sim.say_in_group(COORD_GROUP, ADMIN, "/bindgroup")
        check(out, "bindgroup_done")
    for name, secretary in branches.items():
        await sim.say(ADMIN, f"/addbranch {name}")
        if secretary is not None:
            await join(sim, secretary, f"{name}书记", name)


async def signed(sim: Sim, data: str) -> str:
    """`data` (`z1:action:args`) signed with the world's key, as if the bot had built it:
    a replayed or tampered-with button, for tests of the role checks behind the signature."""
    return signing.sign(await signing.button_key(sim.env), data)


async def open_env(path: Path) -> Env:
    """A world on a database file, for tests that stop and start the bot on it."""
    return Env(db=await Database.open(path), cfg=make_settings(db=str(path)))


async def founded(sim: Sim, branches: dict[str, int | None]) -> None:
    """The admin, the coordination group (bound) and the branches with their secretaries."""
    sim.user(ADMIN, "管理员")
    sim.group(COORD_GROUP, "协调群")
    await committee(sim, branches)
