"""New versions of an article: re-anchoring its claims in the new text.

Every existing claim is looked for in the new text (annotations/text/anchoring.py).
Found claims keep their verdicts, sources, comments and history, with new
offsets; a claim whose words changed is flagged "text changed since
verified" and goes back to draft (a published one leaves the public report
until it is reviewed again). Claims not found become orphans: kept, listed on
the article, never deleted. New sentences become new claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import importing, jobs, roles
from ..importing import ImportRefused
from ..models import (
    CONTEXT_CHARS,
    Article,
    ArticleVersion,
    Claim,
    ClaimSketch,
    Verdict,
)
from ..text import anchoring, segmentation
from . import recording
from .articles import insert_claims, refuse_duplicate
from .changes import back_to_draft, change_claims
from .claims import POSITION_PARKING

UNCHANGED = _("This text is the article's current version: nothing to update.")

User = AbstractBaseUser


@dataclass(frozen=True)
class Outcome:
    """What a new version did to the article's claims."""

    version: int
    kept: int  # same words (at the same place or moved)
    changed: int  # found with other words: back to draft
    orphaned: int
    added: int


def import_new_version(
    *,
    article: Article,
    text: str,
    imported_by: User | None,
    heading_lines=(),
) -> Outcome:
    """Make ``text`` the article's current version, keeping the old one."""
    roles.require(imported_by, roles.IMPORT)
    text = importing.normalise(text)
    importing.check_text_size(text)
    if not text.strip():
        raise ImportRefused(importing.EMPTY, code="empty")
    digest = importing.text_sha256(text)
    # Segmenting needs no database: done before the write lock is taken.
    units = segmentation.split_units(text, heading_lines=heading_lines)
    now = timezone.now()
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if digest == current.sha256:
            raise ImportRefused(UNCHANGED, code="unchanged")
        refuse_duplicate(digest, user=imported_by)
        number = current.versions.count() + 1
        ArticleVersion.objects.create(
            article=current,
            number=number,
            text=current.text,
            sha256=current.sha256,
            imported_by=current.imported_by,
            imported_at=current.imported_at,
        )
        claims = list(
            Claim.objects.select_for_update()
            .filter(article=current, orphaned=False)
            .order_by("position")
        )
        plan = anchoring.reanchor(
            [
                anchoring.OldClaim(c.pk, c.start, c.end, c.text, c.prefix, c.suffix)
                for c in claims
            ],
            text,
            units,
        )
        outcome = _apply(current, claims, plan, text, number + 1, imported_by, now)
        Article.objects.filter(pk=current.pk).update(
            text=text,
            sha256=digest,
            language=importing.detect_language(text),
            imported_by=imported_by,
            imported_at=now,
        )
    jobs.queue_analysis(article=current, requested_by=imported_by)
    return outcome


def _apply(article, claims, plan, text, version, user, now) -> Outcome:
    """Write ``plan``: new offsets and positions, new units, orphans, history."""
    moved, changed, orphaned = _sort_anchors(claims, plan, text)
    added = _insert_new_units(article, plan, text, now)
    _write_offsets([*moved, *changed])
    ClaimSketch.objects.filter(claim_id__in=orphaned).delete()
    _renumber(article, orphaned)
    _record_changes(
        moved=[row[5] for row in moved],
        changed=[row[5] for row in changed],
        orphaned=orphaned,
        added=added,
        version=version,
        user=user,
        now=now,
    )
    return Outcome(
        version=version,
        kept=len(claims) - len(changed) - len(orphaned),
        changed=len(changed),
        orphaned=len(orphaned),
        added=len(plan.new_units),
    )


def _sort_anchors(claims, plan, text) -> tuple[list, list, list[int]]:
    """The claims that moved and those whose words changed, each as a row
    (start, end, text, prefix, suffix, pk), and the orphans' pks."""
    by_pk = {c.pk: c for c in claims}
    moved, changed, orphaned = [], [], []
    for anchor in plan.anchors:
        claim = by_pk[anchor.key]
        if anchor.how == anchoring.ORPHAN:
            orphaned.append(claim.pk)
            continue
        before = text[max(0, anchor.start - CONTEXT_CHARS) : anchor.start]
        after = text[anchor.end : anchor.end + CONTEXT_CHARS]
        row = (anchor.start, anchor.end, text[anchor.start : anchor.end], before, after)
        if anchor.how == anchoring.CHANGED:
            changed.append((*row, claim.pk))
        elif (claim.start, claim.end, claim.prefix, claim.suffix) != row[:2] + row[3:]:
            moved.append((*row, claim.pk))
    return moved, changed, orphaned


def _insert_new_units(article, plan, text, now) -> list[int]:
    """Park every position out of the way, insert the new units after them,
    and return the new claims' pks."""
    # The text's units are numbered 1..n and the orphans after them later
    # (_renumber): positions stay unique at every step.
    Claim.objects.filter(article=article).update(
        position=F("position") + POSITION_PARKING
    )
    start = POSITION_PARKING * 2
    insert_claims(article.pk, text, plan.new_units, now, first_position=start)
    return list(
        Claim.objects.filter(article=article, position__gte=start).values_list(
            "pk", flat=True
        )
    )


def _write_offsets(rows: list[tuple]) -> None:
    """Give each (start, end, text, prefix, suffix, pk) row's claim its place."""
    quote = connection.ops.quote_name
    offsets = ", ".join(
        f"{quote(c)} = %s" for c in ("start", "end", "text", "prefix", "suffix")
    )
    table = quote(Claim._meta.db_table)
    update = f"UPDATE {table} SET {offsets} WHERE {quote('id')} = %s"
    # Only our own table and column names are formatted into the SQL.
    with connection.cursor() as cursor:
        cursor.executemany(update, [(*row[:5], row[5]) for row in rows])


def _renumber(article, orphaned: list[int]) -> None:
    """Number the text's units 1..n in reading order, then every orphan: this
    version's and earlier ones' (parked too), in their order so far."""
    order = list(
        Claim.objects.filter(article=article)
        .order_by("orphaned", "start")
        .values_list("pk", "orphaned", "position")
    )
    gone = set(orphaned)
    units = [pk for pk, is_orphan, _ in order if not is_orphan and pk not in gone]
    orphans = sorted((p, pk) for pk, is_orphan, p in order if is_orphan or pk in gone)
    order = units + [pk for _, pk in orphans]
    quote = connection.ops.quote_name
    table = quote(Claim._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {quote('position')} = %s WHERE {quote('id')} = %s",
            list(enumerate(order, start=1)),
        )


def _record_changes(*, moved, changed, orphaned, added, version, user, now) -> None:
    """Raise the re-anchored claims' versions and record every claim's history,
    each at its new position."""
    change_claims(
        Claim.objects.filter(pk__in=moved),
        editor=user,
        reason=f"re-anchored in version {version}",
        when=now,
    )
    # A changed sentence needs its verdict checked again.
    change_claims(
        Claim.objects.filter(pk__in=changed),
        editor=user,
        reason=f"text changed in version {version}",
        when=now,
        text_changed=True,
        **back_to_draft(~Q(verdict=Verdict.UNREVIEWED)),
    )
    # An orphan's hints pointed into the old text (its sketch left the
    # "checked before" index in _apply).
    change_claims(
        Claim.objects.filter(pk__in=orphaned),
        editor=user,
        reason=f"not found in version {version}: orphaned",
        when=now,
        orphaned=True,
        hints=[],
    )
    recording.record(
        Claim.objects.filter(pk__in=added),
        user=user,
        reason=f"new in version {version}",
        history_type=recording.CREATED,
        when=now,
    )
