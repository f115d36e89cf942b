"""Figures and dates an article cannot all have right.

Pure Python (no Django). Every unit of the article is read, headings and
citation lines included (a heading's figure contradicted by the body is the
body's or the heading's error), except a page's clock line. Each finding names
the places (article offsets) and what differs:

- near-identical sentences that differ only in their figures;
- the same event (成立, founded, 建交, raised ...) given two years or amounts,
  counting relative years (30年前, 30周年, 10 years ago) from the publication
  date;
- the same measured thing in one sentence given two figures (33 dead ...
  killing 32 people);
- a year after the publication date where the clause reports a past event, and
  a goal "by 2012" in an article of 2017.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from . import quantities

FIGURES = "figures"  # the same thing given two figures
REPEATED = "repeated"  # near-identical sentences, other figures
AFTER_PUBLICATION = "after_publication"
OUT_OF_ORDER = "out_of_order"  # one entry of a dated list breaks its order
PAST_GOAL = "past_goal"
DURATION = "duration"  # a heading's period the body gives otherwise

# Events an article should date once. Curated: each word names one event, so
# two different years for it are a contradiction, not a series.
# fmt: off
_EVENTS = {
    "founded": ("成立", "创立", "创办", "创建", "建立", "founded", "established"),
    "relations": ("建交", "邦交", "diplomatic relations"),
    "funding": ("融资", "筹集", "筹得", "募得", "raised", "funding"),
    "joined": ("加入", "joined"),
    "acquired": ("收购", "acquired", "bought"),
    "graduated": ("毕业", "graduated"),
    "born": ("出生", "born"),
    "died": ("去世", "逝世", "died"),
    "convicted": ("判有罪", "定罪", "convicted"),
    "elected": ("当选", "was elected"),
}
_ALL_EVENT_WORDS = tuple(w for words in _EVENTS.values() for w in words)
# Measures whose figure a sentence should not state twice differently.
_MEASURES = {
    "deaths": ("死亡", "遇难", "丧生", "罹难", "死", "dead", "killed", "killing",
               "deaths", "died"),
    "injured": ("受伤", "伤", "injured", "wounded", "injuring"),
}
# A clause with one of these talks about the future or a plan: a later year
# is not an error there.
_FUTURE = (
    "将", "会", "要", "计划", "预计", "预期", "预测", "打算", "准备", "目标", "届时",
    "有望", "争取", "力争", "可望", "到", "之前", "以前",
    "will", "would", "plan", "plans", "planned", "expect", "expected", "expects",
    "forecast", "projected", "scheduled", "due", "by", "until", "target", "goal",
    "aim", "aims", "next", "upcoming", "future", "could", "may", "might", "to be",
    "deadline", "through", "ahead",
)
# "by 2012", "到2012年", "2012年前": a goal or deadline.
_GOAL_BEFORE = re.compile(
    r"(?:\b(?:by|before|until)\s+(?:the\s+end\s+of\s+)?|\u5230|\u81f3|\u5728)\s*$",
    re.IGNORECASE,
)
_GOAL_AFTER = re.compile(r"^\s*\u5e74?\s*(?:\u524d|\u4ee5\u524d|\u4e4b\u524d)")
# fmt: on
_CLAUSE = re.compile(r"[^,;:\uff0c\uff1b\uff1a\u3001\u3002!?\uff01\uff1f]+")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_LATIN = re.compile(r"[A-Za-z]")
# 30年前 / 30周年 / 30 years ago / 30th anniversary: a year counted back from
# the publication date.
_CN_DIGIT_VALUES = {
    "\u4e00": 1,
    "\u4e8c": 2,
    "\u4e24": 2,
    "\u4e09": 3,
    "\u56db": 4,
    "\u4e94": 5,
    "\u516d": 6,
    "\u4e03": 7,
    "\u516b": 8,
    "\u4e5d": 9,
}
_RELATIVE_YEAR = re.compile(
    r"(\d{1,3}|[\u4e00\u4e8c\u4e24\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341]{1,3})"
    r"\s*(?:\u5e74\u524d|\u5468\u5e74)"  # 年前 周年
    r"|\b(\d{1,3})\s+years?\s+ago\b"
    r"|\b(\d{1,3})(?:st|nd|rd|th)\s+anniversary\b"
)
_MAX_VALUES = 3  # more distinct figures for one event are a series
_MIN_REPEATED = 30  # characters: shorter sentences repeat by chance
_SUBJECT = re.compile(r"\b[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*\b|\b[A-Z]{2,}[a-z]+\b")


@dataclass(frozen=True)
class Place:
    start: int  # article offsets
    end: int
    text: str


@dataclass(frozen=True)
class Finding:
    check: str
    message: str
    places: tuple[Place, ...]


@dataclass(frozen=True)
class Piece:
    """One unit of the article with its figures (offsets within the unit)."""

    start: int
    text: str
    kind: str
    figures: tuple[quantities.Quantity, ...]


def check(pieces: list[Piece], published: datetime.date | None = None) -> list[Finding]:
    """Every inconsistency found between the pieces (units) of one article."""
    pieces = [p for p in pieces if not _is_clock(p)]
    findings = _repeated(pieces)
    findings += _events(pieces, published)
    findings += _measures(pieces)
    repeated = {p for f in findings if f.check == REPEATED for p in f.places}
    # A repeated sentence's figures are already one finding.
    findings += [f for f in _rates_and_shares(pieces) if not set(f.places) <= repeated]
    if published is not None:
        findings += _impossible_years(pieces, published)
    findings += _out_of_order(pieces)
    findings += _durations(pieces)
    return findings


def _is_clock(piece: Piece) -> bool:
    """A page's clock line (中国时间 14:47 2024年5月5日): the crawl's, not the news'.

    A short line with a time of day and a date, whatever kind the segmenter
    gave it.
    """
    return (
        len(piece.text) <= 60
        and bool(_CLOCK.search(piece.text))
        and any(q.kind == quantities.DATE for q in piece.figures)
    )


def _place(piece: Piece, start: int, end: int) -> Place:
    return Place(piece.start + start, piece.start + end, piece.text[start:end])


def _repeated(pieces: list[Piece]) -> list[Finding]:
    """Sentences worded the same except for their figures, which differ."""
    by_skeleton: dict[str, list[Piece]] = defaultdict(list)
    for piece in pieces:
        if not piece.figures or len(piece.text) < _MIN_REPEATED:
            continue
        skeleton, last = [], 0
        for q in piece.figures:
            skeleton.append(piece.text[last : q.start])
            skeleton.append("\x00")
            last = q.end
        skeleton.append(piece.text[last:])
        by_skeleton["".join(skeleton)].append(piece)
    findings = []
    for same in by_skeleton.values():
        # Three or more sentences of one pattern are a series (Acme raised $1M
        # in 2001. Acme raised $2M in 2002. ...), not a copy.
        if len(same) != 2:
            continue
        first = same[0]
        for other in same[1:]:
            pairs = [
                (a, b)
                for a, b in zip(first.figures, other.figures, strict=True)
                if a.text != b.text
            ]
            if not pairs:
                continue
            places = tuple(
                place
                for a, b in pairs
                for place in (
                    _place(first, a.start, a.end),
                    _place(other, b.start, b.end),
                )
            )
            what = "; ".join(f"{a.text} / {b.text}" for a, b in pairs)
            findings.append(
                Finding(
                    REPEATED,
                    f"The same sentence appears twice with other figures: {what}.",
                    places,
                )
            )
    return findings


def _clauses(text: str):
    for match in _CLAUSE.finditer(text):
        yield match.start(), match.group()


def _words_in(words: tuple[str, ...], clause: str, lowered: str) -> str | None:
    """The first of ``words`` in the clause: Latin ones whole, Chinese anywhere."""
    hit = _matcher(words).search(lowered)
    return hit.group() if hit else None


@cache
def _matcher(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        "|".join(
            rf"\b{re.escape(w)}\b" if _LATIN.match(w) else re.escape(w)
            for w in sorted(words, key=len, reverse=True)
        )
    )


# What each (event, "year" / "date" / "money") is given as, with where; and
# the capitalised words of each piece that gives it.
_Facts = dict[tuple[str, str], list[tuple[str, Place]]]
_Subjects = dict[tuple[str, str], list[set[str]]]


def _events(pieces: list[Piece], published: datetime.date | None) -> list[Finding]:
    """One event given two (or three) different years, or amounts."""
    facts, subjects = _event_facts(pieces, published)
    findings = []
    for (event, what), stated in facts.items():
        finding = _event_finding(event, what, stated, subjects[(event, what)])
        if finding is not None:
            findings.append(finding)
    return findings


def _event_facts(
    pieces: list[Piece], published: datetime.date | None
) -> tuple[_Facts, _Subjects]:
    """Every year, date and amount the clauses naming an event give it."""
    facts: _Facts = defaultdict(list)
    subjects: _Subjects = defaultdict(list)
    for piece in pieces:
        if not piece.figures and (
            published is None or _RELATIVE_YEAR.search(piece.text) is None
        ):
            continue  # nothing to date or count an event by
        for offset, clause in _clauses(piece.text):
            event = _event_in(clause)
            if event is None:
                continue
            end = offset + len(clause)
            inside = [q for q in piece.figures if offset <= q.start < end]
            _add_figures(facts, subjects, event, piece, inside)
            if published is not None:
                _add_relative_years(facts, event, piece, offset, clause, published)
    return facts, subjects


def _event_in(clause: str) -> str | None:
    """The first event of _EVENTS the clause names, if any."""
    lowered = clause.lower()
    # One search for any event word first: most clauses have none.
    if not _words_in(_ALL_EVENT_WORDS, clause, lowered):
        return None
    return next(
        (e for e, words in _EVENTS.items() if _words_in(words, clause, lowered)),
        None,
    )


def _add_figures(
    facts: _Facts,
    subjects: _Subjects,
    event: str,
    piece: Piece,
    inside: list[quantities.Quantity],
) -> None:
    """The days, years and amounts of a clause naming ``event``."""
    named = set(_SUBJECT.findall(piece.text))
    if any(q.kind == quantities.DATE for q in inside):
        subjects[(event, "year")].append(named)
        subjects[(event, "date")].append(named)
    if any(q.kind == quantities.MONEY for q in inside):
        subjects[(event, "money")].append(named)
    for q in inside:
        day = month_day(q.text) if q.kind == quantities.DATE else None
        if day is not None:
            facts[(event, "date")].append((day, _place(piece, q.start, q.end)))
        if q.kind == quantities.DATE and q.year and not _cohort(q):
            facts[(event, "year")].append((str(q.year), _place(piece, q.start, q.end)))
        elif q.kind == quantities.MONEY:
            value = amount(q.text)
            if value is not None:
                facts[(event, "money")].append(
                    (f"{value:g}", _place(piece, q.start, q.end))
                )


def _add_relative_years(
    facts: _Facts,
    event: str,
    piece: Piece,
    offset: int,
    clause: str,
    published: datetime.date,
) -> None:
    """The years a clause naming ``event`` counts back from publication."""
    for match in _RELATIVE_YEAR.finditer(clause):
        years = _relative_years(match)
        if years is not None:
            facts[(event, "year")].append(
                (
                    str(published.year - years),
                    _place(piece, offset + match.start(), offset + match.end()),
                )
            )


def _event_finding(
    event: str, what: str, stated: list[tuple[str, Place]], subjects: list[set[str]]
) -> Finding | None:
    """A finding if the event is given two or three different values."""
    first: dict[str, Place] = {}
    for value, place in stated:
        first.setdefault(value, place)
    if not 2 <= len(first) <= _MAX_VALUES:
        return None
    values = ", ".join(
        f"{place.text} ({value})"
        if what == "year" and value not in place.text
        else place.text
        for value, place in first.items()
    )
    shared = set.intersection(*subjects or [set()]) - _NOT_SUBJECTS
    whose = f"{sorted(shared)[0]} " if shared else ""
    return Finding(
        FIGURES,
        f"The article gives {whose}{len(first)} different "
        f"{_WHAT[what]} for the same event "
        f"({event}): {values}.",
        tuple(first.values()),
    )


# Capitalised words that start sentences or name dates, not subjects.
_NOT_SUBJECTS = {"The", "In", "On", "It", "He", "She", "They", "This", "That"}


_WHAT = {"year": "years", "date": "dates", "money": "amounts"}
_MONTH_NUMBERS = {
    name: i + 1
    for i, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())
}
_EN_DAY = re.compile(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})\b|(\d{1,2})\s+([A-Za-z]{3})")
_ZH_DAY = re.compile(r"(\d{1,2})\s*\u6708\s*(\d{1,2})\s*[\u65e5\u53f7]")


def month_day(text: str) -> str | None:
    """A date's month and day as "M-D" (June 28, 28 June, 6月28日), if it has both."""
    zh = _ZH_DAY.search(text.translate(quantities.FULLWIDTH_DIGITS))
    if zh:
        return f"{int(zh.group(1))}-{int(zh.group(2))}"
    en = _EN_DAY.search(text)
    if en:
        name, day = (
            (en.group(1), en.group(2)) if en.group(1) else (en.group(4), en.group(3))
        )
        month = _MONTH_NUMBERS.get(name.lower())
        if month:
            return f"{month}-{int(day)}"
    return None


