"""Reusing a verdict this desk already gave to the same words elsewhere
(the "checked before" hints of annotations/assisting.py)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import roles
from ..models import Claim, Source, Verdict
from . import recording
from .changes import lock_claim, new_verdict, refuse_published, write_claim

User = AbstractBaseUser

REUSE_NEEDS_VERDICT = _(
    "That claim has no verdict to reuse: pick one that was checked."
)
REUSE_SAME_CLAIM = _("A claim cannot reuse its own verdict.")


def reuse_verdict(
    *, claim: Claim, original: Claim, editor: User | None, expected_version: int
) -> Claim:
    """Copy another claim's verdict, rationale and sources as a draft here.

    The rationale credits the original (article, claim, date); a reviewer
    still has to approve and publish it.
    """
    roles.require(editor, roles.EDIT)
    if original.pk == claim.pk:
        raise ValidationError(REUSE_SAME_CLAIM, code="original")
    if original.verdict == Verdict.UNREVIEWED:
        raise ValidationError(REUSE_NEEDS_VERDICT, code="original")
    rationale = f"{original.rationale}\n\n{_credit(original)}".strip()
    now = timezone.now()
    with transaction.atomic():
        current = lock_claim(claim, expected_version)
        refuse_published(current)
        _copy_sources(original=original, to=current, editor=editor, now=now)
        write_claim(
            current,
            expected_version,
            editor=editor,
            comment=f"verdict reused from claim {original.pk}",
            rationale=rationale,
            reused_from=original,
            text_changed=False,
            updated_at=now,
            **new_verdict(original.verdict, editor, now),
        )
    return Claim.objects.get(pk=claim.pk)


def _credit(original: Claim) -> str:
    """The line a reused rationale ends with: where it was checked, and when."""
    checked = original.verdict_at.date().isoformat() if original.verdict_at else ""
    return (
        f"(Verdict reused from \u201c{original.article.title}\u201d, claim "
        f"{original.position}, checked {checked}.)"
    )


def _copy_sources(
    *, original: Claim, to: Claim, editor: User | None, now: datetime
) -> None:
    """Attach copies of ``original``'s sources to ``to``, with their history."""
    # Reusing twice must not attach the same evidence twice.
    attached = set(to.sources.values_list("url", "stance"))
    copies = [
        Source(
            claim=to,
            url=s.url,
            title=s.title,
            publisher=s.publisher,
            quote=s.quote,
            stance=s.stance,
            accessed_on=s.accessed_on,
            added_by=editor,
            added_at=now,
            # The same address: the original's archived copy is its evidence.
            archive_id=s.archive_id,
            link_state=s.link_state,
            link_checked_at=s.link_checked_at,
        )
        for s in original.sources.all()
        if (s.url, s.stance) not in attached
    ]
    created = Source.objects.bulk_create(copies)
    recording.record(
        Source.objects.filter(pk__in=[s.pk for s in created]),
        user=editor,
        reason=f"copied from claim {original.pk}",
        history_type=recording.CREATED,
        when=now,
    )
