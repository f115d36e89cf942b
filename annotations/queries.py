"""Reads shared by the editor pages, the API, the exporters and the admin.

Lists never load Article.text: an article can be megabytes long.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Func,
    Max,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Length, Substr

from . import ratings, roles
from .counting import REVIEW_STATES, UnitCounts, given_key
from .fetching import FetchResult
from .models import (
    CHECKABLE_KINDS,
    Article,
    ArticleVersion,
    Claim,
    Comment,
    Correction,
    CorrectionStatus,
    Job,
    JobKind,
    JobStatus,
    Kind,
    LinkState,
    PageFetch,
    Source,
    Status,
    Verdict,
)


def checked() -> Q:
    """Claims to check whose verdict counts them as checked (the scale says)."""
    return Q(kind=Kind.CLAIM, verdict__in=ratings.checked_keys())


# A verdict on a unit that is not a claim to check (an opinion, a heading):
# never approved nor published, so never progress, but shown, not hidden.
OFF_CLAIM_VERDICT = ~Q(kind=Kind.CLAIM) & ~Q(verdict=Verdict.UNREVIEWED)
# Deleted articles (soft-deleted by an admin) leave every list but the admin's.
LIVE_CLAIM = Q(article__deleted_at__isnull=True)
# Orphans (claims a new version of their article no longer contains) keep
# their verdicts but leave the text, the counts and the exports.
IN_TEXT = Q(orphaned=False)
PUBLISHED = Q(status=Status.PUBLISHED)
# What waits on someone: not yet approved (rejected drafts come back to it).
OPEN = Q(status__in=[Status.UNREVIEWED, Status.DRAFT, Status.REJECTED])


def live_articles() -> QuerySet[Article]:
    """Articles that are not deleted."""
    return Article.objects.filter(deleted_at__isnull=True)


def live_claims() -> QuerySet[Claim]:
    """Claims in the current text of articles that are not deleted."""
    return Claim.objects.filter(LIVE_CLAIM & IN_TEXT)


def _claims_of_article(condition: Q, value: Func) -> Subquery:
    """``value`` over the article's claims that meet ``condition``, as a
    subquery: joining the claims would group by every selected article
    column, and SQLite grouping by a long text fills its temporary disk."""
    rows = (
        Claim.objects.filter(condition, article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(value=value)
        .values("value")
    )
    return Subquery(rows)


def articles_with_counts(*, include_deleted: bool = False) -> QuerySet[Article]:
    """Articles without their text, annotated with claim counts per verdict."""

    def count(condition: Q = IN_TEXT) -> Coalesce:
        return Coalesce(_claims_of_article(condition, Count("pk")), 0)

    # Verdicts on claims to check, per rating: what the verdict bar counts.
    claim_counts = {
        given_key(key): count(IN_TEXT & Q(kind=Kind.CLAIM, verdict=key))
        for key in ratings.all_keys()
    }
    articles = Article.objects.all() if include_deleted else live_articles()
    return (
        articles.defer("text")
        .select_related("imported_by", "assignee")
        .annotate(
            unit_count=count(),
            claim_count=count(IN_TEXT & Q(kind=Kind.CLAIM)),
            opinion_count=count(IN_TEXT & Q(kind=Kind.OPINION)),
            checked_count=count(IN_TEXT & checked()),
            unreviewed_count=count(IN_TEXT & Q(verdict=Verdict.UNREVIEWED)),
            off_claim_verdict_count=count(IN_TEXT & OFF_CLAIM_VERDICT),
            **claim_counts,
            published_count=count(IN_TEXT & PUBLISHED),
            approved_count=count(IN_TEXT & Q(status=Status.APPROVED)),
            draft_count=count(IN_TEXT & Q(status=Status.DRAFT)),
            orphan_count=count(Q(orphaned=True)),
        )
    )


def articles_for_dashboard(search: str = "") -> QuerySet[Article]:
    """Articles with verdict counts, most recently worked on first."""
    articles = articles_with_counts().annotate(
        last_activity=Coalesce(
            _claims_of_article(Q(), Max("updated_at")), "imported_at"
        )
    )
    if search:
        articles = articles.filter(title__icontains=search)
    return articles.order_by("-last_activity", "-pk")


def workspace_claims(article: Article) -> QuerySet[Claim]:
    """An article's units in order, with what the workspace shows of each."""
    return (
        Claim.objects.filter(IN_TEXT, article=article)
        .only(
            "id",
            "public_id",
            "position",
            "start",
            "end",
            "kind",
            "verdict",
            "status",
            "version",
            "text",
            "worth",
            "text_changed",
            "hints",
        )
        .order_by("position")
    )