def _cohort(q: quantities.Quantity) -> bool:
    """2012级: a student's year of entry, not the date of the event."""
    return q.text.endswith("\u7ea7")


def _relative_years(match: re.Match[str]) -> int | None:
    digits = next(g for g in match.groups() if g is not None)
    if digits.isdigit():
        return int(digits)
    return chinese_number(digits)


def chinese_number(text: str) -> int | None:
    """一 .. 九十九 as an int (None for anything else)."""
    if "\u5341" in text:  # 十
        tens, _ten, ones = text.partition("\u5341")
        high = _CN_DIGIT_VALUES.get(tens) if tens else 1
        low = _CN_DIGIT_VALUES.get(ones) if ones else 0
        return None if high is None or low is None else high * 10 + low
    return _CN_DIGIT_VALUES.get(text) if len(text) == 1 else None


_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "\u4e07": 1e4,
    "\u767e\u4e07": 1e6,
    "\u5343\u4e07": 1e7,
    "\u4ebf": 1e8,
}
_AMOUNT = re.compile(
    r"(\d[\d,\uff0c]*(?:\.\d+)?)\s*"
    r"(thousand|million|billion|bn|k|m|b|\u5343\u4e07|\u767e\u4e07|\u4e07|\u4ebf)?",
    re.IGNORECASE,
)


