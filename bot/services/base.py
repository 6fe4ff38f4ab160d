"""What every service needs: the database, the settings, the actor, errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot import rules
from bot.calendar import Month
from bot.i18n import CATALOGS, language_for
from bot.models import Cycle, Membership, Role, User
from bot.settings import Settings
from storage import branches, meta, people, reports
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
class Actor:
    """Who is acting, with every role they hold, resolved on the server side."""

    user: User
    lang: str
    is_admin: bool
    is_coordinator: bool
    memberships: list[Membership] = field(default_factory=list)

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
    def reports(self) -> bool:
        return bool(self.memberships)

    def member_of(self, branch_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.branch.id == branch_id), None)

    def require_coordinator(self) -> None:
        if not self.coordinates:
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
    async with env.db.reading() as tx:
        known = await people.get_user(tx, who.user_id)
        if known is not None and _unchanged(known, who):
            return await _actor(env, tx, who.user_id, known)
    async with env.db.transaction() as tx:
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
    async with env.db.reading() as tx:
        if await people.get_user(tx, user_id) is None:
            return None
        return await _actor(env, tx, user_id)


async def _actor(env: Env, tx: Tx, user_id: int, user: User | None = None) -> Actor:
    """The user's roles; `user` when the caller has just read it in `tx`."""
    if user is None:
        user = await people.get_user(tx, user_id)
    assert user is not None
    return Actor(
        user=user,
        lang=language_for(user.language, env.cfg.language),
        is_admin=env.cfg.is_admin(user_id),
        is_coordinator=await people.is_coordinator(tx, user_id),
        memberships=await branches.memberships(tx, user_id),
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
