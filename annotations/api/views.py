"""The REST API (/api/v1/). Thin: parse, call a service or query, serialize."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.forms.utils import ErrorList
from django.http import StreamingHttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import exporters, importing, queries, services
from ..models import Article, Claim, Kind, Source, Verdict
from . import serializers as api
from .pagination import NewestFirst
from .serializers import MAX_ID

PRECONDITION_REQUIRED = (
    "Send If-Match with the claim's ETag, or the claim's version in the body, "
    "so a change made meanwhile is not overwritten."
)
BAD_IF_MATCH = 'If-Match must be the claim\'s ETag, such as "3".'

ERRORS = {
    400: OpenApiResponse(description="Invalid input: field-level messages."),
    401: OpenApiResponse(description="Not signed in (send a session or a token)."),
    403: OpenApiResponse(
        description="Signed in, but not allowed (writes need an editor)."
    ),
    404: OpenApiResponse(description="No such object."),
}


class StrictFilterSet(filters.FilterSet):
    """Refuses query parameters it does not know (a typo must not widen a sync)."""

    allowed_extra = frozenset({"cursor", "page_size", "format"})

    def is_valid(self) -> bool:
        valid = super().is_valid()
        unknown = sorted(set(self.data) - set(self.filters) - self.allowed_extra)
        for name in unknown:
            self.form.errors[name] = ErrorList(
                [f"Unknown filter. Known: {', '.join(self.filters)}."]
            )
        return valid and not unknown


class IdFilter(filters.NumberFilter):
    """A whole-number id within the database's integer range."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class ArticleFilter(StrictFilterSet):
    q = filters.CharFilter(
        field_name="title", lookup_expr="icontains", label="Title contains"
    )

    class Meta:
        model = Article
        fields = ("q", "language")


