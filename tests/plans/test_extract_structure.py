"""Titles, headings, tasks and the plan's year: the structure around the dates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans.extract import extract
from bot.plans.model import Extraction
from bot.plans.normalize import cn_to_int, normalize


def spans(extraction: Extraction, kind: str | None = None) -> list[tuple[object, ...]]:
    """(kind, title, start, end) of each item, in order; only those of `kind` if given."""
    return [
        (i.kind, i.title, i.start, i.end)
        for i in extraction.items
        if kind is None or i.kind == kind
    ]


PLAN = """\
首页 > 范文大全 > 工作方案
XX县关于开展“党员先锋岗”创建活动的实施方案
发布时间：2023-12-20  浏览：356次

为深入贯彻党的二十大精神，现制定如下方案。
一、指导思想
以新时代中国特色社会主义思想为指导。
二、工作目标
通过开展活动，到2024年底，全县80%以上的党支部建成先锋岗。
三、实施步骤
（一）动员部署阶段（2024年3月上旬—4月中旬）
1.召开动员大会。3月15日前，各党支部召开动员大会。
2.制定方案。各党支部于3月底前制定具体实施方案。
（二）组织实施阶段（2024年4月下旬—10月）
1.开展创建活动。
2.开展中期检查。县委组织部于2024年7月中旬进行中期检查。
四、工作要求
（一）加强组织领导。
（二）健全报送制度。各党支部每月25日前报送工作进展情况，每季度末报送季度总结。
"""


def test_a_realistic_plan_end_to_end() -> None:
    extraction = extract(PLAN)
    assert extraction.title == "XX县关于开展“党员先锋岗”创建活动的实施方案"
    assert (extraction.year, extraction.year_source) == (2024, "text")
    assert spans(extraction, "phase") == [
        ("phase", "动员部署阶段", date(2024, 3, 1), date(2024, 4, 20)),
        ("phase", "组织实施阶段", date(2024, 4, 21), date(2024, 10, 31)),
    ]
    assert [(t.title, t.phase, t.due) for t in extraction.tasks] == [
        ("通过开展活动，全县80%以上的党支部建成先锋岗", None, date(2024, 12, 31)),
        ("召开动员大会", "动员部署阶段", date(2024, 3, 15)),
        ("制定方案", "动员部署阶段", date(2024, 3, 31)),
        ("开展创建活动", "组织实施阶段", None),
        ("开展中期检查", "组织实施阶段", date(2024, 7, 20)),
        ("各党支部每月25日前报送工作进展情况", None, None),
        ("每季度末报送季度总结", None, None),
    ]
    for item in extraction.items:
        assert PLAN[item.span[0] : item.span[1]] == item.text


def test_sections_of_advice_give_no_tasks_but_their_dated_sentences_do() -> None:
    titles = [t.title for t in extract(PLAN).tasks]
    assert "加强组织领导" not in titles  # 四、工作要求 holds advice, not work
    assert "以新时代中国特色社会主义思想为指导" not in titles


def test_two_dated_clauses_in_one_sentence_are_two_tasks() -> None:
    recurring = [t for t in extract(PLAN).tasks if t.recurring is not None]
    assert [(t.title, t.recurring.freq) for t in recurring if t.recurring] == [
        ("各党支部每月25日前报送工作进展情况", "monthly"),
        ("每季度末报送季度总结", "quarterly"),
    ]


# --- the plan's title -----------------------------------------------------------------


def test_title_of_a_plan_carried_by_a_cover_notice() -> None:
    text = (
        "蒲教党发〔2012〕4号\n中共蒲城县教育局委员会\n关于印发《关于在创先争优活动中开展基层\n\n"
        "组织建设年的实施方案》的通知\n各支部(总支):\n    现印发你们，请认真抓好落实。\n"
        "2012年3月20日\n关于在创先争优活动中开展基层组织建设年的\n实  施  方  案\n一、指导思想\n"
    )
    assert extract(text).title == "关于在创先争优活动中开展基层组织建设年的实施方案"


def test_title_taken_from_inside_the_notice_when_the_plan_has_no_title_line() -> None:
    text = "关于印发《2024年党建工作要点》的通知\n各支部：\n现印发给你们。\n一、总体要求\n"
    assert extract(text).title == "2024年党建工作要点"


def test_title_keeps_traditional_characters() -> None:
    text = "鄉鎮基層黨組織建設實施方案\n\n時間:2022-03-18 09:09:50\n\n一、指導思想\n"
    assert extract(text).title == "鄉鎮基層黨組織建設實施方案"


def test_title_is_empty_when_there_is_none() -> None:
    assert extract("各支部要认真学习，抓好落实。").title == ""


# --- headings and tasks ---------------------------------------------------------------


def test_heading_levels_are_learned_from_the_order_styles_appear_in() -> None:
    text = (
        "一、主要任务\n1.健全组织\n(1)规范设置。\n(2)按期换届。\n2.严格管理\n"
        "二、方法步骤\n（一）动员阶段（3月）\n1.召开大会。\n"
    )
    tasks = extract(text, year=2024).tasks
    assert [(t.title, t.phase) for t in tasks] == [
        ("规范设置", None),
        ("按期换届", None),
        ("严格管理", None),
        ("召开大会", "动员阶段"),
    ]


def test_a_heading_inside_a_phase_is_a_task_not_a_phase() -> None:
    text = "一、实施步骤\n（一）动员阶段（3月—4月）\n1.开展调研（3月）\n2.召开大会（4月10日）\n"
    extraction = extract(text, year=2024)
    assert [(i.kind, i.title) for i in extraction.items] == [
        ("phase", "动员阶段"),
        ("deadline", "开展调研"),
        ("deadline", "召开大会"),
    ]
    assert [(t.title, t.phase, t.due) for t in extraction.tasks] == [
        ("开展调研", "动员阶段", date(2024, 3, 31)),
        ("召开大会", "动员阶段", date(2024, 4, 10)),
    ]


def test_problems_section_gives_no_tasks() -> None:
    text = "三、存在问题\n（一）基层战斗堡垒功能弱化。\n（二）党建主责主业意识淡化。\n"
    assert extract(text, year=2024).tasks == []


def test_long_titles_are_cut_at_a_clause_boundary() -> None:
    text = "一、主要任务\n1、" + "深化结对共建活动，" + "推动党员干部下基层" * 8 + "。\n"
    (task,) = extract(text, year=2024).tasks
    assert task.title == "深化结对共建活动"


def test_phases_without_years_roll_into_the_next_year_in_order() -> None:
    text = "一、步骤\n（一）集中学习（11月—12月）\n（二）总结提高（1月—2月）\n"
    phases = [(i.start, i.end) for i in extract(text, year=2023).items]
    assert phases == [
        (date(2023, 11, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 2, 29)),
    ]


def test_repeated_phase_titles_are_told_apart() -> None:
    text = "一、步骤\n（一）学习阶段（3月）\n（二）学习阶段（5月）\n"
    assert [i.title for i in extract(text, year=2024).items] == ["学习阶段", "学习阶段 (2)"]


def test_task_table_rows() -> None:
    text = (
        "2024年党建重点任务清单\n"
        "序号 | 工作任务 | 责任单位 | 完成时限\n"
        "1 | 召开党员大会，传达学习全会精神 | 各党支部 | 2024年3月\n"
        "2 | 开展主题党日活动 | 各党支部 | 每月\n"
        "3 | 完成党组织换届选举 | 组织科 | 6月底前\n"
        "4 | 发展党员 | 各党支部 | 长期\n"
    )
    extraction = extract(text)
    assert extraction.year == 2024
    assert [(t.title, t.due, t.ongoing, t.recurring is not None) for t in extraction.tasks] == [
        ("召开党员大会，传达学习全会精神", date(2024, 3, 31), False, False),
        ("开展主题党日活动", None, False, True),
        ("完成党组织换届选举", date(2024, 6, 30), False, False),
        ("发展党员", None, True, False),
    ]


# --- the year -------------------------------------------------------------------------


def test_year_from_the_plans_own_words_over_the_web_page() -> None:
    text = "更新时间:2023-02 来源:网友投稿\n市委确定2022年为全市党支部基本建设年。\n"
    assert (extract(text).year, extract(text).year_source) == (2022, "text")


def test_year_from_a_chinese_numeral_date_line() -> None:
    text = "各支部要认真抓好落实。\n二〇一二年三月二十日\n（一）动员阶段（3月）\n"
    assert extract(text).year == 2012


def test_year_from_the_source_date_as_a_last_resort() -> None:
    text = "（一）动员阶段（3月上旬—4月中旬）\n"
    extraction = extract(text, source_date=date(2025, 1, 6))
    assert (extraction.year, extraction.year_source) == (2025, "source_date")
    assert extraction.items[0].start == date(2025, 3, 1)
    assert extraction.warnings


def test_without_any_year_dates_are_skipped_and_said_so() -> None:
    extraction = extract("（一）动员阶段（3月上旬—4月中旬）\n各支部每月25日前报送。\n")
    assert extraction.year is None
    assert [i.kind for i in extraction.items] == ["recurring"]  # needs no year
    assert len(extraction.warnings) == 1
    assert "3月上旬—4月中旬" in extraction.warnings[0]


def test_dated_years_outvote_mentioned_ones_and_the_past_does_not_vote() -> None:
    text = (
        "2021年以来成效明显，2021年以来经验丰富。2023年是关键之年，2023年要打好基础。\n"
        "（一）整改阶段（2024年5月—6月）\n"
    )
    assert extract(text).year == 2024


def test_year_argument_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="year"):
        extract("方案", year=24)


# --- normalisation helpers ------------------------------------------------------------


def test_normalize_keeps_offsets() -> None:
    text = "完成時限：２０１６年６月—長期（一）"
    assert len(normalize(text)) == len(text)
    assert normalize(text) == "完成时限:2016年6月-长期(一)"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("25", 25),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十八", 28),
        ("三十一", 31),
        ("廿一", 21),
        ("卅", 30),
        ("二〇一五", 2015),
        ("二零二四", 2024),
        ("两", 2),
        ("十八大", None),
    ],
)
def test_chinese_numerals(numeral: str, value: int | None) -> None:
    assert cn_to_int(numeral) == value


def test_time_label_under_a_heading_makes_it_a_phase() -> None:
    text = (
        "一、活动安排\n（一）宣传发动阶段\n时间：2023年5月1日—5月15日\n主要任务：召开动员会。\n"
        "（二）组织实施阶段\n时间：5月16日—9月30日\n"
    )
    assert spans(extract(text)) == [
        ("phase", "宣传发动阶段", date(2023, 5, 1), date(2023, 5, 15)),
        ("phase", "组织实施阶段", date(2023, 5, 16), date(2023, 9, 30)),
    ]


def test_a_window_leading_a_heading_dates_a_task_and_does_not_roll_other_lists() -> None:
    text = (
        "一、步骤\n（一）总结阶段（10月—12月）\n"
        "二、具体活动\n（一）3-5月，开展党史学习。\n（二）12月召开专题组织生活会。\n"
    )
    extraction = extract(text, year=2023)
    assert [(i.kind, i.title, i.end) for i in extraction.items] == [
        ("phase", "总结阶段", date(2023, 12, 31)),
        ("deadline", "开展党史学习", date(2023, 5, 31)),
        ("deadline", "召开专题组织生活会", date(2023, 12, 31)),
    ]


def test_sentence_titles_drop_list_words_and_date_only_clauses() -> None:
    text = "（二）组织实施。\n一是开展专题学习，6月30日前完成；二是开展志愿服务，8月底前完成。\n"
    assert [i.title for i in extract(text, year=2023).items] == ["开展专题学习", "开展志愿服务"]


def test_guarantee_sections_are_advice_even_with_measures_in_their_name() -> None:
    text = "三、保障措施\n各支部要高度重视。每月5日前报送上月活动开展情况。\n"
    (task,) = extract(text, year=2023).tasks
    assert task.title == "每月5日前报送上月活动开展情况"


def test_monthly_and_quarterly_work_plans() -> None:
    text = (
        "2024年度机关党支部工作计划\n一月份\n1.召开支委会，研究全年工作。\n2.开展冬训。\n"
        "第二季度\n1.开展“七一”系列活动准备。\n2.6月底前完成党费收缴核对。\n"
    )
    extraction = extract(text)
    assert spans(extraction) == [
        ("phase", "一月份", date(2024, 1, 1), date(2024, 1, 31)),
        ("phase", "第二季度", date(2024, 4, 1), date(2024, 6, 30)),
        ("deadline", "完成党费收缴核对", None, date(2024, 6, 30)),
    ]
    assert [(t.title, t.phase, t.due) for t in extraction.tasks] == [
        ("召开支委会，研究全年工作", "一月份", None),
        ("开展冬训", "一月份", None),
        ("开展“七一”系列活动准备", "第二季度", None),
        ("完成党费收缴核对", "第二季度", date(2024, 6, 30)),
    ]


@pytest.mark.parametrize("brackets", ["（）", "()", "【】", "［］", "[]"])
def test_any_bracket_dates_a_heading(brackets: str) -> None:
    text = f"一、步骤\n（一）动员部署{brackets[0]}3月—4月{brackets[1]}\n"
    (item,) = extract(text, year=2024).items
    assert (item.kind, item.title, item.end) == ("phase", "动员部署", date(2024, 4, 30))
