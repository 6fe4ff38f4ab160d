"""Bad input gets a clear answer or a safe silence; nothing crashes, nothing is stored."""

from __future__ import annotations

import pytest

from bot.services.base import Env
from bot.testing.sim import Sim
from storage import branches as branch_store
from storage import reports as report_store
from tests.catalog import check, key, matches
from tests.conftest import ADMIN, COORD_GROUP
from tests.helpers import committee, invite_token, text_of

SEC = 501
STRANGER = 999


@pytest.fixture
async def ready(sim: Sim) -> Sim:
    await committee(sim, {"甲支部": SEC})
    sim.user(STRANGER, "路人")
    return sim


async def reports_count(env: Env) -> int:
    async with env.db.reading() as tx:
        return len(await report_store.reports_for_month(tx, "2026-11"))


async def test_empty_too_long_and_sticker_reports_store_nothing(ready: Sim, env: Env) -> None:
    await ready.say(SEC, "/report")
    out = await ready.say(SEC, "字" * 2001)
    check(out, "report_too_long", length=2001, max=2000)
    out = await ready.feed(ready.factory.sticker(SEC))
    check(out, "report_sticker")
    out = await ready.say(SEC, "   ")
    assert matches(out, "report_empty") or matches(out, "report_hint"), text_of(out)
    assert await reports_count(env) == 0
    # The question is still pending: the next real text is the report.
    out = await ready.say(SEC, "正常的报告。")
    check(out, "report_saved", branch="甲支部")
    assert await reports_count(env) == 1


async def test_html_in_names_and_reports_is_escaped(ready: Sim) -> None:
    # The double rejects malformed HTML like Telegram: an unescaped name would fail to send.
    out = await ready.say(ADMIN, "/addbranch <b>坏&名</b>")
    check(out, "branch_added", name="<b>坏&名</b>")
    assert "<b>坏&名</b>" in text_of(out)
    await ready.say(SEC, "/report")
    out = await ready.say(SEC, "<script>alert(1)</script> & 1<2")
    check(out, "report_saved", branch="甲支部")
    view = await ready.say(ADMIN, "/status 甲支部")
    check(view, "status_branch", name="甲支部")
    assert "<script>alert(1)</script> & 1<2" in text_of(view)


async def test_long_report_view_is_split_under_the_limit(ready: Sim) -> None:
    await ready.say(SEC, "/report")
    await ready.say(SEC, "&<" * 1000)
    out = await ready.say(ADMIN, "/status 甲支部")
    assert all(len(m.plain_text or "") <= 4096 for m in out)


@pytest.mark.parametrize(
    ("command", "expect", "params"),
    [
        ("/addbranch", "arg_missing", {"usage": key("usage_addbranch")}),
        ("/renamebranch 甲支部", "rename_usage", {}),
        ("/archivebranch 不存在支部", "branch_not_found", {"name": "不存在支部"}),
        ("/invite", "invite_usage", {}),
        ("/invite 甲支部 boss", "invite_role_bad", {"role": "boss"}),
        ("/invite 甲支部 coordinator", "invite_coordinator_no_branch", {}),
        ("/revoke abc", "arg_missing", {"usage": key("usage_revoke")}),
        ("/revoke 99999", "invite_not_found", {"id": "99999"}),
        ("/exempt 甲支部", "exempt_usage", {}),
        ("/exempt 甲支部 2026-13 理由", "month_bad", {"value": "2026-13"}),
        ("/unexempt 甲支部 2026-11", "not_exempt", {"branch": "甲支部"}),
        ("/status 2030-01", "month_in_future", {}),
        ("/status 2026-13", "month_bad", {"value": "2026-13"}),
        ("/circular 2030-01", "month_in_future", {}),
        ("/status 不存在", "branch_not_found", {"name": "不存在"}),
        ("/circular 2026/xx", "month_bad", {"value": "2026/xx"}),
        ("/addbranch " + "长" * 41, "branch_name_too_long", {}),
        ("/frobnicate", "unknown_command", {"command": "/frobnicate"}),
    ],
)
async def test_wrong_arguments_get_clear_answers(
    ready: Sim, command: str, expect: str, params: dict[str, object]
) -> None:
    check(await ready.say(ADMIN, command), expect, **params)


async def test_strangers_and_wrong_chats(ready: Sim) -> None:
    check(await ready.say(STRANGER, "/start"), "start_stranger")
    check(await ready.say(STRANGER, "/report"), "not_a_secretary")
    check(await ready.say(STRANGER, "随便说点什么"), "report_hint")
    # /report in a group: go private.
    out = await ready.say_in_group(COORD_GROUP, SEC, "/report")
    check(out, "wrong_chat_private", command="/report")
    # Coordinator commands in a random group are refused there.
    out = await ready.say_in_group(-100777, ADMIN, "/status")
    check(out, "wrong_chat_group")
    # Plain chatter in groups is ignored; unknown commands in groups too.
    assert await ready.say_in_group(COORD_GROUP, STRANGER, "大家好") == []
    assert await ready.say_in_group(COORD_GROUP, STRANGER, "/frobnicate") == []


