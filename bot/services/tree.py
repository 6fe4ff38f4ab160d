"""逐级报送: the tree of units under the committee, and each 总支 over its own subtree.

The model (docs/tree.md): a unit (`branches` row) is a 党支部 or a 党总支
(`Branch.kind`), sits directly under the committee or under a 总支
(`Branch.parent_id`), and owes a monthly report or not (`Branch.reports`: a
总支 may only gather its 支部). The pure walks are `bot.tree`; the SQL is
`storage/tree.py` (and `storage/branches.py` for the rows).

Who may do what is checked here, before any argument is read:
- the committee's coordinators build the tree (`add_units`, `move_unit`);
- `Actor.require_scope()` (bot/services/base.py) gives the units an actor
  coordinates: the whole committee, or a 总支's subtree. `/status`, `/remind`,
  `/exempt`, highlights, `/export` and the 总支's circular filter by it;
  `resolve_in_scope` finds a unit by name inside it only.

API for the other features (the committee's grouping by 总支, 审核):
- `load_nodes(tx)` → {id: Branch} of the active units (`bot.tree` functions take it);
- `group_of(nodes, branch_id)` → the 总支 directly under the committee that a unit
  belongs to (None: directly under the committee), `groups(nodes)` → every such 总支;
- `general_of(nodes, branch_id)` → the nearest 总支 above a unit;
- `scope_of_general(tx, general_id)` → the `Scope` of one 总支;
- `general_group_chats(tx)` → {总支 id: chat id} of the bound 总支 groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot import tree
from bot.i18n import Ref
from bot.models import Branch, BranchKind, BranchView
from bot.services.base import (
    COORDINATION_CHAT_KEY,
    Actor,
    Env,
    Focus,
    Scope,
    UserError,
    coordination_chat,
)
from bot.services.onboarding import (
    MAX_NAMES_AT_ONCE,
    clean_branch_name,
    near_duplicate,
    resolve_branch,
    split_names,
)
from storage import branches, meta
from storage import tree as tree_store
from storage.db import Tx

# ------------------------------------------------------------------ reading


async def load_nodes(tx: Tx) -> dict[int, Branch]:
    """Every active unit keyed by id: the tree as `bot.tree` walks it."""
    return tree.by_id(await branches.list_branches(tx))


def group_of(nodes: dict[int, Branch], branch_id: int) -> Branch | None:
    """The 总支 directly under the committee that `branch_id` is in (itself, if it is
    one); None for a 支部 directly under the committee. The committee's grouping."""
    top = tree.top_of(nodes, branch_id)
    node = nodes.get(branch_id if top is None else top)
    return node if node is not None and node.is_general else None


def groups(nodes: dict[int, Branch]) -> list[Branch]:
    """The 总支 directly under the committee, in id order."""
    return [n for n in tree.children(nodes).get(None, []) if n.is_general]


def general_of(nodes: dict[int, Branch], branch_id: int) -> Branch | None:
    """The nearest 总支 above `branch_id` (not itself), if any."""
    for above in tree.ancestors(nodes, branch_id):
        if nodes[above].is_general:
            return nodes[above]
    return None


async def scope_of_general(tx: Tx, general_id: int) -> Scope:
    """One 总支 and every unit under it, as a `Scope` (read without loading the tree)."""
    general = await branches.get_branch(tx, general_id)
    if general is None or not general.active:
        raise UserError("tree_not_general", name=str(general_id))
    return Scope(general, await tree_store.subtree_ids(tx, general_id))


async def general_group_chats(tx: Tx) -> dict[int, int]:
    """{总支 id: chat id} for every 总支 that bound its own group."""
    return await tree_store.general_groups(tx)


async def resolve_in_scope(tx: Tx, scope: Scope, name: str, exact: bool = False) -> Branch:
    """A unit by name (see `onboarding.resolve_branch`) that must lie inside `scope`.

    Inside a 总支's scope a fragment is matched against its own units only; a
    unit that exists outside is refused without its details (`denied_outside`).
    """
    if scope.whole:
        return await resolve_branch(tx, name, exact)
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserError("branch_name_missing")
    found = await branches.find_branch(tx, cleaned)
    if found is not None:
        if not scope.covers(found.id):
            raise UserError("denied_outside")
        return found
    inside = [b for b in await branches.search_branches(tx, cleaned) if scope.covers(b.id)]
    if len(inside) == 1 and not exact:
        return inside[0]
    if inside:
        names = "、".join(b.name for b in inside[:8])
        key = "branch_exact_needed" if exact else "branch_ambiguous"
        raise UserError(key, name=cleaned, names=names)
    if await branches.search_branches(tx, cleaned):
        raise UserError("denied_outside")
    raise UserError("branch_not_found", name=cleaned)


