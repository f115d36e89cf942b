"""The demo: the seed article with its researched verdicts, and demo accounts."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.db import transaction

from . import importing, services
from .models import Article, Verdict

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DEMO_ARTICLE = FIXTURES_DIR / "article.txt"
DEMO_VERDICTS = FIXTURES_DIR / "demo_verdicts.json"
DEMO_USERNAMES = ("admin", "editor", "reviewer")
DEMO_EDITOR = "editor"
MISMATCH = "The demo verdicts do not match the article's units at position {position}."
DEBUG_ONLY = (
    "Demo accounts have known passwords: they are only created when DEBUG is on."
)

# What the desk's staff may do in the admin until roles arrive.
_STAFF_PERMISSIONS = (
    "view_article",
    "add_article",
    "change_article",
    "view_claim",
    "change_claim",
    "view_source",
    "add_source",
    "change_source",
    "delete_source",
)


class DemoDataMismatch(Exception):
    """The fixture file and the segmented article disagree."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    created: bool


def load_demo_article(
    *, article_path: Path = DEMO_ARTICLE, verdicts_path: Path = DEMO_VERDICTS
) -> tuple[Article, bool]:
    """Import the demo article with its verdicts once; return (article, created)."""
    data = json.loads(verdicts_path.read_text(encoding="utf-8"))
    text = importing.normalise(importing.decode(article_path.read_bytes()))
    existing = Article.objects.filter(sha256=importing.text_sha256(text)).first()
    if existing is not None:
        return existing, False
    editor = get_user_model().objects.filter(username=DEMO_EDITOR).first()
    meta = data["article"]
    with transaction.atomic():
        article = services.import_article(
            text=text,
            title=meta["title"],
            url=meta.get("url", ""),
            publisher=meta.get("publisher", ""),
            published_on=_date(meta.get("published")),
            imported_by=editor,
        )
        claims = list(article.claims.order_by("position"))
        if len(claims) != len(data["units"]):
            raise DemoDataMismatch(MISMATCH.format(position=len(claims)))
        for claim, unit in zip(claims, data["units"], strict=True):
            _apply_unit(claim, unit, data["sources"], editor)
    return article, True


def _apply_unit(
    claim, unit: dict, sources: dict, editor: AbstractBaseUser | None
) -> None:
    if unit["position"] != claim.position or unit["text"] != claim.text:
        raise DemoDataMismatch(MISMATCH.format(position=claim.position))
    if unit["kind"] != claim.kind:
        claim = services.set_kind(
            claim=claim, kind=unit["kind"], expected_version=claim.version
        )
    if unit["verdict"] != Verdict.UNREVIEWED or unit["rationale"]:
        claim = services.set_verdict(
            claim=claim,
            verdict=unit["verdict"],
            rationale=unit["rationale"],
            editor=editor,
            expected_version=claim.version,
        )
    for cited in unit["sources"]:
        source = sources[cited["ref"]]
        services.add_source(
            claim=claim,
            url=source["url"],
            title=source["title"],
            publisher=source.get("publisher", ""),
            quote=cited["quote"],
            stance=cited["stance"],
            added_by=editor,
        )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def create_demo_accounts(*, password: str) -> list[DemoAccount]:
    """Create the admin, editor and reviewer accounts if they do not exist yet."""
    if not settings.DEBUG:
        raise PermissionError(DEBUG_ONLY)
    users = get_user_model().objects
    accounts = []
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="annotations", codename__in=_STAFF_PERMISSIONS
        )
    )
    with transaction.atomic():
        for username in DEMO_USERNAMES:
            if users.filter(username=username).exists():
                accounts.append(DemoAccount(username, created=False))
                continue
            if username == "admin":
                users.create_superuser(username, f"{username}@example.org", password)
            else:
                user = users.create_user(
                    username, f"{username}@example.org", password, is_staff=True
                )
                user.user_permissions.set(permissions)
            accounts.append(DemoAccount(username, created=True))
    return accounts
