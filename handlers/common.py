"""Telegram glue shared by the handlers: who, where, when, and how to answer."""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.commands import ANYWHERE, COORDINATION, GROUP, PRIVATE, PRIVATE_ONLY, Audience, Command
from bot.commands import audiences as _audiences
from bot.i18n import Html, join, split_message, t
from bot.services import signing
from bot.services import tree as tree_service
from bot.services.base import Actor, Env, TgUser, UserError, identify

log = logging.getLogger(__name__)

CALLBACK_PREFIX = "z1"
MAX_ARGS_CHARS = 2000
CALLBACK_BYTES = 64  # Telegram's limit on callback data
# A group sees at most one screen from any command: this many lines, this many characters.
GROUP_LINES = 15
GROUP_CHARS = 1500
# Commands whose answer a coordinator may have again in private chat (pm button):
# they only read, so running them a second time changes nothing.
PRIVATE_COPY_COMMANDS = frozenset(
    {"status", "branches", "invites", "plan", "schedule", "circular", "help"}
)
POST_WORDS = frozenset({"post", "发布", "發布"})  # /circular post: not a read

Clock = Callable[[], datetime]

# The database's button-signing secret, set for each update by `make_ctx` (the
# handlers that build buttons all run inside one) and read by `buttons()` and
# `parse_callback()`. Cached in bot_data with the database it belongs to.
_button_key: ContextVar[bytes | None] = ContextVar("zhibu_button_key", default=None)
_KEY_SLOT = "button_key"


def env_of(context: ContextTypes.DEFAULT_TYPE) -> Env:
    env: Env = context.application.bot_data["env"]
    return env


def clock_of(context: ContextTypes.DEFAULT_TYPE) -> Clock:
    clock: Clock = context.application.bot_data["clock"]
    return clock


@dataclass
class Ctx:
    """One update, resolved: the environment, the actor, the time, the chat."""

    env: Env
    actor: Actor
    now: datetime
    update: Update
    context: ContextTypes.DEFAULT_TYPE
    chat_id: int
    chat_kind: str
    args: list[str]
    answered: bool = False
    command: str = ""  # the slash command being answered, without "/" ("" for buttons)

    @property
    def lang(self) -> str:
        """The person's language in private; in a group, what everyone reads there is
        the committee's language, whoever typed the command."""
        if self.chat_kind == PRIVATE:
            return self.actor.lang
        return self.env.cfg.language

    @property
    def message(self) -> Message | None:
        return self.update.effective_message

    def t(self, key: str, /, **params: object) -> Html:
        return t(self.lang, key, **params)

    def in_private(self) -> Ctx:
        """The same update, answered in the actor's private chat (in their language)."""
        return replace(self, chat_id=self.actor.user_id, chat_kind=PRIVATE)

    async def reply(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
        """Send HTML to the current chat, split under Telegram's limit; markup on the last part.

        In a group, a long answer is cut to one screen on a line boundary, with
        "and N more lines" and (for a read-only command) a button that sends the
        whole answer to whoever presses it, in private.
        """
        if self.chat_kind != PRIVATE:
            text, more = group_screen(text)
            if more:
                text = join([Html(text), self.t("group_more", count=more)])
                if not _has_private_copy(markup):
                    markup = _with_row(markup, self._private_copy_button())
        sent: Message | None = None
        parts = split_message(text)
        for i, part in enumerate(parts):
            sent = await self.context.bot.send_message(
                chat_id=self.chat_id,
                text=part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if i == len(parts) - 1 else None,
                disable_web_page_preview=True,
            )
        return sent

    async def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Replace the text of the message whose button was pressed (paging in place)."""
        query = self.update.callback_query
        if query is None or query.message is None:
            await self.reply(text, markup)
            return
        try:
            await self.context.bot.edit_message_text(
                chat_id=self.chat_id,
                message_id=query.message.message_id,
                text=text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_web_page_preview=True,
            )
        except BadRequest as exc:  # pressed the page it already shows
            if "not modified" not in str(exc).lower():
                raise

    def _private_copy_button(self) -> list[tuple[str, str]]:
        if self.command not in PRIVATE_COPY_COMMANDS:
            return []
        if self.command == "circular" and self.args and self.args[0].lower() in POST_WORDS:
            return []
        data = ":".join(["pm", self.command, *self.args])
        if len(f"{CALLBACK_PREFIX}:{data}".encode()) > CALLBACK_BYTES:
            return []
        return [(self.t("btn_full_private"), data)]

    async def toast(self, text: str) -> None:
        """Answer a button press (a short notice); harmless for non-callback updates."""
        query = self.update.callback_query
        if query is not None and not self.answered:
            self.answered = True
            try:
                await query.answer(text[:190] or None)
            except TelegramError as exc:  # query too old: nothing to answer
                log.info("callback answer failed: %s", exc)


def _current_key() -> bytes:
    key = _button_key.get()
    if key is None:
        raise RuntimeError("buttons are built and read only while handling an update")
    return key


def buttons(*rows: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Inline keyboard from (label, action:args) pairs.

    Each button's data is `z1:<action>:<args>:<mac>`, signed with the database's
    secret (`bot.services.signing`); data that would exceed Telegram's 64 bytes
    raises `ValueError` rather than being cut.
    """
    key = _current_key()
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=signing.sign(key, f"{CALLBACK_PREFIX}:{data}")
                )
                for label, data in row
            ]
            for row in rows
        ]
    )


