"""Articles: importing them (text -> claims), assigning, deleting, restoring,
and the admin's edits of their own fields."""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import assisting, importing, jobs, roles
from ..fetching import FetchResult
from ..importing import ImportRefused
from ..models import (
    CONTEXT_CHARS,
    Article,
    ArticleCapture,
    Claim,
    Kind,
    Status,
    Verdict,
    new_public_ids,
)
from ..text import segmentation
from . import notifying, recording
from .claims import refuse_non_editor
from .sources import clean_url

TITLE_REQUIRED = _("A title is required.")

DUPLICATE_DELETED = _(
    'This text was imported as article {id} ("{title}"), which is deleted: '
    "restore it in the admin (Articles, action “Restore the selected deleted "
    "articles”) instead of importing it again."
)
RESTORE_DUPLICATE = _(
    'Article {id} ("{title}") has the same text and is not deleted: delete it '
    "before restoring this one."
)

User = AbstractBaseUser


@dataclass(frozen=True)
class ImportPlan:
    """An import that passed every check: what would be stored."""

    text: str
    title: str
    url: str
    digest: str
    units: list[segmentation.Unit]
    language: str


def plan_import(
    *,
    text: str,
    title: str,
    url: str = "",
    heading_lines: Iterable[str] = (),
    imported_by: User | None = None,
) -> ImportPlan:
    """Check and segment an import without storing anything (the preview)."""
    text = importing.normalise(text)
    importing.check_text_size(text)
    if not text.strip():
        raise ImportRefused(importing.EMPTY, code="empty")
    try:
        url = clean_url(url, blank=True)
    except ValidationError as error:
        raise ImportRefused(error.messages[0], code="url") from None
    digest = importing.text_sha256(text)
    refuse_duplicate(digest, user=imported_by)
    units = importing.with_first_line_heading(
        text, segmentation.split_units(text, heading_lines=heading_lines)
    )
    # Untitled, an import takes its first heading (or first line) as title.
    headings = [unit.text for unit in units if unit.kind == Kind.HEADING]
    title = title.strip() or importing.default_title(text, headings)
    if not title:
        raise ImportRefused(TITLE_REQUIRED, code="title")
    return ImportPlan(
        text=text,
        title=title,
        url=url,
        digest=digest,
        units=units,
        language=importing.detect_language(text),
    )


def import_article(
    *,
    text: str,
    title: str,
    url: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
    imported_by: User | None = None,
    heading_lines: Iterable[str] = (),
    analyse: bool = True,
    page: FetchResult | None = None,
    author: str = "",
) -> Article:
    """Store ``text`` as a new article with one claim per segmented unit.

    With ``analyse``, a worker then gives each claim its hints,
    check-worthiness and past-verdict matches (annotations/jobs.py), whatever
    the article's size: the import itself stores the text and claims only.
    ``page``: the fetched page the text came from, kept with the article as it
    was received.
    """
    roles.require(imported_by, roles.IMPORT)
    if page is not None and not url.strip():
        url = page.final_url
    plan = plan_import(
        text=text,
        title=title,
        url=url,
        heading_lines=heading_lines,
        imported_by=imported_by,
    )
    return store_import(
        plan=plan,
        publisher=publisher,
        published_on=published_on,
        imported_by=imported_by,
        page=page,
        author=author,
        analyse=analyse,
    )


