"""Every write to articles, claims and sources goes through these functions.

The editor pages, the API, the admin and the management commands all call
them, so each rule lives in one place.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import (
    archiving,
    assisting,
    history,
    importing,
    jobs,
    queries,
    ratings,
    returning,
    roles,
    segmentation,
    webhooks,
)
from .fetching import FetchResult
from .importing import ImportRefused
from .models import (
    CONTEXT_CHARS,
    HTTP_URL_VALIDATOR,
    Article,
    ArticleCapture,
    Claim,
    Comment,
    CommentKind,
    Kind,
    Source,
    Stance,
    Status,
    Verdict,
    new_public_ids,
)

STALE_VERSION = _(
    "Claim {position} was changed by someone else (now version {current}, "
    "you started from version {expected}). Reload it and apply your change again."
)
UNKNOWN_KIND = _("Unknown kind '{value}'. Use one of: {allowed}.")
UNKNOWN_STANCE = _("Unknown stance '{value}'. Use one of: {allowed}.")
BAD_URL = _("Enter a full http:// or https:// address (got '{value}').")
URL_CREDENTIALS = _(
    "Leave the user name and password out of the address (the part before "
    "'@'): links are shared and exported."
)
URL_BIDI = _(
    "The address contains an invisible direction-control character (U+{code:04X}) "
    "that can disguise where it leads: type the address again."
)
TITLE_REQUIRED = _("A title is required.")
SPLIT_OUTSIDE = _("Choose a split point inside the claim (1 to {length} characters).")
SPLIT_EMPTY = _("Both parts of a split must contain text, not only spaces.")
MERGE_LAST = _(
    "This is the article's last unit: there is nothing after it to merge with."
)
CLAIM_GONE = _(
    "This claim no longer exists: it was merged into the one before it. "
    "Reload the article."
)
MERGE_ACROSS_LINES = _("Units on different lines (paragraphs) cannot be merged.")
SOURCE_TITLE_REQUIRED = _("A source needs a title.")
PUBLISHED_FROZEN = _(
    "This verdict is published, so it is frozen: propose a correction "
    "(with its reason) to change it."
)
COMMENT_REQUIRED = _("Write a comment first.")
NOT_AN_EDITOR = _("{name} cannot be assigned work: they do not have the editor role.")
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


class StaleVersion(Exception):
    """The claim changed since the caller read it; ``current`` is the fresh row."""

    def __init__(self, current: Claim, expected: int) -> None:
        super().__init__(
            STALE_VERSION.format(
                position=current.position, current=current.version, expected=expected
            )
        )
        self.current = current


@dataclass(frozen=True)
class ImportPlan:
    """An import that passed every check: what would be stored."""

    text: str
    title: str
    url: str
    digest: str
    units: list[segmentation.Unit]


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
    importing.check_size(
        len(text.encode("utf-8")), settings.IMPORT_MAX_BYTES, text=True
    )
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
    return ImportPlan(text=text, title=title, url=url, digest=digest, units=units)


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
                language=importing.detect_language(plan.text),
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
            history.record(
                Claim.objects.filter(article_id=article.pk),
                user=imported_by,
                history_type=history.CREATED,
                when=now,
            )
            if analyse:
                jobs.queue_analysis(article=article, requested_by=imported_by)
            webhooks.article_imported(article, claims=len(plan.units))
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
            data = "".join(
                f"{article_id}\t{position}\t{public_id}\t"
                f"{unit.start}\t{unit.end}\t"
                f"{unit.text.translate(_COPY_ESCAPES)}\t"
                f"{_before(text, unit).translate(_COPY_ESCAPES)}\t"
                f"{_after(text, unit).translate(_COPY_ESCAPES)}\t"
                f"{unit.kind}\t{unit.reason}\t" + tail
                for position, public_id, unit in numbered
            )
            copy = f"COPY {table} ({columns}) FROM STDIN"
            cursor.copy_expert(copy, io.StringIO(data))
        else:
            placeholders = ", ".join(["%s"] * len(_CLAIM_COLUMNS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
            rows = [
                (article_id, position, public_id, unit.start, unit.end)
                + (unit.text,)
                + (_before(text, unit), _after(text, unit), unit.kind, unit.reason)
                + fresh
                for position, public_id, unit in numbered
            ]
            cursor.executemany(sql, rows)


def _before(text: str, unit: segmentation.Unit) -> str:
    return text[max(0, unit.start - CONTEXT_CHARS) : unit.start]


def _after(text: str, unit: segmentation.Unit) -> str:
    return text[unit.end : unit.end + CONTEXT_CHARS]


# Escapes for PostgreSQL's COPY text format.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


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


def edit_claim(
    *,
    claim: Claim,
    editor: User | None,
    expected_version: int,
    verdict: str | None = None,
    rationale: str | None = None,
    kind: str | None = None,
    comment: str = "",
    analyse: bool = True,
) -> Claim:
    """Change a claim's verdict, rationale and/or kind (None leaves a field as is).

    Refused with StaleVersion if the claim changed since ``expected_version``,
    and for published verdicts, which change only through a correction. A new
    verdict or rationale makes ``editor`` its author and the claim a draft
    again: an earlier approval was for other words. A new kind re-analyses
    the article, unless ``analyse`` is off (a caller changing many kinds
    analyses once at the end).
    """
    roles.require(editor, roles.EDIT)
    if kind is not None and kind not in Kind.values:
        raise ValidationError(
            UNKNOWN_KIND.format(value=kind, allowed=", ".join(Kind.values)),
            code="kind",
        )
    if verdict is not None:
        ratings.check_verdict(verdict, current=claim.verdict)
    if kind is None and verdict is not None:
        return _edit_verdict(
            claim=claim,
            editor=editor,
            expected_version=expected_version,
            verdict=verdict,
            rationale=None if rationale is None else rationale.strip(),
            comment=comment,
        )
    current = _stored(claim)
    _check_version(current, expected_version)
    if current.status == Status.PUBLISHED:
        raise ValidationError(PUBLISHED_FROZEN, code="published")
    now = timezone.now()
    changes: dict[str, object] = {"updated_at": now}
    if kind is not None:
        changes.update(kind=kind, kind_reason="")
    if verdict is not None or rationale is not None:
        verdict = current.verdict if verdict is None else verdict
        rationale = current.rationale if rationale is None else rationale.strip()
        if (verdict, rationale) != (current.verdict, current.rationale):
            changes.update(rationale=rationale, **new_verdict(verdict, editor, now))
    written = write_claim(
        claim, expected_version, editor=editor, comment=comment, **changes
    )
    if analyse and kind is not None and kind != current.kind:
        # A unit that becomes a claim is scored and indexed as one (and one
        # that stops being a claim leaves the "checked before" index).
        jobs.queue_analysis(article=Article(pk=current.article_id), requested_by=editor)
    return written


def _edit_verdict(
    *,
    claim: Claim,
    editor: User | None,
    expected_version: int,
    verdict: str,
    rationale: str | None,
    comment: str,
) -> Claim:
    """edit_claim's common case, a new verdict, with no read before the write.

    The UPDATE itself compares the stored verdict and rationale (a new one
    makes ``editor`` its author and the claim a draft) and refuses a
    published claim; only when it changes nothing is the claim read, to say why.
    """
    now = timezone.now()
    same = Q(verdict=verdict) & (Q() if rationale is None else Q(rationale=rationale))
    fresh = new_verdict(verdict, editor, now)
    # Unchanged, the verdict and rationale are set to what they are.
    changes: dict[str, object] = {"updated_at": now, "verdict": fresh.pop("verdict")}
    if rationale is not None:
        changes["rationale"] = rationale
    for name, value in fresh.items():
        field = Claim._meta.get_field(name)
        kept = field.target_field if field.is_relation else field
        if field.is_relation and value is not None:
            value = value.pk
        changes[name] = Case(
            When(same, then=F(name)),
            default=Value(value, output_field=kept),
            output_field=kept,
        )
    rows = Claim.objects.filter(pk=claim.pk).exclude(status=Status.PUBLISHED)
    written = _write(rows, claim, expected_version, editor, comment, changes)
    if written is None:
        current = _stored(claim)
        _check_version(current, expected_version)
        refuse_published(current)
        raise StaleVersion(current, expected_version)
    return written


def new_verdict(
    verdict: str, editor: User | None, now: datetime.datetime
) -> dict[str, object]:
    """The columns a new verdict sets: its author, and a fresh draft."""
    unreviewed = verdict == Verdict.UNREVIEWED
    return {
        "verdict": verdict,
        "verdict_by": None if unreviewed else editor,
        "verdict_at": None if unreviewed else now,
        "status": Status.UNREVIEWED if unreviewed else Status.DRAFT,
        "approved_by": None,
        "approved_at": None,
    }


def write_claim(
    claim: Claim,
    expected_version: int,
    *,
    editor: User | None,
    comment: str = "",
    **changes: object,
) -> Claim:
    """One UPDATE guarded by the version in its WHERE clause, then its history.

    Applied on the version the caller saw, or not at all (StaleVersion).
    Returns the claim as written, with its people and sources (the UPDATE
    reads them back: annotations/returning.py).
    """
    written = try_write_claim(
        claim, expected_version, editor=editor, comment=comment, **changes
    )
    if written is None:
        raise StaleVersion(_stored(claim), expected_version)
    return written


def try_write_claim(
    claim: Claim,
    expected_version: int,
    *,
    editor: User | None,
    comment: str = "",
    guard: Q | None = None,
    **changes: object,
) -> Claim | None:
    """write_claim, also guarded by ``guard``: None, writing nothing, if the
    claim is no longer at ``expected_version`` or no longer meets ``guard``.

    A caller that checked the claim as it read it guards the write with the
    conditions it checked, instead of locking the row in between.
    """
    rows = Claim.objects.filter(pk=claim.pk)
    if guard is not None:
        rows = rows.filter(guard)
    return _write(rows, claim, expected_version, editor, comment, changes)


def claim_at(claim: Claim, expected_version: int, *, reread: bool = False) -> Claim:
    """The claim at ``expected_version``: ``claim`` itself if it is that version
    (and ``reread`` is off), else its stored row; StaleVersion if that differs.

    No lock: what the caller then checks on it holds if its write is guarded
    by the version (try_write_claim), as every change raises the version.
    """
    current = claim
    if reread or claim.version != expected_version:
        current = _stored(claim)
    _check_version(current, expected_version)
    return current


def _write(
    rows: QuerySet[Claim],
    claim: Claim,
    expected_version: int,
    editor: User | None,
    comment: str,
    changes: dict[str, object],
) -> Claim | None:
    """The guarded UPDATE … RETURNING and its history; None if no row matched."""
    rows = rows.filter(version=expected_version)
    # One transaction: the UPDATE's row lock keeps other writers out until
    # the history has copied this very version. Inside a caller's transaction
    # (the API's, AnswerInTheWriteTransaction) no savepoint: nothing is
    # written when the UPDATE matches no row, and a failure rolls back all.
    with transaction.atomic(savepoint=False):
        written = returning.update_claim(rows, {"version": F("version") + 1, **changes})
        if written is not None:
            history.record_one(
                Claim,
                claim.pk,
                user=editor,
                reason=comment,
                when=changes.get("updated_at"),
            )
    return written


def _stored(claim: Claim) -> Claim:
    """The claim's current row; a domain error if a merge removed it."""
    current = Claim.objects.filter(pk=claim.pk).first()
    if current is None:
        raise ValidationError(CLAIM_GONE, code="gone")
    return current