def amount(text: str) -> float | None:
    """The number a money figure states ($10 million, 1060万美元 -> 1e7, 1.06e7)."""
    match = _AMOUNT.search(text.translate(quantities.FULLWIDTH_DIGITS))
    if match is None:
        return None
    value = float(match.group(1).replace(",", "").replace("\uff0c", ""))
    scale = (match.group(2) or "").lower()
    return value * _SCALE.get(scale, 1)


def _measures(pieces: list[Piece]) -> list[Finding]:
    """One sentence counting the same thing twice with different numbers."""
    findings = []
    for piece in pieces:
        counted: dict[str, dict[str, Place]] = defaultdict(dict)
        for q in piece.figures:
            if q.kind != quantities.NUMBER:
                continue
            after = piece.text[q.end : q.end + 12].lower()
            before = piece.text[max(0, q.start - 10) : q.start].lower()
            for measure, words in _MEASURES.items():
                if _near_word(words, after, before):
                    value = amount(q.text)
                    if value is not None:
                        counted[measure].setdefault(
                            f"{value:g}", _place(piece, q.start, q.end)
                        )
                    break
        for measure, values in counted.items():
            if len(values) >= 2:
                places = tuple(values.values())
                findings.append(
                    Finding(
                        FIGURES,
                        f"One sentence gives {len(values)} different counts of "
                        f"{measure}: {', '.join(p.text for p in places)}.",
                        places,
                    )
                )
    return findings


