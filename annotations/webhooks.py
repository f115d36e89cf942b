"""Webhooks: other systems told when an article is imported, a verdict
published or a correction approved.

Each delivery is a background job (annotations/jobs.py): a JSON body POSTed
with ``X-Factcheck-Signature: sha256=<hex>``, the HMAC-SHA256 of the body
with the webhook's secret, retried with back-off until a 2xx answer. The
address goes through annotations/fetching.py, so private, loopback and other
internal addresses are refused (for good, not retried) unless
settings.FETCH_ALLOWED_HOSTS lists the host.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import fetching, jobs
from .models import (
    Article,
    Claim,
    Correction,
    Job,
    JobKind,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)

SIGNATURE_HEADER = "X-Factcheck-Signature"
# What a receiver may answer: read only this much of it.
ANSWER_MAX_BYTES = 64 * 1024
NOT_ACCEPTED = "The endpoint answered HTTP {status}."
# Refusals that another attempt cannot change.
PERMANENT = {"bad_url", "bad_scheme", "credentials", "forbidden_address"}


def signature(secret: str, body: bytes) -> str:
    """The X-Factcheck-Signature value for ``body``: sha256=<hex HMAC>."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


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


def deliver(job: Job) -> None:
    """POST the delivery's body; raise unless the endpoint answers 2xx."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(job=job).first()
    if delivery is None:
        return  # its webhook was deleted since
    body = delivery.body.encode("utf-8")
    try:
        answer = fetching.fetch(
            delivery.webhook.url,
            method="POST",
            data=body,
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: signature(delivery.webhook.secret, body),
                "X-Factcheck-Event": delivery.event,
                "X-Factcheck-Delivery": str(delivery.pk),
            },
            max_bytes=ANSWER_MAX_BYTES,
            truncate=True,
            timeout=settings.FETCH_TIMEOUT,
            allowed_hosts=settings.FETCH_ALLOWED_HOSTS,
            # A receiver that moved is told to the admin, not followed.
            max_redirects=0,
        )
    except fetching.FetchError as error:
        if error.code in PERMANENT:
            raise jobs.PermanentFailure(error.message) from error
        raise
    accepted = 200 <= answer.status < 300
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status_code=answer.status,
        delivered_at=timezone.now() if accepted else None,
    )
    if not accepted:
        raise DeliveryRefused(NOT_ACCEPTED.format(status=answer.status))


class DeliveryRefused(Exception):
    """The endpoint answered, but not with a 2xx status."""


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
