"""Shared fixtures: settings without any .env, an in-memory database, a simulated world."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.base import Env
from bot.settings import Settings
from bot.testing.sim import Sim
from storage.db import Database

TZ = ZoneInfo("Asia/Shanghai")
ADMIN = 1
COORD_GROUP = -1001234567890


def at(*args: int) -> datetime:
    """A local (Asia/Shanghai) aware datetime: at(2026, 11, 20, 9) → 2026-11-20 09:00+08."""
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


def make_settings(**overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "bot_token": "123456:TEST-TOKEN-not-real-000000000000",
        "admin_ids": [ADMIN],
        "org_name": "测试县委直属机关工委",
        "db": ":memory:",
    }
    base.update(overrides)
    return Settings(_env_file=None, **base)  # type: ignore[call-arg]


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await Database.open(":memory:")
    yield database
    await database.close()


@pytest.fixture
async def env(db: Database, settings: Settings) -> Env:
    return Env(db=db, cfg=settings)


@pytest.fixture
async def sim(env: Env) -> AsyncIterator[Sim]:
    async with Sim(env, at(2026, 11, 2, 10)) as world:
        world.user(ADMIN, "管理员")
        world.group(COORD_GROUP, "工委协调群")
        yield world


@pytest.fixture(autouse=True, scope="session")
def _plan_worker() -> Iterator[None]:
    """Plan files are read in a worker process (bot.services.plan_worker), started on
    first use; it ends with the session, as the application ends it on stop. Workers
    fork from one fork server, started here, before any test changes directory, so that
    they import this checkout's zhibu (see job_worker.start_fork_server)."""
    from bot.services import job_worker, plans

    job_worker.start_fork_server()
    yield

    plans.shutdown()
    job_worker.shutdown()  # the ledger/document/chart worker, likewise
