"""The breakdown of an article's units: read in one query, or counted from
units already read.
"""

from collections.abc import Iterable

from django.db.models import (
    Count,
    Q,
)

from .. import ratings
from ..counting import REVIEW_STATES, UnitCounts, given_key
from ..models import (
    Article,
    Claim,
    Kind,
    Verdict,
)
from .scopes import IN_TEXT, OFF_CLAIM_VERDICT, checked


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
