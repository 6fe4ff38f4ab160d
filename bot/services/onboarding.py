"""Branches, invites, joining, the coordination group."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.i18n import Ref, t
from bot.models import Branch, Invite, InviteRole, MemberRole, NewMessage, User
from bot.services.base import (
    BOT_USERNAME_KEY,
    COORDINATION_CHAT_KEY,
    Actor,
    Env,
    UserError,
    user_lang,
)
from storage import branches, meta, outbox, people
from storage import plans as plan_store
from storage import tree as tree_store
from storage.db import Tx

MAX_BRANCH_NAME = 40


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_branch_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise UserError("branch_name_missing")
    if len(name) > MAX_BRANCH_NAME:
        raise UserError("branch_name_too_long", max=MAX_BRANCH_NAME)
    return name


async def resolve_branch(tx: Tx, name: str, exact: bool = False) -> Branch:
    """An active branch by exact name, or by a fragment that matches only one.

    `exact` for what cannot be undone by a second command (archiving,
    renaming): a fragment then only suggests names.
    """
    name = " ".join(name.split())
    if not name:
        raise UserError("branch_name_missing")
    found_exact = await branches.find_branch(tx, name)
    if found_exact is not None:
        return found_exact
    found = await branches.search_branches(tx, name)
    if len(found) == 1 and not exact:
        return found[0]
    if not found:
        raise UserError("branch_not_found", name=name)
    names = "、".join(b.name for b in found[:8])
    raise UserError("branch_exact_needed" if exact else "branch_ambiguous", name=name, names=names)


RENAME_SEPARATORS = ("|", "｜", "→", "->", "=>")


def split_rename(args: list[str]) -> tuple[str, str]:
    """`旧名 新名`, or `旧 名 | 新 名` when a name has spaces."""
    text = " ".join(args)
    for sep in RENAME_SEPARATORS:
        if sep in text:
            old, _, new = text.partition(sep)
            return old.strip(), new.strip()
    if len(args) < 2:
        raise UserError("rename_usage")
    return args[0], " ".join(args[1:])


async def add_branch(
    env: Env, actor: Actor, raw_name: str, now: datetime, category: str = ""
) -> Branch:
    actor.require_coordinator()
    if not raw_name.strip():
        raise UserError("arg_missing", usage=Ref("usage_addbranch"))
    name = clean_branch_name(raw_name)
    async with env.db.transaction() as tx:
        branch = await branches.add_branch(tx, name, category.strip(), now)
        if branch is None:
            raise UserError("branch_exists", name=name)
        await meta.audit(tx, "branch_created", now, actor.user_id, branch.id, name)
        return branch


MAX_NAMES_AT_ONCE = 500
NAME_SUFFIXES = ("党总支部", "总支部", "党总支", "党支部", "总支", "支部", "党委")


def split_names(text: str) -> list[str]:
    """A pasted list: one branch name per line (blank lines and repeats dropped)."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        cleaned = " ".join(line.split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def _core(name: str) -> str:
    """A name without its suffix (党支部, 党总支, 支部, 党委…) and spaces, for comparing."""
    core = name.replace(" ", "")
    for suffix in NAME_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            return core[: -len(suffix)]
    return core


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def near_duplicate(name: str, other: str) -> bool:
    """Two names that are probably one branch: one contained in the other (教育局党支部,
    县教育局党支部), or one edit apart once the 党支部/支部/党委 suffix is gone."""
    if name == other:
        return False
    a, b = name.replace(" ", ""), other.replace(" ", "")
    if min(len(_core(a)), len(_core(b))) < 2:
        return False  # 一支部 / 二支部: too short to tell
    if a in b or b in a:
        return True
    return _within_one_edit(_core(a), _core(b))


async def rename_branch(
    env: Env, actor: Actor, args: list[str], now: datetime
) -> tuple[str, Branch]:
    """/renamebranch: `旧名 新名` (see `split_rename`) → (the old name, the renamed branch)."""
    actor.require_coordinator()
    old, new = split_rename(args)
    new_name = clean_branch_name(new)
    async with env.db.transaction() as tx:
        branch = await resolve_branch(tx, old, exact=True)
        if not await branches.rename_branch(tx, branch.id, new_name):
            raise UserError("branch_exists", name=new_name)
        # Plans assign tasks by branch name (that is how plans are written).
        await plan_store.rename_assignments(tx, branch.name, new_name)
        await meta.audit(
            tx, "branch_renamed", now, actor.user_id, branch.id, f"{branch.name} → {new_name}"
        )
        renamed = await branches.get_branch(tx, branch.id)
        assert renamed is not None
        return branch.name, renamed


