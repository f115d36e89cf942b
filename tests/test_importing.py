"""Tests for annotations.importing: bytes and markup to clean article text.

Chinese text is written as escapes, as in test_segmentation.py.
"""

from __future__ import annotations

import codecs
import hashlib
import random
import time
from pathlib import Path

import pytest

from annotations.importing import (
    BINARY,
    EMPTY,
    MAX_HTML_DEPTH,
    MAX_HTML_PARTS,
    TOO_DEEP,
    TOO_MANY_PARTS,
    UNDECODABLE,
    ImportRefused,
    check_size,
    decode,
    detect_language,
    extract_html,
    extract_markdown,
    normalise,
    read_file,
    text_sha256,
)
from annotations.text.segmentation import HEADING, split_units

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LIMIT = 1_000_000

# 清华大学的两位科学家加入了英伟达，引起热议。
ZH = (
    "\u6e05\u534e\u5927\u5b66\u7684\u4e24\u4f4d\u79d1\u5b66\u5bb6"
    "\u52a0\u5165\u4e86\u82f1\u4f1f\u8fbe\uff0c\u5f15\u8d77\u70ed\u8bae\u3002"
)
EN = (
    "Two Chinese scientists announced on social media that they had joined "
    "Nvidia. The news caused a stir at home, where many asked why top talent "
    "keeps leaving for Silicon Valley."
)


@pytest.fixture(scope="module")
def seed_article() -> str:
    return (FIXTURES / "article.txt").read_text(encoding="utf-8")


def refused(call, *args: object, **kwargs: object) -> ImportRefused:
    """Run call and return the ImportRefused it raises."""
    with pytest.raises(ImportRefused) as info:
        call(*args, **kwargs)
    return info.value


# Decoding --------------------------------------------------------------------


def test_decodes_utf8() -> None:
    assert decode(ZH.encode("utf-8")) == ZH


def test_decodes_utf8_with_bom_and_drops_the_bom() -> None:
    assert decode(codecs.BOM_UTF8 + ZH.encode("utf-8")) == ZH


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_decodes_chinese_legacy_encoding(encoding: str) -> None:
    assert decode(ZH.encode(encoding)) == ZH


def test_decodes_seed_article_encoded_as_gb18030(seed_article: str) -> None:
    assert decode(seed_article.encode("gb18030")) == seed_article


def test_decodes_gbk_with_english_words_mixed_in() -> None:
    # Nexusflow开发的Athene-V2模型。It is good.
    text = "Nexusflow\u5f00\u53d1\u7684Athene-V2\u6a21\u578b\u3002It is good."

    assert decode(text.encode("gbk")) == text


def test_decodes_gbk_name_with_middle_dot() -> None:
    # 詹姆斯·邦德。 The middle dot is how Chinese writes foreign names.
    text = "\u8a79\u59c6\u65af\u00b7\u90a6\u5fb7\u3002"

    assert decode(text.encode("gbk")) == text


def test_decodes_utf16_little_endian_with_bom() -> None:
    data = codecs.BOM_UTF16_LE + ZH.encode("utf-16-le")

    assert decode(data) == ZH


def test_decodes_utf16_big_endian_with_bom() -> None:
    data = codecs.BOM_UTF16_BE + ZH.encode("utf-16-be")

    assert decode(data) == ZH


# Refusals --------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   ", b" \r\n\t\n "])
def test_refuses_empty_file(data: bytes) -> None:
    error = refused(decode, data)

    assert error.code == "empty"
    assert error.message == EMPTY
    assert "empty" in error.message


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Word"),
    ],
)
def test_refuses_file_with_binary_magic(data: bytes, what: str) -> None:
    error = refused(decode, data)

    assert error.code == "binary"
    assert "binary" in error.message
    assert what in error.message


def test_refuses_bytes_with_nul_as_binary() -> None:
    error = refused(decode, b"hello\x00world\x00\x00\x01\x02")

    assert error.code == "binary"
    assert error.message == BINARY.format(what="control bytes")


def test_refuses_random_high_bytes_as_undecodable() -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(400))

    error = refused(decode, data)

    assert error.code == "undecodable"
    assert error.message == UNDECODABLE
    assert "could not be decoded" in error.message


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("caf\xe9 na\xefve r\xe9sum\xe9", "latin-1"),
        ("It\u2019s a caf\xe9 with \u201cquotes\u201d.", "cp1252"),
    ],
)
def test_refuses_western_legacy_encoding_instead_of_mojibake(
    text: str, encoding: str
) -> None:
    error = refused(decode, text.encode(encoding))

    assert error.code == "undecodable"
    assert "UTF-8" in error.message


