"""Storage on the real migrations, and services with `now` passed in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.calendar import Month
from bot.models import NewMessage
from bot.services import onboarding, reports
from bot.services.base import Actor, Env, TgUser, UserError, identify
from storage import branches, outbox, people
from storage import reports as report_store
from storage.db import Database, migrations
from tests.conftest import ADMIN, at


async def test_migrations_and_pragmas(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "x.sqlite3")
    try:
        async with db.reading() as tx:
            version = await tx.one("PRAGMA user_version")
            fk = await tx.one("PRAGMA foreign_keys")
            mode = await tx.one("PRAGMA journal_mode")
        assert version is not None and version[0] == migrations()[-1][0]
        assert fk is not None and fk[0] == 1
        assert mode is not None and mode[0] == "wal"
        assert await db.migrate() == migrations()[-1][0]  # idempotent
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await branches.add_branch(tx, "甲支部", "", at(2026, 11, 1))
            raise RuntimeError("boom")
    async with db.reading() as tx:
        assert await branches.list_branches(tx) == []


async def test_outbox_dedupe_and_lease(db: Database) -> None:
    now = at(2026, 11, 1, 9)
    msg = NewMessage(dedupe_key="k:1", kind="t", chat_id=5, text="x")
    async with db.transaction() as tx:
        assert await outbox.enqueue(tx, msg, now)
        assert not await outbox.enqueue(tx, msg, now)
        claimed = await outbox.claim_due(tx, now, now + timedelta(minutes=5), 10)
        assert [c.dedupe_key for c in claimed] == ["k:1"]
        assert await outbox.claim_due(tx, now, now + timedelta(minutes=5), 10) == []
        again = await outbox.claim_due(
            tx, now + timedelta(minutes=5), now + timedelta(minutes=10), 10
        )
        assert len(again) == 1  # a crashed sender's lease runs out: tried again


async def test_naive_datetimes_are_refused(db: Database) -> None:
    from datetime import datetime

    async with db.transaction() as tx:
        with pytest.raises(ValueError, match="naive"):
            await branches.add_branch(tx, "甲", "", datetime(2026, 11, 1))


async def _member(env: Env, user_id: int, branch: str, now_day: int = 1) -> None:
    now = at(2026, 11, now_day, 8)
    admin = await identify(env, TgUser(ADMIN, "管理员"), now)
    async with env.db.reading() as tx:
        existing = await branches.find_branch(tx, branch)
    if existing is None:
        await onboarding.add_branch(env, admin, branch, now)
    made = await onboarding.create_invite(env, admin, branch, onboarding.InviteRole.SECRETARY, now)
    user = await identify(env, TgUser(user_id, "书记"), now)
    await onboarding.redeem(env, user, made.token, now)


async def test_lateness_boundary_is_the_end_of_the_due_day(env: Env) -> None:
    await _member(env, 11, "甲支部")
    await _member(env, 12, "乙支部")
    sec1 = await identify(env, TgUser(11), at(2026, 11, 25, 23, 59))
    sec2 = await identify(env, TgUser(12), at(2026, 11, 26, 0, 0))
    month = Month(2026, 11)
    b1, b2 = sec1.memberships[0].branch.id, sec2.memberships[0].branch.id
    on_time = await reports.submit(env, sec1, b1, month, "报告", at(2026, 11, 25, 23, 59, 59))
    late = await reports.submit(env, sec2, b2, month, "报告", at(2026, 11, 26, 0, 0))
    assert not on_time.report.late and late.report.late
    # A revision after the due day keeps the original timing.
    revised = await reports.submit(env, sec1, b1, month, "修订", at(2026, 11, 28, 10))
    assert not revised.report.late and revised.report.revisions == 2


async def test_services_refuse_other_branches(env: Env) -> None:
    await _member(env, 11, "甲支部")
    await _member(env, 12, "乙支部")
    sec1 = await identify(env, TgUser(11), at(2026, 11, 2))
    sec2 = await identify(env, TgUser(12), at(2026, 11, 2))
    with pytest.raises(UserError) as err:
        await reports.submit(
            env, sec1, sec2.memberships[0].branch.id, Month(2026, 11), "x", at(2026, 11, 2)
        )
    assert err.value.key == "denied_branch"
    with pytest.raises(UserError):
        await onboarding.add_branch(env, sec1, "丙支部", at(2026, 11, 2))


async def _reported_in_november(env: Env, user_id: int, branch: str) -> Actor:
    """`user_id`, secretary of the new `branch`, files November's report on 11-03;
    the admin (the actor returned) and the secretary are identified on 11-02."""
    await _member(env, user_id, branch)
    admin = await identify(env, TgUser(ADMIN), at(2026, 11, 2))
    sec = await identify(env, TgUser(user_id), at(2026, 11, 2))
    await reports.submit(
        env, sec, sec.memberships[0].branch.id, Month(2026, 11), "报告", at(2026, 11, 3)
    )
    return admin


async def test_archived_branch_keeps_history_and_leaves_status(env: Env) -> None:
    from bot.services.status import State, month_status

    await _member(env, 12, "乙支部")
    admin = await _reported_in_november(env, 11, "甲支部")
    await onboarding.archive_branch(env, admin, "甲支部", at(2026, 12, 2))
    nov = await month_status(env, admin, Month(2026, 11), at(2026, 12, 2))
    dec = await month_status(env, admin, Month(2026, 12), at(2026, 12, 2))
    assert {ln.branch.name: ln.state for ln in nov.lines} == {
        "甲支部": State.ON_TIME,
        "乙支部": State.MISSING,
    }
    assert [ln.branch.name for ln in dec.lines] == ["乙支部"]
    # The name is free again for a new branch.
    await onboarding.add_branch(env, admin, "甲支部", at(2026, 12, 3))


async def test_runs_of_misses_use_the_same_rule_as_status(env: Env) -> None:
    """Review #3: a branch created at 00:30 on 11-01 (local) did not exist in October."""
    from bot.services.circular import missing_runs
    from bot.services.status import summarize

    async with env.db.transaction() as tx:
        await report_store.ensure_cycle(tx, "2026-10", at(2026, 10, 25).date(), at(2026, 10, 1))
        await report_store.ensure_cycle(tx, "2026-11", at(2026, 11, 25).date(), at(2026, 11, 1))
        await branches.add_branch(tx, "新支部", "", at(2026, 11, 1, 0, 30))
        summary = await summarize(env, tx, Month(2026, 11), at(2026, 11, 27))
        runs = await missing_runs(env, tx, summary)
    assert list(runs.values()) == [1]


