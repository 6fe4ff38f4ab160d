"""Monthly reports: asking, receiving, revising, evidence, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import rules
from bot.calendar import Month, end_of
from bot.models import Attachment, Branch, Membership, Pending, Report, Revision
from bot.services import approval
from bot.services.base import Actor, Env, UserError, current_month, cycle_for
from bot.services.fmt import month_label
from storage import branches, meta
from storage import forms as form_store
from storage import reports as report_store
from storage.db import Tx

PENDING_REPORT = "report"
PENDING_CHOICE = "choose_month"
# Text typed with no question open: held until the person says what it is.
PENDING_TYPED = "typed"
# A question left unanswered this long lapses: text sent a month later must not
# become a revision of last month's report.
PENDING_TTL = timedelta(hours=12)


@dataclass(frozen=True)
class Target:
    """What a report would be for: a branch, a month and its due date."""

    branch: Branch
    month: Month
    due_on: date
    existing: Report | None


@dataclass(frozen=True)
class Submitted:
    report: Report
    branch: Branch
    created: bool
    due_on: date
    in_review: bool = False  # 审核: it went to its 总支's secretary first


@dataclass(frozen=True)
class HeldForForm:
    """Text typed while asked "which month?", for a month that has a report form:
    the question is closed and the text goes to the form (handlers/forms.py `route`)."""

    branch: Branch
    month: Month
    text: str


@dataclass(frozen=True)
class Attached:
    branch: Branch
    month: Month
    added: bool
    report: Report | None
    count: int  # evidence files for this branch and month, this one included
    submitted: Submitted | None = None  # the caption became the month's report


def clean_report_text(env: Env, raw: str | None) -> str:
    text = (raw or "").strip()
    if not text:
        raise UserError("report_empty")
    if len(text) > env.cfg.report_max_chars:
        raise UserError("report_too_long", length=len(text), max=env.cfg.report_max_chars)
    return text


def _reporter_branches(actor: Actor) -> list[Membership]:
    if not actor.reporting:
        raise UserError("not_a_secretary")
    return actor.reporting


async def _target(env: Env, tx: Tx, branch: Branch, month: Month, now: datetime) -> Target:
    cycle = await cycle_for(env, tx, month, now)
    return Target(
        branch=branch,
        month=month,
        due_on=cycle.due_on,
        existing=await report_store.get_report(tx, branch.id, str(month)),
    )


@dataclass(frozen=True)
class MonthChoice:
    """Last month's report is still missing: report for it (补报) or for this month?"""

    branch: Branch
    missing: Month
    current: Month
    held_chars: int = 0  # text already typed and kept until a month is chosen


async def _owes(env: Env, tx: Tx, branch: Branch, month: Month) -> bool:
    """Whether the branch was expected to report for `month` and has not."""
    if await report_store.get_cycle(tx, str(month)) is None:
        return False  # the bot was not running then: nothing was asked
    if branch.created_at >= end_of(month.last_day, env.cfg.tz):
        return False
    if await report_store.get_report(tx, branch.id, str(month)) is not None:
        return False
    return branch.id not in await report_store.exemptions_for_month(tx, str(month))


