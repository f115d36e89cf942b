"""Words for reasons the services store in English: history comments and the
segmenter's page-furniture reasons, translated when a page shows them.

The stored text stays English (the API and exports carry it as recorded);
only a page turns it into the reader's language. A person's own comment
matches no pattern and is shown as written.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# (pattern of a stored history comment, its words; groups become arguments).
_HISTORY = (
    (re.compile(r"source added: (?P<title>.*)", re.S), _("source added: %(title)s")),
    (
        re.compile(r"source changed: (?P<title>.*)", re.S),
        _("source changed: %(title)s"),
    ),
    (
        re.compile(r"source removed: (?P<title>.*)", re.S),
        _("source removed: %(title)s"),
    ),
    (re.compile(r"split at (?P<n>\d+)"), _("split at character %(n)s")),
    (re.compile(r"split from claim (?P<n>\d+)"), _("split from claim %(n)s")),
    (re.compile(r"merged from claim (?P<n>\d+)"), _("merged from claim %(n)s")),
    (re.compile(r"merged with claim (?P<n>\d+)"), _("merged with claim %(n)s")),
    (re.compile(r"assigned to (?P<name>.+)", re.S), _("assigned to %(name)s")),
    (re.compile(r"unassigned"), _("unassigned")),
    (re.compile(r"article published"), _("article published")),
    (re.compile(r"correction: (?P<reason>.*)", re.S), _("correction: %(reason)s")),
    (
        re.compile(r"re-anchored in version (?P<n>\d+)"),
        _("re-anchored in version %(n)s"),
    ),
    (
        re.compile(r"text changed in version (?P<n>\d+)"),
        _("text changed in version %(n)s"),
    ),
    (
        re.compile(r"not found in version (?P<n>\d+): orphaned"),
        _("not found in version %(n)s: orphaned"),
    ),
    (re.compile(r"new in version (?P<n>\d+)"), _("new in version %(n)s")),
    (re.compile(r"copied from claim (?P<n>\d+)"), _("copied from claim %(n)s")),
    (
        re.compile(r"verdict reused from claim (?P<n>\d+)"),
        _("verdict reused from claim %(n)s"),
    ),
)

# segmentation.py's reasons (and importing's first-line rule), for the panel.
FURNITURE_REASONS = {
    "breadcrumb": pgettext_lazy("furniture", "breadcrumb"),
    "byline": pgettext_lazy("furniture", "byline"),
    "byline with date": pgettext_lazy("furniture", "byline with date"),
    "caption before credit": pgettext_lazy("furniture", "caption before credit"),
    "cut off": pgettext_lazy("furniture", "cut off"),
    "dateline": pgettext_lazy("furniture", "dateline"),
    "decorated heading": pgettext_lazy("furniture", "decorated heading"),
    "first line": pgettext_lazy("furniture", "first line"),
    "font size switcher": pgettext_lazy("furniture", "font size switcher"),
    "footer": pgettext_lazy("furniture", "footer"),
    "heading": pgettext_lazy("furniture", "heading"),
    "image credit": pgettext_lazy("furniture", "image credit"),
    "image line": pgettext_lazy("furniture", "image line"),
    "keywords": pgettext_lazy("furniture", "keywords"),
    "link line": pgettext_lazy("furniture", "link line"),
    "markup": pgettext_lazy("furniture", "markup"),
    "media player": pgettext_lazy("furniture", "media player"),
    "navigation": pgettext_lazy("furniture", "navigation"),
    "page furniture": pgettext_lazy("furniture", "page furniture"),
    "promo": pgettext_lazy("furniture", "promo"),
    "repeated caption": pgettext_lazy("furniture", "repeated caption"),
    "section label": pgettext_lazy("furniture", "section label"),
    "separator": pgettext_lazy("furniture", "separator"),
    "share or footer": pgettext_lazy("furniture", "share or footer"),
    "short line without a full stop": pgettext_lazy(
        "furniture", "short line without a full stop"
    ),
    "site clock": pgettext_lazy("furniture", "site clock"),
    "source citation": pgettext_lazy("furniture", "source citation"),
    "spam": pgettext_lazy("furniture", "spam"),
    "speaker introduction": pgettext_lazy("furniture", "speaker introduction"),
    "stage direction": pgettext_lazy("furniture", "stage direction"),
    "stray punctuation": pgettext_lazy("furniture", "stray punctuation"),
    "video teaser": pgettext_lazy("furniture", "video teaser"),
}


def history_comment(comment: str) -> str:
    """A stored history comment in the reader's language ("" stays "")."""
    for pattern, words in _HISTORY:
        match = pattern.fullmatch(comment)
        if match is not None:
            return str(words) % match.groupdict()
    return comment


def furniture_reason(reason: str) -> str:
    """Why the segmenter took a unit for page furniture, in the reader's words."""
    words = FURNITURE_REASONS.get(reason)
    return str(words) if words is not None else reason
