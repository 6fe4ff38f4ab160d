"""Assert on catalog keys and parameters, not on wording.

A test that checks `"已收到" in text` breaks when a translator rewords the message. Here
each catalog template becomes a regular expression (literal text escaped, every
`{param}` a wildcard or the given value), so a test asks "was this message rendered
from key K (with these params)?":

    check(out, "report_saved", branch="一支部", timing=key("timing_on_time"), chars=16)
    assert not matches(out, "report_saved")
    token = check(out[-1], "invite_created")["link"].split("start=")[1]
    await sim.press(user, ack, label("report_btn_revise"))

Sources: a `SentMessage` is matched on the HTML the bot sent (`text`, so tags and the
escaping done by `t()` count), and so is an `Html` string straight from `t()`; any
other `str` on plain text as the user reads it (`plain_text`, `text_of`, a callback
answer: tags removed, entities unescaped); a sequence on each of its items. A template
matches anywhere inside a text, so a message joined from several templates matches
each of them.

Param values: a plain value must equal what was passed to `t()` (it is escaped here
the same way); `key(K, **params)` stands for a nested rendering of another key (a role,
a month, a timing); an `re.Pattern` is used as a regular expression. A param left out
matches anything within one line; a param at the end of a template runs to the end of
its line. `check`/`find` return the params they matched (as plain text).
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.i18n import CATALOGS, DEFAULT, Html, esc, t
from bot.testing.botapi_double import SentMessage

Source = str | SentMessage | Sequence[str | SentMessage]
_TAG = re.compile(r"<[^<>]+>")


@dataclass(frozen=True)
class Key:
    """A param value that is itself a rendering of catalog key `name`."""

    name: str
    params: Mapping[str, object] = field(default_factory=dict)


def key(name: str, /, **params: object) -> Key:
    return Key(name, params)


def template(name: str, lang: str = DEFAULT) -> str:
    """The template `t(lang, name)` renders (falling back to the default language)."""
    catalog = CATALOGS.get(lang) or CATALOGS[DEFAULT]
    found = catalog.get(name) or CATALOGS[DEFAULT].get(name)
    if found is None:
        raise KeyError(f"no catalog key {name!r}")
    return found


def label(name: str, /, *, lang: str = DEFAULT, **params: object) -> str:
    """Key `name` rendered as plain text: a button's label, for `sim.press`."""
    return _plain(t(lang, name, **params))


def _plain(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup))


def _value(value: object, lang: str, as_html: bool) -> str:
    """The regular expression for one given param value."""
    if isinstance(value, Key):
        return _regex(value.name, lang, as_html, dict(value.params), capture=False)
    if isinstance(value, re.Pattern):
        return f"(?:{value.pattern})"
    if as_html:
        return re.escape(esc(value))
    return re.escape(_plain(value) if isinstance(value, Html) else str(value))


def _regex(
    name: str, lang: str, as_html: bool, params: Mapping[str, object], *, capture: bool
) -> str:
    source = template(name, lang)
    parsed = list(string.Formatter().parse(source))
    unknown = set(params) - {field for _, field, _, _ in parsed if field}
    if unknown:
        raise TypeError(f"{name!r} has no params {sorted(unknown)}")
    out: list[str] = []
    seen: set[str] = set()
    for i, (literal, field_name, _, _) in enumerate(parsed):
        if literal:
            out.append(re.escape(literal if as_html else _plain(literal)))
        if not field_name:
            continue
        last = i == len(parsed) - 1
        if field_name in params:
            body = _value(params[field_name], lang, as_html)
        else:
            body = "[^\n]*" if last else "[^\n]*?"
        if capture and field_name in seen:
            out.append(f"(?P={field_name})")
        elif capture:
            out.append(f"(?P<{field_name}>{body})")
            seen.add(field_name)
        else:
            out.append(f"(?:{body})")
    return "".join(out)


def pattern(
    name: str, /, *, lang: str = DEFAULT, html: bool = True, **params: object
) -> re.Pattern[str]:
    """The compiled pattern for key `name` as HTML (as the bot sends it) or plain text."""
    return _compiled(name, lang, html, tuple(sorted(params.items(), key=lambda kv: kv[0])))


def _compiled(
    name: str, lang: str, as_html: bool, params: tuple[tuple[str, object], ...]
) -> re.Pattern[str]:
    try:
        return _cached(name, lang, as_html, params)
    except TypeError:  # an unhashable param value
        return re.compile(_regex(name, lang, as_html, dict(params), capture=True))


@lru_cache(maxsize=2048)
def _cached(
    name: str, lang: str, as_html: bool, params: tuple[tuple[str, object], ...]
) -> re.Pattern[str]:
    return re.compile(_regex(name, lang, as_html, dict(params), capture=True))


def _texts(source: Source) -> list[tuple[str, bool]]:
    """(text, is_html) for each message in the source."""
    if isinstance(source, Html):  # straight from t(): markup and escapes
        return [(source, True)]
    if isinstance(source, str):
        return [(source, False)]
    if isinstance(source, SentMessage):
        is_html = (source.parse_mode or "").upper() == "HTML"
        return [(source.text or "", is_html)]
    return [item for part in source for item in _texts(part)]


def find(
    source: Source, name: str, /, *, lang: str = DEFAULT, **params: object
) -> dict[str, str] | None:
    """The params of the first rendering of `name` in the source (plain text), or None."""
    for text, is_html in _texts(source):
        match = pattern(name, lang=lang, html=is_html, **params).search(text)
        if match is not None:
            groups = match.groupdict()
            return {k: _plain(v) if is_html else v for k, v in groups.items()}
    return None


def matches(source: Source, name: str, /, *, lang: str = DEFAULT, **params: object) -> bool:
    """Whether some message in the source was rendered from `name` (with these params)."""
    return find(source, name, lang=lang, **params) is not None


def check(source: Source, name: str, /, *, lang: str = DEFAULT, **params: object) -> dict[str, str]:
    """Like `find`, but a miss fails the test with the texts and the keys they do match."""
    found = find(source, name, lang=lang, **params)
    if found is None:
        texts = [text for text, _ in _texts(source)]
        raise AssertionError(
            f"no rendering of {name!r} with {params!r}\n"
            f"texts: {texts!r}\nkeys found: {keys_in(source, lang=lang)}"
        )
    return found


def keys_in(source: Source, *, lang: str = DEFAULT) -> list[str]:
    """Every key with some literal text of its own that occurs in the source."""
    catalog = CATALOGS.get(lang) or CATALOGS[DEFAULT]
    return [
        name
        for name, text in catalog.items()
        if _plain(_FIELD.sub("", text)).strip() and matches(source, name, lang=lang)
    ]


_FIELD = re.compile(r"\{[^{}]*\}")
