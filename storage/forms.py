"""Report forms: the versions (by month), the answers of submitted reports with
every revision per field, and the drafts being filled in (migration 0050).

Values are stored as the JSON text `bot.forms.model.encode_value` makes; this
module never reads them (storage imports nothing from bot but models), the
service decodes them with the form they belong to.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from storage.db import Tx, ts
from storage.rows import fetch_all, fetch_one


class FormRow(BaseModel):
    """One form version: applies from `from_month`; `spec` None means "no form"."""

    model_config = ConfigDict(frozen=True)

    id: int
    from_month: str
    spec: str | None
    created_by: int | None
    created_at: datetime


class DraftRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    branch_id: int
    month: str
    form_id: int
    answers: str  # JSON key -> value (null = skipped)
    unread: str  # JSON list of keys
    author_id: int
    updated_at: datetime


class AnswerRow(BaseModel):
    """A field's current answer (or, from `field_revisions`, one of its past values)."""

    model_config = ConfigDict(frozen=True)

    report_id: int
    key: str
    value: str | None
    revision: int
    author_id: int
    set_at: datetime


# -------------------------------------------------------------------- forms


async def add_form(
    tx: Tx, from_month: str, spec: str | None, created_by: int | None, now: datetime
) -> FormRow:
    _, rowid = await tx.run(
        "INSERT INTO forms(from_month, spec, created_by, created_at) VALUES (?, ?, ?, ?)",
        (from_month, spec, created_by, ts(now)),
    )
    row = await get_form(tx, rowid)
    assert row is not None
    return row


async def get_form(tx: Tx, form_id: int) -> FormRow | None:
    return await fetch_one(tx, FormRow, "SELECT * FROM forms WHERE id = ?", (form_id,))


async def form_for(tx: Tx, month: str) -> FormRow | None:
    """The version in force in `month`: the latest set from that month or before (read
    with every report: kept until the forms change, storage/cache.py)."""

    async def load() -> FormRow | None:
        return await fetch_one(
            tx,
            FormRow,
            "SELECT * FROM forms WHERE from_month <= ? ORDER BY from_month DESC, id DESC LIMIT 1",
            (month,),
        )

    return await tx.kept(("form_for", month), ("forms",), load)


async def uses_form(tx: Tx, month: str) -> bool:
    """Whether new reports for `month` are answered with a form (a caption is then
    evidence's caption, never the report)."""
    row = await form_for(tx, month)
    return row is not None and row.spec is not None


async def list_forms(tx: Tx) -> list[FormRow]:
    return await fetch_all(tx, FormRow, "SELECT * FROM forms ORDER BY from_month, id")


# ------------------------------------------------------------------ answers


async def report_form_id(tx: Tx, report_id: int) -> int | None:
    """The form version a report was answered with; None for a free-text report."""
    row = await tx.one("SELECT form_id FROM form_reports WHERE report_id = ?", (report_id,))
    return None if row is None else int(row["form_id"])


async def set_report_form(tx: Tx, report_id: int, form_id: int) -> None:
    await tx.run(
        "INSERT OR REPLACE INTO form_reports(report_id, form_id) VALUES (?, ?)",
        (report_id, form_id),
    )


async def answers(tx: Tx, report_id: int) -> list[AnswerRow]:
    return await fetch_all(
        tx, AnswerRow, "SELECT * FROM form_answers WHERE report_id = ? ", (report_id,)
    )


async def set_answer(
    tx: Tx, report_id: int, key: str, value: str | None, author_id: int, now: datetime
) -> int | None:
    """Set one field; a new revision only when the value changes. Returns the new
    revision number, or None when the value was already that."""
    row = await tx.one(
        "SELECT value, revision FROM form_answers WHERE report_id = ? AND key = ?",
        (report_id, key),
    )
    if row is not None and row["value"] == value:
        return None
    revision = 1 if row is None else int(row["revision"]) + 1
    await tx.run(
        """INSERT OR REPLACE INTO form_answers(report_id, key, value, revision, author_id, set_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (report_id, key, value, revision, author_id, ts(now)),
    )
    await tx.run(
        """INSERT INTO form_answer_revisions(report_id, key, revision, value, author_id, set_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (report_id, key, revision, value, author_id, ts(now)),
    )
    return revision


async def field_revisions(tx: Tx, report_id: int, key: str | None = None) -> list[AnswerRow]:
    """Every value the report's fields had, oldest first (one field when `key` is given)."""
    sql = "SELECT * FROM form_answer_revisions WHERE report_id = ?"
    params: tuple[object, ...] = (report_id,)
    if key is not None:
        sql += " AND key = ?"
        params += (key,)
    return await fetch_all(tx, AnswerRow, sql + " ORDER BY key, revision", params)


async def month_answers(tx: Tx, month: str) -> list[tuple[int, int, int, str, str | None]]:
    """(branch_id, report_id, form_id, key, value) of every answered field of the
    month's reports as they stand (withdrawn reports are gone from `reports`)."""
    rows = await tx.all(
        """SELECT r.branch_id, r.id AS report_id, fr.form_id, a.key, a.value
           FROM reports r
           JOIN form_reports fr ON fr.report_id = r.id
           JOIN form_answers a ON a.report_id = r.id
           WHERE r.month = ?
           ORDER BY r.branch_id""",
        (month,),
    )
    return [
        (int(r["branch_id"]), int(r["report_id"]), int(r["form_id"]), str(r["key"]), r["value"])
        for r in rows
    ]


# ------------------------------------------------------------------- drafts


async def get_draft(tx: Tx, branch_id: int, month: str) -> DraftRow | None:
    return await fetch_one(
        tx,
        DraftRow,
        "SELECT * FROM form_drafts WHERE branch_id = ? AND month = ?",
        (branch_id, month),
    )


async def save_draft(
    tx: Tx,
    branch_id: int,
    month: str,
    form_id: int,
    answers_json: str,
    unread_json: str,
    author_id: int,
    now: datetime,
) -> None:
    await tx.run(
        """INSERT OR REPLACE INTO form_drafts(branch_id, month, form_id, answers, unread,
                                              author_id, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (branch_id, month, form_id, answers_json, unread_json, author_id, ts(now)),
    )


async def delete_draft(tx: Tx, branch_id: int, month: str) -> bool:
    count, _ = await tx.run(
        "DELETE FROM form_drafts WHERE branch_id = ? AND month = ?", (branch_id, month)
    )
    return count > 0