# "5,700 images a second", "95% of data centres", "每秒处理5700张图片": the
# measured thing is the words around the figure.
_RATE = re.compile(
    r"^\s+([a-z]+(?:[ -][a-z]+)?)\s+(?:a|an|per|each)\s+"
    r"(second|minute|hour|day|week|month|year)\b"
)
_SHARE = re.compile(r"^\s+of\s+(?:the\s+|all\s+)?([a-z]+(?:[ -][a-z]+)?)\b")
_ZH_RATE = re.compile(
    r"\u6bcf(\u79d2|\u5206\u949f|\u5c0f\u65f6|\u5929|\u5e74)[\u4e00-\u9fff]{0,4}$"
)  # 每秒 每分钟 每小时 每天 每年 (+ a verb) before the number
_ZH_AFTER = re.compile(r"^[\u4e00-\u9fff]{1,3}")


def _measured_thing(piece: Piece, q: quantities.Quantity) -> str | None:
    after = piece.text[q.end : q.end + 40].lower()
    if q.kind == quantities.PERCENT:
        share = _SHARE.match(after)
        return f"share of {_singular(share.group(1))}" if share else None
    if q.kind != quantities.NUMBER:
        return None
    rate = _RATE.match(after)
    if rate:
        return f"{_singular(rate.group(1))} per {rate.group(2)}"
    zh = _ZH_RATE.search(piece.text[max(0, q.start - 8) : q.start])
    if zh:
        noun = _ZH_AFTER.match(piece.text[q.end : q.end + 3])
        return f"\u6bcf{zh.group(1)} {noun.group() if noun else ''}".strip()
    return None