class ClaimFilter(StrictFilterSet):
    article = IdFilter(field_name="article_id", label="Article id")
    verdict = filters.ChoiceFilter(choices=Verdict.choices)
    kind = filters.ChoiceFilter(choices=Kind.choices)
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Changed at or after (ISO 8601)",
    )
    q = filters.CharFilter(method="search", label="Text or rationale contains")

    class Meta:
        model = Claim
        fields = ("article", "verdict", "kind", "updated_since", "q")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(text__icontains=value) | Q(rationale__icontains=value))


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description="Newest first, with claim counts per verdict. Cursor-paginated.",
        parameters=[
            OpenApiParameter(
                "q", str, examples=[OpenApiExample("Title", value="英伟达")]
            )
        ],
        responses={200: api.ArticleSerializer(many=True), 401: ERRORS[401]},
    ),
    retrieve=extend_schema(
        summary="An article with its full text",
        description="`text` is the stored text every claim offset refers to.",
        responses={
            200: api.ArticleDetailSerializer,
            401: ERRORS[401],
            404: ERRORS[404],
        },
    ),
)
class ArticleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = api.ArticleSerializer
    filterset_class = ArticleFilter
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Article]:
        articles = queries.articles_with_counts()
        if self.action == "retrieve":
            articles = articles.defer(None)  # the text is part of the detail
        return articles

    def get_serializer_class(self):
        return (
            api.ArticleDetailSerializer
            if self.action == "retrieve"
            else super().get_serializer_class()
        )

    @extend_schema(
        summary="Import an article",
        description=(
            "Same service and rules as the browser and `manage.py import_article`: "
            "the text is split into claims. Send JSON with `text`, or multipart "
            "with `file` (.txt, .md, .html; UTF-8 or GB18030/GBK). Refused with "
            "400 and nothing stored when empty, binary, undecodable, too large or "
            "already imported (the message names the existing article)."
        ),
        request={
            "application/json": api.ArticleImportInput,
            "multipart/form-data": api.ArticleImportInput,
        },
        responses={201: api.ArticleDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Paste text",
                value={
                    "title": "Nexusflow joins NVIDIA",
                    "url": "https://news.example.org/nexusflow",
                    "publisher": "Example News",
                    "published_on": "2025-06-30",
                    "text": "Nexusflow was founded in 2023. It raised $10.6M.",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Duplicate refused",
                value={
                    "text": ['This text is already imported as article 1 ("Seed").'],
                    "code": "duplicate",
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = api.ArticleImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        upload = values.get("file")
        field = "file" if upload else "text"
        try:
            if upload:
                importing.check_size(upload.size, settings.IMPORT_MAX_BYTES)
                extracted = importing.read_file(
                    upload.read(), upload.name, limit=settings.IMPORT_MAX_BYTES
                )
            else:
                extracted = importing.ExtractedText(text=values["text"])
            article = services.import_article(
                text=extracted.text,
                title=values.get("title") or extracted.title,
                url=values.get("url", ""),
                publisher=values.get("publisher", ""),
                published_on=values.get("published_on"),
                imported_by=request.user,
                heading_lines=extracted.heading_lines,
            )
        except importing.ImportRefused as error:
            where = error.code if error.code in ("title", "url") else field
            raise ValidationError(
                {where: [str(error.message)], "code": error.code}
            ) from None
        created = queries.articles_with_counts().defer(None).get(pk=article.pk)
        body = api.ArticleDetailSerializer(created, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


def _etag(claim: Claim) -> str:
    return f'"{claim.version}"'


# What a claim's representation reads besides its own row.
CLAIM_PREFETCH = (
    "verdict_by",
    Prefetch("sources", queryset=Source.objects.select_related("added_by")),
)


def _claim_queryset() -> QuerySet[Claim]:
    return Claim.objects.prefetch_related(*CLAIM_PREFETCH)


@extend_schema_view(
    list=extend_schema(
        summary="List claims",
        parameters=[
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                examples=[OpenApiExample("Since July", value="2025-07-01T00:00:00Z")],
            ),
            OpenApiParameter(
                "q", str, examples=[OpenApiExample("Name", value="焦建涛")]
            ),
        ],
        description=(
            "Filter by article, verdict, kind, `updated_since` (ISO 8601) and text "
            "search `q`. Ordered by last change, cursor-paginated: keep the newest "
            "`updated_at` you saw and pass it as `updated_since` next time to sync."
        ),
        responses={
            200: api.ClaimSerializer(many=True),
            400: ERRORS[400],
            401: ERRORS[401],
        },
    ),
    retrieve=extend_schema(
        summary="A claim with its sources",
        description="The `ETag` header carries the claim's version for `If-Match`.",
        responses={
            200: api.ClaimSerializer,
            304: OpenApiResponse(description="Not modified (If-None-Match matched)."),
            401: ERRORS[401],
            404: ERRORS[404],
        },
    ),
)
class ClaimViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = api.ClaimSerializer
    filterset_class = ClaimFilter
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Claim]:
        if self.action in ("partial_update", "add_source"):
            return Claim.objects.all()  # the write reads what it needs itself
        return _claim_queryset()

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        claim = self.get_object()
        if request.headers.get("If-None-Match") == _etag(claim):
            return Response(
                status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": _etag(claim)}
            )
        return self._claim_response(claim)

    @extend_schema(
        summary="Change a claim's verdict, rationale or kind",
        description=(
            'Send `If-Match: "<version>"` (the ETag from GET), or `version` in the '
            "body. A stale version is refused with **412** and the current claim; "
            "sending neither is refused with **428**. Fields left out stay as they are."
        ),
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='The claim\'s ETag, e.g. "3".',
            )
        ],
        request=api.ClaimPatchInput,
        responses={
            200: api.ClaimSerializer,
            **ERRORS,
            412: OpenApiResponse(
                api.ClaimSerializer, description="Stale version: the current claim."
            ),
            428: OpenApiResponse(description="No If-Match and no version."),
        },
        examples=[
            OpenApiExample(
                "Mark misstated",
                value={
                    "verdict": "misstated",
                    "rationale": "The scientist's name is 焦剑涛.",
                    "version": 3,
                },
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        claim = self.get_object()
        data = api.ClaimPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        expected = self._expected_version(request, values.get("version"))
        try:
            claim = services.edit_claim(
                claim=claim,
                editor=request.user,
                expected_version=expected,
                verdict=values.get("verdict"),
                rationale=values.get("rationale"),
                kind=values.get("kind"),
            )
        except services.StaleVersion as stale:
            return self._claim_response(
                stale.current, status.HTTP_412_PRECONDITION_FAILED
            )
        return self._claim_response(claim)

    @staticmethod
    def _expected_version(request: Request, body_version: int | None) -> int:
        header = request.headers.get("If-Match")
        if header is None:
            if body_version is None:
                raise PreconditionRequired()
            return body_version
        tag = header.strip().removeprefix("W/").strip('"')
        if not tag.isascii() or not tag.isdigit():
            raise ValidationError({"If-Match": [BAD_IF_MATCH]})
        return int(tag)

    def _claim_response(self, claim: Claim, code: int = status.HTTP_200_OK) -> Response:
        if not hasattr(claim, "_prefetched_objects_cache"):
            prefetch_related_objects([claim], *CLAIM_PREFETCH)
        body = self.get_serializer(claim).data
        return Response(body, status=code, headers={"ETag": _etag(claim)})

    @extend_schema(
        summary="Attach a source to a claim",
        description=(
            "http(s) URLs only; `title` is required. The claim's version goes up."
        ),
        request=api.SourceInput,
        responses={
            201: api.SourceSerializer,
            **ERRORS,
            412: OpenApiResponse(description="`version` given and stale."),
        },
        examples=[
            OpenApiExample(
                "A refuting source",
                value={
                    "url": "https://example.org/profile",
                    "title": "Profile of Jiantao Jiao",
                    "publisher": "Example University",
                    "quote": "Jiantao Jiao (焦剑涛) …",
                    "stance": "refutes",
                    "accessed_on": "2025-07-01",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="sources")
    def add_source(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        data = api.SourceInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("version", None)
        source = _source_call(
            lambda: services.add_source(
                claim=claim, added_by=request.user, expected_version=expected, **values
            )
        )
        if isinstance(source, Response):
            return source
        return Response(
            api.SourceSerializer(source).data, status=status.HTTP_201_CREATED
        )


class PreconditionRequired(APIException):
    """No version was sent with a claim change."""

    status_code = 428
    default_detail = PRECONDITION_REQUIRED
    default_code = "precondition_required"


def _source_call(call):
    """Run a source service call; domain refusals become 400 or 412 responses."""
    try:
        return call()
    except DjangoValidationError as error:
        field = error.code if error.code in ("url", "title", "stance") else "detail"
        raise ValidationError({field: error.messages}) from None
    except services.StaleVersion as stale:
        return Response(
            {"detail": str(stale), "version": stale.current.version},
            status=status.HTTP_412_PRECONDITION_FAILED,
        )


@extend_schema_view(
    retrieve=extend_schema(
        summary="A source",
        responses={200: api.SourceSerializer, 401: ERRORS[401], 404: ERRORS[404]},
    ),
    destroy=extend_schema(
        summary="Remove a source",
        parameters=[
            OpenApiParameter(
                "version",
                int,
                description=(
                    "The claim's version; if given, a stale one is refused (412)."
                ),
            )
        ],
        responses={
            204: None,
            **ERRORS,
            412: OpenApiResponse(description="Stale version."),
        },
    ),
)
class SourceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = api.SourceSerializer
    queryset = Source.objects.select_related("added_by", "claim")
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(
        summary="Change a source",
        request=api.SourcePatchInput,
        responses={
            200: api.SourceSerializer,
            **ERRORS,
            412: OpenApiResponse(description="Stale version."),
        },
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        source = self.get_object()
        data = api.SourcePatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("version", None)
        current = {
            field: getattr(source, field)
            for field in ("url", "title", "publisher", "quote", "stance", "accessed_on")
        }
        result = _source_call(
            lambda: services.update_source(
                source=source,
                editor=request.user,
                expected_version=expected,
                **(current | values),
            )
        )
        if isinstance(result, Response):
            return result
        return Response(api.SourceSerializer(result).data)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        source = self.get_object()
        version = request.query_params.get("version")
        if version is not None and not (version.isascii() and version.isdigit()):
            raise ValidationError({"version": ["A whole number."]})
        result = _source_call(
            lambda: services.remove_source(
                source=source,
                editor=request.user,
                expected_version=int(version) if version else None,
            )
        )
        if isinstance(result, Response):
            return result
        return Response(status=status.HTTP_204_NO_CONTENT)


EXPORT_PARAMETERS = [
    OpenApiParameter(
        "article",
        int,
        description="Only this article's claims.",
        examples=[OpenApiExample("The demo article", value=1)],
    ),
    OpenApiParameter(
        "verdict", str, enum=Verdict.values, description="Only this verdict."
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
            "position": 5,
            "start": 144,
            "end": 173,
            "text": "这两位科学家分别是朱邦华和焦建涛,他们的履历堪称“开挂”。",
            "kind": "claim",
            "verdict": "misstated",
            "rationale": "The scientist's name is 焦剑涛 (Jiantao Jiao).",
            "verdict_by": "editor",
            "verdict_at": "2025-07-01T08:00:00Z",
            "updated_at": "2025-07-01T08:00:00Z",
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


class ExportView(APIView):
    """Streams every matching claim in one format; anonymous readers get only
    claims with a verdict."""

    permission_classes = [AllowAny]
    format_name = "json"
    filename = "verdicts.json"

    @extend_schema(
        parameters=EXPORT_PARAMETERS,
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The export, streamed.",
                examples=[EXPORT_ROW_EXAMPLE],
            ),
            400: ERRORS[400],
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        query = api.ExportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        unknown = sorted(set(request.query_params) - set(query.fields) - {"format"})
        if unknown:
            raise ValidationError({name: ["Unknown filter."] for name in unknown})
        claims = queries.claims_for_export(
            **query.validated_data, public=not request.user.is_authenticated
        )
        urls = exporters.export_urls(request.build_absolute_uri("/"))
        urls["collection_url"] = request.build_absolute_uri()
        chunks = exporters.export_chunks(
            self.format_name,
            claims,
            urls=urls,
            organisation=settings.FACTCHECK_ORGANISATION,
        )
        response = StreamingHttpResponse(
            chunks, content_type=exporters.CONTENT_TYPES[self.format_name]
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


@extend_schema(
    summary="Export verdicts as JSON",
    description=(
        "One object per claim: article id, title and URL, position, offsets, "
        "text, kind, verdict, rationale, who and when, and the sources."
    ),
)
class JsonExport(ExportView):
    pass


@extend_schema(
    summary="Export verdicts as CSV",
    description=(
        "One row per claim, UTF-8 with a byte order mark so Excel reads Chinese "
        "text; `sources` is a JSON array. Cells that would start a formula get a "
        "leading apostrophe."
    ),
)
class CsvExport(ExportView):
    format_name = "csv"
    filename = "verdicts.csv"


@extend_schema(
    summary="Export schema.org ClaimReview JSON-LD",
    description=(
        "One ClaimReview per claim with a verdict. Rating scale: 1 misstated, "
        "2 disputed, 3 verified; `url` is the claim's anchor on the public report."
    ),
)
class ClaimReviewExport(ExportView):
    format_name = "claimreview"
    filename = "claimreview.jsonld"


@extend_schema(
    summary="Export W3C Web Annotations",
    description=(
        "An AnnotationCollection whose embedded page holds one `assessing` "
        "Annotation per verdict, targeting the claim's text with a "
        "TextQuoteSelector and a TextPositionSelector; sources are `linking` "
        "bodies."
    ),
)
class AnnotationExport(ExportView):
    format_name = "w3c"
    filename = "annotations.jsonld"
