"""The REST API (/api/v1/). Thin: parse, call a service or query, serialize."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms.utils import ErrorList
from django.http import QueryDict, StreamingHttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import (
    assisting,
    claimants,
    exporters,
    history,
    importing,
    jobs,
    queries,
    ratings,
    returning,
    reviewing,
    roles,
    services,
    versions,
)
from ..models import Article, Claim, Job, JobKind, JobStatus, Kind, Status
from . import schema as _schema  # noqa: F401 (registers the schema extension)
from . import serializers as api
from .pagination import CLAIM_ORDERINGS, ClaimCursor, NewestFirst, SearchCursor
from .serializers import MAX_ID

PRECONDITION_REQUIRED = (
    "Send If-Match with the claim's ETag, or the claim's version in the body, "
    "so a change made meanwhile is not overwritten."
)
BAD_IF_MATCH = 'If-Match must be the claim\'s ETag, such as "3".'
# An ETag as the claim's answers carry it ("3"), weak or bare also taken.
IF_MATCH_PATTERN = r'^(?:W/)?(?:"[0-9]{1,18}"|[0-9]{1,18})$'
BLANK_FILTER = "Give a value, or leave the parameter out."
NO_ORIGINAL = "No claim {id} to reuse: the original must be a claim in a live article."
NO_VERSION = "The article has no version {number}: the current one is {current}."
NOTHING_NEWER = "Version {number} is the current one: there is no newer one to compare."

ERRORS = {
    400: OpenApiResponse(description="Invalid input: field-level messages."),
    401: OpenApiResponse(description="Not signed in (send a session or a token)."),
    403: OpenApiResponse(
        description="Signed in, but your role does not allow it (the message says "
        "which role to ask for), or the two-person rule refuses it."
    ),
    404: OpenApiResponse(description="No such object."),
}
# Answers of every read of one object, and of every list.
READ_ERRORS = {code: ERRORS[code] for code in (401, 403, 404)}
LIST_ERRORS = {
    **ERRORS,
    400: OpenApiResponse(description="Unknown or invalid query parameters."),
    404: OpenApiResponse(description="Invalid cursor."),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": IF_MATCH_PATTERN},
    OpenApiParameter.HEADER,
    description='The claim\'s ETag, e.g. "3".',
)
# Answers of every write guarded by the claim's version.
VERSIONED = {
    412: OpenApiResponse(
        api.ClaimSerializer, description="Stale version: the current claim."
    ),
    428: OpenApiResponse(description="No If-Match and no version."),
}


VERDICT_PARAMETER = {"type": "string", "minLength": 1}


class StrictFilterSet(filters.FilterSet):
    """Refuses query parameters it does not know (a typo must not widen a sync),
    and blank values of filters other than text (an empty ``status=`` is no
    status, not "any")."""

    allowed_extra = frozenset({"cursor", "page_size", "format"})

    def is_valid(self) -> bool:
        valid = super().is_valid()
        unknown = sorted(set(self.data) - set(self.filters) - self.allowed_extra)
        for name in unknown:
            self.form.errors[name] = ErrorList(
                [f"Unknown filter. Known: {', '.join(self.filters)}."]
            )
        blank = [
            name
            for name, value in self.data.items()
            if value == ""
            and name in self.filters
            and not isinstance(self.filters[name], filters.CharFilter)
        ]
        for name in blank:
            self.form.errors[name] = ErrorList([BLANK_FILTER])
        return valid and not unknown and not blank


class IdFilter(filters.NumberFilter):
    """A whole-number id within the database's integer range."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class ScoreFilter(filters.NumberFilter):
    """A number from 0 to 1."""

    field_class = forms.FloatField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=0, max_value=1, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is refused, not taken as "any"."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError("Send true or false.", code="invalid")


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, widget=forms.TextInput, **kwargs)


class ArticleFilter(StrictFilterSet):
    q = filters.CharFilter(
        field_name="title", lookup_expr="icontains", label="Title contains"
    )

    class Meta:
        model = Article
        fields = ("q", "language")


# The scale is data, so the schema names no enum: it refuses a blank value.
@extend_schema_field(VERDICT_PARAMETER)
class VerdictFilter(filters.ChoiceFilter):
    """A verdict: a key of the rating scale (read per request), or unreviewed."""

    def __init__(self, **kwargs) -> None:
        choices = partial(ratings.choices, unreviewed=True, retired=True)
        super().__init__(choices=choices, **kwargs)


