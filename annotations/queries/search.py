"""Search over claims, rationales and source titles."""

import datetime

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from ..models import (
    Claim,
    Source,
)
from .scopes import live_claims

# Search over claims, rationales and source titles: substring matching, which
# needs no word segmentation for Chinese. On PostgreSQL trigram indexes
# (migration 0004) serve it.
SEARCH_TERMS = 8


def search_claims(
    query: str,
    *,
    verdict: str | None = None,
    checked_from: datetime.date | None = None,
    checked_until: datetime.date | None = None,
) -> QuerySet[Claim]:
    """Claims whose text, rationale or a source title contains every term."""
    claims = (
        live_claims().select_related("article", "verdict_by").defer("article__text")
    )
    for term in query.split()[:SEARCH_TERMS]:
        in_sources = Source.objects.filter(claim=OuterRef("pk"), title__icontains=term)
        claims = claims.filter(
            Q(text__icontains=term) | Q(rationale__icontains=term) | Exists(in_sources)
        )
    if verdict is not None:
        claims = claims.filter(verdict=verdict)
    if checked_from is not None:
        claims = claims.filter(verdict_at__date__gte=checked_from)
    if checked_until is not None:
        claims = claims.filter(verdict_at__date__lte=checked_until)
    return claims.order_by("-updated_at", "-pk")


def search_results(query: str, **filters) -> QuerySet[Claim]:
    """search_claims with the source titles each result shows."""
    titles = Source.objects.only("id", "claim_id", "title").order_by("id")
    return search_claims(query, **filters).prefetch_related(
        Prefetch("sources", queryset=titles)
    )