def set_verdict(
    *,
    claim: Claim,
    verdict: str,
    rationale: str,
    editor: User | None,
    expected_version: int,
) -> Claim:
    """Record a verdict and its rationale, refusing if the claim changed meanwhile."""
    return edit_claim(
        claim=claim,
        editor=editor,
        expected_version=expected_version,
        verdict=verdict,
        rationale=rationale,
    )


def set_kind(
    *,
    claim: Claim,
    kind: str,
    editor: User | None,
    expected_version: int,
    analyse: bool = True,
) -> Claim:
    """Change what sort of unit a claim is (claim, opinion or page furniture)."""
    return edit_claim(
        claim=claim,
        editor=editor,
        expected_version=expected_version,
        kind=kind,
        analyse=analyse,
    )


def split_claim(
    *, claim: Claim, at: int, editor: User | None, expected_version: int
) -> tuple[Claim, Claim]:
    """Split a claim before its character ``at`` (0 < at < len(text)).

    Both parts lose the verdict; the sources stay with the first part. Claims
    after it move down one position.
    """
    roles.require(editor, roles.EDIT)
    with transaction.atomic():
        current = lock_claim(claim, expected_version)
        refuse_published(current)
        if not 0 < at < len(current.text):
            raise ValidationError(
                SPLIT_OUTSIDE.format(length=len(current.text)), code="split"
            )
        left = _trimmed(current.text, 0, at)
        right = _trimmed(current.text, at, len(current.text))
        if left is None or right is None:
            raise ValidationError(SPLIT_EMPTY, code="split")
        now = timezone.now()
        _shift_positions(current.article_id, after=current.position, by=1, now=now)
        Claim.objects.filter(pk=current.pk).update(
            start=current.start + left[0],
            end=current.start + left[1],
            text=current.text[left[0] : left[1]],
            **_context(current, *left),
            version=F("version") + 1,
            **_cleared_verdict(now),
        )
        second = Claim(
            article_id=current.article_id,
            position=current.position + 1,
            start=current.start + right[0],
            end=current.start + right[1],
            text=current.text[right[0] : right[1]],
            **_context(current, *right),
            kind=current.kind,
            updated_at=now,
        )
        second.skip_history_when_saving = True  # recorded below, with its reason
        second.save()
        history.record(
            Claim.objects.filter(pk=current.pk),
            user=editor,
            reason=f"split at {at}",
            when=now,
        )
        history.record(
            Claim.objects.filter(pk=second.pk),
            user=editor,
            reason=f"split from claim {current.pk}",
            history_type=history.CREATED,
            when=now,
        )
    # The parts need their own figures, score and match sketch.
    jobs.queue_analysis(article=Article(pk=current.article_id), requested_by=editor)
    return Claim.objects.get(pk=current.pk), second