def store_import(
    *,
    plan: ImportPlan,
    publisher: str = "",
    published_on: datetime.date | None = None,
    imported_by: User | None = None,
    page: FetchResult | None = None,
    author: str = "",
    analyse: bool = True,
) -> Article:
    """Store a planned import: the article and its claims; with ``analyse``,
    their analysis is queued for a worker.

    Only this is the write; planning (segmenting) comes before it, so a long
    import holds the database's write lock briefly. ``page``: the fetched
    page the text came from, kept as it was received.
    """
    roles.require(imported_by, roles.IMPORT)
    now = timezone.now()
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=plan.title[:300],
                url=plan.url,
                publisher=publisher.strip()[:200],
                published_on=published_on,
                language=plan.language,
                text=plan.text,
                sha256=plan.digest,
                imported_by=imported_by,
                imported_at=now,
            )
            insert_claims(article.pk, plan.text, plan.units, now)
            if page is not None:
                ArticleCapture.objects.create(
                    article=article,
                    requested_url=page.url,
                    final_url=page.final_url,
                    status=page.status,
                    content_type=page.content_type[:100],
                    fetched_at=page.fetched_at,
                    author=author.strip()[:200],
                    html=page.body,
                    sha256=hashlib.sha256(page.body).hexdigest(),
                )
            recording.record(
                Claim.objects.filter(article_id=article.pk),
                user=imported_by,
                history_type=recording.CREATED,
                when=now,
            )
            if analyse:
                jobs.queue_analysis(article=article, requested_by=imported_by)
            notifying.article_imported(article, claims=len(plan.units))
    except IntegrityError:
        # Someone imported the same text between our check and our insert.
        refuse_duplicate(plan.digest, user=imported_by)
        raise
    return article


_CLAIM_COLUMNS = (
    "article_id",
    "position",
    "public_id",
    "start",
    "end",
    "text",
    "prefix",
    "suffix",
    "kind",
    "kind_reason",
    "verdict",
    "status",
    "rationale",
    "version",
    "updated_at",
    "hints",
    "worth",
    "worth_reasons",
    "normalised",
    "text_changed",
    "orphaned",
)