def _with_row(
    markup: InlineKeyboardMarkup | None, row: Sequence[tuple[str, str]]
) -> InlineKeyboardMarkup | None:
    """`markup` with one more row of buttons (none when the row is empty)."""
    if not row:
        return markup
    extra = buttons(row)
    if markup is None:
        return extra
    return InlineKeyboardMarkup([*markup.inline_keyboard, *extra.inline_keyboard])


def _has_private_copy(markup: InlineKeyboardMarkup | None) -> bool:
    if markup is None:
        return False
    wanted = f"{CALLBACK_PREFIX}:pm:"
    return any(
        str(b.callback_data or "").startswith(wanted) for row in markup.inline_keyboard for b in row
    )


PAGE_LINES = 30  # lines of a list per page
PAGE_CHARS = 3400  # and at most this much text, so a page with its head stays under 4096


def paginate(lines: Sequence[str], budget: int = PAGE_CHARS) -> list[list[str]]:
    """Whole lines in pages of at most PAGE_LINES lines and `budget` characters."""
    pages: list[list[str]] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and (len(current) >= PAGE_LINES or size + len(line) + 1 > budget):
            pages.append(current)
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current or not pages:
        pages.append(current)
    return pages


def page_row(data: str, page: int, pages: int) -> list[tuple[str, str]]:
    """‹ 3/9 ›: the buttons of a paged message; `data` + `:<page>` is each one's callback."""
    if pages <= 1:
        return []
    back = pages if page <= 1 else page - 1
    forward = 1 if page >= pages else page + 1
    return [
        ("‹", f"{data}:{back}"),
        (f"{page}/{pages}", f"{data}:{page}"),
        ("›", f"{data}:{forward}"),
    ]


def group_screen(text: str) -> tuple[str, int]:
    """At most one screen of `text` (whole lines) and how many lines were left out."""
    lines = text.split("\n")
    kept: list[str] = []
    size = 0
    for line in lines:
        if len(kept) >= GROUP_LINES or (kept and size + len(line) > GROUP_CHARS):
            break
        kept.append(line)
        size += len(line) + 1
    more = len([ln for ln in lines[len(kept) :] if ln.strip()])
    if not more:
        return text, 0
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept), more


def parse_callback(data: str | None) -> tuple[str, list[str]] | None:
    """Split our callback data; None for anything we did not make (forged, unsigned, old)."""
    body = signing.verify(_current_key(), data)
    if body is None:
        return None
    parts = body.split(":")
    if len(parts) < 2 or parts[0] != CALLBACK_PREFIX or not parts[1].isalpha():
        return None
    return parts[1], parts[2:]


