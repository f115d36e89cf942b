"""What waits on someone (queues, the review queue) and what the public
report shows (published verdicts, approved corrections).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)

from ..models import (
    Article,
    Claim,
    Correction,
    CorrectionStatus,
    Kind,
    Status,
    Verdict,
)
from .scopes import IN_TEXT, OPEN, PUBLISHED, live_claims


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