# ------------------------------------------------------------------ where from


@dataclass(frozen=True)
class ChatPlace:
    """What a chat is to the tree: the committee's group, a 总支's group, or neither."""

    committee: bool = False
    focus: Focus | None = None


async def place_of_chat(env: Env, chat_id: int) -> ChatPlace:
    """Read once per update from a group (`handlers.common.make_ctx`)."""
    async with env.db.reading() as tx:
        if chat_id == await coordination_chat(env, tx):
            return ChatPlace(committee=True)
        general_id = await tree_store.general_of_chat(tx, chat_id)
        if general_id is None:
            return ChatPlace()
        scope = await scope_of_general(tx, general_id)
    assert scope.general is not None and scope.ids is not None
    return ChatPlace(focus=Focus(scope.general, scope.ids))


def placed(actor: Actor, place: ChatPlace) -> Actor:
    """`actor` as acting from that chat (see `Actor.require_scope`)."""
    return replace(actor, focus=place.focus, in_committee_group=place.committee)


# ------------------------------------------------------------------ /addbranch

PARENT_KEYS = frozenset({"上级", "上級", "parent", "总支", "總支"})
KIND_KEYS = frozenset({"类型", "類型", "kind", "type"})
REPORTS_KEYS = frozenset({"报送", "報送", "reports", "report"})
# 党总支部 is the full name; clerks write any of its short forms.
GENERAL_WORDS = frozenset(
    {"总支", "總支", "党总支", "黨總支", "总支部", "總支部", "党总支部", "黨總支部", "general"}
)
BRANCH_WORDS = frozenset({"支部", "党支部", "黨支部", "branch"})
YES_WORDS = frozenset({"是", "要", "yes", "y", "true", "1"})
NO_WORDS = frozenset({"否", "不", "no", "n", "false", "0"})
# `/movebranch 支部 工委`: back directly under the committee.
COMMITTEE_WORDS = frozenset(
    {"工委", "党委", "黨委", "委员会", "委員會", "committee", "顶层", "頂層"}
)


@dataclass(frozen=True)
class UnitOptions:
    """The `key=value` words of /addbranch (and the CSV's columns)."""

    parent: str | None = None
    kind: BranchKind = BranchKind.BRANCH
    reports: bool = True
    kind_given: bool = False  # a CSV row that names its kind (else an existing unit keeps its)


OPTION_KEYS = PARENT_KEYS | KIND_KEYS | REPORTS_KEYS


def _option(word: str) -> tuple[str, str] | None:
    for sep in ("=", "＝"):
        if sep in word:
            key, _, value = word.partition(sep)
            return key.strip().lower(), value.strip()
    # `上级：一总支` is how a Chinese keyboard writes it; a colon counts only after a key
    # we know, so a name with a colon in it stays a name.
    for sep in ("：", ":"):
        key, found, value = word.partition(sep)
        if found and key.strip().lower() in OPTION_KEYS:
            return key.strip().lower(), value.strip()
    return None


def parse_unit_options(text: str) -> tuple[str, UnitOptions]:
    """Split `/addbranch` text into names (one per line) and its options:
    `上级=总支名` (under that 总支), `类型=总支` (a 总支), `报送=否` (a 总支 that only
    gathers its 支部). An unknown `key=value` is refused, never taken as a name."""
    parent: str | None = None
    kind = BranchKind.BRANCH
    reports: bool | None = None
    lines: list[str] = []
    for line in text.splitlines():
        kept: list[str] = []
        for word in line.split():
            opt = _option(word)
            if opt is None:
                kept.append(word)
                continue
            key, value = opt
            if key in PARENT_KEYS and value:
                parent = value
            elif key in KIND_KEYS and value.lower() in GENERAL_WORDS:
                kind = BranchKind.GENERAL
            elif key in KIND_KEYS and value.lower() in BRANCH_WORDS:
                kind = BranchKind.BRANCH
            elif key in REPORTS_KEYS and value.lower() in YES_WORDS | NO_WORDS:
                reports = value.lower() in YES_WORDS
            else:
                raise UserError("tree_bad_option", option=word)
        lines.append(" ".join(kept))
    if reports is False and kind is not BranchKind.GENERAL:
        raise UserError("tree_only_general_gathers")
    return "\n".join(lines), UnitOptions(parent, kind, True if reports is None else reports)


