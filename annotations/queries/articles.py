"""Articles: lists with claim counts (the dashboard, the API, pickers), the
workspace's article, its versions and its orphaned claims.
"""

from django.db.models import (
    Count,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Length

from ..models import (
    Article,
    ArticleVersion,
    Claim,
    LinkState,
    Source,
)
from .counts import tally
from .jobs import _ANALYSIS_FIELDS, _latest_analysis
from .scopes import live_articles


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
    """Articles without their text, each with its ``tally`` (queries.tally():
    UnitCounts.of_article reads it)."""
    articles = Article.objects.all() if include_deleted else live_articles()
    return (
        articles.defer("text")
        .select_related("imported_by", "assignee")
        .annotate(tally=_claims_of_article(Q(), tally()))
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


def article_choices() -> QuerySet:
    """(id, title) pairs for article pickers, newest first."""
    return live_articles().order_by("-imported_at").values_list("id", "title")


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


def versions(article: Article) -> QuerySet:
    """The article's earlier versions, newest first (without their text)."""
    return (
        article.versions.defer("text").select_related("imported_by").order_by("-number")
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


def versions_listed() -> QuerySet[ArticleVersion]:
    """Every earlier version with its article's title, who imported it and its
    length (no texts)."""
    return (
        ArticleVersion.objects.select_related("article", "imported_by")
        .defer("text", "article__text")
        .annotate(length=Length("text"))
    )


def orphans(article: Article) -> QuerySet[Claim]:
    """Claims the article's current version no longer contains, with verdicts."""
    return (
        Claim.objects.filter(article=article, orphaned=True)
        .only("id", "public_id", "position", "text", "verdict", "status", "version")
        .order_by("position")
    )
