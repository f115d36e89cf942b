"""What many test files do the same way: count queries, read bodies, sign in."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotations.models import Article, Claim, Source

API = "/api/v1"

# What this process's environment holds for the tests alone: pytest-django's
# settings module (a child process reads production's, factcheck/settings.py,
# unless it says otherwise) and the browser tests' permission for sync
# database calls inside Playwright's event loop.
TESTS_ONLY = (
    "DJANGO_SETTINGS_MODULE",
    "PYTEST_CURRENT_TEST",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def child_environment(*leave_out: str, **env: str) -> dict[str, str]:
    """The environment for a child process: ours without the tests' own, plus env."""
    drop = {*TESTS_ONLY, *leave_out}
    return {
        **{k: v for k, v in os.environ.items() if k not in drop},
        **env,
    }


def stored() -> tuple[list, list, list]:
    """Every article, claim and source column a write can change, to check that
    a refused one changed nothing."""
    return (
        list(Article.objects.order_by("pk").values_list("pk", "title", "text")),
        list(
            Claim.objects.order_by("pk").values_list(
                "pk",
                "position",
                "start",
                "end",
                "text",
                "kind",
                "verdict",
                "rationale",
                "verdict_by",
                "version",
                "updated_at",
            )
        ),
        list(
            Source.objects.order_by("pk").values_list(
                "pk", "claim_id", "url", "title", "publisher", "quote", "stance"
            )
        ),
    )


def count_queries(callable_: Callable[[], object]) -> int:
    """How many queries calling ``callable_`` makes."""
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context)


def queries_for(client, url: str, params: dict | None = None) -> int:
    """How many queries a GET of ``url`` makes, streamed body included; 200 only."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
    # A streamed response has no .content to show.
    assert response.status_code == 200, getattr(response, "content", response)
    return len(context)


def body_of(response) -> str:
    """A response's body as text, streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def signed_in(client, user):
    """``client``, signed in as ``user``."""
    client.force_login(user)
    return client


def client_of(user) -> APIClient:
    """An API client signed in as ``user`` (None: anonymous)."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def claim_url(claim, action: str = "") -> str:
    """A claim's API address, or one of its actions'."""
    return f"{API}/claims/{claim.pk}/" + (f"{action}/" if action else "")


def utc(moment: datetime.datetime | None) -> str | None:
    """A moment as the API and exports write it."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
