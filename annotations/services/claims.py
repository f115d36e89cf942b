"""Claims: their verdict, rationale and kind, splitting and merging them,
assigning them and discussing them.

Every change goes through annotations/services/changes.py, so the claim's
version goes up and its history records it.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import jobs, queries, ratings, roles
from ..models import (
    CONTEXT_CHARS,
    Article,
    Claim,
    Comment,
    CommentKind,
    Kind,
    Source,
    Status,
    Verdict,
)
from ..queries import prepared
from . import recording
from .changes import (
    CLAIM_KEY,
    PUBLISHED_FROZEN,
    StaleVersion,
    _write,
    change_claims,
    check_version,
    lock_claim,
    new_verdict,
    refuse_published,
    stored,
    write_claim,
)

User = AbstractBaseUser

UNKNOWN_KIND = _("Unknown kind '{value}'. Use one of: {allowed}.")

SPLIT_OUTSIDE = _("Choose a split point inside the claim (1 to {length} characters).")
SPLIT_EMPTY = _("Both parts of a split must contain text, not only spaces.")
MERGE_LAST = _(
    "This is the article's last unit: there is nothing after it to merge with."
)

MERGE_ACROSS_LINES = _("Units on different lines (paragraphs) cannot be merged.")

COMMENT_REQUIRED = _("Write a comment first.")
NOT_AN_EDITOR = _("{name} cannot be assigned work: they do not have the editor role.")


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
    current = stored(claim)
    check_version(current, expected_version)
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
    # The UPDATE is compiled once per shape (services/returning.py): every
    # value in it is a Slot, filled from ``values``.
    values: dict[str, object] = {"same_verdict": verdict, "same_rationale": rationale}
    same = Q(verdict=_SAME_VERDICT)
    if rationale is not None:
        same &= Q(rationale=_SAME_RATIONALE)
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
        values[f"new_{name}"] = value
        changes[name] = Case(
            When(same, then=F(name)),
            default=prepared.Slot(f"new_{name}", kept),
            output_field=kept,
        )
    rows = Claim.objects.filter(pk=CLAIM_KEY).exclude(status=Status.PUBLISHED)
    shape = ("edit_verdict", rationale is None)
    written = _write(
        rows, expected_version, editor, comment, changes, shape, claim.pk, values
    )
    if written is None:
        current = stored(claim)
        check_version(current, expected_version)
        refuse_published(current)
        raise StaleVersion(current, expected_version)
    return written


_SAME_VERDICT = prepared.Slot("same_verdict", Claim._meta.get_field("verdict"))
_SAME_RATIONALE = prepared.Slot("same_rationale", Claim._meta.get_field("rationale"))


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
        change_claims(
            Claim.objects.filter(pk=current.pk),
            editor=editor,
            reason=f"split at {at}",
            when=now,
            start=current.start + left[0],
            end=current.start + left[1],
            text=current.text[left[0] : left[1]],
            **_context(current, *left),
            **new_verdict(Verdict.UNREVIEWED, None, now),
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
        recording.record(
            Claim.objects.filter(pk=second.pk),
            user=editor,
            reason=f"split from claim {current.pk}",
            history_type=recording.CREATED,
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
            check_version(following, next_expected_version)
        refuse_published(following)
        gap = queries.text_between(current, following)
        if "\n" in gap:
            raise ValidationError(MERGE_ACROSS_LINES, code="merge")
        now = timezone.now()
        moved = list(following.sources.values_list("pk", flat=True))
        Source.objects.filter(pk__in=moved).update(claim=current)
        recording.record(
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
        change_claims(
            Claim.objects.filter(pk=current.pk),
            editor=editor,
            reason=f"merged with claim {following.pk}",
            when=now,
            end=following.end,
            text=current.text + gap + following.text,
            suffix=following.suffix,
            rationale=rationale,
            **new_verdict(Verdict.UNREVIEWED, None, now),
        )
        _shift_positions(current.article_id, after=following.position, by=-1, now=now)
    jobs.queue_analysis(article=Article(pk=current.article_id), requested_by=editor)
    return Claim.objects.get(pk=current.pk)


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


def assign_claim(
    *, claim: Claim, assignee: User | None, by: User | None, expected_version: int
) -> Claim:
    """Put a claim in an editor's queue (None takes it out of any queue)."""
    roles.require(by, roles.EDIT)
    refuse_non_editor(assignee)
    write_claim(
        claim,
        expected_version,
        editor=by,
        comment=f"assigned to {assignee.get_username()}" if assignee else "unassigned",
        assignee=assignee,
        updated_at=timezone.now(),
    )
    return Claim.objects.get(pk=claim.pk)


def refuse_non_editor(user: User | None) -> None:
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
