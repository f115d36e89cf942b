"""What the OpenAPI schema says about the exports: their filters, and the
body of each format where it is more than a string."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)

from .. import exporters
from ..models import Status
from . import serializers as api
from .schema import LIST_ERRORS, VERDICT_PARAMETER
from .serializers import MAX_ID

EXPORT_PARAMETERS = [
    OpenApiParameter(
        "article",
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        description="Only this article's claims.",
        examples=[OpenApiExample("The demo article", value=1)],
    ),
    OpenApiParameter(
        "verdict",
        VERDICT_PARAMETER,
        description="Only this verdict: a key of the rating scale, or unreviewed.",
    ),
    OpenApiParameter(
        "status",
        str,
        enum=Status.values,
        description=(
            "Only this review status. Anonymous exports hold published verdicts "
            "only, whatever is asked."
        ),
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="Changed at or after (ISO 8601).",
        examples=[OpenApiExample("Since July 2025", value="2025-07-01T00:00:00Z")],
    ),
]
# One exported claim, as the JSON export writes it (CSV has the same columns).
EXPORT_ROW_EXAMPLE = OpenApiExample(
    "One claim",
    value=[
        {
            "article_id": 1,
            "article_title": "两位清华AI科学家朱邦华、焦剑涛加入英伟达",
            "article_url": "http://uucenter.cn/jingupeiziwang/26241.html",
            "claim_id": 5,
            "public_id": "k3xq7m2vdn4a",
            "position": 5,
            "start": 144,
            "end": 173,
            "text": "这两位科学家分别是朱邦华和焦建涛,他们的履历堪称“开挂”。",
            "kind": "claim",
            "verdict": "misstated",
            "status": "published",
            "rationale": "The scientist's name is 焦剑涛 (Jiantao Jiao).",
            "verdict_by": "editor",
            "verdict_at": "2025-07-01T08:00:00Z",
            "published_at": "2025-07-01T09:30:00Z",
            "updated_at": "2025-07-01T09:30:00Z",
            "version": 8,
            "sources": [
                {
                    "url": "https://example.org/profile",
                    "title": "Profile of Jiantao Jiao",
                    "publisher": "Example University",
                    "quote": "Jiantao Jiao (焦剑涛)",
                    "stance": "refutes",
                    "accessed_on": "2025-07-01",
                }
            ],
        }
    ],
    response_only=True,
)
_STRING = {"type": "string"}
_TYPED = {"type": "object", "required": ["@type"], "properties": {"@type": _STRING}}
CLAIM_REVIEW_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "description": "A schema.org ClaimReview.",
        "required": [
            "@context",
            "@type",
            "url",
            "claimReviewed",
            "author",
            "datePublished",
            "dateModified",
            "creativeWorkStatus",
            "reviewRating",
            "itemReviewed",
            "inLanguage",
        ],
        "properties": {
            "@context": _STRING,
            "@type": {"type": "string", "enum": ["ClaimReview"]},
            "url": _STRING,
            "claimReviewed": _STRING,
            "author": _TYPED,
            "datePublished": {"type": "string", "format": "date"},
            "dateModified": {"type": "string", "format": "date-time"},
            "creativeWorkStatus": _STRING,
            "reviewRating": {
                **_TYPED,
                "properties": {
                    "@type": _STRING,
                    "ratingValue": {"type": "integer"},
                    "bestRating": {"type": "integer"},
                    "worstRating": {"type": "integer"},
                    "alternateName": _STRING,
                },
            },
            "itemReviewed": _TYPED,
            "inLanguage": _STRING,
            "reviewBody": _STRING,
        },
    },
}
W3C_SCHEMA = {
    "type": "object",
    "description": "A W3C AnnotationCollection whose first page embeds every item.",
    "required": ["@context", "id", "type", "total", "first"],
    "properties": {
        "@context": _STRING,
        "id": _STRING,
        "type": {"type": "string", "enum": ["AnnotationCollection"]},
        "label": _STRING,
        "total": {"type": "integer", "minimum": 0},
        "last": _STRING,
        "first": {
            "type": "object",
            "required": ["id", "type", "items"],
            "properties": {
                "id": _STRING,
                "type": {"type": "string", "enum": ["AnnotationPage"]},
                "startIndex": {"type": "integer"},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "description": "An assessing Web Annotation.",
                        "required": ["id", "type", "motivation", "body", "target"],
                        "properties": {
                            "id": _STRING,
                            "type": {"type": "string", "enum": ["Annotation"]},
                            "motivation": {"type": "string", "enum": ["assessing"]},
                            "body": {"type": "array", "items": {"type": "object"}},
                            # The article's text; with an appearance of
                            # the claim's own, that one too.
                            "target": {
                                "oneOf": [
                                    {"type": "object"},
                                    {
                                        "type": "array",
                                        "items": {"type": "object"},
                                        "minItems": 2,
                                    },
                                ]
                            },
                        },
                    },
                },
            },
        },
    },
}


# An export's body in OpenAPI where it is more than a string, by format name.
EXPORT_BODIES = {
    "json": (api.ExportRowSerializer(many=True), {"examples": [EXPORT_ROW_EXAMPLE]}),
    "claimreview": (CLAIM_REVIEW_SCHEMA, {}),
    "w3c": (W3C_SCHEMA, {}),
}


def export_docs(export_format: exporters.ExportFormat) -> Callable:
    """An export's summary, parameters and answers, from its registry entry."""
    body, extra = EXPORT_BODIES.get(export_format.name, (OpenApiTypes.STR, {}))
    media_type = export_format.media_type.partition(";")[0]
    return extend_schema(
        summary=export_format.summary,
        description=export_format.description,
        parameters=EXPORT_PARAMETERS,
        responses={
            (200, media_type): OpenApiResponse(
                body, description="The export, streamed.", **extra
            ),
            400: LIST_ERRORS[400],
            429: OpenApiResponse(
                description="Too many anonymous requests: retry after a while."
            ),
        },
    )
