"""The Simplified Chinese interface is complete: the catalogue has every string
the code marks for translation, none fuzzy or empty, and the pages rendered in
zh-Hans show no English words of the interface's own vocabulary.

A page's English words are compared with the words of the catalogue's msgids
less the words of the data on the page (article text, sources, names), so
an article's "NVIDIA" or a source's English title is never taken for an
untranslated label.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from annotations import demo, reasons
from annotations.models import Article, Claim, Comment, Kind, Source, Verdict

from .factories import add_source, fresh, judge

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PASTED = "两位科学家加入英伟达\n他们都来自清华大学。"
# Words of three letters or more: shorter ones (id, js, ok) say little.
_WORD_RE = re.compile(r"[A-Za-z][a-z]{2,}")
# Words the interface shows untranslated on purpose: the product's name, and
# names of formats and standards.
KEPT_IN_ENGLISH = {"factcheck", "html", "json", "pdf", "docx", "txt", "url", "utc"}
# Key names are printed on the keys themselves, so Chinese text says them too
# ("按住 Shift 点击").
KEPT_IN_ENGLISH |= {"ctrl", "shift", "enter", "esc", "tab"}


@dataclass
class Entry:
    """One message of a .po file."""

    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def parse_po(text: str) -> list[Entry]:
    """The live entries of a .po file (obsolete ones, #~, left out)."""
    entries, entry, key = [], Entry(), None
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line:
            if key is not None:
                entries.append(entry)
            entry, key = Entry(), None
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, key, ast.literal_eval(line))
        else:
            key, _space, value = line.partition(" ")
            if key.startswith("msgstr"):
                entry.msgstr.append("")
            _append(entry, key, ast.literal_eval(value))
    return [e for e in entries if e.msgid]  # the header has an empty msgid


def _append(entry: Entry, key: str | None, value: str) -> None:
    if key is None:
        return
    if key.startswith("msgstr"):
        entry.msgstr[-1] += value
    elif key == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    else:
        setattr(entry, key, getattr(entry, key) + value)


def problems(entries: list[Entry]) -> list[str]:
    """Entries that are fuzzy or have an empty translation."""
    return [
        entry.msgid
        for entry in entries
        if "fuzzy" in entry.flags or not entry.msgstr or not all(entry.msgstr)
    ]


def test_the_parser_sees_a_fuzzy_and_an_empty_entry():
    po = (
        'msgid ""\nmsgstr "Language: zh_Hans\\n"\n\n'
        '#, fuzzy\nmsgid "Saved"\nmsgstr "已保存"\n\n'
        'msgid "Two"\n"lines"\nmsgstr ""\n\n'
        'msgctxt "worth"\nmsgid "one %(n)s"\nmsgid_plural "many %(n)s"\n'
        'msgstr[0] "%(n)s 个"\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n'
    )
    entries = parse_po(po)
    assert [e.msgid for e in entries] == ["Saved", "Twolines", "one %(n)s"]
    assert entries[2].msgctxt == "worth"
    assert problems(entries) == ["Saved", "Twolines"]


