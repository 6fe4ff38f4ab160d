"""What the real process refuses: a second `zhibu run` on its database, and forged buttons
for every callback pattern the bot knows."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from benchmarks.fake_botapi import EDITS, SENDS
from bot.i18n import t
from bot.services import signing
from handlers.buttons import ACTIONS
from storage import meta
from storage import reports as report_store
from storage.db import Database
from tests.faults.harness import (
    ADMIN,
    World,
    at,
    build_committee,
    integrity,
    query,
    secretary,
    world,
)
from tests.test_authorization import forgeries


async def test_a_second_process_on_the_database_is_refused(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        await build_committee(w.db, 3, at(2026, 11, 2, 10))
        first = await w.started(clock=False)
        second = await w.start(clock=False)
        assert await second.exited(60) == 2
        lines = second.text().strip().splitlines()
        assert len(lines) == 1, lines
        assert "another `zhibu run`" in lines[0] and f"pid {first.pid}" in lines[0]
        # The holder carries on.
        await w.ask(ADMIN, "/help")
        assert await first.stop() == 0
        assert integrity(w.db) == "ok"
    print(f"\ntwo processes: the second exited 2 with: {lines[0]}")


# Every action's data, with the ids of the world below (branch 1, report 1); ids of
# things that do not exist (a plan draft, a task) are as good: nothing may run at all.
SHAPES = {
    "pick": "pick:1:2026-10",
    "rev": "rev:1",
    "view": "view:1",
    "hl": "hl:1",
    "lang": "lang:en",
    "planok": "planok:1",
    "planno": "planno:1",
    "task": "task:1:1",
    "ts": "ts:1:1:done",
    "pm": "pm:status:2026-11",
    "rmd": "rmd:2026-11",
    "rmdask": "rmdask:2026-11",
    "stp": "stp:2026-11:todo:2",
    "brp": "brp:2",
    "ivp": "ivp:2",
    "inva": "inva",
    "mtb": "mtb:1",
    "mtp": "mtp:1:2",
    "typed": "typed:1:2026-11",
    "wd": "wd:1",
    "wdok": "wdok:1",
    "mv": "mv:1",
    "mvto": "mvto:1:1:2026-10",
    "sfp": "sfp:2026-11:1:2",
    # report forms
    "fa": "fa:1:2026-11:5:y",
    "fp": "fp:1:2026-11",
    "fc": "fc:1:2026-11",
    "fe": "fe:1:2026-11",
    "fk": "fk:1:2026-11:0",
    "fs": "fs:1:2026-11",
    # a plan's preview corrected, plans managed
    "pvt": "pvt:1:0:1",
    "pvk": "pvk:1:0:1",
    "pvd": "pvd:1:0:1",
    "pvp": "pvp:1:0:1",
    "pvy": "pvy:1:0:up:1",
    "plm": "plm:1:1",
    "pld": "pld:1",
    "plx": "plx:1",
    "plxok": "plxok:1",
    "ptt": "ptt:1",
    "ptd": "ptd:1",
    "ptx": "ptx:1",
    "ptxok": "ptxok:1",
    "ptb": "ptb:1:1",
    "ptbx": "ptbx:1:1:1",
    "ptba": "ptba:1",
    # 审核 by a 总支
    "apv": "apv:1",
    "apr": "apr:1",
}
# The tables a refused press must leave as they were (the inbox records every update,
# the lease its heartbeat, and users the name Telegram shows).
WATCHED = (
    "branches",
    "branch_members",
    "cycles",
    "reports",
    "report_revisions",
    "attachments",
    "prompts",
    "pending",
    "exemptions",
    "outbox",
    "circulars",
    "invites",
    "coordinators",
    "audit",
    "form_answers",
    "form_drafts",
    "plan_tasks",
    "plan_changes",
    "report_approvals",
    "approval_settings",
)


def snapshot(w: World) -> dict[str, list[tuple[object, ...]]]:
    return {name: query(w.db, f"SELECT * FROM {name} ORDER BY 1") for name in WATCHED}


async def test_forged_buttons_for_every_pattern_are_refused(tmp_path: Path) -> None:
    assert set(SHAPES) == set(ACTIONS), "a new button action needs its shape here"
    sec = secretary(0)
    async with world(tmp_path) as w:
        await build_committee(w.db, 1, at(2026, 11, 2, 10))
        key = secrets.token_bytes(32)
        db = await Database.open(w.db)
        async with db.transaction() as tx:
            await meta.kv_setdefault(tx, signing.SECRET_KEY, key.hex())
            await report_store.ensure_cycle(tx, "2026-11", at(2026, 11, 25).date(), at(2026, 11, 2))
            await report_store.insert_report(
                tx, 1, "2026-11", sec, "十一月的报告。", at(2026, 11, 10, 10), False
            )
        await db.close()
        w.set_clock(at(2026, 11, 20, 10))
        proc = await w.started()
        before = snapshot(w)
        start = time.perf_counter()

        pressed: list[int] = []
        for shape in sorted(SHAPES.values()):
            data = f"z1:{shape}"
            good = signing.sign(key, data)
            for forged in forgeries(data, good):
                assert forged != good
                for user in (sec, ADMIN):
                    pressed.append(w.push_callback(user, forged))

        def done() -> bool:
            rows = query(
                w.db,
                f"SELECT count(*) FROM inbox WHERE state = 'handled' AND update_id IN "
                f"({','.join(map(str, pressed))})",
            )
            return rows[0][0] == len(pressed)

        await w.wait(done, 180, "every press handled", proc)
        await w.wait(
            lambda: len(w.sends("answerCallbackQuery", after=start)) >= len(pressed),
            60,
            "every press answered",
            proc,
        )
        after = snapshot(w)
        acted = [c for m in sorted(SENDS | EDITS) for c in w.sends(m, after=start)]
        answers = {
            str(c.params.get("text", "")) for c in w.sends("answerCallbackQuery", after=start)
        }
        failures = query(w.db, "SELECT update_id, failure FROM inbox WHERE failure IS NOT NULL")

        # The control: the same harness sees a genuine press take effect.
        w.push_callback(sec, signing.sign(key, "z1:lang:en"))
        await w.wait(
            lambda: query(w.db, "SELECT language FROM users WHERE user_id = ?", sec)[0][0] == "en",
            60,
            "a genuine press",
            proc,
        )
        assert await proc.stop() == 0
        assert integrity(w.db) == "ok"

    assert acted == [], [(c.method, c.chat_id, c.params.get("text")) for c in acted]
    assert after == before
    assert answers == {t("zh-Hans", "stale_button")}
    assert failures == []
    print(
        f"\nforged buttons: {len(SHAPES)} patterns × {len(pressed) // len(SHAPES)} forgeries "
        f"and users = {len(pressed)} presses, 0 accepted; a genuine press accepted"
    )
