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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache"
# Runs (and names) whose reading is kept per process: a few MB at most.
_CACHED_RUNS = 5_000

# Common Chinese surnames (the 100 most frequent, plus two-character ones).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
    "尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤焦单仇查解颜常庞樊兰殷"
    "施洪温柯翟辛鲁齐乔葛"
)
# Names of three or four characters may have a rarer surname (阮 for Nguyễn):
# ones from the 百家姓 that seldom start an ordinary word (not 花, 家, 国 ...:
# jieba also tags 花大钱 and 刚成立 as names).
_RARER_SURNAMES = _SURNAMES | set(
    "阮邢习邬滕殷毕郝卞伍顾祁狄臧茅祝闵娄童骆虞裴荀靳邴巫隗宓郗栾詹蔺屠翟谭冉郦"
    "雍濮扈冀晏瞿阎慕茹艾廖庾匡寇阙聂晁敖訾阚饶鞠蒯荆竺逯桓"
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
LOOKALIKE = "lookalike"  # Chinese: one character changed, another sound
SHORT = "short"  # a surname or given name alone, linked to the one full name
# Kinds where two forms cannot both be right (the others may be two people, or
# one person in two scripts).
ERRORS = (MISSPELLING, SPELLING, LOOKALIKE)


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
        if self.kind == HOMOPHONE:
            # One odd mention against three or more: the odd one out.
            return counts[0] >= 3 and counts[1] == 1
        return self.kind in ERRORS and counts[0] > counts[1]


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
    words = _name_words(simplified)
    chinese, tagged_names = _chinese_mentions(words, text)
    lookalikes = _add_variants(chinese, simplified, text, tagged_names)
    latin = _latin_mentions(text)
    groups = _group_chinese(chinese) + _group_latin(latin) + lookalikes
    groups += _group_surnames(text, latin, groups)
    groups += _link_scripts(chinese, latin)
    groups = _outermost(groups)
    shorts = _link_short_chinese(words, chinese, text)
    # A Chinese surname or given name alone is a person too (黄说).
    people = sorted(
        [
            *(m for mentions in chinese.values() for m in mentions),
            *(m for group in shorts for m in group.forms[1].mentions),
        ],
        key=lambda m: m.start,
    )
    groups += shorts + _link_short_latin(text)
    return groups, people


def _outermost(groups: list[NameGroup]) -> list[NameGroup]:
    """Drop a group whose every mention lies inside another group's mentions
    (格罗蓬 / 格罗彭 inside 内格罗蓬特 / 内格罗彭特)."""
    spans = [[(m.start, m.end) for f in g.forms for m in f.mentions] for g in groups]
    kept = []
    for i, group in enumerate(groups):
        inside = any(
            j != i
            and all(
                any(a <= s and e <= b and (a, b) != (s, e) for a, b in spans[j])
                for s, e in spans[i]
            )
            for j in range(len(groups))
        )
        if not inside:
            kept.append(group)
    return kept


def _chinese_mentions(
    words: list[tuple[int, str, str]], original: str
) -> tuple[dict[str, list[Mention]], set[int]]:
    """Person names (simplified form -> mentions) found by jieba, and the
    offsets where any token tagged as a name starts."""
    found: dict[str, list[Mention]] = defaultdict(list)
    name_starts: set[int] = set()
    for start, word, flag in words:
        if flag != "nr":
            continue
        name_starts.add(start)
        if not _looks_like_name(word):
            continue
        found[word].append(
            Mention(original[start : start + len(word)], start, start + len(word))
        )
    return found, name_starts


# jieba's own block split: it tags each such run on its own, so tagging the
# runs one by one gives the same words as tagging the whole text.
# Only the runs that hold a Chinese character are matched (English words
# are no names for the tagger): the match starts where the run does.
_BLOCK = re.compile("[a-zA-Z0-9+#&._]*[\u4e00-\u9fd5][\u4e00-\u9fd5a-zA-Z0-9+#&._]*")


def tag(
    text: str,
    wanted: re.Pattern[str] | None = None,
    done: re.Pattern[str] | None = None,
) -> list[tuple[int, str, str]]:
    """(offset, word, part of speech) for the words of ``text``'s Chinese runs.

    Runs without a Chinese character are skipped: no name is found there.
    ``wanted``: only runs holding one of its characters; ``done``: not those
    holding one of its characters (tagged already).
    """
    words = []
    for block in _BLOCK.finditer(text):
        run = block.group()
        if wanted is not None and wanted.search(run) is None:
            continue
        if done is not None and done.search(run) is not None:
            continue
        at = block.start()
        for word, flag in tag_block(run):
            words.append((at, word, flag))
            at += len(word)
    return words


def _name_words(simplified: str) -> list[tuple[int, str, str]]:
    """The tagged words of the runs where a name the checks use can be.

    A name starts with a surname; a misspelt name or a given name alone
    shares characters with a name found (a transliterated name is found by
    its characters, not the tagger). Runs with none of these (most of a
    text) are not tagged: the tagger costs more than everything else together.
    """
    if _HAN.search(simplified):
        _tagger()  # loaded for any Chinese text, as before (warm-ups rely on it)
    words = tag(simplified, _NAME_CHARS)
    found = {w for _at, w, flag in words if flag == "nr" and _looks_like_name(w)}
    more = set("".join(found)) - _NAME_CHAR_SET
    if more:
        wanted = re.compile(f"[{re.escape(''.join(sorted(more)))}]")
        words = sorted(words + tag(simplified, wanted, _NAME_CHARS))
    return words


def clear_caches() -> None:
    """Forget every cached reading (benches time a first reading)."""
    read.cache_clear()
    tag_block.cache_clear()
    if _tagger.cache_info().currsize:
        _tagger().unknown.cache_clear()


@lru_cache(maxsize=_CACHED_RUNS)
def tag_block(block: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and tags for one run (cached: boilerplate, quotes and
    re-imported versions repeat runs)."""
    return tuple(_tagger()(block))


# Characters of transliterated foreign names (新华社 译音表, the commonest):
# a run of four or more of them that recurs is read as a name (内格罗蓬特).
_TRANSLITERATION = set(
    "阿埃艾安昂奥巴拜班邦保贝本比彼宾波伯博布察达戴丹道德登迪蒂丁东杜顿多厄恩法菲"
    "费芬丰弗福富盖甘冈戈格根贡古圭哈海汉豪赫亨华霍基吉加贾杰金卡凯坎康科克肯库"
    "夸奎拉莱兰朗劳勒雷蕾里利莉列林琳隆卢鲁路伦罗洛马玛迈曼芒梅蒙米敏莫默姆穆"
    "纳奈南内尼妮涅宁努诺欧帕派潘庞佩彭蓬皮珀普奇齐恰乔钦琼丘屈热茹瑞萨塞桑"
    "瑟森莎舍什舒斯松苏索塔泰坦特滕提廷图托瓦威韦维温沃乌武西希锡谢辛休雅亚"
    "扬耶伊因尤约泽扎詹兹卓佐尔"
)
_TRANSLITERATED = re.compile(f"[{''.join(sorted(_TRANSLITERATION))}]{{4,8}}")
# A run without one of these characters (or one of a found name's) holds no
# name the checks use.
_NAME_CHAR_SET = frozenset(_RARER_SURNAMES | {s[0] for s in _DOUBLE_SURNAMES})
_NAME_CHARS = re.compile(f"[{''.join(sorted(_NAME_CHAR_SET))}]")


def _add_variants(
    found: dict[str, list[Mention]],
    simplified: str,
    original: str,
    name_starts: set[int],
) -> list[NameGroup]:
    """Add strings one character off a known name with the same sound; return
    the names written once with one character changed (胡锦涛 ×3, 胡锦绣 ×1).

    The tagger misses many misspelt names (黄壬勋, or 内格罗蓬特 when it splits
    the transliteration): a string of the same length, the same toneless
    pinyin and all but one character the same is read as the same name. A
    string that sounds different counts only where the tagger saw a name
    start, once, against a name of three characters or more that the tagger
    found whole (while it split the odd one).
    """
    seeds = {name for name in found if len(name) >= 3}
    runs: dict[str, int] = defaultdict(int)
    for match in _TRANSLITERATED.finditer(simplified):
        runs[match.group()] += 1
    seeds.update(run for run, count in runs.items() if count >= 2)
    if not seeds or len(seeds) > _MAX_SEEDS:
        return []
    looks: dict[str, tuple[str, list[Mention]]] = {}
    for length in sorted({len(seed) for seed in seeds}, reverse=True):
        same_length = [seed for seed in seeds if len(seed) == length]
        for start, candidate in _one_off_windows(simplified, same_length):
            if candidate in seeds or not all(_HAN.match(ch) for ch in candidate):
                continue
            end = start + len(candidate)
            mention = Mention(original[start:end], start, end)
            seed = next(seed for seed in same_length if _one_off(seed, candidate))
            if pinyin_of(seed) == pinyin_of(candidate):
                if mention not in found[candidate]:
                    found[candidate].append(mention)
                if seed not in found:
                    found[seed] = _occurrences(seed, simplified, original)
            elif start in name_starts and seed in found:
                looks.setdefault(candidate, (seed, []))[1].append(mention)
    groups = [
        NameGroup(
            LOOKALIKE,
            candidate,
            [Form(seed, found[seed]), Form(candidate, mentions)],
        )
        for candidate, (seed, mentions) in looks.items()
        if len(mentions) == 1 and candidate not in found
    ]
    for name in [n for n, mentions in found.items() if not mentions]:
        del found[name]
    return groups


_MAX_SEEDS = 400  # past this many names the pattern costs more than it finds


def _one_off_windows(text: str, seeds: list[str]):
    """(offset, window) for each window of ``text`` one character off one of
    ``seeds`` (all of one length), overlapping ones and the seeds' own
    lookalikes inside longer runs included.

    A window one character off a seed starts with the seed's first character
    or has its second one next: only those places are compared, each by
    looking its masked forms up in a set (no pattern of every seed).
    """
    length = len(seeds[0])
    masked = {seed[:k] + "\0" + seed[k + 1 :] for seed in seeds for k in range(length)}
    firsts = "".join(sorted({seed[0] for seed in seeds}))
    seconds = "".join(sorted({seed[1] for seed in seeds if length > 1}))
    places = f"[{re.escape(firsts)}]" + (f"|.[{re.escape(seconds)}]" if seconds else "")
    for match in re.finditer(f"(?=(?:{places}))", text):
        start = match.start()
        window = text[start : start + length]
        if len(window) < length or "\n" in window:
            continue
        if any(window[:k] + "\0" + window[k + 1 :] in masked for k in range(length)):
            yield start, window


def _occurrences(word: str, simplified: str, original: str) -> list[Mention]:
    found, at = [], simplified.find(word)
    while at >= 0:
        found.append(Mention(original[at : at + len(word)], at, at + len(word)))
        at = simplified.find(word, at + len(word))
    return found


def _one_off(a: str, b: str) -> bool:
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _looks_like_name(word: str) -> bool:
    """Two characters need a common surname; three or four (阮文黎) a rarer
    surname too (刚成立, which jieba also tags as a name, has none)."""
    if not 2 <= len(word) <= 4 or not all(_HAN.match(ch) for ch in word):
        return False
    surnames = _SURNAMES if len(word) == 2 else _RARER_SURNAMES
    return word[0] in surnames or word[:2] in _DOUBLE_SURNAMES


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
    tokens = {name: _tokens(name) for name in names}
    # Two names group only when they share a word (the same words in another
    # order, or one word apart): compare only those, not every pair.
    sharing: dict[str, set[str]] = defaultdict(set)
    for name in names:
        for token in tokens[name]:
            sharing[token].add(name)
    groups = []
    used: set[str] = set()
    for first in names:
        candidates = sorted(
            {other for t in tokens[first] for other in sharing[t] if other > first}
        )
        for second in candidates:
            if first in used or second in used:
                continue
            a, b = tokens[first], tokens[second]
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


_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,15}\b")


def _group_surnames(
    text: str, latin: dict[str, list[Mention]], groups: list[NameGroup]
) -> list[NameGroup]:
    """A name's single word written once or twice one letter off (Fassett /
    Steve Fossett, Hwang / Jensen Huang and Huang alone).

    The usual word must stand inside a full name; the odd one once (or twice
    against four or more of the usual), never in lower case elsewhere (so
    not an English word), with the same first letter and length. Two first
    names (Mark Smith, Mary Jones) are two people, not a misspelling.
    Mentions another group already holds are left to it.
    """
    from rapidfuzz.distance import Hamming

    words: dict[str, list[Mention]] = defaultdict(list)
    for match in _CAPITALISED.finditer(text):
        words[match.group()].append(Mention(match.group(), match.start(), match.end()))
    in_names = {token for name in latin for token in re.split(r"[ -]", name)}
    given = {re.split(r"[ -]", name)[0] for name in latin}
    usual = [w for w in words if w in in_names]
    if not usual:
        return []
    held = {(m.start, m.end) for g in groups for f in g.forms for m in f.mentions}
    found = []
    by_shape: dict[tuple[str, int], list[str]] = defaultdict(list)
    for word in usual:
        by_shape[(word[0], len(word))].append(word)
    for word, mentions in words.items():
        # Once, or twice where the usual form is used twice as often.
        shaped = by_shape.get((word[0], len(word)), ())
        if len(mentions) > _MAX_ODD or not shaped:
            continue
        if any(m[0] <= mention.start < m[1] for m in held for mention in mentions):
            continue
        for other in shaped:
            if word in given and other in given:
                continue
            if len(mentions) > 1 and len(words[other]) < 2 * len(mentions):
                continue
            if Hamming.distance(word, other) == 1 and _lowercase_nowhere(word, text):
                found.append(
                    NameGroup(
                        SPELLING,
                        other.lower(),
                        [Form(other, words[other]), Form(word, mentions)],
                    )
                )
                break
    return found


_MAX_ODD = 2  # mentions of a respelt word against the usual one


def _lowercase_nowhere(word: str, text: str) -> bool:
    return re.search(rf"\b{word.lower()}\b", text) is None


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


# After a Chinese surname or given name alone, what makes it a person's (黄说,
# 黄先生, 黄总裁表示): a speech verb or a title. 黄 is also a colour (黄色),
# 王 a king: without one of these the character is left alone.
# fmt: off
_ZH_SPEECH = (
    "说", "表示", "指出", "认为", "称", "强调", "透露", "介绍", "回应", "坦言",
    "解释", "补充", "告诉", "提到", "写道", "问道", "答道", "承认", "否认", "宣布",
    "呼吁", "警告", "回忆", "直言", "声称", "谈到", "发言", "回答", "说道",
)
_ZH_TITLES = (
    "先生", "女士", "小姐", "太太", "夫人", "总裁", "总统", "主席", "教授", "博士",
    "医生", "部长", "总理", "院长", "老师", "律师", "神父", "牧师", "经理",
    "董事长", "首席执行官", "总经理", "局长", "市长", "省长", "书记", "议员",
    "将军", "大使", "主任", "校长", "主教", "法官", "外长", "发言人", "创始人", "总",
)
# fmt: on
_ZH_CONTEXT = tuple(sorted({*_ZH_SPEECH, *_ZH_TITLES}, key=len, reverse=True))
_ZH_FAMILIAR = ("老", "小")  # 老黄, 小王


def _link_short_chinese(
    words: list[tuple[int, str, str]],
    chinese: dict[str, list[Mention]],
    original: str,
) -> list[NameGroup]:
    """A surname or given name alone (黄说, 仁勋表示) linked to the full name.

    Only where one person in the article has that surname (or given name of
    two characters or more; forms of one sound count as one person), and only
    where a speech verb or title follows it, or 老/小 precedes it.
    """
    # 黄先生, 黄总: jieba's name for a surname and a title, not a full name.
    full = {
        name: mentions
        for name, mentions in chinese.items()
        if name[2 if name[:2] in _DOUBLE_SURNAMES else 1 :] not in _ZH_CONTEXT
    }
    held = [(m.start, m.end) for ms in full.values() for m in ms]
    owners: dict[str, dict[str, str]] = defaultdict(dict)  # short -> sound -> name
    for name, mentions in full.items():
        cut = 2 if name[:2] in _DOUBLE_SURNAMES else 1
        sound = " ".join(pinyin_of(name))
        for short in {name[:cut], name[cut:] if len(name) - cut >= 2 else ""} - {""}:
            usual = owners[short].get(sound)
            if usual is None or len(mentions) > len(chinese[usual]):
                owners[short][sound] = name
    linked = {
        short: next(iter(n.values())) for short, n in owners.items() if len(n) == 1
    }
    if not linked:
        return []
    found: dict[str, list[Mention]] = defaultdict(list)
    for i, (start, word, _flag) in enumerate(words):
        for short in _shorts_in(word, i, words, linked):
            at = start + word.index(short)
            if not _inside(held, at):
                found[short].append(
                    Mention(original[at : at + len(short)], at, at + len(short))
                )
    return [
        NameGroup(
            SHORT, short, [Form(linked[short], chinese[linked[short]]), Form(short, ms)]
        )
        for short, ms in found.items()
    ]


def _shorts_in(word: str, i: int, words: list, linked: dict[str, str]):
    """The short name (surname or given name alone) token ``i`` stands for."""
    if word in linked:
        start = words[i][0]
        # Neighbours only when they touch it (not across punctuation).
        after = _next_to(words, i + 1, start + len(word))
        before = (
            words[i - 1][1]
            if i and words[i - 1][0] + len(words[i - 1][1]) == start
            else ""
        )
        if after.startswith(_ZH_CONTEXT) or before in _ZH_FAMILIAR:
            yield word
        return
    for cut in (1, 2):
        if word[:cut] in linked and word[cut:] in _ZH_CONTEXT:
            yield word[:cut]  # jieba's one token for 黄先生, 黄总
            return
    if word[:1] in _ZH_FAMILIAR and word[1:] in linked:
        yield word[1:]  # 老黄


def _next_to(words: list, i: int, at: int) -> str:
    """Word ``i`` if it starts at ``at``, else nothing."""
    return words[i][1] if i < len(words) and words[i][0] == at else ""


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    return any(a <= at < b for a, b in spans)


# Capitalised words a person's name is not made of, or that come before one
# (titles, sentence openers).
# fmt: off
_LEADING = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Professor", "President", "Senator", "Sen",
    "Governor", "Gov", "Minister", "Premier", "Chairman", "Chief", "General",
    "Judge", "Pope", "King", "Queen", "Prince", "Princess", "Rev", "Father",
    "Sister", "Secretary", "Ambassador", "Mayor", "Representative", "Rep",
    "Deputy", "Vice", "Captain", "Colonel", "Lieutenant", "Sergeant", "Officer",
    "Detective", "Justice", "Saint", "Lord", "Lady", "Sir", "Dame", "Coach",
    "The", "A", "An", "But", "And", "Or", "In", "On", "At", "For", "With", "As",
    "After", "Before", "When", "While", "If", "Then", "This", "That", "These",
    "Those", "It", "He", "She", "They", "We", "His", "Her", "Their", "Our",
    "Its", "Later", "Earlier", "Also", "However", "Meanwhile", "According",
    "During", "Since", "From", "By", "To", "Of", "Under", "Over", "So", "Yet",
    "Both", "Former", "Late", "Young", "Dear", "Today", "Yesterday",
}
_NOT_PERSON = {
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Tech", "University",
    "College", "Hall", "Street", "Road", "River", "Lake", "Mountain", "County",
    "City", "State", "States", "House", "Park", "Airport", "Bank", "Company",
    "Group", "News", "Times", "Post", "Party", "Council", "Court", "Department",
    "Ministry", "Agency", "Institute", "Center", "Centre", "Museum", "Station",
    "Island", "Islands", "Sea", "Ocean", "Bay", "Valley", "Square", "Bridge",
    "Tower", "Church", "School", "Association", "Union", "Republic", "Kingdom",
    "Airlines", "Force", "Army", "Navy", "Space", "Administration", "Service",
    "Committee", "Commission", "Foundation", "Office", "Press", "Daily",
    "Journal", "Network", "Radio", "Television", "Hospital", "Games", "Cup",
    "League", "Club", "Award", "Prize", "Day", "East", "West", "North", "South",
    "New", "Old", "Great", "United", "National", "International", "American",
    "Chinese", "British", "European", "Asian", "African", "World", "Global",
    "Corporation", "Inc", "Ltd", "Corp", "Co", "Federal", "Central", "Grand",
    "Northern", "Southern", "Eastern", "Western", "Saint", "Fort", "Mount",
    "Port", "Lab", "Labs", "Research", "Science", "Sciences", "Health", "Media",
    "Studio", "Studios", "Systems", "Technologies", "Motors", "Pictures",
    "Records", "Entertainment", "Partners", "Capital", "Holdings", "Industries",
    "Enterprises", "Energy", "Airways", "Express", "Telecom", "Software",
}
# fmt: on
_WORD = r"[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
_RUN = re.compile(rf"\b{_WORD}(?: {_WORD})*\b")
_RUN_WORD = re.compile(_WORD)


def _link_short_latin(text: str) -> list[NameGroup]:
    """A surname or given name alone (Huang) linked to the full name (Jensen
    Huang) when one person in the article has that surname or given name.

    Full names are runs of two capitalised words after any title or sentence
    opener (President, The); neither word is ever written in lower case in the
    article, nor a word of places and bodies (Virginia Tech, New York).
    """
    fulls: dict[str, list[Mention]] = defaultdict(list)
    alone: dict[str, list[Mention]] = defaultdict(list)
    for run in _RUN.finditer(text):
        if " " not in run.group():  # one word, most runs: no need to split
            if run.group() not in _LEADING:
                alone[run.group()].append(Mention(run.group(), *run.span()))
            continue
        words = list(_RUN_WORD.finditer(run.group()))
        while words and words[0].group() in _LEADING:
            words.pop(0)
        if len(words) == 1:
            w = words[0]
            alone[w.group()].append(
                Mention(w.group(), run.start() + w.start(), run.start() + w.end())
            )
        elif len(words) == 2:
            start, end = run.start() + words[0].start(), run.start() + words[1].end()
            fulls[text[start:end]].append(Mention(text[start:end], start, end))
    if not fulls or not alone:
        return []
    lower = set(_LOWER_WORD.findall(text))
    owners: dict[str, set[str]] = defaultdict(set)
    for name in fulls:
        parts = name.split(" ")
        if all(_person_word(part, lower) for part in parts):
            for part in parts:
                owners[part].add(name)
    groups = []
    for word, mentions in alone.items():
        if len(owners.get(word, ())) == 1:
            (full,) = owners[word]
            groups.append(
                NameGroup(SHORT, word, [Form(full, fulls[full]), Form(word, mentions)])
            )
    return groups


_LOWER_WORD = re.compile(r"\b[a-z]+\b")


def _person_word(word: str, lower: set[str]) -> bool:
    """Not a word of places, bodies or titles, and never in lower case."""
    return (
        word not in _NOT_PERSON
        and word not in _LEADING
        and not any(piece in lower for piece in word.lower().split("-"))
    )


def _tokens(name: str) -> list[str]:
    return [token.lower() for token in re.split(r"[ -]", name)]


def pinyin_of(name: str) -> list[str]:
    """Toneless pinyin syllables, reading the surname as a surname."""
    return list(_pinyin(name))


@lru_cache(maxsize=_CACHED_RUNS)
def _pinyin(name: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name)
    if name[0] in _SURNAME_PINYIN:
        syllables[0] = _SURNAME_PINYIN[name[0]]
    return tuple(syllables)


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
    """jieba's part-of-speech tagger for one run, loaded once per process
    (about a second).

    jieba's own steps (dictionary route, then its hidden Markov model on
    the runs of unknown single characters), with the model's result cached
    per run of unknown characters: a name the dictionary lacks (阮文黎) is
    such a run, and an article repeats its names.
    """
    tokenizer, tags = _jieba_dictionary()

    @lru_cache(maxsize=_CACHED_RUNS)
    def unknown(run: str) -> tuple[tuple[str, str], ...]:
        return tuple(_cut_detail(run))

    flush = _flusher(tokenizer, tags, unknown)
    calc = _router(tokenizer)

    def cut(block: str):
        # jieba.posseg's __cut_DAG, step for step.
        route = calc(block)
        x, buf, n = 0, "", len(block)
        while x < n:
            y = route[x][1] + 1
            word = block[x:y]
            if y - x == 1:
                buf += word
            else:
                if buf:
                    yield from flush(buf)
                    buf = ""
                yield word, tags.get(word, "x")
            x = y
        if buf:
            yield from flush(buf)

    cut.unknown = unknown
    return cut


def _jieba_dictionary():
    """jieba's initialised tokenizer and its word-tag table, its cache kept
    in CACHE_DIR."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(CACHE_DIR)
    jieba.dt.cache_file = str(CACHE_DIR / "jieba.cache")
    pos = jieba.posseg.dt
    pos.makesure_userdict_loaded()
    tokenizer = pos.tokenizer
    tokenizer.check_initialized()
    return tokenizer, pos.word_tag_tab


