"""Where a month stands: who reported on time, late, not at all, who is exempt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot import rules
from bot.calendar import Month
from bot.models import Branch, BranchView, Exemption, OutboxItem, Report, User
from bot.rules import State as State
from bot.services import months, plans
from bot.services.base import COMMITTEE, Actor, Env, Scope, UserError, nominal_due, peek_cycle
from bot.services.tree import resolve_in_scope
from storage import branches, outbox
from storage import reports as report_store
from storage.db import Tx


@dataclass(frozen=True)
class Line:
    view: BranchView
    state: State
    report: Report | None
    exemption: Exemption | None
    attachments: int

    @property
    def branch(self) -> Branch:
        return self.view.branch

    @property
    def unreachable(self) -> list[User]:
        return [u for u in self.view.reporters if not u.reachable]


@dataclass(frozen=True)
class MonthSummary:
    month: Month
    due_on: date
    nominal_due: date  # before the working-day rule
    overdue: bool  # the due day has passed
    lines: list[Line]
    failures: list[OutboxItem] = field(default_factory=list)
    scope: Scope = COMMITTEE  # whose units these are: the committee's, or one 总支's

    def having(self, *states: State) -> list[Line]:
        return [ln for ln in self.lines if ln.state in states]

    @property
    def expected(self) -> int:
        return len(self.lines) - len(self.having(State.EXEMPT))

    @property
    def reported(self) -> int:
        return len(self.having(State.ON_TIME, State.LATE))

    @property
    def without_secretary(self) -> list[Line]:
        """Branches still to report that nobody can be reminded for."""
        return [
            ln
            for ln in self.lines
            if ln.view.secretary is None and ln.state in (State.WAITING, State.MISSING)
        ]

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 1.0

    @property
    def todo(self) -> list[Line]:
        """Branches still to report: before the due day waiting, after it missing."""
        return self.having(State.WAITING, State.MISSING)

    def only(self, which: Only) -> list[Line]:
        """The lines `/status <filter>` shows."""
        if which is Only.ALL:
            return self.lines
        if which is Only.NO_SECRETARY:
            return self.without_secretary
        return self.having(*ONLY_STATES[which])


class Only(StrEnum):
    """Which branches `/status <filter>` lists (the value is its code in buttons)."""

    ALL = "all"
    TODO = "todo"  # 未报 / 待报: not reported yet
    LATE = "late"  # 迟报
    ON_TIME = "ontime"  # 按时
    EXEMPT = "exempt"  # 免报
    NO_SECRETARY = "nosec"  # 无书记


ONLY_STATES: dict[Only, tuple[State, ...]] = {
    Only.TODO: (State.WAITING, State.MISSING),
    Only.LATE: (State.LATE,),
    Only.ON_TIME: (State.ON_TIME,),
    Only.EXEMPT: (State.EXEMPT,),
}

# The words after /status that pick a filter (simplified, traditional, English).
ONLY_WORDS: dict[str, Only] = {
    **dict.fromkeys(("未报", "未報", "待报", "待報", "missing", "waiting", "todo"), Only.TODO),
    **dict.fromkeys(("迟报", "遲報", "late"), Only.LATE),
    **dict.fromkeys(("按时", "按時", "ontime", "on-time"), Only.ON_TIME),
    **dict.fromkeys(("免报", "免報", "exempt"), Only.EXEMPT),
    **dict.fromkeys(
        ("无书记", "無書記", "nosecretary", "no-secretary", "no_secretary", "nosec"),
        Only.NO_SECRETARY,
    ),
}


async def summarize(
    env: Env,
    tx: Tx,
    month: Month,
    now: datetime,
    with_failures: bool = True,
    scope: Scope = COMMITTEE,
) -> MonthSummary:
    """The month for the units of `scope` that owe a report (a 总支 that only gathers
    its 支部 owes none: docs/tree.md)."""
    cycle = await peek_cycle(env, tx, month)
    tz = env.cfg.tz
    views = await branches.branch_views(tx)
    for branch in await branches.archived_branches(tx):
        views.append(BranchView(branch=branch))  # archived: history still counts it
    reports = {r.branch_id: r for r in await report_store.reports_for_month(tx, str(month))}
    exemptions = await report_store.exemptions_for_month(tx, str(month))
    counts = await report_store.attachment_counts(tx, str(month))
    lines: list[Line] = []
    for view in sorted(views, key=lambda v: v.branch.id):
        b = view.branch
        if not b.reports or not scope.covers(b.id):
            continue
        report = reports.get(b.id)
        exemption = exemptions.get(b.id)
        state = rules.branch_month_state(
            b,
            month,
            reported_late=None if report is None else report.late,
            exempt=exemption is not None,
            due_on=cycle.due_on,
            now=now,
            tz=tz,
        )
        if state is None:
            continue
        lines.append(Line(view, state, report, exemption, counts.get(b.id, 0)))
    failures: list[OutboxItem] = []
    if with_failures:
        since = datetime.combine(month.first_day, datetime.min.time(), tz)
        failed = await outbox.failed_outbox(tx, since)
        failures = [
            f
            for f in failed
            if f.month in (None, str(month)) and (f.branch_id is None or scope.covers(f.branch_id))
        ]
        if not scope.whole:  # a 总支 sees its own units' failures only
            failures = [f for f in failures if f.branch_id is not None]
    return MonthSummary(
        month=month,
        due_on=cycle.due_on,
        nominal_due=nominal_due(env, month),
        overdue=rules.is_overdue(cycle.due_on, now, tz),
        lines=lines,
        failures=failures,
        scope=scope,
    )


async def month_status(env: Env, actor: Actor, month: Month, now: datetime) -> MonthSummary:
    """/status: the month for the units the actor coordinates (a 总支: its subtree)."""
    scope = actor.require_scope()
    async with env.db.reading() as tx:
        return await summarize(env, tx, month, now, scope=scope)


@dataclass(frozen=True)
class BranchStatus:
    view: BranchView
    latest: Report | None
    revisions: int
    attachments: int
    due_on: date | None
    overdue_tasks: list[plans.TaskState]


async def branch_status(env: Env, actor: Actor, name: str, now: datetime) -> BranchStatus:
    scope = actor.require_scope()
    async with env.db.reading() as tx:
        branch = await resolve_in_scope(tx, scope, name)
        view = await branches.branch_view(tx, branch.id)
        assert view is not None
        reports = await report_store.reports_for_branch(tx, branch.id, limit=1)
        latest = reports[0] if reports else None
        attachments = (
            len(await report_store.attachments(tx, branch.id, latest.month)) if latest else 0
        )
        cycle = await report_store.get_cycle(tx, latest.month) if latest else None
        today = now.astimezone(env.cfg.tz).date()
        return BranchStatus(
            view=view,
            latest=latest,
            revisions=latest.revisions if latest else 0,
            attachments=attachments,
            due_on=cycle.due_on if cycle else None,
            overdue_tasks=await plans.overdue_tasks(env, tx, branch, today),
        )


@dataclass(frozen=True)
class StatusQuery:
    """`/status [filter] [month]`: which month, and which branches of it."""

    month: Month
    only: Only = Only.ALL


def status_target(actor: Actor, arg: str, now_month: Month) -> StatusQuery | str:
    """What `/status [arg]` asks about: a month (default: this one), optionally only
    the branches of one state (`/status 未报`, `/status late 2026-10`), or a branch's name."""
    actor.require_scope()
    words = arg.replace("no secretary", "nosecretary").split()
    only = Only.ALL
    for i, word in enumerate(words):
        if word.lower() in ONLY_WORDS and len(words) <= 2:
            only = ONLY_WORDS[word.lower()]
            words = words[:i] + words[i + 1 :]
            break
    rest = " ".join(words)
    if not rest:
        return StatusQuery(now_month, only)
    month = months.month_or_name(rest)
    if month is None:
        if only is not Only.ALL:
            months.parse_month(rest)  # `/status 未报 xyz`: xyz must be a month
        return arg
    return StatusQuery(months.not_in_future(month, now_month), only)


def button_month(actor: Actor, code: str, now_month: Month) -> Month:
    """The month a /status button was made for; a forged one is refused."""
    actor.require_scope()
    try:
        month = Month.parse(code)
    except ValueError:
        raise UserError("bad_button") from None
    if month > now_month:
        raise UserError("bad_button")
    return month


def parse_only(code: str) -> Only:
    """A filter code from a button; anything else is a forged or stale button."""
    try:
        return Only(code)
    except ValueError:
        raise UserError("bad_button") from None