def test_check_size_refuses_over_limit() -> None:
    error = refused(check_size, 11, 10)

    assert error.code == "too_large"
    assert "11 bytes" in error.message
    assert "10 bytes" in error.message


def test_check_size_names_text_sent_as_text_not_a_file() -> None:
    error = refused(check_size, 11, 10, text=True)

    assert error.message.startswith("The text is 11 bytes in UTF-8")
    assert refused(check_size, 11, 10).message.startswith("The file is 11 bytes")


def test_check_size_accepts_exactly_the_limit() -> None:
    check_size(10, 10)


def test_read_file_refuses_file_over_limit() -> None:
    error = refused(read_file, ZH.encode("utf-8"), "article.txt", limit=10)

    assert error.code == "too_large"
    assert f"{len(ZH.encode('utf-8'))} bytes" in error.message


@pytest.mark.parametrize(
    ("filename", "suffix"), [("scan.png", ".png"), ("book.epub", ".epub")]
)
def test_read_file_refuses_unsupported_suffix(filename: str, suffix: str) -> None:
    error = refused(read_file, b"plain words", filename, limit=LIMIT)

    assert error.code == "unsupported"
    assert f"'{suffix}'" in error.message
    assert ".txt, .md, .html, .docx or .pdf" in error.message


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("report.pdf", "This PDF cannot be read"),
        ("Article.DOCX", "This is not a Word .docx file that can be read"),
    ],
)
def test_read_file_reads_pdf_and_docx_by_suffix(filename: str, message: str) -> None:
    error = refused(read_file, b"plain words", filename, limit=LIMIT)

    assert error.code == "unreadable"
    assert message in error.message


def test_import_refused_is_a_value_error_carrying_its_message() -> None:
    error = refused(decode, b"")

    assert isinstance(error, ValueError)
    assert str(error) == error.message


# normalise and read_file -----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ufeffa\nb", "a\nb"),
        ("a\r\nb\r\n", "a\nb\n"),
        ("a\rb\rc", "a\nb\nc"),
        ("a\r\n\r\nb\rc\n", "a\n\nb\nc\n"),
    ],
)
def test_normalise_removes_bom_and_unifies_line_endings(
    raw: str, expected: str
) -> None:
    assert normalise(raw) == expected


def test_read_file_normalises_plain_text(seed_article: str) -> None:
    data = codecs.BOM_UTF8 + seed_article.replace("\n", "\r\n").encode("utf-8")

    extracted = read_file(data, "article.txt", limit=LIMIT)

    assert extracted.text == seed_article
    assert extracted.heading_lines == frozenset()


def test_read_file_reads_utf16_text_file() -> None:
    data = ("a\r\n" + ZH).encode("utf-16")

    assert read_file(data, "NOTES.TXT", limit=LIMIT).text == "a\n" + ZH


def test_read_file_refuses_binary_content_under_a_text_name() -> None:
    error = refused(read_file, b"\x89PNG\r\n\x1a\n" + bytes(64), "a.txt", limit=LIMIT)

    assert error.code == "binary"


