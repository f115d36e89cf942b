"""Split article text into sentence units with exact character offsets.

Pure Python with no Django imports, so it can be tested and benchmarked alone.
Offsets are Python string indices (code points) into the text as given:
``text[unit.start:unit.end] == unit.text`` holds for every unit.

A unit is a sentence (``claim`` or ``opinion``) or a piece of page furniture
(heading, byline, caption, image, navigation, boilerplate) with the name of
the rule that chose its kind in ``reason``. Scraped pages keep full-width and
ASCII punctuation side by side, so every rule takes both. Full-width
punctuation is written as escapes because editors and tools have been seen to
turn it into ASCII silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

CLAIM = "claim"
OPINION = "opinion"
HEADING = "heading"
BYLINE = "byline"
CAPTION = "caption"
IMAGE = "image"
NAVIGATION = "navigation"
BOILERPLATE = "boilerplate"
# Page furniture: muted for the editor, never a claim to check.
FURNITURE_KINDS = frozenset({HEADING, BYLINE, CAPTION, IMAGE, NAVIGATION, BOILERPLATE})

# 。 ！ ？ ｡ and ASCII ! ? end a sentence (unless inside a protected span).
_HARD_TERMINATORS = "\u3002\uff01\uff1f\uff61!?"
# Closing quotes and brackets that stay with the sentence they close:
# ” ’ 」 』 ） 】 》 〉 〕 ) ]
_CLOSERS = "\u201d\u2019\u300d\u300f\uff09\u3011\u300b\u3009\u3015)]"
# Full stops and ellipses right after a sentence end belong to it: "(really!)."
_TRAILING_DOTS = ".\u2026"
# ASCII quotes close a sentence only when one was opened inside it.
_ASCII_QUOTES = "\"'"
_ALL_TERMINATORS = _HARD_TERMINATORS + _TRAILING_DOTS
_CLOSING_MARKS = _CLOSERS + _ASCII_QUOTES

# It opens with a character class, not an alternation, so that re skips to
# the next mark with its fast character-set search (several times faster).
_CANDIDATE_RE = re.compile(
    "[" + re.escape(_HARD_TERMINATORS) + r".]"
    # A run of hard terminators.
    "(?:(?<=["
    + re.escape(_HARD_TERMINATORS)
    + "])["
    + re.escape(_HARD_TERMINATORS)
    + "]*"
    r"|(?<=\.)(?:(?: \.){2,}"  # a spaced ellipsis ". . ."
    r"|\.+"  # a run of dots
    # A single full stop followed by white space (after any closers).
    r"|(?=[" + re.escape(_CLOSERS + _ASCII_QUOTES) + r"]*\s)))"
)
# A compact ellipsis after a sentence end stays with it: "and more. ... I'm".
_ELLIPSIS_CHARS = ".\u2026"
_ELLIPSIS_AFTER_END_RE = re.compile(r"\s+(?:\.{3,}|\u2026+)(?=\s|$)")

# Spans never split inside. Each is looked for only when the line holds the
# characters it needs, so plain prose pays almost nothing for them.
_URL_RE = re.compile(
    r"(?:[a-zA-Z][a-zA-Z0-9+.-]{1,9}://|www\.)"
    r"[^\s<>\"\u201c\u201d\u3000-\u303f\uff01-\uff5e\u4e00-\u9fff]+"
)
_DOMAIN_PATH_RE = re.compile(
    r"\b[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*\.(?:com|org|net|gov|edu|mil|int|info|io"
    r"|cn|uk|jp|de|fr|tw|hk|us|ru|tv|me|news|co)/[^\s<>\"\u3000-\u303f\uff01-\uff5e"
    r"\u4e00-\u9fff]*"
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MARKUP_RE = re.compile(
    r"<!--.*?-->"  # an HTML comment
    r"|</?[a-zA-Z][^<>\n]{0,500}>"  # a tag left in the text
    r"|!?\[[^\[\]\n]{0,300}\]\([^()\s]{0,2000}(?:\([^()\s]{0,200}\)[^()\s]{0,200})*\)"
)
# Book-title marks: 《摔跤吧！爸爸》 must not split inside.
_TITLE_RE = re.compile("\u300a[^\u300a\u300b\n]{1,64}\u300b")
# Brackets: ( （ [ ... ) ） ].
_BRACKET_RE = re.compile("[(\uff08\\[][^()\uff08\uff09\\[\\]\n]{1,200}[)\uff09\\]]")
# A URL's trailing punctuation belongs to the sentence around it.
_CLOSING_TAG_RE = re.compile(r"</[a-zA-Z][a-zA-Z0-9]{0,10}>")
_URL_TRAILING = ".,;:!?)]}'\"\u3002\uff0c"

# Words that end in a full stop and always come before a name or a number.
_PREPOSITIVE = frozenset(
    """
    mr mrs ms dr prof rev fr gen col lt sgt capt cmdr adm maj brig cpl pvt gov
    sen rep pres supt hon messrs mme mlle st mt ft
    """.split()
)
# Words that end in a full stop and may end a sentence too: they end one
# only before a word that usually starts a sentence ("the U.S. How about").
_ABBREVIATIONS = frozenset(
    """
    inc ltd co corp llc plc bros dept univ assn approx vs etc al eds cf jan feb
    mar apr jun jul aug sep sept oct nov dec tue thu fri jr sr e.g i.e ph.d u.s
    u.k u.n u.s.a e.u a.m p.m b.a m.a m.s
    """.split()
)
_SENTENCE_STARTERS = frozenset(
    """
    a an the this that these those there here it its he she they we you i his
    her their our my your how what why when where who which whose but and so
    yet or if in on at as after before since while although though however
    meanwhile did do does is are was were can could will would should may
    might must has have had not no nor also then thus still one some many
    most all each every both either neither such let
    """.split()
)
_DOTTED_ACRONYM_RE = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
# A list marker at the start of an item: "1.", "2.)", "3)", "a.", "• 9.".
_LIST_START_RE = re.compile(
    r"(?:[\u2022\u2043*\u00b7-]\s*)?(\d{1,2}|[a-zA-Z])(\.\)|\)|\.)\s"
)
_LONGEST_MARKER = 5  # "• 10" before its full stop
_MARKER_ONLY_RE = re.compile(r"(?:[\u2022\u2043*\u00b7-]\s*)?(?:\d{1,3}|[A-Za-z])")

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
# Searches for any of several words, made for lines that hold none of them:
# re's character-set search skips to a word's first character, where a loop
# of "in" tests made a generator for every line.
_FOOTER_MARKER_RE = re.compile("|".join(map(re.escape, _FOOTER_MARKERS)))
_SPAM_WORD_RE = re.compile("|".join(map(re.escape, _SPAM_WORDS)))

# Page furniture glued into running text by scrapers.
_INLINE_FURNITURE_RE = re.compile(
    "\u5c55\u5f00\u5269\u4f59\\s*\\d{1,3}\\s*[%\uff05]"  # 展开剩余88%
    "|(?:\u70b9\u51fb)?\u5c55\u5f00\u5168\u6587"  # (点击)展开全文
    "|(?:\u70b9\u51fb)?\u9605\u8bfb\u5168\u6587"  # (点击)阅读全文
    # 返回搜狐,查看更多
    "|\u8fd4\u56de\u641c\u72d0[,\uff0c]?\\s*\u67e5\u770b\u66f4\u591a"
    "|\u6253\u5f00APP\u9605\u8bfb"  # 打开APP阅读
)
# Each of those holds one of these: a cheap test before the regex, which
# would otherwise try its alternatives at every character of every line.
_INLINE_FURNITURE_WORDS = (
    "\u5c55\u5f00",  # 展开
    "\u9605\u8bfb\u5168\u6587",  # 阅读全文
    "\u8fd4\u56de\u641c\u72d0",  # 返回搜狐
    "\u6253\u5f00APP",  # 打开APP
)


_QUESTION_ENDINGS = ("?", "\uff1f")
# A question is an opinion only when it is rhetorical: it asserts something.
_RHETORICAL_RE = re.compile(
    "难道|岂|何必|何尝|何苦|怎能|怎么能|怎会|怎么会|谁不|谁能|谁还|谁会|谁又|"
    "凭什么|有什么用|何况|又何|不是.{0,20}吗|还有.{0,6}比.{0,20}更|"
    r"\b(?:isn't it|aren't they|don't you|doesn't it|wasn't it|who would|who can"
    r"|who could|how can|how could|why would|why should|what if|is it any"
    r"|who knows|who cares|what's the point|why not)\b",
    re.IGNORECASE,
)

# Page furniture, recognised line by line. Lines are compared lowercased.
_NAVIGATION_LINES = frozenset(
    entry.strip()
    for entry in """
    无障碍链接|accessibility links|skip to main content|skip to content
    |skip navigation|jump to navigation jump to search|jump to navigation
    |jump to search|breaking news|edit|[edit]|menu|search|home|print|share
    |返回顶部|返回首页|返回|上一篇|下一篇|相关阅读|相关新闻|相关文章|推荐阅读
    |热门推荐|热门文章|更多|更多新闻|阅读更多|分享|打印|搜索|首页|菜单
    |the news|know more|more news|top stories|latest news|related stories
    |related articles|related|most popular|most read|trending|advertisement
    |sponsored|read more|see also|more from|you may also like|editor's picks
    |广告|推广|猜你喜欢|大家都在看|延伸阅读
    """.split("|")
)
_FONT_SIZES = frozenset("xs s sm m md l lg xl xxl a+ a- 大 中 小 特大".split())
# Breadcrumbs: "您的位置 首页 科技", "首页 > 科技 > 正文", "Home / News / World".
_BREADCRUMB_RE = re.compile(
    r"^(?:您的位置|您现在的位置|当前位置|你的位置|位置|you are here)\s*[:\uff1a]?\s*\S"
    r"|^\w[\w\u00b7 -]{0,11}(?:\s*[>\u203a\u00bb/|\uff1e]\s*\w[\w\u00b7 -]{0,11}){2,}$",
    re.IGNORECASE,
)
_BREADCRUMB_MARKS = (
    "位置",
    "you are here",
    ">",
    "\u203a",
    "\u00bb",
    "/",
    "|",
    "\uff1e",
)
_BREADCRUMB_MARK_RE = re.compile("|".join(map(re.escape, _BREADCRUMB_MARKS)))
# Site section labels: VOA卫视最新视频, 美国之音中文节目预告, VOA卫视(直播).
_SECTION_LABEL_RE = re.compile(
    r"^.{0,12}(?:节目预告|最新视频|视频推荐|精彩视频|热点视频|[(\uff08]直播[)\uff09])$"
)
_IMAGE_LINE_RE = re.compile(
    r"^(?:!\[[^\]\n]*\]\(\S*\)\s*)+$"
    r"|^<!--\s*(?:image|img|photo|picture|figure|图片|图)\b.*-->$"
    r"|^<img\b[^>]*>$"
    r"|^\[(?:图片|图|image|img|photo|视频|video)\]$"
    r"|^\S+\.(?:jpe?g|png|gif|webp|svg)(?:\?\S*)?$",
    re.IGNORECASE,
)
_LINK_LINE_RE = re.compile(r"^(?:\[[^\]\n]*\]\(\S*\)\s*)+$|^(?:https?://|www\.)\S+$")
_MARKUP_LINE_RE = re.compile(r"^(?:<!--.*?-->|</?[a-zA-Z][^<>]*>|\s)+$")
_CREDIT_RE = re.compile(
    r"^(?:image|photo|picture|photograph|credit|photo credit|图片来源|图片|图|"
    r"摄影|视频截图|图源)\s*[:\uff1a]",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(
    r"(?:By|BY|Written by|Reported by|Posted by)\s+[A-Z]"
    r"|(?:记者|作者|编辑|责编|撰文|撰稿|文|图|摄影|主持|主持人|嘉宾|通讯员|特约记者"
    r"|实习记者|发布时间|发布日期|更新时间|时间)\s*[:\uff1a|\uff5c/]"
)
# Read counts, searched in the lowercased line: "阅读 1234", "5,678 views".
_READ_COUNT_RE = re.compile(
    r"(?:阅读|浏览|阅读量|浏览量|点击)\s*[:\uff1a]?\s*\d|\d\s*(?:views|reads|次阅读|人阅读)\b"
)
_READ_COUNT_WORD_RE = re.compile("阅读|浏览|点击|view|read")
# Sentences that introduce a speaker rather than state a fact.
_BYLINE_SENTENCE_RE = re.compile(
    r"^I'm [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,2}\.$"
    r"|^(?:[A-Z]\w*'s )?[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,2} reports"
    r"(?: from [A-Z][\w ]{1,30})?\.$"
    r"|^(?:This is|For [A-Z]\w+ News,? I'm) [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,2},? "
    r"(?:[A-Z]\w+ News|reporting)\b.{0,40}\.$"
    r"|^The time is \d{1,2}:\d{2}\b.{0,120}\bthis is\b.{0,60}\.$"
)
# A byline glued to the sentence after it: "主持:郑裕文 嘉宾:… 除旧迎新之际,…。"
_GLUED_BYLINE_RE = re.compile(r"(?:主持|主持人|嘉宾|记者|作者|编辑|撰文)\s*[:\uff1a]")
_GLUED_BYLINE_FIRST = "主嘉记作编撰"  # the first characters of those labels
_SHORTEST_GLUED_SENTENCE = 8
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october"
    "|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DATE = (
    rf"(?:(?:{_WEEKDAYS}),?\s+)?(?:(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*(?:星期|周)[一二三四五六日天])?)"
)
# A date starts with a letter (weekday, month) or a digit: the lookahead skips
# every other position (a CJK line's characters) before trying the branches.
_DATE_SEARCH_RE = re.compile(rf"(?=[a-z\d])(?:{_DATE})", re.IGNORECASE)
_LONGEST_DATELINE = 64
_YEAR_RE = re.compile(r"\d{4}")  # every date has its year: a cheap test first
_LONGEST_SECTION_LABEL = 20
# "张三 / 2024-01-05", "新华社 | 2024年1月5日"
_BYLINE_SEPARATOR_RE = re.compile("\\s[|/\uff5c\u00b7\u2022]\\s")
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
_DATELINE_RE = re.compile(
    rf"^(?:{_DATE})(?:\s+{_TIME})?(?:\s*\(?(?:utc|gmt|edt|est|北京时间)\)?)?$",
    re.IGNORECASE,
)
# The site's clock: "中国时间 0:46 2024年4月24日 星期三".
_CLOCK_RE = re.compile(rf"^\S{{0,6}}时间\s*{_TIME}\s+{_DATE}$", re.IGNORECASE)
_PLAYER_RE = re.compile(
    rf"^(?:{_TIME}\s*)+(?:直播|live)?$"
    r"|^(?:请稍等|没有现场直播|没有媒体可用资源|加载中|正在加载|please wait|loading"
    r"|no media source currently available|no live streaming currently available"
    r")\W*$",
    re.IGNORECASE,
)
_KEYWORDS_RE = re.compile(r"^(?:关键词|关键字|标签|tags?|keywords?)\s*[:\uff1a]", re.I)
_STAGE_RE = re.compile(
    r"^(?:MUSIC|SOUND|SOUNDBITE|NATS|AMBIENCE|AMBIENT|VIDEO|AUDIO|THEME|SFX)\s*:"
)
# A source citation: "- Nikita Stewart. "Title" — The Washington Post, ...".
_CITATION_RE = re.compile(
    '^[-\u2013\u2022*]\\s+[^"\u201c\n]{2,80}[.,]\\s*["\u201c].+["\u201d]'
    "\\s*[\u2014\u2013-]{1,2}\\s*\\S"
)
_SHARE_OR_PROMO_RE = re.compile(
    r"(?P<promo>敬请(?:准时)?收看|欢迎.{0,30}收看|准时收看|收看.{0,10}节目|直播聊天室"
    r"|参与节目讨论|扫码|扫描二维码|长按识别|关注我们|关注公众号|点击关注"
    r"|下载.{0,6}(?:app|客户端)|tune in|subscribe to|sign up for|follow us"
    r"|download (?:the|our) app"
    "|^[\u2022\u00b7]\\s*\\d{1,2}/\\d{1,2}\\s*\u3010)"
    r"|(?P<share>^(?:分享到|分享至|转发到|share (?:this|on)|share:|点赞|收藏|举报"
    r"|评论\s*\d)"
    r"|we invite you to visit|for more details on these|the free news source"
    r"|transcript is provided as a service|compilation of brief news reports"
    r"|^(?:all rights reserved|terms of (?:use|service)|privacy policy|contact us"
    r"|about us|联系我们|关于我们|隐私政策|网站地图))"
)
# A word of every share or promo pattern: a cheap test before the regex.
_SHARE_OR_PROMO_WORDS = (
    "收看",
    "直播聊天室",
    "节目讨论",
    "扫码",
    "二维码",
    "长按识别",
    "关注",
    "下载",
    "tune in",
    "subscribe",
    "sign up",
    "follow us",
    "download",
    "分享",
    "转发",
    "share",
    "点赞",
    "收藏",
    "举报",
    "评论",
    "we invite you",
    "for more details",
    "free news source",
    "transcript is provided",
    "compilation of brief",
    "all rights",
    "terms of",
    "privacy policy",
    "contact us",
    "about us",
    "联系我们",
    "关于我们",
    "隐私政策",
    "网站地图",
)
_SHARE_OR_PROMO_WORD_RE = re.compile("|".join(map(re.escape, _SHARE_OR_PROMO_WORDS)))
# Furniture lines are short; a longer line is a paragraph of running text, and
# skipping the furniture patterns on it keeps segmentation fast.
_LONGEST_FURNITURE_LINE = 300
# Labels, datelines, bylines and titles are shorter still.
_LONGEST_SHORT_LINE = 80
_CJK_RE = re.compile("[\u3400-\u9fff]")
_HARD_TERMINATOR_RE = re.compile("[" + re.escape(_HARD_TERMINATORS) + "]")
_FULL_STOP_RE = re.compile("[" + re.escape(_HARD_TERMINATORS) + ".]")
# A letter or digit of any script: str.isalnum as a character class.
_ALNUM_RE = re.compile(r"[^\W_]")
_CLAUSE_MARKS = ",\uff0c;\uff1b\u3001"
# Openers and their closers: 《》 “” ( ) （） 【】 「」.
_PAIRS = (
    ("\u300a", "\u300b"),
    ("\u201c", "\u201d"),
    ("(", ")"),
    ("\uff08", "\uff09"),
    ("\u3010", "\u3011"),
    ("\u300c", "\u300d"),
)
# “ " ' 《 ( （ 【 「 may open a title.
_TITLE_OPENERS = "\u201c\"'\u300a(\uff08\u3010\u300c"


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence or piece of page furniture in the text."""

    start: int
    end: int
    text: str
    kind: str = CLAIM
    reason: str = ""


