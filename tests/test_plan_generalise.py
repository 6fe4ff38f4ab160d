"""Plan reading generalised by families of date expressions (issue #9).

Each test takes one family of the grammar of Chinese plan dates — ranges and their
joiners, task windows, limits, periods of the year, festivals, recurrences, where the
year comes from — and varies it over constructed sentences (none copied from the
corpus), so that a rule written for one instance and not the family fails here.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans.extract import extract
from bot.plans.model import ExtractedItem

D = date


def items(text: str, year: int | None = 2024) -> list[ExtractedItem]:
    found = extract(text, year=year).items
    for item in found:
        assert text[item.span[0] : item.span[1]] == item.text
    return found


def one(text: str, year: int | None = 2024) -> ExtractedItem:
    found = items(text, year)
    assert len(found) == 1, [(i.kind, i.text, i.start, i.end) for i in found]
    return found[0]


def window(text: str, year: int | None = 2024) -> tuple[str, date | None, date | None]:
    item = one(text, year)
    return item.kind, item.start, item.end


TASKS = "二、主要任务\n{}\n"


# --- ranges: every joiner keeps both ends ---------------------------------------------


@pytest.mark.parametrize(
    "expr",
    [
        "3月1日至3月15日",
        "3月1日—3月15日",
        "3月1日——3月15日",
        "3月1日-3月15日",
        "3月1日--3月15日",
        "3月1日~3月15日",
        "3月1日～3月15日",
        "3月1日－3月15日",
        "3月1日到3月15日",
        "3月1日起至3月15日",
        "3月1日—至3月15日",
        "3月1日 至 3月15日",
        "3月1日一3月15日",
        "3月1日至15日",
        "3月1—15日",
        "3.1-3.15",
    ],
)
def test_a_task_window_keeps_both_ends_whatever_joins_them(expr: str) -> None:
    text = TASKS.format(f"1、{expr}，各支部开展自查自纠。")
    assert window(text) == ("deadline", D(2024, 3, 1), D(2024, 3, 15))


def test_two_whole_days_whose_dash_was_lost_are_a_range() -> None:
    text = "三、步骤\n（一）宣传发动阶段（10月21日11月3日）\n1、成立工作小组。\n"
    assert window(text) == ("phase", D(2024, 10, 21), D(2024, 11, 3))


@pytest.mark.parametrize(
    ("expr", "start", "end"),
    [
        ("5月至6月", D(2024, 5, 1), D(2024, 6, 30)),
        ("5—6月", D(2024, 5, 1), D(2024, 6, 30)),
        ("7月上旬至8月中旬", D(2024, 7, 1), D(2024, 8, 20)),
        ("11月初至11月底", D(2024, 11, 1), D(2024, 11, 30)),
        ("4月中旬到5月中旬", D(2024, 4, 11), D(2024, 5, 20)),
        ("2024年11月—2025年1月", D(2024, 11, 1), D(2025, 1, 31)),
        ("11月至次年2月", D(2024, 11, 1), D(2025, 2, 28)),
        ("12月20日至1月10日", D(2024, 12, 20), D(2025, 1, 10)),
    ],
)
def test_month_and_xun_ranges_and_ranges_across_the_year(expr: str, start: date, end: date) -> None:
    text = TASKS.format(f"1、{expr}开展走访调研。")
    assert window(text) == ("deadline", start, end)


# --- a month or 旬 given alone to a task is its window --------------------------------


@pytest.mark.parametrize(
    ("expr", "start", "end"),
    [
        ("3月份，", D(2024, 3, 1), D(2024, 3, 31)),
        ("3月", D(2024, 3, 1), D(2024, 3, 31)),
        ("4月中旬", D(2024, 4, 11), D(2024, 4, 20)),
        ("5月中下旬", D(2024, 5, 11), D(2024, 5, 31)),
        ("4月上、中旬", D(2024, 4, 1), D(2024, 4, 20)),
        ("7月初", D(2024, 7, 1), D(2024, 7, 10)),
        ("上半年", D(2024, 1, 1), D(2024, 6, 30)),
        ("第三季度", D(2024, 7, 1), D(2024, 9, 30)),
    ],
)
def test_a_period_heading_a_numbered_task_is_its_window(expr: str, start: date, end: date) -> None:
    for verb in ("组织党员集中学习", "召开专题会议", "开展主题党日"):
        text = TASKS.format(f"1、{expr}{verb}。")
        assert window(text) == ("deadline", start, end), text


def test_a_number_before_a_date_still_makes_a_heading() -> None:
    # 1、3月份 is item 1 in March (only a dot before a digit can be a decimal).
    text = TASKS.format("1、3月份，开展党员冬训。\n2、12月，召开组织生活会。")
    found = items(text)
    assert [(i.start, i.end, i.title) for i in found] == [
        (D(2024, 3, 1), D(2024, 3, 31), "开展党员冬训"),
        (D(2024, 12, 1), D(2024, 12, 31), "召开组织生活会"),
    ]


# --- limits: an end and no window -----------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "end"),
    [
        ("3月20日前", D(2024, 3, 20)),
        ("3月20日之前", D(2024, 3, 20)),
        ("3月20日以前", D(2024, 3, 20)),
        ("6月底前", D(2024, 6, 30)),
        ("6月底以前", D(2024, 6, 30)),
        ("截至6月30日", D(2024, 6, 30)),
        ("不迟于7月10日", D(2024, 7, 10)),
        ("年底前", D(2024, 12, 31)),
        ("2025年1月底前", D(2025, 1, 31)),
    ],
)
def test_limits_are_deadlines_without_a_start(expr: str, end: date) -> None:
    text = TASKS.format(f"1、{expr}，各支部报送总结材料。")
    assert window(text) == ("deadline", None, end)


# --- festivals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "end"),
    [
        ("“七一”前", D(2024, 7, 1)),
        ("七一前夕", D(2024, 6, 30)),
        ("国庆节前", D(2024, 10, 1)),
        ("五一前", D(2024, 5, 1)),
        ("建党节前", D(2024, 7, 1)),
        ("春节前", D(2024, 2, 10)),
        ("“三八”前", D(2024, 3, 8)),
        ("六一前", D(2024, 6, 1)),
        ("教师节前", D(2024, 9, 10)),
        ("“五四”前夕", D(2024, 5, 3)),
        ("元旦前", D(2025, 1, 1)),  # the New Year's Day that closes the plan's year
    ],
)
def test_before_a_festival_is_its_day(expr: str, end: date) -> None:
    text = TASKS.format(f"1、各支部要在{expr}完成走访慰问。")
    assert window(text) == ("deadline", None, end)


# --- the year: from the date line, and the following year ----------------------------

NOTICE = """关于开展民主评议党员工作的通知

各党支部：
一、时间安排
（一）学习动员（11月20日—11月30日）
（二）组织评定（12月下旬）
（三）总结上报。各支部于1月15日前将总结报党委办公室。
二、有关要求
各支部要在元旦前完成整改，春节前完成慰问。