async def begin(
    env: Env,
    actor: Actor,
    now: datetime,
    branch_id: int | None = None,
    month: Month | None = None,
) -> Target | list[Branch] | MonthChoice | Submitted | TypedChoice | HeldForForm:
    """Start `/report`: the target, the branches to choose from, or a choice of month.

    When the month is chosen after the secretary already typed the report
    (held while asking), the report is stored at once and `Submitted` returned.
    """
    members = _reporter_branches(actor)
    if branch_id is None and month is None:
        typed = await typed_question(env, actor, now)
        if typed is not None:  # text is waiting for its answer: ask that first
            return typed
    if branch_id is None and len(members) > 1:
        return [m.branch for m in members]
    membership = members[0] if branch_id is None else actor.require_member(branch_id)
    current = current_month(env, now)
    if month is not None and month not in (current, current.prev()):
        raise UserError("stale_button")
    async with env.db.transaction(quick=True) as tx:
        held = await _held_text(tx, actor, membership.branch.id, now) if month else None
        if month is None:
            if await _owes(env, tx, membership.branch, current.prev()):
                await report_store.set_pending(
                    tx, actor.user_id, PENDING_CHOICE, membership.branch.id, None, now
                )
                return MonthChoice(
                    branch=membership.branch, missing=current.prev(), current=current
                )
            month = current
        if held is not None and await form_store.uses_form(tx, str(month)):
            await report_store.clear_pending(tx, actor.user_id)
            return HeldForForm(membership.branch, month, held)
        if held is not None:
            return await store_text(env, tx, actor, membership, month, held, now)
        target = await _target(env, tx, membership.branch, month, now)
        await report_store.set_pending(
            tx, actor.user_id, PENDING_REPORT, target.branch.id, str(month), now
        )
        return target


async def remember_prompt(
    env: Env, chat_id: int, message_id: int, branch_id: int, month: str
) -> None:
    async with env.db.transaction(quick=True) as tx:
        await report_store.add_prompt(tx, chat_id, message_id, branch_id, month)


async def cancel(env: Env, actor: Actor) -> bool:
    async with env.db.transaction(quick=True) as tx:
        return await report_store.clear_pending(tx, actor.user_id)


@dataclass(frozen=True)
class TypedOption:
    branch: Branch
    month: Month
    existing: bool  # the month has a report already: filing it makes a revision


@dataclass(frozen=True)
class TypedChoice:
    """Text typed straight into the chat, held until the person taps what it is."""

    options: list[TypedOption]
    chars: int
    again: bool  # the question was already open (more text appended, or asked again)


async def _typed_options(env: Env, tx: Tx, actor: Actor, now: datetime) -> list[TypedOption]:
    current = current_month(env, now)
    options: list[TypedOption] = []
    for m in actor.reporting:
        existing = await report_store.get_report(tx, m.branch.id, str(current))
        options.append(TypedOption(m.branch, current, existing is not None))
        if await _owes(env, tx, m.branch, current.prev()):
            options.append(TypedOption(m.branch, current.prev(), False))
    return options


async def hold_typed(
    env: Env, actor: Actor, raw_text: str | None, now: datetime
) -> TypedChoice | None:
    """A secretary typed text with no question open: keep it (durably) and ask what it is.

    A second message while the question is open is appended to the held text.
    None for someone who reports for no branch (they get the usual hint).
    """
    if not actor.reporting:
        return None
    piece = clean_report_text(env, raw_text)
    async with env.db.transaction(quick=True) as tx:
        pending = _open(await report_store.get_pending(tx, actor.user_id), PENDING_TYPED, now)
        if pending is not None and pending.held_text:
            held = clean_report_text(env, f"{pending.held_text}\n{piece}")
        else:
            first = actor.reporting[0].branch.id
            await report_store.set_pending(tx, actor.user_id, PENDING_TYPED, first, None, now)
            held = piece
        await report_store.hold_text(tx, actor.user_id, held, now)
        options = await _typed_options(env, tx, actor, now)
    return TypedChoice(options=options, chars=len(held), again=pending is not None)


async def typed_question(env: Env, actor: Actor, now: datetime) -> TypedChoice | None:
    """The open "is this a report?" question, if any."""
    async with env.db.reading(quick=True) as tx:
        pending = _open(await report_store.get_pending(tx, actor.user_id), PENDING_TYPED, now)
        if pending is None or not pending.held_text:
            return None
        options = await _typed_options(env, tx, actor, now)
    return TypedChoice(options=options, chars=len(pending.held_text), again=True)


