"""The claims an export writes."""

import datetime

from django.db.models import (
    QuerySet,
)

from ..models import (
    Claim,
)
from .scopes import PUBLISHED, live_claims


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
