"""Template tags for the desk's pages: thin names for what annotations.web builds.

The claim panel's labels come from web.panels and the article's text from
web.spans; here are the dashboard's bars, the user's role and small formatters.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import queries, ratings, roles
from ..counting import UnitCounts
from ..models import Claim, Kind, Stance, Verdict
from ..web import panels, spans

register = template.Library()

# Review states drawn on the dashboard's review bar, in this order.
REVIEW_STYLE = (
    ("published", _("Published"), "\u25cf"),  # ●
    ("approved", _("Approved"), "\u25d1"),  # ◑
    ("draft", _("Draft"), "\u25cb"),  # ○
    ("todo", _("To do"), "\u00b7"),  # ·
)


@register.inclusion_tag("annotations/verdict_bar.html")
def verdict_bar(counts: dict[str, int]) -> dict:
    """A stacked bar of verdict counts in the scale's order, drawn as SVG (no
    inline styles: each rating's colour is its v-<key> class)."""
    styles = [
        (
            "unreviewed" if key == Verdict.UNREVIEWED else f"rated v-{key}",
            ratings.label(key),
            ratings.icon(key),
            count,
        )
        for key, count in counts.items()
    ]
    return _bar(styles, _("Verdicts"))


@register.inclusion_tag("annotations/verdict_bar.html")
def review_bar(article) -> dict:
    """Published, approved and draft verdicts of an article, and the rest to do.

    ``article`` is annotated by queries.articles_with_counts.
    """
    counts = UnitCounts.of_article(article)
    done = {
        "published": counts.status_published,
        "approved": counts.status_approved,
        "draft": counts.status_draft,
    }
    done["todo"] = max(counts.claims - sum(done.values()), 0)
    styles = [(css, label, icon, done[css]) for css, label, icon in REVIEW_STYLE]
    return _bar(styles, _("Review"))


def _bar(styles: list[tuple[str, str, str, int]], label: str) -> dict:
    total = sum(count for *_rest, count in styles)
    segments, x = [], 0.0
    for css, name, icon, count in styles:
        width = 100 * count / total if total else 0
        segments.append(
            {
                "label": name,
                "css": css,
                "icon": icon,
                "count": count,
                "x": f"{x:.2f}",
                "width": f"{width:.2f}",
            }
        )
        x += width
    return {"segments": segments, "total": total, "label": label}


@register.filter
def verdict_icon(verdict: str) -> str:
    """A verdict's icon from the rating scale."""
    return ratings.icon(verdict)


@register.filter
def verdict_label(verdict: str) -> str:
    """A verdict's name in the active language, from the rating scale."""
    return ratings.label(verdict)


@register.simple_tag
def rating_styles() -> SafeString:
    """Each rating's colour as a CSS custom property, for a <style> element."""
    return mark_safe(ratings.css())  # noqa: S308  keys and colours are checked


@register.simple_tag
def verdict_ratings() -> list:
    """The ratings editors can give now, in the scale's order."""
    return ratings.active()


@register.filter
def stance_label(stance: str) -> str:
    """The translated name of a source's stance value."""
    return Stance(stance).label if stance in Stance.values else stance


@dataclass(frozen=True)
class DeskRole:
    """What the signed-in user's role is called and what it lets them do."""

    key: str
    label: str
    edit: bool
    review: bool
    comment: bool


@register.simple_tag
def desk_role(user: AbstractBaseUser | AnonymousUser) -> DeskRole:
    """The user's role on the desk (the strongest one they hold)."""
    if not user.is_authenticated:
        return DeskRole("", "", False, False, False)
    named = (
        (roles.ADMIN, roles.DELETE_ARTICLE, pgettext_lazy("role", "Admin")),
        (roles.REVIEWER, roles.REVIEW, pgettext_lazy("role", "Reviewer")),
        (roles.EDITOR, roles.EDIT, pgettext_lazy("role", "Editor")),
        (roles.VIEWER, roles.VIEW, pgettext_lazy("role", "Viewer")),
    )
    key, label = next(
        ((key, label) for key, perm, label in named if user.has_perm(perm)),
        ("none", pgettext_lazy("role", "No role")),
    )
    return DeskRole(
        key=key,
        label=str(label),
        edit=user.has_perm(roles.EDIT),
        review=user.has_perm(roles.REVIEW),
        comment=user.has_perm(roles.COMMENT),
    )


@register.simple_tag
def queue_counts(user: AbstractBaseUser | AnonymousUser) -> dict[str, int]:
    """How many claims wait in the user's queue, and for their review."""
    counts = {"mine": 0, "review": 0}
    if user.is_authenticated and user.has_perm(roles.EDIT):
        counts["mine"] = queries.queue(user).count()
    if user.is_authenticated and user.has_perm(roles.REVIEW):
        counts["review"] = queries.review_queue(user).count()
    return counts


# The claim panel (web.panels) and the article's text (web.spans)

register.simple_tag(spans.article_units)
register.simple_tag(spans.claim_span)
register.filter(panels.event_label)
register.filter(panels.field_label)
register.simple_tag(panels.history_value)
register.filter(panels.worth_reasons)
register.filter(panels.figure_label)
register.filter(panels.figure_css)
register.simple_tag(spans.highlight)
register.filter(spans.matches_any)
register.simple_tag(spans.diff_html)


@register.filter
def workspace_link(claim: Claim) -> str:
    """The workspace address that opens ``claim`` in the panel, scrolled to it."""
    return panels.workspace_url(claim)


# Formatting: kinds, scores and dates


@register.filter
def kind_label(kind: str) -> str:
    """The translated name of a unit's kind ("Heading", "Byline", ...)."""
    return str(Kind(kind).label) if kind in Kind.values else kind


@register.filter
def percent(value: float) -> str:
    """0.45 -> "45" (for SVG widths and labels)."""
    try:
        return f"{max(0.0, min(1.0, float(value))) * 100:.0f}"
    except (TypeError, ValueError):
        return "0"


@register.filter
def worth_level(value: float) -> str:
    """high, medium or low: the colour of a check-worthiness bar."""
    value = value or 0
    return "high" if value >= 0.5 else "medium" if value >= 0.3 else "low"


@register.filter
def iso_date(value: str | None):
    """A stored ISO timestamp (from a hint) as a datetime, for |date."""
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
