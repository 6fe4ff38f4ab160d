"""The light structure of a plan: clutter, headings, sentences and the title.

Works on the normalised text (see :mod:`bot.plans.normalize`); offsets are
shared with the source. Web pages wrap a plan in site furniture (views
counters, publish times, "download to read more"); those lines are recognised
and masked so that neither dates nor titles are taken from them.

Headings are numbered the way Chinese official documents number them
(一、 （一） 1. （1） ① 第一阶段), or are a bare stretch of time on a line of
its own (一月份, 第一季度) as in monthly and quarterly work plans. Their nesting
is not fixed by style but learned from the order styles appear in, like an
outline: a style seen for the first time opens a deeper level, a style seen
before closes back to it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.plans.normalize import cn_to_int, normalize

LineKind = Literal["blank", "clutter", "docno", "dateline", "heading", "row", "body"]

MASK = "\x00"

# Table rows come from the reader as one line, cells joined by " | " (reader.CELL_SEPARATOR).
ROW_SEPARATOR = re.compile(r"\s\|\s")

_CJK = r"[\u3400-\u9fff]"

# Lines that are site furniture. Field labels count only with a colon after them;
# 时间/日期 only with a numeric date or a clock time: a plan's own "时间：2023年5月1日
# —5月15日" is a label, a page's "時間:2022-03-18 09:09:50" is not.
_CLUTTER_LABEL = re.compile(
    r"^\s*(?:作者|来源|出处|文章来源|信息来源|发布|发布时间|发布日期|发表时间|更新时间|更新日期"
    r"|录入时间|上传时间|浏览|浏览次数|点击|点击数|点击率|阅读|阅读量|阅读次数|责任编辑|编辑|责编"
    r"|审核|审稿|导语|摘要|关键词|关键字|标签|字号|字体|供稿|投稿|文章编号|所属栏目|栏目)\s*:"
    r"|^\s*(?:时间|日期)\s*:\s*(?:\d{4}\s*[-/.]\s*\d|[^,;。]{4,16}\s\d{1,2}:\d{2})"
    # A government page's metadata table: 生成日期 | 2017-10-11 | 公开方式 | 主动公开
    r"|^\s*(?:生成日期|成文日期|发文日期|签署日期|登记日期|公开日期|索引号|发文字号|发布机构"
    r"|组配分类|主题分类|公开方式|公开范围|信息时效期|发文机构)\s*(?::|\|)"
)
_CLUTTER_ANYWHERE = re.compile(
    r"浏览\s*:?\s*\d+\s*次|点击\s*:?\s*\d+|阅读\s*:?\s*\d+\s*次|(?:发布|更新)时间\s*:"
    r"|此处隐藏|下载后查看|下载全文|不代表本站|本站观点|网友(?:投稿|上传)|版权所有|ICP备|copyright|©"
    r"|免责声明|扫一扫|返回顶部|返回列表|上一篇|下一篇|相关文章|相关阅读|推荐阅读|热门推荐|猜你喜欢"
    r"|当前位置|您的位置|网站首页|首页\s*>|>\s*正文|【\s*字体|【\s*打印|【\s*关闭"
    # … the same brackets once normalised to "(": 2019-09-29 08:22 来源:… (字体: 打印
    r"|\(\s*字体\s*:|\(\s*(?:打印|关闭)\s*\)"
    # Site notices pasted with the text: 本文由…原创，转载请…, 客户专属热线, 资料文库.
    r"|本文由|转载请|原文链接|分享到|专属热线|资料文库|范文网"
    # a posting line's fields left empty: 时间:2024年03月19日 来源: 作者:点击:
    r"|来源\s*:[^\n]{0,30}?(?:作者|点击|浏览|编辑|责编)\s*:"
    r"|(?:阅读|浏览|点击|访问)(?:量|次数)\s*:?\s*\d",
    re.IGNORECASE,
)
# Inline site metadata and document numbers, masked wherever they are:
# "浏览:2107次发布时间:2012-03-21 08:24", "(委〔2018〕1号)".
_INLINE_MASK = re.compile(
    r"(?P<meta>(?:(?:发布|更新|发表|录入|上传)?时间|日期)\s*:\s*(?P<y>\d{4})\s*[-/.]\s*\d{1,2}"
    r"(?:\s*[-/.]\s*\d{1,2})?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)"
    r"|浏览\s*:?\s*\d+\s*次|点击\s*:?\s*\d+\s*次?"
    r"|\(\s*(?P<docno>\d{4})\s*\)\s*(?:第\s*)?\d+\s*号"
)
_DOCNO_LINE = re.compile(rf"^\s*{_CJK}{{1,16}}\s*\(\s*\d{{4}}\s*\)\s*(?:第\s*)?\d+\s*号\s*$")
_DATE_LINE = re.compile(
    r"^\s*\(?\s*(?:(?:\d{4}|[0〇零○一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[十一二三四五六七八九]{1,2}|元)\s*月"
    r"\s*(?:\d{1,2}|[十一二三四五六七八九廿卅]{1,3})\s*日|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2})"
    r"\s*(?:印发|发布)?\s*\)?\s*$"
)
# The signature and the date on one line: "中共某某镇委员会 2023年3月1日".
_SIGNED_DATE_LINE = re.compile(
    rf"^{_CJK}{{2,24}}?(?:委员会|党委|党总支|党支部|总支|支部|办公室|工委|组织部|宣传部|学校|中学"
    r"|小学|学院|大学|医院|公司|政府|街道|社区|村委会|管委会|团委|妇联|工会|局|中心)\s*"
    r"\(?\s*(?:\d{4}|[0〇零○一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[十一二三四五六七八九]{1,2}|元)\s*月"
    r"\s*(?:\d{1,2}|[十一二三四五六七八九廿卅]{1,3})\s*日\s*(?:印发|发布)?\s*\)?\s*$"
)
_META_DATE = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})")

_UNITS = "年月日号个项人次名户条件万千百余多批天周届期位岁公平米元倍级层家所处%"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月份?"
# A line that is nothing but a stretch of time ("一月份", "第一季度", "3—4月：") heads
# the work listed under it, the way monthly and quarterly work plans are laid out.
_WHEN = (
    rf"(?:\d{{4}}\s*年(?:度)?\s*)?(?:{_MONTH}(?:\s*[-~至到]\s*{_MONTH})?"
    r"|第?[一二三四1-4]\s*季度|[上下]半年)\s*:?\s*$"
)
_HEADING = re.compile(
    r"\s*(?:"
    rf"(?P<when>(?={_WHEN}))"
    r"|(?P<cn_dun>[一二三四五六七八九十]{1,3}\s*(?:、|\.(?!\d)))"
    r"|(?P<cn_paren>\(\s*[一二三四五六七八九十]{1,3}\s*\))"
    r"|(?P<num_paren>\(\s*\d{1,2}\s*\))"
    r"|(?P<circled>[①-⑳])"
    r"|(?P<stage>第[一二三四五六七八九十\d]{1,3}(?:阶段|步|部分|章))"
    # 1、 1. 1 but not 16.7 (a decimal), except "2.6月底前…": item 2, in June.
    rf"|(?P<num>\d{{1,2}}(?:\s*、|\s*\.(?!\d)|\.(?=\d{{1,2}}\s*月|\d{{4}}\s*(?:年|[.\-/]\s*\d))|(?=\s*{_CJK})(?!\s*[{_UNITS}])\s*))"
    r")"
)
# A line that states a time for what precedes it: "完成时限：2016年6月".
LABEL = (
    r"(?:完成时限|完成时间|完成期限|办结时限|时限|期限|截止时间|截止日期|时间安排|时间节点|时间要求"
    r"|进度安排|进度表|时间表|日程表|时间|日期)"
)
# Used with match(text, pos): no "^", which would only match at the string's start.
_LABEL_LINE = re.compile(rf"\s*{LABEL}\s*:")
# "1月—2月：制定年度计划", "时间：3月": a short key, a colon, a value. Such a line
# starts a sentence even when the line before it has no full stop.
_KEY_VALUE_LINE = re.compile(r"\s*[^,;。:]{1,16}:")
_TERMINAL = "。;!?"
_PLAN_WORDS = "方案|计划|规划|要点|安排|办法|细则|意见|清单|纲要"
_TITLE_END = re.compile(rf"(?:{_PLAN_WORDS}|规定|规则|通知|决定)$")
_PLAN_TITLE_END = re.compile(rf"(?:{_PLAN_WORDS})$")
_WRAPPED_TITLE = re.compile(r"《([^《》]+)》")


@dataclass(slots=True)
class Line:
    start: int
    end: int  # exclusive, before the newline
    kind: LineKind


@dataclass(slots=True)
class Heading:
    line_start: int
    line_end: int
    title_start: int  # first character after the marker
    seg_end: int  # end of the heading's own sentence (exclusive, before 。)
    style: str
    depth: int
    parent: int | None
    children: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    text: str
    norm: str
    scan: str  # ``norm`` with clutter, document numbers and date lines masked
    lines: list[Line]
    headings: list[Heading]
    sentences: list[tuple[int, int]]
    date_line_years: list[int]
    meta_years: list[int]
    date_line_dates: list[date] = field(default_factory=list)  # the issue dates, in order
    docno_years: list[int] = field(default_factory=list)  # 直党组〔2010〕10号
    meta_dates: list[date] = field(default_factory=list)  # a web page's 发布日期, in order
    _heading_starts: list[int] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._heading_starts = [h.line_start for h in self.headings]
        self._sentence_starts = [s for s, _ in self.sentences]

    def heading_at(self, pos: int) -> int | None:
        """Index of the heading whose block contains ``pos`` (None before the first)."""
        i = bisect_right(self._heading_starts, pos) - 1
        return i if i >= 0 else None

    def sentence_at(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self._sentence_starts, pos) - 1
        if i >= 0:
            start, end = self.sentences[i]
            if start <= pos < end:
                return start, end
        return pos, pos

    def line_at(self, pos: int) -> Line:
        lo, hi = 0, len(self.lines) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.lines[mid].start <= pos:
                lo = mid
            else:
                hi = mid - 1
        return self.lines[lo]

    def ancestors(self, index: int) -> list[int]:
        out = []
        parent = self.headings[index].parent
        while parent is not None:
            out.append(parent)
            parent = self.headings[parent].parent
        return out

    def top(self, index: int) -> int:
        chain = self.ancestors(index)
        return chain[-1] if chain else index


def _split_lines(norm: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in re.finditer("\n", norm):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(norm)))
    return spans


def _classify(line: str) -> LineKind:
    stripped = line.strip()
    if not stripped:
        return "blank"
    if (
        _DATE_LINE.match(stripped)
        or _digits_date(stripped) is not None
        or _SIGNED_DATE_LINE.match(stripped)
    ):
        return "dateline"
    if _DOCNO_LINE.match(stripped):
        return "docno"
    if (
        _CLUTTER_LABEL.match(stripped)
        or _CLUTTER_ANYWHERE.search(stripped)
        or not re.search(_CJK, stripped)
    ):
        return "clutter"
    if ROW_SEPARATOR.search(line):
        return "row"
    if _HEADING.match(line):
        return "heading"
    return "body"


def _segment_end(norm: str, start: int, line_end: int) -> int:
    for i in range(start, line_end):
        if norm[i] in _TERMINAL:
            return i
    return line_end


def _build_headings(norm: str, lines: list[Line]) -> list[Heading]:
    headings: list[Heading] = []
    stack: list[tuple[str, int]] = []  # (style, heading index), outermost first
    for line in lines:
        if line.kind != "heading":
            continue
        m = _HEADING.match(norm, line.start, line.end)
        assert m is not None and m.lastgroup is not None
        style = m.lastgroup
        styles = [s for s, _ in stack]
        if style in styles:
            del stack[styles.index(style) :]
        parent = stack[-1][1] if stack else None
        index = len(headings)
        title_start = m.end()
        headings.append(
            Heading(
                line_start=line.start,
                line_end=line.end,
                title_start=title_start,
                seg_end=_segment_end(norm, title_start, line.end),
                style=style,
                depth=len(stack),
                parent=parent,
            )
        )
        if parent is not None:
            headings[parent].children.append(index)
        stack.append((style, index))
    return headings


def _sentences(norm: str, lines: list[Line], headings: list[Heading]) -> list[tuple[int, int]]:
    """Sentence spans. Web text breaks lines in mid-sentence ("每月25⏎⏎日前"), so a
    line break only ends a sentence after 。；！？ or a colon, around a heading or a
    label line ("完成时限：…"), or at masked clutter."""
    by_line = {h.line_start: h for h in headings}
    chunks: list[tuple[int, int]] = []
    current: list[int] | None = None  # [start, end]
    previous: Line | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current[1] > current[0]:
            chunks.append((current[0], current[1]))
        current = None

    for line in lines:
        if line.kind == "blank":
            continue
        if line.kind in ("clutter", "docno", "dateline"):
            close()
            previous = None
            continue
        if line.kind == "row":  # a table row is one unit: a task and its columns
            close()
            chunks.append((line.start, line.end))
            previous = None
            continue
        heading = by_line.get(line.start)
        if heading is not None:
            close()
            end = heading.seg_end + (1 if heading.seg_end < line.end else 0)
            chunks.append((heading.title_start, end))
            current = [end, line.end] if end < line.end else None
            previous = line
            continue
        text = norm[line.start : line.end]
        hard_break = (
            current is None
            or previous is None
            or norm[previous.start : previous.end].rstrip()[-1:] in (_TERMINAL + ":")
            or bool(_LABEL_LINE.match(norm, previous.start, previous.end))
            or bool(_KEY_VALUE_LINE.match(text))
            # A title line (…方案, …计划, …通知) ends where its line does, even
            # when the first line of the body follows without a blank line.
            or _is_title_line(norm[previous.start : previous.end])
        )
        first = line.start + (len(text) - len(text.lstrip()))
        if hard_break:
            close()
            current = [first, line.end]
        else:
            assert current is not None
            current[1] = line.end
        previous = line
    close()

    sentences: list[tuple[int, int]] = []
    for start, end in chunks:
        s = start
        for i in range(start, end):
            if norm[i] in _TERMINAL:
                sentences.append((s, i + 1))
                s = i + 1
        if s < end:
            sentences.append((s, end))
    return [_trim(norm, s, e) for s, e in sentences if norm[s:e].strip()]


def _is_title_line(line: str) -> bool:
    compact = clean(line)
    return len(compact) <= 60 and bool(_TITLE_END.search(compact))


def _trim(norm: str, start: int, end: int) -> tuple[int, int]:
    while start < end and norm[start].isspace():
        start += 1
    while end > start and norm[end - 1].isspace():
        end -= 1
    return start, end


def parse(text: str, norm: str) -> Document:
    """Split the (normalised) text into lines, headings and sentences, and mask clutter."""
    lines = [Line(s, e, _classify(norm[s:e])) for s, e in _split_lines(norm)]
    _rejoin_broken_days(norm, lines)
    _values_of_time_labels(norm, lines)
    scan = list(norm)
    date_line_years: list[int] = []
    date_line_dates: list[date] = []
    docno_years: list[int] = []
    meta_years: list[int] = []
    meta_dates: list[date] = []
    for line in lines:
        if line.kind in ("clutter", "docno", "dateline"):
            raw = norm[line.start : line.end]
            if line.kind == "dateline":
                year = _line_year(raw)
                if year is not None:
                    date_line_years.append(year)
                    issued = _line_date(raw)
                    if issued is not None:
                        date_line_dates.append(issued)
            elif line.kind == "docno" and (m := re.search(r"\(\s*(\d{4})\s*\)", raw)):
                docno_years.append(int(m.group(1)))
            elif line.kind == "clutter" and (m := _META_DATE.search(raw)) and _is_meta(raw):
                meta_years.append(int(m.group("y")))
                if (posted := _line_date(raw)) is not None:
                    meta_dates.append(posted)
            scan[line.start : line.end] = MASK * (line.end - line.start)
    inline_docno_years: list[int] = []
    for m in _INLINE_MASK.finditer(norm):
        if m.group("docno"):
            # a document number cited in the body (临两新工委〔2020〕2号): the text's year
            # when nothing else gives one
            inline_docno_years.append(int(m.group("docno")))
        if m.group("meta"):
            meta_years.append(int(m.group("y")))
            if (posted := _line_date(m.group("meta"))) is not None:
                meta_dates.append(posted)
        scan[m.start() : m.end()] = MASK * (m.end() - m.start())
    headings = _build_headings(norm, lines)
    return Document(
        text=text,
        norm=norm,
        scan="".join(scan),
        lines=lines,
        headings=headings,
        sentences=_sentences(norm, lines, headings),
        date_line_years=date_line_years,
        date_line_dates=date_line_dates,
        docno_years=docno_years + inline_docno_years,
        meta_years=meta_years,
        meta_dates=meta_dates,
    )


def _rejoin_broken_days(norm: str, lines: list[Line]) -> None:
    """A web copy breaks "7月15日" into "7月", "15", "日前完成" on lines of their own;
    the bare number is part of the date, not a page number to mask."""
    following: Line | None = None
    for line in reversed(lines):
        if line.kind == "blank":
            continue
        if (
            line.kind == "clutter"
            and following is not None
            and _BARE_DAY.fullmatch(norm, line.start, line.end)
            and norm[following.start : following.end].lstrip()[:1] in ("日", "号")
        ):
            line.kind = "body"
        following = line


def _values_of_time_labels(norm: str, lines: list[Line]) -> None:
    """A date alone on its line right under "二、活动时间" or "时间：" is that label's
    value, not the document's date line."""
    previous: Line | None = None
    for line in lines:
        if line.kind == "blank":
            continue
        if (
            line.kind == "dateline"
            and previous is not None
            and _TIME_LABEL_END.search(norm, previous.start, previous.end)
        ):
            line.kind = "body"
        previous = line


