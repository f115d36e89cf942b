"""Check-worthiness: which sentences to check first, and why.

Pure Python (no Django). An additive score a person can audit: each feature
adds or subtracts a fixed weight and names the words that triggered it
("+money 1060万美元", "-opinion 妥妥的"). The sum is clamped to 0..1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import quantities

BASE = 0.2

# (reason, weight, words). Words are matched as written; English ones whole.
# Curated, not mined: each word says what it is evidence of. Discourse
# adverbs (确实, 毕竟, 其实) are not opinion on their own, and titles (首席)
# or time words (最终, 最近) are not comparisons.
# fmt: off
_CUES: list[tuple[str, float, tuple[str, ...]]] = [
    (
        "comparison",
        0.15,
        (
            "最大", "最高", "最低", "最多", "最少", "最快", "最早", "最长", "最强",
            "最严重", "最先进", "首次", "首位", "首个", "第一次", "第一个", "第一位",
            "唯一", "超过", "超越", "对标", "小胜", "领先", "击败", "媲美", "霸主",
            "以上", "largest", "biggest", "highest", "lowest", "deadliest", "worst",
            "oldest", "youngest", "longest", "fastest", "more than", "beats",
            "rivals", "outperform", "only", "record", "for the first time",
            "first ever",
        ),
    ),
    (
        "event",
        0.15,
        (
            "收购", "任命", "融资", "成立", "创立", "创办", "加入", "推出", "开源",
            "毕业", "获得", "拿下", "得主", "担任", "宣布", "确认", "发生", "造成",
            "判处", "释放", "逮捕", "当选", "签署",
            "acquired", "appointed", "raised", "founded", "joined", "launched",
            "announced", "graduated", "hired", "killed", "elected", "signed",
            "arrested", "released", "confirmed", "detected", "discovered",
        ),
    ),
    (
        "attribution",
        0.1,
        (
            "据悉", "据报道", "报道", "指出", "according to", "reported",
        ),
    ),
    (
        "opinion",
        -0.25,
        (
            "妥妥的", "堪称", "开挂", "更狠", "拉满", "如虎添翼", "炸锅", "想都不敢想",
            "无疑", "相信", "不如", "与其", "双赢", "警钟", "认为", "觉得",
            "感到", "深感", "难过", "高兴", "鼓舞", "重要", "希望", "看作", "被视为",
            "关键一步", "很好", "遗憾",
            "amazing", "undoubtedly", "arguably", "think",
            "thinks", "believe", "believes", "feel", "feels", "confident",
            "hope", "hopes", "important", "wonderful", "towering", "exciting",
            "revolutionary",
        ),
    ),
    (
        "hedging",
        -0.15,
        (
            "可能", "也许", "推测", "或许", "大概", "据说", "似乎",
            "may", "might", "perhaps", "possibly", "reportedly", "likely",
        ),
    ),
    (
        "advice",
        -0.15,
        (
            "得让", "要把", "应该", "还得", "也得", "要减少", "必须", "提醒",
            "should", "must",
        ),
    ),
    (
        # Discourse adverbs: opinion only beside another sign of it.
        "discourse",
        -0.1,
        (
            "其实", "确实", "毕竟", "根本", "说到底", "显然", "当然",
            "clearly", "obviously", "indeed", "after all", "of course",
        ),
    ),
    (
        "first person",
        -0.15,
        ("我们", "我", "we", "our", "us", "i", "i'm", "my"),
    ),
]
# fmt: on
_OPINIONATED = {"opinion", "advice", "hedging", "first person"}
_WEIGHTS = {
    quantities.MONEY: ("money", 0.3),
    quantities.PERCENT: ("percent", 0.25),
    quantities.DATE: ("date", 0.25),
    quantities.NUMBER: ("number", 0.15),
    quantities.VAGUE: ("vague figure", 0.1),
    quantities.RELATIVE: ("relative date", 0.1),
}
_QUESTION = re.compile(r"[?\uff1f]\s*$")
_NAMED = re.compile(r"\b[A-Z][A-Za-z0-9-]{2,}\b")  # NVIDIA, OpenAI, Nexusflow
# A capitalised word that starts the sentence is a name only when another
# capitalised word follows it (Stephan Shuster), never alone (While, The).
_FIRST_WORD = re.compile(r"^[\W\d_]*([A-Z][A-Za-z0-9-]*)\b(?![ -][A-Z])")
# fmt: off
_NOT_NAMES = {
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}
# fmt: on
_SHORT = 60  # characters
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u201d\"\u300d)\uff09\u2026]\s*$")
# A promo or citation line of the page (• 5/6【…】, - Emily Cadei. "…").
_BULLET = re.compile(r"^[\u2022\u00b7\u25cf*-]\s")
# Someone's words: a speaker label (NYE: "...", 坦克雷多议员说:“...) or a
# sentence inside quotation marks.
_QUOTATION = re.compile(
    r"^[A-Z][A-Z .'-]+:\s+[\"\u201c]"
    r"|^[\"\u201c\u300c]"
    r"|\u8bf4[:\uff1a]\s*[\u201c\u300c\"]"  # 说:“
    r"|[\u201d\u300d\"]\s*$"
)
_LATIN_WORD = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Score:
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class _Cue:
    """One cue's words, split for speed: a big regex alternation costs about
    a millisecond a sentence, set lookups and substring searches a few
    microseconds (``_earliest_cues`` reads them for all cues at once)."""

    reason: str
    weight: float
    words: frozenset[str]  # single Latin words, matched whole
    phrases: tuple[str, ...]  # Latin phrases, matched whole
    han: tuple[str, ...]  # Chinese words, matched anywhere
    # The Chinese words by first character: only those whose first character
    # the sentence holds are looked for.
    han_by_first: dict[str, tuple[str, ...]]


@cache
def _whole(word: str) -> re.Pattern[str]:
    """``word`` as a whole word (compiled once: the re module's own cache is
    small and slower to consult)."""
    return re.compile(rf"\b{re.escape(word)}\b")


def _cue(reason: str, weight: float, words: tuple[str, ...]) -> _Cue:
    latin = [w for w in words if _LATIN_WORD.match(w)]
    han = tuple(w for w in words if not _LATIN_WORD.match(w))
    return _Cue(
        reason,
        weight,
        frozenset(w for w in latin if _TOKEN.fullmatch(w)),
        tuple(w for w in latin if not _TOKEN.fullmatch(w)),
        han,
        {f: tuple(w for w in han if w[0] == f) for f in {w[0] for w in han}},
    )


_TOKEN = re.compile(r"[a-z0-9']+")
_CUE_MATCHERS = [_cue(*cue) for cue in _CUES]
# Every cue's words in one index (cue number, word), so a sentence is read
# once for all cues rather than once a cue.
_BY_FIRST: dict[str, list[tuple[int, str]]] = {}
_BY_TOKEN: dict[str, list[int]] = {}
_PHRASES: list[tuple[int, str]] = []
for _i, _matcher in enumerate(_CUE_MATCHERS):
    for _first, _words in _matcher.han_by_first.items():
        _BY_FIRST.setdefault(_first, []).extend((_i, w) for w in _words)
    for _word in _matcher.words:
        _BY_TOKEN.setdefault(_word, []).append(_i)
    _PHRASES.extend((_i, w) for w in _matcher.phrases)


def _earliest_cues(lowered: str) -> dict[int, tuple[int, str]]:
    """For each cue found in the sentence, its earliest (offset, word); the
    same as each cue's ``find``."""
    found: dict[int, tuple[int, str]] = {}

    def keep(i: int, at: int, word: str) -> None:
        if i not in found or (at, word) < found[i]:
            found[i] = (at, word)

    for ch in set(lowered).intersection(_BY_FIRST):
        for i, word in _BY_FIRST[ch]:
            if word in lowered:
                keep(i, lowered.find(word), word)
    for token in set(_TOKEN.findall(lowered)).intersection(_BY_TOKEN):
        at = _whole(token).search(lowered).start()
        for i in _BY_TOKEN[token]:
            keep(i, at, token)
    for i, phrase in _PHRASES:
        if phrase in lowered:
            match = _whole(phrase).search(lowered)
            if match:
                keep(i, match.start(), phrase)
    return found