def _singular(phrase: str) -> str:
    return " ".join(
        w[:-1] if w.endswith("s") and len(w) > 3 else w for w in phrase.split()
    )


def _rates_and_shares(pieces: list[Piece]) -> list[Finding]:
    """The same rate or share given different figures between a heading and
    the body, or in sentences naming the same subject, neither dated
    differently."""
    stated: dict[str, list[tuple[str, Place, Piece]]] = defaultdict(list)
    for piece in pieces:
        for q in piece.figures:
            thing = _measured_thing(piece, q)
            value = amount(q.text) if thing else None
            if thing and value is not None:
                stated[thing].append(
                    (f"{value:g}", _place(piece, q.start, q.end), piece)
                )
    findings = []
    for thing, found in stated.items():
        first: dict[str, tuple[Place, Piece]] = {}
        for value, place, piece in found:
            first.setdefault(value, (place, piece))
        if not 2 <= len(first) <= _MAX_VALUES:
            continue
        pieces_here = [piece for _place_, piece in first.values()]
        if len({id(p) for p in pieces_here}) == 1:
            continue  # one sentence comparing two (52% of the vote, 46% of it)
        years = [{q.year for q in p.figures if q.year} for p in pieces_here]
        if len({frozenset(y) for y in years if y}) > 1:
            continue  # a series over time: 80% of the market in 2020, 90% in 2024
        heading = any(p.kind not in ("claim", "opinion") for p in pieces_here)
        subjects = [set(_SUBJECT.findall(p.text)) - _NOT_SUBJECTS for p in pieces_here]
        if not (heading or set.intersection(*subjects)):
            continue
        places = tuple(place for place, _piece in first.values())
        findings.append(
            Finding(
                FIGURES,
                f"The article gives {len(places)} different figures for {thing}: "
                f"{', '.join(p.text for p in places)}.",
                places,
            )
        )
    return findings


_MIN_SERIES = 4  # dated entries in a row before their order means anything
_LEADING = 16  # characters: a date this close to the start begins the entry


def _out_of_order(pieces: list[Piece]) -> list[Finding]:
    """A chronology (units in a row each starting with a year) whose order one
    entry breaks: 2001 … 2003 … 1999 … 2007."""
    findings = []
    run: list[tuple[int, Place]] = []
    for piece in [*pieces, None]:
        lead = _leading_year(piece) if piece is not None else None
        if lead is not None:
            run.append(lead)
            continue
        if len(run) >= _MIN_SERIES:
            odd = _the_one_out(run)
            if odd is not None:
                place = run[odd][1]
                around = [run[i][1] for i in (odd - 1, odd + 1) if 0 <= i < len(run)]
                findings.append(
                    Finding(
                        OUT_OF_ORDER,
                        f"{place.text} breaks the order of a dated list "
                        f"({', '.join(str(y) for y, _p in run)}): is the year right?",
                        (place, *around),
                    )
                )
        run = []
    return findings


