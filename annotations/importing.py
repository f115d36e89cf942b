"""Turn an uploaded file or pasted text into clean article text.

No database access here: services.import_article stores the result. Every
refusal is an ImportRefused with a message meant for the person importing.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _

EMPTY = _("The article is empty: there is no text to import.")
TOO_LARGE = _("The file is {size} bytes; the largest accepted is {limit} bytes.")
TEXT_TOO_LARGE = _(
    "The text is {size} bytes in UTF-8; the largest accepted is {limit} bytes."
)
BINARY = _(
    "This is a binary file ({what}), not text. Save the article as .txt, .md or .html."
)
UNDECODABLE = _(
    "The text could not be decoded as UTF-8 or GB18030/GBK. "
    "Save it as UTF-8 and import it again."
)
UNSUPPORTED_TYPE = _(
    "Files of type '{suffix}' are not supported. Use .txt, .md or .html."
)
DUPLICATE = _('This text is already imported as article {id} ("{title}").')

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}

_MAGIC = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", _("ZIP or Word/Office document")),
    (b"\xd0\xcf\x11\xe0", _("old Word/Office document")),
    (b"\x89PNG", _("PNG image")),
    (b"\xff\xd8\xff", _("JPEG image")),
    (b"GIF8", _("GIF image")),
    (b"\x1f\x8b", _("gzip archive")),
    (b"\x7fELF", _("executable")),
)
# C0 control characters that never occur in text files.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_CONTROL_TABLE = bytes.maketrans(b"", b"")


class ImportRefused(ValueError):
    """The input cannot become an article; the message says why."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ExtractedText:
    """Visible text of an input, plus what its markup told us."""

    text: str
    title: str = ""
    heading_lines: frozenset[str] = field(default_factory=frozenset)


def check_size(size: int, limit: int, *, text: bool = False) -> None:
    """Refuse inputs over ``limit`` bytes before anything reads them.

    ``text``: the input is text sent as such, not a file.
    """
    if size > limit:
        message = TEXT_TOO_LARGE if text else TOO_LARGE
        raise ImportRefused(message.format(size=size, limit=limit), code="too_large")


def read_file(data: bytes, filename: str, *, limit: int) -> ExtractedText:
    """Decode an uploaded file and extract its visible article text."""
    check_size(len(data), limit)
    suffix = PurePath(filename).suffix.lower()
    if suffix not in TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES:
        raise ImportRefused(UNSUPPORTED_TYPE.format(suffix=suffix), code="unsupported")
    text = decode(data, html=suffix in HTML_SUFFIXES)
    if suffix in HTML_SUFFIXES:
        return extract_html(text)
    if suffix in MARKDOWN_SUFFIXES:
        return extract_markdown(text)
    return ExtractedText(text=normalise(text))


def decode(data: bytes, *, html: bool = False) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    if not data.strip():
        raise ImportRefused(EMPTY, code="empty")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise ImportRefused(UNDECODABLE, code="undecodable") from None
    _refuse_binary(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data) if html else None
    for encoding in filter(None, (declared, "gb18030")):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text
    raise ImportRefused(UNDECODABLE, code="undecodable")