def unit_counts(article: Article) -> UnitCounts:
    """The breakdown of one article's current units, in one query."""
    claim = Q(kind=Kind.CLAIM)
    keys = ratings.all_keys()
    counts = Claim.objects.filter(IN_TEXT, article=article).aggregate(
        units=Count("id"),
        claims=Count("id", filter=claim),
        opinions=Count("id", filter=Q(kind=Kind.OPINION)),
        checked=Count("id", filter=checked()),
        off_claim_verdicts=Count("id", filter=OFF_CLAIM_VERDICT),
        **{given_key(k): Count("id", filter=claim & Q(verdict=k)) for k in keys},
        **{f"status_{s}": Count("id", filter=Q(status=s)) for s in REVIEW_STATES},
    )
    given = {key: counts.pop(given_key(key)) for key in keys}
    return UnitCounts(**counts, given=given)


def progress(article: Article) -> UnitCounts:
    """The workspace's counter: unit_counts (kept as a name the views use)."""
    return unit_counts(article)


def claim_for_panel(pk: int | None = None, *, public_id: str = "") -> Claim:
    """One claim (an orphan too) with its people, sources, comments, corrections,
    found by its id or its public id.

    Comments and corrections are read only if the claim has any (most have
    none): the claim's own query says so.
    """
    found = Q(pk=pk) if pk is not None else Q(public_id=public_id)
    claim = (
        Claim.objects.filter(LIVE_CLAIM)
        .select_related("article", "verdict_by", "approved_by", "assignee", "claimant")
        .defer("article__text")
        .annotate(
            has_comments=Exists(Comment.objects.filter(claim=OuterRef("pk"))),
            has_corrections=Exists(Correction.objects.filter(claim=OuterRef("pk"))),
            # The next unit, which the panel offers to merge with (neighbour()).
            **{
                f"following_{name}": Subquery(
                    Claim.objects.filter(
                        IN_TEXT,
                        article_id=OuterRef("article_id"),
                        position=OuterRef("position") + 1,
                    ).values(name)[:1]
                )
                for name in _NEIGHBOUR_FIELDS
            },
        )
        .prefetch_related(Prefetch("sources", queryset=sources_with_archive()))
        .get(found)
    )
    threads = {
        "comments": Comment.objects.select_related("author"),
        "corrections": Correction.objects.select_related("proposed_by", "decided_by"),
    }
    for name, rows in threads.items():
        if getattr(claim, f"has_{name}"):
            prefetch_related_objects([claim], Prefetch(name, queryset=rows))
        else:
            _known_empty(claim, name)
    return claim


def _known_empty(instance: Model, related: str) -> None:
    """Mark ``instance``'s reverse relation ``related`` as read, and empty."""
    rows = getattr(instance, related).all()
    rows._result_cache = []
    rows._prefetch_done = True
    instance._prefetched_objects_cache[related] = rows


def progress_of(units: Iterable[Claim]) -> UnitCounts:
    """unit_counts(), counted from the article's units already read in text
    order (workspace_claims()), with no query."""
    counts = dict.fromkeys(
        ["units", "claims", "opinions", "checked", "off_claim_verdicts"], 0
    )
    counts |= {f"status_{s}": 0 for s in REVIEW_STATES}
    checked_keys = set(ratings.checked_keys())
    given_counts: dict[str, int] = {}
    for unit in units:
        counts["units"] += 1
        given = unit.verdict != Verdict.UNREVIEWED
        if unit.kind == Kind.CLAIM:
            counts["claims"] += 1
            counts["checked"] += unit.verdict in checked_keys
            if given:
                given_counts[unit.verdict] = given_counts.get(unit.verdict, 0) + 1
        else:
            counts["opinions"] += unit.kind == Kind.OPINION
            counts["off_claim_verdicts"] += given
        if unit.status in REVIEW_STATES:
            counts[f"status_{unit.status}"] += 1
    return UnitCounts(**counts, given=given_counts)


