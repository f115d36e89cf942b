"""Sources with who added them, their archived copy or their claim."""

from django.db.models import (
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)

from ..models import (
    Claim,
    Source,
)


def sources_with_archive() -> QuerySet[Source]:
    """Sources with who added them and their archived copy (without its text)."""
    return Source.objects.select_related("added_by", "archive").defer("archive__text")


def prefetch_sources(claims: list[Claim]) -> None:
    """Load the sources (with who added them) of ``claims`` in one query."""
    sources = sources_with_archive()
    prefetch_related_objects(claims, Prefetch("sources", queryset=sources))


def source_archive(pk: int) -> Source:
    """A source of a live article with its archived copy and its claim
    (Source.DoesNotExist otherwise)."""
    return (
        Source.objects.filter(claim__article__deleted_at__isnull=True)
        .select_related("archive", "claim")
        .get(pk=pk)
    )


def sources_with_claim(*, include_deleted: bool = False) -> QuerySet[Source]:
    """Sources with their claim and the claim's article title."""
    sources = Source.objects.all()
    if not include_deleted:
        sources = sources.filter(claim__article__deleted_at__isnull=True)
    return sources.select_related("claim__article", "added_by").defer(
        "claim__article__text"
    )