# HTML ------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Page &amp; Title</title>
<style>p { color: red }</style>
<script>var secret = "script text";</script></head>
<body><nav>Home | About</nav><header>Site header</header>
<div class="sidebar">Sidebar junk</div>
<article><h1>Main  Heading</h1>
<p>First <b>bold</b> sentence with a <a href="/x">link</a> inside.</p>
<p>Line one<br>Line two</p>
<h2>Sub heading</h2><p>Tom &amp; Jerry said hi.</p>
<script>alert("inline script")</script></article>
<footer>Copyright footer</footer></body></html>"""


def test_html_keeps_article_text_one_block_per_line() -> None:
    extracted = extract_html(PAGE)

    assert extracted.text.split("\n") == [
        "Main Heading",
        "First bold sentence with a link inside.",
        "Line one",
        "Line two",
        "Sub heading",
        "Tom & Jerry said hi.",
    ]


def test_html_drops_script_style_nav_and_footer() -> None:
    text = extract_html(PAGE).text

    for hidden in ("script", "color", "Home", "About", "Copyright footer"):
        assert hidden not in text


def test_html_prefers_article_over_the_rest_of_the_body() -> None:
    text = extract_html(PAGE).text

    assert "Sidebar junk" not in text
    assert "Site header" not in text


def test_html_uses_body_when_there_is_no_article() -> None:
    html = "<html><body><p>Para one.</p><div>Para two.</div></body></html>"

    assert extract_html(html).text == "Para one.\nPara two."


def test_html_title_comes_from_title_tag_with_entities_decoded() -> None:
    assert extract_html(PAGE).title == "Page & Title"


def test_html_headings_are_remembered_as_heading_lines() -> None:
    assert extract_html(PAGE).heading_lines == {"Main Heading", "Sub heading"}


def test_html_inline_tags_do_not_split_a_chinese_sentence() -> None:
    # 他说<b>英伟达</b>很<a>强</a>。
    html = (
        "<p>\u4ed6\u8bf4<b>\u82f1\u4f1f\u8fbe</b>\u5f88"
        '<a href="/n">\u5f3a</a>\u3002</p>'
    )

    assert extract_html(html).text == "\u4ed6\u8bf4\u82f1\u4f1f\u8fbe\u5f88\u5f3a\u3002"


def test_html_decodes_entities() -> None:
    html = "<p>AT&amp;T &lt;b&gt; &quot;x&quot; a&nbsp;b &#20013;&#x6587;</p>"

    assert extract_html(html).text == 'AT&T <b> "x" a b \u4e2d\u6587'


def test_html_source_line_wrap_inside_paragraph_is_a_space() -> None:
    html = "<p>A sentence that\nwraps in the source.</p>"

    assert extract_html(html).text == "A sentence that wraps in the source."


def test_html_without_visible_text_is_refused_as_empty() -> None:
    error = refused(extract_html, "<html><body><script>x()</script></body></html>")

    assert error.code == "empty"


def test_read_file_decodes_gbk_html_with_meta_charset() -> None:
    html = (
        '<html><head><meta charset="gbk"><title>\u6807\u9898</title></head>'
        f"<body><p>{ZH}</p></body></html>"
    )

    extracted = read_file(html.encode("gbk"), "page.html", limit=LIMIT)

    assert extracted.text == ZH
    assert extracted.title == "\u6807\u9898"


def test_html_headings_become_heading_units_when_segmented() -> None:
    extracted = read_file(PAGE.encode("utf-8"), "page.htm", limit=LIMIT)

    units = split_units(extracted.text, heading_lines=extracted.heading_lines)

    # (Short lines without a full stop are headings too, by another rule.)
    assert [u.text for u in units if (u.kind, u.reason) == (HEADING, "heading")] == [
        "Main Heading",
        "Sub heading",
    ]


def test_html_comments_stay_invisible_even_across_lines() -> None:
    html = "<p>Kept.<!-- an editor's\n  note --></p><p>Also kept.</p>"

    assert extract_html(html).text == "Kept.\nAlso kept."


def test_html_left_open_paragraphs_and_items_close_at_the_next_one() -> None:
    paragraphs = "".join(f"<p>Paragraph {n}." for n in range(2 * MAX_HTML_DEPTH))
    items = "".join(f"<li>Item {n}" for n in range(2 * MAX_HTML_DEPTH))

    text = extract_html(f"<body>{paragraphs}<ul>{items}</ul></body>").text

    lines = text.split("\n")
    assert lines[0] == "Paragraph 0."
    assert lines[-1] == f"Item {2 * MAX_HTML_DEPTH - 1}"
    assert len(lines) == 4 * MAX_HTML_DEPTH


def test_html_nested_as_deep_as_allowed_is_imported() -> None:
    depth = MAX_HTML_DEPTH - 2  # inside <html><body>
    html = f"<html><body>{'<div>' * depth}Deep.{'</div>' * depth}</body></html>"

    assert extract_html(html).text == "Deep."


def bomb_refused(html: str, seconds: float = 2) -> ImportRefused:
    """extract_html's refusal of ``html``, which must come within ``seconds``."""
    started = time.perf_counter()
    error = refused(extract_html, html)
    assert time.perf_counter() - started < seconds
    assert error.code == "too_complex"
    return error


def test_html_of_100_kb_of_unclosed_tags_is_refused_at_once() -> None:
    error = bomb_refused("<b>word " * 12_500)

    assert str(error.message) == TOO_DEEP.format(limit=MAX_HTML_DEPTH)
    assert "Save the article's text as .txt" in str(error.message)


def test_html_of_100000_nested_divs_is_refused_at_once() -> None:
    bomb_refused("<div>" * 100_000 + "x" + "</div>" * 100_000)