def merge_with_next(
    *,
    claim: Claim,
    editor: User | None,
    expected_version: int,
    next_expected_version: int | None = None,
) -> Claim:
    """Merge a claim with the one after it on the same line.

    The merged claim loses its verdict, keeps both claims' sources and
    rationales, and later claims move up one position.
    """
    roles.require(editor, roles.EDIT)
    with transaction.atomic():
        current = lock_claim(claim, expected_version)
        refuse_published(current)
        following = (
            Claim.objects.select_for_update()
            .filter(article_id=current.article_id, position=current.position + 1)
            .first()
        )
        if following is None:
            raise ValidationError(MERGE_LAST, code="merge")
        if next_expected_version is not None:
            _check_version(following, next_expected_version)
        refuse_published(following)
        gap = queries.text_between(current, following)
        if "\n" in gap:
            raise ValidationError(MERGE_ACROSS_LINES, code="merge")
        now = timezone.now()
        moved = list(following.sources.values_list("pk", flat=True))
        Source.objects.filter(pk__in=moved).update(claim=current)
        history.record(
            Source.objects.filter(pk__in=moved),
            user=editor,
            reason=f"merged from claim {following.pk}",
            when=now,
        )
        Comment.objects.filter(claim=following).update(claim=current)
        following._history_user = editor
        following._change_reason = f"merged into claim {current.pk}"
        following.delete()
        rationale = "\n\n".join(
            r for r in (current.rationale, following.rationale) if r
        )
        Claim.objects.filter(pk=current.pk).update(
            end=following.end,
            text=current.text + gap + following.text,
            suffix=following.suffix,
            rationale=rationale,
            version=F("version") + 1,
            **_cleared_verdict(now),
        )
        _shift_positions(current.article_id, after=following.position, by=-1, now=now)
        history.record(
            Claim.objects.filter(pk=current.pk),
            user=editor,
            reason=f"merged with claim {following.pk}",
            when=now,
        )
    jobs.queue_analysis(article=Article(pk=current.article_id), requested_by=editor)
    return Claim.objects.get(pk=current.pk)


