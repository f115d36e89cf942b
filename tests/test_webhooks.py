"""Webhooks: signed JSON deliveries as background jobs, retried, never to
private addresses unless allowed.

A real HTTP server on 127.0.0.1 receives them (tests/webserver.py); the
``web`` fixture lists 127.0.0.1 in FETCH_ALLOWED_HOSTS, as an admin would
for an intranet host.
"""

import hashlib
import hmac
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import services, webhooks
from annotations.models import Job, JobStatus, Webhook, WebhookDelivery, WebhookEvent
from annotations.services import notifying, reviewing

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    approve,
    claim_of,
    fresh,
    judge,
    publish,
)
from .helpers import queries_for

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-the-receiver"
TEXT = "Nexusflow was founded in 2023.\nIt raised $10.6M in 2024."


def hook(url: str, *events: str, **fields) -> Webhook:
    return Webhook.objects.create(
        url=url, secret=SECRET, events=list(events or WebhookEvent.values), **fields
    )


def test_a_delivery_is_signed_with_the_secret(web, task_queue, run_worker):
    hook(web.route("/hook", status=200), WebhookEvent.ARTICLE_IMPORTED)
    article = services.import_article(text=TEXT, title="Nexusflow")
    run_worker()
    (seen,) = [r for r in web.requests if r.path == "/hook"]
    assert seen.method == "POST"
    assert seen.headers["Content-Type"] == "application/json"
    expected = hmac.new(SECRET.encode(), seen.body, hashlib.sha256).hexdigest()
    assert seen.headers["X-Factcheck-Signature"] == f"sha256={expected}"
    assert seen.headers["X-Factcheck-Event"] == "article.imported"
    body = json.loads(seen.body)
    assert body["event"] == "article.imported"
    assert body["data"]["article"] == {
        "id": article.pk,
        "title": "Nexusflow",
        "url": "",
        "language": "en",
        "claims": 2,
        "imported_at": article.imported_at.isoformat(),
    }
    delivery = WebhookDelivery.objects.select_related("job").get()
    assert (delivery.status_code, delivery.job.status) == (200, JobStatus.DONE)
    assert delivery.delivered_at is not None
    assert str(delivery.pk) == seen.headers["X-Factcheck-Delivery"]


def test_a_wrong_secret_does_not_match_the_signature():
    body = b'{"event": "x"}'
    assert webhooks.signature(SECRET, body) != webhooks.signature("other", body)
    assert webhooks.signature(SECRET, body) != webhooks.signature(SECRET, body + b" ")


def test_a_delivery_answered_500_is_retried_and_then_delivered(
    web, task_queue, run_worker, make_due
):
    url = web.route("/flaky", status=500, body=b"oops")
    hook(url, WebhookEvent.ARTICLE_IMPORTED)
    services.import_article(text=TEXT, title="Nexusflow")
    run_worker()
    delivery = WebhookDelivery.objects.select_related("job").get()
    job = delivery.job
    assert (job.status, job.attempts, delivery.status_code) == (
        JobStatus.QUEUED,
        1,
        500,
    )
    assert job.error == "DeliveryRefused: The endpoint answered HTTP 500."
    assert job.retry_at is not None and delivery.delivered_at is None
    web.route("/flaky", status=204)
    make_due(job.task_id)  # its back-off over
    run_worker()
    delivery = WebhookDelivery.objects.select_related("job").get()
    assert (delivery.job.status, delivery.job.attempts) == (JobStatus.DONE, 2)
    assert delivery.status_code == 204
    first, second = [r for r in web.requests if r.path == "/flaky"]
    # The same body and signature each time: receivers can deduplicate.
    assert first.body == second.body
    assert (
        first.headers["X-Factcheck-Signature"]
        == (second.headers["X-Factcheck-Signature"])
    )


def test_a_private_address_is_refused_for_good_unless_allowed(
    web, task_queue, run_worker, settings
):
    settings.FETCH_ALLOWED_HOSTS = []  # 127.0.0.1 no longer allowed
    hook(web.route("/inside", status=200), WebhookEvent.ARTICLE_IMPORTED)
    services.import_article(text=TEXT, title="Nexusflow")
    run_worker()
    job = WebhookDelivery.objects.select_related("job").get().job
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)  # not retried
    assert "127.0.0.1" in job.error and "private, local or reserved" in job.error
    assert web.requests == []  # nothing reached the server


def test_only_active_webhooks_that_want_the_event_are_told(web, task_queue):
    wanted = hook(web.route("/a"), WebhookEvent.ARTICLE_IMPORTED)
    hook(web.route("/b"), WebhookEvent.VERDICT_PUBLISHED)
    hook(web.route("/c"), WebhookEvent.ARTICLE_IMPORTED, active=False)
    services.import_article(text=TEXT, title="Nexusflow")
    assert [d.webhook for d in WebhookDelivery.objects.all()] == [wanted]