# What neighbour() reads of a unit.
_NEIGHBOUR_FIELDS = ("id", "position", "start", "end", "text", "version")


def neighbour(claim: Claim, offset: int) -> Claim | None:
    """The unit ``offset`` positions away in the same article, if any (the next
    one read with the claim by claim_for_panel())."""
    if offset == 1 and hasattr(claim, "following_id"):
        if claim.following_id is None:
            return None
        values = [getattr(claim, f"following_{name}") for name in _NEIGHBOUR_FIELDS]
        return Claim.from_db(claim._state.db, list(_NEIGHBOUR_FIELDS), values)
    return (
        Claim.objects.filter(
            IN_TEXT, article_id=claim.article_id, position=claim.position + offset
        )
        .only(*_NEIGHBOUR_FIELDS)
        .first()
    )


def published_claims(article: Article) -> QuerySet[Claim]:
    """Published verdicts: all that readers of the public report see."""
    return Claim.objects.filter(IN_TEXT, article=article).filter(PUBLISHED)


def public_corrections(article: Article) -> QuerySet[Correction]:
    """Approved corrections of an article's verdicts, oldest first."""
    return (
        # An orphan leaves the report, and its corrections with it.
        Correction.objects.filter(
            claim__article=article,
            claim__status=Status.PUBLISHED,
            claim__orphaned=False,
            status=CorrectionStatus.APPROVED,
        )
        .select_related("claim")
        .only(
            "id",
            "old_verdict",
            "new_verdict",
            "old_rationale",
            "new_rationale",
            "reason",
            "decided_at",
            "claim__id",
            "claim__public_id",
            "claim__position",
            "claim__text",
        )
        .order_by("decided_at", "id")
    )


def claims_with_article(*, include_deleted: bool = False) -> QuerySet[Claim]:
    """Claims with their article's title (not its text) and their source count."""
    claims = Claim.objects.all() if include_deleted else live_claims()
    return (
        claims.select_related(
            "article", "verdict_by", "approved_by", "assignee", "claimant"
        )
        .defer("article__text")
        .annotate(source_count=Count("sources"))
    )


def sources_with_claim(*, include_deleted: bool = False) -> QuerySet[Source]:
    """Sources with their claim and the claim's article title."""
    sources = Source.objects.all()
    if not include_deleted:
        sources = sources.filter(claim__article__deleted_at__isnull=True)
    return sources.select_related("claim__article", "added_by").defer(
        "claim__article__text"
    )


def article_choices() -> QuerySet:
    """(id, title) pairs for article pickers, newest first."""
    return live_articles().order_by("-imported_at").values_list("id", "title")


def queue(user: AbstractBaseUser) -> QuerySet[Claim]:
    """Claims assigned to ``user`` (or in an article assigned to them), not approved.

    A claim's own assignee wins over its article's.
    """
    mine = Q(assignee=user) | Q(assignee__isnull=True, article__assignee=user)
    return _queue_rows(live_claims().filter(mine).filter(OPEN))


def unassigned_to_check(user: AbstractBaseUser) -> QuerySet[Claim]:
    """Claims to check nobody is assigned to, in articles ``user`` worked on
    (imported, or gave a verdict in), without a verdict yet."""
    verdict_given = Claim.objects.filter(
        article=OuterRef("article_id"), verdict_by=user
    )
    worked_on = Q(article__imported_by=user) | Exists(verdict_given)
    claims = live_claims().filter(
        kind=Kind.CLAIM,
        verdict=Verdict.UNREVIEWED,
        assignee__isnull=True,
        article__assignee__isnull=True,
    )
    return _queue_rows(claims.filter(worked_on))


