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

from django.conf import settings
from django.utils import timezone

from . import fetching
from .models import (
    Job,
    WebhookDelivery,
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
            raise Undeliverable(error.message) from error
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


class Undeliverable(Exception):
    """An address that trying again cannot mend (the job fails for good)."""