def test_publishing_and_approving_a_correction_notify(web, task_queue, run_worker):
    hook(web.route("/hook"), WebhookEvent.VERDICT_PUBLISHED)
    corrections = hook(web.route("/corrections"), WebhookEvent.CORRECTION_APPROVED)
    editor = UserFactory(username="ed", role="editor")
    reviewer = UserFactory(username="rev", role="reviewer")
    claim = claim_of(ArticleFactory(text=TEXT), 1)
    add_source(claim, added_by=editor)
    judge(claim, "verified", "The registry says 2023.", editor=editor)
    publish(claim, reviewer)
    current = fresh(claim)
    reviewing.propose_correction(
        claim=current,
        editor=editor,
        verdict="disputed",
        rationale="Reports disagree.",
        reason="A later report.",
        expected_version=current.version,
    )
    approve(claim, reviewer)
    run_worker()
    published, corrected = _by_path(web.requests)
    assert published["event"] == "verdict.published"
    assert [c["id"] for c in published["data"]["claims"]] == [claim.pk]
    assert published["data"]["claims"][0]["verdict"] == "verified"
    assert published["data"]["claims"][0]["public_id"] == claim.public_id
    assert corrected["event"] == "correction.approved"
    assert corrected["data"]["correction"]["new_verdict"] == "disputed"
    assert corrected["data"]["claim"]["verdict"] == "disputed"
    assert WebhookDelivery.objects.filter(webhook=corrections).count() == 1


def _by_path(requests) -> tuple[dict, dict]:
    bodies = {r.path: json.loads(r.body) for r in requests}
    return bodies["/hook"], bodies["/corrections"]


def test_publishing_an_article_sends_one_event_for_all_its_verdicts(
    web, task_queue, run_worker
):
    hook(web.route("/hook"), WebhookEvent.VERDICT_PUBLISHED)
    editor = UserFactory(username="ed", role="editor")
    reviewer = UserFactory(username="rev", role="reviewer")
    article = ArticleFactory(text=TEXT)
    for claim in article.claims.all():
        add_source(claim, added_by=editor)
        judge(claim, "verified", editor=editor)
        approve(claim, reviewer)
    assert reviewing.publish_article(article=article, reviewer=reviewer) == 2
    run_worker()
    (seen,) = web.requests
    claims = json.loads(seen.body)["data"]["claims"]
    assert sorted(c["id"] for c in claims) == sorted(
        article.claims.values_list("pk", flat=True)
    )


def test_an_event_without_webhooks_costs_one_query(task_queue):
    with CaptureQueriesContext(connection) as context:
        notifying.verdicts_published([1, 2, 3])
    assert len(context) == 1


def test_deliveries_take_a_fixed_number_of_queries_per_webhook(web, task_queue):
    hook(web.route("/a"))
    with CaptureQueriesContext(connection) as one:
        notifying.verdicts_published([1])
    hook(web.route("/b"))
    with CaptureQueriesContext(connection) as two:
        notifying.verdicts_published([1])
    per_hook = len(two) - len(one)
    assert per_hook <= 5  # job, delivery, task, task id (and a savepoint)


def test_admins_register_webhooks_and_read_the_delivery_log(
    web, client, task_queue, run_worker
):
    admin = UserFactory(username="boss", role="admin", is_staff=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:annotations_webhook_add"),
        {
            "url": web.route("/hook", status=202),
            "secret": SECRET,
            "events": ["article.imported", "correction.approved"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Webhook.objects.get()
    assert created.events == ["article.imported", "correction.approved"]
    services.import_article(text=TEXT, title="Nexusflow")
    run_worker()
    log = client.get(reverse("admin:annotations_webhookdelivery_changelist"))
    assert log.status_code == 200
    page = log.content.decode()
    assert '<td class="field-status_code">202</td>' in page
    assert '<td class="field-job_status">done</td>' in page


def test_an_unknown_event_is_refused_by_the_admin_form(client):
    admin = UserFactory(username="boss", role="admin", is_staff=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:annotations_webhook_add"),
        {"url": "https://example.org/hook", "secret": SECRET, "events": ["nope"]},
    )
    assert response.status_code == 200
    assert "Select a valid choice. nope is not one of the available choices." in (
        response.content.decode()
    )
    assert not Webhook.objects.exists()


def test_a_job_of_a_deleted_webhook_does_nothing(web, task_queue, run_worker):
    hook(web.route("/hook"), WebhookEvent.ARTICLE_IMPORTED)
    services.import_article(text=TEXT, title="Nexusflow")
    Webhook.objects.all().delete()
    run_worker()
    assert web.requests == []
    assert Job.objects.filter(kind="webhook", status=JobStatus.DONE).count() == 1


def test_the_delivery_log_and_job_list_take_constant_queries(client, task_queue):
    admin = UserFactory(username="boss", role="admin", is_staff=True)
    client.force_login(admin)
    target = Webhook.objects.create(
        url="https://example.org/hook", secret=SECRET, events=[], active=False
    )

    def add(count: int) -> None:
        for _ in range(count):
            WebhookDelivery.objects.create(
                webhook=target,
                job=Job.objects.create(kind="webhook", attempts=1, error="x"),
                event="article.imported",
                body="{}",
                status_code=500,
            )

    log = reverse("admin:annotations_webhookdelivery_changelist")
    jobs_page = reverse("admin:annotations_job_changelist")
    add(2)
    few = queries_for(client, log), queries_for(client, jobs_page)
    add(60)
    assert (queries_for(client, log), queries_for(client, jobs_page)) == few
