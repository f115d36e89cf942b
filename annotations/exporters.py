"""Verdicts in the formats other systems read.

ClaimReview follows schema.org and Google's fact-check structured-data guide.
The rating scale is published here and in the README: 1 misstated,
2 disputed, 3 verified.
"""

from __future__ import annotations

import json

from .models import Article, Claim, Verdict

RATING_VALUES = {Verdict.MISSTATED: 1, Verdict.DISPUTED: 2, Verdict.VERIFIED: 3}
RATING_LABELS = {
    Verdict.MISSTATED: "Misstated",
    Verdict.DISPUTED: "Disputed",
    Verdict.VERIFIED: "Verified",
}
WORST_RATING, BEST_RATING = 1, 3
# BCP 47 tags; "mul" is the registered tag for content in several languages.
LANGUAGE_TAGS = {"zh": "zh", "en": "en", "mixed": "mul"}

# Characters that could end or confuse a <script> block, as JSON escapes.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def claim_review(
    claim: Claim, *, article: Article, url: str, organisation: str
) -> dict:
    """schema.org ClaimReview for one claim with a verdict."""
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "author": {"@type": "Organization", "name": organisation},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUES[claim.verdict],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": RATING_LABELS[claim.verdict],
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {
                "@type": "Organization",
                "name": article.publisher or article.title,
            },
        },
        "inLanguage": LANGUAGE_TAGS[article.language],
    }
    if claim.verdict_at:
        review["datePublished"] = claim.verdict_at.date().isoformat()
    if article.url:
        review["itemReviewed"]["appearance"] = {
            "@type": "CreativeWork",
            "url": article.url,
        }
    if article.published_on:
        review["itemReviewed"]["datePublished"] = article.published_on.isoformat()
    if claim.rationale:
        review["reviewBody"] = claim.rationale
    return review


def claim_review_json(review: dict) -> str:
    """JSON safe to place inside <script type="application/ld+json">."""
    return json.dumps(review, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
