"""Turn an uploaded file, pasted text or a link into clean article text.

No database access here: services.import_article stores the result. Every
refusal is an ImportRefused with a message meant for the person importing.
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from itertools import islice
from pathlib import PurePath

import docx
import pypdf
import trafilatura
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from docx.document import Document as DocxDocument
from docx.table import Table as DocxTable
from lxml import etree
from pypdf.errors import LimitReachedError

from .fetching import FetchError, FetchResult, fetch
from .text.segmentation import CLAIM, HEADING, Unit

EMPTY = _("The article is empty: there is no text to import.")
TOO_LARGE = _("The file is {size} bytes; the largest accepted is {limit} bytes.")
TEXT_TOO_LARGE = _(
    "The text is {size} bytes in UTF-8; the largest accepted is {limit} bytes."
)
BINARY = _(
    "This is a binary file ({what}), not text. "
    "Save the article as .txt, .md, .html, .docx or .pdf."
)
UNDECODABLE = _(
    "The text could not be decoded as UTF-8 or GB18030/GBK. "
    "Save it as UTF-8 and import it again."
)
UNSUPPORTED_TYPE = _(
    "Files of type '{suffix}' are not supported. Use .txt, .md, .html, .docx or .pdf."
)
NOT_DOCX = _("This is not a Word .docx file that can be read ({reason}).")
OLD_WORD = _("Old Word .doc files are not supported. Save it as .docx and try again.")
ZIP_BOMB = _(
    "This Word file would unpack to {size} bytes ({ratio}× its size); the "
    "largest accepted is {limit} bytes. It is refused as a possible zip bomb."
)
NOT_PDF = _("This PDF cannot be read ({reason}).")
PDF_ENCRYPTED = _("This PDF is password-protected. Save it without a password.")
PDF_TOO_BIG = _(
    "This PDF's compressed contents unpack to more than the accepted size; "
    "it is refused."
)
NO_TEXT_LAYER = _(
    "This PDF has no text layer (it is scanned images); OCR is not supported."
)
LINK_NOT_FOUND = _("The page at {url} was not found (HTTP 404).")
LINK_GONE = _("The page at {url} is gone (HTTP 410).")
LINK_DENIED = _(
    "The site refused access to {url} (HTTP {status}): it may need a sign-in "
    "or a subscription."
)
LINK_SERVER_ERROR = _(
    "The site answered with an error for {url} (HTTP {status}); try again later."
)
LINK_STATUS = _("The site answered HTTP {status} for {url}, not the page.")
LINK_NOT_HTML = _(
    "{url} is not a web page but '{type}'. Download it and import the file "
    "instead (.txt, .md, .html, .docx or .pdf)."
)
LINK_NO_ARTICLE = _(
    "No article text was found at {url}. The page may be behind a paywall, "
    "need JavaScript, or hold no article; paste the text instead."
)
LINK_FAILED = _("Could not fetch {url}: {reason}")
FETCHING_OFF = _(
    "Fetching links is turned off on this server (FETCH_ENABLED). "
    "Paste the text or choose a file instead."
)

DUPLICATE = _('This text is already imported as article {id} ("{title}").')

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
# A .docx may unpack to at most this many times the import limit (its XML
# compresses about tenfold), and no part may be compressed more than this.
DOCX_UNPACKED_FACTOR = 10
DOCX_MAX_RATIO = 100
DOCX_MAX_MEMBERS = 2000
# What a PDF's streams may decompress to, as a multiple of the import limit.
PDF_UNPACKED_FACTOR = 5
HTML_TYPES = {"text/html", "application/xhtml+xml"}

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
    # What a fetched page's metadata said (trafilatura), and the fetch itself.
    author: str = ""
    publisher: str = ""
    published_on: datetime.date | None = None
    page: FetchResult | None = None


def check_size(size: int, limit: int, *, text: bool = False) -> None:
    """Refuse inputs over ``limit`` bytes before anything reads them.

    ``text``: the input is text sent as such, not a file.
    """
    if size > limit:
        message = TEXT_TOO_LARGE if text else TOO_LARGE
        raise ImportRefused(message.format(size=size, limit=limit), code="too_large")


def read_upload(*, name: str, size: int, read: Callable[[], bytes]) -> ExtractedText:
    """A file sent to be imported (form, API or command), refused over
    IMPORT_MAX_BYTES before ``read`` reads it, then decoded as on import."""
    limit = settings.IMPORT_MAX_BYTES
    check_size(size, limit)
    return read_file(read(), name, limit=limit)


def check_text_size(text: str) -> None:
    """Refuse pasted text over IMPORT_MAX_BYTES (encoded as UTF-8)."""
    check_size(len(text.encode()), settings.IMPORT_MAX_BYTES, text=True)


def read_file(data: bytes, filename: str, *, limit: int) -> ExtractedText:
    """Decode an uploaded file and extract its visible article text."""
    check_size(len(data), limit)
    suffix = PurePath(filename).suffix.lower()
    if suffix in DOCX_SUFFIXES:
        return read_docx(data, limit=limit)
    if suffix in PDF_SUFFIXES:
        return read_pdf(data, limit=limit)
    if suffix == ".doc":
        raise ImportRefused(OLD_WORD, code="unsupported")
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
    # Runs, not single characters: far fewer matches to make on Chinese text.
    han = sum(map(len, _HAN_RUN_RE.findall(text)))
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
_HAN_RUN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")

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


def read_docx(data: bytes, *, limit: int) -> ExtractedText:
    """The paragraphs of a Word .docx file, one per line; its headings kept."""
    check_docx_unpacked(data, limit=limit)
    try:
        document = docx.Document(io.BytesIO(data))
        lines, headings = _docx_lines(document)
        title = (document.core_properties.title or "").strip()
    except ImportRefused:
        raise
    except Exception as error:  # any malformed part: refuse it
        reason = type(error).__name__
        raise ImportRefused(NOT_DOCX.format(reason=reason), code="unreadable") from None
    return _extracted_lines(lines, headings, title)


def check_docx_unpacked(data: bytes, *, limit: int) -> None:
    """Refuse a zip that would unpack past the limit, before anything reads it.

    The sizes come from the zip's directory; zipfile never decompresses a
    member past its declared size, so they bound what reading can produce.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ImportRefused(
            NOT_DOCX.format(reason=str(error)[:100]), code="unreadable"
        ) from None
    unpacked = sum(member.file_size for member in members)
    packed = max(1, sum(member.compress_size for member in members))
    ratio = unpacked // packed
    worst = max(
        (member.file_size // max(1, member.compress_size) for member in members),
        default=0,
    )
    most = limit * DOCX_UNPACKED_FACTOR
    if unpacked > most or worst > DOCX_MAX_RATIO or len(members) > DOCX_MAX_MEMBERS:
        raise ImportRefused(
            ZIP_BOMB.format(
                size=unpacked,
                ratio=max(ratio, worst),
                limit=limit * DOCX_UNPACKED_FACTOR,
            ),
            code="zip_bomb",
        )


def _docx_lines(document: DocxDocument) -> tuple[list[str], set[str]]:
    lines: list[str] = []
    headings: set[str] = set()
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            for row in block.rows:
                # A merged cell repeats in each column it spans.
                cells = [_one_line(cell.text) for cell in row.cells]
                kept = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                lines.append(" | ".join(kept))
            continue
        line = _one_line(block.text)
        style = (block.style.name if block.style is not None else "") or ""
        if line and (style.startswith("Heading") or style == "Title"):
            headings.add(line)
        lines.append(line)
    return lines, headings


def _one_line(text: str) -> str:
    return _SPACES_RE.sub(" ", text.replace("\n", " ")).strip()


def read_pdf(data: bytes, *, limit: int) -> ExtractedText:
    """The text layer of a PDF, wrapped lines joined into paragraphs.

    Outline (bookmark) titles found as lines are the headings. Every stream
    may decompress to at most PDF_UNPACKED_FACTOR times the import limit.
    """
    cap = limit * PDF_UNPACKED_FACTOR
    limits = {
        name: cap
        for name in (
            "maximum_declared_stream_length",
            "array_based_stream_maximum_output_length",
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "brotli_maximum_output_length",
            "jbig2_maximum_output_length",
            "image_maximum_buffer_size",
            "stream_decoding_work_maximum_length",
        )
    }
    try:
        with pypdf.apply_configuration(jbig2dec_binary=None, **limits):
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _decrypts(reader):
                raise ImportRefused(PDF_ENCRYPTED, code="encrypted")
            pages = list(_pdf_pages(reader, limit=limit))
            outline = set(_outline_titles(reader.outline))
            title = ((reader.metadata or {}).get("/Title") or "").strip()
    except ImportRefused:
        raise
    except LimitReachedError:
        raise ImportRefused(PDF_TOO_BIG, code="too_large") from None
    except Exception as error:  # any malformed object: refuse it
        reason = type(error).__name__
        raise ImportRefused(NOT_PDF.format(reason=reason), code="unreadable") from None
    if not any(page.strip() for page in pages):
        raise ImportRefused(NO_TEXT_LAYER, code="no_text")
    lines: list[str] = []
    for page in pages:
        lines.extend(pdf_paragraphs(page, headings=outline))
    headings = {line for line in lines if line in outline}
    return _extracted_lines(lines, headings, str(title))


def _decrypts(reader: pypdf.PdfReader) -> bool:
    # Many PDFs are "encrypted" with an empty password only to restrict printing.
    try:
        return bool(reader.decrypt(""))
    except Exception:  # unsupported encryption is a refusal too
        return False


def _pdf_pages(reader: pypdf.PdfReader, *, limit: int) -> Iterator[str]:
    size = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        size += len(text.encode("utf-8"))
        check_size(size, limit, text=True)
        yield text


def _outline_titles(outline: list) -> Iterator[str]:
    for item in outline:
        if isinstance(item, list):
            yield from _outline_titles(item)
        elif getattr(item, "title", None):
            yield _one_line(str(item.title))


_SENTENCE_END = tuple('.!?:;。！？：；…"”’」』)）')


def pdf_paragraphs(page: str, *, headings: Collection[str] = ()) -> list[str]:
    """Join a PDF page's wrapped lines into paragraphs, one per line.

    A line ends its paragraph when it is blank, a heading, or clearly shorter
    than the page's full lines and ends a sentence.
    """
    raw = [_one_line(line) for line in normalise(page).split("\n")]
    widths = sorted(len(line) for line in raw if line)
    full = widths[len(widths) * 3 // 4] if widths else 0
    paragraphs: list[str] = []
    current = ""
    for line in raw:
        if not line or line in headings:
            if current:
                paragraphs.append(current)
            if line:
                paragraphs.append(line)
            current = ""
            continue
        current = _join_wrapped(current, line) if current else line
        if len(line) < full * 0.8 and line.endswith(_SENTENCE_END):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _join_wrapped(before: str, after: str) -> str:
    if before.endswith("-") and after[:1].islower():
        return before[:-1] + after
    if _HAN_RE.match(before[-1]) or _HAN_RE.match(after[0]):
        return before + after
    return f"{before} {after}"


def _extracted_lines(lines: list[str], headings: set[str], title: str) -> ExtractedText:
    text = "\n".join(lines).strip("\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not text.strip():
        raise ImportRefused(EMPTY, code="empty")
    if not title and headings:
        title = min(headings, key=text.find)
    return ExtractedText(text=text, title=title, heading_lines=frozenset(headings))


def read_link(url: str) -> ExtractedText:
    """read_url with this server's settings (size limit, timeout, allowed hosts)."""
    return read_page(fetch_link(url))


def fetch_link(url: str) -> FetchResult:
    """Fetch a link to import with this server's settings, refusing what holds
    no article (what the fetch job does)."""
    if not settings.FETCH_ENABLED:
        raise ImportRefused(FETCHING_OFF, code="link_off")
    page = fetch_page(
        url,
        limit=settings.IMPORT_MAX_BYTES,
        timeout=settings.FETCH_TIMEOUT,
        allowed_hosts=settings.FETCH_ALLOWED_HOSTS,
    )
    read_page(page)
    return page


def read_url(
    url: str, *, limit: int, timeout: float, allowed_hosts: Collection[str] = ()
) -> ExtractedText:
    """Fetch a web page and extract its article (title, byline, date, text)."""
    return read_page(
        fetch_page(url, limit=limit, timeout=timeout, allowed_hosts=allowed_hosts)
    )


def fetch_page(
    url: str, *, limit: int, timeout: float, allowed_hosts: Collection[str] = ()
) -> FetchResult:
    """Fetch a web page, a refusal naming what went wrong."""
    try:
        return fetch(url, max_bytes=limit, timeout=timeout, allowed_hosts=allowed_hosts)
    except FetchError as error:
        raise ImportRefused(
            LINK_FAILED.format(url=url, reason=error.message), code=f"link_{error.code}"
        ) from None


def read_page(page: FetchResult) -> ExtractedText:
    """A fetched page's article (title, byline, date, text), or a refusal."""
    refuse_page(page)
    extracted = extract_article(decode_page(page), url=page.final_url)
    if extracted is None:
        raise ImportRefused(
            LINK_NO_ARTICLE.format(url=page.final_url), code="link_no_article"
        )
    return replace(extracted, page=page)


def refuse_page(page: FetchResult) -> None:
    """Refuse an answer that is not a readable web page, saying why."""
    url = page.final_url
    if page.status == 404:
        raise ImportRefused(LINK_NOT_FOUND.format(url=url), code="link_not_found")
    if page.status == 410:
        raise ImportRefused(LINK_GONE.format(url=url), code="link_not_found")
    if page.status in (401, 402, 403, 451):
        raise ImportRefused(
            LINK_DENIED.format(url=url, status=page.status), code="link_denied"
        )
    if page.status >= 500:
        raise ImportRefused(
            LINK_SERVER_ERROR.format(url=url, status=page.status), code="link_status"
        )
    if page.status != 200:
        raise ImportRefused(
            LINK_STATUS.format(url=url, status=page.status), code="link_status"
        )
    if page.content_type not in HTML_TYPES:
        what = page.content_type or _("no type")
        raise ImportRefused(
            LINK_NOT_HTML.format(url=url, type=what), code="link_not_html"
        )


def decode_page(page: FetchResult) -> str:
    """A fetched page's text: the charset its answer declared, else as files are."""
    if page.charset:
        try:
            return page.body.decode(page.charset)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode(page.body, html=True)


# Blocks of trafilatura's XML output that are lines of the article.
_XML_BLOCKS = {"head", "p", "item", "row", "quote", "code"}


def extract_article(html: str, *, url: str = "") -> ExtractedText | None:
    """The main text of a web page without navigation, comments or ads.

    None when no article text is found (a paywall, a script-only page).
    """
    xml = trafilatura.extract(
        html,
        url=url or None,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        # Editors check every line it keeps: better a missed paragraph than
        # menus and teasers becoming claims.
        favor_precision=True,
    )
    if not xml:
        return None
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    if main is None:
        return None
    lines: list[str] = []
    headings: set[str] = set()
    for element in main.iter(*_XML_BLOCKS):
        # A block inside another (a paragraph in a quote) is part of that line.
        if any(parent.tag in _XML_BLOCKS for parent in element.iterancestors()):
            continue
        if element.tag == "row":
            cells = (_one_line("".join(cell.itertext())) for cell in element)
            line = " | ".join(cell for cell in cells if cell)
        else:
            line = _one_line("".join(element.itertext()))
        if not line:
            continue
        if element.tag == "head":
            headings.add(line)
        lines.append(line)
    if not lines:
        return None
    extracted = _extracted_lines(lines, headings, _one_line(root.get("title", "")))
    return replace(
        extracted,
        # Bylines often end in a separator before the date ("Staff ·").
        author=_one_line(root.get("author", "")).strip(" ·|-–—,;")[:200],
        publisher=_one_line(root.get("sitename", ""))[:200],
        published_on=_iso_date(root.get("date", "")),
    )


def _iso_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


# A first line is a heading when it is short, ends without a sentence end and
# body text follows it: "Nvidia hires two scientists" above the story.
FIRST_HEADING_MAX_CHARS = 80
FIRST_HEADING_MAX_CJK = 40
TITLE_MAX_CHARS = 300
# How far down an untitled import's first heading may be to become its title.
TITLE_SEARCH_LINES = 4
_SENTENCE_ENDS = ".!?;:,\u3002\uff01\uff1f\uff1b\uff1a\uff0c\u3001\u2026"
_CLOSING_QUOTES = "\"'\u201d\u2019\u300d\u300f)\uff09"
FIRST_LINE_REASON = "first line"
_CJK_CHAR_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def first_line_heading(text: str) -> str:
    """The text's first line when it looks like a heading, else "".

    Short (at most 80 characters, or 40 Chinese ones), no final full stop,
    and followed by a line of body text longer than itself. Planned here, at
    import, rather than in the segmenter, which reads every line alike.
    """
    lines = list(islice(_non_blank_lines(text), 2))
    if len(lines) < 2:
        return ""
    first, body = lines
    cjk = len(_CJK_CHAR_RE.findall(first))
    if len(first) > FIRST_HEADING_MAX_CHARS or cjk > FIRST_HEADING_MAX_CJK:
        return ""
    closed = first.rstrip(_CLOSING_QUOTES)
    if not closed or closed[-1] in _SENTENCE_ENDS:
        return ""
    return first if len(body) > len(first) else ""


def with_first_line_heading(text: str, units: list[Unit]) -> list[Unit]:
    """``units`` with the first one made a heading when it is the text's whole
    first line, a sentence the segmenter saw, and first_line_heading says so
    (page furniture it recognised keeps its kind)."""
    if not units or units[0].kind != CLAIM:
        return units
    first = units[0]
    if first.text != first_line_heading(text[: first.end + 2000]):
        return units
    heading = replace(first, kind=HEADING, reason=FIRST_LINE_REASON)
    return [heading, *units[1:]]


def default_title(text: str, heading_lines: Collection[str] = ()) -> str:
    """A title for an import that has none: its first heading near the top
    (a byline or a date line may come first), else its first line, cut to a
    title's length. A section heading further down is no title."""
    headings = {line.strip() for line in heading_lines} - {""}
    top = list(islice(_non_blank_lines(text), TITLE_SEARCH_LINES))
    title = next((line for line in top if line in headings), top[0] if top else "")
    return title[:TITLE_MAX_CHARS].strip()


def _non_blank_lines(text: str) -> Iterator[str]:
    """The non-blank lines of ``text``, stripped, lazily (a text can be 20 MB)."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end].strip()
        if line:
            yield line
        start = end + 1
