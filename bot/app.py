"""The composition root: settings + database + handlers + clock → a running Application."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import inbox, lease
from bot.commands import COMMANDS
from bot.delivery import Drained, deliver_due, next_due
from bot.http import BoundedRequest
from bot.ratelimit import ZhibuRateLimiter, warn_if_paid_rate
from bot.services import engine, job_worker, onboarding
from bot.services import plans as plan_service
from bot.services.base import Env
from bot.settings import Settings
from bot.updates import ChatOrderedProcessor
from handlers import (
    approval,
    basic,
    buttons,
    coordination,
    forms,
    plans,
    records,
    reports,
    tree,
)
from handlers import engine as engine_handlers
from handlers.common import Callback, Handler, command_callback
from handlers.errors import on_error
from handlers.menus import set_default_menus
from storage import outbox
from storage.db import Database

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
TICK_SECONDS = 60

# The handler of each command declared in `bot.commands` (which says where it works).
HANDLERS: dict[str, Handler] = {
    "start": basic.start,
    "help": basic.help_command,
    "lang": basic.lang,
    "cancel": basic.cancel,
    "report": reports.report_command,
    "myreports": reports.myreports,
    "status": coordination.status_command,
    "branches": tree.branches,
    "addbranch": tree.addbranch,
    "movebranch": tree.movebranch,
    "reviewmode": approval.reviewmode,
    "renamebranch": coordination.renamebranch,
    "archivebranch": coordination.archivebranch,
    "invite": coordination.invite,
    "invites": coordination.invites,
    "revoke": coordination.revoke,
    "bindgroup": tree.bindgroup,
    "remind": engine_handlers.remind,
    "circular": engine_handlers.circular,
    "exempt": engine_handlers.exempt,
    "unexempt": engine_handlers.unexempt,
    "schedule": engine_handlers.schedule,
    "plan": plans.plan_command,
    "mytasks": plans.mytasks,
    "export": records.export_command,
    "review": records.review_command,
    "circulardoc": records.circular_doc_command,
    "form": forms.form_command,
}


def command_callbacks() -> dict[str, Callback]:
    """One callback per declared command, in declaration order; a mismatch is a bug."""
    declared = [c.name for c in COMMANDS]
    if sorted(declared) != sorted(HANDLERS):
        missing = set(declared) ^ set(HANDLERS)
        raise RuntimeError(f"bot.commands and HANDLERS disagree about: {sorted(missing)}")
    return {c.name: command_callback(c, HANDLERS[c.name]) for c in COMMANDS}


def run_bot(cfg: Settings, token: str, *, standby: bool = False, clock: Clock | None = None) -> int:
    """`zhibu run`: poll until stopped. A start-up failure ends with one line: exit 2 for
    what the operator must fix (a database that cannot be opened, another `zhibu run`
    holding it, a rejected token), exit 1 for an unreachable Bot API (it may pass; a
    service manager restarts the bot)."""
    import sqlite3

    from telegram.error import TelegramError

    from bot.settings import DEFAULT_API_BASE_URL

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        db = loop.run_until_complete(Database.open(cfg.db))
    except (OSError, sqlite3.Error) as exc:
        print(f"zhibu: ZHIBU_DB: cannot open {cfg.db}: {exc}", file=sys.stderr)
        loop.close()
        return 2
    # One process per database (bot/lease.py): refuse while another holds the lease,
    # or with --standby wait for it; renewed while we run, released on the way out.
    try:
        held = loop.run_until_complete(lease.hold(db, standby=standby))
    except KeyboardInterrupt:  # Ctrl-C while waiting as a standby
        held = None
    if not isinstance(held, lease.Held):
        if held is not None:
            print(lease.refusal(cfg.db, held, system_clock()), file=sys.stderr)
        loop.run_until_complete(db.close())
        loop.close()
        return 2 if held is not None else 0
    app = build_application(Env(db=db, cfg=cfg), token=token, clock=clock or system_clock)
    lease.install(app, held)
    try:
        # getMe once before polling: PTB's start-up retry loop would log a whole
        # traceback first, burying the one line that says what is wrong.
        loop.run_until_complete(app.initialize())
        app.run_polling(
            allowed_updates=["message", "edited_message", "callback_query", "my_chat_member"],
            close_loop=False,
        )
    except InvalidToken:  # 401, or 404 from a server that is not a Bot API
        check = "ZHIBU_BOT_TOKEN"
        if cfg.api_base_url != DEFAULT_API_BASE_URL:
            check += " and ZHIBU_API_BASE_URL"
        print(
            f"zhibu: the Bot API at {cfg.api_base_url} rejected the token; check {check}",
            file=sys.stderr,
        )
        return 2
    except NetworkError as exc:
        print(f"zhibu: cannot reach the Bot API at {cfg.api_base_url}: {exc}", file=sys.stderr)
        return 1
    except TelegramError as exc:
        print(f"zhibu: the Bot API at {cfg.api_base_url} failed: {exc}", file=sys.stderr)
        return 1
    finally:
        # Closes the connection when start-up failed (after a run it is closed already).
        loop.run_until_complete(app.bot.request.shutdown())
        loop.run_until_complete(lease.let_go(held))
        loop.run_until_complete(db.close())
        loop.close()
    return 0


def system_clock() -> datetime:
    return datetime.now(UTC)


def shifted_clock(start: datetime) -> Clock:
    """A clock that reads `start` now and runs on at the normal speed from there: the
    fault suite's way to start a real `zhibu run` on a given day (ZHIBU_TEST_CLOCK_START,
    read by bot/cli.py). The lease keeps the system clock: it is about processes, not days."""
    offset = start - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


def build_application(
    env: Env,
    *,
    token: str,
    request: BaseRequest | None = None,
    clock: Clock = system_clock,
    rate_limit: bool = True,
    background: bool = True,
) -> Application:  # type: ignore[type-arg]
    """Wire everything. `background=False` (tests, demo): no JobQueue ticks and no
    automatic draining; the caller drives `tick()` with its own `now`."""
    # PTB's builder changes its generic type with each call in ways mypy cannot
    # follow (rate_limiter, job_queue(None)); the result is checked below.
    builder: Any = (
        ApplicationBuilder()
        .token(token)
        .base_url(env.cfg.bot_url)
        .base_file_url(env.cfg.file_url)
        .post_init(_on_start)
        .post_stop(_on_stop)
    )
    # The double in tests; otherwise a small pool with a queue in front (bot/http.py).
    builder = builder.request(request or BoundedRequest(env.cfg.http_connections))
    # Updates: stored in the inbox before PTB can confirm them (bot/inbox.py); chats run
    # concurrently, each chat's updates in order (bot/updates.py).
    ledger = inbox.InboxLedger(env.db, clock)
    builder = builder.get_updates_request(inbox.request(request, env.db, clock, ledger))
    builder = builder.concurrent_updates(ChatOrderedProcessor(ledger=ledger))
    if rate_limit:
        # Telegram: ~30 messages/s in all, 20/min into one group. Sends are paced
        # evenly (bulk ones at 90 % of the rate, replies first); a 429 pauses before
        # the next slot. One 429 is waited out in place; beyond that the outbox
        # reschedules. See bot/ratelimit.py and docs/rate-limits.md.
        warn_if_paid_rate(env.cfg.rate_limit)
        builder = builder.rate_limiter(ZhibuRateLimiter(env.cfg.rate_limit, max_retries=1))
    if not background:
        builder = builder.job_queue(None)
    app: Application = builder.build()  # type: ignore[type-arg]
    app.bot_data.update(
        env=env,
        clock=clock,
        background=background,
        drain_lock=asyncio.Lock(),
        queued_seen=outbox.QUEUED.total,  # see _after_update
    )
    register_handlers(app)
    inbox.install(app, ledger)
    return app


def register_handlers(app: Application) -> None:  # type: ignore[type-arg]
    for name, callback in command_callbacks().items():
        app.add_handler(CommandHandler(name, callback, filters=~filters.UpdateType.EDITED))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_handler(
        ChatMemberHandler(coordination.bot_membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, coordination.on_migrate))
    # A report is what was sent: edits do not change it (the secretary is told
    # how to revise), channel posts are ignored.
    app.add_handler(
        MessageHandler(
            filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE & filters.TEXT,
            reports.on_edited,
        )
    )
    fresh = filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(fresh & filters.COMMAND, basic.unknown_command))
    private = filters.ChatType.PRIVATE
    groups_reply = filters.ChatType.GROUPS & filters.REPLY
    app.add_handler(
        MessageHandler(fresh & filters.TEXT & (private | groups_reply), reports.on_text)
    )
    app.add_handler(
        MessageHandler(
            fresh & (filters.PHOTO | filters.Document.ALL) & (private | groups_reply),
            reports.on_media,
        )
    )
    app.add_handler(
        MessageHandler(
            fresh & (private | groups_reply) & ~filters.StatusUpdate.ALL, reports.on_other
        )
    )
    app.add_handler(TypeHandler(Update, _after_update), group=100)
    app.add_error_handler(on_error)


def env_of_app(app: Application) -> Env:  # type: ignore[type-arg]
    env: Env = app.bot_data["env"]
    return env


async def drain(app: Application, now: datetime) -> Drained:  # type: ignore[type-arg]
    """Deliver what is due; one drain at a time per process, none once stopping."""

    def stopping() -> bool:
        # "running_seen": the application has run (the start-up drain comes before).
        bd = app.bot_data
        return bool(bd.get("stopping") or (bd.get("running_seen") and not app.running))

    if stopping():
        return Drained()
    async with app.bot_data["drain_lock"]:
        clock = app.bot_data["clock"] if app.bot_data.get("background") else None
        drained = await deliver_due(
            env_of_app(app),
            app.bot,
            now,
            clock,
            owner=app.bot_data.get("owner"),
            stopping=stopping,
        )
    if clock is not None and app.job_queue is not None and not stopping():
        # A retry due before the next tick (flood control asks for seconds) gets its own wake-up.
        upcoming = await next_due(env_of_app(app))
        if upcoming is not None:
            delay = (upcoming - clock()).total_seconds()
            if delay < TICK_SECONDS and not app.job_queue.get_jobs_by_name("retry"):
                app.job_queue.run_once(_kick_job, when=max(delay, 0.5), name="retry")
    return drained


async def tick(app: Application, now: datetime) -> Drained:  # type: ignore[type-arg]
    """The clock tick: decide what is due, then deliver it."""
    await engine.reconcile(env_of_app(app), now)
    return await drain(app, now)


def _kick(app: Application) -> None:  # type: ignore[type-arg]
    """Start a background drain unless one is running (it picks up new work itself).

    Not once the application is stopping: a task created then would outlive
    the database (an update handled during shutdown queues its answers,
    which the next start sends).
    """
    if app.bot_data.get("stopping") or not app.running:
        return
    app.bot_data["running_seen"] = True  # from now on a stopping application ends its drain
    if not app.bot_data["drain_lock"].locked():
        app.create_task(drain(app, app.bot_data["clock"]()), name="drain")


async def _kick_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    _kick(context.application)


async def _after_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handlers may have queued messages (a handover notice, /remind): send them soon.

    Only when they did: most updates are answered directly (a reply, an edited
    message) and queue nothing, and a drain that finds nothing still costs the
    database a write transaction. `outbox.QUEUED` counts what this process queued.
    """
    bot_data = context.application.bot_data
    queued = outbox.QUEUED.total
    if bot_data.get("background") and queued != bot_data.get("queued_seen"):
        bot_data["queued_seen"] = queued
        _kick(context.application)