class ClaimFilter(StrictFilterSet):
    article = IdFilter(field_name="article_id", label="Article id")
    verdict = VerdictFilter()
    kind = filters.ChoiceFilter(choices=Kind.choices)
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Changed at or after (ISO 8601)",
    )
    status = filters.ChoiceFilter(choices=Status.choices, label="Review status")
    assignee = filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(),
        to_field_name="username",
        null_label="Unassigned",
        label="Assigned to (a username, or null for unassigned claims)",
        error_messages={"invalid_choice": "No user is named %(value)s."},
    )
    q = filters.CharFilter(method="search", label="Text or rationale contains")
    min_checkworthiness = ScoreFilter(
        field_name="worth",
        lookup_expr="gte",
        label="Check-worthiness at least (0 to 1)",
    )
    hint = filters.ChoiceFilter(
        choices=api.HINT_TYPES,
        method="with_hint",
        label="Has at least one hint of this type",
    )
    text_changed = BooleanFilter(
        field_name="text_changed", label="Words changed by a new version"
    )
    orphaned = BooleanFilter(
        field_name="orphaned",
        label="Not in the article's current version (left out unless true)",
    )
    ordering = filters.ChoiceFilter(
        choices=[(name, name) for name in CLAIM_ORDERINGS],
        method="ordered",
        label="updated_at (the default, for syncing), -checkworthiness (most "
        "check-worthy first), checkworthiness; worth and -worth are the same",
    )

    class Meta:
        model = Claim
        fields = (
            "article",
            "verdict",
            "kind",
            "status",
            "assignee",
            "updated_since",
            "q",
            "min_checkworthiness",
            "hint",
            "text_changed",
            "orphaned",
            "ordering",
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Orphans are listed only when asked for.
        if self.form.cleaned_data.get("orphaned") is None:
            queryset = queryset.filter(orphaned=False)
        return super().filter_queryset(queryset)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(text__icontains=value) | Q(rationale__icontains=value))

    def with_hint(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queries.with_hint(queryset, value)

    def ordered(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # the pagination orders (ClaimCursor), so its cursor agrees


class AnswerInTheWriteTransaction:
    """A write and the answer read back after it share one transaction.

    The services commit each write in its own transaction; the answer (the
    claim as it now is, its sources) is read after that. Were the database
    to go away in between, the client would get a 503 for a write that was
    saved. Inside one transaction, a failed read rolls the write back too:
    a 503 then means nothing was saved. (Each service's own transaction
    becomes a savepoint, so a refused write still leaves nothing behind.)

    The transaction begins only once the request is authenticated, allowed
    and its body read and parsed: on SQLite it takes the write lock as it
    begins, and a slow upload must not keep other writers waiting. Actions
    in ``own_transaction`` do their long preparation (extracting and
    segmenting a text, analysing) outside it and open their own.
    """

    own_transaction: frozenset[str] = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with ExitStack() as self._write_transaction:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in SAFE_METHODS:
            return
        request.data  # noqa: B018 (reads and parses the body: 400 if malformed)
        if self.action not in self.own_transaction:
            self._write_transaction.enter_context(transaction.atomic())


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description="Newest first, with claim counts per verdict. Cursor-paginated.",
        parameters=[
            OpenApiParameter(
                "q", str, examples=[OpenApiExample("Title", value="英伟达")]
            )
        ],
        responses={200: api.ArticleSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="An article with its full text",
        description="`text` is the stored text every claim offset refers to.",
        responses={200: api.ArticleDetailSerializer, **READ_ERRORS},
    ),
)
class ArticleViewSet(
    AnswerInTheWriteTransaction,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = api.ArticleSerializer
    filterset_class = ArticleFilter
    pagination_class = NewestFirst
    # JSON; multipart only for the text sent as a file.
    parser_classes = [JSONParser, MultiPartParser]
    write_permissions = {"publish": roles.REVIEW, "version_list": roles.IMPORT}
    own_transaction = frozenset({"create", "version_list", "analyse"})

    def get_queryset(self) -> QuerySet[Article]:
        if self.action == "list":
            return queries.articles_for_api()
        if self.action == "retrieve":
            # The text is part of the detail.
            return queries.articles_for_api().defer(None)
        return queries.live_articles().defer("text")  # actions read what they need

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
            "with `file` (.txt, .md, .html, .docx, .pdf; text in UTF-8 or "
            "GB18030/GBK), or only `url` to fetch the article from that link "
            "(its title, site, date and main text are extracted; the page is "
            "kept as fetched). A link is fetched within this request, bounded "
            "by FETCH_TIMEOUT and the import size limit (the browser's import "
            "page queues a fetch job instead); the article's analysis is "
            "queued (`analysis_job`). Refused with 400 and nothing stored when empty, "
            "binary, undecodable, too large, a PDF without a text layer, a link "
            "that does not answer with an article (`code` starts with `link_`) "
            "or already imported (the message names the existing article)."
        ),
        request={
            "application/json": api.ArticleTextImportInput,
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
        values = _parsed(
            api.ArticleImportInput if _is_form(request) else api.ArticleTextImportInput,
            request,
        )
        field = "file" if values.get("file") else "text"
        try:
            if "text" in values or values.get("file"):
                extracted = _extracted(values)
            else:
                extracted = importing.read_link(values["url"])
            plan = services.plan_import(
                text=extracted.text,
                title=values.get("title") or extracted.title,
                url=values.get("url", ""),
                heading_lines=extracted.heading_lines,
                imported_by=request.user,
            )
            # The store and the answer read share a transaction (see
            # AnswerInTheWriteTransaction); segmenting came before it and a
            # worker analyses the claims, so the write lock is held briefly.
            with transaction.atomic():
                article = services.store_import(
                    plan=plan,
                    publisher=values.get("publisher") or extracted.publisher,
                    published_on=values.get("published_on") or extracted.published_on,
                    imported_by=request.user,
                    page=extracted.page,
                    author=extracted.author,
                )
                created = queries.articles_for_api().defer(None).get(pk=article.pk)
                body = api.ArticleDetailSerializer(
                    created, context={"request": request}
                ).data
        except importing.ImportRefused as error:
            link = error.code in ("title", "url") or error.code.startswith("link_")
            where = ("url" if error.code != "title" else "title") if link else field
            raise ValidationError(
                {where: [str(error.message)], "code": error.code}
            ) from None
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="An article's versions",
        description=(
            "Newest first, the current version (the article's text) included: "
            "its number is one more than the number of earlier versions."
        ),
        request=None,
        responses={200: api.VersionSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Import a new version of an article",
        description=(
            "Editors. The new text (JSON `text`, or multipart `file` decoded as "
            "on import) becomes the article's text and the old one an earlier "
            "version. Every claim is looked for in the new text: found with "
            "the same words, it keeps its verdict, sources and history (new "
            "offsets); found with other words, it is flagged `text_changed` "
            "and its verdict goes back to draft; not found, it becomes an "
            "orphan (kept, listed with `claims/?orphaned=true`). New sentences "
            "become new claims. Refused with 400 and nothing changed when the "
            "text is the current one, another article's, empty or too large."
        ),
        request={
            "application/json": api.VersionTextInput,
            "multipart/form-data": api.VersionInput,
        },
        responses={201: api.VersionOutcomeSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Unchanged refused",
                value={
                    "text": [str(versions.UNCHANGED)],
                    "code": "unchanged",
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="versions",
        filter_backends=[],
        pagination_class=None,
    )
    def version_list(self, request: Request, pk: str | None = None) -> Response:
        article = self.get_object()
        if request.method == "GET":
            rows = [
                queries.current_version(article),
                *queries.versions_with_length(article),
            ]
            return Response(api.VersionSerializer(rows, many=True).data)
        values = _parsed(
            api.VersionInput if _is_form(request) else api.VersionTextInput, request
        )
        field = "file" if values.get("file") else "text"
        try:
            extracted = _extracted(values)
            outcome = versions.import_new_version(
                article=article,
                text=extracted.text,
                imported_by=request.user,
                heading_lines=extracted.heading_lines,
            )
        except importing.ImportRefused as error:
            raise ValidationError(
                {field: [str(error.message)], "code": error.code}
            ) from None
        return Response(
            api.VersionOutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="One version's text, or what the next version changed",
        description=(
            "Version `number` of the article with its text; the current "
            "version's number is one more than the count of earlier ones. With "
            "`diff=1`, the changes from this version to the next instead: "
            "`equal`, `delete` and `insert` runs in order (400 for the current "
            "version, which has no next)."
        ),
        parameters=[
            OpenApiParameter(
                "number",
                {"type": "integer", "minimum": 1, "maximum": 999_999_999},
                OpenApiParameter.PATH,
            ),
            api.VersionQuery,
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="VersionTextOrDiff",
                serializers=[api.VersionTextSerializer, api.VersionDiffSerializer],
                resource_type_field_name=None,
            ),
            **ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]{1,9})",
        filter_backends=[],
        pagination_class=None,
    )
    def version_detail(
        self, request: Request, pk: str | None = None, number: str = ""
    ) -> Response:
        article = self.get_object()
        show_diff = _query(api.VersionQuery, request)["diff"]
        wanted = int(number)
        current = queries.current_version(article)
        if not 1 <= wanted <= current.number:
            raise NotFound(NO_VERSION.format(number=wanted, current=current.number))
        if show_diff:
            if wanted == current.number:
                raise ValidationError({"diff": [NOTHING_NEWER.format(number=wanted)]})
            pieces = versions.diff(
                queries.version_text(article, wanted),
                queries.version_text(article, wanted + 1),
            )
            body = {"number": wanted, "against": wanted + 1, "diff": pieces}
            return Response(api.VersionDiffSerializer(body).data)
        row = (
            current
            if wanted == current.number
            else queries.versions_with_length(article).get(number=wanted)
        )
        body = {
            **api.VersionSerializer(row).data,
            "text": queries.version_text(article, wanted),
        }
        return Response(body)

    @extend_schema(
        summary="Analyse an article again",
        description=(
            "Editors. Queues the recomputation of every claim's hints (name "
            "variants, figures, contradictions), check-worthiness and "
            '"checked before" matches against the verdicts given since. '
            "Answers 202 with the job: follow it at `jobs/{id}/`, which counts "
            "the hints of each type once it is done."
        ),
        request=None,
        responses={202: api.JobSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def analyse(self, request: Request, pk: str | None = None) -> Response:
        article = self.get_object()
        job = jobs.queue_analysis(article=article, requested_by=request.user)
        return Response(job_body(job), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Publish an article's approved verdicts",
        description=(
            "Reviewers only. Every approved verdict of the article becomes "
            "public at once; drafts and rejected verdicts stay internal. "
            "Answers how many were published (0 when none was approved)."
        ),
        request=None,
        responses={200: api.PublishedCount, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def publish(self, request: Request, pk: str | None = None) -> Response:
        article = self.get_object()
        count = reviewing.publish_article(article=article, reviewer=request.user)
        return Response(api.PublishedCount({"published": count}).data)


def job_body(job: Job) -> dict:
    """The job as the API shows it; a finished analysis counts its hints."""
    done = job.kind == JobKind.ANALYSE and job.status == JobStatus.DONE
    job.hints = queries.hint_counts(Article(pk=job.article_id)) if done else None
    return api.JobSerializer(job).data


@extend_schema_view(
    retrieve=extend_schema(
        summary="A background job",
        description=(
            "An article's analysis, queued by an import, a split, a merge, a "
            "kind change, a new version or `articles/{id}/analyse/` (its "
            "`progress` in percent grows while it runs), a source's archiving "
            "(`archive`, with its `source`), a webhook delivery or a link "
            "fetched for the import page: `queued`, "
            "`running`, `done` or `failed` (after its retries; `error` says "
            "why). A failed attempt that will be retried is `queued` again, "
            "with its `error` and `retry_at`."
        ),
        responses={200: api.JobSerializer, **READ_ERRORS},
    )
)
class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = api.JobSerializer
    queryset = Job.objects.all()

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(job_body(self.get_object()))


def claim_response(claim: Claim, code: int = status.HTTP_200_OK) -> Response:
    """The claim as the API shows it, with its version as ETag: as the write
    read it back (annotations/returning.py), else read afresh."""
    current = claim
    if not returning.has_answer(claim):
        current = (
            queries.claims_for_api(include_deleted=True).filter(pk=claim.pk).first()
            or claim
        )
    return Response(
        api.ClaimSerializer(current).data, status=code, headers={"ETag": _etag(current)}
    )


def _etag(claim: Claim) -> str:
    return f'"{claim.version}"'


def expected_version(request: Request, body_version: int | None) -> int:
    """The version a claim write starts from: If-Match, else ``version`` in the
    body; neither is refused with 428."""
    header = request.headers.get("If-Match")
    if header is None:
        if body_version is None:
            raise PreconditionRequired()
        return body_version
    tag = header.strip()
    if not re.fullmatch(IF_MATCH_PATTERN, tag):
        raise ValidationError({"If-Match": [BAD_IF_MATCH]})
    return int(tag.removeprefix("W/").strip('"'))


def _is_form(request: Request) -> bool:
    return request.content_type.startswith("multipart/")


def _plain(data):
    """A form's or a query string's fields as a plain dict, so an empty value
    is checked like any other (DRF skips an optional field sent empty in a
    form, so ``?status=`` would mean no status, and ``published_on=`` no
    date)."""
    return data.dict() if isinstance(data, QueryDict) else data


def _parsed(serializer_class: type[api.StrictInput], request: Request) -> dict:
    data = serializer_class(
        data=_plain(request.data), context={"form": _is_form(request)}
    )
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _query(
    serializer_class: type, request: Request, also: frozenset[str] = frozenset()
) -> dict:
    """Query parameters parsed by ``serializer_class``; unknown ones refused
    (``also`` names those others read, such as the pagination's)."""
    data = serializer_class(data=_plain(request.query_params))
    data.is_valid(raise_exception=True)
    unknown = sorted(set(request.query_params) - set(data.fields) - {"format", *also})
    if unknown:
        raise ValidationError({name: ["Unknown parameter."] for name in unknown})
    return dict(data.validated_data)


def _extracted(values: dict) -> importing.ExtractedText:
    """The text sent as ``text``, or the uploaded ``file`` decoded as on import."""
    upload = values.get("file")
    if not upload:
        return importing.ExtractedText(text=values["text"])
    importing.check_size(upload.size, settings.IMPORT_MAX_BYTES)
    return importing.read_file(
        upload.read(), upload.name, limit=settings.IMPORT_MAX_BYTES
    )


# One claim's actions: the claim list's filters must not apply to finding it,
# and what they list is short and unpaged.
CLAIM_ACTION = {"filter_backends": [], "pagination_class": None}


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
            OpenApiParameter(
                "assignee",
                {"type": "string", "minLength": 1},
                examples=[OpenApiExample("Mine", value="editor")],
            ),
            OpenApiParameter(
                "article",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                description="Article id",
            ),
            OpenApiParameter(
                "min_checkworthiness",
                {"type": "number", "minimum": 0, "maximum": 1},
                description="Check-worthiness at least (0 to 1)",
            ),
        ],
        description=(
            "Filter by article, verdict, kind, review `status`, `assignee` "
            "(a username, or `null`), `updated_since` (ISO 8601), text search "
            "`q`, `min_checkworthiness` (0 to 1), `hint` (claims with at least "
            "one hint of that type), `text_changed` and `orphaned` (true/false). "
            "Claims a new version of their article no longer contains "
            "(orphans) are left out unless `orphaned=true`. Ordered by last "
            "change, cursor-paginated: keep the newest `updated_at` you saw and "
            "pass it as `updated_since` next time to sync. `ordering="
            "-checkworthiness` (or `-worth`) lists the most check-worthy "
            "claims first, `checkworthiness` (or `worth`) the least."
        ),
        responses={200: api.ClaimSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A claim with its sources",
        description="The `ETag` header carries the claim's version for `If-Match`. "
        "`{id}` may also be the claim's `public_id` (what W3C annotation ids use).",
        responses={
            200: api.ClaimSerializer,
            304: OpenApiResponse(description="Not modified (If-None-Match matched)."),
            401: ERRORS[401],
            403: ERRORS[403],
            404: ERRORS[404],
        },
    ),
)
class ClaimViewSet(
    AnswerInTheWriteTransaction,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = api.ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = ClaimCursor
    parser_classes = [JSONParser]
    http_method_names = ["get", "patch", "post", "head", "options"]
    # The first gate (EditorOrReadOnly); the services check again.
    write_permissions = {
        "approve": roles.REVIEW,
        "reject": roles.REVIEW,
        "publish": roles.REVIEW,
        "comments": roles.COMMENT,
    }

    def get_queryset(self) -> QuerySet[Claim]:
        # Orphans (no longer in their article's text) can be read, not changed.
        if self.action in ("list", "retrieve"):
            return queries.api_claims_with_orphans()
        # The action reads what it needs itself.
        if self.request.method in SAFE_METHODS:
            return queries.live_claims_with_orphans()
        return queries.live_claims()

    def get_object(self) -> Claim:
        # W3C annotation ids name a claim by its public id, the API's own
        # links by its database id: either finds it (a public id is never
        # all digits).
        key = self.kwargs["pk"]
        if not (key.isascii() and key.isdigit()):
            self.lookup_field, self.lookup_url_kwarg = "public_id", "pk"
        return super().get_object()

    def filter_queryset(self, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        # The list's filters must not decide whether one claim is found.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        claim = self.get_object()
        if request.headers.get("If-None-Match") == _etag(claim):
            return Response(
                status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": _etag(claim)}
            )
        # Read with what it shows already (get_queryset), so not read again.
        body = api.ClaimSerializer(claim).data
        return Response(body, headers={"ETag": _etag(claim)})

    @extend_schema(
        summary="Change a claim's verdict, rationale or kind",
        description=(
            'Send `If-Match: "<version>"` (the ETag from GET), or `version` in the '
            "body. A stale version is refused with **412** and the current claim; "
            "sending neither is refused with **428**. Fields left out stay as they "
            "are. A new verdict or rationale makes you its author and the claim a "
            "draft, to be approved again; published verdicts change only through "
            "a correction (400)."
        ),
        parameters=[IF_MATCH],
        request=api.ClaimPatchInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
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
        values = _parsed(api.ClaimPatchInput, request)
        claim = services.edit_claim(
            claim=claim,
            editor=request.user,
            expected_version=expected_version(request, values.get("version")),
            verdict=values.get("verdict"),
            rationale=values.get("rationale"),
            kind=values.get("kind"),
            comment=values["comment"],
        )
        return claim_response(claim)

    @extend_schema(
        summary="Attach a source to a claim",
        description=(
            "http(s) URLs only; `title` is required. The claim's version goes up; "
            "an approved verdict goes back to draft."
        ),
        request=api.SourceInput,
        responses={
            201: api.SourceSerializer,
            **ERRORS,
            412: VERSIONED[412],
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
    @action(detail=True, methods=["post"], url_path="sources", **CLAIM_ACTION)
    def add_source(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = _parsed(api.SourceInput, request)
        expected = values.pop("version", None)
        source = services.add_source(
            claim=claim, added_by=request.user, expected_version=expected, **values
        )
        return Response(
            api.SourceSerializer(source).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Approve a draft verdict, or the correction waiting on a claim",
        description=(
            "Reviewers only, and not the verdict's author (or the correction's "
            "proposer): 403 otherwise. Needs a source, unless the verdict is "
            "verified and its rationale quotes the article in quotation marks "
            "(400, keyed `sources`). The claim's version is required (If-Match "
            "or `version`)."
        ),
        parameters=[IF_MATCH],
        request=api.ReviewInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Approve",
                value={"comment": "Checked the profile page.", "version": 4},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def approve(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = _parsed(api.ReviewInput, request)
        claim = reviewing.approve(
            claim=claim,
            reviewer=request.user,
            expected_version=expected_version(request, values.get("version")),
            comment=values["comment"],
        )
        return claim_response(claim)

    @extend_schema(
        summary="Send a verdict back to its editor, or turn down a correction",
        description=(
            "Reviewers only. `comment` (why) is required: it joins the claim's "
            "discussion. A draft or approved verdict becomes `rejected`; editing "
            "it makes it a draft again."
        ),
        parameters=[IF_MATCH],
        request=api.RejectInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Reject",
                value={"comment": "The source is a press release.", "version": 4},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = _parsed(api.RejectInput, request)
        claim = reviewing.reject(
            claim=claim,
            reviewer=request.user,
            expected_version=expected_version(request, values.get("version")),
            comment=values.get("comment", ""),
        )
        return claim_response(claim)

    @extend_schema(
        summary="Publish an approved verdict",
        description=(
            "Reviewers only. The verdict appears on the public report and in "
            "anonymous exports, and is frozen: it changes only by correction."
        ),
        parameters=[IF_MATCH],
        request=api.PublishInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
    )
    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def publish(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = _parsed(api.PublishInput, request)
        claim = reviewing.publish(
            claim=claim,
            reviewer=request.user,
            expected_version=expected_version(request, values.get("version")),
        )
        return claim_response(claim)

    @extend_schema(
        summary="Put a claim in an editor's queue",
        description=(
            "Editors. `assignee` is the username of someone with the editor "
            "role, or null to take the claim out of every queue."
        ),
        parameters=[IF_MATCH],
        request=api.AssignInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Assign",
                value={"assignee": "editor", "version": 4},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = _parsed(api.AssignInput, request)
        claim = services.assign_claim(
            claim=claim,
            assignee=values["assignee"],
            by=request.user,
            expected_version=expected_version(request, values.get("version")),
        )
        return claim_response(claim)

    @extend_schema(
        summary="Say who made a claim, and where and when it appeared",
        description=(
            "Editors. `name` and `type` (person or organisation) find the "
            "claimant, or make a new one; `role` replaces theirs when sent. "
            "`appearance_url` (http(s)) and `appearance_date` (not after today) "
            "say where and when the claim appeared; blank or null, the article's "
            "own address and date stand in, in the exports too. A blank `name` "
            "clears the claimant. Published claims take it too: it does not "
            "change the verdict. Exports carry it: ClaimReview's "
            "`itemReviewed.author` and `appearance`, W3C an `identifying` body "
            "and a second target."
        ),
        parameters=[IF_MATCH],
        request=api.ClaimantInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "A founder's claim in an interview",
                value={
                    "name": "Jensen Huang",
                    "type": "person",
                    "role": "company founder",
                    "appearance_url": "https://example.org/interview",
                    "appearance_date": "2025-06-28",
                    "version": 4,
                },
                request_only=True,
            )
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="claimant",
        url_name="claimant",
        **CLAIM_ACTION,
    )
    def set_claimant(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = _parsed(api.ClaimantInput, request)
        claim = claimants.set_claimant(
            claim=claim,
            editor=request.user,
            expected_version=expected_version(request, values.get("version")),
            name=values["name"],
            claimant_type=values["type"],
            role=values.get("role"),
            appearance_url=values["appearance_url"],
            appearance_date=values["appearance_date"],
        )
        return claim_response(claim)

    @extend_schema(
        methods=["GET"],
        summary="A claim's corrections",
        description="Every correction proposed, oldest first, with its outcome.",
        request=None,
        responses={200: api.CorrectionSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Propose a correction of a published verdict",
        description=(
            "Editors. Published verdicts are frozen: a correction names its "
            "`reason` (shown publicly), the new `verdict` and `rationale`. "
            "Someone other than the proposer approves it (POST .../approve/). "
            "One pending correction per claim."
        ),
        parameters=[IF_MATCH],
        request=api.CorrectionInput,
        responses={201: api.CorrectionSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Correct",
                value={
                    "reason": "The university corrected its profile page.",
                    "verdict": "disputed",
                    "rationale": "Two sources now disagree on the name.",
                    "version": 6,
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["get", "post"], **CLAIM_ACTION)
    def corrections(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        if request.method == "GET":
            rows = queries.corrections_of(claim)
            return Response(api.CorrectionSerializer(rows, many=True).data)
        values = _parsed(api.CorrectionInput, request)
        correction = reviewing.propose_correction(
            claim=claim,
            editor=request.user,
            verdict=values["verdict"],
            rationale=values["rationale"],
            reason=values["reason"],
            expected_version=expected_version(request, values.get("version")),
        )
        created = queries.corrections_of(claim).get(pk=correction.pk)
        return Response(
            api.CorrectionSerializer(created).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        methods=["GET"],
        summary="A claim's internal discussion",
        description="Comments and rejection notes, oldest first. Never public.",
        request=None,
        responses={200: api.CommentSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on a claim",
        description="Any role that may comment, viewers included.",
        request=api.CommentInput,
        responses={201: api.CommentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], **CLAIM_ACTION)
    def comments(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        if request.method == "GET":
            rows = queries.comments_of(claim)
            return Response(api.CommentSerializer(rows, many=True).data)
        values = _parsed(api.CommentInput, request)
        comment = services.add_comment(
            claim=claim, author=request.user, text=values["text"]
        )
        created = queries.comments_of(claim).get(pk=comment.pk)
        return Response(
            api.CommentSerializer(created).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Everything that happened to a claim",
        description=(
            "Oldest first: each change to the claim and its sources with the old "
            "and new value of every field that changed, who made it and their "
            "comment, and the corrections proposed and decided."
        ),
        responses={200: api.HistoryEntrySerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="history", **CLAIM_ACTION)
    def claim_history(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        entries = history.claim_history(claim.pk)
        return Response(api.HistoryEntrySerializer(entries, many=True).data)

    @extend_schema(
        summary="Have we checked this before?",
        description=(
            "Verdicts this desk gave to the same words (after normalising "
            "width, traditional/simplified script, case and punctuation) in "
            "other articles, most alike first, looked up now. Each names the "
            "earlier claim and its article, verdict, date, sources and how "
            "alike it is (0-100). Reuse one with POST .../reuse/."
        ),
        responses={200: api.MatchSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], **CLAIM_ACTION)
    def matches(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        found = assisting.past_verdicts([claim]).get(claim.pk, [])
        queries.prefetch_sources([match.claim for match in found])
        context = {"request": request}
        return Response(api.MatchSerializer(found, many=True, context=context).data)

    @extend_schema(
        summary="Reuse a verdict given to the same claim elsewhere",
        description=(
            "Editors. Copies the `original` claim's verdict, rationale (with a "
            "line crediting it) and sources to this claim as a **draft**: a "
            "reviewer still approves and publishes it. 400 when the original "
            "has no verdict or is this claim; 404 when there is no such live "
            "claim; 412 when this claim changed meanwhile."
        ),
        parameters=[IF_MATCH],
        request=api.ReuseInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Reuse", value={"original": 5, "version": 1}, request_only=True
            )
        ],
    )
    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def reuse(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = _parsed(api.ReuseInput, request)
        expected = expected_version(request, values.get("version"))
        try:
            original = queries.claim_to_reuse(values["original"])
        except Claim.DoesNotExist:
            raise NotFound(
                {"original": [NO_ORIGINAL.format(id=values["original"])]}
            ) from None
        claim = assisting.reuse_verdict(
            claim=claim,
            original=original,
            editor=request.user,
            expected_version=expected,
        )
        return claim_response(claim)


@extend_schema(
    summary="Search the desk's claims",
    description=(
        "Claims whose text, rationale or a source's title contains every word "
        "of `q` (substring matching, so Chinese needs no spaces between "
        "words), most recently changed first, cursor-paginated. Narrow with "
        "`verdict` and the dates the verdict was given (`from`, `until`, "
        "YYYY-MM-DD). Orphans and deleted articles are left out."
    ),
    parameters=[
        api.SearchQuery,
        OpenApiParameter(
            "q",
            # At least one word (SearchQuery.validate).
            {"type": "string", "maxLength": 200, "pattern": api.NOT_BLANK},
            required=True,
            examples=[
                OpenApiExample("Chinese", value="焦剑涛 清华"),
                OpenApiExample("English", value="Nexusflow"),
            ],
        ),
    ],
    responses={200: api.SearchResultSerializer(many=True), **LIST_ERRORS},
)
class SearchView(generics.GenericAPIView):
    serializer_class = api.SearchResultSerializer
    pagination_class = SearchCursor
    filter_backends: list = []
    # Asked for only by the browsable API's filter form, which has none here:
    # get() builds the search itself.
    queryset = Claim.objects.none()
    paging = frozenset({"cursor", "page_size"})

    def get(self, request: Request) -> Response:
        params = _query(api.SearchQuery, request, also=self.paging)
        claims = queries.search_claims(
            params["q"],
            verdict=params.get("verdict"),
            checked_from=params.get("from"),
            checked_until=params.get("until"),
        )
        page = self.paginate_queryset(claims)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PreconditionRequired(APIException):
    """No version was sent with a claim change."""

    status_code = 428
    default_detail = PRECONDITION_REQUIRED
    default_code = "precondition_required"


@extend_schema_view(
    retrieve=extend_schema(
        summary="A source",
        responses={200: api.SourceSerializer, **READ_ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove a source",
        parameters=[api.SourceDeleteQuery],
        responses={204: None, **ERRORS, 412: VERSIONED[412]},
    ),
)
class SourceViewSet(
    AnswerInTheWriteTransaction, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = api.SourceSerializer
    queryset = queries.sources_with_claim()
    parser_classes = [JSONParser]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(
        summary="Change a source",
        request=api.SourcePatchInput,
        responses={200: api.SourceSerializer, **ERRORS, 412: VERSIONED[412]},
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        source = self.get_object()
        values = _parsed(api.SourcePatchInput, request)
        expected = values.pop("version", None)
        current = {
            field: getattr(source, field)
            for field in ("url", "title", "publisher", "quote", "stance", "accessed_on")
        }
        result = services.update_source(
            source=source,
            editor=request.user,
            expected_version=expected,
            **(current | values),
        )
        return Response(api.SourceSerializer(result).data)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        source = self.get_object()
        params = _query(api.SourceDeleteQuery, request)
        services.remove_source(
            source=source, editor=request.user, expected_version=params.get("version")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


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
                    "ratingValue": {"type": "integer", "minimum": 1, "maximum": 3},
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


def export_schema(media_type: str, body, **kwargs) -> Callable:
    """An export's parameters and answers: the body in its media type."""
    return extend_schema(
        parameters=EXPORT_PARAMETERS,
        responses={
            (200, media_type): OpenApiResponse(
                body, description="The export, streamed.", **kwargs
            ),
            400: LIST_ERRORS[400],
            429: OpenApiResponse(
                description="Too many anonymous requests: retry after a while."
            ),
        },
    )


class ExportView(APIView):
    """Streams every matching claim in one format.

    Clients without a role that may read the desk (anonymous ones above all)
    get published verdicts only, from the same query as everyone: a filter
    naming unpublished work answers exactly like one naming nothing.
    """

    permission_classes = [AllowAny]
    format_name = "json"
    filename = "verdicts.json"

    def get(self, request: Request) -> StreamingHttpResponse:
        query = api.ExportQuery(data=_plain(request.query_params))
        query.is_valid(raise_exception=True)
        unknown = sorted(set(request.query_params) - set(query.fields) - {"format"})
        if unknown:
            raise ValidationError({name: ["Unknown filter."] for name in unknown})
        claims = queries.claims_for_export(
            **query.validated_data, public=not roles.can(request.user, roles.VIEW)
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


@export_schema(
    "application/json",
    api.ExportRowSerializer(many=True),
    examples=[EXPORT_ROW_EXAMPLE],
)
@extend_schema(
    summary="Export verdicts as JSON",
    description=(
        "One object per claim: article id, title and URL, position, offsets, "
        "text, kind, verdict, review status, rationale, who and when (written, "
        "published, last changed), and the sources. Anonymous clients get "
        "published verdicts only."
    ),
)
class JsonExport(ExportView):
    pass


@export_schema("text/csv", OpenApiTypes.STR)
@extend_schema(
    summary="Export verdicts as CSV",
    description=(
        "One row per claim, with the JSON export's fields as columns; UTF-8 with "
        "a byte order mark so Excel reads Chinese text; `sources` is a JSON "
        "array. Cells that would start a formula get a leading apostrophe."
    ),
)
class CsvExport(ExportView):
    format_name = "csv"
    filename = "verdicts.csv"


@export_schema("application/ld+json", CLAIM_REVIEW_SCHEMA)
@extend_schema(
    summary="Export schema.org ClaimReview JSON-LD",
    description=(
        "One ClaimReview per claim with a verdict (published ones only for "
        "anonymous clients). `reviewRating` carries the rating's own numbers "
        "and name, as the admin's rating scale sets them; "
        "`url` is the claim's anchor on the public report; `datePublished` is "
        "the first publication, `dateModified` the last change (corrections "
        "included), `creativeWorkStatus` the review status."
    ),
)
class ClaimReviewExport(ExportView):
    format_name = "claimreview"
    filename = "claimreview.jsonld"


@export_schema("application/ld+json", W3C_SCHEMA)
@extend_schema(
    summary="Export W3C Web Annotations",
    description=(
        "An AnnotationCollection whose embedded page holds one `assessing` "
        "Annotation per verdict (published ones only for anonymous clients), "
        "targeting the claim's text with a TextQuoteSelector and a "
        "TextPositionSelector; sources are `linking` bodies."
    ),
)
class AnnotationExport(ExportView):
    format_name = "w3c"
    filename = "annotations.jsonld"
