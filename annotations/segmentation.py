"""Split article text into sentence units with exact character offsets.

Pure Python with no Django imports, so it can be tested and benchmarked alone.
Offsets are Python string indices (code points) into the text as given:
``text[unit.start:unit.end] == unit.text`` holds for every unit.

Full-width punctuation is written as escapes because editors and tools have
been seen to turn it into ASCII silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

CLAIM = "claim"
OPINION = "opinion"
HEADING = "heading"
BOILERPLATE = "boilerplate"

# 。 ！ ？ ｡ and ASCII ! ? always end a sentence (except inside 《》 titles).
_HARD_TERMINATORS = "\u3002\uff01\uff1f\uff61!?"
# Closing quotes and brackets that stay with the sentence they close:
# ” ’ 」 』 ） 】 》 〉 〕 ) ]
_CLOSERS = "\u201d\u2019\u300d\u300f\uff09\u3011\u300b\u3009\u3015)]"
# Full stops and ellipses right after a sentence end belong to it: "(really!)."
_TRAILING_DOTS = ".\u2026"
# ASCII quotes close a sentence only when one was opened inside it.
_ASCII_QUOTES = "\"'"

_TERMINATOR_RE = re.compile(
    "[" + re.escape(_HARD_TERMINATORS) + "]+"
    # A single ASCII full stop followed by white space: an English sentence end,
    # unless the word before it is an abbreviation (checked in code).
    r"|(?<!\.)\.(?!\.)(?=[" + re.escape(_CLOSERS + _ASCII_QUOTES) + r"]*\s)"
)

# Book-title marks: 《摔跤吧！爸爸》 must not split inside.
_TITLE_RE = re.compile("\u300a[^\u300a\u300b\n]{1,64}\u300b")

# Words that end in a full stop without ending a sentence. Compared lowercased,
# without the final dot.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt rev gen col lt sgt capt gov sen rep pres
    inc ltd co corp llc plc bros dept univ assn est approx vs etc al fig no nos
    vol pp ed eds op cf ca jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue wed thu fri sat sun e.g i.e ph.d u.s u.k u.n a.m p.m b.a m.a m.s
    """.split()
)
_WORD_BEFORE_DOT_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_DOTTED_ACRONYM_RE = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")

# Decoration that frames a heading line: «——【 · 标题 ·】——», ### Title, ★ x ★.
_DECORATION = (
    "\u00ab\u00bb\u2014\u2013\u2015\u2012-=_~*#\u3010\u3011\u3016\u3017[]\u00b7\u2022"
    "\u30fb\u2605\u2606\u25c6\u25c7\u25a0\u25a1\u25b2\u25b3\u25ba\u25c4\u3013|\u2503"
    "\u2501\u2500\u300c\u300d\uff5e<>\u2039\u203a \t\u3000"
)
_MARKDOWN_HEADING_RE = re.compile(r"^#{1,6}\s+\S")

# Footer and spam lines. A marker at the start of a line, anywhere in it, or
# (for spam words, which also occur in real news) at least two of them.
_FOOTER_PREFIXES = (
    "\u53d1\u5e03\u4e8e",  # 发布于
    "\u8d23\u4efb\u7f16\u8f91",  # 责任编辑
    "\u539f\u6807\u9898",  # 原标题
    "\u6765\u6e90:",  # 来源:
    "\u6765\u6e90\uff1a",  # 来源：
    "\u672c\u6587\u6765\u6e90",  # 本文来源
    "\u00a9",  # ©
    "copyright",
    "all rights reserved",
)
_FOOTER_MARKERS = (
    "\u4e0d\u4ee3\u8868\u672c\u7ad9\u89c2\u70b9",  # 不代表本站观点
    "\u6587\u7ae0\u6765\u81ea\u7f51\u7edc",  # 文章来自网络
    "\u5982\u6709\u4fb5\u6743",  # 如有侵权
    "\u7248\u6743\u5f52\u539f\u4f5c\u8005",  # 版权归原作者
    "\u514d\u8d23\u58f0\u660e",  # 免责声明
)
_SPAM_WORDS = (
    "\u914d\u8d44",  # 配资
    "\u6760\u6746",  # 杠杆
    "\u7092\u80a1",  # 炒股
)

# Page furniture glued into running text by scrapers.
_INLINE_FURNITURE_RE = re.compile(
    "\u5c55\u5f00\u5269\u4f59\\s*\\d{1,3}\\s*[%\uff05]"  # 展开剩余88%
    "|(?:\u70b9\u51fb)?\u5c55\u5f00\u5168\u6587"  # (点击)展开全文
    "|(?:\u70b9\u51fb)?\u9605\u8bfb\u5168\u6587"  # (点击)阅读全文
    # 返回搜狐,查看更多
    "|\u8fd4\u56de\u641c\u72d0[,\uff0c]?\\s*\u67e5\u770b\u66f4\u591a"
    "|\u6253\u5f00APP\u9605\u8bfb"  # 打开APP阅读
)

