"""审核: a 党总支 may review its 支部's reports (docs/tree-review.md).

Set per 总支 (`/reviewmode 总支名 开|关`, by the committee's coordinators or that
总支's own secretary). With it on, a report (or a revision) of a 支部 under that
总支 goes to the 总支's secretary (and deputy), who approves it or returns it with
a comment typed next; the 支部's people are told, with the comment, and revise;
the revision goes to review again. Every step is kept (`storage/approvals.py`).

The committee counts a report as submitted when it was sent: on time stays on
time, whatever the review says. Its /status and circular show what still waits
for review (`bot.services.grouping`). A report waiting longer than
`review_wait_days` (ZHIBU_REVIEW_WAIT_DAYS) brings the 总支's secretary a
reminder through the outbox, once per period (`rules.approval_wait_key`).

Only the secretary or deputy of the report's own 总支 may approve or return it:
a signed button replayed by anyone else, or naming another 总支's report, is
refused (`denied_outside`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import rules, tree
from bot.calendar import Month
from bot.i18n import Ref, t
from bot.models import Branch, NewMessage, Report
from bot.services import signing
from bot.services.base import Actor, Env, UserError, user_lang
from bot.services.fmt import month_label
from bot.services.tree import resolve_in_scope
from storage import approvals, branches, meta, outbox
from storage import reports as report_store
from storage.approvals import APPROVED, PENDING, RETURNED, Step
from storage.db import Tx

# The pending question "the comment for returning report N" (the next text typed).
PENDING_RETURN = "approval_return"
PENDING_TTL = timedelta(hours=12)
COMMENT_MAX = 500
EXCERPT = 300

ON_WORDS = frozenset({"开", "開", "on", "是", "启用", "啟用", "yes"})
OFF_WORDS = frozenset({"关", "關", "off", "否", "停用", "no"})


# ------------------------------------------------------------------ /reviewmode


@dataclass(frozen=True)
class ModeSet:
    general: Branch
    enabled: bool


def parse_mode(text: str) -> tuple[str, bool]:
    """`总支名 开|关` (the name may be left out by a 总支's own secretary)."""
    words = text.split()
    if not words or words[-1].lower() not in ON_WORDS | OFF_WORDS:
        raise UserError("arg_missing", usage=Ref("usage_reviewmode"))
    return " ".join(words[:-1]), words[-1].lower() in ON_WORDS


async def set_mode(env: Env, actor: Actor, text: str, now: datetime) -> ModeSet:
    """/reviewmode: the committee's coordinators for any 总支, a 总支书记 for their own."""
    scope = actor.require_scope()
    name, enabled = parse_mode(text)
    async with env.db.transaction() as tx:
        if name:
            general = await resolve_in_scope(tx, scope, name)
        elif scope.general is not None:
            general = scope.general
        else:
            raise UserError("arg_missing", usage=Ref("usage_reviewmode"))
        if not general.is_general:
            raise UserError("tree_not_general", name=general.name)
        await approvals.set_enabled(tx, general.id, enabled, actor.user_id, now)
        await meta.audit(
            tx, "approval_mode", now, actor.user_id, general.id, "on" if enabled else "off"
        )
    return ModeSet(general, enabled)


# ------------------------------------------------------------------ buttons in the outbox


async def _key(tx: Tx) -> bytes:
    stored = await meta.kv_get(tx, signing.SECRET_KEY)
    if stored is None:
        stored = await meta.kv_setdefault(tx, signing.SECRET_KEY, secrets.token_hex(32))
    return bytes.fromhex(stored)


def _markup(key: bytes, rows: list[list[tuple[str, str]]]) -> str:
    """An inline keyboard as the Bot API takes it, each button signed as
    `handlers.common.buttons` signs them (the outbox sends it as is)."""
    return json.dumps(
        {
            "inline_keyboard": [
                [
                    {"text": label, "callback_data": signing.sign(key, f"z1:{data}")}
                    for label, data in row
                ]
                for row in rows
            ]
        },
        ensure_ascii=False,
    )


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT] + "……"


# ------------------------------------------------------------------ on every report


