"""Every refusal the domain raises, and how each way in answers it.

The services refuse a change by raising one of these exceptions, with a
message for a person. The API (api/errors.py), the pages (web/), the
admin and bulk actions all read here which exceptions are refusals (not
bugs), the HTTP status each is answered with, and its text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from ..importing import ImportRefused
from .changes import StaleVersion


@dataclass(frozen=True)
class Refusal:
    """One kind of refusal and its answers."""

    exception: type[Exception]
    # The REST API's answer.
    api_status: int
    # The pages' answer (an htmx panel, or a page with the message).
    page_status: int
    meaning: str


REFUSALS: tuple[Refusal, ...] = (
    Refusal(
        ImportRefused,
        api_status=400,
        page_status=400,
        meaning="The input cannot become an article; its code says why.",
    ),
    # The API's writes name the version they start from in If-Match, a
    # precondition (412); a page's form carries it as a field, a conflict
    # between what was typed and what is stored (409).
    Refusal(
        StaleVersion,
        api_status=412,
        page_status=409,
        meaning="The claim changed since it was read; the answer shows it now.",
    ),
    Refusal(
        PermissionDenied,
        api_status=403,
        page_status=403,
        meaning="The role does not allow it, or the two-person rule refuses it.",
    ),
    Refusal(
        ValidationError,
        api_status=400,
        page_status=400,
        meaning="The change breaks a rule; its code names the field or the rule.",
    ),
)
# What to catch around a service call: a refusal saves nothing.
EXCEPTIONS: tuple[type[Exception], ...] = tuple(
    refusal.exception for refusal in REFUSALS
)


def refusal_of(error: BaseException) -> Refusal | None:
    """The table's entry for ``error``, or None when it is no refusal."""
    for refusal in REFUSALS:
        if isinstance(error, refusal.exception):
            return refusal
    return None


def page_status(error: Exception) -> int:
    """The HTTP status a page answers ``error`` with."""
    refusal = refusal_of(error)
    if refusal is None:
        raise TypeError(f"{type(error).__name__} is not a refusal") from error
    return refusal.page_status


def message(error: Exception) -> str:
    """The refusal's text for a person (a ValidationError's messages joined)."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, ImportRefused):
        return str(error.message)
    return str(error)