_TIME_LABEL_END = re.compile(r"(?:时间|日期|时限|期限)(?:[和、及与]?地点)?\s*:?\s*$")
_BARE_DAY = re.compile(r"\s*\d{1,2}\s*")


def _is_meta(line: str) -> bool:
    """A posting line: 发布时间：…, or a page's date and clock time opening the line."""
    return bool(
        re.search(r"(?:时间|日期)\s*:", line)
        or re.match(r"\s*\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}\s+\d{1,2}:\d{2}", line)
    )


_LINE_DATE = re.compile(
    r"(?P<y>\d{4}|[0〇零○一二三四五六七八九]{4})\s*(?:年|[-/.])\s*(?P<m>\d{1,2}|[十一二三四五六七八九]{1,2}|元)"
    r"\s*(?:月|[-/.])\s*(?P<d>\d{1,2}|[十一二三四五六七八九廿卅]{1,3})"
)


def _digits_date(line: str) -> date | None:
    """A date line whose separators a web copy lost (20070901, 200791): read when the
    digits after the year split into a month and a day one way only."""
    if not re.fullmatch(r"(?:19|20)\d{4,6}", line):
        return None
    year, rest = int(line[:4]), line[4:]
    found = []
    for i in range(1, len(rest)):
        mo, d = rest[:i], rest[i:]
        if len(mo) > 2 or len(d) > 2 or (len(d) == 2 and d[0] == "0" and len(rest) < 4):
            continue
        try:
            found.append(date(year, int(mo), int(d)))
        except ValueError:
            continue
    return found[0] if len(set(found)) == 1 else None


