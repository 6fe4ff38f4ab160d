"""An in-memory double of the Telegram Bot API, plugged in below python-telegram-bot.

Why this exists
---------------
zhibu's behaviour is mostly *conversation*: reminders go out, branch secretaries
answer, buttons get pressed, a month passes.  Mocking ``telegram.Bot`` methods
would test our guesses about PTB rather than PTB itself, so this module replaces
only the HTTP layer: :class:`BotApiDouble` is a :class:`telegram.request.BaseRequest`
and the real :class:`telegram.ext.Application`, handlers, ``Defaults``, rate
limiter and ``Updater`` all run unchanged, fully offline::

    double = BotApiDouble(clock=lambda: fake_now)
    app = (
        ApplicationBuilder().token("123:ABC").request(double).get_updates_request(double).build()
    )
    factory = UpdateFactory(double)
    alice = factory.user(1001, "张三")
    async with app:
        await app.process_update(Update.de_json(factory.private_text(alice, "/start"), app.bot))
    assert "欢迎" in double.last_to(1001).plain_text

The double answers with the same status codes and error descriptions Telegram
uses, so PTB raises the same ``telegram.error`` exceptions it would in
production (403 → ``Forbidden``, 400 with ``migrate_to_chat_id`` →
``ChatMigrated``, 429 → ``RetryAfter`` ...).  Where it is deliberately *stricter*
than Telegram (HTML ``&`` handling, ``<a>`` without ``href``) the point is to catch
unescaped user input in tests before a real user with a ``<`` in their branch
name does; those places are marked "stricter than Telegram".

It ships inside the package (in :mod:`bot.testing`, not under ``tests/``) because
the offline demo (``zhibu demo``) drives the bot with it too; nothing else in the
product imports it.  It implements only the Bot API methods zhibu calls.

Implemented methods (anything else answers 400 "method not implemented in the
double"): getMe, getUpdates, deleteWebhook, setMyCommands, sendMessage,
sendDocument, sendPhoto, editMessageText, editMessageReplyMarkup,
answerCallbackQuery and getFile with the file download behind it.  Files are
sent as uploads only, the way zhibu sends them.

The bot token never leaves :meth:`BotApiDouble.do_request`: URLs are reduced to
the method name (or file path) on entry and are neither stored nor logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import mimetypes
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Literal

from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = [
    "ApiCall",
    "BotApiDouble",
    "DoubleStats",
    "Fault",
    "HtmlParseError",
    "MessageVersion",
    "SentMessage",
    "StoredFile",
    "UpdateFactory",
    "UploadedFile",
    "member_dict",
    "parse_html",
    "utf16_len",
]

JSONDict = dict[str, Any]
MessageKind = Literal["text", "document", "photo"]

# Limits as documented in the Bot API ("1-4096 characters after entities parsing" etc.).
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

# Every id at or below this is a supergroup/channel ("-100…"), other negatives are basic groups.
_SUPERGROUP_ID_BOUND = -1_000_000_000_000

_SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})

# Methods whose failures/successes depend on whether the bot may write to the chat.
_WRITE_METHODS = _SEND_METHODS | {"editMessageText", "editMessageReplyMarkup"}

# What an empty/absent allowed_updates leaves out, per the Bot API documentation.
_NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_COMMAND_TOKEN = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,64})?")
_FILE_URL = re.compile(r"/file/bot[^/]+/(?P<path>.+)$")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram's entity offsets/lengths."""
    return len(text.encode("utf-16-le")) // 2


def _timestamp(moment: datetime) -> int:
    return int(moment.timestamp())


def _real_utc_now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------------
# Records: what the bot did, in a shape tests can assert on.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """One multipart part the bot uploaded (``part`` is ``document``/``photo``/``attach…``)."""

    part: str
    file_name: str
    data: bytes = field(repr=False)
    mime_type: str


@dataclass
class ApiCall:
    """One request as the double saw it; the URL (and so the token) is deliberately absent.

    ``status``/``description`` are filled in after the call is answered so tests can
    see e.g. that the second ``sendMessage`` to a chat got a 403.
    """

    method: str
    params: JSONDict
    files: dict[str, UploadedFile]
    at: datetime
    status: int = 200
    description: str | None = None


@dataclass(frozen=True)
class MessageVersion:
    """A message's content *before* an edit replaced it (kept in ``SentMessage.edits``)."""

    text: str | None
    plain_text: str | None
    entities: list[JSONDict]
    parse_mode: str | None
    reply_markup: JSONDict | None
    replaced_at: datetime


@dataclass
class SentMessage:
    """A message the bot created, kept up to date by edits.

    ``text`` is what the bot sent (raw, possibly HTML; the caption for files) and
    ``plain_text`` what the user reads after entity parsing; ``texts_to``/``find``
    look at the latter so assertions don't depend on markup.
    """

    chat_id: int
    message_id: int
    kind: MessageKind
    text: str | None
    plain_text: str | None
    entities: list[JSONDict]
    parse_mode: str | None
    reply_markup: JSONDict | None
    reply_to_message_id: int | None
    date: datetime
    method: str
    file_name: str | None = None
    file_bytes: bytes | None = field(default=None, repr=False)
    file_id: str | None = None
    file_unique_id: str | None = None
    mime_type: str | None = None
    edited: bool = False
    edit_date: datetime | None = None
    edits: list[MessageVersion] = field(default_factory=list, repr=False)
    chat: JSONDict = field(default_factory=dict, repr=False)
    sender: JSONDict = field(default_factory=dict, repr=False)
    reply_to: JSONDict | None = field(default=None, repr=False)

    @property
    def caption(self) -> str | None:
        """The caption for files (same as ``text``), ``None`` for text messages."""
        return None if self.kind == "text" else self.text

    def buttons(self) -> list[tuple[str, str | None]]:
        """Flattened keyboard as ``(label, callback_data or url)``; None for reply keyboards."""
        result: list[tuple[str, str | None]] = []
        if not self.reply_markup:
            return result
        for row in self.reply_markup.get("inline_keyboard", []):
            for button in row:
                value = button.get("callback_data", button.get("url"))
                result.append((str(button.get("text", "")), value))
        for row in self.reply_markup.get("keyboard", []):
            for button in row:
                label = button if isinstance(button, str) else button.get("text", "")
                result.append((str(label), None))
        return result

    def callback_data(self, label_contains: str) -> str:
        """The callback_data of the first inline button whose label contains the text."""
        for label, value in self.buttons():
            if label_contains in label and value is not None:
                return value
        raise LookupError(f"no button containing {label_contains!r} in {self.buttons()!r}")

    def as_dict(self) -> JSONDict:
        """This message as Telegram would put it into an update (reply, callback_query)."""
        data: JSONDict = {
            "message_id": self.message_id,
            "from": copy.deepcopy(self.sender),
            "chat": copy.deepcopy(self.chat),
            "date": _timestamp(self.date),
        }
        if self.kind == "text":
            data["text"] = self.plain_text or ""
            if self.entities:
                data["entities"] = copy.deepcopy(self.entities)
        elif self.plain_text:
            data["caption"] = self.plain_text
            if self.entities:
                data["caption_entities"] = copy.deepcopy(self.entities)
        if self.kind == "document":
            data["document"] = {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_name": self.file_name,
                "mime_type": self.mime_type,
                "file_size": len(self.file_bytes or b""),
            }
        elif self.kind == "photo":
            data["photo"] = _photo_sizes(
                self.file_id or "", self.file_unique_id or "", len(self.file_bytes or b"")
            )
        # Only inline keyboards are echoed back in Message objects; reply keyboards are not.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = copy.deepcopy(self.reply_markup)
        if self.edit_date is not None:
            data["edit_date"] = _timestamp(self.edit_date)
        if self.reply_to is not None:
            data["reply_to_message"] = copy.deepcopy(self.reply_to)
        return data


