"""Check-worthiness: which sentences to check first, and why.

Pure Python (no Django). An additive score a person can audit: each feature
adds or subtracts a fixed weight and names the words that triggered it
("+money 1060万美元", "-opinion 妥妥的"). The sum is clamped to 0..1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import quantities

BASE = 0.2

# (reason, weight, words). Words are matched as written; English ones whole.
# fmt: off
_CUES: list[tuple[str, float, tuple[str, ...]]] = [
    (
        "comparison",
        0.15,
        (
            "最", "首次", "首位", "首个", "首席", "第一", "唯一", "超过", "超越",
            "对标", "小胜", "领先", "击败", "媲美", "霸主", "以上",
            "first", "largest", "biggest", "most", "more than", "beats", "beat",
            "rivals", "outperform", "only", "record",
        ),
    ),
    (
        "event",
        0.15,
        (
            "收购", "任命", "融资", "成立", "创立", "创办", "加入", "推出", "开源",
            "毕业", "获得", "拿下", "得主", "担任", "宣布",
            "acquired", "appointed", "raised", "founded", "joined", "launched",
            "announced", "graduated", "hired",
        ),
    ),
    (
        "attribution",
        0.1,
        (
            "表示", "声称", "宣称", "据悉", "据报道", "报道", "指出",
            "said", "says", "according to", "reported",
        ),
    ),
    (
        "opinion",
        -0.25,
        (
            "妥妥的", "堪称", "开挂", "更狠", "拉满", "如虎添翼", "炸锅", "想都不敢想",
            "说到底", "其实", "确实", "毕竟", "无疑", "肯定", "显然", "根本",
            "相信", "不如", "与其", "双赢", "警钟",
            "amazing", "clearly", "obviously", "undoubtedly", "arguably",
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
        ("得让", "要把", "应该", "还得", "也得", "要减少", "should", "must"),
    ),
]
# fmt: on
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
_LATIN_WORD = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Score:
    score: float
    reasons: list[str]

    def as_dict(self) -> dict:
        return {"score": self.score, "reasons": self.reasons}


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a cue's words: English ones whole, Chinese ones anywhere."""
    parts = [
        rf"\b{re.escape(w)}\b" if _LATIN_WORD.match(w) else re.escape(w)
        for w in sorted(words, key=len, reverse=True)
    ]
    return re.compile("|".join(parts))


_CUE_PATTERNS = [(reason, weight, _pattern(words)) for reason, weight, words in _CUES]


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
    named = [m for m in _NAMED.findall(text) if not m.isdigit()]
    if named:
        add("name", 0.1, named[0])
    lowered = text.lower()
    for reason, weight, pattern in _CUE_PATTERNS:
        hit = pattern.search(lowered)
        if hit:
            add(reason, weight, hit.group())
    if _QUESTION.search(text):
        add("question", -0.3, text.strip()[-1])
    return Score(round(min(1.0, max(0.0, total)), 2), reasons)