def test_the_zh_hans_catalogue_has_no_fuzzy_or_empty_entry():
    entries = parse_po(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 500
    assert problems(entries) == []


def test_the_zh_hans_catalogue_has_every_string_the_code_marks(tmp_path):
    """makemessages over a copy of the code finds nothing new to translate."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    for part in ("annotations", "factcheck", "locale"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    po = (tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(
        encoding="utf-8"
    )
    assert problems(parse_po(po)) == []


# Rendered pages ---------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text a reader sees or hears: text nodes and the labels read aloud,
    without scripts, styles and the language menu (each language's own name)."""

    SKIPPED = {"script", "style", "select"}
    LABELS = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        for name, value in attrs:
            if name in self.LABELS and value:
                self.parts.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def interface_words() -> set[str]:
    """Lower-case English words of the interface: those of every msgid."""
    words: set[str] = set()
    for entry in parse_po(CATALOGUE.read_text(encoding="utf-8")):
        for text in (entry.msgid, entry.msgid_plural):
            # Placeholders (%(name)s, {n}) are not words of the interface.
            text = re.sub(r"%\(\w+\)\w|\{\w+\}", " ", text)
            words |= {w.lower() for w in _WORD_RE.findall(text)}
    return words - KEPT_IN_ENGLISH


def data_words() -> set[str]:
    """Lower-case words of what people stored: shown as written, in any language."""
    texts: list[str] = []
    for article in Article.objects.all():
        texts += [article.text, article.title, article.publisher, article.url]
    for claim in Claim.objects.all():
        texts += [claim.rationale, str(claim.hints), str(claim.worth_reasons)]
    # Earlier rationales, which the history shows.
    texts += Claim.history.values_list("rationale", flat=True)
    for source in Source.objects.all():
        texts += [source.title, source.publisher, source.quote, source.url]
    texts += [c.text for c in Comment.objects.all()]
    texts += [u.get_username() for u in get_user_model().objects.all()]
    return {w.lower() for text in texts for w in _WORD_RE.findall(str(text))}


def english_words(html: str, vocabulary: set[str], data: set[str]) -> list[str]:
    """Interface words in a page's visible text that no stored text explains."""
    found = {w.lower() for w in _WORD_RE.findall(visible_text(html))}
    return sorted((found & vocabulary) - data)


def test_english_words_are_found_but_article_words_are_not():
    html = (
        '<p title="Saved">已保存 <b>variant</b></p><script>var draft;</script>'
        '<select><option>English</option></select><p lang="en">NVIDIA Draft</p>'
    )
    vocabulary = {"saved", "variant", "draft", "english", "nvidia"}
    assert english_words(html, vocabulary, data={"nvidia"}) == [
        "draft",
        "saved",
        "variant",
    ]


@pytest.fixture
def desk(db, settings):
    """The demo article as a reviewer sees it: verdicts, sources, hints, a
    comment, a rejected draft and a history with sources added."""
    settings.DEBUG = True
    demo.create_demo_accounts(password="demo-pass-123")
    article, _created = demo.load_demo_article()
    users = get_user_model().objects
    editor, reviewer = users.get(username="editor"), users.get(username="reviewer")
    opinion = article.claims.filter(kind=Kind.OPINION).order_by("position").first()
    judge(opinion, Verdict.DISPUTED, "只是观点。", editor=editor)
    claim = (
        article.claims.filter(kind=Kind.CLAIM, verdict=Verdict.UNREVIEWED)
        .order_by("position")
        .first()
    )
    add_source(claim, added_by=editor, title="清华大学新闻", publisher="清华")
    judge(claim, Verdict.VERIFIED, "校方公告。", editor=editor)
    return {"article": article, "claim": fresh(claim), "reviewer": reviewer}


def zh_pages(client, desk) -> dict[str, str]:
    """Every page of the desk, rendered in zh-Hans for the reviewer."""
    article, claim = desk["article"], desk["claim"]
    named = Claim.objects.get(article=article, position=5)  # 焦建涛: a name hint
    client.force_login(desk["reviewer"])
    workspace = reverse("desk:workspace", args=[article.pk])
    urls = {
        "dashboard": reverse("desk:dashboard"),
        "workspace": f"{workspace}?claim={claim.public_id}",
        "hints": f"{workspace}?claim={named.public_id}",
        "triage": f"{workspace}?view=triage",
        "history": reverse("desk:claim_history", args=[claim.pk]),
        "named history": reverse("desk:claim_history", args=[named.pk]),
        "discussion": reverse("desk:claim_comments", args=[claim.pk]),
        "queue": reverse("desk:queue"),
        "report": reverse("desk:report", args=[article.pk]),
        "import": reverse("desk:article_new"),
        "search": reverse("desk:search") + "?q=%E6%B8%85%E5%8D%8E",
    }
    pages = {}
    for name, url in urls.items():
        # The panel's tabs answer htmx with the panel alone.
        htmx = {"HTTP_HX_REQUEST": "true"} if "workspace" not in url else {}
        response = client.get(url, **ZH, **htmx)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    preview = client.post(
        reverse("desk:article_new"),
        {"title": "", "text": PASTED, "preview": "1"},
        **ZH,
    )
    pages["import preview"] = preview.content.decode()
    return pages


@pytest.fixture(autouse=True)
def _language_restored():
    """Requests in zh-Hans leave it active in this thread: later tests get
    the language they started with."""
    with translation.override(translation.get_language()):
        yield


def test_zh_hans_pages_show_no_english_interface_words(client, desk):
    vocabulary = interface_words()
    pages = zh_pages(client, desk)
    # The pages hold what the issue found in English: a name hint's labels and
    # history entries of sources added.
    assert 'class="hint hint-name' in pages["hints"]
    assert "添加了来源：清华大学新闻" in pages["history"]
    data = data_words()
    found = {
        name: words
        for name, html in pages.items()
        if (words := english_words(html, vocabulary, data))
    }
    assert found == {}


def test_stored_history_comments_are_shown_in_the_readers_language():
    with translation.override("zh-hans"):
        assert reasons.history_comment("source added: Annual report") == (
            "添加了来源：Annual report"
        )
        assert reasons.history_comment("split at 12") == "在第 12 个字符处拆分"
        # A person's own words are shown as written.
        assert reasons.history_comment("source added") == "source added"
        assert reasons.furniture_reason("spam") == "垃圾广告"
        assert reasons.furniture_reason("a new rule") == "a new rule"


def test_every_furniture_reason_the_segmenter_gives_on_real_pages_is_translated():
    from annotations.text import segmentation

    corpus = Path(__file__).parent / "corpus"
    given = {
        unit.reason
        for path in sorted(corpus.glob("*.txt"))
        if not path.name.endswith(".sentences.txt")
        for unit in segmentation.split_units(path.read_text(encoding="utf-8"))
        if unit.reason and unit.kind not in (segmentation.CLAIM, segmentation.OPINION)
    }
    assert given, "the corpus moved"
    assert given - set(reasons.FURNITURE_REASONS) == set()