async def archive_branch(env: Env, actor: Actor, name: str, now: datetime) -> Branch:
    return (await archive_unit(env, actor, name, now))[0]


async def archive_unit(
    env: Env, actor: Actor, name: str, now: datetime
) -> tuple[Branch, list[str]]:
    """/archivebranch: the unit, and (a 总支's) the names of its units, moved up to where
    the 总支 sat (docs/tree.md)."""
    actor.require_coordinator()
    if not name.strip():
        raise UserError("arg_missing", usage=Ref("usage_archivebranch"))
    async with env.db.transaction() as tx:
        branch = await resolve_branch(tx, name, exact=True)
        await branches.archive_branch(tx, branch.id, now)
        await meta.audit(tx, "branch_archived", now, actor.user_id, branch.id, branch.name)
        lifted = await tree_store.lift_children(tx, branch.id, branch.parent_id)
        if lifted:
            detail = f"{branch.name}: {'、'.join(lifted)}"
            await meta.audit(tx, "branch_moved", now, actor.user_id, branch.id, detail)
        return branch, lifted


# ------------------------------------------------------------------ invites


@dataclass(frozen=True)
class NewInvite:
    token: str
    invite: Invite
    branch: Branch | None


INVITE_ROLE_WORDS: dict[str, InviteRole] = {
    "secretary": InviteRole.SECRETARY,
    "书记": InviteRole.SECRETARY,
    "書記": InviteRole.SECRETARY,
    "deputy": InviteRole.DEPUTY,
    "副书记": InviteRole.DEPUTY,
    "副書記": InviteRole.DEPUTY,
    "联络员": InviteRole.DEPUTY,
    "聯絡員": InviteRole.DEPUTY,
    "coordinator": InviteRole.COORDINATOR,
    "协调人": InviteRole.COORDINATOR,
    "協調人": InviteRole.COORDINATOR,
}


async def parse_invite_args(
    env: Env, actor: Actor, args: list[str]
) -> tuple[InviteRole, str | None]:
    """`/invite 支部名 [role]` or `/invite coordinator` → (role, branch name).

    Only coordinators get this far (whether the role may be invited is for
    `create_invite`). A last English word that is no role is a typo (`boss`)
    unless the whole text is the name of a branch (`Party Branch A`).
    """
    actor.require_coordinator()
    if not args:
        raise UserError("invite_usage")
    if len(args) == 1 and INVITE_ROLE_WORDS.get(args[0].lower()) is InviteRole.COORDINATOR:
        return InviteRole.COORDINATOR, None
    last = args[-1].lower()
    role = INVITE_ROLE_WORDS.get(last)
    if len(args) >= 2 and role is InviteRole.COORDINATOR:
        raise UserError("invite_coordinator_no_branch")
    if len(args) >= 2 and role is not None:
        return role, " ".join(args[:-1])
    if len(args) >= 2 and last.isascii() and last.isalpha():
        async with env.db.reading() as tx:
            is_name = await branches.find_branch(tx, " ".join(args)) is not None
        if not is_name:
            raise UserError("invite_role_bad", role=args[-1])
    return InviteRole.SECRETARY, " ".join(args)


async def create_invite(
    env: Env, actor: Actor, branch_name: str | None, role: InviteRole, now: datetime
) -> NewInvite:
    if role is InviteRole.COORDINATOR:
        actor.require_admin()
    else:
        actor.require_coordinator()
    token = secrets.token_urlsafe(16)  # 128 bits, URL-safe: valid as a /start payload
    async with env.db.transaction() as tx:
        branch = None
        if role is not InviteRole.COORDINATOR:
            if not branch_name:
                raise UserError("invite_usage")
            branch = await resolve_branch(tx, branch_name)
        invite = await branches.add_invite(
            tx,
            hash_token(token),
            role,
            branch.id if branch else None,
            actor.user_id,
            now,
            now + timedelta(days=env.cfg.invite_valid_days),
        )
        await meta.audit(
            tx, "invite_created", now, actor.user_id, branch.id if branch else None, role.value
        )
    return NewInvite(token=token, invite=invite, branch=branch)


INVITE_ALL_WORDS = frozenset({"all", "全部", "所有"})


@dataclass(frozen=True)
class BranchInvite:
    branch: Branch
    token: str


