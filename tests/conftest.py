from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connections
from rest_framework.test import APIClient

from .factories import UserFactory, make_editor
from .webserver import LocalServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "postgres: needs PostgreSQL (deselected on any other database)"
    )
    config.addinivalue_line(
        "markers", "sqlite: about SQLite itself (deselected on any other database)"
    )


def pytest_collection_modifyitems(config, items):
    """Deselect (not skip) the tests of one database when running on another."""
    vendor = connections["default"].vendor
    other = {"postgresql": "sqlite", "sqlite": "postgres"}.get(vendor)
    kept, deselected = [], []
    for item in items:
        (deselected if other and item.get_closest_marker(other) else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


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
def _fresh_throttle_counts(request, django_db_blocker):
    """Anonymous API throttling counts requests in the cache; tests start at zero.

    The cache is a database table, so only tests that use the database touch it.
    """
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_database:
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            cache.clear()
    yield


@pytest.fixture
def editor():
    """A user allowed to change claims."""
    return make_editor()


@pytest.fixture
def reviewer():
    """A user with the reviewer role (not the editor: two people)."""
    return UserFactory(username="reviewer", role="reviewer")


@pytest.fixture
def viewer():
    """A user with the viewer role: reads, comments, changes nothing."""
    return UserFactory(username="viewer", role="viewer")


@pytest.fixture
def anon():
    """An API client with no credentials."""
    return APIClient()


@pytest.fixture
def editor_client(client, editor):
    """A browser-like client signed in as the editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def editor_api(editor):
    """An API client signed in as the editor."""
    client = APIClient()
    client.force_login(editor)
    return client


@pytest.fixture
def web(settings):
    """A local HTTP server on 127.0.0.1 that fetches are allowed to reach."""
    server = LocalServer().start()
    settings.FETCH_ENABLED = True
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.FETCH_TIMEOUT = 2
    yield server
    server.stop()
