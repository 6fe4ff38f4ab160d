"""A simulated world: the real Application, the Bot API double and a clock we move.

Used by the end-to-end tests and by `zhibu demo`. Time only moves when the
simulation says so; every tick runs the same `tick()` the JobQueue runs in
production.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app import build_application, drain, tick
from bot.delivery import Drained
from bot.services.base import Env
from bot.testing.botapi_double import BotApiDouble, SentMessage, UpdateFactory

TOKEN = "123456:TEST-TOKEN-not-real-000000000000"


class FakeClock:
    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("aware datetimes only")
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        if moment < self.now:
            raise ValueError("time only moves forward")
        self.now = moment


@dataclass
class Line:
    at: datetime
    who: str
    to: str
    text: str


@dataclass
class Transcript:
    lines: list[Line] = field(default_factory=list)

    def add(self, at: datetime, who: str, to: str, text: str) -> None:
        self.lines.append(Line(at, who, to, text))


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class Sim:
    """Drive zhibu like its users would, with time under control."""

    def __init__(self, env: Env, start: datetime, *, double: BotApiDouble | None = None) -> None:
        self.env = env
        self.clock = FakeClock(start)
        self.double = double or BotApiDouble(clock=self.clock)
        self.double.clock = self.clock
        self.factory = UpdateFactory(self.double)
        self.app: Application = build_application(  # type: ignore[type-arg]
            env,
            token=TOKEN,
            request=self.double,
            clock=self.clock,
            rate_limit=False,
            background=False,
        )
        self.transcript = Transcript()
        self.names: dict[int, str] = {}
        self._seen = 0

    async def __aenter__(self) -> Sim:
        await self.app.initialize()
        await self.app.post_init(self.app)  # type: ignore[misc]
        await self.process_queued()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.shutdown()

    # ------------------------------------------------------------------ people

    def user(
        self, user_id: int, name: str, language_code: str | None = "zh-hans"
    ) -> dict[str, Any]:
        self.names[user_id] = name
        return self.factory.user(user_id, name, language_code=language_code)

    def group(self, chat_id: int, title: str) -> dict[str, Any]:
        self.names[chat_id] = title
        return self.factory.group(chat_id, title)

    def _name(self, chat_id: int) -> str:
        return self.names.get(chat_id, str(chat_id))

    # ------------------------------------------------------------------- input

    async def feed(self, update: dict[str, Any]) -> list[SentMessage]:
        """Process one update through the real Application, then deliver the outbox."""
        self._note_incoming(update)
        await self.process(Update.de_json(update, self.app.bot))
        await drain(self.app, self.clock())
        return self._collect()

    async def process(self, update: object) -> None:
        """Handle one update the way polling does: through the application's update
        processor (per-chat order), returning once its handlers have run."""
        app = self.app
        await app.update_processor.process_update(update, app.process_update(update))

    async def process_queued(self) -> None:
        """Handle what start-up queued for the application (updates received before a
        stop and never handled), as the running application would, oldest first."""
        queue = self.app.update_queue
        while not queue.empty():
            update = queue.get_nowait()
            try:
                await self.process(update)
            finally:
                queue.task_done()

    async def say(
        self, user_id: int, text: str, reply_to: SentMessage | None = None
    ) -> list[SentMessage]:
        return await self.feed(self.factory.private_text(user_id, text, reply_to=reply_to))

    async def say_in_group(
        self, chat_id: int, user_id: int, text: str, reply_to: SentMessage | None = None
    ) -> list[SentMessage]:
        return await self.feed(self.factory.group_text(chat_id, user_id, text, reply_to=reply_to))

    async def press(
        self, user_id: int, message: SentMessage, label_contains: str
    ) -> list[SentMessage]:
        data = message.callback_data(label_contains)
        return await self.feed(self.factory.callback(user_id, message, data))

    # -------------------------------------------------------------------- time

    async def tick(self) -> Drained:
        drained = await tick(self.app, self.clock())
        self._collect()
        return drained

    async def advance_to(self, moment: datetime, step: timedelta = timedelta(hours=1)) -> None:
        """Move time forward to `moment`, ticking every `step` on the way and at `moment`."""
        current = self.clock()
        while current + step < moment:
            current += step
            self.clock.set(current)
            await self.tick()
        self.clock.set(moment)
        await self.tick()

    def forget_messages(self) -> None:
        """Start the double's record afresh (tests that count messages from here on)."""
        self.double.clear()
        self._seen = 0

    # -------------------------------------------------------------- transcript

    def _note_incoming(self, update: dict[str, Any]) -> None:
        message = update.get("message")
        query = update.get("callback_query")
        now = self.clock()
        if message is not None:
            sender = message.get("from", {}).get("id", 0)
            chat = message["chat"]["id"]
            body = message.get("text") or message.get("caption") or ""
            if "photo" in message:
                body = f"[照片] {body}".strip()
            elif "document" in message:
                body = f"[文件 {message['document'].get('file_name', '')}] {body}".strip()
            elif "sticker" in message:
                body = "[表情]"
            if "reply_to_message" in message:
                body = f"↩ {body}"
            to = "bot" if chat == sender else self._name(chat)
            self.transcript.add(now, self._name(sender), to, body)
        elif query is not None:
            self.transcript.add(
                now, self._name(query["from"]["id"]), "bot", f"[按钮 {query.get('data')}]"
            )

    def _collect(self) -> list[SentMessage]:
        fresh = self.double.messages[self._seen :]
        self._seen = len(self.double.messages)
        for m in fresh:
            self.transcript.add(
                m.date if isinstance(m.date, datetime) else self.clock(),
                "bot",
                self._name(m.chat_id),
                m.plain_text or plain(m.text or ""),
            )
        return fresh
