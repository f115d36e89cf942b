"""The one way a claim changes: its version goes up and its history records it.

Every write to claims (annotations/services/claims.py, sources.py,
reviewing.py, versions.py ...) goes through change_claims, the guarded
single-claim writes through write_claim and try_write_claim on top of it; and
the checks that refuse a change made on a stale version or a published verdict.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Claim, Status, Verdict
from ..queries import prepared
from . import returning

User = AbstractBaseUser

STALE_VERSION = _(
    "Claim {position} was changed by someone else (now version {current}, "
    "you started from version {expected}). Reload it and apply your change again."
)

CLAIM_GONE = _(
    "This claim no longer exists: it was merged into the one before it. "
    "Reload the article."
)

PUBLISHED_FROZEN = _(
    "This verdict is published, so it is frozen: propose a correction "
    "(with its reason) to change it."
)


class StaleVersion(Exception):
    """The claim changed since the caller read it; ``current`` is the fresh row."""

    def __init__(self, current: Claim, expected: int) -> None:
        super().__init__(
            STALE_VERSION.format(
                position=current.position, current=current.version, expected=expected
            )
        )
        self.current = current


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
    reads them back: annotations/services/returning.py).
    """
    written = try_write_claim(
        claim, expected_version, editor=editor, comment=comment, **changes
    )
    if written is None:
        raise StaleVersion(stored(claim), expected_version)
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
    rows = Claim.objects.filter(pk=CLAIM_KEY)
    if guard is not None:
        rows = rows.filter(guard)
    # The UPDATE's shape: the guard and which columns change (and how, for
    # expressions); the claim, version and plain values fill its Slots.
    shape = ("write_claim", guard)
    return _write(rows, expected_version, editor, comment, changes, shape, claim.pk)


def claim_at(claim: Claim, expected_version: int, *, reread: bool = False) -> Claim:
    """The claim at ``expected_version``: ``claim`` itself if it is that version
    (and ``reread`` is off), else its stored row; StaleVersion if that differs.

    No lock: what the caller then checks on it holds if its write is guarded
    by the version (try_write_claim), as every change raises the version.
    """
    current = claim
    if reread or claim.version != expected_version:
        current = stored(claim)
    check_version(current, expected_version)
    return current


def _write(
    rows: QuerySet[Claim],
    expected_version: int,
    editor: User | None,
    comment: str,
    changes: dict[str, object],
    shape: Hashable,
    pk: int,
    values: Mapping[str, object] | None = None,
) -> Claim | None:
    """The guarded UPDATE … RETURNING and its history; None if no row matched.

    ``rows`` names the claim by CLAIM_KEY, filled with ``pk``; ``shape`` and
    ``values`` as for returning.update_claims.
    """
    written = change_claims(
        rows.filter(version=VERSION_KEY),
        editor=editor,
        reason=comment,
        when=changes.pop("updated_at", None),
        answer=True,
        shape=shape,
        values={
            **(values or {}),
            CLAIM_KEY.name: pk,
            VERSION_KEY.name: expected_version,
        },
        **changes,
    )
    return written[0] if written else None


# A single-claim write's claim and the version it must be at.
CLAIM_KEY = prepared.Slot("claim_key", Claim._meta.pk)
VERSION_KEY = prepared.Slot("expected_version", Claim._meta.get_field("version"))


def change_claims(
    rows: QuerySet[Claim],
    *,
    editor: User | None,
    reason: str = "",
    when: datetime.datetime | None = None,
    answer: bool = False,
    shape: Hashable | None = None,
    values: Mapping[str, object] | None = None,
    **changes: object,
) -> list[Claim]:
    """The one way claims change: apply ``changes`` to ``rows``, raise each
    one's version and copy each, as it now is, into its history.

    One UPDATE … RETURNING with its history's INSERT, whatever the number of
    claims (one statement on PostgreSQL, two on SQLite: recording.written);
    ``when`` is their ``updated_at`` and the history's date. Returns
    the claims changed (none if no row matched): with ``answer``, as the API
    shows them (annotations/services/returning.py), else known by id only.
    ``shape`` and ``values``: the UPDATE compiled once per shape, as
    returning.update_claims says.
    """
    when = when or timezone.now()
    # One transaction: the UPDATE's row locks keep other writers out until
    # the history has copied these very versions. Inside a caller's
    # transaction (the API's, AnswerInTheWriteTransaction) no savepoint:
    # nothing is written when the UPDATE matches no row, and a failure rolls
    # back all.
    with transaction.atomic(savepoint=False):
        changed = returning.update_claims(
            rows,
            {"version": F("version") + 1, "updated_at": when, **changes},
            answer=answer,
            shape=shape,
            values=values,
            history={"user": editor, "reason": reason, "when": when},
        )
    return changed


def back_to_draft(condition: Q) -> dict[str, Case]:
    """Changes that make the claims meeting ``condition`` drafts again, their
    approval gone (it was for other words or evidence); others stay as are."""
    return {
        "status": Case(When(condition, then=Value(Status.DRAFT)), default=F("status")),
        "approved_by": Case(When(condition, then=None), default=F("approved_by")),
        "approved_at": Case(When(condition, then=None), default=F("approved_at")),
    }


def stored(claim: Claim) -> Claim:
    """The claim's current row; a domain error if a merge removed it."""
    current = Claim.objects.filter(pk=claim.pk).first()
    if current is None:
        raise ValidationError(CLAIM_GONE, code="gone")
    return current


def lock_claim(claim: Claim, expected_version: int) -> Claim:
    """The claim's row, locked for this transaction, at ``expected_version``."""
    current = Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if current is None:
        raise ValidationError(CLAIM_GONE, code="gone")
    check_version(current, expected_version)
    return current


def check_version(current: Claim, expected_version: int) -> None:
    if current.version != expected_version:
        raise StaleVersion(current, expected_version)


def refuse_published(claim: Claim) -> None:
    if claim.status == Status.PUBLISHED:
        raise ValidationError(PUBLISHED_FROZEN, code="published")
