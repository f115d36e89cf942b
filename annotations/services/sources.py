"""Sources: attaching, changing and removing a claim's evidence.

Each change raises the claim's version (the claim's answer includes its
sources) and queues the source's archived copy.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.sql import DeleteQuery, InsertQuery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import archiving, jobs, roles
from ..models import HTTP_URL_VALIDATOR, Claim, Source, Stance, Status
from ..queries.sources import SOURCE_FIELDS
from . import recording, returning
from .changes import (
    StaleVersion,
    back_to_draft,
    change_claims,
    refuse_published,
    stored,
)

User = AbstractBaseUser
logger = logging.getLogger(__name__)

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

SOURCE_TITLE_REQUIRED = _("A source needs a title.")
SOURCE_GONE = _("This source was removed in the meantime. Reload the claim.")


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
    source = Source(
        claim=claim,
        publisher=publisher.strip()[:200],
        quote=quote.strip(),
        accessed_on=accessed_on,
        added_by=added_by,
        **fields,
    )

    def save(now: datetime.datetime) -> None:
        statement, params = _insert(source)
        [(source.pk,)] = recording.written(
            Source,
            statement,
            params,
            returning=_ID,
            user=added_by,
            history_type=recording.CREATED,
            when=now,
        )
        source._state.adding, source._state.db = False, connection.alias
        schedule_source_archive(source)

    _with_claim_touched(
        claim,
        expected_version,
        editor=added_by,
        reason=f"source added: {title}",
        then=save,
    )
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

    changed: list[Source] = []

    def save(now: datetime.datetime) -> None:
        changes = {
            "publisher": publisher.strip()[:200],
            "quote": quote.strip(),
            "accessed_on": accessed_on,
            **fields,
            # Another address: the old archive is not its evidence.
            **(archiving.FRESH_LINK if moved else {}),
        }
        update = returning.compile_update(Source.objects.filter(pk=source.pk), changes)
        rows = recording.written(
            Source, update.sql, update.params, returning=_ANSWER, user=editor, when=now
        )
        if not rows:  # removed since the caller read it: write nothing
            raise ValidationError(SOURCE_GONE, code="gone")
        changed.append(_answer(rows[0]))
        if moved:
            schedule_source_archive(source)

    reason = f"source changed: {fields['title']}"
    _with_claim_touched(
        source.claim, expected_version, editor=editor, reason=reason, then=save
    )
    # As stored, with who added it: what the API answers with, from the write.
    return changed[0]


def remove_source(
    *, source: Source, editor: User | None, expected_version: int | None = None
) -> None:
    """Detach a source from its claim; the claim's version goes up."""
    roles.require(editor, roles.EDIT)

    def delete(now: datetime.datetime) -> None:
        if connection.vendor != "postgresql":
            # Django's collector removes its snapshots and jobs first, and
            # simple-history's signal records the removal.
            source._history_user = editor
            source._history_date = now
            source.delete()
            return
        # One statement: the database removes its snapshots and jobs itself
        # (ON DELETE, migration 0021) and the WITH records the removal.
        query = Source.objects.filter(pk=source.pk).query.chain(DeleteQuery)
        statement, params = query.get_compiler(connection.alias).as_sql()
        recording.written(
            Source,
            statement,
            params,
            returning=_ID,
            user=editor,
            history_type=recording.DELETED,
            when=now,
        )

    reason = f"source removed: {source}"
    _with_claim_touched(
        source.claim, expected_version, editor=editor, reason=reason, then=delete
    )


def _with_claim_touched(
    claim: Claim,
    expected_version: int | None,
    *,
    editor: User | None,
    reason: str,
    then: Callable[[datetime.datetime], None],
) -> None:
    """Raise the claim's version for a change to its sources, guarded; only if
    that matched, make the change (``then``, given the time of both).

    A refusal is raised after the atomic block, nothing written: so a caller's
    transaction (the API's; the admin's, which reports a refusal and goes on)
    needs no savepoint around a source write. The source's history entry has
    the claim change's time (history.py lists it first).
    """
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        touched = _touch(
            claim, expected_version, editor=editor, reason=reason, when=now
        )
        if touched:
            then(now)
    if not touched:
        raise _refusal(claim, expected_version)


def _touch(
    claim: Claim,
    expected_version: int | None,
    *,
    editor: User | None,
    reason: str,
    when: datetime.datetime,
) -> bool:
    """Raise the claim's version for a change to its sources: False, changing
    nothing, if it is published or (with ``expected_version``) no longer at
    that version.

    An approved claim goes back to draft, as its approval was for other
    evidence.
    """
    rows = Claim.objects.filter(pk=claim.pk).exclude(status=Status.PUBLISHED)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    approved = Q(status=Status.APPROVED)
    changed = change_claims(
        rows, editor=editor, reason=reason, when=when, **back_to_draft(approved)
    )
    return bool(changed)


# Only our own table and column names are formatted into these.
_ID = '"annotations_source"."id"'
# A source as the API answers with it: every column, then who added it.
_ANSWER = ", ".join(
    [
        *(f'"annotations_source"."{field.column}"' for field in SOURCE_FIELDS.values()),
        '(SELECT "auth_user"."username" FROM "auth_user" '
        'WHERE "auth_user"."id" = "annotations_source"."added_by_id")',
    ]
)


def _insert(source: Source) -> tuple[str, list]:
    """The INSERT of ``source``, a new row (compiled by Django, without
    RETURNING), and its parameters."""
    query = InsertQuery(Source)
    meta = Source._meta
    query.insert_values(
        [field for field in meta.local_concrete_fields if field is not meta.auto_field],
        [source],
    )
    [(statement, params)] = query.get_compiler(connection.alias).as_sql()
    return statement, list(params)


def _answer(row: tuple) -> Source:
    """The source a row of _ANSWER describes."""
    *values, added_by_name = row
    return returning.source_of(
        dict(zip(SOURCE_FIELDS, values, strict=True)),
        added_by_name,
        connection.alias,
    )


def _refusal(claim: Claim, expected_version: int | None) -> Exception:
    """Why _touch changed nothing: the claim is published, or changed since."""
    current = stored(claim)
    refuse_published(current)
    return StaleVersion(current, expected_version or 0)


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


def schedule_source_archive(source: Source) -> None:
    """Queue an ARCHIVE job for ``source`` once the current transaction commits.

    After the commit, so that the worker (or the tests' immediate queue)
    sees the source as saved; a worker fetches it, retrying with back-off.
    """
    if not settings.FETCH_ENABLED:
        return
    source_id = source.pk
    transaction.on_commit(lambda: _queue_quietly(source_id))


def _queue_quietly(source_id: int) -> None:
    # After the commit the editor's change is saved; a failure to queue
    # must not turn it into an error page (check_sources tries again).
    try:
        jobs.queue_archive(source=Source(pk=source_id), requested_by=None)
    except Exception:
        logger.exception("Queueing the archive of source %s failed", source_id)