async def file_typed(
    env: Env, actor: Actor, branch_id: int, month: Month, now: datetime
) -> Submitted:
    """The person tapped «branch, month»: the held text becomes that report."""
    membership = actor.require_member(branch_id)
    current = current_month(env, now)
    if month not in (current, current.prev()):
        raise UserError("stale_button")
    async with env.db.transaction(quick=True) as tx:
        pending = _open(await report_store.get_pending(tx, actor.user_id), PENDING_TYPED, now)
        if pending is None or not pending.held_text:
            raise UserError("typed_gone")
        return await store_text(env, tx, actor, membership, month, pending.held_text, now)


async def discard_typed(env: Env, actor: Actor) -> bool:
    """«Not a report»: drop the held text; False when nothing was held."""
    async with env.db.transaction(quick=True) as tx:
        pending = await report_store.get_pending(tx, actor.user_id)
        if pending is None or pending.kind != PENDING_TYPED:
            return False
        return await report_store.clear_pending(tx, actor.user_id)


def _open(pending: Pending | None, kind: str, now: datetime) -> Pending | None:
    """The question if it is of this kind, names a branch, and has not lapsed."""
    if pending is None or pending.kind != kind or pending.branch_id is None:
        return None
    return None if now - pending.created_at > PENDING_TTL else pending


async def _held_text(tx: Tx, actor: Actor, branch_id: int, now: datetime) -> str | None:
    pending = _open(await report_store.get_pending(tx, actor.user_id), PENDING_CHOICE, now)
    return pending.held_text if pending and pending.branch_id == branch_id else None


async def hold_for_choice(
    env: Env, actor: Actor, raw_text: str | None, now: datetime
) -> MonthChoice | None:
    """Text typed while asked "which month?": keep it and ask again; None if not asked."""
    async with env.db.transaction(quick=True) as tx:
        pending = _open(await report_store.get_pending(tx, actor.user_id), PENDING_CHOICE, now)
        if pending is None or pending.branch_id is None:
            return None
        membership = actor.require_member(pending.branch_id)
        # A report typed in several messages is kept whole, in order.
        piece = clean_report_text(env, raw_text)
        held = f"{pending.held_text}\n{piece}" if pending.held_text else piece
        held = clean_report_text(env, held)  # the whole must still fit the limit
        await report_store.hold_text(tx, actor.user_id, held, now)
    current = current_month(env, now)
    return MonthChoice(
        branch=membership.branch, missing=current.prev(), current=current, held_chars=len(held)
    )


async def pending_choice(env: Env, actor: Actor, now: datetime) -> MonthChoice | None:
    """The open "which month?" question, if any (photos wait for the answer)."""
    async with env.db.reading(quick=True) as tx:
        pending = _open(await report_store.get_pending(tx, actor.user_id), PENDING_CHOICE, now)
    if pending is None or pending.branch_id is None:
        return None
    membership = actor.require_member(pending.branch_id)
    current = current_month(env, now)
    return MonthChoice(branch=membership.branch, missing=current.prev(), current=current)


async def pending_kind(env: Env, actor: Actor) -> str | None:
    """The kind of question this person was asked last (a reason, a comment…), if any:
    read once per message, so the questions not asked are not each read again."""
    async with env.db.reading(quick=True) as tx:
        pending = await report_store.get_pending(tx, actor.user_id)
    return None if pending is None else pending.kind


async def pending_target(env: Env, actor: Actor, now: datetime) -> tuple[int, Month] | None:
    """The (branch, month) the user was asked to report for, if still a member and recent."""
    async with env.db.reading(quick=True) as tx:
        pending = _open(await report_store.get_pending(tx, actor.user_id), PENDING_REPORT, now)
    if pending is None or pending.branch_id is None or pending.month is None:
        return None
    if actor.member_of(pending.branch_id) is None:
        return None
    return pending.branch_id, Month.parse(pending.month)