async def reviewer_of(tx: Tx, branch_id: int) -> Branch | None:
    """The 总支 that reviews `branch_id`'s reports: its nearest 总支, if review is on."""
    enabled = await approvals.enabled_generals(tx)
    if not enabled:  # no 总支 reviews (every flat committee): no tree to read
        return None
    # Walk up the parents (a query per level, not the whole tree per report), as
    # `tree.general_of` would: the nearest active 总支 above the unit.
    unit = await branches.get_branch(tx, branch_id)
    seen: set[int] = set()
    while unit is not None and unit.parent_id is not None and len(seen) < tree.MAX_DEPTH:
        seen.add(unit.id)
        parent = await branches.get_branch(tx, unit.parent_id)
        if parent is None or not parent.active or parent.id in seen:
            return None  # an archived 总支 above: the unit counts under the committee
        if parent.is_general:
            return parent if parent.id in enabled else None
        unit = parent
    return None


async def on_stored(env: Env, tx: Tx, report: Report, branch: Branch, now: datetime) -> bool:
    """Called where a report or a revision is stored (`reports._store`), in its
    transaction: under a 总支 that reviews, it waits for review and the 总支's people
    are asked (through the outbox). True when it went to review."""
    general = await reviewer_of(tx, branch.id)
    if general is None:
        return False
    step_id = await approvals.add_step(
        tx, report.id, branch.id, report.month, general.id, PENDING, None, now
    )
    await _ask(env, tx, general, branch, report, step_id, now, "apv_ask")
    return True


async def _ask(
    env: Env,
    tx: Tx,
    general: Branch,
    branch: Branch,
    report: Report,
    step_id: int,
    now: datetime,
    key: str,
    dedupe: str | None = None,
    days: int = 0,
) -> int:
    view = await branches.branch_view(tx, general.id)
    if view is None:
        return 0
    sign_key = await _key(tx)
    added = 0
    for user in view.reporters:
        lang = user_lang(env, user)
        text = t(
            lang,
            key,
            general=general.name,
            branch=branch.name,
            month=month_label(lang, Month.parse(report.month)),
            revision=report.revisions,
            text=_excerpt(report.text),
            days=days,
        )
        markup = _markup(
            sign_key,
            [
                [
                    (str(t(lang, "apv_btn_ok")), f"apv:{report.id}"),
                    (str(t(lang, "apv_btn_return")), f"apr:{report.id}"),
                ]
            ],
        )
        msg = NewMessage(
            dedupe_key=(dedupe or f"apvask:{report.id}:{step_id}") + f":{user.user_id}",
            kind="approval",
            chat_id=user.user_id,
            text=text,
            reply_markup=markup,
            branch_id=branch.id,
            month=report.month,
            recipient_id=user.user_id,
        )
        added += await outbox.enqueue(tx, msg, now)
    return added


# ------------------------------------------------------------------ approve / return


@dataclass(frozen=True)
class Reviewed:
    report: Report
    branch: Branch
    general: Branch
    state: str  # approved / returned / asked (the comment is asked next)
    comment: str = ""


async def _reviewable(tx: Tx, actor: Actor, report_id: int) -> tuple[Report, Branch, Branch, Step]:
    """The report, its 支部, its 总支 and its pending step, if `actor` leads that 总支."""
    report = await report_store.get_report_by_id(tx, report_id)
    if report is None:
        raise UserError("stale_button")
    step = await approvals.latest(tx, report_id)
    general = await branches.get_branch(tx, step.general_id) if step is not None else None
    # Only the secretary or deputy of the report's own 总支 (not the committee, not
    # another 总支's secretary replaying a button) may review it.
    if step is None or general is None or general.id not in actor.generals:
        raise UserError("denied_outside")
    if report.branch_id not in actor.generals[general.id]:
        raise UserError("denied_outside")  # moved out of the 总支 since it was sent
    if step.state != PENDING:
        raise UserError("apv_not_pending")
    branch = await branches.get_branch(tx, report.branch_id)
    assert branch is not None
    return report, branch, general, step


async def approve(env: Env, actor: Actor, report_id: int, now: datetime) -> Reviewed:
    async with env.db.transaction() as tx:
        report, branch, general, _ = await _reviewable(tx, actor, report_id)
        step_id = await approvals.add_step(
            tx, report.id, branch.id, report.month, general.id, APPROVED, actor.user_id, now
        )
        await meta.audit(tx, "report_approved", now, actor.user_id, branch.id, report.month)
        await _tell_branch(env, tx, report, branch, general, step_id, now, "apv_told_ok", "")
    return Reviewed(report, branch, general, APPROVED)


