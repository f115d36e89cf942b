"""API tokens: a key is shown once, at creation; only its SHA-256 is stored.

Clients send it as ``Authorization: Token <key>``; whoever reads the database
(a backup, the admin) learns no key.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

PREFIX_CHARS = 8


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
    return token, key


def find_token(key: str) -> ApiToken | None:
    """The token stored for ``key``, with its user, or None."""
    return ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
