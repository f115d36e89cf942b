"""Reads shared by the admin, the commands and (later) the views and the API.

Lists never load Article.text: an article can be megabytes long.
"""

from django.db.models import Count, Q, QuerySet

from .models import Article, Claim, Kind, Source, Verdict


def articles_with_counts() -> QuerySet[Article]:
    """Articles without their text, annotated with claim counts per verdict."""
    counts = {
        f"{verdict}_count": Count("claims", filter=Q(claims__verdict=verdict))
        for verdict in Verdict.values
    }
    return (
        Article.objects.defer("text")
        .select_related("imported_by")
        .annotate(
            unit_count=Count("claims"),
            claim_count=Count("claims", filter=Q(claims__kind=Kind.CLAIM)),
            **counts,
        )
    )


def claims_with_article() -> QuerySet[Claim]:
    """Claims with their article's title (not its text) and their source count."""
    return (
        Claim.objects.select_related("article", "verdict_by")
        .defer("article__text")
        .annotate(source_count=Count("sources"))
    )


def sources_with_claim() -> QuerySet[Source]:
    """Sources with their claim and the claim's article title."""
    return Source.objects.select_related("claim__article", "added_by").defer(
        "claim__article__text"
    )


def article_choices() -> QuerySet:
    """(id, title) pairs for article pickers, newest first."""
    return Article.objects.order_by("-imported_at").values_list("id", "title")
