"""Character-level normalisation used for *matching* plan text, and Chinese numerals.

Every mapping here is one character to one character, so an offset in the
normalised text is the same offset in the source. The extractor finds
everything on the normalised text and then slices titles and spans out of the
original, which keeps the plan's own characters (traditional stays traditional,
full-width stays full-width) in what the coordinator sees.
"""

from __future__ import annotations

import re

# Traditional → simplified, limited to characters that occur in the words the
# extractor looks for (date words, labels, section keywords, web clutter,
# measure words). Pairs are written "繁简". A full converter is not needed:
# the result is only ever matched against, never shown.
_TRAD_SIMP = (
    "時时長长階阶個个項项號号屆届會会於于間间為为開开發发覽览瀏浏閱阅讀读來来點点擊击"
    "國国慶庆節节終终內内後后關关導导標标問问題题況况領领認认識识務务舉举驟骤實实計计"
    "劃划黨党組组織织級级設设層层義义體体規规範范準准備备動动員员傳传習习學学結结總总"
    "驗验鞏巩調调資资訊讯編编輯辑責责廣广權权頁页載载網网論论評评議议審审轉转熱热薦荐"
    "頂顶隱隐稱称週周兩两當当這这屬属顯显幾几萬万億亿歲岁財财報报單单約约紀纪歷历條条"
    "狀状態态運运須须應应將将達达遲迟際际進进確确擬拟辦办細细則则見见類类優优續续處处"
    "區区鄉乡鎮镇縣县團团隊队換换選选質质試试頒颁佈布聯联繫系樣样構构專专帶带頭头圍围"
    "環环還还讓让們们對对從从與与並并無无沒没遠远觀观語语歡欢參参複复製制碼码啟启畢毕"
    "勞劳軍军戰战據据嚴严銷销氣气書书記记幹干貫贯徹彻執执紮扎穩稳補补齊齐強强養养滿满"
    "監监檢检測测績绩獎奖懲惩勵励潔洁風风廠厂業业農农講讲話话說说課课訓训練练遞递協协"
    "籌筹贈赠價价費费經经濟济鄰邻戶户場场館馆陣阵東东華华貢贡獻献獲获頻频歸归檔档錄录"
    "冊册臺台賬账帳账訂订肅肃樹树雙双爭争創创鬥斗視视聽听聞闻僅仅嗎吗麼么邊边現现顧顾"
    "爲为裏里裡里衆众眾众啓启兇凶鬧闹簡简雜杂極极壹一貳二佰百僞伪請请詢询聲声隨随燈灯"
    "墻墙廳厅銜衔餘余曆历雲云隻只醫医衛卫鐘钟"
    "過过決决負负順顺賽赛競竞門门統统護护陽阳"
)

_SIMPLIFY: dict[int, str] = {
    ord(_TRAD_SIMP[i]): _TRAD_SIMP[i + 1] for i in range(0, len(_TRAD_SIMP), 2)
}


def _build_table() -> dict[int, str]:
    table: dict[int, str] = dict(_SIMPLIFY)
    # Full-width ASCII (digits, parentheses, colon, comma, tilde, minus …).
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    # Spaces that web pages and Word documents are full of.
    for ch in "\u3000\u00a0\u2002\u2003\u2009\u200a\u202f\t\r\f\v":
        table[ord(ch)] = " "
    # Every dash, hyphen and wave that plans use between the two ends of a range.
    for ch in "—–―‐‑‒−─━﹣﹘":
        table[ord(ch)] = "-"
    for ch in "〜∼⁓":
        table[ord(ch)] = "~"
    # Middle dots written inside festival names: 七·一, 七•一, 七・一.
    for ch in "•・‧∙⋅":
        table[ord(ch)] = "·"
    # Full-width full stop and comma variants that are not in the FFxx block.
    table[ord("．")] = "."
    table[ord("﹐")] = ","
    table[ord("﹔")] = ";"
    table[ord("﹕")] = ":"
    # Every kind of bracket reads as a parenthesis: "【3月—4月】" dates a heading the
    # way "（3月—4月）" does, and "〔2012〕4号" is a document number either way.
    for ch in "﹙【〔〖[［":
        table[ord(ch)] = "("
    for ch in "﹚】〕〗]］":
        table[ord(ch)] = ")"
    return table


_TABLE = _build_table()


def normalize(text: str) -> str:
    """Return ``text`` normalised for matching; ``len(result) == len(text)``."""
    return text.translate(_TABLE)


_CN_DIGIT = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    # A year typed in Chinese numerals with a Latin zero: 二0一五, 二O一五.
    "0": 0,
    "O": 0,
    "o": 0,
    **{str(d): d for d in range(1, 10)},
}


def cn_to_int(token: str) -> int | None:
    """Parse an Arabic or Chinese numeral: ``"25"``, ``"十二"``, ``"二十八"``, ``"廿一"``.

    A run of plain digits without 十 (``"二〇一五"``) is read digit by digit, which is
    how years are written. Returns None when ``token`` is not a numeral.
    """
    token = token.strip()
    if not token:
        return None
    if token.isascii():
        return int(token) if token.isdigit() else None
    if token[0] in "廿卅":  # 廿 is twenty, 卅 thirty: 廿一 = 21
        rest = token[1:]
        base = 20 if token[0] == "廿" else 30
        if not rest:
            return base
        digit = _CN_DIGIT.get(rest) if len(rest) == 1 else None
        return None if digit is None else base + digit
    if "十" in token:
        head, _, tail = token.partition("十")
        if len(head) > 1 or len(tail) > 1:
            return None
        tens = _CN_DIGIT.get(head) if head else 1
        unit = _CN_DIGIT.get(tail) if tail else 0
        if tens is None or unit is None:
            return None
        return tens * 10 + unit
    value = 0
    for ch in token:
        digit = _CN_DIGIT.get(ch)
        if digit is None:
            return None
        value = value * 10 + digit
    return value


# Web copies that gloss characters with pinyin: 創(chuàng)建, 時(shí)間. A gloss is a
# bracketed lowercase syllable (tone marks or none) right after a Chinese character.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（]\s*(?=[a-z{_TONED}]*[aeiou{_TONED}])[a-z{_TONED}]{{1,7}}\s*[)）]"
)


_SPACED_DAY = re.compile(
    r"(?<=月)[ \u3000]*\d([ \u3000]+)\d(?!\d)|(?<![\d])\d([ \u3000]+)\d[ \u3000]*[日号]"
)


def strip_glosses(text: str) -> tuple[str, list[int] | None]:
    """``text`` without pinyin glosses, and where each kept character was in ``text``
    (None when nothing was removed). Offsets found in the result map back to the
    source through that list, so spans stay valid in what the user gave."""
    spans = [m.span() for m in _PINYIN.finditer(text)]
    # 9月 2 9—3 0日: a web copy that spaced out the two digits of a day
    spans.extend(
        m.span(1) if m.group(1) is not None else m.span(2) for m in _SPACED_DAY.finditer(text)
    )
    spans.sort()
    if not spans:
        return text, None
    kept: list[str] = []
    where: list[int] = []
    pos = 0
    for a, b in spans:
        kept.append(text[pos:a])
        where.extend(range(pos, a))
        pos = b
    kept.append(text[pos:])
    where.extend(range(pos, len(text)))
    return "".join(kept), where