def test_html_with_more_parts_than_the_limit_is_refused() -> None:
    # The parser reads every part before the last one, so not at once.
    error = bomb_refused("<i>x</i>" * (MAX_HTML_PARTS // 3 + 1), seconds=10)

    assert str(error.message) == TOO_MANY_PARTS.format(limit=MAX_HTML_PARTS)


def test_html_just_under_the_limit_is_imported_in_time_linear_in_its_size() -> None:
    # 3 parts each: the tag, its text, its end tag.
    count = MAX_HTML_PARTS // 3 - 10
    started = time.perf_counter()

    text = extract_html("<p>Line.</p>" * count).text

    assert time.perf_counter() - started < 10
    assert text.count("\n") == count - 1


# Markdown --------------------------------------------------------------------

MARKDOWN = """# Main Title

Some **bold** and *italic* and `code` and __under__ text with a [link](http://x.com).

## Second ##

- item one
* item two
+ item three
1. numbered
"""


def test_markdown_heading_loses_hashes_and_is_remembered() -> None:
    extracted = extract_markdown(MARKDOWN)

    lines = extracted.text.split("\n")
    assert lines[0] == "Main Title"
    assert "Second" in lines
    assert extracted.heading_lines == {"Main Title", "Second"}
    assert extracted.title == "Main Title"


def test_markdown_link_becomes_its_text_and_emphasis_is_removed() -> None:
    lines = extract_markdown(MARKDOWN).text.split("\n")

    assert lines[2] == "Some bold and italic and code and under text with a link."


def test_markdown_list_bullets_are_removed() -> None:
    text = extract_markdown(MARKDOWN).text

    assert text.endswith("item one\nitem two\nitem three\nnumbered")


def test_markdown_chinese_heading_and_link() -> None:
    # # 清华科学家\n\n他们**高调**宣布加入[英伟达](https://nvidia.com)。
    markdown = (
        "# \u6e05\u534e\u79d1\u5b66\u5bb6\n\n\u4ed6\u4eec**\u9ad8\u8c03**"
        "\u5ba3\u5e03\u52a0\u5165[\u82f1\u4f1f\u8fbe](https://nvidia.com)\u3002"
    )

    extracted = extract_markdown(markdown)

    assert extracted.text == (
        "\u6e05\u534e\u79d1\u5b66\u5bb6\n\n"
        "\u4ed6\u4eec\u9ad8\u8c03\u5ba3\u5e03\u52a0\u5165\u82f1\u4f1f\u8fbe\u3002"
    )
    assert extracted.heading_lines == {"\u6e05\u534e\u79d1\u5b66\u5bb6"}


def test_markdown_keeps_underscores_inside_words() -> None:
    markdown = "The file snake_case_name.txt was shared."

    assert extract_markdown(markdown).text == markdown


def test_markdown_without_text_is_refused_as_empty() -> None:
    error = refused(extract_markdown, "# \n\n---\n\n***\n")

    assert error.code == "empty"


def test_read_file_markdown_headings_become_heading_units() -> None:
    extracted = read_file(MARKDOWN.encode("utf-8"), "notes.md", limit=LIMIT)

    units = split_units(extracted.text, heading_lines=extracted.heading_lines)

    assert [u.text for u in units if u.kind == HEADING] == ["Main Title", "Second"]


# Language and hash -----------------------------------------------------------


def test_detects_seed_article_as_chinese(seed_article: str) -> None:
    assert detect_language(seed_article) == "zh"


def test_detects_english_paragraph_as_english() -> None:
    assert detect_language(EN) == "en"


def test_detects_half_chinese_half_english_as_mixed() -> None:
    assert detect_language(EN + "\n" + ZH * 2) == "mixed"


def test_english_article_quoting_chinese_names_stays_english() -> None:
    text = (
        "Nvidia hired Zhu Banghua (\u6731\u90a6\u534e) and Jiao Jiantao "
        "(\u7126\u5251\u6d9b), two researchers from Tsinghua University, to lead "
        "work on enterprise AI agents and general intelligence."
    )

    assert detect_language(text) == "en"


def test_text_sha256_is_sha256_of_utf8_bytes(seed_article: str) -> None:
    expected = hashlib.sha256(seed_article.encode("utf-8")).hexdigest()

    assert text_sha256(seed_article) == expected
    assert text_sha256(ZH) != text_sha256(ZH + "\n")