def _line_date(line: str) -> date | None:
    """The date a date line states (2023年12月27日, 二〇一四年元月二十三日, 2023-12-27)."""
    m = _LINE_DATE.search(line)
    if m is None:
        return _digits_date(line.strip())
    parts = [cn_to_int(m["y"]), 1 if m["m"] == "元" else cn_to_int(m["m"]), cn_to_int(m["d"])]
    if any(p is None for p in parts):
        return None
    y, mo, d = (int(p) for p in parts if p is not None)
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _line_year(line: str) -> int | None:
    m = re.search(r"(\d{4}|[0〇零○一二三四五六七八九]{4})", line)
    return cn_to_int(m.group(1)) if m else None


def cell_span(norm: str, start: int, end: int, line: Line) -> tuple[int, int] | None:
    """The table cell holding ``norm[start:end]`` when ``line`` is a table row."""
    if line.kind != "row":
        return None
    lo, hi = line.start, line.end
    for m in ROW_SEPARATOR.finditer(norm, line.start, line.end):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    return lo, hi


def starts_with_label(norm: str, start: int, end: int) -> bool:
    """Whether ``norm[start:end]`` opens with a time label such as 完成时限："""
    return bool(_LABEL_LINE.match(norm, start, end))


def clean(text: str) -> str:
    """Collapse whitespace the way a title should read: none between Chinese
    characters (实  施  方  案 → 实施方案, 每月25⏎⏎日前 → 每月25日前), one between words."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text)


_TRIM_PUNCT = " ,，、;；:：。.!！?？"


def strip_punct(text: str) -> str:
    return text.strip(_TRIM_PUNCT)


def shorten(title: str, limit: int = 60) -> str:
    """Keep whole clauses while they fit in ``limit`` characters; cut hard (with …)
    only when even the first clause is longer."""
    title = strip_punct(title)
    if len(title) <= limit:
        return title
    out = ""
    for part in re.split(r"(?<=[,，;；:：])", title):
        if len(out) + len(part) > limit:
            break
        out += part
    out = strip_punct(out)
    return out if out else title[: limit - 1] + "…"


def _tail(doc: Document, pending: list[Line]) -> str:
    """The end of the pending lines joined, enough for _TITLE_END (two characters at the
    very end): the last lines that hold 16 characters or more. Each pending line holds
    two at least, and the end of ``clean`` of the whole is the end of ``clean`` of
    this tail; joining every pending line each time would be quadratic."""
    parts: list[str] = []
    size = 0
    for ln in reversed(pending):
        parts.append(doc.norm[ln.start : ln.end])
        size += ln.end - ln.start
        if size >= 16:
            break
    return "".join(reversed(parts))


def find_title(doc: Document) -> str:
    """The plan's title: a short heading-like line before the first numbered heading.

    Lines broken in the middle of a title are joined ("关于在……的" + "实  施  方  案").
    A title naming a plan (…方案, …计划, …要点) is preferred over the cover notice
    that carries it (关于印发《…方案》的通知), whose 《》 part is used otherwise.
    """
    first_heading = doc.headings[0].line_start if doc.headings else len(doc.norm)
    titles: list[str] = []
    pending: list[Line] = []

    def flush() -> None:
        if pending:
            titles.append(clean("".join(doc.text[ln.start : ln.end] for ln in pending)))
            pending.clear()

    for line in doc.lines:
        if line.start >= first_heading:
            break
        if line.kind == "blank":
            continue
        raw = doc.norm[line.start : line.end].strip()
        compact = clean(raw)
        candidate = (
            line.kind == "body"
            and 2 <= len(compact) <= 60
            and not any(ch in raw for ch in _TERMINAL + ",")
            and not raw.endswith(":")
            and not _LABEL_LINE.match(raw)
        )
        if not candidate:
            flush()
            continue
        pending.append(line)
        if _TITLE_END.search(clean(_tail(doc, pending))):
            flush()
    flush()

    normalised = [(title, normalize(title)) for title in titles]
    for title, norm in normalised:
        if _PLAN_TITLE_END.search(norm):
            return title
    for title, norm in normalised:
        m = _WRAPPED_TITLE.search(norm)
        if m and _PLAN_TITLE_END.search(m.group(1)):
            start = norm.index(m.group(1))
            return title[start : start + len(m.group(1))]
    return titles[0] if titles else ""