def normalise(text: str) -> str:
    """Remove a BOM and make every line ending a single "\\n"."""
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_sha256(text: str) -> str:
    """SHA-256 of the stored (normalised) text, as hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def detect_language(text: str) -> str:
    """Return "zh", "en" or "mixed" from the share of Han characters and Latin words."""
    han = len(_HAN_RE.findall(text))
    # A Latin word carries about as much as two Han characters.
    latin = 2 * len(_LATIN_WORD_RE.findall(text))
    total = han + latin
    if total == 0 or latin / total < 0.2:
        return "zh" if han else "en"
    if han / total < 0.2:
        return "en"
    return "mixed"


_LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "nav",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
)
_BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "blockquote",
    "section",
    "article",
    "header",
    "main",
    "pre",
    "figcaption",
    "figure",
    "dt",
    "dd",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
)
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SPACES_RE = re.compile(r"[ \t\f\v\u00a0]+")
_HTML_SPACE_RE = re.compile(r"[ \t\n\r\f]{2,}|[\t\n\r\f]")


# Bounds on the work one HTML page may cause (a few seconds): a long news
# page has tens of thousands of tags and runs of text, nested a few dozen
# deep.
MAX_HTML_PARTS = 300_000
MAX_HTML_DEPTH = 500
TOO_MANY_PARTS = _(
    "The page has more than {limit:,} HTML tags, attributes and runs of text, "
    "more than any article needs. Save the article's text as .txt and import "
    "that."
)
TOO_DEEP = _(
    "The page nests HTML tags more than {limit:,} deep, more than any article "
    "needs. Save the article's text as .txt and import that."
)
# Elements that never hold content, so never stay open.
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
# A second one of these closes the first when it is still the innermost
# element, as browsers do: sloppy pages leave <p> and <li> open.
_SELF_CLOSING_SIBLINGS = frozenset("p li dt dd tr td th option".split())
# Where the article is: the first <article>, else the first <main>, else the
# first <body>, else the whole page.
_ROOTS = ("article", "main", "body")


def extract_html(html: str) -> ExtractedText:
    """The visible text of an HTML page's article, one block per line."""
    page = _PageText()
    page.feed(html)
    page.close()
    root = next((bit for bit in (1, 2, 4) if page.seen & bit), 0)
    text = "".join(piece for piece, where in page.pieces if where & root == root)
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    if not text:
        raise ImportRefused(EMPTY, code="empty")
    headings = frozenset(
        _SPACES_RE.sub(" ", heading)
        for heading, where in page.headings
        if where & root == root and heading
    )
    title = page.title or ""
    if not title and headings:
        title = min(headings, key=text.find)
    return ExtractedText(text=text, title=title, heading_lines=headings)