async def _parent(tx: Tx, name: str | None) -> Branch | None:
    """The 总支 named as a parent; a 支部 cannot have units under it."""
    if name is None or name.lower() in COMMITTEE_WORDS:
        return None
    parent = await resolve_branch(tx, name)
    if not parent.is_general:
        raise UserError("tree_parent_not_general", name=parent.name)
    return parent


@dataclass(frozen=True)
class AddedUnits:
    added: list[Branch]
    existed: list[str]
    near: list[tuple[str, str]]  # (new name, the existing name it resembles)
    parent: Branch | None
    # Existing units named with a 上级 they are not under: /addbranch does not move them.
    elsewhere: list[str] = field(default_factory=list)


async def add_units(env: Env, actor: Actor, text: str, now: datetime) -> AddedUnits:
    """/addbranch (one name, or a pasted list one per line) with its options (see
    `parse_unit_options`): add each name, under the parent named, of the kind named;
    say which existed, and warn of look-alike names (`onboarding.near_duplicate`)."""
    actor.require_coordinator()
    body, options = parse_unit_options(text)
    names = split_names(body)
    if not names:
        raise UserError("arg_missing", usage=Ref("usage_addbranch"))
    if len(names) > MAX_NAMES_AT_ONCE:
        raise UserError("too_long_arg")
    cleaned = [clean_branch_name(n) for n in names]
    added: list[Branch] = []
    existed: list[str] = []
    near: list[tuple[str, str]] = []
    elsewhere: list[str] = []
    async with env.db.transaction() as tx:
        parent = await _parent(tx, options.parent)
        others = [b.name for b in await branches.list_branches(tx)]
        for name in cleaned:
            branch = await branches.add_branch(
                tx,
                name,
                "",
                now,
                parent_id=parent.id if parent else None,
                kind=options.kind,
                reports=options.reports,
            )
            if branch is None:
                existed.append(name)
                there = await branches.find_branch(tx, name)
                if there is not None and parent is not None and there.parent_id != parent.id:
                    elsewhere.append(name)
                continue
            detail = name if parent is None else f"{name} ⊂ {parent.name}"
            await meta.audit(tx, "branch_created", now, actor.user_id, branch.id, detail)
            similar = next((o for o in others if near_duplicate(name, o)), None)
            if similar is not None:
                near.append((name, similar))
            others.append(name)
            added.append(branch)
    return AddedUnits(added, existed, near, parent, elsewhere)


# ------------------------------------------------------------------ CSV import


def _csv_error(env: Env, line: int, key: str, **params: object) -> UserError:
    from bot.i18n import t

    return UserError("csv_bad_row", line=line, reason=t(env.cfg.language, key, **params))


HEADER_FIRST = frozenset({"name", "名称", "名稱", "支部", "支部名称"})
HEADER_WORDS = frozenset(
    {"上级", "上級", "parent", "类型", "類型", "kind", "type", "报送", "報送", "reports"}
    | {"上级党组织", "上級黨組織", "所属总支", "所屬總支", "是否报送", "是否報送"}
)


def csv_header(row: list[str]) -> bool:
    """Whether the first row is a header: a name column called …名称 (单位名称,
    党组织名称), or a tree column called 上级/类型/报送 (else it would be read as a unit
    under a 总支 called «上级»)."""
    cells = [c.strip().lower() for c in row] + [""] * 5
    first = cells[0].lstrip("\ufeff")
    if first in HEADER_FIRST or first.endswith(("名称", "名稱")):
        return True
    return any(c in HEADER_WORDS for c in cells[2:5])


def csv_cells(row: list[str]) -> list[str]:
    """A row typed with a Chinese keyboard's commas (甲支部，机关，一总支) is one cell to
    the csv module; a unit's name never holds a full-width comma, so split it there."""
    if len(row) == 1 and "，" in row[0]:
        return row[0].split("，")
    return row


