"""Telling other systems what happened: a webhook delivery queued per event.

Each delivery is a background job (annotations/jobs.py) that
annotations/webhooks.py sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .. import jobs
from ..models import (
    Article,
    Claim,
    Correction,
    Job,
    JobKind,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)


def notify(*, event: str, data: Callable[[], dict]) -> list[WebhookDelivery]:
    """Queue a delivery of ``event`` to every active webhook that wants it.

    ``data`` (the event's payload) is read only when some webhook wants it.
    """
    # Few rows: an admin registers a handful of endpoints.
    hooks = [
        hook for hook in Webhook.objects.filter(active=True) if event in hook.events
    ]
    if not hooks:
        return []
    body = json.dumps(
        {"event": event, "sent_at": timezone.now().isoformat(), "data": data()},
        ensure_ascii=False,
        sort_keys=True,
    )
    deliveries = []
    with transaction.atomic():
        for hook in hooks:
            job = Job.objects.create(kind=JobKind.WEBHOOK)
            deliveries.append(
                WebhookDelivery.objects.create(
                    webhook=hook, job=job, event=event, body=body
                )
            )
            jobs.enqueue(job)
    return deliveries


def article_imported(article: Article, claims: int) -> None:
    """Tell the webhooks about a new article."""
    notify(
        event=WebhookEvent.ARTICLE_IMPORTED,
        data=lambda: {
            "article": {
                "id": article.pk,
                "title": article.title,
                "url": article.url,
                "language": article.language,
                "claims": claims,
                "imported_at": article.imported_at.isoformat(),
            }
        },
    )


def verdicts_published(claim_ids: list[int]) -> None:
    """Tell the webhooks about verdicts made public (one event for a batch)."""
    if claim_ids:
        notify(
            event=WebhookEvent.VERDICT_PUBLISHED,
            data=lambda: {
                "claims": [_claim(c) for c in Claim.objects.filter(pk__in=claim_ids)]
            },
        )


def correction_approved(correction: Correction, claim_id: int) -> None:
    """Tell the webhooks about a published verdict corrected."""
    notify(
        event=WebhookEvent.CORRECTION_APPROVED,
        data=lambda: {
            "correction": {
                "id": correction.pk,
                "old_verdict": correction.old_verdict,
                "new_verdict": correction.new_verdict,
                "reason": correction.reason,
            },
            "claim": _claim(Claim.objects.get(pk=claim_id)),
        },
    )


def _claim(claim: Claim) -> dict:
    published = claim.published_at
    return {
        "id": claim.pk,
        # The permanent id that public links use (report anchors, ClaimReview).
        "public_id": claim.public_id,
        "article": claim.article_id,
        "text": claim.text,
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "published_at": published.isoformat() if published else None,
    }
