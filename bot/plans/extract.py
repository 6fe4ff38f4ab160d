"""Extract a plan's phases, deadlines, recurring rules and tasks from its own text.

The pipeline is: normalise (:mod:`.normalize`) → structure (:mod:`.structure`:
clutter, headings, sentences) → the year → date expressions (:mod:`.dates`) →
decide, from where each expression sits, what it is:

* a **phase** — a range or a period in a heading, "(3月上旬—4月中旬)" after
  "1、调查摸底，分类定级"; or a range in a sentence that names a 阶段;
* a **deadline** — an expression with 前/截止/于/在…, one after a label such as
  "完成时限：", a single day in a heading, or a range given to a task;
* a **recurring** rule — 每月25日前, 每季度, 每年"七一";
* **ongoing** — 长期 where the plan states a time limit ("完成时限：长期", "(长期)").

A bare date with none of those cues ("根据2021年6月…的精神") is a reference,
not a schedule, and is left out. Each non-phase item belongs to a task: the
heading it sits under when that heading carries exactly one such item,
otherwise the sentence it is in. The plan's tasks are those, plus the
undated lowest-level headings of the sections that hold work (任务, 措施, 步骤 …
rather than 指导思想, 存在问题, 组织领导 …).
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from bot.plans.dates import DateExpr, scan_dates, spring_festival_after, year_mentions
from bot.plans.model import (
    MAX_YEAR,
    MIN_YEAR,
    ExtractedItem,
    ExtractedTask,
    Extraction,
    ItemKind,
    Owner,
    RecurringRule,
    YearSource,
)
from bot.plans.normalize import normalize, strip_glosses
from bot.plans.structure import (
    LABEL,
    ROW_SEPARATOR,
    Document,
    Line,
    clean,
    find_title,
    parse,
    shorten,
    starts_with_label,
    strip_punct,
)

# A numbered line that is a field of its parent ("1、活动主题：…", "3、活动时间 …").
_FIELD_HEADING = re.compile(
    rf"\s*[\u3400-\u9fff]{{0,4}}(?:主题|要求|地点|对象|形式|单位|人员|目的|内容|{LABEL})\s*(?::|\s)"
)
_LINE_LABEL = re.compile(rf"\s*[\u3400-\u9fff]{{0,6}}?(?P<label>{LABEL})\s*:")
# 时间：, 时间为, 时间暂定, 时间定于, 时间拟定在: a label whose value is the date.
_LABEL_BEFORE = re.compile(
    rf"(?:(?P<label>{LABEL})(?:\s*(?::|为|是|(?:暂|拟|初)?定(?:为|于|在)?|安排在)?\s*(?:从|自)\s*"
    r"|\s*(?::|为|是|(?:暂|拟|初)?定(?:为|于|在)?|安排在)?\s*)"
    # "(时间9月16日升旗仪式)": a bracketed note opening with its label
    r"|(?<=\()\s*(?P<plabel>时间|日期)\s*)$"
)
_COMPLETION_LABEL = re.compile(r"完成|时限|期限|截止|办结")
# 于/在/到 as "at/by", not as the tail of 关于, 存在, 达到 …
_AT_BEFORE = re.compile(
    r"(?:(?<![关属至对等由基鉴在处善敢勇乐便利易忠限源出位用过])于"
    r"|(?<![存现正实所旨内自好])在"
    r"|截止到?|截至到?|截止(?:日期|时间)(?:为|是)?|不晚于|不迟于|不超过|最迟|最晚|直到"
    r"|(?:即日|今日|现在|今)?起\s*(?:至|到)"
    r"|利用|决定|拟定|确定"
    r"|(?<![达做得收提遇感办想来回落看找受报直])到)"
    r"\s*(?:今年|本年|当年)?\s*$"
)
# An upper limit, whose date is an end and no window: 截止到10月, 不超过10月上旬.
_LIMIT_BEFORE = re.compile(
    r"(?:(?:截止|截至|不超过|不晚于|不迟于|最迟|最晚|直到|之前)(?:到|于|在|日期|时间)?"
    # "——到2021年2月，街道制定工作方案": a target by then (not 达到, 收到 …)
    r"|(?:^|(?<=[,;。:\s—\-(]))(?:力争)?到|起\s*(?:至|到))\s*$"
)
_VERB_AFTER = re.compile(
    # "…年内都能参加一次轮训": what each must manage by then
    r"\s*(?:分别|各|均|都)?\s*(?:能|须|要|应)?\s*(?:前后|完成|结束|完毕|召开|举行|举办|开展|启动|报送|上报|进行|组织(?![部委])|公布|公示|参加"
    r"|评选|评审|评比|表彰|验收|提交|上交|报名|征集|部署|动员|集中|统一|全面|达到|实现|销号|建成"
    r"|(?:要|须|需|应|将)(?:召开|举行|举办|开展|完成|组织|进行|报送|上报|提交)|至少|顺利|集中开展)"
)
_ISSUED_DOC = re.compile(r"[^。;]{0,24}?(?:印发|出台|下发|颁布|发布)(?:了)?\s*(?:《|\()")
_BARE_LABEL = re.compile(rf"\s*[\u3400-\u9fff]{{0,6}}?(?P<label>{LABEL})\s*:?\s*")
_LABEL_THEN = re.compile(rf"(?P<label>{LABEL})\s*(?::|为|是)[^,;。()]{{0,12}}$")
_AS_OF_BEFORE = re.compile(r"(?:截止|截至)(?:到)?\s*(?:\d{2}\s*年)?\s*$")
# … qualifying a noun phrase (…的) it opens, not a clause of work (截止到2020年底全部完成).
_AS_OF_AFTER = re.compile(
    r"\s*(?![前止以之内]|[上下中晚早]午|晚上|早上|当天)[\u3400-\u9fff][^,;。:!?()]{0,30}?的"
    # … or a count as of that day: 截至2021年底全县共有党支部126个
    r"|\s*,?[^,;。:!?()]{0,12}?(?:共有|累计|已有|现有|共计|合计|总计|满\s*\d|不满|未满)"
)
# 作为上半年支部学习的重点, 第三季度的主要任务是…: a period given its work as its focus.
_FOCUS_AFTER = re.compile(r"[^,;。:!?]{0,12}?的(?:工作)?(?:重点|重心|主要任务|中心任务|任务)")
# 每年增长5%, 每月都有…: 每 describing a rate or a habit, not when work is due.
_RATE_AFTER = re.compile(r"\s*(?:增长|递增|增加|减少|下降|提高|降低|都|均|也)")
# 每月的最后一个星期三, 每月收缴的党费: 每 qualifying a thing, not setting a time.
_QUALIFIES = re.compile(r"每\s*(?:个\s*)?(?:月|季度?|年度?)[^,;。:\s的次]{1,4}的")
# 每月活动主题, 每年年初: 每 naming a thing (a topic, a plan) or a vague time, not a schedule.
_QUALIFIES_NOUN = re.compile(
    r"\s*(?:年?初|年中|开学"
    r"|(?:(?!次|开展|组织|召开|举行|举办|进行|报送|上报|提交|制定|研究)[\u3400-\u9fff]){1,4}?"
    r"(?:主题|计划|安排|内容|情况)(?!\s*[一1]次))"
)
_CLAUSE_SEPARATORS = ",;:"
# What is left of "，3月底前完成" or "到2024年底，" once the date is out: nothing a
# title needs.
_DATE_FILLER = re.compile(
    r"(?:\s|[。.!?]|(?:时间|日期)(?:为|是)?|于|在|到|至|截至|截止|之前|以前|前后|前"
    r"|完成|结束|完毕|到位|全部|均|须|应|要|务必|力争|期间|时|起)*"
)
# 一是…, 二是…, 首先…: how a sentence counts its points, not part of a title.
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+是|首先|其次|再次|最后|另外)[,，、:：]?")
# 每年"七一"前后开展…: words that go with a date and leave a title with it.
_AROUND_AFTER = re.compile(r"\s*(?:前后|期间|时间|时|间|起)")
# 自2022年3月起, 2021年以来, 6月以后: a start or a past period, not a due date.
_START_AFTER = re.compile(r"\s*(?:起|开始|以来|至今|以后|之后|后(?!备)|期间)")
_STAGE_PHRASE = re.compile(r"第[一二三四五六七八九十\d]{1,3}阶段|[\u3400-\u9fff]{2,6}阶段")
# Every character _DATE_FILLER can match: a clause holding any other character cannot
# be filler, which is decided without building the clause (see _Builder._is_filler).
_FILLER_CHARS = "。.!?" + "".join(sorted(set(re.findall(r"[\u3400-\u9fff]", _DATE_FILLER.pattern))))
_NOT_FILLER = re.compile(rf"[^\s{re.escape(_FILLER_CHARS)}]")
_NON_SPACE = re.compile(r"\S")
_NOT_SPACE_OR_PAREN = re.compile(r"[^ (]")
_NOT_CELL_FILL = re.compile(r"[^ 。.完成]")
_PARENS = re.compile(r"[()]")
_COMMAS = re.compile(r"[,;]")
_CLAUSE_SEPARATOR = re.compile(f"[{_CLAUSE_SEPARATORS}]")
# The longest cue _AT_BEFORE ends with (截止到, 不晚于 …) and the longest year word (今年).
_AT_WORD_MAX = 5
_AT_YEAR_MAX = 2
_STAGE_MARKER = re.compile(r"^第[一二三四五六七八九十\d]{1,3}(?:阶段|步|部分|章)$")
# Sections that hold work, and those that describe or exhort. 保障措施 and 工作要求
# are advice even though 措施 and 工作 sound like work, so they are checked first.
_SECTION_ADVICE = re.compile(r"保障|指导思想|基本情况|存在问题|组织领导|工作要求|有关要求")
_SECTION_OF_WORK = re.compile(r"任务|措施|步骤|安排|内容|举措|重点|方法|活动|实施|推进")
# A heading that is nothing but a time label: 时间, 会议时间, 完成时限 (not 时间安排,
# which heads a schedule of several phases).
# What may follow a date on its line when the date is a key's value: the weekday and
# the time of day (2024年10月28日(星期一)19:00, 6月30日下午2:30。).
_TIME_OF_DAY = re.compile(
    r"\s*(?:\(\s*(?:星期|周|礼拜)[一二三四五六日天]\s*\)|(?:星期|周)[一二三四五六日天])?\s*"
    r"(?:(?:上午|下午|晚上|中午|早上|凌晨|傍晚)?\s*\d{1,2}\s*[:点时]\s*(?:\d{1,2}\s*分?)?"
    r"(?:\s*[-~至到]\s*\d{1,2}\s*[:点时]\s*(?:\d{1,2}\s*分?)?)?)?\s*[。.;]?\s*"
)
_SPACE = re.compile(r"\s+")
# 10月1日晚 is that evening (but 晚于 is "later than", 晚会/晚报 are nouns).
_DAYTIME_AFTER = re.compile(r"\s*(?:上午|下午|中午|晚上|早上|傍晚|凌晨|晚(?![于会报宴餐期点些]))")
_PAST_TENSE = re.compile(r"(?:召开|举行|举办|开展|进行|部署|完成)了")
_WILL_HOLD = re.compile(r"将(?:召开|举行|举办)")
_WILL_BE_HELD = re.compile(r"将于\s*$")
_NATIONAL = re.compile(
    r"全国人大|全国政协|中共中央|党中央|国务院|人民大会堂|中央广播|北京召开|北京举行"
)
_HELD_IN_CAPITAL = re.compile(r"[^。;]{0,40}?(?:在京|在北京|于北京)(?:隆重)?(?:召开|举行|开幕)")
_BATCH_BEFORE = re.compile(r"第[一二三四五六七八九十\d]{1,2}批\s*[,:]?\s*$")
# 六月份为开展…宣传活动月, 第三季度为集中整改期.
_NAMED_PERIOD = re.compile(r"\s*(?:为|是|定为|作为)[^,;。]{0,24}?(?:月|周|阶段|期)(?=\s*[,;。])")
_EVENT_LABEL = re.compile(r"活动|会议|大会|赛|演出|培训|考试|答辩|展演")
_LABEL_TITLE = re.compile(
    r"[\u3400-\u9fff]{0,4}(?:时间|日期|时限|期限)(?:[和、及与]?地点)?(?:[和、及与]?(?:安排|布置|要求|节点))?"
)
_STEP_SECTION = re.compile(
    r"步骤|阶段|时间[及和与、]?安排|进度|流程|日程|方法步骤|实施安排|工作安排"
)
_SECTION_DESCRIPTIVE = re.compile(
    r"指导思想|总体要求|目标|原则|基本情况|现状|问题|背景|意义|认识|领导|保障|要求|机构"
)

# Who does what in a sentence: a body named as the subject of a clause. The issuing
# body (区委, 镇党委, 工委, 学校, 集团公司, 党群工作部 …) or the branches (各支部, 党支部 …).
_DOER = re.compile(
    r"(?<![^,;。:、\s()\d.!?日号旬月底末])"  # at the head of a clause, or after its time
    # (a name may quote its field: 省“两新”组织党工委)
    r"(?P<who>(?![在到向给与和从对经按据同])(?:[\u3400-\u9fff“”\"]{0,16}?)"
    r"(?:党工委|工委|党委|党组|区委|县委|市委|镇委|团委|组织部|宣传部|工作部|纪工委|纪委|领导小组|办公室"
    r"|学校|集团公司|公司|党支部|总支部|支部|党总支|党小组|党组织|单位|部门|我们|我委|中心组"
    r"|班子成员|领导干部|党委办|党办)"
    r"(?:班子成员|书记|领导)?)"
    # … and an adverb may stand before the verb: 党委组织部一般于每年的第一季度
    r"(?!系统)(?=\s*(?:一般|原则上|通常|每年)?\s*(?:将|要|会|拟|应|须|于|在|对|负责|统一|组织(?!部|的|生活|关系|建设|委员)|进行|适时|牵头|会同|召开|开展"
    # … or straight into the date of its duty: "工委12月20日前组织审核验收"
    r"|\d{1,2}\s*月|\d{4}\s*年|[一二三四五六七八九十]{1,2}\s*月|年底|年内|[上下]半年|第[一二三四]季度"
    r"|(?:今|本|明)年\s*(?:\d|[一二三四五六七八九十]|年底|[上下]半年)"
    r"|把|择优|视情|印发|通过|结合|根据|按照|分别|也|都|均|请|定|决定|研究|经研究|举办|举行|每"
    r"|公示|审核|审批|审查|表彰|考察|评审|评定|预审|初审|一审|二审|下发|通报|汇总|主持))"
)
# "…请上台领奖人员于12:20集合": a sentence asking people to come is addressed to them.
_ASKS_MEMBERS = re.compile(r"请[^,;。]{0,12}?(?:人员|党员|同志|代表|各)")
_TIME_KEY_BEFORE = re.compile(r"(?:时间|日期)\s*:")
_TARGET_SET = re.compile(
    r"达到|实现|建成|覆盖|销号|消化|全面完成|提升至|\d+\s*%|百分之"
    # "到2020年，…格局基本形成", "到2021年，…模式全面成熟": a state the body reaches
    r"|(?:基本|全面|初步)(?:形成|成熟|建立|健全)"
)
_TARGET_BEFORE = re.compile(r"(?:力争|争取)?(?:到|至)\s*$|(?:力争|争取)(?:在)?\s*$")
_OVER_UNITS = re.compile(
    r"由[^;。]{0,40}?对(?:所辖|下属|辖区|辖内)[^,;。]{0,12}?(?:党组织|支部|党委|单位)"
)
# A date the issuing body sets for its own meeting, no subject named: 拟定于12月28日召开.
_CONVENE_BEFORE = re.compile(r"(?:拟定于|拟于|定于|定在|定为|决定于|决定在|拟在|决定|拟定)\s*$")
_ORGANISER = re.compile(r"(?:组织|主办|承办|牵头|责任)(?:单位|部门)\s*:\s*(?P<who>[^\n]*)")
# Who leads an activity wins over who takes part: "(宣传部牵头)" in its heading,
# "牵头部门：区委组织部" above "责任单位：各乡镇".
_LEAD = re.compile(
    r"\(\s*(?P<paren>[^()\n]{1,24}?)\s*牵头\s*\)|(?:牵头|主办)(?:单位|部门)\s*:\s*(?P<who>[^\n]*)"
)
_OF_AFTER = re.compile(r"(?:召开|举行|举办|开展|印发|发布)的")
_DOER_THEN_WORK = re.compile(
    r"\s*(?:(?![的不未])[\u3400-\u9fff]){1,10}?(?:组织(?!生活|关系|建设|部|委员)|开展|召开|举办|举行|进行|完成|报送|上报|参观|部署|启动"
    r"|评选|评议|表彰|慰问|走访|培训|检查|考核|督查|验收|总结|整改"
    # … or the event held then: "9月22日支部组织生活，学习…"
    r"|(?:组织生活会?|党课|主题党日|支委会|党员大会|座谈会|动员会)(?=\s*[,;。]))"
)
_TARGET_VERB = re.compile(r"达到|实现|建成|达标|全覆盖|完成|开展|召开|举办|举行")
# A sentence that says the activity is held (开展…活动, 举行…, 集中整顿, …结束).
_HOLDS_ACTIVITY = re.compile(r"开展|举行|举办|进行|实施|启动|集中|结束|完成")
_COMMITTEE_REVIEW = re.compile(
    r"\s*(?:第[一二三四五六七八九十\d]{1,3}阶段)?\s*[:,]?\s*[\u3400-\u9fff]{0,8}?"
    r"(?:党工委|工委|党委|党组|区委|县委|市委|组织部)\s*(?:统一|集中)?"
    r"(?:审核|考核|验收|评定|审查|复核|检查|评审|认定|审批|督查|督导)"
)
_CHECK_AFTER = re.compile(r"\s*(?:统一|集中)?(?:检查|验收|评比|评选|评定|考核|审核)")
_WILL = re.compile(r"\s*(?:将|负责)")
_BRANCH_WHO = re.compile(r"各|基层|二级|所属|下属|直属|支部|党小组|党组织|单位|部门|班级|年级")
# The branches named as doers of the same step: then it is not the committee's alone.
_BRANCH_DOER = re.compile(r"各[^,;。]{0,8}(?:党组织|支部|单位|党委|党总支|部门)|党支部|党小组")
# A criterion is not a task: 有精准的品牌选题, 有健全的工作机制.
_CRITERION = re.compile(r"^\s*(?:\d+\.?\s*)?有[^,;。:]{1,24}的")
_FIELD = re.compile(
    r"\s*[\u3400-\u9fff]{0,4}(?:主题|要求|地点|对象|形式|单位|人员|目的|意义|原则|口号|名称|内容)\s*:"
)
_SECTION_CRITERIA = re.compile(r"标准|条件|指标")
_SECTION_CRITERIA_EXCEPT = re.compile(r"任务|步骤|措施|安排|阶段")


@dataclass(slots=True)
class _Found:
    expr: DateExpr
    kind: ItemKind
    heading: int | None  # the heading whose block holds the expression
    in_segment: bool  # inside that heading's own title sentence
    phase_title: str | None = None  # for phases found in a sentence
    owner: int | None = None  # heading that owns a non-phase item (None: its sentence)
    title: str = ""
    cell: tuple[int, int] | None = None  # table cell, for items found in a table row
    who: Owner = "branch"  # whose duty: a branch's, or the committee's own
    limit: bool = False  # given as an upper limit (前, 截止到, 不超过): no window


@dataclass(frozen=True, slots=True)
class _Context:
    heading: int | None
    in_segment: bool
    paren: tuple[int, int] | None
    label: str | None
    cue: bool  # 于/在/截止 before, a verb after, or at the head of its sentence
    starts: bool  # followed by 起/以来/之后: not a due date
    stage_sentence: bool
    schedule_line: bool  # "3月1日—15日：动员部署" at the start of a line
    cell: tuple[int, int] | None  # the table cell holding it, when in a table row
    cell_alone: bool  # the cell holds nothing else: a 完成时限 column
    first_body: bool  # in the first sentence that follows its heading's title
    label_direct: bool = False  # the label stands right before it (not only opens its line)


def extract(text: str, *, year: int | None = None, source_date: date | None = None) -> Extraction:
    """Read a plan's title, year, phases, deadlines, recurring rules and tasks.

    ``year`` (when given) is the plan's year and wins over everything; without
    it the year is the one the plan's text uses most for its dates, else the
    document's date line, else the web page's date, else ``source_date``.
    Pure: no I/O, no clock.
    """
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR}, got {year}")
    read, where = strip_glosses(text)
    doc = parse(read, normalize(read))
    plan_year, year_source, warnings = _infer_year(doc, year, source_date)
    issued = doc.date_line_dates[-1] if year is None and doc.date_line_dates else None
    builder = _Builder(doc, plan_year, issued, cover=_cover_year(doc) is not None)
    found = builder.build(find_title(doc), year_source, warnings)
    if where is None:
        return found
    return found.model_copy(update={"items": [_map_back(i, text, where) for i in found.items]})


def _map_back(item: ExtractedItem, text: str, where: list[int]) -> ExtractedItem:
    """An item found in the text without glosses, with its span in the original."""
    a, b = item.span
    span = (where[a], where[b - 1] + 1) if b > a else (where[a], where[a])
    return item.model_copy(update={"span": span, "text": text[span[0] : span[1]]})


def _infer_year(
    doc: Document, year: int | None, source_date: date | None
) -> tuple[int | None, YearSource | None, list[str]]:
    if year is not None:
        return year, "argument", []
    cover = _cover_year(doc)
    if cover is not None:
        return cover, "text", []
    mentions = year_mentions(doc.scan)
    if mentions:
        # A year the plan dates things in (2022年4月, 2016年底) weighs more than one
        # merely mentioned, and the past it starts from (2021年以来) not at all unless
        # nothing else is there; ties go to the year the text names first.
        if not any(weight for _, _, weight in mentions):
            if doc.meta_years and doc.meta_years[0] > max(y for _, y, _ in mentions):
                # only the past (活动从2022年起已举办两届) against the page's own later
                # posting date: the page was written in the year it was posted
                y = doc.meta_years[0]
                return y, "document_date", [f"年份取自网页的发布或更新时间（{y}年），请核对"]
            mentions = [(pos, y, 1) for pos, y, _ in mentions]
        score: Counter[int] = Counter()
        first: dict[int, int] = {}
        for pos, y, weight in mentions:
            score[y] += weight
            first.setdefault(y, pos)
        best = max(score, key=lambda y: (score[y], -first[y]))
        dated = any(weight >= 3 for _, _, weight in mentions)
        if not dated and doc.date_line_years and doc.date_line_years[-1] != best:
            # Only bare mentions (关于召开2018年度组织生活会的通知) against the document's
            # own date line (2019年1月9日): the year it was issued in dates its steps.
            return doc.date_line_years[-1], "document_date", []
        if not dated and doc.docno_years and doc.docno_years[0] != best:
            # … or against its own number (中新党发〔2020〕35号; "2019年年终考核结果"
            # in its criteria is the past it looks at)
            return doc.docno_years[0], "document_date", []
        return best, "text", []
    if doc.date_line_years:
        return doc.date_line_years[0], "document_date", []
    if doc.docno_years:
        y = doc.docno_years[0]
        return y, "document_date", [f"年份取自文号（{y}年），请核对"]
    if doc.meta_years:
        y = doc.meta_years[0]
        return y, "document_date", [f"年份取自网页的发布或更新时间（{y}年），请核对"]
    short = _SHORT_YEAR.search(doc.scan)
    if short is not None:
        # "19年上半年拟发展名额", "截止19年3月底": a year written with two digits
        y = 2000 + int(short.group(1))
        return y, "text", [f"年份按“{short.group(0)}”读作{y}年，请核对"]
    if source_date is not None:
        y = source_date.year
        return y, "source_date", [f"正文没有年份，按文件日期取{y}年，请核对"]
    return None, None, []


_SHORT_YEAR = re.compile(
    r"(?<![\d\-/.])([0-3]\d)\s*年(?=\s*(?:上半年|下半年|度|\d{1,2}\s*月|[一二三四五六七八九十]{1,2}月|底|第))"
)

# "活动时间：2013年3月—4月" above the first heading: the cover says when the plan runs.
_COVER_LABEL = re.compile(r"\s*[\u3400-\u9fff]{0,6}(?:时间|日期|期限|时限|年度)\s*:")


def _cover_year(doc: Document) -> int | None:
    """The year the plan's title or cover line gives it ("2023年度…工作要点",
    "活动时间：2013年3月—4月"), which a stale year left in the body must not
    override. None when neither names one."""
    end = doc.headings[0].line_start if doc.headings else len(doc.norm)
    title_years: list[int] = []
    for line in doc.lines:
        if line.start >= end or line.start > 2000:
            break
        if line.kind != "body":
            continue
        label = _COVER_LABEL.match(doc.scan, line.start, line.end)
        # A period in brackets after a title (…三年行动计划(2022年至2024年)) spans years;
        # the title's own year is the one outside them.
        raw = _BRACKETED.sub(lambda m: " " * len(m.group()), doc.scan[line.start : line.end])
        mentions = year_mentions(raw)
        if label is not None:
            dated = [y for _, y, weight in mentions if weight == 3]
            if dated:
                return dated[0]
        elif _PLAN_TITLE.search(doc.norm, line.start, line.end):
            title_years.extend(y for _, y, weight in mentions if weight)
    return title_years[0] if len(set(title_years)) == 1 else None


_BRACKETED = re.compile(r"\([^()]*\)")

# A plan's title names the year it plans ("2023年度党建工作要点"); a notice's title
# may name the year it looks back on ("关于召开2018年度组织生活会的通知", sent in 2019).
_PLAN_TITLE = re.compile(r"(?:方案|计划|要点|安排|规划)\s*(?:\([^()]*\))?\s*(?:\)|》)?\s*$")


class _Builder:
    def __init__(
        self, doc: Document, year: int | None, issued: date | None = None, *, cover: bool = False
    ) -> None:
        #: The document's issue date when the plan's year was not given: year-less dates
        #: are read from it (all of them when the year was inferred from the body, only
        #: those that would land a year late when the cover printed the year).
        self.issued = issued
        self.cover = cover
        self.doc = doc
        self.norm = doc.norm
        self.year = year
        self.phase_headings: dict[int, _Found] = {}
        self._heading_titles: dict[int, str] = {}
        self.exprs: list[DateExpr] = []
        self._expr_starts: list[int] = []
        # Indexes and memos that keep the work per expression independent of how
        # long its line or sentence is (a sentence of 4,000 dates must not cost
        # 4,000 scans of that sentence, each titling 4,000 dates).
        self._rev = self.norm[::-1]
        self._parens = [m.start() for m in _PARENS.finditer(self.norm)]
        self._commas = [m.start() for m in _COMMAS.finditer(self.norm)]
        self._clause_seps = [m.start() for m in _CLAUSE_SEPARATOR.finditer(self.norm)]
        self._row_seps: dict[int, tuple[list[int], list[int]]] = {}
        self._stage_sentences: dict[tuple[int, int], bool] = {}
        self._stripped_memo: dict[tuple[int, int, str, str | None], bool] = {}
        self._without_memo: dict[tuple[int, int, bool], tuple[str, str]] = {}
        self._sentence_titles: dict[tuple[int, int], str] = {}
        self._stage_phrases: dict[tuple[int, int], tuple[int, int] | None] = {}
        self._row_cells: dict[int, list[str]] = {}
        self._row_titles: dict[tuple[int, str], str] = {}
        self._cell_texts: dict[tuple[int, int], str] = {}
        self._doers: dict[tuple[int, int], list[tuple[int, Owner]]] = {}
        self._heading_owners: dict[int, Owner] = {}
        self._organisers: dict[int, Owner | None] = {}
        self._intros: dict[int, str | None] = {}
        self._dummy: dict[int, DateExpr] | None = None

    # --- text lookups -------------------------------------------------------------------

    def _last(self, pattern: re.Pattern[str], lo: int, hi: int) -> int:
        """The last offset in ``lo``..``hi`` whose character ``pattern`` (one character)
        matches, or -1. Scans backwards from ``hi``, so it stops at the nearest."""
        n = len(self.norm)
        m = pattern.search(self._rev, n - hi, n - lo) if lo < hi else None
        return n - 1 - m.start() if m else -1

    def _paren_around(self, start: int, end: int, lo: int, hi: int) -> tuple[int, int] | None:
        """Offsets of the "(" and ")" around ``norm[start:end]`` within ``lo``..``hi``:
        the nearest bracket on each side must be the opening and the closing one."""
        parens = self._parens
        i = bisect_left(parens, start) - 1
        if i < 0 or parens[i] < lo or self.norm[parens[i]] != "(":
            return None
        j = bisect_left(parens, end)
        if j >= len(parens) or parens[j] >= hi or self.norm[parens[j]] != ")":
            return None
        return parens[i], parens[j]

    @staticmethod
    def _last_before(positions: list[int], lo: int, pos: int) -> int:
        """The last of ``positions`` in ``lo``..``pos`` (exclusive), or -1."""
        i = bisect_left(positions, pos) - 1
        return positions[i] if i >= 0 and positions[i] >= lo else -1

    @staticmethod
    def _first_from(positions: list[int], pos: int, hi: int) -> int:
        """The first of ``positions`` in ``pos``..``hi`` (exclusive), or ``hi``."""
        j = bisect_left(positions, pos)
        return positions[j] if j < len(positions) and positions[j] < hi else hi

    def _cell_span(self, start: int, end: int, line: Line) -> tuple[int, int] | None:
        """:func:`bot.plans.structure.cell_span`, with the row's separators found once."""
        if line.kind != "row":
            return None
        seps = self._row_seps.get(line.start)
        if seps is None:
            found = list(ROW_SEPARATOR.finditer(self.norm, line.start, line.end))
            seps = ([m.start() for m in found], [m.end() for m in found])
            self._row_seps[line.start] = seps
        starts, ends = seps
        i = bisect_right(ends, start) - 1
        j = bisect_left(starts, end)
        return (
            ends[i] if i >= 0 else line.start,
            starts[j] if j < len(starts) else line.end,
        )

    def _at_floor(self, lo: int, pos: int) -> int:
        """Where an _AT_BEFORE match ending at ``pos`` can start at the earliest: its cue
        word, an optional 今年, and the spaces around it. Searching from there finds
        what searching from ``lo`` finds, without trying every position of a clause."""
        norm = self.norm
        i = pos
        while i > lo and norm[i - 1].isspace():
            i -= 1
        i -= _AT_YEAR_MAX
        while i > lo and norm[i - 1].isspace():
            i -= 1
        return max(lo, i - _AT_WORD_MAX - 1)

    def _stripped_empty(self, lo: int, hi: int, remove: str, chars: str | None) -> bool:
        """``not norm[lo:hi].replace(remove, "").strip(chars)``, once per span and text."""
        key = (lo, hi, remove, chars)
        if key not in self._stripped_memo:
            self._stripped_memo[key] = not self.norm[lo:hi].replace(remove, "").strip(chars)
        return self._stripped_memo[key]

    # --- classification -------------------------------------------------------------

    def _context(self, x: DateExpr) -> _Context:
        doc, norm = self.doc, self.norm
        line = doc.line_at(x.start)
        h = doc.heading_at(x.start)
        heading = doc.headings[h] if h is not None else None
        in_segment = heading is not None and heading.title_start <= x.start < heading.seg_end
        paren = self._paren_around(x.start, x.end, line.start, line.end)
        label_from = paren[0] + 1 if paren else line.start
        lm = _LABEL_BEFORE.search(norm, max(label_from, x.start - 12), x.start)
        sent_start, sent_end = doc.sentence_at(x.start)
        lead = heading.title_start if heading is not None and in_segment else line.start
        after = norm[x.end : x.end + 8]
        before_start = self._last(_NOT_SPACE_OR_PAREN, sent_start, x.start)
        initial = (
            after.lstrip()[:1] in (",", ":")
            and (
                before_start < 0 or norm[before_start] in ",;"  # "…获悉，5月底，全部完成换届"
            )
        ) or (
            # "2024年底辖区所有党支部达到标准": a sentence that opens with its time and
            # sets a target or a piece of work.
            before_start < 0
            and (
                (
                    (x.explicit_year or norm[x.end - 1] in "底末")
                    and _TARGET_VERB.search(norm, x.end, min(sent_end, x.end + 40)) is not None
                )
                # "5月份各支部组织一次专题学习": the time, its doer, the work.
                or _DOER_THEN_WORK.match(norm, x.end, sent_end) is not None
            )
            and _PAST_TENSE.search(norm, x.end, min(sent_end, x.end + 40)) is None
            and _OF_AFTER.search(norm, x.end, min(sent_end, x.end + 12)) is None
        )
        cell = self._cell_span(x.start, x.end, line)
        first_body = (
            heading is not None
            and not in_segment
            and sent_start
            == self._next_sentence_start(
                heading.seg_end + 1 if heading.seg_end < heading.line_end else heading.line_end
            )
        )
        direct_label = (lm.group("label") or lm.group("plabel")) if lm else None
        if direct_label is None and paren is not None:
            # "授课时间为第7至第11周（4月8日-5月10日）": the bracket restates a labelled time
            lp = _LABEL_THEN.search(norm, max(line.start, paren[0] - 16), paren[0])
            direct_label = lp.group("label") if lp else None
        if direct_label is None and first_body:
            direct_label = self._label_heading(h)
        # "演讲：2012.10.17晚上19:00": a date that is the whole value of a key.
        colon = self._last(_NON_SPACE, line.start, x.start)
        key_value = (
            colon >= 0
            and norm[colon] == ":"
            and line.end - x.end <= 40
            and _TIME_OF_DAY.fullmatch(_SPACE.sub("", norm[x.end : line.end])) is not None
        )
        # "3月31日检查": a day followed by the check held on it (not 年终考核, a name).
        # … and "4月30日下午组织…": a day given its time of day is when something is done.
        checked = norm[x.end - 1] in "日号" and (
            _CHECK_AFTER.match(norm, x.end) is not None
            or (
                _DAYTIME_AFTER.match(norm, x.end) is not None
                # not a report of what was done: "1月19日上午，…召开了部署会议"
                and _PAST_TENSE.search(norm, x.end, min(sent_end, x.end + 40)) is None
            )
        )
        # "重阳节在共建单位的支持下组织…", "“八一”节与消防中队组织…": the scanner takes a
        # festival's bare name only with the act done on it after it, its own cue.
        festival_at = (
            x.festival is not None
            and x.festival not in ("xun-only", "day-only")
            and not x.before
            and norm[x.end - 2 : x.end] not in ("前后", "左右")
        )
        cue = (
            key_value
            or checked
            or festival_at
            or (x.shape == "period" and _FOCUS_AFTER.match(norm, x.end, sent_end) is not None)
            or bool(
                _AT_BEFORE.search(norm, max(line.start, x.start - 8), x.start)
                or _VERB_AFTER.match(after)
                or initial
            )
        )
        return _Context(
            heading=h,
            in_segment=in_segment,
            paren=paren,
            label=direct_label or self._line_label(line),
            label_direct=direct_label is not None,
            cue=cue,
            # "5月份期间开展" is within May; 期间 after a day or a festival has no bound.
            starts=bool(_START_AFTER.match(after))
            and not (x.shape == "period" and after.lstrip().startswith("期间")),
            stage_sentence=self._stage_sentence(sent_start, sent_end),
            schedule_line=after.lstrip()[:1] == ":" and self._last(_NON_SPACE, lead, x.start) < 0,
            cell=cell,
            first_body=first_body,
            cell_alone=cell is not None
            and self._last(_NOT_CELL_FILL, cell[0], x.start) < 0
            and _NOT_CELL_FILL.search(norm, x.end, cell[1]) is None,
        )

    def _stage_sentence(self, start: int, end: int) -> bool:
        key = (start, end)
        if key not in self._stage_sentences:
            self._stage_sentences[key] = "阶段" in self.norm[start:end]
        return self._stage_sentences[key]

    def _under_phase(self, h: int | None) -> bool:
        if h is None:
            return False
        return h in self.phase_headings or any(
            a in self.phase_headings for a in self.doc.ancestors(h)
        )

    def _kind(self, x: DateExpr, c: _Context) -> tuple[ItemKind | None, bool]:
        """What an expression is where it stands (None: no schedule at all), and
        whether it makes its heading a phase (else a phase is named by its sentence)."""
        if x.shape == "recurring":
            rule = x.rule
            bare = rule is not None and rule.day is None and rule.month is None
            clause_end = self._clause(x.start)[1]
            if bare and self.norm[max(0, x.start - 2) : x.start] == "季度":
                return None, False  # 一、三季度每季度至少…: the quarters named are the times
            if bare and (
                _RATE_AFTER.match(self.norm, x.end)
                or (
                    _BARE_TEXT.fullmatch(self.norm[x.start : x.end]) is not None
                    and _QUALIFIES.match(self.norm, x.start) is not None
                )
                or (
                    _BARE_TEXT.fullmatch(self.norm[x.start : x.end]) is not None
                    and _QUALIFIES_NOUN.match(self.norm, x.end) is not None
                    and _REGULAR_ACT.match(self.norm, x.end, clause_end) is None
                )
            ):
                return None, False
            if (
                rule is not None
                and rule.freq == "annual"
                and _DURING.match(self.norm, x.end, clause_end)
            ):
                return None, False  # 每年“七一”、“国庆”等节庆日期间: no bound
            if bare and _HAS_AFTER.match(self.norm, x.end):
                return None, False  # 年度有计划，每月有安排: a standard to meet, no act
            if _NAMED_PERIOD.match(self.norm, x.end) or _START_AFTER.match(self.norm, x.end):
                # 每年3月份为学雷锋月 names a period; 从每年度11月开始 is a start only
                return None, False
            if _SCORED.search(self.norm, x.end, clause_end):
                return None, False  # 每月少一次扣1分: a penalty, not a schedule
            return "recurring", False
        if x.shape == "ongoing":
            return ("ongoing" if self._ongoing_slot(x, c) else None), False
        completion = c.cell_alone or (
            c.label is not None and bool(_COMPLETION_LABEL.search(c.label))
        )
        if (x.before and x.shape != "range") or completion:
            return "deadline", False
        # A heading becomes a phase through its own date, or through a time label
        # right under it ("(一)动员部署 ⏎ 时间：3月1日至15日"); never inside another phase.
        heading_phase = (
            c.heading is not None
            and c.heading not in self.phase_headings
            # a step of a dated schedule (时间进度表：3月中~7月 ⏎ 1、3月9日-3月15日…) is
            # a stage of its own inside the schedule's window
            and (not self._under_phase(c.heading) or self._is_step(c.heading, _SCHEDULE_LIST))
            and (c.in_segment or c.label_direct or c.first_body)
        )
        # A stretch of time names a heading's phase when the heading presents it as
        # one: in brackets "(3月上旬—4月中旬)", after a time label, in a heading that
        # says 阶段, or as the heading's key "3月—4月：动员部署". "（一）3-5月，开展学习"
        # only gives one task its window.
        named_stretch = (
            c.label_direct
            or c.paren is not None
            or (c.schedule_line and self._schedule_keyed(c.heading))
            or self._names_stage(c)
            or (c.first_body and x.shape == "range" and self._is_step(c.heading))
            # "1、3月9日-3月15日 学部党委公示…" in a dated schedule (进度表, 日程, 时间安排):
            # a step keyed by its time (under 工作安排 it is one task's window)
            or (c.in_segment and x.shape == "range" and self._is_step(c.heading, _SCHEDULE_LIST))
            # "11、6月中旬总结会" in a schedule: a step keyed by its time
            or (
                x.shape == "period"
                and c.in_segment
                and self._opens_step(x, c.heading)
                and self._is_step(c.heading, _SCHEDULE_LIST)
            )
        )
        if c.first_body and not (self._names_stage(c) or self._is_step(c.heading)):
            heading_phase = heading_phase and c.label_direct
        if (
            c.label is not None
            and self._activity_heading(c.heading) is not None
            and _EVENT_LABEL.search(self.norm, max(0, x.start - 12), x.start)
            and not self._names_stage(c)
        ):
            # 活动时间：2011年4月—6月 under one activity of the plan dates that activity
            # (a task's window), not a stage; under the plan's own 活动时间 heading, or
            # before any heading, it is the whole campaign's window.
            heading_phase = False
            named_stretch = c.paren is not None
        if (
            x.shape == "range"
            and c.paren is not None
            and c.heading is None
            and _INLINE_STEP.search(self.norm, max(0, c.paren[0] - 16), c.paren[0] + 1)
        ):
            # "… 六、活动日程安排 (一)活动申报(3月18日—3月22日) 各党支部…": a web copy
            # that ran its numbered steps into one line
            return "phase", False
        if (
            x.shape == "period"
            and c.heading is None
            and c.cell is None
            and not x.before
            and x.first is not None
            and x.last is not None
            and (x.last - x.first).days >= 27  # a month or more, not one 旬's event
            and self._announces(x)
        ):
            # "将于2021年第一季度进行换届", "决定于今年8月，在全镇开展…行动": the opening
            # paragraph announcing when the plan's activity takes place.
            return "phase", False
        if (
            x.shape in ("range", "period")
            and c.label_direct
            and c.heading is None
            and not completion
        ):
            # "活动时间：2013年3月—4月" with no heading above it: the plan's own window.
            return "phase", False
        if not x.before and not c.cue and _QUALIFIES_AFTER.match(self.norm, x.end):
            return None, False  # 3—9月的…活动的总结, 7—12月份党费回执单: which, not when
        if x.shape in ("range", "period") and self._batch_or_named_period(x):
            return "phase", False
        if x.shape == "range" and c.cell is None and self._week_keyed(x):
            # "第1周：11月21日—11月27日，为…启动", "第2和3周：…": a week-by-week schedule's
            # steps are its stages
            return "phase", False
        if (
            x.shape in ("range", "period")
            and not x.before
            and c.cell is None
            and c.label is None
            and not self._under_phase(c.heading)
            and self._window_named(x)
        ):
            # "建设周期为2年，即2024年1月至2025年12月", "主要活动在6月至7月开展", "集中在5月
            # 开展": the sentence names the whole activity's window, not one task's.
            return "phase", False
        if x.shape == "range":
            if heading_phase and named_stretch:
                return "phase", True
            if (
                (c.stage_sentence or c.schedule_line)
                and not self._under_phase(c.heading)
                and (c.stage_sentence or c.heading is None or self._schedule_heading(c.heading))
            ):
                # "3月—4月：动员部署" lists the plan's stages; under a heading of work
                # ("一、外环境卫生治理 ⏎ 3月1-30日：清除死角") it gives one task its window.
                return "phase", False
            if (
                (
                    (
                        c.heading is None
                        # an opening paragraph before the numbered parts, the activity named,
                        # or its start announced (我院定于2013年8月至10月在全院开展…)
                        and (self.doc.headings or self._this_activity(x) or self._announces(x))
                    )
                    # … or, anywhere, the activity itself named as what runs from…to
                    or (not c.in_segment and self._this_activity(x))
                )
                and c.cell is None
                and not x.before
                and (self._whole_activity(x) or self._this_activity(x))
            ):
                # "我院定于8月至10月开展…活动", "整顿工作从7月开始，到次年8月底结束" in
                # the opening paragraph: the window of the whole activity the plan runs.
                return "phase", False
            return "deadline", False  # a window given to one task: due at its end
        if c.starts:
            return None, False
        if (
            x.festival is not None
            and not x.before
            and _SERIES.search(self.norm, x.end, self._clause(x.start)[1])
        ):
            return None, False  # 在“七一”前后开展系列庆祝活动: a series has no bound
        if x.shape == "period" and heading_phase and named_stretch:
            return "phase", True  # "（一）调查摸底，健全台帐（2022年4月）"
        if (
            c.label is not None
            or c.cue
            or (c.in_segment and c.paren is not None)
            # "一、三季度每季度至少参加1次": quarters named, then what each holds
            or (x.shape == "period" and self.norm[x.end : x.end + 3] == "每季度")
            # "1、举办培训班。（2016年6月4日）", "（3月25日左右）": a bracket holding only the time
            or (c.paren is not None and self._paren_only_time(x, c.paren))
            # "3、3月16日（第3周）发展对象考核" in a schedule: a step opening with its day
            or (c.in_segment and self._opens_step(x, c.heading))
            or c.cell is not None  # a task table's cell: 上半年、三季度任务分别为…
        ):
            return "deadline", False
        return None, False

    def _schedule_keyed(self, h: int | None) -> bool:
        """ "12月：年度考核" keys a stage when its list is the plan's schedule (or stands
        alone); under a section of work (一、主要工作) it gives one task its month."""
        if h is None:
            return True
        parent = self.doc.headings[h].parent
        return parent is None or self._schedule_heading(parent) or self._names_stage_heading(h)

    def _names_stage_heading(self, h: int) -> bool:
        heading = self.doc.headings[h]
        return "阶段" in self.norm[heading.line_start : heading.seg_end] or heading.style in (
            "stage",
            "when",
        )

    def _restates_title(self, x: DateExpr, c: _Context, title: str) -> bool:
        if x.shape != "period" or c.heading is not None or not title or x.start > 300:
            return False
        said = _YEAR_WORDS.sub("", self.norm[x.start : x.end]).strip()
        return bool(said) and said in normalize(title)

    def _in_report(self, h: int | None) -> bool:
        """A section that reports what was done (上月落实情况, 工作回顾, 主要成效) sets no dates."""
        if h is None:
            return False
        top = self.doc.top(h)
        heading = self.doc.headings[top]
        return bool(_REPORT_SECTION.search(self.norm, heading.title_start, heading.seg_end))

    def _paren_only_time(self, x: DateExpr, paren: tuple[int, int]) -> bool:
        rest = self.norm[paren[0] + 1 : x.start] + self.norm[x.end : paren[1]]
        return _PAREN_REST.fullmatch(rest) is not None

    def _opens_step(self, x: DateExpr, h: int | None) -> bool:
        if h is None or not self._is_step(h):
            return False
        return self._last(_NON_SPACE, self.doc.headings[h].title_start, x.start) < 0

    def _announces(self, x: DateExpr) -> bool:
        s, e = self.doc.sentence_at(x.start)
        m = _ANNOUNCE.search(self.norm, max(s, x.start - 40), min(e, x.end + 40))
        return m is not None and _PAST_TENSE.search(self.norm, s, e) is None

    def _this_activity(self, x: DateExpr) -> bool:
        """ "此次读书系列活动从4月23日起…": the sentence names the activity itself."""
        s, _ = self.doc.sentence_at(x.start)
        clause = max(s, self._last_before(self._clause_seps, s, x.start) + 1)
        return (
            _THIS_ACTIVITY.match(self.norm, s, x.start) is not None
            or _THIS_ACTIVITY.match(self.norm, clause, x.start) is not None
        )

    def _whole_activity(self, x: DateExpr) -> bool:
        s, e = self.doc.sentence_at(x.start)
        return _HOLDS_ACTIVITY.search(self.norm, s, e) is not None

    def _done_regularly(self, x: DateExpr, clause_end: int) -> bool:
        """A bare 每月/每季度/每年 sets a schedule only when something is done that often:
        a count follows (每月至少一次, 1次/季度) or an act (每月召开, 每季度报送); 每月工资收入,
        每年五星级…比例, 对每月主题党日活动作出要求 name amounts or things."""
        text = self.norm[x.start : x.end]
        if "次" in text or "按" in text or not _BARE_TEXT.fullmatch(text):
            return True  # 1次/月, 按月, 每月最后一周的周五: more than a bare 每月
        return _REGULAR_ACT.match(self.norm, x.end, max(x.end, clause_end)) is not None

    def _activity_heading(self, h: int | None) -> int | None:
        """The heading of the activity a time label belongs to: the heading itself, or
        its parent when the heading is only a field of it ("3、活动时间：…" under
        "（一）一次理论征文"); None when that is the plan's own time heading or there
        is none."""
        field = False
        if h is not None:
            heading = self.doc.headings[h]
            if _FIELD_HEADING.match(self.norm, heading.title_start, heading.seg_end):
                h = heading.parent
                field = True
        if h is None or any(
            self._label_heading(a) is not None for a in (h, *self.doc.ancestors(h))
        ):
            return None  # under the plan's own 培训时间/活动时间: the plan's times
        if (
            not field
            and self.doc.headings[h].parent is None
            and _PLAN_LEVEL.search(self.heading_title(h))
        ):
            # "一、入党积极分子培训安排 ⏎ …培训时间从…": the plan's own activity; a numbered
            # field under it (2.决赛时间：11月下旬) dates one part of it
            return None
        return h

    def _schedule_heading(self, h: int) -> bool:
        """A heading under which "date：work" lines are the plan's stages: it names a
        schedule, steps or stages, or is a time heading."""
        title = normalize(self.heading_title(h))
        return bool(_STEP_SECTION.search(title)) or self._label_heading(h) is not None

    def _line_label(self, line: Line) -> str | None:
        """ "时间：院级初赛4月-5月，校级决赛6月中旬": a time label opening the line
        governs every date on it; so does a label alone on the line above
        ("活动时间" ⏎ "2019年7月1日(星期一)上午9:00")."""
        m = _LINE_LABEL.match(self.norm, line.start, line.end)
        if m:
            return m.group("label")
        pos = line.start - 1
        while pos >= 0:
            above = self.doc.line_at(pos)
            if above.kind != "blank":
                key = _BARE_LABEL.fullmatch(self.norm, above.start, above.end)
                return key.group("label") if key and above.kind == "body" else None
            pos = above.start - 1
        return None

    def _label_heading(self, h: int | None) -> str | None:
        """A heading that is a time label ("一、时间", "五、活动时间", "一、会议时间"):
        the date that follows it is its value, as after "时间：" on one line."""
        if h is None:
            return None
        heading = self.doc.headings[h]
        title = clean(self.norm[heading.title_start : heading.seg_end]).rstrip(":")
        return title if _LABEL_TITLE.fullmatch(title) else None

    def _next_sentence_start(self, pos: int) -> int:
        m = _NON_SPACE.search(self.norm, pos)
        return m.start() if m else -1

    def _is_step(self, h: int | None, section: re.Pattern[str] | None = None) -> bool:
        """A heading listed under a section of steps or a schedule (实施步骤, 时间安排), or
        under a line introducing one ("推荐程序及时间安排：" ⏎ 1、… 2、…)."""
        if h is None:
            return False
        section = section or _STEP_SECTION
        parent = self.doc.headings[h].parent
        if parent is not None and section.search(normalize(self.heading_title(parent))):
            return True
        if section is _SCHEDULE_LIST:
            # 一、时间安排 ⏎ （一）党员发展 ⏎ 1、10月30日——11月8日，… (a stage between,
            # 阶段 or dated, holds tasks instead)
            for a in self.doc.ancestors(h):
                title = normalize(self.heading_title(a))
                if a in self.phase_headings or "阶段" in title:
                    return False
                if section.search(title):
                    return True
        intro = self._intro_line(h)
        return intro is not None and bool(section.search(intro))

    def _intro_line(self, h: int) -> str | None:
        """The body line ending with a colon just above the list heading ``h`` opens."""
        first = h
        style = self.doc.headings[h].style
        parent = self.doc.headings[h].parent
        while (
            first > 0
            and self.doc.headings[first - 1].style == style
            and self.doc.headings[first - 1].parent == parent
        ):
            first -= 1
        if first not in self._intros:
            self._intros[first] = None
            pos = self.doc.headings[first].line_start - 1
            while pos >= 0:
                line = self.doc.line_at(pos)
                if line.kind != "blank":
                    text = self.norm[line.start : line.end].strip()
                    if line.kind == "body" and text.endswith(":"):
                        self._intros[first] = text
                    break
                pos = line.start - 1
        return self._intros[first]

    def _batch_or_named_period(self, x: DateExpr) -> bool:
        """A stretch of time that is a stage by what the sentence calls it: a batch
        ("第一批从6月开始，8月底基本结束") or a named period ("六月份为…宣传活动月")."""
        if x.shape == "range" and _BATCH_BEFORE.search(self.norm, max(0, x.start - 6), x.start):
            return True
        return x.shape == "period" and bool(_NAMED_PERIOD.match(self.norm, x.end))

    def _week_keyed(self, x: DateExpr) -> bool:
        line = self.doc.line_at(x.start)
        return _WEEK_KEY.fullmatch(self.norm, line.start, x.start) is not None

    def _window_named(self, x: DateExpr) -> bool:
        """A month or longer that the sentence calls the activity's own period: after
        周期/活动时间 (为…，即 / 为…（), or as where 主要活动/集中 takes place."""
        if x.first is None or x.last is None or (x.last - x.first).days < 27:
            return False
        s, _ = self.doc.sentence_at(x.start)
        lo = max(s, x.start - 24)
        if _PERIOD_NAMED.search(self.norm, lo, x.start):
            return True
        clause = self._clause(x.start)
        return bool(
            _HELD_IN.search(self.norm, max(clause[0], x.start - 12), x.start)
            and _HOLDS_AFTER.match(self.norm, x.end)
        )

    def _names_stage(self, c: _Context) -> bool:
        """Whether the heading presents a stage: it says 阶段 or 第X步, or it is nothing
        but a stretch of time (一月份, 第一季度)."""
        if c.heading is None:
            return False
        h = self.doc.headings[c.heading]
        return "阶段" in self.norm[h.line_start : h.seg_end] or h.style in ("stage", "when")

    def _ongoing_slot(self, x: DateExpr, c: _Context) -> bool:
        """长期 counts only where the plan states a time limit with it, not in prose
        ("长期坚持下去" is advice, "完成时限：长期" is a schedule)."""
        if c.label is not None or c.cell_alone:
            return True
        expression = self.norm[x.start : x.end]
        if c.paren is not None and self._stripped_empty(
            c.paren[0] + 1, c.paren[1], expression, None
        ):
            return True
        line = self.doc.line_at(x.start)
        return self._stripped_empty(line.start, line.end, expression, " 。.")

    def _held_by_others(self, x: DateExpr) -> bool:
        """ "全国人大…将于2022年3月5日在北京召开": when a national body holds its own
        meeting is background to the plan, not anybody's deadline in it."""
        s, e = self.doc.sentence_at(x.start)
        # Look near the date only: a sentence of thousands of dates must cost no more.
        s, e = max(s, x.start - 60), min(max(e, x.end), x.end + 60)
        if not _WILL_BE_HELD.search(self.norm, max(0, x.start - 3), x.start):
            # "2018年12月18日上午10:00，中共中央、国务院将召开…大会"
            return bool(
                _NATIONAL.search(self.norm, s, e) and _WILL_HOLD.search(self.norm, x.end, e)
            ) or bool(
                # "2月28日，第九届…论坛在京召开": a national event on that day, told as news
                not x.before and _HELD_IN_CAPITAL.match(self.norm, x.end, e)
            )
        # From the clause's start to a little past the date (a time of day such as
        # 10:00 holds a colon, so the clause's end is no bound).
        lo = max(s, self._last_before(self._clause_seps, s, x.start) + 1)
        return _NATIONAL.search(self.norm, lo, e) is not None

    def _done_then(self, x: DateExpr) -> bool:
        """ "在2023年3月至2024年3月期间获得过…称号": a clause telling what was done then
        (a criterion, a report) sets no date; a limit (…前完成了) still does."""
        if x.before:
            return False
        end = self.doc.sentence_at(x.start)[1]
        return _DONE.search(self.norm, x.end, min(max(end, x.end), x.end + 24)) is not None

    def _news(self, x: DateExpr) -> bool:
        """A report of an event: "3月23日下午，…第一次会议在…召开，会议由…主持" on a page
        posted the next day. A day opening its sentence, told without anything still to
        do (将, 拟, 请, 要 …), before the page's posting date or told as done (召开了,
        会议由…主持, 审议通过), is no date the plan sets."""
        if x.shape != "day" or x.before or x.last is None:
            return False
        s, e = self.doc.sentence_at(x.start)
        lead = self._last(_NOT_SPACE_OR_PAREN, s, x.start)
        if lead >= 0 and self.norm[lead] not in ",:讯)":  # 本报讯 7月27日…
            return False
        if _STILL_TO_DO.search(self.norm, x.end, e) or not _EVENT_TOLD.search(self.norm, x.end, e):
            return False
        posted = self.doc.meta_dates[0] if self.doc.meta_dates else self.issued
        if posted is not None and 0 <= (posted - x.last).days <= 45:
            return True
        return _TOLD_DONE.search(self.norm, x.end, e) is not None

    def _issued_then(self, x: DateExpr) -> bool:
        """ "6月10日，省委印发《…方案》": when a document was issued is background, not a
        date the plan sets (a limit, 6月10日前印发, stays)."""
        if x.before:
            return False
        end = self.doc.sentence_at(x.start)[1]
        return _ISSUED_DOC.match(self.norm, x.end, max(end, x.end)) is not None

    def _as_of(self, x: DateExpr) -> bool:
        """ "截止20xx年底固定资产…的登记", "截至2020年7月底未按期完成换届的": a date that
        qualifies what follows (the state as of that day) is no deadline; one the
        work must meet (截至6月30日，完成…; 截止到年底前完成) is."""
        if _STATS_AS_OF.search(self.norm, max(0, x.start - 12), x.start):
            return True  # "统计时间截至2018年6月30日": which figures count, not a limit
        if x.before or not _AS_OF_BEFORE.search(self.norm, max(0, x.start - 8), x.start):
            return False
        return bool(_AS_OF_AFTER.match(self.norm, x.end)) and not _VERB_AFTER.match(
            self.norm, x.end
        )

    def _is_past_reference(self, x: DateExpr, c: _Context) -> bool:
        """A 2022 plan's "截至2021年底，全市共有…" reports the past; it is no deadline."""
        return (
            self.year is not None
            and x.explicit_year
            and x.last is not None
            and x.last < date(self.year, 1, 1)
            and c.label is None
            and not c.in_segment
            # "各单位应于2025年3月前提交…": a limit still asked for is never the past
            and not (x.before and _ASKED_BY.search(self.norm, max(0, x.start - 6), x.start))
        )

    # --- titles ---------------------------------------------------------------------

    def heading_title(self, h: int) -> str:
        if h not in self._heading_titles:
            self._heading_titles[h] = self._compute_heading_title(h)
        return self._heading_titles[h]

    def _compute_heading_title(self, h: int) -> str:
        doc = self.doc
        heading = doc.headings[h]
        lo, hi = heading.title_start, heading.seg_end
        original, normal = self._without_dates(lo, hi, inline=True)
        marker = doc.text[heading.line_start : heading.title_start].strip()
        if heading.style == "stage":
            # 第一阶段：动员部署 → 动员部署; 第一阶段为动员部署阶段 → 动员部署阶段
            rest = re.sub(r"^[\s:：,，]*(?:为|是)?", "", original)
            title = re.split(r"[:：]", rest)[0] if strip_punct(rest) else marker
        else:
            head, colon, _ = normal.partition(":")
            if colon and (not head.strip() or _STAGE_MARKER.match(clean(head))):
                title = re.split(r"[:：]", original[len(head) + 1 :])[0]
            elif colon:
                title = original[: len(head)]
            else:
                title = original
        return _tidy(title) or shorten(clean(doc.text[lo:hi])) or marker

    def _without_dates(self, lo: int, hi: int, *, inline: bool) -> tuple[str, str]:
        """``text[lo:hi]`` (source and normalised) without its date expressions.

        A bracketed date goes with its brackets; a clause that is nothing but a
        date and its cue words ("，3月底前完成", "到2024年底，") goes with its
        separator. With ``inline`` (headings) a date inside a clause goes too,
        with the cue before it ("（三）于12月召开…" → "召开…"); in a sentence such a
        date is part of what the sentence says and stays.
        """
        key = (lo, hi, inline)
        if key not in self._without_memo:
            self._without_memo[key] = self._cut_dates(lo, hi, inline=inline)
        return self._without_memo[key]

    def _cut_dates(self, lo: int, hi: int, *, inline: bool) -> tuple[str, str]:
        norm = self.norm
        cuts: list[tuple[int, int]] = []
        first, last = bisect_left(self._expr_starts, lo), bisect_left(self._expr_starts, hi)
        for x in self.exprs[first:last]:
            if x.end > hi:
                continue
            paren = self._paren_around(x.start, x.end, lo, hi)
            if paren is not None:
                cuts.append((paren[0], paren[1] + 1))
                continue
            before = self._last_before(self._clause_seps, lo, x.start)
            after = self._first_from(self._clause_seps, x.end, hi)
            clause_lo = before + 1 if before >= 0 else lo
            if self._is_filler(clause_lo, x.start, x.end, after):
                if before >= 0:
                    cuts.append((before, after))
                else:
                    cuts.append((lo, min(after + 1, hi)))
            elif inline:
                cue = _AT_BEFORE.search(norm, self._at_floor(clause_lo, x.start), x.start)
                around = _AROUND_AFTER.match(norm, x.end, after)
                cuts.append((cue.start() if cue else x.start, around.end() if around else x.end))
        # What is left between the cuts, as whole slices.
        text = self.doc.text
        kept_text: list[str] = []
        kept_norm: list[str] = []
        pos = lo
        for a, b in sorted(cuts):
            if a > pos:
                kept_text.append(text[pos:a])
                kept_norm.append(norm[pos:a])
            pos = max(pos, b)
        if pos < hi:
            kept_text.append(text[pos:hi])
            kept_norm.append(norm[pos:hi])
        return "".join(kept_text), "".join(kept_norm)

    def _is_filler(self, lo: int, start: int, end: int, hi: int) -> bool:
        """``_DATE_FILLER.fullmatch(norm[lo:start] + norm[end:hi])``. The clause is only
        built when every character of it is one the filler can match; the scans stop
        at the nearest other character on each side of the date."""
        if self._last(_NOT_FILLER, lo, start) >= 0 or _NOT_FILLER.search(self.norm, end, hi):
            return False
        return _DATE_FILLER.fullmatch(self.norm[lo:start] + self.norm[end:hi]) is not None

    def _sentence_title(self, x: DateExpr, h: int | None, shared: bool = False) -> str:
        """A title from the sentence around ``x``; from just its clause when the
        sentence holds other dated items too (``shared``)."""
        doc, norm = self.doc, self.norm
        s, e = doc.sentence_at(x.start)
        if s == e:
            s, e = x.start, x.end
        if shared:
            comma = self._last_before(self._commas, s, x.start)
            s = comma + 1 if comma >= 0 else s
            e = self._first_from(self._commas, x.end, e)
        if h is not None and starts_with_label(norm, s, e):
            # "完成时限：2016年6月" has no words of its own; it speaks for its heading.
            return self.heading_title(h)
        key = (s, e)
        if key not in self._sentence_titles:
            original, _ = self._without_dates(s, e, inline=False)
            self._sentence_titles[key] = _tidy(original) or shorten(clean(doc.text[s:e]))
        return self._sentence_titles[key]

    def _row_title(self, x: DateExpr, cell: tuple[int, int]) -> str:
        """A task table row is titled by its longest other cell: the task column
        (序号, 责任单位 and 完成时限 are short)."""
        line = self.doc.line_at(x.start)
        if cell not in self._cell_texts:
            self._cell_texts[cell] = clean(self.doc.text[cell[0] : cell[1]])
        date_cell = self._cell_texts[cell]
        key = (line.start, date_cell)
        if key not in self._row_titles:
            self._row_titles[key] = self._compute_row_title(line, date_cell)
        return self._row_titles[key]

    def _compute_row_title(self, line: Line, date_cell: str) -> str:
        # The row's cells with words, longest first (the first of equals first), as
        # max(words, key=len) would pick them; worked out once per row.
        words = self._row_cells.get(line.start)
        if words is None:
            cells = ROW_SEPARATOR.split(self.doc.text[line.start : line.end])
            texts = [clean(c) for c in cells]
            # The unit columns (责任单位: 县委组织部, 各乡镇党委) name who, not what.
            ranked = sorted(
                enumerate(texts),
                key=lambda pair: (
                    _UNIT_CELL.fullmatch(normalize(pair[1])) is not None,
                    -len(pair[1]),
                    pair[0],
                ),
            )
            words = [t for _, t in ranked if re.search(r"[\u3400-\u9fff]", t)]
            self._row_cells[line.start] = words
        best = next((t for t in words if t != date_cell), None)
        if best is None:
            return shorten(date_cell)
        return shorten(best)

    def _stage_title(self, x: DateExpr) -> str:
        s, e = self.doc.sentence_at(x.start)
        line = self.doc.line_at(x.start)
        colon = _NON_SPACE.search(self.norm, x.end, e)
        if (
            colon is not None
            and colon.group() == ":"
            and self._last(_NON_SPACE, line.start, x.start) < 0
        ):
            rest = self.doc.text[x.end : e].lstrip()[1:]
            return shorten(clean(re.split(r"[,，;；。]", rest)[0])) or self._sentence_title(x, None)
        if (s, e) not in self._stage_phrases:
            phrases = [m for m in _STAGE_PHRASE.finditer(self.norm, s, e)]
            named = [m for m in phrases if not m.group(0).startswith("第")]
            found = named[0] if named else (phrases[0] if phrases else None)
            self._stage_phrases[s, e] = None if found is None else found.span()
        chosen = self._stage_phrases[s, e]
        if chosen is None:
            return self._sentence_title(x, None)
        text = self.doc.text[chosen[0] : chosen[1]]
        return text.lstrip("为是即在从对进入") or text

    # --- assembly -------------------------------------------------------------------

    def build(self, title: str, year_source: YearSource | None, warnings: list[str]) -> Extraction:
        doc = self.doc
        written = doc.meta_dates[0] if doc.meta_dates else self.issued
        if written is None and doc.date_line_dates:
            written = doc.date_line_dates[-1]
        if written is None:
            # a plan for one month (现就2024年11月基层党建工作提示如下) counts 本月 from it
            month = _ONE_MONTH_PLAN.search(doc.scan, 0, 400)
            if month is not None and 1 <= int(month.group("m")) <= 12:
                written = date(int(month.group("y")), int(month.group("m")), 1)
        self.exprs = scan_dates(doc.scan, self.year, this_month=written)
        if self.issued is not None and self.year is not None:
            issued, year = self.issued, self.year
            self.exprs = [_read_after_issue(x, issued, year, self.cover) for x in self.exprs]
        self._expr_starts = [x.start for x in self.exprs]
        found: list[_Found] = []
        for x in self.exprs:
            following = self._next_year_of_rule(x, found)
            if following is not None:
                found.append(following)
                continue
            if x.unresolved:
                standing = self._standing_end(x, title)
                if standing is not None:
                    found.append(standing)
                    continue
                yearly = self._yearly_without_year(x, found)
                if yearly is not None:  # 每年…，次年1月底前: a rule needs no year
                    if self._same_act(found[-1].expr, x):
                        found[-1] = yearly
                    else:
                        found.append(yearly)
                    continue
                expression = clean(doc.text[x.start : x.end])
                warnings.append(f"「{expression}」没有写年份，无法换算成日期，已略过；请指定年份")
                continue
            c = self._context(x)
            if self._restates_title(x, c, title):
                continue  # "2020年下半年工作计划 ⏎ 下半年，我镇将…": the plan's own period
            if self._in_report(c.heading):
                continue  # "二、上月落实情况 ⏎ 3月份各支部积极开展…": what was done
            kind, names_heading = self._kind(x, c)
            if kind is None or (kind != "phase" and self._is_past_reference(x, c)):
                continue
            if kind == "deadline" and (
                self._held_by_others(x)
                or self._as_of(x)
                or self._issued_then(x)
                or self._done_then(x)
                or self._news(x)
            ):
                continue
            f = _Found(x, kind, c.heading, c.in_segment, cell=c.cell)
            f.limit = (
                x.before
                or bool(_LIMIT_BEFORE.search(self.norm, max(0, x.start - 6), x.start))
                or (c.label is not None and bool(_COMPLETION_LABEL.search(c.label)))
            )
            if names_heading:
                assert c.heading is not None
                self.phase_headings[c.heading] = f
                f.owner = c.heading
            elif kind == "phase":
                f.phase_title = self._stage_title(x)
            found.append(f)
        found = self._listed_with(found)
        found = _without_named_days(found, self.norm)
        found = self._without_keyed_restatements(found)
        found = self._without_loose_restatements(found)
        found = self._standing_dates(found)
        # A bare 每月/每年 left over (not completed by a date it governs) is a schedule
        # only when something is done that often.
        found = [
            f
            for f in found
            if not (f.kind == "recurring" and _bare(f.expr))
            or f.cell is not None  # a table's 完成时限 column: 每月
            or self._done_regularly(f.expr, self._clause(f.expr.start)[1])
        ]
        self._year_of_the_heading(found)
        self._year_of_the_sentence(found)
        self._roll_phases(found)
        self._roll_into_phases(found)
        self._roll_sequence(found)
        self._assign_owners(found)
        self._set_titles(found)
        for f in found:
            f.who = self._item_owner(f)
        # A day listed after another (4月14日和28日) is the same doer's.
        by_end = {f.expr.end: f for f in found}
        for f in found:
            before = by_end.get(f.expr.start)
            if before is not None and self.norm[f.expr.start : f.expr.start + 1] in "、和及与":
                f.who = before.who
        return Extraction(
            title=title,
            year=self.year,
            items=[self._item(f) for f in found],
            tasks=self._tasks(found),
            year_source=year_source,
            warnings=warnings,
        )

    def _listed_with(self, found: list[_Found]) -> list[_Found]:
        """ "一季度、二季度分别开展一次督查": a period listed with the next one shares its
        reading (the cue is after the last of the list)."""
        kept = {id(f.expr) for f in found}
        by_start = {f.expr.start: f for f in found}
        extra: list[_Found] = []
        for i in range(len(self.exprs) - 1, -1, -1):
            x = self.exprs[i]
            if id(x) in kept or x.unresolved or x.shape not in ("period", "day", "range"):
                continue
            nxt = self.exprs[i + 1] if i + 1 < len(self.exprs) else None
            if nxt is None or nxt.start not in by_start:
                continue
            g = by_start[nxt.start]
            if g.kind != "deadline" or not _LIST_JOINER.fullmatch(self.norm, x.end, nxt.start):
                continue
            f = _Found(x, "deadline", g.heading, g.in_segment, cell=g.cell, limit=g.limit)
            by_start[x.start] = f
            kept.add(id(x))
            extra.append(f)
        # … and a day listed after a dated one (拟定于4月14日和28日): the same reading
        by_end = {f.expr.end: f for f in found}
        for x in self.exprs:
            if id(x) in kept or x.unresolved or x.shape != "day":
                continue
            listed = by_end.get(x.start)
            if (
                listed is None
                or listed.kind != "deadline"
                or self.norm[x.start : x.start + 1] not in "、和及与"
            ):
                continue
            f = _Found(
                x,
                "deadline",
                listed.heading,
                listed.in_segment,
                cell=listed.cell,
                limit=listed.limit,
            )
            kept.add(id(x))
            by_end[x.end] = f
            extra.append(f)
        return sorted(found + extra, key=lambda f: f.expr.start) if extra else found

    def _without_keyed_restatements(self, found: list[_Found]) -> list[_Found]:
        """ "初赛：2024年3月29日前" keys a date by its activity; the activity's own section
        restating it ("（一）初赛 ⏎ 比赛时间：3月29日前", "…，3月29日前完成初赛") is the
        same item, on the keyed line."""
        keyed: dict[date, list[str]] = {}
        out: list[_Found] = []
        for f in found:
            x = f.expr
            if f.kind != "deadline" or x.last is None or _window_start(f) is not None:
                out.append(f)
                continue
            keys = keyed.get(x.last, [])
            if keys and self._restates_key(f, keys):
                continue
            line = self.doc.line_at(x.start)
            m = _DATE_KEY.fullmatch(self.norm, line.start, x.start)
            if m is not None and not _TIME_KEY_WORD.search(m.group("key")):
                keyed.setdefault(x.last, []).append(m.group("key"))
            out.append(f)
        return out

    def _restates_key(self, f: _Found, keys: list[str]) -> bool:
        x = f.expr
        line = self.doc.line_at(x.start)
        if _LINE_LABEL.match(self.norm, line.start, line.end) and f.heading is not None:
            heading = self.doc.headings[f.heading]
            title = self.norm[heading.title_start : heading.seg_end]
            if any(k in title for k in keys):
                return True  # (一)初赛 ⏎ 比赛时间：…
        hi = self._clause(x.start)[1]
        return any(k in self.norm[x.end : hi] for k in keys)  # …，3月29日前完成初赛

    def _without_loose_restatements(self, found: list[_Found]) -> list[_Found]:
        """An opening sentence announcing the activity loosely (今年上半年将举行…培训班)
        when the plan labels its window more precisely (授课时间…4月8日-5月10日): one
        window, on the labelled line."""
        phases = [f for f in found if f.kind == "phase" and f.expr.first and f.expr.last]
        loose = [
            f
            for f in phases
            if f.expr.shape == "period"
            and self.doc.heading_at(f.expr.start) is None
            and self._announces(f.expr)
        ]
        loose_ids = {id(f) for f in loose}
        others = sorted(
            (f.expr.first, f.expr.last)
            for f in phases
            if id(f) not in loose_ids and f.expr.first is not None and f.expr.last is not None
        )
        firsts = [first for first, _ in others]
        drop = set()
        for a in loose:
            assert a.expr.first is not None and a.expr.last is not None
            k = bisect_left(firsts, a.expr.first)
            # a few candidates suffice: a labelled window inside the announced one
            for first, last in others[k : k + 50]:
                if first > a.expr.last:
                    break
                if last <= a.expr.last:
                    drop.add(id(a))
                    break
        return [f for f in found if id(f) not in drop] if drop else found

    def _yearly_without_year(self, x: DateExpr, found: list[_Found]) -> _Found | None:
        """A date with no year to read it in, completing the bare 每年 just before it in
        its sentence ("每年至少召开1次，一般安排在第四季度", "每年…，于次年1月底前报送"):
        the yearly rule's time, which needs no year."""
        previous = found[-1] if found else None
        if (
            previous is None
            or previous.kind != "recurring"
            or previous.expr.rule is None
            or previous.expr.rule.freq != "annual"
            or previous.expr.rule.month is not None
            or self.doc.sentence_at(previous.expr.start) != self.doc.sentence_at(x.start)
        ):
            return None
        if self._dummy is None:
            self._dummy = {d.start: d for d in scan_dates(self.doc.scan, 2001)}
        read = self._dummy.get(x.start)
        if read is None or read.last is None or read.rule is not None:
            return None
        rule = self._annual(read)
        expr = replace(read, shape="recurring", rule=rule, first=None, last=None)
        return _Found(expr, "recurring", previous.heading, previous.in_segment)

    def _next_year_of_rule(self, x: DateExpr, found: list[_Found]) -> _Found | None:
        """ "每年11月底上报…，市局党委于次年2月份下达…": a 次年 date in the sentence of a
        yearly rule is that rule's next step, yearly too (a month alone keeps no day)."""
        if not _FOLLOWING_YEAR.match(self.norm, x.start):
            return None
        previous = found[-1] if found else None
        if (
            previous is None
            or previous.kind != "recurring"
            or previous.expr.rule is None
            or previous.expr.rule.freq != "annual"
            or self.doc.sentence_at(previous.expr.start) != self.doc.sentence_at(x.start)
        ):
            return None
        if self._dummy is None:
            self._dummy = {d.start: d for d in scan_dates(self.doc.scan, 2001)}
        read = self._dummy.get(x.start)
        if read is None or read.last is None or read.rule is not None:
            return None
        rule = self._annual(read)
        if (
            read.first is not None
            and read.first.day == 1
            and rule.day == -1
            and not _MONTH_END_WORD.search(self.norm, x.start, x.end)
        ):
            rule = RecurringRule(freq="annual", month=rule.month)  # 次年2月份: the month
        expr = replace(read, shape="recurring", rule=rule, first=None, last=None)
        c = self._context(x)
        return _Found(expr, "recurring", c.heading, c.in_segment)

    def _standing_end(self, x: DateExpr, title: str) -> _Found | None:
        """A standing rule (…制度, …办法) with no year anywhere: "年末，街道要组织召开…述职
        会议", "每年…" unsaid, is done at every year's (or month's) end — a yearly rule."""
        if not _STANDING_TITLE.search(normalize(title)):
            return None
        if not _END_WORD.fullmatch(self.norm, x.start, x.end):
            return None
        if self._dummy is None:
            self._dummy = {d.start: d for d in scan_dates(self.doc.scan, 2001)}
        read = self._dummy.get(x.start)
        if read is None or read.last is None or read.rule is not None:
            return None
        c = self._context(x)
        if not c.cue:
            return None
        rule = self._annual(read)
        expr = replace(read, shape="recurring", rule=rule, first=None, last=None)
        return _Found(expr, "recurring", c.heading, c.in_segment)

    def _standing_dates(self, found: list[_Found]) -> list[_Found]:
        """Dates that repeat rather than fall once.

        "每年工作结束后，于次年元月十日前交…" is one yearly rule due 1月10日: a bare
        每年 and the 次年 date that completes it in the same sentence become one item.
        A day without a year that falls well before the document was issued cannot
        be a one-off deadline of it ("6月10日和12月10日之前" in a notice of October):
        it is a yearly rule, and so are the dates listed with it in its clause.
        """
        out: list[_Found] = []
        for f in found:
            x = f.expr
            previous = out[-1] if out else None
            if (
                previous is not None
                and previous.kind == "recurring"
                and previous.expr.rule is not None
                and previous.expr.rule.freq == "annual"
                and previous.expr.rule.month is None
                and f.kind == "deadline"
                and x.last is not None
                and not x.explicit_year
                and (_NEXT_YEAR.match(self.norm, x.start) or _bare(previous.expr))
                and self.doc.sentence_at(x.start) == self.doc.sentence_at(previous.expr.start)
            ):
                # "每年至少召开1次组织生活会，一般安排在第四季度": the yearly rule's time;
                # a second act with its own time (每年…进行一次检查，并于次年1月底前报送)
                # is a rule of its own.
                if self._same_act(previous.expr, x):
                    out[-1] = f
                else:
                    out.append(f)
                f.kind = "recurring"
                f.expr = replace(x, shape="recurring", rule=self._annual(x), first=None, last=None)
                continue
            if (
                previous is not None
                and previous.kind == "recurring"
                and f.kind == "recurring"
                and _bare(previous.expr)
                and _BARE_TEXT.fullmatch(self.norm[previous.expr.start : previous.expr.end])
                and (not _bare(x) or not _BARE_TEXT.fullmatch(self.norm[x.start : x.end]))
                and previous.expr.rule is not None
                and x.rule is not None
                and previous.expr.rule.freq == x.rule.freq
                and self._same_or_next_sentence(previous.expr.start, x.start)
                and not _NEXT_YEAR.match(self.norm, x.start)  # 次年…: another act's time
            ):
                # "每年进行一次，时间为每年的12月份", "每月至少开展1次。…时间统一为每月15号":
                # one schedule, said twice; kept where it says the most.
                out[-1] = f
                continue
            if (
                previous is not None
                and previous.kind == "recurring"
                and f.kind == "recurring"
                and _bare(x)
                and not _bare(previous.expr)
                and previous.expr.rule is not None
                and x.rule is not None
                and previous.expr.rule.freq == x.rule.freq
                and self.doc.sentence_at(x.start) == self.doc.sentence_at(previous.expr.start)
            ):
                # "每月25日前…每月进行一次考核": the same schedule, its day said first.
                continue
            if (
                previous is not None
                and previous.kind == "recurring"
                and f.kind == "recurring"
                and _bare(x)
                and _bare(previous.expr)
                and _RATE.fullmatch(self.norm[previous.expr.start : previous.expr.end])
                and previous.expr.rule is not None
                and x.rule is not None
                and previous.expr.rule.freq == x.rule.freq
                and self.doc.line_at(x.start) == self.doc.line_at(previous.expr.start)
            ):
                # "1次/月 党支部委员会会议一般每月召开一次": a table's rate column restated
                # in its description; one rule, on the description.
                out[-1] = f
                continue
            out.append(f)
        issued = self.issued
        if issued is None:
            return out
        # How long before the issue a year-less date must fall to be read as next year's
        # (or as a standing rule): a date a few weeks past may be a notice sent late.
        gap = 150 if self.cover else 45
        early = [
            f
            for f in out
            if f.kind in ("deadline", "phase")
            and not f.expr.explicit_year
            and f.expr.last is not None
            and (issued - f.expr.last).days > gap
        ]
        if not early:
            return out
        # Standing dates: a clause listing, in calendar order, a day already past and a
        # day still to come (6月10日和12月10日之前 in October) states what happens every
        # year; read as one-off dates, the later would fall first.
        ahead: dict[tuple[int, int], list[_Found]] = {}
        for f in out:
            x = f.expr
            if (
                f.kind == "deadline"
                and not x.explicit_year
                and x.last is not None
                and x.last >= issued
            ):
                ahead.setdefault(self._clause(x.start), []).append(f)
        standing: set[int] = set()
        for f in early:
            x = f.expr
            later = ahead.get(self._clause(x.start), [])
            if (
                f.kind == "deadline"
                and x.shape == "day"
                and any(g.expr.start > x.start and g.expr.shape == "day" for g in later)
            ):
                standing.add(id(f))
                standing.update(id(g) for g in later if g.expr.shape == "day")
        for f in out:
            x = f.expr
            if id(f) in standing:
                assert x.last is not None
                f.kind = "recurring"
                f.expr = replace(x, shape="recurring", rule=self._annual(x), first=None, last=None)
        for f in early:
            if id(f) in standing:
                continue
            # A plan looks ahead: "1月15日前" in a notice issued in November is next
            # January, and so is 元旦前 (the festival's next day, like 春节前).
            x = f.expr
            assert x.first is not None and x.last is not None
            first, last = _shift_year(x.first, 1), _shift_year(x.last, 1)
            if (last - issued).days <= 366:
                f.expr = replace(x, first=first, last=last)
        return out

    def _annual(self, x: DateExpr) -> RecurringRule:
        """The yearly rule of a date: its day, or the month's last (-1) when the date is a
        month's end or a period's (1月底前, 第四季度) rather than a day written out."""
        assert x.last is not None
        day = x.last.day
        written_day = re.search(r"[日号]", self.norm[x.start : x.end]) is not None
        if not written_day and day == calendar.monthrange(x.last.year, x.last.month)[1]:
            return RecurringRule(freq="annual", month=x.last.month, day=-1)
        return RecurringRule(freq="annual", month=x.last.month, day=day)

    def _same_act(self, every: DateExpr, x: DateExpr) -> bool:
        """Whether the time after a bare 每年 places that same act (每年工作结束后，于次年
        元月十日前交; 每年至少召开1次，一般安排在第四季度) rather than a second one."""
        between = self.norm[every.end : x.start]
        if _PLACES.search(between):
            return True
        return not self._done_regularly(every, self._clause(every.start)[1])

    def _same_or_next_sentence(self, a: int, b: int) -> bool:
        first = self.doc.sentence_at(a)
        second = self.doc.sentence_at(b)
        if first == second:
            return True
        return second[0] == self._next_non_space(first[1]) and b - first[1] <= 60

    def _clause(self, pos: int) -> tuple[int, int]:
        s, e = self.doc.sentence_at(pos)
        before = self._last_before(self._clause_seps, s, pos)
        return (before + 1 if before >= 0 else s, self._first_from(self._clause_seps, pos, e))

    def _roll_phases(self, found: list[_Found]) -> None:
        """Phases listed one after another whose dates give no year: one that starts
        before the phase listed just before it (11—12月, then 1—2月) belongs to the
        following year. Only phases of one list (siblings) are compared."""
        previous: dict[int | None, date] = {}
        for f in found:
            x = f.expr
            if f.kind != "phase" or x.first is None or x.last is None:
                continue
            siblings = self.doc.headings[f.owner].parent if f.owner is not None else f.heading
            before = previous.get(siblings)
            first, last = x.first, x.last
            # Only a drop across the year's end (11—12月, then 1—2月) rolls; a stage
            # restated or listed out of order within months does not.
            if (
                before is not None
                and not x.explicit_year
                and first < before
                and (before - first).days > 180
            ):
                first, last = _next_year(first), _next_year(last)
                f.expr = replace(x, first=first, last=last)
            previous[siblings] = first

    def _year_of_the_heading(self, found: list[_Found]) -> None:
        """Sections headed by a year (一、2024年 ⏎ 1.6月底前…), as multi-year plans are laid
        out: a date without a year is in its section's year."""
        years: dict[int, int | None] = {}
        for f in found:
            x = f.expr
            if x.explicit_year or x.first is None or x.last is None or f.heading is None:
                continue
            year = None
            for h in (f.heading, *self.doc.ancestors(f.heading)):
                if h not in years:
                    heading = self.doc.headings[h]
                    m = _YEAR_HEADING.match(self.norm, heading.title_start, heading.seg_end)
                    years[h] = int(m.group(1)) if m else None
                if years[h] is not None:
                    year = years[h]
                    break
            if year is not None and year != x.last.year:
                by = year - x.last.year
                f.expr = replace(x, first=_shift_year(x.first, by), last=_shift_year(x.last, by))

    def _year_of_the_sentence(self, found: list[_Found]) -> None:
        """A date without a year written after one with a year, in the same sentence, is
        in that year ("2024年3月底前完成A，6月底前完成B" in a 2023 plan: B is 2024's),
        or the next when it would otherwise fall before it (2023年11月…，1月…)."""
        explicit = [
            x
            for x in self.exprs
            if x.explicit_year and x.last is not None and x.shape in ("day", "period", "range")
        ]
        if not explicit:
            return
        starts = [x.start for x in explicit]
        for f in found:
            x = f.expr
            if x.explicit_year or x.first is None or x.last is None or f.kind == "recurring":
                continue
            i = bisect_left(starts, x.start) - 1
            if i < 0:
                continue
            anchor = explicit[i]
            assert anchor.last is not None and anchor.first is not None
            if self.doc.sentence_at(anchor.start) != self.doc.sentence_at(x.start):
                continue
            if self.year is not None and anchor.last.year < self.year:
                continue  # a past the sentence starts from (截至2021年底…)
            by = anchor.last.year - x.last.year
            first, last = _shift_year(x.first, by), _shift_year(x.last, by)
            if last < anchor.first and anchor.first.month >= 9 and last.month <= 3:
                first, last = _next_year(first), _next_year(last)
            if (first, last) != (x.first, x.last):
                f.expr = replace(x, first=first, last=last)

    def _roll_into_phases(self, found: list[_Found]) -> None:
        """A date without a year under a stage heading falls in that stage: "2月底前" under
        （三）集中整改（1月—2月） of a plan that began in November is next February."""
        for f in found:
            x = f.expr
            if f.kind == "phase" or x.explicit_year or x.first is None or x.last is None:
                continue
            chain = () if f.heading is None else (f.heading, *self.doc.ancestors(f.heading))
            stage = next((self.phase_headings[h] for h in chain if h in self.phase_headings), None)
            if stage is None or stage.expr.first is None or stage.expr.last is None:
                continue
            lo, hi = stage.expr.first, stage.expr.last
            if not lo <= x.last <= hi and lo <= _next_year(x.last) <= hi:
                f.expr = replace(x, first=_next_year(x.first), last=_next_year(x.last))

    def _roll_sequence(self, found: list[_Found]) -> None:
        """Dates without a year listed in order through the end of a year and on into its
        first months (11月…12月…1月…2月底前) run on into the next year: after two or
        more dates rising through the second half of the year, one in its first quarter
        is the following year's, and so is what follows it until a year is written."""
        rising: list[date] = []
        by = 0
        for f in found:
            x = f.expr
            if f.kind not in ("deadline", "phase") or x.first is None or x.last is None:
                continue
            if x.explicit_year:
                rising, by = [], 0
                continue
            if (x.last - x.first).days > 31 and f.kind != "phase":
                continue  # a quarter or half in a list of the year's periods sets no order
            if f.kind == "phase":  # already rolled with its siblings
                if self.year is not None and x.last.year > self.year:
                    by = 1
                elif x.last.month >= 7:
                    rising, by = [x.last], 0
                continue
            if by and x.last.month >= 7:  # a new run through the year: this year's again
                rising, by = [], 0
            if by == 0 and len(rising) >= 2 and x.last.month <= 3 and rising[-1].month >= 10:
                by = 1
            if by:
                if self.year is not None and x.first.year == self.year:
                    if x.festival == "春节":  # the festival after the year's end
                        spring = spring_festival_after(date(self.year, 12, 31))
                        if spring is not None:
                            f.expr = replace(x, first=spring, last=spring)
                        continue
                    f.expr = replace(x, first=_next_year(x.first), last=_next_year(x.last))
            elif x.last.month >= 7 and (not rising or x.last >= rising[-1]):
                rising.append(x.last)
            else:
                rising = []

    def _assign_owners(self, found: list[_Found]) -> None:
        in_body: Counter[int] = Counter()
        in_segment: set[int] = set()
        for f in found:
            if f.kind == "phase" or f.heading is None or f.cell is not None:
                continue
            if f.in_segment:
                in_segment.add(f.heading)
            else:
                in_body[f.heading] += 1
        for f in found:
            if f.kind == "phase" or f.cell is not None or f.heading is None:
                continue
            if f.heading in self.phase_headings:
                continue
            sole = in_body[f.heading] == 1 and f.heading not in in_segment
            if f.in_segment or (sole and self._can_own(f.heading)):
                f.owner = f.heading

    def _can_own(self, h: int) -> bool:
        """Whether a heading is one task that a dated sentence under it can date.

        A top-level section is, when it is a leaf naming work ("一、开展学习"), but
        not a container ("三、实施步骤") or a section of advice ("四、工作要求"),
        whose dated sentences are tasks of their own.
        """
        heading = self.doc.headings[h]
        return heading.depth >= 1 or (not heading.children and self._holds_work(h))

    def _set_titles(self, found: list[_Found]) -> None:
        """Title every item; phases named alike get " (2)" so that they stay keys."""
        per_sentence = Counter(
            self.doc.sentence_at(f.expr.start)
            for f in found
            if f.kind != "phase" and f.owner is None
        )
        phase_titles: set[str] = set()
        next_number: dict[str, int] = {}  # numbers below it are taken for that title
        for f in found:
            if f.owner is not None:
                f.title = self.heading_title(f.owner)
            elif f.kind == "phase":
                f.title = f.phase_title or ""
            elif f.cell is not None:
                f.title = self._row_title(f.expr, f.cell)
            else:
                shared = per_sentence[self.doc.sentence_at(f.expr.start)] > 1
                f.title = self._sentence_title(f.expr, f.heading, shared)
            if f.kind == "phase":
                if f.title in phase_titles:
                    base = f.title
                    n = next_number.get(base, 2)
                    while f"{base} ({n})" in phase_titles:
                        n += 1
                    next_number[base] = n + 1
                    f.title = f"{base} ({n})"
                phase_titles.add(f.title)

    def _item(self, f: _Found) -> ExtractedItem:
        x = f.expr
        return ExtractedItem(
            kind=f.kind,
            title=f.title,
            text=self.doc.text[x.start : x.end],
            start=_window_start(f),
            end=x.last if f.kind in ("phase", "deadline") else None,
            rule=x.rule if f.kind == "recurring" else None,
            owner=f.who,
            span=(x.start, x.end),
        )

    def _phase_of(self, h: int | None) -> str | None:
        """The title of the phase heading ``h`` is, or sits under."""
        if h is None:
            return None
        for candidate in (h, *self.doc.ancestors(h)):
            f = self.phase_headings.get(candidate)
            if f is not None:
                return f.title
        return None

    def _is_criterion(self, h: int) -> bool:
        """A standard to meet, not work to do: "有精准的品牌选题", or anything listed
        under a section of standards or conditions (评选标准, 申报条件)."""
        heading = self.doc.headings[h]
        if _CRITERION.match(self.norm, heading.title_start, heading.seg_end):
            return True
        if _FIELD.match(self.norm, heading.title_start, heading.seg_end):
            return True  # "1、活动主题：…", "1.内容要求：…": a field of a form, not work
        top = normalize(self.heading_title(self.doc.top(h)))
        return bool(_SECTION_CRITERIA.search(top)) and not _SECTION_CRITERIA_EXCEPT.search(top)

    def _heading_owner(self, h: int) -> Owner:
        """A heading is the committee's when its title, or the sentence right after
        it, has the committee as its subject."""
        if h not in self._heading_owners:
            self._heading_owners[h] = self._compute_heading_owner(h)
        return self._heading_owners[h]

    def _compute_heading_owner(self, h: int) -> Owner:
        heading = self.doc.headings[h]
        block_end = (
            self.doc.headings[h + 1].line_start
            if h + 1 < len(self.doc.headings)
            else len(self.norm)
        )
        same = self.doc.sentence_at(min(heading.seg_end + 1, heading.line_end))
        nxt = self.doc.sentence_at(self._next_non_space(heading.line_end))
        first = same if heading.seg_end < same[0] < heading.line_end else nxt
        if heading.seg_end < first[0] < block_end:
            # "各党组织自评申报后，党工委将…考核评定": the main clause's subject, last.
            last = self._doer_list(*first)[-1:]
            if (
                last
                and last[0][1] == "committee"
                and _WILL.match(self.norm, self._doer_end(last[0][0]))
            ):
                return "committee"
        if _BRANCH_DOER.search(
            self.norm, heading.title_start, min(block_end, heading.line_end + 400)
        ):
            return "branch"
        if "committee" in self._doers_in(heading.title_start, heading.seg_end):
            return "committee"
        s, e = self.doc.sentence_at(min(heading.seg_end + 1, heading.line_end))
        if heading.seg_end < s < heading.line_end and self._doers_in(s, e)[:1] == ["committee"]:
            return "committee"
        nxt = self.doc.sentence_at(self._next_non_space(heading.line_end))
        if heading.line_end < nxt[0] < block_end and self._doers_in(*nxt)[:1] == ["committee"]:
            return "committee"
        return "branch"

    def _first_body_doers(self, h: int) -> list[Owner]:
        heading = self.doc.headings[h]
        block_end = (
            self.doc.headings[h + 1].line_start
            if h + 1 < len(self.doc.headings)
            else len(self.norm)
        )
        s, e = self.doc.sentence_at(self._next_non_space(heading.line_end))
        if not heading.line_end < s < block_end:
            return []
        doers = self._doer_list(s, min(e, block_end))
        # only a doer opening the sentence is the step's (not one named later in it)
        return [who for pos, who in doers[:1] if self._last(_NON_SPACE, s, pos) < 0]

    def _next_non_space(self, pos: int) -> int:
        m = _NON_SPACE.search(self.norm, pos)
        return m.start() if m else pos

    def _item_owner(self, f: _Found) -> Owner:
        if f.kind == "phase":
            # A stage is the branches' unless it is the committee's review of them
            # ("第二阶段：市直工委审核（7月11日至31日）"): its own words before the date.
            if f.owner is not None:
                heading = self.doc.headings[f.owner]
                s = heading.title_start
            else:
                s = self._clause(f.expr.start)[0]
            if _COMMITTEE_REVIEW.match(self.norm, s, f.expr.start):
                return "committee"
            # "3、3月9日-3月15日 学部党委公示发展计划", "（二）第二阶段（…），党委办公室对…
            # 进行预审": the doer the step names (the branches' when none).
            if f.owner is None:
                return "branch"  # a window named in a sentence: the campaign's
            s, e = self.doc.sentence_at(f.expr.start)
            doers = [who for _, who in self._doer_list(s, e)]
            line = self.doc.line_at(f.expr.start)
            if not doers and s > line.start and self._paren_around(f.expr.start, f.expr.end, s, e):
                # "3、镇党委组织考察。（2016年6月9日-12日）": the bracket closing a step
                # dates the sentence before it on its line
                ps, pe = self.doc.sentence_at(s - 1)
                if ps >= line.start:
                    doers = [who for _, who in self._doer_list(ps, pe)]
            if not doers and f.owner is not None:
                # "4.表彰优秀共产党员（6月20日——7月1日）⏎学院党委表彰…": a dated heading's
                # first sentence below names who does the step
                doers = self._first_body_doers(f.owner)
            return doers[0] if doers else "branch"
        if f.owner is not None and f.in_segment:
            s, e = self.doc.sentence_at(f.expr.start)
            if s < e and self._doer_list(s, e):
                # "2.各支部出黑板报，院团委将于3月28日进行评定": the heading is a
                # sentence of its own, whose clause names who does it.
                return self._doer(s, e, f.expr.start, f.expr.end)
            x = f.expr
            if _CONVENE_BEFORE.search(self.norm, max(s, x.start - 4), x.start) and not (
                _TIME_KEY_BEFORE.search(self.norm, max(s, x.start - 12), x.start)
                or _ASKS_MEMBERS.search(self.norm, x.end, e)
            ):
                # "会议定于6月30日上午召开": the issuer sets its meeting (not a "时间：拟定于"
                # line, which tells the members when they take part)
                return "committee"
            return self._heading_owner(f.owner)
        if f.cell is not None:
            unit = self._row_unit(f.expr.start)
            if unit is not None:
                return unit
        organiser = self._organiser(f.heading)
        if organiser is not None:
            return organiser
        if self._review_time(f):
            return "committee"
        s, e = self.doc.sentence_at(f.expr.start)
        if s == e:
            return "branch"
        return self._doer(s, e, f.expr.start, f.expr.end)

    def _row_unit(self, pos: int) -> Owner | None:
        """A task table's row names its 责任单位 in a cell of its own: the issuer's own
        office (县委组织部) makes the row the committee's, 各乡镇党委 the branches'."""
        line = self.doc.line_at(pos)
        cells = [
            normalize(clean(c)) for c in ROW_SEPARATOR.split(self.doc.text[line.start : line.end])
        ]
        units = [c for c in cells if _UNIT_CELL.fullmatch(c)]
        if not units:
            return None
        return "branch" if any(_organiser_owner(u) == "branch" for u in units) else "committee"

    def _review_time(self, f: _Found) -> bool:
        """The time of the committee's own review of its units, under a time label: "三、
        各党支部书记述职评议 ⏎ 时间：12月21日", "二、列席旁听时间 ⏎ 2024年5月至8月"."""
        x = f.expr
        line = self.doc.line_at(x.start)
        labelled = _LINE_LABEL.match(self.norm, line.start, line.end) or (
            self._line_label(line) is not None
        )
        if not labelled or f.heading is None:
            return False
        heading = self.doc.headings[f.heading]
        title = self.norm[heading.title_start : heading.seg_end]
        if not _REVIEW.search(title) and not _REVIEW.search(self.norm, line.start, x.start):
            return False
        s, e = self.doc.sentence_at(x.start)
        return "branch" not in self._doers_in(s, e)

    def _organiser(self, h: int | None) -> Owner | None:
        """An activity card's "组织单位：学工部、组织部" names who runs it: the issuer's
        own departments (committee), or the branches when it says 各… ."""
        if h is None:
            return None
        if h not in self._organisers:
            self._organisers[h] = self._find_organiser(h)
        return self._organisers[h]

    def _find_organiser(self, h: int) -> Owner | None:
        heading = self.doc.headings[h]
        end = (
            self.doc.headings[h + 1].line_start
            if h + 1 < len(self.doc.headings)
            else len(self.norm)
        )
        hi = min(end, heading.line_end + 300)
        lead = _LEAD.search(self.norm, heading.line_start, hi)
        if lead is not None:
            return _organiser_owner(lead.group("paren") or lead.group("who"))
        m = _ORGANISER.search(self.norm, heading.line_start, hi)
        if m is None:
            return None
        return _organiser_owner(m.group("who"))

    def _doer_list(self, s: int, e: int) -> list[tuple[int, Owner]]:
        key = (s, e)
        if key not in self._doers:
            self._doers[key] = [
                (m.start(), "branch" if _BRANCH_WHO.search(m.group("who")) else "committee")
                for m in _DOER.finditer(self.norm, s, e)
            ]
        return self._doers[key]

    def _doer_end(self, pos: int) -> int:
        m = _DOER.match(self.norm, pos)
        return m.end() if m else pos

    def _doers_in(self, s: int, e: int) -> list[Owner]:
        return [who for _, who in self._doer_list(s, e)]

    def _doer(self, s: int, e: int, start: int, end: int) -> Owner:
        """Whose duty a date in ``norm[s:e]`` is: the subject named last before it in
        its sentence (学校将情况汇总，并于每月20日前… is the school's), else the first
        named after it ("七一"前夕，各党支部…); the branches' when nobody is named."""
        doers = self._doer_list(s, e)
        before = [who for pos, who in doers if pos < start]
        after = [who for pos, who in doers if pos >= start]  # (a doer may open in the date)
        direction = self._direction(s, e, start, end, doers)
        if direction is not None:
            return direction
        if "committee" not in before[-1:] + after[:1] and _OVER_UNITS.search(self.norm, start, e):
            # "每年3月份由各乡镇党委…对所辖党支部…评定": who acts on the units below it
            # coordinates them.
            return "committee"
        if before:
            return before[-1]
        if after:
            return after[0]
        if _CONVENE_BEFORE.search(self.norm, max(s, start - 4), start):
            return "committee"
        if _CHECK_AFTER.match(self.norm, end):
            return "committee"  # "3月31日检查", "5月6日统一评比": the committee checks
        if _TARGET_SET.search(self.norm, end, min(e, end + 30)) and (
            _TARGET_BEFORE.search(self.norm, max(s, start - 4), start) or self._opens(start, s)
        ):
            # "到2023年底，全面建成示范型街道", "争取年底销号15个村": the coordinating
            # body's own targets for all its units
            return "committee"
        return "branch"

    def _direction(
        self, s: int, e: int, start: int, end: int, doers: list[tuple[int, Owner]]
    ) -> Owner | None:
        """Which way the act dated goes, when its own clause names no doer before the
        date: handing something up to the committee (于5月7日前将推荐对象报送院党委,
        每年11月底上报…申报表) is the units' duty; acting on all the units (每季度对各支部
        进行考核, 每月向基层党组织推送, 每月下发至各…) is the coordinating body's."""
        lo, hi = self._clause(start)
        lo, hi = max(lo, s), min(max(hi, end), e)
        if any(lo <= pos < start for pos, _ in doers):
            return None
        at = end
        if not self.norm[end:hi].strip() and hi < e:
            # "年底前，对全镇各村党组织开展督查": a date heading its sentence dates the
            # clause after it
            at, hi = hi + 1, min(self._clause(hi + 1)[1], e)
            if any(end <= pos < hi for pos, _ in doers):
                return None
        if _REPORT_UP.match(self.norm, at, hi):
            return "branch"
        if _ACT_ON_UNITS.match(self.norm, at, hi) and not _ASKS_MEMBERS.search(self.norm, s, start):
            # (not "请全体党员…于12月19日前向各支部书记推荐": a request to the members)
            return "committee"
        return None

    def _opens(self, start: int, s: int) -> bool:
        return (
            self._last(_NOT_SPACE_OR_PAREN, s, start) < 0
            or self.norm[self._last(_NOT_SPACE_OR_PAREN, s, start)] in ",;—-"
        )

    def _holds_work(self, h: int) -> bool:
        title = normalize(self.heading_title(self.doc.top(h)))
        if _SECTION_ADVICE.search(title):
            return False
        return bool(_SECTION_OF_WORK.search(title)) or not _SECTION_DESCRIPTIVE.search(title)

    def _tasks(self, found: list[_Found]) -> list[ExtractedTask]:
        doc = self.doc
        anchored: list[tuple[int, ExtractedTask]] = []
        owned = {f.owner: f for f in found if f.kind != "phase" and f.owner is not None}
        for i, heading in enumerate(doc.headings):
            if i in self.phase_headings:
                continue
            phase = self._phase_of(i)
            f = owned.get(i)
            if f is not None:
                anchored.append((heading.line_start, _task(f, self.heading_title(i), phase)))
            elif (
                not heading.children
                and heading.depth >= 1
                and self._holds_work(i)
                and not self._is_criterion(i)
            ):
                title = self.heading_title(i)
                if title:
                    who = self._heading_owner(i)
                    task = ExtractedTask(title=title, phase=phase, owner=who)
                    anchored.append((heading.line_start, task))
        for f in found:
            if f.kind != "phase" and f.owner is None:
                phase = self._phase_of(f.heading)
                anchored.append((f.expr.start, _task(f, f.title, phase)))
        anchored.sort(key=lambda pair: pair[0])
        return [task for _, task in anchored]


