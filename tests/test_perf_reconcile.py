"""The set-based reconcile queues exactly what the Python rules say.

`reminders.queue_stage` builds the reminder keys, the escaped branch names and
the month-end cut in SQL; these tests compare its outbox rows with what
`rules.reminder_key`, `engine.reminder_text` and `rules.expected_in` give for
the same people, on a table of cases (names that need escaping, every language,
unknown languages, reported, exempt, archived, unreachable, deputies, branches
created either side of the month's end).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import rules
from bot.calendar import Month, end_of
from bot.models import MemberRole
from bot.rules import State
from bot.services import circular as circular_mod
from bot.services import engine
from bot.services.base import Env, cycle_for
from bot.services.files import DOCX_KIND
from bot.services.status import summarize
from storage import branches, outbox, people, reminders, reports
from storage.db import Tx
from tests.conftest import TZ, at

MONTH = Month(2026, 11)
START = at(2026, 10, 1, 9)
MONTH_END = end_of(MONTH.last_day, TZ)

# name, secretary's language (None: never chose), deputy's language (no deputy: "-")
BRANCHES: list[tuple[str, str | None, str | None]] = [
    ("第一党支部", None, "-"),
    ("A&B <研发> 支部", "en", "zh-Hant"),
    ("&amp; already escaped", "zh-Hans", "-"),
    ("{branch} {days} braces", "xx-unknown", None),
    ("引号\"和'撇号", "zh-Hant", "en"),
    ("\ue000branch\ue000 slot-like", None, "-"),
]


async def _user(tx: Tx, uid: int, language: str | None) -> None:
    await people.upsert_user(tx, uid, f"user{uid}", "", None, "en", START)
    if language is not None:
        await people.set_user_language(tx, uid, language)


async def _world(env: Env) -> None:
    """The table's branches plus one of each case that is owed nothing."""
    async with env.db.transaction() as tx:
        uid = 500
        for name, sec_lang, dep_lang in BRANCHES:
            b = await branches.add_branch(tx, name, "", START)
            assert b is not None
            uid += 1
            await _user(tx, uid, sec_lang)
            await branches.set_member(tx, b.id, MemberRole.SECRETARY, uid, START)
            if dep_lang != "-":
                uid += 1
                await _user(tx, uid, dep_lang)
                await branches.set_member(tx, b.id, MemberRole.DEPUTY, uid, START)
        extra = {
            "已报支部": START,
            "免报支部": START,
            "撤销支部": START,
            "拉黑支部": START,
            "月末前一刻": MONTH_END - timedelta(microseconds=1),
            "月末那一刻": MONTH_END,
            "下月支部": MONTH_END + timedelta(days=3),
        }
        ids = {}
        for name, created in extra.items():
            b = await branches.add_branch(tx, name, "", created)
            assert b is not None
            ids[name] = b.id
            uid += 1
            await _user(tx, uid, None)
            await branches.set_member(tx, b.id, MemberRole.SECRETARY, uid, created)
            if name == "拉黑支部":
                await people.set_reachable(tx, uid, False, "blocked the bot")
        await reports.insert_report(
            tx, ids["已报支部"], str(MONTH), uid, "报告", at(2026, 11, 5, 9), False
        )
        await reports.set_exemption(tx, ids["免报支部"], str(MONTH), "换届", 1, START)
        await branches.archive_branch(tx, ids["撤销支部"], at(2026, 11, 3, 9))


async def _expected(env: Env, stage: rules.Stage) -> dict[str, str]:
    """Key → text for the stage, from the Python rules over the month's summary."""
    async with env.db.reading() as tx:
        summary = await summarize(env, tx, MONTH, stage.at, with_failures=False)
        cycle = await cycle_for(env, tx, MONTH, stage.at)
    wanted: dict[str, str] = {}
    for line in summary.having(State.WAITING, State.MISSING):
        for user in line.view.reporters:
            if user.reachable:
                key = rules.reminder_key(MONTH, line.branch.id, stage.code, user.user_id)
                text = engine.reminder_text(env, user, line, stage, cycle.due_on, MONTH, stage.at)
                wanted[key] = text
    return wanted


async def _queued(env: Env, kind: str) -> dict[str, str]:
    async with env.db.reading() as tx:
        return {i.dedupe_key: i.text for i in await outbox.outbox_all(tx) if i.kind == kind}


