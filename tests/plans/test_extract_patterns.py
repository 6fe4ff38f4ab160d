"""One test per date expression the extractor must read, in simplified and traditional
characters, with full-width digits and with Chinese numerals.

Each snippet puts the expression where a plan would (a phase heading, a task
sentence, a "完成时限" line) because what an expression *is* depends on where
it stands.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans.extract import extract
from bot.plans.model import LAST_DAY, ExtractedItem, RecurringRule


def one_item(text: str, year: int | None = 2024) -> ExtractedItem:
    items = extract(text, year=year).items
    assert len(items) == 1, [(i.kind, i.text) for i in items]
    item = items[0]
    assert text[item.span[0] : item.span[1]] == item.text
    return item


def phase(text: str, year: int | None = 2024) -> tuple[str, str, date | None, date | None]:
    item = one_item(text, year)
    assert item.kind == "phase"
    return item.title, item.text, item.start, item.end


def deadline(text: str, year: int | None = 2024) -> tuple[str, date | None]:
    item = one_item(text, year)
    assert item.kind == "deadline", item
    assert item.start is None
    return item.text, item.end


def window(text: str, year: int | None = 2024) -> tuple[str, date | None, date | None]:
    """A deadline that is a stretch of time (10月下旬召开, 上半年完成): its window."""
    item = one_item(text, year)
    assert item.kind == "deadline", item
    return item.text, item.start, item.end


def rule(text: str) -> tuple[str, RecurringRule | None]:
    item = one_item(text)
    assert item.kind == "recurring"
    assert (item.start, item.end) == (None, None)
    return item.text, item.rule


# --- phases ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        pytest.param(
            "（一）动员部署阶段(7月下旬—8月上旬)\n召开动员大会。",
            2024,
            ("动员部署阶段", "7月下旬—8月上旬", date(2024, 7, 21), date(2024, 8, 10)),
            id="xun-range-in-a-heading",
        ),
        pytest.param(
            "(一)调查摸底,健全台帐(2022年4月)。以基层党委为单位。",
            None,
            ("调查摸底,健全台帐", "2022年4月", date(2022, 4, 1), date(2022, 4, 30)),
            id="bare-month-in-parentheses-is-the-whole-month",
        ),
        pytest.param(
            "（二）落实整改，完善制度（2022年5—6月）",
            None,
            ("落实整改，完善制度", "2022年5—6月", date(2022, 5, 1), date(2022, 6, 30)),
            id="shared-month-unit-range",
        ),
        pytest.param(
            "（一）集中学习阶段（5月1日至6月15日）",
            2024,
            ("集中学习阶段", "5月1日至6月15日", date(2024, 5, 1), date(2024, 6, 15)),
            id="day-to-day-range",
        ),
    ],
)
def test_phase_title_expression_and_dates(
    text: str, year: int | None, expected: tuple[str, str, date, date]
) -> None:
    assert phase(text, year) == expected


@pytest.mark.parametrize(
    ("text", "year", "start", "end"),
    [
        ("1、调查摸底，分类定级（3月上旬—4月中旬）", 2024, "2024-03-01", "2024-04-20"),
        ("2、集中整改（4月下旬—6月）", 2024, "2024-04-21", "2024-06-30"),
        ("（一）准备阶段（2月中旬—下旬）", 2024, "2024-02-11", "2024-02-29"),
        ("（一）准备阶段（2月下旬）", 2023, "2023-02-21", "2023-02-28"),
        ("（二）集中整改阶段（三至五月份）", 2024, "2024-03-01", "2024-05-31"),
        ("（一）集中学习阶段（5月10日至20日）", 2024, "2024-05-10", "2024-05-20"),
        ("（一）集中学习阶段（5月3—5日）", 2024, "2024-05-03", "2024-05-05"),
        ("（三）冬训阶段（11月至2月）", 2023, "2023-11-01", "2024-02-29"),
        ("（一）準備階段（３月１日－３月１５日）", 2024, "2024-03-01", "2024-03-15"),
        ("（二）實施階段（４月至１０月）", 2024, "2024-04-01", "2024-10-31"),
        ("（一）动员阶段（二〇一五年六月一日至六月二十八日）", None, "2015-06-01", "2015-06-28"),
        ("（二）总结阶段（十一月至十二月）", 2024, "2024-11-01", "2024-12-31"),
        ("（一）整改阶段（第三季度）", 2024, "2024-07-01", "2024-09-30"),
        ("（一）整改阶段（2024年下半年）", 2024, "2024-07-01", "2024-12-31"),
    ],
)
def test_phase_dates(text: str, year: int | None, start: str, end: str) -> None:
    assert phase(text, year)[2:] == (date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize("word", ["次年", "翌年", "明年", "第二年"])
def test_range_across_the_year_end(word: str) -> None:
    assert phase(f"（三）冬训阶段（11月—{word}2月）")[2:] == (date(2024, 11, 1), date(2025, 2, 28))


@pytest.mark.parametrize("sep", ["—", "——", "－", "-", "~", "～", "至", "到", "–"])
def test_range_separators(sep: str) -> None:
    _, text, start, end = phase(f"（一）动员部署阶段（3月1日{sep}3月15日）")
    assert (start, end) == (date(2024, 3, 1), date(2024, 3, 15))
    assert text == f"3月1日{sep}3月15日"


def test_stage_heading_takes_the_name_after_the_colon() -> None:
    assert phase("第一阶段：动员部署（3月）")[0] == "动员部署"
    assert phase("第二階段：實踐活動（7月—10月）")[0] == "實踐活動"


def test_phase_title_keeps_the_heading_but_not_the_date() -> None:
    assert phase("（一）动员部署阶段(3月上旬—4月中旬)")[0] == "动员部署阶段"
    assert phase("（一）动员部署阶段：3月1日至15日")[0] == "动员部署阶段"


def test_phase_named_in_a_sentence() -> None:
    assert phase("第一阶段为动员部署阶段，时间为3月1日至3月15日。")[:2] == (
        "动员部署阶段",
        "3月1日至3月15日",
    )


def test_schedule_lines_without_numbering() -> None:
    items = extract("1月—2月：制定年度计划\n3月至6月：开展专项整治\n", year=2023).items
    assert [(i.kind, i.title, i.start, i.end) for i in items] == [
        ("phase", "制定年度计划", date(2023, 1, 1), date(2023, 2, 28)),
        ("phase", "开展专项整治", date(2023, 3, 1), date(2023, 6, 30)),
    ]


# --- deadlines ------------------------------------------------------------------------


def test_full_date_before() -> None:
    assert deadline("各党支部于2024年4月23日前报送总结。", year=None) == (
        "2024年4月23日前",
        date(2024, 4, 23),
    )


def test_month_end_before() -> None:
    assert deadline("各支部10月底前完成换届。") == ("10月底前", date(2024, 10, 31))
    assert deadline("2月底前完成。", year=2023) == ("2月底前", date(2023, 2, 28))


def test_year_end_before() -> None:
    assert deadline("年底前完成全员轮训。") == ("年底前", date(2024, 12, 31))
    assert deadline("今年年底前完成全员轮训。") == ("今年年底前", date(2024, 12, 31))


def test_at_a_xun() -> None:
    assert window("于2024年10月下旬召开专题组织生活会。", year=None) == (
        "2024年10月下旬",
        date(2024, 10, 21),
        date(2024, 10, 31),
    )
    assert window("於2024年10月下旬召開專題組織生活會。", year=None) == (
        "2024年10月下旬",
        date(2024, 10, 21),
        date(2024, 10, 31),
    )
    # Given as a limit, a 旬 is an end only.
    assert deadline("不超过2024年10月上旬。", year=None) == ("2024年10月上旬", date(2024, 10, 10))


def test_completion_label() -> None:
    text = "（二）务实履好党建责任。出台目标责任书。\n\n完成时限:2016年6月\n"
    item = one_item(text, year=None)
    assert (item.kind, item.title, item.text, item.end) == (
        "deadline",
        "务实履好党建责任",
        "2016年6月",
        date(2016, 6, 30),
    )


def test_completion_label_traditional_full_width_colon() -> None:
    item = one_item("（一）規范抓好黨內組織生活。定期開展活動。\n完成時限：2016年底\n", year=None)
    assert (item.kind, item.title, item.end) == (
        "deadline",
        "規范抓好黨內組織生活",
        date(2016, 12, 31),
    )


def test_completion_label_with_a_bare_year_means_its_last_day() -> None:
    item = one_item("（一）开展学习。\n完成时限：2024年12月\n", year=None)
    assert item.end == date(2024, 12, 31)


def test_full_width_digits() -> None:
    assert deadline("２０２４年４月２３日前完成。", year=None) == (
        "２０２４年４月２３日前",
        date(2024, 4, 23),
    )


def test_chinese_numeral_full_date() -> None:
    assert deadline("二〇一五年六月二十八日前完成。", year=None) == (
        "二〇一五年六月二十八日前",
        date(2015, 6, 28),
    )


def test_deadline_in_a_heading_names_the_task() -> None:
    item = one_item("1、召开动员大会，3月底前完成。")
    assert (item.kind, item.title, item.end) == ("deadline", "召开动员大会", date(2024, 3, 31))
    item = one_item("（三）3月15日前，完成动员部署。")
    assert (item.title, item.end) == ("完成动员部署", date(2024, 3, 15))


def test_quarter_end_half_year_and_festival_deadlines() -> None:
    assert deadline("第三季度末前完成。") == ("第三季度末前", date(2024, 9, 30))
    assert window("上半年完成党支部换届。") == ("上半年", date(2024, 1, 1), date(2024, 6, 30))
    assert deadline("国庆节前完成。") == ("国庆节前", date(2024, 10, 1))
    assert deadline("“七一”前完成评选。") == ("“七一”前", date(2024, 7, 1))


def test_until_and_by() -> None:
    assert deadline("截至2024年6月30日，全面完成整改。", year=None)[1] == date(2024, 6, 30)
    assert deadline("力争到2024年底，建成示范点。", year=None)[1] == date(2024, 12, 31)


def test_a_window_for_one_task_is_due_at_its_end() -> None:
    item = one_item("（一）开展学习。各支部于3月1日至3月20日组织集中学习。")
    assert (item.kind, item.text, item.end) == ("deadline", "3月1日至3月20日", date(2024, 3, 20))


# --- recurring ------------------------------------------------------------------------


def test_monthly_day() -> None:
    text, got = rule("各直属党组织每月25日前向工委报送工作情况。")
    assert text == "每月25日前"
    assert got == RecurringRule(freq="monthly", day=25)


def test_monthly_day_split_across_lines_by_a_web_page() -> None:
    text, got = rule("各直属党组织也要按要求每月25\n\n日前向市直机关工委报送。")
    assert text == "每月25\n\n日前"
    assert got == RecurringRule(freq="monthly", day=25)


def test_monthly_end() -> None:
    assert rule("应于每月底前报告市委组织部。") == (
        "每月底前",
        RecurringRule(freq="monthly", day=LAST_DAY),
    )


def test_monthly_traditional_full_width_and_chinese_numerals() -> None:
    assert rule("每個月５號前報送工作簡報。")[1] == RecurringRule(freq="monthly", day=5)
    assert rule("每月二十五日前报送。")[1] == RecurringRule(freq="monthly", day=25)


def test_monthly_without_a_day() -> None:
    assert rule("每月开展一次主题党日活动。")[1] == RecurringRule(freq="monthly")


def test_quarterly() -> None:
    assert rule("每季度报送一次工作进展。") == ("每季度", RecurringRule(freq="quarterly"))
    assert rule("每季度末报送季度总结。")[1] == RecurringRule(
        freq="quarterly", month=3, day=LAST_DAY
    )


@pytest.mark.parametrize(
    ("text", "month", "day"),
    [
        ("每年“七一”召开表彰大会。", 7, 1),
        ('每年"七一"召开表彰大会。', 7, 1),
        ("每年“七•一”召開總結表彰會議。", 7, 1),
        ("每年七·一前后开展评先评优。", 7, 1),
        ("每年“五四”表彰优秀团员。", 5, 4),
        ("每年“十一”前后开展主题活动。", 10, 1),
        ("每年国庆节开展主题活动。", 10, 1),
    ],
)
def test_annual_festivals(text: str, month: int, day: int) -> None:
    assert rule(text)[1] == RecurringRule(freq="annual", month=month, day=day)


def test_annual_month_end_and_year_end() -> None:
    assert rule("每年12月底前报送年度总结。")[1] == RecurringRule(
        freq="annual", month=12, day=LAST_DAY
    )
    assert rule("每年底前报送年度总结。")[1] == RecurringRule(freq="annual", month=12, day=LAST_DAY)


# --- ongoing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "（三）从严带好干部队伍。选好支部带头人。\n完成时限:长期\n",
        "（三）從嚴帶好干部隊伍。選好支部帶頭人。\n\n完成時限:長期\n",
        "（三）从严带好干部队伍。完成时限：长期。\n",
        "（三）从严带好干部队伍（长期）\n",
    ],
)
def test_ongoing_where_the_plan_states_a_time_limit(text: str) -> None:
    item = one_item(text)
    assert (item.kind, item.start, item.end, item.rule) == ("ongoing", None, None, None)
    assert item.title in ("从严带好干部队伍", "從嚴帶好干部隊伍")
    assert item.text in ("长期", "長期")
