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

# Every column of a source (attname -> field), so nothing is deferred.
SOURCE_FIELDS = {field.attname: field for field in Source._meta.concrete_fields}
# The attribute a claim read with sources_json_sql() (the API's claims, a
# write's answer) keeps its sources in: JSON text, a list of objects.
SOURCES_JSON = "sources_json"


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


def sources_json_sql(vendor: str) -> str:
    """The claim's sources, with who added each, as a JSON list (oldest first)."""
    pairs = ", ".join(
        f"'{name}', s.\"{field.column}\"" for name, field in SOURCE_FIELDS.items()
    )
    claim_id = '"annotations_claim"."id"'
    joined = (
        'FROM "annotations_source" s LEFT JOIN "auth_user" u '
        f'ON u."id" = s."added_by_id" WHERE s."claim_id" = {claim_id}'
    )
    if vendor == "postgresql":
        return (
            f"(SELECT COALESCE(json_agg(json_build_object({pairs}, "
            f"'added_by_name', u.\"username\") ORDER BY s.\"id\"), '[]')::text "
            f"{joined})"
        )
    return (
        f"(SELECT json_group_array(json(j)) FROM (SELECT json_object({pairs}, "  # noqa: S608
        f'\'added_by_name\', u."username") AS j {joined} ORDER BY s."id"))'
    )