async def reply_target(
    env: Env, actor: Actor, chat_id: int, message_id: int
) -> tuple[int, Month] | None:
    """The (branch, month) a bot message asked about, for replies to it.

    A reminder in this person's own chat that they no longer report for (换届):
    they are told who took over and that nothing was filed.
    """
    async with env.db.reading(quick=True) as tx:
        found = await report_store.find_prompt(tx, chat_id, message_id)
        if found is None:
            return None
        branch_id, month = found[0], Month.parse(found[1])
        if chat_id != actor.user_id or actor.member_of(branch_id) is not None:
            return branch_id, month
        view = await branches.branch_view(tx, branch_id)
    if view is None:
        raise UserError("denied_branch")
    successor = view.secretary
    if successor is not None and successor.user_id != actor.user_id:
        raise UserError(
            "reply_handed_over",
            branch=view.branch.name,
            month=month_label(actor.lang, month),
            name=successor.display_name,
        )
    raise UserError(
        "reply_not_member", branch=view.branch.name, month=month_label(actor.lang, month)
    )


async def submit(
    env: Env, actor: Actor, branch_id: int, month: Month, raw_text: str | None, now: datetime
) -> Submitted:
    """Store a report (or a revision) and clear the pending question. Committed before any reply."""
    membership = actor.require_member(branch_id)
    text = clean_report_text(env, raw_text)
    async with env.db.transaction(quick=True) as tx:
        return await store_text(env, tx, actor, membership, month, text, now)


async def store_text(
    env: Env,
    tx: Tx,
    actor: Actor,
    membership: Membership,
    month: Month,
    text: str,
    now: datetime,
) -> Submitted:
    """Store `text` as the month's report (or its revision) inside the caller's
    transaction: every way a report arrives (typed, held, a reply, a form) ends here."""
    branch_id = membership.branch.id
    # Runs inside the caller's transaction: stored before anything is acknowledged.
    cycle = await cycle_for(env, tx, month, now)
    existing = await report_store.get_report(tx, branch_id, str(month))
    if existing is None:
        late = rules.is_overdue(cycle.due_on, now, env.cfg.tz)
        report = await report_store.insert_report(
            tx, branch_id, str(month), actor.user_id, text, now, late
        )
        await meta.audit(
            tx,
            "report_submitted",
            now,
            actor.user_id,
            branch_id,
            f"{month} {'late' if late else 'on time'} {len(text)}",
        )
    elif existing.text == text and existing.author_id == actor.user_id:
        # The same words again: no new revision. It is what a crash in the middle of the
        # handler looks like when the inbox hands the update over a second time.
        report = existing
    else:
        report = await report_store.revise_report(tx, existing.id, actor.user_id, text, now)
        await meta.audit(
            tx,
            "report_revised",
            now,
            actor.user_id,
            branch_id,
            f"{month} r{report.revisions} {len(text)}",
        )
    await report_store.clear_pending(tx, actor.user_id)
    # 审核: under a 总支 that reviews, the report waits for its secretary (counted as sent).
    in_review = await approval.on_stored(env, tx, report, membership.branch, now)
    return Submitted(
        report=report,
        branch=membership.branch,
        created=existing is None or (existing is report and report.revisions == 1),
        due_on=cycle.due_on,
        in_review=in_review,
    )


