"""The command registry (`bot/commands.py`) and what is generated from it or checked against it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import HANDLERS, command_callbacks
from bot.calendar import Month
from bot.commands import (
    BY_NAME,
    COMMANDS,
    HELP_SECTIONS,
    Audience,
    Menu,
    audiences,
    for_menu,
    help_sections,
)
from bot.i18n import CATALOGS
from bot.services.base import UserError
from bot.services.months import month_or_name, name_month, not_in_future, parse_month

README = Path(__file__).resolve().parents[1] / "README.md"
# `/name` not inside a path or URL (docs/plan-format.md, https://t.me/...).
COMMAND_WORD = re.compile(r"(?<![\w/.<>:])/([a-z]+)\b")


def mentioned(text: str) -> set[str]:
    return set(COMMAND_WORD.findall(text))


def names(specs: object) -> list[str]:
    return [c.name for c in specs]  # type: ignore[attr-defined]


def test_names_are_unique_and_every_command_has_a_handler() -> None:
    assert len(BY_NAME) == len(COMMANDS)
    assert set(HANDLERS) == set(BY_NAME)
    assert list(command_callbacks()) == names(COMMANDS)
    for c in COMMANDS:
        assert re.fullmatch(r"[a-z]{1,32}", c.name), c.name
        assert c.roles and c.chats and c.usage.startswith(f"/{c.name}"), c.name


def test_readme_documents_exactly_the_registered_commands() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Who does what")[1].split("\n## ")[0]
    documented = mentioned(section)
    assert documented - set(BY_NAME) == set(), "documented but not a command"
    assert set(BY_NAME) - documented == set(), "a command the README does not document"


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_help_sections_describe_each_command_for_its_audiences(lang: str) -> None:
    catalog = CATALOGS[lang]
    for c in COMMANDS:
        if not c.in_help:
            continue
        for audience in c.roles:
            assert c.name in mentioned(catalog[HELP_SECTIONS[audience]]), (lang, c.name, audience)
    for key in HELP_SECTIONS.values():
        assert mentioned(catalog[key]) <= set(BY_NAME), (lang, key)


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_every_menu_command_has_a_description(lang: str) -> None:
    for c in COMMANDS:
        if c.menus:
            assert c.description_key in CATALOGS[lang], (lang, c.name)
    described = {k.removeprefix("cmd_") for k in CATALOGS[lang] if k.startswith("cmd_")}
    assert described <= set(BY_NAME)


def test_menus() -> None:
    assert names(for_menu(Menu.PRIVATE_DEFAULT)) == [
        "report", "myreports", "mytasks", "plan", "help", "lang", "cancel",
    ]  # fmt: skip
    assert names(for_menu(Menu.COORDINATION_GROUP)) == [
        "status", "remind", "circular", "schedule", "help",
    ]  # fmt: skip
    assert names(for_menu(Menu.ALL_GROUPS)) == ["help"]
    coordinator = names(
        for_menu(Menu.COORDINATOR_CHAT, audiences(member=False, coordinator=True, admin=False))
    )
    assert "report" not in coordinator and "bindgroup" not in coordinator
    assert coordinator[:2] == ["status", "plan"] and coordinator[-3:] == ["help", "lang", "cancel"]
    admin_secretary = names(
        for_menu(Menu.COORDINATOR_CHAT, audiences(member=True, coordinator=False, admin=True))
    )
    assert admin_secretary[:4] == ["report", "myreports", "mytasks", "status"]
    assert "bindgroup" in admin_secretary and len(admin_secretary) == len(set(admin_secretary))


def test_help_sections_follow_audiences() -> None:
    def sections(**who: bool) -> list[str]:
        return help_sections(audiences(**who))

    assert sections(member=False, coordinator=False, admin=False) == ["help_everyone"]
    assert sections(member=True, coordinator=False, admin=False) == [
        "help_secretary",
        "help_everyone",
    ]
    assert sections(member=False, coordinator=True, admin=False) == [
        "help_coordinator",
        "help_everyone",
    ]
    assert sections(member=True, coordinator=False, admin=True) == [
        "help_secretary",
        "help_coordinator",
        "help_admin",
        "help_everyone",
    ]
    assert Audience.COORDINATOR in audiences(member=False, coordinator=False, admin=True)


# ----------------------------------------------------------------- month arguments


def error_of(call: object) -> str:
    with pytest.raises(UserError) as err:
        call()  # type: ignore[operator]
    return err.value.key


def test_month_parser_and_check() -> None:
    assert parse_month("2026-10") == Month(2026, 10)
    assert parse_month("2026年1月") == Month(2026, 1)
    assert error_of(lambda: parse_month("2026/xx")) == "month_bad"
    assert error_of(lambda: parse_month("2026-13")) == "month_bad"
    assert not_in_future(Month(2026, 11), Month(2026, 11)) == Month(2026, 11)
    assert error_of(lambda: not_in_future(Month(2026, 12), Month(2026, 11))) == "month_in_future"


def test_month_or_branch_name() -> None:
    assert month_or_name("202610") == Month(2026, 10)
    assert month_or_name("甲支部") is None
    assert month_or_name("2026 Party Branch") is None
    assert error_of(lambda: month_or_name("2026-13")) == "month_bad"


def test_name_then_month() -> None:
    assert name_month(["甲", "支部", "2026-11", "培训", "外出"], "u") == (
        "甲 支部",
        Month(2026, 11),
        "培训 外出",
    )
    assert error_of(lambda: name_month(["甲支部", "十一月"], "u")) == "month_bad"
    assert error_of(lambda: name_month(["甲支部"], "exempt_usage")) == "exempt_usage"