def lock_claim(claim: Claim, expected_version: int) -> Claim:
    """The claim's row, locked for this transaction, at ``expected_version``."""
    current = Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if current is None:
        raise ValidationError(CLAIM_GONE, code="gone")
    _check_version(current, expected_version)
    return current


def _check_version(current: Claim, expected_version: int) -> None:
    if current.version != expected_version:
        raise StaleVersion(current, expected_version)


def refuse_published(claim: Claim) -> None:
    if claim.status == Status.PUBLISHED:
        raise ValidationError(PUBLISHED_FROZEN, code="published")


def _cleared_verdict(now: datetime.datetime) -> dict[str, object]:
    return {**new_verdict(Verdict.UNREVIEWED, None, now), "updated_at": now}


def _context(claim: Claim, start: int, end: int) -> dict[str, str]:
    """Prefix and suffix of the part claim.text[start:end], from the claim's own."""
    before = claim.prefix + claim.text[:start]
    after = claim.text[end:] + claim.suffix
    return {"prefix": before[-CONTEXT_CHARS:], "suffix": after[:CONTEXT_CHARS]}


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of text[start:end] without edge white space; None if blank."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    first = start + len(piece) - len(piece.lstrip())
    return first, first + len(stripped)


# Positions stay dense (1..n). Shifting them in place would collide with the
# unique (article, position) constraint row by row, so the rows move out of
# the way first and then to their new places.
POSITION_PARKING = 1_000_000_000