# A cell that is nothing but units: 县委组织部, 各乡镇党委, 各党委(党组), 党委办公室、组织部.
_UNIT_CELL = re.compile(
    r"(?:(?:[\u3400-\u9fff]{0,12}?(?:党委|党工委|工委|党组|组织部|宣传部|统战部|办公室|党办|纪委"
    r"|委员会|领导小组|党总支|党支部|支部|团委|妇联|工会|乡镇|街道|社区|部门|单位)"
    r"(?:\([^()]{1,8}\))?)[、,和及]?){1,4}"
)
# An institution's own departments (人事处, 护理部, 院团委, 工会): not the party
# committee's offices, so an activity they run, alone or with 党办, is a branch's.
_INSTITUTION_DEPT = re.compile(
    r"处|科(?!技)|团委|工会|护理部|医务部|后勤|门诊|教务|学生会|研究生会"
)


def _organiser_owner(who: str) -> Owner:
    """The owner an activity's organiser makes it: the branches' when they are named (各…)
    or an institution's department runs it, else the issuer's own office's."""
    if _BRANCH_WHO.search(who) or _INSTITUTION_DEPT.search(who):
        return "branch"
    return "committee"


_YEAR_HEADING = re.compile(
    r"\s*((?:19|20)\d{2})\s*年(?:度)?(?![\d一二三四五六七八九十]|底|末|上|下|第)"
)
_REPORT_SECTION = re.compile(
    r"落实情况|开展情况|完成情况|进展情况|工作回顾|回顾|主要成效|取得成效|工作成效|主要做法|工作总结"
)
_EVENT_TOLD = re.compile(r"召开|举行|举办|齐聚|会议|大会|座谈会|仪式")
_QUALIFIES_AFTER = re.compile(
    r"\s*(?:的(?!\s*(?:前|时候))|份?(?:党费|工资|收入|回执|报表)|(?:考核|考评|测评)结果)"
)
_SERIES = re.compile(r"系列")
_STILL_TO_DO = re.compile(r"将|拟|请|要求|计划|预计|定于|务必|必须|应当|需要|届时")
_TOLD_DONE = re.compile(
    r"(?:召开|举行|举办|开展|传达|学习|审议|部署)了|会议由|主持召开|审议通过|齐聚|迎来|出席会议|参加会议|共同见证"
    r"|(?:顺利|隆重|胜利|成功)(?:召开|举行|举办)|圆满结束|主持会议|通过了|研究讨论"
)
_DONE = re.compile(
    r"(?:获得|参加|开展|举办|举行|召开|受到|取得|评为|荣获)过|已经|已于"
    # "…于2006年4月7日正式启动了…活动": told as done
    r"|(?:正式)?(?:启动|召开|举行|举办)了"
)
# … of an activity, not of a meeting (学校定于11月召开党员代表大会 is the committee's event).
_PAREN_REST = re.compile(
    r"\s*(?:左右|前后|当天|前|之前|以前)?\s*(?:\(?\s*(?:星期|周|礼拜)[一二三四五六日天]\s*\)?)?"
    r"\s*(?:(?:上午|下午|中午|晚上|早上)?\s*(?:\d{1,2}\s*[:点时](?:\s*\d{1,2})?)?)?\s*"
)
# A list of steps with their own dates (a stage, 阶段, holds tasks instead).
_SCHEDULE_LIST = re.compile(r"进度|日程|时间[及和与、]?安排|流程|步骤|时间表")
_THIS_ACTIVITY = re.compile(
    r"\s*(?:(?:此次|本次|这次|该)[^,;。]{0,16}?(?:活动|工作|培训|教育|文化节|艺术节|读书节|宣传月|活动月|读书月|大赛|竞赛)"
    # "整顿工作从2020年7月开始，到…结束": the activity, then its start
    r"|[\u3400-\u9fff]{0,20}?(?:工作|活动|整顿|教育|培训|行动)\s*(?:从|自|于|将)?\s*$)"
)
_ANNOUNCE = re.compile(
    r"(?:将|决定|定于|拟)[^;。]{0,32}?(?:集中)?(?:进行|开展|举行|举办|启动|实施|开班|开课)"
    r"(?![^,;。]{0,16}?(?:大会|会议|座谈会|报告会|表彰会))"
)
_REGULAR_ACT = re.compile(
    r"[^,;。]{0,24}?(?:[一二两三四1-4]\s*(?:次|回|天|篇|本|人|期)|不少于|以上)"
    r"|[^,;。]{0,6}?(?:召开|开展|组织(?!生活)|进行|举行|举办|报送|上报|交纳|缴纳|收缴|学习|检查|考核|评议|通报"
    r"|分析|研究|听取|讲|汇报|报告|公示|公布|更新|总结|走访|谈心|筛选|刊载|通读|撰写|阅读|交流|展示"
    r"|调度|督查|督导|讲评|点评|确定|安排|固定|制定|印发|走遍|深入|下发|呈报|上交|报告|发布)"
    r"|\s*(?:要|须|应|定期|按时|按期)?\s*(?:向|对)"
    r"|\s*(?:要|须|应|必须|定期|按时)\s*[\u3400-\u9fff]"
)
# A limit the text still asks its readers to meet: 应于/须于/要在/请于 … 前.
_ASKED_BY = re.compile(r"(?:应|须|要|请|需|务必|必须)\s*(?:在|于)\s*$")
# The act after a date hands something up to the coordinating body (the units' duty) …
_REPORT_UP = re.compile(
    r"[^,;。]{0,24}?(?:(?:报送|上报|上交|提交|呈报|报)\s*(?:至|给|到)?\s*[^,;。]{0,12}?"
    r"(?:党委|党工委|工委|组织部|党总支|总支|党组|办公室|党办)|上报|上交)"
)
# … or acts on all the units below it (the coordinating body's own).
_ACT_ON_UNITS = re.compile(
    r"[^,;。]{0,12}?(?:对|向|给|下发(?:至|到|给)?)\s*(?:全[^,;。]{0,6}?)?"
    r"(?:各|所属|所辖|下属|基层)[^,;。]{0,12}?(?:党组织|支部|党委|党总支|单位)"
)
# A line keyed by the activity its date is for: "初赛：2024年3月29日前", "决赛:4月17日前".
_DATE_KEY = re.compile(r"\s*(?P<key>[\u3400-\u9fff]{2,6})\s*:\s*")
_TIME_KEY_WORD = re.compile(r"时间|日期|时限|期限|截止|安排")
_HAS_AFTER = re.compile(r"\s*(?:都|均|要)?\s*有(?!\s*[一二两三四1-4]\s*次)")
_SCORED = re.compile(r"[扣减]\s*[\d.一二三四五]+\s*分")
_STATS_AS_OF = re.compile(r"统计(?:时间|时点|口径|数据|截止)?\s*(?:截至|截止)(?:到)?\s*$")
_FOLLOWING_YEAR = re.compile(r"(?:次年|翌年|第二年)")
_MONTH_END_WORD = re.compile(r"底|末|终")
# A standing rule's title, and the year's or a month's end it can recur at.
_STANDING_TITLE = re.compile(r"制度|办法|细则|规定|规则|条例|规程|守则")
_END_WORD = re.compile(r"年末|年底|年终|[\d一二三四五六七八九十]{1,2}\s*月(?:底|末)")
# A line keyed by the week(s) of the schedule: 第1周：, 第二周:, 第2和3周：, 第3-4周 .
_WEEK_NUM = r"[\d一二三四五六七八九十]{1,3}"
_WEEK_KEY = re.compile(
    rf"\s*(?:[(]?\d{{1,2}}[.、)]\s*)?第\s*{_WEEK_NUM}\s*(?:(?:和|至|到|、|-|—|~)\s*(?:第\s*)?{_WEEK_NUM}\s*)?周\s*[:,]?\s*"
)
# The activity's own period named before its dates: 建设周期为2年，即… / 周期为2年（…）,
# 活动时间为…, 实施期限是….
_PERIOD_NAMED = re.compile(
    r"(?:周期|活动时间|实施时间|活动期限|实施期限|活动周期)\s*(?:为|是|定为|:)?"
    r"(?:\s*[\d一二两三四五六七八九十半]+\s*(?:年|个月|个多月|天|周))?\s*,?\s*(?:即|\()?\s*$"
)
# Where the activity as a whole takes place: 主要活动在…开展, 集中在5月开展, 活动于…举行.
_HELD_IN = re.compile(r"(?:主要活动|活动|集中)\s*(?:在|于)\s*$")
_HOLDS_AFTER = re.compile(r"\s*(?:集中)?(?:开展|进行|举行|举办|实施)")
_BARE_TEXT = re.compile(r"每\s*(?:个\s*)?(?:月|季度?|年度?)\s*(?:的)?")
_DURING = re.compile(r"[^,;。]{0,16}?期间")
_PLAN_LEVEL = re.compile(r"安排|日程|时间|进度")
_INLINE_STEP = re.compile(r"\(\s*[一二三四五六七八九十]{1,2}\s*\)\s*[\u3400-\u9fff]{2,10}\s*\($")
_REVIEW = re.compile(r"述职评议|考核|评审|验收|审核|列席旁听|督查|答辩|评议")
_RATE = re.compile(r"[1-9一二两三四]\s*次\s*/\s*(?:月|季度?|年)")
_PLACES = re.compile(r"安排在|一般在|时间为|时间是|定在|放在|集中在")
_YEAR_WORDS = re.compile(r"\d{4}\s*年|今年|本年|明年")
_LIST_JOINER = re.compile(r"\s*(?:、|和|及|与|以及)\s*")
_LEFT_JOINER = re.compile(r"^(?:和|及|与|以及|、)+")