def _leading_year(piece: Piece) -> tuple[int, Place] | None:
    for q in piece.figures:
        if q.start > _LEADING:
            return None
        if q.year is not None and q.kind == quantities.DATE and not _cohort(q):
            return q.year, _place(piece, q.start, q.end)
    return None


def _the_one_out(run: list[tuple[int, Place]]) -> int | None:
    """The index of the single entry whose removal leaves the years in order
    (rising or falling), or None when they are in order or more are out."""
    years = [year for year, _place_ in run]
    if years == sorted(years) or years == sorted(years, reverse=True):
        return None
    found = [
        i
        for i in range(len(years))
        if (rest := years[:i] + years[i + 1 :]) == sorted(rest)
        or rest == sorted(rest, reverse=True)
    ]
    return found[0] if len(found) == 1 else None


def _near_word(words: tuple[str, ...], after: str, before: str) -> bool:
    """A measure word right after the number (33 dead, 64人死亡) or before it."""
    following, preceding, endings = _measure_patterns(words)
    return bool(
        following.match(after)
        or (preceding is not None and preceding.search(before))
        or before.endswith(endings)
    )


@cache
def _measure_patterns(
    words: tuple[str, ...],
) -> tuple[re.Pattern[str], re.Pattern[str] | None, tuple[str, ...]]:
    """One pattern for any of the words after a number, one for any English
    one before it, and the Chinese ones it may end with (compiled once)."""
    latin = [w for w in words if _LATIN.match(w)]
    han = tuple(w for w in words if not _LATIN.match(w))
    after = []
    if latin:
        after.append(rf"\s*(?:people\s+|persons\s+)?(?:{'|'.join(latin)})\b")
    if han:
        after.append(rf"\s*(?:\u4eba|\u540d)?\s*(?:{'|'.join(han)})")
    before = (
        re.compile(rf"\b(?:{'|'.join(latin)})\s+(?:at\s+least\s+)?$") if latin else None
    )
    return re.compile("|".join(f"(?:{a})" for a in after)), before, han


def _impossible_years(pieces: list[Piece], published: datetime.date) -> list[Finding]:
    """Past events dated after publication; goals whose deadline had passed."""
    findings = []
    for piece in pieces:
        if all(q.year is None for q in piece.figures):
            continue  # no year to be impossible
        for offset, clause in _clauses(piece.text):
            end = offset + len(clause)
            lowered = clause.lower()
            for q in piece.figures:
                if not offset <= q.start < end or q.year is None:
                    continue
                before = piece.text[offset : q.start]
                after = piece.text[q.end : max(q.end, end)]
                place = _place(piece, q.start, q.end)
                if q.year > published.year and not _words_in(_FUTURE, clause, lowered):
                    findings.append(
                        Finding(
                            AFTER_PUBLICATION,
                            f"{q.text} is after the article's publication date "
                            f"({published.isoformat()}), yet the sentence does not "
                            "speak of the future: is the year right?",
                            (place,),
                        )
                    )
                    break  # one finding a clause: 2029-2030 is one school year
                elif q.year < published.year and (
                    (_GOAL_BEFORE.search(before) and _goal_words(lowered, clause))
                    or (_GOAL_AFTER.match(after) and _goal_words(lowered, clause))
                ):
                    findings.append(
                        Finding(
                            PAST_GOAL,
                            f"A goal or deadline of {q.text} in an article of "
                            f"{published.isoformat()}: that date had passed.",
                            (place,),
                        )
                    )
                    break
    return findings


def _goal_words(lowered: str, clause: str) -> bool:
    return bool(
        _words_in(
            (
                "goal",
                "aim",
                "aims",
                "target",
                "plan",
                "plans",
                "pledged",
                "promised",
                "will",
                "vowed",
                "hopes",
                "目标",
                "计划",
                "争取",
                "力争",
                "将",
                "承诺",
            ),
            clause,
            lowered,
        )
    )


