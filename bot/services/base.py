"""What every service needs: the database, the settings, the actor, errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot import rules
from bot.calendar import Month
from bot.i18n import CATALOGS, language_for
from bot.models import Branch, Cycle, Membership, Role, User
from bot.settings import Settings
from storage import branches, meta, people, reports
from storage import tree as tree_store
from storage.db import Database, Tx

COORDINATION_CHAT_KEY = "coordination_chat_id"
BOT_USERNAME_KEY = "bot_username"


class UserError(Exception):
    """A mistake or a refusal the user should read, as a catalog key and parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Env:
    db: Database
    cfg: Settings


@dataclass(frozen=True)
class Scope:
    """The units a coordinating actor sees and acts on here (docs/tree.md).

    The committee's coordinators: every unit (`general` None, `ids` None). A
    党总支's secretary or deputy, and anyone acting in a 总支's own group: that
    总支 and every unit under it (`ids`), named after the 总支 (`general`).
    Services filter by `covers`; nothing outside is shown or changed.
    """

    general: Branch | None = None
    ids: frozenset[int] | None = None

    @property
    def whole(self) -> bool:
        """The committee's scope: every unit."""
        return self.ids is None

    def covers(self, branch_id: int) -> bool:
        return self.ids is None or branch_id in self.ids


COMMITTEE = Scope()


@dataclass(frozen=True)
class Focus:
    """The chat an update came from, when it is a 总支's own group: that 总支 and its subtree."""

    general: Branch
    ids: frozenset[int]


@dataclass(frozen=True)
class Actor:
    """Who is acting, with every role they hold, resolved on the server side.

    `generals`: for each 党总支 the actor is secretary or deputy of, its subtree
    (the 总支 and every unit under it): the role "总支书记". `focus` and
    `in_committee_group` say where the update came from (set by the handlers'
    entry, `handlers.common.make_ctx`): a 总支's group restricts even a committee
    coordinator to that 总支, and the committee's group is the committee's.
    """

    user: User
    lang: str
    is_admin: bool
    is_coordinator: bool
    memberships: list[Membership] = field(default_factory=list)
    generals: dict[int, frozenset[int]] = field(default_factory=dict)
    focus: Focus | None = None
    in_committee_group: bool = False

    @property
    def user_id(self) -> int:
        return self.user.user_id

    @property
    def role(self) -> Role:
        if self.is_admin:
            return Role.ADMIN
        if self.is_coordinator:
            return Role.COORDINATOR
        if self.memberships:
            return Role(self.memberships[0].role.value)
        return Role.STRANGER

    @property
    def coordinates(self) -> bool:
        return self.is_admin or self.is_coordinator

    @property
    def reporting(self) -> list[Membership]:
        """The memberships of units that owe a monthly report (not a 总支 that only
        gathers its 支部, docs/tree.md): what /report, typed text and reminders offer."""
        return [m for m in self.memberships if m.branch.reports]

    @property
    def reports(self) -> bool:
        return bool(self.reporting)

    def member_of(self, branch_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.branch.id == branch_id), None)

    @property
    def leads_general(self) -> bool:
        """The secretary or deputy of a 党总支 (the role "总支书记")."""
        return bool(self.generals)

    def require_coordinator(self) -> None:
        """The committee's own work: a coordinator, and not from a 总支's group (where
        even a coordinator acts for that 总支 only, through `require_scope`)."""
        if not self.coordinates or self.focus is not None:
            raise UserError("denied")

    def governs(self, branch_id: int) -> bool:
        """Whether `branch_id` is inside a 总支 this actor leads."""
        return any(branch_id in ids for ids in self.generals.values())

    def require_scope(self) -> Scope:
        """The units this actor coordinates here, or a refusal (checked before arguments).

        In the committee's group: the committee, for its coordinators only. In a
        总支's group: that 总支's subtree, for the committee's coordinators and for
        whoever leads that 总支 (or a 总支 above it). In private (or another group):
        a coordinator has the committee, a 总支 secretary the 总支('s) they lead.
        """
        if self.in_committee_group:
            if not self.coordinates:
                raise UserError("denied")
            return COMMITTEE
        if self.focus is not None:
            if self.coordinates or self.governs(self.focus.general.id):
                return Scope(self.focus.general, self.focus.ids)
            raise UserError("denied")
        if self.coordinates:
            return COMMITTEE
        if self.generals:
            led = [m.branch for m in self.memberships if m.branch.id in self.generals]
            ids = frozenset().union(*self.generals.values())
            return Scope(led[0] if led else None, ids)
        raise UserError("denied")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise UserError("denied_admin")

    def require_member(self, branch_id: int) -> Membership:
        membership = self.member_of(branch_id)
        if membership is None:
            raise UserError("denied_branch")
        return membership


@dataclass(frozen=True)
class TgUser:
    """The few fields of a Telegram user we keep."""

    user_id: int
    first_name: str = ""
    last_name: str = ""
    username: str | None = None
    language_code: str | None = None


