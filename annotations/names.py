"""Person names written more than one way in an article.

Pure Python (no Django). Chinese names come from jieba's person-name tag
(``nr``) behind a common-surname gate; Latin names are runs of capitalised
words. Names group when they read the same:

- Chinese with the same toneless pinyin and different characters
  (焦建涛 / 焦剑涛): a likely misspelling; the minority form is suggested as
  misstated. Traditional and simplified forms (焦劍濤) are the same name.
- Latin in another order (Jiantao Jiao / Jiao Jiantao), or one letter or two
  apart (Banghwa Zhu / Banghua Zhu).
- Chinese and Latin forms whose pinyin matches (焦剑涛 / Jiantao Jiao).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache"

# Common Chinese surnames (the 100 most frequent, plus two-character ones).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
    "尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤焦单仇查解颜常庞樊兰殷"
    "施洪温柯翟辛鲁齐乔葛"
)
_DOUBLE_SURNAMES = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐"}
# Surnames read differently from the same character elsewhere.
_SURNAME_PINYIN = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "查": "zha",
    "覃": "qin",
    "区": "ou",
    "朴": "piao",
    "乐": "yue",
}
# Two capitalised words, matched overlapping: "Later Jiao Jiantao" offers both
# "Later Jiao" and "Jiao Jiantao".
_LATIN_NAME = re.compile(r"(?=\b([A-Z][a-z]{1,15}[ -][A-Z][a-z]{1,15})\b)")
_HAN = re.compile(r"[\u4e00-\u9fff]")

MISSPELLING = "misspelling"  # Chinese: same sound and tones, other characters
HOMOPHONE = "homophone"  # Chinese: same sound, other tones (王洋 / 汪洋)
SPELLING = "spelling"  # Latin: letters apart
ORDER = "order"  # Latin: the same words in another order
SCRIPT = "script"  # Chinese and Latin forms of one name


@dataclass(frozen=True)
class Mention:
    text: str  # as written in the article
    start: int
    end: int


@dataclass
class Form:
    text: str
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class NameGroup:
    """Forms of what reads as one person's name; ``majority`` is the usual one."""

    kind: str
    key: str
    forms: list[Form]

    @property
    def majority(self) -> Form:
        return max(
            self.forms, key=lambda form: (len(form.mentions), -form.mentions[0].start)
        )

    @property
    def minority(self) -> list[Form]:
        return [form for form in self.forms if form is not self.majority]

    @property
    def suspicious(self) -> bool:
        """Whether the minority forms are likely wrong (not just another spelling).

        Only when one form is clearly the usual one: a tie names no culprit.
        """
        counts = sorted((len(form.mentions) for form in self.forms), reverse=True)
        return self.kind in (MISSPELLING, SPELLING) and counts[0] > counts[1]


def find_groups(text: str) -> list[NameGroup]:
    """Groups of names in ``text`` that read the same but are written differently."""
    return read(text)[0]


@lru_cache(maxsize=8)
def read(text: str) -> tuple[list[NameGroup], list[Mention]]:
    """The name groups of ``text`` and every Chinese person name in it.

    One pass of jieba's tagger (about 60,000 characters a second) serves both.
    Cached for the last few texts: splitting, merging or re-kinding claims
    analyses the same article text again. Callers must not change the result.
    """
    simplified = to_simplified(text)  # same length: offsets hold
    chinese = _chinese_mentions(simplified, text)
    latin = _latin_mentions(text)
    groups = _group_chinese(chinese) + _group_latin(latin)
    groups += _link_scripts(chinese, latin)
    people = sorted(
        (m for mentions in chinese.values() for m in mentions), key=lambda m: m.start
    )
    return groups, people


def _chinese_mentions(simplified: str, original: str) -> dict[str, list[Mention]]:
    """Person names (simplified form -> mentions) found by jieba."""
    found: dict[str, list[Mention]] = defaultdict(list)
    position = 0
    for word, flag in _tagger()(simplified):
        start = simplified.find(word, position)
        position = start + len(word) if start >= 0 else position
        if flag != "nr" or start < 0 or not _looks_like_name(word):
            continue
        found[word].append(
            Mention(original[start : start + len(word)], start, start + len(word))
        )
    return found