def review_queue(user: AbstractBaseUser) -> QuerySet[Claim]:
    """Drafts and corrections waiting for a reviewer other than their author."""
    drafts = Q(status=Status.DRAFT) & ~Q(verdict_by=user)
    corrections = Q(
        status=Status.PUBLISHED, corrections__status=CorrectionStatus.PENDING
    ) & ~Q(corrections__proposed_by=user)
    return _queue_rows(live_claims().filter(drafts | corrections).distinct())


def _queue_rows(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return (
        claims.select_related("article", "verdict_by")
        .only(
            "id",
            "public_id",
            "position",
            "text",
            "kind",
            "verdict",
            "status",
            "version",
            "updated_at",
            "article__id",
            "article__title",
            "verdict_by__id",
            "verdict_by__username",
        )
        .order_by("article_id", "position")
    )


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
    status: str | None = None,
    public: bool,
) -> QuerySet[Claim]:
    """Claims matching export filters; the public sees only published verdicts."""
    claims = live_claims()
    if status is not None:
        claims = claims.filter(status=status)
    if article is not None:
        claims = claims.filter(article_id=article)
    if verdict is not None:
        claims = claims.filter(verdict=verdict)
    if updated_since is not None:
        claims = claims.filter(updated_at__gte=updated_since)
    if public:
        claims = claims.filter(PUBLISHED)
    return claims


# The REST API (annotations/api).


def claims_for_api(*, include_deleted: bool = False) -> QuerySet[Claim]:
    """Claims with the people and the sources the API shows with each."""
    claims = Claim.objects.all() if include_deleted else live_claims()
    people = ("verdict_by", "approved_by", "assignee", "claimant")
    sources = Source.objects.select_related("added_by")
    return claims.select_related(*people).prefetch_related(
        Prefetch("sources", queryset=sources)
    )


def comments_of(claim: Claim) -> QuerySet[Comment]:
    """A claim's internal discussion, oldest first, with each author."""
    return Comment.objects.filter(claim=claim).select_related("author").order_by("id")


def corrections_of(claim: Claim) -> QuerySet[Correction]:
    """Every correction proposed for a claim, oldest first, with who decided."""
    return (
        Correction.objects.filter(claim=claim)
        .select_related("proposed_by", "decided_by")
        .order_by("proposed_at", "id")
    )


def editors() -> QuerySet:
    """Active users who can be assigned work: the editor role or above."""
    user_model = get_user_model()
    app_label, codename = roles.EDIT.split(".")
    editing = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    )
    return (
        user_model.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=editing)
            | Q(user_permissions__in=editing)
        )
        .distinct()
        .only("id", user_model.USERNAME_FIELD)
        .order_by(user_model.USERNAME_FIELD)
    )


def orphans(article: Article) -> QuerySet[Claim]:
    """Claims the article's current version no longer contains, with verdicts."""
    return (
        Claim.objects.filter(article=article, orphaned=True)
        .only("id", "public_id", "position", "text", "verdict", "status", "version")
        .order_by("position")
    )


def versions(article: Article) -> QuerySet:
    """The article's earlier versions, newest first (without their text)."""
    return (
        article.versions.defer("text").select_related("imported_by").order_by("-number")
    )


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


# The workspace's assistance: marks in the text, triage, search results.


