"""The monthly engine: `reconcile(now)` decides from the database what is due.

Nothing here is an in-memory timer. Every minute (and at start-up) the
tick calls `reconcile(now)`; it works out which reminder stage, overdue
nudge, digest and circular should exist by `now` and puts them in the
outbox under a unique dedupe key. Running it twice, concurrently, or after
a crash can therefore never produce a message twice, and a stage whose
window has passed (a "2 days left" after the due day) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot import rules
from bot.calendar import Month, end_of
from bot.i18n import CATALOGS, Html, join, language_for, split_message, t
from bot.models import NewMessage, User
from bot.rules import Stage, State
from bot.services import approval, general, months, plans
from bot.services import circular as circular_mod
from bot.services.base import (
    Actor,
    Env,
    UserError,
    coordination_chat,
    current_month,
    cycle_for,
    nominal_due,
    peek_cycle,
    user_lang,
)
from bot.services.files import CHART_KIND, DOCX_KIND
from bot.services.fmt import date_label, month_label, names_list
from bot.services.status import Line, MonthSummary, summarize
from bot.services.tree import resolve_in_scope, scope_of_general
from storage import branches, circulars, meta, outbox, people, reminders, reports
from storage.db import Tx

NUDGE_INTERVAL = timedelta(hours=1)


def plan_stages(env: Env, due_on: date) -> list[Stage]:
    """Every reminder and overdue stage of a cycle, each with its window."""
    cfg = env.cfg
    return rules.report_stages(
        due_on, cfg.reminder_days_before, cfg.overdue_days_after, cfg.reminder_at, cfg.tz
    )


def circular_time(env: Env, due_on: date) -> datetime:
    return rules.circular_time(due_on, env.cfg.circular_days_after, env.cfg.circular_at, env.cfg.tz)


@dataclass
class Reconciled:
    enqueued: int = 0
    circulars_built: int = 0


async def reconcile(env: Env, now: datetime) -> Reconciled:
    """Put everything that should have happened by `now` in the outbox, once."""
    result = Reconciled()
    async with env.db.transaction() as tx:
        month = current_month(env, now)
        await cycle_for(env, tx, month, now)
        started = await branches.first_branch_created(tx)
        for m in await _months_to_reconcile(tx, month):
            await _reconcile_month(env, tx, m, now, started, result)
        result.enqueued += await outbox.enqueue_many(
            tx, await plans.task_reminders(env, tx, now), now
        )
        result.enqueued += await approval.reconcile(env, tx, now)  # 审核 waiting too long
    return result


async def bound_legacy_messages(env: Env) -> int:
    """Give reminders and digests queued before messages carried a validity the
    end of their stage window, so a fan-out left over from an older version
    expires like any other. Returns how many were bounded."""
    bounded = 0
    async with env.db.transaction() as tx:
        for item in await outbox.pending_without_validity(tx, ("remind", "overdue", "digest")):
            cycle = await reports.get_cycle(tx, item.month or "")
            if cycle is None:
                continue
            stages = plan_stages(env, cycle.due_on)
            if item.kind == "digest":
                stage = next((s for s in stages if s.digest), None)
            else:  # remind:<month>:<branch>:<stage>:<user>
                parts = item.dedupe_key.split(":")
                code = parts[3] if len(parts) == 5 else ""
                stage = next((s for s in stages if s.code == code), None)
            if stage is not None:
                await outbox.set_valid_until(tx, item.id, stage.until)
                bounded += 1
    return bounded


async def _months_to_reconcile(tx: Tx, month: Month) -> list[Month]:
    """The current month, the previous one if zhibu ran then (its overdue nudges
    or circular may still be due), and, oldest first, every earlier month zhibu
    ran in (it has a cycle) since the last posted circular: a circular missed
    over a long downtime is posted at the next start."""
    last_posted = await circulars.last_posted_circular(tx)
    past = [
        Month.parse(c.month)
        for c in await reports.list_cycles(tx)
        if c.month < str(month) and (c.month == str(month.prev()) or c.month > (last_posted or ""))
    ]
    return [*past, month]


async def _reconcile_month(
    env: Env, tx: Tx, month: Month, now: datetime, started: datetime | None, result: Reconciled
) -> None:
    cycle = await cycle_for(env, tx, month, now)
    summary: MonthSummary | None = None  # built at most once, and only when needed
    for stage in plan_stages(env, cycle.due_on):
        if not stage.live(now):
            continue  # most minutes no stage is live
        result.enqueued += await _queue_stage(env, tx, month, stage, cycle.due_on, now)
        if stage.digest and await _digest_due(env, tx, month):
            # Names and states only (the digest, then the circular): no reporters read.
            summary = await summarize(env, tx, month, now, with_failures=False, people=False)
            result.enqueued += await _digest(env, tx, month, summary, now, stage.until)
            # Each 总支 with its own group: its units' digest there (docs/tree.md).
            result.enqueued += await general.digests(env, tx, month, summary, now, stage.until)
    ended = end_of(month.last_day, env.cfg.tz)
    if month < current_month(env, now) and (started is None or started >= ended):
        return  # the committee had not started: a past month without branches has no circular
    result.enqueued += await general.reconcile_circulars(env, tx, month, now)  # 总支 groups
    if now >= circular_time(env, cycle.due_on):
        built = await circulars.circular_built(tx, str(month))  # not its text and model
        if built is not None and built.posted_at is not None:
            return
        chat = await coordination_chat(env, tx)
        if built is not None and (chat is None or await _circular_queued(tx, month)):
            # Nothing to queue: no group to post to yet, or queued already (its
            # messages wait in the outbox). Rendering its messages again every
            # minute would only have the outbox's dedupe keys ignore them.
            return
        circ = None if built is None else await circulars.get_circular(tx, str(month))
        if circ is None:
            parts = await _build_and_save(env, tx, month, now, summary)
            result.circulars_built += 1
        else:
            parts = circular_mod.stored_messages(circ)
        result.enqueued += await enqueue_circular(env, tx, month, parts, now)


async def _queue_stage(
    env: Env, tx: Tx, month: Month, stage: Stage, due_on: date, now: datetime
) -> int:
    """Queue the stage's reminder to every reporter still owed one, set-based.

    One INSERT … SELECT (`reminders.queue_stage`) over the branches, their
    members and the outbox: no row comes back to Python. The text is this
    stage's reminder rendered once per language with a slot for the branch's
    name, which SQL fills in escaped as `t` escapes it; the key is
    `rules.reminder_key` built in SQL. tests/test_perf_reconcile.py proves both,
    and the month-end cut (`rules.expected_in`), equal to the Python rules.
    After a stage's first minute the statement finds nobody, so each minute
    inside a window costs one query.
    """
    templates = {
        lang: _reminder(env, lang, BRANCH_SLOT, stage, due_on, month, now) for lang in CATALOGS
    }
    batch = reminders.StageBatch(
        month=str(month),
        prefix=rules.reminder_prefix(month),
        code=stage.code,
        kind=stage.kind,
        month_end=end_of(month.last_day, env.cfg.tz),
        templates=templates,
        default=templates[language_for(None, env.cfg.language)],
        slot=BRANCH_SLOT,
        valid_until=stage.until,
    )
    return await reminders.queue_stage(tx, batch, now)


# Stands for the branch's name in a reminder rendered once per language (a
# private-use character: no catalog text holds one).
BRANCH_SLOT = Html("\ue000branch\ue000")


async def _digest_due(env: Env, tx: Tx, month: Month) -> bool:
    """Whether the month's digest may still need queueing: not queued yet, and
    some active branch has neither report nor exemption (an over-approximation
    of "missing"; the digest itself then looks at the month's summary)."""
    if await outbox.outbox_keys(tx, rules.digest_prefix(month)):
        return False
    if await coordination_chat(env, tx) is None and not await people.list_coordinators(tx):
        return False  # nobody to send it to
    return await reminders.any_unaccounted(tx, str(month))


async def _circular_queued(tx: Tx, month: Month) -> bool:
    """Whether the month's circular is in the outbox: its Word document is queued
    last, in the same transaction as the text, so its key stands for them all."""
    return await outbox.get_outbox(tx, f"{DOCX_KIND}:{month}") is not None


def reminder_text(
    env: Env, user: User, line: Line, stage: Stage, due_on: date, month: Month, now: datetime
) -> Html:
    return _reminder(env, user_lang(env, user), line.branch.name, stage, due_on, month, now)


def _reminder(
    env: Env, lang: str, branch: str, stage: Stage, due_on: date, month: Month, now: datetime
) -> Html:
    today = now.astimezone(env.cfg.tz).date()
    params: dict[str, object] = {
        "branch": branch,
        "month": month_label(lang, month),
        "due": date_label(lang, due_on, weekday=True),
    }
    if stage.kind == "remind":
        left = (due_on - today).days
        key = "remind_today" if left <= 0 else "remind_days"
        return t(lang, key, days=left, **params)
    return t(lang, "overdue_nudge", days=(today - due_on).days, **params)


DIGEST_NAMES = 30  # names in the digest before "等N个" (the rest: /status 未报)


async def _digest(
    env: Env, tx: Tx, month: Month, summary: MonthSummary, now: datetime, valid_until: datetime
) -> int:
    """One message to the coordinators: the counts first, then the missing branches,
    compact (names joined with 、, at most DIGEST_NAMES, then 等N个 and /status 未报)."""
    missing = summary.having(State.MISSING)
    if not missing:
        return 0
    lang = env.cfg.language
    no_secretary = summary.without_secretary
    names = names_list(lang, [ln.branch.name for ln in missing], DIGEST_NAMES)
    lines = [
        t(lang, "digest_head", month=month_label(lang, month), count=len(missing), names=names),
        t(
            lang,
            "digest_counts",
            expected=summary.expected,
            reported=summary.reported,
            missing=len(summary.todo),
            no_secretary=len(no_secretary),
        ),
    ]
    if no_secretary:
        unbound = names_list(lang, [ln.branch.name for ln in no_secretary], DIGEST_NAMES)
        lines.append(t(lang, "digest_no_secretary", names=unbound))
    lines.append(t(lang, "digest_tail"))
    chat = await coordination_chat(env, tx)
    targets: list[tuple[int, str]] = []
    if chat is not None:
        targets.append((chat, rules.digest_prefix(month)))
    else:  # no group bound: each coordinator privately
        for c in await people.list_coordinators(tx):
            targets.append((c.user_id, f"{rules.digest_prefix(month)}:{c.user_id}"))
    added = 0
    for chat_id, key in targets:
        for i, part in enumerate(split_message(join(lines)), 1):
            msg = NewMessage(
                dedupe_key=f"{key}:{i}",
                kind="digest",
                chat_id=chat_id,
                text=part,
                month=str(month),
                valid_until=valid_until,  # the digest belongs to its overdue stage
            )
            added += await outbox.enqueue(tx, msg, now)
    return added


async def _build_and_save(
    env: Env, tx: Tx, month: Month, now: datetime, summary: MonthSummary | None = None
) -> list[str]:
    """Build the month's circular once, keep its model and chat text; its messages.

    `summary`: the month's summary at `now` if the caller has it already."""
    # Its text, messages and JSON from the draft: the same as the model's, without
    # an item per name (bot/services/circular_names.py).
    draft = await circular_mod.draft(env, tx, month, now, summary)
    text, messages = circular_mod.chat_text(draft)
    await circulars.save_circular(tx, str(month), text, now, draft.to_json())
    return messages


async def enqueue_circular(env: Env, tx: Tx, month: Month, parts: list[str], now: datetime) -> int:
    """Queue the circular's messages (split on its sections), then its chart and document."""
    chat = await coordination_chat(env, tx)
    if chat is None:
        return 0  # kept; posted once a group is bound (or by /circular post)
    added = 0
    for i, part in enumerate(parts, 1):
        msg = NewMessage(
            dedupe_key=f"circular:{month}:{i}",
            kind="circular",
            chat_id=chat,
            text=part,
            month=str(month),
        )
        added += await outbox.enqueue(tx, msg, now)
    # The chart and the Word document follow the text, each its own outbox
    # item (deduplicated and retried like any message), rendered when sent.
    lang = circular_mod.circular_language(env)
    for kind, key in ((CHART_KIND, "rec_chart_caption"), (DOCX_KIND, "rec_docx_caption")):
        caption = t(lang, key, month=month_label(lang, month))
        msg = NewMessage(
            dedupe_key=f"{kind}:{month}", kind=kind, chat_id=chat, text=caption, month=str(month)
        )
        added += await outbox.enqueue(tx, msg, now)
    return added


# -------------------------------------------------------- coordinator commands


@dataclass(frozen=True)
class Nudged:
    month: Month
    sent: list[str]
    skipped_recent: list[str]
    no_reporter: list[str]
    skipped_scheduled: list[str] = field(default_factory=list)


async def remind_now(
    env: Env, actor: Actor, now: datetime, name: str = "", *, dry_run: bool = False
) -> Nudged:
    """Nudge every branch still missing now (or only the branch `name`).

    At most once per branch per hour, and not a branch the schedule reminded in
    the last hour. `dry_run` says whom it would message and sends nothing (the
    confirmation `/remind` asks for).
    """
    scope = actor.require_scope()  # a 总支's secretary: its own units only
    month = current_month(env, now)
    sent: list[str] = []
    recent: list[str] = []
    scheduled: list[str] = []
    nobody: list[str] = []
    async with env.db.transaction() as tx:
        only = await resolve_in_scope(tx, scope, name) if name.strip() else None
        summary = await summarize(env, tx, month, now, with_failures=False, scope=scope)
        recent_nudges = await outbox.last_nudges(tx, now - NUDGE_INTERVAL)
        recent_scheduled = await reminders.last_scheduled(tx, now - NUDGE_INTERVAL)
        stage = Stage("overdue" if summary.overdue else "remind", 0, now, now)
        todo = summary.todo
        if only is not None:
            todo = [ln for ln in todo if ln.branch.id == only.id]
            if not todo:
                raise UserError("remind_branch_done", branch=only.name)
        batch: list[NewMessage] = []
        for line in todo:
            reachable = [u for u in line.view.reporters if u.reachable]
            if not reachable:
                nobody.append(line.branch.name)
                continue
            last = recent_nudges.get(line.branch.id)
            if last is not None and now - last < NUDGE_INTERVAL:
                recent.append(line.branch.name)
                continue
            if line.branch.id in recent_scheduled:
                scheduled.append(line.branch.name)
                continue
            for user in reachable:
                lang = user_lang(env, user)
                body = reminder_text(env, user, line, stage, summary.due_on, month, now)
                batch.append(
                    NewMessage(
                        dedupe_key=f"nudge:{month}:{line.branch.id}:{user.user_id}:{now.isoformat()}",
                        kind="nudge",
                        chat_id=user.user_id,
                        text=join([t(lang, "nudge_head"), body]),
                        branch_id=line.branch.id,
                        month=str(month),
                        recipient_id=user.user_id,
                    )
                )
            sent.append(line.branch.name)
        if not dry_run:
            await outbox.enqueue_many(tx, batch, now)
            await meta.audit(
                tx, "remind_now", now, actor.user_id, only.id if only else None, str(len(sent))
            )
    return Nudged(
        month=month,
        sent=sent,
        skipped_recent=recent,
        no_reporter=nobody,
        skipped_scheduled=scheduled,
    )


def remind_month(env: Env, actor: Actor, code: str, now: datetime) -> Month:
    """The month a /remind confirmation button was made for: only this month's still counts."""
    actor.require_scope()
    if code != str(current_month(env, now)):
        raise UserError("stale_button")
    return current_month(env, now)


async def exempt(
    env: Env, actor: Actor, name: str, month: Month, reason: str, now: datetime
) -> str:
    scope = actor.require_scope()
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("exempt_usage")
    async with env.db.transaction() as tx:
        branch = await resolve_in_scope(tx, scope, name)
        await reports.set_exemption(tx, branch.id, str(month), reason[:200], actor.user_id, now)
        await meta.audit(tx, "exempted", now, actor.user_id, branch.id, f"{month} {reason[:200]}")
        return branch.name


async def unexempt(env: Env, actor: Actor, name: str, month: Month, now: datetime) -> str:
    scope = actor.require_scope()
    async with env.db.transaction() as tx:
        branch = await resolve_in_scope(tx, scope, name)
        if not await reports.delete_exemption(tx, branch.id, str(month)):
            raise UserError("not_exempt", branch=branch.name, month=str(month))
        await meta.audit(tx, "unexempted", now, actor.user_id, branch.id, str(month))
        return branch.name


@dataclass(frozen=True)
class Schedule:
    month: Month
    due_on: date
    nominal_due: date
    stages: list[Stage]
    circular_at: datetime
    circular_posted: bool


async def schedule(env: Env, actor: Actor, now: datetime) -> Schedule:
    actor.require_scope()  # the dates are everyone's; a 总支 reads them too
    month = current_month(env, now)
    async with env.db.transaction() as tx:
        cycle = await cycle_for(env, tx, month, now)
        circ = await circulars.get_circular(tx, str(month))
    nominal = nominal_due(env, month)
    return Schedule(
        month=month,
        due_on=cycle.due_on,
        nominal_due=nominal,
        stages=plan_stages(env, cycle.due_on),
        circular_at=circular_time(env, cycle.due_on),
        circular_posted=circ is not None and circ.posted_at is not None,
    )


@dataclass(frozen=True)
class CircularView:
    messages: list[str]
    posted_at: datetime | None  # when it was posted; None: a preview, not posted yet


async def circular_preview(env: Env, actor: Actor, month: Month, now: datetime) -> CircularView:
    """The month's circular: as posted (its stored text) once it was, else as it would be.
    A 总支's: its own circular, as it would be built now (docs/tree.md)."""
    scope = actor.require_scope()
    if not scope.whole:
        async with env.db.reading() as tx:
            if scope.general is not None:  # one 总支's, as `/circular post` posts it
                scope = await scope_of_general(tx, scope.general.id)
            model = await circular_mod.build(env, tx, month, now, scope=scope)
        return CircularView(circular_mod.chat_messages(model), None)
    async with env.db.transaction() as tx:
        saved = await circulars.get_circular(tx, str(month))
        if saved is not None:
            return CircularView(circular_mod.stored_messages(saved), saved.posted_at)
        model = await circular_mod.build(env, tx, month, now)
        return CircularView(circular_mod.chat_messages(model), None)


async def post_circular(env: Env, actor: Actor, month: Month, now: datetime) -> tuple[bool, int]:
    """Post the month's circular now; returns (already posted before, parts queued).
    From a 总支: its own circular, into its own group."""
    scope = actor.require_scope()
    if not scope.whole:
        async with env.db.transaction() as tx:
            if month != current_month(env, now) and await reports.get_cycle(tx, str(month)) is None:
                raise UserError("no_cycle", month=str(month))
            return await general.post(env, tx, scope, month, now)
    async with env.db.transaction() as tx:
        if await coordination_chat(env, tx) is None:
            raise UserError("no_coordination_chat")
        if month != current_month(env, now) and await reports.get_cycle(tx, str(month)) is None:
            raise UserError("no_cycle", month=str(month))  # zhibu did not run that month
        cycle = await peek_cycle(env, tx, month)
        if not rules.is_overdue(cycle.due_on, now, env.cfg.tz):
            # A circular is kept as posted: published before the deadline it
            # would name branches "未报送" that still have time.
            raise UserError("circular_too_early", due=date_label(env.cfg.language, cycle.due_on))
        saved = await circulars.get_circular(tx, str(month))
        if saved is None:
            parts = await _build_and_save(env, tx, month, now)
            await meta.audit(tx, "circular_built", now, actor.user_id, None, str(month))
        else:
            parts = circular_mod.stored_messages(saved)
        queued = await enqueue_circular(env, tx, month, parts, now)
        return queued == 0, queued


# ------------------------------------------------------------ command arguments
# Who may ask is checked first, then the arguments are read, so a user who may
# not use the command is told so whatever they typed.

CIRCULAR_POST_WORDS = frozenset({"post", "发布", "發布"})


@dataclass(frozen=True)
class CircularRequest:
    month: Month
    post: bool


def circular_request(env: Env, actor: Actor, args: list[str], now: datetime) -> CircularRequest:
    """`/circular [post] [2026-10]`: which month (begun already), and whether to post it."""
    actor.require_scope()
    post = bool(args) and args[0].lower() in CIRCULAR_POST_WORDS
    rest = args[1:] if post else args
    now_month = current_month(env, now)
    month = months.not_in_future(months.parse_month(rest[0]), now_month) if rest else now_month
    return CircularRequest(month=month, post=post)


def exemption_args(
    env: Env, actor: Actor, args: list[str], usage: str, now: datetime
) -> tuple[str, Month, str]:
    """`/exempt 支部名 [2026-11] 理由`, `/unexempt 支部名 [2026-11]` → (name, month, reason).

    Without a month it is this month.
    """
    actor.require_scope()
    return months.name_month(
        args, usage, current_month(env, now), with_reason=usage == "exempt_usage"
    )
