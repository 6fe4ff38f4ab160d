"""Reminders: who is still owed one (`reconcile`), whom the schedule just reminded (/remind)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from storage import outbox
from storage.db import Tx, parse_ts, ts

# Outbox kinds of the scheduled reminders (before the due day, and after it).
SCHEDULED_KINDS = ("remind", "overdue")

# `bot.rules.reminder_key` as SQL over branch_members `m`, formatted with the
# parameters that hold `rules.reminder_prefix(month)` and the stage code.
# tests/test_perf_reconcile.py proves it equals rules.reminder_key on a table of cases.
REMINDER_KEY_SQL = "{prefix} || m.branch_id || ':' || {code} || ':' || m.user_id"


async def last_scheduled(tx: Tx, since: datetime) -> dict[int, datetime]:
    """Branch → its latest scheduled reminder queued after `since` (not failed), one query."""
    rows = await tx.all(
        """SELECT branch_id, max(created_at) AS t FROM outbox
           WHERE kind IN (?, ?) AND created_at > ? AND status != 'failed'
           GROUP BY branch_id""",
        (*SCHEDULED_KINDS, ts(since)),
    )
    return {int(r["branch_id"]): parse_ts(r["t"]) for r in rows if r["branch_id"] is not None}


# `bot.i18n.esc` (html.escape without quotes) of the branch's name, as SQL.
ESCAPED_NAME_SQL = "replace(replace(replace(b.name, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


@dataclass(frozen=True)
class StageBatch:
    """What `queue_stage` needs to queue one stage of one month.

    `templates`: language → the reminder rendered with `slot` where the branch's
    name goes; `default` for a person whose language is not among them.
    """

    month: str
    prefix: str  # rules.reminder_prefix(month)
    code: str  # the stage's code in the key
    kind: str  # the outbox kind: "remind" or "overdue"
    month_end: datetime  # a branch created at or after this is not expected
    templates: Mapping[str, str]
    default: str
    slot: str
    valid_until: datetime


async def queue_stage(tx: Tx, batch: StageBatch, now: datetime) -> int:
    """Queue the stage's reminder to every reporter still owed one, in one statement.

    Owed one: a reachable secretary or deputy of an active branch created before
    the month ended, with neither a report nor an exemption for the month, and
    no reminder of this stage in the outbox (the dedupe key; INSERT OR IGNORE
    keeps it exact under a concurrent run). Queued by branch, secretary first (the
    roles are 'secretary' and 'deputy', so `role DESC`: branches in id order then need
    no sort).
    Returns how many were queued (none after the stage's first minute).
    """
    langs = list(batch.templates.items()) or [("", batch.default)]
    values = ", ".join("(?, ?)" for _ in langs)
    params: list[object] = [x for pair in langs for x in pair]
    params += [
        batch.month,
        batch.prefix,
        batch.code,
        batch.kind,
        ts(now),
        ts(batch.valid_until),
        ts(batch.month_end),
        batch.slot,
        batch.default,
    ]
    n = len(langs) * 2  # the numbered parameters below follow the templates'
    month, prefix, code, kind, at, until, end, slot, default = (f"?{n + i}" for i in range(1, 10))
    key = REMINDER_KEY_SQL.format(prefix=prefix, code=code)
    count, _ = await tx.run(
        f"""INSERT OR IGNORE INTO outbox(dedupe_key, kind, chat_id, text, branch_id, month,
                recipient_id, created_at, next_attempt_at, valid_until)
            WITH tpl(lang, text) AS (VALUES {values})
            SELECT {key}, {kind}, m.user_id,
                   replace(coalesce(tpl.text, {default}), {slot}, {ESCAPED_NAME_SQL}),
                   b.id, {month}, m.user_id, {at}, {at}, {until}
            FROM branches b
            JOIN branch_members m ON m.branch_id = b.id
            JOIN users u ON u.user_id = m.user_id
            LEFT JOIN tpl ON tpl.lang = u.language
            WHERE b.archived_at IS NULL AND b.reports AND b.created_at < {end} AND u.reachable
              AND m.role IN ('secretary', 'deputy')
              AND NOT EXISTS (SELECT 1 FROM reports r
                              WHERE r.branch_id = b.id AND r.month = {month})
              AND NOT EXISTS (SELECT 1 FROM exemptions e
                              WHERE e.branch_id = b.id AND e.month = {month})
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = {key})
            ORDER BY b.id, m.role DESC""",
        params,
    )
    outbox.QUEUED.total += max(count, 0)
    return count


async def any_unaccounted(tx: Tx, month: str) -> bool:
    """Whether some active branch has neither a report nor an exemption for `month`."""
    row = await tx.one(
        """SELECT EXISTS (SELECT 1 FROM branches b WHERE b.archived_at IS NULL AND b.reports
               AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.branch_id = b.id AND r.month = ?1)
               AND NOT EXISTS (SELECT 1 FROM exemptions e
                               WHERE e.branch_id = b.id AND e.month = ?1)) AS any""",
        (month,),
    )
    return row is not None and bool(row["any"])
