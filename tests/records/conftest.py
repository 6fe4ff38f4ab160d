"""Fixtures of the records tests; the world itself is described in records_world.py."""

from __future__ import annotations

import pytest

from bot.services.base import Env
from tests.records.records_world import World, build_world


@pytest.fixture
async def world(env: Env) -> World:
    return await build_world(env)