# Between a day and the festival naming it: a comma, or another name of it (“七一”建党节).
_NAMED_DAY_GAP = re.compile(r"[\s,“”\"'「」『』·一二三四五六七八十]*")


def _without_named_days(found: list[_Found], norm: str) -> list[_Found]:
    """ "8月1日，建军节。组织…": a festival that names the day just written is that day,
    one item (on the date)."""
    out: list[_Found] = []
    for f in found:
        x = f.expr
        prev = out[-1].expr if out else None
        if (
            prev is not None
            and x.festival not in (None, "xun-only", "day-only")
            and prev.last == x.last
            and _NAMED_DAY_GAP.fullmatch(norm, prev.end, x.start) is not None
        ):
            continue
        out.append(f)
    return out


def _tidy(title: str) -> str:
    """Whitespace collapsed, list words (一是, 其次) and edge punctuation off, ≤ 60 characters."""
    title = _ENUMERATOR.sub("", strip_punct(clean(title)))
    # What a date list leaves behind: "每年6月和12月召开" without its dates.
    return shorten(_LEFT_JOINER.sub("", title))


def _task(f: _Found, title: str, phase: str | None) -> ExtractedTask:
    return ExtractedTask(
        title=title,
        phase=phase,
        due=f.expr.last if f.kind == "deadline" else None,
        start=_window_start(f) if f.kind == "deadline" else None,
        ongoing=f.kind == "ongoing",
        recurring=f.expr.rule if f.kind == "recurring" else None,
        owner=f.who,
    )