def _flusher(
    tokenizer, tags: dict[str, str], unknown: Callable[[str], tuple]
) -> Callable[[str], Iterator[tuple[str, str]]]:
    """jieba's tagging of a run of single characters the route left: one
    character alone, an unknown run by the model, a known word by character."""

    def flush(buf: str) -> Iterator[tuple[str, str]]:
        if len(buf) == 1:
            yield buf, tags.get(buf, "x")
        elif not tokenizer.FREQ.get(buf):
            yield from unknown(buf)
        else:
            for ch in buf:
                yield ch, tags.get(ch, "x")

    return flush


def _router(tokenizer) -> Callable[[str], dict]:
    """jieba's calc (the best route through a block's word graph), the same
    sums, with each word's weight computed once."""
    from math import log

    freq, logtotal = tokenizer.FREQ, log(tokenizer.total)
    weights: dict[str, float] = {}

    def weight(word: str) -> float:
        # jieba's log(FREQ or 1) - log(total), computed once a word.
        found = weights.get(word)
        if found is None:
            if len(weights) > _MAX_WEIGHTS:
                weights.clear()
            found = weights[word] = log(freq.get(word) or 1) - logtotal
        return found

    def calc(block: str) -> dict:
        # A position with one choice needs no max.
        dag = tokenizer.get_DAG(block)
        route = {len(block): (0, 0)}
        for idx in range(len(block) - 1, -1, -1):
            ends = dag[idx]
            if len(ends) == 1:
                x = ends[0]
                route[idx] = (weight(block[idx : x + 1]) + route[x + 1][0], x)
            else:
                route[idx] = max(
                    (weight(block[idx : x + 1]) + route[x + 1][0], x) for x in ends
                )
        return route

    return calc


