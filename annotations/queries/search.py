"""Search over claims, rationales and source titles."""

import datetime

from django.db import connection
from django.db.models import (
    F,
    Lookup,
    Prefetch,
    QuerySet,
)
from django.db.models.lookups import IContains

from ..models import (
    Claim,
    Source,
)
from .scopes import live_claims

# Search over claims, rationales and source titles: substring matching, which
# needs no word segmentation for Chinese. On PostgreSQL trigram indexes
# (migrations 0004 and 0016) serve it.
SEARCH_TERMS = 8


class ContainsIgnoringCase(IContains):
    """icontains that PostgreSQL's trigram indexes serve.

    Django's icontains compares UPPER(column) there, which no index holds, so
    every search read every claim. ILIKE on the column itself is what a
    gin_trgm_ops index answers. Elsewhere it is icontains. Used as an
    expression: ContainsIgnoringCase(F("text"), term).
    """

    def as_postgresql(self, compiler, connection):
        # The column as it is: icontains' own left side wraps it in UPPER().
        lhs, lhs_params = Lookup.process_lhs(self, compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


def claims_containing(term: str, *, in_sources: bool = True) -> QuerySet:
    """The ids of claims whose text, rationale or (``in_sources``) a source's
    title contains ``term``, ignoring case.

    A union of one look-up per column, so each can use its own index (an OR
    across them, with the sources' EXISTS, read every claim).
    """
    in_text = Claim.objects.filter(ContainsIgnoringCase(F("text"), term))
    if connection.vendor == "postgresql":
        # The trigram index holds analysed claims, a b-tree the ids of the
        # rest (migration 0018): a look-up each, on opposite conditions.
        texts = [in_text.exclude(normalised=""), in_text.filter(normalised="")]
    else:
        texts = [in_text]
    # Only rationales that are not empty are indexed (most claims have none).
    in_rationale = Claim.objects.exclude(rationale="").filter(
        ContainsIgnoringCase(F("rationale"), term)
    )
    found = [rows.order_by().values("pk") for rows in texts[1:]]
    found.append(in_rationale.order_by().values("pk"))
    if in_sources:
        titles = Source.objects.filter(ContainsIgnoringCase(F("title"), term))
        found.append(titles.order_by().values("claim_id"))
    return texts[0].order_by().values("pk").union(*found)


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
        claims = claims.filter(pk__in=claims_containing(term))
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
