"""Build the traditional Chinese catalog (`zh_hant.py`) from the simplified one.

zh-Hant is never edited by hand: it is `zh_hans.MESSAGES` converted by OpenCC with
the `s2t` configuration (mainland standard traditional characters, not Taiwan
phrasing), with a short override table for words where `s2t` is wrong, ambiguous or
inconsistent. The result is committed, so the bot needs no OpenCC at run time.

    python -m bot.locales.build           # rewrite bot/locales/zh_hant.py
    python -m bot.locales.build --check   # exit 1 if the committed file is stale (CI)

Only the text between placeholders (`{name}`), HTML tags (`<b>`) and entities
(`&amp;`) is converted; those pass through byte for byte.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from bot.locales import zh_hans

TARGET = Path(__file__).with_name("zh_hant.py")
CONFIG = "s2t"

# Simplified phrase → traditional phrase, applied before OpenCC sees the text.
# Keep it short; every entry says why `s2t` alone is not right for us.
PHRASES: Mapping[str, str] = {
    # Party and product vocabulary, pinned so an OpenCC dictionary update cannot move it.
    "党": "黨",
    "书记": "書記",
    "支部": "支部",
    "通报": "通報",
    # The ledger. 臺 is the standard traditional form of 台 (platform, desk); 檯賬 is
    # rarely seen and 台賬 would read as the simplified word left unconverted.
    "台账": "臺賬",
    # s2t gives 羣, a variant: 群 is the form in the 通用规范汉字表 and in every
    # traditional standard.
    "群": "群",
    # s2t gives 發佈 in some contexts and 發布 in others (even within one message);
    # 佈 is a variant of 布, not its traditional form.
    "发布": "發布",
    # "Reply": s2t gives 回復 ("restore") in some contexts and 回覆 in others.
    "回复": "回覆",
}

# Whole entries that are not a conversion of the simplified text.
ENTRIES: Mapping[str, str] = {
    # Each catalog confirms its own language.
    "lang_set": "已切換爲繁體中文。",
}

# Placeholders, tags and entities: copied, never converted.
_PROTECTED = re.compile(r"\{[^{}]*\}|<[^<>]*>|&[#a-zA-Z0-9]+;")

HEADER = '''"""繁體中文. GENERATED from zh_hans.py by `python -m bot.locales.build`: do not edit.

To change a message, edit zh_hans.py (or the override tables in build.py) and rerun
the build; CI fails when this file differs from a fresh build.
"""

MESSAGES: dict[str, str] = {
'''


def _converter() -> Callable[[str], str]:
    import opencc  # a build-time dependency only (the `test` extra)

    return opencc.OpenCC(CONFIG).convert


def _phrases_pattern() -> re.Pattern[str]:
    longest_first = sorted(PHRASES, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in longest_first))


def convert_text(text: str, convert: Callable[[str], str]) -> str:
    """Convert one run of plain text: override phrases first, OpenCC for the rest."""
    out: list[str] = []
    last = 0
    for match in _phrases_pattern().finditer(text):
        out.append(convert(text[last : match.start()]) if match.start() > last else "")
        out.append(PHRASES[match.group()])
        last = match.end()
    if last < len(text):
        out.append(convert(text[last:]))
    return "".join(out)


def convert_template(template: str, convert: Callable[[str], str]) -> str:
    """Convert a catalog template, keeping placeholders, tags and entities unchanged."""
    out: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(template):
        out.append(convert_text(template[last : match.start()], convert))
        out.append(match.group())
        last = match.end()
    out.append(convert_text(template[last:], convert))
    return "".join(out)


def build(source: Mapping[str, str], convert: Callable[[str], str]) -> dict[str, str]:
    return {
        key: ENTRIES[key] if key in ENTRIES else convert_template(value, convert)
        for key, value in source.items()
    }


def _literal(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


def render(messages: Mapping[str, str]) -> str:
    """The module source: one entry per key; multi-line messages split at line breaks."""
    lines = [HEADER]
    for key, value in messages.items():
        parts = value.split("\n")
        if len(parts) == 1:
            lines.append(f"    {_literal(key)}: {_literal(value)},\n")
            continue
        lines.append(f"    {_literal(key)}: (\n")
        for i, part in enumerate(parts):
            piece = part if i == len(parts) - 1 else part + "\n"
            if piece:
                lines.append(f"        {_literal(piece)}\n")
        lines.append("    ),\n")
    lines.append("}\n")
    source = "".join(lines)
    assert _messages_of(source) == dict(messages), "rendering does not round-trip"
    return source


def _messages_of(source: str) -> object:
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            return ast.literal_eval(node.value)
    return None


def generate() -> str:
    return render(build(zh_hans.MESSAGES, _converter()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.locales.build", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="fail if zh_hant.py differs from a fresh build"
    )
    args = parser.parse_args(argv)
    fresh = generate()
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if args.check:
        if current != fresh:
            print(
                f"{TARGET} is stale: run `python -m bot.locales.build` and commit the result.",
                file=sys.stderr,
            )
            return 1
        print(f"{TARGET.name} is up to date.")
        return 0
    if current != fresh:
        TARGET.write_text(fresh, encoding="utf-8")
        print(f"wrote {TARGET}")
    else:
        print(f"{TARGET.name} already up to date.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