def csv_place(env: Env, line: int, row: list[str]) -> UnitOptions:
    """The tree columns of a `zhibu branches import` row: name, category, then optional
    parent (a 总支's name; empty: directly under the committee), kind (支部/总支) and
    reports (是/否, for a 总支 that only gathers)."""
    cell = [c.strip() for c in row] + [""] * 5
    parent, kind_word, reports_word = cell[2] or None, cell[3].lower(), cell[4].lower()
    kind = BranchKind.BRANCH
    if kind_word in GENERAL_WORDS:
        kind = BranchKind.GENERAL
    elif kind_word and kind_word not in BRANCH_WORDS:
        raise _csv_error(env, line, "tree_bad_option", option=cell[3])
    if reports_word and reports_word not in YES_WORDS | NO_WORDS:
        raise _csv_error(env, line, "tree_bad_option", option=cell[4])
    reports = reports_word not in NO_WORDS
    if not reports and kind is not BranchKind.GENERAL:
        raise _csv_error(env, line, "tree_only_general_gathers")
    return UnitOptions(parent, kind, reports, kind_given=bool(kind_word or reports_word))


async def place_imported(env: Env, tx: Tx, rows: list[tuple[int, Branch, UnitOptions]]) -> None:
    """After every row of a CSV exists: each unit's kind (an existing one's too, when the
    file says so) and its parent, which may come later in the file than its units."""
    for _line, branch, place in rows:
        if not place.kind_given:
            continue
        if branch.kind is not place.kind or branch.reports != place.reports:
            await tree_store.set_kind(tx, branch.id, place.kind, place.reports)
    for line, branch, place in rows:
        if place.parent is None:
            continue
        parent = await branches.find_branch(tx, " ".join(place.parent.split()))
        if parent is None:
            raise _csv_error(env, line, "tree_csv_parent_missing", name=place.parent)
        if not parent.is_general:  # the fix is in the file, not a command
            raise _csv_error(env, line, "tree_csv_parent_not_general", name=parent.name)
        if parent.id == branch.id:
            raise _csv_error(env, line, "tree_self_parent", unit=branch.name)
        nodes = await load_nodes(tx)
        if tree.would_cycle(nodes, branch.id, parent.id):
            raise _csv_error(env, line, "tree_cycle", unit=branch.name, target=parent.name)
        await tree_store.set_parent(tx, branch.id, parent.id)


# ------------------------------------------------------------------ /movebranch

MOVE_SEPARATORS = ("|", "｜", "→", "->", "=>")
MOVE_WORDS = frozenset({"到", "至", "移到", "移至", "归入", "歸入", "to"})


def split_move(args: list[str]) -> tuple[str, str]:
    """`/movebranch 支部 总支` (names with spaces: `支 部 | 总 支`) → (unit, target)."""
    text = " ".join(args)
    for sep in MOVE_SEPARATORS:
        if sep in text:
            unit, _, target = text.partition(sep)
            if unit.strip() and target.strip():
                return unit.strip(), target.strip()
    if len(args) < 2:
        raise UserError("arg_missing", usage=Ref("usage_movebranch"))
    if len(args) >= 3 and args[-2] in MOVE_WORDS:  # `/movebranch 甲支部 到 一总支`
        return " ".join(args[:-2]), args[-1]
    return " ".join(args[:-1]), args[-1]


@dataclass(frozen=True)
class Moved:
    unit: Branch
    before: Branch | None  # the 总支 it was under (None: the committee)
    after: Branch | None


