"""Reading the history of claims and their sources.

django-simple-history gives each model its historical table and the admin's
history pages; the services record each change (annotations/services/
recording.py), and this reads them back as who changed what, when and why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import Claim, Correction, Source

CREATED, CHANGED, DELETED = "+", "~", "-"

# What the history shows as changes, in this order.
CLAIM_FIELDS = (
    "verdict",
    "rationale",
    "status",
    "kind",
    "start",
    "end",
    "text",
    "assignee",
    # The claimant itself is named in the change's comment (claimants.py).
    "appearance_url",
    "appearance_date",
)
SOURCE_FIELDS = ("url", "title", "publisher", "quote", "stance", "accessed_on")
_ACTIONS = {CREATED: "created", CHANGED: "changed", DELETED: "deleted"}


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Entry:
    """One recorded change: who, when, what (old and new values) and why."""

    at: datetime.datetime
    user: str | None
    subject: str  # "claim", "source" or "correction"
    subject_id: int
    action: str  # "created", "changed", "deleted", "proposed", "approved", ...
    changes: list[Change] = field(default_factory=list)
    comment: str = ""
    version: int | None = None


def claim_history(claim_id: int) -> list[Entry]:
    """Everything that happened to a claim and its sources, oldest first."""
    claims = (
        Claim.history.filter(id=claim_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    sources = (
        Source.history.filter(claim_id=claim_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    corrections = (
        Correction.objects.filter(claim_id=claim_id)
        .select_related("proposed_by", "decided_by")
        .order_by("proposed_at", "id")
    )
    claim_entries = _diffed(claims, "claim", CLAIM_FIELDS)
    _name_assignees(claim_entries)
    entries = [
        *claim_entries,
        *_diffed(sources, "source", SOURCE_FIELDS),
        *_correction_entries(corrections),
    ]
    # A correction's decision, or a source's change, and the claim change it
    # causes share a time: the cause reads first.
    entries.sort(key=lambda entry: (entry.at, _CAUSES_FIRST[entry.subject]))
    return entries


_CAUSES_FIRST = {"correction": 0, "source": 1, "claim": 2}


def _diffed(records: QuerySet, subject: str, fields: tuple[str, ...]) -> list[Entry]:
    entries = []
    previous: dict[int, object] = {}
    # Foreign keys are compared by id, without loading the related rows.
    columns = [f"{name}_id" if name in ("assignee",) else name for name in fields]
    for row in records:
        before = previous.get(row.id)
        changes = [
            Change(
                name, getattr(before, column) if before else None, getattr(row, column)
            )
            for name, column in zip(fields, columns, strict=True)
            if before is None or getattr(before, column) != getattr(row, column)
        ]
        if row.history_type == CREATED or before is None:
            changes = [c for c in changes if c.new not in (None, "")]
        if row.history_type == DELETED:
            changes = []
        previous[row.id] = row
        entries.append(
            Entry(
                at=row.history_date,
                user=row.history_user.get_username() if row.history_user else None,
                subject=subject,
                subject_id=row.id,
                action=_ACTIONS[row.history_type],
                changes=changes,
                comment=row.history_change_reason or "",
                version=getattr(row, "version", None),
            )
        )
    return entries


def _name_assignees(entries: list[Entry]) -> None:
    """Assignees as usernames rather than ids (one query, only if any changed)."""
    ids = {
        value
        for entry in entries
        for change in entry.changes
        if change.field == "assignee"
        for value in (change.old, change.new)
        if value is not None
    }
    if not ids:
        return
    names = dict(
        get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
    )
    for entry in entries:
        entry.changes[:] = [
            Change(c.field, names.get(c.old), names.get(c.new))
            if c.field == "assignee"
            else c
            for c in entry.changes
        ]


def _correction_entries(corrections: QuerySet) -> list[Entry]:
    entries = []
    for correction in corrections:
        changes = [
            Change("verdict", correction.old_verdict, correction.new_verdict),
            Change("rationale", correction.old_rationale, correction.new_rationale),
        ]
        entries.append(
            Entry(
                at=correction.proposed_at,
                user=_name(correction.proposed_by),
                subject="correction",
                subject_id=correction.pk,
                action="proposed",
                changes=changes,
                comment=correction.reason,
            )
        )
        if correction.decided_at is not None:
            entries.append(
                Entry(
                    at=correction.decided_at,
                    user=_name(correction.decided_by),
                    subject="correction",
                    subject_id=correction.pk,
                    action=correction.status,
                    comment=correction.decision_comment,
                )
            )
    return entries


def _name(user: AbstractBaseUser | None) -> str | None:
    return user.get_username() if user is not None else None