async def _tick_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every minute: decide what is due, then let the sender deliver it in the background,
    so a long fan-out (10,000 reminders take minutes at 30/s) never overlaps the next tick."""
    app = context.application
    await engine.reconcile(env_of_app(app), app.bot_data["clock"]())
    _kick(app)


async def _on_start(app: Application) -> None:  # type: ignore[type-arg]
    env = env_of_app(app)
    # Claims name their process; one process runs per database, so the claims
    # of any other are a killed process's and are sent now, not after the lease.
    owner = app.bot_data.setdefault("owner", uuid.uuid4().hex)
    async with env.db.transaction() as tx:
        released = await outbox.release_claims(tx, owner, app.bot_data["clock"]())
    if released:
        log.info("took over %d message(s) claimed by a previous process", released)
    await engine.bound_legacy_messages(env)
    await onboarding.remember_bot_username(env, app.bot.username)
    if not app.bot_data.get("background"):
        return
    await set_default_menus(app.bot, env)
    assert app.job_queue is not None
    # Never deaf: polling starts at once. The start-up reconcile (a circular missed
    # while we were down, a reminder stage due now) runs as a job like every tick, and
    # its fan-out drains in the background while people are answered.
    app.job_queue.run_once(_tick_job, when=0, name="tick-start")
    # Ticks on the minute, so a 09:00 reminder leaves at 09:00, not up to a minute later.
    # `first` in seconds, not as a moment: the JobQueue schedules on the system clock,
    # and the application's clock may be shifted (ZHIBU_TEST_CLOCK_START).
    now = app.bot_data["clock"]()
    app.job_queue.run_repeating(
        _tick_job,
        interval=TICK_SECONDS,
        first=(_next_minute(now) - now).total_seconds(),
        name="tick",
    )


def _next_minute(now: datetime) -> datetime:
    """The start of the next whole minute (a moment past it, so the minute has begun)."""
    return now.replace(second=0, microsecond=0) + timedelta(minutes=1, milliseconds=50)


async def _on_stop(app: Application) -> None:  # type: ignore[type-arg]
    """No drain may run once the database closes: none starts from now on, and a
    running one stops after its current message and is waited for."""
    log.info("stopping")
    app.bot_data["stopping"] = True
    async with app.bot_data["drain_lock"]:
        pass
    plan_service.shutdown()  # the plan-reading worker process, if one was started
    job_worker.shutdown()  # the ledger/document/chart worker, likewise
