"""kill -9 in the middle of a burst of reports: every report Telegram was told had arrived
(the bot's next getUpdates asked past it) is in the database, filed once."""

from __future__ import annotations

from pathlib import Path

from benchmarks.fake_botapi import Call, Fault
from tests.faults.harness import (
    TOKEN,
    World,
    at,
    build_committee,
    integrity,
    prompt_id,
    query,
    secretary,
    world,
)

K = 60  # branches; two bursts of K // 2 reports
MONTH = "2026-11"
REPORT = "本月召开支部委员会1次，组织党员学习2次，开展主题党日活动1次。第{}党支部。"


def acks(w: World, chats: range) -> list[Call]:
    """The bot's answers that filed a report (they carry its "revise" button)."""
    wanted = {secretary(i) for i in chats}
    return [
        c for c in w.sends() if c.chat_id in wanted and "rev:" in str(c.params.get("reply_markup"))
    ]


def unhandled(w: World) -> set[int]:
    """Update ids stored in the inbox and not yet handled (read right after a kill)."""
    return {
        int(str(r[0])) for r in query(w.db, "SELECT update_id FROM inbox WHERE state != 'handled'")
    }


def burst(w: World, chats: range) -> list[int]:
    return [w.push_text(secretary(i), REPORT.format(i + 1), reply_to=prompt_id(i)) for i in chats]


async def test_kill9_mid_reports_no_confirmed_update_lost(tmp_path: Path) -> None:
    first, second = range(K // 2), range(K // 2, K)
    async with world(tmp_path) as w:
        await build_committee(w.db, K, at(2026, 11, 2, 10), prompts_for=MONTH)
        w.set_clock(at(2026, 11, 20, 10))  # nothing is due: only the reports
        proc = await w.started()

        # 1. The answers hang: handlers are stuck after filing, when PTB has already
        #    confirmed the whole batch with its next getUpdates. Then kill -9.
        w.server.hold("sendMessage")
        ids = burst(w, first)
        await w.wait(lambda: w.server.confirmed(TOKEN) >= ids[-1], 60, "batch confirmed", proc)
        await w.wait(lambda: len(acks(w, first)) >= len(first) // 3, 60, "answers begun", proc)
        await proc.kill9()
        w.server.release("sendMessage")
        confirmed = [u for u in ids if u <= w.server.confirmed(TOKEN)]
        in_flight = unhandled(w)
        assert integrity(w.db) == "ok"
        assert len(confirmed) == len(first)  # Telegram forgot them all: only the inbox has them

        # 2. Restart; then a second burst whose first getUpdates answer is lost on the way
        #    (Telegram sends it again), and kill -9 again part way through.
        proc = await w.started()
        lost = w.server.inject(Fault("lost", method="getUpdates", count=1))
        ids2 = burst(w, second)
        await w.wait(lambda: len(acks(w, second)) >= len(second) // 3, 60, "second burst", proc)
        await proc.kill9()
        confirmed += [u for u in ids2 if u <= w.server.confirmed(TOKEN)]
        in_flight |= unhandled(w)
        assert integrity(w.db) == "ok"

        # 3. Restart: everything is handled.
        proc = await w.started()
        await w.wait(
            lambda: len({c.chat_id for c in acks(w, range(K))}) == K, 120, "every report", proc
        )
        await w.wait(lambda: not unhandled(w), 60, "inbox handled", proc)
        assert await proc.stop() == 0
        assert integrity(w.db) == "ok"

    assert lost.hits == 1
    # Every confirmed update is in the inbox, handled; every report filed once.
    handled = {int(str(r[0])) for r in query(w.db, "SELECT update_id FROM inbox")}
    assert set(confirmed) <= handled
    rows = query(
        w.db,
        "SELECT b.author_id, b.text, b.revisions, "
        "(SELECT count(*) FROM report_revisions r WHERE r.report_id = b.id) "
        "FROM reports b WHERE b.month = ?",
        MONTH,
    )
    assert sorted(int(str(r[0])) for r in rows) == [secretary(i) for i in range(K)]
    assert all(r[1] == REPORT.format(int(str(r[0])) - secretary(0) + 1) for r in rows)
    assert all(r[2] == 1 for r in rows), "a report was filed twice (as a revision)"
    assert all(int(str(r[3])) <= 1 for r in rows)
    # An answer is repeated only for an update a kill caught before it was marked handled.
    per_chat: dict[int, int] = {}
    for c in acks(w, range(K)):
        per_chat[c.chat_id or 0] = per_chat.get(c.chat_id or 0, 0) + 1
    repeated = {chat for chat, n in per_chat.items() if n > 1}
    chat_of = {u: secretary(i) for i, u in zip(first, ids, strict=True)}
    chat_of |= {u: secretary(i) for i, u in zip(second, ids2, strict=True)}
    assert repeated <= {chat_of[u] for u in in_flight if u in chat_of}
    print(
        f"\nreports: {K} in two bursts, 2 × kill -9, 1 lost getUpdates answer: "
        f"confirmed {len(confirmed)}, lost 0, filed twice 0, "
        f"answers repeated {len(repeated)} (of {len(in_flight)} caught in flight)"
    )
