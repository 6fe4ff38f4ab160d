"""Withdrawing a report, or moving it to the right branch or month.

Its author may, until the circular of its month is posted; a coordinator may at
any time, with a reason (the next text typed, asked as a pending question).
The history keeps what happened (`report_moves` and the audit); every count
follows, because a withdrawn report leaves `reports` and a moved one changes
its branch and month there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import rules
from bot.calendar import Month
from bot.i18n import t
from bot.models import Branch, NewMessage, Pending, Report
from bot.services.base import (
    Actor,
    Env,
    UserError,
    committee_start,
    current_month,
    cycle_for,
    user_lang,
)
from bot.services.fmt import month_label
from bot.services.reports import PENDING_TTL
from storage import branches as branch_store
from storage import circulars, meta, outbox, people, reports
from storage import moves as store
from storage.db import Tx

PENDING_WITHDRAW = "withdraw_reason"
PENDING_MOVE = "move_reason"
REASON_MAX = 200
MAX_BRANCH_TARGETS = 40


@dataclass(frozen=True)
class Target:
    branch: Branch
    month: Month


@dataclass(frozen=True)
class Options:
    """Where a report may go; `needs_reason` for a coordinator acting on someone's report."""

    report: Report
    branch: Branch
    targets: list[Target]
    needs_reason: bool


@dataclass(frozen=True)
class Done:
    action: str  # 'withdrawn' or 'moved'
    report: Report  # as it was before
    source: Branch
    target: Branch | None = None
    to_month: Month | None = None
    reason: str = ""


@dataclass(frozen=True)
class AskReason:
    """A coordinator is asked why; the next text typed is the reason."""

    action: str
    report: Report
    source: Branch
    target: Branch | None = None
    to_month: Month | None = None


async def _report(tx: Tx, report_id: int) -> Report:
    report = await reports.get_report_by_id(tx, report_id)
    if report is None:
        raise UserError("stale_button")
    return report


async def _posted(tx: Tx, month: str) -> bool:
    circular = await circulars.get_circular(tx, month)
    return circular is not None and circular.posted_at is not None


async def _as_author(tx: Tx, actor: Actor, report: Report) -> bool:
    """True when the actor may act as the report's author (no reason asked);
    False when only as a coordinator (a reason is asked). Refuses anyone else."""
    author = report.author_id == actor.user_id and actor.member_of(report.branch_id) is not None
    if author and not await _posted(tx, report.month):
        return True
    if actor.coordinates:
        return False
    if author:
        raise UserError(
            "move_after_circular", month=month_label(actor.lang, Month.parse(report.month))
        )
    raise UserError("move_denied")


def _months(report_month: Month, current: Month, start: Month) -> list[Month]:
    """Months a report may move to: near its own, never in the future, never before the
    committee began (no cycle can be created there, see `cycle_for`)."""
    near = {report_month.prev(), report_month.next(), current, current.prev()}
    return sorted(m for m in near if start <= m <= current)


async def _targets(
    env: Env, tx: Tx, actor: Actor, report: Report, as_author: bool, now: datetime
) -> list[Target]:
    current = current_month(env, now)
    start = await committee_start(env, tx, now)
    month = Month.parse(report.month)
    if as_author:
        branches = [m.branch for m in actor.memberships]
    else:
        branches = await branch_store.list_branches(tx)
    found: list[Target] = []
    for branch in branches:
        # Its own branch: the neighbouring months; another branch: the same month.
        months = _months(month, current, start) if branch.id == report.branch_id else [month]
        for m in months:
            if (branch.id, str(m)) == (report.branch_id, report.month):
                continue
            if await reports.get_report(tx, branch.id, str(m)) is not None:
                continue  # never onto a report: withdraw or revise that one instead
            found.append(Target(branch, m))
    same = [t for t in found if t.branch.id == report.branch_id]
    other = [t for t in found if t.branch.id != report.branch_id]
    return same + other[:MAX_BRANCH_TARGETS]