async def attach(
    env: Env,
    actor: Actor,
    branch_id: int,
    month: Month,
    kind: str,
    file_id: str,
    file_unique_id: str,
    file_name: str | None,
    caption: str | None,
    now: datetime,
) -> Attached:
    """Keep a photo or file as evidence. On the month's first message, a caption is
    the report itself: it is checked before anything is stored, and the file and
    the report are stored together."""
    membership = actor.require_member(branch_id)
    async with env.db.transaction(quick=True) as tx:
        await cycle_for(env, tx, month, now)
        existing = await report_store.get_report(tx, branch_id, str(month))
        as_report = None
        with_form = await form_store.uses_form(tx, str(month))
        if existing is None and caption and caption.strip() and not with_form:
            as_report = clean_report_text(env, caption)  # raises before storing anything
        added = await report_store.add_attachment(
            tx,
            branch_id,
            str(month),
            kind,
            file_id,
            file_unique_id,
            file_name,
            (caption or "").strip()[: env.cfg.report_max_chars] or None,
            actor.user_id,
            now,
        )
        if added:
            await meta.audit(
                tx, "attachment_added", now, actor.user_id, branch_id, f"{month} {kind}"
            )
        submitted = None
        if as_report is not None:
            submitted = await store_text(env, tx, actor, membership, month, as_report, now)
        count = len(await report_store.attachments(tx, branch_id, str(month)))
        return Attached(
            branch=membership.branch,
            month=month,
            added=added,
            report=submitted.report if submitted else existing,
            count=count,
            submitted=submitted,
        )


async def default_target(env: Env, actor: Actor, now: datetime) -> tuple[int, Month] | None:
    """For evidence sent without context: the only branch, this month."""
    if len(actor.reporting) != 1:
        return None
    return actor.reporting[0].branch.id, current_month(env, now)


async def start_revision(env: Env, actor: Actor, report_id: int, now: datetime) -> Target:
    async with env.db.transaction(quick=True) as tx:
        report = await report_store.get_report_by_id(tx, report_id)
        if report is None:
            raise UserError("stale_button")
        membership = actor.require_member(report.branch_id)
        month = Month.parse(report.month)
        target = await _target(env, tx, membership.branch, month, now)
        await report_store.set_pending(
            tx, actor.user_id, PENDING_REPORT, report.branch_id, report.month, now
        )
        return target


@dataclass(frozen=True)
class ReportDetail:
    report: Report
    branch: Branch
    revisions: list[Revision]
    attachments: list[Attachment]
    due_on: date


async def detail(env: Env, actor: Actor, report_id: int) -> ReportDetail:
    async with env.db.reading(quick=True) as tx:
        report = await report_store.get_report_by_id(tx, report_id)
        if report is None:
            raise UserError("stale_button")
        if (
            not actor.coordinates
            and actor.member_of(report.branch_id) is None
            and not actor.governs(report.branch_id)  # a 总支's secretary reads its units'
        ):
            raise UserError("denied_branch")
        branch = await branches.get_branch(tx, report.branch_id)
        assert branch is not None
        cycle = await report_store.get_cycle(tx, report.month)
        return ReportDetail(
            report=report,
            branch=branch,
            revisions=await report_store.revisions(tx, report.id),
            attachments=await report_store.attachments(tx, report.branch_id, report.month),
            due_on=cycle.due_on if cycle else Month.parse(report.month).last_day,
        )


async def history(env: Env, actor: Actor) -> list[tuple[Branch, list[Report]]]:
    members = _reporter_branches(actor)
    async with env.db.reading() as tx:
        return [(m.branch, await report_store.reports_for_branch(tx, m.branch.id)) for m in members]


async def toggle_highlight(
    env: Env, actor: Actor, report_id: int, now: datetime
) -> tuple[Report, bool]:
    """Mark a report as a highlight for the circular (or unmark it); a 总支's secretary
    only a report of its own units (docs/tree.md)."""
    scope = actor.require_scope()
    async with env.db.transaction(quick=True) as tx:
        report = await report_store.get_report_by_id(tx, report_id)
        if report is None:
            raise UserError("stale_button")
        if not scope.covers(report.branch_id):
            raise UserError("denied_outside")
        on = report.highlighted_by is None
        await report_store.set_highlight(tx, report_id, actor.user_id if on else None)
        await meta.audit(
            tx,
            "highlight_set" if on else "highlight_cleared",
            now,
            actor.user_id,
            report.branch_id,
            report.month,
        )
        updated = await report_store.get_report_by_id(tx, report_id)
        assert updated is not None
        return updated, on
