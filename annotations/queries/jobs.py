"""Background jobs as their pages see them: an article's newest analysis, the
link fetches a user asked for and the pages they got.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    QuerySet,
)

from ..fetching import FetchResult
from ..models import (
    Article,
    Job,
    JobKind,
    JobStatus,
    PageFetch,
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