async def _load_button_key(context: ContextTypes.DEFAULT_TYPE, env: Env) -> bytes:
    cached = context.application.bot_data.get(_KEY_SLOT)
    if isinstance(cached, tuple) and cached[0] is env.db:
        key: bytes = cached[1]
        return key
    key = await signing.button_key(env)
    context.application.bot_data[_KEY_SLOT] = (env.db, key)
    return key


def int_arg(values: list[str], index: int = 0) -> int | None:
    try:
        value = int(values[index])
    except (IndexError, ValueError):
        return None
    return value if 0 < value < 2**53 else None


def chat_kind_of(chat_type: str, place: tree_service.ChatPlace) -> str:
    """A 总支's own group works as a coordination group for its 总支 (docs/tree.md): the
    commands run there, each restricted to that 总支's units (`Actor.require_scope`)."""
    if chat_type == ChatType.PRIVATE:
        return PRIVATE
    return COORDINATION if place.committee or place.focus is not None else GROUP


async def make_ctx(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Ctx | None:
    """Resolve an update; None when it has no human sender (channel posts, service noise)."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    env = env_of(context)
    now = clock_of(context)()
    _button_key.set(await _load_button_key(context, env))
    actor = await identify(
        env,
        TgUser(
            user.id, user.first_name or "", user.last_name or "", user.username, user.language_code
        ),
        now,
    )
    place = tree_service.ChatPlace()
    if chat.type != ChatType.PRIVATE:
        place = await tree_service.place_of_chat(env, chat.id)
        actor = tree_service.placed(actor, place)
    return Ctx(
        env=env,
        actor=actor,
        now=now,
        update=update,
        context=context,
        chat_id=chat.id,
        chat_kind=chat_kind_of(chat.type, place),
        args=list(context.args or []),
    )


Handler = Callable[[Ctx], Awaitable[None]]
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def guarded(chats: frozenset[str] = ANYWHERE, command: str = "") -> Callable[[Handler], Callback]:
    """Resolve the update, check the chat, and turn `UserError` into a clear answer."""

    def decorate(fn: Handler) -> Callback:
        @functools.wraps(fn)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            ctx = await make_ctx(update, context)
            if ctx is None:
                return
            ctx.command = command.lstrip("/")
            if ctx.chat_kind not in chats:
                if update.effective_message is not None:
                    await _wrong_chat(ctx, chats, command)
                return
            if sum(len(a) for a in ctx.args) > MAX_ARGS_CHARS:
                await ctx.reply(ctx.t("too_long_arg"))
                return
            try:
                await fn(ctx)
            except UserError as err:
                text = ctx.t(err.key, **err.params)
                if update.callback_query is not None:
                    await ctx.toast(_plain(text))
                else:
                    await ctx.reply(text)

        return wrapper

    return decorate


def command_callback(spec: Command, fn: Handler) -> Callback:
    """A slash command's handler, wired: the chats it works in come from its declaration."""
    return guarded(spec.chats, f"/{spec.name}")(fn)


def audiences_of(actor: Actor) -> frozenset[Audience]:
    """Whom `actor` counts as when choosing menus and help (never for permission)."""
    return _audiences(
        member=actor.reports,
        coordinator=actor.coordinates,
        admin=actor.is_admin,
        general=actor.leads_general,
    )


async def _wrong_chat(ctx: Ctx, chats: frozenset[str], command: str) -> None:
    if ctx.update.callback_query is not None:
        await ctx.toast(_plain(ctx.t("stale_button")))
    elif chats == PRIVATE_ONLY:
        await ctx.reply(ctx.t("wrong_chat_private", command=command))
    elif PRIVATE not in chats:
        await ctx.reply(ctx.t("wrong_chat_bindgroup"))
    else:
        await ctx.reply(ctx.t("wrong_chat_group"))


def _plain(html_text: str) -> str:
    """A toast shows plain text: drop our few tags and unescape entities."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def args_text(ctx: Ctx) -> str:
    return " ".join(ctx.args).strip()
