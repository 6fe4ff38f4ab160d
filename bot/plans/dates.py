"""The grammar of date expressions in Chinese plans.

Input is text already passed through :func:`bot.plans.normalize.normalize`
(ASCII digits, ``-`` for every dash, ``(`` ``)`` ``:`` ``,``, simplified
characters), usually with clutter masked out. Output is one
:class:`DateExpr` per expression, in text order, with its span, its shape
and its resolved dates. Whether an expression is a phase, a deadline or
nothing at all depends on where it sits, which is the extractor's business.

The grammar, from most to least specific (the first that matches at a
position wins; each is tried at every position)::

    RECUR    每月25日前, 每月底前, 每月上旬, 每季度(末), 每年"七一", 每年6月底前
    FEST     七一前, "十一"前, 国庆节前  (a festival is a deadline only with 前)
    SMONTH   [Y年] m1 SEP m2 月 [tail]: 5—6月, 2022年5—6月, 3至5月底
    SDAY     [Y年] M月 d1 SEP d2 日: 5月3—5日
    RANGE    ATOM SEP (ATOM | d日 | 上/中/下旬): 3月上旬—4月中旬, 11月—次年2月,
             5月10日至20日
    LOSTSEP  Y年 m1m2 月: 2022年56月, a 5—6月 whose dash a web page dropped
    NRANGE   2022.3.1-2022.4.30
    NUM      2022-03-18, 2022.3.18
    SINGLE   ATOM [前]: 2024年4月23日前, 10月底前, 年底前, 第三季度
    LONG     长期[坚持]
    ATOM     [Y年 | 次年 | 今年 …]
             ( M月[份][d日 | 上/中/下旬 | 初 | 底 | 中] | 第Q季度[末] | 上/下半年
             | 底 | 内 )
             | 年底 | 年末 | 年内

with SEP one of ``- -- ~ 至 到`` and numbers Arabic or Chinese
(二〇一五年六月二十八日). Numbers are never taken without a unit
(年 月 日 号 旬 季度), so counts (3项, 12个党支部, 36公里), congress names
(十八大, 十九届六中全会) and document numbers cannot become dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from bot.plans.model import LAST_DAY, RecurringRule
from bot.plans.normalize import cn_to_int

Shape = Literal["range", "period", "day", "recurring", "ongoing"]

# --- building blocks ------------------------------------------------------------------

# Years in Chinese numerals are often typed with an Arabic or Latin zero: 二0一五, 二O一五.
_CN_YEAR_DIGIT = "0〇零○Oo一二三四五六七八九"
_Y = rf"(?:\d{{4}}|[〇零○一二三四五六七八九][{_CN_YEAR_DIGIT}]{{3}})"
_M = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|元(?=\s*月))"
_D = (
    r"(?:3[01]|[12]\d|0?[1-9]"
    r"|[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅一?|[一二三四五六七八九])"
)
# A number must not continue another number (…2016 年, 十八大, 第三). A dot before it
# is fine: "16.7%" has no unit to be a date, and "2.6月底前" is item 2, in June.
_NB = r"(?<![\d〇零○二三四五六七八九十百千万第])(?<![^日号月旬]一)"
# 20xx年 / ××××年: a year a web copy blanked out, read as the plan's year.
_REL = (
    r"(?:次年|翌年|第二年|明年|下一年|来年|今年|本年|当年"
    r"|(?:(?:19|20)(?:[xX×_*]{2}|\d[xX×*])|[xX×_*]{4}|(?<![A-Za-z\d])[xX×*]{2})\s*年"
    # 从年10月28日: a year a web copy dropped, leaving its 年 after a preposition.
    r"|(?<=[从自于在至到,:(\s])年(?=\s*\d{1,2}\s*月))"
)
# 一 typed for a dash ("6月20日一7月5日") only between a date's unit and a digit,
# where it cannot be the numeral.
_SEP = (
    # 11月21日(三)—12月18日(二): the first day's weekday before the dash
    r"(?:(?<=[日号])\s*\(\s*(?:星期|周|礼拜)?\s*[一二三四五六日天]\s*\)(?=\s*(?:-|~|至|到)))?"
    r"\s*(?:(?:起\s*)?(?:-{1,3}\s*)?(?:至|到)|-{1,3}|~"
    r"|(?<=[日号月旬])一(?=\s*\d)"
    # "10月21日11月3日": a dash a web copy dropped between two whole days.
    r"|(?<=[日号])(?=\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]))\s*"
)
# 上、中旬, 中下旬, 上中旬: one window over the 旬 named (the first to the last).
_XUN = r"[上中下](?:\s*[、,和及至到-]?\s*[上中下])?"
# 前 as "before", not 前期 / 前列 / 前提 … and not 前后 ("around", a cue of its own).
# 前提 is "premise", but 3月前提交 is "hand in before March".
_BEFORE = r"\s*(?:之前|以前|前(?![期列沿进景面途辈后夕]|提(?!交))|为止)"
# 前夕 (the eve): due the day before.
_EVE = r"\s*前夕"
_FEST_NAMES = (
    r"七\s*·?\s*一|五\s*·?\s*四|五\s*·?\s*一|八\s*·?\s*一|十\s*·?\s*一"
    r"|三\s*·?\s*八|六\s*·?\s*一"
    r"|元旦|国庆节?|建党节|青年节|劳动节|建军节|春节|妇女节|儿童节|教师节|清明|重阳"
)
# A festival is not the start of a longer number or word: 十一月, 七一届, 五四运动 stay out
# unless quoted.
_FEST_END = r"(?![\d月日号届个中大次五运精])"
_OPEN_Q = "[“\"「『‘']"
_CLOSE_Q = "[”\"」』’']"


def _year_prefix(p: str) -> str:
    return rf"(?:(?P<{p}rel>{_REL})(?:度)?\s*|{_NB}(?P<{p}y>{_Y})\s*年(?:度)?\s*)"


def _month_part(p: str) -> str:
    return (
        rf"{_NB}(?P<{p}m>{_M})\s*月(?:份)?"
        # 5月10前: a day whose 日 was left out before its 前
        rf"(?:\s*{_NB}(?P<{p}d>{_D})(?!\d)(?:\s*[日号]|(?=\s*(?:之前|以前|前(?![期列沿提进景面途辈后夕])|上午|下午|中午|晚上))"
        # 7月16——7月25日: the first day's 日 left out before the dash
        r"|(?=\s*(?:-{1,3}|~|至|到)\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]))"
        rf"|\s*(?P<{p}x>{_XUN})旬"
        # 月初 but not 初步; 月中 only where it cannot be 中央, 中心 …
        rf"|(?P<{p}mp>初(?![步见期心衷级始次])|底|末(?!尾)|中(?=\s*(?:前|[,;。)~\-至到]))))?"
    )


def _atom(p: str) -> str:
    with_year_only = rf"(?<=[年度])(?P<{p}yp>年?(?:底|末(?!尾)|终(?!身))|内(?![容部涵在外]))"
    periods = (
        rf"{_month_part(p)}"
        rf"|第?\s*(?P<{p}q>[一二三四1-4])\s*季度(?P<{p}qp>初|末|底)?"
        rf"|(?P<{p}h>上半年|下半年)(?:内(?![容部涵在外]))?"
    )
    # 年底 alone means this plan's year; but not 去年底, 近年底, 每年底 (the latter is RECUR).
    bare_year_end = (
        r"(?<![去前往近历多每今本次翌明来当上下全])"
        rf"(?P<{p}yb>年底|年末|年终(?!身)|年内(?![容部涵在外]))"
    )
    # 底/末/内 right after a year (2016年底) only when the year is there: a regex
    # conditional on the prefix group; without it, 年底/年末/年内 stand alone.
    return (
        rf"(?P<{p}pre>{_year_prefix(p)})?"
        rf"(?:{periods}|(?({p}pre){with_year_only}|{bare_year_end}))"
    )


def _festival(p: str) -> str:
    return rf"{_OPEN_Q}?{_NB}(?P<{p}f>{_FEST_NAMES}){_FEST_END}{_CLOSE_Q}?(?:节)?"


_RECUR = (
    # 1次/月, 一月一次, 一年二次, 按月: a frequency written as a rate
    r"(?:(?:[1-9一二两三四]\s*次\s*/\s*(?P<r_rate>月|季度?|年)"
    r"|(?<![\d〇零○一二三四五六七八九十])[一每]\s*(?P<r_per>月|季度?|年)\s*[一二两三四1-4]\s*次"
    r"|按\s*(?P<r_by>月)(?=\s*(?:交纳|缴纳|收缴|报送|上报))"
    # 年底一总结, 年终一考评: once a year, at its end
    r"|(?<![\u3400-\u9fff])(?P<r_ye>年底|年终)\s*一\s*(?=[\u3400-\u9fff]{2}))"
    r"|每\s*(?:个\s*)?月(?:的)?"
    # 每月最后一周的周五, 每月的第一个星期三, 每月首个工作日: a day the rule cannot hold
    r"(?:\s*(?P<r_mw>(?:第[一二三四1-4]个?|最后一个?|首个|末)\s*(?:周|星期|礼拜|工作日)"
    r"(?:\s*[一二三四五六日天])?(?:\s*的?\s*(?:周|星期|礼拜)\s*[一二三四五六日天])?))?"
    rf"(?:\s*{_NB}(?P<r_md>{_D})(?!\d)\s*[日号]|\s*月?(?P<r_mp>底|末(?!尾))|\s*(?P<r_mx>[上中下])旬)?"
    r"|(?:每\s*(?:个\s*)?|按\s*(?=季))(?:季度?|(?<=每)\s*(?:三|3)\s*个\s*月)(?:的)?"
    rf"(?:\s*(?P<r_qp>末|底)|\s*(?:第[一1]个月|首月)\s*的?\s*(?P<r_qd1>{_D})\s*[日号]"
    rf"|\s*(?:最后一个月|末月|第[三3]个月)\s*的?\s*(?P<r_qd3>{_D})\s*[日号]"
    rf"|\s*{_NB}(?P<r_qd>{_D})(?!\d)\s*[日号])?"
    r"|每\s*年(?:度)?(?:的)?"
    rf"(?:\s*{_festival('r_')}"
    rf"|\s*{_NB}(?P<r_am>{_M})\s*月(?:份)?"
    rf"(?:\s*{_NB}(?P<r_ad>{_D})(?!\d)\s*[日号]|(?P<r_amp>底|末(?!尾))|\s*(?P<r_ax>[上中下])旬)?"
    r"|\s*(?P<r_ay>年?底|年?末(?!尾))|\s*(?P<r_ah>上半年|下半年)"
    # 每年的第一季度: a yearly window longer than a month, kept on its last day.
    r"|\s*第?\s*(?P<r_aq>[一二三四1-4])\s*季度(?:末|底)?)?)"
    rf"(?:(?P<r_eve>{_EVE})|(?P<r_before>{_BEFORE}))?"
)
# 前后/左右 a festival: one event placed around the day (a deadline on it when the
# sentence dates the event, 于“七一”前后召开; the extractor wants that cue).
_FEST = (
    rf"{_festival('f_')}"
    r"(?:(?P<f_before>{before})|(?P<f_eve>{eve})|(?P<f_around>\s*(?:前后|左右))"
    # "在清明节组织扫墓", "“八一”节与消防中队组织共建": the festival is when the act is
    r"|(?P<f_at>(?<=节)(?=\s*(?:[,，。]\s*)?(?:在|与|和|组织|开展|举行|举办|召开|慰问|走访|祭扫|看望))))".format(
        before=_BEFORE, eve=_EVE
    )
)
# 2011年“七一”前后: a festival of a year the text names
_FEST = rf"(?:{_NB}(?P<f_y>{_Y})\s*年\s*)?" + _FEST
_SMONTH = (
    rf"{_year_prefix('sm_')}?{_NB}(?P<sm_m1>{_M}){_SEP}(?P<sm_m2>{_M})\s*月(?:份)?"
    rf"(?:\s*{_NB}(?P<sm_d>{_D})(?!\d)\s*[日号]|\s*(?P<sm_x>{_XUN})旬|(?P<sm_mp>初|底|末(?!尾)))?"
    rf"(?P<sm_before>{_BEFORE})?"
)
_SDAY = (
    rf"{_year_prefix('sd_')}?{_NB}(?P<sd_m>{_M})\s*月(?:份)?\s*"
    rf"{_NB}(?P<sd_d1>{_D})(?!\d){_SEP}(?P<sd_d2>{_D})(?!\d)\s*[日号](?P<sd_before>{_BEFORE})?"
)
_RANGE = (
    rf"{_atom('ra_')}{_SEP}"
    rf"(?:{_atom('rb_')}|{_NB}(?P<rb_donly>{_D})(?!\d)\s*[日号]|(?P<rb_xonly>{_XUN})旬)"
    rf"(?P<rg_before>{_BEFORE})?"
)
# 从6月开始，8月底基本结束: a start and an end said in two clauses. Read by joining two
# expressions the grammar found on their own (see _join_from_to), which costs nothing
# where no date is.
_FROM_BEFORE = re.compile(r"(?:从|自)\s*$")
_FROM_BETWEEN = re.compile(
    r"\s*(?:(?:全面|正式)?(?:开始|启动)|(?P<qi>起(?:\s*(?:持续|陆续|逐步))?(?:\s*(?:开展|进行|实施))?))(?:\s*[,，、])?(?:\s*(?:(?P<to>到|至)|于|在|并于|并在))?\s*"
)
_OPENS_BEFORE = re.compile(r"(?:开班|开课|开始|启动|开幕)(?:时间|日期)?\s*(?:为|是|:|于)\s*$")
_COMMA_ONLY = re.compile(r"\s*[,，]\s*")
_TO_AFTER = re.compile(
    r"(?:\s*前)?(?:\s*(?:基本|全面|全部|顺利|正式))?\s*(?:结束|完成|完毕|收尾|截止)"
)
# 9月7日起，9月14日截止: a start with 起 and an end that says it closes the stretch.
_CLOSES_AFTER = re.compile(r"\s*(?:结束|截止)")
# Only numbers that cannot be a month (13 and up) are read as two months.
_LOSTSEP = rf"{_NB}(?P<ls_y>{_Y})\s*年\s*(?P<ls_mm>1[3-9]|[2-9]\d|[1-9]\d{{2,3}})(?!\d)\s*月(?:份)?"
# 本月23日前, 本月底: the month the text was written in.
_THISMONTH = (
    rf"(?:本|当|这个)月\s*(?:{_NB}(?P<tm_d>{_D})(?!\d)\s*[日号]|(?P<tm_mp>底|末)|(?P<tm_x>[上中下])旬|(?P<tm_in>内(?![容部涵在外])))"
    rf"(?P<tm_before>{_BEFORE})?"
)
# 至20241月: "2024年1月" whose 年 a web page dropped.
_LOSTYEAR = (
    r"(?<![\d.])(?P<ly_y>(?:19|20)\d{2})(?P<ly_m>1[0-2]|0?[1-9])\s*月(?:份)?"
    rf"(?:(?P<ly_mp>底|末)|\s*(?P<ly_d>{_D})(?!\d)\s*[日号])?(?P<ly_before>{_BEFORE})?"
)
# 526日前: "5月26日" whose 月 a web page dropped (read only when one split is a date).
# 2024329日前: the same with its 年 dropped too (a year then the month and day).
_LOSTMONTH = (
    r"(?<![\d.])(?P<lm_y>(?:19|20)\d{2}(?=[1-9]\d{2,3}\s*[日号]))?"
    rf"(?P<lm_md>[1-9]\d{{2,3}})\s*[日号](?P<lm_before>{_BEFORE})?"
)
# 到2023年，… / 截至2025年: a year given as a time limit, due on its last day. Only after
# 到/至 (a year that merely names a goal, 实现2018年…目标, is no limit), and not as the
# far end of a span of years (2020年至2022年, a plan's period).
_YEARLIMIT = (
    rf"(?<=[到至])\s*(?P<yl_y>{_Y})\s*年"
    r"(?![度\d〇零○一二三四五六七八九十元底末终内上下第春夏秋冬初中以来起后])(?!\s*[)-])"
)
# "21日前": a day whose month the sentence leaves to the date before it (从11月19日
# 开始…，要在21日前送交). Only as a limit: "5日内" is a span of days, not a date.
_DAYONLY = (
    rf"(?<![\d.月])(?P<do_d>3[01]|[12]\d|0?[1-9])\s*[日号]"
    r"(?:\s*(?:上午|下午|中午|晚上)?\s*\d{1,2}\s*[:点时](?:\s*\d{1,2}\s*分?)?)?"
    rf"(?P<do_before>{_BEFORE})"
)
# "5月支部主题党日定于上旬开展": a 旬 whose month the sentence gave before it.
_XUNONLY = r"(?<=[于在])\s*(?P<xo_x>[上中下])旬(?=\s*(?:开展|进行|召开|举行|完成|组织))"
# 2022-03-18, 2022.3.18, 2022/3/18 (one separator throughout); not a time 08:24.
_NUMDATE = (
    r"(?<!\d)(?P<{p}y>\d{{4}})\s*(?P<{p}s>[-./])\s*(?P<{p}m>\d{{1,2}})"
    r"\s*(?P={p}s)\s*(?P<{p}d>\d{{1,2}})(?![\d:])"
)
_NRANGE = (
    _NUMDATE.format(p="na_")
    + r"\s*(?:-{1,3}|~|至|到)\s*"
    + r"(?:(?P<nb_y>\d{4})\s*[-./]\s*)?(?P<nb_m>\d{1,2})\s*[-./]\s*(?P<nb_d>\d{1,2})(?![\d:])"
    + r"(?:\s*日)?"
)
# 2023.12-2024.01, 2024.3-2024.5: year.month ranges, as task tables write them.
_YMRANGE = (
    r"(?<!\d)(?P<ym_y1>(?:19|20)\d{2})\s*[./]\s*(?P<ym_m1>1[0-2]|0?[1-9])"
    r"\s*(?:-{1,3}|~|至|到)\s*(?:(?P<ym_y2>(?:19|20)\d{2})\s*[./]\s*)?(?P<ym_m2>1[0-2]|0?[1-9])"
    r"(?![\d.]|\s*[./]\s*\d)(?!\s*(?:[日号]|月))"
)
# 3.1-3.15, 3.16—4.10: month.day ranges without a year, as school plans write them.
# Both ends must be month.day (a decimal range 3.5-4.5分 is kept out by its unit).
_MDRANGE = (
    r"(?<![\d.])(?P<md_m1>1[0-2]|0?[1-9])\.(?P<md_d1>3[01]|[12]\d|0?[1-9])"
    r"\s*(?:-{1,3}|~|至|到)\s*(?:(?P<md_m2>1[0-2]|0?[1-9])\.)?(?P<md_d2>3[01]|[12]\d|0?[1-9])"
    r"(?![\d.%])(?!\s*(?:[分元万亿倍米个岁天周年次名项%‰]|小时|公里|平方))"
)
# 7月1日（星期五）前: the weekday may stand between a day and its 前.
_WEEKDAY = (
    r"(?:\s*\(\s*(?:星期|周|礼拜)[一二三四五六日天]\s*\))?"
    # … and the time of day: 6月25日（周二）中午12点前, 12月18日下午15:00点前
    # (never two \s* side by side around an optional part: quadratic on spaces)
    r"(?:\s*(?:(?:上午|下午|中午|晚上|早上)\s*)?\d{1,2}\s*[:点时](?:\s*\d{1,2}(?:\s*分)?)?(?:\s*点)?)?"
)
_NUM = _NUMDATE.format(p="n_") + rf"(?:\s*日)?(?P<n_before>{_WEEKDAY}{_BEFORE})?"
_SINGLE = rf"{_atom('s_')}(?P<s_before>{_WEEKDAY}{_BEFORE})?"
_LONG = r"长期(?:坚持)?"

# Everything starts with a digit, a Chinese numeral, 每, a quote, a relative year
# word, a festival, 第, 上/下 (半年), 年 (年底) or 长 (长期): a cheap lookahead
# lets the scanner skip every other position without trying the alternatives.
_START = (
    r"(?=[xX×*按春\d〇零○一二三四五六七八九十廿卅每“\"「『‘'"
    r"次翌明下来今本当这元国建青劳第上年长妇儿教清中]|重阳)"
)
_GRAMMAR = re.compile(
    _START
    + "(?:"
    + "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in (
            ("RECUR", _RECUR),
            ("FEST", _FEST),
            ("SMONTH", _SMONTH),
            ("SDAY", _SDAY),
            ("RANGE", _RANGE),
            ("LOSTSEP", _LOSTSEP),
            ("THISMONTH", _THISMONTH),
            ("LOSTYEAR", _LOSTYEAR),
            ("LOSTMONTH", _LOSTMONTH),
            ("DAYONLY", _DAYONLY),
            ("XUNONLY", _XUNONLY),
            ("YEARLIMIT", _YEARLIMIT),
            ("NRANGE", _NRANGE),
            ("YMRANGE", _YMRANGE),
            ("MDRANGE", _MDRANGE),
            ("NUM", _NUM),
            ("SINGLE", _SINGLE),
            ("LONG", _LONG),
        )
    )
    + ")"
)

_FESTIVALS = {
    "七一": (7, 1),
    "建党节": (7, 1),
    "五四": (5, 4),
    "青年节": (5, 4),
    "五一": (5, 1),
    "劳动节": (5, 1),
    "八一": (8, 1),
    "建军节": (8, 1),
    "十一": (10, 1),
    "国庆": (10, 1),
    "国庆节": (10, 1),
    "元旦": (1, 1),
    "三八": (3, 8),
    "妇女节": (3, 8),
    "六一": (6, 1),
    "儿童节": (6, 1),
    "教师节": (9, 10),
    "清明": (4, 5),  # the solar term moves: see _qingming
}
# 春节 (the lunar new year) by year: the day a plan's 春节前 falls due.
_SPRING_FESTIVAL = {
    2000: (2, 5),
    2001: (1, 24),
    2002: (2, 12),
    2003: (2, 1),
    2004: (1, 22),
    2005: (2, 9),
    2006: (1, 29),
    2007: (2, 18),
    2008: (2, 7),
    2009: (1, 26),
    2010: (2, 14),
    2011: (2, 3),
    2012: (1, 23),
    2013: (2, 10),
    2014: (1, 31),
    2015: (2, 19),
    2016: (2, 8),
    2017: (1, 28),
    2018: (2, 16),
    2019: (2, 5),
    2020: (1, 25),
    2021: (2, 12),
    2022: (2, 1),
    2023: (1, 22),
    2024: (2, 10),
    2025: (1, 29),
    2026: (2, 17),
    2027: (2, 6),
    2028: (1, 26),
    2029: (2, 13),
    2030: (2, 3),
    2031: (1, 23),
    2032: (2, 11),
    2033: (1, 31),
    2034: (2, 19),
    2035: (2, 8),
}

# 重阳 (the ninth day of the ninth lunar month) by year. chinese_calendar, the one
# calendar library zhibu depends on, knows the public holidays (春节, 端午, 中秋) but not
# 重阳, which is no day off, and no lunar library is a dependency: a small table, like
# the one for 春节 above. Every year checked against lunardate 0.3.0
# (`LunarDate(year, 9, 9).to_solar_date()`), 2 December 2026.
_DOUBLE_NINTH = {
    2008: (10, 7),
    2009: (10, 26),
    2010: (10, 16),
    2011: (10, 5),
    2012: (10, 23),
    2013: (10, 13),
    2014: (10, 2),
    2015: (10, 21),
    2016: (10, 9),
    2017: (10, 28),
    2018: (10, 17),
    2019: (10, 7),
    2020: (10, 25),
    2021: (10, 14),
    2022: (10, 4),
    2023: (10, 23),
    2024: (10, 11),
    2025: (10, 29),
    2026: (10, 18),
    2027: (10, 8),
    2028: (10, 26),
    2029: (10, 16),
    2030: (10, 5),
}


def spring_festival_after(day: date) -> date | None:
    """The first 春节 on or after ``day`` (None outside the table's years)."""
    for year in (day.year, day.year + 1):
        if year in _SPRING_FESTIVAL:
            when = date(year, *_SPRING_FESTIVAL[year])
            if when >= day:
                return when
    return None


_XUN_DAYS = {"上": (1, 10), "中": (11, 20), "下": (21, 31)}
_REL_OFFSET = {"次年": 1, "翌年": 1, "第二年": 1, "明年": 1, "下一年": 1, "来年": 1}


@dataclass(frozen=True, slots=True)
class DateExpr:
    """One date expression. ``first``/``last`` are None for recurring and ongoing ones,
    and for expressions that needed a year nobody could supply (``unresolved``)."""

    start: int
    end: int
    shape: Shape
    first: date | None = None
    last: date | None = None
    rule: RecurringRule | None = None
    before: bool = False
    explicit_year: bool = False
    unresolved: bool = False
    festival: str | None = None  # 七一, 春节 …: the day it names


class _NotADate(Exception):
    """The match looked like a date but is not one (2月30日, month 13 …)."""


class _NoYear(Exception):
    """The expression is a real date but needs a year nobody gave."""


def _num(text: str) -> int:
    if text.strip() == "元":  # 元月: January
        return 1
    value = cn_to_int(text.replace(" ", ""))
    if value is None:
        raise _NotADate(text)
    return value


def _year(text: str) -> int:
    value = cn_to_int(text)
    if value is None or not 1900 <= value <= 2200:
        raise _NotADate(text)
    return value


def _last(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _day(year: int, month: int, day: int) -> date:
    """The day; one a month does not have (6月31日, 2月30日) is read as its last day,
    as a reader would."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise _NotADate(f"{year}-{month}-{day}")
    return date(year, month, min(day, _last(year, month)))


@dataclass(slots=True)
class _Atom:
    """The parts of one end of an expression, before a year is known."""

    year: int | None = None
    rel: str | None = None
    month: int | None = None
    day: int | None = None
    xun: str | None = None
    month_part: str | None = None
    quarter: int | None = None
    quarter_part: str | None = None
    half: str | None = None
    year_part: str | None = None

    @property
    def explicit(self) -> bool:
        return self.year is not None


def _atom_from(m: re.Match[str], p: str) -> _Atom:
    def g(name: str) -> str | None:
        return m.group(p + name)

    atom = _Atom(rel=g("rel"), xun=g("x"), month_part=g("mp"), quarter_part=g("qp"), half=g("h"))
    if (y := g("y")) is not None:
        atom.year = _year(y)
    if (mo := g("m")) is not None:
        atom.month = _num(mo)
    if (d := g("d")) is not None:
        atom.day = _num(d)
    if (q := g("q")) is not None:
        atom.quarter = _num(q)
    atom.year_part = g("yp") or g("yb")
    return atom


def _base_year(atom: _Atom, default: int | None, plan_year: int | None) -> int:
    if atom.year is not None:
        return atom.year
    if atom.rel is not None:
        offset = _REL_OFFSET.get(atom.rel)
        if offset is None:  # 今年, 本年, 当年: the plan's year
            if plan_year is None:
                raise _NoYear
            return plan_year
        base = default if default is not None else plan_year
        if base is None:
            raise _NoYear
        return base + offset
    if default is None:
        raise _NoYear
    return default


def _interval(atom: _Atom, year: int) -> tuple[date, date]:
    """The first and last day an atom covers in ``year``."""
    if atom.month is not None:
        month = atom.month
        if not 1 <= month <= 12:
            raise _NotADate(str(month))
        last = _last(year, month)
        if atom.day is not None:
            day = _day(year, month, atom.day)
            return day, day
        if atom.xun is not None:
            # 中下旬, 上、中旬, and 中上旬 written the other way round: the 旬 named, first to last
            named = [_XUN_DAYS[ch] for ch in atom.xun if ch in _XUN_DAYS]
            lo = min(a for a, _ in named)
            hi = min(max(b for _, b in named), last)
            return date(year, month, lo), date(year, month, hi)
        if atom.month_part in ("底", "末"):
            return date(year, month, last), date(year, month, last)
        if atom.month_part == "初":
            return date(year, month, 1), date(year, month, 10)
        if atom.month_part == "中":
            return date(year, month, 11), date(year, month, 20)
        return date(year, month, 1), date(year, month, last)
    if atom.quarter is not None:
        if not 1 <= atom.quarter <= 4:
            raise _NotADate(str(atom.quarter))
        first_month = 3 * atom.quarter - 2
        end_month = first_month + 2
        end = date(year, end_month, _last(year, end_month))
        if atom.quarter_part in ("末", "底"):
            return end, end
        if atom.quarter_part == "初":
            return date(year, first_month, 1), date(year, first_month, 10)
        return date(year, first_month, 1), end
    if atom.half is not None:
        if atom.half == "上半年":
            return date(year, 1, 1), date(year, 6, 30)
        return date(year, 7, 1), date(year, 12, 31)
    # 年内 (within the year) is due by its end, like 年底: no window of its own.
    # 年底, 年末, 2016年底
    return date(year, 12, 31), date(year, 12, 31)


def _shape(first: date, last: date) -> Shape:
    return "day" if first == last else "period"


def _single(m: re.Match[str], plan_year: int | None) -> DateExpr:
    atom = _atom_from(m, "s_")
    first, last = _interval(atom, _base_year(atom, plan_year, plan_year))
    if (
        m.group("s_before") is not None
        and atom.month is not None
        and atom.day is None
        and atom.xun is None
        and atom.month_part is None
    ):
        # 2017年5月前 is before May: due 4月30日 (5月底前 is due 5月31日).
        first = last = date.fromordinal(first.toordinal() - 1)
    return DateExpr(
        m.start(),
        m.end(),
        _shape(first, last),
        first,
        last,
        before=m.group("s_before") is not None,
        explicit_year=atom.explicit,
    )


def _range_end(a: _Atom, b: _Atom, a_first: date, a_year: int, plan_year: int | None) -> date:
    """Resolve the far end of a range: it inherits the year (and month) it leaves out,
    and a month earlier than the start's (11月—2月) means the following year."""
    if b.year is not None or b.rel is not None:
        return _interval(b, _base_year(b, a_year, plan_year))[1]
    if b.month is None and b.quarter is None and b.half is None and b.year_part is None:
        # 5月10日至20日, 3月上旬至中旬: the day or 旬 is in the start's month.
        b.month = a_first.month
        return _interval(b, a_year)[1]
    first, last = _interval(b, a_year)
    if first < a_first:
        last = _interval(b, a_year + 1)[1]
    return last


def _range(m: re.Match[str], plan_year: int | None) -> DateExpr:
    a = _atom_from(m, "ra_")
    if m.group("rb_donly") is not None:
        b = _Atom(day=_num(m.group("rb_donly")))
    elif m.group("rb_xonly") is not None:
        b = _Atom(xun=m.group("rb_xonly"))
    else:
        b = _atom_from(m, "rb_")
    a_year = _base_year(a, plan_year, plan_year)
    first, _ = _interval(a, a_year)
    last = _range_end(a, b, first, a_year, plan_year)
    return _make_range(m, first, last, a.explicit or b.explicit, m.group("rg_before"))


def _join_from_to(text: str, found: list[DateExpr]) -> list[DateExpr]:
    """Join "6月开始，8月底基本结束" (and 从/自…起，…完成) into one range: the start of
    the first and the end of the second, when the words between and after say so."""
    out: list[DateExpr] = []
    i = 0
    while i < len(found):
        a = found[i]
        b = found[i + 1] if i + 1 < len(found) else None
        b_last = _end_in_year_of(a, b) if b is not None else None
        if (
            b is not None
            and a.shape in ("day", "period")
            and b.shape in ("day", "period")
            and a.first is not None
            and b_last is not None
            and a.first <= b_last
            and not a.before
            and (
                between := _FROM_BETWEEN.match(text, a.end)
                # "开班时间为10月20日，10月29日结束": a start label, a comma, an end
                or (
                    (
                        _OPENS_BEFORE.search(text, max(0, a.start - 10), a.start) is not None
                        and _COMMA_ONLY.match(text, a.end)
                    )
                    or None
                )
            )
            is not None
            and between.end() == b.start
            and (
                (frm := _FROM_BEFORE.search(text, max(0, a.start - 3), a.start)) is not None
                or between.groupdict().get("qi") is None
                or _CLOSES_AFTER.match(text, b.end) is not None
            )
            # "6月下旬开始至7月中旬" is a range by itself; "6月开始，8月底" needs its 结束.
            and (between.groupdict().get("to") is not None or _TO_AFTER.match(text, b.end))
        ):
            out.append(
                DateExpr(
                    frm.start() if frm is not None else a.start,
                    b.end,
                    "range",
                    a.first,
                    b_last,
                    explicit_year=a.explicit_year or b.explicit_year,
                )
            )
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _end_in_year_of(a: DateExpr, b: DateExpr) -> date | None:
    """The far end of a two-clause range in the start's year when only the start wrote
    one (2017年2月开始至5月底 is 2017's May), else as read."""
    if b.last is None or a.first is None or not a.explicit_year or b.explicit_year:
        return b.last
    year = a.first.year + (1 if (b.last.month, b.last.day) < (a.first.month, a.first.day) else 0)
    last_day = calendar.monthrange(year, b.last.month)[1]
    at_end = b.last.day == calendar.monthrange(b.last.year, b.last.month)[1]
    return date(year, b.last.month, last_day if at_end else min(b.last.day, last_day))


def _make_range(
    m: re.Match[str], first: date, last: date, explicit: bool, before: str | None
) -> DateExpr:
    if last < first:
        raise _NotADate("range ends before it starts")
    return DateExpr(
        m.start(), m.end(), "range", first, last, before=before is not None, explicit_year=explicit
    )


def _shared_month(m: re.Match[str], plan_year: int | None) -> DateExpr:
    head = _Atom(rel=m.group("sm_rel"))
    if (y := m.group("sm_y")) is not None:
        head.year = _year(y)
    year = _base_year(head, plan_year, plan_year)
    m1, m2 = _num(m.group("sm_m1")), _num(m.group("sm_m2"))
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        raise _NotADate(m.group(0))
    first, _ = _interval(_Atom(month=m1), year)
    day = m.group("sm_d")
    tail = _Atom(
        month=m2,
        day=_num(day) if day is not None else None,
        xun=m.group("sm_x"),
        month_part=m.group("sm_mp"),
    )
    end_year = year + 1 if m2 < m1 else year
    last = _interval(tail, end_year)[1]
    return _make_range(m, first, last, head.explicit, m.group("sm_before"))


def _shared_day(m: re.Match[str], plan_year: int | None) -> DateExpr:
    head = _Atom(rel=m.group("sd_rel"))
    if (y := m.group("sd_y")) is not None:
        head.year = _year(y)
    year = _base_year(head, plan_year, plan_year)
    month = _num(m.group("sd_m"))
    if not 1 <= month <= 12:
        raise _NotADate(m.group(0))
    first = _day(year, month, _num(m.group("sd_d1")))
    last = _day(year, month, _num(m.group("sd_d2")))
    return _make_range(m, first, last, head.explicit, m.group("sd_before"))


def _lost_separator(m: re.Match[str]) -> DateExpr:
    """``2022年56月`` is ``2022年5—6月`` whose dash a web page dropped.

    Only read that way when exactly one split gives two valid months in
    increasing order (56 → 5–6, 612 → 6–12, 1012 → 10–12); anything else
    (2022年99月) is not a date.
    """
    year = _year(m.group("ls_y"))
    digits = m.group("ls_mm")
    splits = [
        (int(digits[:i]), int(digits[i:]))
        for i in range(1, len(digits))
        if digits[i] != "0" and digits[0] != "0"
    ]
    valid = [(a, b) for a, b in splits if 1 <= a < b <= 12]
    if len(valid) != 1:
        raise _NotADate(m.group(0))
    a, b = valid[0]
    first = date(year, a, 1)
    last = date(year, b, _last(year, b))
    return _make_range(m, first, last, True, None)


def _lost_month(m: re.Match[str], plan_year: int | None) -> DateExpr:
    """``526日前`` is ``5月26日前`` without its 月, when exactly one split is a date
    (115日 could be 1月15日 or 11月5日: not read)."""
    digits = m.group("lm_md")
    valid = []
    for i in range(1, len(digits)):
        month, day = int(digits[:i]), int(digits[i:])
        if digits[i] != "0" and 1 <= month <= 12 and 1 <= day <= _last(2000, month):
            valid.append((month, day))
    if len(valid) != 1:
        raise _NotADate(digits)
    written = m.group("lm_y")
    year = int(written) if written is not None else plan_year
    if year is None:
        raise _NoYear
    when = _day(year, *valid[0])
    return DateExpr(
        m.start(),
        m.end(),
        "day",
        when,
        when,
        before=m.group("lm_before") is not None,
        explicit_year=written is not None,
    )


def _numeric(m: re.Match[str], p: str) -> date:
    return _day(_year(m.group(p + "y")), int(m.group(p + "m")), int(m.group(p + "d")))


def _numeric_range(m: re.Match[str]) -> DateExpr:
    first = _numeric(m, "na_")
    year = int(m.group("nb_y")) if m.group("nb_y") else first.year
    last = _day(year, int(m.group("nb_m")), int(m.group("nb_d")))
    return _make_range(m, first, last, True, None)


_YEAR_BEFORE = re.compile(rf"{_Y}\s*年\s*\S?\s*(?:到|至|-|~)\s*$")


def _year_limit(m: re.Match[str]) -> DateExpr:
    if _YEAR_BEFORE.search(m.string, max(0, m.start() - 10), m.start()):
        raise _NotADate("a span of years")
    if m.string[max(0, m.start() - 2) : m.start()] == "截至":  # as of that year: a census
        raise _NotADate("as of a year")
    year = _year(m.group("yl_y"))
    when = date(year, 12, 31)
    return DateExpr(m.start(), m.end(), "day", when, when, before=True, explicit_year=True)


def _this_month(m: re.Match[str], written: date | None) -> DateExpr:
    if written is None:
        return DateExpr(m.start(), m.end(), "period", unresolved=True)
    atom = _Atom(
        month=written.month,
        day=_num(m.group("tm_d")) if m.group("tm_d") else None,
        month_part=m.group("tm_mp"),
        xun=m.group("tm_x"),
    )
    first, last = _interval(atom, written.year)
    before = m.group("tm_before") is not None
    if m.group("tm_in") is not None:  # 本月内: by the month's last day
        first, before = last, True
    return DateExpr(
        m.start(), m.end(), _shape(first, last), first, last, before=before, explicit_year=True
    )


def _month_day_range(m: re.Match[str], plan_year: int | None) -> DateExpr:
    if plan_year is None:
        raise _NoYear
    m1 = int(m.group("md_m1"))
    m2 = int(m.group("md_m2")) if m.group("md_m2") else m1
    first = _day(plan_year, m1, int(m.group("md_d1")))
    last = _day(plan_year + (1 if m2 < m1 else 0), m2, int(m.group("md_d2")))
    return _make_range(m, first, last, False, None)


def _numeric_single(m: re.Match[str]) -> DateExpr:
    day = _numeric(m, "n_")
    return DateExpr(
        m.start(),
        m.end(),
        "day",
        day,
        day,
        before=m.group("n_before") is not None,
        explicit_year=True,
    )


def _festival_day(m: re.Match[str], p: str) -> tuple[int, int]:
    name = re.sub(r"[\s·]", "", m.group(p + "f"))
    if name not in _FESTIVALS:
        # 每年春节, 每年重阳: a lunar day moves each year, so no yearly rule can hold it
        raise _NotADate(name)
    return _FESTIVALS[name]


_CELEBRATED = re.compile(r"(?:庆祝|庆|迎|纪念|结合|围绕|欢度|喜迎)\s*$")


def _qingming(year: int) -> date:
    """清明 (a solar term, 4 or 5 April): the usual formula for 2001–2099."""
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def _fest_deadline(m: re.Match[str], plan_year: int | None) -> DateExpr:
    if m.group("f_y") is not None:
        plan_year = _year(m.group("f_y"))
    if plan_year is None:
        raise _NoYear
    if re.sub(r"[\s·]", "", m.group("f_f")) == "春节":
        if plan_year not in _SPRING_FESTIVAL:
            raise _NotADate("春节")
        when = date(plan_year, *_SPRING_FESTIVAL[plan_year])
    elif re.sub(r"[\s·]", "", m.group("f_f")) == "重阳":
        if plan_year not in _DOUBLE_NINTH:
            raise _NotADate("重阳")
        when = date(plan_year, *_DOUBLE_NINTH[plan_year])
    elif re.sub(r"[\s·]", "", m.group("f_f")) == "清明":
        when = _qingming(plan_year)
    elif re.sub(r"[\s·]", "", m.group("f_f")) == "元旦":
        # 元旦前 in a year's plan is the New Year's Day that closes it.
        when = date(plan_year + 1, 1, 1)
    else:
        when = date(plan_year, *_festival_day(m, "f_"))
    if m.group("f_eve") is not None:
        when = date.fromordinal(when.toordinal() - 1)
    if m.group("f_at") is not None and _CELEBRATED.search(
        m.string, max(0, m.start() - 4), m.start()
    ):
        raise _NotADate("the occasion, not the time")  # 庆祝“三八”, 结合学雷锋纪念日
    return DateExpr(
        m.start(),
        m.end(),
        "day",
        when,
        when,
        before=m.group("f_before") is not None or m.group("f_eve") is not None,
        explicit_year=m.group("f_y") is not None,
        festival=re.sub(r"[\s·]", "", m.group("f_f")),
    )


def _rule_day(day: str | None, part: str | None, xun: str | None) -> int | None:
    if day is not None:
        return _num(day)
    if part is not None:
        return LAST_DAY
    if xun is not None:
        return {"上": 10, "中": 20, "下": LAST_DAY}[xun]
    return None


def _recurring(m: re.Match[str]) -> DateExpr:
    text = m.group("RECUR")
    head = re.sub(r"\s", "", text)[:3]
    rate = m.group("r_rate") or m.group("r_per") or m.group("r_by")
    try:
        if m.group("r_ye") is not None:
            rule = RecurringRule(freq="annual", month=12, day=LAST_DAY)
        elif rate is not None:
            rule = RecurringRule(
                freq="monthly" if rate == "月" else "annual" if rate == "年" else "quarterly"
            )
        elif re.search(r"[三3]\s*个\s*月", text):  # 每三个月召开一次
            rule = RecurringRule(freq="quarterly")
        elif head.startswith("每月") or head.startswith("每个月"):
            rule = RecurringRule(
                freq="monthly", day=_rule_day(m.group("r_md"), m.group("r_mp"), m.group("r_mx"))
            )
        elif "季" in head:
            if m.group("r_qp") is not None:
                rule = RecurringRule(freq="quarterly", month=3, day=LAST_DAY)
            elif m.group("r_qd3") is not None:
                rule = RecurringRule(freq="quarterly", month=3, day=_num(m.group("r_qd3")))
            elif m.group("r_qd1") is not None:
                rule = RecurringRule(freq="quarterly", month=1, day=_num(m.group("r_qd1")))
            elif m.group("r_qd") is not None:
                rule = RecurringRule(freq="quarterly", day=_num(m.group("r_qd")))
            else:
                rule = RecurringRule(freq="quarterly")
        elif m.group("r_f") is not None:
            month, day = _festival_day(m, "r_")
            if m.group("r_eve") is not None:  # 每年“七一”前夕: the day before
                eve = date.fromordinal(date(2001, month, day).toordinal() - 1)
                month, day = eve.month, eve.day
            rule = RecurringRule(freq="annual", month=month, day=day)
        elif m.group("r_am") is not None:
            rule = RecurringRule(
                freq="annual",
                month=_num(m.group("r_am")),
                day=_rule_day(m.group("r_ad"), m.group("r_amp"), m.group("r_ax")),
            )
        elif m.group("r_ay") is not None:
            rule = RecurringRule(freq="annual", month=12, day=LAST_DAY)
        elif m.group("r_aq") is not None:
            rule = RecurringRule(freq="annual", month=3 * _num(m.group("r_aq")), day=LAST_DAY)
        elif m.group("r_ah") is not None:
            rule = RecurringRule(
                freq="annual", month=6 if m.group("r_ah") == "上半年" else 12, day=LAST_DAY
            )
        else:
            rule = RecurringRule(freq="annual")
    except ValueError as exc:  # 每年2月30日 and the like
        raise _NotADate(text) from exc
    return DateExpr(
        m.start(), m.end(), "recurring", rule=rule, before=m.group("r_before") is not None
    )


# 第一、二、三、四季度, 第二三季度: quarters listed under one 季度.
_QUARTER_LIST = re.compile(
    r"(?<![\d〇零○一二三四五六七八九十])(?=[第一二三四1-4])第?\s*[一二三四1-4]"
    r"(?:(?:\s*[、和及与])?\s*[一二三四1-4]){1,3}\s*季度"
)
_QUARTER_NUMERAL = re.compile(r"[一二三四1-4]")


def _quarter_lists(text: str, plan_year: int | None) -> list[DateExpr]:
    """One expression per quarter of a list, each spanning its own numeral (the first
    with its 第, the last with its 季度)."""
    out: list[DateExpr] = []
    if plan_year is None:
        return out
    for m in _QUARTER_LIST.finditer(text):
        numerals = list(_QUARTER_NUMERAL.finditer(text, m.start(), m.end()))
        quarters = [_num(n.group()) for n in numerals]
        if len(set(quarters)) != len(quarters) or quarters != sorted(quarters):
            continue
        for i, n in enumerate(numerals):
            q = quarters[i]
            start = m.start() if i == 0 else n.start()
            end = m.end() if i == len(numerals) - 1 else n.end()
            first = date(plan_year, 3 * q - 2, 1)
            last = date(plan_year, 3 * q, _last(plan_year, 3 * q))
            out.append(DateExpr(start, end, "period", first, last))
    return out


def scan_dates(
    text: str, plan_year: int | None, *, this_month: date | None = None
) -> list[DateExpr]:
    """Every date expression in ``text`` (normalised), in order. ``this_month`` is the
    day the text was written or posted, which 本月23日前 counts from.

    Expressions that need the plan's year when ``plan_year`` is None come back
    with ``unresolved=True`` and no dates, so the caller can say what it skipped.
    """
    found: list[DateExpr] = []
    for m in _GRAMMAR.finditer(text):
        kind = m.lastgroup
        if kind is None:  # only the lookahead matched
            continue
        try:
            if kind == "THISMONTH":
                found.append(_this_month(m, this_month))
            else:
                found.append(_dispatch(kind, m, plan_year))
        except _NoYear:
            found.append(DateExpr(m.start(), m.end(), "period", unresolved=True))
        except _NotADate:
            continue
    listed = _quarter_lists(text, plan_year)
    if listed:
        taken = [(x.start, x.end) for x in listed]
        lo, hi = taken[0][0], taken[-1][1]
        found = [
            x
            for x in found
            if x.end <= lo or x.start >= hi or not any(x.start < b and a < x.end for a, b in taken)
        ]
        found = sorted(found + listed, key=lambda x: x.start)
    joined = _days_of_the_month_before(text, _join_from_to(text, found))
    return _yearly_lists(text, _days_listed(text, joined))


_DAY_AFTER = re.compile(
    rf"\s*(?P<j>[、和及与])\s*(?P<d>{_D})(?!\d)\s*[日号](?P<two>\s*(?:两|二|2)\s*天)?(?!\s*前)"
)
_OR = re.compile(r"\s*或(?:者)?\s*")


def _days_listed(text: str, found: list[DateExpr]) -> list[DateExpr]:
    """Days listed after a date with its month: 6月11日、18日 is two days, 12月19日和20日
    (or 4月11日、12日两天) one stretch of two; 11月底或12月初, either, is one window."""
    out: list[DateExpr] = []
    i = 0
    while i < len(found):
        x = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if (
            nxt is not None
            and x.first is not None
            and nxt.last is not None
            and x.rule is None
            and nxt.rule is None
            and (m := _OR.match(text, x.end)) is not None
            and m.end() == nxt.start
            and x.first <= nxt.last
        ):
            out.append(
                DateExpr(
                    x.start,
                    nxt.end,
                    "range",
                    x.first,
                    nxt.last,
                    explicit_year=x.explicit_year or nxt.explicit_year,
                )
            )
            i += 2
            continue
        out.append(x)
        i += 1
        if x.shape != "day" or x.last is None or x.rule is not None or x.before:
            continue
        pos, last, base = x.end, x.last, x
        while (m := _DAY_AFTER.match(text, pos)) is not None and (
            i >= len(found) or found[i].start >= m.end()
        ):
            try:
                day = _day(last.year, last.month, _num(m.group("d")))
            except _NotADate:
                break
            if day <= last:
                break
            if (day - last).days == 1 and (m.group("j") != "、" or m.group("two")):
                # consecutive days (19日和20日, 11日、12日两天): one stretch
                base = DateExpr(
                    base.start, m.end(), "range", base.first, day, explicit_year=base.explicit_year
                )
                out[-1] = base
            else:
                out.append(
                    DateExpr(m.start(), m.end(), "day", day, day, explicit_year=x.explicit_year)
                )
            pos, last = m.end(), day
    return out


_LIST_JOIN = re.compile(r"\s*(?:(?P<and>和|、|及|与|以及)|(?P<to>至|到|-{1,3}|~))\s*")
_LISTED_MONTH = re.compile(
    rf"(?P<m>{_M})\s*月(?:份)?(?:\s*(?P<d>{_D})(?!\d)\s*[日号]|\s*(?P<p>底|末))?"
)


def _yearly_lists(text: str, found: list[DateExpr]) -> list[DateExpr]:
    """每年的6月和12月: each month listed after a yearly one repeats yearly too; 每年6月至
    8月, a yearly window longer than a month, is kept on its last day."""
    out: list[DateExpr] = []
    for x in found:
        previous = out[-1] if out else None
        rule = previous.rule if previous is not None else None
        joined = (
            _LIST_JOIN.match(text, previous.end)
            if previous is not None and rule is not None and rule.freq == "annual"
            else None
        )
        listed = _LISTED_MONTH.match(text, x.start) if joined and joined.end() == x.start else None
        if previous is None or rule is None or joined is None or listed is None:
            out.append(x)
            continue
        try:
            month = _num(listed.group("m"))
            day = (
                _num(listed.group("d"))
                if listed.group("d")
                else LAST_DAY
                if listed.group("p") or joined.group("to")
                else None
            )
            new = RecurringRule(freq="annual", month=month, day=day)
        except (ValueError, _NotADate):
            out.append(x)
            continue
        end = x.start + listed.end() - listed.start()
        item = DateExpr(x.start, end, "recurring", rule=new, before=x.before)
        if joined.group("to"):
            out[-1] = DateExpr(previous.start, end, "recurring", rule=new, before=x.before)
        else:
            out.append(item)
    return out


def _days_of_the_month_before(text: str, found: list[DateExpr]) -> list[DateExpr]:
    """Give a day written without its month ("21日前") the month of the nearest date
    before it within a few hundred characters; drop it when there is none."""
    out: list[DateExpr] = []
    previous: DateExpr | None = None
    for x in found:
        if x.festival == "xun-only":
            if previous is None or previous.first is None or previous.last is None:
                continue
            xun = text[x.start : x.end].strip()[0]
            lo, hi = _XUN_DAYS[xun]
            month_end = _last(previous.last.year, previous.last.month)
            first = date(previous.last.year, previous.last.month, lo)
            last = date(previous.last.year, previous.last.month, min(hi, month_end))
            whole_month = previous.first.day == 1 and previous.last.day == month_end
            if (
                whole_month
                and out
                and out[-1] is previous
                and "。" not in text[previous.end : x.start]
            ):
                # the month and its 旬 are one window: 5月…定于上旬
                out[-1] = DateExpr(
                    previous.start,
                    x.end,
                    "period",
                    first,
                    last,
                    explicit_year=previous.explicit_year,
                )
            else:
                out.append(DateExpr(x.start, x.end, "period", first, last))
            continue
        if x.festival != "day-only":
            out.append(x)
            if x.last is not None:
                previous = x
            continue
        if previous is None or previous.last is None or x.start - previous.end > 400:
            continue
        day = int(re.sub(r"\D", "", text[x.start : x.end])[:2] or 0)
        first = previous.first or previous.last
        after = date(
            previous.last.year + (previous.last.month == 12), previous.last.month % 12 + 1, 1
        )
        # The first such day from the date before on: in its month, its end's, or the next.
        when = None
        for base in (first, previous.last, after):
            try:
                candidate = _day(base.year, base.month, day)
            except _NotADate:
                continue
            if candidate >= first:
                when = candidate
                break
        if when is not None:
            out.append(replace(x, first=when, last=when, festival=None))
    return out


def _dispatch(kind: str, m: re.Match[str], plan_year: int | None) -> DateExpr:
    if kind == "RECUR":
        return _recurring(m)
    if kind == "FEST":
        return _fest_deadline(m, plan_year)
    if kind == "SMONTH":
        return _shared_month(m, plan_year)
    if kind == "SDAY":
        return _shared_day(m, plan_year)
    if kind == "RANGE":
        return _range(m, plan_year)
    if kind == "LOSTSEP":
        return _lost_separator(m)
    if kind == "YEARLIMIT":
        return _year_limit(m)
    if kind == "XUNONLY":
        return DateExpr(m.start(), m.end(), "period", festival="xun-only")
    if kind == "DAYONLY":
        # Resolved against the date before it in scan_dates; a marker until then.
        return DateExpr(m.start(), m.end(), "day", rule=None, before=True, festival="day-only")
    if kind == "LOSTYEAR":
        atom = _Atom(
            year=_year(m.group("ly_y")),
            month=int(m.group("ly_m")),
            day=_num(m.group("ly_d")) if m.group("ly_d") else None,
            month_part=m.group("ly_mp"),
        )
        assert atom.year is not None
        first, last = _interval(atom, atom.year)
        before = m.group("ly_before") is not None
        return DateExpr(
            m.start(), m.end(), _shape(first, last), first, last, before=before, explicit_year=True
        )
    if kind == "LOSTMONTH":
        return _lost_month(m, plan_year)
    if kind == "NRANGE":
        return _numeric_range(m)
    if kind == "YMRANGE":
        y1, m1 = int(m.group("ym_y1")), int(m.group("ym_m1"))
        y2 = int(m.group("ym_y2")) if m.group("ym_y2") else y1
        m2 = int(m.group("ym_m2"))
        if not (1900 <= y1 <= 2200 and 1900 <= y2 <= 2200):
            raise _NotADate(m.group(0))
        return _make_range(m, date(y1, m1, 1), date(y2, m2, _last(y2, m2)), True, None)
    if kind == "MDRANGE":
        return _month_day_range(m, plan_year)
    if kind == "NUM":
        return _numeric_single(m)
    if kind == "SINGLE":
        return _single(m, plan_year)
    return DateExpr(m.start(), m.end(), "ongoing")


_YEAR_MENTION = re.compile(
    rf"{_NB}(?P<y>{_Y})\s*年(?:度)?(?P<dated>\s*(?:{_M}\s*月|底|末|上半年|下半年|第?[一二三四1-4]\s*季度))?"
)


# "截至2021年底", "2021年以来", "2021年6月至今": the past a plan starts from.
_PAST_BEFORE = re.compile(r"(?:截至|截止)(?:到)?\s*$")
# 2021年以来, 从2022年起已举办两届: a year the past is counted from.
_PAST_AFTER = re.compile(
    rf"\s*(?:{_D}\s*[日号])?\s*(?:以来|至今|来|(?:起|开始)\s*,?\s*(?:已|已经|先后|连续|累计|共))"
)


def year_mentions(text: str) -> list[tuple[int, int, int]]:
    """``(offset, year, weight)`` for every ``YYYY年`` in ``text``, as votes for the
    plan's year: 3 when a month, 底/末, half or quarter follows (a date the plan
    sets), 1 for a bare mention, 0 for the past it describes."""
    out = []
    for m in _YEAR_MENTION.finditer(text):
        try:
            year = _year(m.group("y"))
        except _NotADate:
            continue
        past = _PAST_BEFORE.search(text, max(0, m.start() - 4), m.start()) or _PAST_AFTER.match(
            text, m.end()
        )
        weight = 0 if past else 3 if m.group("dated") is not None else 1
        out.append((m.start(), year, weight))
    return out