async def test_edited_messages_and_channel_posts_are_ignored(ready: Sim, env: Env) -> None:
    await ready.say(SEC, "/report")
    original = ready.factory.private_text(SEC, "原文")
    await ready.feed(original)
    out = await ready.feed(ready.factory.edited_text(original["message"], "改过的"))
    check(out, "report_edited")  # told how to revise; the edit itself changes nothing
    assert await ready.feed(ready.factory.channel_post(-100888, "/status")) == []
    async with env.db.reading() as tx:
        reports = await report_store.reports_for_month(tx, "2026-11")
    assert [r.text for r in reports] == ["原文"]


async def test_forged_and_stale_buttons(ready: Sim) -> None:
    carrier = (await ready.say(SEC, "/help"))[-1]
    for data in ["garbage", "z1:nope:1", "z1:rev:abc", "z1:rev:999999", "z1:pick:", "z2:rev:1"]:
        before = len(ready.double.callback_answers)
        await ready.feed(ready.factory.callback(SEC, carrier, data, allow_forged=True))
        answers = [str(a.get("text")) for a in ready.double.callback_answers[before:]]
        assert answers, data
        assert matches(answers, "stale_button") or matches(answers, "bad_button"), (data, answers)


async def test_photo_before_text_is_kept_and_counted(ready: Sim, env: Env) -> None:
    out = await ready.feed(ready.factory.photo(SEC))
    check(out, "attach_saved_need_text", branch="甲支部")
    out = await ready.feed(ready.factory.document(SEC, file_name="记录.pdf"))
    check(out, "attach_saved_need_text", branch="甲支部")
    await ready.say(SEC, "/report")
    await ready.say(SEC, "报告正文。")
    detail = await ready.say(ADMIN, "/status 甲支部")
    check(detail, "status_branch", name="甲支部", attachments=2)


async def test_cancel_leaves_the_question(ready: Sim, env: Env) -> None:
    await ready.say(SEC, "/report")
    check(await ready.say(SEC, "/cancel"), "cancel_done")
    # Text typed with no question open is held and asked about, never filed by itself.
    check(await ready.say(SEC, "这不是报告"), "typed_held")
    assert await reports_count(env) == 0
    check(await ready.say(SEC, "/cancel"), "cancel_done")  # the held text is dropped
    check(await ready.say(SEC, "/cancel"), "cancel_nothing")


async def test_destructive_commands_need_the_full_name(sim: Sim, env: Env) -> None:
    """QA #5: /archivebranch 一 archived 机关一支部 at once; names with spaces split wrongly."""
    for name in ("机关一支部", "机关二支部", "Party Branch A"):
        await sim.say(ADMIN, f"/addbranch {name}")
    out = await sim.say(ADMIN, "/archivebranch 一")
    assert "机关一支部" in check(out, "branch_exact_needed", name="一")["names"]
    out = await sim.say(ADMIN, "/renamebranch Party Branch A | 三支部")
    check(out, "branch_renamed", old="Party Branch A", new="三支部")
    out = await sim.say(ADMIN, "/renamebranch Party 四支部")
    check(out, "branch_not_found")
    await sim.say(ADMIN, "/addbranch Youth League Branch")
    out = await sim.say(ADMIN, "/exempt Youth League Branch 2026-11 暂停")
    check(out, "exempt_done", branch="Youth League Branch", reason="暂停")
    out = await sim.say(ADMIN, "/unexempt Youth League Branch 2026-11")
    check(out, "unexempt_done", branch="Youth League Branch")
    out = await sim.say(ADMIN, "/invite Youth League Branch")
    check(out, "invite_created", target="Youth League Branch", role=key("role_secretary"))
    check(await sim.say(ADMIN, "/invite Youth League Brunch"), "invite_role_bad")
    async with env.db.reading() as tx:
        names = sorted(b.name for b in await branch_store.list_branches(tx))
    assert names == ["Youth League Branch", "三支部", "机关一支部", "机关二支部"]


async def test_secretary_is_not_demoted_by_a_deputy_link(sim: Sim) -> None:
    """QA #6: the secretary tapping their branch's deputy link became its deputy."""
    await committee(sim, {"乙支部": 601})
    token = await invite_token(sim, "乙支部", "deputy")
    out = await sim.say(601, f"/start {token}")
    check(out, "invite_already_secretary", branch="乙支部")
    branches = await sim.say(ADMIN, "/branches")
    check(branches, "branches_line", name="乙支部", secretary="乙支部书记")
