"""The review workflow: approving, rejecting, publishing and correcting verdicts.

A verdict goes draft -> approved -> published. Approval takes a reviewer who
did not write the verdict (two people see every published verdict). Published
verdicts are frozen: they change only through a correction, which needs a
reason and a second person's approval, and which the public report lists.

Source rule: a draft is approved only with at least one source, except a
verdict at the top of the rating scale (``verified`` by default,
ratings.confirms) whose rationale cites the article itself, by quoting in
quotation marks ("...", “...”, 「...」 or 『...』) a passage of the claim's own
sentence or paragraph at least 8 characters (or 4 CJK characters) long.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import ratings, roles
from ..models import (
    Article,
    Claim,
    CommentKind,
    Correction,
    CorrectionStatus,
    Kind,
    Source,
    Status,
)
from . import notifying
from .changes import (
    StaleVersion,
    change_claims,
    claim_at,
    lock_claim,
    try_write_claim,
    write_claim,
)
from .claims import add_comment

User = AbstractBaseUser

NOT_AWAITING_REVIEW = _(
    "Claim {position} has nothing awaiting review (it is {status})."
)
OWN_VERDICT = _(
    "You wrote this verdict, so someone else must approve it (two-person rule)."
)
OWN_CORRECTION = _(
    "You proposed this correction, so someone else must approve it (two-person rule)."
)
SOURCE_REQUIRED = _(
    "Add at least one source before approving. (A verified verdict may go "
    "without one when its rationale quotes, in quotation marks, at least 8 "
    "characters (or 4 Chinese characters) of the claim's own paragraph.)"
)
NOT_A_CLAIM = _(
    "Unit {position} is marked {kind}, not a claim: only claims are approved "
    "and published. Change its kind to claim first if it states a fact."
)
# Said beside a disabled Approve button, before anyone clicks it.
CANNOT_APPROVE_OWN_VERDICT = _(
    "You cannot approve your own verdict: another reviewer has to approve it."
)
CANNOT_APPROVE_OWN_CORRECTION = _(
    "You cannot approve your own correction: another reviewer has to approve it."
)
REJECTION_COMMENT_REQUIRED = _("Say why you reject it: the comment is required.")
NOT_APPROVED = _("Claim {position} is {status}: only approved verdicts are published.")
NOT_PUBLISHED = _(
    "Only published verdicts take corrections; this one is {status}: edit it."
)
CORRECTION_REASON_REQUIRED = _("A correction needs its reason.")
CORRECTION_VERDICT = _("A correction needs a verdict: {allowed}.")
CORRECTION_NO_CHANGE = _(
    "The correction changes neither the verdict nor the rationale."
)
CORRECTION_PENDING = _(
    "A correction of this claim is already waiting for review: approve or "
    "reject it first."
)

# Quoted passages: "...", “...”, ‘...’, 「...」, 『...』, of 4 characters or more.
_QUOTED = re.compile(
    r'"([^"]{4,})"|“([^”]{4,})”|‘([^’]{4,})’|「([^」]{4,})」|『([^』]{4,})』'
)
# A quote that makes the article its own evidence: long enough to be a real
# passage rather than a word found anywhere ("test").
MIN_QUOTE_CHARS = 8
MIN_QUOTE_CJK = 4
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def approve(
    *, claim: Claim, reviewer: User | None, expected_version: int, comment: str = ""
) -> Claim:
    """Approve a claim's draft verdict, or the correction waiting on it.

    The draft is checked as read and approved by one UPDATE guarded by the
    version and by those checks (status, kind, a source), with no lock.
    """
    roles.require(reviewer, roles.REVIEW)
    current = claim_at(claim, expected_version)
    if current.status == Status.PUBLISHED:
        return _approve_pending(claim, reviewer, expected_version, comment)
    _check_approvable(current, reviewer)
    cited = ratings.confirms(current.verdict) and cites_article(
        current, current.rationale
    )
    now = timezone.now()
    written = try_write_claim(
        current,
        expected_version,
        editor=reviewer,
        comment=comment,
        guard=_APPROVABLE if cited else _APPROVABLE & _SOURCED,
        status=Status.APPROVED,
        approved_by=reviewer,
        approved_at=now,
        # Approved against the words as they now are.
        text_changed=False,
        updated_at=now,
    )
    if written is None:
        # Changed since it was read, or its source has gone: say which.
        current = claim_at(claim, expected_version, reread=True)
        _check_approvable(current, reviewer)
        _check_sources(current, current.verdict, current.rationale)
        raise StaleVersion(current, expected_version)
    return written


# What approve checks on a draft, and the UPDATE checks again.
_APPROVABLE = Q(status=Status.DRAFT, kind=Kind.CLAIM)
_SOURCED = Q(Exists(Source.objects.filter(claim=OuterRef("pk"))))


def _check_approvable(current: Claim, reviewer: User | None) -> None:
    if current.status != Status.DRAFT:
        raise _not_awaiting(current)
    _refuse_non_claim(current)
    if reviewer is not None and current.verdict_by_id == reviewer.pk:
        raise PermissionDenied(OWN_VERDICT)


def _locked_with_correction(
    claim: Claim, expected_version: int
) -> tuple[Claim, Correction]:
    """The claim, locked at ``expected_version``, and the correction waiting on
    it; refused when none waits."""
    current = lock_claim(claim, expected_version)
    pending = _pending_correction(current)
    if pending is None:
        raise _not_awaiting(current)
    return current, pending


def _approve_pending(
    claim: Claim, reviewer: User | None, expected_version: int, comment: str
) -> Claim:
    """Approve the correction waiting on a published claim."""
    with transaction.atomic():
        current, pending = _locked_with_correction(claim, expected_version)
        return _approve_correction(current, pending, reviewer, comment)


def reject(
    *, claim: Claim, reviewer: User | None, expected_version: int, comment: str
) -> Claim:
    """Send a draft back to its editor (or turn down a correction), saying why."""
    roles.require(reviewer, roles.REVIEW)
    comment = comment.strip()
    if not comment:
        raise ValidationError(REJECTION_COMMENT_REQUIRED, code="comment")
    current = claim_at(claim, expected_version)
    if current.status == Status.PUBLISHED:
        return _reject_pending(claim, reviewer, expected_version, comment)
    if current.status not in _REJECTABLE:
        raise _not_awaiting(current)
    # No savepoint inside the API's transaction: nothing here is refused
    # once the UPDATE has matched (the comment was checked above).
    with transaction.atomic(savepoint=False):
        written = try_write_claim(
            current,
            expected_version,
            editor=reviewer,
            comment=comment,
            guard=Q(status__in=_REJECTABLE),
            status=Status.REJECTED,
            approved_by=None,
            approved_at=None,
            updated_at=timezone.now(),
        )
        if written is not None:
            add_comment(
                claim=current, author=reviewer, text=comment, kind=CommentKind.REJECTION
            )
    if written is None:
        current = claim_at(claim, expected_version, reread=True)
        raise _not_awaiting(current)
    return written


_REJECTABLE = (Status.DRAFT, Status.APPROVED)


def _reject_pending(
    claim: Claim, reviewer: User | None, expected_version: int, comment: str
) -> Claim:
    """Turn down the correction waiting on a published claim."""
    with transaction.atomic():
        current, pending = _locked_with_correction(claim, expected_version)
        _decide(pending, CorrectionStatus.REJECTED, reviewer, comment)
        add_comment(
            claim=current, author=reviewer, text=comment, kind=CommentKind.REJECTION
        )
    return Claim.objects.get(pk=claim.pk)


def publish(*, claim: Claim, reviewer: User | None, expected_version: int) -> Claim:
    """Make an approved verdict public."""
    roles.require(reviewer, roles.REVIEW)
    current = claim_at(claim, expected_version)
    _check_publishable(current)
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        written = try_write_claim(
            current,
            expected_version,
            editor=reviewer,
            guard=Q(status=Status.APPROVED, kind=Kind.CLAIM),
            status=Status.PUBLISHED,
            published_at=now,
            updated_at=now,
        )
        if written is not None:
            notifying.verdicts_published([current.pk])
    if written is None:
        current = claim_at(claim, expected_version, reread=True)
        _check_publishable(current)
        raise StaleVersion(current, expected_version)
    return written


def _check_publishable(current: Claim) -> None:
    if current.status != Status.APPROVED:
        raise ValidationError(
            NOT_APPROVED.format(
                position=current.position, status=current.get_status_display()
            ),
            code="status",
        )
    _refuse_non_claim(current)


def publish_article(*, article: Article, reviewer: User | None) -> int:
    """Publish every approved verdict of an article; returns how many."""
    roles.require(reviewer, roles.REVIEW)
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Claim.objects.select_for_update()
            .filter(article=article, status=Status.APPROVED, kind=Kind.CLAIM)
            .values_list("pk", flat=True)
        )
        change_claims(
            Claim.objects.filter(pk__in=ids),
            editor=reviewer,
            reason="article published",
            when=now,
            status=Status.PUBLISHED,
            published_at=now,
        )
        notifying.verdicts_published(ids)
    return len(ids)


def propose_correction(
    *,
    claim: Claim,
    editor: User | None,
    verdict: str,
    rationale: str,
    reason: str,
    expected_version: int,
) -> Correction:
    """Propose a change to a published verdict; a reviewer then approves it."""
    roles.require(editor, roles.EDIT)
    reason, rationale = reason.strip(), rationale.strip()
    if not reason:
        raise ValidationError(CORRECTION_REASON_REQUIRED, code="reason")
    if verdict not in ratings.active_keys():
        raise ValidationError(
            CORRECTION_VERDICT.format(allowed=ratings.allowed_text()), code="verdict"
        )
    with transaction.atomic():
        current = lock_claim(claim, expected_version)
        if current.status != Status.PUBLISHED:
            raise ValidationError(
                NOT_PUBLISHED.format(status=current.get_status_display()),
                code="status",
            )
        if (verdict, rationale) == (current.verdict, current.rationale):
            raise ValidationError(CORRECTION_NO_CHANGE, code="unchanged")
        try:
            with transaction.atomic():
                return Correction.objects.create(
                    claim=current,
                    old_verdict=current.verdict,
                    old_rationale=current.rationale,
                    new_verdict=verdict,
                    new_rationale=rationale,
                    reason=reason,
                    proposed_by=editor,
                )
        except IntegrityError:
            raise ValidationError(CORRECTION_PENDING, code="pending") from None


def _approve_correction(
    current: Claim, correction: Correction, reviewer: User | None, comment: str
) -> Claim:
    if reviewer is not None and correction.proposed_by_id == reviewer.pk:
        raise PermissionDenied(OWN_CORRECTION)
    _check_sources(current, correction.new_verdict, correction.new_rationale)
    now = _decide(correction, CorrectionStatus.APPROVED, reviewer, comment)
    written = write_claim(
        current,
        current.version,
        editor=reviewer,
        comment=f"correction: {correction.reason}",
        verdict=correction.new_verdict,
        rationale=correction.new_rationale,
        verdict_by_id=correction.proposed_by_id,
        verdict_at=now,
        approved_by=reviewer,
        approved_at=now,
        updated_at=now,
    )
    notifying.correction_approved(correction, current.pk)
    return written


def _decide(
    correction: Correction, outcome: str, reviewer: User | None, comment: str
) -> datetime.datetime:
    now = timezone.now()
    Correction.objects.filter(pk=correction.pk).update(
        status=outcome,
        decided_by=reviewer,
        decided_at=now,
        decision_comment=comment.strip(),
    )
    return now


def _pending_correction(claim: Claim) -> Correction | None:
    if claim.status != Status.PUBLISHED:
        return None
    return Correction.objects.filter(
        claim=claim, status=CorrectionStatus.PENDING
    ).first()


def approval_refusal(
    claim: Claim, reviewer: User, *, pending: Correction | None = None
) -> str:
    """Why ``reviewer`` cannot approve what waits on ``claim`` ("" if they can),
    for the panel to say beside a disabled button: the rules approve() holds.

    Reads the claim's sources through its prefetch when it has one.
    """
    if pending is not None:
        if pending.proposed_by_id == reviewer.pk:
            return str(CANNOT_APPROVE_OWN_CORRECTION)
        verdict, rationale = pending.new_verdict, pending.new_rationale
    else:
        if claim.kind != Kind.CLAIM:
            return NOT_A_CLAIM.format(
                position=claim.position, kind=claim.get_kind_display()
            )
        if claim.verdict_by_id == reviewer.pk:
            return str(CANNOT_APPROVE_OWN_VERDICT)
        verdict, rationale = claim.verdict, claim.rationale
    if claim.sources.all():
        return ""
    if ratings.confirms(verdict) and cites_article(claim, rationale):
        return ""
    return str(SOURCE_REQUIRED)


def _refuse_non_claim(claim: Claim) -> None:
    if claim.kind != Kind.CLAIM:
        raise ValidationError(
            NOT_A_CLAIM.format(position=claim.position, kind=claim.get_kind_display()),
            code="kind",
        )


def _not_awaiting(claim: Claim) -> ValidationError:
    return ValidationError(
        NOT_AWAITING_REVIEW.format(
            position=claim.position, status=claim.get_status_display()
        ),
        code="status",
    )


def _check_sources(claim: Claim, verdict: str, rationale: str) -> None:
    if Source.objects.filter(claim=claim).exists():
        return
    if ratings.confirms(verdict) and cites_article(claim, rationale):
        return
    raise ValidationError(SOURCE_REQUIRED, code="sources")


def cites_article(claim: Claim, rationale: str) -> bool:
    """Whether the rationale quotes, in quotation marks, the claim's own paragraph.

    The quote must lie in the line (paragraph) holding the claim and be at
    least MIN_QUOTE_CHARS characters, or MIN_QUOTE_CJK CJK characters, long.
    """
    quotes = [
        next(group for group in match.groups() if group).strip()
        for match in _QUOTED.finditer(rationale)
    ]
    quotes = [quote for quote in quotes if long_enough(quote)]
    if not quotes:
        return False
    text = Article.objects.values_list("text", flat=True).get(pk=claim.article_id)
    paragraph = text[text.rfind("\n", 0, claim.start) + 1 : _line_end(text, claim.end)]
    return any(quote in paragraph for quote in quotes)


def long_enough(quote: str) -> bool:
    """Whether a quote is long enough to cite the article as evidence."""
    return len(quote) >= MIN_QUOTE_CHARS or len(_CJK.findall(quote)) >= MIN_QUOTE_CJK


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end == -1 else end
