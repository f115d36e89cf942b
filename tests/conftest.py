import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, connections
from django.utils import translation
from rest_framework.test import APIClient

from annotations import ratings, roles, tokens

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


@pytest.fixture
def task_queue(settings):
    """A real queue for background jobs, not run until the test says so.

    The database one, or TASKS_BACKEND's when it names another (CI runs the
    job tests once on Redis). The other tests run jobs at once, in-process.
    """
    name = os.environ.get("TASKS_BACKEND", "")
    name = name if name not in ("", "immediate") else "database"
    settings.TASKS = {"default": settings.TASK_BACKENDS[name]}
    if name == "rq":
        _rq_queue().empty()  # what an earlier run left
    yield name
    if name == "rq":
        _rq_queue().empty()


def _rq_queue():
    import django_rq
    from django_tasks_rq import Job

    return django_rq.get_queue("default", job_class=Job)


def _burst_worker_class():
    from rq import SimpleWorker

    class BurstWorker(SimpleWorker):
        """rq's in-process worker without its command channel: a burst in a
        test takes no commands, and stopping the channel's thread can wait
        for its minute-long poll (two tests took 60 s each)."""

        def subscribe(self) -> None:
            pass

        def unsubscribe(self) -> None:
            pass

    return BurstWorker


def _send_on_commit() -> None:
    """What would be sent when the test's transaction commits: tasks for Redis."""
    while connection.run_on_commit:
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in pending:
            callback()


@pytest.fixture
def run_worker(task_queue):
    """Run every job waiting in the queue (and those they queue), like a worker.

    In this process and this test's transaction: the test database is not
    visible to another process.
    """

    def run() -> None:
        if task_queue != "rq":
            return run_database_queue()
        queue = _rq_queue()
        _send_on_commit()
        while len(queue):
            _burst_worker_class()(
                [queue], connection=queue.connection, job_class=queue.job_class
            ).work(burst=True)
            _send_on_commit()  # the retries the jobs queued

    def run_database_queue() -> None:
        from django_tasks_db.management.commands.db_worker import Worker
        from django_tasks_db.models import DBTaskResult

        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test",
            excluded_queue_names=[],
        )
        # (Worker.run() would open an exclusive transaction: not inside
        # the test's.)
        while (task := DBTaskResult.objects.ready().first()) is not None:
            task.claim(worker.worker_id)
            worker.run_task(task)

    return run


@pytest.fixture
def make_due(task_queue):
    """Make a task waiting for its retry time due now (instead of sleeping)."""

    def due(task_id: str) -> None:
        if task_queue == "rq":
            from rq.registry import ScheduledJobRegistry

            queue = _rq_queue()
            job = queue.fetch_job(task_id)
            ScheduledJobRegistry(queue=queue).remove(job)
            queue.enqueue_job(job)
            return
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(id=task_id).update(run_after=timezone.now())

    return due


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
    # A rolled-back test's groups and tokens must not be remembered by the next.
    roles.forget_roles()
    tokens.forget_tokens()
    ratings.forget_scale()
    if uses_database:
        with django_db_blocker.unblock():
            cache.clear()
            # A transactional test empties the table migration 0014 filled;
            # the scale is then known before the request a test counts.
            _install_ratings()
            # As in a running server, the roles are known before the request
            # a test counts the queries of (the first request would read them).
            roles.group_permissions(
                frozenset(Group.objects.values_list("pk", flat=True))
            )
    yield


def _install_ratings() -> None:
    """Read the scale, first installing the default one if a test emptied it."""
    if not ratings.scale():
        ratings.install_defaults()
        ratings.forget_scale()
        ratings.scale()


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


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Chinese leaves its language active in the thread; reset it.

    Without this a later test's stored messages (a job's refusal, a snapshot's
    error) come out in whatever language the previous test's page used.
    """
    yield
    translation.activate(settings.LANGUAGE_CODE)
