"""The demo: the seed article with its researched verdicts, and demo accounts."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from . import importing, jobs, roles, services
from .models import Article, Verdict
from .services import reviewing

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DEMO_ARTICLE = FIXTURES_DIR / "article.txt"
DEMO_VERDICTS = FIXTURES_DIR / "demo_verdicts.json"
# Each demo account has the role of its name.
DEMO_USERNAMES = (roles.ADMIN, roles.EDITOR, roles.REVIEWER, roles.VIEWER)
DEMO_EDITOR = "editor"
DEMO_REVIEWER = "reviewer"
MISMATCH = "The demo verdicts do not match the article's units at position {position}."
DEBUG_ONLY = (
    "Demo accounts have known passwords: they are only created when DEBUG is on."
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
    meta = data["article"]
    with transaction.atomic():
        # The researched verdicts are credited to the demo editor and approved
        # by the demo reviewer; the accounts exist (without a password) even
        # where create_demo_accounts may not run.
        editor = _desk_member(DEMO_EDITOR)
        reviewer = _desk_member(DEMO_REVIEWER)
        article = services.import_article(
            text=text,
            title=meta["title"],
            url=meta.get("url", ""),
            publisher=meta.get("publisher", ""),
            published_on=_date(meta.get("published")),
            imported_by=editor,
            analyse=False,  # once below, with the researched kinds
        )
        claims = list(article.claims.order_by("position"))
        if len(claims) != len(data["units"]):
            raise DemoDataMismatch(MISMATCH.format(position=len(claims)))
        for claim, unit in zip(claims, data["units"], strict=True):
            _apply_unit(claim, unit, data["sources"], editor, reviewer)
        jobs.queue_analysis(article=article, requested_by=editor)
    return article, True


def _desk_member(username: str) -> AbstractBaseUser:
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.org", "is_staff": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=username))
    return user


def _apply_unit(
    claim,
    unit: dict,
    sources: dict,
    editor: AbstractBaseUser,
    reviewer: AbstractBaseUser,
) -> None:
    if unit["position"] != claim.position or unit["text"] != claim.text:
        raise DemoDataMismatch(MISMATCH.format(position=claim.position))
    if unit["kind"] != claim.kind:
        claim = services.set_kind(
            claim=claim,
            kind=unit["kind"],
            editor=editor,
            expected_version=claim.version,
            analyse=False,
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
    if unit["verdict"] != Verdict.UNREVIEWED:
        # The researched verdicts load as published.
        claim.refresh_from_db(fields=["version"])  # adding sources raised it
        claim = reviewing.approve(
            claim=claim, reviewer=reviewer, expected_version=claim.version
        )
        reviewing.publish(
            claim=claim, reviewer=reviewer, expected_version=claim.version
        )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def create_demo_accounts(*, password: str) -> list[DemoAccount]:
    """Create the admin, editor, reviewer and viewer accounts, each in its role.

    An account that exists keeps its password, unless it has none (made by
    load_demo_article for attribution).
    """
    if not settings.DEBUG:
        raise PermissionError(DEBUG_ONLY)
    users = get_user_model().objects
    accounts = []
    with transaction.atomic():
        for username in DEMO_USERNAMES:
            user = users.filter(username=username).first()
            created = user is None or not user.has_usable_password()
            if user is None:
                user = users.create_user(
                    username, f"{username}@example.org", is_staff=True
                )
            if created:
                user.set_password(password)
                user.is_staff = True
                user.is_superuser = username == roles.ADMIN
                user.save()
                user.groups.add(Group.objects.get(name=username))
            accounts.append(DemoAccount(username, created=created))
    return accounts