async def _branch(tx: Tx, branch_id: int) -> Branch:
    branch = await branch_store.get_branch(tx, branch_id)
    if branch is None:
        raise UserError("stale_button")
    return branch


async def move_options(env: Env, actor: Actor, report_id: int, now: datetime) -> Options:
    async with env.db.reading() as tx:
        report = await _report(tx, report_id)
        as_author = await _as_author(tx, actor, report)
        return Options(
            report=report,
            branch=await _branch(tx, report.branch_id),
            targets=await _targets(env, tx, actor, report, as_author, now),
            needs_reason=not as_author,
        )


async def start_withdraw(
    env: Env, actor: Actor, report_id: int, now: datetime
) -> AskReason | Options:
    """The withdraw button: an author confirms (Options without targets); a coordinator
    is asked for the reason."""
    async with env.db.transaction() as tx:
        report = await _report(tx, report_id)
        source = await _branch(tx, report.branch_id)
        if await _as_author(tx, actor, report):
            return Options(report=report, branch=source, targets=[], needs_reason=False)
        await store.set_reason_pending(
            tx, actor.user_id, PENDING_WITHDRAW, report.id, report.branch_id, report.month, now
        )
        return AskReason("withdrawn", report, source)


async def withdraw(env: Env, actor: Actor, report_id: int, now: datetime) -> Done:
    """An author's confirmed withdrawal (a coordinator gives a reason instead)."""
    async with env.db.transaction() as tx:
        report = await _report(tx, report_id)
        if not await _as_author(tx, actor, report):
            raise UserError("move_reason_needed")
        return await _withdraw(env, tx, actor, report, "", now)


async def _withdraw(
    env: Env, tx: Tx, actor: Actor, report: Report, reason: str, now: datetime
) -> Done:
    source = await _branch(tx, report.branch_id)
    await store.withdraw(tx, report, actor.user_id, reason, now)
    await meta.audit(
        tx, "report_withdrawn", now, actor.user_id, report.branch_id, f"{report.month} {reason}"
    )
    done = Done("withdrawn", report, source, reason=reason)
    await _tell_author(env, tx, actor, done, now)
    return done


async def _tell_author(env: Env, tx: Tx, actor: Actor, done: Done, now: datetime) -> None:
    """Someone else (a coordinator) withdrew or moved a report: its author hears of it."""
    author_id = done.report.author_id
    if author_id == actor.user_id:
        return
    author = await people.get_user(tx, author_id)
    if author is None:
        return
    lang = user_lang(env, author)
    params: dict[str, object] = {
        "who": actor.user.display_name,
        "branch": done.source.name,
        "month": month_label(lang, Month.parse(done.report.month)),
        "reason": t(lang, "move_reason_part", reason=done.reason) if done.reason else "",
    }
    if done.target is not None and done.to_month is not None:
        params |= {"to_branch": done.target.name, "to_month": month_label(lang, done.to_month)}
    key = "report_moved_notice" if done.action == "moved" else "report_withdrawn_notice"
    await outbox.enqueue(
        tx,
        NewMessage(
            dedupe_key=f"report_{done.action}:{done.report.id}:{now.isoformat()}",
            kind="report_move",
            chat_id=author_id,
            text=t(lang, key, **params),
            branch_id=done.report.branch_id,
            recipient_id=author_id,
        ),
        now,
    )


async def pick_target(
    env: Env, actor: Actor, report_id: int, branch_id: int, month: Month, now: datetime
) -> Done | AskReason:
    """A target tapped: an author's report moves at once; a coordinator is asked why."""
    async with env.db.transaction() as tx:
        report = await _report(tx, report_id)
        as_author = await _as_author(tx, actor, report)
        targets = await _targets(env, tx, actor, report, as_author, now)
        target = next((t for t in targets if (t.branch.id, t.month) == (branch_id, month)), None)
        if target is None:  # a forged or outdated button: not a place this report may go
            if as_author and actor.member_of(branch_id) is None:
                raise UserError("denied_branch")
            raise UserError("stale_button")
        if as_author:
            return await _move(env, tx, actor, report, target, "", now)
        await store.set_reason_pending(
            tx, actor.user_id, PENDING_MOVE, report.id, branch_id, str(month), now
        )
        return AskReason("moved", report, await _branch(tx, report.branch_id), target.branch, month)


