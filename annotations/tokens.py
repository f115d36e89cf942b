"""API tokens: a key is shown once, at creation; only its SHA-256 is stored.

Clients send it as ``Authorization: Token <key>``; whoever reads the database
(a backup, the admin) learns no key. Each worker process remembers the keys it
has recently seen, with their users and role groups, for TOKEN_CACHE_SECONDS:
an API client's requests then authenticate without a query. Any change to
tokens, users or their groups empties that memory in the process that made it;
other processes notice within TOKEN_CACHE_SECONDS.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import threading
import time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from .models import ApiToken

PREFIX_CHARS = 8
# Beyond this many keys the memory starts afresh (a bound, not an LRU).
MAX_REMEMBERED = 10_000

_remembered: dict[str, tuple[float, ApiToken]] = {}
_lock = threading.Lock()


class GroupConcat(models.Aggregate):
    """Values joined with commas (SQLite's group_concat, PostgreSQL's string_agg)."""

    function = "GROUP_CONCAT"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra,
        )


def digest(key: str) -> str:
    """The SHA-256 (hex) under which a key is stored."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(*, user: AbstractBaseUser) -> tuple[ApiToken, str]:
    """Give ``user`` a new API key, replacing any earlier one: (token, key)."""
    key = secrets.token_hex(20)
    with transaction.atomic():
        ApiToken.objects.filter(user=user).delete()
        token = ApiToken.objects.create(
            user=user,
            prefix=key[:PREFIX_CHARS],
            digest=digest(key),
            created_at=timezone.now(),
        )
    forget_tokens()
    return token, key


def find_token(key: str) -> ApiToken | None:
    """The token stored for ``key``, with its user and their role groups, or None.

    One query, or none when this process saw the key in the last
    TOKEN_CACHE_SECONDS.
    """
    hashed = digest(key)
    now = time.monotonic()
    seen = _remembered.get(hashed)
    if seen is not None and seen[0] > now:
        return _copy(seen[1])
    token = (
        ApiToken.objects.filter(digest=hashed)
        .select_related("user")
        .annotate(**role_annotations("user_id"))
        .first()
    )
    if token is None:
        return None
    _attach_roles(token, token.user)
    lifetime = settings.TOKEN_CACHE_SECONDS
    if lifetime > 0:
        with _lock:
            if len(_remembered) >= MAX_REMEMBERED:
                _remembered.clear()
            _remembered[hashed] = (now + lifetime, _copy(token))
    return token


def forget_tokens(**_signal_arguments: object) -> None:
    """Empty this process's memory of keys (tokens, users or groups changed)."""
    with _lock:
        _remembered.clear()


def role_annotations(user_id: str) -> dict[str, Subquery | Exists]:
    """The user's group ids (comma-separated) and whether they hold permissions
    of their own: what roles.RoleBackend needs, read in the same query."""
    User = ApiToken._meta.get_field("user").related_model
    memberships = User.groups.through.objects.filter(user_id=OuterRef(user_id))
    group_ids = (
        memberships.order_by()
        .values("user_id")
        .annotate(ids=GroupConcat("group_id"))
        .values("ids")
    )
    own = User.user_permissions.through.objects.filter(user_id=OuterRef(user_id))
    return {"_group_ids": Subquery(group_ids), "_own_permissions": Exists(own)}


def with_roles(users: models.QuerySet) -> models.QuerySet:
    """Users whose role groups come with them (roles.RoleBackend)."""
    return users.annotate(**role_annotations("pk"))


def attach_roles(user: AbstractBaseUser) -> AbstractBaseUser:
    """Move role_annotations' values from ``user`` to where RoleBackend reads them."""
    _attach_roles(user, user)
    return user


def _attach_roles(row: models.Model, user: AbstractBaseUser) -> None:
    ids = row.__dict__.pop("_group_ids") or ""
    user.role_group_ids = frozenset(int(n) for n in ids.split(",") if n)
    user.has_own_permissions = row.__dict__.pop("_own_permissions")


def _copy(token: ApiToken) -> ApiToken:
    """A copy for one request: permission caches set on it stay with that request."""
    fresh = copy.copy(token)
    user = copy.copy(token.user)
    for name in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(name, None)
    fresh.user = user
    return fresh
