"""Every slash command, declared once: who it is for, where it works, what it takes.

This module is pure (no Telegram import). From it come the handler
registration (`bot/app.py`), the chat check (`handlers.common.command`), the
per-scope `/` menus (`handlers/menus.py`), `/help`'s sections
(`handlers/basic.py`), the authorization matrix test and the README test.

`roles` says whom the command is *for*: it picks the menus and the help a
user sees. It never grants anything: the service a handler calls checks the
actor itself (`Actor.require_*` in `bot/services/`), and that is the answer a
user gets. See docs/architecture-commands.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Where a command is sent: a private chat with the bot, the bound coordination
# group, or any other group.
PRIVATE = "private"
COORDINATION = "coordination"
GROUP = "group"
ANYWHERE = frozenset({PRIVATE, COORDINATION, GROUP})
PRIVATE_ONLY = frozenset({PRIVATE})
COORDINATION_OR_PRIVATE = frozenset({PRIVATE, COORDINATION})
GROUPS = frozenset({COORDINATION, GROUP})


class Audience(StrEnum):
    """Whom a command is for (a user may be several: a coordinator who is also a secretary)."""

    EVERYONE = "everyone"
    MEMBER = "member"  # a branch's secretary or deputy
    COORDINATOR = "coordinator"  # coordinators and admins
    GENERAL = "general"  # 总支书记: a 党总支's secretary or deputy, over its own units only
    ADMIN = "admin"


EVERYONE = frozenset({Audience.EVERYONE})
MEMBERS = frozenset({Audience.MEMBER})
COORDINATORS = frozenset({Audience.COORDINATOR})
ADMINS = frozenset({Audience.ADMIN})
GENERALS = frozenset({Audience.GENERAL})
# What a 总支书记 does over its own subtree, as the committee's coordinators do over all.
_SCOPED = COORDINATORS | GENERALS

# /help: one catalog section per audience, in this order; a user sees the
# sections of the audiences they belong to that have a command.
HELP_SECTIONS: dict[Audience, str] = {
    Audience.MEMBER: "help_secretary",
    Audience.COORDINATOR: "help_coordinator",
    Audience.GENERAL: "help_general",
    Audience.ADMIN: "help_admin",
    Audience.EVERYONE: "help_everyone",
}


class Menu(StrEnum):
    """The `/` menus (Telegram command scopes) a command appears in."""

    PRIVATE_DEFAULT = "private_default"  # every private chat
    COORDINATOR_CHAT = "coordinator_chat"  # a coordinator's or admin's private chat
    COORDINATION_GROUP = "coordination_group"
    ALL_GROUPS = "all_groups"  # every other group


class Args(StrEnum):
    """What follows the command; the value is its usage, and the parser is named."""

    NONE = ""
    TOKEN = "[token]"  # an invite token from a t.me/<bot>?start= link
    TEXT = "<text>"  # required free text (a branch name): the service checks it
    RENAME = "<old> <new> | <old name> | <new name>"  # onboarding.split_rename
    INVITE = "<branch> [secretary|deputy] | coordinator | all"  # onboarding.parse_invite_args
    NAMES = "<name> [<name>…, one per line]"  # onboarding.split_names
    INVITE_ID = "<id>"
    MONTH_OR_BRANCH = "[<filter>] [<branch>|YYYY-MM]"  # status.status_target
    OPTIONAL_BRANCH = "[<branch>]"  # a branch's name, or nothing for all
    UNITS = "<name>… [上级=<总支>] [类型=总支] [报送=否]"  # tree.parse_unit_options
    MOVE = "<branch> <总支|工委>"  # tree.split_move
    REVIEW_MODE = "[<总支>] 开|关"  # approval.parse_mode
    POST_MONTH = "[post] [YYYY-MM]"  # months.parse_month + months.not_in_future
    BRANCH_MONTH_REASON = "<branch> [YYYY-MM] <reason>"  # months.name_month
    BRANCH_MONTH = "<branch> [YYYY-MM]"  # months.name_month
    YEAR = "[YYYY]"  # records.data.parse_year
    MONTH = "[YYYY-MM]"  # months.parse_month


@dataclass(frozen=True)
class Command:
    name: str
    roles: frozenset[Audience]
    chats: frozenset[str]
    args: Args = Args.NONE
    menus: frozenset[Menu] = frozenset()
    in_help: bool = True  # listed in its audiences' /help sections

    @property
    def description_key(self) -> str:
        """The catalog key of its one-line description (menus)."""
        return f"cmd_{self.name}"

    @property
    def usage(self) -> str:
        return f"/{self.name} {self.args.value}".strip()


_P = Menu.PRIVATE_DEFAULT
_C = Menu.COORDINATOR_CHAT
_G = Menu.COORDINATION_GROUP
_A = Menu.ALL_GROUPS
_MEMBER_OR_COORDINATOR = MEMBERS | COORDINATORS

# The order is the order of the menus.
COMMANDS: tuple[Command, ...] = (
    Command("report", MEMBERS, PRIVATE_ONLY, menus=frozenset({_P, _C})),
    # A branch's own records and the plans are read in private only, never in a group.
    Command("myreports", MEMBERS, PRIVATE_ONLY, menus=frozenset({_P, _C})),
    Command("mytasks", MEMBERS, PRIVATE_ONLY, menus=frozenset({_P, _C})),
    Command("status", _SCOPED, COORDINATION_OR_PRIVATE, Args.MONTH_OR_BRANCH, frozenset({_C, _G})),
    Command("plan", _MEMBER_OR_COORDINATOR, PRIVATE_ONLY, menus=frozenset({_P, _C})),
    Command("remind", _SCOPED, COORDINATION_OR_PRIVATE, Args.OPTIONAL_BRANCH, frozenset({_C, _G})),
    Command("export", _SCOPED, COORDINATION_OR_PRIVATE, Args.YEAR, frozenset({_C})),
    Command("review", COORDINATORS, COORDINATION_OR_PRIVATE, Args.YEAR, frozenset({_C})),
    Command("circulardoc", COORDINATORS, COORDINATION_OR_PRIVATE, Args.MONTH, frozenset({_C})),
    Command("form", COORDINATORS, COORDINATION_OR_PRIVATE, Args.MONTH, frozenset({_C})),
    Command("circular", _SCOPED, COORDINATION_OR_PRIVATE, Args.POST_MONTH, frozenset({_C, _G})),
    Command("schedule", _SCOPED, COORDINATION_OR_PRIVATE, menus=frozenset({_C, _G})),
    Command("branches", _SCOPED, COORDINATION_OR_PRIVATE, menus=frozenset({_C})),
    Command("addbranch", COORDINATORS, COORDINATION_OR_PRIVATE, Args.UNITS, frozenset({_C})),
    Command("movebranch", COORDINATORS, COORDINATION_OR_PRIVATE, Args.MOVE, frozenset({_C})),
    # 审核 per 总支: the committee for any 总支, a 总支书记 for its own (docs/tree-review.md).
    Command("reviewmode", _SCOPED, COORDINATION_OR_PRIVATE, Args.REVIEW_MODE, frozenset({_C})),
    Command("invite", COORDINATORS, COORDINATION_OR_PRIVATE, Args.INVITE, frozenset({_C})),
    Command("invites", COORDINATORS, COORDINATION_OR_PRIVATE, menus=frozenset({_C})),
    Command("revoke", COORDINATORS, COORDINATION_OR_PRIVATE, Args.INVITE_ID, frozenset({_C})),
    Command("exempt", _SCOPED, COORDINATION_OR_PRIVATE, Args.BRANCH_MONTH_REASON, frozenset({_C})),
    Command("unexempt", _SCOPED, COORDINATION_OR_PRIVATE, Args.BRANCH_MONTH, frozenset({_C})),
    Command("renamebranch", COORDINATORS, COORDINATION_OR_PRIVATE, Args.RENAME, frozenset({_C})),
    Command("archivebranch", COORDINATORS, COORDINATION_OR_PRIVATE, Args.TEXT, frozenset({_C})),
    # An admin binds the committee's group; a 总支书记 its own 总支's group (docs/tree.md).
    Command("bindgroup", ADMINS | GENERALS, GROUPS, Args.OPTIONAL_BRANCH, frozenset({_C})),
    Command("start", EVERYONE, ANYWHERE, Args.TOKEN, in_help=False),
    Command("help", EVERYONE, ANYWHERE, menus=frozenset({_P, _C, _G, _A})),
    Command("lang", EVERYONE, ANYWHERE, menus=frozenset({_P, _C})),
    Command("cancel", EVERYONE, ANYWHERE, menus=frozenset({_P, _C})),
)

BY_NAME: dict[str, Command] = {c.name: c for c in COMMANDS}


def for_menu(menu: Menu, who: frozenset[Audience] | None = None) -> list[Command]:
    """The commands of one menu, in order; with `who`, only those meant for these audiences."""
    return [c for c in COMMANDS if menu in c.menus and (who is None or c.roles & who)]


def audiences(
    *, member: bool, coordinator: bool, admin: bool, general: bool = False
) -> frozenset[Audience]:
    """The audiences a user belongs to (an admin is a coordinator too)."""
    found = {Audience.EVERYONE}
    if general:
        found.add(Audience.GENERAL)
    if member:
        found.add(Audience.MEMBER)
    if coordinator or admin:
        found.add(Audience.COORDINATOR)
    if admin:
        found.add(Audience.ADMIN)
    return frozenset(found)


def help_sections(who: frozenset[Audience]) -> list[str]:
    """The /help catalog sections for a user who belongs to the audiences `who`."""
    return [
        key
        for audience, key in HELP_SECTIONS.items()
        if audience in who and any(audience in c.roles and c.in_help for c in COMMANDS)
    ]