async def invite_all(env: Env, actor: Actor, now: datetime) -> list[BranchInvite]:
    """/invite all: a fresh secretary invite for every active branch without a secretary."""
    actor.require_coordinator()
    made: list[BranchInvite] = []
    async with env.db.transaction() as tx:
        for view in await branches.branch_views(tx):
            if view.secretary is not None:
                continue
            token = secrets.token_urlsafe(16)
            await branches.add_invite(
                tx,
                hash_token(token),
                InviteRole.SECRETARY,
                view.branch.id,
                actor.user_id,
                now,
                now + timedelta(days=env.cfg.invite_valid_days),
            )
            made.append(BranchInvite(branch=view.branch, token=token))
        await meta.audit(tx, "invite_all", now, actor.user_id, None, str(len(made)))
    return made


async def without_secretary(env: Env, actor: Actor) -> int:
    """How many active branches have no secretary (the /addbranch invite button)."""
    actor.require_coordinator()
    async with env.db.reading() as tx:
        return sum(1 for v in await branches.branch_views(tx) if v.secretary is None)


async def open_invites(env: Env, actor: Actor, now: datetime) -> list[tuple[Invite, Branch | None]]:
    actor.require_coordinator()
    async with env.db.reading() as tx:
        out: list[tuple[Invite, Branch | None]] = []
        for inv in await branches.open_invites(tx, now):
            branch = await branches.get_branch(tx, inv.branch_id) if inv.branch_id else None
            out.append((inv, branch))
        return out


async def revoke_invite(env: Env, actor: Actor, invite_id: int | None, now: datetime) -> Invite:
    """/revoke: `invite_id` is None when the argument was no number."""
    actor.require_coordinator()
    if invite_id is None:
        raise UserError("arg_missing", usage=Ref("usage_revoke"))
    async with env.db.transaction() as tx:
        invite = await branches.get_invite(tx, invite_id)
        if invite is None:
            raise UserError("invite_not_found", id=invite_id)
        if invite.role is InviteRole.COORDINATOR and not actor.is_admin:
            raise UserError("denied_admin")
        if not await branches.revoke_invite(tx, invite_id, now):
            raise UserError("invite_not_open", id=invite_id)
        await meta.audit(tx, "invite_revoked", now, actor.user_id, invite.branch_id, str(invite_id))
        return invite


@dataclass(frozen=True)
class Joined:
    role: InviteRole
    branch: Branch | None
    replaced: User | None
    already: bool


async def redeem(env: Env, actor: Actor, token: str, now: datetime) -> Joined:
    """Bind the user to the invite's role. Single use, 7 days, revocable."""
    async with env.db.transaction() as tx:
        invite = await branches.invite_by_hash(tx, hash_token(token))
        if invite is None:
            raise UserError("invite_invalid")
        if invite.revoked_at is not None:
            raise UserError("invite_revoked")
        if invite.used_at is not None:
            if invite.used_by == actor.user_id:
                raise UserError("invite_used_by_you")
            raise UserError("invite_used")
        if invite.expires_at <= now:
            raise UserError("invite_expired")
        if invite.role is InviteRole.COORDINATOR:
            await branches.use_invite(tx, invite.id, actor.user_id, now)
            added = await people.add_coordinator(tx, actor.user_id, invite.created_by, now)
            await meta.audit(
                tx, "coordinator_added", now, actor.user_id, None, str(invite.created_by)
            )
            return Joined(role=invite.role, branch=None, replaced=None, already=not added)
        assert invite.branch_id is not None
        branch = await branches.get_branch(tx, invite.branch_id)
        if branch is None or not branch.active:
            raise UserError("invite_branch_gone")
        role = MemberRole(invite.role.value)
        if (
            role is MemberRole.DEPUTY
            and await branches.get_member(tx, branch.id, MemberRole.SECRETARY) == actor.user_id
        ):
            # A deputy link tapped by the secretary would demote them silently.
            raise UserError("invite_already_secretary", branch=branch.name)
        previous_id = await branches.get_member(tx, branch.id, role)
        await branches.use_invite(tx, invite.id, actor.user_id, now)
        if previous_id == actor.user_id:
            return Joined(role=invite.role, branch=branch, replaced=None, already=True)
        await branches.set_member(tx, branch.id, role, actor.user_id, now)
        replaced = await people.get_user(tx, previous_id) if previous_id is not None else None
        action = f"{role.value}_replaced" if replaced else f"{role.value}_bound"
        await meta.audit(
            tx,
            action,
            now,
            actor.user_id,
            branch.id,
            f"{previous_id} → {actor.user_id}" if replaced else str(actor.user_id),
        )
        if replaced is not None:
            # The predecessor hears of the handover through the outbox (they may
            # have blocked the bot; the outcome is recorded either way).
            lang = user_lang(env, replaced)
            await outbox.enqueue(
                tx,
                NewMessage(
                    dedupe_key=f"handover:{invite.id}",
                    kind="handover",
                    chat_id=replaced.user_id,
                    text=t(
                        lang,
                        "handover_old",
                        branch=branch.name,
                        role=t(lang, f"role_{role.value}"),
                        name=actor.user.display_name,
                    ),
                    branch_id=branch.id,
                    recipient_id=replaced.user_id,
                ),
                now,
            )
        return Joined(role=invite.role, branch=branch, replaced=replaced, already=False)


