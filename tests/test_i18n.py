"""The message catalogs and the helpers around them (`t`, `language_for`, `split_message`)."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Mapping

import pytest

from bot.i18n import CATALOGS, DEFAULT, TELEGRAM_LIMIT, Html, language_for, split_message, t
from bot.locales import build, en, zh_hans, zh_hant
from bot.testing.botapi_double import HtmlParseError, parse_html
from handlers.basic import LANGUAGE_LABELS

REFERENCE = zh_hans.MESSAGES
OTHERS: dict[str, Mapping[str, str]] = {"zh-Hant": zh_hant.MESSAGES, "en": en.MESSAGES}

# Date formats may each pick their own fields from what `bot.services.fmt` passes.
FORMAT_FIELDS: dict[str, frozenset[str]] = {
    "fmt_month": frozenset({"y", "m", "mm"}),
    "fmt_date": frozenset({"y", "m", "d", "mm", "dd", "wd"}),
    "fmt_date_wd": frozenset({"y", "m", "d", "mm", "dd", "wd"}),
    "fmt_date_full": frozenset({"y", "m", "d", "mm", "dd", "wd"}),
    "fmt_datetime": frozenset({"y", "m", "d", "mm", "dd", "hm"}),
}

# Characters that exist only in simplified Chinese (their traditional forms differ).
SIMPLIFIED_ONLY = frozenset(
    "书报协调请发设绑还没这个链选择时间为过单关于党况进总体无连续补点"
    "们对务经历记录证员访删预览图语换类认识码级帐账导击启动载达态签阅"
    "长应让讯标详细问题确认审计机吗专业区县乡镇"
)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def dummy_params(key: str, value: object = "x") -> dict[str, object]:
    names: set[str] = set(FORMAT_FIELDS.get(key, frozenset()))
    for catalog in CATALOGS.values():
        names |= fields(catalog[key])
    return dict.fromkeys(names, value)


ALL = [(lang, key) for lang in CATALOGS for key in REFERENCE]


# ------------------------------------------------------------------------- catalogs


def test_catalogs_registered() -> None:
    assert set(CATALOGS) == {"zh-Hans", "zh-Hant", "en"}
    assert DEFAULT == "zh-Hans"


@pytest.mark.parametrize("lang", sorted(OTHERS))
def test_same_keys_as_reference(lang: str) -> None:
    keys = set(OTHERS[lang])
    assert sorted(set(REFERENCE) - keys) == [], "missing keys"
    assert sorted(keys - set(REFERENCE)) == [], "extra keys"


@pytest.mark.parametrize("lang", sorted(OTHERS))
def test_values_are_non_empty_strings(lang: str) -> None:
    for key, value in OTHERS[lang].items():
        assert isinstance(value, str) and value.strip(), key


@pytest.mark.parametrize("lang", sorted(OTHERS))
def test_same_placeholders_as_reference(lang: str) -> None:
    for key, template in OTHERS[lang].items():
        if key in FORMAT_FIELDS:
            assert fields(template) <= FORMAT_FIELDS[key], key
        else:
            assert fields(template) == fields(REFERENCE[key]), key


def test_reference_formats_use_known_fields() -> None:
    for key, allowed in FORMAT_FIELDS.items():
        assert fields(REFERENCE[key]) <= allowed, key


@pytest.mark.parametrize("lang", sorted(OTHERS))
def test_same_commands_as_reference(lang: str) -> None:
    """Slash commands are not translated."""
    command = re.compile(r"/[a-z]+")
    for key, template in OTHERS[lang].items():
        assert command.findall(template) == command.findall(REFERENCE[key]), key


@pytest.mark.parametrize("lang", sorted(OTHERS))
def test_same_html_tags_as_reference(lang: str) -> None:
    tag = re.compile(r"</?[a-z-]+[^>]*>")
    for key, template in OTHERS[lang].items():
        assert sorted(tag.findall(template)) == sorted(tag.findall(REFERENCE[key])), key


def test_traditional_catalog_has_no_simplified_characters() -> None:
    for key, template in zh_hant.MESSAGES.items():
        found = sorted(set(template) & SIMPLIFIED_ONLY)
        assert not found, f"{key}: {found}"


def test_traditional_catalog_is_a_fresh_build() -> None:
    """zh_hant.py is generated: `python -m bot.locales.build` rewrites it, CI checks it."""
    assert build.TARGET.read_text(encoding="utf-8") == build.generate()
    assert build.main(["--check"]) == 0


@pytest.mark.parametrize(
    "template",
    [
        "{name}发布了<b>{branch}</b>的通报",
        '<a href="https://t.me/x?start={token}">点击这里</a> &amp; &lt;里&gt; {x!r} {y:>3}',
        "{后}里<i>后</i>{里}&#21518;",
    ],
)
def test_conversion_keeps_placeholders_tags_and_entities(template: str) -> None:
    converted = build.convert_template(template, build._converter())
    protected = re.compile(r"\{[^{}]*\}|<[^<>]*>|&[#a-zA-Z0-9]+;")
    assert protected.findall(converted) == protected.findall(template)
    assert fields(converted) == fields(template)
    assert not set(protected.sub("", converted)) & set("发点这里后")


def test_conversion_overrides() -> None:
    convert = build._converter()
    assert build.convert_template("协调群里发布通报，直接回复我", convert) == (
        "協調群裏發布通報，直接回覆我"
    )
    assert build.convert_template("年度台账、党委书记", convert) == "年度臺賬、黨委書記"


def test_every_override_is_used() -> None:
    """No dead entries: each override phrase and whole entry exists in the source."""
    text = "".join(zh_hans.MESSAGES.values())
    assert [p for p in build.PHRASES if p not in text] == []
    assert set(build.ENTRIES) <= set(zh_hans.MESSAGES)


def test_english_catalog_has_no_chinese() -> None:
    for key, template in en.MESSAGES.items():
        if key == "lang_choose":  # shown before anyone has chosen: bilingual on purpose
            continue
        assert not CJK.search(template), key
        assert "、" not in template and "，" not in template, key


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_language_confirmations(lang: str) -> None:
    """Each catalog confirms its own language, by the name the /lang buttons show."""
    assert LANGUAGE_LABELS[lang] in t(lang, "lang_set")
    for other in set(CATALOGS) - {lang}:
        assert LANGUAGE_LABELS[other] not in t(lang, "lang_set")


def test_english_formats() -> None:
    assert t("en", "fmt_month", y=2026, m=3, mm="03") == "2026-03"
    assert t("en", "fmt_date_wd", y=2026, m=3, d=9, mm="03", dd="09", wd="Mon") == (
        "2026-03-09 (Mon)"
    )
    assert [t("en", f"weekday_{i}") for i in range(7)] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]
    assert [t("en", f"num_{i}") for i in range(1, 10)] == [str(i) for i in range(1, 10)]
    assert t("en", "circ_sec_on_time", n="2", count=3) == "<b>2. Reported on time (3)</b>"


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_command_descriptions_fit_telegram(lang: str) -> None:
    for key, template in CATALOGS[lang].items():
        if key.startswith("cmd_"):
            assert 1 <= len(template) <= 256 and "<" not in template, key


# ------------------------------------------------------------------------ rendering


@pytest.mark.parametrize(("lang", "key"), ALL)
def test_renders_and_is_telegram_html(lang: str, key: str) -> None:
    rendered = t(lang, key, **dummy_params(key))
    assert isinstance(rendered, Html)
    assert "{" not in rendered and "}" not in rendered
    try:
        parse_html(rendered)
    except HtmlParseError as exc:  # pragma: no cover - message for the failure
        pytest.fail(f"{lang} {key}: {exc}\n{rendered}")


@pytest.mark.parametrize(("lang", "key"), ALL)
def test_no_tag_spans_a_line_break(lang: str, key: str) -> None:
    """`split_message` cuts between lines, so each line must be well-formed on its own."""
    for line in t(lang, key, **dummy_params(key)).split("\n"):
        parse_html(line)


@pytest.mark.parametrize(("lang", "key"), ALL)
def test_hostile_params_stay_text(lang: str, key: str) -> None:
    hostile = '<a href="x">&amp;</a> <b>'
    rendered = t(lang, key, **dummy_params(key, hostile))
    text, _ = parse_html(rendered)
    if dummy_params(key):
        assert hostile in text


def test_t_escapes_params() -> None:
    rendered = t("en", "arg_missing", usage="<script>&")
    assert rendered == "Usage: &lt;script&gt;&amp;"
    assert "<script>" not in rendered


def test_t_keeps_html_params() -> None:
    rendered = t("en", "arg_missing", usage=Html("<b>bold</b>"))
    assert rendered == "Usage: <b>bold</b>"


def test_t_unknown_language_uses_default() -> None:
    assert t("fr", "cancel_done") == zh_hans.MESSAGES["cancel_done"]


# ---------------------------------------------------------------------- language_for


@pytest.mark.parametrize("default", ["zh-Hans", "zh-Hant", "en"])
def test_language_for_is_the_committee_language_until_chosen(default: str) -> None:
    assert language_for(None, default) == default


def test_language_for_explicit_choice_wins() -> None:
    assert language_for("en", "zh-Hans") == "en"
    assert language_for("zh-Hant", "en") == "zh-Hant"
    assert language_for("zh-Hans", "zh-Hant") == "zh-Hans"


def test_language_for_ignores_unknown_choice_and_default() -> None:
    assert language_for("klingon", "zh-Hant") == "zh-Hant"
    assert language_for(None, "klingon") == DEFAULT


# ---------------------------------------------------------------------- split_message


def _check_split(text: str, limit: int) -> list[str]:
    """Every part fits and parses; joined, the parts give back the text.

    Line breaks between parts are the separators that go, and a part that would be
    only whitespace is dropped (Telegram refuses an empty message): so the text is
    compared without newlines, or without any whitespace when it has blanks.
    """
    parts = split_message(text, limit)
    for part in parts:
        assert 0 < len(part) <= limit
        parse_html(part)  # no entity or tag cut in half
    if " " in text:
        assert re.sub(r"\s", "", "".join(parts)) == re.sub(r"\s", "", text)
    else:
        assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    return parts


def test_split_short_text_is_one_part() -> None:
    assert split_message("hello\nworld") == ["hello\nworld"]


def test_split_default_limit_is_under_telegram() -> None:
    text = "\n".join(f"第{i}行 &amp; <b>粗体</b>" for i in range(2000))
    parts = _check_split(text, TELEGRAM_LIMIT - 96)
    assert len(parts) > 1
    assert all(len(p) <= TELEGRAM_LIMIT for p in split_message(text))


@pytest.mark.parametrize("limit", [*range(5, 40), 97, 4000])
def test_split_long_line_of_entities(limit: int) -> None:
    text = "&amp;" * 1000
    parts = _check_split(text, limit)
    assert all(p.count("&") == p.count(";") for p in parts)


@pytest.mark.parametrize("limit", [6, 7, 13, 50, 4000])
def test_split_long_line_mixed(limit: int) -> None:
    text = "ab&amp;c&lt;d&gt;&quot;e" * 600  # no blanks: every character must survive
    _check_split(text, limit)


def test_split_keeps_lines_whole_when_possible() -> None:
    lines = [f"line {i:03d} " + "x" * 20 for i in range(50)]
    parts = _check_split("\n".join(lines), 100)
    for part in parts:
        for line in part.split("\n"):
            assert line in lines


def test_split_long_line_between_short_ones() -> None:
    text = "before\n" + "&amp;" * 300 + "\nafter"
    parts = _check_split(text, 64)
    assert parts[0] == "before"
    assert parts[-1].endswith("after")


def test_split_random_texts() -> None:
    rng = random.Random(20261130)
    pieces = ["a", "字", " ", "&amp;", "&lt;", "&gt;", "&quot;", "\n", "\n\n", "支部"]
    for _ in range(200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 400))).strip()
        if not text:
            continue
        _check_split(text, rng.randint(6, 80))