async def identify(env: Env, who: TgUser, now: datetime) -> Actor:
    """Record the user and resolve their roles.

    Every update comes through here, so the common case (a known, reachable user
    whose Telegram profile has not changed) is one read, not a write transaction;
    the row is written only when something changed (`seen_at` then records when).
    """
    # Quick (storage/db.py): a few indexed rows, every update, on the loop's thread.
    async with env.db.reading(quick=True) as tx:
        found, held = await branches.user_and_memberships(tx, who.user_id)
        if found is not None and _unchanged(found[0], who):
            return await _actor(env, tx, who.user_id, *found, held=held)
    async with env.db.transaction(quick=True) as tx:
        await people.upsert_user(
            tx, who.user_id, who.first_name, who.last_name, who.username, who.language_code, now
        )
        return await _actor(env, tx, who.user_id)


def _unchanged(user: User, who: TgUser) -> bool:
    return user.reachable and (
        user.first_name,
        user.last_name,
        user.username,
        user.tg_language,
    ) == (who.first_name, who.last_name, who.username, who.language_code)


async def actor_of(env: Env, user_id: int) -> Actor | None:
    async with env.db.reading(quick=True) as tx:
        if await people.get_user(tx, user_id) is None:
            return None
        return await _actor(env, tx, user_id)


async def _actor(
    env: Env,
    tx: Tx,
    user_id: int,
    user: User | None = None,
    coordinator: bool | None = None,
    *,
    held: list[Membership] | None = None,
) -> Actor:
    """The user's roles; `user` (`coordinator`, `held`) when the caller has just read them
    in `tx`."""
    if user is None:
        user = await people.get_user(tx, user_id)
    assert user is not None
    if coordinator is None:
        coordinator = await people.is_coordinator(tx, user_id)
    if held is None:
        held = await branches.memberships(tx, user_id)
    generals: dict[int, frozenset[int]] = {}
    for m in held:  # a 总支's secretary or deputy: its subtree, one indexed query each
        if m.branch.is_general:
            generals[m.branch.id] = await tree_store.subtree_ids(tx, m.branch.id)
    return Actor(
        user=user,
        lang=language_for(user.language, env.cfg.language),
        is_admin=env.cfg.is_admin(user_id),
        is_coordinator=coordinator,
        memberships=held,
        generals=generals,
    )


async def coordination_chat(env: Env, tx: Tx) -> int | None:
    stored = await meta.kv_get(tx, COORDINATION_CHAT_KEY)
    if stored is not None:
        return int(stored)
    return env.cfg.coordination_chat_id


async def get_coordination_chat(env: Env) -> int | None:
    async with env.db.reading() as tx:
        return await coordination_chat(env, tx)


def current_month(env: Env, now: datetime) -> Month:
    return Month.of(now, env.cfg.tz)


def nominal_due(env: Env, month: Month) -> date:
    """The configured due day in `month`, before the working-day rule moves it."""
    return rules.nominal_due(month, env.cfg.due_day)


async def peek_cycle(env: Env, tx: Tx, month: Month) -> Cycle:
    """The month's cycle if it exists, else what it would be, without creating it.

    Looking at a month (/status 2020-01, a preview) must not create its cycle:
    an existing cycle means "this month was asked for", which runs of misses
    and the yearly review count.
    """
    existing = await reports.get_cycle(tx, str(month))
    if existing is not None:
        return existing
    return Cycle(month=str(month), due_on=_due(env, month))


async def cycle_for(env: Env, tx: Tx, month: Month, now: datetime) -> Cycle:
    """The month's cycle, created on first need with today's due-day rule.

    A cycle is created only for a month the committee has run in: never for a
    month that has not begun, nor for one before the committee started (see
    `committee_start`). An existing cycle is returned whatever its month.
    """
    existing = await reports.get_cycle(tx, str(month))
    if existing is not None:
        return existing
    current = current_month(env, now)
    if month > current:
        raise UserError("month_in_future", month=str(month))
    start = await committee_start(env, tx, now)
    if month < start:
        raise UserError("cycle_before_start", month=str(month), start=str(start))
    return await reports.ensure_cycle(tx, str(month), _due(env, month), now)


async def committee_start(env: Env, tx: Tx, now: datetime) -> Month:
    """The first month of the committee's reporting: its first cycle's month; before any
    cycle exists, the month its earliest branch was created; before that, this month.
    Never later than this month (a clock set back must not stop the current cycle)."""
    current = current_month(env, now)
    first = await reports.first_cycle_month(tx)
    if first is not None:
        return min(Month.parse(first), current)
    created = await branches.first_branch_created(tx)
    if created is None:
        return current
    return min(Month.of(created, env.cfg.tz), current)


def _due(env: Env, month: Month) -> date:
    """The due date a cycle created now for `month` gets (then fixed with the cycle)."""
    return rules.cycle_due(month, env.cfg.due_day, env.cfg.workdays)


def user_lang(env: Env, user: User | None) -> str:
    if user is None:
        return env.cfg.language
    return language_for(user.language, env.cfg.language)


async def set_reachability(env: Env, actor: Actor, reachable: bool) -> None:
    """The user blocked (False) or unblocked (True) the bot in their private chat."""
    async with env.db.transaction() as tx:
        await people.set_reachable(
            tx, actor.user_id, reachable, None if reachable else "blocked the bot"
        )


async def set_language(env: Env, actor: Actor, language: str) -> Actor:
    if language not in CATALOGS:
        raise UserError("bad_button")
    async with env.db.transaction() as tx:
        await people.set_user_language(tx, actor.user_id, language)
        return await _actor(env, tx, actor.user_id)
