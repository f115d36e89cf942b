"""How the admin shows things: links to articles and claims, hints, its stylesheet."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from .. import hints
from ..models import Article, Claim

DELETED_MARK = _("deleted")
# The hint types as the admin's filter and lists name them (annotations/hints.py).
HINT_NAMES = {key: capfirst(t.label) for key, t in hints.TYPES.items()}


class DeskMedia:
    css = {"all": ["annotations/admin.css"]}


# Source URLs typed without a scheme are taken as https.
URL_FORMFIELD = {models.URLField: {"assume_scheme": "https"}}


def article_link(article: Article, chars: int) -> str:
    """A link to the article's admin page, its title cut, marked if deleted."""
    return format_html(
        '<a href="{}">{}{}</a>',
        reverse("admin:annotations_article_change", args=[article.pk]),
        deleted_mark(article),
        Truncator(article.title).chars(chars),
    )


def deleted_mark(article: Article) -> str:
    """A "deleted" badge for a soft-deleted article, else nothing."""
    if article.deleted_at is None:
        return ""
    return format_html(
        '<span class="deleted-mark" title="{}">{}</span> ',
        article.deleted_at.strftime("%Y-%m-%d %H:%M"),
        DELETED_MARK,
    )


def claim_link(claim: Claim) -> str:
    """A link to a claim's admin page, named by its article and position."""
    return format_html(
        '<a href="{}">{}{} #{}</a>',
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        deleted_mark(claim.article),
        Truncator(claim.article.title).chars(30),
        claim.position,
    )


def hint_html(hint: dict) -> str:
    """One stored hint, readable: its kind, message, and where it stands."""
    where = format_html_join(
        ", ",
        "“{}” ({}–{})",
        ((s["text"], s["start"], s["end"]) for s in hint.get("spans", [])),
    )
    earlier = ""
    if hint.get("type") == hints.CHECKED_BEFORE and hint.get("claim"):
        earlier = format_html(
            ' <a href="{}">{}</a>',
            reverse("admin:annotations_claim_change", args=[hint["claim"]]),
            _("the earlier claim"),
        )
    return format_html(
        "<strong>{}</strong>: {}{}{}",
        HINT_NAMES.get(hint.get("type"), hint.get("type")),
        hint.get("message", ""),
        format_html(" <small>{}</small>", where) if where else "",
        earlier,
    )