@pytest.mark.parametrize("stage_index", [0, -1], ids=["first-reminder", "last-overdue"])
async def test_a_stage_queues_exactly_what_the_rules_say(env: Env, stage_index: int) -> None:
    await _world(env)
    async with env.db.transaction() as tx:
        cycle = await cycle_for(env, tx, MONTH, at(2026, 11, 10, 9))
    stage = engine.plan_stages(env, cycle.due_on)[stage_index]
    wanted = await _expected(env, stage)
    assert len(wanted) == 10  # the table's 9 reporters and the branch created in time
    # the cut at the month's end: created a moment before is owed, at the end is not
    names = {k.split(":")[2] for k in wanted}
    async with env.db.reading() as tx:
        by_name = {b.name: b.id for b in await branches.list_branches(tx, include_archived=True)}
    assert str(by_name["月末前一刻"]) in names and str(by_name["月末那一刻"]) not in names

    result = await engine.reconcile(env, stage.at)

    queued = await _queued(env, stage.kind)
    assert queued == wanted
    assert result.enqueued >= len(wanted)
    # the rows carry their stage's window, chat and branch like any message
    async with env.db.reading() as tx:
        rows = [i for i in await outbox.outbox_all(tx) if i.kind == stage.kind]
    assert all(r.valid_until == stage.until for r in rows)
    assert all(r.chat_id == r.recipient_id and r.month == str(MONTH) for r in rows)
    assert all(r.dedupe_key.split(":")[2] == str(r.branch_id) for r in rows)
    # by branch, the secretary first
    order = [(r.branch_id, r.id) for r in rows]
    assert order == sorted(order)
    # the next minute queues nothing more
    again = await engine.reconcile(env, stage.at + timedelta(minutes=1))
    assert await _queued(env, stage.kind) == wanted
    assert again.enqueued == 0 or stage.digest or stage.kind == "overdue"


async def test_a_reporter_already_reminded_is_not_reminded_again(env: Env) -> None:
    """A key already in the outbox (queued by an earlier run) is left alone."""
    await _world(env)
    async with env.db.transaction() as tx:
        cycle = await cycle_for(env, tx, MONTH, at(2026, 11, 10, 9))
    stage = engine.plan_stages(env, cycle.due_on)[0]
    wanted = await _expected(env, stage)
    first = sorted(wanted)[0]
    async with env.db.transaction() as tx:
        await tx.run(
            "INSERT INTO outbox(dedupe_key, kind, chat_id, text, created_at, next_attempt_at)"
            " VALUES (?, 'remind', 1, 'earlier', ?, ?)",
            (first, "2026-11-01T00:00:00.000000+00:00", "2026-11-01T00:00:00.000000+00:00"),
        )
    await engine.reconcile(env, stage.at)
    queued = await _queued(env, "remind")
    assert queued[first] == "earlier"
    assert {k: v for k, v in queued.items() if k != first} == {
        k: v for k, v in wanted.items() if k != first
    }


CASES = [
    (Month(2026, 11), 1, "d-3", 1),
    (Month(2026, 1), 10_000, "o+1", 987_654_321),
    (Month(1999, 12), 42, "d-0", 7_000_000_000),
    (Month(2030, 2), 123, "o+10", 5),
]


@pytest.mark.parametrize(("month", "branch", "code", "user"), CASES)
async def test_the_sql_key_is_the_rules_key(
    env: Env, month: Month, branch: int, code: str, user: int
) -> None:
    sql = reminders.REMINDER_KEY_SQL.format(prefix="?1", code="?2")
    async with env.db.reading() as tx:
        row = await tx.one(
            f"SELECT {sql} AS k FROM (SELECT ?3 AS branch_id, ?4 AS user_id) m",
            (rules.reminder_prefix(month), code, branch, user),
        )
    assert row is not None
    assert row["k"] == rules.reminder_key(month, branch, code, user)


async def test_a_waiting_circular_is_not_rendered_every_minute(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A built, unposted circular with no group bound (or queued already) is left
    alone by each tick: its messages are not rendered again only to be ignored."""
    await _world(env)
    due1 = at(2026, 11, 26, 9)
    first = await engine.reconcile(env, due1)
    assert first.circulars_built == 1

    def fail(*_: object) -> list[str]:
        raise AssertionError("stored circular rendered again")

    monkeypatch.setattr(circular_mod, "stored_messages", fail)
    for minute in range(1, 4):
        await engine.reconcile(env, due1 + timedelta(minutes=minute))
    monkeypatch.undo()
    # once a group is bound it is queued, then waits in the outbox
    env.cfg.coordination_chat_id = -100_777
    queued = await engine.reconcile(env, due1 + timedelta(minutes=5))
    assert queued.enqueued > 0
    monkeypatch.setattr(circular_mod, "stored_messages", fail)
    later = await engine.reconcile(env, due1 + timedelta(minutes=6))
    assert later.enqueued == 0
    async with env.db.reading() as tx:
        keys = {i.dedupe_key for i in await outbox.outbox_all(tx)}
    assert f"circular:{MONTH}:1" in keys and f"{DOCX_KIND}:{MONTH}" in keys