def split_units(text: str, *, heading_lines: Iterable[str] = ()) -> list[Unit]:
    """Split ``text`` into units in order; ``heading_lines`` marks known headings."""
    headings = frozenset(line.strip() for line in heading_lines)
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    kinds = _line_kinds(stripped, headings)
    units: list[Unit] = []
    offset = 0
    for line, kind_reason in zip(lines, kinds, strict=True):
        _split_line(line, offset, kind_reason, units)
        offset += len(line) + 1
    _mark_cut_off_tail(text, units)
    return units


def _line_kinds(
    lines: list[str], headings: frozenset[str]
) -> list[tuple[str, str] | None]:
    """(kind, reason) for each whole line of furniture, None for running text."""
    kinds = [_line_kind(line, headings) if line else None for line in lines]
    previous = ""  # the last non-blank line
    previous_kind: tuple[str, str] | None = None
    following_of = _following_lines(lines)
    for n, line in enumerate(lines):
        if not line:
            continue
        following = following_of[n]
        if line == previous and (
            previous_kind is None or previous_kind[0] != NAVIGATION
        ):
            # The same line twice in a row: a photo's alt text and caption.
            kinds[n] = (CAPTION, "repeated caption")
            if previous_kind is None or previous_kind[0] not in (HEADING, CAPTION):
                kinds[_previous_index(lines, n)] = (CAPTION, "repeated caption")
        elif kinds[n] is None and following and _CREDIT_RE.match(following):
            kinds[n] = (CAPTION, "caption before credit")
        elif kinds[n] is None and following and _PLAYER_RE.match(following):
            kinds[n] = (BOILERPLATE, "video teaser")
        previous, previous_kind = line, kinds[n]
    return kinds


