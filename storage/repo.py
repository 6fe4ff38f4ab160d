"""Repository functions: every SQL statement of zhibu lives in `storage/`.

Each function takes a `Tx` (from `Database.transaction()` or `.reading()`),
so a service decides what belongs in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime

from bot.models import (
    Attachment,
    AuditEntry,
    Branch,
    BranchView,
    Circular,
    Cycle,
    Exemption,
    Invite,
    InviteRole,
    MemberRole,
    Membership,
    NewMessage,
    OutboxItem,
    OutboxStatus,
    Pending,
    Report,
    Revision,
    User,
)
from storage.db import Tx, parse_ts, parse_ts_opt, ts

# ---------------------------------------------------------------- key/value


async def kv_get(tx: Tx, key: str) -> str | None:
    row = await tx.one("SELECT value FROM kv WHERE key = ?", (key,))
    return None if row is None else str(row["value"])


async def kv_set(tx: Tx, key: str, value: str) -> None:
    await tx.run(
        """INSERT INTO kv(key, value) VALUES (?, ?)
           ON CONFLICT(key) DO UPDATE SET value = excluded.value""",
        (key, value),
    )


# -------------------------------------------------------------------- users


def _user(row: sqlite3.Row) -> User:
    return User(
        user_id=row["user_id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        username=row["username"],
        tg_language=row["tg_language"],
        language=row["language"],
        reachable=bool(row["reachable"]),
        unreachable_reason=row["unreachable_reason"],
    )


async def upsert_user(
    tx: Tx,
    user_id: int,
    first_name: str,
    last_name: str,
    username: str | None,
    tg_language: str | None,
    now: datetime,
) -> None:
    """Remember a user we saw; a user who writes to us is reachable again."""
    await tx.run(
        """INSERT INTO users(user_id, first_name, last_name, username, tg_language, seen_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET first_name = excluded.first_name,
               last_name = excluded.last_name, username = excluded.username,
               tg_language = excluded.tg_language, seen_at = excluded.seen_at,
               reachable = 1, unreachable_reason = NULL""",
        (user_id, first_name, last_name, username, tg_language, ts(now)),
    )


async def get_user(tx: Tx, user_id: int) -> User | None:
    row = await tx.one("SELECT * FROM users WHERE user_id = ?", (user_id,))
    return None if row is None else _user(row)


async def set_user_language(tx: Tx, user_id: int, language: str) -> None:
    await tx.run("UPDATE users SET language = ? WHERE user_id = ?", (language, user_id))


async def set_reachable(tx: Tx, user_id: int, reachable: bool, reason: str | None) -> int:
    count, _ = await tx.run(
        "UPDATE users SET reachable = ?, unreachable_reason = ? WHERE user_id = ?",
        (int(reachable), None if reachable else reason, user_id),
    )
    return count


# ------------------------------------------------------------- coordinators


async def is_coordinator(tx: Tx, user_id: int) -> bool:
    row = await tx.one("SELECT 1 FROM coordinators WHERE user_id = ?", (user_id,))
    return row is not None


async def add_coordinator(tx: Tx, user_id: int, added_by: int, now: datetime) -> bool:
    count, _ = await tx.run(
        "INSERT OR IGNORE INTO coordinators(user_id, added_by, added_at) VALUES (?, ?, ?)",
        (user_id, added_by, ts(now)),
    )
    return count > 0


async def remove_coordinator(tx: Tx, user_id: int) -> bool:
    count, _ = await tx.run("DELETE FROM coordinators WHERE user_id = ?", (user_id,))
    return count > 0


async def list_coordinators(tx: Tx) -> list[User]:
    rows = await tx.all(
        "SELECT u.* FROM coordinators c JOIN users u USING(user_id) ORDER BY c.added_at"
    )
    return [_user(r) for r in rows]


# ----------------------------------------------------------------- branches


def _branch(row: sqlite3.Row, prefix: str = "") -> Branch:
    return Branch(
        id=row[f"{prefix}id"],
        name=row[f"{prefix}name"],
        category=row[f"{prefix}category"],
        created_at=parse_ts(row[f"{prefix}created_at"]),
        archived_at=parse_ts_opt(row[f"{prefix}archived_at"]),
    )


async def add_branch(tx: Tx, name: str, category: str, now: datetime) -> Branch | None:
    """Create a branch; None when an active branch already has that name."""
    try:
        _, rowid = await tx.run(
            "INSERT INTO branches(name, category, created_at) VALUES (?, ?, ?)",
            (name, category, ts(now)),
        )
    except sqlite3.IntegrityError:
        return None
    return await get_branch(tx, rowid)


async def get_branch(tx: Tx, branch_id: int) -> Branch | None:
    row = await tx.one("SELECT * FROM branches WHERE id = ?", (branch_id,))
    return None if row is None else _branch(row)


async def find_branch(tx: Tx, name: str) -> Branch | None:
    """The active branch with this exact name."""
    row = await tx.one("SELECT * FROM branches WHERE name = ? AND archived_at IS NULL", (name,))
    return None if row is None else _branch(row)


async def search_branches(tx: Tx, fragment: str) -> list[Branch]:
    """Active branches whose name contains `fragment` (for forgiving look-ups)."""
    rows = await tx.all(
        "SELECT * FROM branches WHERE archived_at IS NULL AND instr(name, ?) > 0 ORDER BY id",
        (fragment,),
    )
    return [_branch(r) for r in rows]


async def list_branches(tx: Tx, include_archived: bool = False) -> list[Branch]:
    where = "" if include_archived else "WHERE archived_at IS NULL"
    rows = await tx.all(f"SELECT * FROM branches {where} ORDER BY id")
    return [_branch(r) for r in rows]


async def first_branch_created(tx: Tx) -> datetime | None:
    """When the committee's first branch (archived ones too) was created."""
    row = await tx.one("SELECT min(created_at) AS t FROM branches")
    return None if row is None or row["t"] is None else parse_ts(row["t"])


async def archived_branches(tx: Tx) -> list[Branch]:
    rows = await tx.all("SELECT * FROM branches WHERE archived_at IS NOT NULL ORDER BY id")
    return [_branch(r) for r in rows]


async def rename_branch(tx: Tx, branch_id: int, name: str) -> bool:
    try:
        count, _ = await tx.run("UPDATE branches SET name = ? WHERE id = ?", (name, branch_id))
    except sqlite3.IntegrityError:
        return False
    return count > 0


async def archive_branch(tx: Tx, branch_id: int, now: datetime) -> None:
    await tx.run(
        "UPDATE branches SET archived_at = ? WHERE id = ? AND archived_at IS NULL",
        (ts(now), branch_id),
    )
    await tx.run("DELETE FROM branch_members WHERE branch_id = ?", (branch_id,))


async def branch_views(tx: Tx) -> list[BranchView]:
    """Active branches with their secretary and deputy, in one query."""
    rows = await tx.all(
        """SELECT b.*, m.role AS m_role, u.user_id AS u_user_id
           FROM branches b
           LEFT JOIN branch_members m ON m.branch_id = b.id
           LEFT JOIN users u ON u.user_id = m.user_id
           WHERE b.archived_at IS NULL ORDER BY b.id"""
    )
    users = {u.user_id: u for u in await _users_by_ids(tx, {r["u_user_id"] for r in rows})}
    views: dict[int, dict[str, object]] = {}
    for r in rows:
        v = views.setdefault(r["id"], {"branch": _branch(r)})
        if r["m_role"] is not None and r["u_user_id"] in users:
            v[r["m_role"]] = users[r["u_user_id"]]
    return [BranchView.model_validate(v) for v in views.values()]


async def branch_view(tx: Tx, branch_id: int) -> BranchView | None:
    branch = await get_branch(tx, branch_id)
    if branch is None:
        return None
    rows = await tx.all(
        "SELECT role, user_id FROM branch_members WHERE branch_id = ?", (branch_id,)
    )
    people: dict[str, User | None] = {}
    for r in rows:
        people[r["role"]] = await get_user(tx, r["user_id"])
    return BranchView(branch=branch, secretary=people.get("secretary"), deputy=people.get("deputy"))


async def _users_by_ids(tx: Tx, ids: Iterable[int | None]) -> list[User]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    rows = await tx.all(f"SELECT * FROM users WHERE user_id IN ({marks})", wanted)
    return [_user(r) for r in rows]


# ------------------------------------------------------------------ members


async def get_member(tx: Tx, branch_id: int, role: MemberRole) -> int | None:
    row = await tx.one(
        "SELECT user_id FROM branch_members WHERE branch_id = ? AND role = ?",
        (branch_id, role.value),
    )
    return None if row is None else int(row["user_id"])


async def set_member(tx: Tx, branch_id: int, role: MemberRole, user_id: int, now: datetime) -> None:
    # A person holds one role per branch: becoming secretary ends being deputy.
    await tx.run(
        "DELETE FROM branch_members WHERE branch_id = ? AND user_id = ?", (branch_id, user_id)
    )
    await tx.run(
        """INSERT INTO branch_members(branch_id, role, user_id, since) VALUES (?, ?, ?, ?)
           ON CONFLICT(branch_id, role) DO UPDATE SET user_id = excluded.user_id,
               since = excluded.since""",
        (branch_id, role.value, user_id, ts(now)),
    )


async def active_branch_ids(tx: Tx) -> set[int]:
    rows = await tx.all("SELECT id FROM branches WHERE archived_at IS NULL")
    return {int(r["id"]) for r in rows}


async def member_reachability(tx: Tx) -> list[tuple[int, int, bool]]:
    """(branch, user, reachable) for every secretary and deputy, as plain tuples."""
    rows = await tx.all(
        """SELECT m.branch_id, m.user_id, u.reachable FROM branch_members m
           JOIN users u ON u.user_id = m.user_id"""
    )
    return [(int(r["branch_id"]), int(r["user_id"]), bool(r["reachable"])) for r in rows]


async def memberships(tx: Tx, user_id: int) -> list[Membership]:
    rows = await tx.all(
        """SELECT b.*, m.role AS m_role, m.since AS m_since FROM branch_members m
           JOIN branches b ON b.id = m.branch_id
           WHERE m.user_id = ? AND b.archived_at IS NULL ORDER BY b.id""",
        (user_id,),
    )
    return [
        Membership(branch=_branch(r), role=MemberRole(r["m_role"]), since=parse_ts(r["m_since"]))
        for r in rows
    ]


# ------------------------------------------------------------------ invites


def _invite(row: sqlite3.Row) -> Invite:
    return Invite(
        id=row["id"],
        role=InviteRole(row["role"]),
        branch_id=row["branch_id"],
        created_by=row["created_by"],
        created_at=parse_ts(row["created_at"]),
        expires_at=parse_ts(row["expires_at"]),
        used_at=parse_ts_opt(row["used_at"]),
        used_by=row["used_by"],
        revoked_at=parse_ts_opt(row["revoked_at"]),
    )


async def add_invite(
    tx: Tx,
    token_hash: str,
    role: InviteRole,
    branch_id: int | None,
    created_by: int,
    now: datetime,
    expires_at: datetime,
) -> Invite:
    _, rowid = await tx.run(
        """INSERT INTO invites(token_hash, role, branch_id, created_by, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (token_hash, role.value, branch_id, created_by, ts(now), ts(expires_at)),
    )
    row = await tx.one("SELECT * FROM invites WHERE id = ?", (rowid,))
    assert row is not None
    return _invite(row)


async def invite_by_hash(tx: Tx, token_hash: str) -> Invite | None:
    row = await tx.one("SELECT * FROM invites WHERE token_hash = ?", (token_hash,))
    return None if row is None else _invite(row)


async def get_invite(tx: Tx, invite_id: int) -> Invite | None:
    row = await tx.one("SELECT * FROM invites WHERE id = ?", (invite_id,))
    return None if row is None else _invite(row)


async def use_invite(tx: Tx, invite_id: int, user_id: int, now: datetime) -> bool:
    """Mark an invite used; False if it was used or revoked meanwhile (single use)."""
    count, _ = await tx.run(
        """UPDATE invites SET used_at = ?, used_by = ?
           WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL""",
        (ts(now), user_id, invite_id),
    )
    return count > 0


async def revoke_invite(tx: Tx, invite_id: int, now: datetime) -> bool:
    count, _ = await tx.run(
        "UPDATE invites SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
        (ts(now), invite_id),
    )
    return count > 0


async def open_invites(tx: Tx, now: datetime) -> list[Invite]:
    rows = await tx.all(
        """SELECT * FROM invites WHERE used_at IS NULL AND revoked_at IS NULL
           AND expires_at > ? ORDER BY id""",
        (ts(now),),
    )
    return [_invite(r) for r in rows]


# ------------------------------------------------------------------- cycles


async def get_cycle(tx: Tx, month: str) -> Cycle | None:
    row = await tx.one("SELECT * FROM cycles WHERE month = ?", (month,))
    return (
        None if row is None else Cycle(month=row["month"], due_on=date.fromisoformat(row["due_on"]))
    )


async def ensure_cycle(tx: Tx, month: str, due_on: date, now: datetime) -> Cycle:
    """Create the month's cycle once; an existing cycle keeps its due date."""
    await tx.run(
        "INSERT OR IGNORE INTO cycles(month, due_on, created_at) VALUES (?, ?, ?)",
        (month, due_on.isoformat(), ts(now)),
    )
    cycle = await get_cycle(tx, month)
    assert cycle is not None
    return cycle


async def list_cycles(tx: Tx) -> list[Cycle]:
    rows = await tx.all("SELECT * FROM cycles ORDER BY month")
    return [Cycle(month=r["month"], due_on=date.fromisoformat(r["due_on"])) for r in rows]


# ------------------------------------------------------------------ reports


def _report(row: sqlite3.Row) -> Report:
    return Report(
        id=row["id"],
        branch_id=row["branch_id"],
        month=row["month"],
        author_id=row["author_id"],
        text=row["text"],
        submitted_at=parse_ts(row["submitted_at"]),
        revised_at=parse_ts_opt(row["revised_at"]),
        late=bool(row["late"]),
        revisions=row["revisions"],
        highlighted_by=row["highlighted_by"],
    )


async def get_report(tx: Tx, branch_id: int, month: str) -> Report | None:
    row = await tx.one(
        "SELECT * FROM reports WHERE branch_id = ? AND month = ?", (branch_id, month)
    )
    return None if row is None else _report(row)


async def get_report_by_id(tx: Tx, report_id: int) -> Report | None:
    row = await tx.one("SELECT * FROM reports WHERE id = ?", (report_id,))
    return None if row is None else _report(row)


async def insert_report(
    tx: Tx, branch_id: int, month: str, author_id: int, text: str, now: datetime, late: bool
) -> Report:
    _, rowid = await tx.run(
        """INSERT INTO reports(branch_id, month, author_id, text, submitted_at, late, revisions)
           VALUES (?, ?, ?, ?, ?, ?, 1)""",
        (branch_id, month, author_id, text, ts(now), int(late)),
    )
    await tx.run(
        """INSERT INTO report_revisions(report_id, revision, text, author_id, submitted_at)
           VALUES (?, 1, ?, ?, ?)""",
        (rowid, text, author_id, ts(now)),
    )
    report = await get_report_by_id(tx, rowid)
    assert report is not None
    return report


async def revise_report(tx: Tx, report_id: int, author_id: int, text: str, now: datetime) -> Report:
    await tx.run(
        """UPDATE reports SET text = ?, revised_at = ?, revisions = revisions + 1,
               author_id = ? WHERE id = ?""",
        (text, ts(now), author_id, report_id),
    )
    await tx.run(
        """INSERT INTO report_revisions(report_id, revision, text, author_id, submitted_at)
           SELECT id, revisions, ?, ?, ? FROM reports WHERE id = ?""",
        (text, author_id, ts(now), report_id),
    )
    report = await get_report_by_id(tx, report_id)
    assert report is not None
    return report


async def revisions(tx: Tx, report_id: int) -> list[Revision]:
    rows = await tx.all(
        "SELECT * FROM report_revisions WHERE report_id = ? ORDER BY revision", (report_id,)
    )
    return [
        Revision(
            report_id=r["report_id"],
            revision=r["revision"],
            text=r["text"],
            author_id=r["author_id"],
            submitted_at=parse_ts(r["submitted_at"]),
        )
        for r in rows
    ]


async def reports_for_month(tx: Tx, month: str) -> list[Report]:
    rows = await tx.all("SELECT * FROM reports WHERE month = ? ORDER BY branch_id", (month,))
    return [_report(r) for r in rows]


async def reports_for_branch(tx: Tx, branch_id: int, limit: int = 24) -> list[Report]:
    rows = await tx.all(
        "SELECT * FROM reports WHERE branch_id = ? ORDER BY month DESC LIMIT ?",
        (branch_id, limit),
    )
    return [_report(r) for r in rows]


async def reports_submitted_between(tx: Tx, month: str, after: datetime) -> list[Report]:
    """Reports of `month` first submitted after `after` (补报 after a circular)."""
    rows = await tx.all(
        "SELECT * FROM reports WHERE month = ? AND submitted_at > ? ORDER BY submitted_at",
        (month, ts(after)),
    )
    return [_report(r) for r in rows]


async def reported_branch_ids(tx: Tx, month: str) -> set[int]:
    rows = await tx.all("SELECT branch_id FROM reports WHERE month = ?", (month,))
    return {int(r["branch_id"]) for r in rows}


async def set_highlight(tx: Tx, report_id: int, user_id: int | None) -> None:
    await tx.run("UPDATE reports SET highlighted_by = ? WHERE id = ?", (user_id, report_id))


# -------------------------------------------------------------- attachments


async def add_attachment(
    tx: Tx,
    branch_id: int,
    month: str,
    kind: str,
    file_id: str,
    file_unique_id: str,
    file_name: str | None,
    caption: str | None,
    author_id: int,
    now: datetime,
) -> bool:
    """Store evidence; False when the same file was already attached (a resend)."""
    count, _ = await tx.run(
        """INSERT OR IGNORE INTO attachments(branch_id, month, kind, file_id, file_unique_id,
               file_name, caption, author_id, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (branch_id, month, kind, file_id, file_unique_id, file_name, caption, author_id, ts(now)),
    )
    return count > 0


async def attachments(tx: Tx, branch_id: int, month: str) -> list[Attachment]:
    rows = await tx.all(
        "SELECT * FROM attachments WHERE branch_id = ? AND month = ? ORDER BY id",
        (branch_id, month),
    )
    return [
        Attachment(
            id=r["id"],
            branch_id=r["branch_id"],
            month=r["month"],
            kind=r["kind"],
            file_id=r["file_id"],
            file_unique_id=r["file_unique_id"],
            file_name=r["file_name"],
            caption=r["caption"],
            author_id=r["author_id"],
            added_at=parse_ts(r["added_at"]),
        )
        for r in rows
    ]


async def attachment_counts(tx: Tx, month: str) -> dict[int, int]:
    rows = await tx.all(
        "SELECT branch_id, count(*) AS n FROM attachments WHERE month = ? GROUP BY branch_id",
        (month,),
    )
    return {int(r["branch_id"]): int(r["n"]) for r in rows}


# ------------------------------------------------------------------ prompts


async def add_prompt(tx: Tx, chat_id: int, message_id: int, branch_id: int, month: str) -> None:
    await tx.run(
        "INSERT OR REPLACE INTO prompts(chat_id, message_id, branch_id, month) VALUES (?, ?, ?, ?)",
        (chat_id, message_id, branch_id, month),
    )


async def find_prompt(tx: Tx, chat_id: int, message_id: int) -> tuple[int, str] | None:
    row = await tx.one(
        "SELECT branch_id, month FROM prompts WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return None if row is None else (int(row["branch_id"]), str(row["month"]))


# ------------------------------------------------------------------ pending


async def set_pending(
    tx: Tx, user_id: int, kind: str, branch_id: int | None, month: str | None, now: datetime
) -> None:
    await tx.run(
        """INSERT OR REPLACE INTO pending(user_id, kind, branch_id, month, created_at)
           VALUES (?, ?, ?, ?, ?)""",
        (user_id, kind, branch_id, month, ts(now)),
    )


async def get_pending(tx: Tx, user_id: int) -> Pending | None:
    row = await tx.one("SELECT * FROM pending WHERE user_id = ?", (user_id,))
    if row is None:
        return None
    return Pending(
        user_id=row["user_id"],
        kind=row["kind"],
        branch_id=row["branch_id"],
        month=row["month"],
        created_at=parse_ts(row["created_at"]),
        held_text=row["held_text"],
    )


async def hold_text(tx: Tx, user_id: int, text: str, now: datetime) -> None:
    """Keep text typed while a question is open; typing keeps the question alive."""
    await tx.run(
        "UPDATE pending SET held_text = ?, created_at = ? WHERE user_id = ?",
        (text, ts(now), user_id),
    )


async def clear_pending(tx: Tx, user_id: int) -> bool:
    count, _ = await tx.run("DELETE FROM pending WHERE user_id = ?", (user_id,))
    return count > 0


# --------------------------------------------------------------- exemptions


async def set_exemption(
    tx: Tx, branch_id: int, month: str, reason: str, by: int, now: datetime
) -> None:
    await tx.run(
        """INSERT OR REPLACE INTO exemptions(branch_id, month, reason, created_by, created_at)
           VALUES (?, ?, ?, ?, ?)""",
        (branch_id, month, reason, by, ts(now)),
    )


async def delete_exemption(tx: Tx, branch_id: int, month: str) -> bool:
    count, _ = await tx.run(
        "DELETE FROM exemptions WHERE branch_id = ? AND month = ?", (branch_id, month)
    )
    return count > 0


def _exemption(r: sqlite3.Row) -> Exemption:
    return Exemption(
        branch_id=r["branch_id"],
        month=r["month"],
        reason=r["reason"],
        created_by=r["created_by"],
        created_at=parse_ts(r["created_at"]),
    )


async def exemptions_for_month(tx: Tx, month: str) -> dict[int, Exemption]:
    rows = await tx.all("SELECT * FROM exemptions WHERE month = ?", (month,))
    return {int(r["branch_id"]): _exemption(r) for r in rows}


# ------------------------------------------------------------------- outbox


def _outbox(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        dedupe_key=row["dedupe_key"],
        kind=row["kind"],
        chat_id=row["chat_id"],
        text=row["text"],
        reply_markup=row["reply_markup"],
        branch_id=row["branch_id"],
        month=row["month"],
        recipient_id=row["recipient_id"],
        created_at=parse_ts(row["created_at"]),
        status=OutboxStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=parse_ts(row["next_attempt_at"]),
        sent_at=parse_ts_opt(row["sent_at"]),
        tg_message_id=row["tg_message_id"],
        error=row["error"],
        valid_until=parse_ts_opt(row["valid_until"]),
        claimed_by=row["claimed_by"],
    )


_ENQUEUE = """INSERT OR IGNORE INTO outbox(dedupe_key, kind, chat_id, text, reply_markup,
               branch_id, month, recipient_id, created_at, next_attempt_at, valid_until)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def _enqueue_row(message: NewMessage, now: datetime) -> tuple[object, ...]:
    return (
        message.dedupe_key,
        message.kind,
        message.chat_id,
        message.text,
        message.reply_markup,
        message.branch_id,
        message.month,
        message.recipient_id,
        ts(now),
        ts(now),
        None if message.valid_until is None else ts(message.valid_until),
    )


async def enqueue(tx: Tx, message: NewMessage, now: datetime) -> bool:
    """Add to the outbox unless the dedupe key exists; True when added."""
    count, _ = await tx.run(_ENQUEUE, _enqueue_row(message, now))
    return count > 0


async def enqueue_many(tx: Tx, messages: list[NewMessage], now: datetime) -> int:
    """`enqueue` for many messages in one statement call; returns how many were new."""
    if not messages:
        return 0
    return await tx.many(_ENQUEUE, [_enqueue_row(m, now) for m in messages])


async def outbox_keys(tx: Tx, prefix: str) -> set[str]:
    """Dedupe keys starting with `prefix` (e.g. every reminder of a month)."""
    rows = await tx.all(
        "SELECT dedupe_key FROM outbox WHERE dedupe_key >= ? AND dedupe_key < ?",
        (prefix, prefix + "\U0010ffff"),
    )
    return {str(r["dedupe_key"]) for r in rows}


async def due_outbox(tx: Tx, now: datetime, limit: int) -> list[OutboxItem]:
    rows = await tx.all(
        """SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
           ORDER BY next_attempt_at, id LIMIT ?""",
        (ts(now), limit),
    )
    return [_outbox(r) for r in rows]


# The error of a message recorded as expired starts with this.
EXPIRED = "expired"


async def expire_stale(tx: Tx, now: datetime) -> int:
    """Record every unsent message whose window has passed as failed ("expired: …").

    Whatever its state: queued, claimed by a sender (even a dead one) or
    waiting for a retry. It is never sent after this. Returns how many.
    """
    count, _ = await tx.run(
        f"""UPDATE outbox SET status = 'failed', claimed_by = NULL,
               error = '{EXPIRED}: stale since ' || valid_until || ', not sent'
           WHERE status = 'pending' AND valid_until IS NOT NULL AND valid_until <= ?""",
        (ts(now),),
    )
    return count


async def mark_expired(tx: Tx, item: OutboxItem) -> None:
    until = ts(item.valid_until) if item.valid_until else "?"
    await tx.run(
        """UPDATE outbox SET status = 'failed', error = ?, claimed_by = NULL
           WHERE id = ? AND status = 'pending'""",
        (f"{EXPIRED}: stale since {until}, not sent", item.id),
    )


async def claim_due(
    tx: Tx, now: datetime, lease_until: datetime, limit: int, owner: str | None = None
) -> list[OutboxItem]:
    """Take due messages for sending and lease them, so a second sender skips them.

    Call `expire_stale` first in the same transaction: stale messages are
    then never handed out. The claim names its `owner` (one per process): a
    process that starts releases the claims of others at once
    (`release_claims`); otherwise a sender that crashed mid-send leaves the
    lease to run out, and the message is then tried again (at least once,
    never silently dropped).
    """
    items = await due_outbox(tx, now, limit)
    if items:
        marks = ",".join("?" * len(items))
        await tx.run(
            f"UPDATE outbox SET next_attempt_at = ?, claimed_by = ? WHERE id IN ({marks})",
            [ts(lease_until), owner, *(i.id for i in items)],
        )
    return items


async def pending_without_validity(tx: Tx, kinds: Iterable[str]) -> list[OutboxItem]:
    """Unsent messages of `kinds` queued without a validity (before migration 0006)."""
    wanted = list(kinds)
    marks = ",".join("?" * len(wanted))
    rows = await tx.all(
        f"""SELECT * FROM outbox WHERE status = 'pending' AND valid_until IS NULL
            AND kind IN ({marks}) ORDER BY id""",
        wanted,
    )
    return [_outbox(r) for r in rows]


async def set_valid_until(tx: Tx, item_id: int, until: datetime) -> None:
    await tx.run("UPDATE outbox SET valid_until = ? WHERE id = ?", (ts(until), item_id))


async def release_claims(tx: Tx, owner: str, now: datetime) -> int:
    """Claims of another (dead) process come due again now; returns how many.

    One running process per database is assumed: at start-up every claim not
    ours belongs to a process that is gone.
    """
    count, _ = await tx.run(
        """UPDATE outbox SET next_attempt_at = ?, claimed_by = NULL
           WHERE status = 'pending' AND claimed_by IS NOT NULL AND claimed_by != ?""",
        (ts(now), owner),
    )
    return count


async def next_outbox_time(tx: Tx) -> datetime | None:
    row = await tx.one("SELECT min(next_attempt_at) AS t FROM outbox WHERE status = 'pending'")
    return None if row is None or row["t"] is None else parse_ts(row["t"])


async def mark_sent(tx: Tx, item_id: int, message_id: int, now: datetime) -> None:
    await tx.run(
        """UPDATE outbox SET status = 'sent', sent_at = ?, tg_message_id = ?,
               attempts = attempts + 1, error = NULL, claimed_by = NULL WHERE id = ?""",
        (ts(now), message_id, item_id),
    )


async def mark_failed(tx: Tx, item_id: int, reason: str) -> None:
    await tx.run(
        """UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = ?,
               claimed_by = NULL WHERE id = ?""",
        (reason, item_id),
    )


async def retry_later(tx: Tx, item_id: int, reason: str, at: datetime) -> None:
    await tx.run(
        """UPDATE outbox SET attempts = attempts + 1, error = ?, next_attempt_at = ?,
               claimed_by = NULL WHERE id = ?""",
        (reason, ts(at), item_id),
    )


async def redirect_chat(tx: Tx, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: pending messages follow it."""
    await tx.run(
        "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
        (new_chat_id, old_chat_id),
    )


async def failed_outbox(tx: Tx, since: datetime) -> list[OutboxItem]:
    rows = await tx.all(
        "SELECT * FROM outbox WHERE status = 'failed' AND created_at >= ? ORDER BY id",
        (ts(since),),
    )
    return [_outbox(r) for r in rows]


async def get_outbox(tx: Tx, dedupe_key: str) -> OutboxItem | None:
    row = await tx.one("SELECT * FROM outbox WHERE dedupe_key = ?", (dedupe_key,))
    return None if row is None else _outbox(row)


async def outbox_all(tx: Tx) -> list[OutboxItem]:
    rows = await tx.all("SELECT * FROM outbox ORDER BY id")
    return [_outbox(r) for r in rows]


async def last_nudges(tx: Tx, since: datetime) -> dict[int, datetime]:
    """Branch → its latest /remind nudge after `since`, in one query."""
    rows = await tx.all(
        """SELECT branch_id, max(created_at) AS t FROM outbox
           WHERE kind = 'nudge' AND created_at > ? GROUP BY branch_id""",
        (ts(since),),
    )
    return {int(r["branch_id"]): parse_ts(r["t"]) for r in rows if r["branch_id"] is not None}


# ---------------------------------------------------------------- circulars


def _circular(row: sqlite3.Row) -> Circular:
    return Circular(
        month=row["month"],
        text=row["text"],
        built_at=parse_ts(row["built_at"]),
        posted_at=parse_ts_opt(row["posted_at"]),
        message_ids=json.loads(row["message_ids"]),
    )


async def get_circular(tx: Tx, month: str) -> Circular | None:
    row = await tx.one("SELECT * FROM circulars WHERE month = ?", (month,))
    return None if row is None else _circular(row)


async def save_circular(tx: Tx, month: str, text: str, now: datetime) -> bool:
    """Keep the month's circular; False when one was built already (built once)."""
    count, _ = await tx.run(
        "INSERT OR IGNORE INTO circulars(month, text, built_at) VALUES (?, ?, ?)",
        (month, text, ts(now)),
    )
    return count > 0


async def mark_circular_posted(tx: Tx, month: str, message_id: int, now: datetime) -> None:
    row = await tx.one("SELECT message_ids FROM circulars WHERE month = ?", (month,))
    if row is None:
        return
    ids = [*json.loads(row["message_ids"]), message_id]
    await tx.run(
        "UPDATE circulars SET message_ids = ?, posted_at = coalesce(posted_at, ?) WHERE month = ?",
        (json.dumps(ids), ts(now), month),
    )


async def last_posted_circular(tx: Tx) -> str | None:
    """The latest month whose circular was posted, if any."""
    row = await tx.one("SELECT max(month) AS m FROM circulars WHERE posted_at IS NOT NULL")
    return None if row is None or row["m"] is None else str(row["m"])


async def list_circulars(tx: Tx) -> list[Circular]:
    rows = await tx.all("SELECT * FROM circulars ORDER BY month")
    return [_circular(r) for r in rows]


# -------------------------------------------------------------------- audit


async def audit(
    tx: Tx,
    action: str,
    now: datetime,
    actor_id: int | None = None,
    branch_id: int | None = None,
    detail: str = "",
) -> None:
    await tx.run(
        "INSERT INTO audit(at, actor_id, action, branch_id, detail) VALUES (?, ?, ?, ?, ?)",
        (ts(now), actor_id, action, branch_id, detail),
    )


async def audit_log(tx: Tx, limit: int = 100) -> list[AuditEntry]:
    rows = await tx.all("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
    return [
        AuditEntry(
            id=r["id"],
            at=parse_ts(r["at"]),
            actor_id=r["actor_id"],
            action=r["action"],
            branch_id=r["branch_id"],
            detail=r["detail"],
        )
        for r in rows
    ]
