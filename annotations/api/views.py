"""The REST API (/api/v1/). Thin: parse, call a service or query, serialize."""

from __future__ import annotations

from contextlib import ExitStack

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from .. import assisting, history, importing, jobs, queries, roles, services
from ..models import Article, Claim, Job, JobKind, JobStatus, is_database_id
from ..services import claimants, returning, reviewing, versions
from ..text import diffing
from . import docs
from . import serializers as api
from .filters import ArticleFilter, ClaimFilter, validated_filters
from .pagination import ClaimCursor, NewestFirst, SearchCursor
from .parsing import (
    expected_version,
    extracted_text,
    is_form,
    parsed_body,
    parsed_query,
)

NOT_AN_ID = "Not found: an id is made of the digits 0-9 only."
NO_ORIGINAL = "No claim {id} to reuse: the original must be a claim in a live article."
NO_VERSION = "The article has no version {number}: the current one is {current}."
NOTHING_NEWER = "Version {number} is the current one: there is no newer one to compare."


class FoundByDatabaseId:
    """A viewset whose rows are named by their database id: any other path
    segment finds nothing (404)."""

    def get_object(self):
        if not is_database_id(self.kwargs[self.lookup_url_kwarg or self.lookup_field]):
            raise NotFound(NOT_AN_ID)
        return super().get_object()


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


