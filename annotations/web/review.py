"""Review: approving, rejecting and publishing verdicts, corrections of published
ones, and the queues of what waits for whom."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .. import queries, roles
from ..models import Claim, Kind, Verdict
from ..services import reviewing
from . import access
from .access import viewer_required
from .claims import claim_action
from .forms import CorrectionForm, ReviewForm, VersionForm
from .workspace import article_refused

# Rows a queue section shows; the rest wait until these are done.
QUEUE_LIMIT = 200


def _review(request: HttpRequest, pk: int, decide, notice: str) -> HttpResponse:
    """A reviewer's decision on a draft (or a pending correction), with a comment."""
    claim = access.claim_or_404(pk)
    return claim_action(
        request,
        claim,
        roles.REVIEW,
        ReviewForm(request.POST, auto_id="review-%s"),
        lambda data: decide(
            claim=claim,
            reviewer=request.user,
            expected_version=data["version"],
            comment=data["comment"],
        ),
        form_key="review_form",
        notice=notice,
    )


@viewer_required
@require_POST
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a draft verdict, or the correction proposed for a published one."""
    return _review(request, pk, reviewing.approve, _("Approved."))


@viewer_required
@require_POST
def claim_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a verdict back to its editor, or turn a correction down, saying why."""
    return _review(request, pk, reviewing.reject, _("Rejected."))


@viewer_required
@require_POST
def claim_publish(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.claim_or_404(pk)
    return claim_action(
        request,
        claim,
        roles.REVIEW,
        VersionForm(request.POST),
        lambda data: reviewing.publish(
            claim=claim, reviewer=request.user, expected_version=data["version"]
        ),
        notice=_("Published."),
    )


@viewer_required
@require_POST
def claim_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a correction of a published verdict."""
    claim = access.claim_or_404(pk)
    return claim_action(
        request,
        claim,
        roles.EDIT,
        CorrectionForm(request.POST, auto_id="correction-%s"),
        lambda data: reviewing.propose_correction(
            claim=claim,
            editor=request.user,
            verdict=data["verdict"],
            rationale=data["rationale"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        form_key="correction_form",
        notice=_("Correction proposed: a reviewer will check it."),
    )


@viewer_required
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish every approved verdict of the article at once."""
    article = access.article_or_404(pk)
    if refused := access.refusal(request.user, roles.REVIEW):
        return article_refused(request, article, refused, status=403)
    count = reviewing.publish_article(article=article, reviewer=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "Published %(count)s approved verdict.",
                "Published %(count)s approved verdicts.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("No approved verdict was waiting to be published."))
    return redirect("desk:workspace", pk=article.pk)


@viewer_required
@require_GET
def my_queue(request: HttpRequest) -> HttpResponse:
    """Claims assigned to me, and (for reviewers) the ones awaiting my review."""
    mine = list(queries.queue(request.user)[: QUEUE_LIMIT + 1])
    may = access.may(request.user)
    unassigned = []
    if may["edit"]:
        unassigned = list(queries.unassigned_to_check(request.user)[: QUEUE_LIMIT + 1])
    review = None
    if may["review"]:
        review = list(queries.review_queue(request.user)[: QUEUE_LIMIT + 1])
    context = {
        "mine": mine[:QUEUE_LIMIT],
        "mine_more": len(mine) > QUEUE_LIMIT,
        "unassigned": unassigned[:QUEUE_LIMIT],
        "unassigned_more": len(unassigned) > QUEUE_LIMIT,
        "next_claim": _next_to_check(mine + unassigned),
        "review": review[:QUEUE_LIMIT] if review is not None else None,
        "review_more": review is not None and len(review) > QUEUE_LIMIT,
        "limit": QUEUE_LIMIT,
        "may": may,
    }
    return render(request, "annotations/queue.html", context)


def _next_to_check(claims: list[Claim]) -> Claim | None:
    """The first claim to check without a verdict: mine first, then unassigned."""
    return next(
        (c for c in claims if c.kind == Kind.CLAIM and c.verdict == Verdict.UNREVIEWED),
        None,
    )
