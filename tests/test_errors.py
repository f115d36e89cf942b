"""Server errors: 503 with a clear message while the database is away."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from annotations.api import views as api_views
from annotations.models import Claim
from annotations.web import articles

from .factories import ArticleFactory


@pytest.fixture
def raising_client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_lost_database_answers_503_with_a_message_not_a_trace(
    raising_client, monkeypatch, editor
):
    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(articles.queries, "articles_for_dashboard", down)
    raising_client.force_login(editor)
    page = raising_client.get("/")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    body = page.content.decode()
    assert "database is not reachable" in body
    assert "Traceback" not in body and "server closed" not in body


@pytest.mark.django_db
def test_the_api_answers_503_in_json(raising_client, monkeypatch, editor):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(api_views.queries, "articles_for_api", down)
    raising_client.force_login(editor)
    response = raising_client.get("/api/v1/articles/")
    assert response.status_code == 503
    assert "database is not reachable" in response.json()["detail"]


@pytest.mark.django_db
def test_other_errors_are_a_plain_500(raising_client, monkeypatch, editor):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(articles.queries, "articles_for_dashboard", broken)
    raising_client.force_login(editor)
    page = raising_client.get("/")
    assert page.status_code == 500
    assert "secret internal detail" not in page.content.decode()


def test_a_lost_database_is_logged_in_one_line():
    import logging
    import sys

    from factcheck.errors import DatabaseUnavailableFilter

    try:
        raise OperationalError("server closed the connection unexpectedly\nmore")
    except OperationalError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            "",
            0,
            "Service Unavailable: %s",
            ("/api/v1/claims/",),
            sys.exc_info(),
        )
    assert DatabaseUnavailableFilter().filter(record)
    assert record.exc_info is None
    assert record.getMessage() == (
        "Service Unavailable: /api/v1/claims/ "
        "(database unavailable: server closed the connection unexpectedly)"
    )


@pytest.mark.django_db
def test_a_write_whose_history_cannot_be_written_is_not_saved(
    raising_client, monkeypatch, editor
):
    """The database going away as a verdict's history is written answers 503,
    and then its UPDATE was not saved. On SQLite the history's INSERT comes
    after the UPDATE (which also reads the answer back), so this checks that
    the request's statements share a transaction; on PostgreSQL both are one
    statement."""
    claim = ArticleFactory().claims.order_by("position").first()

    def history_down(execute, sql, params, many, context):
        if 'INSERT INTO "annotations_historicalclaim"' in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    raising_client.force_login(editor)
    with connection.execute_wrapper(history_down):
        response = raising_client.patch(
            f"/api/v1/claims/{claim.pk}/",
            {"verdict": "disputed", "rationale": "Not so.", "version": claim.version},
            content_type="application/json",
        )
    assert response.status_code == 503
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.version, stored.verdict) == (claim.version, claim.verdict)
    assert stored.history.count() == claim.history.count()


@pytest.mark.django_db
def test_a_write_whose_answer_cannot_be_read_is_not_saved(
    raising_client, monkeypatch, editor
):
    """A write answered by reading the claim afresh (as when the write did not
    read it back), with the database going away before that read, answers 503
    and saves nothing."""
    claim = ArticleFactory().claims.order_by("position").first()

    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(api_views.queries, "claims_for_api", down)
    monkeypatch.setattr(api_views.returning, "has_answer", lambda claim: False)
    raising_client.force_login(editor)
    response = raising_client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"verdict": "disputed", "rationale": "Not so.", "version": claim.version},
        content_type="application/json",
    )
    assert response.status_code == 503
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.version, stored.verdict) == (claim.version, claim.verdict)
    assert stored.history.count() == claim.history.count()
