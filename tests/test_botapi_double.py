"""The Bot API double, exercised through real PTB objects (Bot, Application, Updater).

These tests pin the double's contract: if PTB or Telegram behave differently, the
bot's own tests would be testing fiction.  The double implements only the methods
zhibu calls; everything else is reported as not implemented.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
)

from bot.testing.botapi_double import (
    BotApiDouble,
    Fault,
    HtmlParseError,
    SentMessage,
    UpdateFactory,
    member_dict,
    parse_html,
)

TOKEN = "123456:SECRET-token-value"
USER = 1001
GROUP = -1001234567890


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without this, *constructing* RetryAfter emits PTBDeprecationWarning (PTB 22.2+),
    # which filterwarnings=error turns into a failure.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def ci(fragment: str) -> str:
    """Pattern for ``pytest.raises(BadRequest, match=...)``.

    PTB strips "Bad Request: " and then ``str.capitalize()``s the rest, which
    lower-cases everything after the first letter ("BUTTON_DATA_INVALID" becomes
    "Button_data_invalid"), so descriptions must be matched case-insensitively.
    """
    return "(?i)" + re.escape(fragment)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def double(clock: FakeClock) -> BotApiDouble:
    return BotApiDouble(clock=clock)


@pytest.fixture
def factory(double: BotApiDouble) -> UpdateFactory:
    return UpdateFactory(double)


@pytest.fixture
async def bot(double: BotApiDouble) -> AsyncIterator[ExtBot[None]]:
    async with ExtBot(TOKEN, request=double, get_updates_request=double) as ext_bot:
        yield ext_bot


def build_app(double: BotApiDouble) -> Application:  # type: ignore[type-arg]
    return ApplicationBuilder().token(TOKEN).request(double).get_updates_request(double).build()


# ---- basics ---------------------------------------------------------------------------


async def test_initialize_calls_get_me(double: BotApiDouble) -> None:
    app = build_app(double)
    async with app:
        assert app.bot.username == "zhibu_bot"
        assert app.bot.first_name == "支部报送助手"
        assert app.bot.id == 7000000001
    assert double.calls[0].method == "getMe"


async def test_token_is_never_recorded(
    bot: ExtBot[None], double: BotApiDouble, factory: UpdateFactory
) -> None:
    await bot.send_message(USER, "hi")
    with pytest.raises(BadRequest):
        await bot.send_message(USER, "")
    dumped = (
        repr(double.calls)
        + repr(double.messages)
        + json.dumps([m.as_dict() for m in double.messages])
    )
    assert "SECRET" not in dumped
    assert "123456" not in dumped


async def test_unknown_method_is_reported(bot: ExtBot[None], double: BotApiDouble) -> None:
    with pytest.raises(
        BadRequest, match=ci("method not implemented in the double: pinChatMessage")
    ):
        await bot.pin_chat_message(GROUP, 1)
    assert double.calls[-1].method == "pinChatMessage"
    assert double.calls[-1].status == 400


async def test_message_dates_follow_the_clock(
    bot: ExtBot[None], double: BotApiDouble, clock: FakeClock
) -> None:
    first = await bot.send_message(USER, "one")
    clock.now += timedelta(days=31)
    second = await bot.send_message(USER, "two")
    assert second.date - first.date == timedelta(days=31)
    assert double.last_to(USER).date == clock.now


# ---- text validation ------------------------------------------------------------------


async def test_send_html_records_raw_and_rendered(bot: ExtBot[None], double: BotApiDouble) -> None:
    raw = '<b>第一支部</b> 已报送 &amp; <a href="https://example.org/?a=1&amp;b=2">详情</a>'
    message = await bot.send_message(USER, raw, parse_mode="HTML")

    sent = double.last_to(USER)
    assert sent.text == raw
    assert sent.plain_text == "第一支部 已报送 & 详情"
    assert message.text == sent.plain_text
    assert message.text_html == (
        '<b>第一支部</b> 已报送 &amp; <a href="https://example.org/?a=1&b=2">详情</a>'
    )
    assert double.texts_to(USER) == ["第一支部 已报送 & 详情"]
    assert double.find("已报送") == [sent]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("分数 < 60", 'Unsupported start tag "" at byte offset 7'),
        ("党建&团建", 'Unescaped "&"'),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;"'),
        ("第一行<br>第二行", 'Unsupported start tag "br"'),
        ("<b>未闭合", 'Can\'t find end tag corresponding to start tag "b"'),
        ("多余</b>", "Unexpected end tag"),
        ("<b><i>交叉</b></i>", 'Unmatched end tag at byte offset 12, expected "</i>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<a>无链接</a>", 'Tag "a" must have a non-empty "href"'),
        ("<b", "Unclosed start tag"),
        ("<b class>x</b>", "Expected equal sign"),
    ],
)
async def test_bad_html_is_rejected(
    bot: ExtBot[None], double: BotApiDouble, text: str, detail: str
) -> None:
    with pytest.raises(BadRequest, match=ci("can't parse entities")) as info:
        await bot.send_message(USER, text, parse_mode="HTML")
    assert detail.lower() in str(info.value).lower()
    assert double.messages == []


async def test_escaped_user_input_is_accepted(bot: ExtBot[None], double: BotApiDouble) -> None:
    branch = "<机关第一支部> & \"青年\" 'x'"
    await bot.send_message(USER, f"<b>{html.escape(branch)}</b>", parse_mode="HTML")
    assert double.last_to(USER).plain_text == branch
    # Without parse_mode nothing is parsed, so the same string is fine raw.
    await bot.send_message(USER, branch)
    assert double.last_to(USER).plain_text == branch


@pytest.mark.parametrize("text", ["", "   \n "])
async def test_empty_text(bot: ExtBot[None], text: str) -> None:
    with pytest.raises(BadRequest, match=ci("message text is empty")):
        await bot.send_message(USER, text)


async def test_empty_after_html_parsing(bot: ExtBot[None]) -> None:
    with pytest.raises(BadRequest, match=ci("message text is empty")):
        await bot.send_message(USER, "<b></b>", parse_mode="HTML")


async def test_length_counts_characters_after_parsing(
    bot: ExtBot[None], double: BotApiDouble
) -> None:
    await bot.send_message(USER, "报" * 4096)
    await bot.send_message(USER, "&amp;" * 4096, parse_mode="HTML")
    with pytest.raises(BadRequest, match=ci("message is too long")):
        await bot.send_message(USER, "报" * 4097)
    assert len(double.sent_to(USER)) == 2


async def test_caption_too_long(bot: ExtBot[None], double: BotApiDouble) -> None:
    with pytest.raises(BadRequest, match=ci("message caption is too long")):
        await bot.send_document(USER, b"x", filename="a.txt", caption="x" * 1025)
    await bot.send_document(USER, b"x", filename="a.txt", caption="x" * 1024)
    assert double.last_to(USER).caption == "x" * 1024


def test_parse_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html(
        '👍 <b>通过</b> <pre><code class="language-python">x</code></pre>'
        "<blockquote expandable>长</blockquote><tg-spoiler>秘</tg-spoiler>"
    )
    assert text == "👍 通过 x长秘"
    assert entities == [
        {"offset": 3, "length": 2, "type": "bold"},
        {"offset": 6, "length": 1, "type": "pre", "language": "python"},
        {"offset": 7, "length": 1, "type": "expandable_blockquote"},
        {"offset": 8, "length": 1, "type": "spoiler"},
    ]
    with pytest.raises(HtmlParseError):
        parse_html("&#xD800;")


# ---- keyboards, edits, callbacks -----------------------------------------------------


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in pairs]
    )


async def test_callback_data_limit_is_64_bytes(bot: ExtBot[None], double: BotApiDouble) -> None:
    # 21 CJK characters are 63 bytes: fine; 22 are 66: too long although only 22 "characters".
    await bot.send_message(USER, "ok", reply_markup=keyboard(("a", "确" * 21)))
    with pytest.raises(BadRequest, match=ci("BUTTON_DATA_INVALID")):
        await bot.send_message(USER, "no", reply_markup=keyboard(("a", "确" * 22)))
    assert double.last_to(USER).buttons() == [("a", "确" * 21)]


async def test_edit_message_text(bot: ExtBot[None], double: BotApiDouble, clock: FakeClock) -> None:
    markup = keyboard(("确认", "confirm:1"), ("退回", "reject:1"))
    message = await bot.send_message(USER, "待审核", reply_markup=markup)
    clock.now += timedelta(minutes=5)

    edited = await bot.edit_message_text(
        "<b>已确认</b>", USER, message.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, Message)  # True is only returned for inline messages
    assert edited.edit_date == clock.now

    sent = double.last_to(USER)
    assert sent.edited
    assert sent.plain_text == "已确认"
    assert sent.reply_markup is None  # omitted markup removes the keyboard, like Telegram
    assert [(v.plain_text, v.reply_markup is not None) for v in sent.edits] == [("待审核", True)]

    with pytest.raises(BadRequest, match=ci("message is not modified")):
        await bot.edit_message_text(
            "<strong>已确认</strong>", USER, message.message_id, parse_mode="HTML"
        )
    with pytest.raises(BadRequest, match=ci("message to edit not found")):
        await bot.edit_message_text("x", USER, 999)

    await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=markup)
    assert sent.buttons() == [("确认", "confirm:1"), ("退回", "reject:1")]
    with pytest.raises(BadRequest, match=ci("message is not modified")):
        await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=markup)
    assert len(double.messages) == 1


async def test_callback_round_trip(double: BotApiDouble, factory: UpdateFactory) -> None:
    answered: list[str] = []

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        answered.append(query.data)
        await query.answer("收到")
        await query.edit_message_text(f"已选择 {query.data}")

    app = build_app(double)
    app.add_handler(CallbackQueryHandler(on_button))
    alice = factory.user(USER)
    async with app:
        await app.bot.send_message(USER, "请选择", reply_markup=keyboard(("确认", "ok")))
        prompt = double.last_to(USER)
        update = factory.callback(alice, prompt, prompt.callback_data("确认"))
        await app.process_update(Update.de_json(update, app.bot))

        assert answered == ["ok"]
        assert double.callback_answers[0]["text"] == "收到"
        assert prompt.plain_text == "已选择 ok"
        with pytest.raises(BadRequest, match=ci("query is too old")):
            await app.bot.answer_callback_query(update["callback_query"]["id"])
    with pytest.raises(ValueError, match="not a button"):
        factory.callback(alice, prompt, "forged")


# ---- files ----------------------------------------------------------------------------


async def test_send_document_records_bytes(bot: ExtBot[None], double: BotApiDouble) -> None:
    content = "支部,人数\n第一支部,12\n".encode()
    message = await bot.send_document(
        GROUP, content, filename="汇总.csv", caption="<b>三月</b>汇总", parse_mode="HTML"
    )
    sent = double.last_to(GROUP)
    assert (sent.kind, sent.file_name, sent.file_bytes) == ("document", "汇总.csv", content)
    assert sent.caption == "<b>三月</b>汇总"
    assert sent.plain_text == "三月汇总"
    assert double.calls[-1].files["document"].data == content
    assert message.document is not None
    assert message.document.file_name == "汇总.csv"

    # zhibu always uploads; re-sending by file_id is not something the double pretends to do.
    with pytest.raises(BadRequest, match=ci("not implemented in the double: document by file_id")):
        await bot.send_document(USER, message.document.file_id)

    with pytest.raises(BadRequest, match=ci("file must be non-empty")):
        await bot.send_document(USER, b"", filename="empty.txt")


async def test_send_photo(bot: ExtBot[None], double: BotApiDouble) -> None:
    photo = await bot.send_photo(USER, b"\xff\xd8jpeg", caption="<b>照片</b>", parse_mode="HTML")
    assert photo.photo[-1].file_size == 6
    assert photo.caption == "照片"
    sent = double.last_to(USER)
    assert (sent.kind, sent.file_bytes, sent.plain_text) == ("photo", b"\xff\xd8jpeg", "照片")


async def test_user_document_can_be_downloaded(bot: ExtBot[None], factory: UpdateFactory) -> None:
    alice = factory.user(USER)
    update = Update.de_json(
        factory.document(alice, file_name="三月报表.docx", content=b"PK\x03\x04docx"), bot
    )
    assert update.message is not None and update.message.document is not None
    assert update.message.document.mime_type is not None
    file = await update.message.document.get_file()
    assert await file.download_as_bytearray() == bytearray(b"PK\x03\x04docx")


# ---- chat state -----------------------------------------------------------------------


async def test_blocked_user(bot: ExtBot[None], double: BotApiDouble) -> None:
    double.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "提醒")
    assert double.messages == []
    assert double.stats.errors[403] == 1
    double.unblock(USER)
    await bot.send_message(USER, "提醒")
    assert double.texts_to(USER) == ["提醒"]


async def test_require_started(
    bot: ExtBot[None], double: BotApiDouble, factory: UpdateFactory
) -> None:
    double.require_started = True
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(USER, "请报送")
    factory.private_text(factory.user(USER), "/start")
    await bot.send_message(USER, "请报送")
    assert double.texts_to(USER) == ["请报送"]


async def test_odd_parameters_are_a_bad_request(bot: ExtBot[None]) -> None:
    # Not a NetworkError, which a retrying bot would swallow.
    with pytest.raises(BadRequest, match=ci("could not process the request")):
        await bot.edit_message_reply_markup(USER, "not-a-number")  # type: ignore[arg-type]


async def test_forgotten_chat(bot: ExtBot[None], double: BotApiDouble) -> None:
    double.forget_chat(GROUP)
    with pytest.raises(BadRequest, match=ci("chat not found")):
        await bot.send_message(GROUP, "通知")
    with pytest.raises(BadRequest, match=ci("chat not found")):
        await bot.send_message("@no_such_channel", "通知")


async def test_migrated_group(
    bot: ExtBot[None], double: BotApiDouble, factory: UpdateFactory
) -> None:
    old, new = -4001, -1004001
    alice = factory.user(USER)
    update = factory.migrate_message(old, new, alice)
    assert update["message"]["migrate_to_chat_id"] == new
    with pytest.raises(ChatMigrated) as info:
        await bot.send_message(old, "通知")
    assert info.value.new_chat_id == new
    await bot.send_message(new, "通知")
    assert double.last_to(new).chat["type"] == "supergroup"


async def test_bot_removed_from_group(
    bot: ExtBot[None], double: BotApiDouble, factory: UpdateFactory
) -> None:
    alice = factory.user(USER)
    added = Update.de_json(factory.my_chat_member(GROUP, alice, "administrator"), bot)
    assert added.my_chat_member is not None
    assert added.my_chat_member.new_chat_member.status == "administrator"
    await bot.send_message(GROUP, "大家好")

    factory.my_chat_member(GROUP, alice, "kicked", old_status="administrator")
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(GROUP, "还在吗")


# ---- faults and limits ----------------------------------------------------------------


async def test_retry_after(bot: ExtBot[None], double: BotApiDouble) -> None:
    double.inject(Fault.retry_after(3))
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER, "提醒")
    assert info.value.retry_after == timedelta(seconds=3)
    assert double.messages == []
    await bot.send_message(USER, "提醒")  # one-shot: the retry goes through
    assert double.stats.too_many_requests == 1
    assert double.stats.faults_fired == 1
    assert double.stats.calls["sendMessage"] == 2


@pytest.mark.parametrize(
    ("fault", "error", "text"),
    [
        (Fault.timeout(), TimedOut, "Timed out"),
        (Fault.network(), NetworkError, "ConnectError"),
        (Fault.server_error(502), NetworkError, "Bad Gateway"),
    ],
)
async def test_transport_faults(
    bot: ExtBot[None],
    double: BotApiDouble,
    fault: Fault,
    error: type[Exception],
    text: str,
) -> None:
    double.inject(fault, method="sendDocument")
    await bot.send_message(USER, "not matched: other method")
    with pytest.raises(error, match=text):
        await bot.send_document(USER, b"x", filename="a.txt")
    assert [m.kind for m in double.messages] == ["text"]
    assert double.pending_faults == 0


async def test_faults_match_chat_and_fire_in_order(bot: ExtBot[None], double: BotApiDouble) -> None:
    double.inject(Fault.server_error(500), chat_id=GROUP)
    double.inject(Fault.retry_after(7), chat_id=GROUP)
    await bot.send_message(USER, "other chat is unaffected")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(GROUP, "a")
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "b")
    await bot.send_message(GROUP, "c")
    assert double.texts_to(GROUP) == ["c"]


async def test_delivered_timeout_creates_the_message(
    bot: ExtBot[None], double: BotApiDouble
) -> None:
    double.inject(Fault.timeout(delivered=True))
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "可能重复")
    assert double.texts_to(USER) == ["可能重复"]


async def test_enforced_group_limit(bot: ExtBot[None], double: BotApiDouble) -> None:
    now = [100.0]
    double.enforce_limits(per_second=30, per_group_per_minute=20, clock=lambda: now[0])
    for i in range(20):
        now[0] += 0.5
        await bot.send_message(GROUP, f"第{i}条")
    # The first send was at 100.5, now is 110.0: the window frees up in 50.5 s -> 51.
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(GROUP, "超限")
    assert info.value.retry_after == timedelta(seconds=51)
    assert double.stats.too_many_requests == 1
    await bot.send_message(USER, "私聊不受群限制")
    now[0] += 51
    await bot.send_message(GROUP, "可以了")


async def test_enforced_global_limit(bot: ExtBot[None], double: BotApiDouble) -> None:
    double.enforce_limits(per_second=2, per_group_per_minute=None, clock=lambda: 5.0)
    await bot.send_message(1, "a")
    await bot.send_message(2, "b")
    with pytest.raises(RetryAfter):
        await bot.send_message(3, "c")


# ---- commands -------------------------------------------------------------------------


async def test_set_my_commands_per_scope(bot: ExtBot[None], double: BotApiDouble) -> None:
    await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("status", "报送状态")])
    await bot.set_my_commands(
        [BotCommand("summary", "汇总")], scope=BotCommandScopeAllGroupChats(), language_code="zh"
    )
    await bot.set_my_commands([BotCommand("admin", "管理")], scope=BotCommandScopeChat(USER))

    assert [c["command"] for c in double.commands_for()] == ["start", "status"]
    assert double.commands[('{"type":"all_group_chats"}', "zh")] == [
        {"command": "summary", "description": "汇总"}
    ]
    assert double.commands_for({"type": "chat", "chat_id": USER})[0]["command"] == "admin"
    with pytest.raises(BadRequest, match=ci("BOT_COMMAND_INVALID")):
        await bot.set_my_commands([BotCommand("Start", "大写不行")])


# ---- updates and the Application -----------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    await update.effective_message.reply_html(
        f"欢迎，<b>{html.escape(update.effective_user.first_name)}</b>", do_quote=True
    )


async def test_command_handler_via_process_update(
    double: BotApiDouble, factory: UpdateFactory
) -> None:
    app = build_app(double)
    app.add_handler(CommandHandler("start", start))
    alice = factory.user(USER, first_name="<张三>")
    update = factory.private_text(alice, "/start")
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    async with app:
        await app.process_update(Update.de_json(update, app.bot))
        # In a group, "/start@zhibu_bot" must still be recognised by CommandHandler.
        await app.process_update(
            Update.de_json(factory.group_text(GROUP, alice, "/start@zhibu_bot"), app.bot)
        )
    reply = double.last_to(USER)
    assert reply.plain_text == "欢迎，<张三>"
    assert reply.reply_to_message_id == update["message"]["message_id"]
    assert reply.as_dict()["reply_to_message"]["text"] == "/start"
    assert double.texts_to(GROUP) == ["欢迎，<张三>"]


async def test_message_ids_are_shared_per_chat(
    bot: ExtBot[None], double: BotApiDouble, factory: UpdateFactory
) -> None:
    alice = factory.user(USER)
    first = factory.private_text(alice, "你好")["message"]["message_id"]
    sent = await bot.send_message(USER, "您好")
    reply = factory.private_text(alice, "收到", reply_to=double.last_to(USER))
    other_chat = await bot.send_message(GROUP, "群消息")
    assert (first, sent.message_id, reply["message"]["message_id"]) == (1, 2, 3)
    assert other_chat.message_id == 1
    assert reply["message"]["reply_to_message"]["from"]["is_bot"] is True
    parsed = Update.de_json(reply, bot)
    assert parsed.message is not None and parsed.message.reply_to_message is not None
    assert parsed.message.reply_to_message.text == "您好"


async def test_reply_to_unknown_message(bot: ExtBot[None], double: BotApiDouble) -> None:
    with pytest.raises(BadRequest, match=ci("message to be replied not found")):
        await bot.send_message(USER, "x", reply_to_message_id=42)
    await bot.send_message(USER, "x", reply_to_message_id=42, allow_sending_without_reply=True)
    assert double.last_to(USER).reply_to_message_id is None


async def test_get_updates_offset_semantics(
    bot: ExtBot[None], double: BotApiDouble, factory: UpdateFactory
) -> None:
    alice = factory.user(USER)
    ids = [factory.push(factory.private_text(alice, f"m{i}"))["update_id"] for i in range(3)]
    assert [u.update_id for u in await bot.get_updates()] == ids
    assert [u.update_id for u in await bot.get_updates(offset=ids[1], limit=1)] == ids[1:2]
    assert len(double.pending_updates) == 2  # ids[0] confirmed
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[2:]
    assert await bot.get_updates(offset=ids[2] + 1, timeout=5) == ()  # waits ~poll_wait only
    assert double.pending_updates == []


async def test_chat_member_updates_need_allowed_updates(
    bot: ExtBot[None], double: BotApiDouble, factory: UpdateFactory
) -> None:
    alice = factory.user(USER)

    def chat_member_update() -> dict[str, object]:
        return {
            "chat_member": {
                "chat": factory.group(GROUP),
                "from": alice,
                "date": 1740790800,
                "old_chat_member": member_dict("left", alice),
                "new_chat_member": member_dict("member", alice),
            }
        }

    double.push_update(chat_member_update())
    assert await bot.get_updates() == ()  # not requested: dropped, as on Telegram
    double.push_update(chat_member_update())
    updates = await bot.get_updates(allowed_updates=Update.ALL_TYPES)
    assert updates[0].chat_member is not None
    double.push_update(chat_member_update())
    assert len(await bot.get_updates(offset=updates[0].update_id + 1)) == 1  # setting is sticky


async def test_delete_webhook_can_drop_pending_updates(
    bot: ExtBot[None], double: BotApiDouble, factory: UpdateFactory
) -> None:
    alice = factory.user(USER)
    factory.push(factory.private_text(alice, "旧消息"))
    assert await bot.delete_webhook()
    assert len(double.pending_updates) == 1
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


@pytest.fixture
def polling_app(double: BotApiDouble) -> Iterator[Application]:  # type: ignore[type-arg]
    app = build_app(double)
    app.add_handler(CommandHandler("start", start))
    yield app


async def test_polling_receives_pushed_update(
    polling_app: Application,  # type: ignore[type-arg]
    double: BotApiDouble,
    factory: UpdateFactory,
) -> None:
    alice = factory.user(USER, first_name="李四")
    async with polling_app:
        await polling_app.start()
        assert polling_app.updater is not None
        await polling_app.updater.start_polling(timeout=timedelta(seconds=10))
        factory.push(factory.private_text(alice, "/start"))
        for _ in range(200):
            if double.sent_to(USER):
                break
            await asyncio.sleep(0.01)
        await polling_app.updater.stop()
        await polling_app.stop()
    assert double.texts_to(USER) == ["欢迎，李四"]
    assert double.pending_updates == []  # the cleanup getUpdates confirmed it
    assert double.calls_to("deleteWebhook")


async def test_factory_misc_updates_parse(bot: ExtBot[None], factory: UpdateFactory) -> None:
    alice = factory.user(USER)
    sent = await bot.send_message(USER, "请上传报表")
    del sent
    updates = [
        factory.photo(alice, caption="活动照片"),
        factory.sticker(alice, chat_id=GROUP),
        factory.channel_post(-1009999, "公告"),
        factory.edited_text(factory.private_text(alice, "原文"), "改后"),
        factory.migrate_from_message(-5001, -1005001, alice),
    ]
    parsed = [Update.de_json(u, bot) for u in updates]
    assert parsed[0].message is not None and parsed[0].message.photo[-1].width == 1280
    assert parsed[1].message is not None and parsed[1].message.sticker is not None
    assert parsed[2].channel_post is not None and parsed[2].channel_post.text == "公告"
    assert parsed[3].edited_message is not None and parsed[3].edited_message.text == "改后"
    assert parsed[4].message is not None
    assert parsed[4].message.migrate_from_chat_id == -5001
    assert len({u["update_id"] for u in updates}) == len(updates)


def test_sent_message_helpers() -> None:
    message = SentMessage(
        chat_id=1,
        message_id=1,
        kind="text",
        text="x",
        plain_text="x",
        entities=[],
        parse_mode=None,
        reply_markup={
            "inline_keyboard": [
                [{"text": "确认", "callback_data": "ok"}, {"text": "文档", "url": "https://a.b"}]
            ]
        },
        reply_to_message_id=None,
        date=datetime(2025, 1, 1, tzinfo=UTC),
        method="sendMessage",
    )
    assert message.buttons() == [("确认", "ok"), ("文档", "https://a.b")]
    assert message.callback_data("确认") == "ok"
    with pytest.raises(LookupError):
        message.callback_data("退回")


async def test_clear_keeps_ids_moving(bot: ExtBot[None], double: BotApiDouble) -> None:
    await bot.send_message(USER, "a")
    double.clear()
    assert double.calls == [] and double.messages == []
    assert (await bot.send_message(USER, "b")).message_id == 2
    with pytest.raises(LookupError):
        double.last_to(GROUP)
