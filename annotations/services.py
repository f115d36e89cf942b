"""Every write to articles, claims and sources goes through these functions.

The admin, the management commands, and later the browser and the API call
them, so each rule lives in one place.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import importing, segmentation
from .importing import ImportRefused
from .models import HTTP_URL_VALIDATOR, Article, Claim, Kind, Source, Stance, Verdict

STALE_VERSION = (
    "Claim {position} was changed by someone else (now version {current}, "
    "you started from version {expected}). Reload it and apply your change again."
)
UNKNOWN_VERDICT = "Unknown verdict '{value}'. Use one of: {allowed}."
UNKNOWN_KIND = "Unknown kind '{value}'. Use one of: {allowed}."
UNKNOWN_STANCE = "Unknown stance '{value}'. Use one of: {allowed}."
BAD_URL = "Enter a full http:// or https:// address (got '{value}')."
TITLE_REQUIRED = "A title is required."
SOURCE_TITLE_REQUIRED = "A source needs a title."

User = AbstractBaseUser


class StaleVersion(Exception):
    """The claim changed since the caller read it; ``current`` is the fresh row."""

    def __init__(self, current: Claim, expected: int) -> None:
        super().__init__(
            STALE_VERSION.format(
                position=current.position, current=current.version, expected=expected
            )
        )
        self.current = current


def import_article(
    *,
    text: str,
    title: str,
    url: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
    imported_by: User | None = None,
    heading_lines: Iterable[str] = (),
) -> Article:
    """Store ``text`` as a new article with one claim per segmented unit."""
    text = importing.normalise(text)
    importing.check_size(len(text.encode("utf-8")), settings.IMPORT_MAX_BYTES)
    if not text.strip():
        raise ImportRefused(importing.EMPTY, code="empty")
    title = title.strip()
    if not title:
        raise ImportRefused(TITLE_REQUIRED, code="title")
    try:
        url = _clean_url(url, blank=True)
    except ValidationError as error:
        raise ImportRefused(error.messages[0], code="url") from None
    digest = importing.text_sha256(text)
    _refuse_duplicate(digest)
    units = segmentation.split_units(text, heading_lines=heading_lines)
    now = timezone.now()
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title[:300],
                url=url,
                publisher=publisher.strip()[:200],
                published_on=published_on,
                language=importing.detect_language(text),
                text=text,
                sha256=digest,
                imported_by=imported_by,
                imported_at=now,
            )
            _insert_claims(article.pk, units, now)
    except IntegrityError:
        # Someone imported the same text between our check and our insert.
        _refuse_duplicate(digest)
        raise
    return article


_CLAIM_COLUMNS = (
    "article_id",
    "position",
    "start",
    "end",
    "text",
    "kind",
    "kind_reason",
    "verdict",
    "rationale",
    "version",
    "updated_at",
)


def _insert_claims(
    article_id: int, units: list[segmentation.Unit], now: datetime.datetime
) -> None:
    """Insert one claim row per unit.

    The same rows Claim.objects.bulk_create would write, without building a
    model instance and compiling SQL per row: that overhead was about 90% of an
    import's time (bench/import_bench.py). Columns left out are nullable.
    """
    stamp = connection.ops.adapt_datetimefield_value(now)
    # verdict, rationale, version, updated_at: the same for every new claim.
    fresh = (Verdict.UNREVIEWED.value, "", 1, stamp)
    # Only our own table and column names are formatted into the SQL.
    quote = connection.ops.quote_name
    table = quote(Claim._meta.db_table)
    columns = ", ".join(quote(column) for column in _CLAIM_COLUMNS)
    numbered = enumerate(units, start=1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams every row in one statement with no per-row parsing.
            tail = "\t".join(map(str, fresh)) + "\n"
            data = "".join(
                f"{article_id}\t{position}\t{unit.start}\t{unit.end}\t"
                f"{unit.text.translate(_COPY_ESCAPES)}\t{unit.kind}\t{unit.reason}\t"
                + tail
                for position, unit in numbered
            )
            copy = f"COPY {table} ({columns}) FROM STDIN"
            cursor.copy_expert(copy, io.StringIO(data))
        else:
            placeholders = ", ".join(["%s"] * len(_CLAIM_COLUMNS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
            rows = [
                (article_id, position, unit.start, unit.end, unit.text, unit.kind)
                + (unit.reason, *fresh)
                for position, unit in numbered
            ]
            cursor.executemany(sql, rows)


# Escapes for PostgreSQL's COPY text format.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _refuse_duplicate(digest: str) -> None:
    existing = Article.objects.filter(sha256=digest).values("id", "title").first()
    if existing:
        raise ImportRefused(importing.DUPLICATE.format(**existing), code="duplicate")


def set_verdict(
    *,
    claim: Claim,
    verdict: str,
    rationale: str,
    editor: User | None,
    expected_version: int,
) -> Claim:
    """Record a verdict and its rationale, refusing if the claim changed meanwhile."""
    if verdict not in Verdict.values:
        raise ValidationError(
            UNKNOWN_VERDICT.format(value=verdict, allowed=", ".join(Verdict.values)),
            code="verdict",
        )
    now = timezone.now()
    unreviewed = verdict == Verdict.UNREVIEWED
    return _update_claim(
        claim,
        expected_version,
        verdict=verdict,
        rationale=rationale.strip(),
        verdict_by=None if unreviewed else editor,
        verdict_at=None if unreviewed else now,
        updated_at=now,
    )


def set_kind(*, claim: Claim, kind: str, expected_version: int) -> Claim:
    """Change what sort of unit a claim is (claim, opinion, heading, boilerplate)."""
    if kind not in Kind.values:
        raise ValidationError(
            UNKNOWN_KIND.format(value=kind, allowed=", ".join(Kind.values)), code="kind"
        )
    return _update_claim(
        claim, expected_version, kind=kind, kind_reason="", updated_at=timezone.now()
    )


def _update_claim(claim: Claim, expected_version: int, **changes: object) -> Claim:
    """Apply ``changes`` only if the row is still at ``expected_version``."""
    updated = Claim.objects.filter(pk=claim.pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    fresh = Claim.objects.get(pk=claim.pk)
    if not updated:
        raise StaleVersion(fresh, expected_version)
    return fresh


def add_source(
    *,
    claim: Claim,
    url: str,
    title: str,
    publisher: str = "",
    quote: str = "",
    stance: str = Stance.SUPPORTS,
    accessed_on: datetime.date | None = None,
    added_by: User | None = None,
) -> Source:
    """Attach a source to a claim; the claim's version goes up."""
    fields = _clean_source_fields(url=url, title=title, stance=stance)
    with transaction.atomic():
        source = Source.objects.create(
            claim=claim,
            publisher=publisher.strip()[:200],
            quote=quote.strip(),
            accessed_on=accessed_on,
            added_by=added_by,
            **fields,
        )
        _touch(claim)
    return source