def invite_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


async def remember_bot_username(env: Env, username: str) -> None:
    async with env.db.transaction() as tx:
        await meta.kv_set(tx, BOT_USERNAME_KEY, username)


async def bot_username(env: Env) -> str | None:
    async with env.db.reading() as tx:
        return await meta.kv_get(tx, BOT_USERNAME_KEY)


# -------------------------------------------------------------- the group


async def bind_group(env: Env, actor: Actor, chat_id: int, title: str, now: datetime) -> None:
    actor.require_admin()
    async with env.db.transaction() as tx:
        await tree_store.unbind_chat(tx, chat_id)  # no longer a 总支's group (docs/tree.md)
        await meta.kv_set(tx, COORDINATION_CHAT_KEY, str(chat_id))
        await meta.audit(tx, "group_bound", now, actor.user_id, None, f"{chat_id} {title}")


async def chat_migrated(env: Env, old_chat_id: int, new_chat_id: int, now: datetime) -> bool:
    """A group became a supergroup: keep the coordination chat and pending messages."""
    async with env.db.transaction() as tx:
        await outbox.redirect_chat(tx, old_chat_id, new_chat_id)
        await tree_store.redirect_group(tx, old_chat_id, new_chat_id)  # a 总支's group
        current = await meta.kv_get(tx, COORDINATION_CHAT_KEY)
        is_coordination = current == str(old_chat_id) or (
            current is None and env.cfg.coordination_chat_id == old_chat_id
        )
        if is_coordination:
            await meta.kv_set(tx, COORDINATION_CHAT_KEY, str(new_chat_id))
            await meta.audit(
                tx, "group_migrated", now, None, None, f"{old_chat_id} → {new_chat_id}"
            )
        return is_coordination


# ----------------------------------------------------------------- CSV import


@dataclass(frozen=True)
class ImportedBranch:
    name: str
    category: str
    created: bool
    token: str | None


async def import_branches_csv(
    env: Env, text: str, now: datetime, by: int = 0
) -> list[ImportedBranch]:
    """Create the branches of a CSV (name, category[, parent, kind, reports]) and a
    secretary invite for each.

    Existing branches are kept and get a fresh invite only if they have no secretary.
    A header row (名称/name) is skipped. The optional columns place each unit in the
    tree (docs/tree.md): its 总支 (by name, in the file or existing; empty: directly
    under the committee), 支部/总支, and 报送 是/否 for a 总支 that only gathers.
    """
    from bot.services import tree as tree_service  # tree builds on this module

    rows = [
        (n, tree_service.csv_cells(r))
        for n, r in enumerate(csv.reader(io.StringIO(text)), 1)
        if r and any(c.strip() for c in r)
    ]
    if rows and tree_service.csv_header(rows[0][1]):
        rows = rows[1:]
    out: list[ImportedBranch] = []
    placed: list[tuple[int, Branch, tree_service.UnitOptions]] = []
    async with env.db.transaction() as tx:
        for number, row in rows:
            try:
                name = clean_branch_name(row[0])
            except UserError as exc:
                raise UserError(
                    "csv_bad_row", line=number, reason=t(env.cfg.language, exc.key, **exc.params)
                ) from None
            category = row[1].strip() if len(row) > 1 else ""
            place = tree_service.csv_place(env, number, row)
            branch = await branches.find_branch(tx, name)
            created = branch is None
            if branch is None:
                branch = await branches.add_branch(
                    tx, name, category, now, kind=place.kind, reports=place.reports
                )
                assert branch is not None
                await meta.audit(tx, "branch_created", now, by or None, branch.id, f"{name} (csv)")
            token = None
            if created or await branches.get_member(tx, branch.id, MemberRole.SECRETARY) is None:
                token = secrets.token_urlsafe(16)
                await branches.add_invite(
                    tx,
                    hash_token(token),
                    InviteRole.SECRETARY,
                    branch.id,
                    by,
                    now,
                    now + timedelta(days=env.cfg.invite_valid_days),
                )
            out.append(ImportedBranch(name=name, category=category, created=created, token=token))
            placed.append((number, branch, place))
        await tree_service.place_imported(env, tx, placed)
    return out