def _shift_positions(
    article_id: int, *, after: int, by: int, now: datetime.datetime
) -> None:
    Claim.objects.filter(article_id=article_id, position__gt=after).update(
        position=F("position") + POSITION_PARKING
    )
    Claim.objects.filter(article_id=article_id, position__gt=POSITION_PARKING).update(
        position=F("position") - POSITION_PARKING + by, updated_at=now
    )


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
    expected_version: int | None = None,
) -> Source:
    """Attach a source to a claim; the claim's version goes up.

    With ``expected_version``, refused (StaleVersion) if the claim changed since.
    """
    roles.require(added_by, roles.EDIT)
    fields = _clean_source_fields(url=url, title=title, stance=stance)
    with transaction.atomic():
        source = Source(
            claim=claim,
            publisher=publisher.strip()[:200],
            quote=quote.strip(),
            accessed_on=accessed_on,
            added_by=added_by,
            **fields,
        )
        source._history_user = added_by
        source.save()
        _touch(
            claim, expected_version, editor=added_by, reason=f"source added: {title}"
        )
        archiving.schedule_source_archive(source)
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
    editor: User | None,
    expected_version: int | None = None,
) -> Source:
    """Change a source's fields; its claim's version goes up."""
    roles.require(editor, roles.EDIT)
    fields = _clean_source_fields(url=url, title=title, stance=stance)
    moved = fields["url"] != source.url
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(
            publisher=publisher.strip()[:200],
            quote=quote.strip(),
            accessed_on=accessed_on,
            **fields,
            # Another address: the old archive is not its evidence.
            **archiving.FRESH_LINK if moved else {},
        )
        if moved:
            archiving.schedule_source_archive(source)
        history.record(Source.objects.filter(pk=source.pk), user=editor)
        _touch(
            source.claim,
            expected_version,
            editor=editor,
            reason=f"source changed: {fields['title']}",
        )
    source.refresh_from_db()
    return source


def remove_source(
    *, source: Source, editor: User | None, expected_version: int | None = None
) -> None:
    """Detach a source from its claim; the claim's version goes up."""
    roles.require(editor, roles.EDIT)
    with transaction.atomic():
        claim = source.claim
        source._history_user = editor
        source.delete()
        _touch(
            claim, expected_version, editor=editor, reason=f"source removed: {source}"
        )