async def test_without_secretary_counts_only_branches_still_to_report(env: Env) -> None:
    """Review #5: a branch that reported (its secretary since replaced or archived) is fine."""
    from bot.services.status import month_status

    admin = await _reported_in_november(env, 11, "甲支部")
    await onboarding.add_branch(env, admin, "乙支部", at(2026, 11, 3))
    await onboarding.archive_branch(env, admin, "甲支部", at(2026, 11, 4))
    summary = await month_status(env, admin, Month(2026, 11), at(2026, 11, 5))
    assert [ln.branch.name for ln in summary.without_secretary] == ["乙支部"]


class _CountingDb:
    """The real database, counting write transactions (identify runs on every update)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.writes = 0

    def transaction(self, *, quick: bool = False):  # type: ignore[no-untyped-def]
        self.writes += 1
        return self.db.transaction(quick=quick)

    def reading(self, *, quick: bool = False):  # type: ignore[no-untyped-def]
        return self.db.reading(quick=quick)


async def test_identify_writes_only_when_the_profile_changed(env: Env) -> None:
    counting = _CountingDb(env.db)
    quiet = Env(db=counting, cfg=env.cfg)  # type: ignore[arg-type]
    who = TgUser(501, "张", "三", "zhang", "en")
    first = await identify(quiet, who, at(2026, 11, 2, 9))
    assert counting.writes == 1 and first.user.first_name == "张"
    for minute in range(5):  # the same person writing again: reads only
        await identify(quiet, who, at(2026, 11, 2, 10, minute))
    assert counting.writes == 1
    renamed = await identify(quiet, TgUser(501, "张", "四", "zhang", "en"), at(2026, 11, 3))
    assert counting.writes == 2 and renamed.user.last_name == "四"
    async with env.db.transaction() as tx:
        await people.set_reachable(tx, 501, False, "blocked")
    back = await identify(quiet, TgUser(501, "张", "四", "zhang", "en"), at(2026, 11, 4))
    assert counting.writes == 3 and back.user.reachable  # writing to us again: reachable