async def ask_return(env: Env, actor: Actor, report_id: int, now: datetime) -> Reviewed:
    """退回 pressed: the comment is the next text the 总支 secretary types."""
    async with env.db.transaction() as tx:
        report, branch, general, _ = await _reviewable(tx, actor, report_id)
        await approvals.set_comment_pending(
            tx, actor.user_id, PENDING_RETURN, branch.id, report.month, report.id, now
        )
    return Reviewed(report, branch, general, "asked")


async def comment_given(env: Env, actor: Actor, text: str | None, now: datetime) -> Reviewed | None:
    """The text after 退回: the comment; the report is returned. None: no such question."""
    async with env.db.reading() as tx:
        pending = await report_store.get_pending(tx, actor.user_id)
    if pending is None or pending.kind != PENDING_RETURN:
        return None
    comment = " ".join((text or "").split())
    if not comment:
        raise UserError("apv_comment_missing")
    if len(comment) > COMMENT_MAX:
        raise UserError("too_long_arg")
    async with env.db.transaction() as tx:
        report_id = await approvals.pending_report_id(tx, actor.user_id)
        await report_store.clear_pending(tx, actor.user_id)
        if report_id is None or now - pending.created_at > PENDING_TTL:
            raise UserError("apv_question_lapsed")
        report, branch, general, _ = await _reviewable(tx, actor, report_id)
        step_id = await approvals.add_step(
            tx,
            report.id,
            branch.id,
            report.month,
            general.id,
            RETURNED,
            actor.user_id,
            now,
            comment,
        )
        await meta.audit(tx, "report_returned", now, actor.user_id, branch.id, report.month)
        await _tell_branch(
            env, tx, report, branch, general, step_id, now, "apv_told_returned", comment
        )
    return Reviewed(report, branch, general, RETURNED, comment)


async def _tell_branch(
    env: Env,
    tx: Tx,
    report: Report,
    branch: Branch,
    general: Branch,
    step_id: int,
    now: datetime,
    key: str,
    comment: str,
) -> None:
    """The 支部's secretary and deputy are told; a returned report carries 修改 (rev)."""
    view = await branches.branch_view(tx, branch.id)
    if view is None:
        return
    sign_key = await _key(tx)
    for user in view.reporters:
        lang = user_lang(env, user)
        markup = None
        if key == "apv_told_returned":
            markup = _markup(sign_key, [[(str(t(lang, "apv_btn_revise")), f"rev:{report.id}")]])
        msg = NewMessage(
            dedupe_key=f"apvtell:{report.id}:{step_id}:{user.user_id}",
            kind="approval",
            chat_id=user.user_id,
            text=t(
                lang,
                key,
                general=general.name,
                branch=branch.name,
                month=month_label(lang, Month.parse(report.month)),
                comment=comment,
            ),
            reply_markup=markup,
            branch_id=branch.id,
            month=report.month,
            recipient_id=user.user_id,
        )
        await outbox.enqueue(tx, msg, now)


# ------------------------------------------------------------------ reminders


async def reconcile(env: Env, tx: Tx, now: datetime) -> int:
    """Reports waiting for review longer than `review_wait_days`: the 总支's people get a
    reminder, once per period of that many days (the engine's minute tick)."""
    wait = timedelta(days=env.cfg.review_wait_days)
    added = 0
    for step in await approvals.pending_since(tx, now - wait):
        report = await report_store.get_report_by_id(tx, step.report_id)
        branch = await branches.get_branch(tx, step.branch_id)
        general = await branches.get_branch(tx, step.general_id)
        if report is None or branch is None or general is None or not general.active:
            continue
        periods = int((now - step.at) / wait)
        added += await _ask(
            env,
            tx,
            general,
            branch,
            report,
            step.id,
            now,
            "apv_wait",
            dedupe=rules.approval_wait_key(report.id, step.id, periods),
            days=(now - step.at).days,
        )
    return added


# ------------------------------------------------------------------ reading


async def history(env: Env, report_id: int) -> list[Step]:
    """Every review step of a report, oldest first (the caller checked who may read it)."""
    async with env.db.reading() as tx:
        return await approvals.history(tx, report_id)
