"""The key-based assertion helper (`tests/catalog.py`) itself."""

from __future__ import annotations

import re
import string

import pytest

from bot.i18n import CATALOGS, Html, join, t
from bot.testing.sim import Sim
from tests.catalog import check, find, key, keys_in, matches, pattern
from tests.conftest import ADMIN
from tests.helpers import text_of

HOSTILE = '<b>坏&名</b> "x" 1<2'


def saved(branch: str = "一支部", lang: str = "zh-Hans") -> Html:
    month = t(lang, "fmt_month", y=2026, m=11, mm="11")
    timing = t(lang, "timing_on_time")
    return t(lang, "report_saved", branch=branch, month=month, timing=timing, chars=16)


def plain(markup: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_accepts_the_right_key_and_rejects_a_wrong_one() -> None:
    text = saved()
    assert matches(text, "report_saved")
    assert matches(plain(text), "report_saved")
    assert not matches(text, "report_revised")
    assert not matches(plain(text), "attach_saved")
    with pytest.raises(AssertionError, match="report_revised"):
        check(text, "report_revised")


def test_params_must_agree() -> None:
    text = plain(saved())
    assert matches(text, "report_saved", branch="一支部", chars=16)
    assert not matches(text, "report_saved", branch="二支部")
    assert not matches(text, "report_saved", chars=15)
    assert matches(text, "report_saved", timing=key("timing_on_time"))
    assert not matches(text, "report_saved", timing=key("timing_late"))
    assert matches(text, "report_saved", month=key("fmt_month", y=2026, m=11))
    assert not matches(text, "report_saved", month=key("fmt_month", y=2026, m=12))
    assert matches(text, "report_saved", chars=re.compile(r"\d+"))


def test_html_escaped_values_in_html_and_in_plain_text() -> None:
    rendered = saved(HOSTILE)
    assert "&lt;b&gt;坏&amp;名&lt;/b&gt;" in rendered  # what t() sends
    assert check(rendered, "report_saved", branch=HOSTILE)["branch"] == HOSTILE
    assert check(plain(rendered), "report_saved", branch=HOSTILE)["branch"] == HOSTILE
    assert not matches(rendered, "report_saved", branch="<b>坏&名</b>")
    # Markup in the template is part of the pattern for HTML, absent for plain text.
    assert pattern("report_saved").pattern.count("<b>") == 1
    assert "<b>" not in pattern("report_saved", html=False).pattern


def test_joined_templates_and_extraction() -> None:
    text = join([t("zh-Hans", "nudge_head"), saved(), t("zh-Hans", "digest_tail")])
    for name in ("nudge_head", "report_saved", "digest_tail"):
        assert matches(text, name)
    assert find(text, "report_saved") == {
        "branch": "一支部",
        "month": "2026年11月",
        "timing": "按时",
        "chars": "16",
    }
    assert find(text, "report_revised") is None
    assert {"nudge_head", "report_saved", "digest_tail"} <= set(keys_in(text))


def test_a_param_used_twice_must_repeat() -> None:
    text = t("zh-Hans", "joined_member_handover", branch="甲", role="书记", old="王")
    assert check(text, "joined_member_handover")["role"] == "书记"
    assert matches(plain(text), "joined_member_handover", role="书记")
    forged = Html(text.replace("（原书记", "（原委员"))
    assert not matches(forged, "joined_member_handover", role="书记")
    assert not matches(forged, "joined_member_handover")
    assert not matches(plain(forged), "joined_member_handover")


def test_other_languages() -> None:
    assert matches(saved(lang="en"), "report_saved", lang="en", branch="一支部")
    assert not matches(saved(lang="en"), "report_saved")
    assert matches(saved(lang="zh-Hant"), "report_saved", lang="zh-Hant")


def test_mistakes_in_the_test_fail_loudly() -> None:
    with pytest.raises(KeyError):
        matches("x", "no_such_key")
    with pytest.raises(TypeError, match="brnach"):
        matches("x", "report_saved", brnach="一支部")


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_every_template_matches_its_own_rendering(lang: str) -> None:
    for name, template in CATALOGS[lang].items():
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        params = {n: f"v{i}&<{i}>" for i, n in enumerate(sorted(names))}
        rendered = t(lang, name, **params)
        assert matches(rendered, name, lang=lang, **params), name
        assert matches(plain(rendered), name, lang=lang, **params), name


async def test_sent_messages_are_matched_on_their_html(sim: Sim) -> None:
    out = await sim.say(ADMIN, "/addbranch <b>坏&名</b>")
    check(out, "branch_added", name="<b>坏&名</b>")
    check(text_of(out), "branch_added", name="<b>坏&名</b>")
    assert not matches(out, "branch_exists")
    out = await sim.say(ADMIN, "/addbranch <b>坏&名</b>")
    check(out[-1], "branch_exists", name="<b>坏&名</b>")
