"""Nothing forged: signed button data, and no cycle for a month the committee never ran."""

from __future__ import annotations

import pytest

from bot.calendar import Month
from bot.services import signing
from bot.services.base import Env, UserError, committee_start, cycle_for
from bot.services.plans import STATUSES
from bot.testing.sim import Sim
from handlers import common
from storage import branches as branch_store
from storage import circulars as circular_store
from storage import meta
from storage import reports as report_store
from tests.catalog import check
from tests.conftest import ADMIN, at
from tests.helpers import committee, signed, text_of

KEY = bytes(range(32))
SEC = 201
# The largest id `int_arg` accepts has 16 digits (< 2**53).
BIG = str(2**53 - 1)


def test_sign_and_verify() -> None:
    data = "z1:rev:42"
    good = signing.sign(KEY, data)
    assert good.startswith(data + ":") and len(good) == len(data) + 1 + signing.MAC_CHARS
    assert signing.verify(KEY, good) == data
    assert signing.verify(b"another key", good) is None
    assert signing.verify(KEY, data) is None  # unsigned
    assert signing.verify(KEY, "z1:rev:43" + good[len(data) :]) is None  # MAC of other data
    assert signing.verify(KEY, None) is None
    assert signing.verify(KEY, "") is None
    assert signing.verify(KEY, good + "x" * 64) is None
    assert signing.verify(KEY, good[:-1] + "é") is None


def test_the_longest_button_the_product_builds_fits_with_headroom() -> None:
    """Every data shape the handlers build, with the largest ids: at most 56 of 64 bytes."""
    shapes = [
        f"pick:{BIG}",
        f"pick:{BIG}:2026-10",
        f"rev:{BIG}",
        f"view:{BIG}",
        f"hl:{BIG}",
        "lang:zh-Hant",
        f"planok:{BIG}",
        f"planno:{BIG}",
        f"task:{BIG}:{BIG}",
        *(f"ts:{BIG}:{BIG}:{s}" for s in STATUSES),
    ]
    longest = max(len(signing.sign(KEY, f"{common.CALLBACK_PREFIX}:{d}").encode()) for d in shapes)
    assert longest <= 56, longest


def test_buttons_refuse_data_over_64_bytes() -> None:
    token = common._button_key.set(KEY)
    try:
        markup = common.buttons([("ok", f"ts:{BIG}:{BIG}:doing")])
        data = markup.inline_keyboard[0][0].callback_data
        assert isinstance(data, str) and len(data.encode()) <= 64
        assert common.parse_callback(data) == ("ts", [BIG, BIG, "doing"])
        with pytest.raises(ValueError):
            common.buttons([("too long", "x:" + "9" * 60)])
    finally:
        common._button_key.reset(token)
    with pytest.raises(RuntimeError):  # outside an update there is no key: never unsigned
        common.buttons([("ok", "rev:1")])


async def test_the_secret_is_made_once_per_database(env: Env) -> None:
    first = await signing.button_key(env)
    assert len(first) == 32
    assert await signing.button_key(env) == first
    async with env.db.reading() as tx:
        assert await meta.kv_get(tx, signing.SECRET_KEY) == first.hex()


# ------------------------------------------------------------ cycles: only months that ran


async def cycle(env: Env, month: Month, now_args: tuple[int, ...]) -> str:
    async with env.db.transaction() as tx:
        return (await cycle_for(env, tx, month, at(*now_args))).month


async def refused(env: Env, month: Month, now_args: tuple[int, ...]) -> str:
    with pytest.raises(UserError) as err:
        await cycle(env, month, now_args)
    async with env.db.reading() as tx:
        assert await report_store.get_cycle(tx, str(month)) is None
    return err.value.key


async def test_no_cycle_for_a_future_month(env: Env) -> None:
    assert await refused(env, Month(2026, 12), (2026, 11, 30, 23)) == "month_in_future"
    assert await refused(env, Month(2027, 1), (2026, 11, 30, 23)) == "month_in_future"
    assert await cycle(env, Month(2026, 11), (2026, 11, 30, 23)) == "2026-11"


async def test_no_cycle_before_the_committee_started(env: Env) -> None:
    # Nothing yet: only this month can begin.
    assert await refused(env, Month(2026, 10), (2026, 11, 2, 10)) == "cycle_before_start"
    async with env.db.transaction() as tx:
        await branch_store.add_branch(tx, "甲支部", "", at(2026, 9, 20, 10))
        assert await committee_start(env, tx, at(2026, 11, 2, 10)) == Month(2026, 9)
    # Before any cycle, the earliest branch's month is the start.
    assert await refused(env, Month(2026, 8), (2026, 11, 2, 10)) == "cycle_before_start"
    assert await cycle(env, Month(2026, 11), (2026, 11, 2, 10)) == "2026-11"
    # Once the first cycle exists, it is the start: no month before it is created.
    assert await refused(env, Month(2026, 10), (2026, 11, 2, 10)) == "cycle_before_start"
    assert await cycle(env, Month(2026, 12), (2026, 12, 1, 0)) == "2026-12"
    # An existing cycle is returned whatever the date.
    assert await cycle(env, Month(2026, 11), (2027, 3, 1, 10)) == "2026-11"
    # A clock set back still runs its current month (never refused to the minute tick).
    assert await cycle(env, Month(2026, 9), (2026, 9, 15, 10)) == "2026-09"


async def test_a_signed_makeup_button_for_a_month_that_never_ran_creates_nothing(
    sim: Sim, env: Env
) -> None:
    """The incident: `pick:<own branch>:2026-10` in a committee that started in November.
    Even with a valid signature (a replay, or a key leak) no October cycle is made,
    no October circular is posted, and October is not in the review."""
    await committee(sim, {"甲支部": SEC})
    async with env.db.reading() as tx:
        branch = await branch_store.find_branch(tx, "甲支部")
    assert branch is not None
    carrier = (await sim.say(SEC, "/help"))[-1]
    data = await signed(sim, f"z1:pick:{branch.id}:2026-10")
    before = len(sim.double.callback_answers)
    await sim.feed(sim.factory.callback(SEC, carrier, data, allow_forged=True))
    answers = [str(a.get("text")) for a in sim.double.callback_answers[before:]]
    check(answers, "cycle_before_start", month="2026-10", start="2026-11")
    # Text typed next is not filed under October either.
    out = await sim.say(SEC, "十月的报告")
    assert "10月" not in text_of(out) and "October" not in text_of(out)
    await sim.advance_to(at(2026, 11, 3, 10))
    async with env.db.reading() as tx:
        assert await report_store.get_cycle(tx, "2026-10") is None
        assert await circular_store.get_circular(tx, "2026-10") is None
        assert await report_store.reports_for_month(tx, "2026-10") == []
    review = text_of(await sim.say(ADMIN, "/review 2026"))
    assert "2026-10" not in review and "10月" not in review
