"""The failure classes seen on real plans nobody tuned to (issue #9), one short
synthetic snippet each: ranges keep both ends, dash variants, open phrasings, web
glosses, the plan's year, and structure (steps, criteria, the committee's duties).

Each test states a general rule, not a phrase: the snippets vary the words around
the expression the way real plans do.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans.extract import extract
from bot.plans.model import ExtractedItem, Extraction, PlanFormatError, TaskSpec
from bot.plans.yamlio import dump_plan_yaml, load_plan_yaml


def items(text: str, year: int | None = 2024) -> list[ExtractedItem]:
    found = extract(text, year=year).items
    for item in found:  # spans are offsets into the text given, whatever was stripped
        assert text[item.span[0] : item.span[1]] == item.text
    return found


def dated(text: str, year: int | None = 2024) -> list[tuple[str, date | None, date | None]]:
    return [(i.kind, i.start, i.end) for i in items(text, year)]


D = date


# --- a range keeps both ends ---------------------------------------------------------


def test_a_task_window_is_a_deadline_with_its_start() -> None:
    text = "三、主要任务\n1.开展专题学习。6月20日至7月5日，各支部组织集中学习。\n"
    assert dated(text) == [("deadline", D(2024, 6, 20), D(2024, 7, 5))]
    task = extract(text, year=2024).tasks[0]
    assert (task.start, task.due) == (D(2024, 6, 20), D(2024, 7, 5))


def test_a_window_reaches_the_plan_spec_and_yaml() -> None:
    text = "三、主要任务\n1.开展专题学习。6月20日至7月5日，各支部组织集中学习。\n"
    spec = extract(text, year=2024).to_plan_spec(default_title="方案")
    assert (spec.tasks[0].start, spec.tasks[0].due) == (D(2024, 6, 20), D(2024, 7, 5))
    again = load_plan_yaml(dump_plan_yaml(spec))
    assert again == spec
    assert "start: 2024-06-20" in dump_plan_yaml(spec)


def test_a_task_start_needs_a_due_and_comes_first() -> None:
    with pytest.raises(ValueError, match="needs a due"):
        TaskSpec(title="学习", start=D(2024, 6, 1))
    with pytest.raises(ValueError, match="after due"):
        TaskSpec(title="学习", start=D(2024, 7, 1), due=D(2024, 6, 1))
    with pytest.raises(PlanFormatError):
        load_plan_yaml("title: 方案\nyear: 2024\ntasks:\n  - title: 学习\n    start: 2024-06-01\n")


def test_a_single_deadline_has_no_start() -> None:
    assert dated("1.开展学习，6月底前完成。") == [("deadline", None, D(2024, 6, 30))]


# --- separators between two dates ----------------------------------------------------


@pytest.mark.parametrize(
    "sep", ["——", "--", "－", " — ", "一", "至", "到", "~", "～", "—", "-"], ids=repr
)
def test_every_separator_between_two_days(sep: str) -> None:
    text = f"1.开展学习，6月20日{sep}7月5日完成。"
    assert dated(text) == [("deadline", D(2024, 6, 20), D(2024, 7, 5))]


def test_yi_is_a_numeral_where_it_cannot_be_a_dash() -> None:
    # 六月一日 is the first of June, 统一7月 is no range.
    assert dated("1.开展学习，六月一日前完成。") == [("deadline", None, D(2024, 6, 1))]
    assert dated("（一）动员部署（3月一4月）\n召开动员会。") == [
        ("phase", D(2024, 3, 1), D(2024, 4, 30))
    ]


# --- open phrasings ------------------------------------------------------------------


def test_from_a_month_to_an_end_in_two_clauses() -> None:
    text = "1.集中整治。从6月开始，8月底基本结束。"
    assert dated(text) == [("deadline", D(2024, 6, 1), D(2024, 8, 31))]
    text = "（二）集中整治阶段\n自2024年6月起，至10月底前全面完成。"
    assert ("phase", D(2024, 6, 1), D(2024, 10, 31)) in dated(text)


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("1.整改问题，截止到2020年底全部完成。", D(2020, 12, 31)),
        ("1.完成换届，不超过2024年10月上旬。", D(2024, 10, 10)),
        ("1.完成换届，时间不晚于10月中旬。", D(2024, 10, 20)),
        ("1.召开表彰大会，“七一”前夕完成。", D(2024, 6, 30)),
        ("1.召开表彰大会，“七一”前完成。", D(2024, 7, 1)),
        ("1.各支部年底前完成全部工作。", D(2024, 12, 31)),
    ],
)
def test_open_deadlines(text: str, end: date) -> None:
    assert [(i.kind, i.end) for i in items(text, 2024)] == [("deadline", end)]


def test_a_month_and_its_day_on_lines_of_their_own() -> None:
    text = "1.完成自查\n完成时间：6月\n30日\n2.完成整改，7月\n\n15\n日前完成。"
    assert [(i.kind, i.end) for i in items(text)] == [
        ("deadline", D(2024, 6, 30)),
        ("deadline", D(2024, 7, 15)),
    ]


# --- web copies ----------------------------------------------------------------------


def test_pinyin_glosses_are_read_through_and_spans_stay_in_the_original() -> None:
    text = (
        "關(guān)于開(kāi)展創(chuàng)建活動的實(shí)施方案\n"
        "一、時(shí)間安排\n"
        "（一）動(dòng)員部署（2013年3月1日—3月15日）\n"
        "（二）創(chuàng)建實(shí)施（3月16日至6月30日）\n"
    )
    found = items(text, None)
    assert [(i.kind, i.title, i.start, i.end) for i in found] == [
        ("phase", "動員部署", D(2013, 3, 1), D(2013, 3, 15)),
        ("phase", "創建實施", D(2013, 3, 16), D(2013, 6, 30)),
    ]
    assert extract(text).title == "關于開展創建活動的實施方案"


def test_a_gloss_inside_a_date_is_mapped_back() -> None:
    text = "1.完成自查，2024年(nián)6月(yuè)30日前完成。"
    (item,) = items(text, None)
    assert item.end == D(2024, 6, 30)
    assert item.text.startswith("2024年") and item.text.endswith("前")


# --- the plan's year -----------------------------------------------------------------


def test_the_cover_year_wins_over_a_stale_year_in_the_body() -> None:
    text = (
        "关于开展读书活动的实施方案\n"
        "活动时间：2013年3月—4月\n"
        "一、活动安排\n"
        "（一）动员部署（3月1日—3月10日）\n"
        "（二）集中学习（3月11日—4月20日）\n"
        "（三）总结（4月底前）。参照2012年5月10日、2012年6月1日、2012年9月1日的做法。\n"
    )
    found = extract(text)
    assert found.year == 2013
    assert found.year_source == "text"
    assert ("phase", D(2013, 3, 1), D(2013, 3, 10)) in [
        (i.kind, i.start, i.end) for i in found.items
    ]


def test_a_plan_without_a_year_says_where_the_year_came_from() -> None:
    body = "一、工作安排\n（一）动员（3月1日—3月10日）\n（二）总结（4月底前）\n"
    assert (extract(body).year, extract(body).year_source) == (None, None)
    dated_line = body + "\n中共某某县直机关工委\n2019年2月20日\n"
    found = extract(dated_line)
    assert (found.year, found.year_source) == (2019, "document_date")
    found = extract(body, year=2021)
    assert (found.year, found.year_source) == (2021, "argument")


# --- structure -----------------------------------------------------------------------


def test_numbered_steps_with_a_time_are_phases() -> None:
    text = (
        "四、实施步骤\n"
        "（一）组织申报（4月1日—4月23日）。各党支部对照标准申报。\n"
        "（二）培育创建（2024年5月—9月）。\n"
        "（三）验收认定。10月，县直工委组织审核验收。\n"
    )
    found = items(text)
    kinds = [(i.kind, i.title, i.start, i.end) for i in found]
    assert kinds[:2] == [
        ("phase", "组织申报", D(2024, 4, 1), D(2024, 4, 23)),
        ("phase", "培育创建", D(2024, 5, 1), D(2024, 9, 30)),
    ]


def test_a_step_with_a_deadline_in_its_heading_is_a_task_with_it() -> None:
    text = "四、实施步骤\n（一）组织申报（4月23日前）。各党支部对照标准申报。\n"
    found = extract(text, year=2024)
    assert [(i.kind, i.end) for i in found.items] == [("deadline", D(2024, 4, 23))]
    assert [(t.title, t.due) for t in found.tasks] == [("组织申报", D(2024, 4, 23))]


def test_criteria_are_not_tasks() -> None:
    text = (
        "三、创建标准\n"
        "（一）有精准的品牌选题。\n"
        "（二）有健全的工作机制。\n"
        "（三）有明显的工作成效。\n"
        "四、主要任务\n"
        "（一）开展主题党日。\n"
    )
    titles = [t.title for t in extract(text, year=2024).tasks]
    assert titles == ["开展主题党日"]


def test_the_committees_own_duty_is_never_a_branchs_task() -> None:
    text = (
        "四、实施步骤\n"
        "1.各党支部于4月23日前报送申报表。\n"
        "2.县直工委于10月底前组织审核验收。\n"
        "3.工委将在12月对创建成效进行考核。\n"
    )
    found = extract(text, year=2024)
    owners = [(i.end, i.owner) for i in found.items]
    assert owners == [
        (D(2024, 4, 23), "branch"),
        (D(2024, 10, 31), "committee"),
        (D(2024, 12, 31), "committee"),
    ]
    spec = found.to_plan_spec(default_title="方案")
    assert [t.owner for t in spec.tasks] == ["branch", "committee", "committee"]


def test_extraction_json_shape_is_stable_for_plain_items() -> None:
    found: Extraction = extract("1.开展学习，6月底前完成。", year=2024)
    assert found.to_json_dict()["items"][0] == {
        "kind": "deadline",
        "title": "开展学习",
        "text": "6月底前",
        "start": None,
        "end": "2024-06-30",
        "rule": None,
        "owner": "branch",
    }


# --- found on the development corpus --------------------------------------------------


def test_a_stretch_of_time_given_to_a_task_keeps_its_window() -> None:
    assert dated("1.各党支部在10月份上报第一次月报。") == [
        ("deadline", D(2024, 10, 1), D(2024, 10, 31))
    ]
    # … but given as a limit (前, 截止, a completion label) it only has an end.
    assert dated("1.各党支部10月底前上报。") == [("deadline", None, D(2024, 10, 31))]
    # A month with 前 and no 底 is before that month.
    assert dated("1.各党支部2024年10月前上报。") == [("deadline", None, D(2024, 9, 30))]
    assert dated("1.规范台账\n完成时限：2024年6月") == [("deadline", None, D(2024, 6, 30))]


def test_year_end_words() -> None:
    assert dated("1.年终进行年度评估。") == [("deadline", None, D(2024, 12, 31))]
    assert dated("1.每个党支部年内至少打卡1次。") == [("deadline", None, D(2024, 12, 31))]


def test_a_date_that_lost_its_month_sign() -> None:
    assert dated("做好组织保障。526日前，各党支部将名单报送分工会。") == [
        ("deadline", None, D(2024, 5, 26))
    ]
    assert dated("做好组织保障。115日前报送。") == []  # 1月15日 or 11月5日: not guessed


def test_a_blanked_year_is_the_plans_year() -> None:
    assert dated("1、时间:拟定于20xx年6月29日;晚上18:50正式演出。", 2011) == [
        ("deadline", None, D(2011, 6, 29))
    ]


def test_time_label_headings_and_key_value_dates() -> None:
    text = "一、活动主题\n清明祭英烈\n二、活动时间\n2024年4月2日\n三、活动地点\n二楼会议室\n"
    assert dated(text, None) == [("deadline", None, D(2024, 4, 2))]
    text = "二、时间地点\n6月30日(星期一)下午2:30在镇五楼会议室召开。\n"
    assert dated(text) == [("deadline", None, D(2024, 6, 30))]
    text = "4.活动时间和地点\n时间:\n“党史”演讲:2012.10.17晚上19:00\n签名活动:2012.10.18中午11:50\n"
    assert [i.end for i in items(text, None)] == [D(2012, 10, 17), D(2012, 10, 18)]


def test_an_activitys_time_is_its_window_a_campaigns_time_its_phase() -> None:
    text = (
        "三、活动时间\n2011年4月——6月\n"
        "四、具体安排\n（一）一次理论征文\n1、活动主题：征文\n2、活动时间：2011年5月——6月\n"
    )
    assert dated(text, None) == [
        ("phase", D(2011, 4, 1), D(2011, 6, 30)),
        ("deadline", D(2011, 5, 1), D(2011, 6, 30)),
    ]


def test_a_notice_dated_in_december_about_next_year() -> None:
    text = (
        "关于做好2024年元旦假期值班工作的通知\n"
        "2024年1月1日放假，2024年1月2日上班，2024年元旦假期共1天。\n"
        "1.请值班部门于12月28日下班前报送元旦假期值班表。\n"
        "综合管理部\n2023年12月27日\n"
    )
    found = extract(text)
    assert [(i.kind, i.end) for i in found.items] == [("deadline", D(2023, 12, 28))]


def test_days_before_the_issue_date_are_yearly_rules() -> None:
    text = (
        "各党支部：\n其中6月份和12月份的党费，需要在6月10日和12月10日之前完成。\n"
        "党委组织部\n2017年10月16日\n"
    )
    rules = [(i.kind, i.rule.month, i.rule.day) for i in items(text, None) if i.rule]
    assert rules == [("recurring", 6, 10), ("recurring", 12, 10)]


def test_every_year_then_a_date_of_the_next_year_is_one_yearly_rule() -> None:
    text = "二、本手册使用期一年，每年工作结束后，于次年元月十日前交机关党委。"
    (item,) = items(text, 2016)
    assert item.kind == "recurring"
    assert item.rule is not None and (item.rule.freq, item.rule.month, item.rule.day) == (
        "annual",
        1,
        10,
    )


def test_every_month_qualifying_a_thing_is_no_schedule() -> None:
    assert items("各支部每月收缴的党费及时上交。") == []
    assert [i.kind for i in items("党委每季度至少召开一次中心组学习会议。")] == ["recurring"]
    # 每月的最后一个星期三 is a monthly schedule whose day the rule cannot name.
    assert [i.kind for i in items("党员每月的最后一个星期三缴纳党费。")] == ["recurring"]


def test_a_schedule_said_twice_in_a_sentence_is_one_item() -> None:
    found = items("一、评议时间：民主评议党员工作每年进行一次，时间为每年的12月份。")
    assert [(i.kind, i.rule and (i.rule.freq, i.rule.month)) for i in found] == [
        ("recurring", ("annual", 12))
    ]


def test_the_doer_named_in_the_clause_decides_the_owner() -> None:
    text = (
        "二、月报时间\n各二级党委办公室于每月15日前向校组织人事部报送一次，"
        "学校将情况进行汇总，并于每月20日前向省市相关部门报送一次。\n"
    )
    assert [i.owner for i in items(text)] == ["branch", "committee"]
    text = "各党总支、党支部：\n学校定于2024年11月召开第五次党员代表大会。\n"
    assert [i.owner for i in items(text)] == ["committee"]
    text = "各党支部：\n拟定于12月28日下午召开党员大会。\n（一）6月21日，在学校开展民主评选。\n"
    assert [i.owner for i in items(text)] == ["committee", "branch"]


def test_a_year_written_with_a_latin_zero() -> None:
    text = "活动计划\n活动时间:二0一五年六月二十八日 周五\n（一）6月21日，开展评选。\n"
    found = extract(text)
    assert found.year == 2015
    assert [i.end for i in found.items] == [D(2015, 6, 28), D(2015, 6, 21)]


def test_batches_and_named_periods_are_phases() -> None:
    text = "全省分两批进行。第一批從6月開始，8月底基本結束。第二批从9月开始，11月底基本结束。"
    assert dated(text) == [
        ("phase", D(2024, 6, 1), D(2024, 8, 31)),
        ("phase", D(2024, 9, 1), D(2024, 11, 30)),
    ]
    assert dated("为纪念建党91周年，六月份为开展宣传活动月，集团公司将以专刊宣传。") == [
        ("phase", D(2024, 6, 1), D(2024, 6, 30))
    ]


def test_a_window_said_as_start_then_end() -> None:
    text = "一、主要任务\n（一）核查党员信息\n3月7日开始，3月15日完成。这是基础。\n"
    assert dated(text) == [("deadline", D(2024, 3, 7), D(2024, 3, 15))]


def test_a_time_heading_dates_the_campaign() -> None:
    text = "三、承办单位\n党委宣传部\n四、时间安排\n2022年4月20日—9月30日\n五、活动内容\n"
    assert dated(text, None) == [("phase", D(2022, 4, 20), D(2022, 9, 30))]
    text = "四、活动时间、地点安排\n活动时间为2017年3月4日—3月28日，活动结束后交手册。\n"
    assert dated(text, None) == [("phase", D(2017, 3, 4), D(2017, 3, 28))]
    text = "二、时间布置\n按顺序报批后，全县换届工作于2010年9月至12月进行。\n"
    assert dated(text, None) == [("phase", D(2010, 9, 1), D(2010, 12, 31))]


def test_a_day_without_its_day_sign_before_a_limit() -> None:
    assert dated("1.推荐材料于20xx年6月22之前上报。", 2008) == [("deadline", None, D(2008, 6, 22))]


def test_a_notice_looking_back_on_last_year_is_due_this_year() -> None:
    text = (
        "关于召开2018年度基层党支部组织生活会和开展民主评议党员的通知\n"
        "各学院：\n现就召开2018年度组织生活会通知如下。\n"
        "1.电子版材料于1月22日下午14点前发送至邮箱。\n"
        "党委学生工作部\n2019年1月9日\n"
    )
    assert [(i.kind, i.end) for i in extract(text).items] == [("deadline", D(2019, 1, 22))]


def test_form_fields_are_not_tasks() -> None:
    text = (
        "四、具体安排\n（一）一次理论征文\n1、活动主题：“党的建设之我见”理论征文\n"
        "2、活动形式：各支部收集征文。\n3、提交征文\n"
    )
    assert [t.title for t in extract(text, year=2011).tasks] == ["提交征文"]


def test_a_step_the_committee_does_after_the_branches_is_the_committees() -> None:
    text = (
        "二、申报程序：\n1.做好自评申报。各党组织填写申报表，并于1月15日前上交党建办。\n"
        "2.组织考评。各党组织自评申报后，党工委将对照有关文件进行考核评定星级。\n"
    )
    tasks = extract(text, year=2016).tasks
    assert [(t.title, t.owner) for t in tasks] == [
        ("做好自评申报", "branch"),
        ("组织考评", "committee"),
    ]


def test_a_time_line_listing_activities_dates_each_not_the_stage() -> None:
    text = (
        "五、活动内容\n（一）第一阶段\n主题：我心中的英雄\n"
        "时间：院级初赛4月-5月（推选2至4名选手），校级决赛6月中旬\n"
    )
    assert dated(text, 2022) == [
        ("deadline", D(2022, 4, 1), D(2022, 5, 31)),
        ("deadline", D(2022, 6, 11), D(2022, 6, 20)),
    ]


def test_a_weekday_between_a_day_and_its_limit_and_from_today_until() -> None:
    assert dated("1.各支部7月1日（星期五）前上报总结。") == [("deadline", None, D(2024, 7, 1))]
    assert dated("2.即日起至6月30日，开展专项整治。") == [("deadline", None, D(2024, 6, 30))]


def test_an_activity_card_names_its_organiser() -> None:
    text = (
        "三、活动内容\n（一）大学生党员培训班\n组织单位：学工部、组织部\n活动时间：2011年4月\n"
        "（二）学唱红歌\n组织单位：各院系\n活动时间：2011年4月—2011年6月\n"
    )
    assert [(i.owner, i.start, i.end) for i in items(text, None)] == [
        ("committee", D(2011, 4, 1), D(2011, 4, 30)),
        ("branch", D(2011, 4, 1), D(2011, 6, 30)),
    ]


def test_the_clause_of_a_numbered_sentence_names_its_doer() -> None:
    text = "二、活动要求\n2.各系团支部出一期黑板报，院团委将于3月28日进行评定。\n"
    assert [i.owner for i in items(text)] == ["committee"]


def test_site_notices_around_the_text_are_not_read() -> None:
    text = (
        "客户专属热线\n美章网 资料文库 七一活动通知范文\n"
        "1.各支部6月20日前上报名单。\n"
        "本文由http://www.example.com/527.html原创,转载请备注出处,2019年3月1日\n"
    )
    assert dated(text) == [("deadline", None, D(2024, 6, 20))]


def test_festivals_spring_festival_and_around_a_day() -> None:
    assert dated("3.各支部于春节前完成走访慰问。", 2018) == [("deadline", None, D(2018, 2, 16))]
    # In a notice of late 2016, 春节前 is the next Spring Festival.
    text = "1.各支部于春节前完成走访慰问。\n机关党委\n2016年11月20日\n"
    assert dated(text, None) == [("deadline", None, D(2017, 1, 28))]
    assert dated("4.社区于“七一”前后召开表彰大会。") == [("deadline", None, D(2024, 7, 1))]
    assert dated("今年“七一”前后，将组织系列活动。") == []


def test_by_quarter_is_a_quarterly_rule() -> None:
    found = items("2.各党支部按季度将党费交党委组织部。")
    assert [(i.kind, i.rule and i.rule.freq) for i in found] == [("recurring", "quarterly")]


def test_an_impossible_day_is_the_months_last() -> None:
    assert dated("1.2015年6月18日--2015年6月31日开展自查。", None) == [
        ("deadline", D(2015, 6, 18), D(2015, 6, 30))
    ]


def test_a_check_after_a_day_is_the_committees() -> None:
    text = "一、外环境卫生治理\n3月1-30日：清除杂草等死角。3月31日检查\n"
    found = items(text, 2011)
    assert [(i.kind, i.start, i.end, i.owner) for i in found] == [
        ("deadline", D(2011, 3, 1), D(2011, 3, 30), "branch"),
        ("deadline", None, D(2011, 3, 31), "committee"),
    ]
    assert dated("作为年终考核评议党支部工作的内容之一。") == []


@pytest.mark.parametrize(
    "line",
    [
        "从6月开始" + " " * 100_000 + "，8月底基本结束",
        "6月开始，8月底" + " " * 100_000 + "基本结束",
        "第一" + " " * 100_000 + "、二季度",
        "7月1日（星期五）" + " " * 100_000 + "前",
        "7月1日" + " " * 100_000 + "下午3点前",
        "6月27" + " " * 100_000 + "中午",
        "每" + " " * 100_000 + "三个月召开一次",
        "活动时间：3月" + " " * 100_000 + "检查",
        "演讲：2012.10.17" + " " * 100_000,
    ],
    ids=["from", "to", "quarters", "weekday", "time", "no-day-sign", "every", "label", "value"],
)
def test_runs_of_spaces_inside_the_new_patterns_stay_linear(line: str) -> None:
    # Quadratic backtracking (two \s* side by side) would make these take minutes.
    extract("2024年方案\n" + line)


def test_more_rules_from_the_development_corpus() -> None:
    # every three months is a quarter
    found = items("二、党支部党员大会每三个月召开一次。")
    assert [(i.kind, i.rule and i.rule.freq) for i in found] == [("recurring", "quarterly")]
    # 开始至 is a range by itself
    text = "二、活动时间\n从6月下旬开始至7月中旬。\n三、活动形式\n"
    assert dated(text, 2023) == [("phase", D(2023, 6, 21), D(2023, 7, 20))]
    # a clause that opens with a date
    assert dated("记者从培训会获悉，5月底，我县全部乡镇将完成换届工作。", 2011) == [
        ("deadline", None, D(2011, 5, 31))
    ]
    # a day and its time of day dates what follows
    assert dated("三、活动安排\n4月30日下午组织团员青年清洁会议室。\n", 2022) == [
        ("deadline", None, D(2022, 4, 30))
    ]
    # a task table's cells
    text = "工作任务 | 目标及质量要求 |\n争取资金 | 上半年、三季度任务分别为80、60万元。 |\n"
    assert dated(text, 2020) == [
        ("deadline", D(2020, 1, 1), D(2020, 6, 30)),
        ("deadline", D(2020, 7, 1), D(2020, 9, 30)),
    ]
    text = (
        "工作任务 | 目标 |\n招商引资 | 第一、二、三、四季度任务分别为500、600、500、400万元。 |\n"
    )
    assert [i.end for i in items(text, 2020)] == [
        D(2020, 3, 31),
        D(2020, 6, 30),
        D(2020, 9, 30),
        D(2020, 12, 31),
    ]


def test_when_a_national_body_meets_is_background() -> None:
    text = (
        "各二级党委：\n十三届全国人大五次会议将于2022年3月5日在北京召开。"
        "现就组织收听收看有关事项通知如下：\n（一）请各党委于3月4日前报送名单。\n"
    )
    assert dated(text, None) == [("deadline", None, D(2022, 3, 4))]


def test_a_national_meeting_with_its_time_of_day_is_background() -> None:
    text = (
        "各黨總支、各院部：\n慶祝改革開放40周年大會將于2018年12月18日（周二）上午10:00在北京人民大會堂"
        "隆重舉行。\n3.請各黨總支于12月18日下午5:00前報送收聽收看情況。\n"
    )
    assert dated(text, None) == [("deadline", None, D(2018, 12, 18))]
