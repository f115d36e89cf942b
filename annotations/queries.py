"""Reads shared by the editor pages, the API, the exporters and the admin.

Lists never load Article.text: an article can be megabytes long.
"""

import datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Substr

from .models import Article, Claim, Kind, Source, Verdict

CHECKED = Q(kind=Kind.CLAIM) & ~Q(verdict=Verdict.UNREVIEWED)


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
            checked_count=Count(
                "claims",
                filter=Q(claims__kind=Kind.CLAIM)
                & ~Q(claims__verdict=Verdict.UNREVIEWED),
            ),
            **counts,
        )
    )


def articles_for_dashboard(search: str = "") -> QuerySet[Article]:
    """Articles with verdict counts, most recently worked on first."""
    articles = articles_with_counts().annotate(
        last_activity=Coalesce(Max("claims__updated_at"), "imported_at")
    )
    if search:
        articles = articles.filter(title__icontains=search)
    return articles.order_by("-last_activity", "-pk")


def workspace_claims(article: Article) -> QuerySet[Claim]:
    """An article's units in order, with what the workspace shows of each."""
    return (
        Claim.objects.filter(article=article)
        .only("id", "position", "start", "end", "kind", "verdict", "version", "text")
        .order_by("position")
    )


def progress(article: Article) -> dict[str, int]:
    """Claims checked and total, and counts per verdict, for one article."""
    counts = Claim.objects.filter(article=article).aggregate(
        claims=Count("id", filter=Q(kind=Kind.CLAIM)),
        checked=Count("id", filter=CHECKED),
        **{v: Count("id", filter=Q(verdict=v)) for v in Verdict.values},
    )
    return counts


def claim_for_panel(pk: int) -> Claim:
    """One claim with its article (no text), verdict author and sources."""
    return (
        Claim.objects.select_related("article", "verdict_by")
        .defer("article__text")
        .prefetch_related(
            Prefetch("sources", queryset=Source.objects.select_related("added_by"))
        )
        .get(pk=pk)
    )


def neighbour(claim: Claim, offset: int) -> Claim | None:
    """The unit ``offset`` positions away in the same article, if any."""
    return (
        Claim.objects.filter(
            article_id=claim.article_id, position=claim.position + offset
        )
        .only("id", "position", "start", "end", "text", "version")
        .first()
    )


def reviewed_claims(article: Article) -> QuerySet[Claim]:
    """Claims with a verdict: what readers of the public report see."""
    return Claim.objects.filter(article=article).exclude(verdict=Verdict.UNREVIEWED)


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


def text_between(claim: Claim, following: Claim) -> str:
    """The article text between two adjacent units (read without loading it all)."""
    if following.start <= claim.end:
        return ""
    return (
        Article.objects.filter(pk=claim.article_id)
        .annotate(gap=Substr("text", claim.end + 1, following.start - claim.end))
        .values_list("gap", flat=True)
        .get()
    )


def on_same_line(claim: Claim, following: Claim) -> bool:
    """Whether nothing but spaces on one line separates two adjacent units."""
    return "\n" not in text_between(claim, following)


def claims_for_export(
    *,
    article: int | None = None,
    verdict: str | None = None,
    updated_since: datetime.datetime | None = None,
    public: bool,
) -> QuerySet[Claim]:
    """Claims matching export filters; the public sees only claims with a verdict."""
    claims = Claim.objects.all()
    if article is not None:
        claims = claims.filter(article_id=article)
    if verdict is not None:
        claims = claims.filter(verdict=verdict)
    if updated_since is not None:
        claims = claims.filter(updated_at__gte=updated_since)
    if public:
        claims = claims.exclude(verdict=Verdict.UNREVIEWED)
    return claims