def _following_lines(lines: list[str]) -> list[str]:
    """For each line, the next non-blank line after it ("" at the end)."""
    following = [""] * len(lines)
    upcoming = ""
    for n in range(len(lines) - 1, -1, -1):
        following[n] = upcoming
        if lines[n]:
            upcoming = lines[n]
    return following


def _previous_index(lines: list[str], n: int) -> int:
    n -= 1
    while not lines[n]:
        n -= 1
    return n


def _line_kind(line: str, headings: frozenset[str]) -> tuple[str, str] | None:
    """Return (kind, reason) when the whole line is page furniture."""
    if line in headings or _MARKDOWN_HEADING_RE.match(line):
        return HEADING, "heading"
    lowered = line.lower()
    # Cheap tests first: most lines are running text and skip these patterns.
    markup = line[0] in "!<[" or " " not in line
    if markup and _IMAGE_LINE_RE.match(line):
        return IMAGE, "image line"
    if line[0] == "<" and _MARKUP_LINE_RE.match(line):
        return BOILERPLATE, "markup"
    if markup and _LINK_LINE_RE.match(line):
        return NAVIGATION, "link line"
    if lowered.startswith(_FOOTER_PREFIXES) or _FOOTER_MARKER_RE.search(line):
        return BOILERPLATE, "footer"
    if _SPAM_WORD_RE.search(line) and sum(word in line for word in _SPAM_WORDS) >= 2:
        return BOILERPLATE, "spam"
    inner = line.strip(_DECORATION)
    if not inner:
        return BOILERPLATE, "separator"
    if (
        line[0] in _DECORATION
        and line[-1] in _DECORATION
        and len(inner) < len(line)
        and not _FULL_STOP_RE.search(inner)
    ):
        return HEADING, "decorated heading"
    if not _ALNUM_RE.search(line):
        return BOILERPLATE, "stray punctuation"
    if len(line) > _LONGEST_FURNITURE_LINE:
        return None
    return _furniture_line(line, lowered)