def _touch(
    claim: Claim, expected_version: int | None, *, editor: User | None, reason: str
) -> None:
    """Raise the claim's version after a change to its sources.

    With ``expected_version``, only from that one. Published claims keep their
    sources; an approved claim goes back to draft, as its approval was for
    other evidence. Raising inside the caller's atomic block undoes the change.
    """
    rows = Claim.objects.filter(pk=claim.pk).exclude(status=Status.PUBLISHED)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    approved = Q(status=Status.APPROVED)
    now = timezone.now()
    updated = rows.update(
        version=F("version") + 1,
        updated_at=now,
        status=Case(When(approved, then=Value(Status.DRAFT)), default=F("status")),
        approved_by=Case(When(approved, then=None), default=F("approved_by")),
        approved_at=Case(When(approved, then=None), default=F("approved_at")),
    )
    if not updated:
        current = _stored(claim)
        refuse_published(current)
        raise StaleVersion(current, expected_version or 0)
    history.record_one(Claim, claim.pk, user=editor, reason=reason, when=now)


def _clean_source_fields(*, url: str, title: str, stance: str) -> dict[str, str]:
    title = title.strip()
    if not title:
        raise ValidationError(SOURCE_TITLE_REQUIRED, code="title")
    if stance not in Stance.values:
        raise ValidationError(
            UNKNOWN_STANCE.format(value=stance, allowed=", ".join(Stance.values)),
            code="stance",
        )
    return {"url": clean_url(url, blank=False), "title": title[:500], "stance": stance}


# Bidirectional controls (LRM, RLM, ALM, embeddings, overrides, isolates): they
# reorder how an address is shown, not where it leads.
_BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def clean_url(url: str, *, blank: bool) -> str:
    """An http(s) address, stripped; ValidationError naming what is wrong."""
    url = url.strip()
    if not url and blank:
        return ""
    bidi = next((ord(ch) for ch in url if ord(ch) in _BIDI_CONTROLS), None)
    if bidi is not None:
        raise ValidationError(URL_BIDI.format(code=bidi), code="url")
    scheme, sep, rest = url.partition("://")
    url = f"{scheme.lower()}{sep}{rest}"
    if sep and "@" in rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        # Checked first, and not echoed: it may hold a password.
        raise ValidationError(URL_CREDENTIALS, code="url")
    try:
        HTTP_URL_VALIDATOR(url)
    except ValidationError:
        raise ValidationError(BAD_URL.format(value=url[:200]), code="url") from None
    return url


def assign_claim(
    *, claim: Claim, assignee: User | None, by: User | None, expected_version: int
) -> Claim:
    """Put a claim in an editor's queue (None takes it out of any queue)."""
    roles.require(by, roles.EDIT)
    _refuse_non_editor(assignee)
    write_claim(
        claim,
        expected_version,
        editor=by,
        comment=f"assigned to {assignee.get_username()}" if assignee else "unassigned",
        assignee=assignee,
        updated_at=timezone.now(),
    )
    return Claim.objects.get(pk=claim.pk)


def assign_article(*, article: Article, assignee: User | None, by: User | None) -> None:
    """Put an article's claims without an assignee of their own in a queue."""
    roles.require(by, roles.EDIT)
    _refuse_non_editor(assignee)
    Article.objects.filter(pk=article.pk).update(assignee=assignee)


def _refuse_non_editor(user: User | None) -> None:
    if user is not None and not user.has_perm(roles.EDIT):
        raise ValidationError(
            NOT_AN_EDITOR.format(name=user.get_username()), code="assignee"
        )


def add_comment(
    *,
    claim: Claim,
    author: User | None,
    text: str,
    kind: str = CommentKind.COMMENT,
) -> Comment:
    """Add to a claim's internal discussion."""
    roles.require(author, roles.COMMENT)
    text = text.strip()
    if not text:
        raise ValidationError(COMMENT_REQUIRED, code="text")
    return Comment.objects.create(claim=claim, author=author, kind=kind, text=text)


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