@dataclass
class DoubleStats:
    """Counters for assertions about retries and limiter behaviour."""

    calls: Counter[str] = field(default_factory=Counter)
    too_many_requests: int = 0
    faults_fired: int = 0
    errors: Counter[int] = field(default_factory=Counter)


@dataclass
class StoredFile:
    """A file Telegram "has" (uploaded by the bot or sent by a user via the factory)."""

    file_id: str
    file_unique_id: str
    file_name: str | None
    data: bytes = field(repr=False)
    mime_type: str | None
    file_path: str


def _photo_sizes(file_id: str, unique_id: str, size: int) -> list[JSONDict]:
    # Telegram returns several thumbnails; handlers usually take photo[-1] (the largest).
    return [
        {
            "file_id": f"{file_id}_s",
            "file_unique_id": f"{unique_id}_s",
            "width": 90,
            "height": 67,
            "file_size": max(1, size // 20),
        },
        {
            "file_id": f"{file_id}_m",
            "file_unique_id": f"{unique_id}_m",
            "width": 320,
            "height": 240,
            "file_size": max(1, size // 4),
        },
        {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "width": 1280,
            "height": 960,
            "file_size": size,
        },
    ]


# --------------------------------------------------------------------------------------------
# Faults: one-shot (or repeated) failures injected by tests.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """A failure to inject with :meth:`BotApiDouble.inject`.

    ``kind="response"`` answers with ``status``/``description``/``parameters``;
    ``"timeout"`` and ``"network"`` raise from ``do_request`` exactly like
    ``HTTPXRequest`` does.  ``delivered=True`` (timeouts only) first performs the
    call and *then* times out: the message exists although the bot saw an error,
    which is how duplicate reminders happen in production.
    """

    kind: Literal["response", "timeout", "network"]
    status: int = 0
    description: str = ""
    parameters: tuple[tuple[str, Any], ...] = ()
    delivered: bool = False

    @classmethod
    def retry_after(cls, seconds: int) -> Fault:
        """429 flood control, surfaces as ``telegram.error.RetryAfter``."""
        return cls(
            "response",
            429,
            f"Too Many Requests: retry after {seconds}",
            (("retry_after", seconds),),
        )

    @classmethod
    def server_error(cls, status: int = 502) -> Fault:
        """A 5xx from Telegram's front (502 "Bad Gateway"), surfaces as ``NetworkError``."""
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Server Error"
        return cls("response", status, phrase)

    @classmethod
    def error(
        cls, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> Fault:
        """Any other answer, e.g. ``Fault.error(403, "Forbidden: user is deactivated")``."""
        return cls("response", status, description, tuple((parameters or {}).items()))

    @classmethod
    def timeout(cls, *, delivered: bool = False) -> Fault:
        """``telegram.error.TimedOut`` raised from ``do_request``."""
        return cls("timeout", description="Timed out", delivered=delivered)

    @classmethod
    def network(cls, message: str = "httpx.ConnectError: All connection attempts failed") -> Fault:
        """``telegram.error.NetworkError`` raised from ``do_request``."""
        return cls("network", description=message)


@dataclass
class _PendingFault:
    fault: Fault
    method: str | None
    chat_id: int | str | None
    remaining: int | None  # None = until clear_faults()


# --------------------------------------------------------------------------------------------
# HTML parse mode, modelled on tdlib's parse_html (the parser behind the Bot API).
# --------------------------------------------------------------------------------------------


class HtmlParseError(ValueError):
    """Malformed or unsupported HTML; the message is what follows "can't parse entities: "."""


_ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]*));")
_NAME_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
# tdlib's is_space(): the only characters that separate tag names and attributes.
_SPACES = frozenset(" \t\r\n\f\v")


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the parsed text
    byte_pos: int
    attrs: dict[str, str]
    flags: set[str]
    language: str | None = None