def _looks_like_name(word: str) -> bool:
    if not 2 <= len(word) <= 4 or not all(_HAN.match(ch) for ch in word):
        return False
    return word[0] in _SURNAMES or word[:2] in _DOUBLE_SURNAMES


def _group_chinese(mentions: dict[str, list[Mention]]) -> list[NameGroup]:
    from pypinyin import Style, lazy_pinyin

    by_sound: dict[str, list[str]] = defaultdict(list)
    for name in mentions:
        by_sound[" ".join(pinyin_of(name))].append(name)
    groups = []
    for sound, names in by_sound.items():
        if len(names) < 2:
            continue
        tones = {tuple(lazy_pinyin(name, style=Style.TONE3)) for name in names}
        kind = MISSPELLING if len(tones) == 1 else HOMOPHONE
        groups.append(NameGroup(kind, sound, [Form(n, mentions[n]) for n in names]))
    return groups


def _latin_mentions(text: str) -> dict[str, list[Mention]]:
    found: dict[str, list[Mention]] = defaultdict(list)
    for match in _LATIN_NAME.finditer(text):
        name = match.group(1)
        found[name].append(Mention(name, match.start(1), match.end(1)))
    return found


def _group_latin(mentions: dict[str, list[Mention]]) -> list[NameGroup]:
    from rapidfuzz.distance import Levenshtein

    names = sorted(mentions)
    groups = []
    used: set[str] = set()
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if first in used or second in used:
                continue
            a, b = _tokens(first), _tokens(second)
            if len(a) != len(b):
                continue
            if sorted(a) == sorted(b):
                kind = ORDER
            elif _near(sorted(a), sorted(b), Levenshtein.distance):
                kind = SPELLING
            else:
                continue
            used.update((first, second))
            key = " ".join(sorted(a))
            groups.append(
                NameGroup(kind, key, [Form(n, mentions[n]) for n in (first, second)])
            )
    return groups


def _near(a: list[str], b: list[str], distance) -> bool:
    """One word differs by at most two letters; the other words are equal."""
    differing = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(differing) != 1:
        return False
    x, y = differing[0]
    return min(len(x), len(y)) >= 4 and distance(x, y) <= 2 and x[0] == y[0]


def _link_scripts(
    chinese: dict[str, list[Mention]], latin: dict[str, list[Mention]]
) -> list[NameGroup]:
    by_tokens: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for name in latin:
        by_tokens[tuple(sorted(_tokens(name)))].append(name)
    groups = []
    for name, mentions in chinese.items():
        syllables = pinyin_of(name)
        surname_length = 2 if name[:2] in _DOUBLE_SURNAMES else 1
        surname = "".join(syllables[:surname_length])
        given = "".join(syllables[surname_length:])
        matches = by_tokens.get(tuple(sorted((surname, given))), [])
        if matches:
            forms = [Form(name, mentions)] + [Form(n, latin[n]) for n in matches]
            groups.append(NameGroup(SCRIPT, f"{surname} {given}", forms))
    return groups


def _tokens(name: str) -> list[str]:
    return [token.lower() for token in re.split(r"[ -]", name)]


def pinyin_of(name: str) -> list[str]:
    """Toneless pinyin syllables, reading the surname as a surname."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name)
    if name[0] in _SURNAME_PINYIN:
        syllables[0] = _SURNAME_PINYIN[name[0]]
    return syllables


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones, keeping the length."""
    converted = _converter().convert(text)
    # t2s keeps one character per character; if it ever did not, keep the text.
    return converted if len(converted) == len(text) else text


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _tagger():
    """jieba's part-of-speech tagger, loaded once per process (about a second)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(CACHE_DIR)
    jieba.dt.cache_file = str(CACHE_DIR / "jieba.cache")
    return lambda text: ((pair.word, pair.flag) for pair in jieba.posseg.cut(text))