async def move_unit(env: Env, actor: Actor, args: list[str], now: datetime) -> Moved:
    """/movebranch: put a unit under a 总支, or back under the committee (`工委`).

    Its reports, members and history stay with it. A move that would put a
    总支 under itself or under one of its own units is refused.
    """
    actor.require_coordinator()
    unit_name, target_name = split_move(args)
    async with env.db.transaction() as tx:
        unit = await resolve_branch(tx, unit_name, exact=True)
        if target_name.lower() in COMMITTEE_WORDS or target_name == env.cfg.org_name:
            target = None
        else:
            target = await _parent(tx, target_name)
        nodes = await load_nodes(tx)
        before_id = tree.parent_of(nodes, unit.id)
        before = nodes.get(before_id) if before_id is not None else None
        if target is not None and target.id == unit.id:
            raise UserError("tree_self_parent", unit=unit.name)
        if tree.would_cycle(nodes, unit.id, target.id if target else None):
            raise UserError("tree_cycle", unit=unit.name, target=target.name if target else "")
        await tree_store.set_parent(tx, unit.id, target.id if target else None)
        await meta.audit(
            tx,
            "branch_moved",
            now,
            actor.user_id,
            unit.id,
            f"{before.name if before else '-'} → {target.name if target else '-'}",
        )
        moved = await branches.get_branch(tx, unit.id)
        assert moved is not None
        return Moved(unit=moved, before=before, after=target)


# ------------------------------------------------------------------ /branches


@dataclass(frozen=True)
class TreeRow:
    depth: int  # 1 = directly under the committee (or the top of a 总支's scope)
    view: BranchView


async def tree_rows(env: Env, actor: Actor) -> tuple[Scope, list[TreeRow]]:
    """/branches: the units this actor coordinates, parents before their units, with
    their secretary and deputy. A 总支 secretary sees their own 总支's subtree only."""
    scope = actor.require_scope()
    async with env.db.reading() as tx:
        views = await branches.branch_views(tx)
    nodes = tree.by_id(v.branch for v in views)
    by = {v.branch.id: v for v in views}
    rows = [
        TreeRow(level, by[node.id]) for level, node in tree.preorder(nodes) if scope.covers(node.id)
    ]
    if not scope.whole and rows:  # draw the 总支 at the top, its units one level in
        top = min(r.depth for r in rows)
        rows = [TreeRow(r.depth - top + 1, r.view) for r in rows]
    return scope, rows


# ------------------------------------------------------------------ a 总支's group


async def bind_general_group(
    env: Env, actor: Actor, chat_id: int, title: str, name: str, now: datetime
) -> Branch | None:
    """/bindgroup in a group: with no name, an admin makes it the committee's group
    (returns None; `onboarding.bind_group` does that) and a 总支 secretary makes it their
    总支's group; with a 总支's name, it becomes that 总支's group (an admin, or whoever
    leads that 总支). Returns the 总支 bound."""
    name = name.strip()
    async with env.db.reading() as tx:
        holder_id = await tree_store.general_of_chat(tx, chat_id)
        holder = await branches.get_branch(tx, holder_id) if holder_id is not None else None
    if name.lower() in COMMITTEE_WORDS or name == env.cfg.org_name:
        actor.require_admin()
        return None  # `/bindgroup 工委`: the committee's group, said in so many words
    if not name:
        if holder is not None and actor.governs(holder.id):
            general = holder  # bound again by whoever leads it (an admin too)
        elif actor.is_admin:
            if holder is not None:  # a plain /bindgroup must not take a 总支's group away
                raise UserError("tree_group_is_generals", name=holder.name)
            return None  # the committee's group, as before
        else:
            led = [m.branch for m in actor.memberships if m.branch.id in actor.generals]
            if not led:
                actor.require_admin()  # the refusal everyone but an admin had before
                raise UserError("denied_admin")
            general = led[0]
    else:
        if not (actor.is_admin or actor.leads_general):
            raise UserError("denied_admin")
        async with env.db.reading() as tx:
            general = await resolve_branch(tx, name)
        if not general.is_general:
            raise UserError("tree_not_general", name=general.name)
        if not (actor.is_admin or actor.governs(general.id)):
            raise UserError("denied_outside")
    # Another 总支's group: only an admin or that 总支's own secretary hands it over.
    taken = holder is not None and holder.id != general.id
    if taken and holder is not None and not (actor.is_admin or actor.governs(holder.id)):
        raise UserError("tree_group_taken", name=holder.name)
    async with env.db.transaction() as tx:
        stored = await meta.kv_get(tx, COORDINATION_CHAT_KEY)
        if stored == str(chat_id) or (stored is None and env.cfg.coordination_chat_id == chat_id):
            raise UserError("tree_group_is_committees")
        await tree_store.bind_general_group(tx, general.id, chat_id, title, actor.user_id, now)
        await meta.audit(tx, "general_group_bound", now, actor.user_id, general.id, str(chat_id))
    return general