_NEXT_YEAR = re.compile(r"次年|翌年|第二年|来年|明年")
_ONE_MONTH_PLAN = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:份)?\s*的?"
    r"[^。\n\d]{0,10}?工作(?:提示|要点|安排|计划|重点)"
)


def _bare(x: DateExpr) -> bool:
    return x.rule is not None and x.rule.day is None and x.rule.month is None


def _window_start(f: _Found) -> date | None:
    """A phase's first day, or a task window's: a range given to one task keeps both
    ends (6月20日—7月5日 is due 7月5日 and open from 6月20日), and so does a stretch
    of time (10月份上报: 10月1日—31日; 上半年: 1月1日—6月30日) unless it is given
    as a limit (6月前, 截止到10月上旬), which only has an end."""
    x = f.expr
    if f.kind == "phase":
        return x.first
    if f.kind == "deadline" and x.first != x.last and (x.shape == "range" or not f.limit):
        return x.first
    return None


def _read_after_issue(x: DateExpr, issued: date, plan_year: int, cover: bool) -> DateExpr:
    """A date without its year, read in the year the document was issued, unless that
    puts it in the past of a plan whose text is about a later year.

    "12月28日下班前" in a notice dated 2023年12月27日 about the 2024 holiday is
    2023-12-28; "1月22日前" in a notice of 2019年1月9日 about the 2018年度 review is
    2019-01-22; "3月底前" in a 2024 plan issued in December 2023 stays 2024-03-31.
    The year the body names most need not be every date's year.
    """
    if x.explicit_year or x.first is None or x.last is None:
        return x
    if x.festival == "春节":  # the next Spring Festival after the document was issued
        spring = spring_festival_after(issued)
        return x if spring is None else replace(x, first=spring, last=spring)
    if not cover and plan_year != issued.year:
        by = issued.year - plan_year
        first, last = _shift_year(x.first, by), _shift_year(x.last, by)
        if (issued - last).days <= 7 or plan_year < issued.year:
            x = replace(x, first=first, last=last)
    assert x.first is not None and x.last is not None
    if (x.last - issued).days > 300:  # a year late, while a year earlier still follows the issue
        first, last = _shift_year(x.first, -1), _shift_year(x.last, -1)
        if last >= issued:
            x = replace(x, first=first, last=last)
    return x


def _shift_year(day: date, by: int) -> date:
    year = day.year + by
    last = calendar.monthrange(year, day.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return day.replace(year=year, day=last)
    return day.replace(year=year, day=min(day.day, last))


def _next_year(day: date) -> date:
    """The same day a year later; a month's last day stays its last day (28 → 29 February)."""
    year = day.year + 1
    last = calendar.monthrange(year, day.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return day.replace(year=year, day=last)
    return day.replace(year=year, day=min(day.day, last))