def _furniture_line(line: str, lowered: str) -> tuple[str, str] | None:
    if len(line) <= _LONGEST_SHORT_LINE:
        kind_reason = _short_furniture_line(line, lowered)
        if kind_reason is not None:
            return kind_reason
    if _KEYWORDS_RE.match(line):
        return BOILERPLATE, "keywords"
    if _STAGE_RE.match(line):
        return BOILERPLATE, "stage direction"
    if _CITATION_RE.match(line):
        return BOILERPLATE, "source citation"
    if _CREDIT_RE.match(line):
        return CAPTION, "image credit"
    found = (
        _SHARE_OR_PROMO_RE.search(lowered)
        if lowered[0] in "\u2022\u00b7" or _SHARE_OR_PROMO_WORD_RE.search(lowered)
        else None
    )
    if found is not None:
        return BOILERPLATE, "promo" if found.lastgroup == "promo" else "share or footer"
    if len(line) <= _LONGEST_SHORT_LINE and _is_title_like(line):
        return HEADING, "short line without a full stop"
    return None


def _short_furniture_line(line: str, lowered: str) -> tuple[str, str] | None:
    """Kinds that only a short line can have: labels, dates, bylines, crumbs."""
    if lowered in _NAVIGATION_LINES:
        return NAVIGATION, "navigation"
    if _FONT_SIZES.issuperset(lowered.split()):
        return NAVIGATION, "font size switcher"
    if len(line) <= _LONGEST_SECTION_LABEL and _SECTION_LABEL_RE.match(line):
        return NAVIGATION, "section label"
    if "时间" in line and _CLOCK_RE.match(line):
        return BOILERPLATE, "site clock"
    if _PLAYER_RE.match(line):
        return BOILERPLATE, "media player"
    if _DATELINE_RE.match(line):
        return BYLINE, "dateline"
    # "主持:郑裕文 除旧迎新之际,…。": a byline glued to a sentence is split later.
    if _BYLINE_RE.match(line) and line[-1] not in _ALL_TERMINATORS:
        return BYLINE, "byline"
    if _READ_COUNT_WORD_RE.search(lowered) and _READ_COUNT_RE.search(lowered):
        return BYLINE, "byline"
    # The date search is the slowest test here: only for a line it could make
    # a byline (short, unterminated, with a year).
    date = (
        _DATE_SEARCH_RE.search(line)
        if line[-1] not in _ALL_TERMINATORS
        and len(line) <= _LONGEST_DATELINE
        and _YEAR_RE.search(line)
        else None
    )
    if (
        date is not None
        and len(line) - len(date.group()) <= 24
        and (date.start() == 0 or _BYLINE_SEPARATOR_RE.search(line))
    ):
        return BYLINE, "byline with date"
    if _BREADCRUMB_MARK_RE.search(lowered) and _BREADCRUMB_RE.match(line):
        return NAVIGATION, "breadcrumb"
    return None