async def _move(
    env: Env, tx: Tx, actor: Actor, report: Report, target: Target, reason: str, now: datetime
) -> Done:
    cycle = await cycle_for(env, tx, target.month, now)
    late = rules.is_overdue(cycle.due_on, report.submitted_at, env.cfg.tz)
    source = await _branch(tx, report.branch_id)
    await store.move(
        tx, report, target.branch.id, str(target.month), late, actor.user_id, reason, now
    )
    await meta.audit(
        tx,
        "report_moved",
        now,
        actor.user_id,
        target.branch.id,
        f"{report.branch_id} {report.month} → {target.branch.id} {target.month} {reason}",
    )
    done = Done("moved", report, source, target.branch, target.month, reason)
    await _tell_author(env, tx, actor, done, now)
    return done


async def reason_given(env: Env, actor: Actor, text: str | None, now: datetime) -> Done | None:
    """The text after a coordinator's withdraw/move tap is the reason; then it is done.
    None when no reason was asked for (or the question lapsed)."""
    async with env.db.reading() as tx:  # most texts answer no such question: no write lock
        pending = await reports.get_pending(tx, actor.user_id)
    if pending is None or pending.kind not in (PENDING_WITHDRAW, PENDING_MOVE):
        return None
    async with env.db.transaction() as tx:
        pending = await reports.get_pending(tx, actor.user_id)
        if pending is None or pending.kind not in (PENDING_WITHDRAW, PENDING_MOVE):
            return None
        report_id = await store.pending_report_id(tx, actor.user_id)
        await reports.clear_pending(tx, actor.user_id)  # answered (or lapsed): asked once
        if now - pending.created_at > PENDING_TTL:
            return None
        reason = " ".join((text or "").split())[:REASON_MAX]
        done = await _with_reason(env, tx, actor, pending, report_id, reason, now)
    if isinstance(done, str):
        raise UserError(done)
    return done


async def _with_reason(
    env: Env,
    tx: Tx,
    actor: Actor,
    pending: Pending,
    report_id: int | None,
    reason: str,
    now: datetime,
) -> Done | str:
    """Withdraw or move as the pending question said; an error key when that is no
    longer possible (raised by the caller, after the question is cleared)."""
    if not actor.coordinates:
        return "denied"
    report = await reports.get_report_by_id(tx, report_id or 0)
    if report is None or pending.branch_id is None or pending.month is None or not reason:
        return "stale_button"
    if pending.kind == PENDING_WITHDRAW:
        if (report.branch_id, report.month) != (pending.branch_id, pending.month):
            return "stale_button"  # it moved meanwhile
        return await _withdraw(env, tx, actor, report, reason, now)
    wanted = (pending.branch_id, Month.parse(pending.month))
    targets = await _targets(env, tx, actor, report, False, now)
    target = next((t for t in targets if (t.branch.id, t.month) == wanted), None)
    if target is None:
        return "stale_button"
    return await _move(env, tx, actor, report, target, reason, now)


async def history(env: Env, actor: Actor, report_id: int) -> list[tuple[store.Move, Branch | None]]:
    """What happened to a report (moves), for its view; with the branch it came from."""
    async with env.db.reading() as tx:
        report = await _report(tx, report_id)
        if not actor.coordinates and actor.member_of(report.branch_id) is None:
            raise UserError("denied_branch")
        found = await store.history(tx, report_id)
        return [(m, await branch_store.get_branch(tx, m.from_branch_id)) for m in found]