# A period of time: 一年, 两个月, 三周, 10天, 6小时; for two years, by 3 months.
# fmt: off
_CN_NUMERALS = "\u4e00\u4e8c\u4e24\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341"
_ZH_PERIOD = re.compile(
    rf"(?<![\d.{_CN_NUMERALS}\u767e\u5343])(\d{{1,3}}|[{_CN_NUMERALS}]{{1,3}})"
    r"(\u5e74|\u4e2a\u6708|\u4e2a?\u661f\u671f|\u5468|\u5929|\u4e2a?\u5c0f\u65f6|\u5206\u949f)"
)  # 年 个月 (个)星期 周 天 (个)小时 分钟
_ZH_UNITS = {
    "\u5e74": "year", "\u4e2a\u6708": "month", "\u661f\u671f": "week",
    "\u4e2a\u661f\u671f": "week", "\u5468": "week", "\u5929": "day",
    "\u5c0f\u65f6": "hour", "\u4e2a\u5c0f\u65f6": "hour", "\u5206\u949f": "minute",
}
_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12,
}
# fmt: on
_EN_PERIOD = re.compile(
    r"\b(?:for|by|of)\s+(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight"
    r"|nine|ten|twelve)\s+(year|month|week|day|hour|minute)s?\b(?!-)",
    re.IGNORECASE,
)
# After a Chinese period, what leaves it the length of an act (推了两年, 保外就医
# 一年。) rather than part of a noun (8年徒刑), a time reference (两年后, 三年前)
# or a rough figure (一年多).
_ZH_PERIOD_END = re.compile(r"(?:$|[^\u4e00-\u9fa5]|\u4e86|\u4e4b\u4e45)")


@dataclass(frozen=True)
class _Period:
    value: int
    unit: str
    place: Place


def _periods(piece: Piece, strict: bool) -> list[_Period]:
    """The periods a piece states; ``strict``: only the length of an act
    (not 8年徒刑, 两年后, 一年多), never a year or a date."""
    found = []
    text = piece.text
    for match in _ZH_PERIOD.finditer(text):
        digits, unit = match.group(1), match.group(2)
        if strict and not _ZH_PERIOD_END.match(text, match.end()):
            continue
        value = int(digits) if digits.isdigit() else chinese_number(digits)
        if value:
            found.append(_Period(value, _ZH_UNITS[unit], _place(piece, *match.span())))
    for match in _EN_PERIOD.finditer(text):
        number = match.group(1).lower()
        value = int(number) if number.isdigit() else _EN_NUMBERS[number]
        start = match.start(1)
        found.append(
            _Period(value, match.group(2).lower(), _place(piece, start, match.end()))
        )
    return found


def _durations(pieces: list[Piece]) -> list[Finding]:
    """A heading's period (保外就医一年) the body never repeats, where the
    body gives the one period of that kind for an act another length
    (推了两年): one of the two is wrong."""
    headings = [p for p in pieces if p.kind == "heading"]
    body = [p for p in pieces if p.kind in ("claim", "opinion")]
    if not headings or not body:
        return []
    stated = {(d.value, d.unit) for p in body for d in _periods(p, strict=False)}
    acts: dict[str, list[_Period]] = defaultdict(list)
    for piece in body:
        for period in _periods(piece, strict=True):
            acts[period.unit].append(period)
    findings = []
    for heading in headings:
        for period in _periods(heading, strict=True):
            if (period.value, period.unit) in stated:
                continue
            others = acts.get(period.unit, [])
            if len({o.value for o in others}) != 1 or len(others) != 1:
                continue  # none, or several: no single counterpart
            (other,) = others
            findings.append(
                Finding(
                    DURATION,
                    f"The heading gives {period.place.text} ({period.value} "
                    f"{period.unit}{'s' if period.value > 1 else ''}), which the "
                    f"body never states; the body gives {other.place.text} "
                    f"({other.value} {other.unit}{'s' if other.value > 1 else ''}) "
                    "instead: is one of them wrong?",
                    (period.place, other.place),
                )
            )
    return findings
