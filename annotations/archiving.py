"""Archived copies of sources, so a verdict keeps its evidence when pages rot.

When a source is attached, an ARCHIVE job (annotations/jobs.py) has a worker
fetch its address (with the SSRF rules of
annotations/fetching.py) and the answer kept as a SourceSnapshot: status,
final URL, time, content type, title, extracted text and its SHA-256. The
first good one is the source's archived copy. ``check_sources`` fetches again
later and flags sources whose address now fails (broken) or whose text
changed since it was archived.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from . import importing
from .fetching import FetchError, FetchResult, fetch
from .models import LinkState, Source, SourceSnapshot

logger = logging.getLogger(__name__)

# Update fields that forget a source's archive (its address changed).
FRESH_LINK = {
    "archive": None,
    "link_state": LinkState.UNCHECKED,
    "link_checked_at": None,
}
TEXT_TYPES = {"text/plain", "text/markdown"}
# FetchError codes a later try may mend (an ARCHIVE job is then retried).
TRANSIENT_FAILURES = {"timeout", "connect", "unknown_host", "tls", "protocol"}


def worth_retrying(snapshot: SourceSnapshot) -> bool:
    """A failed fetch that may work later: no answer, or a server error.

    A refused address or a 404 will not mend by itself.
    """
    if snapshot.ok:
        return False
    if snapshot.error:
        return getattr(snapshot, "failure_code", "") in TRANSIENT_FAILURES
    return snapshot.status is not None and snapshot.status >= 500


def archive_source(source_id: int) -> SourceSnapshot | None:
    """Fetch and keep a source's archived copy, unless it has one (idempotent).

    Returns the archived copy, or the failed snapshot when the address does
    not answer with a page (the source is then flagged broken); None for a
    source that no longer exists.
    """
    source = Source.objects.select_related("archive").filter(pk=source_id).first()
    if source is None:
        return None
    if source.archive is not None:
        return source.archive
    snapshot = take_snapshot(source)
    snapshot.save()
    record_check(source, snapshot)
    return snapshot


def check_source(source: Source) -> str:
    """Fetch a source's address again and flag it broken or changed.

    Keeps the new snapshot when it differs from the latest one. Returns the
    source's new LinkState.
    """
    snapshot = take_snapshot(source)
    latest = source.snapshots.order_by("-fetched_at", "-pk").first()
    if latest is None or _outcome(latest) != _outcome(snapshot):
        snapshot.save()
    return record_check(source, snapshot)


def check_sources(
    *, checked_before: datetime.datetime | None = None, limit: int | None = None
) -> Counter[str]:
    """Check the sources of live articles, longest unchecked first.

    ``checked_before``: only sources not checked since then. Returns how many
    ended in each LinkState.
    """
    sources = Source.objects.filter(
        claim__article__deleted_at__isnull=True
    ).select_related("archive")
    if checked_before is not None:
        sources = sources.filter(
            Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=checked_before)
        )
    sources = sources.order_by(F("link_checked_at").asc(nulls_first=True), "pk")
    if limit is not None:
        sources = sources[:limit]
    # Read in chunks: each fetch takes a while, and there may be many.
    return Counter(check_source(source) for source in sources.iterator(chunk_size=100))


def record_check(source: Source, snapshot: SourceSnapshot) -> str:
    """Set a source's link state from a snapshot; archive it if it is the first
    good one."""
    fields: dict = {"link_checked_at": snapshot.fetched_at}
    if not snapshot.ok:
        fields["link_state"] = LinkState.BROKEN
    elif source.archive is None:
        fields["archive"] = snapshot
        fields["link_state"] = LinkState.OK
    elif snapshot.sha256 != source.archive.sha256:
        fields["link_state"] = LinkState.CHANGED
    else:
        fields["link_state"] = LinkState.OK
    rows = Source.objects.filter(pk=source.pk)
    if "archive" in fields:
        # Another fetch may have archived it meanwhile: the first stays.
        rows.filter(archive__isnull=True).update(**fields)
        fields.pop("archive")
    rows.update(**fields)
    return fields["link_state"]


def take_snapshot(source: Source) -> SourceSnapshot:
    """Fetch the source's address now, as an unsaved SourceSnapshot."""
    try:
        page = fetch(
            source.url,
            max_bytes=settings.SOURCE_SNAPSHOT_MAX_BYTES,
            timeout=settings.FETCH_TIMEOUT,
            allowed_hosts=settings.FETCH_ALLOWED_HOSTS,
            truncate=True,
        )
    except FetchError as error:
        failed = SourceSnapshot(
            source=source, fetched_at=timezone.now(), error=str(error.message)[:500]
        )
        failed.failure_code = error.code  # not stored: for worth_retrying
        return failed
    title, text = page_text(page)
    return SourceSnapshot(
        source=source,
        fetched_at=page.fetched_at,
        status=page.status,
        final_url=page.final_url[:2000],
        content_type=page.content_type[:100],
        title=title[:500],
        text=text,
        sha256=importing.text_sha256(text) if text else "",
        size=len(page.body),
        truncated=page.truncated,
    )


def page_text(page: FetchResult) -> tuple[str, str]:
    """The title and readable text of a fetched answer ("" where there is none)."""
    if not 200 <= page.status < 300 or not page.body:
        return "", ""
    try:
        if page.content_type in importing.HTML_TYPES:
            extracted = importing.extract_article(importing.decode_page(page))
        elif page.content_type == "application/pdf" and not page.truncated:
            cap = settings.SOURCE_SNAPSHOT_MAX_BYTES
            extracted = importing.read_pdf(page.body, limit=cap)
        elif page.content_type in TEXT_TYPES:
            extracted = importing.ExtractedText(text=importing.decode_page(page))
        else:
            return "", ""
    except importing.ImportRefused:
        return "", ""
    if extracted is None:
        return "", ""
    return extracted.title, importing.normalise(extracted.text)


def _outcome(snapshot: SourceSnapshot) -> tuple:
    return (snapshot.status, snapshot.final_url, snapshot.sha256, snapshot.error)