_QUESTION_ENDINGS = ("?", "\uff1f")


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence, heading or boilerplate span of the text."""

    start: int
    end: int
    text: str
    kind: str = CLAIM
    reason: str = ""


def split_units(text: str, *, heading_lines: Iterable[str] = ()) -> list[Unit]:
    """Split ``text`` into units in order; ``heading_lines`` marks known headings."""
    headings = frozenset(line.strip() for line in heading_lines)
    units: list[Unit] = []
    offset = 0
    for line in text.split("\n"):
        units.extend(_split_line(line, offset, headings))
        offset += len(line) + 1
    return units


def _split_line(line: str, offset: int, headings: frozenset[str]) -> Iterator[Unit]:
    start, end = _strip_span(line, 0, len(line))
    if start == end:
        return
    stripped = line[start:end]
    kind_reason = _line_kind(stripped, headings)
    if kind_reason is not None:
        kind, reason = kind_reason
        yield Unit(offset + start, offset + end, stripped, kind, reason)
        return
    cursor = start
    for furniture in _INLINE_FURNITURE_RE.finditer(line, start, end):
        yield from _split_sentences(line, cursor, furniture.start(), offset)
        yield Unit(
            offset + furniture.start(),
            offset + furniture.end(),
            furniture.group(),
            BOILERPLATE,
            "page furniture",
        )
        cursor = furniture.end()
    yield from _split_sentences(line, cursor, end, offset)


def _line_kind(line: str, headings: frozenset[str]) -> tuple[str, str] | None:
    """Return (kind, reason) when the whole line is a heading or boilerplate."""
    if line in headings or _MARKDOWN_HEADING_RE.match(line):
        return HEADING, "heading"
    lowered = line.lower()
    if lowered.startswith(_FOOTER_PREFIXES) or any(m in line for m in _FOOTER_MARKERS):
        return BOILERPLATE, "footer"
    if sum(word in line for word in _SPAM_WORDS) >= 2:
        return BOILERPLATE, "spam"
    inner = line.strip(_DECORATION)
    if not inner:
        return BOILERPLATE, "separator"
    if (
        line[0] in _DECORATION
        and line[-1] in _DECORATION
        and len(inner) < len(line)
        and not any(ch in inner for ch in _HARD_TERMINATORS + "\u3002.")
    ):
        return HEADING, "decorated heading"
    return None


def _split_sentences(line: str, start: int, end: int, offset: int) -> Iterator[Unit]:
    start, end = _strip_span(line, start, end)
    if start == end:
        return
    protected = [m.span() for m in _TITLE_RE.finditer(line, start, end)]
    sentence_start = start
    for match in _TERMINATOR_RE.finditer(line, start, end):
        if match.start() < sentence_start:
            continue  # already taken in as part of the previous sentence's end
        if any(a < match.start() < b for a, b in protected):
            continue
        if line[match.start()] == "." and _is_abbreviation(line, sentence_start, match):
            continue
        stop = _absorb_closers(line, sentence_start, match.end(), end)
        if stop >= end:
            break
        yield from _unit(line, sentence_start, stop, offset)
        sentence_start, _ = _strip_span(line, stop, end)
    yield from _unit(line, sentence_start, end, offset)


def _unit(line: str, start: int, end: int, offset: int) -> Iterator[Unit]:
    start, end = _strip_span(line, start, end)
    if start >= end:
        return
    text = line[start:end]
    if text.rstrip(_CLOSERS + _ASCII_QUOTES).endswith(_QUESTION_ENDINGS):
        yield Unit(offset + start, offset + end, text, OPINION, "question")
    else:
        yield Unit(offset + start, offset + end, text)


def _absorb_closers(line: str, sentence_start: int, stop: int, end: int) -> int:
    """Extend a sentence end over closing quotes and brackets that belong to it."""
    while stop < end:
        ch = line[stop]
        if ch in _CLOSERS or ch in _HARD_TERMINATORS or ch in _TRAILING_DOTS:
            stop += 1
        elif ch in _ASCII_QUOTES and line.count(ch, sentence_start, stop) % 2 == 1:
            stop += 1
        else:
            break
    return stop


def _is_abbreviation(line: str, sentence_start: int, match: re.Match[str]) -> bool:
    """True when the full stop at ``match`` ends an abbreviation or an initial."""
    before = _WORD_BEFORE_DOT_RE.search(line, sentence_start, match.start())
    if before is None:
        return False
    word = before.group(1)
    lowered = word.lower()
    if lowered in _ABBREVIATIONS or _DOTTED_ACRONYM_RE.match(word):
        return True
    # A single capital letter is an initial: "J. R. R. Tolkien".
    return len(word) == 1 and word.isupper()


def _strip_span(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
