"""A fake Telegram Bot API over real HTTP on 127.0.0.1, for benchmarks.

It answers at once the methods zhibu and python-telegram-bot use, records every
call with a `time.perf_counter()` timestamp, keeps one update queue per bot
token (so zhibu and a peer bot can share one server), and, when asked, enforces
Telegram's limits per token — 30 messages per second in all, 20 per minute into
one group — by answering 429 with `retry_after`, as Telegram does.

Pure stdlib `asyncio` streams: HTTP/1.1 with keep-alive, bodies by
Content-Length (form-urlencoded, multipart or JSON). Not a product module; it
lives in `benchmarks/` and is tested by tests/test_bench_fake_botapi.py.

Use inside an event loop:

    server = FakeBotApi(limits=True)
    await server.start()            # server.base_url == "http://127.0.0.1:PORT"
    server.push_text(TOKEN, chat_id=42, text="/help")
    ...
    await server.stop()

Or standalone: python -m benchmarks.fake_botapi [--port 8081] [--limits]

Fault injection (the fault suite, tests/faults/): `server.inject(Fault(...))` makes
chosen calls of a method fail the ways Telegram and networks do — 429 with
`retry_after`, a 5xx, a connection reset before the call is carried out, a response
lost after it was carried out (the message exists, the client never hears so), a
hang — deterministically (every n-th call, up to a count), and each such call is
marked (`Call.fault`). `server.hold(method)` / `server.release(method)` keep a
method's answers waiting until released. `server.add_file(...)` serves a document
(`push_document`) for getFile and the download. `confirmed(token)` is the highest
update id the bot confirmed (its later getUpdates asked past it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, unquote

from bot.testing.botapi_double import _RateLimits

JSON = dict[str, Any]

# Methods that put a message into a chat: these count against Telegram's limits.
SENDS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
    }
)
EDITS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})
TRUE_METHODS = frozenset(
    {
        "deleteWebhook",
        "setWebhook",
        "logOut",
        "close",
        "setMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
        "answerCallbackQuery",
        "deleteMessage",
        "deleteMessages",
        "sendChatAction",
        "pinChatMessage",
        "unpinChatMessage",
        "leaveChat",
        "setMessageReaction",
    }
)
MAX_POLL_SECONDS = 30.0  # a long poll never hangs longer than this, whatever it asks
MAX_BODY = 64 * 1024 * 1024
CHECK_EVERY = 0.05  # seconds: how often `wait_for` looks at most


@dataclass
class Call:
    at: float  # time.perf_counter() when the request had been read
    token: str
    method: str
    params: JSON
    status: int = 200
    result: Any = None
    fault: str | None = None  # the injected fault this call met, if any
    answered: float | None = None  # perf_counter when the answer was written (None: never)

    @property
    def chat_id(self) -> int | None:
        return _int(self.params.get("chat_id"))


# The faults `Fault.kind` names. "reset" and "lost" close the connection without an
# answer: "reset" before the call is carried out, "lost" after (a sent message exists).
FAULT_KINDS = frozenset({"429", "500", "502", "reset", "lost", "hang"})


@dataclass
class Fault:
    """Make calls of `method` fail as `kind` says: the `every`-th call (counting from
    `start`, 1-based, among this method's calls while the fault is injected), at most
    `count` times (None: no limit). 429 carries `retry_after`; a hang lasts `seconds`."""

    kind: str
    method: str = "sendMessage"
    every: int = 1
    start: int = 1
    count: int | None = None
    retry_after: int = 1
    seconds: float = 5.0
    token: str | None = None  # None: any bot
    seen: int = 0
    hits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {sorted(FAULT_KINDS)}")

    def due(self, token: str, method: str) -> bool:
        """Count this call of `method` and say whether it is one the fault strikes
        (the server applies the first fault that is due, and counts its hit)."""
        if method != self.method or (self.token is not None and token != self.token):
            return False
        self.seen += 1
        if self.count is not None and self.hits >= self.count:
            return False
        n = self.seen - self.start
        return n >= 0 and n % max(self.every, 1) == 0


class _Drop(Exception):
    """Close the connection without an answer (a reset or a lost response)."""


class Limits:
    """Sliding windows over accepted sends, like Telegram's flood control: the Bot API
    double's windows, on the clock of each call's arrival (negative chat ids are groups)."""

    def __init__(self, per_second: int | None = 30, per_group_per_minute: int | None = 20):
        self._now = 0.0
        self._windows = _RateLimits(per_second, per_group_per_minute, lambda: self._now)

    def retry_after(self, chat_id: int, now: float) -> int | None:
        self._now = now
        return self._windows.retry_after(chat_id, chat_id < 0)

    def record(self, chat_id: int, now: float) -> None:
        self._now = now
        self._windows.record(chat_id, chat_id < 0)


@dataclass
class Bot:
    """What the server keeps per token."""

    token: str
    user: JSON
    limits: Limits | None
    updates: list[JSON] = field(default_factory=list)
    next_update_id: int = 1
    next_message_id: int = 1
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    too_many_requests: int = 0


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    return None


def _chat(chat_id: int) -> JSON:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}
    return {"id": chat_id, "type": "supergroup", "title": f"group{chat_id}"}


class FakeBotApi:
    def __init__(
        self,
        *,
        limits: bool = False,
        per_second: int | None = 30,
        per_group_per_minute: int | None = 20,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.enforce = limits
        self.per_second = per_second
        self.per_group_per_minute = per_group_per_minute
        self.host = host
        self.port = port
        self.calls: list[Call] = []
        self._by_method: dict[tuple[str, str], list[Call]] = defaultdict(list)
        self.bots: dict[str, Bot] = {}
        self.call_arrived = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._closing = False
        self.faults: list[Fault] = []
        self._held: dict[str, asyncio.Event] = {}
        self.files: dict[str, bytes] = {}

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._closing = True
        for bot in self.bots.values():
            bot.arrived.set()  # answer pending long polls
        for event in self._held.values():
            event.set()
        if self._server is not None:
            self._server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
            await self._server.wait_closed()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- bots and updates --------------------------------------------------------------

    def bot(self, token: str) -> Bot:
        bot = self.bots.get(token)
        if bot is None:
            number = _int(token.partition(":")[0]) or 1
            user = {
                "id": number,
                "is_bot": True,
                "first_name": f"bench{number}",
                "username": f"bench{number}_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
            limits = Limits(self.per_second, self.per_group_per_minute) if self.enforce else None
            bot = self.bots[token] = Bot(token, user, limits)
        return bot

    def push_update(self, token: str, update: JSON) -> int:
        """Queue an update (its `update_id` is assigned here) and wake the bot's long poll."""
        bot = self.bot(token)
        update_id = bot.next_update_id
        bot.next_update_id += 1
        bot.updates.append({"update_id": update_id, **update})
        bot.arrived.set()
        return update_id

    def push_text(self, token: str, *, chat_id: int, text: str, reply_to: int | None = None) -> int:
        """A private message from user `chat_id`; `reply_to` makes it a reply to our message."""
        bot = self.bot(token)
        message: JSON = {
            "message_id": 1_000_000 + bot.next_update_id,
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": {"id": chat_id, "is_bot": False, "first_name": f"user{chat_id}"},
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": reply_to,
                "date": int(time.time()),
                "chat": _chat(chat_id),
                "from": bot.user,
                "text": "…",
            }
        return self.push_update(token, {"message": message})

    def push_callback(self, token: str, *, chat_id: int, message: Call, data: str) -> int:
        """User `chat_id` presses a button (callback `data`) under our `message` (a send call)."""
        sent = message.result if isinstance(message.result, dict) else {}
        query: JSON = {
            "id": str(10_000_000 + self.bot(token).next_update_id),
            "from": {"id": chat_id, "is_bot": False, "first_name": f"user{chat_id}"},
            "chat_instance": str(chat_id),
            "data": data,
            "message": {
                "message_id": sent.get("message_id", 1),
                "date": int(time.time()),
                "chat": _chat(chat_id),
                "from": self.bot(token).user,
                "text": str(message.params.get("text", "…")),
            },
        }
        return self.push_update(token, {"callback_query": query})

    def add_file(self, data: bytes, file_id: str | None = None) -> str:
        """Serve `data` as a document: getFile and the download find it by its file id."""
        file_id = file_id or f"file{len(self.files) + 1}"
        self.files[file_id] = data
        return file_id

    def push_document(
        self, token: str, *, chat_id: int, file_name: str, data: bytes, caption: str = ""
    ) -> int:
        """User `chat_id` sends a document (served by getFile and the file URL)."""
        bot = self.bot(token)
        file_id = self.add_file(data, f"doc{bot.next_update_id}")
        message: JSON = {
            "message_id": 1_000_000 + bot.next_update_id,
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": {"id": chat_id, "is_bot": False, "first_name": f"user{chat_id}"},
            "document": {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": file_name,
                "file_size": len(data),
            },
        }
        if caption:
            message["caption"] = caption
        return self.push_update(token, {"message": message})

    # -- faults ------------------------------------------------------------------------

    def inject(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def hold(self, method: str) -> None:
        """Answers to `method` wait (the call is carried out) until `release(method)`."""
        self._held.setdefault(method, asyncio.Event()).clear()

    def release(self, method: str) -> None:
        event = self._held.pop(method, None)
        if event is not None:
            event.set()

    # -- queries for benchmarks and tests ----------------------------------------------

    def confirmed(self, token: str) -> int:
        """The highest update id the bot confirmed: a getUpdates asked with an offset past
        it (Telegram then forgets it). 0 when none was confirmed."""
        offsets = [_int(c.params.get("offset")) or 0 for c in self.calls_of(token, "getUpdates")]
        return max(max(offsets, default=0) - 1, 0)

    def delivered(self, token: str) -> set[int]:
        """The update ids getUpdates answers carried (whether or not the bot read them)."""
        return {
            u["update_id"]
            for c in self.calls_of(token, "getUpdates")
            if isinstance(c.result, list)
            for u in c.result
        }

    def calls_of(self, token: str, method: str | None = None, *, ok: bool = True) -> list[Call]:
        pool = self.calls if method is None else self._by_method.get((token, method), [])
        return [c for c in pool if c.token == token and (not ok or c.status == 200)]

    def too_many(self, token: str) -> int:
        return self.bot(token).too_many_requests

    async def wait_for(self, predicate: Any, within: float) -> bool:
        """Wait until `predicate()` is true, at most `within` s.

        It is checked when a call arrives, but not more often than every
        CHECK_EVERY s, so a waiting benchmark costs the server's loop (and its
        timestamps) next to nothing; figures come from the calls' timestamps,
        never from when this returns.
        """
        deadline = time.perf_counter() + within
        while not predicate():
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            self.call_arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.call_arrived.wait(), min(left, 0.5))
            await asyncio.sleep(CHECK_EVERY)
        return True

    # -- HTTP --------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while not self._closing:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                verb, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                if length > MAX_BODY:
                    break
                body = await reader.readexactly(length) if length else b""
                try:
                    status, payload, ctype = await self._dispatch(verb, target, headers, body)
                except _Drop:
                    writer.transport.abort()  # no answer: the client sees the connection go
                    break
                writer.write(
                    f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                    f"Content-Type: {ctype}\r\nContent-Length: {len(payload)}\r\n"
                    "Connection: keep-alive\r\n\r\n".encode("latin-1")
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _dispatch(
        self, verb: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, str]:
        path = unquote(target.split("?", 1)[0])
        if path.startswith("/file/bot"):  # file downloads: GET /file/bot<token>/<file_path>
            file_id = path.rsplit("/", 1)[-1]
            data = self.files.get(file_id, b"\x89fake file contents")
            return 200, data, "application/octet-stream"
        if not path.startswith("/bot") or path.count("/") < 2:
            return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}', "text/json"
        token, _, method = path[len("/bot") :].partition("/")
        params = _parse_body(headers.get("content-type", ""), body)
        if "?" in target:
            params.update(dict(parse_qsl(target.split("?", 1)[1])))
        call = Call(time.perf_counter(), token, method, params)
        self.calls.append(call)
        self._by_method[token, method].append(call)
        self.call_arrived.set()
        due = [f for f in self.faults if f.due(token, method)]  # each counts the call
        fault = due[0] if due else None
        try:
            if fault is not None:
                fault.hits += 1
                call.fault = fault.kind
                await self._fault_before(fault, call)
            result = await self._answer(self.bot(token), method, params, call)
        except _ApiError as exc:
            call.status = exc.status
            call.answered = time.perf_counter()
            answer: JSON = {"ok": False, "error_code": exc.status, "description": exc.text}
            if exc.parameters:
                answer["parameters"] = exc.parameters
            return exc.status, json.dumps(answer).encode(), "application/json"
        call.result = result
        held = self._held.get(method)
        if held is not None:
            await held.wait()
        if fault is not None and fault.kind == "lost":
            raise _Drop  # carried out, and the answer never arrives
        call.answered = time.perf_counter()
        return 200, json.dumps({"ok": True, "result": result}).encode(), "application/json"

    async def _fault_before(self, fault: Fault, call: Call) -> None:
        """The faults that strike before the call is carried out."""
        if fault.kind == "429":
            self.bot(call.token).too_many_requests += 1
            raise _ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        if fault.kind in ("500", "502"):
            raise _ApiError(
                int(fault.kind), "Internal Server Error" if fault.kind == "500" else "Bad Gateway"
            )
        if fault.kind == "reset":
            call.status = 0
            raise _Drop
        if fault.kind == "hang":
            await asyncio.sleep(fault.seconds)

    async def _answer(self, bot: Bot, method: str, params: JSON, call: Call) -> Any:
        if method == "getMe":
            return bot.user
        if method == "getUpdates":
            return await self._get_updates(bot, params)
        if method in TRUE_METHODS:
            return True
        chat_id = _int(params.get("chat_id"))
        if method in SENDS:
            if chat_id is None:
                raise _ApiError(400, "Bad Request: chat not found")
            if bot.limits is not None:
                wait = bot.limits.retry_after(chat_id, call.at)
                if wait is not None:
                    bot.too_many_requests += 1
                    raise _ApiError(
                        429, f"Too Many Requests: retry after {wait}", {"retry_after": wait}
                    )
                bot.limits.record(chat_id, call.at)
            return self._message(bot, method, chat_id, params)
        if method in EDITS:
            if chat_id is None:
                return True  # inline message
            message = self._message(bot, method, chat_id, params)
            message["message_id"] = _int(params.get("message_id")) or message["message_id"]
            message["edit_date"] = int(time.time())
            return message
        if method == "getFile":
            file_id = str(params.get("file_id", "f"))
            return {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": len(self.files.get(file_id, b"\x89fake file contents")),
                "file_path": f"documents/{file_id}",
            }
        if method == "getChat":
            return _chat(chat_id or 0)
        if method == "getChatMember":
            user = _int(params.get("user_id")) or 0
            return {"status": "member", "user": {"id": user, "is_bot": False, "first_name": "u"}}
        if method == "getChatMemberCount":
            return 2
        if method in {"getMyCommands"}:
            return []
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True  # anything else: accepted (the call log shows what it was)

    async def _get_updates(self, bot: Bot, params: JSON) -> list[JSON]:
        offset = _int(params.get("offset")) or 0
        limit = min(max(_int(params.get("limit")) or 100, 1), 100)
        timeout = min(float(_int(params.get("timeout")) or 0), MAX_POLL_SECONDS)
        if offset:
            bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
        deadline = time.perf_counter() + timeout
        while not bot.updates and not self._closing:
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            bot.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(bot.arrived.wait(), left)
        return bot.updates[:limit]

    def _message(self, bot: Bot, method: str, chat_id: int, params: JSON) -> JSON:
        message_id = bot.next_message_id
        bot.next_message_id += 1
        message: JSON = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": bot.user,
        }
        if "text" in params:
            message["text"] = str(params["text"])
        if "caption" in params:
            message["caption"] = str(params["caption"])
        if method == "sendDocument":
            message["document"] = {"file_id": f"d{message_id}", "file_unique_id": f"ud{message_id}"}
        if method == "sendPhoto":
            message["photo"] = [
                {
                    "file_id": f"p{message_id}",
                    "file_unique_id": f"up{message_id}",
                    "width": 800,
                    "height": 600,
                }
            ]
        markup = params.get("reply_markup")
        if isinstance(markup, str) and markup.startswith("{"):
            with contextlib.suppress(ValueError):
                parsed = json.loads(markup)
                if "inline_keyboard" in parsed:
                    message["reply_markup"] = parsed
        return message


class _ApiError(Exception):
    def __init__(self, status: int, text: str, parameters: JSON | None = None) -> None:
        super().__init__(text)
        self.status, self.text, self.parameters = status, text, parameters


def _parse_body(ctype: str, body: bytes) -> JSON:
    """python-telegram-bot posts form fields (non-strings JSON-encoded), or multipart with files."""
    if not body:
        return {}
    kind = ctype.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        loaded = json.loads(body)
        return loaded if isinstance(loaded, dict) else {}
    if kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode("latin-1") + body
        )
        out: JSON = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            data = part.get_payload(decode=True) or b""
            if part.get_filename():
                out[str(name)] = {"filename": part.get_filename(), "size": len(data)}
            else:
                out[str(name)] = data.decode("utf-8", "replace")
        return out
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


async def _main(port: int, limits: bool) -> None:
    server = FakeBotApi(limits=limits, port=port)
    await server.start()
    print(f"fake Bot API on {server.base_url} (limits {'on' if limits else 'off'}); Ctrl-C stops")
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--limits", action="store_true", help="answer 429 above Telegram's limits")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args.port, args.limits))
