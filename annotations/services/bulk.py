"""One action on several claims at once, from the workspace.

Each claim goes through the very service its panel calls (set_kind,
assign_claim, reviewing.approve, reviewing.publish), at the version the page
showed, so every rule holds claim by claim: the two-person rule, sources
before approval, published verdicts frozen, changes made meanwhile refused.
One refusal does not stop the others; the outcome lists both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from .. import jobs, queries, roles
from ..models import Article, Claim
from . import claims, refusals, reviewing

User = AbstractBaseUser

ACTIONS = ("kind", "assign", "approve", "publish")
PERMISSIONS = {
    "kind": roles.EDIT,
    "assign": roles.EDIT,
    "approve": roles.REVIEW,
    "publish": roles.REVIEW,
}
NOT_IN_ARTICLE = _("not one of this article's claims (merged or removed?)")


@dataclass
class Refusal:
    position: int | None
    reason: str


@dataclass
class Outcome:
    """What a bulk action did: the claims changed and those refused, with why."""

    action: str
    done: list[Claim] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def apply(
    *,
    article: Article,
    user: User | None,
    action: str,
    versions: dict[int, int],
    kind: str = "",
    assignee: User | None = None,
) -> Outcome:
    """Apply ``action`` to the article's claims named in ``versions`` (pk: version).

    One query reads the claims; then one service call per claim (its own
    few queries: lock or guarded UPDATE, history), in article order.
    """
    roles.require(user, PERMISSIONS[action])
    change = _change(action, user, kind=kind, assignee=assignee)
    claims = {
        claim.pk: claim
        for claim in queries.live_claims()
        .filter(article=article, pk__in=list(versions))
        .only("pk", "position", "article_id", "version")
    }
    outcome = Outcome(action)
    for pk in sorted(versions, key=lambda pk: _order(claims.get(pk), pk)):
        claim = claims.get(pk)
        if claim is None:
            outcome.refused.append(Refusal(None, str(NOT_IN_ARTICLE)))
            continue
        try:
            outcome.done.append(change(claim, versions[pk]))
        except refusals.EXCEPTIONS as error:
            outcome.refused.append(Refusal(claim.position, refusals.message(error)))
    if action == "kind" and outcome.done:
        # Analysed once for all of them, as set_kind(analyse=False) leaves it.
        jobs.queue_analysis(article=article, requested_by=user)
    return outcome


def _change(
    action: str, user: User | None, *, kind: str, assignee: User | None
) -> Callable[[Claim, int], Claim]:
    """The service call that applies ``action`` to one claim at one version."""
    if action == "kind":
        return lambda claim, version: claims.set_kind(
            claim=claim, kind=kind, editor=user, expected_version=version, analyse=False
        )
    if action == "assign":
        return lambda claim, version: claims.assign_claim(
            claim=claim, assignee=assignee, by=user, expected_version=version
        )
    if action == "approve":
        return lambda claim, version: reviewing.approve(
            claim=claim, reviewer=user, expected_version=version
        )
    return lambda claim, version: reviewing.publish(
        claim=claim, reviewer=user, expected_version=version
    )


def _order(claim: Claim | None, pk: int) -> tuple[int, int]:
    return (claim.position if claim is not None else 0, pk)