def update_source(
    *,
    source: Source,
    url: str,
    title: str,
    publisher: str = "",
    quote: str = "",
    stance: str = Stance.SUPPORTS,
    accessed_on: datetime.date | None = None,
) -> Source:
    """Change a source's fields; its claim's version goes up."""
    fields = _clean_source_fields(url=url, title=title, stance=stance)
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(
            publisher=publisher.strip()[:200],
            quote=quote.strip(),
            accessed_on=accessed_on,
            **fields,
        )
        _touch(source.claim)
    source.refresh_from_db()
    return source


def remove_source(*, source: Source) -> None:
    """Detach a source from its claim; the claim's version goes up."""
    with transaction.atomic():
        claim = source.claim
        source.delete()
        _touch(claim)


def _touch(claim: Claim) -> None:
    Claim.objects.filter(pk=claim.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )


def _clean_source_fields(*, url: str, title: str, stance: str) -> dict[str, str]:
    title = title.strip()
    if not title:
        raise ValidationError(SOURCE_TITLE_REQUIRED, code="title")
    if stance not in Stance.values:
        raise ValidationError(
            UNKNOWN_STANCE.format(value=stance, allowed=", ".join(Stance.values)),
            code="stance",
        )
    return {"url": _clean_url(url, blank=False), "title": title[:500], "stance": stance}


def _clean_url(url: str, *, blank: bool) -> str:
    url = url.strip()
    if not url and blank:
        return ""
    scheme, sep, rest = url.partition("://")
    url = f"{scheme.lower()}{sep}{rest}"
    try:
        HTTP_URL_VALIDATOR(url)
    except ValidationError:
        raise ValidationError(BAD_URL.format(value=url[:200]), code="url") from None
    return url