中共某某委员会
{dateline}
"""


@pytest.mark.parametrize("dateline", ["2023年11月15日", "二〇二三年十一月十五日", "2023-11-15"])
def test_a_plan_issued_late_in_the_year_reads_january_as_the_next(dateline: str) -> None:
    found = extract(NOTICE.format(dateline=dateline))
    assert found.year == 2023
    got = {i.text: (i.kind, i.start, i.end) for i in found.items}
    assert got["11月20日—11月30日"] == ("phase", D(2023, 11, 20), D(2023, 11, 30))
    assert got["1月15日前"] == ("deadline", None, D(2024, 1, 15))
    assert got["元旦前"] == ("deadline", None, D(2024, 1, 1))
    assert got["春节前"] == ("deadline", None, D(2024, 2, 10))


def test_days_listed_in_order_around_the_issue_date_are_yearly() -> None:
    # One before and one after the issue in the same clause: the plan states a practice.
    text = (
        "各支部：\n上半年和下半年的党费，需要在6月10日和12月10日之前交齐。\n"
        "党委办公室\n2023年10月9日\n"
    )
    got = [(i.kind, i.rule.month if i.rule else None) for i in extract(text).items]
    assert got == [("recurring", 6), ("recurring", 12)]


def test_a_blanked_year_before_a_date_is_the_plans() -> None:
    text = "一、时间\n换届工作从年10月28日全面启动，11月15日以前结束。\n"
    item = one(text, 2024)
    assert (item.start, item.end) == (D(2024, 10, 28), D(2024, 11, 15))


def test_a_date_line_whose_separators_were_lost_gives_the_year() -> None:
    text = "关于征集意见的通知\n各支部：\n请于9月30日前将意见交党委办公室。\n党委办公室\n20230901\n"
    found = extract(text)
    assert (found.year, found.year_source) == (2023, "document_date")
    assert [(i.kind, i.end) for i in found.items] == [("deadline", D(2023, 9, 30))]


# --- a day without its month takes the month of the date before it -------------------


def test_a_day_alone_before_its_limit_is_in_the_month_said_before() -> None:
    text = (
        "二、活动时间\n从11月19日开始至11月23日结束。\n"
        "三、要求\n1.各支部要在21日前将捐赠物品送交党务办。\n"
    )
    got = [(i.kind, i.start, i.end) for i in items(text)]
    assert got == [
        ("phase", D(2024, 11, 19), D(2024, 11, 23)),
        ("deadline", None, D(2024, 11, 21)),
    ]


def test_a_span_of_days_is_no_date() -> None:
    text = TASKS.format("1、活动结束后5日内，各支部报送总结。")
    assert items(text) == []


# --- what is not a schedule -------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "做好截止2024年底固定资产台账的登记和更新。",
        "对截至2024年6月底未完成整改的支部进行通报。",
        "3月5日，县委印发《关于加强基层组织建设的意见》。",
        "每月活动主题由支部委员会研究确定。",
        "每年年初，各支部制定学习计划。",
    ],
)
def test_references_and_qualifiers_are_not_deadlines(sentence: str) -> None:
    assert items(TASKS.format(f"1、加强管理。{sentence}")) == []


def test_as_of_a_date_a_clause_of_work_is_still_a_deadline() -> None:
    text = TASKS.format("1、整改问题，截止到2024年底全部完成。")
    assert window(text) == ("deadline", None, D(2024, 12, 31))


def test_a_period_given_work_as_its_focus_is_its_window() -> None:
    text = "某校2024年党建工作计划\n把学习党章作为上半年支部学习的重点，制定学习计划。\n"
    assert window(text) == ("deadline", D(2024, 1, 1), D(2024, 6, 30))


def test_a_yearly_quarter_is_kept_on_its_last_day() -> None:
    text = TASKS.format("1、组织部一般于每年的第二季度核定党员交纳党费的数额。")
    item = one(text)
    assert item.kind == "recurring" and item.rule is not None
    assert (item.rule.freq, item.rule.month, item.rule.day) == ("annual", 6, -1)


# --- structure: the title, the whole activity's window --------------------------------


def test_a_title_line_is_not_glued_to_the_first_task() -> None:
    text = "某某社区党委2024年党建工作计划\n3月底前各支部制定学习计划。\n"
    item = one(text, None)
    assert item.title == "3月底前各支部制定学习计划"
    assert extract(text).title == "某某社区党委2024年党建工作计划"


def test_the_whole_activitys_window_in_the_opening_paragraph_is_a_phase() -> None:
    text = (
        "关于开展读书月活动的通知\n各支部：\n"
        "经研究，学校党委定于2024年4月至5月开展读书月活动。现将有关事项通知如下：\n"
        "一、活动内容\n1.各支部组织党员共读一本书。\n"
    )
    assert window(text, None) == ("phase", D(2024, 4, 1), D(2024, 5, 31))


# --- owners ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "owner"),
    [
        ("工委12月20日前组织审核验收。", "committee"),
        ("党委11月底前对各支部进行考核。", "committee"),
        ("各党支部10月底前完成整改。", "branch"),
        ("表彰大会时间定在6月28日上午。", "committee"),
    ],
)
def test_the_doer_named_before_a_date_owns_it(sentence: str, owner: str) -> None:
    assert one(TASKS.format(f"1、做好验收。{sentence}")).owner == owner


@pytest.mark.parametrize(
    ("lead", "owner"),
    [
        ("（宣传部牵头）", "committee"),
        ("（组织部牵头）", "committee"),
        ("（护理部牵头）", "branch"),
        ("（各党支部牵头）", "branch"),
    ],
)
def test_who_leads_an_activity_owns_its_time(lead: str, owner: str) -> None:
    text = f"三、活动安排\n（一）开展读书分享活动{lead}\n活动时间：4月中旬\n"
    assert one(text).owner == owner


def test_a_stage_that_is_the_committees_review_is_the_committees() -> None:
    text = (
        "四、方法步骤\n第一阶段：支部自评（7月1日至7月10日）。\n"
        "第二阶段：县直工委审核（7月11日至7月31日）。\n"
    )
    got = [(i.kind, i.owner) for i in items(text)]
    assert got == [("phase", "branch"), ("phase", "committee")]


# --- years as limits, and ranges said in two clauses -----------------------------------


@pytest.mark.parametrize(
    ("sentence", "end"),
    [
        ("到2025年，全面完成标准化建设。", D(2025, 12, 31)),
        ("力争到2026年，达标率达到百分之九十。", D(2026, 12, 31)),
        ("至2025年，基本实现全覆盖。", D(2025, 12, 31)),
    ],
)
def test_a_year_given_as_a_limit_is_due_at_its_end(sentence: str, end: date) -> None:
    assert window(TASKS.format(f"1、{sentence}")) == ("deadline", None, end)


@pytest.mark.parametrize(
    "sentence",
    [
        "截至2023年，全县共有党员五千名。",
        "从2024年到2026年，持续推进标准化建设。",
        "力争实现2025年“应换尽换”目标。",
    ],
)
def test_a_year_that_is_no_limit_is_not_a_deadline(sentence: str) -> None:
    assert items(TASKS.format(f"1、{sentence}")) == []


def test_the_far_end_of_a_two_clause_range_takes_the_start_s_year() -> None:
    text = "某县2026年整顿方案\n一、步骤\n1、县委将于2025年11月开始至2月底对党组织进行集中整顿。\n"
    assert window(text, None)[1:] == (D(2025, 11, 1), D(2026, 2, 28))


def test_a_title_s_bracketed_period_does_not_decide_the_year() -> None:
    text = "某县2024年基层党建三年行动计划（2024年至2026年）\n一、任务\n1、6月底前完成摸底。\n"
    found = extract(text)
    assert found.year == 2024
    assert [i.end for i in found.items] == [D(2024, 6, 30)]


@pytest.mark.parametrize(
    ("sentence", "end"),
    [
        ("2025年底全镇党支部达到标准化要求。", D(2025, 12, 31)),
        ("6月底全面完成阵地建设。", D(2024, 6, 30)),
    ],
)
def test_a_sentence_opening_with_its_time_and_a_target_is_dated(sentence: str, end: date) -> None:
    text = f"一、工作目标\n{sentence}\n"
    assert one(text).end == end


def test_a_sentence_opening_with_a_past_event_is_not() -> None:
    text = "一、背景\n3月5日县委召开了动员大会。\n5月15日党委召开的推进会提出了要求。\n"
    assert items(text) == []


@pytest.mark.parametrize("joiner", ["：", "为", "暂定", "定于", "拟定在", "安排在"])
def test_a_time_label_and_its_verb_give_the_date(joiner: str) -> None:
    text = f"三、比赛安排\n（二）决赛阶段。现场答辩时间{joiner}11月30日，地点另行通知。\n"
    assert one(text).end == D(2024, 11, 30)


def test_a_recurrence_said_with_its_day_then_without_is_one_rule() -> None:
    text = TASKS.format("1、由党建办每月25日前对各支部工作情况每月进行一次考核。")
    item = one(text)
    assert item.rule is not None and (item.rule.freq, item.rule.day) == ("monthly", 25)


# --- recurring ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "rule"),
    [
        ("每月25日前", ("monthly", 25, None)),
        ("每月20号前", ("monthly", 20, None)),
        ("每月底前", ("monthly", -1, None)),
        ("每季度末", ("quarterly", -1, 3)),
        ("每季度首月10日前", ("quarterly", 10, 1)),
        ("每季度第一个月的15日前", ("quarterly", 15, 1)),
        ("每季度最后一个月25日前", ("quarterly", 25, 3)),
        ("每年3月底前", ("annual", -1, 3)),
        ("每年12月份", ("annual", None, 12)),
        ("每年年底前", ("annual", -1, 12)),
        ("每年上半年", ("annual", -1, 6)),
        ("每年的第二季度", ("annual", -1, 6)),
        ("每年“七一”前", ("annual", 1, 7)),
        ("每年“七一”前夕", ("annual", 30, 6)),
    ],
)
def test_recurring_rules(expr: str, rule: tuple[str, int | None, int | None]) -> None:
    item = one(f"某某党支部工作制度\n一、{expr}，各支部报送工作情况。\n", None)
    assert item.kind == "recurring" and item.rule is not None
    assert (item.rule.freq, item.rule.day, item.rule.month) == rule


@pytest.mark.parametrize("expr", ["每半年", "每周二", "每学期", "每两周"])
def test_frequencies_the_rule_cannot_hold_are_left_out(expr: str) -> None:
    assert items(f"某某党支部工作制度\n一、{expr}召开一次组织生活会。\n", None) == []


def test_months_listed_after_a_yearly_one_repeat_yearly() -> None:
    found = items("某某制度\n一、每年的6月和12月分别召开一次专题会议。\n", None)
    assert [(i.rule.freq, i.rule.month) for i in found if i.rule] == [
        ("annual", 6),
        ("annual", 12),
    ]
    assert found[1].title == "分别召开一次专题会议"


def test_a_yearly_window_of_months_is_kept_on_its_last_day() -> None:
    item = one("某某制度\n一、每年6月至8月开展暑期社会实践。\n", None)
    assert item.rule is not None
    assert (item.rule.freq, item.rule.month, item.rule.day) == ("annual", 8, -1)


WINTER = """2023年度党员冬训工作方案
一、时间安排
（一）动员部署（11月1日—11月15日）
（二）集中学习（11月16日—12月31日）
（三）总结提升（1月—2月）
1.各支部2月底前完成总结。
二、工作要求
1.11月10日前，各支部制定冬训计划。
2.12月底前完成集中轮训。
3.1月15日前上报学习情况。
4.春节前走访慰问困难党员。
"""


def test_dates_running_on_past_december_are_next_years() -> None:
    got = {i.text: (i.start, i.end) for i in extract(WINTER).items}
    assert got["1月—2月"] == (D(2024, 1, 1), D(2024, 2, 29))
    assert got["2月底前"] == (None, D(2024, 2, 29))  # inside its stage
    assert got["11月10日前"] == (None, D(2023, 11, 10))  # a new run: this year's again
    assert got["12月底前"] == (None, D(2023, 12, 31))
    assert got["1月15日前"] == (None, D(2024, 1, 15))
    assert got["春节前"] == (None, D(2024, 2, 10))


def test_a_list_of_the_years_quarters_does_not_roll() -> None:
    text = (
        "某局2024年目标任务\n一、任务\n1.第三季度开展调研。\n2.第四季度组织培训。\n"
        "3.第一季度开展检查。\n"
    )
    starts = [i.start for i in items(text, None)]
    assert starts == [D(2024, 7, 1), D(2024, 10, 1), D(2024, 1, 1)]


def test_a_bare_mention_yields_to_the_date_line() -> None:
    text = (
        "关于召开2018年度组织生活会的通知\n各党支部：\n"
        "请于1月25日前召开组织生活会，1月31日前报送总结。\n党委办公室\n2019年1月9日\n"
    )
    found = extract(text)
    assert found.year == 2019
    assert [i.end for i in found.items] == [D(2019, 1, 25), D(2019, 1, 31)]


def test_a_bracketed_note_opening_with_time_dates_its_item() -> None:
    text = "四、活动内容\n1、开展国旗下讲话。（时间9月16日升旗仪式）\n"
    assert one(text).end == D(2024, 9, 16)


def test_a_day_alone_with_its_hour_before_the_limit() -> None:
    text = "二、活动细则\n（1）3月11日——3月17日期间，各班将候选人名单在17日下午3点之前交到团委。\n"
    assert [(i.start, i.end) for i in items(text)] == [
        (D(2024, 3, 11), D(2024, 3, 17)),
        (None, D(2024, 3, 17)),
    ]


def test_a_national_event_told_as_news_is_background() -> None:
    text = "一、背景\n2月28日，第九届全国道德论坛在京召开。\n二、安排\n1.3月5日前各支部开展学习。\n"
    assert [i.end for i in items(text)] == [D(2024, 3, 5)]


def test_stages_restated_in_the_same_months_do_not_roll_into_next_year() -> None:
    text = (
        "活动方案\n六、活动时间3月20日-4月21日\n第一阶段（宣传）3月20日-3月23日\n"
        "第二阶段（开展）3月24日-4月15日\n七、活动内容\n1、活动宣传（时间3月20日-3月23日）\n"
    )
    assert {i.start.year for i in items(text) if i.start} == {2024}


def test_a_date_without_a_year_after_one_with_a_year_in_its_sentence() -> None:
    text = (
        "某县2023年党建工作要点\n一、任务\n1.2024年3月底前完成阵地建设，6月底前完成验收。\n"
        "2.2023年11月启动整顿，1月底前完成整改。\n3.9月底前完成培训。\n"
    )
    got = [(i.text, i.end) for i in extract(text).items]
    assert got == [
        ("2024年3月底前", D(2024, 3, 31)),
        ("6月底前", D(2024, 6, 30)),
        ("2023年11月", D(2023, 11, 30)),
        ("1月底前", D(2024, 1, 31)),
        ("9月底前", D(2023, 9, 30)),
    ]


@pytest.mark.parametrize("joiner", ["", "，"])
def test_a_count_as_of_a_date_is_no_deadline(joiner: str) -> None:
    text = f"某县2023年工作要点\n一、现状\n1.截至2022年底{joiner}全县共有党支部126个。\n"
    assert extract(text).items == []


def test_the_signature_and_date_on_one_line_is_the_date_line() -> None:
    text = (
        "关于走访慰问的通知\n各党支部：\n请于1月20日前完成走访。\n中共某某镇委员会 2023年12月20日\n"
    )
    found = extract(text)
    assert (found.year_source, [i.end for i in found.items]) == (
        "document_date",
        [D(2024, 1, 20)],
    )


@pytest.mark.parametrize(
    ("item", "owner"),
    [
        ("5月份各支部组织一次专题学习。", "branch"),
        ("6月中旬党委组织党员赴红色教育基地参观。", "committee"),
        ("利用7月上旬时间，开展党员培训。", "branch"),
    ],
)
def test_a_time_opening_a_numbered_item_then_its_doer_and_work(item: str, owner: str) -> None:
    found = one(f"某校党委2024年工作计划\n一、主要工作\n1.{item}\n")
    assert found.kind == "deadline" and found.start is not None and found.owner == owner


def test_a_month_keying_an_item_of_work_is_its_window_not_a_stage() -> None:
    text = "某校党委2024年工作计划\n一、主要工作\n1.11月：组织生活会。\n2.12月：年度考核。\n"
    assert [i.kind for i in items(text, None)] == ["deadline", "deadline"]


def test_a_body_that_organises_a_noun_is_not_its_doer() -> None:
    text = TASKS.format("1、七一前统一参加乡党委组织的演讲比赛。")
    assert one(text).owner == "branch"


def test_a_noun_phrase_of_a_month_is_no_window() -> None:
    text = "一、考核对象\n考核对象为所有党支部书记。10月份新成立的支部不参加考核。\n"
    assert items(text) == []


@pytest.mark.parametrize("blank", ["20xx", "20××", "**", "xx", "____", "20__"])
def test_a_blanked_year_is_the_plans(blank: str) -> None:
    text = TASKS.format(f"1、{blank}年4月底前完成总结。")
    assert window(text, 2020) == ("deadline", None, D(2020, 4, 30))


def test_who_acts_on_the_units_below_it_coordinates_them() -> None:
    text = TASKS.format(
        "1、分类定级。每年3月份由各乡镇党委、县直各党工委按照支部自评方式，对所辖党支部进行分类定级。"
    )
    assert one(text, None).owner == "committee"


TABLE = """某县2024年基层党建重点任务清单
序号 | 工作任务 | 责任单位 | 完成时限
1 | 开展党支部书记轮训 | 县委组织部 | 2024年6月底前
2 | 推进村级阵地建设 | 各乡镇党委 | 9月
3 | 发展党员工作 | 各党委（党组） | 长期坚持
4 | 年度考核 | 县委组织部 | 12月中下旬
"""


def test_a_task_tables_unit_column_gives_the_owner_not_the_title() -> None:
    got = [(i.kind, i.title, i.owner) for i in extract(TABLE).items]
    assert got == [
        ("deadline", "开展党支部书记轮训", "committee"),
        ("deadline", "推进村级阵地建设", "branch"),
        ("ongoing", "发展党员工作", "branch"),
        ("deadline", "年度考核", "committee"),
    ]


def test_more_written_forms() -> None:
    text = (
        "某某支部2024年活动安排\n一、安排\n1.2024.3.15-3.20开展自查。\n"
        "2.各支部于每月月底前报送信息。\n3.会议定于6月30日（星期日）上午召开。\n"
        "4.时间：拟定于7月1日上午。\n"
    )
    got = [(i.kind, i.start, i.end, i.rule.day if i.rule else None, i.owner) for i in items(text)]
    assert got == [
        ("deadline", D(2024, 3, 15), D(2024, 3, 20), None, "branch"),
        ("recurring", None, None, -1, "branch"),
        ("deadline", None, D(2024, 6, 30), None, "committee"),
        ("deadline", None, D(2024, 7, 1), None, "branch"),
    ]


def test_a_month_with_qijian_is_within_that_month() -> None:
    assert window(TASKS.format("1.在5月份期间开展读书活动。")) == (
        "deadline",
        D(2024, 5, 1),
        D(2024, 5, 31),
    )


@pytest.mark.parametrize(
    ("expr", "start", "end"),
    [
        ("年内", None, D(2024, 12, 31)),
        ("今年年底前", None, D(2024, 12, 31)),
        ("本年度内", None, D(2024, 12, 31)),
        ("三季度末前", None, D(2024, 9, 30)),
        ("第四季度初", D(2024, 10, 1), D(2024, 10, 10)),
        ("上半年内", D(2024, 1, 1), D(2024, 6, 30)),
        ("2024年下半年", D(2024, 7, 1), D(2024, 12, 31)),
    ],
)
def test_periods_of_the_year(expr: str, start: date | None, end: date) -> None:
    assert window(TASKS.format(f"1.{expr}完成阵地建设。")) == ("deadline", start, end)


def test_periods_listed_before_their_work_share_its_reading() -> None:
    found = items(TASKS.format("1.一季度、二季度分别开展一次督查。"))
    assert [(i.start, i.end) for i in found] == [
        (D(2024, 1, 1), D(2024, 3, 31)),
        (D(2024, 4, 1), D(2024, 6, 30)),
    ]


def test_sections_headed_by_a_year_date_their_items() -> None:
    text = (
        "某县基层党建三年行动计划\n一、2023年\n1.6月底前完成摸底。\n二、2024年\n1.6月底前完成提升。\n"
        "三、2025年\n1.年底前全面达标。\n四、2024年度考核\n1.12月底前报送。\n"
    )
    assert [i.end for i in extract(text).items] == [
        D(2023, 6, 30),
        D(2024, 6, 30),
        D(2025, 12, 31),
        D(2024, 12, 31),
    ]


def test_a_section_reporting_what_was_done_sets_no_dates() -> None:
    text = (
        "一、4月党支部组织生活指导意见\n（一）理论学习\n1.组织学习党的二十大报告。\n"
        "二、上月落实情况\n3月份各支部积极开展支部活动，具体情况如下：\n1.召开组织生活会。\n"
    )
    assert items(text) == []


def test_what_was_done_in_a_window_is_a_criterion_not_a_deadline() -> None:
    text = "一、申请资格\n1.在2023年3月至2024年3月期间，获得过“优秀团支部”称号。\n"
    assert items(text) == []


def test_an_event_held_on_a_day_is_dated() -> None:
    text = "二、活动安排\n1、9月15日—9月22日，收集歌曲。\n2、9月22日支部组织生活，学习演唱歌曲。\n"
    assert [i.end for i in items(text)] == [D(2024, 9, 22), D(2024, 9, 22)]


# --- schedules, windows of the whole activity, reports ---------------------------------


def test_a_dated_schedules_steps_are_stages_inside_its_window() -> None:
    text = (
        "某学院2024年发展党员工作要求\n一、发展党员工作时间进度表：3月中~7月\n"
        "1、3月9日-3月15日学院党委公示发展计划\n2、3月16日发展对象考核\n"
        "3、3月26日-4月10日各支部召开民主评议会\n4、6月中旬总结会\n"
    )
    got = [(i.kind, i.start, i.end) for i in items(text, None)]
    assert got == [
        ("phase", D(2024, 3, 11), D(2024, 7, 31)),
        ("phase", D(2024, 3, 9), D(2024, 3, 15)),
        ("deadline", None, D(2024, 3, 16)),
        ("phase", D(2024, 3, 26), D(2024, 4, 10)),
        ("phase", D(2024, 6, 11), D(2024, 6, 20)),
    ]


def test_a_list_introduced_as_a_schedule_is_steps() -> None:
    text = (
        "关于做好发展党员工作的通知\n一、名额\n今年发展党员10名。\n推荐程序及时间安排：\n"
        "1、举办积极分子培训班。（2024年6月4日）\n2、镇党委组织考察。（2024年6月9日-12日）\n"
    )
    got = [(i.kind, i.start, i.end) for i in items(text, None)]
    assert got == [("deadline", None, D(2024, 6, 4)), ("phase", D(2024, 6, 9), D(2024, 6, 12))]


@pytest.mark.parametrize(
    "sentence",
    [
        "经研究，决定于今年8月，在全镇开展非公企业党组织组建专项行动。",
        "全乡村两委将于2024年第一季度进行换届。",
    ],
)
def test_an_opening_announcement_of_the_activity_is_its_window(sentence: str) -> None:
    text = f"关于开展专项行动的通知\n各党支部：\n{sentence}现将有关事项通知如下：\n一、目标\n略。\n"
    (item,) = items(text, 2024)
    assert item.kind == "phase"


def test_a_loose_announcement_yields_to_the_labelled_window() -> None:
    text = (
        "各党支部：\n今年上半年将举行第55期积极分子培训班，现将有关事项通知如下：\n"
        "一、授课安排\n授课时间为第7至第11周（4月8日-5月10日）之内。\n"
    )
    assert [(i.kind, i.start, i.end) for i in items(text, 2024)] == [
        ("phase", D(2024, 4, 8), D(2024, 5, 10))
    ]


def test_a_start_label_a_comma_and_an_end_are_one_window() -> None:
    text = "四、培训安排\n（一）培训时间\n1.开班时间为10月20日，10月29日结束，共10天；\n"
    assert window(text) == ("phase", D(2024, 10, 20), D(2024, 10, 29))


@pytest.mark.parametrize(
    "text",
    [
        "我院领导小组召开第一次会议\n发布日期：2024-03-24\n3月23日下午，领导小组第一次会议在行政楼召开，会议由书记主持。\n",
        "各单位：\n根据有关要求，3月22日，学校召开动员大会，成立领导小组，审议通过实施方案。\n",
    ],
)
def test_a_report_of_an_event_is_no_deadline(text: str) -> None:
    assert items(text, 2024) == []


@pytest.mark.parametrize(
    ("expr", "rule"),
    [
        ("1次/月", ("monthly", None, None)),
        ("1次/季度", ("quarterly", None, None)),
        ("一年二次", ("annual", None, None)),
        ("每月最后一周的周五", ("monthly", None, None)),
    ],
)
def test_rates_and_weekdays_are_recurrences(
    expr: str, rule: tuple[str, int | None, int | None]
) -> None:
    item = one(f"某某制度\n一、{expr}召开支部委员会。\n", None)
    assert item.rule is not None and (item.rule.freq, item.rule.day, item.rule.month) == rule


@pytest.mark.parametrize(
    "sentence",
    [
        "党员每月工资收入在3000元以下者交纳0.5%。",
        "原则上每年五星级党支部按照10%的比例评定。",
        "对每月主题党日活动作出了统一要求。",
    ],
)
def test_a_bare_every_that_names_an_amount_or_a_thing_is_no_rule(sentence: str) -> None:
    assert items(f"某某制度\n一、{sentence}\n", None) == []


def test_a_yearly_rule_takes_its_time_from_its_sentence_without_a_year() -> None:
    item = one("某某制度\n一、每年至少召开1次组织生活会，一般安排在第四季度。\n", None)
    assert item.rule is not None and (item.rule.freq, item.rule.month, item.rule.day) == (
        "annual",
        12,
        -1,
    )


def test_a_festival_as_the_time_of_an_act() -> None:
    text = TASKS.format("1、在清明节组织辖区单位扫墓；“八一”节与消防中队组织共建活动。")
    assert [i.end for i in items(text, 2022)] == [D(2022, 4, 5), D(2022, 8, 1)]
    assert items(TASKS.format("1、庆祝“三八”节开展妇女活动。"), 2022) == []


def test_a_two_digit_year_is_the_texts_year_when_nothing_else_gives_one() -> None:
    text = "各党支部：\n附件：19年上半年拟发展名额分配表\n一、安排\n请于3月25日前报送名单。\n"
    found = extract(text)
    assert found.year == 2019 and [i.end for i in found.items] == [D(2019, 3, 25)]


@pytest.mark.parametrize(
    "sentence",
    [
        "——到2025年底，全面建成示范型街道。",
        "争取年底销号15个村。",
        "到8月底，企业党组织覆盖率达到100%。",
    ],
)
def test_a_target_for_all_units_is_the_coordinating_bodys(sentence: str) -> None:
    assert one(f"某街道2025年党建行动方案\n一、目标\n{sentence}\n", None).owner == "committee"


def test_a_stage_heading_names_its_doer() -> None:
    text = (
        "某学院发展党员工作安排\n一、时间进度表：3月—6月\n1、3月9日-3月15日学院党委公示发展计划\n"
        "2、3月16日-3月25日各支部上报发展材料\n"
    )
    assert [(i.kind, i.owner) for i in items(text, 2024)] == [
        ("phase", "branch"),
        ("phase", "committee"),
        ("phase", "branch"),
    ]


def test_a_xun_whose_month_the_sentence_gave_before() -> None:
    text = "各党总支：\n5月支部主题党日活动定于上旬开展，具体时间由各党支部确定。\n"
    assert window(text, 2023) == ("deadline", D(2023, 5, 1), D(2023, 5, 10))


def test_this_month_counts_from_the_posting_date() -> None:
    text = "某县召开换届调度会\n发布时间：2012-10-17\n全县换届工作将于本月23日前全部完成。\n"
    assert [i.end for i in items(text, None)] == [D(2012, 10, 23)]


def test_a_label_alone_on_the_line_above_labels_the_date() -> None:
    text = "一、活动安排\n活动时间\n2019年7月1日（星期一）上午9:00-下午5:00\n活动地点\n社区广场\n"
    assert [i.end for i in items(text, None)] == [D(2019, 7, 1)]


def test_a_yearly_act_and_a_second_act_next_year_are_two_rules() -> None:
    text = (
        "某某制度\n第五条 各党委每年要对所属基层党组织换届情况进行一次全面检查，"
        "认真审核换届情况报告，并于次年1月底前向市委组织部报告。\n"
    )
    got = [(i.rule.month, i.rule.day) for i in items(text, None) if i.rule]
    assert got == [(None, None), (1, -1)]


def test_the_next_years_day_of_a_yearly_act_is_one_rule() -> None:
    text = "二、本手册使用期一年，每年工作结束后，于次年元月十日前交机关党委。\n"
    got = [(i.rule.month, i.rule.day) for i in items(text, None) if i.rule]
    assert got == [(1, 10)]


def test_steps_run_into_one_line_are_stages() -> None:
    text = (
        "某学院最佳党日活动方案 六、活动日程安排 （一）活动申报（3月18日—3月22日） "
        "各党支部认真策划。 （二）活动实施（3月25日—4月5日） 各党支部组织实施。\n"
    )
    got = [(i.kind, i.start, i.end) for i in items(text, 2013)]
    assert got == [
        ("phase", D(2013, 3, 18), D(2013, 3, 22)),
        ("phase", D(2013, 3, 25), D(2013, 4, 5)),
    ]


def test_a_news_page_posting_line_and_its_event() -> None:
    text = (
        "某乡召开清洁家园动员会\n2012-08-02 10:24:01 阅读量:215 来源:某网\n"
        "本报讯 7月27日下午，某乡召开清洁家园“百日大整治”动员会。\n"
    )
    found = extract(text)
    assert found.title == "某乡召开清洁家园动员会"
    assert (found.year, found.items) == (2012, [])


@pytest.mark.parametrize(
    "sentence",
    [
        "我院定于2013年8月至10月在全院开展读书月活动，请各支部认真组织。",
        "整顿工作从2013年7月开始，到2014年8月底结束。",
        "县委将于2013年2月开始至5月底对软弱涣散党组织进行集中整顿。",
    ],
)
def test_the_whole_activitys_window_said_in_a_sentence(sentence: str) -> None:
    text = f"关于开展专项活动的通知\n各支部：\n{sentence}\n"
    (item,) = items(text, None)
    assert item.kind == "phase" and item.start is not None and item.start.year == 2013


def test_quarters_named_then_each_ones_duty() -> None:
    text = TASKS.format(
        "1、班子成员一、三季度每季度至少参加1次主题党日，二、四季度每季度至少上1次党课。"
    )
    got = [(i.kind, i.start) for i in items(text)]
    assert got == [
        ("deadline", D(2024, 1, 1)),
        ("deadline", D(2024, 7, 1)),
        ("deadline", D(2024, 4, 1)),
        ("deadline", D(2024, 10, 1)),
    ]


def test_a_field_under_the_arrangements_dates_one_part() -> None:
    text = (
        "各支部：\n经研究，决定举办党史知识竞赛。\n二、活动安排\n1.由各支部自行组织初赛。\n"
        "2.决赛时间：11月下旬（另行通知）\n"
    )
    assert window(text) == ("deadline", D(2024, 11, 21), D(2024, 11, 30))


def test_the_plans_own_arrangements_section_dates_the_plan() -> None:
    text = (
        "各基层党委：\n现就入党积极分子培训工作通知如下：\n一、入党积极分子培训安排\n"
        "采取网络培训和面授相结合的方式。本期培训时间从2022年3月14日至3月31日。\n"
    )
    assert window(text, None) == ("phase", D(2022, 3, 14), D(2022, 3, 31))


@pytest.mark.parametrize(
    ("expr", "start", "end"),
    [
        ("2023.12-2024.01", D(2023, 12, 1), D(2024, 1, 31)),
        ("2024.3-2024.5", D(2024, 3, 1), D(2024, 5, 31)),
        ("今年11月至明年1月", D(2024, 11, 1), D(2025, 1, 31)),
    ],
)
def test_year_month_ranges(expr: str, start: date, end: date) -> None:
    assert window(TASKS.format(f"2.{expr}完成述职评议。")) == ("deadline", start, end)


@pytest.mark.parametrize("expr", ["6月中上旬", "6月上中旬", "6 月上、中旬"])
def test_two_xun_in_either_order(expr: str) -> None:
    assert window(TASKS.format(f"1、{expr}，集中推进党组织覆盖。")) == (
        "deadline",
        D(2024, 6, 1),
        D(2024, 6, 20),
    )


def test_a_cited_document_number_gives_the_year_when_nothing_else_does() -> None:
    text = (
        "各党委：\n为贯彻落实《关于开展覆盖月活动的通知》（临两新工委〔2020〕2 号）要求，"
        "现通知如下：\n一、时间安排\n6 月 19 日前，报送名单。\n"
    )
    found = extract(text)
    assert found.year == 2020 and [i.end for i in found.items] == [D(2020, 6, 19)]


@pytest.mark.parametrize(
    ("sentence", "end"),
    [
        # 前提交 is "hand in before", not 前提 (premise)
        ("各单位应于2024年3月前提交中期报告。", D(2024, 2, 29)),
        ("各单位请于2024年5月底前提交总结。", D(2024, 5, 31)),
        # a day whose 日 was left out before its 前
        ("以上材料请于2024年8月30前通过邮箱发送。", D(2024, 8, 30)),
    ],
)
def test_before_written_loosely(sentence: str, end: date) -> None:
    found = extract(sentence, year=2024)
    assert [(i.kind, i.start, i.end) for i in found.items] == [("deadline", None, end)]


def test_premise_is_still_no_before() -> None:
    found = extract("在2024年3月前提下开展工作。", year=2024)
    assert all(i.end != D(2024, 2, 29) for i in found.items)


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        # a start with 起 and an end said to close the stretch
        ("2024年9月7日起,9月14日截止", D(2024, 9, 7), D(2024, 9, 14)),
        ("9月7日起，9月14日结束", D(2024, 9, 7), D(2024, 9, 14)),
        # the first day's weekday before the dash
        ("2024年11月21日(三)—2024年12月18日(二)", D(2024, 11, 21), D(2024, 12, 18)),
        ("11月21日(周三)至12月18日", D(2024, 11, 21), D(2024, 12, 18)),
        # a decade-masked year (201x年) is the plan's year
        ("201x年11月21日—201x年12月18日", D(2024, 11, 21), D(2024, 12, 18)),
    ],
)
def test_range_grammar(line: str, start: date, end: date) -> None:
    found = extract(f"一、活动时间\n{line}\n", year=2024)
    assert [(i.start, i.end) for i in found.items] == [(start, end)]


def test_a_start_then_a_deadline_is_not_joined_without_a_closing_word() -> None:
    found = extract("请于2024年9月7日起，9月14日前完成报送。", year=2024)
    assert [(i.start, i.end) for i in found.items] == [(None, D(2024, 9, 14))]


@pytest.mark.parametrize(
    ("line", "end"),
    [
        # a web copy dropped both 年 and 月: the year is still the one written
        ("初赛:2023329日前", D(2023, 3, 29)),
        ("决赛:2023417日前", D(2023, 4, 17)),
        ("初赛:329日前", D(2024, 3, 29)),
    ],
)
def test_lost_year_and_month_marks(line: str, end: date) -> None:
    found = extract(f"三、活动时间\n{line}\n", year=2024)
    assert [(i.kind, i.end) for i in found.items] == [("deadline", end)]


def test_a_number_that_splits_two_ways_is_still_no_date() -> None:
    assert list(extract("三、活动时间\n初赛:2024115日前\n", year=2024).items) == []


def test_an_evening_is_a_day_given_its_time_of_day() -> None:
    found = extract(
        "二、活动安排\n(二)组织中秋茶话会。10月1日晚,各单位结合实际举办茶话会。\n", year=2024
    )
    assert [(i.kind, i.end) for i in found.items] == [("deadline", D(2024, 10, 1))]


def test_later_than_is_no_evening() -> None:
    assert list(extract("(二)材料报送不得10月1日晚于规定时间。\n", year=2024).items) == []


def test_a_plan_for_one_month_counts_this_month_from_it() -> None:
    text = (
        "各二级党组织:\n现就2024年11月基层党建工作提示如下。\n"
        "一、发展党员\n1.做好党校相关工作。本月内完成培训班的所有环节。\n"
    )
    found = extract(text)
    assert [(i.kind, i.start, i.end) for i in found.items] == [("deadline", None, D(2024, 11, 30))]


def test_this_month_content_is_no_date() -> None:
    text = "现就2024年11月基层党建工作提示如下。\n一、本月内容丰富。\n"
    assert list(extract(text).items) == []


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        # a web copy spaced out the two digits of a day; the span keeps the spaces
        ("活动时间9月 2 9—3 0日(待定)", D(2024, 9, 29), D(2024, 9, 30)),
        ("活动时间:9月　1 0日前", None, D(2024, 9, 10)),
    ],
)
def test_spaced_digits_of_a_day(line: str, start: date | None, end: date) -> None:
    text = f"三、时间地点\n{line}\n"
    found = extract(text, year=2024)
    assert [(i.start, i.end) for i in found.items] == [(start, end)]
    assert found.items[0].text.replace(" ", "").replace("　", "")[:2] == "9月"


def test_spaced_numbers_that_are_no_day_stay_apart() -> None:
    assert list(extract("共有 1 2 个支部, 1 2 3 名党员。\n", year=2024).items) == []


# --- round 5: the activity's period named inside a sentence ----------------------------


@pytest.mark.parametrize(
    "body",
    [
        "本次创建的建设周期为2年，即2024年1月至2025年12月。",
        "培育周期为两年（2024年1月—2025年12月），请各支部按要求申报。",
        "活动周期为3个月，即2024年3月至5月。",
        "三、活动时间主要活动在2024年6月至7月开展。",
        "全市各单位联动，集中在2024年5月开展宣传活动。",
        "此次文化节从2024年4月至6月开展，将持续近3个月。",
    ],
)
def test_the_activitys_own_period_named_in_a_sentence_is_a_phase(body: str) -> None:
    text = f"关于开展示范创建活动的通知\n各党支部：\n{body}\n"
    kind, start, _end = window(text, None)
    assert kind == "phase" and start is not None and start.day == 1 and start.year == 2024


@pytest.mark.parametrize(
    "body",
    [
        # one task's window, said the same way, stays that task's
        "二、主要任务\n1.各支部集中在5月10日开展一次主题党日。\n",
        "二、主要任务\n1.各支部于2024年5月至6月完成整改。\n",
    ],
)
def test_one_tasks_window_is_not_the_activitys(body: str) -> None:
    kind, _, _ = window(body)
    assert kind == "deadline"


@pytest.mark.parametrize(
    ("key", "n"),
    [("第1周", 1), ("第一周", 1), ("第2和3周", 2), ("第2至3周", 2), ("1、第3-4周", 3)],
)
def test_a_week_by_week_schedule_gives_stages(key: str, n: int) -> None:
    text = (
        "二、时间安排\n活动为期4周，具体安排如下：\n"
        f"{key}：11月{n}日—11月{n + 6}日，为各校活动启动及计划上报时间。\n"
        "第4周：12月12日—12月18日，为各校活动总结时间。\n"
    )
    found = items(text)
    assert [(i.kind, i.start) for i in found] == [
        ("phase", D(2024, 11, n)),
        ("phase", D(2024, 12, 12)),
    ]


@pytest.mark.parametrize(
    "past",
    ["宣传月活动从2022年起已举办两届", "本活动自2021年开始已连续开展三年"],
)
def test_a_year_the_past_counts_from_yields_to_the_pages_date(past: str) -> None:
    text = (
        "关于宣传月活动的报道\n来源:某网站 发布时间:2024-04-07\n"
        f"{past}。本届活动集中在5月开展，将于5月10日举行启动仪式。\n"
    )
    ends = [i.end for i in extract(text).items]
    assert ends and all(e is not None and e.year == 2024 for e in ends)


@pytest.mark.parametrize("cue", ["应于", "须于", "要在", "请于", "务必于"])
def test_a_limit_still_asked_for_is_never_the_past(cue: str) -> None:
    # the plan's year is 2026 (its period runs to 2026); a limit asked for in 2025 is
    # a mid-term report, not a look back
    text = (
        "各单位建设周期为2年，自通知发布日起至2026年3月。\n二、加强管理\n"
        f"各单位{cue}2025年3月前提交中期报告。\n"
    )
    ends = [i.end for i in items(text, None)]
    assert D(2025, 2, 28) in ends


def test_a_past_year_in_a_report_stays_the_past() -> None:
    text = "2026年工作要点\n一、基本情况\n截至2025年底，全县共有党支部120个。\n"
    assert [i.end for i in items(text, None)] == []


@pytest.mark.parametrize(
    ("line", "end"),
    [
        ("1.重阳节前，各支部走访慰问老党员。", D(2022, 10, 4)),
        ("1.重陽節前，各支部走訪慰問老黨員。", D(2022, 10, 4)),
        ("1.9—10月份，重阳节在共建单位支持下组织老人出游。", D(2022, 10, 4)),
        ("(4)九月初九，重阳节。组织慰问老干部。", D(2022, 10, 4)),
    ],
)
def test_the_double_ninth_is_its_lunar_day(line: str, end: date) -> None:
    ends = [i.end for i in items(TASKS.format(line), 2022)]
    assert ends[-1] == end


def test_a_yearly_lunar_festival_is_no_rule_and_no_crash() -> None:
    # 春节 and 重阳 move each year: no yearly month/day can hold them
    for fest in ("春节", "重阳节"):
        assert items(f"二、要求\n每年{fest}前走访慰问困难党员。\n") == []


@pytest.mark.parametrize("fest", ["建军节", "国庆节", "“七一”建党节"])
def test_a_festival_naming_the_day_just_written_is_that_day(fest: str) -> None:
    month, day = {"建军节": (8, 1), "国庆节": (10, 1), "“七一”建党节": (7, 1)}[fest]
    text = f"(五)围绕特殊日开展活动:\n(1){month}月{day}日,{fest}。组织开展慰问活动。\n"
    assert [i.end for i in items(text)] == [D(2024, month, day)]


@pytest.mark.parametrize(
    ("expr", "end"),
    [
        ("2011年“七一”前后", D(2011, 7, 1)),
        ("2011年“七一”前", D(2011, 7, 1)),
        ("2011年七一前夕", D(2011, 6, 30)),
        ("2012年国庆节前", D(2012, 10, 1)),
    ],
)
def test_a_festival_of_a_named_year(expr: str, end: date) -> None:
    text = f"学校党委决定于{expr}，在全校评选表彰先进基层党组织。\n"
    assert [i.end for i in items(text, None)] == [end]


@pytest.mark.parametrize(
    "meta",
    [
        "2019-09-29 08:22 来源: 某某日报 编辑: 某某 【字体:   打印",
        "2019-09-29 08:22 来源: 某某日报 【打印】【关闭】",
    ],
)
def test_a_posting_line_with_its_print_buttons_gives_the_year(meta: str) -> None:
    text = f"微党课大赛掀起学习热潮\n{meta}\n\n目前作品还在征集中，大赛截稿时间为10月15日。\n"
    assert [i.end for i in items(text, None)] == [D(2019, 10, 15)]


@pytest.mark.parametrize("verb", ["都能参加一次轮训", "均能参加一次轮训", "都要完成一次轮训"])
def test_within_the_year_for_what_each_must_manage(verb: str) -> None:
    text = f"一、轮训安排\n由各企业合理安排，确保所属党组织书记年内{verb}。\n"
    assert [(i.kind, i.end) for i in items(text)] == [("deadline", D(2024, 12, 31))]


@pytest.mark.parametrize(
    ("title", "expr", "month"),
    [
        ("党组织书记述职制度", "年末", 12),
        ("党员学习管理办法", "年底", 12),
        ("支部工作细则", "12月底", 12),
        ("党费收缴规定", "6月底", 6),
    ],
)
def test_a_standing_rule_without_a_year_recurs_at_its_end(
    title: str, expr: str, month: int
) -> None:
    text = f"{title}\n一、双向述职。{expr}，各支部要组织召开党员大会，开展述职。\n"
    found = items(text, None)
    assert [(i.kind, i.rule.month if i.rule else None) for i in found] == [("recurring", month)]
    assert found[0].rule is not None and found[0].rule.day == -1


def test_a_plan_without_a_year_still_asks_for_one() -> None:
    text = "关于开展述职的通知\n一、年末，各支部要组织召开党员大会，开展述职。\n"
    found = extract(text)
    assert list(found.items) == [] and found.warnings


# --- owners: which way the dated act goes ---------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "请各支部按通知要求，于5月7日前将推荐对象报送院党委，院党委将汇总。",
        "一审材料请于3月25日前上交至学部党总支审核。",
        "每年11月底上报年度发展党员计划申报表，市局党委于次年下达指标。",
        "各单位须于6月10日前将总结报组织部。",
        "5月20日前提交至党委办公室。",
    ],
)
def test_handing_up_to_the_committee_is_the_units_duty(sentence: str) -> None:
    found = items(f"二、工作要求\n{sentence}\n")
    assert found and found[0].owner == "branch"


@pytest.mark.parametrize(
    "sentence",
    [
        "镇党建办要切实发挥督促作用，每季度对各支部基层组织建设情况进行考核评比。",
        "加强党员日常教育，每月向基层党组织和党员推送1门课程。",
        "定期进行通报，每月下发至各所属党委书记，督促完成任务。",
        "年底前，对全镇各村党组织开展一次集中督查。",
    ],
)
def test_acting_on_all_the_units_is_the_committees(sentence: str) -> None:
    found = items(f"二、工作要求\n{sentence}\n")
    assert found and found[0].owner == "committee"


@pytest.mark.parametrize(
    ("doer", "owner"), [("镇党委组织考察", "committee"), ("各支部召开支委会推荐人选", "branch")]
)
def test_a_bracket_closing_a_step_is_dated_for_the_sentence_before(doer: str, owner: str) -> None:
    text = f"推荐程序及时间安排：\n1、{doer}。（2016年6月9日-12日）\n2、公示。（2016年6月20日）\n"
    found = items(text, None)
    assert found[0].kind == "phase" and found[0].owner == owner


@pytest.mark.parametrize(
    "sentence",
    [
        "省“两新”组织党工委每年1月底前制定印发考核工作办法。",
        "党委组织部一般于每年的第一季度核定党员交纳党费数额。",
        "县纪委将在2024年6月开展廉洁主题宣传活动。",
        "市“双创”工作领导小组原则上于6月底前完成验收。",
    ],
)
def test_the_committee_named_with_quotes_or_an_adverb_is_the_doer(sentence: str) -> None:
    found = items(f"二、工作安排\n{sentence}\n")
    assert found and all(i.owner == "committee" for i in found)


@pytest.mark.parametrize(
    ("sentence", "owner"),
    [
        ("到2025年，“五治一体”格局基本形成。", "committee"),
        ("到2026年，乡村治理模式全面成熟。", "committee"),
        ("力争到2025年底，全面建立网格化管理体系。", "committee"),
        ("6月底前形成调研报告。", "branch"),
    ],
)
def test_a_state_the_body_reaches_by_a_year_is_its_target(sentence: str, owner: str) -> None:
    found = items(f"二、总体目标\n{sentence}\n")
    assert found and found[0].owner == owner


@pytest.mark.parametrize(
    ("body", "owner"),
    [
        ("学院党委表彰院级优秀共产党员。", "committee"),
        ("党委组织部对各支部材料进行审核。", "committee"),
        ("各党支部召开支部大会进行推荐。", "branch"),
        ("广泛宣传，营造氛围。", "branch"),
    ],
)
def test_a_dated_steps_first_sentence_names_its_doer(body: str, owner: str) -> None:
    text = f"三、实施步骤\n1.宣传动员（6月1日——6月10日）\n{body}\n2.总结（6月20日——6月30日）\n"
    found = items(text)
    assert found[0].kind == "phase" and found[0].owner == owner


@pytest.mark.parametrize(
    "meta",
    ["时间:2024年03月19日 来源: 作者:点击:", "日期：2024年3月19日  来源：党委组织部  浏览："],
)
def test_a_posting_line_with_empty_fields_is_no_date(meta: str) -> None:
    text = f"关于举办微党课大赛的通知\n{meta}\n各党总支：\n一、请于2024年4月10日前报送作品。\n"
    assert [i.end for i in items(text, None)] == [D(2024, 4, 10)]


@pytest.mark.parametrize(
    ("key", "again"),
    [
        ("初赛", "（一）初赛\n比赛时间：{d}"),
        ("初赛", "（一）比赛流程\n各单位组织初赛，{d}完成初赛。"),
        ("预赛", "（一）预赛\n活动时间：{d}"),
    ],
)
def test_a_keyed_date_restated_in_its_own_section_is_one_item(key: str, again: str) -> None:
    d = "2024年3月29日前"
    text = (
        f"三、活动时间\n{key}：{d}\n决赛：2024年4月17日前\n四、比赛流程\n"
        + again.format(d=d)
        + "\n（二）作品报送\n各单位于2024年3月29日前，将作品报送承办单位。\n"
    )
    ends = [i.end for i in items(text, None)]
    assert ends == [D(2024, 3, 29), D(2024, 4, 17), D(2024, 3, 29)]


# --- round 5: what is no schedule -----------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "主题党日活动要做到年度有计划，每月有安排，主题明确。",
        "学习要做到每季度有重点、有总结。",
        "每年3月份为学雷锋活动月，今年为第62个纪念日。",
        "述职评议时间一般从每年度11月开始。",
        "1、每月少一次扣1分；",
        "2、每季度缺一次减0.5分。",
    ],
)
def test_standards_named_periods_starts_and_penalties_are_no_rules(sentence: str) -> None:
    assert items(f"三、工作要求\n{sentence}\n") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "班子理论学习每月至少进行一次，记录清晰得1分。",
        "党委委员签字后于每季度末上交党群工作处得2分。",
        "各支部每月召开一次支委会。",
    ],
)
def test_a_rule_earning_points_is_still_a_rule(sentence: str) -> None:
    found = items(f"三、考核细则\n{sentence}\n")
    assert [i.kind for i in found] == ["recurring"]


@pytest.mark.parametrize(
    "sentence",
    [
        "全县教育系统于2024年4月7日正式启动了廉政文化进学校活动。",
        "学校于2024年3月1日召开了动员大会。",
        "请注意：“在校生总数”统计时间截至2024年6月30日。",
        "表中数据统计截止到2024年6月30日。",
    ],
)
def test_dates_told_as_done_or_as_a_cut_off_are_no_deadlines(sentence: str) -> None:
    assert items(f"一、基本情况\n{sentence}\n", None) == []


def test_a_limit_told_as_done_still_is_one() -> None:
    found = items("二、任务\n1.各支部于2024年6月30日前完成了换届。\n", None)
    assert [i.end for i in found] == [D(2024, 6, 30)]


@pytest.mark.parametrize("year", [None, 2020])
@pytest.mark.parametrize(
    ("sentence", "month", "day"),
    [
        ("每年11月底上报发展党员计划，市局党委于次年2月份下达指标。", 2, None),
        ("党工委每年1月底前制定考核办法，次年1月对各单位进行考核。", 1, None),
        ("每年12月开展评议，翌年1月底前公布结果。", 1, -1),
        ("每年6月报送名单，次年3月10日前完成审批。", 3, 10),
    ],
)
def test_the_next_year_after_a_yearly_rule_is_yearly(
    sentence: str, month: int, day: int | None, year: int | None
) -> None:
    found = items(f"三、工作要求\n{sentence}\n", year)
    assert [i.kind for i in found] == ["recurring", "recurring"]
    rule = found[1].rule
    assert rule is not None and (rule.freq, rule.month, rule.day) == ("annual", month, day)


def test_the_next_year_without_a_yearly_rule_stays_a_date() -> None:
    found = items("三、工作要求\n2024年11月开展评议，次年2月底前公布结果。\n", None)
    assert [(i.kind, i.end) for i in found][-1] == ("deadline", D(2025, 2, 28))
