"""Rows map to models by their fields: what is read back equals what was stored."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from bot.models import Branch, InviteRole, MemberRole, Membership
from storage import branches, circulars, meta, people, reports
from storage.db import Database
from storage.rows import model_from
from tests.conftest import at


def aware(*moments: datetime | None) -> bool:
    return all(m is not None and m.tzinfo is not None for m in moments)


async def test_mapped_datetimes_are_aware_and_equal_to_what_was_stored(db: Database) -> None:
    created, later = (
        at(2026, 3, 1, 9, 30, 15),
        at(2026, 3, 5, 18, 0, 0) + timedelta(microseconds=123456),
    )
    async with db.transaction() as tx:
        branch = await branches.add_branch(tx, "甲支部", "机关", created)
        assert branch is not None
        await branches.archive_branch(tx, branch.id, later)
        archived = await branches.get_branch(tx, branch.id)
        assert archived is not None
        assert archived.created_at == created and archived.archived_at == later
        assert aware(archived.created_at, archived.archived_at)

        other = await branches.add_branch(tx, "乙支部", "", created)
        assert other is not None
        await people.upsert_user(tx, 7, "书记", "", None, "zh-hans", created)
        await branches.set_member(tx, other.id, MemberRole.SECRETARY, 7, later)
        [membership] = await branches.memberships(tx, 7)
        assert membership == Membership(branch=other, role=MemberRole.SECRETARY, since=later)
        assert aware(membership.since, membership.branch.created_at)

        invite = await branches.add_invite(
            tx, "hash", InviteRole.DEPUTY, other.id, 7, created, later
        )
        await branches.use_invite(tx, invite.id, 7, later)
        used = await branches.get_invite(tx, invite.id)
        assert used is not None and used.role is InviteRole.DEPUTY
        assert (used.created_at, used.expires_at, used.used_at) == (created, later, later)
        assert used.revoked_at is None and aware(used.created_at, used.expires_at, used.used_at)

        cycle = await reports.ensure_cycle(tx, "2026-03", date(2026, 3, 25), created)
        assert cycle.due_on == date(2026, 3, 25)
        report = await reports.insert_report(tx, other.id, "2026-03", 7, "正文", created, True)
        assert report.late is True and report.revised_at is None
        revised = await reports.revise_report(tx, report.id, 7, "修订", later)
        assert (revised.submitted_at, revised.revised_at) == (created, later)
        assert aware(revised.submitted_at, revised.revised_at)
        assert [r.submitted_at for r in await reports.revisions(tx, report.id)] == [created, later]

        await circulars.save_circular(tx, "2026-03", "通报", created)
        await circulars.mark_circular_posted(tx, "2026-03", 41, later)
        await circulars.mark_circular_posted(tx, "2026-03", 42, later + timedelta(hours=1))
        circ = await circulars.get_circular(tx, "2026-03")
        assert circ is not None and circ.message_ids == [41, 42]
        assert (circ.built_at, circ.posted_at) == (created, later) and aware(circ.posted_at)

        await meta.audit(tx, "tested", later, 7, other.id, "detail")
        [entry] = await meta.audit_log(tx)
        assert entry.at == later and aware(entry.at)


async def test_unreachable_is_stored_as_an_integer_and_read_as_a_bool(db: Database) -> None:
    async with db.transaction() as tx:
        await people.upsert_user(tx, 7, "书记", "", "sec", None, at(2026, 3, 1))
        await people.set_reachable(tx, 7, False, "blocked")
        user = await people.get_user(tx, 7)
    assert user is not None and user.reachable is False
    assert user.unreachable_reason == "blocked" and user.username == "sec"


def _row(sql: str) -> sqlite3.Row:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    row = conn.execute(sql).fetchone()
    conn.close()
    assert isinstance(row, sqlite3.Row)
    return row


def test_a_prefix_picks_a_joined_tables_columns() -> None:
    row = _row(
        "SELECT 1 AS id, 'x' AS name, 2 AS b_id, '乙' AS b_name, '' AS b_category,"
        " '2026-03-01T01:30:00.000000+00:00' AS b_created_at, NULL AS b_archived_at,"
        " NULL AS b_parent_id, 'general' AS b_kind, 0 AS b_reports"  # the tree's columns
    )
    branch = model_from(Branch, row, "b_")
    assert (branch.id, branch.name, branch.archived_at) == (2, "乙", None)
    assert branch.is_general and branch.reports is False and branch.parent_id is None
    assert branch.created_at == at(2026, 3, 1, 9, 30) and aware(branch.created_at)


def test_a_missing_column_fails_rather_than_taking_the_default() -> None:
    row = _row("SELECT 1 AS id, 'x' AS name, '2026-03-01T01:30:00+00:00' AS created_at")
    with pytest.raises(IndexError):
        model_from(Branch, row)  # no category, no archived_at