class _HtmlParser:
    """Single pass over the source, like tdlib: text is copied, tags become entities.

    Error descriptions reuse tdlib's wording (with UTF-8 byte offsets) so a failing
    test shows what Telegram would have said.  Two rules are stricter than Telegram:

    * a ``&`` that does not start ``&lt; &gt; &amp; &quot;`` or a numeric entity is an
      error.  Telegram shows it literally, so ``AT&T`` happens to work, but the same
      missing ``html.escape`` turns a user's literal ``&lt;`` into ``<`` silently;
      only strictness makes the bug visible in tests.
    * ``<a>`` needs ``href`` (Telegram would silently drop the link).
    """

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[JSONDict] = []

    def byte_offset(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8"))

    def fail(self, message: str) -> HtmlParseError:
        return HtmlParseError(message)

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def at_end(self) -> bool:
        return self.pos >= len(self.src)

    def peek(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def skip_spaces(self) -> None:
        while not self.at_end() and self.src[self.pos] in _SPACES:
            self.pos += 1

    def decode_entity(self) -> str:
        match = _ENTITY.match(self.src, self.pos)
        where = self.byte_offset(self.pos)
        if match is None:
            raise self.fail(
                f'Unescaped "&" at byte offset {where}: use &amp; '
                "(stricter than Telegram, which would show it literally)"
            )
        decimal, hexadecimal, name = match.groups()
        if name is not None:
            if name not in _NAMED_ENTITIES:
                raise self.fail(
                    f'Unsupported HTML entity "&{name};" at byte offset {where}: only '
                    "&lt; &gt; &amp; &quot; and numeric entities are supported"
                )
            char = _NAMED_ENTITIES[name]
        else:
            code = int(decimal) if decimal is not None else int(hexadecimal, 16)
            if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise self.fail(f"Invalid numeric HTML entity at byte offset {where}")
            char = chr(code)
        self.pos = match.end()
        return char

    def parse(self) -> tuple[str, list[JSONDict]]:
        while not self.at_end():
            char = self.src[self.pos]
            if char == "&":
                self.emit(self.decode_entity())
            elif char == "<":
                begin = self.pos
                self.pos += 1
                if self.peek() == "/":
                    self.end_tag(begin)
                else:
                    self.start_tag(begin)
            else:
                self.emit(char)
                self.pos += 1
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> None:
        at = self.byte_offset(begin)
        name_start = self.pos
        while not self.at_end() and self.src[self.pos] not in _SPACES and self.peek() != ">":
            self.pos += 1
        if self.at_end():
            raise self.fail(f"Unclosed start tag at byte offset {at}")
        name = self.src[name_start : self.pos].lower()
        if name not in _ALLOWED_TAGS:
            # A bare "<" lands here with an empty name, exactly as on Telegram.
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {at}')
        attrs: dict[str, str] = {}
        flags: set[str] = set()
        while True:
            self.skip_spaces()
            if self.at_end():
                raise self.fail(f'Unclosed start tag "{name}" at byte offset {at}')
            if self.peek() == ">":
                self.pos += 1
                break
            attr_start = self.pos
            while not self.at_end() and self.src[self.pos] not in _SPACES | {"=", ">"}:
                self.pos += 1
            attr = self.src[attr_start : self.pos].lower()
            if not attr:
                raise self.fail(f'Empty attribute name in the tag "{name}" at byte offset {at}')
            self.skip_spaces()
            if self.peek() != "=":
                if name == "blockquote" and attr == "expandable":
                    flags.add(attr)
                    continue
                raise self.fail(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {at}'
                )
            self.pos += 1
            self.skip_spaces()
            if self.at_end():
                raise self.fail(f'Unclosed start tag "{name}" at byte offset {at}')
            attrs[attr] = self.attribute_value(at)
        self.check_tag(name, attrs, at)
        tag = _OpenTag(name, self.utf16, at, attrs, flags)
        if name == "code" and attrs.get("class", "").startswith("language-"):
            tag.language = attrs["class"][len("language-") :]
        self.stack.append(tag)

    def attribute_value(self, at: int) -> str:
        quote = self.peek()
        if quote in ("'", '"'):
            self.pos += 1
            chars: list[str] = []
            while not self.at_end() and self.peek() != quote:
                if self.peek() == "&":
                    chars.append(self.decode_entity())
                else:
                    chars.append(self.peek())
                    self.pos += 1
            if self.at_end():
                raise self.fail(f"Unclosed start tag at byte offset {at}")
            self.pos += 1
            return "".join(chars)
        token_start = self.pos
        while not self.at_end() and self.peek() in _NAME_TOKEN_CHARS:
            self.pos += 1
        if self.at_end() or (self.peek() not in _SPACES and self.peek() != ">"):
            raise self.fail(
                f"Unexpected end of name token at byte offset {self.byte_offset(token_start)}"
            )
        return self.src[token_start : self.pos].lower()

    def check_tag(self, name: str, attrs: dict[str, str], at: int) -> None:
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        if name == "a" and not attrs.get("href"):
            raise self.fail(
                f'Tag "a" must have a non-empty "href" at byte offset {at} '
                "(stricter than Telegram, which would drop the link)"
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise self.fail(f'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset {at}')

    def end_tag(self, begin: int) -> None:
        at = self.byte_offset(begin)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {at}")
        self.pos += 1  # the "/"
        name_start = self.pos
        while not self.at_end() and self.src[self.pos] not in _SPACES and self.peek() != ">":
            self.pos += 1
        end_name = self.src[name_start : self.pos].lower()
        self.skip_spaces()
        if self.peek() != ">":
            raise self.fail(f"Unclosed end tag at byte offset {at}")
        self.pos += 1
        tag = self.stack.pop()
        # Like tdlib, "</>" closes whatever is open.
        if end_name and end_name != tag.name:
            raise self.fail(
                f'Unmatched end tag at byte offset {at}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        self.add_entity(tag)

    def add_entity(self, tag: _OpenTag) -> None:
        length = self.utf16 - tag.start
        parent = self.stack[-1] if self.stack else None
        if tag.name == "code" and parent is not None and parent.name == "pre":
            # <pre><code class="language-x"> is one "pre" entity carrying the language.
            parent.language = parent.language or tag.language
            return
        if length == 0:  # Telegram drops empty entities
            return
        entity: JSONDict = {"offset": tag.start, "length": length}
        if tag.name == "a":
            entity.update(type="text_link", url=tag.attrs["href"])
        elif tag.name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.flags else "blockquote"
        elif tag.name == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=tag.attrs["emoji-id"])
        else:
            entity["type"] = _SIMPLE_ENTITY_TYPES[tag.name]
            if tag.name == "pre" and tag.language:
                entity["language"] = tag.language
        self.entities.append(entity)


def parse_html(source: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-HTML into ``(plain_text, entities)`` or raise :class:`HtmlParseError`.

    Public because it is handy for checking templates offline (e.g. locale files).
    """
    return _HtmlParser(source).parse()


# --------------------------------------------------------------------------------------------
# Internals of the double.
# --------------------------------------------------------------------------------------------


class _ApiError(Exception):
    """An error answer; raised anywhere inside a handler, turned into a response once."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad_request(detail: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {detail}")


@dataclass
class _RateLimits:
    """Sliding windows over *accepted* sends, on a clock of the test's choosing."""

    per_second: int | None
    per_group_per_minute: int | None
    clock: Callable[[], float]
    overall: deque[float] = field(default_factory=deque)
    groups: dict[int, deque[float]] = field(default_factory=dict)

    @staticmethod
    def _wait(window: deque[float], limit: int, span: float, now: float) -> int | None:
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) < limit:
            return None
        return max(1, math.ceil(window[0] + span - now))

    def retry_after(self, chat_id: int, is_group: bool) -> int | None:
        now = self.clock()
        waits: list[int] = []
        if self.per_second is not None:
            wait = self._wait(self.overall, self.per_second, 1.0, now)
            if wait is not None:
                waits.append(wait)
        if self.per_group_per_minute is not None and is_group:
            window = self.groups.setdefault(chat_id, deque())
            wait = self._wait(window, self.per_group_per_minute, 60.0, now)
            if wait is not None:
                waits.append(wait)
        return max(waits) if waits else None

    def record(self, chat_id: int, is_group: bool) -> None:
        now = self.clock()
        self.overall.append(now)
        if is_group:
            self.groups.setdefault(chat_id, deque()).append(now)


_Handler = Callable[[JSONDict, dict[str, UploadedFile]], Any]


class BotApiDouble(BaseRequest):
    """In-memory Bot API; pass it as both ``request`` and ``get_updates_request``.

    State tests drive: :meth:`push_update`, :meth:`block`, :meth:`forget_chat`,
    :meth:`migrate`, :meth:`inject`, :meth:`enforce_limits`, ``clock``.
    State tests read: ``calls``, ``messages``, ``commands``, ``callback_answers``,
    ``stats``, ``files``.
    """

    def __init__(
        self,
        *,
        bot_id: int = 7000000001,
        username: str = "zhibu_bot",
        first_name: str = "支部报送助手",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.bot_id = bot_id
        self.username = username
        self.first_name = first_name
        # Dates of messages follow this clock so tests can fast-forward a month.
        self.clock: Callable[[], datetime] = clock or _real_utc_now
        # getUpdates blocks at most this long when idle: keeps polling tests fast.
        self.poll_wait = 0.05
        # Reject replies to message ids the double never saw (Telegram does);
        # switch off for tests that feed hand-written update dicts.
        self.strict_replies = True
        # Telegram refuses to open private chats: a user must have written to the bot
        # first (/start).  Off by default so short tests need no setup; reminder tests
        # switch it on to see the 403 a never-started secretary produces.
        self.require_started = False

        self.calls: list[ApiCall] = []
        self.messages: list[SentMessage] = []
        self.stats = DoubleStats()
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.callback_answers: list[JSONDict] = []
        self.files: dict[str, StoredFile] = {}
        self.chats: dict[int, JSONDict] = {}
        self.users: dict[int, JSONDict] = {}

        self._message_ids: dict[int, int] = {}
        self._bot_messages: dict[tuple[int, int], SentMessage] = {}
        self._incoming: dict[tuple[int, int], JSONDict] = {}
        self._update_ids = itertools.count(1)
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)
        self._open_callbacks: set[str] = set()
        self._queue: list[JSONDict] = []
        self._allowed_updates: set[str] | None = None
        self._event: asyncio.Event | None = None
        self._event_loop: asyncio.AbstractEventLoop | None = None

        self._blocked: set[int] = set()
        self._started: set[int] = set()
        self._forgotten: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._bot_status: dict[int, str] = {}  # per group: member/administrator/left/kicked
        self._faults: list[_PendingFault] = []
        self._limits: _RateLimits | None = None

        self._handlers: dict[str, _Handler] = {
            "getMe": self._get_me,
            "deleteWebhook": self._delete_webhook,
            "setMyCommands": self._set_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
        }

    # ---- BaseRequest plumbing ------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """Needed by ``Bot.get_updates`` to compute the long-poll read timeout."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open; also called twice (request and get_updates_request)."""

    async def shutdown(self) -> None:
        """Nothing to close; state survives so tests can inspect it after ``app.shutdown``."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer one HTTP request; see the module docstring for the contract."""
        file_match = _FILE_URL.search(url)
        if method == "GET" or file_match is not None:
            # File downloads (File.download_*) go through retrieve(): GET /file/bot<token>/<path>.
            return self._download(file_match.group("path") if file_match else "")

        # The token sits in the path ("/bot<token>/sendMessage"): keep only the method.
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params = copy.deepcopy(request_data.parameters) if request_data else {}
        files = self._uploaded_files(request_data)
        call = ApiCall(api_method, params, files, self._now())
        self.calls.append(call)
        self.stats.calls[api_method] += 1

        fault = self._take_fault(api_method, params)
        try:
            if fault is not None and not fault.delivered:
                self._fire(fault)
            try:
                if api_method == "getUpdates":
                    result: Any = await self._get_updates(params)
                else:
                    handler = self._handlers.get(api_method)
                    if handler is None:
                        raise _bad_request(f"method not implemented in the double: {api_method}")
                    result = handler(params, files)
            except (ValueError, TypeError, KeyError) as exc:
                # Odd parameters (or a bug here) must not surface as PTB's generic
                # NetworkError, which the bot would retry; a 400 gets noticed.
                raise _bad_request(f"the double could not process the request: {exc!r}") from exc
            if fault is not None:  # delivered, then the connection died
                self._fire(fault)
        except _ApiError as error:
            call.status = error.status
            call.description = error.description
            self.stats.errors[error.status] += 1
            if error.status == HTTPStatus.TOO_MANY_REQUESTS:
                self.stats.too_many_requests += 1
            body: JSONDict = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.parameters:
                body["parameters"] = error.parameters
            return error.status, self._encode(body)
        except (TimedOut, NetworkError) as error:
            call.status = 0
            call.description = str(error)
            raise
        return HTTPStatus.OK, self._encode({"ok": True, "result": result})

    @staticmethod
    def _encode(body: JSONDict) -> bytes:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    @staticmethod
    def _uploaded_files(request_data: RequestData | None) -> dict[str, UploadedFile]:
        if request_data is None or not request_data.contains_files:
            return {}
        result: dict[str, UploadedFile] = {}
        for part, (file_name, content, mime_type) in request_data.multipart_data.items():
            # Since PTB 21.5 content may be an unread file handle (read_file_handle=False).
            data = content if isinstance(content, bytes) else content.read()
            result[part] = UploadedFile(part, file_name, data, mime_type)
        return result

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("BotApiDouble.clock must return timezone-aware datetimes")
        return now

    def _download(self, file_path: str) -> tuple[int, bytes]:
        for stored in self.files.values():
            if stored.file_path == file_path:
                return HTTPStatus.OK, stored.data
        # Telegram answers 404 here, which PTB turns into InvalidToken (sic).
        return HTTPStatus.NOT_FOUND, self._encode(
            {"ok": False, "error_code": 404, "description": "Not Found"}
        )

    # ---- faults --------------------------------------------------------------------------

    def inject(
        self,
        fault: Fault,
        method: str | None = "sendMessage",
        chat_id: int | str | None = None,
        times: int | None = 1,
    ) -> None:
        """Make the next matching call(s) fail; ``method=None`` matches any method.

        (Including the poller's getUpdates, so prefer naming the method while polling.)

        Faults fire in the order they were injected; ``times=None`` keeps firing until
        :meth:`clear_faults`.  A faulted call creates no message (unless
        ``Fault.timeout(delivered=True)``).
        """
        if times is not None and times < 1:
            raise ValueError("times must be positive or None")
        self._faults.append(_PendingFault(fault, method, chat_id, times))

    def clear_faults(self) -> None:
        """Drop faults that have not fired yet."""
        self._faults.clear()

    @property
    def pending_faults(self) -> int:
        """How many injected faults are still armed (``times=None`` counts once)."""
        return len(self._faults)

    def _take_fault(self, method: str, params: JSONDict) -> Fault | None:
        for pending in self._faults:
            if pending.method is not None and pending.method != method:
                continue
            if pending.chat_id is not None and not self._same_chat(
                pending.chat_id, params.get("chat_id")
            ):
                continue
            if pending.remaining is not None:
                pending.remaining -= 1
                if pending.remaining == 0:
                    self._faults.remove(pending)
            self.stats.faults_fired += 1
            return pending.fault
        return None

    @staticmethod
    def _same_chat(wanted: int | str, given: Any) -> bool:
        return str(wanted) == str(given)

    @staticmethod
    def _fire(fault: Fault) -> None:
        if fault.kind == "timeout":
            raise TimedOut(fault.description)
        if fault.kind == "network":
            raise NetworkError(fault.description)
        raise _ApiError(fault.status, fault.description, dict(fault.parameters) or None)

    # ---- chat state controls -------------------------------------------------------------

    def block(self, user_id: int) -> None:
        """The user blocked the bot: writing to their private chat answers 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user restarted the bot."""
        self._blocked.discard(user_id)

    def forget_chat(self, chat_id: int) -> None:
        """Telegram no longer knows the chat (deleted group, wrong id): 400 chat not found."""
        self._forgotten.add(chat_id)

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """A basic group became a supergroup: the old id answers 400 + migrate_to_chat_id."""
        self._migrated[old_chat_id] = new_chat_id
        old = self.chats.get(old_chat_id, {})
        self.chats[new_chat_id] = {
            "id": new_chat_id,
            "type": "supergroup",
            "title": old.get("title", f"group {new_chat_id}"),
        }
        if old_chat_id in self._bot_status:
            self._bot_status[new_chat_id] = self._bot_status[old_chat_id]

    def set_bot_status(self, chat_id: int, status: str) -> None:
        """The bot's own membership: "left"/"kicked" make writes to the group answer 403."""
        self._bot_status[chat_id] = status

    def enforce_limits(
        self,
        per_second: int | None = 30,
        per_group_per_minute: int | None = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Answer 429 to sends beyond Telegram's published broadcast limits.

        Counts accepted ``send*`` requests overall per second and per group per
        minute, so a test can prove the bot's own limiter keeps
        ``stats.too_many_requests`` at zero.  ``retry_after`` is the time until the
        oldest send leaves the window, rounded up.
        """
        self._limits = _RateLimits(per_second, per_group_per_minute, clock)

    # ---- updates -------------------------------------------------------------------------

    def next_update_id(self) -> int:
        """Update ids increase across everything pushed or built by the factory."""
        return next(self._update_ids)

    def push_update(self, update: JSONDict) -> JSONDict:
        """Queue an update for getUpdates (assigning ``update_id`` if missing).

        As on Telegram, ``chat_member``/``message_reaction*`` updates are only delivered
        when the poller asked for them in ``allowed_updates``; otherwise they are dropped.
        """
        update = copy.deepcopy(update)
        update.setdefault("update_id", self.next_update_id())
        self._register_update(update)
        self._queue.append(update)
        if self._event is not None:
            self._event.set()
        return update

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._queue)

    def _register_update(self, update: JSONDict) -> None:
        # Updates pushed by hand still make their messages/callbacks known to the double.
        for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
            message = update.get(key)
            if isinstance(message, dict):
                self.remember_incoming(message)
        query = update.get("callback_query")
        if isinstance(query, dict) and "id" in query:
            self._open_callbacks.add(str(query["id"]))

    def _updates_event(self) -> asyncio.Event:
        # One double may outlive an event loop (module-level fixtures): bind lazily.
        loop = asyncio.get_running_loop()
        if self._event is None or self._event_loop is not loop:
            self._event = asyncio.Event()
            self._event_loop = loop
        return self._event

    def _wanted(self, update: JSONDict) -> bool:
        kind = _update_type(update)
        if self._allowed_updates is None:
            return kind not in _NOT_DELIVERED_BY_DEFAULT
        return kind in self._allowed_updates

    def _deliverable(self, offset: int, limit: int) -> list[JSONDict]:
        # Telegram never queues unwanted types; dropping them on the way out is close enough.
        self._queue = [u for u in self._queue if self._wanted(u)]
        return [u for u in self._queue if u["update_id"] >= offset][:limit]

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        offset = int(params.get("offset", 0))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = float(params.get("timeout", 0))
        if "allowed_updates" in params:
            # Sticky like on Telegram: "If not specified, the previous setting will be used".
            self._allowed_updates = set(params["allowed_updates"]) or None
        if offset > 0:  # confirms everything before offset
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:  # "the last -offset updates", forgetting older ones
            self._queue = self._queue[offset:]
            offset = 0
        batch = self._deliverable(offset, limit)
        if not batch and timeout > 0:
            event = self._updates_event()
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(timeout, self.poll_wait))
            batch = self._deliverable(offset, limit)
        return copy.deepcopy(batch)

    # ---- ids, chats, users, files --------------------------------------------------------

    def allocate_message_id(self, chat_id: int) -> int:
        """Next message id in a chat; shared by bot and factory messages so none collide."""
        next_id = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = next_id
        return next_id

    def remember_incoming(self, message: JSONDict) -> None:
        """Make a user/channel message known (for replies and ``message_dict``)."""
        chat = message.get("chat", {})
        if "id" not in chat or "message_id" not in message:
            return
        chat_id = int(chat["id"])
        self.chats.setdefault(chat_id, copy.deepcopy(chat))
        sender = message.get("from")
        if isinstance(sender, dict) and "id" in sender:
            self.users.setdefault(int(sender["id"]), copy.deepcopy(sender))
        self._incoming[(chat_id, int(message["message_id"]))] = copy.deepcopy(message)
        if chat.get("type") == "private":
            self._started.add(chat_id)
        # Hand-built updates may use ids the counter has not reached; never reuse them.
        if int(message["message_id"]) > self._message_ids.get(chat_id, 0):
            self._message_ids[chat_id] = int(message["message_id"])

    def message_dict(self, chat_id: int, message_id: int) -> JSONDict:
        """A known message as a JSON dict (bot or incoming), without its own reply."""
        sent = self._bot_messages.get((chat_id, message_id))
        if sent is not None:
            data = sent.as_dict()
        elif (chat_id, message_id) in self._incoming:
            data = copy.deepcopy(self._incoming[(chat_id, message_id)])
        else:
            raise KeyError(f"message {message_id} in chat {chat_id} is unknown to the double")
        data.pop("reply_to_message", None)  # Telegram nests replies only one level deep
        return data

    def _message_exists(self, chat_id: int, message_id: int) -> bool:
        key = (chat_id, message_id)
        return key in self._bot_messages or key in self._incoming

    @property
    def bot_user(self) -> JSONDict:
        """The bot as a Telegram User dict."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def chat_dict(self, chat_id: int) -> JSONDict:
        """What Telegram would put in ``message.chat`` for this id (known or inferred)."""
        known = self.chats.get(chat_id)
        if known is not None:
            return copy.deepcopy(known)
        if chat_id > 0:
            user = self.users.get(chat_id, {})
            chat: JSONDict = {
                "id": chat_id,
                "type": "private",
                "first_name": user.get("first_name", f"user{chat_id}"),
            }
            if user.get("username"):
                chat["username"] = user["username"]
            return chat
        kind = "supergroup" if chat_id <= _SUPERGROUP_ID_BOUND else "group"
        return {"id": chat_id, "type": kind, "title": f"chat {chat_id}"}

    def _is_group(self, chat_id: int) -> bool:
        return self.chat_dict(chat_id)["type"] in ("group", "supergroup")

    def store_file(
        self, data: bytes, *, file_name: str | None, mime_type: str | None, kind: str
    ) -> StoredFile:
        """Give bytes a file_id as Telegram does on upload (also used by the factory)."""
        number = next(self._file_counter)
        prefix = "AgACAgUAAx" if kind == "photo" else "BQACAgUAAx"
        folder = "photos" if kind == "photo" else "documents"
        extension = (file_name or "").rpartition(".")[2] if "." in (file_name or "") else "jpg"
        stored = StoredFile(
            file_id=f"{prefix}{number:010d}",
            file_unique_id=f"AQAD{number:06d}",
            file_name=file_name,
            data=data,
            mime_type=mime_type,
            file_path=f"{folder}/file_{number}.{extension}",
        )
        self.files[stored.file_id] = stored
        return stored

    # ---- records: helpers for assertions ------------------------------------------------

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Everything the bot created in a chat, oldest first."""
        return [m for m in self.messages if m.chat_id == chat_id]

    def last_to(self, chat_id: int) -> SentMessage:
        """The newest message the bot created in a chat; LookupError if none."""
        sent = self.sent_to(chat_id)
        if not sent:
            chats = sorted({m.chat_id for m in self.messages})
            raise LookupError(f"nothing was sent to {chat_id}; chats with messages: {chats}")
        return sent[-1]

    def texts_to(self, chat_id: int) -> list[str]:
        """Rendered texts/captions sent to a chat (what the user reads, markup removed)."""
        return [m.plain_text or "" for m in self.sent_to(chat_id)]

    def find(self, text_contains: str) -> list[SentMessage]:
        """Messages whose raw or rendered text contains the fragment."""
        return [
            m
            for m in self.messages
            if text_contains in (m.plain_text or "") or text_contains in (m.text or "")
        ]

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one API method, oldest first."""
        return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        """Forget recorded calls, messages, answers and stats; keep chats, ids and queue.

        Message ids keep counting so later messages never reuse an id in a chat.
        """
        self.calls.clear()
        self.messages.clear()
        self.callback_answers.clear()
        self.stats = DoubleStats()

    @staticmethod
    def scope_key(scope: JSONDict | None = None) -> str:
        """Canonical JSON of a BotCommandScope dict, the first half of ``commands`` keys."""
        return json.dumps(
            scope or {"type": "default"}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )

    def commands_for(
        self, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        """Commands set for a scope/language, e.g. ``commands_for({"type": "all_group_chats"})``."""
        return self.commands.get((self.scope_key(scope), language_code), [])

    # ---- shared validation ---------------------------------------------------------------

    def _resolve_chat_id(self, raw: Any) -> int:
        if isinstance(raw, bool) or raw is None or raw == "":
            raise _bad_request("chat_id is empty")
        if isinstance(raw, int):
            return raw
        text = str(raw)
        if text.lstrip("-").isdigit():
            return int(text)
        if text.startswith("@"):
            for chat_id, chat in self.chats.items():
                if chat.get("username", "").lower() == text[1:].lower():
                    return chat_id
        raise _bad_request("chat not found")

    def _target_chat(self, params: JSONDict, method: str) -> int:
        """Resolve chat_id and apply chat state, in the order Telegram reports problems."""
        chat_id = self._resolve_chat_id(params.get("chat_id"))
        if chat_id in self._forgotten:
            raise _bad_request("chat not found")
        if chat_id in self._migrated:
            raise _ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        status = self._bot_status.get(chat_id)
        if status in ("left", "kicked"):
            kind = self.chat_dict(chat_id)["type"]
            if status == "kicked":
                raise _ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
            raise _ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        if method in _WRITE_METHODS and chat_id > 0:
            if chat_id in self._blocked:
                raise _ApiError(403, "Forbidden: bot was blocked by the user")
            if self.require_started and chat_id not in self._started:
                raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat_id

    @staticmethod
    def _parse_mode(params: JSONDict) -> str | None:
        mode = params.get("parse_mode")
        if mode in (None, ""):
            return None
        if str(mode).lower() not in ("html", "markdown", "markdownv2"):
            raise _bad_request("unsupported parse_mode")
        return str(mode)

    @staticmethod
    def _render(
        text: str,
        parse_mode: str | None,
        explicit_entities: Any,
        *,
        limit: int,
        too_long: str,
        empty: str | None,
    ) -> tuple[str, list[JSONDict]]:
        """Text after entity parsing, validated like Telegram.

        The length limit counts Python characters (code points) of the *parsed* text,
        which is what the Bot API documentation states ("characters after entities
        parsing"); markup and entities like ``&amp;`` do not count.  Telegram may
        count UTF-16 units instead (an emoji would then count twice), so code that
        splits long texts should keep a margin rather than rely on this exact edge.
        Only HTML is parsed; Markdown modes pass through unchecked (zhibu uses HTML).
        """
        if parse_mode is not None and parse_mode.lower() == "html":
            try:
                plain, entities = parse_html(text)
            except HtmlParseError as error:
                raise _bad_request(f"can't parse entities: {error}") from None
        else:
            plain = text
            entities = copy.deepcopy(explicit_entities) if explicit_entities else []
        if empty is not None and not plain.strip():
            raise _bad_request(empty)
        if len(plain) > limit:
            raise _bad_request(too_long)
        return plain, entities

    @staticmethod
    def _check_markup(markup: Any) -> JSONDict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise _bad_request("can't parse inline keyboard button: Text is empty")
                if "callback_data" in button:
                    data = str(button["callback_data"]).encode("utf-8")
                    if not 1 <= len(data) <= MAX_CALLBACK_DATA_BYTES:
                        raise _bad_request("BUTTON_DATA_INVALID")
                elif "url" in button:
                    url = str(button["url"])
                    if not re.match(r"^(https?|tg)://\S+$", url):
                        raise _bad_request("BUTTON_URL_INVALID")
                elif len(button) == 1:
                    raise _bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
        return copy.deepcopy(markup)

    def _reply_target(self, chat_id: int, params: JSONDict) -> int | None:
        raw_id: Any = None
        allow_missing = bool(params.get("allow_sending_without_reply"))
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            raw_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply"))
        elif "reply_to_message_id" in params:
            raw_id = params["reply_to_message_id"]
        if raw_id is None:
            return None
        message_id = int(raw_id)
        if self._message_exists(chat_id, message_id) or not self.strict_replies:
            return message_id
        if allow_missing:
            return None
        raise _bad_request("message to be replied not found")

    def _check_rate(self, chat_id: int) -> None:
        if self._limits is None:
            return
        wait = self._limits.retry_after(chat_id, self._is_group(chat_id))
        if wait is not None:
            raise _ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    def _record_send(self, chat_id: int) -> None:
        if self._limits is not None:
            self._limits.record(chat_id, self._is_group(chat_id))

    def _create_message(
        self,
        *,
        method: str,
        chat_id: int,
        kind: MessageKind,
        text: str | None,
        plain: str | None,
        entities: list[JSONDict],
        parse_mode: str | None,
        reply_markup: JSONDict | None,
        reply_to: int | None,
        stored: StoredFile | None = None,
    ) -> SentMessage:
        message = SentMessage(
            chat_id=chat_id,
            message_id=self.allocate_message_id(chat_id),
            kind=kind,
            text=text,
            plain_text=plain,
            entities=entities,
            parse_mode=parse_mode,
            reply_markup=reply_markup,
            reply_to_message_id=reply_to,
            date=self._now(),
            method=method,
            chat=self.chat_dict(chat_id),
            sender=self.bot_user,
            reply_to=self.message_dict(chat_id, reply_to)
            if reply_to is not None and self._message_exists(chat_id, reply_to)
            else None,
        )
        if stored is not None:
            message.file_name = stored.file_name
            message.file_bytes = stored.data
            message.file_id = stored.file_id
            message.file_unique_id = stored.file_unique_id
            message.mime_type = stored.mime_type
        self.messages.append(message)
        self._bot_messages[(chat_id, message.message_id)] = message
        return message

    # ---- handlers: bot, polling and commands --------------------------------------------

    def _get_me(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _delete_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        # The poller calls it before its first getUpdates; zhibu never sets a webhook.
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _command_key(self, params: JSONDict) -> tuple[str, str]:
        return self.scope_key(params.get("scope")), str(params.get("language_code", ""))

    def _set_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        commands = list(params.get("commands", []))
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not _COMMAND_NAME.match(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._command_key(params)] = copy.deepcopy(commands)
        return True

    # ---- handlers: messages --------------------------------------------------------------

    def _message_text(self, params: JSONDict) -> tuple[str, str | None, str, list[JSONDict]]:
        """The text of sendMessage/editMessageText, checked as Telegram checks it."""
        text = str(params.get("text", ""))
        parse_mode = self._parse_mode(params)
        plain, entities = self._render(
            text,
            parse_mode,
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
            empty="message text is empty",
        )
        return text, parse_mode, plain, entities

    def _send_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat_id = self._target_chat(params, "sendMessage")
        text, parse_mode, plain, entities = self._message_text(params)
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat_id, params)
        self._check_rate(chat_id)
        self._record_send(chat_id)
        message = self._create_message(
            method="sendMessage",
            chat_id=chat_id,
            kind="text",
            text=text,
            plain=plain,
            entities=entities,
            parse_mode=parse_mode,
            reply_markup=markup,
            reply_to=reply_to,
        )
        return message.as_dict()

    def _caption(self, params: JSONDict) -> tuple[str | None, str | None, list[JSONDict]]:
        caption = params.get("caption")
        if caption is None or caption == "":
            return None, None, []
        plain, entities = self._render(
            str(caption),
            self._parse_mode(params),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
            empty=None,
        )
        return str(caption), plain, entities

    def _media_input(
        self, kind: MessageKind, value: Any, upload: UploadedFile | None
    ) -> StoredFile:
        """An uploaded file; zhibu never sends by file_id or URL, so neither does the double."""
        if upload is not None:
            if not upload.data:
                raise _bad_request("file must be non-empty")
            if len(upload.data) > MAX_UPLOAD_BYTES:
                raise _ApiError(413, "Request Entity Too Large")
            return self.store_file(
                upload.data, file_name=upload.file_name, mime_type=upload.mime_type, kind=kind
            )
        raise _bad_request(f"method not implemented in the double: {kind} by file_id or URL")

    def _send_file(
        self, kind: MessageKind, method: str, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict:
        chat_id = self._target_chat(params, method)
        text, plain, entities = self._caption(params)
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat_id, params)
        value = params.get(kind)
        upload = files.get(kind)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        if upload is None and value is None:
            raise _bad_request(f"there is no {kind} in the request")
        stored = self._media_input(kind, value, upload)
        self._check_rate(chat_id)
        self._record_send(chat_id)
        message = self._create_message(
            method=method,
            chat_id=chat_id,
            kind=kind,
            text=text,
            plain=plain,
            entities=entities,
            parse_mode=self._parse_mode(params),
            reply_markup=markup,
            reply_to=reply_to,
            stored=stored,
        )
        return message.as_dict()

    def _send_document(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return self._send_file("document", "sendDocument", params, files)

    def _send_photo(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return self._send_file("photo", "sendPhoto", params, files)

    def _editable(self, chat_id: int, message_id: Any) -> SentMessage:
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        key = (chat_id, int(message_id))
        message = self._bot_messages.get(key)
        if message is not None:
            return message
        if key in self._incoming:
            raise _bad_request("message can't be edited")
        raise _bad_request("message to edit not found")

    @staticmethod
    def _not_modified() -> _ApiError:
        return _bad_request(
            "message is not modified: specified new message content and reply markup "
            "are exactly the same as a current content and reply markup of the message"
        )

    def _apply_edit(
        self,
        message: SentMessage,
        *,
        text: str | None,
        plain: str | None,
        entities: list[JSONDict],
        parse_mode: str | None,
        reply_markup: JSONDict | None,
    ) -> JSONDict:
        now = self._now()
        message.edits.append(
            MessageVersion(
                text=message.text,
                plain_text=message.plain_text,
                entities=message.entities,
                parse_mode=message.parse_mode,
                reply_markup=message.reply_markup,
                replaced_at=now,
            )
        )
        message.text = text
        message.plain_text = plain
        message.entities = entities
        message.parse_mode = parse_mode
        message.reply_markup = reply_markup
        message.edited = True
        message.edit_date = now
        return message.as_dict()

    def _edit_message_text(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        if "inline_message_id" in params:
            raise _bad_request("method not implemented in the double: inline messages")
        chat_id = self._target_chat(params, "editMessageText")
        message = self._editable(chat_id, params.get("message_id"))
        text, parse_mode, plain, entities = self._message_text(params)
        if message.kind != "text":
            raise _bad_request("there is no text in the message to edit")
        # Omitting reply_markup removes the keyboard, exactly like Telegram.
        markup = self._check_markup(params.get("reply_markup"))
        if (plain, entities, markup) == (
            message.plain_text,
            message.entities,
            message.reply_markup,
        ):
            raise self._not_modified()
        return self._apply_edit(
            message,
            text=text,
            plain=plain,
            entities=entities,
            parse_mode=parse_mode,
            reply_markup=markup,
        )

    def _edit_message_reply_markup(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict:
        if "inline_message_id" in params:
            raise _bad_request("method not implemented in the double: inline messages")
        chat_id = self._target_chat(params, "editMessageReplyMarkup")
        message = self._editable(chat_id, params.get("message_id"))
        markup = self._check_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise self._not_modified()
        return self._apply_edit(
            message,
            text=message.text,
            plain=message.plain_text,
            entities=message.entities,
            parse_mode=message.parse_mode,
            reply_markup=markup,
        )

    def _answer_callback_query(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            # Also what a second answer to the same query gets.
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text", ""))) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self.callback_answers.append(copy.deepcopy(params))
        return True

    # ---- handlers: files -----------------------------------------------------------------

    def _get_file(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }


def _update_type(update: JSONDict) -> str:
    return next((key for key in update if key != "update_id"), "")


def member_dict(status: str, user: JSONDict) -> JSONDict:
    """A ChatMember dict with the fields PTB requires for each status."""
    data: JSONDict = {"status": status, "user": copy.deepcopy(user)}
    if status == "administrator":
        data.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=False,
            can_restrict_members=False,
            can_promote_members=False,
            can_change_info=False,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=True,
        )
    elif status == "creator":
        data["is_anonymous"] = False
    elif status == "kicked":
        data["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"unsupported chat member status for the double: {status!r}")
    return data


# --------------------------------------------------------------------------------------------
# UpdateFactory: updates shaped like Telegram's, consistent with the double's state.
# --------------------------------------------------------------------------------------------

ReplyTo = SentMessage | int | None
UserRef = JSONDict | int


class UpdateFactory:
    """Builds update dicts as Telegram sends them, sharing ids and clock with the double.

    Feed them to ``app.process_update(Update.de_json(update, app.bot))`` or, with
    polling running, to :meth:`push` (``auto_push=True`` pushes everything built).
    """

    def __init__(self, double: BotApiDouble, *, auto_push: bool = False) -> None:
        self.double = double
        self.auto_push = auto_push

    # ---- plumbing ------------------------------------------------------------------------

    def push(self, update: JSONDict) -> JSONDict:
        """Queue an already built update for getUpdates."""
        return self.double.push_update(update)

    def _finish(self, payload: JSONDict) -> JSONDict:
        update = {"update_id": self.double.next_update_id(), **payload}
        if self.auto_push:
            self.double.push_update(update)
        else:
            self.double._register_update(update)
        return update

    def _now(self) -> int:
        return _timestamp(self.double._now())

    def _user(self, user: UserRef) -> JSONDict:
        if isinstance(user, int):
            return copy.deepcopy(self.double.users.get(user) or self.user(user))
        return copy.deepcopy(user)

    def _private_chat(self, user: JSONDict) -> JSONDict:
        chat: JSONDict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if user.get(key):
                chat[key] = user[key]
        return chat

    def _chat(self, chat_id: int | None, user: JSONDict) -> JSONDict:
        if chat_id is None or chat_id == user["id"]:
            return self._private_chat(user)
        return self.double.chat_dict(chat_id)

    def _reply(self, chat_id: int, reply_to: ReplyTo) -> JSONDict | None:
        if reply_to is None:
            return None
        if isinstance(reply_to, SentMessage):
            if reply_to.chat_id != chat_id:
                raise ValueError("reply_to is a message from another chat")
            data = reply_to.as_dict()
            data.pop("reply_to_message", None)
            return data
        return self.double.message_dict(chat_id, reply_to)

    def _message(
        self, chat: JSONDict, sender: JSONDict | None, reply_to: ReplyTo, **content: Any
    ) -> JSONDict:
        chat_id = int(chat["id"])
        message: JSONDict = {
            "message_id": self.double.allocate_message_id(chat_id),
            "date": self._now(),
            "chat": chat,
        }
        if sender is not None:
            message["from"] = sender
        reply = self._reply(chat_id, reply_to)
        if reply is not None:
            message["reply_to_message"] = reply
        message.update(content)
        return message

    @staticmethod
    def _text_content(text: str) -> JSONDict:
        content: JSONDict = {"text": text}
        match = _COMMAND_TOKEN.match(text)
        if match:
            # PTB's CommandHandler only looks at a bot_command entity at offset 0.
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}
            ]
        return content

    # ---- people and chats ---------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "张三",
        username: str | None = None,
        language_code: str | None = "zh-hans",
        last_name: str | None = None,
    ) -> JSONDict:
        """A Telegram User dict; also registers the user and their private chat."""
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.double.users[user_id] = copy.deepcopy(user)
        self.double.chats[user_id] = self._private_chat(user)
        return user

    def group(self, chat_id: int, title: str = "协调群", chat_type: str = "supergroup") -> JSONDict:
        """Register (or retitle) a group chat and return its Chat dict."""
        chat: JSONDict = {"id": chat_id, "type": chat_type, "title": title}
        self.double.chats[chat_id] = chat
        return copy.deepcopy(chat)

    # ---- messages ------------------------------------------------------------------------

    def private_text(self, user: UserRef, text: str, reply_to: ReplyTo = None) -> JSONDict:
        """A text (or /command) from a user in their private chat with the bot."""
        sender = self._user(user)
        chat = self._private_chat(sender)
        return self._finish(
            {"message": self._message(chat, sender, reply_to, **self._text_content(text))}
        )

    def group_text(
        self,
        chat_id: int,
        user: UserRef,
        text: str,
        reply_to: ReplyTo = None,
        title: str = "协调群",
        chat_type: str = "supergroup",
    ) -> JSONDict:
        """A text (or /command@bot) from a user in a group."""
        sender = self._user(user)
        known = self.double.chats.get(chat_id)
        chat = copy.deepcopy(known) if known else self.group(chat_id, title, chat_type)
        return self._finish(
            {"message": self._message(chat, sender, reply_to, **self._text_content(text))}
        )

    def photo(
        self,
        user: UserRef,
        chat_id: int | None = None,
        caption: str | None = None,
        reply_to: ReplyTo = None,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
    ) -> JSONDict:
        """A photo (three sizes, fake ids); the bytes are downloadable via getFile."""
        sender = self._user(user)
        chat = self._chat(chat_id, sender)
        stored = self.double.store_file(
            content, file_name=None, mime_type="image/jpeg", kind="photo"
        )
        extra: JSONDict = {
            "photo": _photo_sizes(stored.file_id, stored.file_unique_id, len(content))
        }
        if caption:
            extra["caption"] = caption
        return self._finish({"message": self._message(chat, sender, reply_to, **extra)})

    def document(
        self,
        user: UserRef,
        chat_id: int | None = None,
        file_name: str = "a.pdf",
        caption: str | None = None,
        reply_to: ReplyTo = None,
        content: bytes = b"%PDF-1.4\n% fake\n",
        mime_type: str | None = None,
    ) -> JSONDict:
        """A document upload by a user; the bytes are downloadable via getFile."""
        sender = self._user(user)
        chat = self._chat(chat_id, sender)
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        stored = self.double.store_file(
            content, file_name=file_name, mime_type=mime, kind="document"
        )
        extra: JSONDict = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": file_name,
                "mime_type": mime,
                "file_size": len(content),
            }
        }
        if caption:
            extra["caption"] = caption
        return self._finish({"message": self._message(chat, sender, reply_to, **extra)})

    def sticker(self, user: UserRef, chat_id: int | None = None) -> JSONDict:
        """A sticker: content the bot should politely not understand."""
        sender = self._user(user)
        chat = self._chat(chat_id, sender)
        number = next(self.double._file_counter)
        sticker = {
            "file_id": f"CAACAgIAAx{number:010d}",
            "file_unique_id": f"AgAD{number:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self._finish({"message": self._message(chat, sender, None, sticker=sticker)})

    def callback(
        self, user: UserRef, message: SentMessage, data: str, *, allow_forged: bool = False
    ) -> JSONDict:
        """The user pressed an inline button of a bot message.

        ``data`` must be on the message's current keyboard (a test that presses a
        button which isn't there is wrong); ``allow_forged=True`` skips the check to
        simulate modified clients sending arbitrary data.
        """
        if not allow_forged and data not in {value for _, value in message.buttons()}:
            raise ValueError(f"{data!r} is not a button of this message: {message.buttons()!r}")
        query_id = f"{self.double.bot_id}{next(self.double._callback_counter):08d}"
        query = {
            "id": query_id,
            "from": self._user(user),
            "message": message.as_dict(),
            "chat_instance": f"ci{message.chat_id}",
            "data": data,
        }
        return self._finish({"callback_query": query})

    def edited_text(self, original: JSONDict, text: str) -> JSONDict:
        """The user edited a message previously built by this factory (update or message)."""
        message = original.get("message") or original.get("channel_post") or original
        edited = copy.deepcopy(message)
        edited.pop("entities", None)
        edited.update(self._text_content(text))
        edited["edit_date"] = self._now()
        key = "edited_channel_post" if edited["chat"].get("type") == "channel" else "edited_message"
        return self._finish({key: edited})

    def channel_post(self, chat_id: int, text: str, title: str = "通知频道") -> JSONDict:
        """A post in a channel where the bot is an admin."""
        chat: JSONDict = {"id": chat_id, "type": "channel", "title": title}
        self.double.chats.setdefault(chat_id, chat)
        message = self._message(copy.deepcopy(chat), None, None, **self._text_content(text))
        message["sender_chat"] = copy.deepcopy(chat)
        return self._finish({"channel_post": message})

    def my_chat_member(
        self,
        chat_id: int,
        user: UserRef,
        new_status: str = "member",
        old_status: str = "left",
        title: str = "协调群",
        chat_type: str = "supergroup",
    ) -> JSONDict:
        """The bot's membership changed (default: ``user`` added it to a group).

        Also updates the double: after "left"/"kicked" writes to the chat answer 403,
        after "member"/"administrator" they work again.
        """
        known = self.double.chats.get(chat_id)
        chat = copy.deepcopy(known) if known else self.group(chat_id, title, chat_type)
        self.double.set_bot_status(chat_id, new_status)
        payload = {
            "chat": chat,
            "from": self._user(user),
            "date": self._now(),
            "old_chat_member": member_dict(old_status, self.double.bot_user),
            "new_chat_member": member_dict(new_status, self.double.bot_user),
        }
        return self._finish({"my_chat_member": payload})

    def migrate_message(self, old_chat_id: int, new_chat_id: int, user: UserRef) -> JSONDict:
        """The service message in the *old* group (``migrate_to_chat_id``).

        Also applies :meth:`BotApiDouble.migrate`, so writing to the old id fails
        with ``ChatMigrated`` from now on.
        """
        sender = self._user(user)
        known = self.double.chats.get(old_chat_id)
        chat = copy.deepcopy(known) if known else self.group(old_chat_id, chat_type="group")
        message = self._message(chat, sender, None, migrate_to_chat_id=new_chat_id)
        self.double.migrate(old_chat_id, new_chat_id)
        return self._finish({"message": message})

    def migrate_from_message(self, old_chat_id: int, new_chat_id: int, user: UserRef) -> JSONDict:
        """The companion service message in the *new* supergroup (``migrate_from_chat_id``)."""
        if old_chat_id not in self.double._migrated:
            self.double.migrate(old_chat_id, new_chat_id)
        chat = self.double.chat_dict(new_chat_id)
        message = self._message(chat, self._user(user), None, migrate_from_chat_id=old_chat_id)
        return self._finish({"message": message})
