"""Throttles and lock-outs count the real client, in a cache every worker shares."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django.urls import reverse

from annotations.api.throttling import AnonThrottle
from factcheck.proxies import client_address

from .factories import UserFactory
from .helpers import child_environment

ROOT = Path(__file__).resolve().parent.parent
EXPORT = "/api/v1/export/verdicts.json"
PROXY = "10.0.0.2"
CLIENT = "203.0.113.5"
OTHER = "198.51.100.9"


def address(forwarded: str | None, remote: str = PROXY) -> str:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


@pytest.mark.parametrize("forwarded", [None, "", CLIENT, f"1.2.3.4, {CLIENT}"])
def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings, forwarded):
    settings.TRUSTED_PROXIES = 0
    assert address(forwarded) == PROXY


def test_with_one_trusted_proxy_the_right_most_address_counts(settings):
    settings.TRUSTED_PROXIES = 1
    assert address(CLIENT) == CLIENT
    # Whatever the client wrote before the proxy's entry is not believed.
    assert address(f"1.2.3.4, 5.6.7.8, {CLIENT}") == CLIENT
    assert address(None) == PROXY


def test_with_two_trusted_proxies_the_second_from_the_right_counts(settings):
    settings.TRUSTED_PROXIES = 2
    assert address(f"1.2.3.4, {CLIENT}, 10.0.0.1") == CLIENT
    # Fewer hops than proxies: the left-most there is.
    assert address(CLIENT) == CLIENT


def test_a_forwarded_entry_that_is_no_address_counts_the_peer(settings):
    settings.TRUSTED_PROXIES = 1
    assert address("not-an-address") == PROXY
    assert address(f"{CLIENT}, ") == PROXY


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonThrottle, "rate", "3/minute", raising=False)


def statuses(client, forwarded: list[str], remote: str = PROXY) -> list[int]:
    return [
        client.get(EXPORT, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=f).status_code
        for f in forwarded
    ]


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_escape_the_throttle(
    client, settings, three_a_minute
):
    settings.TRUSTED_PROXIES = 0
    forged = [f"192.0.2.{n}" for n in range(1, 6)]
    assert statuses(client, forged) == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_behind_one_proxy_each_client_has_its_own_count(
    client, settings, three_a_minute
):
    settings.TRUSTED_PROXIES = 1
    # The client varies what it sends; the proxy appends the real address.
    forged = [f"192.0.2.{n}, {CLIENT}" for n in range(1, 5)]
    assert statuses(client, forged) == [200, 200, 200, 429]
    # Another client behind the same proxy is not held back.
    assert statuses(client, [OTHER]) == [200]


@pytest.mark.django_db
def test_throttle_counts_are_shared_by_separate_cache_clients(
    client, monkeypatch, three_a_minute
):
    # Two workers: each has its own cache connection to the same store.
    first, second = (caches.create_connection("default") for _ in range(2))
    assert first is not second
    monkeypatch.setattr(AnonThrottle, "cache", first)
    assert statuses(client, ["", "", ""], remote=CLIENT) == [200, 200, 200]
    monkeypatch.setattr(AnonThrottle, "cache", second)
    assert statuses(client, [""], remote=CLIENT) == [429]


def test_the_default_cache_is_a_database_table():
    backend = caches["default"]
    assert isinstance(backend, DatabaseCache)
    assert django_settings.CACHES["default"]["LOCATION"] == "factcheck_cache"


def manage(database: Path, *args: str, **env: str) -> str:
    result = subprocess.run(  # noqa: S603 (our interpreter and manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=child_environment(
            "REDIS_URL", DEBUG="1", DATABASE_URL=f"sqlite:///{database}", **env
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_separate_processes_see_the_same_counts(tmp_path):
    database = tmp_path / "shared.sqlite3"
    manage(database, "createcachetable")
    bump = "from django.core.cache import cache; cache.add('n', 0); cache.incr('n')"
    manage(database, "shell", "-c", bump)
    manage(database, "shell", "-c", bump)
    read = "from django.core.cache import cache; print(cache.get('n'))"
    assert manage(database, "shell", "-c", read).splitlines()[-1] == "2"


def test_with_redis_configured_clients_share_counts_there():
    location = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = f"factcheck-test-{uuid.uuid4().hex}"
    first, second = (RedisCache(location, {"KEY_PREFIX": prefix}) for _ in range(2))
    try:
        first.set("n", 0)
        first.incr("n")
        second.incr("n")
        assert first.get("n") == second.get("n") == 2
    finally:
        first.delete("n")


@pytest.mark.django_db
def test_behind_a_proxy_a_lockout_holds_only_its_own_client(client, settings):
    settings.TRUSTED_PROXIES = 1
    UserFactory(username="ana")

    def sign_in(password: str, forwarded: str) -> int:
        return client.post(
            reverse("login"),
            {"username": "ana", "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    # An attacker varies the forged part; the proxy's entry gives it away.
    tries = [sign_in("wrong", f"192.0.2.{n}, {CLIENT}") for n in range(5)]
    assert tries == [200, 200, 200, 200, 429]
    assert sign_in("pw-for-tests-1", CLIENT) == 429
    # Ana, through the same proxy, still signs in.
    assert sign_in("pw-for-tests-1", OTHER) == 302


@pytest.mark.django_db
def test_without_trusted_proxies_a_forged_header_does_not_escape_a_lockout(
    client, settings
):
    settings.TRUSTED_PROXIES = 0
    UserFactory(username="ana")
    tries = [
        client.post(
            reverse("login"),
            {"username": "ana", "password": "wrong"},
            REMOTE_ADDR=CLIENT,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(5)
    ]
    assert tries == [200, 200, 200, 200, 429]
