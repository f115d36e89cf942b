"""Who made a claim, and where and when it appeared.

As in Google's ClaimReview (itemReviewed.author, appearance) and Meedan
Check: a claimant is a person or an organisation, with a role ("company
founder"), shared by every claim they made; the appearance is an address and
a date, left blank when it is the article's own.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import roles
from ..models import Claim, Claimant, ClaimantType
from .changes import write_claim
from .sources import clean_url

User = AbstractBaseUser

UNKNOWN_TYPE = _("Unknown claimant type '{value}'. Use one of: {allowed}.")
NAME_TOO_LONG = _("A claimant's name has at most {limit} characters.")
ROLE_TOO_LONG = _("A claimant's role has at most {limit} characters.")
ROLE_WITHOUT_NAME = _("Name the claimant whose role this is.")
FUTURE_APPEARANCE = _("The appearance date {date} is in the future.")
NAME_LIMIT = 200
ROLE_LIMIT = 200
# Claimants the panel offers to complete a name from: the most used ones.
SUGGESTIONS = 200
_SPACES = re.compile(r"\s+")


def set_claimant(
    *,
    claim: Claim,
    editor: User | None,
    expected_version: int,
    name: str,
    claimant_type: str = ClaimantType.PERSON,
    role: str | None = None,
    appearance_url: str = "",
    appearance_date: datetime.date | None = None,
) -> Claim:
    """Say who made a claim and where and when it appeared; a blank name clears it.

    The claimant is found by name and type (case aside) or created; a
    ``role`` given replaces theirs (None keeps it). Refused with StaleVersion
    if the claim changed since ``expected_version``. Published claims take it
    too: it names the claim's author, not the verdict, and the history keeps
    each change.
    """
    roles.require(editor, roles.EDIT)
    name = _SPACES.sub(" ", name).strip()
    role = None if role is None else _SPACES.sub(" ", role).strip()
    _check(name, claimant_type, role, appearance_date)
    try:
        appearance_url = clean_url(appearance_url, blank=True)
    except ValidationError as error:
        raise ValidationError(error.messages[0], code="appearance_url") from None
    with transaction.atomic():
        claimant = _claimant(name, claimant_type, role) if name else None
        write_claim(
            claim,
            expected_version,
            editor=editor,
            comment=f"claimant: {claimant}" if claimant else "claimant cleared",
            claimant=claimant,
            appearance_url=appearance_url,
            appearance_date=appearance_date,
            updated_at=timezone.now(),
        )
    return Claim.objects.select_related("claimant").get(pk=claim.pk)


def _check(
    name: str, claimant_type: str, role: str | None, day: datetime.date | None
) -> None:
    if claimant_type not in ClaimantType.values:
        allowed = ", ".join(ClaimantType.values)
        raise ValidationError(
            UNKNOWN_TYPE.format(value=claimant_type, allowed=allowed), code="type"
        )
    if len(name) > NAME_LIMIT:
        raise ValidationError(NAME_TOO_LONG.format(limit=NAME_LIMIT), code="name")
    if role and len(role) > ROLE_LIMIT:
        raise ValidationError(ROLE_TOO_LONG.format(limit=ROLE_LIMIT), code="role")
    if role and not name:
        raise ValidationError(ROLE_WITHOUT_NAME, code="name")
    if day is not None and day > timezone.localdate():
        raise ValidationError(
            FUTURE_APPEARANCE.format(date=day.isoformat()), code="appearance_date"
        )


def _claimant(name: str, claimant_type: str, role: str | None) -> Claimant:
    """The claimant of this name and type, created if new, with ``role`` set."""
    claimant = Claimant.objects.filter(name__iexact=name, type=claimant_type).first()
    if claimant is None:
        # Two editors naming the same new claimant at once: the unique
        # constraint lets one in, and the other reads it back.
        try:
            with transaction.atomic():
                return Claimant.objects.create(
                    name=name, type=claimant_type, role=role or ""
                )
        except IntegrityError:
            claimant = Claimant.objects.get(name__iexact=name, type=claimant_type)
    if role is not None and role != claimant.role:
        Claimant.objects.filter(pk=claimant.pk).update(role=role)
        claimant.role = role
    return claimant


def suggestions() -> QuerySet[Claimant]:
    """Claimants used before, most used first: what the panel's name field offers."""
    return (
        Claimant.objects.annotate(uses=Count("claims"), last=Max("claims__updated_at"))
        .filter(uses__gt=0)
        .order_by("-uses", "-last", "name")[:SUGGESTIONS]
    )


NAME_TAKEN = _("There is already a claimant of this type named {name}.")
NAME_REQUIRED = _("A claimant needs a name.")


def update_claimant(
    *, claimant: Claimant, editor: User | None, name: str, claimant_type: str, role: str
) -> Claimant:
    """Correct a claimant's name, type or role (every claim of theirs follows)."""
    roles.require(editor, roles.EDIT)
    name = _SPACES.sub(" ", name).strip()
    role = _SPACES.sub(" ", role).strip()
    if not name:
        raise ValidationError(NAME_REQUIRED, code="name")
    _check(name, claimant_type, role, None)
    twin = Claimant.objects.filter(name__iexact=name, type=claimant_type).exclude(
        pk=claimant.pk
    )
    if twin.exists():
        raise ValidationError(NAME_TAKEN.format(name=name), code="name")
    Claimant.objects.filter(pk=claimant.pk).update(
        name=name, type=claimant_type, role=role
    )
    return Claimant.objects.get(pk=claimant.pk)
