"""Message catalogs and rendering.

Every string a user sees comes from a catalog in `bot/locales/`. Templates
are HTML (Telegram's HTML parse mode); `t()` escapes every argument unless
it is wrapped in `Html`, so a user-supplied name or report can never break
the markup or inject a link.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from bot.locales import en, zh_hans, zh_hant

CATALOGS: Mapping[str, Mapping[str, str]] = {
    "zh-Hans": zh_hans.MESSAGES,
    "zh-Hant": zh_hant.MESSAGES,
    "en": en.MESSAGES,
}
DEFAULT = "zh-Hans"
TELEGRAM_LIMIT = 4096


class Html(str):
    """Text that is already safe HTML (built from escaped parts)."""

    __slots__ = ()


class Ref(str):
    """A catalog key passed as a parameter: rendered in the reader's language.

    Services raise `UserError("arg_missing", usage=Ref("usage_revoke"))`
    without knowing the language.
    """

    __slots__ = ()


def esc(value: object) -> str:
    if isinstance(value, Html):
        return value
    return html.escape(str(value), quote=False)


def t(lang: str, key: str, /, **params: object) -> Html:
    catalog = CATALOGS.get(lang) or CATALOGS[DEFAULT]
    template = catalog.get(key) or CATALOGS[DEFAULT][key]
    rendered = {k: t(lang, v) if isinstance(v, Ref) else esc(v) for k, v in params.items()}
    return Html(template.format(**rendered))


def join(lines: list[Html] | list[str], sep: str = "\n") -> Html:
    """Join already-rendered lines (each must be `Html` or trusted catalog text)."""
    return Html(sep.join(lines))


def language_for(chosen: str | None, default: str = DEFAULT) -> str:
    """A person's language: what they chose with /lang, else the committee's (ZHIBU_LANGUAGE).

    Telegram's app language is deliberately not consulted: many people in mainland
    China run Telegram in English and still expect the committee's Chinese.
    """
    if chosen is not None and chosen in CATALOGS:
        return chosen
    return default if default in CATALOGS else DEFAULT


def split_message(text: str, limit: int = TELEGRAM_LIMIT - 96) -> list[str]:
    """Split HTML text under Telegram's limit at line breaks.

    Our templates never open a tag across a line break, so cutting between
    lines keeps every part well-formed. A single over-long line (a long
    report) is cut at a character boundary outside a tag or entity.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = _safe_cut(line, limit)
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return [p for p in parts if p.strip()]


def _safe_cut(line: str, limit: int) -> int:
    cut = limit
    # Step back out of an entity (&amp;) or tag (<b>) we would split.
    amp, lt = line.rfind("&", 0, cut), line.rfind("<", 0, cut)
    if amp > line.rfind(";", 0, cut):
        cut = amp
    if lt > line.rfind(">", 0, cut):
        cut = min(cut, lt)
    return max(cut, 1)
