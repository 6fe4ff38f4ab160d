"""The minute tick stores and queues the circular from `circular.draft`, whose long
name lists are plain entries (bot/services/circular_names.py), not a model item per
name. These tests hold the draft's text, messages and JSON to the model built item
by item, on committees flat and by 总支, with names that need escaping in HTML and
in JSON, lists empty and long, and messages cut at several lengths.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.calendar import Month
from bot.models import BranchKind, MemberRole
from bot.services import circular, engine
from bot.services.base import Env, cycle_for
from bot.services.circular_model import CircularModel, Para, item
from bot.services.circular_names import Draft
from storage import branches, people, reports, tree
from tests.conftest import at

MONTH = Month(2026, 11)
START = at(2026, 6, 1, 9)
# Names that need care: HTML's three, JSON's quote, backslash and controls, a line
# separator, a character outside the BMP, a private-use one, a name longer than a message.
ODD = [
    'A&B<"x">支部',
    "反斜杠\\支部",
    "换行\n制表\t支部",
    "\u2028分隔\u0001支部",
    "表情😀支部",
    "\ue001私用\ue001支部",
    "长" * 4500,
]


async def _world(env: Env, by_general: bool) -> None:
    async with env.db.transaction() as tx:
        generals: list[int] = []
        if by_general:
            for g in range(3):
                b = await branches.add_branch(
                    tx, f"第{g + 1}党总支&", "", START, kind=BranchKind.GENERAL, reports=g == 0
                )
                assert b is not None
                generals.append(b.id)
        names = [f"第{i + 1}党支部" for i in range(120)] + ODD
        for i, name in enumerate(names):
            parent = generals[i % 4] if generals and i % 4 < 3 else None
            b = await branches.add_branch(tx, name, "机关", START, parent_id=parent)
            assert b is not None
            uid = 5000 + i
            await people.upsert_user(tx, uid, f"书记{i}", "", None, "zh-hans", START)
            if i % 11 != 3:
                await branches.set_member(tx, b.id, MemberRole.SECRETARY, uid, START)
            m = str(MONTH)
            kind = i % 7
            if kind in (0, 1, 2):
                r = await reports.insert_report(tx, b.id, m, uid, f"工作<b>{i}</b>&", START, False)
                if i % 17 == 0:
                    await reports.set_highlight(tx, r.id, 1)
            elif kind == 3:
                await reports.insert_report(tx, b.id, m, uid, "迟", at(2026, 11, 26, 3), True)
            elif kind == 4:
                await reports.set_exemption(tx, b.id, m, f"换届<{i}>&", 1, START)
            # the months before: some missed two or three in a row, some made up late
            for back, month in enumerate([MONTH.prev(), MONTH.prev().prev()]):
                await reports.ensure_cycle(tx, str(month), month.first_day.replace(day=25), START)
                if i % (3 + back) != 0:
                    await reports.insert_report(tx, b.id, str(month), uid, "前", START, False)
        # the month before's circular, then reports that came in after it (补报)
        prev = MONTH.prev()
        await tx.run(
            "INSERT INTO circulars(month, text, built_at) VALUES (?, ?, ?)",
            (str(prev), "旧", at(2026, 10, 26, 9).isoformat()),
        )
        for i in range(0, 30, 3):
            await reports.insert_report(
                tx, 1 + len(generals) + i, str(prev), 5000 + i, "补", at(2026, 11, 3), True
            )


def _by_item(d: Draft) -> CircularModel:
    """The model with each list's items built one by one, as before the draft."""
    sections = []
    for s in d.shell.sections:
        paras = []
        for p in s.paras:
            found = d.names.entries(p)
            if found is not None:
                entries, sep = found
                items = tuple(item(text, branch_id) for text, branch_id in entries)
                p = Para(lead=p.lead, items=items, sep=sep, tail=p.tail)
            paras.append(p)
        sections.append(s.model_copy(update={"paras": tuple(paras)}))
    return d.shell.model_copy(update={"sections": tuple(sections)})


@pytest.mark.parametrize("by_general", [False, True], ids=["flat", "by-general"])
@pytest.mark.parametrize("day", [26, 30])
async def test_the_draft_is_the_model(env: Env, by_general: bool, day: int) -> None:
    await _world(env, by_general)
    now = at(2026, 11, day, 9)
    async with env.db.transaction() as tx:
        await cycle_for(env, tx, MONTH, now)
        d = await circular.draft(env, tx, MONTH, now)
        built = await circular.build(env, tx, MONTH, now)
    model = d.model()
    assert model == built == _by_item(d)
    kinds = {s.kind for s in model.sections}
    assert {"on_time", "late", "missing", "exempt", "makeup", "highlights"} <= kinds
    assert ("by_general" in kinds) == by_general
    shells = sum(1 for s in d.shell.sections for p in s.paras if d.names.entries(p))
    assert shells >= 5
    # JSON: spliced (not the fallback), equal to the model's, read back the same
    spliced = d.names.spliced(d.shell)
    assert spliced is not None
    assert spliced == d.to_json() == model.to_json() == _by_item(d).to_json()
    assert CircularModel.from_json(spliced) == model
    for name in ODD[:-1]:
        assert any(name in it.text for s in model.sections for p in s.paras for it in p.items)
    # Chat: the whole text and the messages, at several lengths
    text, messages = circular.chat_text(d)
    assert text == circular.chat_html(model)
    assert messages == circular.chat_messages(model) == circular.chat_text(model)[1]
    assert len(messages) > 2 and "&lt;" in text and "&amp;" in text
    for limit in (300, 1000, 2500):
        assert circular.chat_text(d, limit)[1] == circular.chat_messages(model, limit)


async def test_the_tick_stores_what_the_model_renders(env: Env) -> None:
    """At due+1 the tick stores the circular's text and JSON from the draft; both are
    the model's, and the queued messages are the stored model's messages."""
    env = Env(db=env.db, cfg=env.cfg.model_copy(update={"coordination_chat_id": -100_7}))
    await _world(env, by_general=True)
    async with env.db.transaction() as tx:
        await tree.bind_general_group(tx, 2, -200_1, "g", 1, START)
    await engine.reconcile(env, at(2026, 11, 26, 9) - timedelta(days=1))
    await engine.reconcile(env, at(2026, 11, 26, 9))
    async with env.db.reading() as tx:
        rows = await tx.all("SELECT text, doc FROM circulars WHERE month = ?", (str(MONTH),))
        queued = await tx.all(
            "SELECT text FROM outbox WHERE dedupe_key LIKE ? ORDER BY id", (f"circular:{MONTH}:%",)
        )
    (row,) = rows
    model = CircularModel.from_json(row["doc"])
    assert row["text"] == circular.chat_html(model)
    assert row["doc"] == model.to_json()
    assert [q["text"] for q in queued] == circular.chat_messages(model)
    assert any(s.kind == "by_general" for s in model.sections)
