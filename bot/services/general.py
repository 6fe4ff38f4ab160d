"""A 党总支's own group: its subtree's digest and its own monthly circular (docs/tree.md).

A 总支 whose secretary bound a group (`/bindgroup`, `bot/services/tree.py`) gets
there, like the committee in its coordination group:
- after the due day, the digest of its own units still missing (`digests`, called
  by the engine with the committee's digest, in the same stage window);
- at circular time, its own circular: the committee's circular model built over
  its subtree and issued in its name (`circular.build(..., scope)`), text only
  (`reconcile_circulars`); `/circular post` from the 总支 posts it now (`post`).

Each message has its own dedupe key (`gdigest:…`, `gcirc:<month>:<总支>:<part>`),
so a tick, a restart or a second `/circular post` never sends one twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import rules
from bot.calendar import Month
from bot.i18n import join, split_message, t
from bot.models import NewMessage
from bot.rules import State
from bot.services import circular as circular_mod
from bot.services.base import Env, Scope, UserError, peek_cycle
from bot.services.fmt import date_label, month_label, names_list
from bot.services.status import MonthSummary
from bot.services.tree import scope_of_general
from storage import outbox
from storage import tree as tree_store
from storage.db import Tx

DIGEST_NAMES = 30


def circular_prefix(month: Month) -> str:
    return f"gcirc:{month}:"


def circular_key(month: Month, general_id: int, part: int) -> str:
    return f"{circular_prefix(month)}{general_id}:{part}"


async def digests(
    env: Env, tx: Tx, month: Month, summary: MonthSummary, now: datetime, valid_until: datetime
) -> int:
    """Each bound 总支 group: its own units still missing, counts first (as the committee's)."""
    added = 0
    for general_id, chat_id in (await tree_store.general_groups(tx)).items():
        scope = await scope_of_general(tx, general_id)
        mine = replace(summary, lines=[ln for ln in summary.lines if scope.covers(ln.branch.id)])
        missing = mine.having(State.MISSING)
        if not missing or scope.general is None:
            continue
        lang = env.cfg.language
        names = names_list(lang, [ln.branch.name for ln in missing], DIGEST_NAMES)
        lines = [
            t(
                lang,
                "gdigest_head",
                general=scope.general.name,
                month=month_label(lang, month),
                count=len(missing),
                names=names,
            ),
            t(
                lang,
                "digest_counts",
                expected=mine.expected,
                reported=mine.reported,
                missing=len(mine.todo),
                no_secretary=len(mine.without_secretary),
            ),
            t(lang, "digest_tail"),
        ]
        for i, part in enumerate(split_message(join(lines)), 1):
            msg = NewMessage(
                dedupe_key=f"gdigest:{month}:{general_id}:{i}",
                kind="digest",
                chat_id=chat_id,
                text=part,
                month=str(month),
                valid_until=valid_until,
            )
            added += await outbox.enqueue(tx, msg, now)
    return added


async def _enqueue(
    env: Env, tx: Tx, month: Month, scope: Scope, chat_id: int, now: datetime
) -> int:
    assert scope.general is not None
    draft = await circular_mod.draft(env, tx, month, now, scope=scope)
    added = 0
    for i, part in enumerate(circular_mod.chat_text(draft)[1], 1):
        msg = NewMessage(
            dedupe_key=circular_key(month, scope.general.id, i),
            kind="circular",
            chat_id=chat_id,
            text=part,
            month=str(month),
        )
        added += await outbox.enqueue(tx, msg, now)
    return added


async def reconcile_circulars(env: Env, tx: Tx, month: Month, now: datetime) -> int:
    """At circular time: each 总支 group bound before then gets its 总支's circular, once."""
    cycle = await peek_cycle(env, tx, month)
    at = rules.circular_time(
        cycle.due_on, env.cfg.circular_days_after, env.cfg.circular_at, env.cfg.tz
    )
    if now < at:
        return 0
    bound = await tree_store.general_groups_bound(tx)
    if not bound:
        return 0
    posted = {
        int(key.split(":")[2])
        for key in await outbox.outbox_keys(tx, circular_prefix(month))
        if key.count(":") == 3
    }
    added = 0
    for general_id, chat_id, bound_at in bound:
        if general_id in posted or bound_at > at:
            continue  # posted already; or bound after this month's circular time
        added += await _enqueue(
            env, tx, month, await scope_of_general(tx, general_id), chat_id, now
        )
    return added


async def post(env: Env, tx: Tx, scope: Scope, month: Month, now: datetime) -> tuple[bool, int]:
    """`/circular post` from a 总支: its circular into its group now; (posted before, queued)."""
    assert scope.general is not None
    chat_id = (await tree_store.general_groups(tx)).get(scope.general.id)
    if chat_id is None:
        raise UserError("tree_no_group", name=scope.general.name)
    cycle = await peek_cycle(env, tx, month)
    if not rules.is_overdue(cycle.due_on, now, env.cfg.tz):
        raise UserError("circular_too_early", due=date_label(env.cfg.language, cycle.due_on))
    if await outbox.outbox_keys(tx, f"{circular_prefix(month)}{scope.general.id}:"):
        return True, 0  # posted (or queued) once: never again, not even a part of it
    # The 总支's own units only: a secretary of two 总支 has both in their private scope,
    # and one 总支's group must not get the other's circular.
    own = await scope_of_general(tx, scope.general.id)
    queued = await _enqueue(env, tx, month, own, chat_id, now)
    return queued == 0, queued