class _PageText(HTMLParser):
    """One pass over a page: its text pieces, each with the roots it is in
    (a bit per _ROOTS), its title and its headings. Every tag costs the same
    whatever the nesting, and the number of tags and the depth are capped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, int]] = []
        self.headings: list[tuple[str, int]] = []
        self.title: str | None = None
        self.seen = 0  # the roots found
        self._open: list[str] = []
        self._open_count: Counter[str] = Counter()
        self._inside = 0  # the roots the current position is in
        self._root_depth: dict[int, int] = {}
        self._drop_depth: int | None = None
        self._pre = 0
        self._parts = 0
        self._title: list[str] | None = None
        self._heading: list[tuple[list[str], int, int]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self._count(1 + len(attrs))
        if tag in _SELF_CLOSING_SIBLINGS and self._open and self._open[-1] == tag:
            self._close_to(len(self._open) - 1)
        if tag in _BLOCK_TAGS:
            self._text("\n")
        if tag in _VOID_TAGS:
            if tag in _BLOCK_TAGS:
                self._text("\n")
            return
        if len(self._open) >= MAX_HTML_DEPTH:
            raise ImportRefused(
                TOO_DEEP.format(limit=MAX_HTML_DEPTH), code="too_complex"
            )
        self._open.append(tag)
        self._open_count[tag] += 1
        depth = len(self._open)
        if tag == "title" and self.title is None and self._title is None:
            self._title = []
        if self._drop_depth is not None:
            return
        if tag in _DROP_TAGS:
            self._drop_depth = depth
        elif tag == "pre":
            self._pre += 1
        elif tag in _HEADING_TAGS:
            self._heading.append(([], self._inside, depth))
        elif tag in _ROOTS:
            bit = 1 << _ROOTS.index(tag)
            if not self.seen & bit:
                self.seen |= bit
                self._inside |= bit
                self._root_depth[bit] = depth

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        # The innermost open element of that name closes, with every element
        # inside it; an end tag with nothing to close is ignored.
        self._count(1)
        if not self._open_count[tag]:
            return
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth] == tag:
                self._close_to(depth)
                return

    def handle_data(self, data: str) -> None:
        self._count(1)
        if self._title is not None:
            self._title.append(data)
        if self._drop_depth is not None:
            return
        for strings, _where, _depth in self._heading:
            strings.append(data)
        # Line breaks inside HTML source are spaces to a reader; only blocks
        # (and <pre>) break lines.
        self._text(data if self._pre else _HTML_SPACE_RE.sub(" ", data))

    def close(self) -> None:
        super().close()
        self._close_to(0)

    def _count(self, parts: int) -> None:
        self._parts += parts
        if self._parts > MAX_HTML_PARTS:
            raise ImportRefused(
                TOO_MANY_PARTS.format(limit=MAX_HTML_PARTS), code="too_complex"
            )

    def _text(self, piece: str) -> None:
        if self._drop_depth is None:
            self.pieces.append((piece, self._inside))

    def _close_to(self, depth: int) -> None:
        """Close the open elements from ``depth`` (0-based) inward."""
        while len(self._open) > depth:
            level = len(self._open)
            tag = self._open.pop()
            self._open_count[tag] -= 1
            if tag == "title" and self._title is not None:
                self.title = " ".join(s.strip() for s in self._title if s.strip())
                self._title = None
            if self._drop_depth is not None:
                if level == self._drop_depth:
                    self._drop_depth = None
                continue
            if tag in _BLOCK_TAGS:
                self._text("\n")
            if tag == "pre":
                self._pre -= 1
            elif (
                tag in _HEADING_TAGS and self._heading and self._heading[-1][2] == level
            ):
                strings, where, _depth = self._heading.pop()
                heading = " ".join(s.strip() for s in strings if s.strip())
                self.headings.append((heading, where))
            for bit, root_depth in list(self._root_depth.items()):
                if root_depth == level:
                    self._inside &= ~bit
                    del self._root_depth[bit]


_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# * and ` mark emphasis anywhere; _ only at word edges (snake_case stays).
_MD_EMPHASIS_RE = re.compile(
    r"(\*\*|\*|`)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)"
)
_MD_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_QUOTE_RE = re.compile(r"^\s*>\s?")
# Code fences and empty headings carry no reader-visible text.
_MD_SKIP_RE = re.compile(r"^\s*(?:```|~~~|#{1,6}\s*$)")
_MD_RULE_RE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")


def extract_markdown(markdown: str) -> ExtractedText:
    """The reader-visible text of Markdown: markup removed, headings remembered."""
    lines: list[str] = []
    headings: set[str] = set()
    for raw in normalise(markdown).split("\n"):
        if _MD_RULE_RE.match(raw) or _MD_SKIP_RE.match(raw):
            continue
        heading = _MD_HEADING_RE.match(raw)
        line = (
            heading.group(1)
            if heading
            else _MD_QUOTE_RE.sub("", _MD_LIST_RE.sub("", raw))
        )
        line = _MD_EMPHASIS_RE.sub(
            _unemphasise, _MD_LINK_RE.sub(r"\1", _MD_IMAGE_RE.sub(r"\1", line))
        )
        line = line.strip()
        if heading and line:
            headings.add(line)
        lines.append(line)
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise ImportRefused(EMPTY, code="empty")
    title = next((line for line in lines if line in headings), "")
    return ExtractedText(text=text, title=title, heading_lines=frozenset(headings))


def _unemphasise(match: re.Match[str]) -> str:
    return match.group(2) if match.group(1) else match.group(4)


def _refuse_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ImportRefused(BINARY.format(what=what), code="binary")
    head = data[:65536]
    controls = len(head) - len(head.translate(_CONTROL_TABLE, _CONTROL_BYTES))
    if b"\x00" in head or controls > len(head) // 100:
        raise ImportRefused(BINARY.format(what=_("control bytes")), code="binary")


def _declared_charset(data: bytes) -> str | None:
    match = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", data[:4096], re.I)
    return match.group(1).decode("ascii").lower() if match else None


def _looks_like_text(text: str) -> bool:
    """GB18030 decodes most byte soup; keep it only if it reads as Chinese text."""
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return True
    if any(unicodedata.category(ch) in ("Co", "Cn", "Cc") for ch in non_ascii):
        return False
    plausible = sum(1 for ch in non_ascii if _in_gb2312_repertoire(ch))
    return plausible / len(non_ascii) >= 0.9


# Blocks that GB2312 itself encodes: what real GBK/GB18030 text is made of.
_GB2312_BLOCKS = (
    (0x00A0, 0x00FF),  # Latin-1 punctuation: · × ÷ °
    (0x0370, 0x04FF),  # Greek and Cyrillic
    (0x2010, 0x2312),  # punctuation, letterlike, number forms, arrows, maths
    (0x2460, 0x26FF),  # enclosed numbers, box drawing, shapes, symbols
    (0x3000, 0x312F),  # CJK punctuation, kana, bopomofo
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms
)


def _in_gb2312_repertoire(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _GB2312_BLOCKS)