@docs.ARTICLES
class ArticleViewSet(
    FoundByDatabaseId,
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

    def create(self, request: Request, *args, **kwargs) -> Response:
        values = parsed_body(
            api.ArticleImportInput if is_form(request) else api.ArticleTextImportInput,
            request,
        )
        field = "file" if values.get("file") else "text"
        try:
            if "text" in values or values.get("file"):
                extracted = extracted_text(values)
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
        values = parsed_body(
            api.VersionInput if is_form(request) else api.VersionTextInput, request
        )
        field = "file" if values.get("file") else "text"
        try:
            extracted = extracted_text(values)
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
        show_diff = parsed_query(api.VersionQuery, request)["diff"]
        wanted = int(number)
        current = queries.current_version(article)
        if not 1 <= wanted <= current.number:
            raise NotFound(NO_VERSION.format(number=wanted, current=current.number))
        if show_diff:
            if wanted == current.number:
                raise ValidationError({"diff": [NOTHING_NEWER.format(number=wanted)]})
            pieces = diffing.diff(
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

    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def analyse(self, request: Request, pk: str | None = None) -> Response:
        article = self.get_object()
        job = jobs.queue_analysis(article=article, requested_by=request.user)
        return Response(job_body(job), status=status.HTTP_202_ACCEPTED)

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


@docs.JOBS
class JobViewSet(FoundByDatabaseId, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = api.JobSerializer
    queryset = Job.objects.all()

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(job_body(self.get_object()))


def claim_response(claim: Claim, code: int = status.HTTP_200_OK) -> Response:
    """The claim as the API shows it, with its version as ETag: as the write
    read it back (annotations/services/returning.py), else read afresh."""
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


# One claim's actions: the claim list's filters must not apply to finding it,
# and what they list is short and unpaged.
CLAIM_ACTION = {"filter_backends": [], "pagination_class": None}


@docs.CLAIMS
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
        if self.request.method not in SAFE_METHODS:
            # A write reads the claim's own columns only, by SQL compiled once.
            claim = queries.live_claim(self.kwargs["pk"])
            if claim is None:
                raise Http404
            self.check_object_permissions(self.request, claim)
            return claim
        if not is_database_id(self.kwargs["pk"]):
            self.lookup_field, self.lookup_url_kwarg = "public_id", "pk"
        return super().get_object()

    def filter_queryset(self, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        # The list's filters must not decide whether one claim is found; the
        # list applies them itself (list()).
        return queryset

    def list(self, request: Request, *args, **kwargs) -> Response:
        # DRF's, with the page's SQL compiled once per filter shape: a
        # client walking pages builds and compiles no query after the first.
        filters = validated_filters(self, request)
        page = self.paginator.paginate_shaped(
            lambda: filters.filter_queryset(self.get_queryset()),
            request,
            self,
            model=Claim,
            shape=filters.shape(),
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        claim = self.get_object()
        if request.headers.get("If-None-Match") == _etag(claim):
            return Response(
                status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": _etag(claim)}
            )
        # Read with what it shows already (get_queryset), so not read again.
        body = api.ClaimSerializer(claim).data
        return Response(body, headers={"ETag": _etag(claim)})

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        claim = self.get_object()
        values = parsed_body(api.ClaimPatchInput, request)
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

    @action(detail=True, methods=["post"], url_path="sources", **CLAIM_ACTION)
    def add_source(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = parsed_body(api.SourceInput, request)
        expected = values.pop("version", None)
        source = services.add_source(
            claim=claim, added_by=request.user, expected_version=expected, **values
        )
        return Response(
            api.SourceSerializer(source).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def approve(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = parsed_body(api.ReviewInput, request)
        claim = reviewing.approve(
            claim=claim,
            reviewer=request.user,
            expected_version=expected_version(request, values.get("version")),
            comment=values["comment"],
        )
        return claim_response(claim)

    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = parsed_body(api.RejectInput, request)
        claim = reviewing.reject(
            claim=claim,
            reviewer=request.user,
            expected_version=expected_version(request, values.get("version")),
            comment=values.get("comment", ""),
        )
        return claim_response(claim)

    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def publish(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = parsed_body(api.PublishInput, request)
        claim = reviewing.publish(
            claim=claim,
            reviewer=request.user,
            expected_version=expected_version(request, values.get("version")),
        )
        return claim_response(claim)

    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = parsed_body(api.AssignInput, request)
        claim = services.assign_claim(
            claim=claim,
            assignee=values["assignee"],
            by=request.user,
            expected_version=expected_version(request, values.get("version")),
        )
        return claim_response(claim)

    @action(
        detail=True,
        methods=["post"],
        url_path="claimant",
        url_name="claimant",
        **CLAIM_ACTION,
    )
    def set_claimant(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = parsed_body(api.ClaimantInput, request)
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

    @action(detail=True, methods=["get", "post"], **CLAIM_ACTION)
    def corrections(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        if request.method == "GET":
            rows = queries.corrections_of(claim)
            return Response(api.CorrectionSerializer(rows, many=True).data)
        values = parsed_body(api.CorrectionInput, request)
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

    @action(detail=True, methods=["get", "post"], **CLAIM_ACTION)
    def comments(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        if request.method == "GET":
            rows = queries.comments_of(claim)
            return Response(api.CommentSerializer(rows, many=True).data)
        values = parsed_body(api.CommentInput, request)
        comment = services.add_comment(
            claim=claim, author=request.user, text=values["text"]
        )
        created = queries.comments_of(claim).get(pk=comment.pk)
        return Response(
            api.CommentSerializer(created).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["get"], url_path="history", **CLAIM_ACTION)
    def claim_history(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        entries = history.claim_history(claim.pk)
        return Response(api.HistoryEntrySerializer(entries, many=True).data)

    @action(detail=True, methods=["get"], **CLAIM_ACTION)
    def matches(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        found = assisting.past_verdicts([claim]).get(claim.pk, [])
        queries.prefetch_sources([match.claim for match in found])
        context = {"request": request}
        return Response(api.MatchSerializer(found, many=True, context=context).data)

    @action(detail=True, methods=["post"], **CLAIM_ACTION)
    def reuse(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        values = parsed_body(api.ReuseInput, request)
        expected = expected_version(request, values.get("version"))
        try:
            original = queries.claim_to_reuse(values["original"])
        except Claim.DoesNotExist:
            raise NotFound(
                {"original": [NO_ORIGINAL.format(id=values["original"])]}
            ) from None
        claim = services.reuse_verdict(
            claim=claim,
            original=original,
            editor=request.user,
            expected_version=expected,
        )
        return claim_response(claim)


@docs.SEARCH
class SearchView(generics.GenericAPIView):
    serializer_class = api.SearchResultSerializer
    pagination_class = SearchCursor
    filter_backends: list = []
    # Asked for only by the browsable API's filter form, which has none here:
    # get() builds the search itself.
    queryset = Claim.objects.none()
    paging = frozenset({"cursor", "page_size"})

    def get(self, request: Request) -> Response:
        params = parsed_query(api.SearchQuery, request, also=self.paging)
        claims = queries.search_claims(
            params["q"],
            verdict=params.get("verdict"),
            checked_from=params.get("from"),
            checked_until=params.get("until"),
        )
        page = self.paginate_queryset(claims)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@docs.SOURCES
class SourceViewSet(
    FoundByDatabaseId,
    AnswerInTheWriteTransaction,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = api.SourceSerializer
    queryset = queries.sources_with_claim()
    parser_classes = [JSONParser]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        source = self.get_object()
        values = parsed_body(api.SourcePatchInput, request)
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
        params = parsed_query(api.SourceDeleteQuery, request)
        services.remove_source(
            source=source, editor=request.user, expected_version=params.get("version")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