def score(
    text: str,
    *,
    people: list[str] = (),
    figures: list[quantities.Quantity] | None = None,
) -> Score:
    """How check-worthy one sentence is, with the reasons for the number.

    ``people``: person names known to appear in it (from the name finder);
    ``figures``: its quantities, when the caller has them already.
    """
    total = BASE
    reasons: list[str] = []

    def add(reason: str, weight: float, evidence: str) -> None:
        nonlocal total
        total += weight
        sign = "+" if weight > 0 else "\u2212"
        reasons.append(f"{sign}{reason} {evidence}")

    seen_kinds: set[str] = set()
    for quantity in quantities.extract(text) if figures is None else figures:
        if quantity.kind in seen_kinds:
            continue  # one of each kind: ten numbers are not ten times as checkable
        seen_kinds.add(quantity.kind)
        add(*_WEIGHTS[quantity.kind], quantity.text)
    if people:
        add("person", 0.1, people[0])
    first = _FIRST_WORD.match(text)
    named = [
        m.group()
        for m in _NAMED.finditer(text)
        if not (first and m.start() == first.start(1)) and m.group() not in _NOT_NAMES
    ]
    if named:
        add("name", 0.1, named[0])
    lowered = text.lower()
    hits = {}
    earliest = _earliest_cues(lowered)
    for i, cue in enumerate(_CUE_MATCHERS):
        if i in earliest:
            hits[cue.reason] = (cue.weight, earliest[i][1])
    if "discourse" in hits and not hits.keys() & _OPINIONATED:
        del hits["discourse"]
    for reason, (weight, evidence) in hits.items():
        add(reason, weight, evidence)
    stripped = text.strip()
    if len(stripped) < _SHORT and not _SENTENCE_END.search(stripped):
        # A heading, dateline, clock or menu line: page furniture the
        # segmenter left as a sentence.
        add("not a sentence", -0.4, stripped[:12])
    elif _BULLET.match(stripped):
        add("list line", -0.3, stripped[:1])
    quoted = _QUOTATION.search(stripped)
    if quoted:
        add("quotation", -0.2, quoted.group().strip())
    if _QUESTION.search(text):
        add("question", -0.3, text.strip()[-1])
    return Score(round(min(1.0, max(0.0, total)), 2), reasons)
