"""Template helpers for the editor pages: verdict bars and labels."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from ..models import Verdict

register = template.Library()

# Order, colour class and icon of each verdict wherever verdicts are drawn.
VERDICT_STYLE = {
    Verdict.VERIFIED: ("verified", "\u2713"),  # ✓
    Verdict.DISPUTED: ("disputed", "?"),
    Verdict.MISSTATED: ("misstated", "\u2717"),  # ✗
    Verdict.UNREVIEWED: ("unreviewed", "\u2022"),  # •
}


@register.inclusion_tag("annotations/verdict_bar.html")
def verdict_bar(counts: dict[str, int]) -> dict:
    """A stacked bar of verdict counts, drawn as SVG (no inline styles)."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for verdict, (css, icon) in VERDICT_STYLE.items():
        count = counts.get(verdict, 0)
        width = 100 * count / total if total else 0
        segments.append(
            {
                "verdict": verdict,
                "label": Verdict(verdict).label,
                "css": css,
                "icon": icon,
                "count": count,
                "x": f"{x:.2f}",
                "width": f"{width:.2f}",
            }
        )
        x += width
    return {"segments": segments, "total": total, "label": _("Verdicts")}


@register.filter
def verdict_icon(verdict: str) -> str:
    return VERDICT_STYLE.get(verdict, ("", ""))[1]


@register.simple_tag
def article_counts(article) -> dict[str, int]:
    """Verdict counts of an article annotated by queries.articles_with_counts."""
    return {
        Verdict.VERIFIED: article.verified_count,
        Verdict.DISPUTED: article.disputed_count,
        Verdict.MISSTATED: article.misstated_count,
        Verdict.UNREVIEWED: article.claim_count - article.checked_count,
    }
