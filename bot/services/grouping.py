"""The committee's view by 党总支 (docs/tree-review.md): one grouping, four readers.

A committee with 党总支 reads its month by 总支 first: per 总支 应报 / 按时 /
迟报 / 未报 (and 免报, 待审核), with the 支部 directly under the committee as
one more group (直属支部), then the named lists grouped the same way. The
grouping is built here once, purely, from the units (`bot.tree` nodes) and
anything that has a `.branch` (a `status.Line`): `/status`
(handlers/coordination.py via `render_*`), the circular's `by_general` section
(bot/services/circular.py), the Word circular (it renders the model) and the
ledger's 总支 column and summary sheet (bot/records/ledger_groups.py).

A committee without any 总支 has no grouping (`grouped` returns None): its
/status, circular and ledger stay exactly as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from bot import tree
from bot.models import Branch
from bot.rules import State
from bot.services.base import Env
from bot.services.status import Line, MonthSummary
from storage import approvals, branches
from storage import tree as tree_store
from storage.approvals import PENDING
from storage.db import Tx


class Named(Protocol):
    """What the grouping reads of a unit: a `bot.models.Branch` or a summary's lean row."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


class HasBranch(Protocol):
    @property
    def branch(self) -> Named: ...


class HasState(HasBranch, Protocol):
    @property
    def state(self) -> State: ...


L = TypeVar("L", bound=HasBranch)


def top_general(nodes: Mapping[int, Branch], branch_id: int) -> Branch | None:
    """The 总支 directly under the committee that a unit is in (itself, if it is one);
    None for a 支部 directly under the committee, or a unit not among `nodes`."""
    top = tree.top_of(nodes, branch_id)
    node = nodes.get(branch_id if top is None else top)
    return node if node is not None and node.is_general else None


def has_generals(nodes: Mapping[int, Branch]) -> bool:
    """Whether the committee has any 总支 (then its views are grouped)."""
    return any(n.is_general for n in nodes.values())


@dataclass(frozen=True)
class Group(Generic[L]):
    """One 总支 (None: the 支部 directly under the committee) and its lines."""

    general: Branch | None
    lines: list[L] = field(default_factory=list)

    @property
    def key(self) -> int:
        """Its id in buttons and sheets: the 总支's id, 0 for 直属支部."""
        return 0 if self.general is None else self.general.id


def group(nodes: Mapping[int, Branch], lines: Iterable[L]) -> list[Group[L]]:
    """The lines by 总支: every 总支 directly under the committee in id order (even one
    with no line), then 直属支部 when it has any. Lines keep their order in each group."""
    generals = [n for n in tree.children(nodes).get(None, []) if n.is_general]
    out: dict[int, Group[L]] = {g.id: Group(g, []) for g in generals}
    direct: Group[L] = Group(None, [])
    for ln in lines:
        top = top_general(nodes, ln.branch.id)
        target = out.get(top.id) if top is not None else None
        if target is None:
            # A 总支 above it was archived (not among the nodes): counted under the committee.
            target = direct
        target.lines.append(ln)
    return [*out.values(), *([direct] if direct.lines else [])]


def grouped(nodes: Mapping[int, Branch], lines: Iterable[L]) -> list[Group[L]] | None:
    """`group`, or None for a committee without any 总支 (nothing changes for it)."""
    return group(nodes, lines) if has_generals(nodes) else None


@dataclass(frozen=True)
class GroupCounts:
    """A group's numbers as /status, the circular and the ledger state them."""

    expected: int  # 应报 (exempt not counted)
    on_time: int
    late: int
    missing: int  # 未报 / 待报: still to report
    exempt: int
    pending_review: int = 0  # 待审核: sent, counted, waiting for the 总支 secretary

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 1.0


def counts(lines: Sequence[HasState], pending: frozenset[int] = frozenset()) -> GroupCounts:
    """Counts of status lines; `pending`: branch ids whose report awaits review."""
    states = [ln.state for ln in lines]
    exempt = states.count(State.EXEMPT)
    return GroupCounts(
        expected=len(states) - exempt,
        on_time=states.count(State.ON_TIME),
        late=states.count(State.LATE),
        missing=states.count(State.WAITING) + states.count(State.MISSING),
        exempt=exempt,
        pending_review=sum(1 for ln in lines if ln.branch.id in pending),
    )


# ------------------------------------------------------------------ reading


async def pending_review(tx: Tx, month: str) -> frozenset[int]:
    """Branch ids whose report of `month` is waiting for its 总支 secretary (审核)."""
    return frozenset(
        s.branch_id for s in await approvals.latest_for_month(tx, month) if s.state == PENDING
    )


@dataclass(frozen=True)
class MonthGroups:
    """A month's status lines by 总支, with the reports still waiting for review."""

    groups: list[Group[Line]]
    pending: frozenset[int]  # branch ids

    def counts(self, g: Group[Line]) -> GroupCounts:
        return counts(g.lines, self.pending)

    @property
    def pending_total(self) -> int:
        return sum(1 for g in self.groups for ln in g.lines if ln.branch.id in self.pending)


async def month_groups(tx: Tx, summary: MonthSummary, scoped: bool = False) -> MonthGroups | None:
    """The committee's month by 总支; None for a flat committee. A 总支's own view is
    not grouped (None), unless `scoped` (its /status) and some of its units' reports
    wait for its review: then one group, itself, so /status shows 待审核 and marks them."""
    if not summary.scope.whole:
        if not scoped:
            return None
        ids = {ln.branch.id for ln in summary.lines}
        waiting = await pending_review(tx, str(summary.month)) & ids
        if not waiting:
            return None
        return MonthGroups([Group(summary.scope.general, list(summary.lines))], waiting)
    if not await tree_store.any_general(tx):
        return None  # a flat committee: not grouped (`grouped`), nothing more to read
    nodes = tree.by_id(await branches.list_branches(tx))
    found = grouped(nodes, summary.lines)
    if found is None:
        return None
    return MonthGroups(found, await pending_review(tx, str(summary.month)))


async def status_groups(env: Env, summary: MonthSummary) -> MonthGroups | None:
    """For /status (its own read, after `status.month_status`)."""
    async with env.db.reading() as tx:
        return await month_groups(tx, summary, scoped=True)