# jieba.posseg's __cut_detail and __cut on a run of unknown characters, with
# a faster Viterbi search of the same model giving the same path.
_HAN_DETAIL = re.compile("([\u4e00-\u9fd5]+)")
_SKIP_DETAIL = re.compile("([.0-9]+|[a-zA-Z0-9]+)")
_NUM = re.compile("[.0-9]+")
_ENG = re.compile("[a-zA-Z0-9]+")


def _cut_detail(run: str):
    for block in _HAN_DETAIL.split(run):
        if _HAN_DETAIL.match(block):
            yield from _cut_han(block)
            continue
        for piece in _SKIP_DETAIL.split(block):
            if piece:
                if _NUM.match(piece):
                    yield piece, "m"
                elif _ENG.match(piece):
                    yield piece, "eng"
                else:
                    yield piece, "x"


def _cut_han(sentence: str):
    states = _viterbi(sentence)
    begin = nexti = 0
    for i, char in enumerate(sentence):
        place, flag = states[i]
        if place == "B":
            begin = i
        elif place == "E":
            yield sentence[begin : i + 1], flag
            nexti = i + 1
        elif place == "S":
            yield char, flag
            nexti = i + 1
    if nexti < len(sentence):
        yield sentence[nexti:], states[nexti][1]


_MIN_FLOAT = -3.14e100
_MAX_WEIGHTS = 100_000  # words whose dictionary weight is kept
# The states that may follow a set of states: derived from the model alone
# (like its tables, kept for the process), shared by all searches.
_EXPECTED: dict[frozenset, frozenset] = {}
_MAX_EXPECTED = 50_000
_MIN_INF = float("-inf")


