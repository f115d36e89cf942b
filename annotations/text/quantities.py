"""Numbers, dates, money and percentages in a sentence, with exact offsets.

Pure Python (no Django). Chinese and English forms: 1060万美元, $10.6M,
80%以上, 2011年, 6月28日, "June 28", 2002级. Full-width characters are written
as escapes so no editor can silently turn them into ASCII.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

DATE = "date"
MONEY = "money"
PERCENT = "percent"
NUMBER = "number"
VAGUE = "vague"  # half, 一半, dozens: a quantity without a number
RELATIVE = "relative"  # this week, Thursday, 近日: a date the reader must work out
# Figures that state a value (the vague and relative ones only point at one).
EXACT = (DATE, MONEY, PERCENT, NUMBER)

_CN_DIGITS = "\u96f6\u3007\u4e00\u4e8c\u4e24\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d"
_CN_UNITS = "\u5341\u767e\u5343\u4e07\u4ebf"  # 十百千万亿
_CN_NUMBER = f"[{_CN_DIGITS}{_CN_UNITS}]+"
_ARABIC = r"\d[\d,\uff0c]*(?:\.\d+)?"
FULLWIDTH_DIGITS = str.maketrans(
    "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0e", "0123456789."
)
# 万 ten thousand, 亿 hundred million, plus 千万/百万 compounds.
_CN_MAGNITUDE = "(?:\u5343\u4e07|\u767e\u4e07|\u4e07|\u4ebf)"
_CURRENCY_ZH = (
    "(?:\u7f8e\u5143|\u7f8e\u91d1|\u4eba\u6c11\u5e01|\u5143|\u6b27\u5143"
    "|\u82f1\u9551|\u65e5\u5143|\u6e2f\u5143|\u6e2f\u5e01)"
)  # 美元 美金 人民币 元 欧元 英镑 日元 港元 港币
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|"
    "November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        MONEY,
        re.compile(
            rf"(?:{_ARABIC}|{_CN_NUMBER})?\s*{_CN_MAGNITUDE}?\s*{_CURRENCY_ZH}"
            rf"|[$\u20ac\u00a3\u00a5\uffe5]\s?{_ARABIC}\s*"
            r"(?:[KMB]\b|k\b|bn\b|million\b|billion\b|thousand\b)?"
            rf"|{_ARABIC}\s*(?:million|billion|thousand)?\s*"
            r"(?:dollars|USD|US\$|euros|EUR|yuan|RMB)\b"
        ),
    ),
    (
        PERCENT,
        re.compile(
            rf"{_ARABIC}\s*(?:%|\uff05|percent\b|per cent\b)"
            r"(?:\u4ee5\u4e0a|\u4ee5\u4e0b|\u5de6\u53f3)?"  # 以上 以下 左右
            rf"|\u767e\u5206\u4e4b(?:{_ARABIC}|{_CN_NUMBER})"  # 百分之
            # 十分之一
            rf"|(?:{_CN_NUMBER}|{_ARABIC})\u5206\u4e4b(?:{_CN_NUMBER}|{_ARABIC})"
        ),
    ),
    (
        DATE,
        re.compile(
            r"(?:1[89]|20)\d{2}\s*\u5e74(?:\s*\d{1,2}\s*\u6708(?:\s*\d{1,2}\s*[\u65e5\u53f7])?)?"
            r"|\d{1,2}\s*\u6708\s*\d{1,2}\s*[\u65e5\u53f7]"
            r"|(?:1[89]|20)\d{2}\s*\u7ea7"  # 2002级: a university cohort
            # A month alone: 5月, 去年七月 (not 5个月, a duration, nor 一月一日).
            r"|(?<![\d.])(?:1[0-2]|0?[1-9])\s*\u6708(?:\u4efd)?(?![\d\u65e5\u53f7])"
            r"|(?:(?<=\u5e74)|(?<![\u4e00-\u9fff]))"
            r"(?:\u5341[\u4e00\u4e8c]?|[\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03"
            r"\u516b\u4e5d])\u6708(?:\u4efd)?(?![\u4e00-\u9fa5]{0,2}[\u65e5\u53f7])"
            rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+(?:1[89]|20)\d{{2}}\b)?"
            rf"|\b\d{{1,2}}\s+(?:{_MONTHS})\b(?:\s+(?:1[89]|20)\d{{2}}\b)?"
            r"|(?<![\w.,$])(?:1[89]|20)\d{2}(?![\w%\uff05]|[.,]\d)"  # a bare year
        ),
    ),
    (
        NUMBER,
        re.compile(
            rf"{_ARABIC}\s*{_CN_MAGNITUDE}?"
            # 倍 个 人 岁 名 家 年 次 万
            r"(?:\u500d|\u4e2a|\u4eba|\u5c81|\u540d|\u5bb6|\u5e74|\u6b21|\u4e07)?"
            # Chinese numerals count only with a measure: 一年, 三倍, 五十岁
            # (两人, 一个 are mere words).
            rf"|{_CN_NUMBER}[\u500d\u5c81\u540d\u5bb6\u5e74\u6b21]"
        ),
    ),
]

_PATTERNS += [
    (
        VAGUE,
        re.compile(
            r"\b(?:(?:a|one|two|three)[ -](?:half|third|quarter|fifth)s?"
            r"|(?:two|three)[ -](?:thirds|quarters|fifths)"
            r"|half|dozens|scores|hundreds|thousands|millions|billions"
            r"|a dozen|a handful|a majority|a minority)\b"
            r"|\u4e00\u534a|\u534a\u6570|\u5927\u591a\u6570|\u5927\u90e8\u5206"
            r"|[\u6570\u51e0\u4e0a][\u5341\u767e\u5343\u4e07\u4ebf]",
            re.IGNORECASE,
        ),  # 一半 半数 大多数 大部分 数十 几百 上千
    ),
    (
        RELATIVE,
        re.compile(
            r"\b(?:today|yesterday|tomorrow|tonight"
            r"|(?:this|last|next|past) (?:week|month|year|weekend|spring|summer"
            r"|autumn|fall|winter|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
            r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
            r"|recently|earlier this (?:week|month|year))\b"
            # 今天 昨天 明天 今日 昨日 今年 去年 明年 前年 近日 日前 近期 本周 上周
            # 下周 本月 上月 下月 上个月 下个月 星期X 周X
            r"|[\u4eca\u6628\u660e][\u5929\u65e5]|[\u4eca\u53bb\u660e\u524d]\u5e74"
            r"|\u8fd1\u65e5|\u65e5\u524d|\u8fd1\u671f"
            r"|[\u672c\u4e0a\u4e0b]\u4e2a?[\u5468\u6708]"
            r"|(?:\u661f\u671f|\u5468)[\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u65e5\u5929]",
            re.IGNORECASE,
        ),
    ),
]
# A character every match of the kind holds (a digit, a currency sign or
# word, 分 of 百分之, 月, a Chinese numeral): a sentence without one is not
# scanned for that kind, which saves most of the time on ordinary sentences.
_NEEDS = {
    MONEY: re.compile(
        "[\\d$\u20ac\u00a3\u00a5\uffe5\u5143\u91d1\u5e01\u9551]"
    ),  # 元 金 币 镑
    PERCENT: re.compile("[\\d\u5206]"),  # 分
    DATE: re.compile("[\\d\u6708]"),  # 月
    NUMBER: re.compile(f"[\\d{_CN_DIGITS}{_CN_UNITS}]"),
}
# Strings every match of a kind of words holds (in lower case; with the
# letters that match others when case is ignored, ſ K İ ı, the pattern runs).
_ODD_CASES = ("\u017f", "\u212a", "\u0130", "\u0131")
# fmt: off
_NEEDLES = {
    VAGUE: (
        "half", "third", "quarter", "fifth", "dozen", "score", "hundred",
        "thousand", "million", "billion", "handful", "majorit", "minorit",
        "\u534a", "\u5927", "\u6570", "\u51e0", "\u4e0a", *_ODD_CASES,
    ),  # 半 大 数 几 上
    RELATIVE: (
        "today", "yesterday", "tomorrow", "tonight", "this ", "last ", "next ",
        "past ", "day", "recently", "\u4eca", "\u6628", "\u660e", "\u53bb",
        "\u524d", "\u8fd1", "\u65e5", "\u672c", "\u4e0a", "\u4e0b",
        "\u661f", "\u5468", *_ODD_CASES,
    ),  # 今 昨 明 去 前 近 日 本 上 下 星 周
}
# fmt: on
# One pattern of plain strings each: scanned at C speed, a character set first.
_NEEDLES = {
    kind: re.compile("|".join(map(re.escape, needles)))
    for kind, needles in _NEEDLES.items()
}
# Words that hold no digit but are quantities all the same.
_WORDY = (VAGUE, RELATIVE)

# A lone digit inside a Latin name ("GPT-4o", "Athene-V2", "Llama 3") is a model
# name, not a quantity.
_IN_WORD = re.compile(r"[A-Za-z][\w-]*$")
# A product and its version ("CUDA 9", "TensorRT 3", "iOS 17"): a word with a
# capital inside it, then the number.
_VERSION = re.compile(
    r"\b[A-Za-z]*[a-z]?[A-Z][A-Za-z]*[A-Z][A-Za-z]* ?$|\b[a-z]+[A-Z]\w* ?$"
)


_WORD_WINDOW = 48
_NUMERALS = _CN_DIGITS + _CN_UNITS


@dataclass(frozen=True)
class Quantity:
    kind: str
    start: int
    end: int
    text: str

    @property
    def year(self) -> int | None:
        """The year a date names, if it names one."""
        return _year_in(self.text) if self.kind == DATE else None


_YEAR = re.compile(r"(?:1[89]|20)\d{2}")


@lru_cache(maxsize=4096)
def _year_in(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group()) if match else None


def extract(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in order, none overlapping another.

    Earlier kinds win: "1060万美元" is money, not the number 1060万.
    """
    found: list[Quantity] = []
    taken = [False] * len(text)
    probe = text.translate(FULLWIDTH_DIGITS)  # same length, so offsets hold
    lowered = probe.lower()
    for kind, pattern in _PATTERNS:
        needed = _NEEDS.get(kind)
        if needed is not None and needed.search(probe) is None:
            continue  # none of the characters every match of this kind holds
        needles = _NEEDLES.get(kind)
        if needles is not None and needles.search(lowered) is None:
            continue  # none of the strings every match of this kind holds
        for match in pattern.finditer(probe):
            start, end = _trim(probe, match.start(), match.end())
            if end <= start or any(taken[start:end]):
                continue
            if kind == NUMBER:
                # The word just before (a window: a name is never this long).
                before = probe[max(0, start - _WORD_WINDOW) : start]
                if _IN_WORD.search(before) or _VERSION.search(before):
                    continue
            if kind not in _WORDY and not any(
                ch.isdigit() or ch in _NUMERALS for ch in probe[start:end]
            ):
                continue  # a bare currency word such as 美元
            found.append(Quantity(kind, start, end, text[start:end]))
            taken[start:end] = [True] * (end - start)
    found.sort(key=lambda q: q.start)
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",\uff0c"):
        end -= 1
    return start, end
