"""Things that look like dates, or like plan text, and are neither."""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans.extract import extract


def kinds_and_texts(text: str, year: int | None = 2022) -> list[tuple[str, str]]:
    return [(item.kind, item.text) for item in extract(text, year=year).items]


# Sentences that give no item at all, by what they hold instead of a date or deadline.
NOT_ITEMS: dict[str, list[str]] = {
    "document_number": [
        "蒲教党发〔2012〕4号",
        "根据《通知》(蒲发【2012】1号)文件精神，认真抓好落实。",
        "要按照实施意见的要求(委〔2018〕1号),坚持支部设在处(科)室。",
        "依据组通字[2021]15号文件，做好相关工作。",
    ],
    "congress": [
        "以优异成绩迎接党的十八大胜利召开。",
        "全面贯彻党的十九大和十九届五中、六中全会精神。",
        "深入学习贯彻党的十九届六中全会精神，迎接党的二十大。",
        "全面落实党的十七届四中、五中、六中全会精神。",
        "认真贯彻“十一五”规划纲要。",
    ],
    "count": [
        "有序推进党支部基本建设年，具体要把握3项工作要求。",
        "鄉黨委下轄12個黨支部，共有黨員239人。",
        "鄉距縣城36公里，幅員面積23平方公里，2470戶10750人。",
        "党支部书记要按照3个阶段8项任务的要求，逐项抓好落实。",
        "党员人数达到50人以上100人以下的党支部，应当升格为党总支。",
        "作用發揮好的黨支部2個，占總數的16.7%。",
        "力争用3个月时间完成，全年培训1000余人次。",
    ],
    "vague": [
        "各直属党组织要及时总结推广好经验。",
        "市直机关工委将定期深入基层督促检查。",
        "推进党史学习教育常态化制度化。",
        "经常性开展党员教育培训，做到经常化、制度化、规范化。",
        "把好做法以制度形式固定下来，长期坚持下去。",
        "固化基本建设制度并长期坚持。",
        "局党委在“七一”期间进行创先争优专项表彰。",
        "党员人数每年增长5%，每月都有新变化。",
    ],
    "reference": [
        "2021年以来，我县党建工作取得明显成效。",
        "自2022年3月起，全面推行“党建e家”。",
        "根据2021年6月召开的全会精神。",
        "7月1日是党的生日。",
        "截至2021年底，全县共有党支部126个。",
    ],
}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(text, id=f"{kind}-{i}")
        for kind, texts in NOT_ITEMS.items()
        for i, text in enumerate(texts)
    ],
)
def test_sentences_without_a_date_or_deadline_give_no_item(text: str) -> None:
    assert kinds_and_texts(text) == []


def test_document_numbers_do_not_vote_for_the_year() -> None:
    # A year in the text wins over the document number's.
    extraction = extract("蒲教党发〔2012〕4号\n（一）动员部署阶段（2013年3月上旬—4月中旬）")
    assert (extraction.year, extraction.year_source) == (2013, "text")


def test_a_document_number_is_the_last_resort_for_the_year_and_says_so() -> None:
    extraction = extract("蒲教党发〔2012〕4号\n（一）动员部署阶段（3月上旬—4月中旬）")
    assert (extraction.year, extraction.year_source) == (2012, "document_date")
    assert [(i.start, i.end) for i in extraction.items] == [(date(2012, 3, 1), date(2012, 4, 20))]
    assert any("文号" in warning for warning in extraction.warnings)


@pytest.mark.parametrize(
    "clutter",
    [
        "作者:admin    浏览:2107次发布时间:2012-03-21 08:24",
        "浏览:2107次发布时间:2012-03-21 08:24",
        "更新时间:2023-02 来源:网友投稿",
        "時間:2022-03-18 09:09:50",
        "導語:本文來源于網友上傳,不代表本站觀點,歡迎參考。",
        "---此处隐藏15606字,下载后查看---",
        "上一篇：2022年工作要点  下一篇：2024年工作要点",
        "版权所有 © 某某网 ICP备12345678号",
        "首页 > 范文大全 > 工作方案",
    ],
)
def test_site_clutter_is_never_an_item_nor_the_title(clutter: str) -> None:
    text = f"{clutter}\n关于开展主题党日活动的实施方案\n{clutter}\n一、主要任务\n{clutter}\n"
    extraction = extract(text, year=2024)
    assert extraction.items == []
    assert extraction.title == "关于开展主题党日活动的实施方案"


def test_site_clutter_inside_a_line_is_ignored() -> None:
    text = "各支部要认真学习贯彻。浏览:2107次发布时间:2012-03-21 08:24"
    assert kinds_and_texts(text, year=None) == []


def test_site_dates_only_decide_the_year_as_a_last_resort() -> None:
    text = "时间:2022-03-18 09:09:50\n（一）动员部署阶段（3月上旬—4月中旬）\n"
    extraction = extract(text)
    assert extraction.year == 2022
    assert extraction.warnings  # says the year came from the web page
    text_year = "更新时间:2023-02\n市委确定2022年为基本建设年。\n（一）调查摸底（4月）\n"
    assert extract(text_year).year == 2022


def test_a_signature_date_line_is_not_a_deadline() -> None:
    text = "各支部要认真抓好落实。\n2012年3月20日\n（一）动员阶段（3月）\n"
    extraction = extract(text)
    assert [i.kind for i in extraction.items] == ["phase"]
    assert extraction.year == 2012
    assert extraction.year_source == "document_date"


def test_a_month_like_word_is_not_taken_out_of_a_longer_word() -> None:
    assert kinds_and_texts("2022年中央出台新规定。", year=None) == []
    assert kinds_and_texts("3月初步建成示范点。") == []


def test_past_reference_next_to_real_deadline() -> None:
    text = "截至2021年底，全县共有党支部126个；各支部于2022年6月底前完成换届。"
    assert kinds_and_texts(text, year=None) == [("deadline", "2022年6月底前")]
    assert extract(text).items[0].end == date(2022, 6, 30)