def _is_title_like(line: str) -> bool:
    """True for a short line with no sentence end: a title or section heading."""
    bare = line.rstrip(_CLOSING_MARKS)
    if not bare or bare[-1] in _ALL_TERMINATORS + _CLAUSE_MARKS + ":\uff1a":
        return False
    if _HARD_TERMINATOR_RE.search(bare) or _unbalanced(line):
        return False  # two sentences, or a text cut off inside a title
    first = line[0]
    if first.islower() or not (first.isalnum() or first in _TITLE_OPENERS):
        return False
    cjk = len(_CJK_RE.findall(line))
    if cjk:
        return cjk <= 30 and not any(mark in line for mark in _CLAUSE_MARKS)
    words = line.split()
    if _LIST_START_RE.match(line + " "):
        return False
    return len(words) <= 12 and ("," not in line or len(words) <= 8)


def _split_line(
    line: str, offset: int, kind_reason: tuple[str, str] | None, out: list[Unit]
) -> None:
    start, end = _strip_span(line, 0, len(line))
    if start == end:
        return
    if kind_reason is not None:
        kind, reason = kind_reason
        out.append(Unit(offset + start, offset + end, line[start:end], kind, reason))
        return
    cursor = start
    protected = _Protected(line)
    inline = any(word in line for word in _INLINE_FURNITURE_WORDS)
    for furniture in _INLINE_FURNITURE_RE.finditer(line, start, end) if inline else ():
        _split_sentences(line, cursor, furniture.start(), offset, protected, out)
        out.append(
            Unit(
                offset + furniture.start(),
                offset + furniture.end(),
                furniture.group(),
                BOILERPLATE,
                "page furniture",
            )
        )
        cursor = furniture.end()
    _split_sentences(line, cursor, end, offset, protected, out)