def workspace_article(pk: int) -> Article:
    """A live article with its text, its people, and how many earlier versions
    and orphaned claims it has (subqueries: no join over its claims)."""

    def count(model, **match) -> Coalesce:
        rows = model.objects.filter(article=OuterRef("pk"), **match).order_by()
        counted = rows.values("article").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted), 0)

    return (
        live_articles()
        .select_related("assignee", "imported_by")
        .annotate(
            # The newest analysis job, for latest_analysis() to need no query.
            **{
                f"analysis_{name}": Subquery(
                    _latest_analysis(OuterRef("pk")).values(name)[:1]
                )
                for name in _ANALYSIS_FIELDS
            },
            version_count=count(ArticleVersion),
            orphan_count=count(Claim, orphaned=True),
            broken_source_count=Coalesce(
                Subquery(
                    Source.objects.filter(
                        claim__article=OuterRef("pk"),
                        claim__orphaned=False,
                        link_state=LinkState.BROKEN,
                    )
                    .order_by()
                    .values("claim__article")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .get(pk=pk)
    )


def triage_claims(
    article: Article, *, min_worth: float | None = None
) -> QuerySet[Claim]:
    """An article's checkable units (no page furniture), most check-worthy first."""
    claims = Claim.objects.filter(IN_TEXT, article=article, kind__in=CHECKABLE_KINDS)
    if min_worth is not None:
        claims = claims.filter(worth__gte=min_worth)
    return claims.only(
        "id",
        "public_id",
        "position",
        "text",
        "kind",
        "verdict",
        "status",
        "worth",
        "worth_reasons",
        "text_changed",
        "version",  # the bulk form's selection names it
    ).order_by("-worth", "position")


def hinted_claims(pks: list[int]) -> QuerySet[Claim]:
    """Claims that "checked before" hints point to, as they are now: verdict,
    article title and source count."""
    return (
        live_claims()
        .filter(pk__in=pks)
        .select_related("article")
        .only(
            "id",
            "public_id",
            "position",
            "verdict",
            "verdict_at",
            "status",
            "article__id",
            "article__title",
        )
        .annotate(source_count=Count("sources"))
    )


def search_results(query: str, **filters) -> QuerySet[Claim]:
    """search_claims with the source titles each result shows."""
    titles = Source.objects.only("id", "claim_id", "title").order_by("id")
    return search_claims(query, **filters).prefetch_related(
        Prefetch("sources", queryset=titles)
    )


# The REST API and the admin: assistance, versions, orphans.


def live_claims_with_orphans() -> QuerySet[Claim]:
    """live_claims() and the orphans of the same articles."""
    return Claim.objects.filter(LIVE_CLAIM)


def api_claims_with_orphans() -> QuerySet[Claim]:
    """claims_for_api(), orphans included (the API lists them when asked)."""
    return claims_for_api(include_deleted=True).filter(LIVE_CLAIM)


class _HasHintType(Func):
    """SQLite: whether a JSON list holds an object whose "type" is the second
    argument (Django has no JSON containment lookup on SQLite).

    The joiner puts the second argument after the first's json_each:
    EXISTS (SELECT 1 FROM json_each(hints) AS h WHERE json_extract(...) = (%s)).
    """

    template = "EXISTS (SELECT 1 FROM json_each(%(expressions)s))"
    arg_joiner = ") AS h WHERE json_extract(h.value, '$.type') = ("
    output_field = BooleanField()


def with_hint(claims: QuerySet[Claim], hint_type: str) -> QuerySet[Claim]:
    """Those of ``claims`` with at least one hint of ``hint_type``."""
    if connection.vendor == "postgresql":
        return claims.filter(hints__contains=[{"type": hint_type}])
    return claims.filter(_HasHintType("hints", Value(hint_type)))


def hint_counts(article: Article) -> dict[str, int]:
    """How many hints of each type the article's current claims carry."""
    counts: dict[str, int] = {}
    rows = Claim.objects.filter(IN_TEXT, article=article).values_list(
        "hints", flat=True
    )
    for hints in rows:
        for hint in hints:
            counts[hint.get("type")] = counts.get(hint.get("type"), 0) + 1
    return counts


def _version_number() -> Coalesce:
    """The current version's number: one more than the earlier versions'."""
    latest = (
        ArticleVersion.objects.filter(article=OuterRef("pk"))
        .order_by("-number")
        .values("number")[:1]
    )
    return Coalesce(Subquery(latest), 0) + 1


def articles_for_api() -> QuerySet[Article]:
    """articles_with_counts() with each article's current version number and
    its latest analysis job (id and status)."""
    latest = _latest_analysis(OuterRef("pk"))
    return articles_with_counts().annotate(
        version=_version_number(),
        analysis_job=Subquery(latest.values("pk")[:1]),
        analysis_status=Subquery(latest.values("status")[:1]),
        analysis_progress=Subquery(latest.values("progress")[:1]),
    )


def _latest_analysis(article) -> QuerySet[Job]:
    # Newest first by id (ids grow with time): job_latest_idx serves it whole.
    return Job.objects.filter(article=article, kind=JobKind.ANALYSE).order_by("-pk")


# What the workspace shows of an article's newest analysis job.
_ANALYSIS_FIELDS = ("id", "status", "attempts", "error", "retry_at", "progress")


def latest_analysis(article: Article) -> Job | None:
    """The article's newest analysis job: whether its hints are up to date.

    Read with the article by workspace_article(), else now.
    """
    if not hasattr(article, "analysis_id"):
        return _latest_analysis(article.pk).first()
    if article.analysis_id is None:
        return None
    fields = {name: getattr(article, f"analysis_{name}") for name in _ANALYSIS_FIELDS}
    return Job(article_id=article.pk, kind=JobKind.ANALYSE, **fields)


def link_fetches(user: AbstractBaseUser) -> QuerySet[Job]:
    """The FETCH jobs ``user`` asked for, each with its link."""
    return Job.objects.filter(kind=JobKind.FETCH, requested_by=user).select_related(
        "page_fetch"
    )


def fetched_page(*, job_id: int, user: AbstractBaseUser | None) -> FetchResult | None:
    """The page a finished FETCH job of ``user`` got, as it was received."""
    row = PageFetch.objects.filter(
        job_id=job_id,
        job__requested_by=user,
        job__status=JobStatus.DONE,
        fetched_at__isnull=False,
    ).first()
    if row is None or user is None:
        return None
    return FetchResult(
        url=row.url,
        final_url=row.final_url,
        status=row.status,
        headers={"content-type": row.content_type},
        body=bytes(row.body),
        fetched_at=row.fetched_at,
    )


def current_version(article: Article) -> Article:
    """The article's current version: number, length, importer (not the text)."""
    return (
        live_articles()
        .filter(pk=article.pk)
        .defer("text")
        .select_related("imported_by")
        .annotate(number=_version_number(), length=Length("text"))
        .get()
    )


def versions_with_length(article: Article) -> QuerySet[ArticleVersion]:
    """versions(), each with its length in characters (still not its text)."""
    return versions(article).annotate(length=Length("text"))


def version_text(article: Article, number: int) -> str:
    """The text of one version (the current one is the article's own text)."""
    earlier = ArticleVersion.objects.filter(article=article, number=number)
    found = earlier.values_list("text", flat=True).first()
    if found is not None:
        return found
    return Article.objects.values_list("text", flat=True).get(pk=article.pk)


def prefetch_sources(claims: list[Claim]) -> None:
    """Load the sources (with who added them) of ``claims`` in one query."""
    sources = sources_with_archive()
    prefetch_related_objects(claims, Prefetch("sources", queryset=sources))


def sources_with_archive() -> QuerySet[Source]:
    """Sources with who added them and their archived copy (without its text)."""
    return Source.objects.select_related("added_by", "archive").defer("archive__text")


def source_archive(pk: int) -> Source:
    """A source of a live article with its archived copy and its claim
    (Source.DoesNotExist otherwise)."""
    return (
        Source.objects.filter(claim__article__deleted_at__isnull=True)
        .select_related("archive", "claim")
        .get(pk=pk)
    )


def claim_to_reuse(pk: int) -> Claim:
    """A live claim whose verdict may be copied, with its article title and
    sources (Claim.DoesNotExist otherwise)."""
    return (
        live_claims()
        .select_related("article")
        .defer("article__text")
        .prefetch_related("sources")
        .get(pk=pk)
    )


def versions_listed() -> QuerySet[ArticleVersion]:
    """Every earlier version with its article's title, who imported it and its
    length (no texts)."""
    return (
        ArticleVersion.objects.select_related("article", "imported_by")
        .defer("text", "article__text")
        .annotate(length=Length("text"))
    )
