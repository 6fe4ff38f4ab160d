"""The circular as a model: its sections and counts, and the chat messages split from it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.calendar import Month
from bot.i18n import TELEGRAM_LIMIT, t
from bot.models import User
from bot.services import circular
from bot.services.base import Actor, Env
from bot.services.circular_model import CircularModel, Item, Para, Run, Section
from bot.services.engine import circular_preview, reconcile
from bot.services.fmt import date_label
from storage import branches, circulars, people, reports
from tests.catalog import label
from tests.conftest import at

AUTHOR = 501
ZH = "zh-Hans"


async def committee(env: Env, names: list[str]) -> dict[str, int]:
    """Branches created last year, with cycles for 2026-01..2026-05 (due the 25th)."""
    ids: dict[str, int] = {}
    async with env.db.transaction() as tx:
        await people.upsert_user(tx, AUTHOR, "张", "三", None, "zh-hans", at(2025, 12, 1))
        for name in names:
            branch = await branches.add_branch(tx, name, "", at(2025, 12, 1))
            assert branch is not None
            ids[name] = branch.id
        for m in range(1, 6):
            await reports.ensure_cycle(tx, f"2026-{m:02d}", date(2026, m, 25), at(2026, m, 1))
    return ids


async def build(env: Env) -> CircularModel:
    async with env.db.transaction() as tx:
        return await circular.build(env, tx, Month(2026, 5), at(2026, 5, 26, 9))


def kinds(model: CircularModel) -> list[str]:
    return [s.kind for s in model.sections]


def names_of(section: Section | None) -> list[str]:
    assert section is not None
    return [i.text for p in section.paras for i in p.items]


async def test_model_sections_counts_and_names_as_items(env: Env) -> None:
    """May 2026: 甲 on time (highlighted), 乙 late, 丙 exempt, 丁 戊 己 missing."""
    ids = await committee(env, ["甲支部", "乙支部", "丙支部", "丁支部", "戊支部", "己支部"])
    async with env.db.transaction() as tx:
        for m in (3, 4):
            await reports.insert_report(
                tx, ids["甲支部"], f"2026-{m:02d}", AUTHOR, "工作", at(2026, m, 20), False
            )
        first = await reports.insert_report(
            tx, ids["甲支部"], "2026-05", AUTHOR, "学习 <b>党章</b> & 讨论", at(2026, 5, 20), False
        )
        await reports.set_highlight(tx, first.id, AUTHOR)
        await reports.insert_report(
            tx, ids["乙支部"], "2026-05", AUTHOR, "迟到", at(2026, 5, 26, 8), True
        )
        await reports.set_exemption(
            tx, ids["丙支部"], "2026-05", "换届选举", AUTHOR, at(2026, 5, 3)
        )
        # 丁 and 戊 never reported (a run of five months); 己 reported April, missed May.
        for name in ("乙支部", "丙支部", "己支部"):
            for m in (3, 4):
                await reports.insert_report(
                    tx, ids[name], f"2026-{m:02d}", AUTHOR, "工作", at(2026, m, 20), False
                )
    model = await build(env)

    assert model.month == "2026-05" and model.lang == "zh-Hans"
    assert model.due_on == date(2026, 5, 25) and model.issued_on == date(2026, 5, 26)
    assert model.title_text == label("circ_title", y=2026, m=5)
    assert model.issuer == model.sign == env.cfg.org_name
    assert model.counts is not None
    counts = model.counts
    assert (counts.expected, counts.on_time, counts.late, counts.missing, counts.exempt) == (
        5,
        1,
        1,
        3,
        1,
    )
    assert counts.reported == 2 and counts.rate == pytest.approx(0.4)
    assert counts.no_secretary == 3  # nobody has joined any branch: nobody to remind
    assert kinds(model) == ["totals", "on_time", "late", "missing", "exempt", "highlights"]
    headings = [s.heading_text for s in model.sections]
    assert headings[:4] == [
        label("circ_sec_total"),
        label("circ_sec_on_time", n=label("num_2"), count=1),
        label("circ_sec_late", n=label("num_3"), count=1),
        label("circ_sec_missing", n=label("num_4"), count=3),
    ]
    assert all(r.bold for s in model.sections for r in s.heading)
    # Names are items of their own, each with its branch; details stay with the name.
    assert names_of(model.section("on_time")) == ["甲支部"]
    assert names_of(model.section("late")) == [f"乙支部（{date_label(ZH, date(2026, 5, 26))}）"]
    missing = model.section("missing")
    assert missing is not None
    assert [i.text for i in missing.paras[0].items] == ["丁支部", "戊支部", "己支部"]
    assert [i.branch_id for i in missing.paras[0].items] == [
        ids["丁支部"],
        ids["戊支部"],
        ids["己支部"],
    ]
    repeat = missing.paras[1]
    assert "".join(r.text for r in repeat.lead) == label("circ_repeat", names="")
    assert [i.text for i in repeat.items] == [
        label("circ_repeat_item", branch="丁支部", months=5),
        label("circ_repeat_item", branch="戊支部", months=5),
    ]
    assert names_of(model.section("exempt")) == ["丙支部（换届选举）"]
    highlights = model.section("highlights")
    assert highlights is not None
    quote = highlights.paras[0]
    assert [i.text for i in quote.items] == ["甲支部"]
    # Plain text, nothing escaped.
    assert quote.text == label("circ_highlight", branch="甲支部", text="学习 <b>党章</b> & 讨论")
    # The JSON kept in the database gives the same model back.
    assert CircularModel.from_json(model.to_json()) == model
    # The chat renderer escapes the plain text.
    html = circular.chat_html(model)
    assert "学习 &lt;b&gt;党章&lt;/b&gt; &amp; 讨论" in html
    assert html.startswith(f"{t(ZH, 'circ_title', y=2026, m=5)}\n\n{t(ZH, 'circ_to')}\n")
    sign = t(ZH, "circ_sign", org=env.cfg.org_name)
    assert html.endswith(f"\n\n{sign}\n{date_label(ZH, date(2026, 5, 26), full=True)}")


async def test_none_lists_read_无(env: Env) -> None:
    await committee(env, ["甲支部"])
    model = await build(env)
    on_time = model.section("on_time")
    assert on_time is not None and on_time.paras[0].text == label("circ_none")
    assert not on_time.paras[0].items


def reassembles(messages: list[str], whole: str) -> bool:
    """The messages are the text cut at line breaks or between pieces, nothing else lost."""
    pos = 0
    for i, msg in enumerate(messages):
        if not whole.startswith(msg, pos):
            return False
        pos += len(msg)
        while i < len(messages) - 1 and whole.startswith("\n", pos):
            pos += 1
    return pos == len(whole)


@pytest.mark.parametrize("count", [200, 2000])
async def test_chat_messages_split_on_sections_and_never_inside_a_name(
    env: Env, count: int
) -> None:
    names = [f"中共某某县第{i:04d}机关党支部委员会" for i in range(count)]
    ids = await committee(env, names)
    async with env.db.transaction() as tx:
        for i, name in enumerate(names):
            if i % 5 == 0:
                when, late = at(2026, 5, 20), False
            elif i % 5 == 1:
                when, late = at(2026, 5, 26, 8), True
            elif i % 5 == 2:
                await reports.set_exemption(
                    tx, ids[name], "2026-05", f"换届{i}", AUTHOR, at(2026, 5, 3)
                )
                continue
            else:
                if i % 2:  # half the missing ones reported in April: no run
                    await reports.insert_report(
                        tx, ids[name], "2026-04", AUTHOR, "工作", at(2026, 4, 20), False
                    )
                continue
            await reports.insert_report(tx, ids[name], "2026-05", AUTHOR, "工作", when, late)
    model = await build(env)
    whole = circular.chat_html(model)
    messages = circular.chat_messages(model)

    assert len(messages) > 1
    assert all(len(m) <= circular.CHAT_LIMIT <= TELEGRAM_LIMIT for m in messages)
    assert reassembles(messages, whole)
    # A section that fits in a message is never split across two.
    for section in model.sections:
        text = section_text(section)
        if len(text) <= circular.CHAT_LIMIT:
            assert any(text in m for m in messages), section.kind
    # Every name (with its detail) is whole in one message.
    for section in model.sections:
        for para in section.paras:
            for item in para.items:
                assert any(item.text in m for m in messages), item.text
    # A message starts with the title or a section heading, unless it goes on with a
    # section too long for one message (then it starts between two names).
    starts = {s.heading_text for s in model.sections} | {model.title_text}
    too_long = [s for s in model.sections if len(section_text(s)) > circular.CHAT_LIMIT]
    for m in messages:
        first = m.split("\n", 1)[0].removeprefix("<b>").removesuffix("</b>")
        assert first in starts or too_long
    if count == 200:
        assert not too_long


def section_text(section: Section) -> str:
    return circular.chat_html(CircularModel(lang="zh-Hans", month="x", sections=(section,)))


async def test_preview_is_the_messages_as_posted(env: Env) -> None:
    names = [f"第{i:04d}党支部" for i in range(600)]
    await committee(env, names)
    model = await build(env)
    admin = User(user_id=1, first_name="管理员")
    actor = Actor(user=admin, lang="zh-Hans", is_admin=True, is_coordinator=True)
    preview = await circular_preview(env, actor, Month(2026, 5), at(2026, 5, 26, 9))
    assert preview.messages == circular.chat_messages(model) and preview.posted_at is None
    assert len(preview.messages) > 1


def test_an_item_longer_than_a_message_is_cut_between_its_names() -> None:
    """A plan task missed by a thousand branches is one item: it breaks between names."""
    names = [f"第{i:04d}党支部" for i in range(1000)]
    runs: list[Run] = [Run(text="学习任务（")]
    for i, name in enumerate(names):
        if i:
            runs.append(Run(text="、"))
        runs.append(Run(text=name))
    runs.append(Run(text="）"))
    para = Para(lead=(Run(text="逾期未完成："),), items=(Item(runs=tuple(runs)),))
    model = CircularModel(
        lang="zh-Hans",
        month="2026-05",
        sections=(
            Section(kind="plans", heading=(Run(text="六、计划进展", bold=True),), paras=(para,)),
        ),
    )
    messages = circular.chat_messages(model, limit=1000)
    assert len(messages) > 5 and all(len(m) <= 1000 for m in messages)
    assert messages[0].startswith("<b>六、计划进展</b>\n逾期未完成：学习任务（第0000党支部")
    assert reassembles(messages, circular.chat_html(model))
    for name in names:
        assert any(name in m for m in messages), name


async def test_reconcile_keeps_the_model_next_to_the_text(env: Env) -> None:
    await committee(env, ["甲支部", "乙支部"])
    await reconcile(env, at(2026, 5, 27, 10))
    async with env.db.transaction() as tx:
        saved = await circulars.get_circular(tx, "2026-05")
        await circulars.save_circular(tx, "2025-11", "<b>旧通报</b>\n正文", at(2025, 11, 27))
        old = await circulars.get_circular(tx, "2025-11")
    assert saved is not None and saved.doc is not None
    model = circular.stored_model(saved, "zh-Hans")
    assert model.counts is not None and model.counts.missing == 2
    assert saved.text == circular.chat_html(model)
    assert circular.stored_messages(saved) == circular.chat_messages(model)
    # A row from before the model: no JSON; its text as stored, as plain lines.
    assert old is not None and old.doc is None
    assert circular.stored_messages(old) == ["<b>旧通报</b>\n正文"]
    assert [p.text for p in circular.stored_model(old, "zh-Hans").sections[0].paras] == [
        "旧通报",
        "正文",
    ]