class _Protected:
    """The spans of one line that are never split inside, found on first use."""

    __slots__ = ("line", "spans")

    def __init__(self, line: str) -> None:
        self.line = line
        self.spans: list[tuple[int, int]] | None = None

    def covers(self, index: int) -> bool:
        """True when ``index`` lies strictly inside a protected span."""
        spans = self.spans
        if spans is None:
            spans = self.spans = _protected_spans(self.line)
        # Most lines have no spans: skip making a generator for them.
        return bool(spans) and any(a < index < b for a, b in spans)


def _protected_spans(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if "://" in line or "www." in line:
        for m in _URL_RE.finditer(line):
            spans.append((m.start(), m.start() + len(m.group().rstrip(_URL_TRAILING))))
    if "/" in line:
        for m in _DOMAIN_PATH_RE.finditer(line):
            spans.append((m.start(), m.start() + len(m.group().rstrip(_URL_TRAILING))))
    if "@" in line:
        spans.extend(m.span() for m in _EMAIL_RE.finditer(line))
    if "<" in line or "](" in line:
        spans.extend(m.span() for m in _MARKUP_RE.finditer(line))
    if "\u300a" in line:
        spans.extend(m.span() for m in _TITLE_RE.finditer(line))
    if "(" in line or "\uff08" in line or "[" in line:
        spans.extend(
            m.span() for m in _BRACKET_RE.finditer(line) if _continues(line, m)
        )
    return spans


def _continues(line: str, bracket: re.Match[str]) -> bool:
    """True when a bracket sits inside a sentence that goes on after it."""
    before = line[: bracket.start()].rstrip()
    after = line[bracket.end() :].lstrip()
    if not before or not after or before[-1] in _ALL_TERMINATORS:
        return False
    return not after[0].isupper() and after[0] not in _ALL_TERMINATORS + _CLOSERS


def _split_sentences(
    line: str,
    start: int,
    end: int,
    offset: int,
    protected: _Protected,
    out: list[Unit],
) -> None:
    start, end = _strip_span(line, start, end)
    if start == end:
        return
    for item_start, item_end in _list_items(line, start, end):
        _split_item(line, item_start, item_end, offset, protected, out)


def _list_items(line: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a numbered or lettered list run into one span per item."""
    first = _LIST_START_RE.match(line, start, end)
    if first is None:
        return [(start, end)]
    items = []
    value = first.group(1)
    item_start = start
    while True:
        value = str(int(value) + 1) if value.isdigit() else chr(ord(value) + 1)
        marker = re.compile(
            r"\s((?:[\u2022\u2043*\u00b7-]\s*)?"
            + re.escape(value)
            + r"(?:\.\)|\)|\.)\s)"
        ).search(line, item_start + 1, end)
        if marker is None:
            break
        items.append((item_start, marker.start(1)))
        item_start = marker.start(1)
    items.append((item_start, end))
    return items


def _split_item(
    line: str,
    start: int,
    end: int,
    offset: int,
    protected: _Protected,
    out: list[Unit],
) -> None:
    start, end = _strip_span(line, start, end)
    sentence_start = start
    for match in _CANDIDATE_RE.finditer(line, start, end):
        if match.start() < sentence_start:
            continue  # already taken in as part of the previous sentence's end
        stop = _boundary(line, sentence_start, match, end, protected)
        if stop is None:
            continue
        if stop >= end:
            break
        _sentences(line, sentence_start, stop, offset, out)
        sentence_start, _ = _strip_span(line, stop, end)
    _sentences(line, sentence_start, end, offset, out)


def _boundary(
    line: str,
    sentence_start: int,
    match: re.Match[str],
    end: int,
    protected: _Protected,
) -> int | None:
    """Where the sentence ends if ``match`` ends one, else None."""
    mark = match.group()
    if protected.covers(match.start()):
        return None
    if mark[0] != ".":
        return _mark_boundary(line, sentence_start, match, end)
    if len(mark) > 1:
        return _ellipsis_boundary(line, match, end)
    return _full_stop_boundary(line, sentence_start, match, end)


def _mark_boundary(
    line: str, sentence_start: int, match: re.Match[str], end: int
) -> int | None:
    """A hard terminator (。！？ ! ?) ends a sentence, unless an ASCII
    one stands inside a token or lower case follows it."""
    stop = _absorb_closers(line, sentence_start, match.end(), end)
    if match.group().isascii():
        following = line[match.end() : match.end() + 1]
        # "p?id=3", "Yahoo!Inc": a mark inside a token.
        if following.isascii() and (following.isalnum() or following in "=&/_%#"):
            return None
        if _next_char(line, stop, end).islower():
            return None  # "Yahoo! in the", "vehicle ? a modified"
    return stop


def _full_stop_boundary(
    line: str, sentence_start: int, match: re.Match[str], end: int
) -> int | None:
    """A single full stop ends a sentence unless lower case follows it or the
    word before it says otherwise."""
    stop = _absorb_closers(line, sentence_start, match.end(), end)
    nxt = _next_char(line, stop, end)
    if (
        nxt
        and nxt in _ELLIPSIS_CHARS
        and (following := _ELLIPSIS_AFTER_END_RE.match(line, stop, end))
    ):
        stop = following.end()
        nxt = _next_char(line, stop, end)
    if not nxt or nxt.islower():
        return None if nxt else stop
    return _after_word(line, sentence_start, match.start(), stop, nxt, end)


def _after_word(
    line: str, sentence_start: int, dot: int, stop: int, nxt: str, end: int
) -> int | None:
    """``stop`` unless the word before the full stop at ``dot`` is an
    abbreviation, an initial or a list marker (``nxt``, the next character, is
    not lower case)."""
    word_start = dot
    while word_start > sentence_start and not line[word_start - 1].isspace():
        word_start -= 1
    if word_start == dot:
        return stop
    word = line[word_start:dot].lstrip("(\"'\u201c\u2018[")
    if dot - sentence_start <= _LONGEST_MARKER and _MARKER_ONLY_RE.fullmatch(
        line, sentence_start, dot
    ):
        return None  # a list marker: "1. The first item"
    if nxt.isdigit():
        # "p. 55", "No. 5", "N°. 1026": only a list marker starts a sentence.
        return (
            stop
            if _LIST_START_RE.match(line, _next_index(line, stop, end), end)
            else None
        )
    lowered = word.lower()
    if lowered in _PREPOSITIVE:
        return None
    initial = len(word) == 1 and word.isupper()
    if initial or lowered in _ABBREVIATIONS or _DOTTED_ACRONYM_RE.match(word):
        return (
            stop if _next_word(line, stop, end).lower() in _SENTENCE_STARTERS else None
        )
    return stop


def _ellipsis_boundary(line: str, match: re.Match[str], end: int) -> int | None:
    """A sentence ends at four dots before a capital: "that.... She left"."""
    dots = match.group().count(".")
    if dots < 4:
        return None
    after = match.end()
    while after < end and line[after] in _CLOSING_MARKS:
        after += 1
    if not _next_char(line, after, end).isupper():
        return None
    spaced = " " in match.group()
    if spaced and match.start() > 0 and not line[match.start() - 1].isspace():
        # "compounds. . . . The": the full stop ends the sentence and the
        # ellipsis opens the next one.
        return match.start() + 1
    return after


def _next_index(line: str, stop: int, end: int) -> int:
    while stop < end and line[stop].isspace():
        stop += 1
    return stop


def _next_char(line: str, stop: int, end: int) -> str:
    index = _next_index(line, stop, end)
    return line[index] if index < end else ""


def _next_word(line: str, stop: int, end: int) -> str:
    index = _next_index(line, stop, end)
    word_end = index
    while word_end < end and line[word_end].isalpha():
        word_end += 1
    return line[index:word_end]


def _sentences(line: str, start: int, end: int, offset: int, out: list[Unit]) -> None:
    """One sentence's unit, or a byline glued to it split off at the space."""
    start, end = _strip_span(line, start, end)
    if start >= end:
        return
    if line[start] in _GLUED_BYLINE_FIRST and _GLUED_BYLINE_RE.match(line, start, end):
        space = line.rfind(" ", start, end)
        rest = line[space + 1 : end] if space > start else ""
        # Only a whole sentence after the last space is split off: no label
        # ("嘉宾:") and no list item ("2)舒可心") of the byline itself.
        if (
            len(rest) >= _SHORTEST_GLUED_SENTENCE
            and ":" not in rest
            and "\uff1a" not in rest
            and not rest[0].isdigit()
            and rest[-1] in _ALL_TERMINATORS
        ):
            byline_start, byline_end = _strip_span(line, start, space)
            out.append(
                Unit(
                    offset + byline_start,
                    offset + byline_end,
                    line[byline_start:byline_end],
                    BYLINE,
                    "byline",
                )
            )
            _sentences(line, space + 1, end, offset, out)
            return
        out.append(
            Unit(offset + start, offset + end, line[start:end], BYLINE, "byline")
        )
        return
    out.append(_unit(line, start, end, offset))


def _unit(line: str, start: int, end: int, offset: int) -> Unit:
    text = line[start:end]
    # A cheap test first: every speaker introduction ends in "." and starts
    # "I'm", "This is", "For", "The time is" or ends in "reports (from …)."
    if (
        text[-1] == "."
        and (text[0] in "ITF" or " reports" in text)
        and _BYLINE_SENTENCE_RE.match(text)
    ):
        return Unit(offset + start, offset + end, text, BYLINE, "speaker introduction")
    if text.rstrip(_CLOSING_MARKS).endswith(_QUESTION_ENDINGS):
        if _RHETORICAL_RE.search(text):
            return Unit(
                offset + start, offset + end, text, OPINION, "rhetorical question"
            )
        return Unit(offset + start, offset + end, text, CLAIM, "question")
    return Unit(offset + start, offset + end, text)


def _mark_cut_off_tail(text: str, units: list[Unit]) -> None:
    """A page cut off mid-sentence ends in a fragment: mute it as furniture."""
    if not units or units[-1].kind in FURNITURE_KINDS:
        return
    last = units[-1]
    if last.text.rstrip(_CLOSING_MARKS)[-1:] in tuple(_ALL_TERMINATORS):
        return
    if last.text[-1] in _CLOSERS:
        return
    # A cut inside a title, quote or bracket leaves it open: "据《纽约".
    unbalanced = _unbalanced(last.text)
    # A fragment of running text: long, or after a sentence on the same line.
    running = len(last.text) >= 40 or (
        len(units) > 1 and "\n" not in text[units[-2].end : last.start]
    )
    if unbalanced or running:
        units[-1] = Unit(last.start, last.end, last.text, BOILERPLATE, "cut off")


def _unbalanced(text: str) -> bool:
    """True when a title, quote or bracket opened in ``text`` is not closed."""
    return text.count('"') % 2 == 1 or any(
        text.count(opener) > text.count(closer) for opener, closer in _PAIRS
    )


def _absorb_closers(line: str, sentence_start: int, stop: int, end: int) -> int:
    """Extend a sentence end over closing quotes and brackets that belong to it."""
    while stop < end:
        ch = line[stop]
        if ch in _CLOSERS or ch in _HARD_TERMINATORS or ch in _TRAILING_DOTS:
            stop += 1
        elif ch in _ASCII_QUOTES and line.count(ch, sentence_start, stop) % 2 == 1:
            stop += 1
        elif ch == "<" and (tag := _CLOSING_TAG_RE.match(line, stop, end)):
            stop = tag.end()  # "here!</a>": a closing tag left in the text
        else:
            break
    return stop


def _strip_span(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
