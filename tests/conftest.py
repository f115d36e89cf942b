from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from .factories import make_editor

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def seed_text() -> str:
    """The demo article, exactly as stored in fixtures/."""
    return (FIXTURES / "article.txt").read_text(encoding="utf-8")


@pytest.fixture
def import_limit(settings):
    """A small import size limit, so the too-large path is cheap to test."""
    settings.IMPORT_MAX_BYTES = 1000
    return settings.IMPORT_MAX_BYTES


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Anonymous API throttling counts requests in the cache; tests start at zero."""
    cache.clear()
    yield


@pytest.fixture
def editor():
    """A user allowed to change claims."""
    return make_editor()


@pytest.fixture
def anon():
    """An API client with no credentials."""
    return APIClient()


@pytest.fixture
def editor_api(editor):
    """An API client signed in as the editor."""
    client = APIClient()
    client.force_login(editor)
    return client
