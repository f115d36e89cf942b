"""Which rows the reads see: live articles and claims, claims in the text,
published, open, checked.
"""

from django.db.models import (
    Q,
    QuerySet,
)

from .. import ratings
from ..models import (
    Article,
    Claim,
    Kind,
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