def insert_claims(
    article_id: int,
    text: str,
    units: list[segmentation.Unit],
    now: datetime.datetime,
    *,
    first_position: int = 1,
) -> None:
    """Insert one claim row per unit, each with a new public id.

    The same rows Claim.objects.bulk_create would write, without building a
    model instance and compiling SQL per row: that overhead was about 90% of an
    import's time (bench/import_bench.py). Columns left out are nullable.
    """
    stamp = connection.ops.adapt_datetimefield_value(now)
    # From verdict on, the same for every new claim (hints, the triage score
    # and the normalised text come from annotations/assisting.py afterwards).
    fresh = (Verdict.UNREVIEWED.value, Status.UNREVIEWED.value, "", 1, stamp)
    fresh += ("[]", 0, "[]", "", False, False)
    # Only our own table and column names are formatted into the SQL.
    quote = connection.ops.quote_name
    table = quote(Claim._meta.db_table)
    columns = ", ".join(quote(column) for column in _CLAIM_COLUMNS)
    numbered = zip(
        range(first_position, first_position + len(units)),
        new_public_ids(len(units)),
        units,
        strict=True,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams every row in one statement with no per-row parsing.
            tail = "\t".join(map(str, fresh)) + "\n"
            rows = (
                f"{article_id}\t{position}\t{public_id}\t"
                f"{unit.start}\t{unit.end}\t"
                f"{_copy_escaped(unit.text)}\t"
                f"{_copy_escaped(_before(text, unit))}\t"
                f"{_copy_escaped(_after(text, unit))}\t"
                f"{unit.kind}\t{unit.reason}\t" + tail
                for position, public_id, unit in numbered
            )
            copy = f"COPY {table} ({columns}) FROM STDIN"
            cursor.copy_expert(copy, _MadeAsRead(rows))
            if connection.alias not in _with_statistics:
                transaction.on_commit(
                    lambda: _first_statistics(table),
                    using=connection.alias,
                    robust=True,
                )
        else:
            placeholders = ", ".join(["%s"] * len(_CLAIM_COLUMNS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
            rows = [
                (article_id, position, public_id, unit.start, unit.end, unit.text)
                + (_before(text, unit), _after(text, unit), unit.kind, unit.reason)
                + fresh
                for position, public_id, unit in numbered
            ]
            cursor.executemany(sql, rows)


class _MadeAsRead:
    """A text file for COPY whose every read() makes the next rows: the
    database stores each batch while this process makes the next (timed by
    hand, 10,000 rows: 0.17 s made at once and then sent, 0.15 s so)."""

    BATCH = 500  # rows: about 50 KB

    def __init__(self, rows: Iterator[str]) -> None:
        self.rows = rows

    def read(self, size: int = -1) -> str:
        return "".join(itertools.islice(self.rows, self.BATCH))


# The databases (by alias) whose claim table is known to have planner
# statistics, in this process.
_with_statistics: set[str] = set()


def _first_statistics(table: str) -> None:
    """ANALYZE ``table`` (a quoted name) if it has never had planner
    statistics: after a new database's first import.

    Without them PostgreSQL planned a just-imported article's list pages as a
    few rows, reading and sorting all of its claims for each page (5.2 ms a
    page at 2,000 claims by EXPLAIN ANALYZE, 0.7 ms by the index). Autovacuum
    gathers them on its first visit, and never where it is off (as on this
    project's CI machine). Asked once per process and database; later
    imports leave them to autovacuum or the administrator's ANALYZE (each
    import refreshing them cost the stored part a third, bench/import_bench.py).
    SKIP_LOCKED: when autovacuum holds the table it is at it already.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table]
        )
        (known,) = cursor.fetchone()
        if known < 0:  # never analysed nor vacuumed
            cursor.execute(f"ANALYZE (SKIP_LOCKED) {table}")
    _with_statistics.add(connection.alias)


def _before(text: str, unit: segmentation.Unit) -> str:
    return text[max(0, unit.start - CONTEXT_CHARS) : unit.start]


def _after(text: str, unit: segmentation.Unit) -> str:
    return text[unit.end : unit.end + CONTEXT_CHARS]


def _copy_escaped(value: str) -> str:
    """``value`` in PostgreSQL's COPY text format: backslash, tab, newline and
    carriage return escaped (four replace() calls take an eighth of the time
    of one str.translate() with a table)."""
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def refuse_duplicate(digest: str, *, user: User | None) -> None:
    """Refuse text the desk already has.

    A live article with the same text is named. A deleted one is named only to
    those who may restore it (admins), and the import is refused in favour of
    restoring; for anyone else deleted means gone: the text imports as new.
    """
    existing = (
        Article.objects.filter(sha256=digest)
        .order_by(F("deleted_at").asc(nulls_first=True))
        .values("id", "title", "deleted_at")
        .first()
    )
    if existing is None:
        return
    names = {"id": existing["id"], "title": existing["title"]}
    if existing["deleted_at"] is None:
        raise ImportRefused(importing.DUPLICATE.format(**names), code="duplicate")
    if roles.can(user, roles.DELETE_ARTICLE):
        raise ImportRefused(DUPLICATE_DELETED.format(**names), code="duplicate")


def assign_article(*, article: Article, assignee: User | None, by: User | None) -> None:
    """Put an article's claims without an assignee of their own in a queue."""
    roles.require(by, roles.EDIT)
    refuse_non_editor(assignee)
    Article.objects.filter(pk=article.pk).update(assignee=assignee)


def delete_article(*, article: Article, by: User | None) -> None:
    """Hide an article from every list, page and export; restorable.

    Other claims' "checked before" hints stop naming it.
    """
    roles.require(by, roles.DELETE_ARTICLE)
    with transaction.atomic():
        Article.objects.filter(pk=article.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=by
        )
        assisting.forget_article(article.pk)


def restore_article(*, article: Article, by: User | None) -> None:
    """Undo delete_article, unless its text was imported again meanwhile.

    Claims elsewhere worded like its checked ones get their hints back.
    """
    roles.require(by, roles.DELETE_ARTICLE)
    _refuse_live_twin(article)
    try:
        with transaction.atomic():
            Article.objects.filter(pk=article.pk).update(
                deleted_at=None, deleted_by=None
            )
            assisting.recall_article(article.pk)
    except IntegrityError:
        # The same text was imported between our check and our update.
        _refuse_live_twin(article)
        raise


def _refuse_live_twin(article: Article) -> None:
    live = (
        Article.objects.filter(sha256=article.sha256, deleted_at__isnull=True)
        .exclude(pk=article.pk)
        .values("id", "title")
        .first()
    )
    if live:
        raise ValidationError(RESTORE_DUPLICATE.format(**live), code="duplicate")


def save_article_fields(*, article: Article, fields: list[str] | None) -> None:
    """Store the admin's edit of an article's own fields (None: a new article).

    Only the fields named are written: a deletion or an assignment made
    meanwhile is not written back over.
    """
    if fields is None:
        article.save()
    else:
        article.save(update_fields=fields)
