"""Settings from the environment and `.env` (prefix ``ZHIBU_``).

The names are a public interface: operators put them in `.env` files and
systemd units, so they must not change.
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
DEFAULT_API_BASE_URL = "https://api.telegram.org"


class WorkdayRule(StrEnum):
    OFF = "off"
    PREVIOUS = "previous"
    NEXT = "next"


# List separators people type: commas (also full-width ，and 、), semicolons, spaces
# (also the full-width space U+3000, which str.split() counts as whitespace).
_LIST_SEP = re.compile(r"[,，、;；\s]+")


def _split_ints(value: Any, what: str = "whole numbers", hint: str = "") -> Any:
    """Accept ``"1,2, 3"``, ``"5，2，0"`` or ``"1、2"`` from the environment, and real lists."""
    if isinstance(value, str):
        parts = [p for p in _LIST_SEP.split(value.strip()) if p]
        bad = [p for p in parts if not re.fullmatch(r"[+-]?\d+", p)]
        if bad:
            raise ValueError(f"must be {what} separated by commas, not {bad[0]!r}{hint}")
        return [int(p) for p in parts]
    if isinstance(value, int):
        return [value]
    return value


_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZHIBU_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # `NAME=` (as in .env.example) means "not set": the default applies.
        env_ignore_empty=True,
    )

    bot_token: SecretStr | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    db: Path = Path("./zhibu.sqlite3")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    coordination_chat_id: int | None = None
    timezone: str = "Asia/Shanghai"
    language: str = "zh-Hans"
    due_day: int = Field(default=25, ge=1, le=31)
    org_name: str = "党委"
    report_max_chars: int = Field(default=2000, ge=1, le=4000)
    invite_valid_days: int = Field(default=7, ge=1, le=365)

    # The monthly engine.
    reminder_days_before: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [5, 2, 0])
    reminder_time: str = "09:00"
    overdue_days_after: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [1, 3])
    # At least 1: a circular is final, and on the due day branches still have time.
    circular_days_after: int = Field(default=1, ge=1, le=20)
    circular_time: str = "09:00"
    workdays: WorkdayRule = WorkdayRule.OFF
    # Task deadlines from plans: reminders this many days before.
    task_reminder_days_before: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [7, 1]
    )
    # Yearly review (/review): on-time rate for each suggested grade; 好 also needs no miss.
    review_good: float = Field(default=0.9, ge=0, le=1)
    review_fair: float = Field(default=0.75, ge=0, le=1)
    review_average: float = Field(default=0.5, ge=0, le=1)
    # 好 also needs at most this many months with a required yes/no form answer of 否.
    review_good_max_no_months: int = Field(default=0, ge=0, le=12)
    # 审核 (docs/tree-review.md): a 总支 secretary is reminded of a report waiting this long.
    review_wait_days: int = Field(default=3, ge=1, le=60)
    # Messages per second in all; Telegram allows about 30.
    rate_limit: float = Field(default=30.0, gt=0, le=1000)
    # Connections to the Bot API (bot/http.py): raise it only for paid broadcasts far
    # above 30/s over a slow link (each connection carries one request at a time).
    http_connections: int = Field(default=16, ge=1, le=256)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        # `NAME=   ` too (env_ignore_empty only skips exactly empty values).
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_list(cls, value: Any) -> Any:
        # People write their @username here; say what is wanted and where to get it.
        return _split_ints(
            value,
            "numeric Telegram user ids",
            " (an @username will not do: to find your id, send any message to @userinfobot)",
        )

    @field_validator("coordination_chat_id", mode="before")
    @classmethod
    def _chat_id(cls, value: Any) -> Any:
        if isinstance(value, str) and not re.fullmatch(r"\s*[+-]?\d+\s*", value):
            raise ValueError(
                "must be the group's numeric chat id (e.g. -1001234567890); "
                "or leave it empty and send /bindgroup in the group"
            )
        return value

    @field_validator(
        "reminder_days_before",
        "overdue_days_after",
        "task_reminder_days_before",
        mode="before",
    )
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        return _split_ints(value)

    @field_validator("reminder_days_before", "task_reminder_days_before")
    @classmethod
    def _days_range(cls, value: list[int]) -> list[int]:
        if any(d < 0 or d > 28 for d in value):
            raise ValueError("每一项须在 0 到 28 之间 (each must be 0..28)")
        return sorted(set(value), reverse=True)

    @field_validator("overdue_days_after")
    @classmethod
    def _after_range(cls, value: list[int]) -> list[int]:
        # Day 0 is the due day itself, when reports are not yet late.
        if any(d < 1 or d > 28 for d in value):
            raise ValueError("每一项须在 1 到 28 之间 (each must be 1..28)")
        return sorted(set(value), reverse=True)

    @field_validator("review_average")
    @classmethod
    def _review_order(cls, value: float, info: ValidationInfo) -> float:
        good, fair = info.data.get("review_good", 1.0), info.data.get("review_fair", 1.0)
        if not good >= fair >= value:
            raise ValueError("须满足 GOOD ≥ FAIR ≥ AVERAGE (must satisfy GOOD ≥ FAIR ≥ AVERAGE)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("reminder_time", "circular_time")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value.strip()):
            raise ValueError("must be HH:MM, e.g. 09:00")
        return value.strip()

    @field_validator("api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        # Accept both ".../bot" (python-telegram-bot's form) and the bare server URL.
        return value.removesuffix("/bot")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def bot_url(self) -> str:
        return f"{self.api_base_url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.api_base_url}/file/bot"

    @property
    def reminder_at(self) -> time:
        return _parse_hhmm(self.reminder_time)

    @property
    def circular_at(self) -> time:
        return _parse_hhmm(self.circular_time)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids


def _parse_hhmm(value: str) -> time:
    hh, mm = value.split(":")
    return time(int(hh), int(mm))


class SettingsError(Exception):
    """A bad setting, with a one-line message that names the variable."""


def load_settings(**overrides: Any) -> Settings:
    """Load settings; raise `SettingsError` with one line naming the bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        name = f"ZHIBU_{field.upper()}"
        msg = err["msg"].removeprefix("Value error, ")
        raw = err.get("input")
        shown = f" (got {raw!r})" if isinstance(raw, str | int | float) else ""
        raise SettingsError(f"{name}: {msg}{shown}") from None