@cache
def _model():
    """jieba's tagging model, with each state's possible next states."""
    from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P

    follows = {x: frozenset(ys) for x, ys in trans_P.items()}
    return char_state_tab_P, start_P, trans_P, emit_P, follows


def _viterbi(obs: str) -> list[tuple[str, str]]:
    """jieba.posseg.viterbi's best path, found faster.

    Each state is compared only with the earlier states that have a
    transition to it (the others score minus infinity, so never win unless
    all do, where jieba's own comparison is kept); ties go to the greater
    state, as in jieba's ``max`` of (score, state) pairs.
    """
    states, start_p, trans_p, emit_p, follows = _model()
    all_states = trans_p.keys()
    v = {
        y: start_p[y] + emit_p[y].get(obs[0], _MIN_FLOAT)
        for y in states.get(obs[0], all_states)
    }
    paths = [dict.fromkeys(v, "")]
    expect_cache = _EXPECTED
    for t in range(1, len(obs)):
        char = obs[t]
        prev = [x for x in v if trans_p[x]]
        key = frozenset(prev)
        expected = expect_cache.get(key)
        if expected is None:
            expected = frozenset().union(*(follows[x] for x in prev))
            if len(expect_cache) < _MAX_EXPECTED:
                expect_cache[key] = expected
        current = expected.intersection(states.get(char, all_states))
        if not current:
            current = expected or all_states
        emits = {y: emit_p[y].get(char, _MIN_FLOAT) for y in current}
        scores: dict = {}
        path: dict = {}
        # Only real transitions: C-speed set intersections, then the edges.
        for x in prev:
            vx, out = v[x], trans_p[x]
            for y in follows[x] & current:
                score = vx + out[y] + emits[y]
                held = scores.get(y)
                if held is None or score > held or (score == held and x > path[y]):
                    scores[y] = score
                    path[y] = x
        if len(scores) != len(current) or _MIN_INF in scores.values():
            for y in current:
                if scores.get(y, _MIN_INF) == _MIN_INF:
                    # No real way in: jieba's comparison of minus infinities.
                    scores[y], path[y] = max(
                        (v[x] + trans_p[x].get(y, _MIN_INF) + emits[y], x) for x in prev
                    )
        v = scores
        paths.append(path)
    _prob, state = max((p, y) for y, p in v.items())
    route = [None] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = paths[i][state]
    return route
